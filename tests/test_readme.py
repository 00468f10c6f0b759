"""README.md's shell examples, run as written against a data folder holding the four
shared stories (the bundled sample and tests/data), so that they stay true.

Placeholders are given real files (`article.txt`, `other.json`, `page.html`,
`path/to/article.txt`) and `ID` the id `index add` printed. Lines that need Discord, Docker,
pip or the network (`sync`, `run`, `docker`, installs) are not run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, SAMPLE

REPO = Path(__file__).parents[1]
README = REPO / "README.md"
SKIP = re.compile(r"\b(pip|docker|storybot (sync|run)\b|cat >|python3? -m (venv|pytest|bench))|\.venv/")
# What some examples must print, beyond running cleanly.
EXPECT = {
    'storybot ask "Who heads the committee?"': "Shashi Tharoor",
    'storybot ask --json --story all "What did the spokesperson say?"': '"answered": true',
    "storybot ask --story whatsapp-regret-ndtv-2019-11-21": "Shashi Tharoor",
    "storybot ask --story path/to/article.txt": "WhatsApp",
    'storybot quotes --speaker "ravi shankar" --json': "Ravi Shankar Prasad",
    "storybot speakers --story": "Ravi Shankar Prasad",
    "storybot index add": "added bridge-reopens-on-monday",
    "storybot index list": "whatsapp-regret-ndtv-2019-11-21",
    "storybot index show ID": "¶1 The harbour bridge reopened on Monday",
    "storybot index remove ID": "removed bridge-reopens-on-monday",
    "storybot index rebuild": "rebuilt",
    "| storybot chat": "Ravi Shankar Prasad",
}


def examples() -> list[str]:
    lines, inside = [], False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("```"):
            inside = line.strip() == "```sh"
            continue
        command = line.split("  #")[0]  # a comment may name pip
        if inside and "storybot" in command and not SKIP.search(command):
            lines.append(line.strip())
    return lines


def test_the_readme_has_examples_to_run() -> None:
    assert len(examples()) >= 14 and any("index add" in line for line in examples())


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    work = tmp_path
    env = environment(work)
    subprocess.run(["storybot", "index", "add", str(SAMPLE), *map(str, sorted(DATA.glob("*.txt")))],
                   check=True, capture_output=True, env=env, cwd=work)
    (work / "article.txt").write_text("title: Bridge reopens on Monday\n\nThe harbour bridge reopened "
                                      "on Monday, the mayor said.")
    (work / "other.json").write_text(json.dumps({"title": "Pier closes", "paragraphs": ["The pier closed."]}))
    (work / "page.html").write_text("<html><head><title>Road works</title></head><body><article><h1>Road "
                                    "works</h1><p>The council said the road works would end in June, "
                                    "after months of delays that angered residents.</p></article></body></html>")
    (work / "path" / "to").mkdir(parents=True)
    shutil.copy(DATA / "whatsapp-sues-nso-fe-bd.txt", work / "path" / "to" / "article.txt")
    return work


def environment(work: Path) -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "STORYBOT_DATA_DIR": str(work / "data")}


def test_readme_examples_run_in_order(folder: Path) -> None:
    """One test, in the README's order: `index show ID` needs the `index add` before it."""
    for line in examples():
        command = re.sub(r"\bID\b", "bridge-reopens-on-monday", line)
        done = subprocess.run(["bash", "-c", command], check=False, capture_output=True, text=True,
                              timeout=120, env=environment(folder), cwd=folder, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, (line, done.stderr)
        assert "Traceback" not in done.stderr, (line, done.stderr)
        assert done.stdout.strip() or line.startswith("storybot chat "), line  # no input, no reply
        for start, text in EXPECT.items():
            if line.startswith(start) or (start.startswith("|") and start in line):
                assert text in done.stdout, (line, done.stdout)
