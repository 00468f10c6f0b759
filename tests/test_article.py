"""Ingestion: every input format, the page-text metadata rules, and bad input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from index.errors import ArticleError
from index.read.article import MAX_ARTICLE_BYTES
from index.read.formats import parse_article
from tests.conftest import DATA

PLAIN = b"""title: Council approves budget
source: The Example Times
url: https://example.com/budget
date: 2021-03-05
byline: Jane Roe

The city council approved the budget on Tuesday.

"It is a fair budget," the mayor said.
"""


def test_plain_text_with_header() -> None:
    article = parse_article(PLAIN, "budget.txt")
    assert article.format == "plain"
    assert article.title == "Council approves budget"
    assert article.source == "The Example Times"
    assert article.url == "https://example.com/budget"
    assert article.date == "2021-03-05"
    assert article.byline == "Jane Roe"
    assert article.paragraphs == [
        "The city council approved the budget on Tuesday.",
        '"It is a fair budget," the mayor said.',
    ]


def test_plain_text_without_header_takes_headline_or_file_name() -> None:
    headline = parse_article(b"Storm hits coast\n\nA storm hit the coast. Trees fell.\n", "x.txt")
    assert headline.title == "Storm hits coast"
    assert headline.paragraphs == ["A storm hit the coast. Trees fell."]
    no_headline = parse_article(b"A storm hit the coast.\n\nTrees fell.\n", "storm-report.txt")
    assert no_headline.title == "Storm report"
    assert len(no_headline.paragraphs) == 2


def test_lines_of_one_paragraph_are_joined() -> None:
    article = parse_article(b"Line one of the\nparagraph goes on.\n\nNext one.", "a.txt")
    assert article.paragraphs[0] == "Line one of the paragraph goes on."


def test_scraped_sample_metadata(sample_bytes: bytes) -> None:
    article = parse_article(sample_bytes, "sample.txt")
    assert article.format == "scraped"
    assert article.title == "WhatsApp Expressed Regret Over Spying Row, Promised To Do Better: Sources"
    assert article.date == "2019-11-21"
    assert article.dateline == "New Delhi"
    assert article.credit == "With inputs from PTI"
    body = "\n".join(article.paragraphs)
    for furniture in ("This Article is From", "New Delhi:", "With inputs from PTI", article.title):
        assert furniture not in body
    assert article.paragraphs[0].startswith("The centre has rejected reports")  # standfirst kept
    assert article.paragraphs[1].startswith("WhatsApp had earlier alleged")  # caption kept
    assert article.paragraphs[-1].startswith("Earlier today, a 31-member committee")
    assert "." not in article.paragraphs  # the stray lone "." line is dropped
    assert len(article.paragraphs) == 9


def test_scraped_rules_are_general() -> None:
    page = b"""Published on March 3, 2020

Flood Waters Rise In River Town

Residents were moved to safer ground overnight.

Flood Waters Rise In River Town

By Sam Writer

Springfield:

Water levels rose by 2.5 metres on Monday, officials said.

Advertisement

