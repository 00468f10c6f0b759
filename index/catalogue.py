"""The catalogue: what the library knows of every story without opening its file.

One file, ``<data dir>/catalogue.json``, read once at start instead of one file per story:
each story's `StoryInfo`, the stamp of its file, and its term counts for the story-level
first stage. The story files stay the truth. The catalogue is a cache of them: on opening,
files added, replaced or removed since it was written are found by their stamps and read
again (`Library` does this), so a crash between writing a story and writing the catalogue
loses nothing. Terms are stored once in a vocabulary and referred to by number, which
keeps the file about a third the size of spelling them out per story.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ValidationError

from index.story import SCHEMA_VERSION, Story, StoryInfo
from index.tokens import tokenize

log = logging.getLogger(__name__)

CATALOGUE_FILE = "catalogue.json"
CATALOGUE_VERSION: Literal[1] = 1
# Term counts depend on the tokeniser: its output on this text, hashed, is stored with them,
# so a change to tokenisation makes the stored counts stale instead of silently wrong.
_TOKENIZER_PROBE = "NSO's 1,400 phones, 3.5 per cent, a 31-member panel; didn't they say “Targeted”?"


class FileStamp(BaseModel, frozen=True):
    """Identifies one version of a story file: every atomic write makes a new inode."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, stat: os.stat_result) -> FileStamp:
        return cls(size=stat.st_size, mtime_ns=stat.st_mtime_ns, inode=stat.st_ino)


class _StoredEntry(BaseModel):
    info: StoryInfo
    stamp: FileStamp
    terms: list[int]  # indexes into `_StoredCatalogue.vocabulary`
    counts: list[int]  # how often each of `terms` occurs in the story


class _StoredCatalogue(BaseModel):
    """The catalogue file."""

    version: Literal[1]
    story_schema: int
    tokenizer: str
    vocabulary: list[str]
    entries: list[_StoredEntry]


@dataclass(frozen=True, slots=True)
class Listing:
    """One story in the catalogue."""

    info: StoryInfo
    stamp: FileStamp
    terms: dict[str, int]  # term -> count over the title and every paragraph


def listing(story: Story, stamp: FileStamp) -> Listing:
    counts = Counter(tokenize(story.title))
    for paragraph in story.paragraphs:
        counts.update(tokenize(paragraph.text))
    return Listing(info=story.info, stamp=stamp, terms=dict(counts))


def encode(listings: dict[str, Listing]) -> bytes:
    vocabulary: dict[str, int] = {}
    entries = []
    for item in listings.values():
        ids = [vocabulary.setdefault(term, len(vocabulary)) for term in item.terms]
        entries.append(_StoredEntry(info=item.info, stamp=item.stamp, terms=ids,
                                    counts=list(item.terms.values())))
    stored = _StoredCatalogue(version=CATALOGUE_VERSION, story_schema=SCHEMA_VERSION,
                              tokenizer=_tokenizer_fingerprint(), vocabulary=list(vocabulary),
                              entries=entries)
    return stored.model_dump_json().encode("utf-8")


def decode(data: bytes) -> dict[str, Listing] | None:
    """The listings in a catalogue file; None when it is damaged or from another version."""
    try:
        stored = _StoredCatalogue.model_validate_json(data)
    except (ValidationError, ValueError):
        log.warning("the catalogue is damaged or from another version; rebuilding it")
        return None
    if stored.story_schema != SCHEMA_VERSION or stored.tokenizer != _tokenizer_fingerprint():
        log.info("the catalogue was made by another StoryBot version; rebuilding it")
        return None
    words = stored.vocabulary
    try:
        return {
            entry.info.id: Listing(entry.info, entry.stamp,
                                   dict(zip([words[i] for i in entry.terms], entry.counts, strict=True)))
            for entry in stored.entries
        }
    except (IndexError, ValueError):
        log.warning("the catalogue's term index is damaged; rebuilding it")
        return None


def _tokenizer_fingerprint() -> str:
    return hashlib.sha256(" ".join(tokenize(_TOKENIZER_PROBE)).encode()).hexdigest()[:16]
