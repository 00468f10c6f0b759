"""Property-based: any question, speaker, topic or story name gets a valid reply that Discord
accepts as it is rendered (embeds or plain text) and that can ping no one."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.commands import Caller, Reply, StoryBot
from bot.discord.errors import error_reply
from bot.discord.replies import render
from index.errors import StoryBotError
from tests.fake_discord import choice_problems, message_problems, pings

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CALLER = Caller.server(42, can_manage=False)

# What a hostile or careless user types: mentions in every form, markdown, control and
# bidirectional characters, emoji, other scripts, and very long text.
NASTY = [
    "", " ", "\n\n", "@everyone", "@here", "<@123456789012345678>", "<@!123456789012345678>",
    "<@&123456789012345678>", "<#123456789012345678>", "@\u200beveryone", "**bold** __u__ ~~s~~",
    "`code` ```block```", "> quote\n# heading\n- item", "[link](https://evil.example)",
    "\u202ereversed\u202c", "\u200f\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd",
    "\U0001f9e8\U0001f4a5\U0001f3f3\ufe0f\u200d\U0001f308", "\x00\x07\x1b[31m\x7f", "||spoiler||",
    "who heads the committee?", "prasad", "WhatsApp", "\\", "*" * 50, "http://x.y/)",
]
LONG = [
    "a" * 100_000,
    "@everyone " * 10_000,
    "<@&123456789012345678> " * 4_000,
    "who heads the committee? " * 4_000,
    "\U0001f4a5" * 50_000,
    "\u202e" + "x " * 50_000,
]
user_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(NASTY + LONG),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=10)), max_size=12).map(" ".join),
)

_LIVE_MENTION = re.compile(r"@(everyone|here)\b|<@[!&]?\d+>|<#\d+>")


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> StoryBot:
    return StoryBot(Path(tmp_path_factory.mktemp("data")))


def reply_to(command: Callable[[], Reply]) -> Reply:
    """The reply a user gets: the command's, or the error handler's for a user error."""
    try:
        return command()
    except StoryBotError as exc:
        return error_reply(exc, "in a property test")


def assert_sendable(reply: Reply) -> None:
    """As embeds and as plain text, the message is within every Discord limit, not empty,
    and pings no one even if the bot's allowed_mentions guard were missing."""
    for embeds_allowed in (True, False):
        kwargs = render(reply, embeds_allowed=embeds_allowed)
        payload = {
            "content": kwargs.get("content"),
            "embeds": [embed.to_dict() for embed in kwargs.get("embeds") or []],
        }
        assert payload["content"] or payload["embeds"], "an empty message"
        assert not message_problems(payload), message_problems(payload)
        assert pings(payload) == set()  # no allowed_mentions: Discord parses everything
        assert not _LIVE_MENTION.search(json.dumps(payload, ensure_ascii=False))


@FAST
@given(question=user_text, story=st.one_of(st.none(), user_text))
@example(question="who?", story="@everyone")  # the error quoted the story option live
def test_ask(service: StoryBot, question: str, story: str | None) -> None:
    assert_sendable(reply_to(lambda: service.ask(CALLER, question, story)))


@FAST
@given(speaker=st.one_of(st.none(), user_text), about=st.one_of(st.none(), user_text))
def test_quote(service: StoryBot, speaker: str | None, about: str | None) -> None:
    assert_sendable(reply_to(lambda: service.quote(CALLER, speaker, about)))


@FAST
@given(story=st.one_of(st.none(), user_text), length=st.one_of(st.just("short"), user_text))
@example(story=None, length="<@&123456789012345678>")
def test_summary_speakers_and_story_info(service: StoryBot, story: str | None, length: str) -> None:
    assert_sendable(reply_to(lambda: service.summary(CALLER, story, length)))  # type: ignore[arg-type]
    assert_sendable(reply_to(lambda: service.speakers(CALLER, story)))
    assert_sendable(reply_to(lambda: service.story_info(CALLER, story)))


@FAST
@given(current=user_text, story=st.one_of(st.none(), user_text))
def test_autocomplete(service: StoryBot, current: str, story: str | None) -> None:
    for choices in (service.story_choices(CALLER, current),
                    service.speaker_choices(CALLER, current, story)):
        payload = [{"name": c.name, "value": c.value} for c in choices]
        assert not choice_problems(payload)


def test_the_hostile_inputs_reach_the_engine(service: StoryBot) -> None:
    # A sanity check on the strategy: a real question embedded in noise is still answered.
    reply = service.ask(CALLER, "<@&1> **who heads the committee?** @everyone \u202e")
    assert "Shashi Tharoor" in reply.embeds[0].description
    assert_sendable(reply)
