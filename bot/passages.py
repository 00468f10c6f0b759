"""A stored story as the answer engine reads it: terms, BM25 over sentences and paragraphs.

Built once per story on first use and cached here (not on the `Story`, which is index-time
data), so that a question costs only scoring.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, OrderedDict
from functools import cached_property

from rapidfuzz import fuzz, process

from bot.bm25 import PassageIndex
from index.statements.speakers import initials
from index.story import Sentence, Story
from index.tokens import tokenize

# Misspelt names ("Dhankar" for "Dhankhar") still match; short words must be exact, since
# at five letters one edit already joins unrelated words (fund/found).
_FUZZY_MIN_LENGTH = 6
_FUZZY_CUTOFF = 88
_CACHE_SIZE = 64
# Openings that point back to the sentence before ("They also claimed..."): shown with it.
_REFERENCE_OPENINGS = ("they ", "it ", "he ", "she ", "this ", "these ", "those ", "that ",
                       "such ", "his ", "her ", "its ", "their ")
_cache: OrderedDict[int, StoryIndex] = OrderedDict()
_cache_lock = threading.Lock()  # the bot answers in worker threads


def story_index(story: Story) -> StoryIndex:
    """The index of `story`, from a small cache of the stories last asked about (keyed by
    the object: a story re-read or rebuilt is a new object and gets a new index)."""
    key = id(story)
    with _cache_lock:
        ix = _cache.get(key)
        if ix is not None and ix.story is story:
            _cache.move_to_end(key)
            return ix
    ix = StoryIndex(story)  # built outside the lock: other questions need not wait for it
    with _cache_lock:
        _cache[key] = ix
        if len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return ix


def leans_on_previous(text: str) -> bool:
    """Whether a sentence opens with a reference back ("They also claimed...")."""
    opening = text.lstrip("\"'“‘ ").lower()
    return opening.startswith(_REFERENCE_OPENINGS)


class StoryIndex:
    """Everything a question is scored against, for one story."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.sentences: list[Sentence] = story.sentences
        self.sentence_terms = [tokenize(s.text) for s in self.sentences]
        self.sentence_sets = [frozenset(t) for t in self.sentence_terms]
        self.paragraph_sets = [frozenset(t for s in p.sentences
                                         for t in self.sentence_sets[self.position[s.id]])
                               for p in story.paragraphs]
        self.sentence_bm25 = PassageIndex(self.sentence_terms)
        self.paragraph_bm25 = PassageIndex([tokenize(p.text) for p in story.paragraphs])
        self._df = Counter(term for terms in self.sentence_sets for term in terms)
        self.vocabulary = frozenset(self._df)

    @cached_property
    def position(self) -> dict[str, int]:
        return {s.id: i for i, s in enumerate(self.sentences)}

    def df(self, term: str) -> int:
        """How many of the story's sentences hold `term`."""
        return self._df.get(term, 0)

    def idf(self, term: str) -> float:
        """Rarity of `term` among the story's sentences. A term the story lacks weighs as
        much as its rarest words: the asker may have used another word for it."""
        n = len(self.sentences)
        return math.log((n + 1) / (max(self._df.get(term, 0), 1) + 0.5))

    @cached_property
    def speaker_sets(self) -> list[frozenset[str]]:
        """Terms of the speaker of each sentence's statement: "he said" counts as naming
        the person the story resolved "he" to."""
        spoken: dict[str, set[str]] = {}
        for statement in self.story.statements:
            for sid in statement.sentence_ids:
                spoken.setdefault(sid, set()).update(tokenize(statement.speaker or ""))
        return [frozenset(spoken.get(s.id, ())) for s in self.sentences]

    @cached_property
    def neighbour_sets(self) -> list[frozenset[str]]:
        """Terms of the sentences just before and after each one, within its paragraph."""
        found = []
        for i, sentence in enumerate(self.sentences):
            terms: set[str] = set()
            for j in (i - 1, i + 1):
                if 0 <= j < len(self.sentences) and self.sentences[j].paragraph == sentence.paragraph:
                    terms |= self.sentence_sets[j]
            found.append(frozenset(terms))
        return found

    @cached_property
    def entity_terms(self) -> list[list[tuple[str, frozenset[str]]]]:
        """Each sentence's entities as (label, terms), tokenised once per story."""
        return [[(e.label, frozenset(tokenize(e.text))) for e in s.entities] for s in self.sentences]

    @cached_property
    def statement_kinds(self) -> dict[int, str]:
        """Sentence position -> the kind of statement it holds ("direct" wins)."""
        kinds: dict[int, str] = {}
        for st in self.story.statements:
            for sid in st.sentence_ids:
                if sid in self.position and kinds.get(self.position[sid]) != "direct":
                    kinds[self.position[sid]] = st.kind
        return kinds

    @cached_property
    def _abbreviated(self) -> dict[str, list[str]]:
        """The initials of the story's names of two or more words, lower case, to the
        names' terms: askers abbreviate what the story spells out."""
        found: dict[str, list[str]] = {}
        for sentence in self.sentences:
            for entity in sentence.entities:
                letters = initials(entity.text)
                if len(letters) >= 2 and " " in entity.text.strip():
                    found.setdefault(letters.lower(), tokenize(entity.text))
        return found

    @cached_property
    def _vocabulary_by_initial(self) -> dict[str, list[str]]:
        """A slip keeps the first letter (spell checkers assume so too), else "president"
        would become "resident"."""
        by_initial: dict[str, list[str]] = {}
        for term in sorted(self.vocabulary):
            by_initial.setdefault(term[0], []).append(term)
        return by_initial

    def match_terms(self, terms: list[str]) -> list[str]:
        """`terms` mapped onto the story's vocabulary: exact, else the words of the name a
        term abbreviates ("sec" -> securities exchange commission), else the closest spelling."""
        matched = []
        for term in terms:
            if term not in self.vocabulary and term in self._abbreviated:
                matched += self._abbreviated[term]
                continue
            if term in self.vocabulary or len(term) < _FUZZY_MIN_LENGTH or not term.isalpha():
                matched.append(term)
                continue
            best = process.extractOne(term, self._vocabulary_by_initial.get(term[0], []),
                                      scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
            matched.append(best[0] if best else term)
        return matched
