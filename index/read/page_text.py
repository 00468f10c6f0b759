"""Plain and scraped article text → `Article`.

Blocks are separated by blank lines. A first block made only of ``key: value`` lines is a
header (plain format). Otherwise, and in every body, general rules recognise the furniture
that page scrapes carry, by shape rather than by wording of any one site:

- a short line holding a full date ("This Article is From Nov 21, 2019") → the date
- a block that appears twice, or a lone leading headline line → the title
- a short block ending in a colon ("New Delhi:") → the dateline
- a short block wholly in parentheses ("(With inputs from PTI)") → the wire credit
- a "By Jane Doe" line → the byline
- blocks with no letters or digits, and the usual web boilerplate words → dropped

Standfirsts and captions are sentences like any other and stay searchable.
"""

from __future__ import annotations

import re
from collections import Counter

from index.read.article import Article
from index.read.dates import DATE_PATTERN, parse_date

_HEADER_KEYS = ("title", "source", "url", "date", "byline", "author")
_HEADER_LINE = re.compile(rf"^\s*({'|'.join(_HEADER_KEYS)})\s*:\s*(.*?)\s*$", re.IGNORECASE)
_DATELINE = re.compile(r"^[A-Z][\w.'-]*(?:[ ,]+[A-Z][\w.'-]*){0,4}\s*:$")
# A dateline opening the first paragraph: "BHUBANESWAR: The party …", "BEND, Ore. (AP) — A
# fire …". The place is in capitals, as wire copy writes it; it is metadata, not the subject.
_INLINE_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3}(?:, [A-Z][\w.]*(?: [A-Z][\w.]*){0,2})?)"
    r"(?: \([A-Za-z]+\))?(?::| [—–-]) +(?=[A-Z\"“‘'])")
_CREDIT = re.compile(r"^\([^()]{2,100}\)$")
# "By Jane Doe", "Written by Jane Doe and Sam Roe, Staff Writers": names, not a sentence.
_NAME = r"[A-Z][\w.'-]*(?:\s+(?:[A-Z][\w.'-]*|and|&))*"
_BYLINE = re.compile(rf"^(?:[Bb]y|[Ww]ritten by|[Rr]eported by)\s+({_NAME})(?:,[^.]*)?$")
_BOILERPLATE = {"advertisement", "also read", "read more", "share", "comments", "follow us"}
_SHORT = 120


def read_page_text(text: str, fallback_title: str) -> Article:
    raw_blocks = _raw_blocks(text)
    header = _header(raw_blocks[0]) if raw_blocks else None
    if header is not None:
        raw_blocks = raw_blocks[1:]
    meta: dict[str, str | None] = dict(header or {})
    blocks = [" ".join(lines) for lines in raw_blocks]
    body, found = _strip_furniture(blocks, title_known=bool(meta.get("title")))
    if body and not found.get("dateline"):
        body[0], place = _inline_dateline(body[0])
        if place:
            found["dateline"] = place
    for key, value in found.items():
        meta[key] = meta.get(key) or value
    return Article(
        title=meta.get("title") or fallback_title,
        source=meta.get("source"),
        url=meta.get("url"),
        date=parse_date(meta.get("date")),
        byline=meta.get("byline") or meta.get("author"),
        dateline=meta.get("dateline"),
        credit=meta.get("credit"),
        paragraphs=body,
        format="plain" if header is not None else ("scraped" if found else "plain"),
    )


def _inline_dateline(paragraph: str) -> tuple[str, str | None]:
    """The first paragraph without its opening dateline, and the dateline's place."""
    match = _INLINE_DATELINE.match(paragraph)
    if match is None or len(paragraph) - match.end() < _SHORT // 2:
        return paragraph, None
    return paragraph[match.end():], match["place"]


def _raw_blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks, each as its non-empty stripped lines."""
    blocks = []
    for part in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in part.splitlines() if line.strip()]
        if lines:
            blocks.append(lines)
    return blocks


def _header(lines: list[str]) -> dict[str, str | None] | None:
    """The header fields if every line of the block is a known ``key: value`` line."""
    fields: dict[str, str | None] = {}
    for line in lines:
        match = _HEADER_LINE.match(line)
        if not match:
            return None
        value = match.group(2).strip()
        fields[match.group(1).lower()] = None if value.lower() in {"", "unknown", "n/a"} else value
    return fields or None


def _strip_furniture(blocks: list[str], title_known: bool) -> tuple[list[str], dict[str, str]]:
    found: dict[str, str] = {}
    repeated = {b for b, n in Counter(blocks).items() if n > 1 and len(b) <= 200}
    body: list[str] = []
    for block in blocks:
        kind = _furniture_kind(block, repeated)
        if kind == "body":
            body.append(block)
        elif kind != "junk":
            found.setdefault(kind, _furniture_value(kind, block))
    if not title_known and "title" not in found:
        _take_lone_headline(body, found)
    return body, found


def _furniture_kind(block: str, repeated: set[str]) -> str:
    if not re.search(r"\w", block) or block.lower().strip(" .:") in _BOILERPLATE:
        return "junk"
    if block in repeated:
        return "title"
    if len(block) <= _SHORT and DATE_PATTERN.search(block) and not block.endswith((".", "?", "!", '"')):
        return "date"
    if _DATELINE.match(block):
        return "dateline"
    if _CREDIT.match(block):
        return "credit"
    if len(block) <= _SHORT and _BYLINE.match(block):
        return "byline"
    return "body"


def _furniture_value(kind: str, block: str) -> str:
    if kind == "dateline":
        return block.rstrip(":").strip()
    if kind == "credit":
        return block.strip("()").strip()
    if kind == "byline":
        match = _BYLINE.match(block)
        return match.group(1).strip() if match else block
    return block


def _take_lone_headline(body: list[str], found: dict[str, str]) -> None:
    """A first block that reads as a headline (short, no closing punctuation) is the title."""
    if len(body) > 1 and len(body[0]) <= _SHORT and not body[0].endswith((".", "?", "!", '"', ":")):
        found["title"] = body.pop(0)
