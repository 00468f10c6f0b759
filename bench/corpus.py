"""A seeded synthetic news library with realistic statistics, for the scale benchmark.

Each article is text in the library's plain format (header block, blank-line paragraphs).
Words are drawn from a Zipf distribution over an open vocabulary, so the vocabulary keeps
growing with the corpus (Heaps' law) as a newsroom's does. The English words of the real
shared stories sit among the ranks, so distractor articles share the questions' words and
the story-level first stage has real competition. Each article has a topic (a few words it
repeats), names of people and places, figures, and some quoted speech with a speaker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from index.tokens import STOP_WORDS

ZIPF_S = 1.25  # with the 2M-word cap: ~90k terms at 1,000 articles, ~430k at 10,000 (Heaps)
VOCABULARY = 2_000_000  # open enough that a 10,000-article library never exhausts it
_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
_FIRST = ("Priya Arjun Meera Rahul Sunita Vikram Anjali Rohan Kavita Sanjay Maria James Chen Fatima "
          "Olu Sofia David Aisha Tom Lena Ivan Grace Omar Nadia Ravi Emma Lucas Zara Hiro Amit").split()
_LAST = ("Sharma Patel Banerjee Rao Iyer Khan Singh Gupta Das Mehta Smith Okafor Garcia Chen Ali "
         "Novak Brown Kim Haddad Costa Mukherjee Reddy Nair Bose Ahmed Müller Silva Tanaka").split()
_PLACES = ("Kolkata Mumbai Delhi Chennai Dhaka Lagos Nairobi London Geneva Manila Jakarta Lima Cairo "
           "Accra Pune Hyderabad Patna Lucknow Karachi Colombo").split()
_SOURCES = ("The Daily Ledger", "City Post", "Morning Chronicle", "Wire Service", "Evening Courier")
_TITLES = ("Mr.", "Ms.", "Dr.", "Prof.")
_VERBS = ("said", "told reporters", "added", "argued", "claimed", "noted", "warned")


def real_words(story_files: Sequence[Path]) -> list[str]:
    """The distinct lower-case content words of the real stories, in first-seen order."""
    seen: dict[str, None] = {}
    for path in story_files:
        for word in re.findall(r"[a-z]{3,}", path.read_text(encoding="utf-8").lower()):
            if word not in STOP_WORDS:
                seen.setdefault(word)
    return list(seen)


# The commonest English function words, most frequent first (they take the top ranks).
_FUNCTION = ("the of and to a in that is was he for it with as his on be at by i this had not are "
             "but from or have an they which one you were her all she there would their we him been "
             "has when who will more no if out so said what up its about into than them can only "
             "other new some could these two may then do first any my now such like our over man me "
             "even most made after also did many before must through back years where much your "
             "way well down should because each just those people how too little state good very "
             "make world still own see men work long get here between both life being under never").split()


class Corpus:
    """Articles `article(i)` for i = 0, 1, ...; the same seed gives the same library."""

    def __init__(self, seed: int, shared_words: Sequence[str]) -> None:
        self.seed = seed
        ranks = np.arange(1, VOCABULARY + 1, dtype=np.float64)
        self._cdf = np.cumsum(ranks ** -ZIPF_S)
        self._cdf /= self._cdf[-1]
        # Function words take the top ranks, as in English; the real stories' words are spread
        # over ranks 200..20,000; every other rank is a made-up word.
        self._fixed: dict[int, str] = dict(enumerate(_FUNCTION))
        spots = np.random.default_rng(seed).choice(np.arange(200, 20_000), len(shared_words), replace=False)
        self._fixed.update(zip(spots.tolist(), shared_words))
        self._words: dict[int, str] = {}
        self._function = frozenset(_FUNCTION)

    def article(self, i: int) -> str:
        rng = np.random.default_rng([self.seed, i])
        topic = self._words_of(self._ranks(rng, 12, floor=len(_FUNCTION)))
        people = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(3)]
        paragraphs = [self._paragraph(rng, topic, people) for _ in range(rng.integers(10, 41))]
        title = " ".join(self._draw_words(rng, topic, 7)).capitalize()
        header = (f"title: {title}\nsource: {rng.choice(_SOURCES)}\n"
                  f"date: 20{rng.integers(10, 25)}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}")
        return header + "\n\n" + "\n\n".join(paragraphs) + "\n"

    def articles(self, n: int) -> Iterator[tuple[str, bytes]]:
        for i in range(n):
            yield f"gen-{i:05d}.txt", self.article(i).encode("utf-8")

    def _paragraph(self, rng: np.random.Generator, topic: list[str], people: list[str]) -> str:
        """30-90 words in sentences of 6-25 words, some with a name, a place or a figure."""
        words = self._draw_words(rng, topic, int(rng.integers(30, 91)))
        sentences, start = [], 0
        while start < len(words):
            end = min(start + int(rng.integers(6, 26)), len(words))
            sentences.append(self._sentence(rng, words[start:end], people))
            start = end
        return " ".join(sentences)

    def _sentence(self, rng: np.random.Generator, words: list[str], people: list[str]) -> str:
        name, title, place, figure, quoted, two = rng.random(6) < (0.3, 0.1, 0.15, 0.25, 0.12, 0.2)
        if words[-1] in self._function:  # English sentences rarely end on "a" or "the"
            words[-1] = self._words_of([int(rng.integers(len(_FUNCTION), 5_000))])[0]
        if name:
            person = str(rng.choice(people))
            words[int(rng.integers(0, len(words)))] = f"{rng.choice(_TITLES)} {person}" if title else person
        if place:
            words[int(rng.integers(0, len(words)))] = f"in {rng.choice(_PLACES)}"
        if figure:
            words[-1] = _figure(rng)
        text = " ".join(words)
        text = text[0].upper() + text[1:]
        if not quoted:
            return text + "."
        if two and len(words) > 6:  # a quotation of two sentences, cited whole
            cut = text.index(" ", len(text) // 2)
            text = f"{text[:cut]}. {text[cut + 1].upper()}{text[cut + 2:]}"
        return f'"{text}," {rng.choice(people)} {rng.choice(_VERBS)}.'

    def _draw_words(self, rng: np.random.Generator, topic: list[str], n: int) -> list[str]:
        """`n` words: Zipf draws, about one in eight replaced by a word of the article's topic."""
        words = self._words_of(self._ranks(rng, n, floor=0))
        for k in np.flatnonzero(rng.random(n) < 0.12).tolist():
            words[k] = topic[int(rng.integers(0, len(topic)))]
        return words

    def _ranks(self, rng: np.random.Generator, n: int, floor: int) -> list[int]:
        low = self._cdf[floor - 1] if floor else 0.0
        return np.searchsorted(self._cdf, rng.uniform(low, 1.0, n)).tolist()

    def _words_of(self, ranks: list[int]) -> list[str]:
        return [self._words.get(r) or self._make_word(r) for r in ranks]

    def _make_word(self, rank: int) -> str:
        word = self._fixed.get(rank)
        if word is None:  # the rank written in base len(_SYLLABLES): one made-up word per rank
            syllables, rest = [], rank
            while True:
                rest, digit = divmod(rest, len(_SYLLABLES))
                syllables.append(_SYLLABLES[digit])
                if rest == 0:
                    break
            word = "".join(syllables)
        self._words[rank] = word
        return word


def _figure(rng: np.random.Generator) -> str:
    kind = rng.integers(0, 4)
    if kind == 0:
        return f"{rng.integers(1, 999)},{rng.integers(0, 1000):03d}"
    if kind == 1:
        return f"{rng.integers(1, 99)}.{rng.integers(0, 10)} per cent"
    if kind == 2:
        return f"Rs {rng.integers(1, 500)} crore"
    return f"in {rng.integers(1990, 2025)}"
