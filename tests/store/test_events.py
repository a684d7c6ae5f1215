"""Event ledger on real SQLite and PostgreSQL: one claim wins, even across threads."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from bot.store.events import EventLedger, message_key


def test_an_event_is_claimed_once(engine: Engine) -> None:
    ledger = EventLedger(engine)
    event_id = f"Ev{uuid.uuid4().hex}"
    assert ledger.claim("T1", event_id)
    assert not ledger.claim("T1", event_id)
    assert ledger.seen(event_id)


def test_a_message_seen_under_two_event_ids_is_claimed_once(engine: Engine) -> None:
    ledger = EventLedger(engine)
    key = message_key("T1", "C1", f"{uuid.uuid4().int % 10**9}.0001")
    mention_id, message_id = f"Ev{uuid.uuid4().hex}", f"Ev{uuid.uuid4().hex}"
    assert ledger.claim("T1", mention_id, key)
    assert not ledger.claim("T1", message_id, key)
    # The losing claim is rolled back whole, so its own event id stays free.
    assert not ledger.seen(message_id)


def test_racing_claims_have_one_winner(engine: Engine) -> None:
    ledger = EventLedger(engine)
    event_id = f"Ev{uuid.uuid4().hex}"
    barrier = threading.Barrier(8)
    wins: list[bool] = []

    def claim() -> None:
        barrier.wait()
        wins.append(ledger.claim("T1", event_id))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False] * 7 + [True]


def test_prune_forgets_only_old_claims(engine: Engine) -> None:
    ledger = EventLedger(engine)
    old, new = f"Ev{uuid.uuid4().hex}", f"Ev{uuid.uuid4().hex}"
    assert ledger.claim("T1", old)
    cutoff = datetime.now(UTC)
    time.sleep(0.01)
    assert ledger.claim("T1", new)
    assert ledger.prune(cutoff) >= 1
    assert not ledger.seen(old)
    assert ledger.seen(new)
    assert ledger.claim("T1", old)  # claimable again once forgotten
