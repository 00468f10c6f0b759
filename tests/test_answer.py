"""The answer engine on invented stories: question kinds, abstention, several stories,
speakers, context sentences, bad input, and the CLI contract."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answer import answer
from bot.passages import story_index
from bot.ranker import shipped
from index.store.library import bundled_story
from tests.story_factory import BRIDGE, ORCHARD, bridge_with_statements, make_story

# A case the learned ranker gets wrong today: strict, so a model that gets it right fails
# the test until the mark is removed. The measured figures are in docs/answer.md.
MISS = pytest.mark.xfail(strict=True, reason="a miss of the learned ranker (docs/answer.md)")
# The shipped model, answering whatever its confidence: for tests of the reply itself.
ALWAYS = shipped().model_copy(update={"answer_at": 0.0, "hedge_at": 0.0})


@pytest.fixture(scope="module")
def bridge():
    return make_story(BRIDGE, "bridge")


@pytest.fixture(scope="module")
def orchard():
    return make_story(ORCHARD, "orchard")


@pytest.mark.parametrize(("question", "expected"), [
    ("Who will carry out the construction?", "Northgate Engineering"),
    ("Who opposed the plan?", "Tom Reyes"),
    ("When will the bridge open?", "September 2025"),
    ("Where is Northgate Engineering based?", "based in Carlton"),
    ("How many council members supported the proposal?", "Seven of the nine"),
    ("How much will the bridge cost?", "4.2 million dollars"),
    ("Did the council approve the bridge?", "voted on Tuesday to approve"),
    ("What river does the bridge cross?", "Millbrook"),
])
def test_question_kinds_find_the_sentence(bridge, question: str, expected: str) -> None:
    result = answer(question, [bridge], ALWAYS)
    assert expected in result.citations[0].sentence
    assert expected in result.answer


@pytest.mark.parametrize(("question", "expected"), [
    ("How many farms were affected?", "Around 300 farms"),
    ("How much could the losses reach?", "12 million euros"),
    ("When did the frost hit?", "on Sunday night"),
    ("Where was the coldest place?", "in Lorca"),
    ("Who gave the figure of 300 farms?", "farmers' union"),  # "who" without a name
    pytest.param("How cold did it get?", "minus six degrees", marks=MISS),  # "coldest"
])
def test_answer_types_pick_the_fact_bearing_sentence(orchard, question: str, expected: str) -> None:
    assert expected in answer(question, [orchard], ALWAYS).citations[0].sentence


# Refusing near-topic questions ("When was the library built?" of a story that dates only
# the bridge) is measured by `python -m bench.quality` on the labelled sets' traps, not
# here: on a six-paragraph story, one threshold on a learned probability moves with every
# retraining. Off-topic questions must be refused by any model worth shipping.
@pytest.mark.parametrize("question", [
    "What is the capital of France?",
    "purple monkey dishwasher",
    "whats the best anime of 2024",
])
def test_off_topic_questions_are_refused(bridge, question: str) -> None:
    result = answer(question, [bridge])
    assert not result.answered
    assert result.answer == "The story doesn't say."


def test_the_three_tiers(bridge) -> None:
    question = "How much will the bridge cost?"
    sure = answer(question, [bridge], ALWAYS)
    assert sure.answered and sure.confidence == "answer" and sure.answer.startswith("> ")
    hedged = answer(question, [bridge], shipped().model_copy(update={"answer_at": 1.0, "hedge_at": 0.0}))
    assert not hedged.answered and hedged.confidence == "hedge"
    assert hedged.answer.startswith("The story may not answer this directly. The closest passage:")
    assert hedged.citations and hedged.citations[0].sentence in hedged.answer
    nothing = answer(question, [bridge], shipped().model_copy(update={"answer_at": 1.0, "hedge_at": 1.0}))
    assert not nothing.answered and nothing.answer == "The story doesn't say." and not nothing.citations
    assert 0 <= sure.probability == hedged.probability == nothing.probability <= 1


def test_several_stories_answer_from_the_best_and_cite_it(bridge, orchard) -> None:
    for stories in ([bridge, orchard], [orchard, bridge]):
        result = answer("How much could the frost losses reach?", stories)
        assert result.answered and result.story_id == "orchard"
        assert result.citations[0].story == "Frost destroys half of Valdoro apple harvest"
        assert "Frost destroys half of Valdoro apple harvest" in result.answer
    assert answer("Who will carry out the construction?", [orchard, bridge]).story_id == "bridge"


def test_several_stories_abstain_when_none_answers(bridge, orchard) -> None:
    result = answer("What is the capital of France?", [bridge, orchard])
    assert not result.answered and result.answer.startswith("None of the stories says.")


def test_no_story_is_a_clear_reply() -> None:
    result = answer("Who is the mayor?", [])
    assert not result.answered and "no story" in result.answer


def test_speaker_questions_use_statements() -> None:
    story = bridge_with_statements()
    result = answer("What did Tom Reyes say?", [story])
    assert result.answered
    assert result.citations[0].speaker == "Tom Reyes"
    assert "— Tom Reyes, Council member" in result.answer
    about = answer("What did the mayor say about the market?", [story])
    assert "central market" in about.citations[0].sentence
    assert about.citations[0].speaker == "Helen Okafor"


@MISS
def test_speaker_who_said_nothing_is_not_answered() -> None:
    result = answer("What did Northgate Engineering say?", [bridge_with_statements()])
    assert not result.answered


def test_sentence_leaning_on_its_neighbour_brings_it() -> None:
    story = make_story(
        "title: Port strike\n\nDock workers in Halden walked out on Friday over pay.\n\n"
        "They want a raise of eight percent before they return.\n", "port")
    result = answer("How much of a raise do the workers want?", [story], ALWAYS)
    assert result.citations[0].sentence.startswith("They want")
    assert "Dock workers in Halden walked out" in result.answer  # who "they" are


def test_citation_fields_and_json_shape(bridge) -> None:
    data = json.loads(answer("How much will the bridge cost?", [bridge]).model_dump_json())
    assert {"question", "answered", "answer", "citations"} <= data.keys()
    first = data["citations"][0]
    assert {"story", "paragraph", "sentence", "speaker"} <= first.keys()
    assert first["paragraph"] == 2 and "(Riverton council approves new bridge, ¶2)" in data["answer"]


@pytest.mark.parametrize("question", [
    "", "   ", "?!?!", "🙂🙂🙂", "x" * 100_000, "Wer ist der Bürgermeister?", "市长是谁",
    "@everyone who is the mayor", "<@123> **who** is the mayor? <@&456>", "@here",
    "\x00\x01 who", "who " * 5000,
])
def test_bad_input_gives_a_clear_reply_never_a_mention(bridge, question: str) -> None:
    result = answer(question, [bridge])
    assert result.answer.strip()
    for live in ("@everyone", "@here", "<@123>", "<@&456>"):
        assert live not in result.answer


def test_story_text_mentions_are_defused() -> None:
    story = make_story("title: Ping\n\nThe club posted @everyone about the 40 tickets left.\n", "ping")
    result = answer("How many tickets are left?", [story])
    assert result.answered and "@everyone" not in result.answer
    assert "@everyone" in result.citations[0].sentence  # the citation stays verbatim


def test_bundled_story_committee_head() -> None:
    result = answer("Who heads the committee?", [bundled_story()])
    assert result.answered
    assert "Shashi Tharoor" in result.citations[0].sentence
    assert "¶9" in result.answer and bundled_story().title in result.answer


# The four questions of issue 12 on the bundled story, answered by the shipped model.
@pytest.mark.parametrize(("question", "expected"), [
    ("what party is the committee chairman from", "Congress MP Shashi Tharoor"),
    ("Where is NSO Group based?", "Israel-based NSO Group"),
    ("Which minister spoke in Parliament?", "Ravi Shankar Prasad stated in Parliament"),
    pytest.param("Who makes the spyware?", "NSO Group's Pegasus spyware", marks=MISS),
])
def test_bundled_story_questions(question: str, expected: str) -> None:
    result = answer(question, [bundled_story()])
    assert result.answered and expected in result.citations[0].sentence


def test_cli_ask_json_contract(tmp_path) -> None:
    path = tmp_path / "bridge.txt"
    path.write_text(BRIDGE)
    out = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--story", str(path), "--json", "Who", "is", "the",
         "mayor?"], capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    assert data["answered"] and "Helen Okafor" in data["citations"][0]["sentence"]


_BRIDGE_FOR_FUZZ = make_story(BRIDGE, "bridge")  # hypothesis tests take no fixtures


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_a_reply_without_live_mentions(question: str) -> None:
    result = answer(question, [_BRIDGE_FOR_FUZZ])
    assert result.answer.strip()
    assert "@everyone" not in result.answer and "@here" not in result.answer


PLANT = """title: Lakeside approves water plant

