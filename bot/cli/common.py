"""Helpers shared by the CLI commands: settings, JSON output, errors."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from bot.errors import NotReadyError

if TYPE_CHECKING:
    from bot.config import Settings


def settings() -> Settings:
    """Load and validate the settings; a bad value raises a one-line ConfigError."""
    from bot.config import load_settings

    return load_settings()


def plural(count: int, word: str) -> str:
    """ "1 creator", "2 creators"."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


# The database columns' widths (bot/store/): PostgreSQL refuses a longer value with a
# traceback, where SQLite would quietly store it.
TEAM_ID_WIDTH = 32
CHANNEL_ID_WIDTH = 32
ACTOR_WIDTH = 64
CONVERSATION_KEY_WIDTH = 200


def at_most(width: int) -> Callable[[str | None], str | None]:
    """An option callback refusing a value longer than the column it is stored in."""

    def check(value: str | None) -> str | None:
        if value is not None and len(value) > width:
            raise typer.BadParameter(f"{len(value)} characters is too long (at most {width})")
        return value

    return check


def path_argument(text: str) -> Path:
    """A file or folder argument; an empty one (an unset shell variable, `"$FILE"`) is
    refused, not read as the current folder."""
    if not text.strip():
        raise typer.BadParameter("an empty path: name a file or folder")
    return Path(text)


def _finite(value: Any) -> Any:
    """The value with every infinite or NaN float as None: JSON has no Infinity or NaN."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def print_json(payload: Any) -> None:
    """Print exactly one JSON document on stdout.

    A roster with extreme numbers (likes near 1e308, views near 0) can overflow a metric
    to infinity; it prints as null, as pydantic's own JSON does, not as `Infinity`.
    """
    from pydantic import BaseModel

    if isinstance(payload, BaseModel):
        payload = payload.model_dump(mode="json")
    elif isinstance(payload, list):
        payload = [p.model_dump(mode="json") if isinstance(p, BaseModel) else p for p in payload]
    text = json.dumps(_finite(payload), ensure_ascii=False, indent=2, allow_nan=False)
    sys.stdout.write(text + "\n")


def not_available(command: str) -> NotReadyError:
    """The error for a command whose implementation has not landed yet."""
    return NotReadyError(f"`scout {command}` is not available yet")
