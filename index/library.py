"""The story library on disk: one versioned JSON document per story, and a catalogue.

Layout: ``<data dir>/stories/<id>.json``. Each document holds the parsed story, the
original article text (so a story can be re-indexed when the format changes) and a
checksum of the story. Writes go to a temporary file in the same folder, are flushed to
disk, then renamed over the target: a crash mid-write leaves the old file or none, never
half of one. No pickle anywhere: JSON only.

``<data dir>/catalogue.json`` (see `index.catalogue`) lets a library of thousands of
stories open without reading them: listing uses it, a story is parsed on first use and
kept in a small cache, and questions over every story go through `candidates`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from pydantic import BaseModel, ValidationError

from index.article import decode_article, parse_article, parse_article_text, read_article_bytes
from index.catalogue import CATALOGUE_FILE, POSTINGS_GLOB, Catalogue, FileStamp, story_terms
from index.errors import CorruptStoryError, LibraryError, StoryBotError, UnknownStoryError
from index.sample import SAMPLE_ID, bundled_story
from index.story import SCHEMA_VERSION, Story, StoryInfo, build_story, content_hash
from index.tokens import tokenize

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

log = logging.getLogger(__name__)

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
CANDIDATES = 3  # at most this many stories go from the first stage to the answer engine,
CLOSE = 0.9  # and only those within 10% of the best one's score (see `Library.candidates`)
_GENERIC_NAMES = {"article", "attachment", "story", "file", "untitled", "index", "page"}
DATA_DIR_VARIABLE = "STORYBOT_DATA_DIR"


class StoredStory(BaseModel):
    """The document on disk."""

    schema_version: int
    checksum: str
    article_name: str
    article_text: str
    story: Story


class AddResult(BaseModel):
    info: StoryInfo
    duplicate: bool = False
    warnings: list[str] = []


Source = Path | tuple[bytes, str]  # an article file, or an article's bytes and name


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
        article = parse_article_text(text, name)
    except StoryBotError as exc:
        return exc
    story = build_story(article, _preferred_id(name, article.title), content_hash(data))
    stored = StoredStory(schema_version=SCHEMA_VERSION, checksum=_checksum(story), article_name=name,
                         article_text=text, story=story)
    return Prepared(article.title, warnings, _encoded(stored), story.info, story_terms(story))


def prepare(data: bytes, name: str) -> Prepared:
    """`_parse` for callers that hold no library lock while it runs (a 1 MB article takes
    seconds); raises the `StoryBotError` that `_parse` returns."""
    parsed = _parse((data, name))
    if isinstance(parsed, StoryBotError):
        raise parsed
    return parsed


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
    def __init__(self, data_dir: Path, cache_size: int = 64) -> None:
        self.data_dir = Path(data_dir)
        self.stories_dir = self.data_dir / "stories"
        self.problems: list[str] = []
        self._cat: Catalogue | None = None
        self._loaded: OrderedDict[str, tuple[FileStamp, Story]] = OrderedDict()
        self._cache_size = cache_size
        self._batched = False
        self._dirty = False

    # -- reading ---------------------------------------------------------------------------

    def infos(self) -> list[StoryInfo]:
        """Stored stories in id order; the bundled sample alone when none are stored."""
        entries = self._catalogue().entries
        return [entries[i].info for i in sorted(entries)] or [bundled_story().info]

    def get(self, story_id: str) -> Story:
        """A stored story, parsed on first use; reads nothing else, however big the library."""
        validate_id(story_id)
        path = self.stories_dir / f"{story_id}.json"
        try:
            stamp = FileStamp.of(path.stat())
        except FileNotFoundError:
            if story_id == SAMPLE_ID and not self._catalogue().entries:
                return bundled_story()
            raise UnknownStoryError(f"no story '{story_id}' in the library (see `storybot index list`)") from None
        cached = self._loaded.get(story_id)
        if cached is not None and cached[0] == stamp:
            self._loaded.move_to_end(story_id)
            return cached[1]
        story = self._load(path).story
        self._loaded[story_id] = (stamp, story)
        if len(self._loaded) > self._cache_size:
            self._loaded.popitem(last=False)
        return story

    def default_story(self) -> Story:
        """The first readable story in id order, found from the file names alone."""
        for path in self._story_files():
            try:
                return self.get(path.stem)
            except (CorruptStoryError, UnknownStoryError) as exc:
                log.warning("%s", exc)
        return bundled_story()

    def candidates(self, question: str, k: int = CANDIDATES, close: float = CLOSE) -> list[Story]:
        """The stories to answer `question` from when it is asked of the whole library.

        The story-level first stage (see `index.postings`): the story whose whole text best
        matches, and up to `k` - 1 more scoring within `close` of it, best first. Only
        those are read. Passing on more than the close ones only adds chances to answer
        from an unrelated story: on the dev questions over a 10,000-story library, the five
        best gave top-1 0.71 and 6/12 abstentions, the best alone 0.74 and 10/12, at a
        fraction of the time. Stories sharing no term with the question are left out.
        """
        if not self._catalogue().entries:
            return [bundled_story()]
        ranked = self._catalogue().postings.top(tokenize(question), k)
        best = ranked[0][1] if ranked else 0.0
        stories = []
        for story_id, score in ranked:
            if score <= 0 or score < close * best:
                break
            try:
                stories.append(self.get(story_id))
            except CorruptStoryError as exc:  # damaged since the catalogue was written
                self.problems.append(str(exc))
                log.warning("%s", exc)
        return stories

    def _catalogue(self) -> Catalogue:
        if self._cat is None:
            self.problems = []
            self._cat = self._reconciled()
        return self._cat

    def _reconciled(self) -> Catalogue:
        """The stored catalogue brought in step with the story files, which are the truth.

        Files whose stamp differs from the catalogue's (added, replaced, or written just
        before a crash) are read again; entries without a file are dropped.
        """
        cat = self._read_catalogue()
        on_disk = self._scan()
        changed = False
        for story_id in set(cat.entries) - set(on_disk):
            cat.drop(story_id)
            changed = True
        for story_id, stamp in on_disk.items():
            known = cat.entries.get(story_id)
            if known is None or known.stamp != stamp:
                changed |= self._reread(cat, story_id, stamp)
        if changed:
            self._save_catalogue(cat)
        return cat

    def _reread(self, cat: Catalogue, story_id: str, stamp: FileStamp) -> bool:
        """Whether the catalogue changed: a story read again, or dropped as unreadable."""
        try:
            story = self._load(self.stories_dir / f"{story_id}.json").story
            cat.put(story.info, stamp, story_terms(story))
            return True
        except CorruptStoryError as exc:
            self.problems.append(str(exc))
            log.warning("%s", exc)
            if story_id in cat.entries:
                cat.drop(story_id)
                return True
            return False

    def _read_catalogue(self) -> Catalogue:
        try:
            data = (self.data_dir / CATALOGUE_FILE).read_bytes()
        except FileNotFoundError:
            return Catalogue()
        except OSError as exc:
            log.warning("cannot read the catalogue (%s); rebuilding it", exc)
            return Catalogue()
        return Catalogue.decode(data, lambda name: (self.data_dir / name).read_bytes()) or Catalogue()

    def _scan(self) -> dict[str, FileStamp]:
        """Story file stamps by id, from one directory listing."""
        stamps = {}
        for path in self._story_files():
            try:
                stamps[path.stem] = FileStamp.of(path.stat())
            except FileNotFoundError:  # removed since the listing
                continue
        return stamps

    def _story_files(self) -> list[Path]:
        return sorted(self.stories_dir.glob("*.json")) if self.stories_dir.is_dir() else []

    def _load(self, path: Path) -> StoredStory:
        try:
            stored = StoredStory.model_validate_json(path.read_bytes())
        except (OSError, ValidationError, ValueError):
            raise CorruptStoryError(
                f"{path.name}: unreadable or damaged story file; re-add the article "
                "or run `storybot index rebuild`"
            ) from None
        if stored.schema_version != SCHEMA_VERSION:
            raise CorruptStoryError(
                f"{path.name}: stored with schema version {stored.schema_version}, this StoryBot "
                f"reads {SCHEMA_VERSION}; run `storybot index rebuild`"
            )
        if stored.checksum != _checksum(stored.story) or stored.story.id != path.stem:
            raise CorruptStoryError(f"{path.name}: checksum mismatch; re-add the article")
        return stored

    # -- writing ---------------------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Write the catalogue once, at the end, rather than after every change."""
        self._batched = True
        try:
            yield
        finally:
            self._batched = False
            if self._dirty:
                self._save_catalogue(self._catalogue())

    def add_bytes(self, data: bytes, name: str) -> AddResult:
        """Parse, index and store an article; an article already stored is not duplicated."""
        return self.stored_as(content_hash(data)) or self.store(prepare(data, name))

    def add_file(self, path: Path) -> AddResult:
        return self.add_bytes(read_article_bytes(path), path.name)

    def add_many(self, sources: Iterable[Source], workers: int = 0) -> Iterator[AddResult | StoryBotError]:
        """`add_bytes` for each source, results in order (an error in place of an article
        that cannot be added), parsing in `workers` processes (0: one per core) while this
        one stores: adding is CPU-bound (some 13 ms of CPU for a 25-paragraph article,
        half of it attribution), storing is not."""
        from concurrent.futures import ProcessPoolExecutor  # 13 ms of import other commands skip

        workers = workers or os.cpu_count() or 1
        with self.batch(), ProcessPoolExecutor(workers) as pool:
            for parsed in _in_order(pool, sources, window=4 * workers):
                try:
                    if isinstance(parsed, StoryBotError):
                        raise parsed
                    yield self.store(parsed)
                except StoryBotError as exc:
                    yield exc

    def remove(self, story_id: str) -> StoryInfo:
        validate_id(story_id)
        entry = self._catalogue().entries.get(story_id)
        if entry is None:
            raise UnknownStoryError(f"no story '{story_id}' in the library")
        with disk_errors(self.data_dir):
            (self.stories_dir / f"{story_id}.json").unlink()
        self._catalogue().drop(story_id)
        self._loaded.pop(story_id, None)
        self._changed()
        return entry.info

    def rebuild(self) -> list[str]:
        """Re-index every stored article from its kept text; returns the ids rebuilt."""
        self._cat, self.problems = Catalogue(), []  # rebuilt from what is rewritten
        rebuilt = []
        with self.batch():
            for path in self._story_files():
                rebuilt.extend(self._rebuild_one(path))
        return rebuilt

    def _rebuild_one(self, path: Path) -> list[str]:
        try:
            raw = StoredStory.model_validate_json(path.read_bytes())
        except (OSError, ValidationError, ValueError):
            self.problems.append(f"{path.name}: cannot be read even to rebuild; re-add the article")
            return []
        article = parse_article_text(raw.article_text, raw.article_name)
        story = build_story(article, path.stem, raw.story.info.content_hash)
        self._write(_encoded(raw.model_copy(update={
            "schema_version": SCHEMA_VERSION, "checksum": _checksum(story), "story": story,
        })), story.info, story_terms(story))
        return [path.stem]

    def stored_as(self, digest: str) -> AddResult | None:
        """The stored story whose article has this content hash, as a duplicate, if any."""
        entry = self._catalogue().with_content(digest)
        return None if entry is None else AddResult(info=entry.info, duplicate=True)

    def store(self, parsed: Prepared) -> AddResult:
        """Name and store an article made by `prepare` (unless it was stored meanwhile)."""
        known = self.stored_as(parsed.info.content_hash)
        if known is not None:
            return known
        document, info = parsed.document, parsed.info
        story_id = self._unique_id(info.id)
        if story_id != info.id:  # the id it wanted is taken: renamed here, which is rare
            stored = StoredStory.model_validate_json(document)
            info = info.model_copy(update={"id": story_id, "title": parsed.title or story_id})
            story = stored.story.model_copy(update={"info": info})
            document = _encoded(stored.model_copy(update={"checksum": _checksum(story), "story": story}))
        self._write(document, info, parsed.terms)
        return AddResult(info=info, warnings=parsed.warnings)

    def _unique_id(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self._catalogue().entries:
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def _write(self, document: bytes, info: StoryInfo, terms: dict[str, int]) -> None:
        """The story file first, then the catalogue: a crash between them loses nothing."""
        target = self.stories_dir / f"{info.id}.json"
        with disk_errors(self.data_dir):
            self.stories_dir.mkdir(parents=True, exist_ok=True)
            atomic_write(target, document)
            stamp = FileStamp.of(target.stat())
        self._catalogue().put(info, stamp, terms)
        self._loaded.pop(info.id, None)
        self._changed()

    def _changed(self) -> None:
        self._dirty = True
        if not self._batched:
            self._save_catalogue(self._catalogue())

    def _save_catalogue(self, cat: Catalogue) -> None:
        """The term index, then the catalogue naming it, then old indexes go. Best effort:
        a catalogue that cannot be written is rebuilt from the story files later."""
        self._dirty = False
        try:
            name, postings, data = cat.encode()
            with disk_errors(self.data_dir):
                self.data_dir.mkdir(parents=True, exist_ok=True)
                atomic_write(self.data_dir / name, postings)
                atomic_write(self.data_dir / CATALOGUE_FILE, data)
                for old in self.data_dir.glob(POSTINGS_GLOB):
                    if old.name != name:
                        old.unlink()
        except LibraryError as exc:
            log.warning("catalogue not saved (%s); it will be rebuilt from the story files", exc)


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


def atomic_write(target: Path, data: bytes) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


@contextmanager
def disk_errors(data_dir: Path) -> Iterator[None]:
    """Turn OS errors into one clear line about the data directory."""
    try:
        yield
    except PermissionError:
        raise LibraryError(f"cannot write to the data directory {data_dir}: permission denied") from None
    except OSError as exc:
        raise LibraryError(f"cannot write to the data directory {data_dir}: {exc.strerror or exc}") from None
