"""Where a command runs, who may change what there, and each place's active story.

A Discord server has its own story library (``<data dir>/servers/<id>``), managed by its
members with Manage Server. Direct messages and the local console read the operator's
library (``<data dir>``, the one `storybot index` manages); only the console may change it.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from index.library import atomic_write, disk_errors

log = logging.getLogger(__name__)

_CHOICES = TypeAdapter(dict[str, str])


class Place(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: Literal["server", "dm", "local"]
    id: int = 0

    @property
    def key(self) -> str:
        return self.kind if self.kind == "local" else f"{self.kind}-{self.id}"

    def library_dir(self, data_dir: Path) -> Path:
        return data_dir / "servers" / str(self.id) if self.kind == "server" else data_dir


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
    """Each place's chosen story id, kept in one small JSON file written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._choices = self._read()

    def get(self, place: Place) -> str | None:
        return self._choices.get(place.key)

    def set(self, place: Place, story_id: str | None) -> None:
        """Record the choice on disk, then in memory: a failed write (`LibraryError`)
        leaves both as they were."""
        with self._lock:
            choices = dict(self._choices)
            if story_id is None:
                choices.pop(place.key, None)
            else:
                choices[place.key] = story_id
            with disk_errors(self.path.parent):
                self.path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(self.path, json.dumps(choices, indent=1).encode())
            self._choices = choices

    def _read(self) -> dict[str, str]:
        try:
            return _CHOICES.validate_json(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, ValidationError) as exc:
            # Losing the choices only means every place falls back to its default story.
            log.warning("ignoring unreadable %s: %s", self.path, exc)
            return {}
