"""Replies hold Discord's limits by construction, cutting text at sentence boundaries."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.commands.markdown import escape, plain, quote
from bot.commands.reply import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_VALUE_LIMIT,
    MAX_FIELDS,
    TITLE_LIMIT,
    Embed,
    Field,
    Reply,
    shorten,
)

SENTENCES = "The minister spoke first. Officials then replied at length! Was it enough? " * 40


def test_short_text_is_untouched() -> None:
    assert shorten("Just this.", 100) == "Just this."


def test_cut_at_the_last_whole_sentence() -> None:
    cut = shorten(SENTENCES, 120)
    assert (
        cut == "The minister spoke first. Officials then replied at length! Was it enough? "
        "The minister spoke first. …"
    )
    assert len(cut) <= 120


def test_without_a_late_sentence_end_cut_at_a_word() -> None:
    cut = shorten("Short. " + "word " * 100, 60)
    assert cut.endswith("word…") and len(cut) <= 60


@given(st.text(), st.integers(min_value=0, max_value=300))
def test_shorten_never_exceeds_the_limit(text: str, limit: int) -> None:
    cut = shorten(text, limit)
    assert len(cut) <= limit
    assert cut == text or cut.endswith("…") or limit < 2


def test_embed_parts_are_cut_to_their_limits() -> None:
    embed = Embed(
        title="t" * 500, description=SENTENCES * 3, fields=[Field(name="n", value=SENTENCES)] * 30
    )
    assert len(embed.title) == TITLE_LIMIT
    assert len(embed.description) <= DESCRIPTION_LIMIT
    assert re.search(r"[.!?] …$", embed.description)
    assert len(embed.fields) == MAX_FIELDS
    assert all(len(f.value) <= FIELD_VALUE_LIMIT for f in embed.fields)


def test_reply_fits_the_total_embed_size() -> None:
    big = Embed(
        title="Answer", description=SENTENCES * 3, fields=[Field(name="n", value="v" * 900)] * 8
    )
    reply = Reply(content="c" * 5000, embeds=[big, big])
    assert len(reply.content) <= CONTENT_LIMIT
    assert sum(e.size for e in reply.embeds) <= EMBED_TOTAL_LIMIT
    assert reply.embeds[0].title == "Answer"


def test_empty_fields_get_a_placeholder_and_bad_urls_are_dropped() -> None:
    embed = Embed(title="x", url="not a url", fields=[Field(name=" ", value="")])
    assert embed.url is None
    assert embed.fields[0].name and embed.fields[0].value


def test_plain_text_form_fits_a_message() -> None:
    reply = Reply(
        embeds=[
            Embed(
                title="T",
                url="https://example.com/a",
                description=SENTENCES,
                fields=[Field(name="Source", value="¶2")],
                footer="StoryBot",
            )
        ]
    )
    text = reply.as_text()
    assert len(text) <= CONTENT_LIMIT
    assert text.startswith("**T** <https://example.com/a>\nThe minister spoke first.")


def test_article_text_is_escaped_and_cannot_ping() -> None:
    shown = escape("# Breaking: **all** @everyone <@&123> <@456> see [this](https://x.y)")
    assert "@everyone" not in shown and "<@&123>" not in shown and "<@456>" not in shown
    assert shown.startswith("\\# Breaking: \\*\\*all\\*\\*")
    assert "\\[this\\]" in shown


def test_plain_undoes_the_markdown_for_the_console() -> None:
    text = "**Title** [Story](https://x.y/s) `id`\n" + quote("A *starred* `claim`.")
    assert plain(text) == "Title Story (https://x.y/s) id\n> A *starred* `claim`."
