"""`storybot run` and `storybot sync`: logging, the token, signals, restarts, clean shutdown."""

from __future__ import annotations

import asyncio
import logging
import random
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

import aiohttp
import discord

from bot.commands import StoryBot
from bot.discord.client import StoryBotClient
from bot.discord.cogs.common import WorkBudget
from bot.discord.errors import one_line
from bot.settings import HOW_TO_SET_TOKEN, ConfigError, Settings
from index.errors import StoryBotError

log = logging.getLogger(__name__)

AUTHENTICATION_FAILED = 4004  # gateway close code: the token was refused
INTENTS_REFUSED = (
    "Discord refused a privileged intent StoryBot asked for: switch it on in the Developer "
    "Portal -> your application -> Bot -> Privileged Gateway Intents, or do not ask for it"
)
# Failures of the network or of Discord: one line in the log says enough.
NETWORK_ERRORS = (OSError, aiohttp.ClientError, discord.HTTPException, discord.GatewayNotFound,
                  discord.ConnectionClosed, TimeoutError)


class DiscordUnavailable(StoryBotError):
    """Discord could not be reached, or refused a request: one line for the command line."""


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


@dataclass
class Backoff:
    """Delays between reconnections: doubling from ``base`` up to ``cap`` seconds, each
    drawn from the upper half of its range so that restarted bots do not retry in step."""

    base: float = 1.0
    cap: float = 120.0
    attempt: int = 0

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.base * 2 ** min(self.attempt, 30))
        self.attempt += 1
        return random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.attempt = 0


def refusal(exc: BaseException) -> ConfigError | None:
    """The one-line error for a failure no retry can fix (token, intents), else None."""
    if isinstance(exc, discord.LoginFailure) or (
        isinstance(exc, discord.ConnectionClosed) and exc.code == AUTHENTICATION_FAILED
    ):
        return ConfigError(f"Discord refused the token: {HOW_TO_SET_TOKEN}")
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return ConfigError(INTENTS_REFUSED)
    return None


def unmasked(exc: BaseException) -> BaseException:
    """The failure itself. discord.py's retry after a failed *first* gateway connection
    reads ``self.ws.sequence`` while ``self.ws`` is still None, so the real error (refused,
    5xx) arrives as the context of an AttributeError (discord.py issue #10520)."""
    while isinstance(exc, AttributeError) and exc.__context__ is not None:
        exc = exc.__context__
    return exc


async def keep_running(make_client: Callable[[], StoryBotClient], token: str,
                       stop: asyncio.Event, backoff: Backoff | None = None) -> None:
    """Connect, and connect again with a fresh client after any failure, until ``stop``.

    A refused token or intent raises ConfigError instead: no retry can fix those. Each
    restart is logged once, with what ended the connection.
    """
    backoff = backoff or Backoff()
    while not stop.is_set():
        client = make_client()
        failure = await _session(client, token, stop)
        if stop.is_set():
            return
        if client.was_ready:
            backoff.reset()  # it was up: this is a new outage, not the same one
        delay = backoff.next_delay()
        cause = unmasked(failure) if failure else None
        log.warning("disconnected from Discord (%s); reconnecting in %.1f s",
                    one_line(cause) if cause else "the connection ended", delay,
                    exc_info=cause if cause and not isinstance(cause, NETWORK_ERRORS) else None)
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)


async def _session(client: StoryBotClient, token: str, stop: asyncio.Event) -> Exception | None:
    """Run ``client`` until it fails or ``stop`` is set; what ended it when it failed."""
    async with client:
        running = asyncio.ensure_future(client.start(token))
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not running.done():
                await client.close()  # start() returns once the client is closed
        try:
            await running
        except Exception as exc:  # noqa: BLE001 -- any failure: the caller reconnects
            fatal = refusal(unmasked(exc))
            if fatal:
                raise fatal from None
            return None if stop.is_set() else exc
    return None


async def serve(settings: Settings, token: str) -> None:
    """Run the bot until SIGINT or SIGTERM, reconnecting after failures; close cleanly."""
    # Kept across reconnections: the library is loaded once, a user's budget is not reset.
    service, budget = StoryBot(settings.data_dir), WorkBudget()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, _stop, stop, sig)
    await keep_running(lambda: StoryBotClient(service, budget), token, stop)
    log.info("StoryBot stopped")


def _stop(stop: asyncio.Event, sig: signal.Signals) -> None:
    log.info("%s received: shutting down", sig.name)
    stop.set()


@asynccontextmanager
async def _client(settings: Settings) -> AsyncIterator[StoryBotClient]:
    """A client for one request; every way it can fail is a one-line StoryBotError."""
    try:
        async with StoryBotClient(StoryBot(settings.data_dir)) as client:
            yield client
    except StoryBotError:
        raise
    except Exception as exc:  # noqa: BLE001 -- the command line shows one line, never a traceback
        raise refusal(exc) or DiscordUnavailable(_failure_text(exc)) from None


def _failure_text(exc: Exception) -> str:
    if isinstance(exc, discord.Forbidden | discord.NotFound) and exc.code in (50001, 10004):
        return (f"Discord refused ({one_line(exc)}): is the bot in that server, and was it "
                "invited with the applications.commands scope?")
    if isinstance(exc, discord.HTTPException):
        return f"Discord refused the request ({one_line(exc)})"
    return f"cannot reach Discord ({one_line(exc)})"


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
    # A one-off command: at INFO, the bot's default, start-up notes would surround its answer.
    setup_logging("WARNING" if settings.log_level == "INFO" else settings.log_level, token)
    return asyncio.run(sync_commands(settings, token, guild_id))
