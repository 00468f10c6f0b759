"""Statements with speakers: who said what in a story.

`extract_statements` finds direct and reported speech in a story's paragraphs and resolves
each speaker. The work is split by what it knows about:
- `index.quote_spans`: where quotations start and end, across paragraphs;
- `index.reporting`: the reporting verbs and nouns, settings and time phrases;
- `index.attribution`: reporting clauses in a paragraph (speaker phrase, verb, content);
- `index.speakers`: what a speaker phrase names, and coreference across the story.
Here the pieces are put in reading order, speakers resolved, and quotations that no
clause claims are given to the speaker they continue.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from spacy.tokens import Doc

from index.attribution import DIRECT_SHARE, Candidate, ParagraphReading, read_paragraph
from index.normalize import unify_marks
from index.quote_spans import QuoteSpan, find_quote_spans
from index.speakers import Entity, PeopleIndex, SpeakerResolver

log = logging.getLogger(__name__)

# An unattributed quotation shorter than this, or inside a sentence, is a scare quote
# ("a "secure" app"), not a statement.
MIN_ORPHAN_WORDS = 4


class Statement(BaseModel):
    """One attributed statement. `text` is exactly `paragraph_text[start:end]`."""

    speaker: str | None = Field(description="Canonical speaker, e.g. 'Ravi Shankar Prasad'")
    role: str | None = Field(default=None, description="e.g. 'Union Minister'")
    speaker_type: Literal["person", "organisation", "anonymous", "unknown"] = "unknown"
    kind: Literal["direct", "indirect"]
    verb: str | None = Field(default=None, description="Reporting verb or noun as written")
    text: str
    paragraph: int = Field(ge=1, description="Paragraph number, from 1")
    start: int = Field(ge=0, description="Offset of `text` in the paragraph")
    end: int = Field(ge=0)
    sentence_ids: list[str] = Field(default_factory=list)
    setting: str | None = Field(default=None, description="e.g. 'in Parliament'")
    mention: str | None = Field(default=None,
                                description="The speaker as written here, e.g. 'They'")


def extract_statements(paragraphs: Sequence[str], docs: Sequence[Doc]) -> list[Statement]:
    """Statements found in `paragraphs` (paragraph i is number i + 1), in reading order;
    `docs` are their parses."""
    originals = list(paragraphs)
    texts = [unify_marks(p) for p in originals]
    quotes = find_quote_spans(originals)  # curly marks still tell opening from closing
    people = PeopleIndex(texts)
    readings = [read_paragraph(text, spans, people) for text, spans in zip(texts, quotes)]
    statements = _Storyteller(originals, quotes, readings, people).statements()
    log.debug("%d statements in %d paragraphs", len(statements), len(originals))
    return statements


@dataclass
class _Row:
    """A statement before its speaker's final name is known ("Banerjee" may grow into
    "Mamata Banerjee" later in the story)."""

    number: int
    start: int
    end: int
    entity: Entity | None
    cand: Candidate | None
    kind: Literal["direct", "indirect"]


class _Storyteller:
    """Walks the paragraphs in order, resolving speakers as a reader would."""

    def __init__(self, paragraphs: list[str], quotes: list[list[QuoteSpan]],
                 readings: list[ParagraphReading], people: PeopleIndex) -> None:
        self.paragraphs = paragraphs
        self.readings = readings
        self.resolver = SpeakerResolver(people, paragraphs)
        self.group = _quote_groups(quotes)
        self.attributed_groups = {self.group[(n, c.quote.start)] for n, r in enumerate(readings)
                                  for c in r.candidates if c.quote is not None}
        self.group_speaker: dict[int, Entity | None] = {}
        self.waiting: dict[int, list[_Row]] = {}  # group → rows awaiting its speaker
        self.rows: list[_Row] = []
        self.last_speaker: dict[int, Entity | None] = {}  # paragraph → its last speaker

    def statements(self) -> list[Statement]:
        for number, reading in enumerate(self.readings):
            items: list[tuple[int, Candidate | tuple[QuoteSpan, bool]]] = [
                (c.content[0], c) for c in reading.candidates]
            items += [(q.content_start, (q, initial)) for q, initial in reading.orphans]
            for _, item in sorted(items, key=lambda pair: pair[0]):
                if isinstance(item, Candidate):
                    self._attributed(number, item)
                else:
                    self._orphan(number, *item)
        return [self._statement(row) for row in self.rows]

    def _attributed(self, number: int, cand: Candidate) -> None:
        text = self.paragraphs[number]
        start, end = cand.content
        context = " ".join([text[start:end], cand.context, *cand.settings])
        entity = self.resolver.resolve(cand.mention, (number, cand.anchor), context, cand.settings)
        self._add(_Row(number, start, end, entity, cand, _kind(cand, self.readings[number])))
        if cand.quote is not None:
            group = self.group[(number, cand.quote.start)]
            self.group_speaker[group] = entity
            for row in self.waiting.pop(group, []):
                row.entity = entity

    def _orphan(self, number: int, quote: QuoteSpan, sentence_initial: bool) -> None:
        """A quotation no clause claims: a paragraph continuing the last speaker, or part of a
        quotation attributed in a later paragraph; scare quotes are skipped."""
        text = self.paragraphs[number]
        if not (sentence_initial or quote.continued) or quote.words(text) < MIN_ORPHAN_WORDS:
            return
        group = self.group[(number, quote.start)]
        row = _Row(number, quote.content_start, quote.content_end, None, None, "direct")
        if group in self.group_speaker:
            row.entity = self.group_speaker[group]
        elif group in self.attributed_groups:
            self.waiting.setdefault(group, []).append(row)
        else:
            row.entity = self._previous_speaker(number)
        self._add(row)

    def _previous_speaker(self, number: int) -> Entity | None:
        """The speaker a bare quotation continues: earlier in this paragraph, else the
        previous paragraph's last one."""
        if number in self.last_speaker:
            return self.last_speaker[number]
        return self.last_speaker.get(number - 1)

    def _add(self, row: _Row) -> None:
        self.rows.append(row)
        self.last_speaker[row.number] = row.entity

    def _statement(self, row: _Row) -> Statement:
        entity, cand = row.entity, row.cand
        return Statement(
            speaker=entity.canonical if entity else None,
            role=entity.role if entity and entity.role != entity.canonical else None,
            speaker_type=entity.speaker_type if entity else "unknown",
            kind=row.kind,
            verb=cand.verb if cand else None,
            text=self.paragraphs[row.number][row.start:row.end],
            paragraph=row.number + 1,
            start=row.start,
            end=row.end,
            setting="; ".join(cand.settings) if cand and cand.settings else None,
            mention=cand.mention_text if cand else None,
        )


