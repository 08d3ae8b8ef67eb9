"""Checking messages: the Validator, the envelope and payload checks, the fast lanes, the JSON Schema engine."""
