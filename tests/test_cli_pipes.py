"""`storybot … | head -1`: a reader that goes away ends the command quietly.

Real `storybot` processes write into a pipe whose read end is already closed (what `head`
leaves once it has its line): each must end with status 0 or 141 and nothing on stderr,
not a `BrokenPipeError` traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA

ROOT = Path(__file__).parents[1]
SAMPLE_ID = "whatsapp-regret-ndtv-2019-11-21"
ARTICLE = DATA / "whatsapp-sues-nso-fe-bd.txt"

COMMANDS = [
    ["index", "list"],
    ["index", "list", "--json"],
    ["index", "show", SAMPLE_ID],
    ["index", "add", str(ARTICLE)],
    ["ask", "who heads the committee?"],
    ["ask", "--json", "who heads the committee?"],
    ["summary", "--length", "long"],
    ["quotes"],
    ["speakers"],
    ["chat"],
]


def into_closed_pipe(argv: list[str], data_dir: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte is written
    env = {**os.environ, "STORYBOT_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    env.pop("DISCORD_TOKEN", None)
    try:
        return subprocess.run([sys.executable, "-m", "bot", *argv], stdout=write_end,
                              stderr=subprocess.PIPE, input=stdin, text=True, env=env,
                              cwd=data_dir.parent, timeout=60, check=False)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path, argv: list[str]) -> None:
    questions = "who heads the committee?\n/quote speaker:prasad\n" * 50
    done = into_closed_pipe(argv, tmp_path / "data", stdin=questions)
    assert done.stderr == ""
    assert done.returncode in (0, 141)


def test_chat_cut_short_by_head(tmp_path: Path) -> None:
    # The pipeline as a user types it; 300 answers are more than a pipe holds, so the
    # console is still writing when `head` leaves.
    env = {**os.environ, "STORYBOT_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(ROOT)}
    script = (f"yes 'who heads the committee?' | head -300 | {sys.executable} -m bot chat "
              f"2>{tmp_path / 'err'} | head -1")
    done = subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.count("\n") == 1 and "who heads the committee?" in done.stdout
    assert (tmp_path / "err").read_text() == ""
