"""Parsed story: paragraphs numbered from 1, sentences with stable ids, statements.

Sentence ids are ``p{paragraph}s{sentence}`` (both from 1): stable for a given text, and
what citations point at.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from functools import cached_property
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from index.article import Article
from index.quotes import Statement, extract_statements
from index.sentences import split_sentences

if TYPE_CHECKING:
    from index.search import StoryIndex

# 2: statements found by speaker attribution (with `mention`); version-1 files hold none.
SCHEMA_VERSION = 2


class Sentence(BaseModel):
    id: str
    paragraph: int = Field(ge=1)
    text: str
    start: int = Field(ge=0, description="Offset in the paragraph text")
    end: int = Field(ge=0)


class Paragraph(BaseModel):
    number: int = Field(ge=1)
    text: str
    sentences: list[Sentence]


class StoryInfo(BaseModel):
    """What the catalogue knows of a story without loading it."""

    id: str
    title: str
    date: str | None = None
    source: str | None = None
    url: str | None = None
    byline: str | None = None
    dateline: str | None = None
    credit: str | None = None
    format: str
    paragraphs: int = Field(description="Paragraph count")
    content_hash: str = Field(description="sha256 of the original article bytes")
    bundled: bool = Field(default=False, description="The sample that ships with StoryBot")


class Story(BaseModel):
    info: StoryInfo
    paragraphs: list[Paragraph]
    statements: list[Statement] = Field(default_factory=list)

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def title(self) -> str:
        return self.info.title

    @cached_property
    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p.sentences]

    @cached_property
    def sentence_by_id(self) -> dict[str, Sentence]:
        return {s.id: s for s in self.sentences}

    @cached_property
    def search(self) -> StoryIndex:
        """The retrieval index, built on first use and kept with the story."""
        from index.search import StoryIndex  # late import: search.py builds on this module

        return StoryIndex(self)

    def paragraph(self, number: int) -> Paragraph:
        return self.paragraphs[number - 1]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_story(article: Article, story_id: str, digest: str, bundled: bool = False) -> Story:
    """Number paragraphs, split sentences, find statements."""
    paragraphs = [_paragraph(n, text) for n, text in enumerate(article.paragraphs, start=1)]
    ends = [[sentence.end for sentence in p.sentences] for p in paragraphs]
    statements = [_with_sentence_ids(s, paragraphs[s.paragraph - 1], ends[s.paragraph - 1])
                  for s in extract_statements(article.paragraphs)]
    info = StoryInfo(
        id=story_id, title=article.title or story_id, date=article.date, source=article.source,
        url=article.url, byline=article.byline, dateline=article.dateline, credit=article.credit,
        format=article.format, paragraphs=len(paragraphs), content_hash=digest, bundled=bundled,
    )
    return Story(info=info, paragraphs=paragraphs, statements=statements)


def _paragraph(number: int, text: str) -> Paragraph:
    sentences = [
        Sentence(id=f"p{number}s{i}", paragraph=number, text=text[start:end], start=start, end=end)
        for i, (start, end) in enumerate(split_sentences(text), start=1)
    ]
    return Paragraph(number=number, text=text, sentences=sentences)


def _with_sentence_ids(statement: Statement, paragraph: Paragraph, ends: list[int]) -> Statement:
    """Ids of the sentences a statement overlaps, so citations can point at them.

    `ends` are the paragraph's sentence ends: sentences are in order and disjoint, so the
    first one overlapping is found by bisection, and a paragraph of thousands stays linear.
    """
    ids = []
    for sentence in paragraph.sentences[bisect_right(ends, statement.start):]:
        if sentence.start >= statement.end:
            break
        ids.append(sentence.id)
    return statement.model_copy(update={"sentence_ids": ids})
