"""The story library: storing, duplicates, ids, transactions, corruption, bad directories."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.errors import ArticleError, CorruptStoryError, LibraryError, UnknownStoryError
from index.store.database import DB_FILE
from index.store.library import SAMPLE_ID, Library
from tests.conftest import DATA, SAMPLE

NSO = DATA / "whatsapp-sues-nso-fe-bd.txt"
RUMOURS = DATA / "whatsapp-rumours-warning-ht.txt"
NEW = b"title: New\n\nSomething new happened."
SQLITE_FILES = {DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm"}


def rows(library: Library) -> list[tuple[str, str]]:
    """(shelf, id) of every stored story, read with sqlite3 itself."""
    with sqlite3.connect(library.data_dir / DB_FILE) as conn:
        return sorted(conn.execute("SELECT shelf, id FROM stories").fetchall())


def connection(library: Library) -> sqlite3.Connection:
    """The library's own connection (opened if need be), to inject faults into."""
    with library._db.writing() as conn:
        return conn


def test_empty_library_serves_the_bundled_sample(library: Library) -> None:
    infos = library.infos()
    assert [i.id for i in infos] == [SAMPLE_ID]
    assert infos[0].bundled
    assert library.default_story().title.startswith("WhatsApp Expressed Regret")
    assert not library.data_dir.exists()  # reading creates nothing


def test_add_persists_across_instances(library: Library) -> None:
    result = library.add_file(NSO)
    assert result.info.id == "whatsapp-sues-nso-fe-bd"
    assert not result.duplicate
    reopened = Library(library.data_dir)
    assert [i.id for i in reopened.infos()] == ["whatsapp-sues-nso-fe-bd"]
    story = reopened.get("whatsapp-sues-nso-fe-bd")
    assert story.info.date == "2019-10-30"
    assert story.paragraphs[0].number == 1


def test_same_article_twice_is_not_duplicated(library: Library) -> None:
    library.add_file(NSO)
    again = library.add_bytes(NSO.read_bytes(), "renamed-copy.txt")
    assert again.duplicate and again.info.id == "whatsapp-sues-nso-fe-bd"
    assert len(library.infos()) == 1


def test_a_duplicate_stored_by_another_writer_meanwhile_is_found_in_the_transaction(
    library: Library,
) -> None:
    # Both prepared before either stored: the content check inside `store` catches it.
    from index.store.library import prepare

    first, second = prepare(NSO.read_bytes(), "a.txt"), prepare(NSO.read_bytes(), "b.txt")
    other = Library(library.data_dir)
    assert not other.store(first).duplicate
    assert library.store(second).duplicate
    assert rows(library) == [("operator", "a")]


def test_ids_are_unique_and_fall_back_to_title(library: Library) -> None:
    first = library.add_bytes(b"title: Rain falls\n\nIt rained all day.", "report.txt")
    second = library.add_bytes(b"title: Snow falls\n\nIt snowed all day.", "report.txt")
    generic = library.add_bytes(b"title: Hail Storm Today\n\nHail fell.", "article.txt")
    assert (first.info.id, second.info.id, generic.info.id) == ("report", "report-2", "hail-storm-today")
    assert library.get("report-2").info.id == "report-2"


def test_an_id_claimed_by_another_writer_meanwhile_is_not_overwritten(library: Library) -> None:
    from index.store.library import prepare

    mine = prepare(b"title: Rain\n\nIt rained.", "report.txt")
    theirs = prepare(b"title: Snow\n\nIt snowed.", "report.txt")
    assert Library(library.data_dir).store(theirs).info.id == "report"  # another process
    assert library.store(mine).info.id == "report-2"
    assert library.get("report").paragraphs[0].text == "It snowed."
    assert library.get("report-2").paragraphs[0].text == "It rained."


@pytest.mark.parametrize("bad_id", ["../x", "a/b", "..", "UPPER", "", "x" * 100, "a.json"])
def test_ids_cannot_escape_the_data_directory(library: Library, bad_id: str) -> None:
    with pytest.raises(UnknownStoryError, match="not a story id"):
        library.get(bad_id)
    with pytest.raises(UnknownStoryError):
        library.remove(bad_id)


