"""The catalogue and the story-level first stage: lazy loading, reconciliation, ranking."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from rank_bm25 import BM25Okapi

from bot.cli import main
from index import library as library_module
from index.catalogue import CATALOGUE_FILE, POSTINGS_GLOB, Catalogue
from index.errors import CorruptStoryError
from index.library import SAMPLE_ID, AddResult, Library, StoredStory
from index.postings import PostingsUpdate, StoryPostings
from tests.conftest import DATA, SAMPLE

NSO = DATA / "whatsapp-sues-nso-fe-bd.txt"
RUMOURS = DATA / "whatsapp-rumours-warning-ht.txt"
BENGAL = DATA / "bengal-governor-tmc-snooping-thehindu.txt"


@pytest.fixture
def filled(library: Library) -> Library:
    with library.batch():
        for path in (NSO, RUMOURS, BENGAL, SAMPLE):
            library.add_file(path)
    return library


def _ids(library: Library) -> list[str]:
    return [info.id for info in library.infos()]


def _no_story_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("a story file was read")

    monkeypatch.setattr(Library, "_load", refuse)


def test_listing_reads_the_catalogue_not_the_stories(filled: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_story_reads(monkeypatch)
    reopened = Library(filled.data_dir)
    assert _ids(reopened) == sorted(_ids(filled)) and len(_ids(reopened)) == 4
    assert reopened.infos()[0].title == filled.infos()[0].title


def test_get_reads_one_story_once(filled: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    reopened = Library(filled.data_dir)
    monkeypatch.setattr(Library, "_read_catalogue", lambda _: pytest.fail("catalogue read"))
    loads: list[Path] = []
    real_load = Library._load

    def load(self: Library, path: Path) -> StoredStory:
        loads.append(path)
        return real_load(self, path)

    monkeypatch.setattr(Library, "_load", load)
    first = reopened.get("whatsapp-sues-nso-fe-bd")
    assert reopened.get("whatsapp-sues-nso-fe-bd") is first
    assert [p.name for p in loads] == ["whatsapp-sues-nso-fe-bd.json"]


def test_a_replaced_story_file_is_read_again(filled: Library) -> None:
    story = filled.get("whatsapp-sues-nso-fe-bd")
    other = Library(filled.data_dir)
    other.remove("whatsapp-sues-nso-fe-bd")
    other.add_bytes(b"title: WhatsApp sues NSO\n\nA short new version.", "whatsapp-sues-nso-fe-bd.txt")
    again = filled.get("whatsapp-sues-nso-fe-bd")
    assert again is not story and again.paragraphs[0].text == "A short new version."


@pytest.mark.parametrize("failing", ["catalogue-", "catalogue.json"])
def test_story_written_but_catalogue_not(filled: Library, monkeypatch: pytest.MonkeyPatch,
                                        failing: str) -> None:
    """A crash after the story file, before or between the catalogue's two files."""
    real_write = library_module.atomic_write

    def crash_at(target: Path, data: bytes) -> None:
        if target.name.startswith(failing):
            raise OSError(28, "No space left on device")
        real_write(target, data)

    monkeypatch.setattr(library_module, "atomic_write", crash_at)
    filled.add_bytes(b"title: Late news\n\nPhones were hacked again.", "late.txt")
    monkeypatch.undo()
    reopened = Library(filled.data_dir)
    assert "late" in _ids(reopened) and not reopened.problems
    assert [s.id for s in reopened.candidates("hacked again late news", 1)] == ["late"]
    assert len(list(filled.data_dir.glob(POSTINGS_GLOB))) == 1


def test_stale_catalogue_is_reconciled(filled: Library, tmp_path: Path) -> None:
    elsewhere = Library(tmp_path / "elsewhere")
    elsewhere.add_bytes(b"title: Added elsewhere\n\nA story copied in by hand.", "copied.txt")
    shutil.copy(elsewhere.stories_dir / "copied.json", filled.stories_dir)
    (filled.stories_dir / "whatsapp-rumours-warning-ht.json").unlink()
    reopened = Library(filled.data_dir)
    assert "copied" in _ids(reopened) and "whatsapp-rumours-warning-ht" not in _ids(reopened)
    saved = json.loads((filled.data_dir / CATALOGUE_FILE).read_text())
    assert sorted(entry["info"]["id"] for entry in saved["entries"]) == _ids(reopened)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "old-version", "index-garbage",
                                    "index-missing", "index-of-other-stories"])
