"""How each command's result reads: engine results in, `Reply` out.

Every embed has the same colour and a footer naming the story it comes from; all article
and user text goes through `markdown.escape`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.commands.catalog import COMMANDS
from bot.commands.markdown import escape, link, quote
from bot.commands.reply import ERROR_COLOUR, MAX_FIELDS, Embed, Field, Reply
from bot.safe_text import defuse_mentions
from index.story import Story, StoryInfo

if TYPE_CHECKING:
    from bot.answer import Answer
    from bot.lookup import Quote, SpeakerCount
    from bot.summary import Summary

BRAND = "StoryBot"
MANAGERS_ONLY = " (Manage Server only)"


def footer(info: StoryInfo | None = None) -> str:
    return f"{BRAND} · story: {info.id}" if info else BRAND


def notice(text: str) -> Reply:
    """A short confirmation that the channel sees, as plain text."""
    return Reply(content=text)


def problem(text: str) -> Reply:
    """A user error: only the asker sees it. Error messages quote what the user typed
    ("'@everyone' is not a story id"), so mentions are made inert here too."""
    return Reply(embeds=[Embed(description=defuse_mentions(text), colour=ERROR_COLOUR,
                               footer=footer())], ephemeral=True)


def source_line(info: StoryInfo, *paragraphs: int) -> str:
    """'¶3, ¶4 · Title', the title linked to the story's URL when it has one."""
    where = ", ".join(f"¶{n}" for n in paragraphs)
    return (f"{where} · " if where else "") + link(info.title, info.url)


def answer_reply(answer: Answer, story: Story | None) -> Reply:
    """`story`: the one the answer comes from (None: asked of a library that had none to offer)."""
    passage = answer.passage or answer.citations[:1]
    if not (answer.answered and passage):
        # Not answered: the engine's explanation, with its closest passage quoted.
        description = engine_text(answer.answer)
        fields = []
    else:
        description = "\n".join(quote(c.sentence) for c in passage)
        main = passage[-1]  # the answer itself; any earlier sentence is its context
        if main.speaker:
            description += "\n— " + _who(main.speaker, main.role)
        paragraphs = sorted({c.paragraph for c in passage})
        fields = [Field(name="Source", value=source_line(story.info, *paragraphs))] if story else []
    embed = Embed(title=escape(answer.question), description=description, fields=fields,
                  footer=footer(story.info if story else None))
    return Reply(embeds=[embed])


def engine_text(text: str) -> str:
    """Engine prose as markdown: its '> ' lines are quotations, everything else literal."""
    return "\n".join(
        quote(line[2:]) if line.startswith("> ") else escape(line) for line in text.splitlines()
    )


def summary_reply(summary: Summary, story: Story) -> Reply:
    """The lead facts as sentences, then the key statements quoted with their speakers."""
    facts = [f"{escape(line.text)} (¶{line.paragraph})" for line in summary.facts]
    said = [f"{quote(line.text)}\n— {_who(line.speaker, line.role)} (¶{line.paragraph})"
            for line in summary.statements]
    dated = _dated_source(story.info)
    header = [escape(dated)] if dated else []
    embed = Embed(title=escape(story.title), url=story.info.url,
                  description="\n\n".join(header + facts + said), footer=footer(story.info))
    return Reply(embeds=[embed])


def quotes_reply(found: Sequence[Quote], story: Story, speaker: str | None,
                 about: str | None) -> Reply:
    heading = " ".join(p for p in (
        "Statements", f"by {speaker}" if speaker else "", f"about {about}" if about else "") if p)
    fields = [Field(name=f"¶{q.paragraph} · {_who(q.speaker, q.role)}", value=_statement(q))
              for q in found]
    where = source_line(story.info)
    description = (f"{len(found)} found in {where}" if found
                   else f"None found in {where}. Try /speakers for who is quoted.")
    if len(found) > MAX_FIELDS:
        description += f"; the first {MAX_FIELDS} are shown."
    embed = Embed(title=escape(heading), description=description, fields=fields,
                  footer=footer(story.info))
    return Reply(embeds=[embed])


def _who(speaker: str | None, role: str | None) -> str:
    """'Name, role', the role left out when the name already says it ("WhatsApp spokesperson")."""
    name = speaker or "Unnamed speaker"
    return escape(f"{name}, {role}" if role and role.lower() not in name.lower() else name)


def _statement(q: Quote) -> str:
    text = escape(q.text)
    return f"“{text}”" if q.kind == "direct" and not text.startswith(("“", '"')) else text


def speakers_reply(counts: Sequence[SpeakerCount], story: Story) -> Reply:
    lines = [f"{_who(c.speaker, c.role)} — {c.statements} "
             f"statement{'' if c.statements == 1 else 's'}" for c in counts]
    description = "\n".join(lines) or "No one is quoted in this story."
    embed = Embed(title="Who is quoted", description=description,
                  fields=[Field(name="Story", value=source_line(story.info))],
                  footer=footer(story.info))
    return Reply(embeds=[embed])


def story_list_reply(infos: Sequence[StoryInfo], active: str | None) -> Reply:
    lines = [
        f"{'▶' if info.id == active else '•'} {link(info.title, info.url)} (`{info.id}`)"
        + (f" — {escape(_dated_source(info))}" if _dated_source(info) else "")
        for info in infos
    ]
    embed = Embed(title="Stories", description="\n".join(lines),
                  fields=[Field(name="Active", value=f"`{active}` — change it with /story use" if active
                                else "none: questions go to every story; choose one with /story use")],
                  footer=footer())
    return Reply(embeds=[embed])


def _dated_source(info: StoryInfo) -> str:
    return ", ".join(p for p in (info.source, info.date) if p)


def story_info_reply(story: Story, active: bool) -> Reply:
    info = story.info
    facts = [("Id", f"`{info.id}`"), ("Source", escape(info.source or "unknown")),
             ("Date", info.date or "unknown"), ("Paragraphs", str(info.paragraphs)),
             ("Statements", str(len(story.statements))), ("Active", "yes" if active else "no")]
    if info.byline:
        facts.append(("Byline", escape(info.byline)))
    embed = Embed(title=escape(info.title), url=info.url,
                  fields=[Field(name=name, value=value, inline=True) for name, value in facts],
                  footer=footer(info))
    return Reply(embeds=[embed])


def help_reply() -> Reply:
    fields = [Field(name=c.usage, value=c.description + (MANAGERS_ONLY if c.managers_only else ""))
              for c in COMMANDS]
    description = (
        "I answer questions about this server's news story by quoting its own sentences, "
        "with the paragraph (¶) they come from and who said them.\n"
        "Mention me with a question too: `@StoryBot who denied the allegation?`"
    )
    return Reply(embeds=[Embed(title="StoryBot", description=description, fields=fields,
                               footer=footer())], ephemeral=True)
