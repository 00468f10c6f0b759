"""Text → BM25 terms. The one tokeniser for paragraphs, sentences, questions and speakers.

Steps: normalise (NFKC, quotes, dashes), lower-case, split into word/number runs, then
- numbers kept whole: "1,400" and "1400" give "1400"; "3.5" stays "3.5"
- hyphenated words indexed whole and split: "31-member" → "31-member", "31", "member"
- possessives and contractions cut: "NSO's" → "nso", "doesn't" → "doe" (a stop word)
- English stop words dropped, the rest Snowball-stemmed (PyStemmer)
- an irregular form also gives its base form's term: "took" → "took", "take"; "children" →
  "children", "child" (what the stemmer cannot join). The forms are the exceptions table
  of the language model's own lemmatizer, kept in index/data/irregular_forms.json so that
  questions get them without loading the model; `python -m index.tokens` writes it again.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import Stemmer

from index.normalize import normalize

# The Snowball project's English stop list (the one its stemmer is designed with), plus
# question auxiliaries that carry no topic ("did", "does"), contraction leftovers, and
# chat spellings of the question words ("whats").
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did
    doing would should could ought i'm you're he's she's it's we're they're i've you've we've
    they've i'd you'd he'd she'd we'd they'd i'll you'll he'll she'll we'll they'll isn't
    aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't won't wouldn't shan't
    shouldn't can't cannot couldn't mustn't let's that's who's what's here's there's when's
    where's why's how's a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will just
    don should now d ll m o re ve y also whats wheres whos hows
    """.split()
)

_RUN = re.compile(r"[a-z0-9]+(?:[-'.,][a-z0-9]+)*")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """BM25 terms of `text`, in order, repeats kept."""
    terms: list[str] = []
    for run in _RUN.findall(normalize(text).lower()):
        if run.isalpha():  # most runs are one plain word: skip the rules below
            if run not in STOP_WORDS:
                terms.append(run)
        else:
            terms.extend(_terms_of_run(run))
    return _stem_words(terms)


def _terms_of_run(run: str) -> list[str]:
    run = _cut_clitic(run)
    if not run:  # a bare clitic such as "n't"
        return []
    if _THOUSANDS.match(run):
        return [run.replace(",", "")]
    if _NUMBER.match(run):
        return [run]
    parts = [p for p in re.split(r"[-.,]", run) if p]
    if len(parts) == 1:
        return [] if parts[0] in STOP_WORDS else parts
    whole = "-".join(parts) if "-" in run else "".join(parts)
    return [whole] + [p for p in parts if p not in STOP_WORDS]


def _cut_clitic(run: str) -> str:
    """'nso's' → 'nso', "doesn't" → 'does', "won't" → 'won'."""
    if "'" not in run:
        return run
    if run.endswith("n't"):
        return run[:-3]
    return run.split("'", 1)[0]


def _stem_words(terms: list[str]) -> list[str]:
    """Stem plain words; numbers and compounds pass unchanged (stemming "31-member" helps
    no one). An irregular form adds its base's stem after its own."""
    stems = _stems()
    if len(stems) > _STEM_CACHE_SIZE:
        stems.clear()
    out: list[str] = []
    for term in terms:
        if term in STOP_WORDS:
            continue
        found = stems.get(term)
        if found is None:
            found = stems[term] = _stem_word(term)
        out.extend(found)
    return out


def _stem_word(term: str) -> tuple[str, ...]:
    if not term.isalpha():
        return (term,)
    stem = _stemmer().stemWord(term)
    base = _irregular_forms().get(term)
    return (stem, _stemmer().stemWord(base)) if base else (stem,)


# A dict in front of the stemmer: a lookup costs a tenth of a stemWord call, and the
# words of a library repeat (ingestion spent a quarter of tokenising in the stemmer).
_STEM_CACHE_SIZE = 200_000


@lru_cache(maxsize=1)
def _stems() -> dict[str, tuple[str, ...]]:
    return {}


_FORMS_FILE = "irregular_forms.json"
# The lemmatizer exceptions (per part of speech) in the model package, and a word that
# tells each table apart.
_LOOKUPS = ("lemmatizer", "lookups", "lookups.bin")
_PROBES = ("took", "children", "airier")


@lru_cache(maxsize=1)
def _irregular_forms() -> dict[str, str]:
    text = resources.files("index").joinpath("data", _FORMS_FILE).read_text(encoding="utf-8")
    forms: dict[str, str] = json.loads(text)
    return forms


def read_model_forms() -> dict[str, str]:
    """Irregular forms and their base, from the installed model's lemmatizer exceptions,
    those whose stem differs from the base's. Read from the package's files: importing
    the model package would import spaCy."""
    import srsly  # a dependency of spaCy, needed only here

    from index.language import MODEL_PACKAGES

    spec = next(s for p in MODEL_PACKAGES if (s := importlib.util.find_spec(p)) is not None)
    root = Path(spec.origin or "").parent
    lookups = next(root.glob("*/" + "/".join(_LOOKUPS)))
    tables = srsly.msgpack_loads(lookups.read_bytes())["lemma_exc"].values()
    forms: dict[str, str] = {}
    for table in tables:
        if not any(probe in table for probe in _PROBES):
            continue  # the adverb table: "better" -> "well" is no help
        for form, bases in sorted(table.items()):
            if form.isalpha() and _stemmer().stemWord(form) != _stemmer().stemWord(bases[0]):
                forms.setdefault(form, bases[0])
    return forms


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    target = Path(__file__).resolve().parent / "data" / _FORMS_FILE
    target.write_text(json.dumps(read_model_forms(), sort_keys=True, indent=0) + "\n",
                      encoding="utf-8")
    logging.getLogger(__name__).info("wrote %s", target)


if __name__ == "__main__":
    main()
