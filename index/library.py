"""The story library on disk: one versioned JSON document per story.

Layout: ``<data dir>/stories/<id>.json``. Each document holds the parsed story, the
original article text (so a story can be re-indexed when the format changes) and a
checksum of the story. Writes go to a temporary file in the same folder, are flushed to
disk, then renamed over the target: a crash mid-write leaves the old file or none, never
half of one. No pickle anywhere: JSON only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ValidationError

from index.article import decode_article, parse_article, parse_article_text, read_article_bytes
from index.errors import CorruptStoryError, LibraryError, UnknownStoryError
from index.story import SCHEMA_VERSION, Story, StoryInfo, build_story, content_hash

log = logging.getLogger(__name__)

SAMPLE_FILE = "whatsapp-regret-ndtv-2019-11-21.txt"
SAMPLE_ID = Path(SAMPLE_FILE).stem
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_GENERIC_NAMES = {"article", "attachment", "story", "file", "untitled", "index", "page"}


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
def bundled_story() -> Story:
    """The sample story shipped with the package: the default when the library is empty."""
    data = resources.files("index").joinpath("data", SAMPLE_FILE).read_bytes()
    article = parse_article(data, SAMPLE_FILE)
    return build_story(article, SAMPLE_ID, content_hash(data), bundled=True)


def story_from_file(path: Path) -> Story:
    """A story from an article file, indexed in memory and not added to the library."""
    data = read_article_bytes(path)
    return build_story(parse_article(data, path.name), slugify(path.stem) or "story", content_hash(data))


class Library:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.stories_dir = self.data_dir / "stories"
        self.problems: list[str] = []
        self._infos: dict[str, StoryInfo] | None = None

    # -- reading ---------------------------------------------------------------------------

    def infos(self) -> list[StoryInfo]:
        """Stored stories in id order; the bundled sample alone when none are stored."""
        stored = list(self._catalogue().values())
        return stored or [bundled_story().info]

    def get(self, story_id: str) -> Story:
        validate_id(story_id)
        path = self.stories_dir / f"{story_id}.json"
        if path.exists():
            return self._load(path).story
        if story_id == SAMPLE_ID and not self._catalogue():
            return bundled_story()
        raise UnknownStoryError(f"no story '{story_id}' in the library (see `storybot index list`)")

    def default_story(self) -> Story:
        return self.get(self.infos()[0].id)

    def _catalogue(self) -> dict[str, StoryInfo]:
        if self._infos is None:
            self._infos = {}
            self.problems = []
            for path in sorted(self.stories_dir.glob("*.json")) if self.stories_dir.is_dir() else []:
                self._read_info(path)
        return self._infos

    def _read_info(self, path: Path) -> None:
        assert self._infos is not None
        try:
            self._infos[path.stem] = self._load(path).story.info
        except CorruptStoryError as exc:
            self.problems.append(str(exc))
            log.warning("%s", exc)

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

    def add_bytes(self, data: bytes, name: str) -> AddResult:
        """Parse, index and store an article; an article already stored is not duplicated."""
        digest = content_hash(data)
        for info in self._catalogue().values():
            if info.content_hash == digest:
                return AddResult(info=info, duplicate=True)
        text, warnings = decode_article(data, name)
        article = parse_article_text(text, name)
        story = build_story(article, self._new_id(name, article.title), digest)
        self._write(StoredStory(
            schema_version=SCHEMA_VERSION, checksum=_checksum(story), article_name=name,
            article_text=text, story=story,
        ))
        return AddResult(info=story.info, warnings=warnings)

    def add_file(self, path: Path) -> AddResult:
        return self.add_bytes(read_article_bytes(path), path.name)

    def remove(self, story_id: str) -> StoryInfo:
        validate_id(story_id)
        info = self._catalogue().get(story_id)
        if info is None:
            raise UnknownStoryError(f"no story '{story_id}' in the library")
        with _disk_errors(self.data_dir):
            (self.stories_dir / f"{story_id}.json").unlink()
        del self._catalogue()[story_id]
        return info

    def rebuild(self) -> list[str]:
        """Re-index every stored article from its kept text; returns the ids rebuilt."""
        rebuilt = []
        for path in sorted(self.stories_dir.glob("*.json")) if self.stories_dir.is_dir() else []:
            rebuilt.extend(self._rebuild_one(path))
        self._infos = None
        return rebuilt

    def _rebuild_one(self, path: Path) -> list[str]:
        try:
            raw = StoredStory.model_validate_json(path.read_bytes())
        except (OSError, ValidationError, ValueError):
            self.problems.append(f"{path.name}: cannot be read even to rebuild; re-add the article")
            return []
        article = parse_article_text(raw.article_text, raw.article_name)
        story = build_story(article, path.stem, raw.story.info.content_hash)
        self._write(raw.model_copy(update={
            "schema_version": SCHEMA_VERSION, "checksum": _checksum(story), "story": story,
        }))
        return [path.stem]

    def _new_id(self, name: str, title: str | None) -> str:
        stem = slugify(Path(name).stem)
        base = stem if stem and stem not in _GENERIC_NAMES else slugify(title or "") or "story"
        candidate, n = base, 1
        while candidate in self._catalogue():
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def _write(self, stored: StoredStory) -> None:
        target = self.stories_dir / f"{stored.story.id}.json"
        with _disk_errors(self.data_dir):
            self.stories_dir.mkdir(parents=True, exist_ok=True)
            _atomic_write(target, stored.model_dump_json().encode("utf-8"))
        self._catalogue()[stored.story.id] = stored.story.info


def _checksum(story: Story) -> str:
    return hashlib.sha256(story.model_dump_json().encode("utf-8")).hexdigest()


def _atomic_write(target: Path, data: bytes) -> None:
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
def _disk_errors(data_dir: Path) -> Iterator[None]:
    """Turn OS errors into one clear line about the data directory."""
    try:
        yield
    except PermissionError:
        raise LibraryError(f"cannot write to the data directory {data_dir}: permission denied") from None
    except OSError as exc:
        raise LibraryError(f"cannot write to the data directory {data_dir}: {exc.strerror or exc}") from None
