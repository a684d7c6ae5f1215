"""Persistence: shortlists, change log, feedback, history, events, digests."""
