"""The two baselines for questions over the whole library, on the same paragraphs.

- naive: one flat rank-bm25 `BM25Okapi` over every paragraph of every story, whitespace
  tokens, the best paragraph as the answer (the obvious design);
- bm25s: bm25s over the same paragraphs, with its English stop words and the same
  Snowball stemmer as StoryBot (bm25s is a benchmark-only extra).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import bm25s
import numpy as np
import Stemmer
from rank_bm25 import BM25Okapi


@dataclass(frozen=True)
class Paragraph:
    story_id: str
    text: str


@dataclass(frozen=True)
class Run:
    build_s: float
    latencies_ms: list[float]
    answers: list[Paragraph]  # the best paragraph for each question


def naive(paragraphs: Sequence[Paragraph], questions: Sequence[str]) -> Run:
    start = time.perf_counter()
    bm25 = BM25Okapi([p.text.lower().split() for p in paragraphs])
    build = time.perf_counter() - start
    return _ask_all(build, paragraphs, questions, lambda q: int(np.argmax(bm25.get_scores(q.lower().split()))))


def with_bm25s(paragraphs: Sequence[Paragraph], questions: Sequence[str]) -> Run:
    stemmer = Stemmer.Stemmer("english")
    start = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize([p.text for p in paragraphs], stemmer=stemmer, show_progress=False),
                    show_progress=False)
    build = time.perf_counter() - start

    def best(question: str) -> int:
        tokens = bm25s.tokenize([question], stemmer=stemmer, return_ids=False, show_progress=False)
        if not tokens[0]:
            return 0
        documents, _ = retriever.retrieve(tokens, k=1, show_progress=False, n_threads=1)
        return int(documents[0][0])

    return _ask_all(build, paragraphs, questions, best)


def _ask_all(build: float, paragraphs: Sequence[Paragraph], questions: Sequence[str],
             best: Callable[[str], int]) -> Run:
    latencies, answers = [], []
    for question in questions:
        start = time.perf_counter()
        found = best(question)
        latencies.append((time.perf_counter() - start) * 1000)
        answers.append(paragraphs[found])
    return Run(build_s=build, latencies_ms=latencies, answers=answers)
