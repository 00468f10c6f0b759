"""Markdown for replies: article and user text escaped so it can neither format nor ping.

Replies are Discord-flavoured markdown. Anything that comes from an article or a user goes
through `escape` (markdown characters backslashed, mentions made inert); `plain` turns a
reply back into readable plain text for the console.
"""

from __future__ import annotations

import re

from bot.safe_text import defuse_mentions

# Characters that format anywhere in a line, and markers that format at the start of one.
_INLINE = re.compile(r"([\\*_~`|\[\]])")
_LINE_START = re.compile(r"^(\s*)([>#\-+]|\d+\.)", re.MULTILINE)
_LINK = re.compile(r"\[([^\]]*)\]\((\S+?)\)")
_ESCAPED = re.compile(r"\\([\\*_~`|\[\]>#\-+.])")
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EMPHASIS = re.compile(r"(?<![\\*])\*(?!\s)(.+?)(?<![\s\\])\*")
_CODE = re.compile(r"(?<!\\)`([^`]+?)(?<!\\)`")


def escape(text: str) -> str:
    """``text`` shown literally: no bold, links, headings, quotes or mentions."""
    text = _INLINE.sub(r"\\\1", text)
    text = _LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)
    return defuse_mentions(text)


def quote(text: str) -> str:
    """Article text as a block quote."""
    return "\n".join(f"> {escape(line)}" for line in text.splitlines() or [""])


def bold(text: str) -> str:
    return f"**{escape(text)}**"


def link(text: str, url: str | None) -> str:
    """``text`` linked to ``url`` when there is one; a ')' would end the link early."""
    if not url or not url.startswith(("http://", "https://")):
        return escape(text)
    return f"[{escape(text)}]({url.replace(')', '%29').replace(' ', '%20')})"


def plain(markdown: str) -> str:
    """Markdown as plain text for a terminal: links as 'text (url)', no emphasis marks."""
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", markdown)
    text = _STRONG.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    return _ESCAPED.sub(r"\1", text)
