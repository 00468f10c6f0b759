"""Adding an article of exactly the size limit: wall time and what it stores.

    python -m bench.big_article [--shared ../shared]

The article is the four shared stories' paragraphs repeated up to 2,000,000 bytes (a
realistic text, not a hostile one), added with `storybot index add` in a fresh data folder.
Prints the wall time, the document's size in the database and the database file's size.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from index.read.article import MAX_ARTICLE_BYTES
from index.read.formats import parse_article
from index.store.database import DB_FILE

REPO = Path(__file__).resolve().parents[1]


def article(shared: Path) -> bytes:
    paragraphs = [p for path in sorted((shared / "stories").glob("*.txt"))
                  for p in parse_article(path.read_bytes(), path.name).paragraphs]
    header, body, n = b"title: A very long report\n\n", bytearray(), 0
    while len(header) + len(body) < MAX_ARTICLE_BYTES:
        body += paragraphs[n % len(paragraphs)].encode() + b"\n\n"
        n += 1
    data = (header + bytes(body))[:MAX_ARTICLE_BYTES]
    return data[:data.rindex(b" ")].ljust(MAX_ARTICLE_BYTES, b".")  # end on a whole word


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.big_article")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long-report.txt"
        path.write_bytes(article(args.shared))
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "--data-dir", str(Path(tmp) / "data"), "index", "add",
                        str(path)], check=True, cwd=REPO, capture_output=True)
        wall = time.perf_counter() - start
        db = Path(tmp) / "data" / DB_FILE
        with sqlite3.connect(db) as conn:
            document, terms = conn.execute("SELECT length(document), length(terms) FROM stories").fetchone()
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        print(f"article {path.stat().st_size:,} bytes: index add {wall:.1f} s; stored document "
              f"{document / 1e6:.1f} MB + terms {terms / 1e3:.0f} KB; {DB_FILE} {db.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
