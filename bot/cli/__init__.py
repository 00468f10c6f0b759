"""The `storybot` command line.

argparse (standard library) rather than click/typer: `storybot ask` has a 0.8 s wall-time
budget, and every import counts. Each command group lives in its own module and adds its
subcommands here; heavy modules (discord.py) are imported only by the commands that run them.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from index.errors import StoryBotError

log = logging.getLogger("storybot")


def build_parser() -> argparse.ArgumentParser:
    from bot.cli import answer_cmds, discord_cmds, library_cmds

    parser = argparse.ArgumentParser(
        prog="storybot", description="Answer questions about news stories with cited sentences."
    )
    parser.add_argument("--data-dir", help="story library folder (default: $STORYBOT_DATA_DIR "
                        "or the per-user data folder)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (library_cmds, answer_cmds, discord_cmds):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.run(args) or 0)
    except StoryBotError as exc:
        print(f"storybot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("storybot: interrupted", file=sys.stderr)
        return 130
