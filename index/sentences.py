"""Paragraph text → sentence spans, with pysbd.

pysbd is rule-based (no model download) and handles abbreviations (Mr., U.S., No. 10),
decimals, and keeps a quotation of several sentences together as one span, which is
what attribution and citation want: a quote is cited whole.

pysbd costs about a millisecond a paragraph (some 170 regex passes), which made it most
of the cost of adding an article. Two ways round it, both giving pysbd's exact answer
(tests/test_sentences.py compares them with `Segmenter.segment` on generated text):
- a plain paragraph, one holding none of the things pysbd's rules are about (abbreviations,
  initials, list numbers, ellipses, brackets, single-quoted or multi-sentence quotations),
  is split directly: after each . ? ! that ends a word and is followed by a space and a
  capital letter, or ends the paragraph;
- otherwise pysbd's processor runs, and its sentences are located in the text with
  `str.find` rather than `Segmenter.segment`'s one compiled regex per sentence, which
  took 40% of the time and flushed pysbd's own rule patterns out of `re`'s cache.
"""

from __future__ import annotations

import re
from bisect import bisect
from functools import lru_cache

import pysbd
from pysbd.exclamation_words import ExclamationWords
from pysbd.languages import Language

Span = tuple[int, int]

_TERMINATOR = re.compile(r"[.!?]")
_DOUBLE_QUOTE = re.compile(r'["“”]')
_PLAIN_TEXT = re.compile(r"[\w ,;:'’\"“”.!?%$&–—-]+")  # and no "_", which \w allows
# Anything that one of pysbd's rules treats specially, beyond plain sentence ends.
_SPECIAL = re.compile(
    r"  |--"                       # runs of spaces, "--" asides
    r"|(?:^|\s)['‘’]|['’](?:\s|$)"  # single-quoted spans, trailing apostrophes
    r"|-[\"“”'’]|[.!?]['’]"          # a dash or stop against a quote mark
    r'|""|[^,.!?][\"”] [A-Z]'       # a quotation pysbd would cut out as a sentence
)
_WORD = re.compile(r"[^\W\d_]{2,}(?:['’-][^\W\d_]+)*")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d{3,}")  # one or two digits may number a list
_NEXT_SENTENCE = re.compile(r" [\"“]?[A-Z]")
_NEXT_IN_QUOTE = re.compile(r" [A-Z]")
_GOES_ON = re.compile(r" [a-z]")
_CUT_CANDIDATE = re.compile(r'["“”]|[.!?](?= [A-Z])')
WINDOW = 4_000  # characters: longer paragraphs go to pysbd in pieces (see `_windows`)


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[frozenset[str], frozenset[str]]:
    """pysbd's English abbreviations, and those of them it never ends a sentence on (Mr.)."""
    rules = Language.get_language_code("en").Abbreviation
    every = {*rules.ABBREVIATIONS, *rules.PREPOSITIVE_ABBREVIATIONS, *rules.NUMBER_ABBREVIATIONS}
    return frozenset(every), frozenset(rules.PREPOSITIVE_ABBREVIATIONS)


def split_sentences(paragraph: str) -> list[Span]:
    """(start, end) offsets of each sentence in `paragraph`, whitespace trimmed, in order."""
    if len(paragraph) <= WINDOW:
        return _split_window(paragraph)
    spans = []
    for start, end in _windows(paragraph):
        spans += [(start + a, start + b) for a, b in _split_window(paragraph[start:end])]
    return spans


def _split_window(text: str) -> list[Span]:
    plain = _plain_spans(text)
    return plain if plain is not None else _pysbd_spans(text)


def _windows(paragraph: str, size: int = WINDOW) -> list[Span]:
    """A long paragraph cut into pieces of at most `size` characters for pysbd.

    pysbd's abbreviation pass rewrites the whole text once per abbreviation-like word, so
    its cost grows with the square of the paragraph: 50 s for 0.3 MB of "Jones1." words.
    No news paragraph comes near `WINDOW`; an overlong one is cut after a sentence end that
    no rule of pysbd's is about (outside a quotation), else at a space.
    """
    windows: list[Span] = []
    start = 0
    while len(paragraph) - start > size:
        end = _safe_cut(paragraph, start, start + size)
        windows.append((start, end))
        start = _skip_space(paragraph, end)
    return [*windows, (start, len(paragraph))] if start < len(paragraph) else windows


def _safe_cut(text: str, start: int, limit: int) -> int:
    cut = None
    quotes = 0
    for match in _CUT_CANDIDATE.finditer(text, start, limit):
        if match.group() in "\"“”":
            quotes += 1
        elif quotes % 2 == 0 and _sure_token(text, match.start()):
            cut = match.start() + 1
    if cut is None:
        space = text.rfind(" ", start + 1, limit)
        cut = space if space > start else limit
    return cut


