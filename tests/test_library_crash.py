"""A process killed (SIGKILL) while adding many stories leaves every story complete or absent,
and the server's active-story choice whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.commands import Caller, StoryBot
from index.store.database import DB_FILE
from index.store.library import Library

PARAGRAPHS = 40
# Adds stories until killed, printing the count of those done. {add} is the adding call.
ADDER = """
import sys
from pathlib import Path
{setup}
for n in range(10_000):
    body = "\\n\\n".join(f"Paragraph {{p}} of story {{n}} says officials met on day {{p}}." for p in range({paragraphs}))
    data, name = f"title: Story {{n}}\\n\\n{{body}}".encode(), f"story-{{n}}.txt"
    {add}
    print(n, flush=True)
"""
# The library alone, as `storybot index add` uses it; and StoryBot, as /story add does,
# which also records the server's active story after each add.
_SERVICE_SETUP = """from bot.commands import Caller, StoryBot
bot = StoryBot(Path(sys.argv[1]))
server = Caller.server(42, can_manage=True)"""
ADDERS = {
    "library": ("from index.store.library import Library\nlibrary = Library(Path(sys.argv[1]))",
                "library.add_bytes(data, name)"),
    "service": (_SERVICE_SETUP, "bot.story_add(server, data, name)"),
}
SERVER = Caller.server(42, can_manage=True)


def _run_and_kill(data: Path, adder: str, after: int, delay: float) -> int:
    """Start an adder, SIGKILL it ``delay`` s after its ``after``-th story: the count done."""
    setup, add = ADDERS[adder]
    code = ADDER.format(setup=setup, add=add, paragraphs=PARAGRAPHS)
    proc = subprocess.Popen([sys.executable, "-c", code, str(data)], stdout=subprocess.PIPE,
                            cwd=Path(__file__).parents[1], text=True)
    assert proc.stdout is not None
    for _ in range(after):
        proc.stdout.readline()
    time.sleep(delay)  # into the next story's transaction, or the snapshot's, or the choice's
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return after


@pytest.mark.parametrize("adder", ["library", "service"])
@pytest.mark.parametrize(("after", "delay"), [(5, 0.03), (3, 0.011)])
def test_sigkill_mid_add_leaves_a_loadable_library(
    tmp_path: Path, adder: str, after: int, delay: float
) -> None:
    data = tmp_path / "data"
    done = _run_and_kill(data, adder, after, delay)

    shelf = "server-42" if adder == "service" else "operator"
    library = Library(data, shelf)
    infos = library.infos()
    assert not library.problems
    assert len(infos) >= done
    for info in infos:
        story = library.get(info.id)
        assert len(story.paragraphs) == PARAGRAPHS == info.paragraphs
    assert {p.name for p in data.iterdir()} <= {DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm"}
    if adder == "service":
        # The choice names a story that is there.
        restarted = StoryBot(data)
        assert restarted.active.get(SERVER.place) in {info.id for info in infos}
        assert restarted.story(SERVER).id in {info.id for info in infos}
