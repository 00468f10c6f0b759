"""SIGKILL of a real `storybot index add` that parses in worker processes, at random points:
no worker outlives it by more than a few seconds, nothing is left on disk but the database,
and every story it reported added is stored whole.

`STORYBOT_KILL_ROUNDS=20 pytest -s tests/test_index_add_kill.py` for more rounds (the
figures in RELIABILITY.md).
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from index.store.database import DB_FILE
from index.store.library import Library

REPO = Path(__file__).parents[1]
ROUNDS = int(os.environ.get("STORYBOT_KILL_ROUNDS", "3"))
PARAGRAPHS = 30
ORPHAN_LIMIT_S = 3.0


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has ended; only its parent's bookkeeping is left


def articles(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True)
    files = []
    for i in range(n):
        body = "\n\n".join(f"Paragraph {p} of story {i}: officials met on day {p}, the mayor said."
                           for p in range(PARAGRAPHS))
        path = folder / f"story-{i}.txt"
        path.write_text(f"title: Story {i}\n\n{body}")
        files.append(path)
    return files


def _unread(fd: int) -> str:
    """What is left in the pipe, without waiting for an end (an orphan could hold it open).
    Raw reads: a text file's read() on a non-blocking pipe with nothing left raises."""
    os.set_blocking(fd, False)
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


def kill_once(tmp: Path, rng: random.Random) -> tuple[int, float, list[str]]:
    """(stories reported but not stored whole, the longest orphan lifetime, leftovers)."""
    data = tmp / "data"
    files = articles(tmp / "articles", 200)
    proc = subprocess.Popen([sys.executable, "-m", "bot", "--data-dir", str(data), "index", "add",
                             *map(str, files)], stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert proc.stdout is not None
    workers: list[int] = []
    reported: list[str] = []
    wanted = rng.randint(1, 40)  # stories stored before the kill, then a random extra delay
    while len(reported) < wanted:
        line = proc.stdout.readline()
        assert line, "index add ended before it was killed"
        reported += re.findall(r"added (\S+)", line)
        workers = workers or children(proc.pid)
    time.sleep(rng.uniform(0, 0.05))
    workers = children(proc.pid) or workers
    assert workers, "no worker processes seen"
    os.kill(proc.pid, signal.SIGKILL)
    killed = time.monotonic()
    proc.wait()
    while any(alive(pid) for pid in workers) and time.monotonic() - killed < 10:
        time.sleep(0.05)
    orphan_s = time.monotonic() - killed
    for pid in workers:  # an orphan would keep stdout open: end the ones this test started
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    reported += re.findall(r"added (\S+)", _unread(proc.stdout.fileno()))
    leftovers = [p.name for p in data.iterdir() if p.name not in {DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm"}]
    library = Library(data)
    stored = {info.id: info for info in library.infos() if not info.bundled}
    lost = sum(1 for story_id in reported if story_id not in stored)
    for story_id in stored:  # whole
        assert len(library.get(story_id).paragraphs) == PARAGRAPHS
    assert not library.problems
    return lost, orphan_s, leftovers


def test_sigkill_of_index_add_leaves_no_orphan_and_nothing_behind(tmp_path: Path) -> None:
    rng = random.Random(13)
    results = [kill_once(tmp_path / f"round{n}", rng) for n in range(ROUNDS)]
    lost, orphan, leftovers = (sum(r[0] for r in results), max(r[1] for r in results),
                               [name for r in results for name in r[2]])
    print(f"\n{ROUNDS} SIGKILLs of index add: {lost} reported stories lost, leftovers {leftovers}, "
          f"longest orphan lifetime {orphan:.2f} s")
    assert lost == 0 and not leftovers
    assert orphan < ORPHAN_LIMIT_S
