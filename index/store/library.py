"""The story library: each shelf's stories in SQLite (see `index.store.database`).

A shelf is one library: the operator's (`OPERATOR`, the one `storybot index` manages, read
by DMs and the console) or one Discord server's. Each stored story is one row: its id,
content hash and metadata as columns, the story document (`StoredStory`, JSON: the parsed
story and the original article text, so it can be re-indexed when the format changes)
and its term counts for library-wide search.

Adding is one transaction (`store`): the id is claimed and the content hash checked
inside it, so concurrent writers never overwrite or duplicate a story; the costly part
(`prepare`: reading, sentences, attribution) happens before it, outside any lock.
A shelf's change counter is bumped by every change, and each access compares it, so a
story stored by another process (`storybot index add` beside a running bot) is seen at
once. Listing reads the metadata columns only; a story is parsed on first use and kept
in a small cache; questions over every story go through `candidates`. No pickle: JSON.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from pydantic import BaseModel, ValidationError

from index.errors import CorruptStoryError, LibraryError, StoryBotError, UnknownStoryError
from index.read.formats import (
    Article,
    decode_article,
    parse_article,
    parse_article_text,
    read_article_bytes,
)
from index.store.database import Database
from index.store.postings import PostingsUpdate, StoryPostings
from index.store.sample import SAMPLE_ID, bundled_story
from index.story import SCHEMA_VERSION, Story, StoryInfo, build_story, content_hash
from index.tokens import tokenize

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

log = logging.getLogger(__name__)

OPERATOR = "operator"  # the operator's shelf: `storybot index`, DMs and the console
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
CANDIDATES = 3  # at most this many stories go from the first stage to the answer engine,
CLOSE = 0.9  # and only those within 10% of the best one's score (see `Library.candidates`)
_FEW = 10  # in libraries this small, every story sharing a term is a candidate
_GENERIC_NAMES = {"article", "attachment", "story", "file", "untitled", "index", "page"}
DATA_DIR_VARIABLE = "STORYBOT_DATA_DIR"
_INFO_COLUMNS = ("id", "title", "date", "source", "url", "byline", "dateline", "credit", "format",
                 "paragraphs", "content_hash", "bundled")
_IN_CHUNK = 500  # ids per `IN (...)`: under SQLite's variable limit
# Term counts depend on the tokeniser: its output on this text, hashed, is kept with them,
# so that a change to tokenisation is reported (run `storybot index rebuild`), not silently wrong.
_TOKENIZER_PROBE = "NSO's 1,400 phones, 3.5 per cent, a 31-member panel; didn't they say “Targeted”?"


class StoredStory(BaseModel):
    """The story document."""

    schema_version: int
    checksum: str
    article_name: str
    article_text: str
    story: Story


class _Kept(BaseModel):
    """What re-indexing needs of a document of any schema version."""

    article_name: str
    article_text: str


class AddResult(BaseModel):
    info: StoryInfo
    duplicate: bool = False
    warnings: list[str] = []


Source = Path | tuple[bytes, str]  # an article file, or an article's bytes and name
Ranker = Callable[[list[str], int], list[tuple[str, float]]]  # (terms, n) -> best (id, score)


@dataclass(frozen=True)
class Prepared:
    """An article read, analysed and serialised under the id it would like, not yet stored."""

    title: str | None  # the article's own (without one, the title is the id)
    warnings: list[str]
    document: bytes  # the StoredStory, as JSON
    info: StoryInfo
    terms: dict[str, int]


def _parse(source: Source) -> Prepared | StoryBotError:
    """The costly part of adding an article (sentences, attribution, terms, serialising): a
    plain function of its input, so that `Library.add_many` can run it in other processes."""
    try:
        data, name = (read_article_bytes(source), source.name) if isinstance(source, Path) else source
        text, warnings = decode_article(data, name)
        return _prepared(text, name, content_hash(data), warnings)
    except StoryBotError as exc:
        return exc


def _prepared(text: str, name: str, digest: str, warnings: list[str],
              story_id: str | None = None) -> Prepared:
    """Decoded article text -> a document: for new articles and for re-indexing kept ones."""
    article = parse_article_text(text, name)
    story = build_story(article, story_id or _preferred_id(name, article.title), digest)
    stored = StoredStory(schema_version=SCHEMA_VERSION, checksum=_checksum(story), article_name=name,
                         article_text=text, story=story)
    return Prepared(article.title, warnings, _encoded(stored), story.info, article_terms(article, story.title))


def prepare(data: bytes, name: str) -> Prepared:
    """`_parse` for callers that hold no library lock while it runs (a 1 MB article takes
    seconds); raises the `StoryBotError` that `_parse` returns."""
    parsed = _parse((data, name))
    if isinstance(parsed, StoryBotError):
        raise parsed
    return parsed


def article_terms(article: Article, title: str) -> dict[str, int]:
    """Term counts over the title and every paragraph: the story as the first stage sees it."""
    counts = Counter(tokenize(title))
    for paragraph in article.paragraphs:
        counts.update(tokenize(paragraph))
    return dict(counts)


def tokenizer_fingerprint() -> str:
    return hashlib.sha256(" ".join(tokenize(_TOKENIZER_PROBE)).encode()).hexdigest()[:16]


def _preferred_id(name: str, title: str | None) -> str:
    stem = slugify(Path(name).stem)
    return stem if stem and stem not in _GENERIC_NAMES else slugify(title or "") or "story"


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].rstrip("-")


def validate_id(story_id: str) -> str:
    """`story_id` if it is a well-formed id; ids never hold path separators or dots."""
    if not _ID.match(story_id):
        raise UnknownStoryError(
            f"'{story_id[:80]}' is not a story id (ids are lower-case letters, digits and dashes)"
        )
    return story_id


@lru_cache(maxsize=1)
def default_data_dir() -> Path:
    """The per-user data folder, used when neither --data-dir nor $STORYBOT_DATA_DIR is set."""
    return Path(platformdirs.user_data_dir("storybot", appauthor=False))


def story_from_file(path: Path) -> Story:
    """A story from an article file, indexed in memory and not added to the library."""
    data = read_article_bytes(path)
    return build_story(parse_article(data, path.name), slugify(path.stem) or "story", content_hash(data))


class Library:
    """One shelf of the data directory's database. Not thread-safe: callers sharing one
    hold a lock (the SQLite connection itself is guarded by `Database`)."""

    def __init__(self, data_dir: Path, shelf: str = OPERATOR, cache_size: int = 64,
                 database: Database | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.shelf = shelf
        self.problems: list[str] = []
        self._db = database or Database(self.data_dir)
        self._cache_size = cache_size
        self._generation: int | None = None  # the shelf's change counter when last read
        self._seqs: dict[str, int] = {}  # id -> row of the stored version
        self._infos: dict[int, StoryInfo] = {}  # by row
        self._by_content: dict[str, str] = {}  # content hash -> id
        self._sample_removed = False
        self._postings: StoryPostings | None = None
        self._postings_seqs: dict[str, int] = {}  # the versions `_postings` holds
        self._loaded: OrderedDict[int, Story] = OrderedDict()
        self._batched = False
        self._dirty = False

    # -- reading ---------------------------------------------------------------------------

    def infos(self) -> list[StoryInfo]:
        """Stored stories in id order; the bundled sample alone when none are stored."""
        self._refresh()
        infos = sorted(self._infos.values(), key=lambda info: info.id)
        return infos or [bundled_story().info]

    def is_empty(self) -> bool:
        """Whether no story is stored (the bundled sample then stands in)."""
        self._refresh()
        return not self._seqs

    def get(self, story_id: str) -> Story:
        """A stored story, parsed on first use; reads nothing else, however big the library.
        The bundled sample is found by its id until it is removed from the shelf."""
        validate_id(story_id)
        # One row by its key, not the shelf's listing: `ask --story ID` costs the same in a
        # library of 10,000 stories as in one of one.
        with self._db.reading() as conn:
            row = None if conn is None else conn.execute(
                "SELECT stories.seq, shelves.sample_removed FROM shelves LEFT JOIN stories "
                "ON stories.shelf = shelves.shelf AND stories.id = ? WHERE shelves.shelf = ?",
                (story_id, self.shelf)).fetchone()
        seq = row["seq"] if row else None
        if seq is None:
            if story_id == SAMPLE_ID and not (row and row["sample_removed"]):
                return bundled_story()
            raise UnknownStoryError(f"no story '{story_id}' in the library (see `storybot index list`)")
        story = self._loaded.get(seq)
        if story is None:
            story = self._read(story_id, seq)
        self._loaded.move_to_end(seq)
        return story

    def default_story(self) -> Story:
        """The story added last that can be read; the bundled sample when none can."""
        self._refresh()
        for story_id in sorted(self._seqs, key=self._seqs.__getitem__, reverse=True):
            try:
                return self.get(story_id)
            except CorruptStoryError as exc:
                log.warning("%s", exc)
        return bundled_story()

    def candidates(self, question: str, k: int = CANDIDATES, close: float = CLOSE,
                   rank: Ranker | None = None) -> list[Story]:
        """The stories to answer `question` from when it is asked of the whole library.

        The story-level first stage (see `index.store.postings`): the story whose whole text best
        matches, and up to `k` - 1 more scoring within `close` of it, best first. Only
        those are read. Passing on more than the close ones only adds chances to answer
        from an unrelated story: on the dev questions over a 10,000-story library, the five
        best gave top-1 0.71 and 6/12 abstentions, the best alone 0.74 and 10/12, at a
        fraction of the time. Stories sharing no term with the question are left out.
        `rank` replaces the term index's ranking (the bench compares SQLite FTS5's).
        """
        if self.is_empty():
            return [] if self._sample_removed else [bundled_story()]
        terms = tokenize(question)
        postings = self.postings()
        if len(self._seqs) <= _FEW:
            # BM25's IDF means little over a handful of stories (a term in half of them
            # weighs 0, in more it is negative): every story sharing a term is read.
            # Best first by the question's words they hold, then by score.
            sharing, scores = postings.sharing(terms), dict(postings.top(terms, _FEW))
            ranked = [(i, 1.0) for i in sorted(sharing, key=lambda i: (-sharing[i], -scores[i], i))]
        else:
            ranked = (rank or postings.top)(terms, k)
        best = ranked[0][1] if ranked else 0.0
        stories, damaged = [], False
        for story_id, score in ranked:
            if score <= 0 or score < close * best:
                break
            try:
                stories.append(self.get(story_id))
            except (CorruptStoryError, UnknownStoryError) as exc:  # damaged, or just removed
                damaged = True
                self.problems.append(str(exc))
                log.warning("%s", exc)
        if damaged and not stories and not self._sample_removed:
            return [bundled_story()]  # as when nothing is stored, rather than no answer
        return stories

    def postings(self) -> StoryPostings:
        """The shelf's term index, brought up to date with the stored stories: from the
        snapshot in the database (or the one in memory), with the stories added, replaced
        or removed since folded in."""
        self._refresh()
        if self._postings is not None and self._postings_seqs == self._seqs:
            return self._postings
        base, held = self._postings, self._postings_seqs
        if base is None:
            base, held = self._read_snapshot()
        update = PostingsUpdate(base)
        for story_id, seq in held.items():
            if self._seqs.get(story_id) != seq:
                update.drop(story_id)
        new = {seq: story_id for story_id, seq in self._seqs.items() if held.get(story_id) != seq}
        for seq, terms in self._terms_of(list(new)) if new else ():
            update.put(new[seq], terms)
        self._postings = update.apply() if new or len(held) != len(self._seqs) else base
        self._postings_seqs = {story_id: self._seqs[story_id] for story_id in self._postings.ids}
        return self._postings

    def _refresh(self) -> None:
        """Catch up with the database when the shelf's change counter moved (another
        process, or this one, changed it); one primary-key read otherwise."""
        with self._db.reading() as conn:
            if conn is None:
                self._reset(0)
                return
            row = conn.execute("SELECT generation, sample_removed FROM shelves WHERE shelf = ?",
                               (self.shelf,)).fetchone()
            generation = row["generation"] if row else 0
            if generation == self._generation:
                return
            if self._generation is None:
                self.problems = list(self._db.problems) + self._tokenizer_problem(conn)
            self._sample_removed = bool(row and row["sample_removed"])
            rows = conn.execute(f"SELECT seq, {', '.join(_INFO_COLUMNS)} FROM stories WHERE shelf = ?",
                                (self.shelf,)).fetchall()
        infos = {row["seq"]: self._infos.get(row["seq"]) or _info(row) for row in rows}
        self._infos = infos
        self._seqs = {info.id: seq for seq, info in infos.items()}
        self._by_content = {info.content_hash: info.id for info in infos.values()}
        for seq in [seq for seq in self._loaded if seq not in infos]:
            del self._loaded[seq]
        self._generation = generation

    def _reset(self, generation: int) -> None:
        self._infos, self._seqs, self._by_content, self._loaded = {}, {}, {}, OrderedDict()
        self._generation = generation

    @staticmethod
    def _tokenizer_problem(conn: sqlite3.Connection) -> list[str]:
        row = conn.execute("SELECT value FROM meta WHERE key = 'tokenizer'").fetchone()
        if row is None or row["value"] == tokenizer_fingerprint():
            return []
        problem = ("the library's search terms were made by another StoryBot version; "
                   "run `storybot index rebuild`")
        return [problem]

    def _read(self, story_id: str, seq: int) -> Story:
        with self._db.reading() as conn:
            row = None if conn is None else conn.execute(
                "SELECT schema_version, document, content_hash FROM stories WHERE seq = ?", (seq,)).fetchone()
        if row is None:  # removed since the shelf was read
            self._generation = None
            raise UnknownStoryError(f"no story '{story_id}' in the library (see `storybot index list`)")
        if row["schema_version"] == SCHEMA_VERSION:
            story = _decoded(story_id, row["document"])
        else:  # an older StoryBot's document: re-indexed from its article text, and kept
            story = self._reindexed(story_id, seq, row["document"], row["content_hash"])
        self._loaded[seq] = story
        if len(self._loaded) > self._cache_size:
            self._loaded.popitem(last=False)
        return story

    def _reindexed(self, story_id: str, seq: int, document: str, digest: str) -> Story:
        prepared = _reprepared(story_id, document, digest)
        try:
            self._replace(seq, prepared)
        except LibraryError as exc:  # a read-only disk: serve it anyway, rebuild next time
            log.warning("%s: re-indexed but not saved (%s)", story_id, exc)
        return StoredStory.model_validate_json(prepared.document).story

    def _terms_of(self, seqs: list[int]) -> Iterator[tuple[int, dict[str, int]]]:
        for start in range(0, len(seqs), _IN_CHUNK):
            chunk = seqs[start:start + _IN_CHUNK]
            with self._db.reading() as conn:
                rows = [] if conn is None else conn.execute(
                    f"SELECT seq, terms FROM stories WHERE seq IN ({', '.join('?' * len(chunk))})",
                    chunk).fetchall()
            for row in rows:
                yield row["seq"], json.loads(row["terms"])

    def _read_snapshot(self) -> tuple[StoryPostings, dict[str, int]]:
        empty = StoryPostings.build({})
        with self._db.reading() as conn:
            row = None if conn is None else conn.execute(
                "SELECT snapshot, snapshot_seqs FROM shelves WHERE shelf = ?", (self.shelf,)).fetchone()
        if row is None or row["snapshot"] is None:
            return empty, {}
        try:
            postings = StoryPostings.from_bytes(row["snapshot"])
            seqs = json.loads(row["snapshot_seqs"])
        except ValueError as exc:  # a cache: rebuilt from the stories' terms
            log.warning("the library's term index snapshot is unreadable (%s); rebuilding it", exc)
            return empty, {}
        if not isinstance(seqs, dict) or sorted(seqs) != postings.ids:
            log.warning("the library's term index snapshot is inconsistent; rebuilding it")
            return empty, {}
        return postings, seqs

    def close(self) -> None:
        """Close the database connection (it reopens on next use)."""
        self._db.close()

    # -- writing ---------------------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Save the term index snapshot once, at the end, rather than after every change."""
        self._batched = True
        try:
            yield
        finally:
            self._batched = False
            if self._dirty:
                self._save_snapshot()

    def add_bytes(self, data: bytes, name: str) -> AddResult:
        """Parse, index and store an article; an article already stored is not duplicated."""
        return self.stored_as(content_hash(data)) or self.store(prepare(data, name))

    def add_file(self, path: Path) -> AddResult:
        return self.add_bytes(read_article_bytes(path), path.name)

    def add_many(self, sources: Iterable[Source], workers: int = 0) -> Iterator[AddResult | StoryBotError]:
        """`add_bytes` for each source, results in order (an error in place of an article
        that cannot be added), parsing in `workers` processes (0: one per core) while this
        one stores: adding is CPU-bound, storing is not. The workers end with this process,
        even when it is killed (see `index.store.workers`)."""
        from index.store.workers import worker_pool  # process pools: only `index add` needs them

        workers = workers or os.cpu_count() or 1
        with self.batch(), worker_pool(workers) as pool:
            for parsed in _in_order(pool, sources, window=4 * workers):
                try:
                    if isinstance(parsed, StoryBotError):
                        raise parsed
                    yield self.store(parsed)
                except StoryBotError as exc:
                    yield exc

    def stored_as(self, digest: str) -> AddResult | None:
        """The stored story whose article has this content hash, as a duplicate, if any."""
        self._refresh()
        story_id = self._by_content.get(digest)
        return None if story_id is None else AddResult(info=self._infos[self._seqs[story_id]], duplicate=True)

    def store(self, parsed: Prepared) -> AddResult:
        """Store an article made by `prepare`, in one transaction that claims its id and
        checks its content is not stored yet (by this process or another)."""
        candidate = parsed
        for _ in range(1000):
            with self._db.writing() as conn:
                row = conn.execute(f"SELECT {', '.join(_INFO_COLUMNS)} FROM stories "
                                   "WHERE shelf = ? AND content_hash = ?",
                                   (self.shelf, parsed.info.content_hash)).fetchone()
                if row is not None:
                    return AddResult(info=_info(row), duplicate=True)
                base = parsed.info.id
                taken = {r["id"] for r in conn.execute(
                    "SELECT id FROM stories WHERE shelf = ? AND (id = ? OR id GLOB ?)",
                    (self.shelf, base, f"{base}-*"))}
                if candidate.info.id not in taken:
                    self._insert(conn, candidate)
                    break
            # The id it wanted is taken: renamed outside the write lock (re-encoding a big
            # story takes a while), then tried again.
            candidate = _renamed(parsed, _unique_id(base, taken))
        else:
            raise LibraryError(f"could not find a free id for '{parsed.info.id}'")
        self._changed()
        return AddResult(info=candidate.info, warnings=parsed.warnings)

    def _insert(self, conn: sqlite3.Connection, prepared: Prepared) -> None:
        info = prepared.info.model_dump()
        conn.execute(
            f"INSERT INTO stories (shelf, {', '.join(_INFO_COLUMNS)}, schema_version, document, terms) "
            f"VALUES (?, {', '.join('?' * len(_INFO_COLUMNS))}, ?, ?, ?)",
            (self.shelf, *(info[c] for c in _INFO_COLUMNS), SCHEMA_VERSION,
             prepared.document.decode("utf-8"), json.dumps(prepared.terms, ensure_ascii=False)))
        conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('tokenizer', ?)",
                     (tokenizer_fingerprint(),))
        _bump(conn, self.shelf)

    def _replace(self, seq: int, prepared: Prepared) -> None:
        """The story at row `seq`, re-indexed, as a new row (caches key stories by row)."""
        with self._db.writing() as conn:
            if conn.execute("DELETE FROM stories WHERE seq = ?", (seq,)).rowcount:
                self._insert(conn, prepared)
        self._changed()

    def remove(self, story_id: str) -> StoryInfo:
        """Remove a stored story; removing the bundled sample's id also takes the sample
        out of this shelf's choices."""
        validate_id(story_id)
        sample = story_id == SAMPLE_ID
        with self._db.writing() as conn:
            row = conn.execute(f"SELECT {', '.join(_INFO_COLUMNS)} FROM stories WHERE shelf = ? AND id = ?",
                               (self.shelf, story_id)).fetchone()
            removed = conn.execute("SELECT sample_removed FROM shelves WHERE shelf = ?",
                                   (self.shelf,)).fetchone()
            if row is None and not (sample and not (removed and removed["sample_removed"])):
                raise UnknownStoryError(f"no story '{story_id}' in the library")
            conn.execute("DELETE FROM stories WHERE shelf = ? AND id = ?", (self.shelf, story_id))
            _bump(conn, self.shelf, sample_removed=sample)
        self._changed()
        return _info(row) if row is not None else bundled_story().info

    def rebuild(self) -> list[str]:
        """Re-index every stored article from its kept text; returns the ids rebuilt."""
        self._refresh()
        self.problems = []
        rebuilt = []
        with self._db.reading() as conn:
            rows = [] if conn is None else conn.execute(
                "SELECT seq, id, content_hash FROM stories WHERE shelf = ? ORDER BY id",
                (self.shelf,)).fetchall()
        with self.batch():
            for row in rows:
                with self._db.reading() as conn:
                    doc = conn and conn.execute("SELECT document FROM stories WHERE seq = ?",
                                                (row["seq"],)).fetchone()
                if not doc:
                    continue  # removed meanwhile
                try:
                    self._replace(row["seq"], _reprepared(row["id"], doc["document"], row["content_hash"]))
                except CorruptStoryError as exc:
                    self.problems.append(str(exc))
                    continue
                rebuilt.append(row["id"])
            with self._db.writing() as conn:
                conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('tokenizer', ?)",
                             (tokenizer_fingerprint(),))
        return rebuilt

    def _changed(self) -> None:
        self._dirty = True
        if not self._batched:
            self._save_snapshot()

    def _save_snapshot(self) -> None:
        """Keep the term index in the database, so the next process starts from it instead
        of every story's terms. Best effort: it is a cache, rebuilt when missing."""
        self._dirty = False
        try:
            postings = self.postings()
            blob = postings.to_bytes()
            seqs = json.dumps(self._postings_seqs)
            with self._db.writing() as conn:
                conn.execute("UPDATE shelves SET snapshot = ?, snapshot_seqs = ?, snapshot_generation = ? "
                             "WHERE shelf = ? AND generation = ?",
                             (blob, seqs, self._generation, self.shelf, self._generation))
        except LibraryError as exc:
            log.warning("term index snapshot not saved (%s); it will be rebuilt", exc)


