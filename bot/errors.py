"""Errors that carry a message meant for the user, not a traceback."""


class ScoutError(Exception):
    """A failure the user can act on; its message is one clear line."""


class ConfigError(ScoutError):
    """A setting is missing or has a bad value."""


class NotReadyError(ScoutError):
    """Something must be built or loaded first (for example the index)."""
