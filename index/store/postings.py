"""The story-level first stage: BM25 over whole stories, from an inverted index in arrays.

Questions over the whole library first pick the few stories worth reading; the answer
engine then ranks their paragraphs and sentences with rank-bm25 as usual. This stage uses
rank-bm25's BM25Okapi formula (IDF floored at epsilon times the mean IDF), computed over
postings held in numpy arrays: rank-bm25 itself needs a Python dict per document and
scores every document for every term, which for 10,000 stories measured 4.4 s to load,
3.6 s to build and 1 GB of memory. tests/test_catalogue.py checks the scores equal
rank-bm25's on the same documents.

Layout (compressed sparse columns): the postings of term t are
``stories[offsets[t]:offsets[t + 1]]`` with their counts in ``counts``, story numbers in
id order. Counts are capped at 65,535 to fit 16 bits; BM25 saturates long before.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

TermCounts = Mapping[str, int]
_MAX_COUNT = np.iinfo(np.uint16).max


@dataclass(frozen=True)
class StoryPostings:
    ids: list[str]  # story number -> id, in id order
    vocabulary: list[str]  # term number -> term
    offsets: npt.NDArray[np.int64]  # per term, into `stories` and `counts`
    stories: npt.NDArray[np.uint32]
    counts: npt.NDArray[np.uint16]
    lengths: npt.NDArray[np.uint32]  # terms per story
    k1: float = 1.2
    b: float = 0.75
    epsilon: float = 0.25

    @classmethod
    def build(cls, documents: Mapping[str, TermCounts]) -> StoryPostings:
        """Postings of `documents` (id -> term counts)."""
        update = PostingsUpdate(_EMPTY)
        for story_id, counts in documents.items():
            update.put(story_id, counts)
        return update.apply()

    @cached_property
    def term_numbers(self) -> dict[str, int]:
        return {term: i for i, term in enumerate(self.vocabulary)}

    @cached_property
    def _idf(self) -> npt.NDArray[np.float64]:
        """rank-bm25's BM25Okapi IDF: negative values floored at epsilon x the mean IDF."""
        frequency = np.diff(self.offsets)
        n = len(self.ids)
        idf = np.log(n - frequency + 0.5) - np.log(frequency + 0.5)
        present = frequency > 0  # terms left behind by removed stories do not count
        floor = self.epsilon * idf[present].mean() if present.any() else 0.0
        return np.where(idf < 0, floor, idf)

    @cached_property
    def _length_norm(self) -> npt.NDArray[np.float64]:
        lengths = self.lengths.astype(np.float64)
        mean = lengths.mean() if len(lengths) and lengths.any() else 1.0
        return self.k1 * (1 - self.b + self.b * lengths / mean)

    def top(self, query: Sequence[str], n: int) -> list[tuple[str, float]]:
        """The best `n` stories for `query` (terms, repeats counting again) with their
        scores, best first; ties in id order. Stories without a query term score 0."""
        scores = np.zeros(len(self.ids))
        for term in query:
            t = self.term_numbers.get(term)
            if t is None:
                continue
            start, end = self.offsets[t], self.offsets[t + 1]
            stories, counts = self.stories[start:end], self.counts[start:end].astype(np.float64)
            scores[stories] += self._idf[t] * counts * (self.k1 + 1) / (counts + self._length_norm[stories])
        best = np.argsort(-scores, kind="stable")[:n]
        return [(self.ids[i], float(scores[i])) for i in best]

    def sharing(self, query: Sequence[str]) -> dict[str, int]:
        """Each story holding any of the query's terms: how many distinct ones it holds."""
        found: dict[int, int] = {}
        for term in set(query):
            t = self.term_numbers.get(term)
            if t is not None:
                for story in self.stories[self.offsets[t]:self.offsets[t + 1]].tolist():
                    found[story] = found.get(story, 0) + 1
        return {self.ids[i]: n for i, n in found.items()}

    # -- storage: one .npz of plain arrays (np.load refuses pickles) ------------------------

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(buffer, ids=_joined(self.ids), vocabulary=_joined(self.vocabulary),
                 offsets=self.offsets, stories=self.stories, counts=self.counts, lengths=self.lengths)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> StoryPostings:
        """Raises ValueError when the data is not a consistent index."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
                postings = cls(ids=_split(arrays["ids"]), vocabulary=_split(arrays["vocabulary"]),
                               offsets=arrays["offsets"], stories=arrays["stories"],
                               counts=arrays["counts"], lengths=arrays["lengths"])
        except (OSError, EOFError, KeyError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
            raise ValueError(f"unreadable story postings: {exc}") from None
        postings.check()
        return postings

    def check(self) -> None:
        n, v = len(self.ids), len(self.vocabulary)
        if (len(self.offsets) != v + 1 or self.offsets[0] != 0 or self.offsets[-1] != len(self.stories)
                or len(self.counts) != len(self.stories) or len(self.lengths) != n
                or np.any(np.diff(self.offsets) < 0) or (len(self.stories) and self.stories.max() >= n)):
            raise ValueError("inconsistent story postings")


class PostingsUpdate:
    """Stories to put into (or replace in) and drop from `base`, held compactly (term
    numbers and counts in arrays, not dicts: 10,000 stories' dicts took 1.4 GB) until
    `apply` folds them all in with one sort."""

    def __init__(self, base: StoryPostings) -> None:
        self.base = base
        self._numbers: dict[str, int] | None = None  # base.term_numbers, extended on first put
        self._rows: dict[str, tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]] = {}
        self._dropped: set[str] = set()

    def put(self, story_id: str, counts: TermCounts) -> None:
        if self._numbers is None:
            self._numbers = dict(self.base.term_numbers)
        numbers = self._numbers
        terms = np.fromiter((numbers.setdefault(t, len(numbers)) for t in counts), np.uint32, len(counts))
        self._rows[story_id] = (terms, np.fromiter(counts.values(), np.int64, len(counts)))
        self._dropped.discard(story_id)

    def drop(self, story_id: str) -> None:
        self._rows.pop(story_id, None)
        self._dropped.add(story_id)

    def apply(self) -> StoryPostings:
        base, new_ids = self.base, list(self._rows)
        gone = self._dropped | self._rows.keys()
        keep = np.array([story_id not in gone for story_id in base.ids], dtype=bool)
        kept_ids = [story_id for story_id, kept in zip(base.ids, keep, strict=True) if kept]
        ids = sorted(kept_ids + new_ids)
        position = {story_id: n for n, story_id in enumerate(ids)}
        renumber = np.full(len(base.ids), -1, dtype=np.int64)
        renumber[keep] = [position[story_id] for story_id in kept_ids]
        old_stories = renumber[base.stories]
        alive = old_stories >= 0
        old_terms = np.repeat(np.arange(len(base.vocabulary)), np.diff(base.offsets))[alive]
        rows = list(self._rows.values())
        new_positions = np.array([position[story_id] for story_id in new_ids], dtype=np.int64)
        lengths = np.zeros(len(ids), dtype=np.uint32)
        lengths[renumber[keep]] = base.lengths[keep]
        lengths[new_positions] = [counts.sum() for _, counts in rows]
        stories = np.repeat(new_positions, [len(terms) for terms, _ in rows])
        vocabulary = base.vocabulary if self._numbers is None else list(self._numbers)
        return _sorted_postings(
            ids, vocabulary,
            np.concatenate([old_terms, *(terms for terms, _ in rows)]).astype(np.int64),
            np.concatenate([old_stories[alive], stories]).astype(np.uint32),
            np.concatenate([base.counts[alive], *(counts for _, counts in rows)]),
            lengths,
        )


def _sorted_postings(ids: list[str], vocabulary: list[str], terms: npt.NDArray[np.int64],
                     stories: npt.NDArray[np.uint32], counts: npt.NDArray[np.integer],
                     lengths: npt.NDArray[np.uint32]) -> StoryPostings:
    """Postings from (term, story, count) triples in any order."""
    order = np.lexsort((stories, terms))
    offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
    np.cumsum(np.bincount(terms, minlength=len(vocabulary)), out=offsets[1:])
    return StoryPostings(ids=ids, vocabulary=vocabulary, offsets=offsets, stories=stories[order],
                         counts=np.minimum(counts[order], _MAX_COUNT).astype(np.uint16), lengths=lengths)


_EMPTY = StoryPostings(ids=[], vocabulary=[], offsets=np.zeros(1, dtype=np.int64),
                       stories=np.zeros(0, dtype=np.uint32), counts=np.zeros(0, dtype=np.uint16),
                       lengths=np.zeros(0, dtype=np.uint32))


def _joined(words: list[str]) -> npt.NDArray[np.uint8]:
    """Terms and ids never hold a newline: one UTF-8 blob loads far faster than a string array."""
    return np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8)


def _split(blob: npt.NDArray[np.uint8]) -> list[str]:
    text = blob.tobytes().decode("utf-8")
    return text.split("\n") if text else []
