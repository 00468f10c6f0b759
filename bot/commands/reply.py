"""What a command answers, independent of any chat transport, within Discord's limits.

Text is Discord-flavoured markdown; the console renders it as plain text. Every limit is
applied when a model is built, so no adapter can send an oversized message: long text is
cut at a sentence boundary (or a word, when no sentence ends late enough) and ends in "…".
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, field_validator

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
MAX_FIELDS = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
MAX_EMBEDS = 10
ELLIPSIS = "…"
BRAND_COLOUR = 0x3B82F6
ERROR_COLOUR = 0xE5A50A

# The end of a sentence: terminal punctuation, closing quotes or brackets, then a space.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]*_]*(?=\s)|\n")
_EMPTY_FIELD = "—"


def shorten(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut after a whole sentence where possible."""
    if len(text) <= limit:
        return text
    if limit < 2:
        return ELLIPSIS[:limit]
    room = limit - 2  # space for " …"
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, room + 1) if m.end() <= room]
    cut = max(ends, default=0)
    if cut >= room // 2:
        return text[:cut].rstrip(" \\\n") + " " + ELLIPSIS
    # No sentence ends in the second half: a word boundary keeps more of the text.
    space = text.rfind(" ", 0, room + 1)
    cut = space if space >= room // 2 else room + 1
    return text[:cut].rstrip(" \\\n") + ELLIPSIS


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Field(_Frozen):
    name: str
    value: str
    inline: bool = False

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        return shorten(name.strip(), FIELD_NAME_LIMIT) or _EMPTY_FIELD

    @field_validator("value")
    @classmethod
    def _value(cls, value: str) -> str:
        return shorten(value.strip(), FIELD_VALUE_LIMIT) or _EMPTY_FIELD

    @property
    def size(self) -> int:
        return len(self.name) + len(self.value)


class Embed(_Frozen):
    """A rich block: the Discord adapter sends it as an embed, the console as text."""

    title: str = ""
    url: str | None = None
    description: str = ""
    fields: list[Field] = []
    footer: str = ""
    colour: int = BRAND_COLOUR

    @field_validator("title")
    @classmethod
    def _title(cls, title: str) -> str:
        return shorten(title.strip(), TITLE_LIMIT)

    @field_validator("description")
    @classmethod
    def _description(cls, description: str) -> str:
        return shorten(description.strip(), DESCRIPTION_LIMIT)

    @field_validator("footer")
    @classmethod
    def _footer(cls, footer: str) -> str:
        return shorten(footer.strip(), FOOTER_LIMIT)

    @field_validator("fields")
    @classmethod
    def _fields(cls, fields: list[Field]) -> list[Field]:
        return fields[:MAX_FIELDS]

    @field_validator("url")
    @classmethod
    def _url(cls, url: str | None) -> str | None:
        # Discord rejects the whole message for a malformed embed URL: drop it instead.
        return url if url and re.match(r"^https?://[^\s/]+\.[^\s]+$", url) else None

    @property
    def size(self) -> int:
        """Characters that count towards Discord's 6,000 per message."""
        return len(self.title) + len(self.description) + len(self.footer) + sum(
            f.size for f in self.fields
        )

    def shrunk(self, excess: int) -> Embed:
        """This embed at least ``excess`` characters smaller (or empty): the description
        gives way first, then the last fields, then the footer and the title."""
        description = shorten(self.description, max(len(self.description) - excess, 0))
        excess -= len(self.description) - len(description)
        fields = list(self.fields)
        while excess > 0 and fields:
            excess -= fields.pop().size
        footer = shorten(self.footer, max(len(self.footer) - max(excess, 0), 0))
        excess -= len(self.footer) - len(footer)
        title = shorten(self.title, max(len(self.title) - max(excess, 0), 0))
        return self.model_copy(
            update={"description": description, "fields": fields, "footer": footer, "title": title}
        )


class Reply(_Frozen):
    """A command's answer: text, embeds, and whether only the asker should see it."""

    content: str = ""
    embeds: list[Embed] = []
    ephemeral: bool = False

    @field_validator("content")
    @classmethod
    def _content(cls, content: str) -> str:
        return shorten(content.strip(), CONTENT_LIMIT)

    @field_validator("embeds")
    @classmethod
    def _embeds(cls, embeds: list[Embed]) -> list[Embed]:
        embeds = embeds[:MAX_EMBEDS]
        excess = sum(e.size for e in embeds) - EMBED_TOTAL_LIMIT
        while excess > 0:
            largest = max(range(len(embeds)), key=lambda i: embeds[i].size)
            smaller = embeds[largest].shrunk(excess)
            excess -= embeds[largest].size - smaller.size
            embeds[largest] = smaller
        return [e for e in embeds if e.size]  # Discord refuses an empty embed

    def as_text(self) -> str:
        """The whole reply as one markdown text within the content limit (no embeds)."""
        parts = [self.content] if self.content else []
        for embed in self.embeds:
            parts.append(embed_as_text(embed))
        return shorten("\n\n".join(parts), CONTENT_LIMIT)


def embed_as_text(embed: Embed) -> str:
    lines = []
    if embed.title:
        title = f"**{embed.title}**"
        lines.append(f"{title} <{embed.url}>" if embed.url else title)
    if embed.description:
        lines.append(embed.description)
    lines += [f"**{f.name}**\n{f.value}" for f in embed.fields]
    if embed.footer:
        lines.append(f"*{embed.footer}*")
    return "\n".join(lines)
