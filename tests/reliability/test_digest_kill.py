"""A `scout digest run` process killed (SIGKILL) mid-post: once its claim's lease has run
out, a rerun recovers the post from the channel history and posts each change once."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update

from bot.digests.schedule import Schedule
from bot.store.db import open_database
from bot.store.digest_schema import DigestPost
from bot.store.digests import DigestStore
from bot.store.schema import utcnow
from bot.store.shortlists import ShortlistStore
from tests.digests.test_cli import scout_env
from tests.digests.test_runner import SlackWithHistory

TEAM = "T111"


class HangingSlack(SlackWithHistory):
    """Records the first digest post, then never answers it, like a process dying mid-call."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self._hung = False

    def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method == "chat.postMessage" and not self._hung:
            self._hung = True
            self.release.wait(60)
        return super()._answer(method, body)


def digest_run(env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "digest", "run", "--now", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_a_digest_run_killed_mid_post_is_finished_once_by_a_rerun(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'scout.db'}"
    engine = open_database(db_url)
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    DigestStore(engine).subscribe(
        TEAM, "C1", "launch", Schedule(frequency="daily", at_time="00:00", timezone="UTC"), "U1"
    )
    shortlists.add(TEAM, "launch", "@bruno", "U1")
    with HangingSlack() as slack:
        env = scout_env(db_url, slack)
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "digest", "run", "--now", "--json"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        slack.wait_for("chat.postMessage", timeout=60)  # Slack has the message...
        process.send_signal(signal.SIGKILL)  # ...and the runner dies before hearing back
        process.wait(timeout=10)
        slack.release.set()

        assert digest_run(env)["posted"] == 0, "the dead runner's lease still holds"
        with engine.begin() as connection:  # five minutes later: the lease has run out
            connection.execute(
                update(DigestPost).values(lease_until=utcnow() - timedelta(seconds=1))
            )
        rerun = digest_run(env)
        assert len(slack.calls_to("chat.postMessage")) == 1, "the rerun did not post again"
        assert digest_run(env)["posted"] == 0, "nothing new, nothing posted"

        shortlists.add(TEAM, "launch", "@carla", "U1")
        assert digest_run(env)["posted"] == 1
        posts = slack.calls_to("chat.postMessage")
    assert "recovered" in json.dumps(rerun)
    assert [p.body["text"] for p in posts] == ["Shortlist digest for launch: 1 added"] * 2
    assert "@carla" not in json.dumps(posts[0].body)  # the second digest is @carla's alone
    engine.dispose()
