"""Faults: Discord answering 429 and 5xx, the gateway dropping, the disk failing, stored
stories damaged. StoryBot answers through all of them and loses nothing it had."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.commands import Caller, StoryBot
from bot.discord.client import StoryBotClient
from index.store.database import DB_FILE, Database
from index.store.library import Library
from tests.discordbot.storybot_helpers import (
    CALLBACK_ROUTE,
    MANAGER,
    REPLY_ROUTE,
    SAMPLE_ID,
    THAROOR,
    add_story,
    answer_of,
    article,
    text_of,
)
from tests.fake_discord import EPHEMERAL, MEMBER_PERMISSIONS, FakeDiscord

FOLLOWUP = "/webhooks/{application_id}/{token}"
QUESTION = {"question": "who heads the committee?"}

# -- Discord's HTTP errors -----------------------------------------------------------------

# (what fails, how): discord.py retries a 429 after retry_after and a 5xx after 1 s, both
# within the 3 s an interaction has.
HTTP_FAULTS = [
    ("callback", 429), ("callback", 500),
    ("followup", 429), ("followup", 502),
    ("mention", 429), ("mention", 502),
]


@pytest.mark.parametrize(("where", "status"), HTTP_FAULTS, ids=[f"{w}-{s}" for w, s in HTTP_FAULTS])
async def test_replies_arrive_through_rate_limits_and_server_errors(
    fake_discord: FakeDiscord, client: StoryBotClient, where: str, status: int
) -> None:
    route = {"callback": CALLBACK_ROUTE, "followup": FOLLOWUP, "mention": REPLY_ROUTE}[where]
    if status == 429:
        fake_discord.rate_limit(route=route, retry_after=0.3, is_global=where == "mention")
    else:
        fake_discord.fail_next(1, status=status, route=route)

    if where == "callback":
        ix = await fake_discord.dispatch_command("ask", QUESTION)
        answered = text_of(await answer_of(fake_discord, ix, timeout=4))
    elif where == "followup":  # /story add always acknowledges first, then follows up
        answered = text_of(await add_story(fake_discord, article("Dam Opens", "The dam opened.")))
    else:
        await fake_discord.dispatch_message("who heads the committee?", mention_bot=True)
        sent = await fake_discord.wait_for_requests(
            lambda r: r.route == REPLY_ROUTE and r.status == 200, 1, timeout=4)
        answered = text_of(sent[0].json)

    assert THAROOR in answered or "added as" in answered
    statuses = [r.status for r in fake_discord.requests if r.route == route]
    assert statuses == [status, 200]


async def test_a_burst_of_faults_on_every_route(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    # Several users at once while every route fails once: each still gets its answer.
    for route in (CALLBACK_ROUTE, FOLLOWUP, REPLY_ROUTE):
        fake_discord.rate_limit(route=route, retry_after=0.2)
        fake_discord.fail_next(1, status=502, route=route)
    users = [fake_discord.make_user(f"reader{i}") for i in range(3)]
    asks = [await fake_discord.dispatch_command("ask", QUESTION, user=u) for u in users]
    await fake_discord.dispatch_message("who heads the committee?", mention_bot=True)
    attachment = fake_discord.add_attachment("dam.json", article("Dam Opens", "The dam opened."))
    add = await fake_discord.dispatch_command("story add", {"file": attachment}, permissions=MANAGER)
    for ix in asks:
        assert THAROOR in text_of(await answer_of(fake_discord, ix, timeout=4))
    assert "added as" in text_of(await answer_of(fake_discord, add, timeout=6))
    await fake_discord.wait_for_requests(lambda r: r.route == REPLY_ROUTE and r.status == 200, 1, 6)
    failed = [r.status for r in fake_discord.requests if r.status in (429, 502)]
    assert sorted(failed) == [429] * 3 + [502] * 3


# -- the gateway ---------------------------------------------------------------------------


async def test_a_dropped_gateway_resumes_and_replays_what_was_missed(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    await fake_discord.drop_gateway()
    # Sent while the bot is away: Discord replays it on RESUME, still within its 3 s.
    ix = await fake_discord.dispatch_command("ask", QUESTION)
    assert THAROOR in text_of(await answer_of(fake_discord, ix, timeout=3))
    assert (fake_discord.identify_count, fake_discord.resume_count) == (1, 1)


@pytest.mark.parametrize("how", ["reconnect-op", "invalid-session"])
async def test_the_bot_reconnects_and_keeps_answering(
    fake_discord: FakeDiscord, client: StoryBotClient, how: str
) -> None:
    if how == "reconnect-op":
        await fake_discord.send_reconnect()  # Discord asks the bot to reconnect (op 7)
        await fake_discord.wait_until(lambda: fake_discord.resume_count == 1, timeout=5)
    else:
        # discord.py waits 5 s before identifying again (Discord's identify rate limit): not
        # what is tested here, and 5 s of the suite's time.
        client.before_identify_hook = no_wait  # type: ignore[method-assign]
        await fake_discord.drop_gateway(resumable=False)  # RESUME refused: IDENTIFY again
        await fake_discord.wait_until(lambda: fake_discord.identify_count == 2, timeout=10)
        await fake_discord.wait_until(client.is_ready, timeout=5)
    for user in (fake_discord.user, fake_discord.make_user("later")):
        ix = await fake_discord.dispatch_command("ask", QUESTION, user=user)
        assert THAROOR in text_of(await answer_of(fake_discord, ix))


def resumed(fake: FakeDiscord, times: int) -> Callable[[], bool]:
    return lambda: fake.resume_count == times


async def no_wait(shard_id: int | None, *, initial: bool = False) -> None:
    return None


async def test_several_drops_in_a_row(fake_discord: FakeDiscord, client: StoryBotClient) -> None:
    for n in range(1, 4):
        await fake_discord.drop_gateway()
        await fake_discord.wait_until(resumed(fake_discord, n), timeout=5)
        ix = await fake_discord.dispatch_command("ask", QUESTION, user=fake_discord.make_user(f"u{n}"))
        assert THAROOR in text_of(await answer_of(fake_discord, ix))


# -- the disk ------------------------------------------------------------------------------


def db_state(data_dir: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every stored story (shelf, id, document) and every active-story choice."""
    with sqlite3.connect(data_dir / DB_FILE) as conn:
        return (conn.execute("SELECT shelf, id, document FROM stories ORDER BY shelf, id").fetchall(),
                conn.execute("SELECT place, story_id FROM active ORDER BY place").fetchall())


