#!/usr/bin/env python3
"""Our extractive summary next to lead-3 and sumy's LexRank and TextRank, per story.

All four choose from the same stored sentences (spaCy's, since this round) (sumy's own splitter needs NLTK data that
cannot be downloaded here, so its document is built from our sentences, with our
tokeniser's stems as its words). For each, prints the chosen sentences and a few
measures: characters, sentences, statements shown with their speaker, how many of the
story's distinct names it mentions, and whether the lead sentence is in.

    .venv/bin/python bench/summary_compare.py /work/shared/stories/*.txt --length short
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

from bot.summary import summarize
from index.store.library import story_from_file
from index.story import Story
from index.tokens import tokenize


class _Words:
    """sumy's tokenizer interface over ours."""

    @staticmethod
    def to_words(text: str) -> list[str]:
        return tokenize(text)


def _sumy(story: Story, summarizer_cls: type, n: int) -> list[str]:
    doc = ObjectDocumentModel([
        Paragraph([Sentence(s.text, _Words()) for s in p.sentences]) for p in story.paragraphs
    ])
    summarizer = summarizer_cls()
    summarizer.stop_words = ()  # our tokens are already free of stop words
    return [str(s) for s in summarizer(doc, n)]


def _measures(story: Story, chosen: list[str]) -> str:
    names = {e.text for s in story.sentences for e in s.entities
             if e.label in {"PERSON", "ORG", "GPE", "NORP"}}
    text = " ".join(chosen)
    covered = sum(1 for n in names if n in text)
    heard = {st.speaker for st in story.statements if st.speaker and st.text in text}
    lead = story.sentences[0].text in text
    return (f"{len(text)} chars, {len(chosen)} sentences, names {covered}/{len(names)}, "
            f"speakers heard {len(heard)}, orphans {sum(_orphan(story, s) for s in chosen)}, "
            f"lead {'yes' if lead else 'no'}")


def _orphan(story: Story, sentence: str) -> bool:
    """A sentence that cannot stand alone: it opens with a pronoun, or is a quotation
    whose speaker the story names elsewhere (no statement with a speaker covers it)."""
    low = sentence.lower().lstrip("\"“ ")
    pronoun = low.split(" ", 1)[0] in {"they", "it", "he", "she", "this", "these", "those"}
    attributed = {sid for st in story.statements if st.speaker for sid in st.sentence_ids}
    ids = [s.id for s in story.sentences if s.text in sentence]
    quote = sentence.lstrip()[:1] in "\"“" and not attributed.intersection(ids)
    return pronoun or quote


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stories", nargs="+", type=Path)
    parser.add_argument("--length", choices=("short", "medium", "long"), default="short")
    args = parser.parse_args()
    for path in args.stories:
        story = story_from_file(path)
        ours = summarize(story, args.length)
        mine = [f.text for f in ours.facts] + [s.text for s in ours.statements]
        n = len(mine)
        print(f"=== {story.title}")
        for label, chosen in (
            ("ours", mine),
            ("lead-3", [s.text for s in story.sentences[:3]]),
            (f"lexrank-{n}", _sumy(story, LexRankSummarizer, n)),
            (f"textrank-{n}", _sumy(story, TextRankSummarizer, n)),
        ):
            print(f"--- {label}: {_measures(story, chosen)}")
            for sentence in chosen:
                print(f"    {sentence[:150]}")
        print()


if __name__ == "__main__":
    main()
