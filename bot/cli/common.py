"""What every command needs: the library, stories named by `--story`, JSON output."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from index.errors import UnknownStoryError
from index.library import Library, story_from_file, validate_id
from index.story import Story

ALL = "all"


def open_library(args: argparse.Namespace) -> Library:
    if args.data_dir:
        return Library(Path(args.data_dir))
    from bot.settings import Settings  # pydantic-settings costs ~0.2 s: only when needed

    return Library(Settings().data_dir)


def add_story_option(parser: argparse.ArgumentParser, allow_all: bool = True) -> None:
    extra = ", or 'all' for every story" if allow_all else ""
    parser.add_argument("--story", metavar="ID|FILE",
                        help=f"a library story id or an article file{extra} (default: the first story)")


def resolve_stories(args: argparse.Namespace, question: str | None = None) -> list[Story]:
    """The stories `--story` names: an article file (indexed in memory), an id, or all.

    With a `question`, 'all' means the stories the library's first stage picks for it, so
    that a library of thousands is not read whole to answer one question.
    """
    ref: str | None = args.story
    if ref and _is_file_ref(ref):
        return [story_from_file(Path(ref))]
    library = open_library(args)
    if ref is None:
        return [library.default_story()]
    if ref == ALL:
        if question is not None:
            return library.candidates(question)
        return [library.get(info.id) for info in library.infos()]
    return [library.get(validate_id(ref))]


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
