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


@pytest.mark.parametrize(
    ("line", "value", "key"),
    [
        ("engagement = 0.40", "engagement = inf", "weights.engagement"),
        ("similarity_floor = 0.30", "similarity_floor = nan", "niche.similarity_floor"),
        ("half_at_ratio = 1.0", "half_at_ratio = inf", "engagement.half_at_ratio"),
    ],
)
def test_a_number_that_is_not_finite_is_refused(
    tmp_path: Path, line: str, value: str, key: str
) -> None:
    custom = tmp_path / "scoring.toml"
    text = BUNDLED_CONFIG.read_text("utf-8")
    assert line in text
    custom.write_text(text.replace(line, value, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_scoring_config(custom)
    assert str(info.value).startswith(f"scoring config {custom}: {key}: ")
    assert "\n" not in str(info.value)


def test_weights_on_niche_fit_alone_are_refused(tmp_path: Path) -> None:
    # Every score without a brief (score, compare, shortlists, digests) came out 0.
    text = BUNDLED_CONFIG.read_text("utf-8")
    for line in ("engagement = 0.40", "authenticity = 0.20", "cost_efficiency = 0.15"):
        text = text.replace(line, line.split("=")[0] + "= 0", 1)
    custom = tmp_path / "scoring.toml"
    custom.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_scoring_config(custom)
    assert str(info.value) == (
        f"scoring config {custom}: weights: at least one of engagement, authenticity "
        "and cost_efficiency must be above 0"
    )
