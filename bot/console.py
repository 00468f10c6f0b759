"""`storybot chat`: StoryBot in a terminal, replying exactly as it would on Discord.

Lines are slash commands written as in Discord's chat box -- ``/ask who heads the
committee?``, ``/summary length:short``, ``/quote speaker:prasad``, ``/story list`` -- or a
bare question. Text before the first ``name:`` goes to the command's first option. Replies
are the command layer's, with embeds rendered as text. Works offline on the bundled story.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from bot.commands import Caller, Reply, StoryBot
from bot.commands.catalog import COMMANDS, CommandSpec
from bot.commands.markdown import plain
from bot.commands.reply import Embed
from index.errors import StoryBotError

log = logging.getLogger(__name__)

PROMPT = "storybot> "
Handler = Callable[..., Reply]
# C0 controls but tab and newline, DEL, and C1 controls: in a terminal they move the cursor,
# retitle the window or recolour text (ESC and CSI start ANSI escape sequences). Undecodable
# input bytes arrive as surrogates (U+DC80..U+DCFF) and would be written back raw.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\udc80-\udcff]")
_SURROGATE_BASE = 0xDC00


def parse(line: str) -> tuple[CommandSpec, dict[str, str]]:
    """The command a line names and its options; a bare line is a question for /ask."""
    text = line.strip()
    if not text.startswith("/") or text == "/":
        return _command("ask"), {"question": text}
    words = text[1:].split()
    spec = next((c for c in COMMANDS if words[: len(c.name.split())] == c.name.split()), None)
    if spec is None:
        group = [c.name.split()[1] for c in COMMANDS if c.name.split()[0] == words[0]]
        if group:
            raise StoryBotError(f"/{words[0]} needs one of: {', '.join(group)}")
        raise StoryBotError(f"unknown command /{words[0]}; try /help")
    rest = " ".join(words[len(spec.name.split()):])
    return spec, _options(spec, rest)


def _command(name: str) -> CommandSpec:
    return next(c for c in COMMANDS if c.name == name)


def _options(spec: CommandSpec, rest: str) -> dict[str, str]:
    names = "|".join(re.escape(o.name) for o in spec.options)
    parts = re.split(rf"(?:^|\s)({names}):", rest) if names else [rest]
    options = dict(zip(parts[1::2], (value.strip() for value in parts[2::2]), strict=True))
    if parts[0].strip():
        if not spec.options:
            raise StoryBotError(f"/{spec.name} takes no options")
        options.setdefault(spec.options[0].name, parts[0].strip())
    missing = [o.name for o in spec.options if o.required and not options.get(o.name)]
    if missing:
        raise StoryBotError(f"usage: {spec.usage}")
    return options


def handlers(service: StoryBot) -> dict[str, Handler]:
    """Each command's function; /story add takes a file path here instead of an upload."""

    def story_add(caller: Caller, file: str) -> Reply:
        # Read bounded (the size limit while reading) and only from a regular file.
        return service.story_add_file(caller, Path(file).expanduser())

    return {
        "ask": service.ask, "summary": service.summary, "quote": service.quote,
        "speakers": service.speakers, "story list": service.story_list,
        "story info": service.story_info, "story use": service.story_use,
        "story add": story_add, "story remove": service.story_remove, "help": service.help,
    }


def render(reply: Reply) -> str:
    """A reply as terminal text: content, then each embed as a titled block."""
    blocks = [plain(reply.content)] if reply.content else []
    blocks += [_embed_text(embed) for embed in reply.embeds]
    return "\n\n".join(blocks)


def _embed_text(embed: Embed) -> str:
    lines = []
    if embed.title:
        lines.append(f"== {plain(embed.title)} ==")
    if embed.url:
        lines.append(embed.url)
    if embed.description:
        lines.append(plain(embed.description))
    for field in embed.fields:
        value = plain(field.value)
        sep = "\n  " if "\n" in value else " "
        lines.append(f"{plain(field.name)}:{sep}{value.replace(chr(10), chr(10) + '  ')}")
    if embed.footer:
        lines.append(f"({embed.footer})")
    return "\n".join(lines)


def chat(service: StoryBot, lines: Iterable[str], out: TextIO) -> None:
    """Answer each line as the bot would; errors are replies too, as on Discord."""
    caller = Caller.local()
    table = handlers(service)
    for line in lines:
        if line.strip():
            out.write(answer_line(table, caller, line) + "\n\n")
            out.flush()


def answer_line(table: dict[str, Handler], caller: Caller, line: str) -> str:
    """The reply to one line, safe to print: replies quote the question back."""
    try:
        spec, options = parse(line)
        return terminal_safe(render(table[spec.name](caller, **options)))
    except StoryBotError as exc:
        return terminal_safe(f"! {exc}")
    except Exception:  # one bad line must not end the session
        log.exception("unexpected error answering %r", line[:200])
        return "! Sorry, something went wrong; see the log above."


def terminal_safe(text: str) -> str:
    """``text`` with every control character shown as ``\\xNN`` instead of acted on."""
    return _CONTROLS.sub(_shown, text)


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - _SURROGATE_BASE if code > 0xFF else code:02x}"


def _typed_lines() -> Iterator[str]:
    """Lines typed at a prompt, with line editing and history, until Ctrl-D."""
    import readline  # noqa: F401 -- imported for its effect on input()

    sys.stdout.write("StoryBot console: /help lists the commands; Ctrl-D quits.\n")
    while True:
        try:
            yield input(PROMPT)
        except EOFError:
            sys.stdout.write("\n")
            return


def main(data_dir: Path) -> int:
    lines = _typed_lines() if sys.stdin.isatty() else sys.stdin
    chat(StoryBot(data_dir), lines, sys.stdout)
    return 0
