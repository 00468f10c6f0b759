"""One StoryBot process over a big library, measured from the inside.

    python -m bench.library_process DATA_DIR QUESTIONS.json ROUNDS FTS.db

Opens the library, answers the first question over every story (printing a line the
parent times from process start), then answers every question ROUNDS more times, and
prints one JSON object: latencies, answers, memory. Runs alone so that its peak RSS is
StoryBot's, not the benchmark's. Each round also answers every question with SQLite
FTS5's bm25() as the first stage instead (`bench.fts`), alternating with the term index
so that the machine's drift hits both alike.
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from bench.fts import FtsRanker
from bot.answer import Answer, answer
from bot.passages import story_index
from index.store.library import Library, Ranker
from index.tokens import tokenize


def main(argv: list[str]) -> int:
    data_dir, questions_file, rounds, fts = Path(argv[0]), Path(argv[1]), int(argv[2]), FtsRanker(Path(argv[3]))
    questions: list[str] = json.loads(questions_file.read_text())
    rss_start = _memory_mb("VmRSS")
    library = Library(data_dir)
    stories = len(library.infos())
    rss_catalogue = _memory_mb("VmRSS")
    first = _ask(library, questions[0])
    print("first answer", flush=True)
    cold = [_timed(library, q) for q in questions]  # each question's stories read for the first time
    warm, fts_warm, stage, fts_stage = [], [], [], []
    for _ in range(rounds):
        for q in questions:
            warm.append(_timed(library, q))
            fts_warm.append(_timed(library, q, fts))
            stage.append(_stage_ms(library.postings().top, q))
            fts_stage.append(_stage_ms(fts, q))
    result: dict[str, Any] = {
        "stories": stories,
        "first": first.model_dump(include={"answered", "story_id"}),
        "cold_ms": [ms for ms, _ in cold],
        "warm_ms": [ms for ms, _ in warm],
        "answers": [_summary(a) for _, a in warm[-len(questions):]],
        "fts_warm_ms": [ms for ms, _ in fts_warm],
        "fts_answers": [_summary(a) for _, a in fts_warm[-len(questions):]],
        "stage_ms": stage,
        "fts_stage_ms": fts_stage,
        # VmHWM, not getrusage's maxrss, which Linux carries over from the parent across
        # fork and exec; and before tracemalloc, whose own bookkeeping would count
        "peak_rss_mb": _memory_mb("VmHWM"),
        "catalogue_kb_per_story": (rss_catalogue - rss_start) * 1024 / max(stories, 1),
    }
    result["story_kb"] = _story_memory_kb(data_dir, library)
    print(json.dumps(result))
    return 0


def _ask(library: Library, question: str, rank: Ranker | None = None) -> Answer:
    """What `storybot ask --story all` does (with `rank`: another first stage)."""
    return answer(question, library.candidates(question, rank=rank))


def _timed(library: Library, question: str, rank: Ranker | None = None) -> tuple[float, Answer]:
    start = time.perf_counter()
    result = _ask(library, question, rank)
    return (time.perf_counter() - start) * 1000, result


def _stage_ms(rank: Ranker, question: str) -> float:
    """The first stage alone: the best three stories for the question's terms."""
    start = time.perf_counter()
    rank(tokenize(question), 3)
    return (time.perf_counter() - start) * 1000


def _summary(result: Answer) -> dict[str, Any]:
    first = result.citations[0] if result.citations else None
    return {"answered": result.answered, "story_id": first.story_id if first else None,
            "sentence": first.sentence if first else ""}


def _story_memory_kb(data_dir: Path, library: Library, n: int = 40) -> float:
    """Python memory of one story parsed and indexed for answering, averaged over `n`."""
    ids = [info.id for info in library.infos()[:n]]
    fresh = Library(data_dir, cache_size=n)
    tracemalloc.start()
    for story_id in ids:
        story_index(fresh.get(story_id))  # built on first use, as answering does
    used = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return used / 1024 / len(ids)


def _memory_mb(field: str) -> float:
    """A /proc/self/status figure: VmRSS (resident now) or VmHWM (peak resident)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