def _bump(conn: sqlite3.Connection, shelf: str, sample_removed: bool = False) -> None:
    """+1 on the shelf's change counter, in the transaction that changes it."""
    conn.execute("INSERT INTO shelves (shelf, generation, sample_removed) VALUES (?, 1, ?) "
                 "ON CONFLICT (shelf) DO UPDATE SET generation = generation + 1, "
                 "sample_removed = MAX(sample_removed, excluded.sample_removed)",
                 (shelf, int(sample_removed)))


def _info(row: sqlite3.Row) -> StoryInfo:
    return StoryInfo(**{column: row[column] for column in _INFO_COLUMNS})


def _decoded(story_id: str, document: str) -> Story:
    try:
        stored = StoredStory.model_validate_json(document)
    except (ValidationError, ValueError):
        raise CorruptStoryError(f"{story_id}: damaged story document; re-add the article") from None
    if stored.checksum != _checksum(stored.story) or stored.story.id != story_id:
        raise CorruptStoryError(f"{story_id}: checksum mismatch; re-add the article")
    return stored.story


def _reprepared(story_id: str, document: str, digest: str) -> Prepared:
    """A kept document of any schema, re-indexed from its article text through `_prepared`;
    a `CorruptStoryError` (never a half-read story) when that cannot be done."""
    try:
        kept = _Kept.model_validate_json(document)
        return _prepared(kept.article_text, kept.article_name, digest, [], story_id=story_id)
    except (ValidationError, ValueError, StoryBotError):
        raise CorruptStoryError(f"{story_id}: stored by another StoryBot version and cannot be "
                                "re-indexed; re-add the article") from None


def _renamed(parsed: Prepared, story_id: str) -> Prepared:
    stored = StoredStory.model_validate_json(parsed.document)
    info = parsed.info.model_copy(update={"id": story_id, "title": parsed.title or story_id})
    story = stored.story.model_copy(update={"info": info})
    document = _encoded(stored.model_copy(update={"checksum": _checksum(story), "story": story}))
    return Prepared(parsed.title, parsed.warnings, document, info, parsed.terms)


def _unique_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _in_order(pool: ProcessPoolExecutor, sources: Iterable[Source],
              window: int) -> Iterator[Prepared | StoryBotError]:
    """`_parse` of each source, in order, with at most `window` in flight (not all the
    articles of a big import in memory at once)."""
    flight: deque[Future[Prepared | StoryBotError]] = deque()
    for source in sources:
        flight.append(pool.submit(_parse, source))
        if len(flight) >= window:
            yield flight.popleft().result()
    while flight:
        yield flight.popleft().result()


def _encoded(stored: StoredStory) -> bytes:
    return stored.model_dump_json().encode("utf-8")


def _checksum(story: Story) -> str:
    return hashlib.sha256(story.model_dump_json().encode("utf-8")).hexdigest()
