"""The one SQLite file that holds every library and each place's active story.

``<data dir>/storybot.db``, in WAL mode so that readers (a running bot, `storybot ask`)
never wait for a writer and a writer never waits for readers. Writers take the write lock
at the start of their transaction (``BEGIN IMMEDIATE``), so two processes adding stories
at once are serialised by SQLite instead of overwriting each other; SQLite's own journal
makes every transaction all-or-nothing, so there are no temporary files of ours.

Tables: ``stories`` (one row per stored story of a shelf: a server's library, or the
operator's), ``shelves`` (a change counter per shelf, and a cached snapshot of its term
index), ``active`` (each place's chosen story) and ``meta``.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.errors import LibraryError

log = logging.getLogger(__name__)

DB_FILE = "storybot.db"
DB_VERSION = 1  # PRAGMA user_version of the layout below
# Long enough for another process's add (one insert) or a big import to commit.
_BUSY_TIMEOUT_MS = 30_000
_MIN_SQLITE = (3, 24)  # INSERT ... ON CONFLICT DO UPDATE

_SCHEMA = """
CREATE TABLE IF NOT EXISTS stories (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: caches key stored versions by it
    shelf TEXT NOT NULL,
    id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT, source TEXT, url TEXT, byline TEXT, dateline TEXT, credit TEXT,
    format TEXT NOT NULL,
    paragraphs INTEGER NOT NULL,
    bundled INTEGER NOT NULL DEFAULT 0,
    schema_version INTEGER NOT NULL,
    document TEXT NOT NULL,  -- the StoredStory, as JSON
    terms TEXT NOT NULL,  -- {term: count} over title and paragraphs, for the first stage
    UNIQUE (shelf, id),
    UNIQUE (shelf, content_hash)
);
CREATE TABLE IF NOT EXISTS shelves (
    shelf TEXT PRIMARY KEY,
    generation INTEGER NOT NULL DEFAULT 0,  -- +1 on every change to the shelf's stories
    sample_removed INTEGER NOT NULL DEFAULT 0,
    snapshot BLOB,  -- the term index (StoryPostings) as of snapshot_generation: a cache
    snapshot_seqs TEXT,
    snapshot_generation INTEGER
);
CREATE TABLE IF NOT EXISTS active (place TEXT PRIMARY KEY, story_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# SQLite's result codes, as the one-line reasons users see.
_REASONS = {
    "SQLITE_FULL": "No space left on device",
    "SQLITE_READONLY": "Read-only file system",
    "SQLITE_PERM": "permission denied",
    "SQLITE_BUSY": "the library is busy (another StoryBot is writing); try again",
    "SQLITE_LOCKED": "the library is busy (another StoryBot is writing); try again",
    "SQLITE_CANTOPEN": "cannot open the database file",
    "SQLITE_NOTADB": "storybot.db is not a StoryBot database",
    "SQLITE_CORRUPT": "storybot.db is damaged",
}


def reason(exc: sqlite3.Error) -> str:
    name = getattr(exc, "sqlite_errorname", "") or ""
    for prefix, text in _REASONS.items():
        if name.startswith(prefix):
            return text
    return str(exc) or type(exc).__name__


class Database:
    """A connection to ``<data dir>/storybot.db``, opened on first use.

    Thread-safe: one lock guards the connection. Reading a data directory that has no
    database yet finds nothing and creates nothing; the first write creates it.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DB_FILE
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self.problems: list[str] = []  # stories of an imported old library that were skipped

    def exists(self) -> bool:
        self._check_folder()
        return self._conn is not None or self.path.exists() or _has_legacy(self.data_dir)

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection | None]:
        """One consistent view (a read transaction), or None when there is no database."""
        with self._lock:
            if not self.exists():
                yield None
                return
            conn = self._connect()
            try:
                conn.execute("BEGIN")
                try:
                    yield conn
                finally:
                    if conn.in_transaction:
                        conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise LibraryError(f"cannot read the library {self.path}: {reason(exc)}") from None

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding SQLite's write lock from its start: committed when
        the block ends, rolled back if it raises (nothing of it is then on disk)."""
        with self._lock:
            conn = self._connect()
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                finally:
                    if conn.in_transaction:  # SQLite ends some failed transactions itself
                        conn.execute("ROLLBACK")
            except sqlite3.Error as exc:
                raise LibraryError(f"cannot write to the data directory {self.data_dir}: "
                                   f"{reason(exc)}") from None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _check_folder(self) -> None:
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise LibraryError(f"the data directory {self.data_dir} is not a folder")

    def _connect(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        self._check_folder()
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"cannot write to the data directory {self.data_dir}: "
                               f"{exc.strerror or exc}") from None
        if sqlite3.sqlite_version_info < _MIN_SQLITE:
            raise LibraryError(f"StoryBot needs SQLite {'.'.join(map(str, _MIN_SQLITE))} or newer; "
                               f"this Python has {sqlite3.sqlite_version}")
        if self.path.exists() and not self.path.is_file():
            raise LibraryError(f"cannot open the library {self.path}: it is not a file")
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                   timeout=_BUSY_TIMEOUT_MS / 1000)
            conn.row_factory = sqlite3.Row
            self._set_up(conn)
        except sqlite3.Error as exc:
            raise LibraryError(f"cannot open the library {self.path}: {reason(exc)}") from None
        self._conn = conn
        return conn

    def _set_up(self, conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > DB_VERSION:
            raise LibraryError(f"{self.path} was made by a newer StoryBot (layout {version}); "
                               "upgrade StoryBot to read it")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a story that `index add` reported added survives a power cut too.
        conn.execute("PRAGMA synchronous = FULL")
        if version < DB_VERSION:
            try:  # the tables and their version at once, or neither
                conn.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA user_version = {DB_VERSION}; COMMIT;")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        from index.store.legacy import import_legacy  # only a first open can need it

        self.problems = import_legacy(self.data_dir, conn)


def _has_legacy(data_dir: Path) -> bool:
    from index.store.legacy import has_legacy

    return has_legacy(data_dir)
