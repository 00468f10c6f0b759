"""Answer-type facts found in sentences, and the per-story search index."""

from __future__ import annotations

from index.features import names_instance_of, opens_with_reference, sentence_facts, verbs_after
from tests.story_factory import BRIDGE, make_story


def test_counts_are_numbers_but_not_years_or_name_digits() -> None:
    facts = sentence_facts("In 2014, 1,400 phones and eight laptops were hit under the IT Act-2000.")
    assert facts.numbers == ("1,400", "eight")
    assert facts.dates == ("2014",)
    assert {"phone", "laptop"} <= set(facts.counted)


def test_amounts_and_dates() -> None:
    assert sentence_facts("It cost $4 million.").amounts
    assert sentence_facts("Prices rose 12 per cent.").amounts
    assert not sentence_facts("It cost a lot.").amounts
    assert sentence_facts("It cost $4 million.").money
    assert not sentence_facts("Prices rose 12 per cent.").money
    assert sentence_facts("They met last week.").dates == ("last week",)
    assert sentence_facts("She may resign.").dates == ()  # "may", the verb


def test_date_after_a_reporting_verb_dates_the_saying() -> None:
    facts = sentence_facts("The minister said on Sunday that the bridge opened in May.")
    assert facts.speech_dates == ("said",)
    assert len(facts.dates) == 2


def test_names_and_places() -> None:
    proper = frozenset({"abraham"})
    facts = sentence_facts('Users in Lorca said Mr. Tom Reyes met the Centre for Internet and '
                           'Society; "Abraham agreed," she said.', proper)
    assert "Users" not in facts.names  # sentence-initial, not a name elsewhere
    assert {"Lorca", "Mr. Tom Reyes", "Centre for Internet and Society", "Abraham"} <= set(facts.names)
    assert facts.places == ("Lorca",)


def test_names_instance_of_a_noun() -> None:
    assert names_instance_of("They used the Pegasus spyware.", "spywar", set(), frozenset())
    assert names_instance_of("Several countries, including Bahrain, joined.", "countri", set(),
                             frozenset())
    assert not names_instance_of("In a court filing, WhatsApp said so.", "court", set(), frozenset())
    assert not names_instance_of("A top Facebook executive spoke.", "execut", {"facebook"},
                                 frozenset())


def test_verbs_after_a_noun() -> None:
    assert verbs_after("Five people were lynched on Sunday.", "peopl") == {"lynch"}
    assert verbs_after("Nine members supported it.", "member") == {"support"}
    assert verbs_after("People gathered.", "member") == set()


def test_opens_with_reference() -> None:
    assert opens_with_reference("They also claimed that it worked.")
    assert opens_with_reference('"It was wrong," she said.')
    assert not opens_with_reference("Theyre is no such word.")


def test_story_index_is_built_once_and_kept() -> None:
    story = make_story(BRIDGE, "bridge")
    assert story.search is story.search
    ix = story.search
    assert ix.match_terms(["okafr"]) == ["okafr"]  # too short to guess
    assert ix.match_terms(["northgat", "millbrok"]) == ["northgat", "millbrook"]
    assert ix.df("bridg") == 3 and ix.df("disput") == 1
    assert ix.idf("absent") == ix.idf("disput")  # a missing word weighs as a rare one


def test_a_date_after_a_speech_verb_dates_the_saying_not_after_a_decision() -> None:
    # The speech verbs come from the attribution lexicon, with every inflection.
    denial = sentence_facts("The firm denied on Monday that it had sold data.")
    assert denial.speech_dates == ("denied",)
    assert sentence_facts("Officials were alleging on Friday that votes were lost.").speech_dates
    assert not sentence_facts("The council decided on Monday to shut the pool.").speech_dates


def test_a_name_in_apposition_is_an_instance_of_the_noun() -> None:
    text = "Construction will be carried out by Northgate Engineering, a firm based in Carlton."
    assert names_instance_of(text, "firm", set(), frozenset())
    assert not names_instance_of("The work went to a firm based in Carlton.", "firm", set(),
                                 frozenset())
