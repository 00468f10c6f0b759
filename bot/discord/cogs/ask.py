"""Asking: /ask, the "Ask StoryBot" message menu, and @mentions."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands import Reply
from bot.commands.catalog import spec
from bot.commands.views import problem
from bot.discord.choices import story_autocomplete
from bot.discord.cogs.common import costs_work, described
from bot.discord.errors import cooldown_reply, error_reply, one_line
from bot.discord.replies import caller_of, caller_of_message, deliver, respond

if TYPE_CHECKING:
    from bot.discord.client import StoryBotClient

log = logging.getLogger(__name__)

NO_QUESTION = "Ask me a question after the mention, e.g. `@StoryBot who heads the committee?`"


class AskCog(commands.Cog):
    def __init__(self, bot: StoryBotClient) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(name="Ask StoryBot", callback=self.ask_message)
        costs_work()(self.menu)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @app_commands.command(description=spec("ask").description)
    @app_commands.describe(**described("ask"))
    @app_commands.autocomplete(story=story_autocomplete)
    @costs_work()
    async def ask(self, interaction: discord.Interaction, question: str,
                  story: str | None = None) -> None:
        caller = caller_of(interaction)
        await respond(interaction, lambda: self.bot.service.ask(caller, question, story))

    async def ask_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """The selected message's text, asked as a question."""
        caller = caller_of(interaction)
        await respond(interaction, lambda: self.bot.service.ask(caller, message.content))

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or not self._addressed(message):
            return
        reply = await self._answer(message)
        try:
            await deliver(functools.partial(message.reply, mention_author=False), reply,
                          embeds_allowed=_embeds_allowed(message),
                          where=f"to a mention in channel {message.channel.id}")
        except Exception as exc:  # noqa: BLE001 -- e.g. no Send Messages there, or a dropped connection
            log.warning("could not reply in channel %s: %s", message.channel.id, one_line(exc))

    def _addressed(self, message: discord.Message) -> bool:
        """A mention of the bot itself (not of a role it has), or any direct message."""
        return message.guild is None or self.bot.user in message.mentions

    async def _answer(self, message: discord.Message) -> Reply:
        assert self.bot.user is not None
        question = re.sub(rf"<@!?{self.bot.user.id}>", " ", message.content).strip()
        if not question:
            return problem(NO_QUESTION)
        refused = self.bot.work_budget.spend(message.author.id)
        if refused:
            return cooldown_reply(refused.retry_after)
        caller = caller_of_message(message)
        try:
            return await asyncio.to_thread(self.bot.service.ask, caller, question)
        except Exception as exc:  # noqa: BLE001 -- mentions have no tree.on_error: same policy
            where = f"in a mention (user {message.author.id}, channel {message.channel.id})"
            return error_reply(exc, where)


def _embeds_allowed(message: discord.Message) -> bool:
    if message.guild is None:
        return True
    try:
        return message.channel.permissions_for(message.guild.me).embed_links
    except discord.ClientException:
        return False  # a thread whose parent is not cached: plain text is always safe