(Reporting by Wire Agency; Editing by Desk)
"""
    article = parse_article(page, "page.txt")
    assert article.title == "Flood Waters Rise In River Town"
    assert article.date == "2020-03-03"
    assert article.byline == "Sam Writer"
    assert article.dateline == "Springfield"
    assert article.credit == "Reporting by Wire Agency; Editing by Desk"
    assert article.paragraphs == [
        "Residents were moved to safer ground overnight.",
        "Water levels rose by 2.5 metres on Monday, officials said.",
    ]


@pytest.mark.parametrize("name", ["bengal-governor-tmc-snooping-thehindu", "whatsapp-rumours-warning-ht",
                                  "whatsapp-sues-nso-fe-bd"])
def test_shared_stories_metadata(name: str) -> None:
    article = parse_article((DATA / f"{name}.txt").read_bytes(), f"{name}.txt")
    assert article.format == "plain"
    assert article.title and article.source and (article.url or "").startswith("https://")
    assert all(not p.lower().startswith(("title:", "source:", "url:", "date:")) for p in article.paragraphs)
    assert len(article.paragraphs) >= 6


def test_shared_story_dates() -> None:
    assert parse_article((DATA / "whatsapp-sues-nso-fe-bd.txt").read_bytes()).date == "2019-10-30"
    # "date: unknown" is no date at all, not a guess
    assert parse_article((DATA / "bengal-governor-tmc-snooping-thehindu.txt").read_bytes()).date is None


def test_json_article() -> None:
    doc = {"title": "T", "source": "S", "url": "https://e.com/t", "date": "5 March 2021",
           "paragraphs": ["One.", "  ", "Two."]}
    article = parse_article(json.dumps(doc).encode(), "t.json")
    assert article.format == "json"
    assert (article.title, article.source, article.date) == ("T", "S", "2021-03-05")
    assert article.paragraphs == ["One.", "Two."]


@pytest.mark.parametrize("payload, message", [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "not a JSON article object .*; this file holds a list"),
    (b'{"title": "x", "paragraphs": "one string"}',
     "'paragraphs' should be a list of strings, not a string"),
    (b'{"paragraphs": ["One.", 2]}', "'paragraphs' should be a list of strings; item 2 is a number"),
    (b'{"title": "x"}', "a JSON article needs 'paragraphs', a list of strings"),
    (b'{"title": "x", "paragraphs": []}', "no paragraphs"),
    (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
])
def test_bad_json(payload: bytes, message: str) -> None:
    with pytest.raises(ArticleError, match=message):
        parse_article(payload, "bad.json")


@pytest.mark.parametrize("field, value, message", [
    ("title", 5, "'title' should be a string or null, not a number"),
    ("date", 20191121, """'date' should be a date string such as "2019-11-21", or null, not a number"""),
    ("source", ["PTI"], "'source' should be a string or null, not a list"),
    ("url", {"href": "https://e.com"}, "'url' should be a string or null, not an object"),
    ("byline", True, "'byline' should be a string or null, not a boolean"),
])
def test_a_wrongly_typed_json_field_is_named(field: str, value: object, message: str) -> None:
    doc = {field: value, "paragraphs": ["The dam opened."]}
    with pytest.raises(ArticleError) as refused:
        parse_article(json.dumps(doc).encode(), "dam.json")
    assert str(refused.value) == f"dam.json: {message}"


@pytest.mark.parametrize("payload, holds", [
    (b"null", "null"), (b"42", "a number"), (b'"The dam opened."', "a string"), (b"true", "a boolean"),
])
def test_a_json_file_that_is_not_an_object_is_refused(payload: bytes, holds: str) -> None:
    # Not read as a one-paragraph plain-text story "null".
    with pytest.raises(ArticleError, match=f"^dam.json: not a JSON article object .*holds {holds}$"):
        parse_article(payload, "dam.json")
    assert parse_article(payload, "dam.txt").format == "plain"  # under a text name it is text


def test_the_html_extra_hint_is_the_readme_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # the extra is not installed
    with pytest.raises(ArticleError) as refused:
        parse_article(b"<html><body><p>The dam opened.</p></body></html>", "dam.html")
    hint = "pip install -e '.[html]'"
    assert hint in str(refused.value)
    assert hint in (Path(__file__).parents[1] / "README.md").read_text()


def test_html_article_through_trafilatura() -> None:
    html = b"""<!doctype html><html><head><title>Bridge reopens | Daily Paper</title>
    <meta property="og:site_name" content="Daily Paper"><meta name="date" content="2022-06-01">
    </head><body><nav>Home News Sport</nav><article><h1>Bridge reopens</h1>
    <p>The old bridge reopened to traffic on Wednesday after two years of repairs.</p>
    <script>alert('x')</script>
    <p>"We are delighted," the mayor said at the ceremony in the town square.</p>
    </article><footer>Copyright</footer></body></html>"""
    article = parse_article(html, "bridge.html")
    assert article.format == "html"
    assert article.title == "Bridge reopens"
    assert article.date == "2022-06-01"
    assert any("reopened to traffic" in p for p in article.paragraphs)
    assert not any("alert(" in p for p in article.paragraphs)


@pytest.mark.parametrize("payload, message", [
    (b"", "empty"),
    (b"   \n\n  ", "empty"),
    (b"\x00\x01\x02binary\x00", "binary"),
    (b"...\n\n---\n\n.", "no paragraphs"),
])
def test_bad_input(payload: bytes, message: str) -> None:
    with pytest.raises(ArticleError, match=message):
        parse_article(payload, "bad.txt")


def test_oversized_article_is_refused_with_the_limit() -> None:
    with pytest.raises(ArticleError, match=f"{MAX_ARTICLE_BYTES:,}"):
        parse_article(b"a" * (MAX_ARTICLE_BYTES + 1), "huge.txt")


def test_invalid_utf8_falls_back_and_says_so() -> None:
    article = parse_article("Caf\u00e9 owners said prices rose.".encode("cp1252"), "cafe.txt")
    assert article.paragraphs == ["Caf\u00e9 owners said prices rose."]
    assert any("Windows-1252" in w for w in article.warnings)


def test_display_text_is_kept_exactly() -> None:
    text = "\u201cWe\u2019re here,\u201d she said \u2014 twice."
    assert parse_article(text.encode(), "q.txt").paragraphs == [text]


@pytest.mark.parametrize(("opening", "place"), [
    ("BHUBANESWAR: ", "BHUBANESWAR"),
    ("BEND, Ore. (AP) — ", "BEND, Ore."),
    ("CEDAR RIDGE, Ohio — ", "CEDAR RIDGE, Ohio"),
])
def test_a_dateline_opening_the_first_paragraph_is_metadata(opening: str, place: str) -> None:
    lead = "The opposition party on Tuesday lodged a police complaint against the chief minister."
    article = parse_article(f"title: T\n\n{opening}{lead}\n\nSecond paragraph.\n".encode(), "t.txt")
    assert article.dateline == place and article.paragraphs[0] == lead


def test_a_capitalised_opening_word_is_not_a_dateline() -> None:
    text = "title: T\n\nNATO - the alliance - met on Monday to discuss the budget for next year.\n"
    article = parse_article(text.encode(), "t.txt")
    assert article.dateline is None and article.paragraphs[0].startswith("NATO - the alliance")