def test_damaged_catalogue_is_rebuilt_from_the_files(filled: Library, damage: str) -> None:
    path = filled.data_dir / CATALOGUE_FILE
    doc = json.loads(path.read_text())
    index = next(filled.data_dir.glob(POSTINGS_GLOB))
    if damage == "garbage":
        path.write_bytes(b"\x00not json")
    elif damage == "truncated":
        path.write_text(path.read_text()[:1000])
    elif damage == "old-version":
        doc["version"] = 1
        path.write_text(json.dumps(doc))
    elif damage == "index-garbage":
        index.write_bytes(b"PK\x03\x04 not really a zip")
    elif damage == "index-missing":
        index.unlink()
    else:
        index.write_bytes(StoryPostings.build({"other": {"word": 1}}).to_bytes())
    reopened = Library(filled.data_dir)
    assert _ids(reopened) == sorted(_ids(filled)) and not reopened.problems
    assert reopened.candidates("NSO phones", 1)[0].id == "whatsapp-sues-nso-fe-bd"
    assert Library(filled.data_dir)._read_catalogue().entries.keys() == set(_ids(filled))


def test_corrupt_story_stays_out_of_the_catalogue(filled: Library) -> None:
    (filled.stories_dir / "whatsapp-sues-nso-fe-bd.json").write_text("{broken")
    reopened = Library(filled.data_dir)
    assert "whatsapp-sues-nso-fe-bd" not in _ids(reopened)
    assert reopened.problems[0].startswith("whatsapp-sues-nso-fe-bd.json")
    with pytest.raises(CorruptStoryError):
        reopened.get("whatsapp-sues-nso-fe-bd")


