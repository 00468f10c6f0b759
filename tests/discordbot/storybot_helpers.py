"""Helpers shared by the tests that drive StoryBot through the fake Discord."""

from __future__ import annotations

import json
from typing import Any

from tests.fake_discord import (
    MANAGE_GUILD,
    MEMBER_PERMISSIONS,
    CapturedRequest,
    FakeDiscord,
    FakeInteraction,
)

REPLY_ROUTE = "/channels/{channel_id}/messages"
CALLBACK_ROUTE = "/interactions/{interaction_id}/{token}/callback"
THAROOR = "committee headed by Congress MP Shashi Tharoor"
SAMPLE_ID = "whatsapp-regret-ndtv-2019-11-21"
MANAGER = MEMBER_PERMISSIONS | MANAGE_GUILD


def replies(fake: FakeDiscord) -> list[CapturedRequest]:
    return [r for r in fake.requests if r.route == REPLY_ROUTE]


async def answer_of(fake: FakeDiscord, ix: FakeInteraction, timeout: float = 2.0) -> dict[str, Any]:
    """The message an interaction got: its callback, or the follow-up after a deferral;
    the ones Discord accepted (a request answered 429 or 5xx is retried)."""
    callback = await fake.wait_for_request(
        lambda r: r.route == CALLBACK_ROUTE and r.params["interaction_id"] == str(ix.id)
        and r.status == 200, timeout)
    if callback.json["type"] == 5:
        followup = await fake.wait_for_request(
            lambda r: r.route.startswith("/webhooks/") and r.params.get("token") == ix.token
            and r.method in ("POST", "PATCH") and r.status in (200, 204), timeout)
        return followup.message
    return callback.message


def text_of(message: dict[str, Any]) -> str:
    """What a reader sees of a message: its content and its first embed's description."""
    embeds = message.get("embeds") or []
    return "\n".join(
        part for part in (message.get("content"), embeds[0].get("description") if embeds else None)
        if part
    )


def article(title: str, *paragraphs: str) -> bytes:
    return json.dumps(
        {"title": title, "url": "https://news.example/story", "paragraphs": list(paragraphs)}
    ).encode()


async def add_story(fake: FakeDiscord, data: bytes, filename: str = "story.json") -> dict[str, Any]:
    ix = await fake.dispatch_command(
        "story add", {"file": fake.add_attachment(filename, data)}, permissions=MANAGER
    )
    return await answer_of(fake, ix)
