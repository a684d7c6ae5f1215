"""The scoring weights and thresholds, read from `scoring.toml` (or SCOUT_SCORING_CONFIG)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.errors import ConfigError

BUNDLED_CONFIG = Path(__file__).resolve().parent / "scoring.toml"

Positive = Annotated[float, Field(gt=0)]
NonNegative = Annotated[float, Field(ge=0)]
Share = Annotated[float, Field(ge=0, le=1)]


class _Section(BaseModel):
    # TOML has inf and nan: an infinite weight made every score NaN (a traceback), and a
    # nan similarity bound left every creator out of every niche.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Weights(_Section):
    engagement: NonNegative
    authenticity: NonNegative
    niche_fit: NonNegative
    cost_efficiency: NonNegative


class EngagementConfig(_Section):
    half_at_ratio: Positive


class CostConfig(_Section):
    reference_cpe_usd: Positive


class AuthenticityConfig(_Section):
    sponsored_free_ratio: Annotated[float, Field(ge=0, lt=1)]
    sponsored_max_penalty: Share
    growth_free_30d: NonNegative
    growth_full_penalty_30d: Positive
    growth_max_penalty: Share
    low_comments_penalty: Share


class FlagConfig(_Section):
    over_sponsored_ratio: Share
    growth_spike_30d: NonNegative
    anomaly_comments_per_like: NonNegative
    anomaly_benchmark_multiple: Positive


class NicheConfig(_Section):
    min_fit: Share
    similarity_floor: float
    similarity_ceiling: float
    bio_term_credit: Share
    stopwords: list[str]
    synonyms: dict[str, list[str]]


class ScoringConfig(_Section):
    """Everything that tunes the score; weights live here, not in code."""

    weights: Weights
    engagement: EngagementConfig
    cost: CostConfig
    authenticity: AuthenticityConfig
    flags: FlagConfig
    niche: NicheConfig


def load_scoring_config(path: Path | None = None) -> ScoringConfig:
    """Read and validate a scoring file; a bad one raises ConfigError naming the file and key."""
    source = path or BUNDLED_CONFIG
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read scoring config {source}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"scoring config {source}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); "
            "save it as UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"scoring config {source} is not valid TOML: {exc}") from None
    try:
        config = ScoringConfig.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"scoring config {source}: {key}: {first['msg']}") from None
    if config.niche.similarity_ceiling <= config.niche.similarity_floor:
        raise ConfigError(f"scoring config {source}: niche.similarity_ceiling must exceed floor")
    weights = config.weights
    if weights.engagement + weights.authenticity + weights.cost_efficiency <= 0:
        # A score without a brief (score, compare, shortlists, digests) leaves niche fit
        # out, so with only niche_fit weighted every such score would be 0.
        raise ConfigError(
            f"scoring config {source}: weights: at least one of engagement, authenticity "
            "and cost_efficiency must be above 0"
        )
    return config
