"""Who said what: /quote and /speakers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.catalog import spec
from bot.discord.choices import speaker_autocomplete, story_autocomplete
from bot.discord.cogs.common import costs_work, described
from bot.discord.replies import caller_of, respond

if TYPE_CHECKING:
    from bot.discord.client import StoryBotClient


class QuotesCog(commands.Cog):
    def __init__(self, bot: StoryBotClient) -> None:
        self.bot = bot

    @app_commands.command(description=spec("quote").description)
    @app_commands.describe(**described("quote"))
    @app_commands.autocomplete(speaker=speaker_autocomplete, story=story_autocomplete)
    @costs_work()
    async def quote(self, interaction: discord.Interaction, speaker: str | None = None,
                    about: str | None = None, story: str | None = None) -> None:
        caller = caller_of(interaction)
        await respond(interaction, lambda: self.bot.service.quote(caller, speaker, about, story))

    @app_commands.command(description=spec("speakers").description)
    @app_commands.describe(**described("speakers"))
    @app_commands.autocomplete(story=story_autocomplete)
    @costs_work()
    async def speakers(self, interaction: discord.Interaction, story: str | None = None) -> None:
        caller = caller_of(interaction)
        await respond(interaction, lambda: self.bot.service.speakers(caller, story))
