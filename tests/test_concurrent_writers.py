"""Writers at once on one data directory, as real processes: `storybot index add` runs, and
the bot's `/story add` (the command service) racing them. Files want the same id from
different folders (`f0/report0.txt`, `f1/report0.txt`, different content) and some have
the same content. Afterwards every distinct article is stored exactly once, under ids of
its own, and every process printed the id its article has.

`STORYBOT_RACE_ROUNDS=20 pytest -s tests/test_concurrent_writers.py` for more rounds (the
figures in RELIABILITY.md); the report line gives stories lost and processes run.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from index.store.database import DB_FILE

REPO = Path(__file__).parents[1]
ROUNDS = int(os.environ.get("STORYBOT_RACE_ROUNDS", "2"))
WRITERS = 4
# `/story add` of each file through StoryBot, printing "<file>: <id>" as `index add` does.
SERVICE = """
import re, sys
from pathlib import Path
from bot.commands import Caller, StoryBot
bot = StoryBot(Path(sys.argv[1]))
for name in sys.argv[2:]:
    reply = bot.story_add(Caller.local(), Path(name).read_bytes(), Path(name).name).as_text()
    print(Path(name).name + ": " + re.search(r"as `([a-z0-9-]+)`", reply).group(1), flush=True)
"""


def articles(root: Path) -> list[Path]:
    """Per writer folder: report0/report1 (same names, different content) and a common
    article (the same content everywhere)."""
    files = []
    for w in range(WRITERS):
        folder = root / f"f{w}"
        folder.mkdir(parents=True)
        for n in range(2):
            path = folder / f"report{n}.txt"
            path.write_text(f"title: Report {n} from desk {w}\n\nDesk {w} filed report {n} on the "
                            f"flood; officials said {w * 10 + n} roads were shut.")
            files.append(path)
        common = folder / "common.txt"
        common.write_text("title: The same wire story\n\nThe council said the bridge would reopen.")
        files.append(common)
    return files


def start(kind: str, data: Path, files: list[Path]) -> subprocess.Popen[str]:
    argv = ([sys.executable, "-m", "bot", "--data-dir", str(data), "index", "add"] if kind == "cli"
            else [sys.executable, "-c", SERVICE, str(data)])
    return subprocess.Popen([*argv, *map(str, files)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=REPO)


def printed_ids(out: str) -> list[tuple[str, str]]:
    """(file name, id) per line: 'report0.txt: added report0-3' or '...: already in the
    library as x' (the CLI), 'report0.txt: x' (the service)."""
    return [(m[1], m[2]) for m in re.finditer(r"^(\S+): (?:added |already in the library as )?([a-z0-9-]+)$",
                                              out, re.MULTILINE)]


def stored(data: Path) -> dict[str, str]:
    """content hash -> id, of every stored story (checked unique per hash by the schema)."""
    with sqlite3.connect(data / DB_FILE) as conn:
        rows = conn.execute("SELECT content_hash, id FROM stories WHERE shelf = 'operator'").fetchall()
    assert len({h for h, _ in rows}) == len(rows)
    return dict(rows)


@pytest.mark.parametrize("kinds", [("cli",) * WRITERS, ("cli", "service", "cli", "service")],
                         ids=["index-add-x4", "index-add-and-story-add"])
def test_concurrent_writers_lose_nothing(tmp_path: Path, kinds: tuple[str, ...]) -> None:
    lost = 0
    for round_ in range(ROUNDS):
        root = tmp_path / f"round{round_}"
        files = articles(root / "articles")
        digest = {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
        data = root / "data"
        # Each writer adds every file, starting at a different one: the same ids and the
        # same contents arrive from several processes at once.
        procs = [start(kind, data, files[w * 3:] + files[:w * 3]) for w, kind in enumerate(kinds)]
        outputs = [proc.communicate(timeout=120) for proc in procs]
        assert all(proc.returncode == 0 for proc in procs), [err for _, err in outputs]
        ids = stored(data)
        lost += len(set(digest.values()) - set(ids))
        assert set(ids) == set(digest.values())  # every distinct article, once
        assert len(set(ids.values())) == len(ids) == 2 * WRITERS + 1  # under ids of its own
        for w, (out, _) in enumerate(outputs):
            order = files[w * 3:] + files[:w * 3]
            lines = printed_ids(out)
            assert [name for name, _ in lines] == [p.name for p in order], out
            # The id each process printed is the one its article is stored under.
            assert [story_id for _, story_id in lines] == [ids[digest[str(p)]] for p in order]
    print(f"\n{len(kinds)} writers x {len(files)} files x {ROUNDS} rounds ({'+'.join(kinds)}): "
          f"{lost} stories lost")
    assert lost == 0
