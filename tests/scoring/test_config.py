"""The scoring config file: every bad one is a one-line ConfigError naming the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.scoring.config import BUNDLED_CONFIG, load_scoring_config


def test_the_bundled_config_loads() -> None:
    assert load_scoring_config().weights.engagement > 0


def test_a_config_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    # A copy edited and saved as Latin-1 ended in a UnicodeDecodeError traceback.
    custom = tmp_path / "scoring.toml"
    text = BUNDLED_CONFIG.read_text("utf-8").replace("# Weights", "# Pondération des weights")
    custom.write_bytes(text.encode("latin-1"))
    with pytest.raises(ConfigError) as info:
        load_scoring_config(custom)
    assert str(info.value) == (
        f"scoring config {custom}: not UTF-8 text (byte 0xe9); save it as UTF-8"
    )
