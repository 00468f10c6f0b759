"""Reply text that cannot ping anyone.

Story text and questions are quoted back to users; a quoted "@everyone" or "<@123>" must
not notify. The Discord layer also sends with mentions disabled; this is the second guard,
and the one that keeps CLI output and JSON consumers safe too.
"""

from __future__ import annotations

import re

_ZWSP = "\u200b"
_BROADCAST = re.compile(r"@(everyone|here)\b", re.IGNORECASE)
_MENTION = re.compile(r"<(@[!&]?|#)(\d+)>")


def defuse_mentions(text: str) -> str:
    """`text` with @everyone/@here and user, role and channel mentions made inert."""
    text = _BROADCAST.sub(lambda m: f"@{_ZWSP}{m.group(1)}", text)
    return _MENTION.sub(lambda m: f"<{m.group(1)}{_ZWSP}{m.group(2)}>", text)
