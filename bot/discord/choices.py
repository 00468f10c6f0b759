"""Autocomplete for options shared by several cogs."""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands

from bot.discord.replies import caller_of, client_of


async def story_autocomplete(interaction: discord.Interaction,
                             current: str) -> list[app_commands.Choice[str]]:
    """The stories of the caller's server, best match first."""
    service = client_of(interaction).service
    found = await asyncio.to_thread(service.story_choices, caller_of(interaction), current)
    return [app_commands.Choice(name=c.name, value=c.value) for c in found]


async def speaker_autocomplete(interaction: discord.Interaction,
                               current: str) -> list[app_commands.Choice[str]]:
    """The speakers of the story named in the command so far (else the active story)."""
    service = client_of(interaction).service
    story = getattr(interaction.namespace, "story", None)
    found = await asyncio.to_thread(service.speaker_choices, caller_of(interaction), current, story)
    return [app_commands.Choice(name=c.name, value=c.value) for c in found]
