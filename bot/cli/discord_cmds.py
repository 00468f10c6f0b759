"""`storybot run`, `sync` and `chat`: the Discord bot and its local console.

discord.py is imported only inside `run` and `sync`: `storybot ask` must start fast.
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    run = sub.add_parser("run", help="run the Discord bot (DISCORD_TOKEN from env or .env)")
    run.set_defaults(run=_run)

    sync = sub.add_parser("sync", help="register the slash commands with Discord")
    where = sync.add_mutually_exclusive_group()
    where.add_argument("--guild", type=int, metavar="ID",
                       help="one server, available at once (default: $STORYBOT_DEV_GUILD_ID)")
    where.add_argument("--global", dest="everywhere", action="store_true",
                       help="every server (Discord may take up to an hour to show them)")
    sync.set_defaults(run=_sync)

    chat = sub.add_parser("chat", help="talk to StoryBot in the terminal, as on Discord")
    chat.set_defaults(run=_chat)


def _run(args: argparse.Namespace) -> int:
    from bot.settings import load_settings

    settings = load_settings(args.data_dir)
    token = settings.bot_token()  # a missing token fails before discord.py is even imported
    from bot.discord.runner import run

    return run(settings, token)


def _sync(args: argparse.Namespace) -> int:
    from bot.settings import load_settings

    settings = load_settings(args.data_dir)
    token = settings.bot_token()
    from bot.discord.runner import sync

    guild = None if args.everywhere else args.guild or settings.dev_guild_id
    count = sync(settings, token, guild)
    where = f"server {guild} (available now)" if guild else "every server (may take an hour)"
    sys.stdout.write(f"Registered {count} commands with {where}.\n")
    return 0


def _chat(args: argparse.Namespace) -> int:
    from bot.console import main
    from bot.settings import load_settings

    return main(load_settings(args.data_dir).data_dir)
