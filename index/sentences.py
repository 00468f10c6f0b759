"""Paragraph text → sentence spans, with pysbd.

pysbd is rule-based (no model download) and handles abbreviations (Mr., U.S., No. 10),
decimals, and keeps a quotation of several sentences together as one span, which is
what attribution and citation want: a quote is cited whole.
"""

from __future__ import annotations

from functools import lru_cache

import pysbd


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence in `paragraph`, whitespace trimmed, in order.

    Offsets are found by searching forward from the previous sentence's end, because
    pysbd's own char spans go wrong when a sentence repeats inside a paragraph.
    """
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in _segmenter().segment(paragraph):
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


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index
