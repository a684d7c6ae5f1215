"""Engagement-rate benchmarks by platform and follower band, from `bot/data/benchmarks.csv`.

Each row names its source and its definition (per follower or per view), and a
creator is only ever compared with a benchmark of the same definition.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from bot.errors import ConfigError

if TYPE_CHECKING:
    from numpy.typing import NDArray

BUNDLED_BENCHMARKS = Path(__file__).resolve().parent.parent / "data" / "benchmarks.csv"

PLATFORMS: tuple[str, ...] = ("instagram", "tiktok", "youtube", "threads")
PLATFORM_LABELS = {"instagram": "Instagram", "tiktok": "TikTok", "youtube": "YouTube"}

Definition = Literal["follower", "view"]


def _short(count: float) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:g}M"
    return f"{count / 1000:g}k"


@dataclass(frozen=True)
class Benchmark:
    """One published engagement-rate range (fractions, not percent)."""

    platform: str
    min_followers: float
    max_followers: float
    definition: Definition
    low: float
    high: float
    source: str

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2

    @property
    def band(self) -> str:
        if math.isinf(self.max_followers):
            return f"{_short(self.min_followers)}+"
        if self.max_followers < 1_000_000:
            return f"{self.min_followers / 1000:g}-{_short(self.max_followers)}"
        return f"{_short(self.min_followers)}-{_short(self.max_followers)}"

    @property
    def label(self) -> str:
        """E.g. "Instagram 10-50k", as a marketer would say it."""
        return f"{PLATFORM_LABELS.get(self.platform, self.platform)} {self.band}"

    @property
    def range_text(self) -> str:
        publisher = self.source.split(" ", 1)[0]
        return f"{self.low:.2%}-{self.high:.2%} per {self.definition}, {publisher}"


class BenchmarkTable:
    """The primary benchmark rows, with a vectorised band lookup."""

    def __init__(self, rows: list[Benchmark]) -> None:
        self.rows = rows
        self.mid = np.array([row.mid for row in rows], dtype=np.float64)
        self._by_platform: dict[int, tuple[Definition, NDArray[np.float64], NDArray[np.intp]]] = {}
        for code, platform in enumerate(PLATFORMS):
            indices = [i for i, row in enumerate(rows) if row.platform == platform]
            if not indices:
                continue
            definitions = {rows[i].definition for i in indices}
            if len(definitions) != 1:
                raise ConfigError(f"benchmarks: {platform} mixes per-follower and per-view rows")
            indices.sort(key=lambda i: rows[i].min_followers)
            mins = np.array([rows[i].min_followers for i in indices], dtype=np.float64)
            self._by_platform[code] = (definitions.pop(), mins, np.array(indices, dtype=np.intp))

    def definition(self, platform: str) -> Definition | None:
        """The definition the platform's benchmarks use, or None when it has none."""
        entry = self._by_platform.get(PLATFORMS.index(platform))
        return entry[0] if entry else None

    def lookup(
        self,
        platform_codes: NDArray[np.int8],
        followers: NDArray[np.float64],
        views_known: NDArray[np.bool_],
    ) -> NDArray[np.intp]:
        """Row index per creator, or -1 when no like-for-like benchmark exists.

        Creators below the smallest published band are compared with that band.
        """
        result = np.full(len(followers), -1, dtype=np.intp)
        for code, (definition, mins, indices) in self._by_platform.items():
            mask = platform_codes == code
            if definition == "view":
                mask &= views_known
            band = np.searchsorted(mins, followers[mask], side="right") - 1
            result[mask] = indices[np.clip(band, 0, len(indices) - 1)]
        return result


def load_benchmarks(path: Path = BUNDLED_BENCHMARKS) -> BenchmarkTable:
    """Read the benchmark file; only rows marked primary take part in scoring."""
    rows: list[Benchmark] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            try:
                if record["primary"].strip().lower() != "true":
                    continue
                definition = record["definition"].strip()
                if definition not in ("follower", "view"):
                    raise ValueError(f"definition must be follower or view, got {definition!r}")
                rows.append(
                    Benchmark(
                        platform=record["platform"].strip(),
                        min_followers=float(record["min_followers"]),
                        max_followers=float(record["max_followers"] or "inf"),
                        definition=definition,  # type: ignore[arg-type]
                        low=float(record["low_pct"]) / 100,
                        high=float(record["high_pct"]) / 100,
                        source=record["source"].strip(),
                    )
                )
            except (KeyError, ValueError) as exc:
                raise ConfigError(f"benchmarks {path}:{line}: {exc}") from None
    return BenchmarkTable(rows)
