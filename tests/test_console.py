"""`storybot chat`: Discord-style command lines in, the bot's replies as text out."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.commands import StoryBot
from bot.console import chat, parse
from index.errors import StoryBotError

ROOT = Path(__file__).parents[1]
THAROOR = "a 31-member committee headed by Congress MP Shashi Tharoor"


@pytest.mark.parametrize(
    ("line", "name", "options"),
    [
        ("/ask who heads the committee?", "ask", {"question": "who heads the committee?"}),
        ("who denied it?", "ask", {"question": "who denied it?"}),
        ("/summary length:short", "summary", {"length": "short"}),
        (
            "/quote speaker:prasad about:privacy rights",
            "quote",
            {"speaker": "prasad", "about": "privacy rights"},
        ),
        ("/quote ravi shankar", "quote", {"speaker": "ravi shankar"}),
        ("/story list", "story list", {}),
        ("/story use story:my-story", "story use", {"story": "my-story"}),
    ],
)
def test_parse(line: str, name: str, options: dict[str, str]) -> None:
    spec, parsed = parse(line)
    assert (spec.name, parsed) == (name, options)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/story use", "usage: /story use story:…"),
        ("/story", "needs one of: list, info, use, add, remove"),
        ("/weather", "unknown command /weather"),
        ("/help me", "takes no options"),
    ],
)
def test_parse_errors(line: str, message: str) -> None:
    with pytest.raises(StoryBotError, match=message):
        parse(line)


def test_chat_answers_and_reports_errors_as_replies(tmp_path: Path) -> None:
    out = io.StringIO()
    chat(StoryBot(tmp_path), ["/ask who heads the committee?\n", "\n", "/story use\n"], out)
    text = out.getvalue()
    assert f"== who heads the committee? ==\n> Earlier today, {THAROOR}" in text
    assert "Source: ¶9 · WhatsApp Expressed Regret" in text
    assert "! usage: /story use story:…" in text


def test_control_bytes_of_a_question_are_shown_not_sent_to_the_terminal(tmp_path: Path) -> None:
    # An ANSI colour, a window retitle (OSC ... BEL), an 8-bit CSI, a carriage return, and an
    # undecodable byte as stdin delivers it (a surrogate): in a reply, in an error reply.
    hostile = "who heads \x1b[31mthe\x07 committee\x9b2J\rhi \udc9b?"
    out = io.StringIO()
    chat(StoryBot(tmp_path), [hostile, "/quote speaker:\x1b]0;pwned\x07x", "/story use \x1b[2J"], out)
    text = out.getvalue()
    assert not [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F
                or 0xDC80 <= ord(c) <= 0xDCFF]
    assert "== who heads \\x1b[31mthe\\x07 committee\\x9b2J\\x0dhi \\x9b? ==" in text
    assert "Statements by \\x1b]0;pwned\\x07x" in text
    assert "! '\\x1b[2J' is not a story id" in text
    assert THAROOR in text  # still answered


def test_story_add_from_a_file_path(tmp_path: Path) -> None:
    path = tmp_path / "bridge.txt"
    path.write_text("title: Harbour Bridge Reopens\n\nThe harbour bridge reopened on Monday.\n")
    out = io.StringIO()
    chat(
        StoryBot(tmp_path / "data"),
        [f"/story add {path}", "/ask when did the bridge reopen?", "/story add /no/such.txt"],
        out,
    )
    text = out.getvalue()
    assert "Harbour Bridge Reopens added as bridge" in text
    assert "> The harbour bridge reopened on Monday." in text
    assert "! /no/such.txt: no such file" in text


def test_storybot_chat_command_reads_stdin(tmp_path: Path) -> None:
    env = {**os.environ, "STORYBOT_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        env=env,
        cwd=tmp_path,
        input="/ask who heads the committee?\n/quote speaker:prasad\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert THAROOR in done.stdout
    assert "== Statements by prasad ==" in done.stdout
    assert "¶6 · Ravi Shankar Prasad, Union Minister: “The government is committed" in done.stdout
    assert "storybot>" not in done.stdout  # no prompt when stdin is not a terminal


def test_story_add_of_a_device_is_refused_without_reading_it(tmp_path: Path) -> None:
    # /dev/zero never ends (a plain read grows without limit); a directory is no article.
    out = io.StringIO()
    chat(StoryBot(tmp_path / "data"), ["/story add /dev/zero", f"/story add {tmp_path}"], out)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("! ")]
    assert len(lines) == 2 and all("regular file" in line or "directory" in line for line in lines)
