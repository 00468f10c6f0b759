"""The question's event must be told in the answer or beside it, not just somewhere in its
paragraph; a sentence opening with the question's subject may name the act otherwise."""

from __future__ import annotations

import pytest

from bot.answer import answer
from bot.question import analyze
from index.features import opening_phrase, words
from tests.story_factory import BRIDGE, ORCHARD, STRIKE, make_story


@pytest.fixture(scope="module")
def bridge():
    return make_story(BRIDGE, "bridge")


@pytest.fixture(scope="module")
def strike():
    return make_story(STRIKE, "strike")


@pytest.mark.parametrize(("story", "question"), [
    # The object is in the story, the event ("designed", "sell", "repairs") is not.
    ("bridge", "Who designed the bridge?"),
    ("strike", "How many buses will Greenline sell?"),
    ("strike", "Who repairs the buses?"),
])
def test_a_sentence_sharing_only_the_object_does_not_answer(request, story: str,
                                                             question: str) -> None:
    assert not answer(question, [request.getfixturevalue(story)]).answered


@pytest.mark.parametrize(("story", "question", "expected"), [
    ("strike", "How many buses does Greenline run?", "140 buses"),
    # The subject opens the answer ("The Riverton city council voted"), the act is reworded.
    ("bridge", "When did the city council decide on the bridge?", "voted on Tuesday"),
    # "make" is no event word: the story says "voted".
    ("bridge", "When did the council make its decision?", "voted on Tuesday"),
])
def test_the_event_told_in_the_answer_or_by_its_subject(request, story: str, question: str,
                                                         expected: str) -> None:
    result = answer(question, [request.getfixturevalue(story)])
    assert result.answered, result.answer
    assert expected in result.citations[0].sentence


def test_a_sum_answers_only_for_the_thing_it_is_told_with(bridge) -> None:
    # "4.2 million dollars" is the bridge's cost; the library is spoken of elsewhere.
    assert not answer("How much will the library cost?", [bridge]).answered
    result = answer("How much will the bridge cost?", [bridge])
    assert result.answered and "4.2 million dollars" in result.citations[0].sentence


@pytest.mark.xfail(strict=True, reason="in a short story IDF weights are flat, so one shared "
                   "noun ('farms') outweighs the missing event word ('owns')")
def test_one_shared_noun_in_a_short_story_is_refused() -> None:
    assert not answer("Who owns the farms?", [make_story(ORCHARD, "orchard")]).answered


@pytest.mark.parametrize(("question", "subject"), [
    ("When did the council decide to close the school?", "council decide"),
    ("How many shops will Lumen close?", "Lumen close"),
    ("When will the school be demolished?", None),  # passive: the school is acted on
    ("Who built the school?", None),
])
def test_subject_of_an_active_question(question: str, subject: str | None) -> None:
    assert analyze(question).subject == subject


def test_opening_phrase_stops_at_a_function_word() -> None:
    assert opening_phrase(words("The council voted in June to shut it.")) == "council voted"
    assert opening_phrase(words("Lumen Foods said on Monday...")) == "Lumen Foods said"
