"""Security on Discord: who may change stories, what an attachment or an option can reach."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.commands import Caller, StoryBot
from bot.commands.places import Place
from bot.discord.client import StoryBotClient
from bot.discord.runner import setup_logging, sync_commands
from bot.settings import ConfigError, load_settings
from index.store.database import DB_FILE
from tests.discordbot.storybot_helpers import (
    MANAGER,
    THAROOR,
    add_story,
    answer_of,
    article,
    text_of,
)
from tests.fake_discord import EPHEMERAL, FAKE_TOKEN, MEMBER_PERMISSIONS, FakeDiscord, run_bot

ALPHA = article("Alpha Dam Opens", "The Alpha dam opened on Monday, officials said.")
BETA = article("Beta Port Closes", "The Beta port closed on Friday after a storm.")
NEW = article("Gamma Road Built", "The Gamma road was finished in June.")


def guild_caller(fake: FakeDiscord) -> Caller:
    return Caller.server(int(fake.guild["id"]), can_manage=True)


def seed(service: StoryBot, fake: FakeDiscord) -> None:
    """Two stories in the server (Beta active) and one in the operator's library (DMs)."""
    for data, name in ((ALPHA, "alpha.json"), (BETA, "beta.json")):
        service.story_add(guild_caller(fake), data, name)
    service.story_add(Caller.local(), ALPHA, "alpha.json")


def state(service: StoryBot, fake: FakeDiscord) -> tuple[list[str], str | None, str | None]:
    """The server's story ids, its active story, and the DM user's active story."""
    server = guild_caller(fake).place
    dm = Place(kind="dm", id=int(fake.user["id"]))
    ids = [info.id for info in service.library(server).infos()]
    return ids, service.active.get(server), service.active.get(dm)


# (command, options, the state it leaves when allowed)
CHANGES: list[tuple[str, dict[str, Any], tuple[list[str], str | None, str | None]]] = [
    ("story add", {"file": "gamma.json"}, (["alpha", "beta", "gamma"], "gamma", None)),
    ("story remove", {"story": "alpha"}, (["beta"], "beta", None)),
    ("story use", {"story": "alpha"}, (["alpha", "beta"], "alpha", None)),
]


def options_for(fake: FakeDiscord, options: dict[str, Any]) -> dict[str, Any]:
    if options.get("file"):
        return {"file": fake.add_attachment(options["file"], NEW)}
    return options


@pytest.mark.parametrize(("command", "options", "changed"), CHANGES, ids=[c[0] for c in CHANGES])
@pytest.mark.parametrize("who", ["member", "manager", "dm"])
async def test_only_managers_change_a_servers_stories(
    fake_discord: FakeDiscord,
    client: StoryBotClient,
    command: str,
    options: dict[str, Any],
    changed: tuple[list[str], str | None, str | None],
    who: str,
) -> None:
    seed(client.service, fake_discord)
    before = state(client.service, fake_discord)
    contexts: dict[str, dict[str, Any]] = {
        "member": {"permissions": MEMBER_PERMISSIONS},
        "manager": {"permissions": MANAGER},
        "dm": {"channel": fake_discord.dm_channel},
    }
    context = contexts[who]
    ix = await fake_discord.dispatch_command(command, options_for(fake_discord, options), **context)
    message = await answer_of(fake_discord, ix)
    after = state(client.service, fake_discord)

    if who == "manager":
        assert after == changed, text_of(message)
    elif who == "dm" and command == "story use":
        # A DM's active story is the user's own: choosing it there touches no server.
        assert "Now using" in text_of(message)
        assert after == (before[0], before[1], "alpha")
    else:
        assert message["flags"] & EPHEMERAL
        assert ("in a server" if who == "dm" else "Manage Server") in text_of(message)
        assert after == before
    if who != "manager":  # refused before the article is fetched
        assert not any(r.route.startswith("/attachments/") for r in fake_discord.requests)


HOSTILE_IDS = ["../../outside", "../servers/1/stories/x", "/etc/passwd", "a/../b", "..", "A", "x\x00y"]


@pytest.mark.parametrize("story", HOSTILE_IDS)
async def test_story_options_cannot_reach_outside_the_library(
    fake_discord: FakeDiscord, client: StoryBotClient, tmp_path: Path, story: str
) -> None:
    # A valid story document planted outside the server's library must stay unreachable.
    seed(client.service, fake_discord)
    library = client.service.library(guild_caller(fake_discord).place)
    planted = tmp_path / "outside.json"
    with sqlite3.connect(library.data_dir / DB_FILE) as conn:
        planted.write_text(conn.execute("SELECT document FROM stories WHERE shelf = ? AND id = 'alpha'",
                                        (library.shelf,)).fetchone()[0])
    for command, options, permissions in (
        ("ask", {"question": "when did it open?", "story": story}, MEMBER_PERMISSIONS),
        ("story remove", {"story": story}, MANAGER),
        ("story use", {"story": story}, MANAGER),
    ):
        ix = await fake_discord.dispatch_command(command, options, permissions=permissions)
        message = await answer_of(fake_discord, ix)
        assert message["flags"] & EPHEMERAL
        assert "not a story id" in text_of(message)
    assert planted.exists()
    assert state(client.service, fake_discord)[:2] == (["alpha", "beta"], "beta")


HOSTILE_NAMES = ["../../../escape.json", "..\\..\\escape.json", "/etc/cron.d/escape.json",
                 "~/.ssh/escape.json", "nul\x00.json", "CON.json", "  .json"]


