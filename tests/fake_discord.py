"""A fake Discord for tests: REST routes, the gateway websocket and Discord's rules, on 127.0.0.1.

The real discord.py stack (HTTP client, rate limiter, webhook adapter, gateway, command tree)
talks to this server instead of Discord. The fake answers like Discord does and *enforces*
Discord's rules: a request that breaks one gets Discord's error status and body, and is
recorded in ``fake.violations`` (the ``fake_discord`` fixture fails a test that leaves any).

Start-up
--------
::

    async with FakeDiscord() as fake:          # binds a free port on 127.0.0.1
        fake.install(monkeypatch)               # Route.BASE and DEFAULT_GATEWAY point here
        async with run_bot(fake, bot):          # bot.start(fake.token) until the bot is ready
            ...

Build the bot with a short ``guild_ready_timeout`` (e.g. 0.01 s): discord.py waits that long
after the last GUILD_CREATE before it fires ``on_ready``.

World
-----
``bot_user`` and ``application_id`` (served by ``GET /users/@me`` and
``GET /oauth2/applications/@me``), one guild ``guild`` with a text channel ``channel`` and a
public thread ``thread`` in it, a DM channel ``dm_channel``, and a member ``user``.
``make_user(name)`` makes more users, ``make_channel(name)`` more text channels (before
the bot connects). All payloads are plain dicts in Discord's JSON shapes.

Gateway -> bot (events)
-----------------------
- ``await dispatch(event, data)``: any dispatch event. Events sent while the bot is
  disconnected are kept and replayed when it RESUMEs, as Discord does.
- ``await dispatch_message(content, author=..., channel=..., mentions=[...],
  mention_bot=True, attachments=[...])`` -> the message payload. Applies the bot's intents:
  without GUILD_MESSAGES / DM_MESSAGES nothing is delivered; without MESSAGE_CONTENT, guild
  messages that do not mention the bot arrive with empty content, embeds and attachments.
- ``await dispatch_command("story add", {"file": attachment}, user=..., permissions=...,
  channel=..., app_permissions=...)`` -> ``FakeInteraction``. A space in the name selects a
  subcommand. Option types follow the Python values: str, int, float, bool, or an
  attachment dict.
- ``await dispatch_autocomplete("quote", {"speaker": "pra"}, focused="speaker")``.
- ``await dispatch_message_command("Ask StoryBot", message)`` (message context menu).
- ``add_attachment(filename, data, content_type)`` -> an attachment payload whose ``url`` is
  served by this fake (``GET /attachments/{id}/{filename}``).

Bot -> fake (observing)
-----------------------
- ``requests``: every ``CapturedRequest`` (method, path, route template, path params,
  query, ``json`` -- the JSON body or the multipart ``payload_json`` --, files, status and
  response). ``message`` is the message part of a body (``data`` of a callback);
  ``pings(message)`` is the set of mentions that body would ping.
- ``await wait_for_request(predicate, timeout)`` / ``wait_for_requests(predicate, count,
  timeout)``: requests already captured count too, so there is no race.
- ``await wait_for_callback(ix)``, ``await wait_for_followup(ix)``: the interaction callback,
  and the first follow-up or edit of the original response.
- ``await wait_until(predicate, timeout)``: any state (``identify_count``, ``resume_count``...).
- ``violations`` / ``take_violations()``: the rules broken, in order.
- ``await raw_request(method, path, body)``: call the API directly, bypassing discord.py.

Rules enforced
--------------
Message content <= 2,000 chars; <= 10 embeds; embed title 256, description 4,096, <= 25
fields, field name 256 / value 1,024 (both non-empty), footer 2,048, author 256, 6,000 in
total per message; embed URLs http(s); colour 0..0xFFFFFF; no empty message; a
message_reference must name a known message. Interaction callbacks: later than
``interaction_deadline`` (3 s) after the dispatch -> 404 / 10062 "Unknown interaction"; a
second callback -> 400 / 40060; the callback type must fit the interaction; autocomplete
<= 25 choices with 1..100-char names and values. Follow-ups and edits before the callback ->
404 / 10015. Application command registration: names, descriptions, option counts and
order; a server's commands when the bot is not in that server -> 403 / 50001 Missing
Access. Wrong bot token -> 401 (REST) or close 4004 (gateway); a privileged intent that
``enabled_intents`` does not allow -> close 4014. Unknown routes -> 404, recorded.

Faults (for reliability tests)
------------------------------
- ``rate_limit(route=..., method=..., retry_after=0.05, count=1, is_global=False)``: the next
  ``count`` matching requests get 429 with ``retry_after`` and the ``X-RateLimit-*`` and
  ``Via`` headers discord.py reads.
- ``fail_next(count, status=500, route=..., method=...)``: that status (5xx, or e.g. 403)
  for the next matching requests. ``hang_up_next(count, route=..., method=...)``: no
  answer at all, the connection cut (recorded with status ``HUNG_UP``).
- ``await drop_gateway(code=4000, resumable=True)``: close the websocket; discord.py
  reconnects and RESUMEs (or, when not resumable, is refused and IDENTIFYs again).
- ``await send_reconnect()``: gateway op 7.
- ``fail_gateway_connects(count=1, status=502)``: the next ``count`` websocket connections
  are answered with that HTTP status instead of the upgrade, or with ``status=None`` cut
  off without an answer (what a refused or reset connection looks like to the client).
- ``await dispatch_malformed(event, field, value)``: a dispatch event with one field of the
  wrong type, which discord.py fails to parse: ``MESSAGE_CREATE`` (a message mentioning the
  bot) or ``GUILD_CREATE`` (``guild``). ``await send_raw(text)``: a frame that is not JSON.
- ``refuse_embeds(count=1)``: the next ``count`` message bodies that carry embeds (channel
  messages, interaction responses, follow-ups) get 400 Invalid Form Body.
Injected faults are not violations. Routes are templates such as
``"/channels/{channel_id}/messages"`` or ``"/interactions/{interaction_id}/{token}/callback"``.

Notes for load tests
--------------------
``dispatch_*`` returns once the event is sent; an interaction's 3 s run from then, so a
backlog in the bot shows up as ``interaction-deadline`` violations. discord.py waits 1 s,
3 s... before retrying a 5xx. StoryBot gives each user a work budget (3 per 20 s): spread
load over ``make_user()`` users, or build the client with a larger ``WorkBudget``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import secrets
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import aiohttp
import yarl
from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    import discord
    import pytest

API_PREFIX = "/api/v10"
# Shaped like a real bot token (id.timestamp.hmac) so token checks accept it.
FAKE_TOKEN = "MTE5ODc2NTQzMjEwOTg3NjU0.GfakeX.fake-token-for-tests-only_0123456789"
DISCORD_EPOCH_MS = 1_420_070_400_000

CONTENT_LIMIT = 2000
MAX_EMBEDS = 10
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
MAX_FIELDS = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
EMBED_TOTAL_LIMIT = 6000
MAX_CHOICES = 25
CHOICE_LIMIT = 100
INTERACTION_DEADLINE = 3.0
HUNG_UP = 0  # the status of a request the fake answered by cutting the connection

EPHEMERAL = 1 << 6
LOADING = 1 << 7
GUILD_MESSAGES = 1 << 9
DM_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = {1 << 1: "members", 1 << 8: "presences", MESSAGE_CONTENT: "message_content"}

# Interaction types and the callback types Discord accepts for each.
APPLICATION_COMMAND = 2
COMPONENT = 3
AUTOCOMPLETE = 4
ALLOWED_CALLBACKS = {APPLICATION_COMMAND: {4, 5, 9}, COMPONENT: {4, 5, 6, 7, 9}, AUTOCOMPLETE: {8}}

MANAGE_GUILD = 1 << 5
EMBED_LINKS = 1 << 14
# View channel, send messages (also in threads), embed links, attach files, read history,
# use application commands: @everyone's usual permissions.
MEMBER_PERMISSIONS = (
    (1 << 10) | (1 << 11) | EMBED_LINKS | (1 << 15) | (1 << 16) | (1 << 31) | (1 << 38)
)
# What the bot is invited with; clear EMBED_LINKS to test a plain-text fallback.
BOT_PERMISSIONS = MEMBER_PERMISSIONS

_COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
_MENTION = re.compile(r"<@(!?|&)(\d+)>")


_increment = itertools.count()


def snowflake_now() -> int:
    """A fresh, unique snowflake; its time part makes discord.py's ``created_at`` sensible."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (next(_increment) & 0x3FFFFF)


