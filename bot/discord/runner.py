"""`storybot run` and `storybot sync`: logging, the token, signals, and clean shutdown."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import discord

from bot.commands import StoryBot
from bot.discord.client import StoryBotClient
from bot.settings import HOW_TO_SET_TOKEN, ConfigError, Settings

log = logging.getLogger(__name__)


class RedactToken(logging.Formatter):
    """Formats with ``inner``, then replaces the token wherever it appears: a second guard.

    Redacting the formatted line, not the record's message, also covers a traceback or
    stack whose exception text carries the token.
    """

    def __init__(self, inner: logging.Formatter, token: str) -> None:
        super().__init__()
        self.inner, self.token = inner, token

    def format(self, record: logging.LogRecord) -> str:
        return self.inner.format(record).replace(self.token, "[token]")


def setup_logging(level: str, token: str) -> None:
    """discord.py's log format on stderr; discord.http held at WARNING (it logs requests)."""
    for handler in logging.root.handlers[:]:  # the CLI's default handler would print twice
        logging.root.removeHandler(handler)
    discord.utils.setup_logging(level=logging.getLevelName(level), root=True)
    for handler in logging.root.handlers:
        handler.setFormatter(RedactToken(handler.formatter or logging.Formatter(), token))
    logging.getLogger("discord.http").setLevel(logging.WARNING)


@asynccontextmanager
async def _client(settings: Settings) -> AsyncIterator[StoryBotClient]:
    client = StoryBotClient(StoryBot(settings.data_dir))
    try:
        async with client:
            yield client
    except discord.LoginFailure:
        raise ConfigError(f"Discord refused the token: {HOW_TO_SET_TOKEN}") from None


async def serve(settings: Settings, token: str) -> None:
    """Run the bot until SIGINT or SIGTERM, then close the connection cleanly."""
    async with _client(settings) as client:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, _stop, client, sig)
        await client.start(token)
    log.info("StoryBot stopped")


def _stop(client: StoryBotClient, sig: signal.Signals) -> None:
    log.info("%s received: shutting down", sig.name)
    asyncio.ensure_future(client.close())


async def sync_commands(settings: Settings, token: str, guild_id: int | None) -> int:
    """Register the application commands (with one server, or globally); their count."""
    async with _client(settings) as client:
        await client.login(token)  # runs setup_hook, which puts the commands in the tree
        return await client.sync_commands(guild_id)


def run(settings: Settings, token: str) -> int:
    setup_logging(settings.log_level, token)
    asyncio.run(serve(settings, token))
    return 0


def sync(settings: Settings, token: str, guild_id: int | None) -> int:
    setup_logging(settings.log_level, token)
    return asyncio.run(sync_commands(settings, token, guild_id))
