"""`storybot ask`, `summary`, `quotes`, `speakers`: the answer engine on the command line."""

from __future__ import annotations

import argparse

from bot.cli.common import (
    add_story_option,
    answer_question,
    print_json,
    resolve_stories,
    resolve_story,
)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ask = sub.add_parser("ask", help="answer a question with cited sentences from the story")
    add_story_option(ask)
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("question", nargs="+", help="the question (quote it, or not)")
    ask.set_defaults(run=_ask)

    summary = sub.add_parser("summary", help="summarise a story in its own sentences")
    add_story_option(summary, allow_all=False)
    summary.add_argument("--length", choices=("short", "medium", "long"), default="short")
    summary.add_argument("--json", action="store_true")
    summary.set_defaults(run=_summary)

    quotes = sub.add_parser("quotes", help="statements by a speaker or about a topic")
    add_story_option(quotes)
    quotes.add_argument("--speaker", metavar="NAME", help="speaker name, spelt loosely")
    quotes.add_argument("--about", metavar="TEXT", help="rank statements by this topic")
    quotes.add_argument("--json", action="store_true")
    quotes.set_defaults(run=_quotes)

    speakers = sub.add_parser("speakers", help="who is quoted, with statement counts")
    add_story_option(speakers)
    speakers.add_argument("--json", action="store_true")
    speakers.set_defaults(run=_speakers)


def _ask(args: argparse.Namespace) -> int:
    result = answer_question(args, " ".join(args.question))
    if args.json:
        print_json(result)
    else:
        print(result.answer)
    return 0


def _summary(args: argparse.Namespace) -> int:
    from bot.summary import summarize

    result = summarize(resolve_story(args), args.length)
    if args.json:
        print_json(result)
    else:
        print(result.text)
    return 0


def _quotes(args: argparse.Namespace) -> int:
    from bot.lookup import describe, quotes

    # Without --story, the stories that mention the speaker or the topic ('all': every one).
    asked = " ".join(filter(None, (args.speaker, args.about))) if args.story is None else ""
    found = quotes(resolve_stories(args, asked or None), speaker=args.speaker, about=args.about)
    if args.json:
        print_json([q.model_dump() for q in found])
        return 0
    if not found:
        print("No statements found.")
    for q in found:
        print(f"¶{q.paragraph} [{q.kind}] {describe(q.speaker, q.role)}: {q.text}")
    return 0


def _speakers(args: argparse.Namespace) -> int:
    from bot.lookup import describe, speakers

    found = speakers(resolve_stories(args))
    if args.json:
        print_json([s.model_dump() for s in found])
        return 0
    if not found:
        print("No one is quoted.")
    for s in found:
        plural = "" if s.statements == 1 else "s"
        print(f"{describe(s.speaker, s.role)}: {s.statements} statement{plural}")
    return 0
