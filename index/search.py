"""A story's retrieval index: terms, BM25 over paragraphs and sentences, facts per sentence.

Built once per story on first use and kept on the `Story` (`story.search`), so that a
question costs only scoring: tokenising and fact-finding happen here, not per question.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import cached_property
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from index.actions import action_subjects
from index.bm25 import PassageIndex, Variant
from index.features import (
    Facts,
    names_instance_of,
    opening_phrase,
    proper_words,
    sentence_facts,
    subject_name,
    words,
)
from index.tokens import tokenize

if TYPE_CHECKING:
    from index.story import Sentence, Story

# Misspelt names ("Dhankar" for "Dhankhar", "Prassad") still match; short words must be
# exact, because at five letters one edit already joins unrelated words (fund/found), and
# the cutoff keeps apart words that share a stem's letters ("governor" / "govern").
_FUZZY_MIN_LENGTH = 6
_FUZZY_CUTOFF = 88
# Openings that name an organisation met earlier: "The firm, which was acquired by...".
_ORGANISATION_ANAPHORS = ("the company", "the firm", "the group", "the organisation",
                          "the organization")


def _graded_forms(term: str) -> list[str]:
    """Comparative and superlative forms and bases, which the Snowball stemmer keeps
    apart: "cold" ~ "coldest", "hottest" ~ "hot", "latest" ~ "late"."""
    if not term.isalpha() or len(term) < 3:
        return []
    forms = [term + "est", term + "er", term + term[-1] + "est", term + term[-1] + "er"]
    for suffix in ("est", "er"):
        base = term[: -len(suffix)]
        if term.endswith(suffix) and len(base) >= 3:
            forms += [base, base + "e", base[:-1] if len(base) > 3 and base[-1] == base[-2] else base]
    return forms


class StoryIndex:
    """Everything a question is scored against, for one story."""

    def __init__(self, story: Story, variant: Variant = "plus", k1: float = 1.2,
                 b: float = 0.75) -> None:
        self.story = story
        self.sentences: list[Sentence] = story.sentences
        self.sentence_terms = [tokenize(s.text) for s in self.sentences]
        self.sentence_sets = [frozenset(t) for t in self.sentence_terms]
        self.paragraph_terms = [tokenize(p.text) for p in story.paragraphs]
        self.paragraph_sets = [frozenset(t) for t in self.paragraph_terms]
        self.paragraphs = PassageIndex(self.paragraph_terms, variant, k1, b)
        self.sentence_bm25 = PassageIndex(self.sentence_terms, variant, k1, b)
        self._df = Counter(term for terms in self.sentence_sets for term in terms)
        self.vocabulary = frozenset(self._df)

    def df(self, term: str) -> int:
        """How many of the story's sentences hold `term`."""
        return self._df.get(term, 0)

    def idf(self, term: str) -> float:
        """Rarity of `term` among the story's sentences. A term the story lacks weighs as
        much as its rarest words: missing, it counts against coverage, but no more than
        a rare word would, since the asker may simply have used another word for it."""
        n = len(self.sentences)
        return math.log((n + 1) / (max(self._df.get(term, 0), 1) + 0.5))

    @cached_property
    def proper_words(self) -> frozenset[str]:
        """The story's name vocabulary (lower-cased), from how it capitalises words."""
        return proper_words([s.text for s in self.sentences])

    @cached_property
    def facts(self) -> list[Facts]:
        return [sentence_facts(s.text, self.proper_words) for s in self.sentences]

    @cached_property
    def name_terms(self) -> frozenset[str]:
        """Terms of the names the story mentions ("whatsapp", "bengal", "governor")."""
        return frozenset(t for facts in self.facts for name in facts.names for t in tokenize(name))

    @cached_property
    def neighbour_sets(self) -> list[frozenset[str]]:
        """Terms of the sentences just before and after each one, within its paragraph."""
        found = []
        for i, sentence in enumerate(self.sentences):
            terms: set[str] = set()
            for j in (i - 1, i + 1):
                same_paragraph = 0 <= j < len(self.sentences) \
                    and self.sentences[j].paragraph == sentence.paragraph
                if same_paragraph:
                    terms |= self.sentence_sets[j]
            found.append(frozenset(terms))
        return found

    @cached_property
    def opening_sets(self) -> list[frozenset[str]]:
        """Terms of the phrase each sentence opens with, its likely subject ("The council
        voted...", "Lumen Foods said..."), and of the name an opening "The firm" stands for."""
        found = []
        for i, sentence in enumerate(self.sentences):
            terms = set(tokenize(opening_phrase(words(sentence.text))))
            if sentence.text.lstrip("\"'“‘ ").lower().startswith(_ORGANISATION_ANAPHORS):
                terms |= self.mention_sets[i]
            found.append(frozenset(terms))
        return found

    @cached_property
    def topic_terms(self) -> frozenset[str]:
        """Terms of the title and the lead paragraph: what the whole story is about."""
        lead = self.paragraph_sets[0] if self.paragraph_sets else frozenset()
        return frozenset(tokenize(self.story.title)) | lead

    @cached_property
    def gives_money(self) -> bool:
        """Whether the story states any sum of money."""
        return any(facts.money for facts in self.facts)

    @cached_property
    def counted_terms(self) -> frozenset[str]:
        """Stems of everything the story counts ("people" in "29 people")."""
        return frozenset(t for facts in self.facts for t in facts.counted)

    @cached_property
    def mention_sets(self) -> list[frozenset[str]]:
        """Terms of the entities each sentence mentions without naming them: the speaker
        of its statement ("It said...", "the spokesperson said"), and the organisation that
        an opening "The firm..." points back to (the subject of the nearest earlier
        sentence that opens with a name). Coverage counts these as the sentence's words."""
        spoken: dict[str, set[str]] = {}
        for statement in self.story.statements:
            for sid in statement.sentence_ids:
                spoken.setdefault(sid, set()).update(tokenize(statement.speaker or ""))
        found: list[frozenset[str]] = []
        subject: str | None = None
        for sentence in self.sentences:
            terms = set(spoken.get(sentence.id, ()))
            opening = sentence.text.lstrip("\"'“‘ ").lower()
            if subject and opening.startswith(_ORGANISATION_ANAPHORS):
                terms.update(tokenize(subject))
            subject = subject_name(words(sentence.text), self.proper_words) or subject
            found.append(frozenset(terms))
        return found

    @cached_property
    def acting_sets(self) -> list[frozenset[str]]:
        """Terms of who, in each sentence, is doing or is going to do something ("The
        council is now offering..."); a pronoun that stands for the one the sentence
        reports ("WhatsApp said it is seeking...") counts as them, as does "The firm"."""
        found = []
        for i, sentence in enumerate(self.sentences):
            terms: set[str] = set()
            for subject in action_subjects(sentence.text):
                terms.update(tokenize(subject.head()))
                refers_back = subject.phrase.lower().startswith(_ORGANISATION_ANAPHORS)
                if subject.speaks_of_speaker() or refers_back:
                    terms |= self.mention_sets[i]
                if subject.speaks_of_speaker() and not subject.quoted:
                    opening = subject_name(words(sentence.text), self.proper_words)
                    terms.update(tokenize(opening or ""))
            found.append(frozenset(terms))
        return found

    def names_instance(self, i: int, head: str, exclude: set[str]) -> bool:
        """Whether sentence `i` names an instance of `head` ("Pegasus spyware")."""
        return names_instance_of(self.sentences[i].text, head, exclude, self.proper_words)

    @cached_property
    def _vocabulary_by_initial(self) -> dict[str, list[str]]:
        """The vocabulary by first letter: a slip keeps the first letter (spell checkers
        assume so too), else "president" would become "resident"."""
        by_initial: dict[str, list[str]] = {}
        for term in sorted(self.vocabulary):
            by_initial.setdefault(term[0], []).append(term)
        return by_initial

    def match_terms(self, terms: list[str]) -> list[str]:
        """`terms` mapped onto the story's vocabulary: exact, else the closest spelling."""
        matched = []
        for term in terms:
            graded = [f for f in _graded_forms(term) if f in self.vocabulary]
            if term in self.vocabulary or term.isdigit() or graded:
                matched.append(graded[0] if graded and term not in self.vocabulary else term)
            elif len(term) < _FUZZY_MIN_LENGTH:
                matched.append(term)
            else:
                best = process.extractOne(term, self._vocabulary_by_initial.get(term[0], []),
                                          scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
                matched.append(best[0] if best else term)
        return matched
