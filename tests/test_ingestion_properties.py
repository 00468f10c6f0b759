"""Property-based: ingestion and chunking of arbitrary input never crash and keep their invariants."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from index.errors import ArticleError
from index.read.article import MAX_ARTICLE_BYTES, Article
from index.read.formats import parse_article
from index.store.database import DB_FILE
from index.store.library import Library
from index.story import Story, build_story
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


def _parses_or_refuses(data: bytes) -> Article | None:
    """The article, or None when it was refused with a clear error; anything else fails."""
    try:
        article = parse_article(data, "fuzz.txt")
    except ArticleError as exc:
        assert str(exc).startswith("fuzz.txt: ")
        return None
    assert article.paragraphs and all(p.strip() for p in article.paragraphs)
    return article


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


# JSON that breaks parsers: nesting past the recursion limit, integers past Python's
# 4,300-digit conversion limit, and both inside an otherwise valid article.
hostile_json = st.one_of(
    st.builds(lambda depth, opener: opener * depth, st.integers(1, 60_000), st.sampled_from(["[", '{"a":'])),
    st.builds(lambda depth: '{"paragraphs": ' + "[" * depth + '"x"' + "]" * depth + "}",
              st.integers(1, 5_000)),
    st.builds(lambda digits: '{"paragraphs": ["Rain fell."], "date": ' + "9" * digits + "}",
              st.integers(1, 20_000)),
    st.builds(lambda number: '{"title": ' + number + ', "paragraphs": ["Rain fell."]}',
              st.sampled_from(["1e999999", "-1e999999", "NaN", "Infinity", "1" * 5000])),
)


@FAST
@given(hostile_json)
@example('{"paragraphs": ["Rain fell."], "date": ' + "9" * 5000 + "}")  # was a ValueError
def test_hostile_json(text: str) -> None:
    _parses_or_refuses(text.encode())


@pytest.mark.parametrize(("count", "refused"), [(10_300, False), (11_500, True)])
def test_huge_json_up_to_the_limit(count: int, refused: bool) -> None:
    # ~1.9 MB parses into every paragraph; ~2.1 MB is refused before it is parsed.
    paragraphs = [f"Paragraph {n} says the council met on day {n} of the year." * 3 for n in range(count)]
    data = json.dumps({"title": "Big", "paragraphs": paragraphs}).encode()
    assert (len(data) > MAX_ARTICLE_BYTES) is refused
    if refused:
        with pytest.raises(ArticleError, match="limit"):
            parse_article(data, "big.json")
    else:
        assert parse_article(data, "big.json").paragraphs == paragraphs


# Scraped page text: furniture lines in the shapes page_text recognises, around free text.
FURNITURE = ["This Article is From Nov 21, 2019", "New Delhi:", "(With inputs from PTI)",
             "By Jane Doe", "Advertisement", "Also Read", "***", "Updated: 21 Nov 2019 10:04 IST",
             "title: Header title", "source: Wire"]
scraped_text = st.lists(
    st.one_of(st.sampled_from(FURNITURE), article_text.filter(lambda t: "\n\n" not in t)),
    min_size=1, max_size=12,
).map(lambda blocks: "\n\n".join(blocks))


def _words(text: str) -> str:
    """The words of ``text``: C0 controls dropped (they are never article text), spaces collapsed."""
    return " ".join(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text).split())


@FAST
@given(scraped_text)
def test_scraped_text(text: str) -> None:
    article = _parses_or_refuses(text.encode())
    if article is not None and article.format != "json":
        # Paragraphs are the source's own words: lines joined, never rewritten.
        source = _words(text)
        assert all(_words(p) in source for p in article.paragraphs)


SCRIPT_MARK = "zqscriptzq"


@FAST
@given(st.lists(st.text(max_size=200), max_size=5), st.text(max_size=50))
def test_arbitrary_html(paragraphs: list[str], title: str) -> None:
    body = "".join(f"<p>{p}</p><script>var {SCRIPT_MARK} = 1; {p}</script>" for p in paragraphs)
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    article = _parses_or_refuses(html.encode())
    if article is not None:
        assert SCRIPT_MARK not in " ".join(article.paragraphs)


HOSTILE_HTML = """<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<html><head><title>Dam opens</title><style>body {{ color: red }} .zqstylezq {{}}</style>
<script>alert("zqscriptzq")</script><meta http-equiv="refresh" content="0;url=https://evil.example">
</head><body><article>
<p onclick="alert('zqhandlerzq')">The Alpha dam opened on Monday, officials said, after a decade of work.</p>
<p>Engineers said the reservoir would fill by June. &xxe; <img src=x onerror="zqerrorzq()"></p>
<iframe src="https://evil.example/zqframezq"></iframe>
<p>The dam cost 40 million dollars and will power 90,000 homes in the valley.</p>
</article></body></html>"""


def test_html_is_parsed_for_text_never_run_or_resolved() -> None:
    article = parse_article(HOSTILE_HTML.encode(), "dam.html")
    text = " ".join([article.title or "", *article.paragraphs])
    assert "The Alpha dam opened on Monday" in text and "90,000 homes" in text
    assert not [mark for mark in re.findall(r"zq\w+zq", HOSTILE_HTML) if mark in text]
    assert "root:" not in text and "<" not in text  # no entity resolved, no markup kept


@FAST
@given(article_text)
def test_sentence_spans_in_range_and_ordered(text: str) -> None:
    try:
        story = build_story(parse_article(text.encode(), "a.txt"), "a", "0")
    except ArticleError:
        return
    for paragraph in story.paragraphs:
        previous_end = 0
        for sentence in paragraph.sentences:
            assert previous_end <= sentence.start < sentence.end <= len(paragraph.text)
            assert sentence.text == paragraph.text[sentence.start:sentence.end]
            previous_end = sentence.end


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
    before = _stored(library)
    try:
        library.add_bytes(data, "fuzz.txt")
    except ArticleError:
        assert _stored(library) == before
        return
    reopened = Library(library.data_dir)
    assert not reopened.problems and len(_stored(reopened)) == len(before) + 1


def _stored(library: Library) -> list[str]:
    return [info.id for info in library.infos() if not info.bundled]


# Text dense in what attribution reads: reported sentences in the usual shapes (names and
# titles, reporting verbs, "that" clauses, quotations with straight, curly or missing marks,
# fronted quotes, asides, pronouns), with arbitrary characters mixed in.
_SPEAKERS = ["Mayor Helen Okafor", "Mr. Reyes", "the company", "a spokesperson for NSO Group",
             "she", "they", "Union Minister Ravi Shankar Prasad", "officials", "Okafor, 52,"]
_VERBS = ["said", "told reporters", "added", "denied", "warned", "said in a statement"]
_MARKS = [('"', '"'), ("\u201c", "\u201d"), ("\u2018", "\u2019"), ('"', ""), ("", "\u201d")]
_noise = st.text(max_size=3)
_clause = st.lists(st.one_of(st.sampled_from(["the bridge will open", "we will fight", "in June",
                                              "it was an attack", "42 per cent"]), _noise),
                   min_size=1, max_size=4).map(" ".join)


def _reported(shape: int, who: str, verb: str, marks: tuple[str, str], clause: str, end: str) -> str:
    opening, closing = marks
    return [
        f"{who} {verb} that {clause}{end}",
        f"{who} {verb}: {opening}{clause}{end}{closing}",
        f"{opening}{clause},{closing} {who} {verb}{end}",
        f"{opening}{clause},{closing} {verb} {who}, {opening}{clause}{end}{closing}",
        f"According to {who}, {clause}{end}",
    ][shape]


_sentence = st.one_of(
    st.builds(_reported, st.integers(0, 4), st.sampled_from(_SPEAKERS), st.sampled_from(_VERBS),
              st.sampled_from(_MARKS), _clause, st.sampled_from([".", "!", "?", "", "..."])),
    _noise,
)
attribution_text = st.lists(st.lists(_sentence, min_size=1, max_size=6).map(" ".join),
                            min_size=1, max_size=5).map("\n\n".join)


def _check_story(story: Story) -> None:
    """Every id and offset in range, every statement a substring of its paragraph and story."""
    ids = set(story.sentence_by_id)
    for number, paragraph in enumerate(story.paragraphs, start=1):
        assert paragraph.number == number
        for sentence in paragraph.sentences:
            assert 0 <= sentence.start <= sentence.end <= len(paragraph.text)
            assert paragraph.text[sentence.start:sentence.end] == sentence.text
    for statement in story.statements:
        assert 1 <= statement.paragraph <= len(story.paragraphs)
        paragraph = story.paragraph(statement.paragraph)
        assert 0 <= statement.start < statement.end <= len(paragraph.text)
        assert paragraph.text[statement.start:statement.end] == statement.text
        assert statement.text.strip() and statement.sentence_ids
        assert set(statement.sentence_ids) <= ids
        assert statement.speaker is None or statement.speaker.strip()


@FAST
@given(attribution_text)
@example('"A b c," said Mr. Reyes, "the bridge will open."')  # was an IndexError
def test_attribution_on_quote_dense_text(text: str) -> None:
    article = _parses_or_refuses(text.encode())
    if article is not None:
        story = build_story(article, "fuzz", "hash")
        event("has statements" if story.statements else "no statements")  # shown with --hypothesis-show-statistics
        _check_story(story)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(attribution_text, st.text(max_size=40), st.sampled_from([".txt", ".json", ".html", ".md"]))
def test_stored_stories_are_whole_and_named_safely(
    library: Library, text: str, name: str, suffix: str
) -> None:
    # Any file name, however hostile, only ever picks an id: the story is stored whole in
    # the database, nothing else is written, and it reads back exactly as it was built.
    before = _stored(library)
    try:
        result = library.add_bytes(text.encode(), name + suffix)
    except ArticleError:
        assert _stored(library) == before
        return
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", result.info.id)
    files = {str(p.relative_to(library.data_dir)) for p in library.data_dir.rglob("*")}
    assert files <= {DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm"}
    stored = Library(library.data_dir).get(result.info.id)
    assert stored == library.get(result.info.id)
    _check_story(stored)