@pytest.mark.parametrize("filename", HOSTILE_NAMES)
async def test_attachment_names_are_never_paths(
    fake_discord: FakeDiscord, client: StoryBotClient, tmp_path: Path, filename: str
) -> None:
    attachment = fake_discord.add_attachment("safe.json", NEW)
    attachment["filename"] = filename  # Discord's name for the file; the URL stays fetchable
    ix = await fake_discord.dispatch_command("story add", {"file": attachment}, permissions=MANAGER)
    assert "added as" in text_of(await answer_of(fake_discord, ix))
    written = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()}
    assert written <= {f"data/{DB_FILE}", f"data/{DB_FILE}-wal", f"data/{DB_FILE}-shm"}, written
    stored = client.service.library(guild_caller(fake_discord).place).infos()
    assert len(stored) == 1 and re.fullmatch(r"[a-z0-9][a-z0-9-]*", stored[0].id)


async def test_an_attachment_larger_than_it_claimed_is_refused_after_download(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    attachment = fake_discord.add_attachment("big.txt", b"word " * 500_000)  # 2.5 MB
    attachment["size"] = 1_000
    ix = await fake_discord.dispatch_command("story add", {"file": attachment}, permissions=MANAGER)
    message = await answer_of(fake_discord, ix)
    assert message["flags"] & EPHEMERAL and "limit" in text_of(message)
    assert client.service.library(guild_caller(fake_discord).place).infos()[0].bundled  # none stored


async def test_binary_content_with_an_article_name_is_refused(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    ix = await fake_discord.dispatch_command(
        "story add", {"file": fake_discord.add_attachment("photo.txt", png)}, permissions=MANAGER
    )
    message = await answer_of(fake_discord, ix)
    assert message["flags"] & EPHEMERAL and "binary" in text_of(message)


# -- the token -------------------------------------------------------------------------------


class _AllLogs(logging.Handler):
    """Every record of every logger, formatted with its traceback, as a log file would hold it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def all_logs() -> Iterator[_AllLogs]:
    """All log output at DEBUG, discord.py's included, before any redaction by StoryBot."""
    handler, root = _AllLogs(), logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def secret_parts(token: str) -> list[str]:
    """The token and its HMAC part (the first part is only the base64 of the bot's id)."""
    return [token, token.rsplit(".", 1)[1]]


async def test_the_token_never_reaches_the_logs_through_faults_and_errors(
    fake_discord: FakeDiscord, tmp_path: Path, all_logs: _AllLogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = StoryBotClient(StoryBot(tmp_path / "data"), guild_ready_timeout=0.01)
    async with run_bot(fake_discord, bot):
        fake_discord.rate_limit(route="/interactions/{interaction_id}/{token}/callback",
                                retry_after=0.2)
        fake_discord.fail_next(1, status=502, route="/webhooks/{application_id}/{token}")
        ix = await fake_discord.dispatch_command("ask", {"question": "who heads the committee?"})
        assert THAROOR in text_of(await answer_of(fake_discord, ix))
        assert "added as" in text_of(await add_story(fake_discord, ALPHA))  # deferred, 502, retried

        await fake_discord.drop_gateway()  # RESUME sends the token again
        await fake_discord.wait_until(lambda: fake_discord.resume_count == 1, timeout=5)

        def broken(*_: object) -> None:
            raise RuntimeError("engine exploded")

        monkeypatch.setattr(bot.service, "summary", broken)
        ix = await fake_discord.dispatch_command("summary", user=fake_discord.make_user("bob"))
        assert "Sorry" in text_of(await answer_of(fake_discord, ix))

    assert "Traceback" in all_logs.text and "IDENTIFY" in all_logs.text and "RESUME" in all_logs.text
    for secret in secret_parts(fake_discord.token):
        assert secret not in all_logs.text


async def test_a_refused_token_is_not_echoed(
    fake_discord: FakeDiscord, tmp_path: Path, all_logs: _AllLogs
) -> None:
    wrong = "MTExMTExMTExMTExMTExMTEx.Gwrong.not-the-right-token_0123456789abcdef"
    with pytest.raises(ConfigError) as refused:
        await sync_commands(load_settings(data_dir=str(tmp_path)), wrong, None)
    assert "refused the token" in str(refused.value)
    assert [v.rule for v in fake_discord.take_violations()] == ["unauthorized"]
    for secret in secret_parts(wrong):
        assert secret not in str(refused.value) and secret not in all_logs.text


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """`setup_logging` replaces the root handlers: put pytest's back afterwards."""
    root, http = logging.getLogger(), logging.getLogger("discord.http")
    handlers, levels = root.handlers[:], (root.level, http.level)
    try:
        yield
    finally:
        for handler in root.handlers[:]:
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(levels[0])
        http.setLevel(levels[1])


def test_storybots_log_output_redacts_the_token_even_in_tracebacks(
    restored_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # The second guard: whatever a library might put in a message or an exception.
    setup_logging("DEBUG", FAKE_TOKEN)
    log = logging.getLogger("storybot.test")
    log.info("connecting with %s", FAKE_TOKEN)
    try:
        raise RuntimeError(f"401 for Authorization: Bot {FAKE_TOKEN}")
    except RuntimeError:
        log.exception("login failed")
    logging.getLogger("discord.gateway").warning("token=%s", FAKE_TOKEN)
    output = capsys.readouterr().err
    assert output.count("[token]") == 3 and "Traceback" in output
    for secret in secret_parts(FAKE_TOKEN):
        assert secret not in output
