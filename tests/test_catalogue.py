"""The library's first stage: metadata without documents, lazy loading, changes made by
other writers, the term index snapshot, ranking."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from rank_bm25 import BM25Okapi

from bot.cli import main
from index.store import library as library_module
from index.store.database import DB_FILE
from index.store.library import SAMPLE_ID, AddResult, Library
from index.store.postings import PostingsUpdate, StoryPostings
from index.story import Story
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


@pytest.fixture
def large(filled: Library) -> Library:
    """Past the small-library rule of `candidates` (which reads every story sharing a term)."""
    with filled.batch():
        for n in range(10):
            filled.add_bytes(f"title: Roads {n}\n\nThe council met on day {n} about roads.".encode(),
                             f"r{n}.txt")
    return filled


def _ids(library: Library) -> list[str]:
    return [info.id for info in library.infos()]


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []
    real = library_module._decoded

    def decoded(story_id: str, document: str) -> Story:
        reads.append(story_id)
        return real(story_id, document)

    monkeypatch.setattr(library_module, "_decoded", decoded)
    return reads


def test_listing_reads_no_story_document(filled: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _count_reads(monkeypatch)
    reopened = Library(filled.data_dir)
    assert _ids(reopened) == sorted(_ids(filled)) and len(_ids(reopened)) == 4
    assert reopened.infos()[0].title == filled.infos()[0].title
    assert reads == []


def test_get_reads_one_story_once(filled: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    reopened = Library(filled.data_dir)
    reads = _count_reads(monkeypatch)
    first = reopened.get("whatsapp-sues-nso-fe-bd")
    assert reopened.get("whatsapp-sues-nso-fe-bd") is first
    assert reads == ["whatsapp-sues-nso-fe-bd"]


def test_a_story_replaced_by_another_writer_is_read_again(filled: Library) -> None:
    story = filled.get("whatsapp-sues-nso-fe-bd")
    other = Library(filled.data_dir)
    other.remove("whatsapp-sues-nso-fe-bd")
    other.add_bytes(b"title: WhatsApp sues NSO\n\nA short new version.", "whatsapp-sues-nso-fe-bd.txt")
    again = filled.get("whatsapp-sues-nso-fe-bd")
    assert again is not story and again.paragraphs[0].text == "A short new version."


def test_a_story_added_by_another_process_is_seen_without_reopening(filled: Library) -> None:
    """As a running bot sees what `storybot index add` stores."""
    assert filled.candidates("zebra giraffe savanna") == []
    late = filled.data_dir.parent / "late.txt"
    late.write_text("title: Zebra news\n\nA zebra and a giraffe crossed the savanna.")
    subprocess.run([sys.executable, "-m", "bot", "--data-dir", str(filled.data_dir), "index", "add",
                    str(late)], check=True, capture_output=True, cwd=Path(__file__).parents[1])
    assert "late" in _ids(filled)
    assert [s.id for s in filled.candidates("zebra giraffe savanna")] == ["late"]
    subprocess.run([sys.executable, "-m", "bot", "--data-dir", str(filled.data_dir), "index", "remove",
                    "late"], check=True, capture_output=True, cwd=Path(__file__).parents[1])
    assert "late" not in _ids(filled) and filled.candidates("zebra giraffe savanna") == []


def _snapshot(library: Library) -> tuple[bytes | None, int | None, int]:
    with sqlite3.connect(library.data_dir / DB_FILE) as conn:
        return conn.execute("SELECT snapshot, snapshot_generation, generation FROM shelves").fetchone()


def test_a_new_process_starts_from_the_snapshot(filled: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    blob, at, generation = _snapshot(filled)
    assert blob and at == generation  # saved once, at the end of the batch
    monkeypatch.setattr(Library, "_terms_of", lambda *_: pytest.fail("terms read"))
    assert Library(filled.data_dir).candidates("NSO phones", 1)[0].id == "whatsapp-sues-nso-fe-bd"


@pytest.mark.parametrize("damage", ["garbage", "missing", "of-other-stories", "stale"])
def test_a_damaged_or_stale_snapshot_is_made_up_from_the_terms(filled: Library, damage: str) -> None:
    with sqlite3.connect(filled.data_dir / DB_FILE) as conn:
        if damage == "garbage":
            conn.execute("UPDATE shelves SET snapshot = ?", (b"PK\x03\x04 not really a zip",))
        elif damage == "missing":
            conn.execute("UPDATE shelves SET snapshot = NULL")
        elif damage == "of-other-stories":
            conn.execute("UPDATE shelves SET snapshot = ?",
                         (StoryPostings.build({"other": {"word": 1}}).to_bytes(),))
        else:  # a story stored by a writer that died before saving the snapshot
            conn.execute("UPDATE shelves SET snapshot_seqs = json_remove(snapshot_seqs, '$.\"whatsapp-sues-nso-fe-bd\"')")
    reopened = Library(filled.data_dir)
    assert _ids(reopened) == sorted(_ids(filled)) and not reopened.problems
    assert reopened.candidates("NSO phones", 1)[0].id == "whatsapp-sues-nso-fe-bd"


def test_a_damaged_story_stays_out_of_the_answers(large: Library) -> None:
    with sqlite3.connect(large.data_dir / DB_FILE) as conn:
        conn.execute("UPDATE stories SET document = '{broken' WHERE id = 'whatsapp-sues-nso-fe-bd'")
    reopened = Library(large.data_dir)
    question = "How many phones did NSO's malware target?"
    assert reopened.postings().top(["nso"], 1)[0][0] == "whatsapp-sues-nso-fe-bd"
    assert "whatsapp-sues-nso-fe-bd" not in [s.id for s in reopened.candidates(question)]
    assert reopened.problems[0].startswith("whatsapp-sues-nso-fe-bd: damaged")


def test_batch_saves_the_snapshot_once(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    saves = []
    real = Library._save_snapshot

    def save(self: Library) -> None:
        saves.append(1)
        real(self)

    monkeypatch.setattr(Library, "_save_snapshot", save)
    with library.batch():
        library.add_file(NSO)
        library.add_file(RUMOURS)
    assert len(saves) == 1
    library.remove("whatsapp-rumours-warning-ht")
    assert len(saves) == 2


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


def test_a_small_library_reads_every_story_sharing_a_term(filled: Library) -> None:
    # In a library of four a term in two stories has an IDF of 0: 'spokesperson' alone
    # would not reach the stories that have one.
    ids = [s.id for s in filled.candidates("What did the spokesperson say?")]
    assert {SAMPLE_ID, "whatsapp-rumours-warning-ht"} <= set(ids)


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


def test_candidates_are_the_best_and_the_close_ones(large: Library) -> None:
    filled = large
    question = "What did WhatsApp say?"
    ranked = filled.postings().top(["whatsapp", "say"], 4)
    close = [story_id for story_id, score in ranked if score >= 0.9 * ranked[0][1]][:3]
    assert [s.id for s in filled.candidates(question)] == close and len(close) < 4


def test_ask_all_reads_only_the_candidates(large: Library, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    reads = _count_reads(monkeypatch)
    code = main(["--data-dir", str(large.data_dir), "ask", "--story", "all", "--json",
                 "How many phones did NSO's malware target?"])
    answer = json.loads(capsys.readouterr().out)
    assert code == 0 and answer["citations"][0]["story_id"] == "whatsapp-sues-nso-fe-bd"
    assert "whatsapp-sues-nso-fe-bd" in reads and len(reads) < 4


def test_add_many_gives_results_in_order_with_errors_and_duplicates(library: Library) -> None:
    sources: list[Path | tuple[bytes, str]] = [NSO, (b"", "empty.txt"), (NSO.read_bytes(), "copy.txt"), RUMOURS, DATA / "missing.txt"]
    results = list(library.add_many(sources, workers=2))
    assert [type(r).__name__ for r in results] == [
        "AddResult", "ArticleError", "AddResult", "AddResult", "ArticleError"]
    assert isinstance(results[2], AddResult) and results[2].duplicate
    assert results[2].info.id == "whatsapp-sues-nso-fe-bd"
    assert _ids(Library(library.data_dir)) == ["whatsapp-rumours-warning-ht", "whatsapp-sues-nso-fe-bd"]


def _documents(library: Library) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(library.data_dir / DB_FILE) as conn:
        return {row[0]: (row[1], row[2]) for row in conn.execute("SELECT id, document, terms FROM stories")}


def test_add_many_stores_what_add_bytes_stores(tmp_path: Path) -> None:
    sources = [(b"It rained all day in Kolkata.", "article.txt"), (BENGAL.read_bytes(), BENGAL.name)]
    one_by_one, together = Library(tmp_path / "a"), Library(tmp_path / "b")
    for data, name in sources:
        one_by_one.add_bytes(data, name)
    list(together.add_many(sources, workers=2))
    assert _documents(one_by_one) == _documents(together) and len(_documents(together)) == 2


def test_a_removed_article_can_be_added_again(library: Library) -> None:
    library.add_file(NSO)
    assert library.add_file(NSO).duplicate
    library.remove("whatsapp-sues-nso-fe-bd")
    again = library.add_file(NSO)
    assert not again.duplicate and again.info.id == "whatsapp-sues-nso-fe-bd"
