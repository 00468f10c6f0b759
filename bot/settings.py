"""Settings from the environment and an optional `.env` file (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("storybot", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    data_dir: Path = Field(default_factory=_default_data_dir, validation_alias="STORYBOT_DATA_DIR")
    dev_guild_id: int | None = Field(default=None, validation_alias="STORYBOT_DEV_GUILD_ID")
    log_level: str = Field(default="INFO", validation_alias="STORYBOT_LOG_LEVEL")
