"""Quote lookup: statements by a (fuzzily named) speaker or about a topic; speaker counts.

Statements carry canonical speakers (attribution resolved "Prasad" and "the minister" to
"Ravi Shankar Prasad"), so a query is matched against the speaker's name and role word by
word: "prasad", "ravi shankar", "Mr Prasad" and "Ravi Shankar Prassad" (one slip) all find
him, "the minister" finds him by his role, "CFO" by the initials of "chief financial
officer", "spokesman" a "spokesperson" (the same first six letters).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from bot.bm25 import PassageIndex
from index.normalize import normalize
from index.statements.quotes import Statement
from index.statements.speech import HONORIFICS, ORG_NOUNS, TITLES
from index.story import Story
from index.tokens import STOP_WORDS, tokenize

# A query word matches a name word at this rapidfuzz ratio (one slip in a 6-letter word).
_WORD_CUTOFF = 80
# ...or the whole name at this ratio, for a slip in a short word ("Rau" for "Rao").
_NAME_CUTOFF = 85
# ...or when both open with the same six letters: "spokesman" / "spokesperson".
_SHARED_PREFIX = 6


class Quote(BaseModel):
    """A statement as the lookup commands show it."""

    speaker: str | None
    role: str | None = None
    text: str
    kind: str = Field(description="'direct' or 'indirect'")
    paragraph: int
    story: str = Field(description="Story title")
    story_id: str
    setting: str | None = None


class SpeakerCount(BaseModel):
    speaker: str
    role: str | None = None
    statements: int
    story_ids: list[str]


def describe(speaker: str | None, role: str | None, setting: str | None = None) -> str:
    """"Ravi Shankar Prasad, Union Minister, in Parliament": the speaker as a reader wants
    them named, the role left out when the name already says it ("WhatsApp spokesperson")."""
    parts = [speaker or "unnamed speaker"]
    if role and role.lower() not in (speaker or "").lower():
        parts.append(role)
    if setting and setting.lower() not in ", ".join(parts).lower():  # "… in Saskatoon" once
        parts.append(setting)
    return ", ".join(parts)


def statements_by(story: Story, name: str) -> list[Statement]:
    """The story's statements whose speaker (or role) matches `name`, in reading order."""
    return [s for s in story.statements if speaker_matches(name, s)]


def speaker_matches(name: str, statement: Statement) -> bool:
    """Every word of `name` (stop words and titles aside) matches a word of the speaker or
    role, or the initials of the role; or the whole name is a near spelling of the speaker's."""
    wanted = [w for w in _name_words(name) if w not in HONORIFICS]  # "dr feld": the name drops it
    # "the company spokesperson": the company is whichever one the story quotes
    wanted = [w for w in wanted if w not in ORG_NOUNS] or wanted
    if not wanted:
        return False
    role = _name_words(statement.role or "")
    known = _name_words(statement.speaker or "") + role
    initials = _initials(role)
    abbreviations = [k for k in role if 3 <= len(k) <= 4]  # "Gov." for "governor"
    if all(w in initials or any(_word_match(w, k) for k in known)
           or (w in TITLES and any(w.startswith(k) for k in abbreviations)) for w in wanted):
        return True
    speaker = " ".join(_name_words(statement.speaker or ""))
    return len(wanted) > 1 and fuzz.ratio(" ".join(wanted), speaker) >= _NAME_CUTOFF


def quotes(stories: Sequence[Story], speaker: str | None = None, about: str | None = None) -> list[Quote]:
    """Statements of `stories`, by `speaker` if given, ranked by BM25 on `about` if given
    (statements that share no term with it are left out), else in reading order."""
    found = [(story, s) for story in stories for s in story.statements
             if speaker is None or speaker_matches(speaker, s)]
    if about:
        found = _rank_about(found, about)
    return [_quote(story, s) for story, s in found]


def speakers(stories: Sequence[Story]) -> list[SpeakerCount]:
    """Everyone quoted in `stories`, with how many statements each made; most first."""
    counts: Counter[str] = Counter()
    roles: dict[str, str | None] = {}
    where: dict[str, list[str]] = {}
    for story in stories:
        for statement in story.statements:
            name = statement.speaker or "unnamed"
            counts[name] += 1
            roles.setdefault(name, statement.role)
            if story.id not in where.setdefault(name, []):
                where[name].append(story.id)
    return [SpeakerCount(speaker=name, role=roles[name], statements=n, story_ids=where[name])
            for name, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def _rank_about(found: list[tuple[Story, Statement]], about: str) -> list[tuple[Story, Statement]]:
    query = tokenize(about)
    scores = PassageIndex([tokenize(s.text) for _, s in found]).scores(query)
    ranked = sorted(zip(scores, range(len(found))), key=lambda pair: (-pair[0], pair[1]))
    return [found[i] for score, i in ranked if score > 0 and set(query) & set(tokenize(found[i][1].text))]


def _quote(story: Story, statement: Statement) -> Quote:
    return Quote(speaker=statement.speaker, role=statement.role, text=statement.text,
                 kind=statement.kind, paragraph=statement.paragraph, story=story.title,
                 story_id=story.id, setting=statement.setting)


def _name_words(text: str) -> list[str]:
    words = normalize(text).lower().replace("'s ", " ").split()
    cleaned = ("".join(ch for ch in w if ch.isalnum()) for w in words)
    return [w for w in cleaned if w and w not in STOP_WORDS]


def _initials(words: list[str]) -> set[str]:
    """Acronyms of a role's runs of words: "chief financial officer" gives "cfo" (and "cf", "fo")."""
    return {"".join(w[0] for w in words[i:j])
            for i in range(len(words)) for j in range(i + 2, min(len(words), i + 5) + 1)}


def _word_match(query: str, known: str) -> bool:
    if query == known:
        return True
    if min(len(query), len(known)) >= _SHARED_PREFIX and query[:_SHARED_PREFIX] == known[:_SHARED_PREFIX]:
        return True
    return len(query) >= 4 and fuzz.ratio(query, known) >= _WORD_CUTOFF