def _kind(cand: Candidate, reading: ParagraphReading) -> Literal["direct", "indirect"]:
    """Direct when the content is a quotation, or mostly one ("said NSO "developed …"")."""
    if cand.quote is not None:
        return "direct"
    start, end = cand.content
    quotes = reading.quotes  # in reading order: bisect to the first one inside the content,
    quoted = 0               # so that a paragraph dense with quotations stays linear
    for i in range(bisect_left(quotes, start, key=lambda q: q.content_start), len(quotes)):
        if quotes[i].content_start > end:
            break
        if quotes[i].content_end <= end + 1:
            quoted += quotes[i].content_end - quotes[i].content_start
    return "direct" if end > start and quoted / (end - start) >= DIRECT_SHARE else "indirect"


def _quote_groups(quotes: list[list[QuoteSpan]]) -> dict[tuple[int, int], int]:
    """One id per quotation, shared by the paragraphs of a quotation that runs on."""
    group: dict[tuple[int, int], int] = {}
    next_id = 0
    for number, spans in enumerate(quotes):
        for span in spans:
            if span.continued and number > 0 and quotes[number - 1]:
                group[(number, span.start)] = group[(number - 1, quotes[number - 1][-1].start)]
            else:
                group[(number, span.start)] = next_id
                next_id += 1
    return group
