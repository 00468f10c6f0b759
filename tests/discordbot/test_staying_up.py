"""A bot that stays up: events discord.py cannot parse, a failed first connection, any other
failure, replies Discord refuses, errors outside commands. After each, StoryBot still
answers an @mention, through the real discord.py stack against the fake Discord."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.commands import Reply, StoryBot
from bot.discord import client as client_module
from bot.discord.client import StoryBotClient
from bot.discord.runner import INTENTS_REFUSED, Backoff, keep_running
from bot.settings import ConfigError
from tests.discordbot.storybot_helpers import (
    CALLBACK_ROUTE,
    REPLY_ROUTE,
    THAROOR,
    answer_of,
    text_of,
)
from tests.fake_discord import EPHEMERAL, HUNG_UP, FakeDiscord

QUESTION = "who heads the committee?"
FAST = Backoff(base=0.05, cap=0.2)


async def answers_a_mention(fake: FakeDiscord, timeout: float = 5.0) -> dict[str, Any]:
    """Mention the bot and return the reply Discord accepted; it must cite the story."""
    asked = await fake.dispatch_message(QUESTION, mention_bot=True)
    sent = await fake.wait_for_request(
        lambda r: r.route == REPLY_ROUTE and r.status == 200
        and str(r.json["message_reference"]["message_id"]) == asked["id"], timeout)
    assert THAROOR in text_of(sent.json)
    return sent.json


def warnings_of(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if text in r.getMessage() and r.levelno == logging.WARNING]


@pytest.fixture
async def unretrieved() -> AsyncIterator[list[dict[str, Any]]]:
    """What the event loop reports as unhandled ("Task exception was never retrieved")."""
    loop = asyncio.get_running_loop()
    seen: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: seen.append(context))
    yield seen
    loop.set_exception_handler(None)


def collected(seen: list[dict[str, Any]]) -> list[str]:
    gc.collect()  # a finished task reports an unretrieved exception when it is freed
    return [str(context.get("message")) for context in seen]


# -- events discord.py cannot parse --------------------------------------------------------

MALFORMED = [
    ("MESSAGE_CREATE", "mentions", {"id": "1"}),  # an object where a list belongs
    ("MESSAGE_CREATE", "id", "not-a-snowflake"),
    ("GUILD_CREATE", "roles", "everyone"),
]


@pytest.mark.parametrize(("event", "field", "value"), MALFORMED, ids=[f"{e}-{f}" for e, f, _ in MALFORMED])
async def test_an_event_discord_py_cannot_parse_is_skipped(
    fake_discord: FakeDiscord, client: StoryBotClient, caplog: pytest.LogCaptureFixture,
    event: str, field: str, value: object,
) -> None:
    await fake_discord.dispatch_malformed(event, field, value)
    await answers_a_mention(fake_discord)
    [skipped] = warnings_of(caplog, "could not parse")
    assert skipped.getMessage().startswith(f"skipped a {event} event")
    assert (fake_discord.identify_count, fake_discord.resume_count) == (1, 0)  # same session


# -- reconnecting: the runner --------------------------------------------------------------


@asynccontextmanager
async def kept_running(fake: FakeDiscord, tmp_path: Path,
                       token: str | None = None) -> AsyncIterator[asyncio.Task[None]]:
    """`storybot run`'s reconnecting loop (without its signal handlers) until the block ends."""
    service = StoryBot(tmp_path / "data")
    stop = asyncio.Event()

    def make() -> StoryBotClient:
        return StoryBotClient(service, guild_ready_timeout=0.01)

    task = asyncio.create_task(keep_running(make, token or fake.token, stop, FAST))
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


@pytest.mark.parametrize("status", [502, None], ids=["http-502", "connection-cut"])
async def test_a_failed_first_gateway_connection_is_retried(
    fake_discord: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture,
    status: int | None,
) -> None:
    # aiohttp itself retries, once, a request whose reused connection dies without an
    # answer: the second cut is the one discord.py sees.
    cuts = 1 if status else 2
    fake_discord.fail_gateway_connects(cuts, status=status)
    with caplog.at_level(logging.INFO):
        async with kept_running(fake_discord, tmp_path) as running:
            # discord.py waits up to 2 s before its own (failing) retry.
            await fake_discord.wait_until(lambda: fake_discord.identify_count == 1, timeout=10)
            await answers_a_mention(fake_discord)
            assert not running.done()
    [restart] = warnings_of(caplog, "disconnected from Discord")
    assert "reconnecting in" in restart.getMessage()
    assert ("502" if status else "ServerDisconnected") in restart.getMessage()
    assert "AttributeError" not in restart.getMessage()  # discord.py's mask is lifted
    assert fake_discord.gateway_faults_served == cuts
    assert fake_discord.token not in caplog.text


