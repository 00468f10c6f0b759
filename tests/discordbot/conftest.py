"""Fixtures for tests that run discord.py against the fake Discord (tests/fake_discord.py)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.commands import StoryBot
from bot.discord.client import StoryBotClient
from tests.fake_discord import FakeDiscord, run_bot


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """A running fake Discord that discord.py talks to; any rule broken fails the test.

    A test that breaks a rule on purpose takes the violation with ``take_violations()``.
    """
    async with FakeDiscord() as fake:
        fake.install(monkeypatch)
        yield fake
    broken = "\n".join(str(v) for v in fake.violations)
    assert not broken, f"Discord rules broken:\n{broken}"


@pytest.fixture
async def client(
    fake_discord: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[StoryBotClient]:
    """StoryBot connected to the fake; an error logged during the test fails it."""
    bot = StoryBotClient(StoryBot(tmp_path / "data"), guild_ready_timeout=0.01)
    with caplog.at_level(logging.INFO):
        async with run_bot(fake_discord, bot):
            yield bot
    errors = [r.getMessage() for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, errors
