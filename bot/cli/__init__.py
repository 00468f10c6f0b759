"""The `storybot` command line.

argparse (standard library) rather than click/typer: `storybot ask` has a 0.8 s wall-time
budget, and every import counts. Each command group lives in its own module and adds its
subcommands here; heavy modules (discord.py) are imported only by the commands that run them.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from bot.log_level import LOG_LEVEL_VARIABLE, check_log_level
from index.errors import StoryBotError

log = logging.getLogger("storybot")

# The status a shell gives a writer killed by SIGPIPE (128 + 13): what `head` leaves.
PIPE_CLOSED = 141


def build_parser() -> argparse.ArgumentParser:
    from bot.cli import answer_cmds, discord_cmds, library_cmds

    parser = argparse.ArgumentParser(
        prog="storybot", description="Answer questions about news stories with cited sentences."
    )
    parser.add_argument("--data-dir", type=_folder,
                        help="story library folder (default: $STORYBOT_DATA_DIR "
                        "or the per-user data folder)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (library_cmds, answer_cmds, discord_cmds):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; a closed stdout (``storybot index list | head -1``) ends it quietly."""
    try:
        try:
            return _main(argv)
        finally:
            sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except BrokenPipeError:
        _discard_stdout()
        return PIPE_CLOSED


def _folder(value: str) -> str:
    if not value.strip():  # Path("") is the working directory: never what was meant
        raise argparse.ArgumentTypeError("needs a folder, not an empty string")
    return value


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _setup_logging(args.verbose)
        return int(args.run(args) or 0)
    except StoryBotError as exc:
        print(f"storybot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("storybot: interrupted", file=sys.stderr)
        return 130


def _setup_logging(verbose: bool) -> None:
    """WARNING, or STORYBOT_LOG_LEVEL when set; ``-v`` shows at least INFO."""
    level = os.environ.get(LOG_LEVEL_VARIABLE, "").strip() or "WARNING"
    try:
        level = check_log_level(level)
    except ValueError as exc:
        raise StoryBotError(f"{LOG_LEVEL_VARIABLE}: {exc}") from None
    if verbose and level in ("WARNING", "ERROR"):
        level = "INFO"
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush of what is still
    buffered does not fail again (Python's documented way, see the signal module's notes
    on SIGPIPE). SIGPIPE itself stays ignored: `storybot run` writes to sockets."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout without a file descriptor (e.g. captured)
        pass
