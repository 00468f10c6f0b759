"""A process killed (SIGKILL) while adding many stories leaves every story complete or absent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from index.library import Library

ADDER = """
import sys
from pathlib import Path
from index.library import Library
library = Library(Path(sys.argv[1]))
for n in range(10_000):
    body = "\\n\\n".join(f"Paragraph {p} of story {n} says officials met on day {p}." for p in range(40))
    library.add_bytes(f"title: Story {n}\\n\\n{body}".encode(), f"story-{n}.txt")
    print(n, flush=True)
"""


def test_sigkill_mid_add_leaves_a_loadable_library(tmp_path: Path) -> None:
    data = tmp_path / "data"
    proc = subprocess.Popen([sys.executable, "-c", ADDER, str(data)], stdout=subprocess.PIPE,
                            cwd=Path(__file__).parents[1], text=True)
    assert proc.stdout is not None
    for _ in range(5):  # let a few stories land, then kill during the next write
        proc.stdout.readline()
    time.sleep(0.03)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    library = Library(data)
    infos = library.infos()
    assert not library.problems
    assert len(infos) >= 5
    for info in infos:
        story = library.get(info.id)
        assert len(story.paragraphs) == 40 == info.paragraphs
    leftovers = [p.name for p in (data / "stories").iterdir() if not p.name.endswith(".json")]
    assert all(name.startswith(".") and name.endswith(".tmp") for name in leftovers)
