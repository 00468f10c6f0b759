"""`storybot run` and `storybot sync`: token handling, lazy imports, signals, registration."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.discord.runner import sync_commands
from bot.settings import Settings
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


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_run_connects_and_shuts_down_cleanly_on_a_signal(
    fake_discord: FakeDiscord, tmp_path: Path, sig: signal.Signals
) -> None:
    # `storybot run` in a child process, with discord.py pointed at the fake.
    code = (
        "import sys, yarl, discord.http, discord.gateway as gw\n"
        f"discord.http.Route.BASE = {fake_discord.url + API_PREFIX!r}\n"
        f"gw.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL({fake_discord.gateway_url!r})\n"
        "from bot.cli import main\n"
        "sys.exit(main(['run']))\n"
    )
    env = {
        **os.environ,
        "DISCORD_TOKEN": fake_discord.token,
        "STORYBOT_LOG_LEVEL": "DEBUG",
        "STORYBOT_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )
    try:
        await fake_discord.wait_until(lambda: fake_discord.identify_count == 1, timeout=20)
        proc.send_signal(sig)
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=20)
    finally:
        if proc.returncode is None:
            proc.kill()
    log = stderr.decode()
    assert proc.returncode == 0, log
    assert f"{sig.name} received: shutting down" in log and "StoryBot stopped" in log
    assert "Traceback" not in log
    assert fake_discord.token not in log
