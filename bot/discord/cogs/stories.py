"""The server's story library: /story list|info|use|add|remove."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.commands.catalog import spec
from bot.discord.choices import story_autocomplete
from bot.discord.cogs.common import costs_work, described
from bot.discord.replies import caller_of, respond, send
from index.read.article import MAX_ARTICLE_BYTES

if TYPE_CHECKING:
    from bot.discord.client import StoryBotClient


_CHUNK = 64 * 1024


async def read_bounded(file: discord.Attachment, limit: int) -> bytes:
    """The attachment's bytes, at most `limit` + 1 of them whatever its size says (over the
    limit, `story_add` refuses it); discord.py's `Attachment.read` reads without a bound."""
    chunks: list[bytes] = []
    size = 0
    async with aiohttp.ClientSession() as session, session.get(file.url) as response:
        response.raise_for_status()
        async for chunk in response.content.iter_chunked(_CHUNK):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                break
    return b"".join(chunks)[:limit + 1]


class StoriesCog(commands.GroupCog, group_name="story", group_description="This server's stories"):
    def __init__(self, bot: StoryBotClient) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="list", description=spec("story list").description)
    async def list_stories(self, interaction: discord.Interaction) -> None:
        caller = caller_of(interaction)
        await respond(interaction, lambda: self.bot.service.story_list(caller))

    @app_commands.command(description=spec("story info").description)
    @app_commands.describe(**described("story info"))
    @app_commands.autocomplete(story=story_autocomplete)
    async def info(self, interaction: discord.Interaction, story: str | None = None) -> None:
        caller = caller_of(interaction)
        await respond(interaction, lambda: self.bot.service.story_info(caller, story))

    @app_commands.command(description=spec("story use").description)
    @app_commands.describe(**described("story use"))
    @app_commands.autocomplete(story=story_autocomplete)
    async def use(self, interaction: discord.Interaction, story: str) -> None:
        caller = caller_of(interaction)
        await respond(interaction, lambda: self.bot.service.story_use(caller, story))

    @app_commands.command(description=spec("story add").description)
    @app_commands.describe(**described("story add"))
    @costs_work()
    async def add(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        caller = caller_of(interaction)
        service = self.bot.service
        service.check_add(caller, file.filename, file.size)  # refuse before downloading
        # Downloading and indexing can outlast Discord's 3 s: acknowledge first.
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await read_bounded(file, MAX_ARTICLE_BYTES)
        reply = await asyncio.to_thread(service.story_add, caller, data, file.filename)
        await send(interaction, reply)

    @app_commands.command(description=spec("story remove").description)
    @app_commands.describe(**described("story remove"))
    @app_commands.autocomplete(story=story_autocomplete)
    async def remove(self, interaction: discord.Interaction, story: str) -> None:
        caller = caller_of(interaction)
        await respond(interaction, lambda: self.bot.service.story_remove(caller, story))
