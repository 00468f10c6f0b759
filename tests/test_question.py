"""Question analysis: kinds from question words, focus terms, speakers, bad input."""

from __future__ import annotations

import pytest

from bot.question import MAX_QUESTION_CHARS, analyze, clean


@pytest.mark.parametrize(("question", "kind"), [
    ("Who chairs the inquiry?", "who"),
    ("whose phone was hacked", "who"),
    ("When did the strike end?", "when"),
    ("What year was the law passed?", "when"),
    ("Where did the crash happen?", "where"),
    ("How many people were hurt?", "how_many"),
    ("In how many towns did it rain?", "how_many"),
    ("How much did the stadium cost?", "how_much"),
    ("How tall is the new tower?", "how_many"),
    ("how cold did it get", "how_many"),
    ("how big a fine was imposed", "how_much"),
    ("Which airline cancelled flights?", "which"),
    ("Is the bridge open?", "yes_no"),
    ("Why did the talks fail?", "why"),
    ("How did the fire start?", "how"),
    ("What happened next?", "what"),
])
def test_kind_comes_from_question_words(question: str, kind: str) -> None:
    assert analyze(question).kind == kind


@pytest.mark.parametrize(("question", "speaker", "kind"), [
    ("What did Ravi Shankar Prasad say?", "ravi shankar prasad", "said"),
    ("What did the union say about the pay offer?", "union", "said"),
    ("What does the minister think?", "minister", "said"),
    ("How did the company respond to the report?", "company", "said"),
    ("according to the mayor, who will pay for it", "mayor", "who"),
    ("Does Moreau say the losses are large?", "moreau", "said"),
])
def test_speaker_questions(question: str, speaker: str, kind: str) -> None:
    q = analyze(question)
    assert (q.speaker, q.kind) == (speaker, kind)


def test_focus_terms_are_stemmed_without_question_frame() -> None:
    q = analyze("How many council members supported the proposal?")
    assert q.terms == ["council", "member", "support", "propos"]
    assert "mani" not in q.terms and "many" not in q.terms


def test_about_part_of_speaker_question_is_the_focus() -> None:
    # the speaker's name stays a term: sentences naming them are near their statements
    assert analyze("What did the union say about the pay offer?").terms == ["pay", "offer", "union"]


@pytest.mark.parametrize(("question", "labels"), [
    ("Who chairs the inquiry?", {"PERSON", "ORG", "NORP"}),
    ("When did the strike end?", {"DATE", "TIME"}),
    ("Where did the crash happen?", {"GPE", "LOC", "FAC"}),
    ("How much did the stadium cost?", {"MONEY", "PERCENT", "QUANTITY", "CARDINAL"}),
    ("Why did the talks fail?", set()),
    ("Which court heard the appeal?", {"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "EVENT",
                                       "WORK_OF_ART", "LAW", "PRODUCT"}),
])
def test_answer_labels_follow_the_kind(question: str, labels: set[str]) -> None:
    assert analyze(question).labels == labels


def test_names_are_capitalised_words_after_the_first() -> None:
    assert analyze("Did Helen Okafor meet Tom Reyes?").names == ["Helen Okafor", "Tom Reyes"]
    assert analyze("What is WhatsApp's response?").names == ["WhatsApp"]


def test_a_count_asked_of_a_speaker_stays_a_count() -> None:
    q = analyze("How many users does eBay say it has?")
    assert (q.kind, q.speaker, q.terms) == ("how_many", "ebay", ["user", "ebay"])


@pytest.mark.parametrize(("raw", "message"), [
    ("", "Please ask a question"),
    ("   \n\t ", "Please ask a question"),
    ("?!?! ...", "couldn't find any words"),
    ("🙂🙂🎉", "couldn't find any words"),
    ("市长是谁？", "only answer questions asked in English"),
    ("Кто мэр города?", "only answer questions asked in English"),
    ("¿Quién dirige el comité?", "only answer questions asked in English"),
    ("Wer ist der Bürgermeister?", "only answer questions asked in English"),
    ("x" * (MAX_QUESTION_CHARS + 1), "under 1,000"),
    ("word " * 20_000, "characters long"),
])
def test_unusable_input_gets_a_clear_problem(raw: str, message: str) -> None:
    assert message in (analyze(raw).problem or "")


def test_mentions_and_markdown_are_removed() -> None:
    assert clean("@everyone **Who** is <@123> the __mayor__? <@&9> <#77> <:wave:12345>") \
        == "Who is the mayor?"
    assert analyze("<@!42> who is the mayor").kind == "who"


def test_english_with_accents_is_still_english() -> None:
    assert analyze("Who is the café owner in Zürich?").problem is None
    assert analyze("purple monkey dishwasher").problem is None
