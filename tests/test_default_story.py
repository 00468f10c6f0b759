"""Which story answers when none is named: the whole library (citing the story the answer
comes from), the bundled sample when the library is empty; the sample stays selectable by
its id until it is removed from a place's choices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.commands import Caller, StoryBot
from bot.commands.markdown import plain
from bot.console import answer_line, handlers
from bot.over_library import NOTHING_MATCHES
from index.errors import UnknownStoryError
from index.store.library import SAMPLE_ID, Library
from tests.conftest import DATA, SAMPLE

THAROOR = "committee headed by Congress MP Shashi Tharoor"
SERVER = Caller.server(42, can_manage=True)
SHARED = [SAMPLE, *sorted(DATA.glob("*.txt"))]  # the four shared stories


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A library holding three of the shared stories, not the sample."""
    library = Library(tmp_path / "data")
    for path in sorted(DATA.glob("*.txt")):
        library.add_file(path)
    return tmp_path / "data"


def ask(capsys: pytest.CaptureFixture[str], data: Path, *argv: str) -> dict[str, object]:
    assert main(["--data-dir", str(data), "ask", "--json", *argv]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_a_question_without_a_story_is_asked_of_the_whole_library(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The alphabetically first story (Bengal) was the default: it does not say.
    result = ask(capsys, data, "How many phones did NSO's malware target?")
    assert result["answered"] and result["story_id"] == "whatsapp-sues-nso-fe-bd"
    assert main(["--data-dir", str(data), "ask", "How many phones did NSO's malware target?"]) == 0
    assert "WhatsApp sues Israeli firm over phone hacking claims, ¶" in capsys.readouterr().out


def test_the_sample_stays_selectable_by_its_id(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = ask(capsys, data, "--story", SAMPLE_ID, "Who heads the committee?")
    assert result["story_id"] == SAMPLE_ID and THAROOR in json.dumps(result)


def test_all_answers_over_the_four_shared_stories(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path in SHARED:
        Library(tmp_path).add_file(path)
    result = ask(capsys, tmp_path, "--story", "all", "What did the spokesperson say?")
    assert result["answered"] and result["story_id"] in {SAMPLE_ID, "whatsapp-rumours-warning-ht"}
    assert "spokesperson" in json.dumps(result["passage"])


@pytest.mark.parametrize("story", [[], ["--story", "all"]])
def test_stored_stories_sharing_no_word_say_so(data: Path, capsys: pytest.CaptureFixture[str],
                                               story: list[str]) -> None:
    result = ask(capsys, data, *story, "Where do zebras graze?")
    assert not result["answered"] and result["answer"] == NOTHING_MATCHES


def test_an_empty_library_answers_from_the_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert THAROOR in json.dumps(ask(capsys, tmp_path, "Who heads the committee?"))


def test_the_console_asks_the_whole_library_and_cites_the_story(data: Path) -> None:
    table = handlers(StoryBot(data))
    reply = answer_line(table, Caller.local(), "How many phones did NSO's malware target?")
    assert "WhatsApp sues Israeli firm over phone hacking claims" in reply
    assert "story: whatsapp-sues-nso-fe-bd" in reply
    assert THAROOR in answer_line(table, Caller.local(), f"/ask who heads the committee? story:{SAMPLE_ID}")


def test_discord_without_an_active_story_asks_the_whole_library(tmp_path: Path) -> None:
    service = StoryBot(tmp_path)
    for path in sorted(DATA.glob("*.txt")):
        service.story_add(SERVER, path.read_bytes(), path.name)
    service.active.set(SERVER.place, None)  # as after the active story was removed
    reply = service.ask(Caller.server(42, can_manage=False), "How many phones did NSO's malware target?")
    assert reply.embeds[0].footer.endswith("story: whatsapp-sues-nso-fe-bd")
    assert "none: questions go to every story" in plain(service.story_list(SERVER).as_text())


def test_story_use_picks_the_sample_until_it_is_removed(tmp_path: Path) -> None:
    service = StoryBot(tmp_path)
    service.story_add(SERVER, (DATA / "whatsapp-sues-nso-fe-bd.txt").read_bytes(), "nso.txt")
    assert "Now using" in service.story_use(SERVER, SAMPLE_ID).as_text()
    assert THAROOR in plain(service.ask(SERVER, "who heads the committee?").as_text())
    service.story_remove(SERVER, SAMPLE_ID)
    with pytest.raises(UnknownStoryError):
        service.story_use(SERVER, SAMPLE_ID)
    assert service.story(Caller.server(7, can_manage=True), SAMPLE_ID).id == SAMPLE_ID  # other servers keep it
