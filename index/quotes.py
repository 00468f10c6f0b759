"""Statements with speakers: who said what in a story.

The model is fixed here; extraction (`extract_statements`) finds direct and reported
speech in paragraphs and resolves each speaker.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field


class Statement(BaseModel):
    """One attributed statement. `text` is exactly `paragraph_text[start:end]`."""

    speaker: str | None = Field(description="Canonical speaker, e.g. 'Ravi Shankar Prasad'")
    role: str | None = Field(default=None, description="e.g. 'Union Minister'")
    speaker_type: Literal["person", "organisation", "anonymous", "unknown"] = "unknown"
    kind: Literal["direct", "indirect"]
    verb: str | None = Field(default=None, description="Reporting verb or noun as written")
    text: str
    paragraph: int = Field(ge=1, description="Paragraph number, from 1")
    start: int = Field(ge=0, description="Offset of `text` in the paragraph")
    end: int = Field(ge=0)
    sentence_ids: list[str] = Field(default_factory=list)
    setting: str | None = Field(default=None, description="e.g. 'in Parliament'")


def extract_statements(paragraphs: Sequence[str]) -> list[Statement]:
    """Statements found in `paragraphs` (paragraph i is number i + 1), in reading order."""
    return []