def test_batch_writes_the_catalogue_once(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    encodes = []
    real_encode = Catalogue.encode

    def encode(cat: Catalogue) -> tuple[str, bytes, bytes]:
        encodes.append(1)
        return real_encode(cat)

    monkeypatch.setattr(Catalogue, "encode", encode)
    with library.batch():
        library.add_file(NSO)
        library.add_file(RUMOURS)
    assert len(encodes) == 1
    library.remove("whatsapp-rumours-warning-ht")
    assert len(encodes) == 2


@pytest.mark.parametrize("question, story", [
    ("How many phones did NSO's malware target?", "whatsapp-sues-nso-fe-bd"),
    ("What did the governor say about snooping?", "bengal-governor-tmc-snooping-thehindu"),
    ("Did WhatsApp express regret over the spying row?", SAMPLE_ID),
])
def test_candidates_rank_the_right_story_first(filled: Library, question: str, story: str) -> None:
    assert Library(filled.data_dir).candidates(question, 2)[0].id == story


def test_candidates_leave_out_stories_without_a_shared_term(filled: Library) -> None:
    assert filled.candidates("Bengal governor", 4)[0].id == "bengal-governor-tmc-snooping-thehindu"
    assert filled.candidates("zebra giraffe", 4) == []


def test_candidates_of_an_empty_library_is_the_sample(library: Library) -> None:
    assert [s.id for s in library.candidates("anything", 3)] == [SAMPLE_ID]


def _random_documents(rng: random.Random, n: int) -> dict[str, list[str]]:
    words = [f"w{i}" for i in range(40)]
    return {f"s{i:03d}": rng.choices(words, weights=range(40, 0, -1), k=rng.randint(1, 60))
            for i in range(n)}


@pytest.mark.parametrize("seed", range(5))
def test_postings_score_like_rank_bm25_okapi(seed: int) -> None:
    rng = random.Random(seed)
    documents = _random_documents(rng, 30)
    ids = sorted(documents)
    postings = StoryPostings.build({i: _counts(documents[i]) for i in ids})
    okapi = BM25Okapi([documents[i] for i in ids], k1=1.2, b=0.75, epsilon=0.25)
    query = rng.choices(["w0", "w1", "w5", "w20", "w39", "absent"], k=4)
    expected = dict(zip(ids, okapi.get_scores(query), strict=True))
    ranked = postings.top(query, 30)
    assert [i for i, _ in ranked] == sorted(ids, key=lambda i: -expected[i])
    assert [s for _, s in ranked] == pytest.approx([expected[i] for i, _ in ranked])


def _counts(terms: list[str]) -> dict[str, int]:
    return {t: terms.count(t) for t in terms}


@pytest.mark.parametrize("seed", range(5))
def test_updated_postings_equal_postings_built_afresh(seed: int) -> None:
    rng = random.Random(seed)
    documents = {i: _counts(terms) for i, terms in _random_documents(rng, 20).items()}
    before = StoryPostings.build(documents)
    drop = set(rng.sample(sorted(documents), 5))
    add = {f"new{i}": {"w1": 2, f"fresh{i}": 1} for i in range(3)} | {"s000": {"w2": 4}}
    after = {i: c for i, c in documents.items() if i not in drop} | add
    update = PostingsUpdate(before)
    for story_id in drop:
        update.drop(story_id)
    for story_id, counts in add.items():
        update.put(story_id, counts)
    updated, fresh = update.apply(), StoryPostings.build(after)
    query = ["w1", "w2", "fresh1", "w7"]
    assert updated.ids == fresh.ids
    ranked, expected = updated.top(query, 30), fresh.top(query, 30)
    assert [i for i, _ in ranked] == [i for i, _ in expected]
    assert [s for _, s in ranked] == pytest.approx([s for _, s in expected])
    assert StoryPostings.from_bytes(updated.to_bytes()).top(query, 30) == updated.top(query, 30)


def test_candidates_are_the_best_and_the_close_ones(filled: Library) -> None:
    question = "What did WhatsApp say?"
    ranked = filled._catalogue().postings.top(["whatsapp", "say"], 4)
    close = [story_id for story_id, score in ranked if score >= 0.9 * ranked[0][1]][:3]
    assert [s.id for s in filled.candidates(question)] == close


def test_ask_all_reads_only_the_candidates(filled: Library, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    loads: list[str] = []
    real_load = Library._load

    def load(self: Library, path: Path) -> StoredStory:
        loads.append(path.name)
        return real_load(self, path)

    monkeypatch.setattr(Library, "_load", load)
    code = main(["--data-dir", str(filled.data_dir), "ask", "--story", "all", "--json",
                 "How many phones did NSO's malware target?"])
    answer = json.loads(capsys.readouterr().out)
    assert code == 0 and answer["citations"][0]["story_id"] == "whatsapp-sues-nso-fe-bd"
    assert "whatsapp-sues-nso-fe-bd.json" in loads and len(loads) <= 3


def test_add_many_gives_results_in_order_with_errors_and_duplicates(library: Library) -> None:
    sources: list[Path | tuple[bytes, str]] = [NSO, (b"", "empty.txt"), (NSO.read_bytes(), "copy.txt"), RUMOURS, DATA / "missing.txt"]
    results = list(library.add_many(sources, workers=2))
    assert [type(r).__name__ for r in results] == [
        "AddResult", "ArticleError", "AddResult", "AddResult", "ArticleError"]
    assert isinstance(results[2], AddResult) and results[2].duplicate
    assert results[2].info.id == "whatsapp-sues-nso-fe-bd"
    assert _ids(Library(library.data_dir)) == ["whatsapp-rumours-warning-ht", "whatsapp-sues-nso-fe-bd"]


def test_add_many_stores_what_add_bytes_stores(tmp_path: Path) -> None:
    sources = [(b"It rained all day in Kolkata.", "article.txt"), (BENGAL.read_bytes(), BENGAL.name)]
    one_by_one, together = Library(tmp_path / "a"), Library(tmp_path / "b")
    for data, name in sources:
        one_by_one.add_bytes(data, name)
    list(together.add_many(sources, workers=2))
    for path in sorted(one_by_one.stories_dir.iterdir()):
        assert (together.stories_dir / path.name).read_bytes() == path.read_bytes()


def test_a_removed_article_can_be_added_again(library: Library) -> None:
    library.add_file(NSO)
    assert library.add_file(NSO).duplicate
    library.remove("whatsapp-sues-nso-fe-bd")
    again = library.add_file(NSO)
    assert not again.duplicate and again.info.id == "whatsapp-sues-nso-fe-bd"
