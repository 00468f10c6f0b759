"""The transport-free commands: places, active stories, permissions, uploads, autocomplete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.commands import Caller, NotAllowed, StoryBot
from bot.commands.markdown import plain
from index.errors import ArticleError, UnknownStoryError

SAMPLE_ID = "whatsapp-regret-ndtv-2019-11-21"
SERVER = Caller.server(42, can_manage=True)
MEMBER = Caller.server(42, can_manage=False)


def article(title: str, text: str) -> bytes:
    return json.dumps({"title": title, "paragraphs": [text]}).encode()


@pytest.fixture
def service(tmp_path: Path) -> StoryBot:
    return StoryBot(tmp_path / "data")


def test_a_new_server_uses_the_bundled_sample(service: StoryBot) -> None:
    assert service.story(MEMBER).id == SAMPLE_ID
    assert "Shashi Tharoor" in plain(service.ask(MEMBER, "who heads the committee?").as_text())


def test_servers_have_their_own_libraries_and_active_stories(
    service: StoryBot, tmp_path: Path
) -> None:
    service.story_add(
        SERVER, article("Bridge Reopens", "The bridge reopened on Monday."), "story.json"
    )
    other = Caller.server(7, can_manage=True)
    assert service.story(SERVER).title == "Bridge Reopens"
    assert service.story(other).id == SAMPLE_ID
    with pytest.raises(UnknownStoryError):
        service.story(other, "bridge-reopens")
    # Choices survive a restart.
    service.story_add(SERVER, article("Pier Closes", "The pier closed."), "pier.json")
    service.story_use(SERVER, "bridge-reopens")
    assert StoryBot(tmp_path / "data").story(MEMBER).title == "Bridge Reopens"


def test_removing_the_active_story_falls_back_to_the_default(service: StoryBot) -> None:
    service.story_add(SERVER, article("Bridge Reopens", "The bridge reopened."), "story.json")
    service.story_add(SERVER, article("Pier Closes", "The pier closed."), "pier.json")
    service.story_remove(SERVER, "pier")
    assert service.story(MEMBER).id == "bridge-reopens"


def test_only_managers_add_or_remove_and_never_from_a_dm(service: StoryBot) -> None:
    data = article("Bridge Reopens", "The bridge reopened.")
    with pytest.raises(NotAllowed, match="Manage Server"):
        service.story_add(MEMBER, data, "story.json")
    with pytest.raises(NotAllowed, match="Manage Server"):
        service.story_remove(MEMBER, SAMPLE_ID)
    with pytest.raises(NotAllowed, match="in a server"):
        service.story_add(Caller.dm(5), data, "story.json")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.pdf", b"%PDF", "not an article file"),
        ("a.txt", b"", "empty"),
        ("a.txt", b"x" * 2_000_001, "limit"),
    ],
)
def test_uploads_are_checked(service: StoryBot, name: str, data: bytes, message: str) -> None:
    with pytest.raises(ArticleError, match=message):
        service.story_add(SERVER, data, name)


def test_an_empty_question_is_a_user_error(service: StoryBot) -> None:
    with pytest.raises(Exception, match="Ask a question"):
        service.ask(MEMBER, "   ")


def test_story_choices_match_loosely(service: StoryBot) -> None:
    service.story_add(
        SERVER, article("Harbour Bridge Reopens", "The bridge reopened."), "story.json"
    )
    service.story_add(SERVER, article("Library Gets New Wing", "A wing."), "library.json")
    assert service.story_choices(MEMBER, "harbor")[0].value == "harbour-bridge-reopens"
    assert [c.value for c in service.story_choices(MEMBER, "")] == [
        "harbour-bridge-reopens",
        "library",
    ]


def test_dm_and_console_read_the_operators_library(service: StoryBot) -> None:
    service.story_add(Caller.local(), article("Operator Story", "Text."), "op.json")
    assert service.story(Caller.dm(9)).title == "Operator Story"
    assert service.story(MEMBER).id == SAMPLE_ID


def test_corrupt_choices_file_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "active-stories.json").write_text("{broken")
    assert StoryBot(tmp_path / "data").story(MEMBER).id == SAMPLE_ID
