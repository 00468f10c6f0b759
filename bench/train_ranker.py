"""Train the answer ranker; report leave-one-story-out figures; write bot/data/ranker.json.

    python -m bench.train_ranker           # LOSO table and abstention curve, then the weights
    python -m bench.train_ranker --dry-run # the same figures, nothing written

The model is scikit-learn's logistic regression over `bot.candidates.FEATURES`, one row per
candidate sentence, labelled 1 when the sentence holds an answer key. Each question weighs
the same (its positive and its negative rows each sum to its set's weight), so long stories
do not outvote short ones. The calibration (P that the best sentence answers, from its
score and margin) is fitted on the out-of-fold scores of leave-one-story-out, where every
story is scored by a model that never saw it; the thresholds come from that curve.
Deterministic: same data, same weights.
"""

from __future__ import annotations

import argparse
import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from bench.labelled import Item, hit, load, sets
from bot.candidates import FEATURES, candidate_features
from bot.passages import story_index
from bot.question import analyze
from bot.ranker import CALIBRATION_INPUTS, Calibration, RankerWeights
from index.story import Story

log = logging.getLogger(__name__)

WEIGHTS_FILE = Path(__file__).resolve().parent.parent / "bot" / "data" / "ranker.json"
C = 1.0  # L2 strength; LOSO top-1 is flat from 0.3 to 3 (see docs/answer.md)
# The hedged tier reaches down to the P above which, up to the answer threshold, the best
# sentence is still right this often.
HEDGE_PRECISION = 0.25


@dataclass
class Example:
    """One question's candidates: features, labels, and where it comes from."""

    item: Item
    x: np.ndarray
    y: np.ndarray

    @property
    def story_id(self) -> str:
        return self.item.story.id


def examples(items: list[Item]) -> list[Example]:
    found = []
    for item in items:
        q = analyze(item.question)
        ix = story_index(item.story)
        x = np.array(candidate_features(q, ix), dtype=float)
        y = np.zeros(len(x)) if item.unanswerable else \
            np.array([hit(s.text, item.keys) for s in ix.sentences], dtype=float)
        found.append(Example(item, x, y))
    return found