def _iso_now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class CapturedFile:
    field: str
    filename: str
    data: bytes
    content_type: str


@dataclass
class CapturedRequest:
    """One HTTP request the bot made. No headers are kept: the token never lands here."""

    method: str
    path: str  # without the /api/v10 prefix
    route: str  # the template, e.g. "/channels/{channel_id}/messages"
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[CapturedFile]
    at: float  # time.monotonic()
    status: int = 0  # HUNG_UP (0) when the fake cut the connection instead of answering
    response: Any = None
    hung_up: bool = False

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}>"

    @property
    def message(self) -> dict[str, Any]:
        """The message part of the body: ``data`` of an interaction callback, else the body."""
        body = self.json if isinstance(self.json, dict) else {}
        if self.route.endswith("/callback"):
            return body.get("data") or {}
        return body

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.get("embeds") or []


@dataclass(frozen=True)
class Violation:
    rule: str  # e.g. "content-length", "interaction-deadline"
    detail: str
    request: CapturedRequest | None = None

    def __str__(self) -> str:
        return f"{self.rule}: {self.detail} ({self.request!r})"


@dataclass
class FakeInteraction:
    id: int
    token: str
    type: int
    payload: dict[str, Any]
    dispatched_at: float
    callback_type: int | None = None
    expired: bool = False
    original: dict[str, Any] | None = None


@dataclass
class _Fault:
    status: int
    remaining: int
    route: str | None
    method: str | None
    retry_after: float = 0.0
    is_global: bool = False

    def matches(self, request: CapturedRequest) -> bool:
        return (
            self.remaining > 0
            and self.route in (None, request.route)
            and self.method in (None, request.method)
        )


_Handler = Callable[[web.Request, "CapturedRequest"], Awaitable[web.Response]]


class _Rejected(Exception):
    """A request that breaks a rule: answered with Discord's error, recorded as a violation."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        rule: str,
        detail: str = "",
        errors: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.rule, self.detail, self.errors = rule, detail or message, errors
        self.injected = False  # a fault a test asked for: answered, not a violation


@dataclass
class _Problem:
    rule: str
    path: str  # dotted, e.g. "embeds.0.fields.3.value"
    text: str


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # discord.py parses JSON only when the content type is exactly "application/json".
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def pings(message: dict[str, Any], replied_user: dict[str, Any] | None = None) -> set[str]:
    """What a message body would ping: {"everyone", "user:ID", "role:ID", "replied:ID"}.

    Follows Discord's allowed_mentions rules; with no allowed_mentions everything parses.
    """
    content = message.get("content") or ""
    allowed = message.get("allowed_mentions")
    parse = {"everyone", "users", "roles"} if allowed is None else set(allowed.get("parse", []))
    users = set((allowed or {}).get("users", []))
    roles = set((allowed or {}).get("roles", []))
    found: set[str] = set()
    if ("@everyone" in content or "@here" in content) and "everyone" in parse:
        found.add("everyone")
    for kind, ident in _MENTION.findall(content):
        if kind == "&" and ("roles" in parse or ident in roles):
            found.add(f"role:{ident}")
        elif kind != "&" and ("users" in parse or ident in users):
            found.add(f"user:{ident}")
    if replied_user is not None and (allowed or {}).get("replied_user", allowed is None):
        found.add(f"replied:{replied_user['id']}")
    return found


def message_problems(message: dict[str, Any]) -> list[_Problem]:
    """Discord's limits on a message body (content and embeds)."""
    problems: list[_Problem] = []
    content = message.get("content") or ""
    if len(content) > CONTENT_LIMIT:
        problems.append(
            _Problem(
                "content-length",
                "content",
                f"Must be {CONTENT_LIMIT} or fewer in length ({len(content)}).",
            )
        )
    embeds = message.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        problems.append(
            _Problem("embed-count", "embeds", f"Must be {MAX_EMBEDS} or fewer in length.")
        )
    total = 0
    for i, embed in enumerate(embeds):
        embed_problems, size = _embed_problems(embed, f"embeds.{i}")
        problems += embed_problems
        total += size
    if total > EMBED_TOTAL_LIMIT:
        problems.append(
            _Problem(
                "embed-total-length",
                "embeds",
                f"Embed size exceeds maximum size of {EMBED_TOTAL_LIMIT} ({total}).",
            )
        )
    return problems


