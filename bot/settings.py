"""Settings from the environment and an optional `.env` file (pydantic-settings)."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.log_level import LOG_LEVEL_VARIABLE, check_log_level
from index.errors import StoryBotError
from index.store.library import DATA_DIR_VARIABLE, default_data_dir

# A bot token: three base64url parts joined by dots (user id, timestamp, HMAC).
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{18,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")
HOW_TO_SET_TOKEN = (
    "set DISCORD_TOKEN in the environment or in a .env file (Discord Developer Portal -> "
    "your application -> Bot -> Reset Token)"
)


class ConfigError(StoryBotError):
    """A setting is missing or malformed."""


class Settings(BaseSettings):
    # An empty variable is unset, as `storybot index` reads STORYBOT_DATA_DIR (not Path("")).
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      env_ignore_empty=True)

    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    data_dir: Path = Field(default_factory=default_data_dir, validation_alias=DATA_DIR_VARIABLE)
    dev_guild_id: int | None = Field(default=None, validation_alias="STORYBOT_DEV_GUILD_ID")
    log_level: str = Field(default="INFO", validation_alias=LOG_LEVEL_VARIABLE)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, level: str) -> str:
        return check_log_level(level)

    def bot_token(self) -> str:
        """The Discord bot token, or a ConfigError saying how to set it (never echoing it)."""
        token = self.discord_token.get_secret_value().strip() if self.discord_token else ""
        if not token:
            raise ConfigError(f"DISCORD_TOKEN is not set: {HOW_TO_SET_TOKEN}")
        if not _TOKEN_SHAPE.match(token):
            raise ConfigError("DISCORD_TOKEN does not look like a bot token (three dot-separated "
                              f"parts, no 'Bot ' prefix or quotes): {HOW_TO_SET_TOKEN}")
        return token


def load_settings(data_dir: str | None = None) -> Settings:
    """Settings, with a one-line ConfigError for a malformed value; ``data_dir`` overrides."""
    try:
        settings = Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ".".join(str(part) for part in error["loc"])
        # A validator's own words, without pydantic's "Value error, " in front.
        message = str(error.get("ctx", {}).get("error") or error["msg"])
        raise ConfigError(f"{name}: {message}") from None
    if data_dir:
        settings.data_dir = Path(data_dir)
    return settings
