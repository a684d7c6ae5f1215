"""Slack listeners and Block Kit builders, each folder with register(app)."""
