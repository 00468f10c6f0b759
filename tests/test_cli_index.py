"""`storybot index ...`: exit codes, one-line errors, JSON listing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from index.store.library import Library
from tests.conftest import DATA, SAMPLE


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_then_list_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(SAMPLE), *map(str, sorted(DATA.glob("*.txt")))]
    code, out, _ = run(capsys, tmp_path, "index", "add", *files)
    assert code == 0 and out.count("added") == 4
    code, out, _ = run(capsys, tmp_path, "index", "list", "--json")
    rows = {row["id"]: row for row in json.loads(out)}
    assert code == 0 and len(rows) == 4
    sample = rows["whatsapp-regret-ndtv-2019-11-21"]
    assert sample["title"] == "WhatsApp Expressed Regret Over Spying Row, Promised To Do Better: Sources"
    assert sample["date"] == "2019-11-21"
    assert sample["paragraphs"] == 9
    assert rows["whatsapp-sues-nso-fe-bd"]["source"] == "The Financial Express (Bangladesh)"


def test_show_and_remove(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, tmp_path, "index", "add", str(DATA / "whatsapp-sues-nso-fe-bd.txt"))
    code, out, _ = run(capsys, tmp_path, "index", "show", "whatsapp-sues-nso-fe-bd")
    assert code == 0 and "¶1 Facebook-owned WhatsApp has filed a lawsuit" in out
    code, out, _ = run(capsys, tmp_path, "index", "remove", "whatsapp-sues-nso-fe-bd")
    assert code == 0 and out.startswith("removed whatsapp-sues-nso-fe-bd")


@pytest.mark.parametrize("argv, message", [
    (["index", "show", "../x"], "is not a story id"),
    (["index", "remove", "nope"], "no story 'nope'"),
    (["index", "show", "nope"], "no story 'nope'"),
])
def test_user_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  argv: list[str], message: str) -> None:
    code, out, err = run(capsys, tmp_path, *argv)
    assert code == 1 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_add_reports_each_bad_file_and_keeps_going(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, out, err = run(capsys, tmp_path, "index", "add", str(empty), str(tmp_path / "missing.txt"),
                         str(DATA / "whatsapp-sues-nso-fe-bd.txt"))
    assert code == 1
    assert "empty.txt: the file is empty" in err and "missing.txt: no such file" in err
    assert "added whatsapp-sues-nso-fe-bd" in out


def test_data_dir_from_environment_then_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STORYBOT_DATA_DIR", raising=False)
    (tmp_path / ".env").write_text(f"STORYBOT_DATA_DIR={tmp_path / 'from-dotenv'}\n")
    assert main(["index", "add", str(DATA / "whatsapp-sues-nso-fe-bd.txt")]) == 0
    assert _stored(tmp_path / "from-dotenv") == ["whatsapp-sues-nso-fe-bd"]
    monkeypatch.setenv("STORYBOT_DATA_DIR", str(tmp_path / "from-env"))  # the environment wins
    assert main(["index", "add", str(DATA / "whatsapp-sues-nso-fe-bd.txt")]) == 0
    assert _stored(tmp_path / "from-env") == ["whatsapp-sues-nso-fe-bd"]
    capsys.readouterr()


def _stored(data_dir: Path) -> list[str]:
    return [info.id for info in Library(data_dir).infos() if not info.bundled]


def test_malformed_setting_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STORYBOT_DATA_DIR", raising=False)
    (tmp_path / ".env").write_text("STORYBOT_DEV_GUILD_ID=not-a-number\n")
    code = main(["index", "list"])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.startswith("storybot: STORYBOT_DEV_GUILD_ID:") and err.count("\n") == 1


@pytest.mark.parametrize("argv", [["index", "list"], ["ask", "who heads the committee?"], ["chat"]])
def test_an_unknown_log_level_is_refused_with_the_allowed_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        argv: list[str]) -> None:
    monkeypatch.setenv("STORYBOT_LOG_LEVEL", "BOGUS")
    code = main(["--data-dir", str(tmp_path), *argv])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err == ("storybot: STORYBOT_LOG_LEVEL: 'BOGUS' is not a log level; "
                   "use one of DEBUG, INFO, WARNING, ERROR\n")


def test_the_bot_refuses_an_unknown_log_level_in_the_same_words(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import ConfigError, load_settings

    monkeypatch.setenv("STORYBOT_LOG_LEVEL", "verbose")
    with pytest.raises(ConfigError) as refused:
        load_settings()
    assert str(refused.value) == ("STORYBOT_LOG_LEVEL: 'verbose' is not a log level; "
                                  "use one of DEBUG, INFO, WARNING, ERROR")


def test_an_empty_data_dir_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["--data-dir", "", "index", "list"])
    _, err = capsys.readouterr()
    assert refused.value.code == 2
    assert "argument --data-dir: needs a folder, not an empty string" in err


def test_an_empty_data_dir_variable_is_unset_for_the_bot_too(monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    from bot.settings import load_settings
    from index.store.library import default_data_dir

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STORYBOT_DATA_DIR", "")  # was Path(""): stories in the working directory
    assert load_settings().data_dir == default_data_dir()
