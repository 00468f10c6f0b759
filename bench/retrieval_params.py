#!/usr/bin/env python3
"""Compare BM25 variants and k1/b on the dev question files, in process.

For each setting, every story gets a `StoryIndex` with those parameters and the answer
engine runs unchanged on it; figures are the scorer's (top-1, top-3, abstention), plus
"bm25 top-1": the best-scoring sentence of plain sentence BM25, no answer types, to show
what the ranking function alone does.

    .venv/bin/python bench/retrieval_params.py /work/shared/eval/*[^s].jsonl \
        --stories /work/shared/stories
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import unicodedata
from pathlib import Path

import bot.answer as engine
from bot.answer import answer
from bot.question import analyze
from index.library import story_from_file
from index.search import StoryIndex


def norm(text: str) -> str:
    """The scorer's normalisation: NFKC, lower case, straight quotes and dashes."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = re.sub(r"[\u2010-\u2015]", "-", text.replace("\u201d", '"'))
    return re.sub(r"\s+", " ", text)


def hit(sentence: str, keys: list[str]) -> bool:
    return any(norm(k) in norm(sentence) for k in keys)


def evaluate(rows: list[dict], stories: dict, variant: str, k1: float, b: float) -> dict:
    for story in stories.values():
        # Replace the cached index (Story.search is a cached_property) with this setting's.
        story.__dict__["search"] = StoryIndex(story, variant, k1, b)  # type: ignore[arg-type]
    top1 = top3 = bm25 = abstain = answerable = 0
    for row in rows:
        story = stories[row["story"]]
        result = answer(row["q"], [story])
        if row.get("unanswerable"):
            abstain += not result.answered
            continue
        answerable += 1
        cites = [c.sentence for c in result.citations] if result.answered else []
        top1 += bool(cites) and hit(cites[0], row["keys"])
        top3 += any(hit(c, row["keys"]) for c in cites[:3])
        ix = story.search
        best = ix.sentence_bm25.top(ix.match_terms(analyze(row["q"]).terms), 1)
        bm25 += bool(best) and hit(ix.sentences[best[0][0]].text, row["keys"])
    unanswerable = len(rows) - answerable
    return {"variant": variant, "k1": k1, "b": b, "top1": round(top1 / answerable, 3),
            "top3": round(top3 / answerable, 3), "abstain": round(abstain / max(unanswerable, 1), 3),
            "bm25_top1": round(bm25 / answerable, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="+", type=Path)
    parser.add_argument("--stories", required=True, type=Path)
    args = parser.parse_args()
    rows = [json.loads(line) for path in args.questions for line in path.read_text().splitlines()
            if line.strip()]
    stories = {sid: story_from_file(args.stories / f"{sid}.txt") for sid in {r["story"] for r in rows}}
    settings = itertools.product(("plus", "okapi", "l"), (0.9, 1.2, 1.5, 2.0), (0.3, 0.5, 0.75, 1.0))
    print(f"{'variant':7} {'k1':>4} {'b':>5} {'top1':>6} {'top3':>6} {'abstain':>7} {'bm25_top1':>9}")
    for variant, k1, b in settings:
        r = evaluate(rows, stories, variant, k1, b)
        print(f"{variant:7} {k1:4} {b:5} {r['top1']:6} {r['top3']:6} {r['abstain']:7} {r['bm25_top1']:9}")
    print("\nRanking weights (sentence BM25, paragraph BM25, coverage), BM25Plus k1=1.2 b=0.75:")
    for weights in ((1, 0, 0), (0, 1, 0), (0, 0, 1), (0.5, 0.5, 0), (0.5, 0, 0.5), (0.4, 0.2, 0.4),
                    (0.3, 0.3, 0.4), (0.6, 0.2, 0.2)):
        engine._W_SENTENCE, engine._W_PARAGRAPH, engine._W_COVERAGE = weights
        r = evaluate(rows, stories, "plus", 1.2, 0.75)
        print(f"  {weights}: top1 {r['top1']} top3 {r['top3']} abstain {r['abstain']}")


if __name__ == "__main__":
    main()
