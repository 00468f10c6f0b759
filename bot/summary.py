"""Extractive summaries in the story's own sentences: headline, date and source, the lead
facts, and the key statements with their speakers. Sentences are never cut; a summary
that would not fit its length is given fewer sentences instead.

Choice of sentences: the lead sentence always (news puts the main fact first), then the
sentences that share the most weighted vocabulary with the rest of the story and carry
facts (numbers, dates, names), skipping near-repeats; statements are chosen the same way,
at most one per speaker so that each side of a story is heard. docs/summary.md compares
this with lead-3 and LexRank/TextRank.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from bot.lookup import describe
from bot.passages import StoryIndex, leans_on_previous, story_index
from bot.safe_text import defuse_mentions
from index.statements.quotes import Statement
from index.story import Story

Length = Literal["short", "medium", "long"]

# Character budgets: one Discord message (2,000), one embed description (4,096), and a
# medium between. A little is kept back for the header the caller may add.
BUDGETS: dict[str, int] = {"short": 1900, "medium": 3000, "long": 4000}
_FACTS: dict[str, int] = {"short": 3, "medium": 5, "long": 8}
_STATEMENTS: dict[str, int] = {"short": 2, "medium": 3, "long": 5}
# Sentences sharing more than this share of their terms with a chosen one are repeats.
_MAX_OVERLAP = 0.5
# Entity labels of the facts that make a sentence worth a summary.
_NUMBERS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"})
_DATES = frozenset({"DATE", "TIME"})
_NAMES = frozenset({"PERSON", "ORG", "GPE", "NORP"})


class SummaryLine(BaseModel):
    paragraph: int
    sentence_id: str
    text: str = Field(description="Verbatim sentence or statement")
    speaker: str | None = None
    role: str | None = None


class Summary(BaseModel):
    story_id: str
    title: str
    date: str | None
    source: str | None
    length: Length
    facts: list[SummaryLine]
    statements: list[SummaryLine]
    text: str = Field(description="The summary as a user sees it")


def summarize(story: Story, length: Length = "short") -> Summary:
    """An extractive summary of `story` that fits `length`'s character budget."""
    ix = story_index(story)
    facts = _pick_facts(ix, _FACTS[length])
    statements = _pick_statements(story, ix, _STATEMENTS[length], {f.sentence_id for f in facts})
    while True:
        text = _render(story, facts, statements)
        if len(text) <= BUDGETS[length] or not (facts[1:] or statements):
            break
        # Too long: drop the least central statement first, then the last fact.
        if statements:
            statements = statements[:-1]
        else:
            facts = facts[:-1]
    return Summary(story_id=story.id, title=story.title, date=story.info.date,
                   source=story.info.source, length=length, facts=facts, statements=statements,
                   text=defuse_mentions(text))


def centrality(ix: StoryIndex) -> list[float]:
    """Per sentence: IDF weight of its distinct terms that other sentences share, per term
    (so long sentences don't win by length), plus a bonus for carrying facts."""
    scores = []
    for i, terms in enumerate(ix.sentence_sets):
        shared = sum(ix.idf(t) for t in terms if ix.df(t) > 1)
        labels = {e.label for e in ix.sentences[i].entities}
        bonus = bool(labels & _NUMBERS) + 0.5 * bool(labels & _DATES) + 0.5 * bool(labels & _NAMES)
        scores.append(shared / (len(terms) ** 0.5 or 1) + bonus)
    return scores


def _pick_facts(ix: StoryIndex, n: int) -> list[SummaryLine]:
    """The lead sentence, then the most central others, in reading order."""
    scores = centrality(ix)
    chosen = [0] if ix.sentences else []
    for i in sorted(range(1, len(ix.sentences)), key=lambda i: -scores[i]):
        if len(chosen) >= n:
            break
        text = ix.sentences[i].text
        # A sentence that leans on the one before it reads well only right after it.
        leans = leans_on_previous(text) and i - 1 not in chosen
        if not _repeats(ix, i, chosen) and not _is_quotation(text) and not leans:
            chosen.append(i)
    return [_line(ix, i) for i in sorted(chosen)]


def _pick_statements(story: Story, ix: StoryIndex, n: int, used: set[str]) -> list[SummaryLine]:
    """The most central statement of each speaker; named speakers (people, organisations)
    before anonymous ones ("sources", "an official"), then the most central first."""
    scores = centrality(ix)
    position = {s.id: i for i, s in enumerate(ix.sentences)}
    best: dict[str, tuple[tuple[bool, float], Statement]] = {}
    for st in story.statements:
        ids = [sid for sid in st.sentence_ids if sid in position]
        if not st.speaker or not ids or set(ids) & used:
            continue
        rank = (st.speaker_type != "anonymous", max(scores[position[sid]] for sid in ids))
        if st.speaker not in best or rank > best[st.speaker][0]:
            best[st.speaker] = (rank, st)
    top = sorted(best.values(), key=lambda pair: pair[0], reverse=True)[:n]
    ordered = sorted((st for _, st in top), key=lambda st: (st.paragraph, st.start))
    return [_statement_line(story, st) for st in ordered]


def _repeats(ix: StoryIndex, i: int, chosen: list[int]) -> bool:
    terms = ix.sentence_sets[i]
    return any(len(terms & ix.sentence_sets[j]) > _MAX_OVERLAP * max(len(terms), 1) for j in chosen)


def _is_quotation(text: str) -> bool:
    """A sentence that opens with a quotation mark is a statement, shown as one."""
    return text.lstrip()[:1] in "\"“'‘"


def _line(ix: StoryIndex, i: int) -> SummaryLine:
    s = ix.sentences[i]
    return SummaryLine(paragraph=s.paragraph, sentence_id=s.id, text=s.text)


def _statement_line(story: Story, st: Statement) -> SummaryLine:
    """The statement's whole sentences, so nothing is cut mid-sentence."""
    sentences = [story.sentence_by_id[sid] for sid in st.sentence_ids]
    return SummaryLine(paragraph=st.paragraph, sentence_id=sentences[0].id,
                       text=" ".join(s.text for s in sentences), speaker=st.speaker, role=st.role)


def _render(story: Story, facts: list[SummaryLine], statements: list[SummaryLine]) -> str:
    meta = " · ".join(p for p in (story.info.source, story.info.date) if p)
    lines = [f"**{story.title}**"] + ([meta] if meta else []) + [""]
    lines += [f"{f.text} (¶{f.paragraph})" for f in facts]
    if statements:
        lines += ["", "Key statements:"]
        for st in statements:
            lines.append(f"> {st.text}\n— {describe(st.speaker, st.role)} (¶{st.paragraph})")
    return "\n".join(lines)
