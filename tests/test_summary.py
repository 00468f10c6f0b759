"""Extractive summaries: whole sentences, budgets per length, lead first, statements."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.summary import BUDGETS, summarize
from tests.story_factory import BRIDGE, bridge_with_statements, make_story

# Forty paragraphs of one long, distinct sentence each (about 700 characters): more than
# any budget holds, so every length has to leave sentences out rather than cut them.
LONG_STORY = "title: A long day\nsource: Test Wire\ndate: 2024-01-02\n\n" + "\n\n".join(
    "The river " + " ".join(f"w{i}n{j}" for j in range(110)) + " flooded."
    for i in range(40)
)


@pytest.mark.parametrize("length", ["short", "medium", "long"])
def test_fits_its_budget_with_whole_sentences(length: str) -> None:
    story = make_story(LONG_STORY, "long")
    summary = summarize(story, length)  # type: ignore[arg-type]
    assert len(summary.text) <= BUDGETS[length]
    sentences = {s.text for s in story.sentences}
    assert all(line.text in sentences for line in summary.facts)
    assert summary.facts


def test_short_fits_a_discord_message_and_long_an_embed() -> None:
    story = make_story(LONG_STORY, "long")
    assert len(summarize(story, "short").text) < 2000
    assert len(summarize(story, "long").text) <= 4096
    assert len(summarize(story, "long").facts) > len(summarize(story, "short").facts)


def test_headline_date_source_and_lead_first() -> None:
    summary = summarize(make_story(BRIDGE, "bridge"), "short")
    lines = summary.text.splitlines()
    assert lines[0] == "**Riverton council approves new bridge**"
    assert lines[1] == "Riverton Gazette · 2024-03-12"
    assert summary.facts[0].sentence_id == "p1s1"
    assert [f.paragraph for f in summary.facts] == sorted(f.paragraph for f in summary.facts)


def test_key_statements_carry_speakers_one_per_speaker() -> None:
    summary = summarize(bridge_with_statements(), "medium")
    speakers = [s.speaker or "" for s in summary.statements]
    assert sorted(speakers) == ["Helen Okafor", "Tom Reyes"]
    assert "— Tom Reyes, Council member" in summary.text
    # A statement is shown as its whole sentence, never cut to the quoted words.
    texts = {s.text for s in bridge_with_statements().sentences}
    assert all(st.text in texts for st in summary.statements)


def test_statements_are_not_repeated_as_facts() -> None:
    summary = summarize(bridge_with_statements(), "long")
    fact_ids = {f.sentence_id for f in summary.facts}
    assert not fact_ids & {s.sentence_id for s in summary.statements}


def test_cli_summary_json(tmp_path, capsys) -> None:
    path = tmp_path / "bridge.txt"
    path.write_text(BRIDGE)
    assert main(["summary", "--story", str(path), "--length", "long", "--json"]) == 0
    assert '"length": "long"' in capsys.readouterr().out
