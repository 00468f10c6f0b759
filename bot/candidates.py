"""Candidate sentences for a question, each described by the ranker's features.

Every sentence of a story is a candidate. Its features are general measures of fit — BM25,
how much of the question's weight it and its neighbours cover, whether it holds an entity
of the type the question asks for, whether the asked-for speaker said it — and two
question-level measures (how much of the question the story covers at all), which let the
one model also tell when the story does not answer. No feature names a word of any story.
"""

from __future__ import annotations

import math
import re
from itertools import pairwise

from bot.lookup import statements_by
from bot.passages import StoryIndex
from bot.question import Question
from index.tokens import tokenize

FEATURES = (
    "bias",
    "bm25_sentence", "bm25_paragraph", "bm25_top",
    "cover_sentence", "cover_near", "cover_paragraph", "rarest_found",
    "content_sentence", "content_near", "pairs_found",
    "story_cover", "content_missing",
    "typed_question", "type_found", "type_person", "type_org", "type_date", "type_place",
    "type_amount", "number_found", "count_of_asked", "cause_found",
    "speaker_asked", "speaker_said", "said_question_statement",
    "statement", "quotation", "lead", "length",
    "cover_gap", "content_gap", "near_gap", "bm25_rank",
)
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"\d[\d.]*$")
# Connectives that give a reason, for "why" questions (a parse marks the clause, not its sense).
_CAUSE = re.compile(r"\b(?:because|due to|since|as a result|owing to|so that|in order to|"
                    r"after|amid|over concerns?|in protest)\b", re.IGNORECASE)
_COUNT_REACH = 2  # terms after a number that it may count ("18 northern counties")
_LABELS_PERSON = frozenset({"PERSON"})
_LABELS_ORG = frozenset({"ORG", "NORP"})


def candidate_features(q: Question, ix: StoryIndex) -> list[list[float]]:
    """One feature vector (in `FEATURES` order) per sentence of the story."""
    terms = ix.match_terms(q.terms)
    weights = {t: ix.idf(t) for t in set(terms)}
    total = sum(weights.values()) or 1.0
    sent = _normalised(ix.sentence_bm25.scores(terms))
    para = _normalised(ix.paragraph_bm25.scores(terms))
    top = max(range(len(sent)), key=lambda i: (sent[i], -i)) if sent else -1
    name_terms = {t for name in q.names for t in ix.match_terms(tokenize(name))}
    content = {t: w for t, w in weights.items() if t not in name_terms}
    content_total = sum(content.values()) or 1.0
    story_cover = _share(weights, ix.vocabulary, total)
    content_missing = 1 - _share(content, ix.vocabulary, content_total) if content else 0.0
    said = _speaker_sentences(q, ix)
    statements = ix.statement_kinds
    rarest = max(weights.values(), default=1.0) or 1.0
    pairs = set(pairwise(terms))
    asked = set(terms)
    rows = []
    for i, sentence in enumerate(ix.sentences):
        own = ix.sentence_sets[i] | ix.speaker_sets[i]
        near = own | ix.neighbour_sets[i]
        paragraph = ix.paragraph_sets[sentence.paragraph - 1]
        labels = _new_entity_labels(ix.entity_terms[i], asked)
        kind = statements.get(i)
        rows.append([
            1.0,
            sent[i], para[sentence.paragraph - 1], float(i == top),
            _share(weights, own, total), _share(weights, near, total),
            _share(weights, paragraph, total),
            max((w for t, w in weights.items() if t in own), default=0.0) / rarest,
            _share(content, own, content_total), _share(content, near, content_total),
            _pairs_found(pairs, ix.sentence_terms[i]),
            story_cover, content_missing,
            float(bool(q.labels)), float(bool(labels & q.labels)),
            float(q.kind == "who" and bool(labels & _LABELS_PERSON)),
            float(q.kind == "who" and bool(labels & _LABELS_ORG)),
            float(q.kind == "when" and bool(labels & q.labels)),
            float(q.kind == "where" and bool(labels & q.labels)),
            float(q.kind in ("how_many", "how_much") and bool(labels & q.labels)),
            float(q.kind in ("how_many", "how_much") and bool(_DIGIT.search(sentence.text))),
            float(q.kind in ("how_many", "how_much") and _counts(ix.sentence_terms[i], asked)),
            float(q.kind == "why" and bool(_CAUSE.search(sentence.text))),
            float(q.speaker is not None), float(i in said),
            float(q.kind == "said" and kind is not None),
            float(kind is not None), float(kind == "direct"),
            float(i == 0), math.log1p(len(ix.sentence_terms[i])) / 4,
        ])
    return _with_relative(rows, sent)


_RELATIVE = tuple(FEATURES.index(f) for f in ("cover_sentence", "content_sentence", "cover_near"))


def _with_relative(rows: list[list[float]], sent: list[float]) -> list[list[float]]:
    """Each candidate against the story's best: the same question is easy or hard for
    every sentence alike, what tells the answer is how far a sentence is from the best."""
    best = [max((r[k] for r in rows), default=0.0) for k in _RELATIVE]
    order = sorted(range(len(sent)), key=lambda i: (-sent[i], i))
    rank = {i: r for r, i in enumerate(order)}
    return [[*r, *(r[k] - b for k, b in zip(_RELATIVE, best)), 1 / (1 + rank[i])]
            for i, r in enumerate(rows)]


def _counts(terms: list[str], asked: set[str]) -> bool:
    """Whether a number stands just before a question term: "375,000 people" for "how many
    people", "18 counties" for "how many counties"."""
    return any(_NUMBER.match(t) and asked.intersection(terms[k + 1: k + 1 + _COUNT_REACH])
               for k, t in enumerate(terms))


def _pairs_found(pairs: set[tuple[str, str]], terms: list[str]) -> float:
    """Share of the question's adjacent term pairs that stand together in the sentence."""
    if not pairs:
        return 0.0
    return len(pairs & set(pairwise(terms))) / len(pairs)


def _normalised(scores: list[float]) -> list[float]:
    top = max(scores, default=0.0)
    return [s / top for s in scores] if top > 0 else [0.0] * len(scores)


def _share(weights: dict[str, float], found: frozenset[str] | set[str], total: float) -> float:
    return sum(w for t, w in weights.items() if t in found) / total


def _new_entity_labels(entities: list[tuple[str, frozenset[str]]], asked: set[str]) -> set[str]:
    """Labels of the sentence's entities that the question does not already name: "Who
    heads the committee?" is answered by a name, not by "the committee" again."""
    return {label for label, terms in entities if not terms <= asked}


def _speaker_sentences(q: Question, ix: StoryIndex) -> set[int]:
    if q.speaker is None:
        return set()
    return {ix.position[sid] for st in statements_by(ix.story, q.speaker)
            for sid in st.sentence_ids if sid in ix.position}

