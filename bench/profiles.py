"""Sampling profiles (pyinstrument) of the paths the benchmark times.

    python -m bench.profiles [--shared ../shared] [--articles 300]

Prints, for each path, where the time goes: adding articles (in this one process, so
the profile sees the parsing the workers of `add_many` would do), questions over a
generated library (--story all), and warm answers on the bundled story.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path

from pyinstrument import Profiler

from bench.corpus import Corpus, real_words
from bench.run import REPO, _load_scorer
from bot.answer import answer
from index.store.library import SAMPLE_ID, Library, bundled_story


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profiles")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()
    story_files = sorted((args.shared / "stories").glob("*.txt"))
    score = _load_scorer(args.shared / "eval" / "score.py")
    rows = [row for path in sorted((args.shared / "eval").glob("*.jsonl")) if "quotes" not in path.name
            for row in score.load([path])]
    articles = [(path.read_bytes(), path.name) for path in story_files]
    articles += [(data, name) for name, data in Corpus(2019, real_words(story_files)).articles(args.articles)]
    with tempfile.TemporaryDirectory() as tmp:
        library = Library(Path(tmp))

        def add() -> None:
            with library.batch():
                for data, name in articles:
                    library.add_bytes(data, name)

        _profile(f"adding {len(articles)} articles, one process", add)
        reopened = Library(Path(tmp))
        _profile(f"{len(rows)} dev questions over a {len(articles)}-story library",
                 lambda: [answer(row["q"], reopened.candidates(row["q"])) for row in rows])
    story = bundled_story()
    asked = [row["q"] for row in rows if row["story"] == SAMPLE_ID]
    _profile("the bundled story's questions, first (index built) then 50 times warm",
             lambda: [answer(q, [story]) for _ in range(51) for q in asked])
    return 0


def _profile(title: str, work: Callable[[], object]) -> None:
    profiler = Profiler()
    profiler.start()
    work()
    profiler.stop()
    print(f"== {title}")
    print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    raise SystemExit(main())
