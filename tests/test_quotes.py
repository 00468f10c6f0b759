"""Statements: the news forms of direct and reported speech, read from spaCy's parse.

Every sentence here is invented general English, not taken from an article the
attribution was measured on.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.language import parse
from index.read.formats import parse_article
from index.statements.quote_spans import find_quote_spans
from index.statements.quotes import Statement, extract_statements
from index.story import build_story


def _all(*paragraphs: str) -> list[Statement]:
    return extract_statements(list(paragraphs))


def _holding(snippet: str, statements: list[Statement]) -> Statement:
    found = [s for s in statements if snippet in s.text]
    assert found, (snippet, statements)
    return found[0]


def _speaker_of(snippet: str, *paragraphs: str) -> str | None:
    return _holding(snippet, _all(*paragraphs)).speaker


# -- direct quotations -------------------------------------------------------------------


@pytest.mark.parametrize("paragraph", [
    '"We will appeal the ruling," Maria Gonzalez said.',
    '"We will appeal the ruling," said Maria Gonzalez.',
    'Maria Gonzalez said: "We will appeal the ruling."',
    "Maria Gonzalez said, \u201cWe will appeal the ruling.\u201d",
    "\u201cWe will appeal the ruling,\u201d Maria Gonzalez told reporters on Monday.",
    "\u201cWe will appeal the ruling,\u201d Maria Gonzalez insisted.",
])
def test_direct_quote_before_or_after_the_verb(paragraph: str) -> None:
    statement = _holding("We will appeal the ruling", _all(paragraph))
    assert statement.speaker == "Maria Gonzalez"
    assert statement.kind == "direct"
    assert statement.text.rstrip(".") == "We will appeal the ruling"
    assert statement.text == paragraph[statement.start:statement.end]


def test_quote_around_the_verb_gives_two_statements_by_one_speaker() -> None:
    statements = _all('"It was hard," Tom Reid said, "but we are proud of what the team did."')
    assert [s.text for s in statements] == ["It was hard", "but we are proud of what the team did."]
    assert {s.speaker for s in statements} == {"Tom Reid"}


def test_added_continues_with_a_pronoun() -> None:
    statements = _all('"The vote was fair," said Ana Ruiz. "We expect the board to accept it," '
                      "she added.")
    assert [s.speaker for s in statements] == ["Ana Ruiz", "Ana Ruiz"]
    assert statements[1].mention == "she"


def test_a_new_quoted_sentence_with_no_verb_continues_the_speaker() -> None:
    statements = _all('"The bridge is safe," Helen Okafor said. "Engineers checked every cable '
                      'last month."')
    assert _holding("Engineers checked every cable", statements).speaker == "Helen Okafor"


def test_quotation_over_several_paragraphs() -> None:
    statements = _all(
        'Helen Okafor, the city engineer, said: "The bridge will reopen on Friday.',
        '"Every cable has been checked twice and the deck has been resurfaced.',
        '"We are grateful to residents for their patience."',
    )
    assert [s.paragraph for s in statements] == [1, 2, 3]
    assert {s.speaker for s in statements} == {"Helen Okafor"}


def test_quotation_over_several_paragraphs_attributed_at_its_end() -> None:
    statements = _all(
        '"The bridge will reopen on Friday.',
        '"We are grateful to residents for their patience," said Helen Okafor.',
    )
    assert {s.speaker for s in statements} == {"Helen Okafor"}


def test_a_quote_paragraph_continues_the_previous_paragraphs_speaker() -> None:
    statements = _all('"The vote was fair," Ana Ruiz said.',
                      '"Nobody has shown us any evidence of fraud in the count."')
    assert _holding("Nobody has shown us", statements).speaker == "Ana Ruiz"


def test_merged_paragraphs_of_one_quotation() -> None:
    statements = _all('Ana Ruiz said: "The vote was fair. "Nobody has shown us any evidence of '
                      'fraud. "We will publish the count tomorrow."')
    assert len(statements) == 3
    assert {s.speaker for s in statements} == {"Ana Ruiz"}


def test_unbalanced_quote_still_has_its_speaker() -> None:
    statement = _holding("We were never told", _all('"We were never told about the closure, the '
                                                   'union leader Sam Hart said.'))
    assert statement.speaker == "Sam Hart"


def test_question_with_inverted_verb() -> None:
    assert _speaker_of("Why now?", '"Why now?" asked Mark Ellis.') == "Mark Ellis"


@pytest.mark.parametrize("paragraph", [
    'The firm called the claims "baseless".',
    'She described the plan as "a good start" for the region.',
    'The so-called "smart meters" were installed in May.',
])
def test_scare_quotes_are_not_statements_of_their_own(paragraph: str) -> None:
    assert all(s.text not in ("baseless", "a good start", "smart meters") for s in _all(paragraph))


# -- reported speech ---------------------------------------------------------------------


@pytest.mark.parametrize("verb", ["said", "claimed", "insisted", "argued", "warned", "added",
                                  "confirmed", "noted", "announced", "admitted", "explained"])
def test_reported_speech_verbs(verb: str) -> None:
    statement = _holding("the bridge would reopen", _all(
        f"Helen Okafor {verb} that the bridge would reopen in June."))
    assert (statement.speaker, statement.kind, statement.verb) == ("Helen Okafor", "indirect", verb)


def test_said_without_that() -> None:
    assert _speaker_of("the bridge would reopen", "Helen Okafor said the bridge would reopen "
                                                  "in June.") == "Helen Okafor"


def test_told_a_hearer() -> None:
    statement = _holding("the talks had failed", _all(
        "Tom Reid told reporters on Friday that the talks had failed."))
    assert statement.speaker == "Tom Reid"


def test_denied_keeps_its_act() -> None:
    statement = _holding("denied", _all("Northwind Group denied that it had copied the designs."))
    assert statement.speaker == "Northwind Group"
    assert "it had copied the designs" in statement.text


def test_speech_verb_after_the_content() -> None:
    statement = _holding("The plan will cost jobs", _all("The plan will cost jobs, the union said."))
    assert statement.speaker == "union" and statement.kind == "indirect"


def test_parenthetical_verb() -> None:
    statement = _holding("will cost jobs", _all("The plan, Tom Reid added, will cost jobs."))
    assert statement.speaker == "Tom Reid"


@pytest.mark.parametrize("paragraph", [
    "According to Northwind Group, sales fell by a third last year.",
    "Sales fell by a third last year, according to Northwind Group.",
    "Sales, according to Northwind Group, fell by a third last year.",
])
def test_according_to(paragraph: str) -> None:
    statement = _holding("by a third last year", _all(paragraph))
    assert statement.speaker == "Northwind Group" and statement.kind == "indirect"


def test_according_to_sources_yields_to_the_speaker_it_frames() -> None:
    statement = _holding("the firm would comply", _all(
        "According to sources, a Northwind spokesperson said the firm would comply."))
    assert statement.speaker == "Northwind spokesperson"


def test_passive_quoted_as_saying() -> None:
    assert _speaker_of("regretted nothing", "Tom Reid was quoted as saying that he regretted "
                                            "nothing.") == "Tom Reid"


def test_participle_reports_for_the_subject() -> None:
    statements = _all("Helen Okafor issued a statement, saying the bridge was safe.")
    assert _holding("the bridge was safe", statements).speaker == "Helen Okafor"


def test_partial_quote_inside_reported_speech() -> None:
    statement = _holding("deeply concerned", _all(
        'Tom Reid said he was "deeply concerned" about the delays at the port.'))
    assert statement.speaker == "Tom Reid" and statement.kind == "indirect"


def test_an_act_inside_reported_speech_is_not_a_statement_of_its_own() -> None:
    statements = _all("Mark Dunn said the council would defend the case in court.")
    assert [(s.speaker, s.verb) for s in statements] == [("Mark Dunn", "said")]


def test_negated_verb_is_not_a_statement() -> None:
    assert _all("Tom Reid did not say whether the plant would close.") == []


@pytest.mark.parametrize("paragraph", [
    "The river rose for a week.",
    "Soon, the government found itself being accused of spying.",
    "",
])
def test_no_statement(paragraph: str) -> None:
    assert _all(paragraph) == []


def test_no_paragraphs() -> None:
    assert extract_statements([]) == []


# -- speakers: names, roles, types -------------------------------------------------------


@pytest.mark.parametrize("paragraph", [
    "Carl Woog, a Northwind spokesman, said the app was secure.",
    "Northwind spokesman Carl Woog said the app was secure.",
])
def test_appositive_role_in_both_orders(paragraph: str) -> None:
    statement = _holding("the app was secure", _all(paragraph))
    assert (statement.speaker, statement.role) == ("Carl Woog", "Northwind spokesman")
    assert statement.speaker_type == "person"


def test_a_title_is_not_part_of_the_name() -> None:
    statement = _holding("rates would rise", _all("Dr. Priya Nair said rates would rise."))
    assert statement.speaker == "Priya Nair"


def test_a_date_is_never_glued_to_a_name() -> None:
    statements = _all('"We will not resign," Okafor said Monday.',
                      'Okafor said Tuesday that the council would meet again.')
    assert {s.speaker for s in statements} == {"Okafor"}


@pytest.mark.parametrize("paragraph, speaker", [
    ("Officials said the road would stay closed.", "officials"),
    ("A spokesperson said the road would stay closed.", "spokesperson"),
    ("Analysts said the road would stay closed.", "analysts"),
])
def test_unnamed_sources_are_their_head_noun(paragraph: str, speaker: str) -> None:
    statement = _holding("the road would stay closed", _all(paragraph))
    assert (statement.speaker, statement.speaker_type) == (speaker, "anonymous")


def test_joint_statement_names_both() -> None:
    statement = _holding("the decision was wrong", _all(
        "The United Nations and the European Union said the decision was wrong."))
    assert statement.speaker and "United Nations" in statement.speaker and "European Union" in statement.speaker


def test_an_organisation_speaks() -> None:
    statement = _holding("profits rose", _all("Northwind Group said profits rose."))
    assert (statement.speaker, statement.speaker_type) == ("Northwind Group", "organisation")


def test_setting_is_kept() -> None:
    statement = _holding("profits rose", _all("Northwind Group said in a statement that profits "
                                              "rose."))
    assert statement.setting == "in a statement"


# -- robustness --------------------------------------------------------------------------


def test_attribution_costs_little_beside_the_parse() -> None:
    filler = "The river rose for a week and the town waited for news from upstream. " * 150
    paragraphs = [filler + 'The mayor said the levee would hold. "We are ready," she said. ' + filler] * 5
    docs = parse(paragraphs)
    started = time.process_time()  # this process's own CPU: other work on the machine does not count
    statements = extract_statements(paragraphs, docs)
    assert time.process_time() - started < 2.0
    assert any("the levee would hold" in s.text for s in statements)


@pytest.mark.parametrize("paragraph", [
    "according to according to " * 2000,
    '"a," he said. ' * 2000,  # quotations and clauses are found by bisection, not scanned
    "He said, " * 2000,
    "He told " + "Alpha " * 5000 + "that it was fine.",
    '"We are fine," said Tom Reid. ' * 1000,  # names are looked up by surname
    "Tom Reid arrived. He said it was fine. " * 1000,  # pronouns look back, not over all
])
def test_pathological_paragraphs_stay_fast(paragraph: str) -> None:
    docs = parse([paragraph])
    started = time.process_time()  # this process's own CPU: other work on the machine does not count
    extract_statements([paragraph], docs)
    assert time.process_time() - started < 2.0


_PIECES = [*"abc XYZ.,;:!?'\"\u201c\u201d\u2018\u2019-", "said", " he ", "Mr. ", "that ",
           "according to "]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join), max_size=3))
def test_any_text_gives_valid_offsets(paragraphs: list[str]) -> None:
    for statement in extract_statements(paragraphs):
        paragraph = paragraphs[statement.paragraph - 1]
        assert statement.text == paragraph[statement.start:statement.end]
        assert statement.text.strip()


def test_quote_spans_across_paragraphs() -> None:
    spans = find_quote_spans(['He said: "One.', '"Two.', '"Three."', "Done."])
    assert [len(s) for s in spans] == [1, 1, 1, 0]
    assert [s[0].continued for s in spans[:3]] == [False, True, True]


def test_sample_story(sample_bytes: bytes) -> None:
    story = build_story(parse_article(sample_bytes, "sample.txt"), "sample", "h")
    assert story.statements and all(s.sentence_ids for s in story.statements)
    assert all(s.text == story.paragraph(s.paragraph).text[s.start:s.end] for s in story.statements)


def test_a_quoted_fragment_keeps_its_closing_quotation_mark() -> None:
    statements = extract_statements(['The council praised the plan, saying it had "won real support".'])
    assert any(s.text.endswith('"won real support"') for s in statements)


def test_a_quotation_closing_a_reported_clause_is_part_of_it() -> None:
    text = ('The chief prosecutor took the decision to "close the inquiry into the firm", the '
            'prosecution authority said.')
    statement = extract_statements([text])[0]
    assert statement.text.startswith("The chief prosecutor took the decision")

