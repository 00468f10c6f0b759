"""What the cogs share: the per-user work budget, the command descriptions."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

from bot.commands.catalog import spec
from bot.discord.replies import client_of

T = TypeVar("T")


class WorkBudget:
    """A per-user rate limit shared by every command that does work, mentions included:
    enough for a conversation, not for a flood."""

    def __init__(self, rate: int = 3, per: float = 20.0) -> None:
        self.rate, self.per = rate, per
        self._buckets: dict[int, app_commands.Cooldown] = {}

    def spend(self, user_id: int) -> app_commands.CommandOnCooldown | None:
        """Use one unit of ``user_id``'s budget; the cooldown error when there is none left."""
        self._forget_idle()
        bucket = self._buckets.setdefault(user_id, app_commands.Cooldown(self.rate, self.per))
        retry_after = bucket.update_rate_limit()
        return app_commands.CommandOnCooldown(bucket, retry_after) if retry_after else None

    def _forget_idle(self) -> None:
        now = time.time()
        for user_id in [u for u, b in self._buckets.items() if b.get_tokens(now) == b.rate]:
            del self._buckets[user_id]


def costs_work() -> Callable[[T], T]:
    """A check that spends the caller's work budget (CommandOnCooldown when it is spent)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        refused = client_of(interaction).work_budget.spend(interaction.user.id)
        if refused:
            raise refused
        return True

    return app_commands.check(predicate)


def described(name: str) -> dict[str, str]:
    """Option descriptions for app_commands.describe, from the command catalogue."""
    return {o.name: o.description for o in spec(name).options}
