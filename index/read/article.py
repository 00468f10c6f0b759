"""The article as read from its file: metadata apart, body paragraphs exactly as written.

What every later stage starts from; `index.read.formats` makes it from a file's bytes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

MAX_ARTICLE_BYTES = 2_000_000
Format = Literal["plain", "scraped", "json", "html"]


class Article(BaseModel):
    """An article as read: metadata apart, body paragraphs exactly as written."""

    title: str | None = None
    source: str | None = None
    url: str | None = None
    date: str | None = Field(default=None, description="ISO 8601 date, e.g. 2019-11-21")
    byline: str | None = None
    dateline: str | None = None
    credit: str | None = None
    paragraphs: list[str]
    format: Format
    warnings: list[str] = Field(default_factory=list, description="What was repaired on reading")