def fit(train: list[Example]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, scale, weights) of a model fitted on `train`."""
    x = np.vstack([e.x for e in train])
    y = np.concatenate([e.y for e in train])
    w = np.concatenate([_row_weights(e) for e in train])
    mean = x.mean(axis=0)
    mean[0] = 0.0  # the bias column stays 1
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, fit_intercept=False, max_iter=2000)
    model.fit((x - mean) / scale, y, sample_weight=w)
    return mean, scale, model.coef_[0]


def _row_weights(e: Example) -> np.ndarray:
    positives = e.y.sum()
    negatives = len(e.y) - positives
    set_weight = e.item.set.weight
    return np.where(e.y > 0, set_weight / max(positives, 1), set_weight / max(negatives, 1))


@dataclass
class Outcome:
    """How one question came out under a model: the ranking and the best two scores."""

    example: Example
    top1: bool
    top3: bool
    top: float
    second: float | None
    row: list[float]  # the best candidate's features
    answered: bool = False  # the reply's tier is "answer", under a calibration set later


def outcome(e: Example, mean: np.ndarray, scale: np.ndarray, weights: np.ndarray) -> Outcome:
    scores = ((e.x - mean) / scale) @ weights
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    right = [bool(e.y[i]) for i in order[:3]]
    return Outcome(e, bool(right[:1] and right[0]), any(right), float(scores[order[0]]),
                   float(scores[order[1]]) if len(order) > 1 else None,
                   [float(v) for v in e.x[order[0]]])


def leave_one_story_out(pool: list[Example]) -> list[Outcome]:
    by_story: dict[str, list[Example]] = defaultdict(list)
    for e in pool:
        by_story[e.story_id].append(e)
    found = []
    for story_id, held in by_story.items():
        model = fit([e for e in pool if e.story_id != story_id])
        found += [outcome(e, *model) for e in held]
    return found


def calibrate(outcomes: list[Outcome]) -> Calibration:
    """P(the best sentence answers) from `CALIBRATION_INPUTS`, fitted on held-out outcomes."""
    probe = Calibration(weights=[0.0] * len(CALIBRATION_INPUTS), bias=0.0)
    x = np.array([probe.inputs(o.top, o.second, o.row) for o in outcomes])
    y = np.array([o.top1 for o in outcomes], dtype=float)
    model = LogisticRegression(C=10.0).fit(x, y)
    return Calibration(weights=[round(float(w), 6) for w in model.coef_[0]],
                       bias=round(float(model.intercept_[0]), 6))


def curve(outcomes: list[Outcome], cal: Calibration) -> list[tuple[float, float, float, float]]:
    """(threshold, share of answerable answered right, share of unanswerable refused,
    precision of what is answered) at each threshold from 0.05 to 0.95."""
    probe = _probe(cal)
    rows = []
    for t in np.arange(0.05, 0.96, 0.05):
        answerable = [o for o in outcomes if not o.example.item.unanswerable]
        unanswerable = [o for o in outcomes if o.example.item.unanswerable]
        right = sum(o.top1 and probe.probability(o.top, o.second, o.row) >= t for o in answerable)
        refused = sum(probe.probability(o.top, o.second, o.row) < t for o in unanswerable)
        answered = sum(probe.probability(o.top, o.second, o.row) >= t for o in outcomes)
        rows.append((round(float(t), 2), right / max(len(answerable), 1),
                     refused / max(len(unanswerable), 1), right / max(answered, 1)))
    return rows


def _probe(cal: Calibration) -> RankerWeights:
    n = len(FEATURES)
    return RankerWeights(features=list(FEATURES), mean=[0.0] * n, scale=[1.0] * n,
                         weights=[0.0] * n, calibration=cal, answer_at=0.5, hedge_at=0.5)


def thresholds(outcomes: list[Outcome], cal: Calibration) -> tuple[float, float]:
    """(answer_at, hedge_at) from the curve: the answer threshold where right answers plus
    right refusals peak (as many replies right as can be, in the labelled sets' mix of two
    answerable questions to one not; weighing both kinds equally refused most answerable
    ones, see docs/answer.md); the hedge threshold the lowest P at which the best sentence
    is still right at least HEDGE_PRECISION of the time over the whole band below the answer
    threshold (a 0.05 step alone holds too few questions to judge)."""
    probe = _probe(cal)
    rows = curve(outcomes, cal)
    n_ans = sum(not o.example.item.unanswerable for o in outcomes)
    n_un = len(outcomes) - n_ans
    answer_at = max(rows, key=lambda r: (r[1] * n_ans + r[2] * n_un, -r[0]))[0]
    hedge_at = answer_at
    for t in np.arange(answer_at - 0.05, 0.0, -0.05):
        band = [o for o in outcomes if t <= probe.probability(o.top, o.second, o.row) < answer_at]
        if band and sum(o.top1 for o in band) / len(band) >= HEDGE_PRECISION:
            hedge_at = round(float(t), 2)
    return answer_at, hedge_at


def figures(outcomes: list[Outcome]) -> dict[str, float]:
    """The scorer's figures: top-1/top-3 count only confident answers."""
    answerable = [o for o in outcomes if not o.example.item.unanswerable]
    unanswerable = [o for o in outcomes if o.example.item.unanswerable]
    return {
        "rank_top1": _mean(o.top1 for o in answerable),
        "rank_top3": _mean(o.top3 for o in answerable),
        "top1": _mean(o.top1 and o.answered for o in answerable),
        "top3": _mean(o.top3 and o.answered for o in answerable),
        "abstain": _mean(not o.answered for o in unanswerable),
        "answerable": len(answerable), "unanswerable": len(unanswerable),
    }


def decide(outcomes: list[Outcome], model: RankerWeights) -> list[Outcome]:
    for o in outcomes:
        o.answered = model.confidence(model.probability(o.top, o.second, o.row)) == "answer"
    return outcomes


def decide_held_out(oof: list[Outcome]) -> None:
    """Each story's tiers under a calibration and thresholds fitted on the other stories'
    held-out outcomes, so that abstention too is measured on stories it never saw."""
    for story_id in {o.example.story_id for o in oof}:
        rest = [o for o in oof if o.example.story_id != story_id]
        cal = calibrate(rest)
        answer_at, hedge_at = thresholds(rest, cal)
        probe = _probe(cal).model_copy(update={"answer_at": answer_at, "hedge_at": hedge_at})
        decide([o for o in oof if o.example.story_id == story_id], probe)


def _mean(values: object) -> float:
    found = list(values)  # type: ignore[call-overload]
    return round(sum(found) / len(found), 3) if found else 0.0


