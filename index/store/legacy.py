"""Importing a library kept in the previous version's JSON files, once, on first open.

That layout: ``<data>/stories/<id>.json`` (the operator's stories), ``<data>/servers/<guild>/
stories/<id>.json`` (each server's), ``<data>/active-stories.json`` (each place's chosen
story), plus catalogue caches (``catalogue.json``, ``catalogue-*.npz``), which are not
needed: term counts are recomputed from each story's kept article text.

Everything is imported in one transaction, so an interrupted import leaves nothing behind
and runs again at the next open. The old files are left where they are (the database
notes that the import was done, and they are not read again); a story file that cannot be
read is reported and skipped, as the previous version did.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

from pydantic import BaseModel, TypeAdapter, ValidationError

from index.errors import StoryBotError
from index.story import SCHEMA_VERSION, StoryInfo

log = logging.getLogger(__name__)

_DONE = "legacy_import"
_CHOICES = TypeAdapter(dict[str, str])


class _OldStory(BaseModel):
    info: StoryInfo


class _OldDocument(BaseModel):
    """What the import needs of a document of any schema version (the rest is kept as is)."""

    schema_version: int
    article_name: str
    article_text: str
    story: _OldStory


def _story_files(data_dir: Path) -> list[tuple[str, Path]]:
    from index.store.library import OPERATOR

    found = [(OPERATOR, path) for path in sorted((data_dir / "stories").glob("*.json"))]
    for server in sorted((data_dir / "servers").glob("*")):
        if server.name.isdigit():
            found += [(f"server-{server.name}", path) for path in sorted((server / "stories").glob("*.json"))]
    return found


def has_legacy(data_dir: Path) -> bool:
    return (data_dir / "active-stories.json").is_file() or bool(_story_files(data_dir))


def import_legacy(data_dir: Path, conn: sqlite3.Connection) -> list[str]:
    """Import the old files into `conn`'s database unless that was done; the problems."""
    if conn.execute("SELECT 1 FROM meta WHERE key = ?", (_DONE,)).fetchone() or not has_legacy(data_dir):
        return []
    problems: list[str] = []
    rows = []
    for shelf, path in _story_files(data_dir):  # the parsing, before taking the write lock
        try:
            rows.append((shelf, *_row(path)))
        except StoryBotError as exc:
            problems.append(str(exc))
            log.warning("not imported: %s", exc)
    choices = _choices(data_dir / "active-stories.json")
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("SELECT 1 FROM meta WHERE key = ?", (_DONE,)).fetchone():
            conn.execute("ROLLBACK")  # another process imported it meanwhile
            return []
        _insert_all(conn, rows, choices)
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (_DONE, str(len(rows))))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    log.info("imported %d stories from the JSON files in %s (left in place)", len(rows), data_dir)
    return problems


def _insert_all(conn: sqlite3.Connection, rows: list[tuple[str, StoryInfo, int, str, dict[str, int]]],
                choices: dict[str, str]) -> None:
    from index.store.library import _INFO_COLUMNS, _bump, tokenizer_fingerprint

    columns = ", ".join(_INFO_COLUMNS)
    for shelf, info, schema, document, terms in rows:
        values = info.model_dump()
        conn.execute(
            f"INSERT OR IGNORE INTO stories (shelf, {columns}, schema_version, document, terms) "
            f"VALUES (?, {', '.join('?' * len(_INFO_COLUMNS))}, ?, ?, ?)",
            (shelf, *(values[c] for c in _INFO_COLUMNS), schema, document, json.dumps(terms)))
        _bump(conn, shelf)
    conn.executemany("INSERT OR REPLACE INTO active (place, story_id) VALUES (?, ?)", choices.items())
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('tokenizer', ?)", (tokenizer_fingerprint(),))


def _row(path: Path) -> tuple[StoryInfo, int, str, dict[str, int]]:
    """A story file as (info, schema version, document, terms); `StoryBotError` if damaged."""
    from index.read.formats import parse_article_text
    from index.store.library import StoredStory, _checksum, article_terms

    try:
        text = path.read_text(encoding="utf-8")
        old = _OldDocument.model_validate_json(text)
        if old.story.info.id != path.stem:
            raise ValueError("named for another story")
        if old.schema_version == SCHEMA_VERSION:  # then it must be whole: checked as on reading
            stored = StoredStory.model_validate_json(text)
            if stored.checksum != _checksum(stored.story):
                raise ValueError("checksum mismatch")
        # An older schema's document is kept as it is and re-indexed when first read.
        terms = article_terms(parse_article_text(old.article_text, old.article_name), old.story.info.title)
    except (OSError, UnicodeDecodeError, ValidationError, ValueError, StoryBotError) as exc:
        reason = str(exc).splitlines()[0] if not isinstance(exc, ValidationError) else "damaged"
        raise StoryBotError(f"{path.name}: unreadable or damaged story file ({reason}); re-add "
                            "the article") from None
    return old.story.info, old.schema_version, text, terms


def _choices(path: Path) -> dict[str, str]:
    try:
        return _CHOICES.validate_json(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValidationError) as exc:
        log.warning("ignoring unreadable %s: %s", path, exc)
        return {}
