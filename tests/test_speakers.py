"""Speaker resolution across a story: surnames, titles, pronouns, roles, organisations.

Invented stories in general English; each checks one kind of reference a reader resolves.
"""

from __future__ import annotations

import pytest

from index.statements.quotes import Statement, extract_statements
from index.statements.speakers import initials


def _by(snippet: str, *paragraphs: str) -> Statement:
    found = [s for s in extract_statements(list(paragraphs)) if snippet in s.text]
    assert found, snippet
    return found[0]


def test_a_surname_is_the_full_name_given_earlier() -> None:
    statement = _by("would not resign", "Feliciano Lopez, the club's captain, arrived late.",
                    '"I will not resign," Lopez said. Lopez added that he would not resign.')
    assert statement.speaker == "Feliciano Lopez"


def test_a_surname_before_the_full_name_is_resolved_too() -> None:
    statement = _by("the fees were fair", "Lopez said the fees were fair.",
                    "Feliciano Lopez has run the club since 2010.")
    assert statement.speaker == "Feliciano Lopez"


@pytest.mark.parametrize("title", ["Mr.", "Mr", "Ms.", "Dr", "Dr."])
def test_a_title_and_surname_is_the_full_name(title: str) -> None:
    statement = _by("was closed", "Priya Nair runs the clinic on Hill Street.",
                    f"{title} Nair said the clinic was closed.")
    assert statement.speaker == "Priya Nair"


def test_a_date_after_a_surname_stays_out_of_the_name() -> None:
    statement = _by("deal was off", "Ravi Prasad chairs the board.",
                    '"The deal was off," Prasad said Monday.')
    assert statement.speaker == "Ravi Prasad"


def test_he_and_she_are_the_latest_person() -> None:
    statements = extract_statements([
        "Helen Okafor is the engineer in charge of the bridge.",
        'She said: "The cables are sound."',
        "Tom Reid runs the ferry. He said the boats would keep running.",
    ])
    assert [s.speaker for s in statements] == ["Helen Okafor", "Tom Reid"]


def test_it_is_the_organisation() -> None:
    statement = _by("would appeal", "Northwind Group lost the case on Friday.",
                    "It said it would appeal.")
    assert (statement.speaker, statement.speaker_type) == ("Northwind Group", "organisation")


def test_a_role_noun_is_the_person_who_held_the_role() -> None:
    statement = _by("taxes would fall", "Finance Minister Ana Ruiz presented the budget.",
                    "The minister said taxes would fall next year.")
    assert statement.speaker == "Ana Ruiz"


def test_a_role_from_an_appositive() -> None:
    statement = _by("the dam was safe", "Sam Hart, the chief engineer, inspected the dam.",
                    "The engineer said the dam was safe.")
    assert statement.speaker == "Sam Hart"


@pytest.mark.parametrize("noun", ["company", "firm"])
def test_the_company_is_the_organisation_named(noun: str) -> None:
    statement = _by("sales had doubled", "Kestrel Systems opened a plant in Leeds.",
                    f"The {noun} said sales had doubled.")
    assert statement.speaker == "Kestrel Systems"


def test_the_ministry_is_the_ministry_named() -> None:
    statement = _by("wells were tested", "The Ministry of Water Resources published a report.",
                    "The ministry said all wells were tested.")
    assert statement.speaker == "Ministry of Water Resources"


def test_an_acronym_is_the_organisation_it_abbreviates() -> None:
    statement = _by("rules would change", "The European Medicines Agency met on Monday.",
                    "The EMA said the rules would change.")
    assert statement.speaker == "European Medicines Agency"


def test_a_spokeswoman_for_an_organisation() -> None:
    statement = _by("the plant was safe", "A spokeswoman for Kestrel Systems said the plant was safe.")
    assert statement.speaker and "Kestrel Systems" in statement.speaker and "spokeswoman" in statement.speaker
    assert statement.speaker_type == "anonymous"


def test_an_unnamed_source_is_its_head_noun() -> None:
    statement = _by("talks had stalled", "An insider said the talks had stalled.")
    assert (statement.speaker, statement.speaker_type) == ("insider", "anonymous")


def test_the_same_unnamed_source_later() -> None:
    statements = extract_statements(["An insider said the talks had stalled.",
                                     "The insider added that a deal was still possible."])
    assert [s.speaker for s in statements] == ["insider", "insider"]


def test_an_unresolvable_pronoun_leaves_no_speaker() -> None:
    assert _by("was late", "She said the train was late.").speaker is None


def test_names_and_acronyms_helpers() -> None:
    assert initials("Public and Commercial Services Union") == "PCSU"
    assert initials("Pacific Gas & Electric Co.") == "PGEC"


def test_saying_after_an_object_is_said_by_the_subject() -> None:
    statement = _by("drive shoppers away", "Local traders have opposed the scheme saying it "
                    "will drive shoppers away.")
    assert statement.speaker == "Local traders"


def test_a_first_name_alone_is_the_full_name_it_begins() -> None:
    statement = _by("lost his keys", "Ozzy Kowalczyk opened the bakery in 1998.",
                    "Ozzy said he had lost his keys twice that week.")
    assert statement.speaker == "Ozzy Kowalczyk"


def test_he_after_an_unnamed_spokesman_is_the_spokesman() -> None:
    statement = _by("would be repaired", "Dana Whitlock chairs the council's transport board.",
                    "A spokesman for the council said the road was safe. The spokesman stressed "
                    "that crews were on site. The bridge would be repaired by June, he said.")
    assert statement.speaker == "spokesman"


def test_an_inverted_said_before_a_name() -> None:
    statement = _by("meant to control", "Cory Lindqvist, of the Open Media Trust, spoke at the "
                    "meeting.", "Instead, said Mr Lindqvist, the locks were meant to control "
                    "buyers rather than thieves.")
    assert statement.speaker == "Cory Lindqvist"


def test_a_relative_clause_of_an_agent_is_its_own_statement() -> None:
    statement = _by("wasting the budget", "The charge was denied by Alan Pryor, who accused the "
                    "coach of wasting the budget.")
    assert statement.speaker == "Alan Pryor"


def test_an_acronym_of_a_run_of_initials() -> None:
    statement = _by("extremely low", "The Chinese Center for Disease Control and Prevention issued "
                    "guidance.", "The CDC said the risk was extremely low.")
    assert statement.speaker == "Chinese Center for Disease Control and Prevention"


@pytest.mark.parametrize("rank", ["Sir", "Dame", "Lord", "Lady"])
def test_a_title_of_rank_stays_in_the_name(rank: str) -> None:
    statement = _by("would not resign", f"{rank} Edmund Blackwood chairs the board.",
                    "Blackwood said he would not resign.")
    assert statement.speaker == f"{rank} Edmund Blackwood"


def test_it_after_a_country_as_subject_is_the_country() -> None:
    statement = _by("plans to invest", "Regulator Ofcom said it would study the offer.",
                    "Singapore has offered rivals equal access to its network.",
                    "It added that it plans to invest heavily in the next five years.")
    assert statement.speaker == "Singapore"
