"""Opening a library written by the previous (JSON-file) version: the one-time import.

    python -m bench.legacy_open DATA_DIR

DATA_DIR is a data folder that version filled (see RELIABILITY.md for how the figure's
was made). Prints how long the first open (the import) and a second open took, and
whether every story reads back.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from index.store.library import Library


def main(argv: list[str]) -> int:
    data_dir = Path(argv[0])
    start = time.perf_counter()
    library = Library(data_dir)
    ids = [info.id for info in library.infos() if not info.bundled]
    opened = time.perf_counter() - start
    whole = sum(1 for story_id in ids if library.get(story_id).paragraphs)
    start = time.perf_counter()
    again = len(Library(data_dir).infos())
    print(f"{len(ids)} stories imported and listed in {opened:.1f} s (first open), {whole} read back "
          f"whole, problems: {library.problems or 'none'}; second open listed {again} in "
          f"{time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
