"""Raw article bytes → `Article`: decoding, format detection, and the four input formats.

Formats, detected from the content (never from the file name alone; but a file named
``.json`` must hold a JSON article):
- JSON: ``{"title", "source", "url", "date", "byline", "paragraphs": [...]}``
- HTML: a news page, through trafilatura (the optional ``html`` extra)
- plain text with a ``key: value`` header block, or scraped page text whose metadata
  lines are recognised by the rules in `index.read.page_text`.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from index.errors import ArticleError
from index.read.article import MAX_ARTICLE_BYTES, Article
from index.read.dates import parse_date
from index.read.page_text import read_page_text

log = logging.getLogger(__name__)

class _JsonArticle(BaseModel):
    """A JSON article as written; each description is what a refusal says the field should be."""

    title: str | None = Field(default=None, description="a string or null")
    source: str | None = Field(default=None, description="a string or null")
    url: str | None = Field(default=None, description="a string or null")
    date: str | None = Field(default=None, description='a date string such as "2019-11-21", or null')
    byline: str | None = Field(default=None, description="a string or null")
    paragraphs: list[str] = Field(description="a list of strings")


def read_article_file(path: Path) -> Article:
    return parse_article(read_article_bytes(path), path.name)


def read_article_bytes(path: Path) -> bytes:
    """An article file's bytes: at most the limit + 1 are read, whatever the file claims to
    be (a size from `stat` can lie: /proc, a file growing), and only from a regular file
    (/dev/zero, a FIFO or a directory would never end, or block, or mean nothing)."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise ArticleError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ArticleError(f"{path}: is a directory, not an article file") from None
    except PermissionError:
        raise ArticleError(f"{path}: permission denied") from None
    except OSError as exc:
        raise ArticleError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ArticleError(f"{path}: is a directory, not an article file")
        raise ArticleError(f"{path}: not a regular file (a device, pipe or socket); "
                           "give an article file")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(MAX_ARTICLE_BYTES + 1)
        except OSError as exc:
            raise ArticleError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(_too_big(path.name, max(info.st_size, len(data))))
    return data


def parse_article(data: bytes, name: str = "article") -> Article:
    """Parse article bytes of any supported format; raise `ArticleError` with a clear message."""
    text, warnings = decode_article(data, name)
    article = parse_article_text(text, name)
    article.warnings = warnings
    return article


def parse_article_text(text: str, name: str = "article") -> Article:
    """Parse decoded article text (the form the library keeps)."""
    article = _parse_text(text, name)
    if not article.paragraphs:
        raise ArticleError(f"{name}: no paragraphs of text found")
    return article


def _too_big(name: str, size: int) -> str:
    return f"{name}: {size:,} bytes is over the {MAX_ARTICLE_BYTES:,}-byte limit for an article"


def decode_article(data: bytes, name: str) -> tuple[str, list[str]]:
    """Text of the article bytes and what had to be repaired to read them."""
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(_too_big(name, len(data)))
    if not data.strip():
        raise ArticleError(f"{name}: the file is empty")
    if b"\x00" in data[:8192]:
        raise ArticleError(f"{name}: looks like a binary file, not an article")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        note = "not valid UTF-8; read as Windows-1252"
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        note = "not valid UTF-8; undecodable bytes replaced with \ufffd"
    log.warning("%s: %s", name, note)
    return text, [f"{name}: {note}"]


def _parse_text(text: str, name: str) -> Article:
    text = _strip_controls(text)
    stripped = text.lstrip()
    # A .json name is a promise: `null` or `"text"` in one is a broken article, not prose.
    if stripped.startswith(("{", "[")) or name.lower().endswith(".json"):
        return _parse_json(stripped, name)
    if _looks_like_html(stripped):
        return _parse_html(text, name)
    return read_page_text(text, fallback_title=_title_from_name(name))


def _strip_controls(text: str) -> str:
    """Drop C0 control characters other than tab and newlines; they are never article text."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text).replace("\r\n", "\n").replace("\r", "\n")


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return head.startswith(("<!doctype html", "<html")) or bool(re.search(r"<(body|article|p)[\s>]", head))


def _parse_json(text: str, name: str) -> Article:
    try:
        raw = json.loads(text)
    # ValueError, not only JSONDecodeError: an integer over Python's 4,300-digit limit.
    except (ValueError, RecursionError) as exc:
        raise ArticleError(f"{name}: not valid JSON ({_first_line(exc)})") from None
    if not isinstance(raw, dict):
        raise ArticleError(f"{name}: not a JSON article object (an object with 'paragraphs', a "
                           f"list of strings); this file holds {_json_kind(raw)}")
    try:
        parsed = _JsonArticle.model_validate(raw)
    except ValidationError as exc:
        raise ArticleError(f"{name}: {_json_field_problem(exc)}") from None
    except RecursionError:  # lists nested thousands deep
        raise ArticleError(f"{name}: 'paragraphs' should be a list of strings") from None
    paragraphs = [p.strip() for p in parsed.paragraphs if p.strip()]
    return Article(
        title=_clean(parsed.title), source=_clean(parsed.source), url=_clean(parsed.url),
        date=parse_date(parsed.date), byline=_clean(parsed.byline),
        paragraphs=paragraphs, format="json",
    )


def _json_field_problem(exc: ValidationError) -> str:
    """The first wrongly typed (or missing) field, what it should be, and what it is."""
    error = exc.errors()[0]
    field, *rest = error["loc"]
    expected = _JsonArticle.model_fields[str(field)].description
    if error["type"] == "missing":
        return f"a JSON article needs '{field}', {expected}"
    if rest:  # one item of the paragraphs list
        return f"'{field}' should be {expected}; item {int(rest[0]) + 1} is {_json_kind(error['input'])}"
    return f"'{field}' should be {expected}, not {_json_kind(error['input'])}"


def _json_kind(value: object) -> str:
    """What a decoded JSON value is, in JSON's words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    kinds = {int: "a number", float: "a number", str: "a string", list: "a list", dict: "an object"}
    return kinds.get(type(value), type(value).__name__)


def _parse_html(text: str, name: str) -> Article:
    try:
        import trafilatura  # optional extra: only HTML input needs it
        from trafilatura.settings import Document
    except ImportError:
        raise ArticleError(  # the checkout form, as in the README: storybot is not on PyPI
            f"{name}: HTML articles need the html extra: pip install -e '.[html]' in the "
            "StoryBot checkout"
        ) from None
    extracted = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False,
                                            include_tables=False, favor_recall=True)
    doc: dict[str, Any] = extracted.as_dict() if isinstance(extracted, Document) else {}
    body = str(doc.get("text") or "")
    if not body.strip():
        raise ArticleError(f"{name}: no article text found in this HTML page")
    title = _clean(doc.get("title"))
    lines = [line.strip() for line in body.split("\n")]
    paragraphs = [line for line in lines if line and line != title]
    return Article(
        title=title, source=_clean(doc.get("sitename")), url=_clean(doc.get("url")),
        date=parse_date(doc.get("date")), byline=_clean(doc.get("author")),
        paragraphs=paragraphs, format="html",
    )


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _title_from_name(name: str) -> str:
    stem = Path(name).stem
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else "Untitled story"