The Lakeside council voted on Monday to raise water rates, clearing the way for a $30 million overhaul of the town's 58-year-old treatment plant.

Officials said delays had made every repair more costly, and that residents would pay more from July.

Resident Ann Moss, 81, told the council she already pays $60 a month for water.

Mayor Rita Lund said Lakeside had applied for three state grants since 2020 and been turned down each time. She named Joe Park, 70, a retired engineer, to lead the work.
"""


@pytest.fixture(scope="module")
def plant():
    return make_story(PLANT, "plant")


def test_how_much_cost_is_answered_by_the_sum_for_the_thing(plant) -> None:
    # "cost" is used elsewhere in the story ("more costly"); the sum for the plant answers.
    result = answer("How much is the treatment plant going to cost?", [plant])
    assert result.answered and "$30 million" in result.citations[0].sentence


@pytest.mark.parametrize(("question", "expected"), [
    ("How old is Ann Moss?", "Ann Moss, 81,"),
    ("how old is the treatment plant", "58-year-old"),
    ("how old is joe park", "Joe Park, 70,"),
])
def test_how_old_wants_an_age(plant, question: str, expected: str) -> None:
    result = answer(question, [plant])
    assert result.answered and expected in result.citations[0].sentence


@MISS
def test_how_old_without_an_age_is_refused(plant) -> None:
    # Her sentences have numbers ("three", "2020") and an age, none of them hers.
    result = answer("How old is Mayor Rita Lund?", [plant])
    assert not result.answered


def test_a_slip_keeps_its_first_letter(plant) -> None:
    # "president" is not a misspelt "resident" (the story's word): nothing to answer from.
    assert not answer("Who is the president of France?", [plant]).answered


def test_an_acronym_in_the_question_matches_the_name_spelt_out() -> None:
    story = make_story("Title: Northgate under scrutiny\n\nThe Securities and Exchange Commission "
                       "opened an inquiry into Northgate on Monday.\n\nNorthgate shares fell.", "sec")
    assert story_index(story).match_terms(["sec", "inquiri"]) == ["secur", "exchang", "commiss", "inquiri"]
