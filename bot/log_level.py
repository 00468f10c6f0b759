"""``STORYBOT_LOG_LEVEL``: checked the same way by every command and by `bot.settings`.

Its own module, free of pydantic, because `storybot ask` checks it too and must start fast.
"""

from __future__ import annotations

LOG_LEVEL_VARIABLE = "STORYBOT_LOG_LEVEL"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def check_log_level(value: str) -> str:
    """``value`` as a level name (any case), or a ValueError listing the allowed ones."""
    level = value.strip().upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"{value[:40]!r} is not a log level; use one of {', '.join(LOG_LEVELS)}")
    return level
