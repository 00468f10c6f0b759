"""One StoryBot process over a big library, measured from the inside.

    python -m bench.library_process DATA_DIR QUESTIONS.json ROUNDS

Opens the library, answers the first question over every story (printing a line the
parent times from process start), then answers every question ROUNDS more times, and
prints one JSON object: latencies, answers, memory. Runs alone so that its peak RSS is
StoryBot's, not the benchmark's.
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from bot.answer import Answer, answer
from bot.passages import story_index
from index.library import Library


def main(argv: list[str]) -> int:
    data_dir, questions_file, rounds = Path(argv[0]), Path(argv[1]), int(argv[2])
    questions: list[str] = json.loads(questions_file.read_text())
    rss_start = _memory_mb("VmRSS")
    library = Library(data_dir)
    stories = len(library.infos())
    rss_catalogue = _memory_mb("VmRSS")
    first = _ask(library, questions[0])
    print("first answer", flush=True)
    cold = [_timed(library, q) for q in questions]  # each question's stories read for the first time
    warm = [_timed(library, q) for _ in range(rounds) for q in questions]
    result: dict[str, Any] = {
        "stories": stories,
        "first": first.model_dump(include={"answered", "story_id"}),
        "cold_ms": [ms for ms, _ in cold],
        "warm_ms": [ms for ms, _ in warm],
        "answers": [_summary(a) for _, a in warm[-len(questions):]],
        # VmHWM, not getrusage's maxrss, which Linux carries over from the parent across
        # fork and exec; and before tracemalloc, whose own bookkeeping would count
        "peak_rss_mb": _memory_mb("VmHWM"),
        "catalogue_kb_per_story": (rss_catalogue - rss_start) * 1024 / max(stories, 1),
    }
    result["story_kb"] = _story_memory_kb(data_dir, library)
    print(json.dumps(result))
    return 0


def _ask(library: Library, question: str) -> Answer:
    """What `storybot ask --story all` does."""
    return answer(question, library.candidates(question))


def _timed(library: Library, question: str) -> tuple[float, Answer]:
    start = time.perf_counter()
    result = _ask(library, question)
    return (time.perf_counter() - start) * 1000, result


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
