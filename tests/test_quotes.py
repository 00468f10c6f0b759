"""Statements: every news form of direct and reported speech, edge cases, the sample story.

Articles here are invented, so the rules are shown to work beyond the dev articles.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.article import parse_article
from index.attribution import sentence_spans
from index.library import story_from_file
from index.normalize import unify_marks
from index.quote_spans import find_quote_spans
from index.quotes import Statement, extract_statements
from index.reporting import CUE_RE, REPORTING_VERBS
from index.story import build_story


def _one(*paragraphs: str) -> Statement:
    statements = extract_statements(list(paragraphs))
    assert len(statements) == 1, statements
    return statements[0]


def _holding(snippet: str, statements: list[Statement]) -> Statement:
    found = [s for s in statements if snippet in s.text]
    assert len(found) == 1, (snippet, statements)
    return found[0]


# -- direct quotations -------------------------------------------------------------------


@pytest.mark.parametrize("paragraph", [
    '"We will appeal the ruling," Maria Gonzalez said.',
    '"We will appeal the ruling," said Maria Gonzalez.',
    'Maria Gonzalez said: "We will appeal the ruling."',
    "Maria Gonzalez said, \u201cWe will appeal the ruling.\u201d",
    "\u201cWe will appeal the ruling,\u201d Maria Gonzalez said.",
    "\u2018We will appeal the ruling,\u2019 Maria Gonzalez said.",
])
def test_direct_forms(paragraph: str) -> None:
    statement = _one(paragraph)
    assert statement.speaker == "Maria Gonzalez"
    assert statement.kind == "direct"
    assert statement.text.rstrip(".") == "We will appeal the ruling"
    assert statement.text == paragraph[statement.start:statement.end]


def test_direct_with_setting_and_role() -> None:
    statement = _one('"Demand fell sharply," Kestrel Inc chief executive Priya Nair said in a '
                     "statement on Tuesday.")
    assert (statement.speaker, statement.role) == ("Priya Nair", "Kestrel Inc chief executive")
    assert (statement.verb, statement.setting) == ("said", "in a statement")


def test_inverted_attribution_with_appositive_role() -> None:
    statement = _one('"Prices will keep rising," said Sunita Rao, an economist at Delta Bank.')
    assert (statement.speaker, statement.role) == ("Sunita Rao", "economist at Delta Bank")


def test_interrupted_quotation_gives_two_statements() -> None:
    statements = extract_statements(['"It was hard," she said, "but we are proud of it."'])
    assert [s.text for s in statements] == ["It was hard", "but we are proud of it."]
    assert {s.mention for s in statements} == {"she"}


def test_question_with_inverted_verb() -> None:
    statement = _one('"Why now?" asked Senator Mark Ellis.')
    assert (statement.speaker, statement.text) == ("Mark Ellis", "Why now?")
    assert statement.verb == "asked"


def test_quotation_over_several_paragraphs_attributed_at_its_start() -> None:
    story = [
        "Coach Dana Whitfield said: \u201cWe trained for this all year.",
        "\u201cNobody expected us to reach the final.",
        "\u201cNow we want the cup.\u201d",
        "The final is on Sunday.",
    ]
    statements = extract_statements(story)
    assert [s.paragraph for s in statements] == [1, 2, 3]
    assert {s.speaker for s in statements} == {"Dana Whitfield"}
    assert statements[2].text == "Now we want the cup."


def test_quotation_over_several_paragraphs_attributed_at_its_end() -> None:
    story = [
        "The economy is slowing. Exports have fallen for a year.",
        "\u201cWe expect growth to return next spring.",
        "\u201cRates will stay where they are,\u201d the central bank governor, Li Wen, said.",
    ]
    statements = extract_statements(story)
    assert [(s.paragraph, s.speaker) for s in statements] == [(2, "Li Wen"), (3, "Li Wen")]
    assert statements[1].role == "central bank governor"


def test_bare_quote_paragraph_continues_the_previous_speaker() -> None:
    story = [
        "Kestrel Inc said in a statement that it would contest the fine.",
        '"The regulator has misread the law and we will prove it in court."',
    ]
    statements = extract_statements(story)
    assert [s.speaker for s in statements] == ["Kestrel Inc", "Kestrel Inc"]
    assert statements[1].kind == "direct"


def test_quote_after_reported_speech_in_the_same_paragraph() -> None:
    statements = extract_statements([
        'Ellis added that the bill was flawed. "It will not survive the Senate."'])
    assert [s.kind for s in statements] == ["indirect", "direct"]
    assert statements[1].speaker == statements[0].speaker == "Ellis"


# -- reported speech ---------------------------------------------------------------------


@pytest.mark.parametrize("verb", [
    "said", "claimed", "alleged", "stated", "added", "argued", "warned", "confirmed",
    "noted", "contended", "insisted", "maintained", "explained", "announced", "admitted",
])
def test_reported_speech_verbs(verb: str) -> None:
    statement = _one(f"The regulator {verb} that the merger would raise prices.")
    assert statement.speaker == "regulator"
    assert (statement.kind, statement.verb) == ("indirect", verb)
    assert statement.text == "the merger would raise prices"


def test_said_without_that() -> None:
    assert _one("Police said three people were arrested.").text == "three people were arrested"


def test_told_skips_the_hearer() -> None:
    statement = _one("The minister told reporters on Friday that the talks had failed.")
    assert statement.text == "the talks had failed"
    assert statement.setting == "to reporters"


@pytest.mark.parametrize("paragraph, text", [
    ("Northwind denied the allegations.", "denied the allegations"),
    ("Northwind rejected the report, calling it \u201cbaseless\u201d.",
     "rejected the report, calling it \u201cbaseless\u201d"),
    ("Northwind questioned whether the audit was fair.", "whether the audit was fair"),
])
def test_speech_acts_keep_their_verb(paragraph: str, text: str) -> None:
    assert _one(paragraph).text == text


def test_trailing_attribution_of_reported_speech() -> None:
    statement = _one("The talks will resume next week, officials said on Friday.")
    assert (statement.speaker, statement.text) == ("officials", "The talks will resume next week")


def test_trailing_attribution_is_the_speaker_of_the_whole_clause() -> None:
    statement = _one("Northwind has expressed regret and promised to do better, sources said.")
    assert statement.speaker == "sources"


@pytest.mark.parametrize("paragraph, speaker, text", [
    ("According to the indictment, the payments began in 2019.", "indictment",
     "the payments began in 2019"),
    ("The payments began in 2019, according to court filings.", "court filings",
     "The payments began in 2019"),
])
def test_according_to(paragraph: str, speaker: str, text: str) -> None:
    statement = _one(paragraph)
    assert (statement.speaker, statement.text, statement.verb) == (speaker, text, "according to")


def test_according_to_yields_to_the_statement_it_frames() -> None:
    statement = _one("According to sources, a Kestrel spokesperson said the deal was off.")
    assert statement.speaker == "Kestrel spokesperson"
    assert statement.setting == "according to sources"


def test_reports_the_outlet_frames_the_statement() -> None:
    statement = _one("Kestrel, which makes drones, disputed the claims, reports the Daily Ledger.")
    assert (statement.speaker, statement.text) == ("Kestrel", "disputed the claims")
    assert statement.setting == "according to the Daily Ledger"


def test_partial_quote_stays_inside_reported_speech() -> None:
    statement = _one('The mayor said the plan was "dead on arrival" and would be dropped.')
    assert statement.kind == "indirect"
    assert statement.text == 'the plan was "dead on arrival" and would be dropped'


def test_participle_reports_for_the_subject() -> None:
    statement = _one("The union called a strike on Monday, warning that talks had collapsed.")
    assert (statement.speaker, statement.verb) == ("union", "warning")
    assert statement.text == "talks had collapsed"


@pytest.mark.parametrize("paragraph, speaker, setting", [
    ("In a court filing, Northwind said the designs were copied.", "Northwind",
     "in a court filing"),
    ("Speaking at a rally in Delhi, the minister said jobs would come.", "minister",
     "at a rally in Delhi"),
    ("The affidavit stated that the funds were moved abroad.", "affidavit", None),
    ("A statement from the family said they were grateful.", "family", "in a statement"),
    ("Kestrel said in an emailed statement that it was reviewing the order.", "Kestrel",
     "in an emailed statement"),
])
def test_reporting_nouns(paragraph: str, speaker: str, setting: str | None) -> None:
    statement = _one(paragraph)
    assert (statement.speaker, statement.setting) == (speaker, setting)


@pytest.mark.parametrize("paragraph, speaker, role", [
    ("President Joe Biden on Tuesday vowed to veto the bill.", "Joe Biden", "President"),
    ("Senate Majority Leader Chuck Schumer, D-N.Y., said Democrats would block it.",
     "Chuck Schumer", "Senate Majority Leader"),
    ('"We are paying too much," said Sen. John Barrasso, R-Wyo.', "John Barrasso", "Sen."),
    ("Her lawyer, John Smith, denied the charges.", "John Smith", "lawyer"),
    ("Mark Howell, a biologist who was not involved in the study, said it was sound.",
     "Mark Howell", "biologist"),
    ("A study published in the journal Nature suggests that reefs can recover.", "study", None),
    ("The carmaker, however, cautioned that costs remained high.", "carmaker", None),
])
def test_subjects_with_asides_and_dates(paragraph: str, speaker: str, role: str | None) -> None:
    statement = _one(paragraph)
    assert (statement.speaker, statement.role) == (speaker, role)


@pytest.mark.parametrize("paragraph, speaker, text", [
    ("The plan, he added, was dead.", "Tom Ellis", "The plan, he added, was dead"),
    ("The talks, officials said, stalled.", "officials", "The talks, officials said, stalled"),
    ("The plan, said the minister, was dead.", "minister", "The plan, said the minister, was dead"),
])
def test_attribution_inside_the_sentence(paragraph: str, speaker: str, text: str) -> None:
    statements = extract_statements(["Mr. Tom Ellis spoke first.", paragraph])
    assert [(s.speaker, s.text) for s in statements] == [(speaker, text)]


@pytest.mark.parametrize("paragraph, setting", [
    ("Mr. Lee said, however, that the vote would go ahead.", None),
    ("Mr. Lee said, in a letter to the court, that the vote would go ahead.",
     "in a letter to the court"),
])
def test_asides_after_the_verb(paragraph: str, setting: str | None) -> None:
    statement = _one(paragraph)
    assert (statement.text, statement.setting) == ("the vote would go ahead", setting)


def test_hearer_before_that_is_not_content() -> None:
    statement = _one("Solicitor General Tushar Mehta told the court that the matter was closed.")
    assert (statement.text, statement.setting) == ("the matter was closed", "to the court")


def test_coordinated_clauses_get_their_own_speakers() -> None:
    statements = extract_statements(
        ["Critics argue the law goes too far, while supporters say it is overdue."])
    assert [(s.speaker, s.text) for s in statements] == [
        ("critics", "the law goes too far"), ("supporters", "it is overdue")]


# -- what is not a statement -------------------------------------------------------------


@pytest.mark.parametrize("paragraph", [
    "The weather was fine and the markets rose.",
    "Soon, the government found itself being accused of spying.",
    "A committee headed by Senator Mark Ellis questioned officials for three hours.",
    "Police found a body in the river.",
    "Several states reported incidents of violence.",
    "The report was released on Monday.",
    "Kestrel did not say whether it would appeal.",
    'The firm markets itself as a "secure" messaging app.',
    "The company declined to comment.",
    "",
])
def test_no_statement(paragraph: str) -> None:
    assert extract_statements([paragraph]) == []


def test_no_paragraphs() -> None:
    assert extract_statements([]) == []


# -- marks and lengths -------------------------------------------------------------------


def test_unbalanced_opening_mark_does_not_swallow_the_attribution() -> None:
    statement = _one('"We were never told, the union leader said.')
    assert statement.speaker == "union leader"
    assert statement.text == "We were never told"


def test_stray_closing_mark_is_ignored() -> None:
    statement = _one('Prices rose again" in May, the statistics office said.')
    assert statement.speaker == "statistics office"


def test_nested_quotes_stay_inside_the_outer_quotation() -> None:
    statement = _one("\u201cHe told me \u2018never again\u2019 and left,\u201d she said.")
    assert statement.text == "He told me \u2018never again\u2019 and left"
    statement = _one('"They said "no" to every offer," the mediator said.')
    assert statement.text == 'They said "no" to every offer'


def test_very_long_paragraph_is_read_quickly() -> None:
    filler = "The river rose for a week and the town waited for news from upstream. " * 150
    paragraph = filler + 'The mayor said the levee would hold. "We are ready," she said. ' + filler
    started = time.perf_counter()
    statements = extract_statements([paragraph] * 5)
    assert time.perf_counter() - started < 2.0
    assert [s.text for s in statements[:2]] == ["the levee would hold", "We are ready"]


@pytest.mark.parametrize("paragraph", [
    "according to according to " * 2000,  # phrase scans are bounded
    '"a," he said. ' * 2000,  # quotation look-ups are indexed, not scanned
    "He said, " * 2000,  # reporting words per sentence are capped
    "He told " + "Alpha " * 5000 + "that it was fine.",
])
def test_pathological_paragraphs_stay_linear(paragraph: str) -> None:
    started = time.perf_counter()
    extract_statements([paragraph])
    assert time.perf_counter() - started < 2.0


_PIECES = [*"abc XYZ.,;:!?'\"\u201c\u201d\u2018\u2019-", "said", " he ", "Mr. ", "that ",
           "according to "]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join), max_size=4))
def test_any_text_gives_valid_offsets(paragraphs: list[str]) -> None:
    for statement in extract_statements(paragraphs):
        paragraph = paragraphs[statement.paragraph - 1]
        assert statement.text == paragraph[statement.start:statement.end]
        assert statement.text.strip()


# -- building blocks ---------------------------------------------------------------------


def test_quote_spans_across_paragraphs() -> None:
    spans = find_quote_spans(["He said: \u201cOne.", "\u201cTwo.", "\u201cThree.\u201d", '"Stray'])
    assert [len(s) for s in spans] == [1, 1, 1, 1]
    assert [s[0].continued for s in spans[:3]] == [False, True, True]
    assert not spans[2][0].unbalanced and spans[3][0].unbalanced


@pytest.mark.parametrize("text, expected", [
    ("Mr. Smith met Ms. Jones. They talked.", ["Mr. Smith met Ms. Jones.", "They talked."]),
    ("The U.S. economy grew. Markets rose.", ["The U.S. economy grew.", "Markets rose."]),
    ('"We will win. We always do," she said. Then she left.',
     ['"We will win. We always do," she said.', "Then she left."]),
    ("It rose 3.5 per cent. Prices rose.", ["It rose 3.5 per cent.", "Prices rose."]),
])
def test_sentence_spans(text: str, expected: list[str]) -> None:
    spans = sentence_spans(text, find_quote_spans([text])[0])
    assert [text[a:b] for a, b in spans] == expected


def test_cue_regex_knows_every_reporting_form() -> None:
    for form in REPORTING_VERBS:
        assert CUE_RE.fullmatch(form), form


# -- the sample story --------------------------------------------------------------------


def test_sample_story(sample_bytes: bytes) -> None:
    story = build_story(parse_article(sample_bytes, "sample.txt"), "sample", "h")
    statements = story.statements
    second = _holding("The government also plays a critical role", statements)
    assert second.speaker == "WhatsApp spokesperson" and second.mention == "the spokesperson"
    they = _holding("has agreed to reinforce its security wall", statements)
    assert (they.speaker, they.mention) == ("sources", "They")
    minister = _holding("The government is committed to protecting", statements)
    assert (minister.speaker, minister.role) == ("Ravi Shankar Prasad", "Union Minister")
    assert minister.setting == "in Parliament"
    assert all(s.sentence_ids for s in statements)
    cited = {sid for s in statements for sid in s.sentence_ids}
    no_statement = [s.id for s in story.sentences if "questioned top government officials" in s.text
                    or "being accused" in s.text]
    assert no_statement and not cited & set(no_statement)


@pytest.mark.parametrize("paragraph, speaker, text", [
    ("The minister - who resigned last week - said the plan had failed.", "minister",
     "the plan had failed"),
    ("The minister (who resigned last week) said the plan had failed.", "minister",
     "the plan had failed"),
    ("The actor was quoted as saying that he regretted nothing.", "actor",
     "he regretted nothing"),
    ("The bank warned investors that rates would rise.", "bank", "rates would rise"),
    ("The minister denied the allegation that he took bribes.", "minister",
     "denied the allegation that he took bribes"),
    ("Ursula von der Leyen said the union would act.", "Ursula von der Leyen",
     "the union would act"),
    ("Home Minister Amit Shah, replying to a debate, said the law would protect privacy.",
     "Amit Shah", "the law would protect privacy"),
])
def test_more_news_forms(paragraph: str, speaker: str, text: str) -> None:
    statement = _one(paragraph)
    assert (statement.speaker, statement.text) == (speaker, text)


# -- the dev gold, when shared/ is beside the repository (as in CI) -----------------------

_SHARED = Path(__file__).resolve().parents[2] / "shared"


def _gold_rows() -> list[dict[str, object]]:
    rows = []
    for path in sorted((_SHARED / "eval").glob("*quotes*.jsonl")):
        rows += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return rows


def _norm(text: str) -> str:
    """As the scorer compares: NFKC, lower case, unified quotes and dashes, single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"\s+", " ", unify_marks(text))


@pytest.mark.skipif(not _gold_rows(), reason="shared/eval is not beside the repository")
@pytest.mark.parametrize("row", _gold_rows(), ids=lambda r: str(r["snippet"])[:40])
def test_dev_gold_statement(row: dict[str, Any]) -> None:
    story = story_from_file(_SHARED / "stories" / f"{row['story']}.txt")
    found = [s for s in story.statements if _norm(row["snippet"]) in _norm(s.text)]
    assert found, "statement not found"
    assert any(all(_norm(w) in _norm(s.speaker or "") for w in row["speaker_all"]) for s in found)
