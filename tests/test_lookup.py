"""Quote lookup: fuzzy speaker names, BM25 'about' ranking, speaker counts, CLI output."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from bot.lookup import describe, quotes, speaker_matches, speakers
from tests.story_factory import bridge_with_statements, make_story, with_statements

TELECOM = """title: Minister defends data rules

Union Minister Anand Kumar Rao said the new data rules protect users. "The law gives every citizen a right to privacy," Rao told Parliament.

A company spokesperson said the firm would comply with the rules and publish a transparency report.
"""


@pytest.fixture(scope="module")
def telecom():
    return with_statements(make_story(TELECOM, "telecom"), [
        ("Anand Kumar Rao", "Union Minister", "indirect", "the new data rules protect users"),
        ("Anand Kumar Rao", "Union Minister", "direct",
         "The law gives every citizen a right to privacy"),
        ("spokesperson", "company spokesperson", "indirect",
         "the firm would comply with the rules and publish a transparency report"),
    ])


@pytest.mark.parametrize("name", ["rao", "anand kumar", "Anand Kumar Rau", "ANAND KUMAR RAO",
                                  "the minister", "union minister", "mr rao", "Dr. Rao"])
def test_fuzzy_names_find_the_minister(telecom, name: str) -> None:
    found = quotes([telecom], speaker=name)
    assert [q.speaker for q in found] == ["Anand Kumar Rao", "Anand Kumar Rao"]


@pytest.mark.parametrize("name", ["spokesman", "spokeswoman", "company spokesperson",
                                  "the firm's spokesperson"])
def test_role_words_find_the_spokesperson(telecom, name: str) -> None:
    assert [q.speaker for q in quotes([telecom], speaker=name)] == ["spokesperson"]


def test_a_role_found_by_its_initials() -> None:
    story = with_statements(make_story(TELECOM, "telecom"), [
        ("Nia Vance", "Chief financial officer", "indirect", "the new data rules protect users"),
        ("Tom Reid", "chief executive", "indirect", "publish a transparency report"),
    ])
    assert [q.speaker for q in quotes([story], speaker="CFO")] == ["Nia Vance"]
    assert [q.speaker for q in quotes([story], speaker="the cfo")] == ["Nia Vance"]
    assert quotes([story], speaker="COO") == []


def test_an_abbreviated_title_matches_the_word() -> None:
    story = with_statements(make_story(TELECOM, "telecom"), [
        ("Elena Marsh", "Gov.", "indirect", "the new data rules protect users"),
    ])
    assert [q.speaker for q in quotes([story], speaker="the governor")] == ["Elena Marsh"]
    assert quotes([story], speaker="the government") == []


@pytest.mark.parametrize("name", ["raj", "kumar singh", "police", "mayor", "", "the", "dr"])
def test_other_names_do_not_match(telecom, name: str) -> None:
    assert quotes([telecom], speaker=name) == []


def test_every_word_must_match() -> None:
    statement = bridge_with_statements().statements[0]  # Helen Okafor, Mayor
    assert speaker_matches("helen okafor", statement)
    assert not speaker_matches("helen reyes", statement)


def test_about_ranks_by_bm25_and_drops_unrelated(telecom) -> None:
    found = quotes([telecom], about="privacy law")
    assert found[0].text == "The law gives every citizen a right to privacy"
    assert all("transparency" not in q.text for q in found)
    assert quotes([telecom], speaker="rao", about="transparency report") == []


def test_quote_fields(telecom) -> None:
    first = quotes([telecom])[0].model_dump()
    assert {"speaker", "role", "text", "kind", "paragraph"} <= first.keys()
    assert first["kind"] == "indirect" and first["paragraph"] == 1


def test_speakers_with_counts(telecom) -> None:
    counts = speakers([telecom, bridge_with_statements()])
    assert [(s.speaker, s.statements) for s in counts] == [
        ("Anand Kumar Rao", 2), ("Helen Okafor", 2), ("Tom Reyes", 2), ("spokesperson", 1)]
    assert counts[0].role == "Union Minister" and counts[0].story_ids == ["telecom"]


def test_cli_quotes_and_speakers_on_a_file(tmp_path, capsys) -> None:
    path = tmp_path / "telecom.txt"
    path.write_text(TELECOM)
    assert main(["quotes", "--story", str(path), "--json"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out), list)
    assert main(["speakers", "--story", str(path)]) == 0
    assert capsys.readouterr().out.strip()


@pytest.mark.parametrize(("speaker", "role", "setting", "expected"), [
    ("Ravi Shankar Prasad", "Union Minister", "in Parliament",
     "Ravi Shankar Prasad, Union Minister, in Parliament"),
    ("WhatsApp spokesperson", "spokesperson", None, "WhatsApp spokesperson"),
    ("sources", "sources", None, "sources"),
    (None, None, None, "unnamed speaker"),
    ("Ada Stone", "surgeon at Bay Hospital in Halifax", "in Halifax",
     "Ada Stone, surgeon at Bay Hospital in Halifax"),  # the place once
])
def test_describe_speaker(speaker, role, setting, expected) -> None:
    assert describe(speaker, role, setting) == expected


CLUB = """title: Club captain stays on

Feliciano Lopez, the club's captain, said on Monday that he would stay for another season.

"I have unfinished business here," Lopez said. Mr. Lopez added that the squad needed two more defenders.
"""


@pytest.mark.parametrize("name", ["lopez", "Feliciano", "mr lopez", "Lopes", "the captain"])
def test_cli_speaker_lookup_gives_the_full_name(tmp_path, capsys, name: str) -> None:
    path = tmp_path / "club.txt"
    path.write_text(CLUB)
    assert main(["quotes", "--story", str(path), "--speaker", name, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert len(found) == 3
    assert {q["speaker"] for q in found} == {"Feliciano Lopez"}
