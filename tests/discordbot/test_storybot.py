"""StoryBot on Discord, through the real discord.py stack and the fake Discord."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest

from bot.commands import StoryBot
from bot.commands.reply import BRAND_COLOUR
from bot.discord.client import StoryBotClient
from tests.discordbot.storybot_helpers import (
    REPLY_ROUTE,
    SAMPLE_ID,
    THAROOR,
    add_story,
    answer_of,
    article,
    replies,
)
from tests.fake_discord import (
    BOT_PERMISSIONS,
    EMBED_LINKS,
    EPHEMERAL,
    MANAGE_GUILD,
    MEMBER_PERMISSIONS,
    MESSAGE_CONTENT,
    FakeDiscord,
    pings,
)

# -- mentions ------------------------------------------------------------------------------------


async def test_mention_gets_a_cited_reply_that_references_it(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    question = await fake_discord.dispatch_message("who heads the committee?", mention_bot=True)
    reply = await fake_discord.wait_for_request(lambda r: r.route == REPLY_ROUTE)
    embed = reply.embeds[0]
    assert THAROOR in embed["description"]
    assert embed["title"] == "who heads the committee?"
    assert embed["color"] == BRAND_COLOUR
    assert "¶9" in embed["fields"][0]["value"]
    assert str(reply.json["message_reference"]["message_id"]) == question["id"]
    assert reply.json["allowed_mentions"]["parse"] == []
    assert pings(reply.json, replied_user=fake_discord.user) == set()


@pytest.mark.parametrize("where", ["thread", "dm_channel"])
async def test_mention_in_a_thread_or_dm(
    fake_discord: FakeDiscord, client: StoryBotClient, where: str
) -> None:
    channel = getattr(fake_discord, where)
    await fake_discord.dispatch_message(
        "who heads the committee?", channel=channel, mention_bot=where == "thread"
    )
    reply = await fake_discord.wait_for_request(lambda r: r.route == REPLY_ROUTE)
    assert reply.params["channel_id"] == channel["id"]
    assert THAROOR in reply.embeds[0]["description"]


async def test_other_bots_and_unaddressed_messages_are_ignored(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    other_bot = fake_discord.make_user("newsbot", bot=True)
    await fake_discord.dispatch_message(
        "who heads the committee?", author=other_bot, mention_bot=True
    )
    await fake_discord.dispatch_message("who heads the committee?")  # no mention
    marker = await fake_discord.dispatch_message("who denied the allegation?", mention_bot=True)
    await fake_discord.wait_for_request(lambda r: r.route == REPLY_ROUTE)
    assert [str(r.json["message_reference"]["message_id"]) for r in replies(fake_discord)] == [
        marker["id"]
    ]


async def test_bare_mention_gets_a_hint(fake_discord: FakeDiscord, client: StoryBotClient) -> None:
    await fake_discord.dispatch_message("", mention_bot=True)
    reply = await fake_discord.wait_for_request(lambda r: r.route == REPLY_ROUTE)
    assert "Ask me a question" in reply.embeds[0]["description"]


async def test_mention_spam_gets_try_again(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    for _ in range(4):
        await fake_discord.dispatch_message("who heads the committee?", mention_bot=True)
    sent = await fake_discord.wait_for_requests(lambda r: r.route == REPLY_ROUTE, 4)
    texts = sorted(r.embeds[0]["description"] for r in sent)  # answers may finish in any order
    assert [THAROOR in t for t in texts] == [True, True, True, False]
    assert "try again in" in texts[3]


async def test_a_reply_discord_refuses_is_logged_as_a_warning(
    fake_discord: FakeDiscord, client: StoryBotClient, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.fail_next(1, status=403, route=REPLY_ROUTE)
    await fake_discord.dispatch_message("who heads the committee?", mention_bot=True)
    await fake_discord.wait_for_request(lambda r: r.route == REPLY_ROUTE)
    async with asyncio.timeout(2):
        while not any("could not reply" in r.getMessage() for r in caplog.records):
            await asyncio.sleep(0.01)


# -- slash commands ------------------------------------------------------------------------------


async def test_ask_command(fake_discord: FakeDiscord, client: StoryBotClient) -> None:
    ix = await fake_discord.dispatch_command("ask", {"question": "who heads the committee?"})
    callback = await fake_discord.wait_for_callback(ix)
    assert callback.json["type"] == 4
    embed = callback.embeds[0]
    assert THAROOR in embed["description"]
    assert embed["footer"]["text"] == f"StoryBot · story: {SAMPLE_ID}"
    assert not callback.message.get("flags", 0) & EPHEMERAL


async def test_an_answer_quotes_its_context_and_names_the_speaker(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    ix = await fake_discord.dispatch_command(
        "ask", {"question": "how many users does WhatsApp have in India?"}
    )
    embed = (await answer_of(fake_discord, ix))["embeds"][0]
    first, second, speaker = embed["description"].split("\n")
    assert first.startswith("> Messaging service provider WhatsApp")
    assert second.startswith("> They also claimed that WhatsApp, with over 400 million users")
    assert speaker == "— sources"
    assert embed["fields"][0]["value"].startswith("¶3, ¶4 · WhatsApp Expressed Regret")
    ix = await fake_discord.dispatch_command("ask", {"question": "what did Prasad say?"})
    embed = (await answer_of(fake_discord, ix))["embeds"][0]
    assert embed["description"].endswith("\n— Ravi Shankar Prasad, Union Minister")


async def test_ask_about_an_unknown_story_is_an_ephemeral_error(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    ix = await fake_discord.dispatch_command("ask", {"question": "who?", "story": "no-such-story"})
    callback = await fake_discord.wait_for_callback(ix)
    assert callback.message["flags"] & EPHEMERAL
    assert "no story 'no-such-story'" in callback.embeds[0]["description"]


async def test_slow_work_is_deferred_then_followed_up(
    fake_discord: FakeDiscord, client: StoryBotClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.discord.replies.DEFER_AFTER", 0.0)
    ix = await fake_discord.dispatch_command("ask", {"question": "who heads the committee?"})
    followup = await fake_discord.wait_for_followup(ix)
    assert (await fake_discord.wait_for_callback(ix)).json["type"] == 5
    assert THAROOR in followup.embeds[0]["description"]


async def test_summary_command(fake_discord: FakeDiscord, client: StoryBotClient) -> None:
    ix = await fake_discord.dispatch_command("summary", {"length": "short"})
    embed = (await answer_of(fake_discord, ix))["embeds"][0]
    assert embed["title"].startswith("WhatsApp Expressed Regret")
    assert embed["description"].startswith("2019-11-21\n\nThe centre has rejected reports")
    assert "(¶1)" in embed["description"]


async def test_quote_and_speakers_commands(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    ix = await fake_discord.dispatch_command("quote", {"speaker": "prasad"})
    quote = (await answer_of(fake_discord, ix))["embeds"][0]
    assert quote["title"] == "Statements by prasad"
    [said] = quote["fields"]
    assert said["name"] == "¶6 · Ravi Shankar Prasad, Union Minister"
    assert said["value"].startswith("“The government is committed to protecting")
    ix = await fake_discord.dispatch_command("speakers")
    speakers = (await answer_of(fake_discord, ix))["embeds"][0]
    assert speakers["title"] == "Who is quoted"
    assert "Ravi Shankar Prasad, Union Minister — 1 statement" in speakers["description"]
    assert speakers["footer"]["text"] == quote["footer"]["text"] == f"StoryBot · story: {SAMPLE_ID}"


async def test_help_is_ephemeral_and_lists_every_command(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    ix = await fake_discord.dispatch_command("help")
    message = await answer_of(fake_discord, ix)
    assert message["flags"] & EPHEMERAL
    names = [f["name"].split()[0] for f in message["embeds"][0]["fields"]]
    assert names == [
        "/ask",
        "/summary",
        "/quote",
        "/speakers",
        "/story",
        "/story",
        "/story",
        "/story",
        "/story",
        "/help",
    ]


async def test_plain_text_where_embeds_are_not_allowed(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    ix = await fake_discord.dispatch_command(
        "ask",
        {"question": "who heads the committee?"},
        app_permissions=BOT_PERMISSIONS & ~EMBED_LINKS,
    )
    message = await answer_of(fake_discord, ix)
    assert not message.get("embeds")
    assert THAROOR in message["content"] and "¶9" in message["content"]


# -- autocomplete -------------------------------------------------------------------------------


async def test_story_autocomplete(fake_discord: FakeDiscord, client: StoryBotClient) -> None:
    ix = await fake_discord.dispatch_autocomplete(
        "ask", {"question": "x", "story": "whats"}, focused="story"
    )
    callback = await fake_discord.wait_for_callback(ix)
    assert callback.json["data"]["choices"][0]["value"] == SAMPLE_ID


async def test_speaker_autocomplete_is_fuzzy_and_capped(
    fake_discord: FakeDiscord, client: StoryBotClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.lookup import SpeakerCount

    crowd = [
        SpeakerCount(speaker=f"Speaker {i}", statements=1, story_ids=[SAMPLE_ID]) for i in range(40)
    ]
    crowd.append(SpeakerCount(speaker="Ravi Shankar Prasad", statements=2, story_ids=[SAMPLE_ID]))
    monkeypatch.setattr("bot.lookup.speakers", lambda stories: crowd)
    ix = await fake_discord.dispatch_autocomplete(
        "quote", {"speaker": "prassad"}, focused="speaker"
    )
    choices = (await fake_discord.wait_for_callback(ix)).json["data"]["choices"]
    assert choices[0]["value"] == "Ravi Shankar Prasad"
    ix = await fake_discord.dispatch_autocomplete("quote", {"speaker": ""}, focused="speaker")
    assert len((await fake_discord.wait_for_callback(ix)).json["data"]["choices"]) == 25


# -- the story library -------------------------------------------------------------------------


async def test_story_add_by_a_manager_persists_and_becomes_active(
    fake_discord: FakeDiscord, client: StoryBotClient, tmp_path: Path
) -> None:
    data = article(
        "Harbour Bridge Reopens",
        "The harbour bridge reopened on Monday after repairs, said Mayor Lina Ortiz.",
    )
    message = await add_story(fake_discord, data)
    assert "Harbour Bridge Reopens" in message["content"] and "active" in message["content"]
    callback = next(r for r in fake_discord.requests if r.route.endswith("/callback"))
    assert callback.json == {"type": 5, "data": {"flags": EPHEMERAL}}

    ix = await fake_discord.dispatch_command("ask", {"question": "when did the bridge reopen?"})
    assert "reopened on Monday" in (await answer_of(fake_discord, ix))["embeds"][0]["description"]
    # A restart reads the same data directory.
    restarted = StoryBot(tmp_path / "data")
    guild = client.get_guild(int(fake_discord.guild["id"]))
    assert guild is not None
    from bot.commands import Caller

    caller = Caller.server(guild.id, can_manage=False)
    assert restarted.story(caller).title == "Harbour Bridge Reopens"


async def test_story_add_without_permission_is_refused(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    attachment = fake_discord.add_attachment("story.json", article("T", "Some text here."))
    ix = await fake_discord.dispatch_command("story add", {"file": attachment})
    callback = await fake_discord.wait_for_callback(ix)
    assert callback.message["flags"] & EPHEMERAL
    assert "Manage Server" in callback.embeds[0]["description"]
    assert not any(r.route.startswith("/attachments/") for r in fake_discord.requests)


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        ("photo.png", b"\x89PNG....", "not an article file"),
        ("empty.txt", b"", "empty"),
        ("broken.json", b"{not json", "broken.json"),
    ],
)
async def test_story_add_with_a_bad_attachment(
    fake_discord: FakeDiscord, client: StoryBotClient, filename: str, data: bytes, expected: str
) -> None:
    message = await add_story(fake_discord, data, filename)
    assert message["flags"] & EPHEMERAL
    assert expected in message["embeds"][0]["description"]


async def test_story_add_refuses_an_oversized_file_without_downloading(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    attachment = fake_discord.add_attachment("big.txt", b"x")
    attachment["size"] = 3_000_000
    ix = await fake_discord.dispatch_command(
        "story add", {"file": attachment}, permissions=MEMBER_PERMISSIONS | MANAGE_GUILD
    )
    callback = await fake_discord.wait_for_callback(ix)
    assert "limit" in callback.embeds[0]["description"]
    assert not any(r.route.startswith("/attachments/") for r in fake_discord.requests)


async def test_story_list_use_info_and_remove(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    await add_story(fake_discord, article("Harbour Bridge Reopens", "The bridge reopened."))
    await add_story(
        fake_discord, article("Library Gets New Wing", "The library opened a wing."), "library.json"
    )
    ix = await fake_discord.dispatch_command(
        "story use",
        {"story": "harbour-bridge-reopens"},
        permissions=MEMBER_PERMISSIONS | MANAGE_GUILD,
    )
    assert "Harbour Bridge Reopens" in (await answer_of(fake_discord, ix))["content"]
    ix = await fake_discord.dispatch_command("story list")
    listing = (await answer_of(fake_discord, ix))["embeds"][0]["description"]
    assert "▶ [Harbour Bridge Reopens]" in listing and "• [Library Gets New Wing]" in listing
    ix = await fake_discord.dispatch_command("story info", {"story": "library"})
    info = (await answer_of(fake_discord, ix))["embeds"][0]
    assert info["title"] == "Library Gets New Wing"
    assert {"name": "Active", "value": "no", "inline": True} in info["fields"]
    ix = await fake_discord.dispatch_command(
        "story remove", {"story": "library"}, permissions=MEMBER_PERMISSIONS | MANAGE_GUILD
    )
    assert "Removed" in (await answer_of(fake_discord, ix))["content"]


# -- safety and limits -------------------------------------------------------------------------


async def test_article_mentions_never_ping(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    await add_story(
        fake_discord,
        article(
            "Council **Vote** @everyone",
            "The council voted @everyone <@&123> <@456> to close the **old** pier on Friday.",
        ),
    )
    for permissions in (BOT_PERMISSIONS, BOT_PERMISSIONS & ~EMBED_LINKS):
        ix = await fake_discord.dispatch_command(
            "ask", {"question": "what did the council vote?"}, app_permissions=permissions
        )
        message = await answer_of(fake_discord, ix)
        shown = json.dumps(message, ensure_ascii=False)
        assert "@everyone" not in shown and "<@&123>" not in shown and "<@456>" not in shown
        assert pings({"content": message.get("content")}) == set()  # even if mentions were parsed
        assert message["allowed_mentions"]["parse"] == []
        text = message["embeds"][0]["description"] if message.get("embeds") else message["content"]
        assert r"\*\*old\*\*" in text  # markdown shown literally


async def test_a_10000_character_answer_stays_within_limits(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    sentence = "The tunnel " + " ".join(
        f"section {i} was inspected by engineers" for i in range(280)
    )
    assert len(sentence) > 10_000
    await add_story(fake_discord, article("Tunnel Inspection", sentence + "."))
    for permissions in (BOT_PERMISSIONS, BOT_PERMISSIONS & ~EMBED_LINKS):
        ix = await fake_discord.dispatch_command(
            "ask", {"question": "who inspected the tunnel?"}, app_permissions=permissions
        )
        message = await answer_of(fake_discord, ix)
        text = message["embeds"][0]["description"] if message.get("embeds") else message["content"]
        assert text.endswith("…") and "section 1 was inspected" in text
    # The fake enforces every limit: no violation means the replies fit.


# -- context menu and cooldown -----------------------------------------------------------------


async def test_ask_storybot_message_menu(fake_discord: FakeDiscord, client: StoryBotClient) -> None:
    target = await fake_discord.dispatch_message("who heads the committee?")
    ix = await fake_discord.dispatch_message_command("Ask StoryBot", target)
    message = await answer_of(fake_discord, ix)
    assert THAROOR in message["embeds"][0]["description"]


async def test_command_spam_gets_a_friendly_cooldown(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    messages = []
    for _ in range(4):
        ix = await fake_discord.dispatch_command("ask", {"question": "who heads the committee?"})
        messages.append(await answer_of(fake_discord, ix))
    assert all(THAROOR in m["embeds"][0]["description"] for m in messages[:3])
    assert messages[3]["flags"] & EPHEMERAL
    assert "try again in" in messages[3]["embeds"][0]["description"]


# -- errors and start-up -------------------------------------------------------------------


async def test_unexpected_errors_are_logged_with_context_and_answered_politely(
    fake_discord: FakeDiscord,
    client: StoryBotClient,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(client.service, "ask", broken)
    ix = await fake_discord.dispatch_command("ask", {"question": "who heads the committee?"})
    message = await answer_of(fake_discord, ix)
    assert message["flags"] & EPHEMERAL
    assert "Sorry, something went wrong" in message["embeds"][0]["description"]
    assert "engine exploded" not in json.dumps(message)
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert f"/ask (user {fake_discord.user['id']}, guild {fake_discord.guild['id']}" in (
        record.getMessage()
    )
    assert record.exc_info is not None
    caplog.clear()


async def test_slash_commands_work_in_a_dm_but_cannot_change_stories(
    fake_discord: FakeDiscord, client: StoryBotClient
) -> None:
    dm = fake_discord.dm_channel
    ix = await fake_discord.dispatch_command(
        "ask", {"question": "who heads the committee?"}, channel=dm
    )
    assert THAROOR in (await answer_of(fake_discord, ix))["embeds"][0]["description"]
    ix = await fake_discord.dispatch_command("story remove", {"story": SAMPLE_ID}, channel=dm)
    assert "in a server" in (await answer_of(fake_discord, ix))["embeds"][0]["description"]


async def test_start_up_logs_how_mentions_work_once(
    fake_discord: FakeDiscord, client: StoryBotClient, caplog: pytest.LogCaptureFixture
) -> None:
    notes = [r for r in caplog.get_records("setup") if "Message Content" in r.getMessage()]
    assert len(notes) == 1
    assert not fake_discord.intents & MESSAGE_CONTENT
