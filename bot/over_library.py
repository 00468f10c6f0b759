"""Questions asked of a whole library rather than of one story."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.answer import Answer
    from index.story import Story

NOTHING_MATCHES = "None of the stories says. (No stored story shares a word with the question.)"


def answer_over(question: str, candidates: Sequence[Story], stored: bool) -> Answer:
    """`answer` over a library's `candidates` (`Library.candidates`); when stories are
    stored but none was a candidate, says so rather than that there is no story."""
    from bot.answer import Answer, answer
    from bot.question import analyze

    if candidates or not stored or analyze(question).problem:
        return answer(question, candidates)
    return Answer(question=question, answered=False, answer=NOTHING_MATCHES)


def source_of(result: Answer, candidates: Sequence[Story]) -> Story | None:
    """The candidate the answer cites; the best candidate when it cites none."""
    cited = result.story_id or (result.citations[0].story_id if result.citations else None)
    return next((s for s in candidates if s.id == cited), candidates[0] if candidates else None)