def test_unknown_story(library: Library) -> None:
    library.add_file(NSO)
    with pytest.raises(UnknownStoryError, match="no story 'nope'"):
        library.get("nope")


def test_remove(library: Library) -> None:
    library.add_file(NSO)
    assert library.remove("whatsapp-sues-nso-fe-bd").id == "whatsapp-sues-nso-fe-bd"
    assert rows(library) == []
    assert [i.id for i in library.infos()] == [SAMPLE_ID]


def test_the_sample_stays_selectable_until_removed(library: Library) -> None:
    library.add_file(NSO)
    assert library.get(SAMPLE_ID).info.bundled  # not stored, still there by its id
    library.remove(SAMPLE_ID)
    with pytest.raises(UnknownStoryError):
        Library(library.data_dir).get(SAMPLE_ID)
    with pytest.raises(UnknownStoryError):
        library.remove(SAMPLE_ID)
    library.add_file(SAMPLE)  # stored, it is a story like any other
    assert not library.get(SAMPLE_ID).info.bundled


def test_shelves_are_separate(tmp_path: Path) -> None:
    operator, server = Library(tmp_path), Library(tmp_path, "server-42")
    operator.add_file(NSO)
    assert server.infos()[0].bundled
    assert not server.add_file(NSO).duplicate  # each shelf has its own stories
    with pytest.raises(UnknownStoryError):
        Library(tmp_path, "server-7").get("whatsapp-sues-nso-fe-bd")


def test_bad_article_leaves_library_untouched(library: Library) -> None:
    library.add_file(NSO)
    before = (library.data_dir / DB_FILE).read_bytes(), rows(library)
    for data in (b"", b"\x00\x00binary", b"{broken json", b"...\n\n."):
        with pytest.raises(ArticleError):
            library.add_bytes(data, "bad.txt")
    assert rows(library) == before[1]
    assert {p.name for p in library.data_dir.iterdir()} <= SQLITE_FILES


@pytest.fixture
def full_disk(library: Library) -> Iterator[None]:
    """The database cannot grow by a page: SQLite's own 'database or disk is full'."""
    library.add_file(NSO)
    conn = connection(library)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    yield
    conn.execute("PRAGMA max_page_count = 1073741823")


def test_a_full_disk_mid_add_leaves_the_old_state(library: Library, full_disk: None) -> None:
    with pytest.raises(LibraryError, match="cannot write to the data directory .*No space left"):
        library.add_file(RUMOURS)
    assert rows(library) == [("operator", "whatsapp-sues-nso-fe-bd")]
    assert [i.id for i in Library(library.data_dir).infos()] == ["whatsapp-sues-nso-fe-bd"]


def test_read_only_database(library: Library) -> None:
    library.add_file(NSO)
    connection(library).execute("PRAGMA query_only = 1")
    with pytest.raises(LibraryError, match="cannot write to the data directory .*Read-only"):
        library.add_bytes(NEW, "new.txt")
    with pytest.raises(LibraryError, match="Read-only"):
        library.remove("whatsapp-sues-nso-fe-bd")
    assert [i.id for i in Library(library.data_dir).infos()] == ["whatsapp-sues-nso-fe-bd"]


@pytest.mark.parametrize("action", ["add", "infos", "get", "candidates"])
def test_data_directory_that_is_a_file(tmp_path: Path, action: str) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    library = Library(blocker)
    with pytest.raises(LibraryError, match=f"the data directory {blocker} is not a folder"):
        {"add": lambda: library.add_file(NSO), "infos": library.infos,
         "get": lambda: library.get("whatsapp-sues-nso-fe-bd"),
         "candidates": lambda: library.candidates("who?")}[action]()


