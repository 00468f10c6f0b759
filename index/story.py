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

from index.language import parse
from index.read.article import Article
from index.statements.quotes import Statement, extract_statements

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

# 3: sentences and named entities from spaCy's parse; 2: pysbd sentences, no entities.
SCHEMA_VERSION = 3


class Entity(BaseModel):
    """A named entity as spaCy's English model labels it (PERSON, ORG, GPE, DATE, MONEY...)."""

    text: str
    label: str
    start: int = Field(ge=0, description="Offset in the paragraph text")
    end: int = Field(ge=0)


class Sentence(BaseModel):
    id: str
    paragraph: int = Field(ge=1)
    text: str
    start: int = Field(ge=0, description="Offset in the paragraph text")
    end: int = Field(ge=0)
    entities: list[Entity] = Field(default_factory=list)


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

    def paragraph(self, number: int) -> Paragraph:
        return self.paragraphs[number - 1]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_story(article: Article, story_id: str, digest: str, bundled: bool = False) -> Story:
    """Parse the paragraphs once; number them, keep their sentences and entities, find statements."""
    docs = parse(article.paragraphs)
    paragraphs = [_paragraph(n, doc) for n, doc in enumerate(docs, start=1)]
    ends = [[sentence.end for sentence in p.sentences] for p in paragraphs]
    statements = [_with_sentence_ids(s, paragraphs[s.paragraph - 1], ends[s.paragraph - 1])
                  for s in extract_statements(article.paragraphs, docs)]
    info = StoryInfo(
        id=story_id, title=article.title or story_id, date=article.date, source=article.source,
        url=article.url, byline=article.byline, dateline=article.dateline, credit=article.credit,
        format=article.format, paragraphs=len(paragraphs), content_hash=digest, bundled=bundled,
    )
    return Story(info=info, paragraphs=paragraphs, statements=statements)


def _paragraph(number: int, doc: Doc) -> Paragraph:
    text = doc.text
    sentences = [
        Sentence(id=f"p{number}s{i}", paragraph=number, text=text[start:end], start=start,
                 end=end, entities=[_entity(e) for e in doc.ents if start <= e.start_char < end])
        for i, (start, end) in enumerate(_sentence_spans(doc), start=1)
    ]
    return Paragraph(number=number, text=text, sentences=sentences)


def _sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """The parser's sentences, trimmed. A piece without a letter or digit (a closing quote
    mark the parser cut off, a lone dash) belongs to the sentence before it."""
    spans: list[tuple[int, int]] = []
    for sent in doc.sents:
        raw = sent.text
        start = sent.start_char + len(raw) - len(raw.lstrip())
        end = sent.end_char - (len(raw) - len(raw.rstrip()))
        if start >= end:
            continue
        if spans and not any(c.isalnum() for c in doc.text[start:end]):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _entity(span: Span) -> Entity:
    return Entity(text=span.text, label=span.label_, start=span.start_char, end=span.end_char)


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
