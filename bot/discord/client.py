"""The Discord client: cogs loaded in setup_hook, nothing ever pings, commands synced on request."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable
from typing import Any

import discord
from discord.ext import commands

from bot.commands import StoryBot
from bot.discord.cogs import COGS
from bot.discord.cogs.common import WorkBudget
from bot.discord.errors import StoryTree, one_line
from index.errors import StoryBotError
from index.language import pipeline

log = logging.getLogger(__name__)

SWITCH_INTERVAL = 0.001  # seconds; Python's default is 0.005
# StoryBot has no voice: discord.py's warnings that voice libraries are missing are noise
# (two lines around `storybot sync`'s one).
discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False

MENTIONS_NOTE = (
    "Slash commands are ready. For @mentions, StoryBot needs no privileged intent: Discord "
    "sends the text of messages that mention the bot, and of DMs, without Message Content. "
    "Let it View Channel, Send Messages (and in Threads) and Read Message History where "
    "people should mention it."
)


def tune_for_latency() -> None:
    """Keep the event loop's stalls short while worker threads run commands.

    - Commands run in worker threads, some CPU-bound (indexing a 1 MB article takes
      seconds), and the loop waits for the GIL up to the switch interval each time it
      wakes: 1 ms instead of 5 ms halved its stalls in the load test (p99 11-16 -> 6-7 ms,
      worst 34-77 -> 17-28 ms).
    - A full garbage collection holds the GIL while it scans every tracked object; the
      ~80,000 of the imported modules alone took 50-100 ms. Frozen after start-up, they are
      never scanned again (acyclic data, such as stories, is still freed by refcounting).
    """
    sys.setswitchinterval(SWITCH_INTERVAL)
    gc.collect()
    gc.freeze()


def load_language_model() -> None:
    """Load spaCy's model at start-up, before the heap is frozen, so that the first
    /story add does not wait a second for it; without it, answering still works."""
    try:
        pipeline()
    except StoryBotError as exc:
        log.warning("adding stories will fail: %s", exc)


def intents() -> discord.Intents:
    """Servers and messages, nothing privileged (no Message Content, members or presences)."""
    chosen = discord.Intents.none()
    chosen.guilds = chosen.guild_messages = chosen.dm_messages = True
    return chosen


Parser = Callable[[Any], None]


def tolerant(event: str, parse: Parser) -> Parser:
    """``parse`` for one gateway event type, logging instead of raising when it fails.

    discord.py calls its parsers straight from the websocket's read loop, and an exception
    there (an event with a field of an unexpected type) ends `Client.connect`, and so the
    bot. Skipping the one event keeps the session, its sequence number and every cache.
    """

    def guarded(data: Any) -> None:
        try:
            parse(data)
        except Exception as exc:  # noqa: BLE001 -- any parse failure: the event is skipped
            # The payload is not logged: it holds users' messages.
            log.warning("skipped a %s event that discord.py could not parse (%s)",
                        event, one_line(exc))

    return guarded


class StoryBotClient(commands.Bot):
    def __init__(self, service: StoryBot, work_budget: WorkBudget | None = None,
                 **options: Any) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned, help_command=None, intents=intents(),
            tree_cls=StoryTree,
            # Article and question text is quoted back: it must never notify anyone.
            allowed_mentions=discord.AllowedMentions.none(), **options,
        )
        self.service = service
        self.work_budget = work_budget or WorkBudget()
        self.was_ready = False  # reached READY at least once: the runner's back-off resets
        # The websocket looks parsers up in this dict for each event (`_connection` is
        # discord.py's ConnectionState; the dict is built once, in its constructor).
        parsers: dict[str, Parser] = self._connection.parsers
        for event, parse in parsers.items():
            parsers[event] = tolerant(event, parse)

    async def setup_hook(self) -> None:
        load_language_model()
        tune_for_latency()
        for cog in COGS:
            await self.add_cog(cog(self))
        log.info(MENTIONS_NOTE)

    async def on_ready(self) -> None:
        self.was_ready = True

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        # A closed client has no loop to run handlers on, yet discord.py's ready timer can
        # fire after close (a restart or shutdown just after connecting): its error would be
        # left in a task ("Task exception was never retrieved").
        if not self.is_closed():
            super().dispatch(event_name, *args, **kwargs)

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: the Ask cog answers mentions."""

    async def sync_commands(self, guild_id: int | None) -> int:
        """Register the application commands, with one server (instant) or globally."""
        guild = discord.Object(id=guild_id) if guild_id else None
        if guild:
            self.tree.copy_global_to(guild=guild)
        return len(await self.tree.sync(guild=guild))
