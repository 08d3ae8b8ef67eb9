"""``protocols validate``: messages and logs against a plan."""
