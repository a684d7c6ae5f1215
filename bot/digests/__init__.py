"""Channel digests of shortlist changes."""
