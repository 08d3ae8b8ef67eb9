"""Counting a run: exact counts and capped examples, naming drift, every finding on disk, mergeable parts."""
