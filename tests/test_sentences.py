"""Sentence splitting and sentence ids."""

from __future__ import annotations

from itertools import pairwise

import pysbd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index import sentences
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


# -- the plain-paragraph path and the pysbd path agree with pysbd's own segment() ---------

_SEGMENTER = pysbd.Segmenter(language="en", clean=False)


def _segment_spans(paragraph: str) -> list[tuple[int, int]]:
    """The spans as found before the fast paths: pysbd's segment(), searched forward."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in _SEGMENTER.segment(paragraph):
        text = piece.strip()
        if not text:
            continue
        start = paragraph.find(text, cursor)
        if start < 0:
            start = cursor + len(paragraph[cursor:]) - len(paragraph[cursor:].lstrip())
            spans.append((start, len(paragraph.rstrip())))
            break
        cursor = start + len(text)
        spans.append((start, cursor))
    return spans or [(0, len(paragraph))]


_WORDS = ["the", "court", "said", "it", "was", "over", "NSO", "WhatsApp", "phones", "is", "may",
          "Mr", "Smith", "no", "etc", "Inc", "St", "A", "1,400", "2014", "12", "3.5", "NSO's",
          "end-to-end", "users'", "Yahoo", "p.m.", "U.S.", "--", "(PTI)", "…", "‘yes’", "“no”",
          "Mr.", "Dr.", "Inc.", "No.", "1.", '"']
_SHAPES = ['{s}.', '{s}?', '{s}!', '"{s}," {name} said.', '"{s}. {s}," he said.', '{s}: "{s}."',
           'He called it "{s}" Then.', "“{s},” {name} added.", "{s}...", "{s}. {s}",
           '"{s}. {s}." {s}.', '"{s}? {s}!" he asked.', "“{s}. {s}.” {s}.", 'He said "{s}." {s}.']


@st.composite
def _paragraphs(draw: st.DrawFn) -> str:
    sentences = []
    for _ in range(draw(st.integers(1, 5))):
        words = draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=10))
        text = " ".join(words)
        shape = draw(st.sampled_from(_SHAPES))
        sentences.append(shape.format(s=text[0].upper() + text[1:], name=draw(st.sampled_from(_WORDS))))
    return " ".join(sentences)


@settings(max_examples=150, deadline=None)
@given(_paragraphs())
def test_same_spans_as_pysbd_segment(paragraph: str) -> None:
    assert split_sentences(paragraph) == _segment_spans(paragraph)


def test_plain_paragraphs_skip_pysbd(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pysbd(*_: object) -> None:
        raise AssertionError("pysbd ran")

    monkeypatch.setattr(sentences, "_pysbd_spans", no_pysbd)
    text = 'WhatsApp sued NSO in 2019. "It was an attack," the firm said. Were 1,400 phones hit?'
    assert _sentences(text) == ["WhatsApp sued NSO in 2019.", '"It was an attack," the firm said.',
                                "Were 1,400 phones hit?"]


def test_an_overlong_paragraph_splits_as_a_whole_one_would(sample_bytes: bytes) -> None:
    # The sample's sentences, abbreviations and quotations included, run into one paragraph
    # several windows long: cut into windows, it must split exactly as pysbd splits it whole.
    article = parse_article(sample_bytes, "sample.txt")
    paragraph = " ".join(article.paragraphs * 8)
    assert len(paragraph) > 3 * sentences.WINDOW
    spans = split_sentences(paragraph)
    assert spans == sentences._pysbd_spans(paragraph)
    assert len(sentences._windows(paragraph)) > 3


def test_windows_cover_hostile_text_without_gaps() -> None:
    paragraph = " ".join(f'John Smith{i} and "Mary Jones{i}.' for i in range(3000))
    windows = sentences._windows(paragraph)
    assert all(end - start <= sentences.WINDOW for start, end in windows)
    assert windows[0][0] == 0 and windows[-1][1] == len(paragraph)
    assert all(paragraph[end:start].isspace() or end == start
               for (_, end), (start, _) in pairwise(windows))
    spans = split_sentences(paragraph)
    assert all(0 <= a < b <= len(paragraph) for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in pairwise(spans))