async def test_any_other_failure_restarts_the_bot(
    fake_discord: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        async with kept_running(fake_discord, tmp_path):
            await fake_discord.wait_until(lambda: fake_discord.identify_count == 1, timeout=5)
            await answers_a_mention(fake_discord)
            await fake_discord.send_raw("this frame is not JSON")  # ends discord.py's connect()
            await fake_discord.wait_until(lambda: fake_discord.identify_count == 2, timeout=5)
            await answers_a_mention(fake_discord)
    [restart] = warnings_of(caplog, "disconnected from Discord")
    assert "JSONDecodeError" in restart.getMessage()
    assert restart.exc_info is not None  # not a network failure: the traceback is kept


async def test_a_refused_token_is_one_clear_error_and_no_retry(
    fake_discord: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "MTExMTExMTExMTExMTExMTEx.Gwrong.not-the-right-token_0123456789abcdef"
    with pytest.raises(ConfigError, match="Discord refused the token"):
        async with kept_running(fake_discord, tmp_path, token=wrong) as running:
            await asyncio.wait_for(running, 5)
    assert [v.rule for v in fake_discord.take_violations()] == ["unauthorized"]
    assert not warnings_of(caplog, "disconnected from Discord")


async def test_a_refused_privileged_intent_is_one_clear_error_and_no_retry(
    fake_discord: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def asks_for_message_content() -> discord.Intents:
        chosen = discord.Intents.none()
        chosen.guilds = chosen.guild_messages = chosen.message_content = True
        return chosen

    monkeypatch.setattr(client_module, "intents", asks_for_message_content)
    with pytest.raises(ConfigError) as refused:
        async with kept_running(fake_discord, tmp_path) as running:
            await asyncio.wait_for(running, 5)
    assert str(refused.value) == INTENTS_REFUSED
    assert not warnings_of(caplog, "disconnected from Discord")


def test_backoff_doubles_with_jitter_up_to_its_cap_and_resets() -> None:
    backoff = Backoff(base=1.0, cap=30.0)
    delays = [backoff.next_delay() for _ in range(8)]
    ceilings = [1, 2, 4, 8, 16, 30, 30, 30]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    assert len({round(backoff.next_delay(), 6) for _ in range(20)}) > 1  # jittered
    backoff.reset()
    assert backoff.next_delay() <= 1.0


# -- replies Discord refuses ---------------------------------------------------------------


async def test_a_mention_reply_refused_for_its_embed_is_sent_as_plain_text(
    fake_discord: FakeDiscord, client: StoryBotClient, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.refuse_embeds(1)
    message = await answers_a_mention(fake_discord)
    assert not message.get("embeds") and THAROOR in message["content"]
    assert [r.status for r in fake_discord.requests if r.route == REPLY_ROUTE] == [400, 200]
    assert len(warnings_of(caplog, "refused a reply with embeds")) == 1


async def test_a_command_reply_refused_for_its_embed_is_sent_as_plain_text(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    fake_discord.refuse_embeds(1)
    ix = await fake_discord.dispatch_command("ask", {"question": QUESTION})
    message = await answer_of(fake_discord, ix)
    assert not message.get("embeds") and THAROOR in message["content"]
    assert [r.status for r in fake_discord.requests if r.route == CALLBACK_ROUTE] == [400, 200]


async def test_a_reply_refused_twice_is_logged_and_the_bot_keeps_answering(
    fake_discord: FakeDiscord, client: StoryBotClient, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.fail_next(2, status=400, route=REPLY_ROUTE)
    await fake_discord.dispatch_message(QUESTION, mention_bot=True)
    await fake_discord.wait_for_requests(lambda r: r.route == REPLY_ROUTE, 2)
    await answers_a_mention(fake_discord)
    assert [r.status for r in fake_discord.requests if r.route == REPLY_ROUTE] == [400, 400, 200]
    [lost] = warnings_of(caplog, "could not reply in channel")
    assert "400 Bad Request" in lost.getMessage() and "\n" not in lost.getMessage()


# -- errors outside a command's own code ---------------------------------------------------


async def test_an_error_in_a_check_gets_the_polite_reply(
    fake_discord: FakeDiscord, client: StoryBotClient, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch, unretrieved: list[dict[str, Any]],
) -> None:
    # Raised before the command runs, so discord.py does not wrap it in an AppCommandError.
    def broken(user_id: int) -> None:
        raise RuntimeError("budget exploded")

    monkeypatch.setattr(client.work_budget, "spend", broken)
    ix = await fake_discord.dispatch_command("ask", {"question": QUESTION})
    message = await answer_of(fake_discord, ix)
    assert message["flags"] & EPHEMERAL and "Sorry, something went wrong" in text_of(message)
    assert "budget exploded" not in text_of(message)
    [logged] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "unexpected error in /ask" in logged.getMessage() and logged.exc_info is not None
    caplog.clear()
    assert collected(unretrieved) == []


async def test_an_error_reply_that_cannot_be_sent_is_logged_not_left_in_a_task(
    fake_discord: FakeDiscord, client: StoryBotClient, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch, unretrieved: list[dict[str, Any]],
) -> None:
    ask = client.service.ask

    def broken(*_: object) -> Reply:
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(client.service, "ask", broken)
    fake_discord.hang_up_next(1, route=CALLBACK_ROUTE)  # the "sorry" meets a dropped connection
    await fake_discord.dispatch_command("ask", {"question": QUESTION})
    await fake_discord.wait_for_request(lambda r: r.route == CALLBACK_ROUTE and r.status == HUNG_UP)
    await wait_for_log(caplog, "could not report an error")
    caplog.clear()  # the engine's error, logged as it should be
    assert collected(unretrieved) == []
    monkeypatch.setattr(client.service, "ask", ask)
    await answers_a_mention(fake_discord)


async def test_closing_just_after_connecting_leaves_nothing_in_a_task(
    fake_discord: FakeDiscord, tmp_path: Path, unretrieved: list[dict[str, Any]]
) -> None:
    # discord.py fires on_ready a while after the last GUILD_CREATE; a restart or a shutdown
    # can close the client before that.
    bot = StoryBotClient(StoryBot(tmp_path / "data"), guild_ready_timeout=0.3)
    running = asyncio.create_task(bot.start(fake_discord.token))
    await fake_discord.wait_until(lambda: fake_discord.identify_count == 1, timeout=5)
    await asyncio.sleep(0.05)
    await bot.close()
    await asyncio.wait_for(running, 5)
    await asyncio.sleep(0.4)  # past the ready timer
    assert collected(unretrieved) == []


async def test_work_outliving_a_failed_acknowledgement_is_not_left_in_a_task(
    fake_discord: FakeDiscord, client: StoryBotClient, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch, unretrieved: list[dict[str, Any]],
) -> None:
    def slow_then_broken(*_: object) -> Reply:
        import time

        time.sleep(1.3)  # past the 1 s after which the bot acknowledges ("thinking…")
        raise RuntimeError("engine exploded late")

    monkeypatch.setattr(client.service, "ask", slow_then_broken)
    # The logged error's traceback would keep the work's task alive past the test's look.
    monkeypatch.setattr(logging.getLogger("bot.discord.errors"), "disabled", True)
    fake_discord.hang_up_next(1, route=CALLBACK_ROUTE)  # the acknowledgement is lost
    ix = await fake_discord.dispatch_command("ask", {"question": QUESTION})
    message = await answer_of(fake_discord, ix, timeout=3)  # the sorry, within the 3 s
    assert "Sorry, something went wrong" in text_of(message)
    await asyncio.sleep(0.6)  # the work ends, raising, with no one waiting for it
    assert collected(unretrieved) == []


async def wait_for_log(caplog: pytest.LogCaptureFixture, text: str, timeout: float = 3.0) -> None:
    async with asyncio.timeout(timeout):
        while not any(text in r.getMessage() for r in caplog.records):
            await asyncio.sleep(0.01)

