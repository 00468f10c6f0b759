"""/help."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.catalog import spec
from bot.discord.replies import caller_of, send

if TYPE_CHECKING:
    from bot.discord.client import StoryBotClient


class HelpCog(commands.Cog):
    def __init__(self, bot: StoryBotClient) -> None:
        self.bot = bot

    @app_commands.command(name="help", description=spec("help").description)
    async def help_command(self, interaction: discord.Interaction) -> None:
        await send(interaction, self.bot.service.help(caller_of(interaction)))
