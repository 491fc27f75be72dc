"""Settings from the environment and `.env`, validated in one place."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

from platformdirs import user_data_path
from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class ConfigError(Exception):
    """A setting is missing or malformed; the message says what to set."""


def default_data_dir() -> Path:
    """The per-user folder where the embedded database lives."""
    return user_data_path("mend", appauthor=False)


def async_database_url(url: str) -> str:
    """Map a plain SQLite or PostgreSQL URL to the async driver Mend uses."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError("must look like sqlite:///path/to/mend.db or postgresql://user@host/db")
    base = scheme.split("+", 1)[0]
    if base == "sqlite":
        return f"sqlite+aiosqlite://{rest}"
    if base in ("postgresql", "postgres"):
        return f"postgresql+asyncpg://{rest}"
    raise ValueError(f"scheme {scheme!r} is not supported; use sqlite:// or postgresql://")


class Settings(BaseSettings):
    """Everything Mend reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: AnyHttpUrl = AnyHttpUrl("https://api.telegram.org")
    database_url: str = ""
    log_level: Annotated[str, Field(validate_default=True)] = "INFO"
    mend_data_dir: Path = Field(default_factory=default_data_dir)
    mend_data_key: SecretStr | None = None
    mend_content_dir: Path = PROJECT_ROOT
    mend_max_concurrent_updates: int = Field(default=8, ge=1, le=4096)
    mend_flood_backlog: int = Field(default=8, ge=1)
    mend_flood_pace: float = Field(default=0.5, ge=0, le=10)
    mend_checkin_tick: float = Field(default=30, gt=0, le=3600)  # seconds between dispatches
    mend_checkin_grace: float = Field(default=2, ge=0, le=48)  # hours a late check-in still goes
    mend_send_rate: float = Field(default=30, gt=0, le=1000)  # Bot API messages a second, overall
    mend_chat_rate: float = Field(default=1.0, ge=0, le=100)  # a second per private chat; 0: none

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("database_url")
    @classmethod
    def _supported_url(cls, value: str) -> str:
        if value:
            async_database_url(value)
        return value

    @property
    def async_database_url(self) -> str:
        """The SQLAlchemy URL with its async driver; the embedded SQLite file by default."""
        if self.database_url:
            return async_database_url(self.database_url)
        return f"sqlite+aiosqlite:///{self.mend_data_dir / 'mend.db'}"

    @property
    def bot_api_base_url(self) -> str:
        """Where python-telegram-bot sends `{base}{token}/{method}`."""
        return f"{str(self.telegram_api_url).rstrip('/')}/bot"

    def require_token(self) -> str:
        """The bot token, or a ConfigError saying how to get one."""
        token = self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else ""
        if not token.strip():
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and set it "
                "(or try `mend chat`, which needs no token)."
            )
        return token.strip()

    def secrets(self) -> tuple[str, ...]:
        """Values that must never reach a log line."""
        values = [self.telegram_bot_token, self.mend_data_key]
        found = [v.get_secret_value() for v in values if v is not None]
        return tuple(part.strip() for value in found for part in value.split(",") if part.strip())

    @property
    def log_level_number(self) -> int:
        """The numeric logging level."""
        return logging.getLevelNamesMapping()[self.log_level]


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning validation errors into one clear ConfigError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0]).upper() if error["loc"] else "a setting"
            problems.append(f"{name}: {error['msg']}")
        raise ConfigError("Invalid setting " + "; ".join(problems)) from None
