"""Summaries: /summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.catalog import spec
from bot.commands.service import Length
from bot.discord.choices import story_autocomplete
from bot.discord.cogs.common import costs_work, described
from bot.discord.replies import caller_of, respond

if TYPE_CHECKING:
    from bot.discord.client import StoryBotClient


class SummaryCog(commands.Cog):
    def __init__(self, bot: StoryBotClient) -> None:
        self.bot = bot

    @app_commands.command(description=spec("summary").description)
    @app_commands.describe(**described("summary"))
    @app_commands.autocomplete(story=story_autocomplete)
    @costs_work()
    async def summary(self, interaction: discord.Interaction, story: str | None = None,
                      length: Length = "short") -> None:
        caller = caller_of(interaction)
        await respond(interaction, lambda: self.bot.service.summary(caller, story, length))
