"""Where a command runs, who may change what there, and each place's active story.

A Discord server has its own story library (its shelf of the data directory's database),
managed by its members with Manage Server. Direct messages and the local console read the
operator's library (the one `storybot index` manages); only the console may change it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from index.store.database import Database
from index.store.library import OPERATOR


class Place(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: Literal["server", "dm", "local"]
    id: int = 0

    @property
    def key(self) -> str:
        return self.kind if self.kind == "local" else f"{self.kind}-{self.id}"

    @property
    def shelf(self) -> str:
        """The library it reads: the server's own, else the operator's."""
        return self.key if self.kind == "server" else OPERATOR


class Caller(BaseModel):
    """The place a command comes from and whether the caller may add or remove stories."""

    model_config = ConfigDict(frozen=True)

    place: Place
    can_manage: bool = False

    @classmethod
    def server(cls, server_id: int, *, can_manage: bool) -> Caller:
        return cls(place=Place(kind="server", id=server_id), can_manage=can_manage)

    @classmethod
    def dm(cls, user_id: int) -> Caller:
        return cls(place=Place(kind="dm", id=user_id))

    @classmethod
    def local(cls) -> Caller:
        return cls(place=Place(kind="local"), can_manage=True)


class ActiveStories:
    """Each place's chosen story id, a row of the database's ``active`` table."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def get(self, place: Place) -> str | None:
        with self._db.reading() as conn:
            row = None if conn is None else conn.execute(
                "SELECT story_id FROM active WHERE place = ?", (place.key,)).fetchone()
        return None if row is None else str(row["story_id"])

    def set(self, place: Place, story_id: str | None) -> None:
        """Record the choice; a failed write (`LibraryError`) leaves it as it was."""
        with self._db.writing() as conn:
            if story_id is None:
                conn.execute("DELETE FROM active WHERE place = ?", (place.key,))
            else:
                conn.execute("INSERT OR REPLACE INTO active (place, story_id) VALUES (?, ?)",
                             (place.key, story_id))