def load_pool(cache: dict[Path, Story]) -> tuple[list[Example], dict[str, list[Example]]]:
    """(the training pool, the blind sets by name)."""
    pool: list[Example] = []
    blind: dict[str, list[Example]] = {}
    for labelled in sets():
        if not labelled.questions:
            continue
        found = examples(load(labelled, cache))
        if labelled.blind:
            blind[labelled.name] = found
        else:
            pool += found
    return pool, blind


def train(pool: list[Example]) -> tuple[RankerWeights, list[Outcome]]:
    """The shipped model (fitted on the whole pool) and the LOSO outcomes behind its
    calibration and thresholds."""
    oof = leave_one_story_out(pool)
    decide_held_out(oof)
    cal = calibrate(oof)
    answer_at, hedge_at = thresholds(oof, cal)
    mean, scale, weights = fit(pool)
    model = RankerWeights(
        features=list(FEATURES), mean=[round(float(v), 6) for v in mean],
        scale=[round(float(v), 6) for v in scale], weights=[round(float(v), 6) for v in weights],
        calibration=cal, answer_at=answer_at, hedge_at=hedge_at,
        trained_on=sorted({e.story_id for e in pool}))
    return model, oof


def by_set(outcomes: list[Outcome]) -> dict[str, list[Outcome]]:
    found: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        found[o.example.item.set.name].append(o)
        found["real" if o.example.item.set.real else "invented"].append(o)
        found["pool"].append(o)
    return found


def _print_table(title: str, rows: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"{'set':10} {'rank@1':>7} {'rank@3':>7} {'top1':>6} {'top3':>6} {'abstain':>8}   n")
    for name, f in rows.items():
        print(f"{name:10} {f['rank_top1']:7.3f} {f['rank_top3']:7.3f} {f['top1']:6.3f} "
              f"{f['top3']:6.3f} {f['abstain']:8.3f}   {f['answerable']:.0f}+{f['unanswerable']:.0f}")



def _print_misses(outcomes: list[Outcome], model: RankerWeights) -> None:
    print("\nLOSO misses (training pool only)")
    for o in outcomes:
        item = o.example.item
        p = model.probability(o.top, o.second, o.row)
        answered = model.confidence(p) == "answer"
        if item.unanswerable and not answered or not item.unanswerable and o.top1 and answered:
            continue
        ix = story_index(item.story)
        scores = ((o.example.x - np.array(model.mean)) / np.array(model.scale)) @ np.array(model.weights)
        best = int(np.argmax(scores))
        gold = [i for i, y in enumerate(o.example.y) if y]
        rank = sorted(range(len(scores)), key=lambda i: -scores[i])
        where = [rank.index(g) + 1 for g in gold]
        print(f"[{item.story.id[:18]}] {item.question!r} p={p:.2f} "
              f"{'UNANS' if item.unanswerable else f'gold rank {where}'}\n"
              f"    got: {ix.sentences[best].text[:150]!r}")
        if gold:
            print(f"   gold: {ix.sentences[gold[0]].text[:150]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    parser.add_argument("--misses", action="store_true",
                        help="also list the LOSO misses of the training pool (never the blind sets)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    pool, blind = load_pool({})
    model, oof = train(pool)
    _print_table("Leave-one-story-out: each story ranked, calibrated and thresholded by "
                 "models fitted without it",
                 {name: figures(found) for name, found in by_set(oof).items()})
    shipped_outcomes = {name: [outcome(e, np.array(model.mean), np.array(model.scale),
                                       np.array(model.weights)) for e in found]
                        for name, found in blind.items()}
    _print_table("Blind sets (never trained on), shipped model",
                 {name: figures(decide(found, model)) for name, found in shipped_outcomes.items()})
    print(f"\nAbstention curve (LOSO, n={len(oof)}): answer_at={model.answer_at} "
          f"hedge_at={model.hedge_at}")
    print(f"{'P >=':>5} {'answered right':>15} {'refused right':>14} {'precision':>10}")
    for t, right, refused, precision in curve(oof, model.calibration):
        print(f"{t:5.2f} {right:15.3f} {refused:14.3f} {precision:10.3f}")
    if args.misses:
        _print_misses(oof, model)
    if not args.dry_run:
        WEIGHTS_FILE.write_text(model.model_dump_json(indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {WEIGHTS_FILE}")


if __name__ == "__main__":
    main()
