"""The answer commands stay light: no discord.py, no Settings, no bench libraries, and no
language model for a stored story (a file given by path is parsed, so it loads spaCy)."""

from __future__ import annotations

import os
import subprocess
import sys

from index.store.library import Library

HEAVY = ("discord", "aiohttp", "pydantic_settings", "sumy", "nltk", "trafilatura", "tqdm",
         "spacy", "sklearn", "thinc", "concurrent")  # concurrent.futures: index add's workers


def test_ask_imports_nothing_heavy(tmp_path) -> None:
    path = tmp_path / "s.txt"
    path.write_text("title: T\n\nThe mayor opened the 40 metre bridge on Monday.\n")
    stored = tmp_path / "stored"
    Library(stored).add_file(path)
    code = (
        "import sys\n"
        "from bot.cli import main\n"
        "main(['ask', 'Who heads the committee?'])\n"  # the library named by the environment
        f"main(['--data-dir', {str(stored)!r}, 'ask', 'How long is the bridge?'])\n"  # every story
        f"print([m for m in sys.modules if m.split('.')[0] in {HEAVY!r}])\n"
        f"main(['ask', '--story', {str(path)!r}, 'How long is the bridge?'])\n"
    )
    env = {**os.environ, "STORYBOT_DATA_DIR": str(tmp_path / "library")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tmp_path, env=env).stdout
    assert "[]" in out.strip().splitlines()
    assert "40 metre bridge" in out and "Shashi Tharoor" in out
    assert out.count("40 metre bridge") == 2
