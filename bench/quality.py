"""The answer-quality gate: one table of figures on every labelled set; fails on a drop.

    python -m bench.quality            # the table; exit 1 if a figure is > 0.03 below its floor
    python -m bench.quality --record   # write today's figures as the floors

Rows per set:
- `engine`: the shipped model through `bot.answer.answer`, as users get it (on the sets
  it was trained on this is an in-sample figure; the blind sets were never trained on);
- `loso`: leave-one-story-out, each story ranked, calibrated and thresholded by models
  fitted without it (the honest figure for the pool, see bench/train_ranker.py);
- `bm25`: plain BM25Plus over sentences, always answering (the baseline to beat at top-3);
- `quotes`: attribution, statements found and speaker right (the rule of score.py --quotes).
`.ci/run` runs this after the tests.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bench.attribution import gold_files
from bench.attribution import score as attribution
from bench.labelled import Item, hit, load, sets
from bench.train_ranker import by_set, decide_held_out, examples, figures, leave_one_story_out
from bot.answer import answer, rank
from bot.passages import story_index
from bot.question import analyze
from bot.ranker import shipped
from index.story import Story

FLOORS = Path(__file__).resolve().parent / "quality_floors.json"
TOLERANCE = 0.03
METRICS = ("rank1", "rank3", "top1", "top3", "abstain")


def engine_figures(items: list[Item]) -> dict[str, float]:
    """The scorer's figures for the engine as shipped."""
    top1 = top3 = abstain = rank1 = rank3 = 0
    answerable = [i for i in items if not i.unanswerable]
    for item in items:
        result = answer(item.question, [item.story])
        order = rank(item.story, analyze(item.question), shipped()).order[:3]
        ranked = [hit(item.story.sentences[i].text, item.keys) for i in order]
        cites = [c.sentence for c in result.citations] if result.answered else []
        if item.unanswerable:
            abstain += not result.answered
        else:
            top1 += bool(cites) and hit(cites[0], item.keys)
            top3 += any(hit(c, item.keys) for c in cites[:3])
            rank1 += bool(ranked[:1] and ranked[0])
            rank3 += any(ranked)
    n_ans, n_un = max(len(answerable), 1), max(len(items) - len(answerable), 1)
    return {"rank1": rank1 / n_ans, "rank3": rank3 / n_ans, "top1": top1 / n_ans,
            "top3": top3 / n_ans, "abstain": abstain / n_un}


def bm25_figures(items: list[Item]) -> dict[str, float]:
    """Plain BM25Plus over the story's sentences, the best three cited, never abstaining."""
    top1 = top3 = 0
    answerable = [i for i in items if not i.unanswerable]
    for item in answerable:
        ix = story_index(item.story)
        best = ix.sentence_bm25.top(ix.match_terms(analyze(item.question).terms), 3)
        found = [hit(ix.sentences[i].text, item.keys) for i, _ in best]
        top1 += bool(found[:1] and found[0])
        top3 += any(found)
    n = max(len(answerable), 1)
    return {"rank1": top1 / n, "rank3": top3 / n, "top1": top1 / n, "top3": top3 / n,
            "abstain": 0.0}


def table() -> dict[str, dict[str, dict[str, float]]]:
    cache: dict[Path, Story] = {}
    loaded = {s.name: (s, load(s, cache)) for s in sets() if s.questions}
    pool = examples([i for s, items in loaded.values() if not s.blind for i in items])
    oof = leave_one_story_out(pool)
    decide_held_out(oof)
    loso = {name: figures(found) for name, found in by_set(oof).items()}
    rows: dict[str, dict[str, dict[str, float]]] = {}
    for name, (labelled, items) in loaded.items():
        rows[name] = {"engine": engine_figures(items), "bm25": bm25_figures(items)}
        if not labelled.blind:
            rows[name]["loso"] = _loso_row(loso[name])
        if gold_files(labelled):
            quotes, _ = attribution(labelled, cache)
            rows[name]["quotes"] = {"found": quotes["found"], "speaker": quotes["speaker_right"]}
    rows["pool"] = {"loso": _loso_row(loso["pool"])}
    return {name: {kind: {m: round(v, 3) for m, v in f.items()} for kind, f in r.items()}
            for name, r in rows.items()}


def _loso_row(f: dict[str, float]) -> dict[str, float]:
    return {"rank1": f["rank_top1"], "rank3": f["rank_top3"], "top1": f["top1"],
            "top3": f["top3"], "abstain": f["abstain"]}


def drops(found: dict, floors: dict) -> list[str]:
    """Every figure more than TOLERANCE below its floor."""
    return [f"{name} {kind} {metric}: {found[name][kind][metric]:.3f} < floor {floor:.3f}"
            for name, kinds in floors.items() for kind, metrics in kinds.items()
            for metric, floor in metrics.items()
            if found.get(name, {}).get(kind, {}).get(metric, 0.0) < floor - TOLERANCE]


def _print(found: dict) -> None:
    print(f"{'set':9} {'figure':7} {'rank@1':>7} {'rank@3':>7} {'top1':>6} {'top3':>6} "
          f"{'abstain':>8}   (rank@k: the ranking alone; top-k: confident answers only)")
    for name, kinds in found.items():
        for kind, f in kinds.items():
            if kind == "quotes":
                print(f"{name:9} {kind:7} statements found {f['found']:.3f}, speaker right "
                      f"{f['speaker']:.3f}")
                continue
            print(f"{name:9} {kind:7} {f['rank1']:7.3f} {f['rank3']:7.3f} {f['top1']:6.3f} "
                  f"{f['top3']:6.3f} {f['abstain']:8.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="write these figures as the floors")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    found = table()
    _print(found)
    if args.record:
        floors = {name: {k: f for k, f in kinds.items() if k != "bm25"} for name, kinds in found.items()}
        FLOORS.write_text(json.dumps(floors, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {FLOORS}")
        return 0
    failed = drops(found, json.loads(FLOORS.read_text(encoding="utf-8")))
    for line in failed:
        print(f"QUALITY DROP {line}", file=sys.stderr)
    print(f"quality gate: {'FAILED' if failed else 'passed'} ({len(failed)} figures below floor - "
          f"{TOLERANCE})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
