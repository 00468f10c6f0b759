"""A library in the previous version's JSON files opens in this one with every story.

tests/data/legacy-library was written by that version (commit 65be038): two stories in the
operator's library, two in server 42's, and active-story choices for the server and a DM.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.commands import Caller, StoryBot
from index.errors import LibraryError
from index.store.database import DB_FILE
from index.store.library import Library
from tests.conftest import DATA

LEGACY = DATA / "legacy-library"
OPERATOR_IDS = ["bengal-governor-tmc-snooping-thehindu", "whatsapp-sues-nso-fe-bd"]


@pytest.fixture
def old(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(LEGACY, data)
    return data


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_story_and_choice_is_imported_and_the_old_files_are_left(old: Path) -> None:
    before = _files(old)
    library = Library(old)
    assert [i.id for i in library.infos()] == OPERATOR_IDS and not library.problems
    assert library.get("whatsapp-sues-nso-fe-bd").info.date == "2019-10-30"
    assert library.candidates("How many phones did NSO's malware target?")[0].id == "whatsapp-sues-nso-fe-bd"
    bot = StoryBot(old)
    server = Caller.server(42, can_manage=False)
    assert [i.id for i in bot.library(server.place).infos()] == ["alpha", "beta"]
    assert bot.story(server).id == "alpha"  # its active story
    assert bot.story(Caller.dm(7)).id == "bengal-governor-tmc-snooping-thehindu"
    assert "opened on Monday" in bot.ask(server, "When did the dam open?").as_text()
    after = _files(old)
    assert {name: after[name] for name in before} == before  # left in place, unchanged
    assert set(after) - set(before) <= {DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm"}


def test_the_import_is_done_once(old: Path) -> None:
    Library(old).remove("whatsapp-sues-nso-fe-bd")
    assert [i.id for i in Library(old).infos()] == ["bengal-governor-tmc-snooping-thehindu"]


def test_a_damaged_old_file_is_reported_and_the_rest_imported(old: Path) -> None:
    path = old / "stories" / "whatsapp-sues-nso-fe-bd.json"
    path.write_text(path.read_text()[:400])
    library = Library(old)
    assert [i.id for i in library.infos()] == ["bengal-governor-tmc-snooping-thehindu"]
    assert library.problems[0].startswith("whatsapp-sues-nso-fe-bd.json: unreadable or damaged")


def test_an_interrupted_import_leaves_nothing_and_runs_again(old: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from index.store import legacy

    def crash(*_: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(legacy, "_insert_all", crash)
    with pytest.raises(LibraryError, match="disk I/O error"):
        Library(old).infos()
    with sqlite3.connect(old / DB_FILE) as conn:
        assert conn.execute("SELECT COUNT(*) FROM stories").fetchone() == (0,)
    monkeypatch.undo()
    assert [i.id for i in Library(old).infos()] == OPERATOR_IDS


def test_old_documents_of_another_schema_are_reindexed_when_read(old: Path) -> None:
    path = old / "stories" / "whatsapp-sues-nso-fe-bd.json"
    doc = json.loads(path.read_text())
    doc["schema_version"], doc["story"]["paragraphs"] = 1, "an older model"
    path.write_text(json.dumps(doc))
    story = Library(old).get("whatsapp-sues-nso-fe-bd")
    assert story.paragraphs[0].text.startswith("Facebook-owned WhatsApp has filed a lawsuit")
