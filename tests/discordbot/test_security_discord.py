"""Security on Discord: who may change stories, what an attachment or an option can reach."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fake_discord import EPHEMERAL, MEMBER_PERMISSIONS, FakeDiscord
from storybot_helpers import MANAGER, answer_of, article, text_of

from bot.commands import Caller, StoryBot
from bot.commands.places import Place
from bot.discord.client import StoryBotClient

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
    context: dict[str, Any] = {
        "member": {"permissions": MEMBER_PERMISSIONS},
        "manager": {"permissions": MANAGER},
        "dm": {"channel": fake_discord.dm_channel},
    }[who]
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
    planted.write_bytes((library.stories_dir / "alpha.json").read_bytes())
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
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    stories = [p for p in written if p.endswith(".json") and "/stories/" in p]
    assert len(stories) == 1 and stories[0].startswith(f"data/servers/{fake_discord.guild['id']}/")
    assert all(p.startswith("data/") for p in written), written


async def test_an_attachment_larger_than_it_claimed_is_refused_after_download(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    attachment = fake_discord.add_attachment("big.txt", b"word " * 500_000)  # 2.5 MB
    attachment["size"] = 1_000
    ix = await fake_discord.dispatch_command("story add", {"file": attachment}, permissions=MANAGER)
    message = await answer_of(fake_discord, ix)
    assert message["flags"] & EPHEMERAL and "limit" in text_of(message)
    assert not client.service.library(guild_caller(fake_discord).place).stories_dir.exists()


async def test_binary_content_with_an_article_name_is_refused(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    ix = await fake_discord.dispatch_command(
        "story add", {"file": fake_discord.add_attachment("photo.txt", png)}, permissions=MANAGER
    )
    message = await answer_of(fake_discord, ix)
    assert message["flags"] & EPHEMERAL and "binary" in text_of(message)
