"""From Discord to the command layer and back: callers, rendering, answering on time."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.commands import Caller, Reply
from bot.commands.reply import Embed

if TYPE_CHECKING:
    from bot.discord.client import StoryBotClient

log = logging.getLogger(__name__)

# Discord drops an interaction not answered within 3 s; work still running after this long
# gets a "thinking…" acknowledgement first and its reply as a follow-up.
DEFER_AFTER = 1.0
BAD_REQUEST = 400


def client_of(interaction: discord.Interaction) -> StoryBotClient:
    return interaction.client  # type: ignore[return-value]


def caller_of(interaction: discord.Interaction) -> Caller:
    if interaction.guild_id is None:
        return Caller.dm(interaction.user.id)
    return Caller.server(interaction.guild_id, can_manage=interaction.permissions.manage_guild)


def caller_of_message(message: discord.Message) -> Caller:
    if message.guild is None:
        return Caller.dm(message.author.id)
    return Caller.server(message.guild.id, can_manage=False)


def to_embed(embed: Embed) -> discord.Embed:
    result = discord.Embed(title=embed.title or None, url=embed.url,
                           description=embed.description or None, colour=embed.colour)
    for field in embed.fields:
        result.add_field(name=field.name, value=field.value, inline=field.inline)
    if embed.footer:
        result.set_footer(text=embed.footer)
    return result


def render(reply: Reply, *, embeds_allowed: bool) -> dict[str, Any]:
    """Keyword arguments for send/reply; plain text where embeds may not be sent."""
    if not embeds_allowed:
        return {"content": reply.as_text()}
    return {"content": reply.content or None, "embeds": [to_embed(e) for e in reply.embeds]}


async def deliver(post: Callable[..., Awaitable[Any]], reply: Reply, *, embeds_allowed: bool,
                  where: str) -> None:
    """Send ``reply`` with ``post``; when Discord refuses it (400) for its embeds, send it
    once more as plain text, which says the same. A second refusal is the caller's."""
    try:
        await post(**render(reply, embeds_allowed=embeds_allowed))
    except discord.HTTPException as exc:
        if exc.status != BAD_REQUEST or not (embeds_allowed and reply.embeds):
            raise
        log.warning("Discord refused a reply with embeds %s (HTTP %s, code %s): sending it as "
                    "plain text", where, exc.status, exc.code)
        await post(**render(reply, embeds_allowed=False))


async def send(interaction: discord.Interaction, reply: Reply) -> None:
    """Answer the interaction, or follow up when it was already acknowledged."""
    response = interaction.response
    post = interaction.followup.send if response.is_done() else response.send_message
    await deliver(functools.partial(post, ephemeral=reply.ephemeral), reply,
                  embeds_allowed=interaction.app_permissions.embed_links,
                  where=f"to an interaction in channel {interaction.channel_id}")


async def respond(interaction: discord.Interaction, work: Callable[[], Reply]) -> None:
    """Run a command in a worker thread and send its reply, deferring if it runs long.

    A `StoryBotError` raised by ``work`` reaches the tree's error handler.
    """
    task = asyncio.ensure_future(asyncio.to_thread(work))
    try:
        done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER)
        if not done:
            await interaction.response.defer(thinking=True)
    except BaseException:
        # The acknowledgement failed (e.g. the connection dropped): the error handler hears
        # of that; the work's own outcome no longer reaches anyone and must not be left
        # unretrieved ("Task exception was never retrieved").
        task.add_done_callback(_forget)
        raise
    await send(interaction, await task)


def _forget(task: asyncio.Future[Reply]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.debug("a command's result was dropped after its interaction failed",
                  exc_info=task.exception())
