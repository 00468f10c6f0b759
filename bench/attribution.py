"""Attribution figures on every labelled set, in process, by the rule of
`../shared/eval/score.py --quotes`: a gold statement is found when its snippet lies in a
statement's text, and its speaker is right when every gold speaker name is in that
statement's speaker.

    python -m bench.attribution            # found / speaker-right per set
    python -m bench.attribution --misses   # and the misses of the sets that are not blind

Blind sets print figures only: their misses are never shown (reading them makes the set a
training set).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bench.labelled import LabelledSet, norm, rows, sets
from index.story import Story


def gold_files(labelled: LabelledSet) -> list[Path]:
    """The `<story>.quotes.jsonl` files beside a set's questions."""
    folders = {q.parent for q in labelled.questions}
    return sorted(p for folder in folders for p in folder.glob("*.quotes.jsonl"))


def score(labelled: LabelledSet, cache: dict[Path, Story]) -> tuple[dict[str, float], list[str]]:
    """(figures, miss lines) of one set."""
    found = right = total = 0
    misses: list[str] = []
    for row, story in rows(labelled, gold_files(labelled), cache):
        snippet = norm(row["snippet"])
        matching = [s for s in story.statements if snippet in norm(s.text)]
        total += 1
        found += bool(matching)
        if any(all(norm(w) in norm(s.speaker or "") for w in row["speaker_all"]) for s in matching):
            right += 1
        else:
            misses.append(f"{row['story'][:24]:24} {row['snippet'][:44]!r:48} gold "
                          f"{row['speaker_all']} got {[s.speaker for s in matching]}")
    n = max(total, 1)
    return {"statements": total, "found": found / n, "speaker_right": right / n}, misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.attribution")
    parser.add_argument("--misses", action="store_true", help="list misses (not of blind sets)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    cache: dict[Path, Story] = {}
    out = sys.stdout
    out.write(f"{'set':10} {'n':>4} {'found':>6} {'speaker':>8}\n")
    for labelled in sets():
        if not gold_files(labelled):
            continue
        figures, misses = score(labelled, cache)
        out.write(f"{labelled.name:10} {figures['statements']:4} {figures['found']:6.3f} "
                  f"{figures['speaker_right']:8.3f}\n")
        if args.misses and not labelled.blind:
            out.writelines(f"    {m}\n" for m in misses)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