def _plain_spans(paragraph: str) -> list[Span] | None:
    """Sentence spans of a plain paragraph, or None when pysbd's rules are needed."""
    if paragraph != paragraph.strip() or not _PLAIN_TEXT.fullmatch(paragraph) or "_" in paragraph:
        return None
    quotes = _quote_marks(paragraph)
    if quotes is None or _SPECIAL.search(paragraph):
        return None
    spans, start = [], 0
    for match in _TERMINATOR.finditer(paragraph):
        i = match.start()
        if _is_decimal_point(paragraph, i) or _is_title(paragraph, i):
            continue
        if not _sure_token(paragraph, i):
            return None
        end = _sentence_end(paragraph, i, quoted=bisect(quotes, i) % 2 == 1)
        if end is None:
            return None
        if end > start:
            spans.append((start, end))
            start = end + 1
    return spans if start > len(paragraph) else None


def _quote_marks(paragraph: str) -> list[int] | None:
    """Offsets of the double quote marks, which open and close in turn; None if they do not
    (or if straight and curly marks mix, which pysbd pairs differently)."""
    marks: list[int] = []
    kinds = set()
    for match in _DOUBLE_QUOTE.finditer(paragraph):
        opening = len(marks) % 2 == 0
        if match.group() == ("”" if opening else "“"):
            return None
        marks.append(match.start())
        kinds.add(match.group() == '"')
    return None if len(marks) % 2 or len(kinds) > 1 else marks


def _is_decimal_point(text: str, i: int) -> bool:
    return text[i] == "." and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()


def _is_title(text: str, i: int) -> bool:
    """The stop of "Mr." or "Dr." before a space: pysbd never ends a sentence there."""
    return (text[i] == "." and text[i + 1: i + 2] == " "
            and _word_before(text, i).lower() in _abbreviations()[1])


def _sure_token(text: str, i: int) -> bool:
    """Whether the word before the . ? ! at `i` is one no rule of pysbd's is about."""
    token = _word_before(text, i).lstrip("\"“")
    if _NUMBER.fullmatch(token):
        return True
    if not _WORD.fullmatch(token) or token.lower() in _abbreviations()[0]:
        return False
    return text[i] != "!" or token + "!" not in ExclamationWords.EXCLAMATION_WORDS


def _word_before(text: str, i: int) -> str:
    return text[text.rfind(" ", 0, i) + 1: i]


def _sentence_end(text: str, i: int, quoted: bool) -> int | None:
    """Where the sentence whose . ? ! is at `i` ends: 0 when it goes on (inside a quotation),
    None when unsure. A quotation's stops end the sentence only at its closing mark."""
    after = i + 1
    if not quoted:
        return after if after == len(text) or _NEXT_SENTENCE.match(text, after) else None
    if _NEXT_IN_QUOTE.match(text, after):
        return 0
    if text[after: after + 1] not in ('"', "”"):
        return None
    if after + 1 == len(text) or _NEXT_IN_QUOTE.match(text, after + 1):
        return after + 1
    return 0 if _GOES_ON.match(text, after + 1) else None  # "...," or "..." he said.


def _pysbd_spans(paragraph: str) -> list[Span]:
    """pysbd's sentences, each located by searching forward from the previous one's end.

    The search, not pysbd's own char spans, because those go wrong when a sentence repeats
    inside a paragraph.
    """
    spans: list[Span] = []
    cursor = 0
    for piece in _pysbd_pieces(paragraph):
        text = piece.strip()
        if not text:
            continue
        start = paragraph.find(text, cursor)
        if start < 0:  # pysbd altered the text; fall back to the rest of the paragraph
            start = _skip_space(paragraph, cursor)
            spans.append((start, len(paragraph.rstrip())))
            break
        cursor = start + len(text)
        spans.append((start, cursor))
    return spans or [(0, len(paragraph))]


def _pysbd_pieces(paragraph: str) -> list[str]:
    """What `Segmenter.segment` returns, without compiling a regex per sentence.

    segment() keeps each processed sentence (with its trailing space) whose first match
    in the text, searching on from the previous match, ends after the previous kept one.
    """
    pieces: list[str] = []
    kept_end = 0
    for sentence in _segmenter().processor(paragraph).process() if paragraph else []:
        # (never empty in practice; an empty one would match everywhere and loop forever)
        start = paragraph.find(sentence) if sentence else -1
        while start >= 0:
            end = _skip_space(paragraph, start + len(sentence))
            if end > kept_end:
                pieces.append(paragraph[start:end])
                kept_end = end
                break
            start = paragraph.find(sentence, end)
    return pieces


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index
