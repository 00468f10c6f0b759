"""What every command needs: the library, stories named by `--story`, JSON output."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, TypeAdapter

from index.errors import UnknownStoryError
from index.store.library import (
    DATA_DIR_VARIABLE,
    Library,
    default_data_dir,
    story_from_file,
    validate_id,
)
from index.story import Story

if TYPE_CHECKING:
    from bot.answer import Answer

ALL = "all"


def open_library(args: argparse.Namespace) -> Library:
    """The library at --data-dir, else $STORYBOT_DATA_DIR, else in `.env`, else the default.

    pydantic-settings (~60 ms to import) is loaded only when a `.env` file may name the
    folder: the same precedence as `bot.settings.Settings`, which it then decides.
    """
    if args.data_dir:
        return Library(Path(args.data_dir))
    if os.environ.get(DATA_DIR_VARIABLE):
        return Library(Path(os.environ[DATA_DIR_VARIABLE]))
    if not Path(".env").exists():
        return Library(default_data_dir())
    from bot.settings import load_settings

    return Library(load_settings().data_dir)


def add_story_option(parser: argparse.ArgumentParser, allow_all: bool = True) -> None:
    extra = ", or 'all' for every story" if allow_all else ""
    default = ("every story for a question, else the story added last" if allow_all
               else "the story added last")
    parser.add_argument("--story", metavar="ID|FILE",
                        help=f"a library story id or an article file{extra} (default: {default}; "
                             "the bundled sample when the library is empty)")


def resolve_stories(args: argparse.Namespace, question: str | None = None) -> list[Story]:
    """The stories `--story` names: an article file (indexed in memory), an id, or all.

    With a `question`, no `--story` and 'all' both mean the stories the library's first
    stage picks for it, so that a library of thousands is not read whole to answer one
    question. Without one, no `--story` is the story added last.
    """
    ref: str | None = args.story
    if ref and _is_file_ref(ref):
        return [story_from_file(Path(ref))]
    library = open_library(args)
    if ref is None or ref == ALL:
        if question is not None:
            return library.candidates(question)
        if ref is None:
            return [library.default_story()]
        return [library.get(info.id) for info in library.infos()]
    return [library.get(validate_id(ref))]


def answer_question(args: argparse.Namespace, question: str) -> Answer:
    """`storybot ask`: one story's answer, or the whole library's citing its story."""
    from bot.answer import answer
    from bot.over_library import answer_over

    if args.story is None or args.story == ALL:
        library = open_library(args)
        return answer_over(question, library.candidates(question), not library.is_empty())
    return answer(question, resolve_stories(args))


def resolve_story(args: argparse.Namespace) -> Story:
    stories = resolve_stories(args)
    if len(stories) != 1:
        raise UnknownStoryError("this command takes one story, not 'all'")
    return stories[0]


def _is_file_ref(ref: str) -> bool:
    return "/" in ref or "\\" in ref or Path(ref).suffix.lower() in {".txt", ".json", ".html", ".htm"}


def print_json(value: BaseModel | list[Any]) -> None:
    if isinstance(value, BaseModel):
        text = value.model_dump_json(indent=2)
    else:
        text = TypeAdapter(list[Any]).dump_json(value, indent=2).decode()
    sys.stdout.write(text + "\n")


def print_dict_json(value: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