def seeded(client: StoryBotClient, fake: FakeDiscord) -> Caller:
    """Two stories in the server, 'beta' active; the manager's caller."""
    manager = Caller.server(int(fake.guild["id"]), can_manage=True)
    client.service.story_add(manager, article("Alpha Dam Opens", "The dam opened."), "alpha.json")
    client.service.story_add(manager, article("Beta Port Closes", "The port closed."), "beta.json")
    return manager


def failing_from(call: int, error: str) -> Callable[[Database], AbstractContextManager[sqlite3.Connection]]:
    """A `Database.writing` whose transactions work ``call`` times, then fail as SQLite
    fails on a full or read-only disk (the transaction rolled back)."""
    real, calls = Database.writing, [0]

    @contextmanager
    def writing(self: Database) -> Iterator[sqlite3.Connection]:
        calls[0] += 1
        with real(self) as conn:
            if calls[0] > call:
                failure = sqlite3.OperationalError(error)
                failure.sqlite_errorname = error  # type: ignore[attr-defined]
                raise failure
            yield conn

    return writing


DISK_FULL, READ_ONLY = "SQLITE_FULL", "SQLITE_READONLY"
MESSAGES = {DISK_FULL: "No space left on device", READ_ONLY: "Read-only file system"}
# /story add makes durable, in turn: the story (one transaction), the term index snapshot,
# the active-story choice. The disk fills before each of them.
DISK_FAULTS: list[tuple[str, int, str]] = [
    *((f"add, disk full after {n} writes", n, DISK_FULL) for n in range(3)),
    ("add, read-only", 0, READ_ONLY),
    ("use, read-only", 0, READ_ONLY),
    ("remove, read-only", 0, READ_ONLY),
]


