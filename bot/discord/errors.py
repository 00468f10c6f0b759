"""Errors as replies: user mistakes get a friendly ephemeral message, anything else is
logged with its context and answered politely."""

from __future__ import annotations

import logging
import math

import discord
from discord import app_commands

from bot.commands import Reply
from bot.commands.views import problem
from bot.discord.replies import send
from index.errors import StoryBotError

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. It has been logged; please try again later."


def cooldown_reply(retry_after: float) -> Reply:
    return problem(f"Slow down a little: try again in {math.ceil(retry_after)} s.")


def error_reply(error: BaseException, context: str) -> Reply:
    cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if isinstance(cause, StoryBotError):
        return problem(str(cause))
    if isinstance(cause, app_commands.CommandOnCooldown):
        return cooldown_reply(cause.retry_after)
    if isinstance(cause, app_commands.NoPrivateMessage):
        return problem("This command works in a server, not in direct messages.")
    if isinstance(cause, app_commands.MissingPermissions):
        return problem("You need the Manage Server permission for that.")
    if isinstance(cause, app_commands.TransformerError):
        return problem(f"'{cause.value}' is not a valid value for that option.")
    log.error("unexpected error %s", context, exc_info=cause)
    return problem(SORRY)


def describe(interaction: discord.Interaction) -> str:
    """Where an interaction came from, for the log (ids only: no message text, no token)."""
    name = interaction.command.qualified_name if interaction.command else "?"
    return (f"in /{name} (user {interaction.user.id}, guild {interaction.guild_id}, "
            f"channel {interaction.channel_id})")


def one_line(exc: BaseException) -> str:
    """``exc`` in one line for the log: its type and the first line of its message."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0][:300]}" if text else type(exc).__name__


class StoryTree(app_commands.CommandTree):
    """The command tree with one polite error handler for every command and every error."""

    async def on_error(self, interaction: discord.Interaction,
                       error: app_commands.AppCommandError) -> None:
        await self.report(interaction, error)

    async def report(self, interaction: discord.Interaction, error: BaseException) -> None:
        """Tell the user politely where that can still reach them; log what cannot."""
        reply = error_reply(error, describe(interaction))
        try:
            await send(interaction, reply)
        except Exception as exc:  # noqa: BLE001 -- e.g. the connection dropped: log, never raise
            log.warning("could not report an error %s: %s", describe(interaction), one_line(exc))

    async def _call(self, interaction: discord.Interaction) -> None:
        # discord.py's invoker task passes only AppCommandError to on_error; anything else
        # (raised by a check, say) would end as "Task exception was never retrieved".
        try:
            await super()._call(interaction)
        except app_commands.AppCommandError:
            raise
        except Exception as exc:  # noqa: BLE001 -- every error gets the polite reply
            await self.report(interaction, exc)
