"""The catalogue: what the library knows of every story without opening its file.

Two files, read once at start instead of one file per story:
- ``<data dir>/catalogue.json``: each story's `StoryInfo` and the stamp of its file;
- ``<data dir>/catalogue-<digest>.npz``: the story-level term index (`StoryPostings`),
  named by its content so that the JSON never points at a half-replaced index: a new
  index is written first, then the JSON naming it, then the old index is deleted.

The story files stay the truth. The catalogue is a cache of them: on opening, files
added, replaced or removed since it was written are found by their stamps and read again
(`Library` does this), so a crash between writing a story and writing the catalogue loses
nothing. A damaged catalogue, or one from another version, is rebuilt from the files.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ValidationError

from index.postings import PostingsUpdate, StoryPostings, TermCounts
from index.story import SCHEMA_VERSION, Story, StoryInfo
from index.tokens import tokenize

log = logging.getLogger(__name__)

CATALOGUE_FILE = "catalogue.json"
POSTINGS_GLOB = "catalogue-*.npz"
CATALOGUE_VERSION: Literal[2] = 2
# Term counts depend on the tokeniser: its output on this text, hashed, is stored with them,
# so a change to tokenisation makes the stored index stale instead of silently wrong.
_TOKENIZER_PROBE = "NSO's 1,400 phones, 3.5 per cent, a 31-member panel; didn't they say “Targeted”?"


class FileStamp(BaseModel, frozen=True):
    """Identifies one version of a story file: every atomic write makes a new inode."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, stat: os.stat_result) -> FileStamp:
        return cls(size=stat.st_size, mtime_ns=stat.st_mtime_ns, inode=stat.st_ino)


class Entry(BaseModel, frozen=True):
    """One story in the catalogue."""

    info: StoryInfo
    stamp: FileStamp


class _StoredCatalogue(BaseModel):
    """The catalogue file."""

    version: Literal[2]
    story_schema: int
    tokenizer: str
    postings_file: str
    entries: list[Entry]


@dataclass
class Catalogue:
    """Every stored story's entry, and the term index of the first stage.

    Changes are noted (`put`, `drop`) and folded into the index when it is next needed,
    so that adding many stories rebuilds it once.
    """

    entries: dict[str, Entry] = field(default_factory=dict)
    _postings: StoryPostings = field(default_factory=lambda: StoryPostings.build({}))
    _update: PostingsUpdate | None = None
    _by_content: dict[str, str] | None = None  # content hash -> id, made on first use

    def put(self, info: StoryInfo, stamp: FileStamp, terms: TermCounts) -> None:
        """Add or replace a story; `terms` are its `story_terms`."""
        self._forget_content(info.id)
        self.entries[info.id] = Entry(info=info, stamp=stamp)
        if self._by_content is not None:
            self._by_content[info.content_hash] = info.id
        self._changes().put(info.id, terms)

    def drop(self, story_id: str) -> None:
        self._forget_content(story_id)
        del self.entries[story_id]
        self._changes().drop(story_id)

    def with_content(self, digest: str) -> Entry | None:
        """The story stored from an article with this sha256, if any (a dict, not a scan of
        every entry per article added: that made adding 10,000 quadratic)."""
        if self._by_content is None:
            self._by_content = {e.info.content_hash: i for i, e in self.entries.items()}
        story_id = self._by_content.get(digest)
        return None if story_id is None else self.entries[story_id]

    def _forget_content(self, story_id: str) -> None:
        old = self.entries.get(story_id)
        if old is not None and self._by_content is not None:
            self._by_content.pop(old.info.content_hash, None)

    @property
    def postings(self) -> StoryPostings:
        if self._update is not None:
            self._postings, self._update = self._update.apply(), None
        return self._postings

    def _changes(self) -> PostingsUpdate:
        if self._update is None:
            self._update = PostingsUpdate(self._postings)
        return self._update

    def encode(self) -> tuple[str, bytes, bytes]:
        """(postings file name, postings bytes, catalogue bytes)."""
        postings = self.postings.to_bytes()
        name = f"catalogue-{hashlib.sha256(postings).hexdigest()[:16]}.npz"
        stored = _StoredCatalogue(
            version=CATALOGUE_VERSION, story_schema=SCHEMA_VERSION, tokenizer=_tokenizer_fingerprint(),
            postings_file=name, entries=[self.entries[i] for i in sorted(self.entries)],
        )
        return name, postings, stored.model_dump_json().encode("utf-8")

    @classmethod
    def decode(cls, data: bytes, read: Callable[[str], bytes]) -> Catalogue | None:
        """The catalogue in `data`, its index read with `read(file name)`; None when either
        is damaged, missing or from another version (the caller rebuilds it)."""
        try:
            stored = _StoredCatalogue.model_validate_json(data)
        except (ValidationError, ValueError):
            log.warning("the catalogue is damaged or from another version; rebuilding it")
            return None
        if stored.story_schema != SCHEMA_VERSION or stored.tokenizer != _tokenizer_fingerprint():
            log.info("the catalogue was made by another StoryBot version; rebuilding it")
            return None
        try:
            postings = StoryPostings.from_bytes(read(stored.postings_file))
        except (OSError, ValueError) as exc:
            log.warning("the catalogue's term index is unreadable (%s); rebuilding it", exc)
            return None
        entries = {entry.info.id: entry for entry in stored.entries}
        if sorted(entries) != postings.ids:
            log.warning("the catalogue and its term index disagree; rebuilding them")
            return None
        return cls(entries=entries, _postings=postings)


def story_terms(story: Story) -> dict[str, int]:
    """Term counts over the title and every paragraph: the story as the first stage sees it."""
    counts = Counter(tokenize(story.title))
    for paragraph in story.paragraphs:
        counts.update(tokenize(paragraph.text))
    return dict(counts)


def _tokenizer_fingerprint() -> str:
    return hashlib.sha256(" ".join(tokenize(_TOKENIZER_PROBE)).encode()).hexdigest()[:16]
