"""The labelled question sets: where they are, how much each weighs, and how a cited
sentence is judged right (the rule of ../shared/eval/score.py).

Real published articles weigh 1; the invented ones of bench/heldout weigh less, since they
lack the clutter users paste. `blind` sets are never trained on: they are scored only,
and their misses are not read (once they are, the set is a training set and moves).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from index.store.library import story_from_file
from index.story import Story

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"


@dataclass(frozen=True)
class LabelledSet:
    name: str
    stories: tuple[Path, ...]  # folders searched in turn for `<story>.txt`
    questions: tuple[Path, ...]
    weight: float = 1.0
    blind: bool = False
    real: bool = True


@dataclass
class Item:
    """One question of a set, with its story."""

    set: LabelledSet
    story: Story
    question: str
    keys: list[str]
    unanswerable: bool = False
    tags: dict[str, str] = field(default_factory=dict)


def _jsonl(folder: Path, pattern: str = "*.jsonl") -> tuple[Path, ...]:
    return tuple(sorted(p for p in folder.glob(pattern) if not p.name.endswith(".quotes.jsonl")))


def sets(shared: Path = SHARED) -> list[LabelledSet]:
    heldout = HERE / "heldout"
    return [
        LabelledSet("train", (shared / "train" / "stories",), _jsonl(shared / "train" / "eval")),
        LabelledSet("eval", (shared / "stories",), _jsonl(shared / "eval")),
        # Questions on two invented stories and, in questions.jsonl, on the shared ones.
        LabelledSet("heldout", (heldout, shared / "stories"), _jsonl(heldout), weight=0.5,
                    real=False),
        *(LabelledSet(name, (heldout / name,), _jsonl(heldout / name), weight=0.5, real=False)
          for name in ("blind", "blind2", "blind3")),
        LabelledSet("blind4", (heldout / "blind4",), _jsonl(heldout / "blind4"), blind=True,
                    real=False),
        LabelledSet("blind5", (heldout / "blind5",), _jsonl(heldout / "blind5"), blind=True),
        LabelledSet("blind6", (heldout / "blind6",), _jsonl(heldout / "blind6")),
        LabelledSet("blind7", (heldout / "blind7",), _jsonl(heldout / "blind7")),
        *(LabelledSet(name, (heldout / name,), _jsonl(heldout / name))
          for name in ("blind8", "blind9", "blind12", "blind13")),
        *(LabelledSet(name, (heldout / name,), _jsonl(heldout / name), blind=True)
          for name in ("blind10", "blind11", "blind14", "blind15")),
    ]


def rows(labelled: LabelledSet, paths: Iterable[Path],
         cache: dict[Path, Story]) -> Iterator[tuple[dict, Story]]:
    """Each JSON line of `paths` with its parsed story (parsed once per file via `cache`)."""
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            story_path = next(p for folder in labelled.stories
                              if (p := folder / f"{row['story']}.txt").exists())
            if story_path not in cache:
                cache[story_path] = story_from_file(story_path)
            yield row, cache[story_path]


def load(labelled: LabelledSet, cache: dict[Path, Story]) -> list[Item]:
    """The set's questions with their parsed stories."""
    return [Item(labelled, story, row["q"], row.get("keys", []), bool(row.get("unanswerable")))
            for row, story in rows(labelled, labelled.questions, cache)]


def norm(text: str) -> str:
    """The scorer's normalisation: NFKC, lower case, straight quotes and dashes."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = re.sub(r"[\u2010-\u2015]", "-", text.replace("\u201d", '"'))
    return re.sub(r"\s+", " ", text)


def hit(sentence: str, keys: list[str]) -> bool:
    return any(norm(k) in norm(sentence) for k in keys)
