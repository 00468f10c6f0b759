"""Questions in, cited sentences with speakers out.

Every sentence of each story is a candidate (`bot.candidates`); the learned ranker
(`bot.ranker`) orders them and says how likely the best one answers. Three outcomes: a
confident answer; a hedged one ("may not answer this directly", with the closest passage,
`answered` false); and "the story doesn't say" when nothing is near.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, Field

from bot.candidates import candidate_features
from bot.lookup import describe
from bot.passages import leans_on_previous, story_index
from bot.question import Question, analyze
from bot.ranker import Confidence, RankerWeights, shipped
from bot.safe_text import defuse_mentions
from index.statements.quotes import Statement
from index.story import Sentence, Story

log = logging.getLogger(__name__)

MAX_CITATIONS = 3
# A reply fits one Discord message (2,000 characters) with room for the caller's framing.
MAX_REPLY_CHARS = 1800


class Citation(BaseModel):
    story: str = Field(description="Story title")
    story_id: str
    paragraph: int = Field(ge=1)
    sentence: str = Field(description="The sentence, verbatim")
    sentence_id: str
    speaker: str | None = None
    role: str | None = None


class Answer(BaseModel):
    question: str
    answered: bool = Field(description="True only for a confident answer")
    answer: str = Field(description="The reply as a user sees it")
    confidence: Confidence = "none"
    probability: float = Field(default=0.0, description="Calibrated P(the best sentence answers)")
    citations: list[Citation] = Field(default_factory=list, description="Best first")
    passage: list[Citation] = Field(
        default_factory=list,
        description="The sentences quoted, in reading order: the answer, after the sentence "
                    "it leans on when it opens with a reference ('They also claimed...')")
    kind: str | None = Field(default=None, description="The question's kind, e.g. 'when'")
    story_id: str | None = Field(default=None, description="The story the answer is from")


@dataclass(frozen=True)
class Ranked:
    """One story's sentences for a question, best first, P(the first answers), and the
    first one's features."""

    story: Story
    order: list[int]
    probability: float
    row: list[float]


def answer(question: str, stories: Sequence[Story], model: RankerWeights | None = None) -> Answer:
    """Answer `question` from the best of `stories`, quoting and citing its sentences.

    Never raises on any question text; `answered` is False unless the ranker is confident.
    """
    q = analyze(question)
    if q.problem:
        return Answer(question=question, answered=False, answer=q.problem)
    if not stories:
        return Answer(question=question, answered=False, kind=q.kind,
                      answer="There is no story to answer from yet.")
    weights = model or shipped()
    ranked = [r for r in (rank(story, q, weights) for story in stories) if r.order]
    if not ranked:
        return Answer(question=question, answered=False, kind=q.kind, answer=_not_said(len(stories)))
    best = max(ranked, key=lambda r: r.probability)
    return _reply(question, q, best, weights.confidence(best.probability, best.row), len(stories))


def rank(story: Story, q: Question, weights: RankerWeights) -> Ranked:
    rows = candidate_features(q, story_index(story))
    scores = [weights.score(row) for row in rows]
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    if not order:
        return Ranked(story, [], 0.0, [])
    second = scores[order[1]] if len(order) > 1 else None
    top = rows[order[0]]
    return Ranked(story, order, weights.probability(scores[order[0]], second, top), top)


# -- the reply -------------------------------------------------------------------------------

def _reply(question: str, q: Question, best: Ranked, confidence: Confidence, n_stories: int) -> Answer:
    story, top = best.story, best.order[0]
    common = {"question": question, "kind": q.kind, "confidence": confidence,
              "probability": round(best.probability, 4), "story_id": story.id}
    if confidence == "none":
        return Answer(answered=False, answer=_not_said(n_stories), **common)
    shown = _with_context(story, top)
    quote = _quote(story, shown)
    if len(quote) > MAX_REPLY_CHARS:  # the sentence alone, rather than a reply Discord refuses
        shown = [top]
        quote = _quote(story, shown)
    text = quote if confidence == "answer" else (
        f"{_may_not(n_stories)} The closest passage:\n{quote}")
    return Answer(answered=confidence == "answer", answer=defuse_mentions(text),
                  citations=[_citation(story, i) for i in best.order[:MAX_CITATIONS]],
                  passage=[_citation(story, i) for i in shown], **common)


def _with_context(story: Story, index: int) -> list[int]:
    """The sentence, after the one before it when it leans on it ("They want...")."""
    leans = index > 0 and leans_on_previous(story.sentences[index].text)
    return [index - 1, index] if leans else [index]


def _quote(story: Story, positions: list[int]) -> str:
    sentences = [story.sentences[i] for i in positions]
    lines = [f"> {s.text}" for s in sentences]
    statement = _statement_of(story, sentences[-1])
    if statement and statement.speaker:
        lines.append(f"— {describe(statement.speaker, statement.role, statement.setting)}")
    where = ", ".join(f"¶{n}" for n in sorted({s.paragraph for s in sentences}))
    lines.append(f"({story.title}, {where})")
    return "\n".join(lines)


def _statement_of(story: Story, sentence: Sentence) -> Statement | None:
    return next((s for s in story.statements if sentence.id in s.sentence_ids), None)


def _citation(story: Story, index: int) -> Citation:
    sentence = story.sentences[index]
    statement = _statement_of(story, sentence)
    return Citation(
        story=story.title, story_id=story.id, paragraph=sentence.paragraph, sentence=sentence.text,
        sentence_id=sentence.id, speaker=statement.speaker if statement else None,
        role=statement.role if statement else None,
    )


def _not_said(n_stories: int) -> str:
    return "The story doesn't say." if n_stories == 1 else "None of the stories says."


def _may_not(n_stories: int) -> str:
    return ("The story may not answer this directly." if n_stories == 1
            else "The stories may not answer this directly.")
