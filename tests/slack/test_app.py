"""`create_app`, `scout serve` start-up checks, and the manifest matching the listeners."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.app import build_web_client, create_app
from bot.config import PROJECT_DIR, Settings
from bot.deps import Deps
from bot.errors import ConfigError
from tests.slack.conftest import scout_serve, serve_env
from tests.support.fake_slack import FakeSlack

MANIFEST = PROJECT_DIR / "slack_manifest.yml"


def _settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


@pytest.mark.parametrize(
    ("values", "missing"),
    [
        ({"slack_signing_secret": "s"}, "SLACK_BOT_TOKEN"),
        ({"slack_bot_token": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
    ],
)
def test_create_app_names_the_missing_setting(values: dict[str, str], missing: str) -> None:
    settings = _settings(**values)
    with pytest.raises(ConfigError, match=missing):
        create_app(settings, Deps(settings))


def test_a_refused_bot_token_stops_the_start(tmp_path: Path) -> None:
    with FakeSlack() as slack:
        slack.fail_next("auth.test", 200, body={"ok": False, "error": "invalid_auth"})
        settings = _settings(
            scout_data_dir=tmp_path,
            slack_bot_token="xoxb-revoked",
            slack_signing_secret="s",
            slack_api_url=slack.api_url,
        )
        with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN was refused by Slack"):
            create_app(settings, Deps(settings))


def test_a_start_with_the_token_in_the_environment_logs_no_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")  # Bolt reads it by itself
    with FakeSlack() as slack:
        settings = _settings(
            scout_data_dir=tmp_path,
            slack_bot_token="xoxb-1",
            slack_signing_secret="s",
            slack_api_url=slack.api_url,
        )
        with caplog.at_level(logging.WARNING, logger="bot.slack"):
            create_app(settings, Deps(settings))
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_scout_serve_fails_fast_naming_the_variable(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "SCOUT_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)},
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("scout: SLACK_")


def test_the_web_client_uses_slack_api_url_and_retries_rate_limits() -> None:
    client = build_web_client(
        _settings(slack_bot_token="xoxb-1", slack_api_url="http://127.0.0.1:9/api/")
    )
    assert client.base_url == "http://127.0.0.1:9/api/"
    assert any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers)
    statuses = {type(h).__name__ for h in client.retry_handlers}
    assert "AnyServerErrorRetryHandler" in statuses


def test_the_manifest_declares_what_the_app_listens_for() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/scout"
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    urls = [
        command["url"],
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    ]
    assert all(url.endswith("/slack/events") for url in urls)
    assert settings["interactivity"]["is_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "commands", "im:history", "files:write"} <= scopes
    assert not any(s.endswith(":read") and s.startswith(("channels", "groups")) for s in scopes)


def test_scout_serve_uses_socket_mode_when_an_app_token_is_set(
    index_dir: Path, tmp_path: Path
) -> None:
    with FakeSlack() as slack:
        env = serve_env(
            index_dir, slack, f"sqlite:///{tmp_path / 'db.sqlite'}", SLACK_APP_TOKEN="xapp-test"
        )
        with scout_serve(env, tmp_path / "serve.log"):
            [call] = slack.wait_for("apps.connections.open", timeout=60)[:1]
    assert call.headers["authorization"] == "Bearer xapp-test"
