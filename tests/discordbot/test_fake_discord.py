"""The fake Discord behaves like Discord for a real discord.py bot (a throwaway one here)."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fake_discord import MESSAGE_CONTENT, FakeDiscord, message_problems, pings, run_bot

FRUITS = [f"fruit-{i:02d}" for i in range(40)]


class TinyBot(commands.Bot):
    """Just enough bot to exercise each route of the fake."""

    def __init__(self, intents: discord.Intents | None = None) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents or discord.Intents.default(),
            guild_ready_timeout=0.01,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.seen: list[discord.Message] = []

    async def setup_hook(self) -> None:
        test_commands: list[app_commands.Command[Any, Any, Any] | app_commands.ContextMenu] = [
            echo, slow, pick, greedy, shout, fields, upload, quoted]
        for command in test_commands:
            self.tree.add_command(command)

    async def on_message(self, message: discord.Message) -> None:
        self.seen.append(message)
        if self.user in message.mentions and not message.author.bot:
            await message.reply(f"you said: {message.clean_content}")


@app_commands.command(description="Say it back")
async def echo(interaction: discord.Interaction, text: str) -> None:
    await interaction.response.send_message(text, ephemeral=True)


@app_commands.command(description="Think, then answer")
async def slow(interaction: discord.Interaction, text: str) -> None:
    await interaction.response.defer(thinking=True)
    await interaction.followup.send(embed=discord.Embed(title="Answer", description=text))


@app_commands.command(description="Pick a fruit")
async def pick(interaction: discord.Interaction, fruit: str) -> None:
    await interaction.response.send_message(fruit)


@pick.autocomplete("fruit")
async def pick_fruit(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=f, value=f) for f in FRUITS if current in f][:25]


@app_commands.command(description="Pick from too many")
async def greedy(interaction: discord.Interaction, fruit: str) -> None:
    await interaction.response.send_message(fruit)


@greedy.autocomplete("fruit")
async def every_fruit(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=f, value=f) for f in FRUITS]


@app_commands.command(description="Too much")
async def shout(interaction: discord.Interaction, size: int) -> None:
    await interaction.response.send_message("a" * size)


@app_commands.command(description="Many fields")
async def fields(interaction: discord.Interaction, count: int) -> None:
    embed = discord.Embed(title="Fields")
    for i in range(count):
        embed.add_field(name=f"n{i}", value="v")
    await interaction.response.send_message(embed=embed)


@app_commands.command(description="Read an attachment")
async def upload(interaction: discord.Interaction, file: discord.Attachment) -> None:
    data = await file.read()
    await interaction.response.send_message(f"{file.filename}: {len(data)} bytes")


@app_commands.context_menu(name="Quote it")
async def quoted(interaction: discord.Interaction, message: discord.Message) -> None:
    await interaction.response.send_message(f"> {message.content}")


async def test_mention_gets_a_reply_that_references_the_message(fake_discord: FakeDiscord) -> None:
    async with run_bot(fake_discord, TinyBot()):
        question = await fake_discord.dispatch_message("who is there?", mention_bot=True)
        reply = await fake_discord.wait_for_request(
            lambda r: r.route == "/channels/{channel_id}/messages" and r.method == "POST"
        )
    assert reply.params["channel_id"] == fake_discord.channel["id"]
    assert reply.json["content"] == "you said: @StoryBot who is there?"
    assert str(reply.json["message_reference"]["message_id"]) == question["id"]
    assert reply.json["allowed_mentions"]["parse"] == []
    assert pings(reply.json, replied_user=fake_discord.user) == set()
    assert reply.status == 200


async def test_gateway_identify_ready_and_guild(fake_discord: FakeDiscord) -> None:
    async with run_bot(fake_discord, TinyBot()) as bot:
        assert bot.user is not None and bot.user.id == fake_discord.application_id
        assert bot.application_id == fake_discord.application_id
        guild = bot.get_guild(int(fake_discord.guild["id"]))
        assert guild is not None and guild.get_channel(int(fake_discord.channel["id"])) is not None
    assert fake_discord.identify_count == 1
    assert not fake_discord.intents & MESSAGE_CONTENT


async def test_message_content_is_hidden_without_the_intent_unless_mentioned(
    fake_discord: FakeDiscord,
) -> None:
    async with run_bot(fake_discord, TinyBot()) as bot:
        await fake_discord.dispatch_message("just chatting")
        await fake_discord.dispatch_message("hello bot", mention_bot=True)
        await fake_discord.wait_for_request(lambda r: r.route == "/channels/{channel_id}/messages")
    assert [m.content for m in bot.seen] == ["", f"<@{fake_discord.application_id}> hello bot"]


async def test_privileged_intent_not_enabled_closes_with_4014(fake_discord: FakeDiscord) -> None:
    intents = discord.Intents.default()
    intents.message_content = True
    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with run_bot(fake_discord, TinyBot(intents)):
            pass


async def test_wrong_token_is_refused(fake_discord: FakeDiscord) -> None:
    bot = TinyBot()
    with pytest.raises(discord.LoginFailure):
        await bot.login("not-the-token")
    await bot.close()
    assert [v.rule for v in fake_discord.take_violations()] == ["unauthorized"]


async def test_slash_command_callback_body(fake_discord: FakeDiscord) -> None:
    async with run_bot(fake_discord, TinyBot()):
        ix = await fake_discord.dispatch_command("echo", {"text": "hello"})
        callback = await fake_discord.wait_for_callback(ix)
    assert callback.json["type"] == 4
    assert callback.json["data"]["content"] == "hello"
    assert callback.json["data"]["flags"] == 64
    assert callback.response["resource"]["message"]["content"] == "hello"


async def test_deferred_response_then_followup(fake_discord: FakeDiscord) -> None:
    async with run_bot(fake_discord, TinyBot()):
        ix = await fake_discord.dispatch_command("slow", {"text": "done"})
        followup = await fake_discord.wait_for_followup(ix)
    callback = await fake_discord.wait_for_callback(ix)
    assert callback.json["type"] == 5
    assert followup.method == "POST" and followup.route == "/webhooks/{application_id}/{token}"
    assert followup.embeds[0]["description"] == "done"
    assert followup.at > callback.at


async def test_autocomplete_choices(fake_discord: FakeDiscord) -> None:
    async with run_bot(fake_discord, TinyBot()):
        ix = await fake_discord.dispatch_autocomplete("pick", {"fruit": "fruit-1"}, focused="fruit")
        callback = await fake_discord.wait_for_callback(ix)
    assert callback.json["type"] == 8
    assert [c["value"] for c in callback.json["data"]["choices"]] == [
        f"fruit-1{i}" for i in range(10)
    ]


async def test_too_many_autocomplete_choices_are_rejected(fake_discord: FakeDiscord) -> None:
    async with run_bot(fake_discord, TinyBot()):
        ix = await fake_discord.dispatch_autocomplete("greedy", {"fruit": ""}, focused="fruit")
        callback = await fake_discord.wait_for_callback(ix)
    assert callback.status == 400
    assert [v.rule for v in fake_discord.take_violations()] == ["autocomplete-choices"]


async def test_message_command_gets_the_resolved_message(fake_discord: FakeDiscord) -> None:
    async with run_bot(fake_discord, TinyBot()):
        target = await fake_discord.dispatch_message("the quoted words")
        ix = await fake_discord.dispatch_message_command("Quote it", target)
        callback = await fake_discord.wait_for_callback(ix)
    assert callback.message["content"] == "> the quoted words"


async def test_attachment_is_served_by_the_fake(fake_discord: FakeDiscord) -> None:
    attachment = fake_discord.add_attachment("story.txt", b"x" * 1234)
    async with run_bot(fake_discord, TinyBot()):
        ix = await fake_discord.dispatch_command("upload", {"file": attachment})
        callback = await fake_discord.wait_for_callback(ix)
    assert callback.message["content"] == "story.txt: 1234 bytes"


@pytest.mark.parametrize(
    ("command", "size", "rule"),
    [
        ("shout", 2001, "content-length"),
        ("fields", 26, "embed-field-count"),
    ],
)
async def test_limits_are_enforced_and_recorded(
    fake_discord: FakeDiscord, command: str, size: int, rule: str
) -> None:
    errors: list[BaseException] = []
    failed = asyncio.Event()

    async def record(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        errors.append(error)
        failed.set()

    async with run_bot(fake_discord, TinyBot()) as bot:
        bot.tree.on_error = record  # type: ignore[method-assign]
        ix = await fake_discord.dispatch_command(
            command, {"size" if command == "shout" else "count": size}
        )
        callback = await fake_discord.wait_for_callback(ix)
        await asyncio.wait_for(failed.wait(), 2)
    assert callback.status == 400 and callback.response["code"] == 50035
    assert [v.rule for v in fake_discord.take_violations()] == [rule]
    assert isinstance(errors[0].__cause__, discord.HTTPException)


async def test_within_limits_passes(fake_discord: FakeDiscord) -> None:
    async with run_bot(fake_discord, TinyBot()):
        ix = await fake_discord.dispatch_command("shout", {"size": 2000})
        assert (await fake_discord.wait_for_callback(ix)).status == 200


async def test_late_callback_is_unknown_interaction(fake_discord: FakeDiscord) -> None:
    fake_discord.interaction_deadline = 0.0
    async with run_bot(fake_discord, TinyBot()):
        ix = await fake_discord.dispatch_command("echo", {"text": "too late"})
        callback = await fake_discord.wait_for_callback(ix)
    assert callback.status == 404 and callback.response["code"] == 10062
    assert [v.rule for v in fake_discord.take_violations()] == ["interaction-deadline"]


async def test_second_callback_is_rejected(fake_discord: FakeDiscord) -> None:
    async with run_bot(fake_discord, TinyBot()):
        ix = await fake_discord.dispatch_command("echo", {"text": "once"})
        await fake_discord.wait_for_callback(ix)
        status, body = await fake_discord.raw_request(
            "POST",
            f"/interactions/{ix.id}/{ix.token}/callback",
            {"type": 4, "data": {"content": "2"}},
        )
    assert (status, body["code"]) == (400, 40060)
    assert [v.rule for v in fake_discord.take_violations()] == ["double-callback"]


async def test_rate_limited_callback_is_retried(fake_discord: FakeDiscord) -> None:
    fake_discord.rate_limit(
        route="/interactions/{interaction_id}/{token}/callback", retry_after=0.05
    )
    async with run_bot(fake_discord, TinyBot()):
        ix = await fake_discord.dispatch_command("echo", {"text": "again"})
        calls = await fake_discord.wait_for_requests(lambda r: r.params.get("token") == ix.token, 2)
    assert [c.status for c in calls] == [429, 200]
    assert calls[1].at - calls[0].at >= 0.05


async def test_server_error_then_success(fake_discord: FakeDiscord) -> None:
    fake_discord.fail_next(1, status=502, route="/channels/{channel_id}/messages")
    async with run_bot(fake_discord, TinyBot()):
        await fake_discord.dispatch_message("are you up?", mention_bot=True)
        calls = await fake_discord.wait_for_requests(
            lambda r: r.route == "/channels/{channel_id}/messages", 2, 4.0
        )
    assert [c.status for c in calls] == [502, 200]


async def test_gateway_drop_resumes_and_replays_missed_events(fake_discord: FakeDiscord) -> None:
    async with run_bot(fake_discord, TinyBot()):
        await fake_discord.drop_gateway()
        await fake_discord.dispatch_message("did you miss me?", mention_bot=True)
        await fake_discord.wait_until(lambda: fake_discord.resume_count == 1)
        reply = await fake_discord.wait_for_request(
            lambda r: r.route == "/channels/{channel_id}/messages"
        )
    assert fake_discord.identify_count == 1
    assert "did you miss me?" in reply.json["content"]


async def test_pings_follow_allowed_mentions() -> None:
    body = {"content": "@everyone <@1> <@&2>"}
    assert pings(body) == {"everyone", "user:1", "role:2"}
    assert pings({**body, "allowed_mentions": {"parse": []}}) == set()
    assert pings({**body, "allowed_mentions": {"parse": [], "users": ["1"]}}) == {"user:1"}


async def test_unknown_route_is_a_violation(fake_discord: FakeDiscord) -> None:
    status, _ = await fake_discord.raw_request("GET", "/nowhere")
    assert status == 404
    assert [v.rule for v in fake_discord.take_violations()] == ["unknown-route"]


async def test_command_sync_is_stored_and_validated(fake_discord: FakeDiscord) -> None:
    async with run_bot(fake_discord, TinyBot()) as bot:
        synced = await bot.tree.sync()
    assert sorted(c.name for c in synced) == sorted(c["name"] for c in fake_discord.commands[None])
    path = f"/applications/{fake_discord.application_id}/commands"
    status, _ = await fake_discord.raw_request(
        "PUT", path, [{"name": "Bad Name", "description": "x"}]
    )
    assert status == 400
    assert [v.rule for v in fake_discord.take_violations()] == ["command-name"]


@pytest.mark.parametrize(
    ("message", "rule"),
    [
        ({"embeds": [{"title": "t" * 257}]}, "embed-title-length"),
        ({"embeds": [{"description": "d" * 4097}]}, "embed-description-length"),
        ({"embeds": [{"fields": [{"name": "n" * 257, "value": "v"}]}]}, "embed-field-name-length"),
        (
            {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]},
            "embed-field-value-length",
        ),
        ({"embeds": [{"fields": [{"name": "n", "value": ""}]}]}, "embed-field-empty"),
        ({"embeds": [{"footer": {"text": "f" * 2049}}]}, "embed-footer-length"),
        ({"embeds": [{"author": {"name": "a" * 257}}]}, "embed-author-length"),
        (
            {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]},
            "embed-total-length",
        ),
        ({"embeds": [{"title": "x"}] * 11}, "embed-count"),
        ({"embeds": [{"title": "x", "url": "not a url"}]}, "embed-url"),
        ({"embeds": [{"title": "x", "color": 0x1000000}]}, "embed-color"),
    ],
)
def test_embed_rules(message: dict[str, Any], rule: str) -> None:
    assert [p.rule for p in message_problems(message)] == [rule]


def test_embed_at_the_limits_is_fine() -> None:
    embed = {
        "title": "t" * 256,
        "description": "d" * 4096,
        "fields": [{"name": "n", "value": "v" * 1024}],
        "footer": {"text": "f" * 600},
        "url": "https://example.com/story",
    }
    assert message_problems({"content": "c" * 2000, "embeds": [embed]}) == []
