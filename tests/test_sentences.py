"""Sentence splitting and sentence ids."""

from __future__ import annotations

import pytest

from index.article import parse_article
from index.sentences import split_sentences
from index.story import build_story


def _sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize("text, expected", [
    ("Mr. Smith met Ms. Jones. They talked.", ["Mr. Smith met Ms. Jones.", "They talked."]),
    ("The U.S. economy grew. Markets rose.", ["The U.S. economy grew.", "Markets rose."]),
    ("He lives at No. 10 Downing Street. It is old.", ["He lives at No. 10 Downing Street.", "It is old."]),
    ("Inflation hit 3.5 per cent. Prices rose.", ["Inflation hit 3.5 per cent.", "Prices rose."]),
    ('"We will win. We always do," she said. Then she left.',
     ['"We will win. We always do," she said.', "Then she left."]),
])
def test_split_edge_cases(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


def test_offsets_survive_repeated_sentences() -> None:
    text = "It rained. It rained. Then it stopped."
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["It rained.", "It rained.", "Then it stopped."]
    assert spans[0] != spans[1]


def test_sentence_ids_are_stable_and_numbered_from_one(sample_bytes: bytes) -> None:
    article = parse_article(sample_bytes, "sample.txt")
    first = build_story(article, "s", "h")
    again = build_story(article, "s", "h")
    assert [s.id for s in first.sentences] == [s.id for s in again.sentences]
    assert first.paragraphs[0].number == 1
    assert first.sentences[0].id == "p1s1"
    for paragraph in first.paragraphs:
        for sentence in paragraph.sentences:
            assert paragraph.text[sentence.start:sentence.end] == sentence.text
    assert first.sentence_by_id["p6s1"].text == "The government has denied the allegation."
