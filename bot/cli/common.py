"""Helpers shared by the CLI commands: settings, JSON output, errors."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from bot.errors import NotReadyError

if TYPE_CHECKING:
    from bot.config import Settings


def settings() -> Settings:
    """Load and validate the settings; a bad value raises a one-line ConfigError."""
    from bot.config import load_settings

    return load_settings()


def print_json(payload: Any) -> None:
    """Print exactly one JSON document on stdout."""
    from pydantic import BaseModel

    if isinstance(payload, BaseModel):
        payload = payload.model_dump(mode="json")
    elif isinstance(payload, list):
        payload = [p.model_dump(mode="json") if isinstance(p, BaseModel) else p for p in payload]
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def not_available(command: str) -> NotReadyError:
    """The error for a command whose implementation has not landed yet."""
    return NotReadyError(f"`scout {command}` is not available yet")
