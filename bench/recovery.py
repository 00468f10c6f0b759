"""How soon StoryBot answers again after each fault of tests/discordbot/test_staying_up.py.

`storybot run`'s reconnecting loop (default back-off) against the fake Discord; each fault
is run ``--runs`` times and the time from the fault to the next answered @mention printed.

    python -m bench.recovery --runs 5
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import discord.gateway
import discord.http
import yarl

from bot.commands import StoryBot
from bot.discord.client import StoryBotClient
from bot.discord.runner import keep_running
from tests.discordbot.storybot_helpers import REPLY_ROUTE, THAROOR, text_of
from tests.fake_discord import API_PREFIX, FakeDiscord

Fault = Callable[[FakeDiscord], Awaitable[None]]


async def _malformed(fake: FakeDiscord) -> None:
    await fake.dispatch_malformed("MESSAGE_CREATE", "mentions", {"id": "1"})


async def _refused_embed(fake: FakeDiscord) -> None:
    fake.refuse_embeds(1)


async def _raw_frame(fake: FakeDiscord) -> None:
    await fake.send_raw("not json")
    await fake.wait_until(lambda: fake.identify_count == 2, 20)


async def _first_connect_502(fake: FakeDiscord) -> None:
    fake.fail_gateway_connects(1, status=502)


async def _first_connect_cut(fake: FakeDiscord) -> None:
    fake.fail_gateway_connects(2, status=None)  # aiohttp retries the first cut by itself


# (name, before the bot starts?, the fault)
FAULTS: list[tuple[str, bool, Fault]] = [
    ("malformed MESSAGE_CREATE", False, _malformed),
    ("reply refused for its embed", False, _refused_embed),
    ("a frame that is not JSON", False, _raw_frame),
    ("first connect: HTTP 502", True, _first_connect_502),
    ("first connect: cut", True, _first_connect_cut),
]


async def _answered(fake: FakeDiscord) -> None:
    asked = await fake.dispatch_message("who heads the committee?", mention_bot=True)
    sent = await fake.wait_for_request(
        lambda r: r.route == REPLY_ROUTE and r.status == 200
        and str(r.json["message_reference"]["message_id"]) == asked["id"], 20)
    assert THAROOR in text_of(sent.json)


async def recovery_time(fault: Fault, at_start: bool, data_dir: Path) -> float:
    async with FakeDiscord() as fake:
        discord.http.Route.BASE = fake.url + API_PREFIX
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
        service, stop = StoryBot(data_dir), asyncio.Event()
        started = time.monotonic()
        if at_start:
            await fault(fake)
        task = asyncio.create_task(keep_running(
            lambda: StoryBotClient(service, guild_ready_timeout=0.01), fake.token, stop))
        await fake.wait_until(lambda: fake.identify_count == 1, 20)
        if not at_start:
            await _answered(fake)
            started = time.monotonic()
            await fault(fake)
        await _answered(fake)
        took = time.monotonic() - started
        stop.set()
        await task
        return took


async def main(runs: int) -> None:
    logging.disable(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as folder:
        for name, at_start, fault in FAULTS:
            times = [await recovery_time(fault, at_start, Path(folder)) for _ in range(runs)]
            print(f"{name}: answered again {min(times):.2f}-{max(times):.2f} s after the fault "
                  f"(median {statistics.median(times):.2f} s, {runs} runs)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))
