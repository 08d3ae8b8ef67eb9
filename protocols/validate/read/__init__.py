"""Reading logs: which files, which format, one record and its messages at a time, within limits."""
