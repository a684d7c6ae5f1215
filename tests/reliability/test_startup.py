"""`scout serve` refuses to start on an unreachable database, Chroma server or Slack API,
naming the setting; the embedded Chroma fallback is used only when SCOUT_CHROMA_FALLBACK
asks for it."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from bot.config import Settings
from tests.slack.conftest import (
    BOT_TOKEN,
    SIGNING_SECRET,
    posts_in_thread,
    serve_env,
    served_app,
)
from tests.support.fake_slack import FakeSlack
from tests.support.slack_http import mention_event


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def scout_serve_fails(env: dict[str, str]) -> str:
    """Run `scout serve`, expect it to exit 1, and return its last stderr line."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
        env={**env, "PORT": str(closed_port())},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_an_unreachable_database_stops_the_start_naming_database_url(
    index_dir: Path, fake_slack: FakeSlack
) -> None:
    url = f"postgresql://scout:s3cret-pw@127.0.0.1:{closed_port()}/scout"
    line = scout_serve_fails(serve_env(index_dir, fake_slack, url))
    assert line.startswith("scout: cannot open the database (DATABASE_URL)")
    assert "s3cret-pw" not in line


def test_an_unreachable_slack_api_stops_the_start_naming_slack_api_url(
    index_dir: Path, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    env = serve_env(index_dir, fake_slack, f"sqlite:///{tmp_path / 'db.sqlite'}")
    env["SLACK_API_URL"] = f"http://127.0.0.1:{closed_port()}/api/"
    line = scout_serve_fails(env)
    assert line.startswith(f"scout: cannot reach the Slack API at {env['SLACK_API_URL']}")
    assert "(SLACK_API_URL)" in line
    assert BOT_TOKEN not in line


def test_a_refused_app_token_stops_the_socket_mode_start_naming_slack_app_token(
    index_dir: Path, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    refused = {"ok": False, "error": "invalid_auth"}
    fake_slack.fail_next("apps.connections.open", 200, times=5, body=refused)
    env = serve_env(
        index_dir,
        fake_slack,
        f"sqlite:///{tmp_path / 'db.sqlite'}",
        SLACK_APP_TOKEN="xapp-not-a-real-app-token",
    )
    line = scout_serve_fails(env)
    assert line.startswith("scout: SLACK_APP_TOKEN was refused by Slack: invalid_auth")
    assert "xapp-not-a-real-app-token" not in line


def test_an_unreachable_chroma_server_stops_the_start_naming_chroma_host(
    index_dir: Path, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    env = serve_env(
        index_dir,
        fake_slack,
        f"sqlite:///{tmp_path / 'db.sqlite'}",
        CHROMA_HOST="127.0.0.1",
        CHROMA_PORT=str(closed_port()),
    )
    line = scout_serve_fails(env)
    assert line.startswith("scout: cannot reach the Chroma server at 127.0.0.1:")
    assert "CHROMA_HOST/CHROMA_PORT" in line


def test_the_embedded_fallback_answers_from_the_local_index_when_configured(
    index_dir: Path, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None,
        scout_data_dir=index_dir,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        chroma_host="127.0.0.1",
        chroma_port=closed_port(),
        scout_chroma_fallback="embedded",
    )
    with served_app(settings, fake_slack) as app:
        app.send_event(
            mention_event("how do we measure ROI?", ts="910.0001"), event_id="EvFallback"
        )
        app.slack.wait_for("reactions.remove", timeout=30)
        [answer] = posts_in_thread(app.slack, "C111", "910.0001")
    sources = [b for b in answer["blocks"] if b["type"] == "context"]
    assert sources, "the answer cites guidance from the embedded index"
