"""Fixtures for tests that run discord.py against the fake Discord (tests/fake_discord.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fake_discord import FakeDiscord


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