@pytest.mark.parametrize("kind", ["folder", "garbage"])
def test_a_database_path_that_is_not_a_database(tmp_path: Path, kind: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    if kind == "folder":
        (data / DB_FILE).mkdir()
    else:
        (data / DB_FILE).write_bytes(b"not a database at all" * 100)
    with pytest.raises(LibraryError, match=f"cannot open the library {data / DB_FILE}"):
        Library(data).infos()


def test_missing_data_directory_is_created_on_first_add(tmp_path: Path) -> None:
    library = Library(tmp_path / "a" / "b")
    assert library.infos()[0].bundled
    library.add_file(NSO)
    assert (tmp_path / "a" / "b" / DB_FILE).is_file()


def _set_document(library: Library, story_id: str, document: str, schema: int | None = None) -> None:
    with sqlite3.connect(library.data_dir / DB_FILE) as conn:
        conn.execute("UPDATE stories SET document = ? WHERE id = ?", (document, story_id))
        if schema is not None:
            conn.execute("UPDATE stories SET schema_version = ? WHERE id = ?", (schema, story_id))


def _document(library: Library, story_id: str) -> dict[str, object]:
    with sqlite3.connect(library.data_dir / DB_FILE) as conn:
        return json.loads(conn.execute("SELECT document FROM stories WHERE id = ?", (story_id,)).fetchone()[0])


@pytest.mark.parametrize("damage", ["truncate", "tamper"])
def test_a_damaged_document_is_refused_in_one_line_and_others_load(library: Library, damage: str) -> None:
    library.add_file(NSO)
    library.add_file(RUMOURS)
    doc = _document(library, "whatsapp-sues-nso-fe-bd")
    if damage == "truncate":
        _set_document(library, "whatsapp-sues-nso-fe-bd", json.dumps(doc)[:500])
    else:
        doc["story"]["paragraphs"][0]["text"] = "Something else entirely."  # type: ignore[index]
        _set_document(library, "whatsapp-sues-nso-fe-bd", json.dumps(doc))
    reopened = Library(library.data_dir)
    with pytest.raises(CorruptStoryError, match="^whatsapp-sues-nso-fe-bd: .*re-add the article$"):
        reopened.get("whatsapp-sues-nso-fe-bd")
    assert reopened.get("whatsapp-rumours-warning-ht").paragraphs
    assert [s.id for s in reopened.candidates("How many phones did NSO target?", 2)] != []


def test_an_older_schema_is_reindexed_from_its_article_text_on_reading(library: Library) -> None:
    library.add_file(NSO)
    doc = _document(library, "whatsapp-sues-nso-fe-bd")
    doc["schema_version"], doc["story"] = 1, {"an": "older story model"}
    _set_document(library, "whatsapp-sues-nso-fe-bd", json.dumps(doc), schema=1)
    story = Library(library.data_dir).get("whatsapp-sues-nso-fe-bd")
    assert story.paragraphs[0].text.startswith("Facebook-owned WhatsApp has filed a lawsuit")
    assert _document(library, "whatsapp-sues-nso-fe-bd")["schema_version"] != 1  # and kept so


def test_an_older_schema_without_its_article_text_is_refused_in_one_line(library: Library) -> None:
    library.add_file(NSO)
    _set_document(library, "whatsapp-sues-nso-fe-bd", json.dumps({"schema_version": 1}), schema=1)
    with pytest.raises(CorruptStoryError, match="another StoryBot version and cannot be re-indexed"):
        Library(library.data_dir).get("whatsapp-sues-nso-fe-bd")


def test_rebuild_reindexes_every_story(library: Library) -> None:
    library.add_file(NSO)
    library.add_file(RUMOURS)
    doc = _document(library, "whatsapp-sues-nso-fe-bd")
    doc["schema_version"] = 0
    _set_document(library, "whatsapp-sues-nso-fe-bd", json.dumps(doc), schema=0)
    assert sorted(library.rebuild()) == ["whatsapp-rumours-warning-ht", "whatsapp-sues-nso-fe-bd"]
    assert _document(library, "whatsapp-sues-nso-fe-bd")["schema_version"] != 0
    reopened = Library(library.data_dir)
    assert len(reopened.infos()) == 2 and not reopened.problems


def test_no_files_but_sqlites_own(library: Library) -> None:
    library.add_file(NSO)
    library.remove("whatsapp-sues-nso-fe-bd")
    library.add_file(RUMOURS)
    assert {p.name for p in library.data_dir.iterdir()} <= SQLITE_FILES
