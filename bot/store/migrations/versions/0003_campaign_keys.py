"""Campaign keys: NFKC + casefold instead of lower(), so "Straße" and "STRASSE" are one campaign

Revision ID: 0003
Revises: 0002

Stored keys were NFC(lower(name)); this rewrites them as the store now computes them.
Two old keys that now meet ("straße" and "strasse") become one campaign: a creator on
both stays once (the earlier entry), and a channel subscribed to both keeps one
subscription (the active one, else the older) and its posts.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))


def _key(campaign: str) -> str:
    # bot.store.shortlists.normalise_campaign as of this revision, frozen here.
    folded = unicodedata.normalize("NFKC", campaign.translate(_ZERO_WIDTH)).casefold()
    return " ".join(unicodedata.normalize("NFKC", folded).split())


def upgrade() -> None:
    conn = op.get_bind()
    entries = conn.execute(
        sa.text("SELECT id, team_id, campaign, handle FROM shortlist_entries ORDER BY id")
    ).all()
    kept: set[tuple[str, str, str]] = set()
    for row_id, team_id, campaign, handle in entries:
        if (team_id, _key(campaign), handle) in kept:
            conn.execute(sa.text("DELETE FROM shortlist_entries WHERE id = :id"), {"id": row_id})
        else:
            kept.add((team_id, _key(campaign), handle))

    subscriptions = conn.execute(
        sa.text(
            "SELECT id, team_id, channel_id, campaign FROM digest_subscriptions "
            "ORDER BY active DESC, id"
        )
    ).all()
    subscribed: set[tuple[str, str, str]] = set()
    for row_id, team_id, channel_id, campaign in subscriptions:
        if (team_id, channel_id, _key(campaign)) in subscribed:
            # Two digests of one campaign in one channel would post every change twice.
            for delete in (
                "DELETE FROM digest_posts WHERE subscription_id = :id",
                "DELETE FROM digest_subscriptions WHERE id = :id",
            ):
                conn.execute(sa.text(delete), {"id": row_id})
        else:
            subscribed.add((team_id, channel_id, _key(campaign)))

    # Duplicates are gone, so no renamed row meets another under the unique constraints.
    for table in ("shortlist_entries", "shortlist_changes", "digest_subscriptions"):
        names = conn.execute(sa.text(f"SELECT DISTINCT campaign FROM {table}")).scalars().all()
        for campaign in names:
            if _key(campaign) != campaign:
                conn.execute(
                    sa.text(f"UPDATE {table} SET campaign = :key WHERE campaign = :old"),
                    {"key": _key(campaign), "old": campaign},
                )


def downgrade() -> None:
    # Keys are folded one way: "strasse" cannot tell it was once "straße". Nothing to undo.
    pass