def _embed_problems(embed: dict[str, Any], at: str) -> tuple[list[_Problem], int]:
    """The problems of one embed, and its size towards the 6,000-character total."""
    footer, author = embed.get("footer") or {}, embed.get("author") or {}
    # (rule, path, text, limit) for every text that counts towards the total.
    texts = [
        ("embed-title-length", f"{at}.title", embed.get("title") or "", EMBED_TITLE_LIMIT),
        (
            "embed-description-length",
            f"{at}.description",
            embed.get("description") or "",
            EMBED_DESCRIPTION_LIMIT,
        ),
        ("embed-footer-length", f"{at}.footer.text", footer.get("text") or "", FOOTER_LIMIT),
        ("embed-author-length", f"{at}.author.name", author.get("name") or "", AUTHOR_LIMIT),
    ]
    problems: list[_Problem] = []
    fields = embed.get("fields") or []
    if len(fields) > MAX_FIELDS:
        problems.append(
            _Problem(
                "embed-field-count", f"{at}.fields", f"Must be {MAX_FIELDS} or fewer in length."
            )
        )
    for j, item in enumerate(fields):
        for key, limit in (("name", FIELD_NAME_LIMIT), ("value", FIELD_VALUE_LIMIT)):
            text = item.get(key) or ""
            if not text.strip():
                problems.append(
                    _Problem(
                        "embed-field-empty", f"{at}.fields.{j}.{key}", "This field is required"
                    )
                )
            texts.append((f"embed-field-{key}-length", f"{at}.fields.{j}.{key}", text, limit))
    problems += [
        _Problem(rule, path, f"Must be {limit} or fewer in length ({len(text)}).")
        for rule, path, text, limit in texts
        if len(text) > limit
    ]
    problems += _url_problems(embed.get("url"), f"{at}.url")
    for key in ("image", "thumbnail", "author", "footer"):
        sub = embed.get(key) or {}
        problems += _url_problems(sub.get("url") or sub.get("icon_url"), f"{at}.{key}.url")
    colour = embed.get("color")
    if colour is not None and not (isinstance(colour, int) and 0 <= colour <= 0xFFFFFF):
        problems.append(_Problem("embed-color", f"{at}.color", "Int value should be <= 16777215."))
    return problems, sum(len(text) for _, _, text, _ in texts)


def _url_problems(url: Any, path: str) -> list[_Problem]:
    if url is None:
        return []
    parsed = yarl.URL(str(url))
    if parsed.scheme not in {"http", "https", "attachment"} or not (
        parsed.host or parsed.scheme == "attachment"
    ):
        return [_Problem("embed-url", path, f"Not a well formed URL: {url!r}.")]
    return []


def _is_empty(message: dict[str, Any]) -> bool:
    return not any(
        message.get(key)
        for key in ("content", "embeds", "attachments", "sticker_ids", "components", "poll")
    )


def _form_errors(problems: list[_Problem]) -> dict[str, Any]:
    """Discord's nested ``errors`` object, which discord.py flattens into its message."""
    errors: dict[str, Any] = {}
    for problem in problems:
        node = errors
        for part in problem.path.split("."):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append(
            {"code": problem.rule.upper(), "message": problem.text}
        )
    return errors


def _invalid_form(problems: list[_Problem]) -> _Rejected:
    detail = "; ".join(f"{p.path}: {p.text}" for p in problems)
    return _Rejected(
        400, 50035, "Invalid Form Body", problems[0].rule, detail, _form_errors(problems)
    )


def command_problems(commands: list[dict[str, Any]]) -> list[_Problem]:
    """What Discord rejects in a bulk overwrite of application commands."""
    problems: list[_Problem] = []
    seen: set[tuple[int, str]] = set()
    for i, command in enumerate(commands):
        kind, name = command.get("type", 1), command.get("name", "")
        if (kind, name) in seen:
            problems.append(
                _Problem("command-duplicate", f"{i}.name", f"Duplicate command name {name!r}.")
            )
        seen.add((kind, name))
        if kind == 1:
            problems += _chat_input_problems(command, str(i))
        elif not 1 <= len(name) <= 32 or command.get("description"):
            problems.append(
                _Problem(
                    "command-name",
                    f"{i}.name",
                    "Context menu names are 1-32 characters and have no description.",
                )
            )
    return problems


def _chat_input_problems(item: dict[str, Any], at: str) -> list[_Problem]:
    problems: list[_Problem] = []
    name, description = item.get("name", ""), item.get("description", "")
    if not _COMMAND_NAME.match(name) or name != name.lower():
        problems.append(_Problem("command-name", f"{at}.name", f"Invalid name {name!r}."))
    if not 1 <= len(description) <= 100:
        problems.append(
            _Problem("command-description", f"{at}.description", "Must be 1-100 characters.")
        )
    options = item.get("options") or []
    if len(options) > 25:
        problems.append(
            _Problem("command-options", f"{at}.options", "Must be 25 or fewer in length.")
        )
    required = [bool(option.get("required")) for option in options]
    if required != sorted(required, reverse=True):
        problems.append(
            _Problem(
                "command-options",
                f"{at}.options",
                "Required options must be placed before non-required options.",
            )
        )
    for j, option in enumerate(options):
        problems += _chat_input_problems(option, f"{at}.options.{j}")
        if len(option.get("choices") or []) > MAX_CHOICES:
            problems.append(
                _Problem(
                    "command-choices", f"{at}.options.{j}.choices", "Must be 25 or fewer in length."
                )
            )
    return problems


def choice_problems(choices: Any) -> list[_Problem]:
    if not isinstance(choices, list):
        return [_Problem("autocomplete-choices", "data.choices", "Must be a list.")]
    problems = []
    if len(choices) > MAX_CHOICES:
        problems.append(
            _Problem(
                "autocomplete-choices", "data.choices", f"Must be {MAX_CHOICES} or fewer in length."
            )
        )
    for i, choice in enumerate(choices):
        name, value = str(choice.get("name", "")), choice.get("value")
        if not 1 <= len(name) <= CHOICE_LIMIT:
            problems.append(
                _Problem(
                    "autocomplete-choices", f"data.choices.{i}.name", "Must be 1-100 characters."
                )
            )
        if isinstance(value, str) and not len(value) <= CHOICE_LIMIT:
            problems.append(
                _Problem(
                    "autocomplete-choices",
                    f"data.choices.{i}.value",
                    "Must be 100 or fewer in length.",
                )
            )
    return problems


