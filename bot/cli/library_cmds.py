"""`storybot index add|list|show|remove|rebuild`: the story library."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import open_library, print_json
from index.errors import StoryBotError
from index.story import StoryInfo


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    index = sub.add_parser("index", help="manage the story library")
    cmds = index.add_subparsers(dest="index_command", required=True, metavar="ACTION")

    add = cmds.add_parser("add", help="add article files (text, JSON or HTML)")
    add.add_argument("files", nargs="+", type=Path)
    add.set_defaults(run=_add)

    ls = cmds.add_parser("list", help="list stories")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(run=_list)

    show = cmds.add_parser("show", help="show one story's metadata and paragraphs")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=_show)

    remove = cmds.add_parser("remove", help="remove a story")
    remove.add_argument("id")
    remove.set_defaults(run=_remove)

    rebuild = cmds.add_parser("rebuild", help="re-index every stored article")
    rebuild.set_defaults(run=_rebuild)


def _add(args: argparse.Namespace) -> int:
    from tqdm import tqdm  # only `index add` draws a progress bar

    library = open_library(args)
    failed = 0
    files: list[Path] = args.files
    results = library.add_many(files)  # parsed on every core, stored in order
    progress = tqdm(zip(files, results, strict=True), total=len(files), unit="file",
                    disable=len(files) < 5 or not sys.stderr.isatty())
    for path, result in progress:
        if isinstance(result, StoryBotError):
            failed += 1
            tqdm.write(f"storybot: {result}", file=sys.stderr)
            continue
        for warning in result.warnings:
            tqdm.write(f"storybot: warning: {warning}", file=sys.stderr)
        verb = "already in the library as" if result.duplicate else "added"
        tqdm.write(f"{path.name}: {verb} {result.info.id}")
    return 1 if failed else 0


def _list(args: argparse.Namespace) -> int:
    library = open_library(args)
    infos = library.infos()
    _report_problems(library.problems)
    if args.json:
        print_json([info.model_dump() for info in infos])
        return 0
    for info in infos:
        print(_one_line(info))
    return 0


def _show(args: argparse.Namespace) -> int:
    story = open_library(args).get(args.id)
    if args.json:
        print_json(story)
        return 0
    print(_one_line(story.info))
    for paragraph in story.paragraphs:
        print(f"\n¶{paragraph.number} {paragraph.text}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    info = open_library(args).remove(args.id)
    print(f"removed {info.id} ({info.title})")
    return 0


def _rebuild(args: argparse.Namespace) -> int:
    library = open_library(args)
    rebuilt = library.rebuild()
    _report_problems(library.problems)
    print(f"rebuilt {len(rebuilt)} stor{'y' if len(rebuilt) == 1 else 'ies'}")
    return 1 if library.problems else 0


def _one_line(info: StoryInfo) -> str:
    parts = [info.date or "undated", info.source or "unknown source", f"{info.paragraphs} ¶"]
    bundled = " [bundled sample]" if info.bundled else ""
    return f"{info.id}: {info.title} ({', '.join(parts)}){bundled}"


def _report_problems(problems: list[str]) -> None:
    for problem in problems:
        print(f"storybot: skipped {problem}", file=sys.stderr)
