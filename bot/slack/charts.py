"""Score charts as PNG (matplotlib, Agg) and their upload to Slack with files_upload_v2."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.scoring.models import ScoreCard

if TYPE_CHECKING:
    from slack_sdk import WebClient

logger = logging.getLogger(__name__)

_BAR = "#4a7bd0"
_FLAGGED = "#d08a4a"


def render_score_chart(cards: Sequence[ScoreCard], title: str) -> bytes:
    """A horizontal bar chart of scores, best on top, flagged creators in orange."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    ordered = list(cards)[::-1]  # barh draws bottom-up; keep the best on top
    height = 1.2 + 0.45 * max(len(ordered), 1)
    figure = Figure(figsize=(7, height), dpi=110)
    axes = figure.subplots()
    labels = [c.handle for c in ordered]
    scores = [c.score for c in ordered]
    colours = [_FLAGGED if c.flags else _BAR for c in ordered]
    bars = axes.barh(labels, scores, color=colours)
    for bar, card in zip(bars, ordered, strict=True):
        axes.text(
            bar.get_width() + 1,
            bar.get_y() + bar.get_height() / 2,
            f"{card.score:.0f} · ER {card.engagement_rate * 100:.1f}%",
            va="center",
            fontsize=8,
        )
    axes.set_xlim(0, 115)
    axes.set_xlabel("score (0-100)")
    axes.set_title(title, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def upload_chart(
    client: WebClient,
    channel_id: str | None,
    png: bytes,
    title: str,
    thread_ts: str | None = None,
) -> str | None:
    """Upload a chart (to `channel_id`, or privately when None) and return its file id."""
    response = client.files_upload_v2(
        channel=channel_id,
        thread_ts=thread_ts,
        file=png,
        filename="scores.png",
        title=title,
    )
    files: list[dict[str, Any]] = response.get("files") or []
    file_id = files[0].get("id") if files else None
    return str(file_id) if file_id else None