@pytest.mark.parametrize(("case", "writes", "error"), DISK_FAULTS, ids=[c[0] for c in DISK_FAULTS])
async def test_a_failing_disk_gives_a_clear_message_and_loses_nothing(
    fake_discord: FakeDiscord, client: StoryBotClient, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, case: str, writes: int, error: str,
) -> None:
    manager = seeded(client, fake_discord)
    data_dir = tmp_path / "data"
    before = db_state(data_dir)
    name = case.split(",")[0]
    by_command: dict[str, dict[str, Any]] = {
        "add": {"file": fake_discord.add_attachment("gamma.json", article("Gamma", "A road."))},
        "use": {"story": "alpha"},
        "remove": {"story": "alpha"},
    }
    options = by_command[name]

    with monkeypatch.context() as patched:
        patched.setattr(Database, "writing", failing_from(writes, error))
        ix = await fake_discord.dispatch_command(f"story {name}", options, permissions=MANAGER)
        message = await answer_of(fake_discord, ix)

    assert message["flags"] & EPHEMERAL
    assert f"cannot write to the data directory {data_dir}" in text_of(message)
    assert MESSAGES[error] in text_of(message)
    after = db_state(data_dir)
    assert {p.name for p in data_dir.iterdir()} <= {DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm"}
    # Every story that was stored is still there, byte for byte, and the active story is
    # unchanged; at most the new story was added; a restart reads a whole library.
    assert set(before[0]) <= set(after[0]) and len(after[0]) - len(before[0]) <= 1
    assert after[1] == before[1]
    assert client.service.active.get(manager.place) == "beta"
    restarted = StoryBot(data_dir)
    assert restarted.active.get(manager.place) == "beta"
    library = Library(data_dir, f"server-{fake_discord.guild['id']}")
    ids = [info.id for info in library.infos()]
    assert ids in (["alpha", "beta"], ["alpha", "beta", "gamma"]) and not library.problems
    for story_id in ids:
        assert library.get(story_id).paragraphs
    if "gamma" in ids:  # stored before the disk filled: the message says so
        assert "added as `gamma`, but it could not be made the active story" in text_of(message)
    # And once the disk is back, the same command works.
    ix = await fake_discord.dispatch_command(f"story {name}", options, permissions=MANAGER)
    assert "cannot write" not in text_of(await answer_of(fake_discord, ix))


# -- damaged stories -----------------------------------------------------------------------


def damage(library: Library, story_id: str, how: str) -> None:
    """Damage a stored story's document in the database, as a bad disk or an older StoryBot
    (whose article text is gone too, so it cannot be re-indexed) would leave it."""
    with sqlite3.connect(library.data_dir / DB_FILE) as conn:
        (text,) = conn.execute("SELECT document FROM stories WHERE shelf = ? AND id = ?",
                               (library.shelf, story_id)).fetchone()
        doc, schema = json.loads(text), None
        if how == "truncated":
            text = text[:300]
        elif how == "tampered":
            doc["story"]["paragraphs"][0]["text"] = "Something else entirely."
            text = json.dumps(doc)
        else:
            schema = 0
            text = json.dumps({"schema_version": 0, "story": doc["story"]})
        conn.execute("UPDATE stories SET document = ?, schema_version = COALESCE(?, schema_version) "
                     "WHERE shelf = ? AND id = ?", (text, schema, library.shelf, story_id))


@pytest.mark.parametrize("how", ["truncated", "tampered", "old-schema"])
async def test_a_damaged_story_is_reported_and_skipped_and_the_others_serve(
    fake_discord: FakeDiscord, client: StoryBotClient, tmp_path: Path,
    caplog: pytest.LogCaptureFixture, how: str,
) -> None:
    # Stored by an earlier run; damaged while the bot was down (the active story, even).
    earlier = StoryBot(tmp_path / "data")
    manager = Caller.server(int(fake_discord.guild["id"]), can_manage=True)
    earlier.story_add(manager, article("Alpha Dam Opens", "The Alpha dam opened on Monday."),
                      "alpha.json")
    earlier.story_add(manager, article("Beta Port Closes", "The Beta port closed on Friday."),
                      "beta.json")
    damage(earlier.library(manager.place), "beta", how)
    client.service = StoryBot(tmp_path / "data")  # the bot restarts on that data directory
    assert client.service.active.get(manager.place) == "beta"

    ix = await fake_discord.dispatch_command("story list")
    listing = text_of(await answer_of(fake_discord, ix))
    assert "`alpha`" in listing  # listing reads no document: a damaged one shows when read

    ix = await fake_discord.dispatch_command("ask", {"question": "when did the dam open?"},
                                             user=fake_discord.make_user("a"))
    assert "opened on Monday" in text_of(await answer_of(fake_discord, ix))
    assert any("beta:" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    ix = await fake_discord.dispatch_command(
        "ask", {"question": "when did the port close?", "story": "beta"},
        user=fake_discord.make_user("b"))
    refused = await answer_of(fake_discord, ix)
    assert refused["flags"] & EPHEMERAL and "beta:" in text_of(refused)


async def test_the_bundled_sample_serves_when_every_story_is_damaged(
    fake_discord: FakeDiscord, client: StoryBotClient, tmp_path: Path
) -> None:
    earlier = StoryBot(tmp_path / "data")
    manager = Caller.server(int(fake_discord.guild["id"]), can_manage=True)
    # About a committee too: the question reaches it, and finds it damaged.
    earlier.story_add(manager, article("Alpha Dam Opens", "The dam committee met."), "alpha.json")
    damage(earlier.library(manager.place), "alpha", "truncated")
    client.service = StoryBot(tmp_path / "data")
    ix = await fake_discord.dispatch_command("ask", QUESTION, permissions=MEMBER_PERMISSIONS)
    message = await answer_of(fake_discord, ix)
    assert THAROOR in text_of(message) and SAMPLE_ID in json.dumps(message)
