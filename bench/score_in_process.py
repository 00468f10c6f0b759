#!/usr/bin/env python3
"""The scorer's figures (top-1, top-3, abstention per file), in process and in seconds.

Same rules as /work/shared/eval/score.py, which runs the CLI once per question (about a
minute for the dev set); use that one for the reported figures, this one while working.
Stories are looked up by id in each --stories folder in turn.

    .venv/bin/python bench/score_in_process.py --stories /work/shared/stories --stories bench/heldout \
        /work/shared/eval/*[^s].jsonl bench/heldout/questions.jsonl -v
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.retrieval_params import hit
from bot.answer import answer
from index.library import story_from_file
from index.story import Story


def _story(story_id: str, folders: list[Path], cache: dict[str, Story]) -> Story:
    if story_id not in cache:
        path = next(f / f"{story_id}.txt" for f in folders if (f / f"{story_id}.txt").exists())
        cache[story_id] = story_from_file(path)
    return cache[story_id]


def score_file(path: Path, folders: list[Path], cache: dict[str, Story], verbose: bool) -> list[int]:
    """[top-1 hits, top-3 hits, answerable, abstentions, unanswerable] for one file."""
    counts = [0, 0, 0, 0, 0]
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    for row in (r for r in rows if "q" in r):
        result = answer(row["q"], [_story(row["story"], folders, cache)])
        cites = [c.sentence for c in result.citations] if result.answered else []
        if row.get("unanswerable"):
            ok = not result.answered
            counts[3] += ok
            counts[4] += 1
        else:
            ok = bool(cites) and hit(cites[0], row["keys"])
            counts[0] += ok
            counts[1] += any(hit(c, row["keys"]) for c in cites[:3])
            counts[2] += 1
        if verbose and not ok:
            got = result.citations[0].sentence[:100] if result.citations else "-"
            print(f"  MISS {row['q']!r} answered={result.answered} {got!r}")
    return counts


def _line(label: str, c: list[int]) -> str:
    return (f"{label[:34]:34} top1 {c[0] / max(c[2], 1):.3f}  top3 {c[1] / max(c[2], 1):.3f}  "
            f"abstain {c[3] / max(c[4], 1):.3f}  ({c[2]} answerable, {c[4]} not)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--stories", action="append", type=Path, required=True,
                        help="a folder of stories; repeat for more")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    cache: dict[str, Story] = {}
    total = [0, 0, 0, 0, 0]
    for path in args.files:
        counts = score_file(path, args.stories, cache, args.verbose)
        print(_line(path.stem, counts))
        total = [a + b for a, b in zip(total, counts)]
    print(_line("overall", total))


if __name__ == "__main__":
    main()
