"""Creator Scout: a Slack assistant that helps brand teams choose micro-influencers."""

__version__ = "0.1.0"
