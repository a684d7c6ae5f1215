"""Settings: defaults, `.env`, URL normalisation, and one-line errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import SAMPLE_ROSTER, load_settings
from bot.errors import ConfigError


def test_defaults_are_offline_and_embedded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCOUT_DATA_DIR")
    settings = load_settings()
    assert settings.scout_data_dir == Path(".scout")
    assert settings.port == 3000
    assert not settings.llm_enabled
    assert not settings.chroma_server
    assert settings.sqlalchemy_url.startswith("sqlite:///")
    assert settings.sqlalchemy_url.endswith("/.scout/scout.db")
    assert settings.roster_path == SAMPLE_ROSTER


def test_reads_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PORT=4100\nOPENAI_MODEL=local-model\nOPENAI_API_KEY=sk-test\n")
    settings = load_settings()
    assert settings.port == 4100
    assert settings.openai_model == "local-model"
    assert settings.llm_enabled


def test_environment_beats_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("PORT=4100\n")
    monkeypatch.setenv("PORT", "4200")
    assert load_settings().port == 4200


@pytest.mark.parametrize("empty", ["", " ", "\t "])
def test_empty_values_count_as_unset(monkeypatch: pytest.MonkeyPatch, empty: str) -> None:
    # A blank value (" ") too: SCOUT_DATA_DIR=" " made a folder named " " in the current
    # folder, SCOUT_ROSTER=" " failed naming a file " ", OPENAI_API_KEY=" " turned the
    # LLM on with no key.
    for name in ("OPENAI_API_KEY", "CHROMA_HOST", "SCOUT_DATA_DIR", "SCOUT_ROSTER", "PORT"):
        monkeypatch.setenv(name, empty)
    settings = load_settings()
    assert not settings.llm_enabled
    assert not settings.chroma_server
    assert settings.scout_data_dir == Path(".scout")
    assert settings.roster_path == SAMPLE_ROSTER
    assert settings.port == 3000


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@db:5432/app", "postgresql+psycopg://u@db:5432/app"),
        ("postgresql://u@db/app", "postgresql+psycopg://u@db/app"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
        ("postgresql+psycopg://u@db/app", "postgresql+psycopg://u@db/app"),
    ],
)
def test_database_url_forms(monkeypatch: pytest.MonkeyPatch, url: str, expected: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    assert load_settings().sqlalchemy_url == expected


def test_imported_roster_beats_sample(isolated_env: Path) -> None:
    isolated_env.mkdir(parents=True)
    (isolated_env / "roster.json").write_text("[]")
    assert load_settings().roster_path == isolated_env / "roster.json"


def test_scout_roster_beats_everything(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SCOUT_ROSTER", str(tmp_path / "mine.csv"))
    assert load_settings().roster_path == tmp_path / "mine.csv"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("CHROMA_PORT", "0"),
        ("DATABASE_URL", "mysql://root@localhost/db"),
        ("OPENAI_BASE_URL", "localhost:8080/v1"),
        ("SLACK_API_URL", "ftp://slack"),
        ("OPENAI_TIMEOUT_S", "-1"),
        ("LOG_LEVEL", "chatty"),
        ("CHROMA_HOST", "http://chroma.internal:8000"),  # was dialled as ...:8000:8000
        ("CHROMA_HOST", "chroma.internal/"),
        ("SCOUT_TEAM_ID", "T" * 33),  # PostgreSQL's team_id columns refused it with a traceback
        # In-memory SQLite: every shortlist add said "added" and was gone when the command ended.
        ("DATABASE_URL", "sqlite:///"),
        ("DATABASE_URL", "sqlite://"),
        ("DATABASE_URL", "sqlite:///:memory:"),
    ],
)
def test_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith(f"invalid setting {name}:")
    assert "\n" not in message


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://scout:s3cret-pw@db:notaport/app",  # SQLAlchemy: int() traceback
        "postgresql+psycopg2://scout:s3cret-pw@db/app",  # psycopg2 is not installed
        "postgresqlx://scout:s3cret-pw@db/app",  # no such dialect
        "postgresql://scout:s3cret-pw@db:5432,db2:5432/app",  # no multi-host in the URL
        "postgresql://scout:my@s3cret-pw@db/app",  # a raw @ in the password
    ],
)
def test_unusable_database_url_is_one_line_without_the_password(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith("invalid setting DATABASE_URL:")
    assert "\n" not in message
    assert "s3cret-pw" not in message


def test_secrets_are_hidden_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-not-a-real-token")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-a-real-key")
    settings = load_settings()
    assert "xoxb-not-a-real-token" not in repr(settings)
    assert "sk-not-a-real-key" not in repr(settings)


def test_dotenv_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    # Saved by a Windows editor as Latin-1: python-dotenv's decode error was a traceback.
    (tmp_path / ".env").write_bytes("SLACK_SIGNING_SECRET=caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert str(info.value) == ".env: not UTF-8 text (byte 0xe9); save it as UTF-8"


def test_a_home_folder_in_dotenv_paths_is_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not expanded, SCOUT_DATA_DIR=~/.scout put the data in a folder named "~" under the cwd.
    monkeypatch.delenv("SCOUT_DATA_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / ".env").write_text("SCOUT_DATA_DIR=~/.scout\nSCOUT_ROSTER=~/roster.csv\n")
    settings = load_settings()
    assert settings.scout_data_dir == tmp_path / "home" / ".scout"
    assert settings.roster_path == tmp_path / "home" / "roster.csv"


def test_a_chroma_port_without_a_host_says_the_embedded_index_is_used(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A port alone used to be dropped without a word: searches came from the embedded index.
    monkeypatch.setenv("CHROMA_PORT", "8001")
    settings = load_settings()
    assert not settings.chroma_server
    assert "CHROMA_PORT is set but CHROMA_HOST is not" in caplog.text

    caplog.clear()
    monkeypatch.setenv("CHROMA_HOST", "localhost")
    assert load_settings().chroma_server
    monkeypatch.delenv("CHROMA_PORT")
    assert load_settings().chroma_port == 8000
    assert caplog.text == ""