class FakeDiscord:
    """See the module docstring."""

    def __init__(
        self,
        *,
        token: str = FAKE_TOKEN,
        interaction_deadline: float = INTERACTION_DEADLINE,
        heartbeat_interval_ms: int = 41_250,
        enabled_intents: int = 0,
    ) -> None:
        self.token = token
        self.interaction_deadline = interaction_deadline
        self.heartbeat_interval_ms = heartbeat_interval_ms
        # Privileged intents switched on in the (fake) developer portal.
        self.enabled_intents = enabled_intents
        self.requests: list[CapturedRequest] = []
        self.violations: list[Violation] = []
        self.interactions: dict[int, FakeInteraction] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # guild id (None: global)
        self.attachments: dict[int, bytes] = {}
        self.identify_count = 0
        self.resume_count = 0
        self.intents = 0
        self._faults: list[_Fault] = []
        self._gateway_faults: list[int | None] = []  # per coming connection: status or None
        self.gateway_faults_served = 0
        self._embed_refusals = 0
        self._ws: web.WebSocketResponse | None = None
        self._send_lock = asyncio.Lock()
        self._changed = asyncio.Condition()
        self._session_id: str | None = None
        self._seq = 0
        self._sent: list[dict[str, Any]] = []  # dispatch frames of this session, for RESUME
        self._runner: web.AppRunner | None = None
        self._handlers: dict[tuple[str, str], _Handler] = {}
        self.port = 0
        self._build_world()

    # -- world ---------------------------------------------------------------------------------

    def _build_world(self) -> None:
        self.application_id = snowflake_now()
        self.bot_user: dict[str, Any] = {
            "id": str(self.application_id),
            "username": "StoryBot",
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "bot": True,
            "flags": 0,
        }
        self.owner = self.make_user("owner")
        self.user = self.make_user("alice")
        guild_id = snowflake_now()
        self.channel: dict[str, Any] = {
            "id": str(snowflake_now()),
            "type": 0,
            "guild_id": str(guild_id),
            "name": "general",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }
        self.thread: dict[str, Any] = {
            "id": str(snowflake_now()),
            "type": 11,
            "guild_id": str(guild_id),
            "name": "news-talk",
            "parent_id": self.channel["id"],
            "owner_id": self.user["id"],
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": _iso_now(),
                "locked": False,
            },
        }
        self.dm_channel: dict[str, Any] = {
            "id": str(snowflake_now()),
            "type": 1,
            "recipients": [self.user],
            "last_message_id": None,
        }
        self.guild: dict[str, Any] = {
            "id": str(guild_id),
            "name": "Newsroom",
            "icon": None,
            "owner_id": self.owner["id"],
            "unavailable": False,
            "member_count": 3,
            "large": False,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [
                {
                    "id": str(guild_id),
                    "name": "@everyone",
                    "permissions": str(MEMBER_PERMISSIONS),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "channels": [self.channel],
            "threads": [self.thread],
            "members": [self._member(self.bot_user)],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "joined_at": _iso_now(),
            "preferred_locale": "en-US",
            "system_channel_flags": 0,
            "verification_level": 0,
            "explicit_content_filter": 0,
            "default_message_notifications": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
        }

    def make_user(self, name: str, *, bot: bool = False) -> dict[str, Any]:
        return {
            "id": str(snowflake_now()),
            "username": name,
            "discriminator": "0",
            "global_name": name.title(),
            "avatar": None,
            "bot": bot,
            "flags": 0,
        }

    def _member(self, user: dict[str, Any], permissions: int | None = None) -> dict[str, Any]:
        member: dict[str, Any] = {
            "user": user,
            "roles": [],
            "joined_at": _iso_now(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "pending": False,
        }
        if permissions is not None:
            member["permissions"] = str(permissions)
        return member

    def make_channel(self, name: str) -> dict[str, Any]:
        """Another text channel in ``guild``; make it before the bot connects (GUILD_CREATE
        carries the guild's channels)."""
        channel = {**self.channel, "id": str(snowflake_now()), "name": name,
                   "position": len(self.guild["channels"])}
        self.guild["channels"].append(channel)
        return channel

    def _channels(self) -> dict[str, dict[str, Any]]:
        return {c["id"]: c for c in (*self.guild["channels"], self.thread, self.dm_channel)}

    def add_attachment(
        self, filename: str, data: bytes, content_type: str = "text/plain"
    ) -> dict[str, Any]:
        """An attachment payload whose URL this fake serves."""
        ident = snowflake_now()
        self.attachments[ident] = data
        url = f"{self.url}/attachments/{ident}/{filename}"
        return {
            "id": str(ident),
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
        }

    # -- lifecycle -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        self._handlers = self._route_table()
        for method, template in self._handlers:
            app.router.add_route(method, template, self._handle)
        app.router.add_route("*", "/{tail:.*}", self._handle)  # unknown routes: 404, recorded
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Point discord.py (REST, webhooks, gateway) at this fake for the current test."""
        import discord.gateway
        import discord.http

        monkeypatch.setattr(discord.http.Route, "BASE", self.url + API_PREFIX)
        monkeypatch.setattr(
            discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(self.gateway_url)
        )

    # -- observing -----------------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 2.0) -> Any:
        """Wait until ``predicate()`` is truthy (checked whenever the fake's state changes)."""
        async with asyncio.timeout(timeout):
            async with self._changed:
                return await self._changed.wait_for(predicate)

    async def wait_for_requests(
        self, predicate: Callable[[CapturedRequest], bool], count: int, timeout: float = 2.0
    ) -> list[CapturedRequest]:
        def matching() -> list[CapturedRequest]:
            found = [r for r in self.requests if predicate(r)]
            return found if len(found) >= count else []

        try:
            return await self.wait_until(matching, timeout)
        except TimeoutError:
            seen = "\n".join(f"  {r.method} {r.path} -> {r.status}" for r in self.requests)
            raise AssertionError(
                f"no {count} matching request(s) within {timeout}s; seen:\n{seen}"
            ) from None

    async def wait_for_request(
        self, predicate: Callable[[CapturedRequest], bool], timeout: float = 2.0
    ) -> CapturedRequest:
        return (await self.wait_for_requests(predicate, 1, timeout))[0]

    async def wait_for_callback(self, ix: FakeInteraction, timeout: float = 2.0) -> CapturedRequest:
        return await self.wait_for_request(
            lambda r: (
                r.route.endswith("/callback") and r.params.get("interaction_id") == str(ix.id)
            ),
            timeout,
        )

    async def wait_for_followup(self, ix: FakeInteraction, timeout: float = 2.0) -> CapturedRequest:
        """The first follow-up message or edit of the original response of ``ix``."""
        return await self.wait_for_request(
            lambda r: (
                r.route.startswith("/webhooks/")
                and r.method in ("POST", "PATCH")
                and r.params.get("token") == ix.token
            ),
            timeout,
        )

    async def raw_request(
        self, method: str, path: str, body: Any = None, *, as_bot: bool = True
    ) -> tuple[int, Any]:
        """Call the fake's API directly (not through discord.py): (status, JSON body)."""
        headers = {"Authorization": f"Bot {self.token}"} if as_bot else {}
        async with (
            aiohttp.ClientSession(headers=headers) as session,
            session.request(method, f"{self.url}{API_PREFIX}{path}", json=body) as response,
        ):
            return response.status, await response.json(content_type=None)

    def take_violations(self) -> list[Violation]:
        """The violations so far, cleared: for tests that break a rule on purpose."""
        taken, self.violations = self.violations, []
        return taken

    # -- faults --------------------------------------------------------------------------------

    def rate_limit(
        self,
        *,
        route: str | None = None,
        method: str | None = None,
        retry_after: float = 0.05,
        count: int = 1,
        is_global: bool = False,
    ) -> None:
        self._faults.append(_Fault(429, count, route, method, retry_after, is_global))

    def fail_next(
        self,
        count: int = 1,
        *,
        status: int = 500,
        route: str | None = None,
        method: str | None = None,
    ) -> None:
        self._faults.append(_Fault(status, count, route, method))

    async def drop_gateway(self, code: int = 4000, *, resumable: bool = True) -> None:
        """Close the websocket as a network drop would. The session stays resumable unless
        ``resumable`` is False: then Discord has dropped it too, a RESUME gets op 9
        (invalid session) and the bot must IDENTIFY again; missed events are lost."""
        if not resumable:
            self._session_id, self._sent = secrets.token_hex(16), []
        if self._ws is not None:
            await self._ws.close(code=code)

    async def send_reconnect(self) -> None:
        if self._ws is not None:
            await self._send({"op": 7, "d": None})

    def hang_up_next(
        self, count: int = 1, *, route: str | None = None, method: str | None = None
    ) -> None:
        """The next ``count`` matching requests get no answer: the connection is cut."""
        self._faults.append(_Fault(HUNG_UP, count, route, method))

    def fail_gateway_connects(self, count: int = 1, *, status: int | None = 502) -> None:
        """The next ``count`` gateway connections fail: HTTP ``status`` instead of the
        websocket upgrade, or with None the connection cut before any answer."""
        self._gateway_faults += [status] * count

    def refuse_embeds(self, count: int = 1) -> None:
        """The next ``count`` messages with embeds are refused with 400 Invalid Form Body."""
        self._embed_refusals += count

    async def dispatch_malformed(self, event: str, field: str, value: Any) -> dict[str, Any]:
        """``event`` with ``field`` set to ``value`` (of the wrong type): a ``MESSAGE_CREATE``
        that mentions the bot, or the ``GUILD_CREATE`` of ``guild``. Returns the payload."""
        if event == "MESSAGE_CREATE":
            payload = self._user_message("who heads the committee?", mention_bot=True)
        elif event == "GUILD_CREATE":
            payload = dict(self.guild)
        else:
            raise ValueError(f"no valid {event} to break")
        payload[field] = value
        await self.dispatch(event, payload)
        return payload

    async def send_raw(self, text: str) -> None:
        """A gateway frame as it is, e.g. one that is not JSON."""
        if self._ws is not None and not self._ws.closed:
            async with self._send_lock:
                await self._ws.send_str(text)

    def _fault_response(
        self, request: web.Request, captured: CapturedRequest
    ) -> web.Response | None:
        fault = next((f for f in self._faults if f.matches(captured)), None)
        if fault is None:
            return None
        fault.remaining -= 1
        if fault.status == HUNG_UP:
            assert request.transport is not None
            request.transport.abort()  # the client sees the connection die, no answer
            captured.hung_up = True
            return web.Response()
        if fault.status != 429:
            return json_response(
                {"message": f"{fault.status}: injected fault", "code": 0}, fault.status
            )
        headers = {
            "Via": "1.1 google",  # discord.py treats a 429 without it as a Cloudflare ban
            "Retry-After": str(max(1, round(fault.retry_after))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + fault.retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{fault.retry_after:.3f}",
            "X-RateLimit-Bucket": f"fake-{captured.method}-{captured.route}",
            "X-RateLimit-Scope": "global" if fault.is_global else "user",
        }
        if fault.is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": fault.retry_after,
            "global": fault.is_global,
            "code": 0,
        }
        return json_response(body, 429, headers)

    # -- HTTP plumbing -------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        """Every HTTP request: capture, check auth, inject faults, run the route's handler."""
        template = request.match_info.route.resource.canonical  # type: ignore[union-attr]
        handler = self._handlers.get((request.method, template))
        captured = await self._capture(request, template if handler else "")
        try:
            if handler is None:
                raise _Rejected(
                    404, 0, "404: Not Found", "unknown-route", f"{request.method} {captured.path}"
                )
            if (
                self._needs_bot_auth(request, captured)
                and request.headers.get("Authorization") != f"Bot {self.token}"
            ):
                raise _Rejected(401, 0, "401: Unauthorized", "unauthorized")
            response = self._fault_response(request, captured) or await handler(request, captured)
        except _Rejected as rejected:
            if not rejected.injected:
                self.violations.append(Violation(rejected.rule, rejected.detail, captured))
            body: dict[str, Any] = {"message": rejected.message, "code": rejected.code}
            if rejected.errors:
                body["errors"] = rejected.errors
            response = json_response(body, rejected.status)
        captured.status = HUNG_UP if captured.hung_up else response.status
        if response.body is not None and response.content_type == "application/json":
            captured.response = json.loads(response.body)  # type: ignore[arg-type]
        self.requests.append(captured)
        await self._notify()
        return response

    @staticmethod
    def _needs_bot_auth(request: web.Request, captured: CapturedRequest) -> bool:
        # Interaction callbacks and webhooks are authorised by the token in their path.
        return request.path.startswith(API_PREFIX) and not captured.route.startswith(
            ("/webhooks/", "/interactions/")
        )

    @staticmethod
    async def _capture(request: web.Request, template: str) -> CapturedRequest:
        body: Any = None
        files: list[CapturedFile] = []
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            for name, value in form.items():
                if name == "payload_json":
                    body = json.loads(str(value))
                elif isinstance(value, web.FileField):
                    files.append(
                        CapturedFile(name, value.filename, value.file.read(), value.content_type)
                    )
        elif request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        return CapturedRequest(
            method=request.method,
            path=request.path.removeprefix(API_PREFIX),
            route=template.removeprefix(API_PREFIX),
            params=dict(request.match_info),
            query=dict(request.query),
            json=body,
            files=files,
            at=time.monotonic(),
        )

    def _route_table(self) -> dict[tuple[str, str], _Handler]:
        """(method, full route template) -> handler."""
        routes = {
            (method, API_PREFIX + route): handler for method, route, handler in self._api_routes()
        }
        return {**routes, ("GET", "/attachments/{attachment_id}/{filename}"): self._attachment}

    def _api_routes(self) -> list[tuple[str, str, _Handler]]:
        return [
            ("GET", "/users/@me", self._answer(lambda: self.bot_user)),
            ("GET", "/oauth2/applications/@me", self._answer(self._application)),
            ("GET", "/gateway", self._answer(lambda: {"url": self.gateway_url})),
            (
                "GET",
                "/gateway/bot",
                self._answer(
                    lambda: {
                        "url": self.gateway_url,
                        "shards": 1,
                        "session_start_limit": {
                            "total": 1000,
                            "remaining": 999,
                            "reset_after": 0,
                            "max_concurrency": 1,
                        },
                    }
                ),
            ),
            ("GET", "/applications/{application_id}/commands", self._get_commands),
            ("PUT", "/applications/{application_id}/commands", self._put_commands),
            (
                "GET",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._get_commands,
            ),
            (
                "PUT",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._put_commands,
            ),
            ("POST", "/channels/{channel_id}/messages", self._create_message),
            ("POST", "/channels/{channel_id}/typing", self._answer(None)),
            ("POST", "/users/@me/channels", self._answer(lambda: self.dm_channel)),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._callback),
            ("POST", "/webhooks/{application_id}/{token}", self._followup),
            (
                "GET",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._webhook_message,
            ),
            (
                "PATCH",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._webhook_message,
            ),
            (
                "DELETE",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self._webhook_message,
            ),
        ]

    @staticmethod
    def _answer(body: Callable[[], Any] | None) -> _Handler:
        """A handler that answers ``body()`` as JSON, or 204 when there is no body."""

        async def handler(request: web.Request, captured: CapturedRequest) -> web.Response:
            return json_response(body()) if body else web.Response(status=204)

        return handler

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(self.application_id),
            "name": "StoryBot",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner,
            "team": None,
            "verify_key": "0" * 64,
            "flags": 0,
            "interactions_endpoint_url": None,
            "summary": "",
            "bot": self.bot_user,
        }

    async def _attachment(self, request: web.Request, captured: CapturedRequest) -> web.Response:
        data = self.attachments.get(int(request.match_info["attachment_id"]))
        if data is None:
            raise _Rejected(404, 0, "404: Not Found", "unknown-attachment")
        return web.Response(body=data, content_type="application/octet-stream")

    # -- REST handlers -------------------------------------------------------------------------

    def _check_application(self, request: web.Request) -> None:
        if request.match_info["application_id"] != str(self.application_id):
            raise _Rejected(404, 10015, "Unknown Webhook", "unknown-application")
        guild = request.match_info.get("guild_id")
        if guild is not None and guild != self.guild["id"]:  # a server the bot is not in
            raise _Rejected(403, 50001, "Missing Access", "unknown-guild", guild)

    async def _get_commands(self, request: web.Request, captured: CapturedRequest) -> web.Response:
        self._check_application(request)
        return json_response(self.commands.get(self._guild_key(request), []))

    async def _put_commands(self, request: web.Request, captured: CapturedRequest) -> web.Response:
        self._check_application(request)
        commands = captured.json or []
        problems = command_problems(commands)
        if problems:
            raise _invalid_form(problems)
        guild = self._guild_key(request)
        stored = [
            {
                "id": str(snowflake_now()),
                "application_id": str(self.application_id),
                "version": "1",
                "default_member_permissions": None,
                "dm_permission": True,
                "nsfw": False,
                "options": [],
                "description": "",
                "type": 1,
                **command,
                **({"guild_id": str(guild)} if guild else {}),
            }
            for command in commands
        ]
        self.commands[guild] = stored
        return json_response(stored)

    @staticmethod
    def _guild_key(request: web.Request) -> int | None:
        guild = request.match_info.get("guild_id")
        return int(guild) if guild else None

    async def _create_message(
        self, request: web.Request, captured: CapturedRequest
    ) -> web.Response:
        channel_id = request.match_info["channel_id"]
        if channel_id not in self._channels():
            raise _Rejected(404, 10003, "Unknown Channel", "unknown-channel", channel_id)
        payload = captured.json or {}
        reference = payload.get("message_reference")
        if (
            reference
            and int(reference.get("message_id", 0)) not in self.messages
            and reference.get("fail_if_not_exists", True)
        ):
            raise _invalid_form(
                [_Problem("unknown-reference", "message_reference", "Unknown message")]
            )
        message = self._new_message(channel_id, payload, captured.files)
        if reference:
            message["referenced_message"] = self.messages.get(int(reference["message_id"]))
        return json_response(message)

    def _new_message(
        self, channel_id: str, payload: dict[str, Any], files: list[CapturedFile], **extra: Any
    ) -> dict[str, Any]:
        """Check a message body against Discord's rules, then store and return the message."""
        if self._embed_refusals and payload.get("embeds"):
            self._embed_refusals -= 1
            refused = _invalid_form([_Problem("embed-refused", "embeds.0", "Invalid embed.")])
            refused.injected = True
            raise refused
        attachments = [
            {
                "id": str(snowflake_now()),
                "filename": f.filename,
                "size": len(f.data),
                "url": f"{self.url}/attachments/0/{f.filename}",
                "proxy_url": "",
            }
            for f in files
        ]
        message = {
            "id": str(snowflake_now()),
            "channel_id": channel_id,
            "author": self.bot_user,
            "content": payload.get("content") or "",
            "timestamp": _iso_now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments,
            "embeds": [dict(e, type="rich") for e in payload.get("embeds") or []],
            "components": payload.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": payload.get("flags") or 0,
            **extra,
        }
        if payload.get("message_reference"):
            message["message_reference"] = payload["message_reference"]
        self._check_message(message)
        self.messages[int(message["id"])] = message
        return message

    @staticmethod
    def _check_message(message: dict[str, Any]) -> None:
        problems = message_problems(message)
        if problems:
            raise _invalid_form(problems)
        if _is_empty(message) and not message["flags"] & LOADING:
            raise _Rejected(400, 50006, "Cannot send an empty message", "empty-message")

    # -- interactions --------------------------------------------------------------------------

    async def _callback(self, request: web.Request, captured: CapturedRequest) -> web.Response:
        ix = self.interactions.get(int(request.match_info["interaction_id"]))
        if ix is None or ix.token != request.match_info["token"] or ix.expired:
            raise _Rejected(404, 10062, "Unknown interaction", "unknown-interaction")
        if ix.callback_type is not None:
            raise _Rejected(
                400,
                40060,
                "Interaction has already been acknowledged.",
                "double-callback",
                f"interaction {ix.id} already answered with type {ix.callback_type}",
            )
        late = time.monotonic() - ix.dispatched_at
        if late > self.interaction_deadline:
            ix.expired = True
            raise _Rejected(
                404,
                10062,
                "Unknown interaction",
                "interaction-deadline",
                f"callback {late:.2f}s after dispatch (limit {self.interaction_deadline}s)",
            )
        body = captured.json or {}
        kind, data = body.get("type"), body.get("data") or {}
        if kind not in ALLOWED_CALLBACKS.get(ix.type, set()):
            raise _Rejected(
                400,
                50035,
                "Invalid Form Body",
                "callback-type",
                f"callback type {kind} for interaction type {ix.type}",
            )
        if kind == 8:
            problems = choice_problems(data.get("choices"))
            if problems:
                raise _invalid_form(problems)
        elif kind in (4, 5):
            flags = (data.get("flags") or 0) | (LOADING if kind == 5 else 0)
            ix.original = self._new_message(
                ix.payload["channel_id"],
                dict(data, flags=flags),
                captured.files,
                **self._webhook_fields(),
            )
        ix.callback_type = kind
        return json_response(self._callback_response(ix))

    def _callback_response(self, ix: FakeInteraction) -> dict[str, Any]:
        original = ix.original or {}
        body: dict[str, Any] = {
            "interaction": {
                "id": str(ix.id),
                "type": ix.type,
                "response_message_id": original.get("id"),
                "response_message_loading": ix.callback_type == 5,
                "response_message_ephemeral": bool(original.get("flags", 0) & EPHEMERAL),
            }
        }
        if ix.original is not None:
            body["resource"] = {"type": ix.callback_type, "message": ix.original}
        return body

    def _webhook_fields(self) -> dict[str, Any]:
        return {
            "webhook_id": str(self.application_id),
            "application_id": str(self.application_id),
            "type": 20,
        }

    def _acknowledged(self, request: web.Request) -> FakeInteraction:
        """The interaction a webhook request belongs to; it must have been answered."""
        self._check_application(request)
        token = request.match_info["token"]
        ix = next((i for i in self.interactions.values() if i.token == token), None)
        if ix is None or ix.expired or ix.callback_type in (None, 8):
            raise _Rejected(
                404,
                10015,
                "Unknown Webhook",
                "followup-before-ack",
                f"webhook request for an interaction not acknowledged ({request.method})",
            )
        return ix

    async def _followup(self, request: web.Request, captured: CapturedRequest) -> web.Response:
        ix = self._acknowledged(request)
        message = self._new_message(
            ix.payload["channel_id"], captured.json or {}, captured.files, **self._webhook_fields()
        )
        return (
            json_response(message)
            if captured.query.get("wait") in ("true", "1", "True")
            else web.Response(status=204)
        )

    async def _webhook_message(
        self, request: web.Request, captured: CapturedRequest
    ) -> web.Response:
        ix = self._acknowledged(request)
        ident = request.match_info["message_id"]
        message = (
            ix.original
            if ident == "@original"
            else self.messages.get(int(ident))
            if ident.isdigit()
            else None
        )
        if message is None:
            raise _Rejected(404, 10008, "Unknown Message", "unknown-message", ident)
        if request.method == "DELETE":
            self.messages.pop(int(message["id"]), None)
            return web.Response(status=204)
        if request.method == "PATCH":
            edit = captured.json or {}
            edited = {
                **message,
                **{
                    k: v
                    for k, v in edit.items()
                    if k in ("content", "embeds", "components", "allowed_mentions")
                },
                "flags": message["flags"] & ~LOADING,
                "edited_timestamp": _iso_now(),
            }
            self._check_message(edited)
            message.update(edited)
        return json_response(message)

    def _interaction(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user: dict[str, Any] | None = None,
        permissions: int = MEMBER_PERMISSIONS,
        channel: dict[str, Any] | None = None,
        app_permissions: int = BOT_PERMISSIONS,
    ) -> FakeInteraction:
        """An interaction from ``user`` (default ``self.user``) with member ``permissions``,
        in ``channel`` (default ``self.channel``; ``self.dm_channel`` for a DM), where the bot
        has ``app_permissions``."""
        user = user or self.user
        channel = channel or self.channel
        payload: dict[str, Any] = {
            "id": str(snowflake_now()),
            "application_id": str(self.application_id),
            "type": kind,
            "token": "ix-" + secrets.token_urlsafe(24),
            "version": 1,
            "data": data,
            "channel_id": channel["id"],
            "channel": channel,
            "locale": "en-US",
            "entitlements": [],
            "app_permissions": str(app_permissions),
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if channel["type"] == 1:
            payload.update(user=user, context=1, authorizing_integration_owners={"1": user["id"]})
        else:
            payload.update(
                guild_id=self.guild["id"],
                guild_locale="en-US",
                context=0,
                member=self._member(user, permissions),
                authorizing_integration_owners={"0": self.guild["id"]},
            )
        return FakeInteraction(
            int(payload["id"]), payload["token"], kind, payload, dispatched_at=0.0
        )

    async def _dispatch_interaction(self, ix: FakeInteraction) -> FakeInteraction:
        self.interactions[ix.id] = ix
        ix.dispatched_at = time.monotonic()  # Discord's 3 s start when the user acts
        await self.dispatch("INTERACTION_CREATE", ix.payload)
        return ix

    async def dispatch_command(
        self, name: str, options: dict[str, Any] | None = None, **context: Any
    ) -> FakeInteraction:
        """A slash command; ``"story add"`` runs subcommand ``add`` of ``/story``.
        ``context``: user, permissions, channel, app_permissions (see ``_interaction``)."""
        data = self._command_data(name, options or {}, focused=None)
        return await self._dispatch_interaction(
            self._interaction(APPLICATION_COMMAND, data, **context)
        )

    async def dispatch_autocomplete(
        self, name: str, options: dict[str, Any], focused: str, **context: Any
    ) -> FakeInteraction:
        data = self._command_data(name, options, focused=focused)
        return await self._dispatch_interaction(self._interaction(AUTOCOMPLETE, data, **context))

    async def dispatch_message_command(
        self, name: str, message: dict[str, Any], **context: Any
    ) -> FakeInteraction:
        data = {
            "id": str(snowflake_now()),
            "name": name,
            "type": 3,
            "target_id": message["id"],
            "resolved": {"messages": {message["id"]: message}},
        }
        return await self._dispatch_interaction(
            self._interaction(APPLICATION_COMMAND, data, **context)
        )

    def _command_data(
        self, name: str, values: dict[str, Any], focused: str | None
    ) -> dict[str, Any]:
        command, *sub = name.split()
        resolved: dict[str, Any] = {}
        options = [
            self._option(key, value, key == focused, resolved) for key, value in values.items()
        ]
        for subname in reversed(sub):
            options = [{"name": subname, "type": 1, "options": options}]
        data: dict[str, Any] = {
            "id": str(snowflake_now()),
            "name": command,
            "type": 1,
            "options": options,
        }
        if resolved:
            data["resolved"] = resolved
        return data

    @staticmethod
    def _option(name: str, value: Any, focused: bool, resolved: dict[str, Any]) -> dict[str, Any]:
        if isinstance(value, dict) and "url" in value and "filename" in value:
            resolved.setdefault("attachments", {})[value["id"]] = value
            return {"name": name, "type": 11, "value": value["id"]}
        kind = (
            5
            if isinstance(value, bool)
            else 4
            if isinstance(value, int)
            else 10
            if isinstance(value, float)
            else 3
        )
        option = {"name": name, "type": kind, "value": value}
        if focused:
            option["focused"] = True
        return option

    # -- messages ------------------------------------------------------------------------------

    async def dispatch_message(
        self,
        content: str,
        *,
        author: dict[str, Any] | None = None,
        channel: dict[str, Any] | None = None,
        mentions: Iterable[dict[str, Any]] = (),
        mention_bot: bool = False,
        attachments: Iterable[dict[str, Any]] = (),
    ) -> dict[str, Any]:
        """A user's message, delivered as the bot's intents allow; returns the full payload."""
        message = self._user_message(content, author=author, channel=channel, mentions=mentions,
                                     mention_bot=mention_bot, attachments=attachments)
        self.messages[int(message["id"])] = message
        delivered = self._as_delivered(message)
        if delivered is not None:
            await self.dispatch("MESSAGE_CREATE", delivered)
        return message

    def _user_message(
        self,
        content: str,
        *,
        author: dict[str, Any] | None = None,
        channel: dict[str, Any] | None = None,
        mentions: Iterable[dict[str, Any]] = (),
        mention_bot: bool = False,
        attachments: Iterable[dict[str, Any]] = (),
    ) -> dict[str, Any]:
        author = author or self.user
        channel = channel or self.channel
        mentions = list(mentions)
        if mention_bot:
            content = f"<@{self.bot_user['id']}> {content}"
            mentions.append(self.bot_user)
        message: dict[str, Any] = {
            "id": str(snowflake_now()),
            "channel_id": channel["id"],
            "author": author,
            "content": content,
            "timestamp": _iso_now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": mentions,
            "mention_roles": [],
            "attachments": list(attachments),
            "embeds": [],
            "components": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
        }
        if channel["type"] != 1:
            message["guild_id"] = channel["guild_id"]
            message["member"] = {k: v for k, v in self._member(author).items() if k != "user"}
        return message

    def _as_delivered(self, message: dict[str, Any]) -> dict[str, Any] | None:
        """The message as the bot's intents let it see it, or None when it is not sent at all."""
        in_guild = "guild_id" in message
        if not self.intents & (GUILD_MESSAGES if in_guild else DM_MESSAGES):
            return None
        addressed = any(u["id"] == self.bot_user["id"] for u in message["mentions"])
        if self.intents & MESSAGE_CONTENT or not in_guild or addressed:
            return message
        return {**message, "content": "", "embeds": [], "attachments": [], "components": []}

    # -- gateway -------------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch event; kept for replay if the bot is disconnected."""
        if self._session_id is None:
            raise RuntimeError("the bot has not identified yet")
        self._seq += 1
        frame = {"op": 0, "t": event, "s": self._seq, "d": data}
        self._sent.append(frame)
        if self._ws is not None and not self._ws.closed:
            await self._send(frame)

    async def _send(self, frame: dict[str, Any], ws: web.WebSocketResponse | None = None) -> None:
        target = ws or self._ws
        if target is None or target.closed:
            return
        async with self._send_lock:
            await target.send_str(json.dumps(frame))

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        if self._gateway_faults:
            return await self._failed_connect(request, self._gateway_faults.pop(0))
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        await self._send({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}, ws)
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_op(ws, json.loads(msg.data))
        finally:
            if self._ws is ws:
                self._ws = None
            await self._notify()
        return ws

    async def _failed_connect(self, request: web.Request, status: int | None) -> web.Response:
        self.gateway_faults_served += 1
        await self._notify()
        if status is None:
            assert request.transport is not None
            request.transport.abort()  # no answer at all: the client sees the connection die
        return web.Response(status=status or 500, text="injected gateway fault")

    async def _on_op(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d") or {}
        if op == 1:
            await self._send({"op": 11, "d": None}, ws)
        elif op == 2:
            await self._identify(ws, data)
        elif op == 6:
            await self._resume(ws, data)
        elif op == 8:
            await self._send(
                {
                    "op": 0,
                    "t": "GUILD_MEMBERS_CHUNK",
                    "s": None,
                    "d": {
                        "guild_id": data.get("guild_id"),
                        "members": [],
                        "chunk_index": 0,
                        "chunk_count": 1,
                        "nonce": data.get("nonce"),
                    },
                },
                ws,
            )

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        refused = [
            name
            for bit, name in PRIVILEGED_INTENTS.items()
            if intents & bit and not self.enabled_intents & bit
        ]
        if refused:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        self.intents, self.identify_count = intents, self.identify_count + 1
        self._session_id, self._seq, self._sent = secrets.token_hex(16), 0, []
        self._ws = ws
        await self.dispatch(
            "READY",
            {
                "v": 10,
                "user": self.bot_user,
                "session_id": self._session_id,
                "resume_gateway_url": self.gateway_url,
                "guilds": [{"id": self.guild["id"], "unavailable": True}],
                "application": {"id": str(self.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
            },
        )
        await self.dispatch("GUILD_CREATE", self.guild)
        await self._notify()

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != self.token or data.get("session_id") != self._session_id:
            await self._send({"op": 9, "d": False}, ws)
            return
        self._ws, self.resume_count = ws, self.resume_count + 1
        for frame in self._sent:
            if frame["s"] > (data.get("seq") or 0):
                await self._send(frame, ws)
        self._seq += 1
        await self._send({"op": 0, "t": "RESUMED", "s": self._seq, "d": {}}, ws)
        await self._notify()


ClientT = TypeVar("ClientT", bound="discord.Client")


@asynccontextmanager
async def run_bot(fake: FakeDiscord, bot: ClientT, timeout: float = 5.0) -> AsyncIterator[ClientT]:
    """Run ``bot.start(fake.token)`` in this event loop until it is ready; close it after."""
    task = asyncio.create_task(bot.start(fake.token))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        while not bot.is_ready():
            if task.done():
                task.result()
                raise RuntimeError("the bot stopped before it was ready")
            if loop.time() > deadline:
                raise TimeoutError(f"the bot was not ready within {timeout}s")
            await asyncio.sleep(0.005)
        yield bot
    finally:
        await bot.close()
        await asyncio.wait_for(task, timeout)
