"""SQLite FTS5's bm25() as the story-level first stage, for the bench to compare with the
term index in numpy arrays (`index.store.postings`) on the same library.

The FTS5 table holds each story's stored terms (StoryBot's tokeniser: stemmed, stop words
out), space-joined, so both rank the same terms; only the scoring and the index differ.
It lives in its own file beside the library's database.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from index.store.database import DB_FILE

# Terms hold these besides letters and digits ("31-member", "3.5", "1,400", "o'neil").
_TABLE = """CREATE VIRTUAL TABLE IF NOT EXISTS story_fts USING fts5(
    id UNINDEXED, body, tokenize = "unicode61 remove_diacritics 0 tokenchars '-.,'''")"""


def build(data_dir: Path, path: Path) -> None:
    """The FTS5 table of the operator's stories in `data_dir`, written to `path`."""
    with sqlite3.connect(data_dir / DB_FILE) as library, sqlite3.connect(path) as fts:
        fts.execute(_TABLE)
        rows = library.execute("SELECT id, terms FROM stories WHERE shelf = 'operator'")
        fts.executemany("INSERT INTO story_fts (id, body) VALUES (?, ?)",
                        ((story_id, " ".join(t for t, n in json.loads(terms).items() for _ in range(n)))
                         for story_id, terms in rows))


class FtsRanker:
    """`Library.candidates`' `rank`: the best stories by FTS5's bm25() (k1 1.2, b 0.75)."""

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(path)

    def __call__(self, terms: list[str], n: int) -> list[tuple[str, float]]:
        if not terms:
            return []
        query = " OR ".join('"' + term.replace('"', '""') + '"' for term in dict.fromkeys(terms))
        rows = self._conn.execute("SELECT id, -bm25(story_fts) FROM story_fts WHERE story_fts MATCH ? "
                                  "ORDER BY rank LIMIT ?", (query, n)).fetchall()
        return [(story_id, float(score)) for story_id, score in rows]
