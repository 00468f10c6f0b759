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
_PLAIN_TEXT = re.compile(r"(?:[^\W_]|[ ,;:'’\"“”.!?%$&–—-])+")
# Anything that one of pysbd's rules treats specially, beyond plain sentence ends.
_SPECIAL = re.compile(
    r"  |--"                       # runs of spaces, "--" asides
    r"|(?:^|\s)['‘’]|['’](?:\s|$)"  # single-quoted spans, trailing apostrophes
    r"|[-.!?]['\"“”’]"              # punctuation against a quote mark
    r'|""|[^,]["”] [A-Z]'           # a quotation pysbd would cut out as a sentence
)
_WORD = re.compile(r"[^\W\d_]{2,}(?:['’-][^\W\d_]+)*")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d{3,}")  # one or two digits may number a list
_NEXT_SENTENCE = re.compile(r" [\"“]?[A-Z]")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    rules = Language.get_language_code("en").Abbreviation
    return frozenset(rules.ABBREVIATIONS) | frozenset(rules.PREPOSITIVE_ABBREVIATIONS) | frozenset(
        rules.NUMBER_ABBREVIATIONS
    )


def split_sentences(paragraph: str) -> list[Span]:
    """(start, end) offsets of each sentence in `paragraph`, whitespace trimmed, in order."""
    plain = _plain_spans(paragraph)
    return plain if plain is not None else _pysbd_spans(paragraph)


def _plain_spans(paragraph: str) -> list[Span] | None:
    """Sentence spans of a plain paragraph, or None when pysbd's rules are needed."""
    if paragraph != paragraph.strip() or not _PLAIN_TEXT.fullmatch(paragraph):
        return None
    if _SPECIAL.search(paragraph) or not paragraph.endswith((".", "!", "?")):
        return None
    quotes = _quote_marks(paragraph)
    if quotes is None:
        return None
    spans, start = [], 0
    for match in _TERMINATOR.finditer(paragraph):
        end = match.end()
        if _is_decimal_point(paragraph, match.start()):
            continue
        if bisect(quotes, match.start()) % 2 or not _ends_sentence(paragraph, match.start()):
            return None  # inside a quotation, or not a sure sentence end
        spans.append((start, end))
        start = end + 1
    return spans


def _quote_marks(paragraph: str) -> list[int] | None:
    """Offsets of the double quote marks, which open and close in turn; None if they do not."""
    marks: list[int] = []
    for match in _DOUBLE_QUOTE.finditer(paragraph):
        opening = len(marks) % 2 == 0
        if match.group() == ("”" if opening else "“"):
            return None
        marks.append(match.start())
    return None if len(marks) % 2 else marks


def _is_decimal_point(text: str, i: int) -> bool:
    return text[i] == "." and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()


def _ends_sentence(text: str, i: int) -> bool:
    """A . ? ! at `i` that pysbd certainly takes as a sentence end (else pysbd decides)."""
    if i + 1 < len(text) and not _NEXT_SENTENCE.match(text, i + 1):
        return False
    token = text[: i].rsplit(" ", 1)[-1].lstrip("\"“")
    if _NUMBER.fullmatch(token):
        return True
    if not _WORD.fullmatch(token) or token.lower() in _abbreviations():
        return False
    return text[i] != "!" or token + "!" not in ExclamationWords.EXCLAMATION_WORDS


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
