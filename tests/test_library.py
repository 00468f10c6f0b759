"""The story library: storing, duplicates, ids, atomic writes, corruption, bad directories."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from index.errors import ArticleError, LibraryError, UnknownStoryError
from index.library import SAMPLE_ID, Library
from tests.conftest import DATA

NSO = DATA / "whatsapp-sues-nso-fe-bd.txt"


def test_empty_library_serves_the_bundled_sample(library: Library) -> None:
    infos = library.infos()
    assert [i.id for i in infos] == [SAMPLE_ID]
    assert infos[0].bundled
    assert library.default_story().title.startswith("WhatsApp Expressed Regret")


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


def test_ids_are_unique_and_fall_back_to_title(library: Library) -> None:
    first = library.add_bytes(b"title: Rain falls\n\nIt rained all day.", "report.txt")
    second = library.add_bytes(b"title: Snow falls\n\nIt snowed all day.", "report.txt")
    generic = library.add_bytes(b"title: Hail Storm Today\n\nHail fell.", "article.txt")
    assert (first.info.id, second.info.id, generic.info.id) == ("report", "report-2", "hail-storm-today")


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
    assert not list(library.stories_dir.glob("*.json"))
    assert [i.id for i in library.infos()] == [SAMPLE_ID]


def test_bad_article_leaves_library_untouched(library: Library) -> None:
    library.add_file(NSO)
    before = sorted(p.name for p in library.stories_dir.iterdir())
    for data in (b"", b"\x00\x00binary", b"{broken json", b"...\n\n."):
        with pytest.raises(ArticleError):
            library.add_bytes(data, "bad.txt")
    assert sorted(p.name for p in library.stories_dir.iterdir()) == before


def test_write_failing_half_way_leaves_old_state(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    library.add_file(NSO)

    def disk_full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(LibraryError, match="No space left"):
        library.add_bytes(b"title: New\n\nSomething new happened.", "new.txt")
    monkeypatch.undo()
    assert sorted(p.name for p in library.stories_dir.iterdir()) == ["whatsapp-sues-nso-fe-bd.json"]
    assert [i.id for i in Library(library.data_dir).infos()] == ["whatsapp-sues-nso-fe-bd"]


def test_read_only_data_directory(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root in CI, where chmod cannot make a folder read-only: fail the open instead.
    library.add_file(NSO)

    def read_only(*_: object, **__: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", read_only)
    with pytest.raises(LibraryError, match="permission denied"):
        library.add_bytes(b"title: New\n\nSomething new happened.", "new.txt")
    monkeypatch.undo()
    assert [i.id for i in Library(library.data_dir).infos()] == ["whatsapp-sues-nso-fe-bd"]


def test_data_directory_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    with pytest.raises(LibraryError, match="cannot write to the data directory"):
        Library(blocker).add_file(NSO)


def test_missing_data_directory_is_created_on_first_add(tmp_path: Path) -> None:
    library = Library(tmp_path / "a" / "b")
    assert library.infos()[0].bundled
    library.add_file(NSO)
    assert (tmp_path / "a" / "b" / "stories" / "whatsapp-sues-nso-fe-bd.json").exists()


def _corrupt_one(library: Library) -> Path:
    library.add_file(NSO)
    library.add_file(DATA / "whatsapp-rumours-warning-ht.txt")
    return library.stories_dir / "whatsapp-sues-nso-fe-bd.json"


@pytest.mark.parametrize("damage", ["truncate", "tamper", "old-schema"])
def test_corrupted_story_is_reported_and_others_load(library: Library, damage: str) -> None:
    path = _corrupt_one(library)
    doc = json.loads(path.read_text())
    if damage == "truncate":
        path.write_text(path.read_text()[:500])
    elif damage == "tamper":
        doc["story"]["paragraphs"][0]["text"] = "Something else entirely."
        path.write_text(json.dumps(doc))
    else:
        doc["schema_version"] = 0
        path.write_text(json.dumps(doc))
    reopened = Library(library.data_dir)
    assert [i.id for i in reopened.infos()] == ["whatsapp-rumours-warning-ht"]
    assert len(reopened.problems) == 1
    assert reopened.problems[0].startswith("whatsapp-sues-nso-fe-bd.json")
    assert "rebuild" in reopened.problems[0] or "re-add" in reopened.problems[0]


def test_rebuild_repairs_an_outdated_story(library: Library) -> None:
    path = _corrupt_one(library)
    doc = json.loads(path.read_text())
    doc["schema_version"] = 0
    path.write_text(json.dumps(doc))
    assert sorted(library.rebuild()) == ["whatsapp-rumours-warning-ht", "whatsapp-sues-nso-fe-bd"]
    reopened = Library(library.data_dir)
    assert len(reopened.infos()) == 2 and not reopened.problems


def test_no_temporary_files_left_behind(library: Library) -> None:
    library.add_file(NSO)
    assert [p.name for p in library.stories_dir.iterdir()] == ["whatsapp-sues-nso-fe-bd.json"]
