"""BM25 over a story's passages, with rank-bm25 as the scorer.

`BM25Plus` is the default: on one article of a dozen paragraphs whose subject is in most
of them, `BM25Okapi`'s IDF goes to zero or is floored by its epsilon for exactly the
words that matter (rank-bm25 issues #39, #42, #43). BM25Plus keeps every IDF positive.
An earlier comparison of variants and k1/b on the dev questions found the answer engine
flat in k1 and b, with BM25Plus at the usual k1 = 1.2, b = 0.75 among the best; the
ranker (`bot.ranker`) now weighs these scores beside other evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from rank_bm25 import BM25L, BM25Okapi, BM25Plus

Variant = Literal["okapi", "plus", "l"]
_CLASSES = {"okapi": BM25Okapi, "plus": BM25Plus, "l": BM25L}


class PassageIndex:
    """Ranks passages (lists of terms) for a query (a list of terms)."""

    def __init__(
        self, passages: Sequence[list[str]], variant: Variant = "plus", k1: float = 1.2, b: float = 0.75
    ) -> None:
        self.size = len(passages)
        # rank-bm25 divides by the mean passage length: an index of empty passages has none.
        self._bm25 = _CLASSES[variant](list(passages), k1=k1, b=b) if any(passages) else None

    def scores(self, query: Sequence[str]) -> list[float]:
        """One score per passage, in passage order; all zero when nothing can match."""
        if self._bm25 is None or not query:
            return [0.0] * self.size
        return [float(s) for s in self._bm25.get_scores(list(query))]

    def top(self, query: Sequence[str], n: int) -> list[tuple[int, float]]:
        """The best `n` (passage index, score) pairs, best first; ties keep reading order."""
        ranked = sorted(enumerate(self.scores(query)), key=lambda pair: (-pair[1], pair[0]))
        return ranked[:n]

