"""Property-based: ingestion and chunking of arbitrary input never crash and keep their invariants."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.article import parse_article
from index.errors import ArticleError
from index.library import Library
from index.sentences import split_sentences
from index.story import build_story
from index.tokens import tokenize

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like articles: words, punctuation, quotes, blank lines, odd unicode.
article_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("abcXYZ .,;:!?\"'\u201c\u201d\u2019-\u2014()\n\n\t0123456789")),
        st.characters(codec="utf-8"),
    ),
    max_size=600,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)


def _parses_or_refuses(data: bytes) -> None:
    try:
        article = parse_article(data, "fuzz.txt")
    except ArticleError as exc:
        assert str(exc).startswith("fuzz.txt: ")
        return
    assert article.paragraphs and all(p.strip() for p in article.paragraphs)


@FAST
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    _parses_or_refuses(data)


@FAST
@given(article_text)
def test_arbitrary_text(text: str) -> None:
    _parses_or_refuses(text.encode("utf-8"))


@FAST
@given(json_values)
def test_arbitrary_json(value: object) -> None:
    _parses_or_refuses(json.dumps(value).encode())


@FAST
@given(st.lists(st.text(max_size=200), max_size=5), st.text(max_size=50))
def test_arbitrary_html(paragraphs: list[str], title: str) -> None:
    body = "".join(f"<p>{p}</p><script>{p}</script>" for p in paragraphs)
    _parses_or_refuses(f"<html><head><title>{title}</title></head><body>{body}</body></html>".encode())


@FAST
@given(article_text)
def test_sentence_spans_in_range_and_ordered(text: str) -> None:
    spans = split_sentences(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start <= end <= len(text)
        previous_end = end


@FAST
@given(article_text)
def test_story_ids_and_offsets(text: str) -> None:
    try:
        article = parse_article(text.encode("utf-8"), "fuzz.txt")
    except ArticleError:
        return
    story = build_story(article, "fuzz", "hash")
    for number, paragraph in enumerate(story.paragraphs, start=1):
        assert paragraph.number == number
        for sentence in paragraph.sentences:
            assert sentence.paragraph == number
            assert paragraph.text[sentence.start:sentence.end] == sentence.text
    for statement in story.statements:
        paragraph = story.paragraph(statement.paragraph)
        assert paragraph.text[statement.start:statement.end] == statement.text
        assert set(statement.sentence_ids) <= set(story.sentence_by_id)


@FAST
@given(st.text(max_size=300))
def test_tokens_are_nonempty_lowercase(text: str) -> None:
    for term in tokenize(text):
        assert term and term == term.lower() and " " not in term


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=800))
def test_library_never_keeps_a_partial_story(library: Library, data: bytes) -> None:
    before = set(library.stories_dir.glob("*")) if library.stories_dir.exists() else set()
    try:
        library.add_bytes(data, "fuzz.txt")
    except ArticleError:
        after = set(library.stories_dir.glob("*")) if library.stories_dir.exists() else set()
        assert after == before
        return
    reopened = Library(library.data_dir)
    assert not reopened.problems
    assert not [p for p in library.stories_dir.iterdir() if p.suffix != ".json"]
