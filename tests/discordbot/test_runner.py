"""`storybot run` and `storybot sync`: token handling, lazy imports, signals, registration."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.discord.runner import sync_commands
from bot.settings import HOW_TO_SET_TOKEN, Settings
from tests.fake_discord import API_PREFIX, FakeDiscord

ROOT = Path(__file__).parents[2]


def storybot(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_run_without_a_token_says_how_to_set_it(tmp_path: Path) -> None:
    done = storybot("run", cwd=tmp_path, PYTHONPATH=str(ROOT))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "DISCORD_TOKEN is not set" in done.stderr and ".env" in done.stderr


def test_a_malformed_token_from_dotenv_is_refused_without_echoing_it(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DISCORD_TOKEN=Bot not-a-real-token\n")
    done = storybot("run", cwd=tmp_path, PYTHONPATH=str(ROOT))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "does not look like a bot token" in done.stderr
    assert "not-a-real-token" not in done.stderr


def test_the_cli_does_not_import_discord() -> None:
    code = (
        "import sys, bot.cli, bot.console; bot.cli.build_parser(); print('discord' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "False"


async def test_sync_registers_valid_commands_with_one_server(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    guild = int(fake_discord.guild["id"])
    count = await sync_commands(Settings(STORYBOT_DATA_DIR=tmp_path), fake_discord.token, guild)
    registered = {c["name"]: c for c in fake_discord.commands[guild]}
    assert count == len(registered) == 7
    assert set(registered) == {
        "ask",
        "summary",
        "quote",
        "speakers",
        "story",
        "help",
        "Ask StoryBot",
    }
    assert [o["name"] for o in registered["story"]["options"]] == [
        "list",
        "info",
        "use",
        "add",
        "remove",
    ]
    assert registered["Ask StoryBot"]["type"] == 3
    assert None not in fake_discord.commands  # nothing registered globally


async def storybot_against(fake: FakeDiscord, tmp_path: Path, *argv: str,
                           api: str | None = None, **env: str) -> asyncio.subprocess.Process:
    """`storybot ARGV` in a child process, with discord.py pointed at the fake (or ``api``)."""
    code = (
        "import sys, yarl, discord.http, discord.gateway as gw\n"
        f"discord.http.Route.BASE = {(api or fake.url) + API_PREFIX!r}\n"
        f"gw.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL({fake.gateway_url!r})\n"
        "from bot.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    env = {
        **os.environ,
        "DISCORD_TOKEN": fake.token,
        "STORYBOT_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
        **env,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, *argv, env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )


async def finished(proc: asyncio.subprocess.Process, timeout: float = 20) -> str:
    """The child's stderr once it has exited (killed if it outlives ``timeout``)."""
    try:
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=timeout)
    finally:
        if proc.returncode is None:
            proc.kill()
    return stderr.decode()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_run_connects_and_shuts_down_cleanly_on_a_signal(
    fake_discord: FakeDiscord, tmp_path: Path, sig: signal.Signals
) -> None:
    proc = await storybot_against(fake_discord, tmp_path, "run", STORYBOT_LOG_LEVEL="DEBUG")
    try:
        await fake_discord.wait_until(lambda: fake_discord.identify_count == 1, timeout=20)
        proc.send_signal(sig)
    finally:
        log = await finished(proc)
    assert proc.returncode == 0, log
    assert f"{sig.name} received: shutting down" in log and "StoryBot stopped" in log
    assert "Traceback" not in log
    assert fake_discord.token not in log


WRONG_TOKEN = "MTExMTExMTExMTExMTExMTEx.Gwrong.not-the-right-token_0123456789abcdef"


async def test_run_with_a_refused_token_ends_with_one_clear_line(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    log = await finished(await storybot_against(fake_discord, tmp_path, "run",
                                                DISCORD_TOKEN=WRONG_TOKEN))
    assert fake_discord.take_violations()  # the refused login
    assert "Traceback" not in log and WRONG_TOKEN.split(".")[2] not in log
    assert [line for line in log.splitlines() if line.startswith("storybot:")] == [
        "storybot: Discord refused the token: " + HOW_TO_SET_TOKEN
    ]


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


SYNC_FAILURES = ["refused-token", "missing-guild", "server-error", "no-connection"]


@pytest.mark.parametrize("case", SYNC_FAILURES)
async def test_every_failure_of_sync_is_one_line(
    fake_discord: FakeDiscord, tmp_path: Path, case: str
) -> None:
    argv, env, api = ["sync", "--global"], {}, None
    if case == "refused-token":
        env["DISCORD_TOKEN"] = WRONG_TOKEN
    elif case == "missing-guild":
        argv = ["sync", "--guild", "1234567890"]
    elif case == "server-error":  # 503: discord.py does not retry it
        fake_discord.fail_next(1, status=503, route="/applications/{application_id}/commands")
    else:
        api = closed_port()
    proc = await storybot_against(fake_discord, tmp_path, *argv, api=api, **env)
    stderr = await finished(proc)
    fake_discord.take_violations()
    expected = {
        "refused-token": "Discord refused the token",
        "missing-guild": "403 Forbidden (error code: 50001): Missing Access): is the bot in "
                         "that server, and was it invited with the applications.commands scope?",
        "server-error": "Discord refused the request (DiscordServerError: 503",
        "no-connection": "cannot reach Discord (ClientConnectorError: Cannot connect to host",
    }[case]
    assert proc.returncode == 1
    assert stderr.count("\n") == 1 and stderr.startswith("storybot: "), stderr
    assert expected in stderr and fake_discord.token not in stderr


async def test_storybot_run_survives_a_failed_first_connect_and_a_malformed_event(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    fake_discord.fail_gateway_connects(1, status=502)
    proc = await storybot_against(fake_discord, tmp_path, "run")
    try:
        await fake_discord.wait_until(lambda: fake_discord.identify_count == 1, timeout=20)
        await fake_discord.dispatch_malformed("MESSAGE_CREATE", "mentions", {"id": "1"})
        asked = await fake_discord.dispatch_message("who heads the committee?", mention_bot=True)
        reply = await fake_discord.wait_for_request(
            lambda r: r.route == "/channels/{channel_id}/messages" and r.status == 200, 10)
        proc.send_signal(signal.SIGTERM)
    finally:
        log = await finished(proc)
    assert str(reply.json["message_reference"]["message_id"]) == asked["id"]
    assert "Shashi Tharoor" in reply.json["embeds"][0]["description"]
    assert proc.returncode == 0 and "StoryBot stopped" in log
    assert log.count("disconnected from Discord (WSServerHandshakeError: 502") == 1
    assert log.count("skipped a MESSAGE_CREATE event") == 1
    assert fake_discord.token not in log
