"""The roster as columns (numpy arrays), so metrics for a million creators are a few array ops."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bot.scoring.benchmarks import PLATFORMS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from bot.scoring.models import Creator


@dataclass(frozen=True)
class RosterTable:
    """One entry per creator, sorted by handle; unknown views are NaN."""

    handles: list[str]
    names: list[str]
    platform: NDArray[np.int8]
    niches: list[list[str]]
    bios: list[str]
    followers: NDArray[np.float64]
    avg_likes: NDArray[np.float64]
    avg_comments: NDArray[np.float64]
    avg_shares: NDArray[np.float64]
    avg_saves: NDArray[np.float64]
    avg_views: NDArray[np.float64]
    sponsored_ratio: NDArray[np.float64]
    rate_usd: NDArray[np.float64]
    follower_growth_30d: NDArray[np.float64]
    countries: NDArray[np.str_]  # audience_top_country, upper case ("" unknown)

    def __len__(self) -> int:
        return len(self.handles)

    def platform_name(self, index: int) -> str:
        return PLATFORMS[int(self.platform[index])]

    @classmethod
    def from_creators(cls, creators: Sequence[Creator]) -> RosterTable:
        ordered = sorted(creators, key=lambda creator: creator.handle)
        codes = {name: code for code, name in enumerate(PLATFORMS)}

        def column(field: str) -> NDArray[np.float64]:
            return np.array([getattr(c, field) for c in ordered], dtype=np.float64)

        views = [np.nan if c.avg_views is None else c.avg_views for c in ordered]
        return cls(
            handles=[c.handle for c in ordered],
            names=[c.name for c in ordered],
            platform=np.array([codes[c.platform] for c in ordered], dtype=np.int8),
            niches=[list(c.niches) for c in ordered],
            bios=[c.bio for c in ordered],
            followers=column("followers"),
            avg_likes=column("avg_likes"),
            avg_comments=column("avg_comments"),
            avg_shares=column("avg_shares"),
            avg_saves=column("avg_saves"),
            avg_views=np.array(views, dtype=np.float64),
            sponsored_ratio=column("sponsored_ratio"),
            rate_usd=column("rate_usd"),
            follower_growth_30d=column("follower_growth_30d"),
            countries=np.array(
                [c.audience_top_country.strip().upper() for c in ordered], dtype=np.str_
            ),
        )
