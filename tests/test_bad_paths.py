"""Paths that are not article files, and data directories that are not folders: one clear
line and exit 1, in bounded memory, never a traceback."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from bot.commands import Caller, StoryBot
from bot.console import answer_line, handlers
from index.errors import ArticleError
from index.read.article import MAX_ARTICLE_BYTES
from index.read.formats import read_article_bytes
from tests.conftest import DATA

REPO = Path(__file__).parents[1]
MEMORY_CAP = 1 << 30  # a process reading /dev/zero whole would pass this in a second


def storybot(*argv: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    return subprocess.run([sys.executable, "-m", "bot", "--data-dir", str(data_dir), *argv],
                          check=False, capture_output=True, text=True, timeout=60, cwd=REPO,
                          preexec_fn=cap)


def one_line_error(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert all(text in lines[0] for text in expected), lines[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("argv", [["ask", "--story", "/dev/zero", "x"], ["index", "add", "/dev/urandom"],
                                  ["quotes", "--story", "/dev/zero"]])
def test_devices_are_refused_in_bounded_memory(tmp_path: Path, argv: list[str]) -> None:
    one_line_error(storybot(*argv, data_dir=tmp_path / "data"), "not a regular file")


def test_a_fifo_and_a_directory_are_refused_without_blocking(tmp_path: Path, fifo: Path) -> None:
    one_line_error(storybot("ask", "--story", str(fifo), "x", data_dir=tmp_path / "data"),
                   "pipe.txt", "not a regular file")
    one_line_error(storybot("index", "add", str(tmp_path), data_dir=tmp_path / "data"), "is a directory")


def test_only_the_limit_and_one_byte_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A file that grows, or lies about its size (as /proc files do), is cut at the limit.
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * (MAX_ARTICLE_BYTES // 5 + 10))
    asked: list[int] = []
    real_fdopen = os.fdopen

    def fdopen(fd: int, mode: str = "r") -> object:
        handle = real_fdopen(fd, mode)
        real_read = handle.read

        def read(n: int = -1) -> bytes:
            asked.append(n)
            return real_read(n)

        handle.read = read  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr(os, "fdopen", fdopen)
    with pytest.raises(ArticleError, match="limit"):
        read_article_bytes(path)
    assert asked == [MAX_ARTICLE_BYTES + 1]


def test_a_proc_file_that_claims_no_size_is_read(tmp_path: Path) -> None:
    # st_size 0, yet it has content: the size from stat is not trusted either way.
    assert Path("/proc/self/status").stat().st_size == 0
    assert b"Name:" in read_article_bytes(Path("/proc/self/status"))


def test_the_service_reads_an_article_file_bounded(tmp_path: Path, fifo: Path) -> None:
    service = StoryBot(tmp_path / "data")
    for path in (Path("/dev/zero"), fifo):
        with pytest.raises(ArticleError, match="not a regular file"):
            service.story_add_file(Caller.local(), path)
    assert "added as" in service.story_add_file(Caller.local(), DATA / "whatsapp-sues-nso-fe-bd.txt").as_text()


@pytest.mark.parametrize("argv", [["index", "show", "x"], ["index", "list"], ["ask", "--story", "x", "q"],
                                  ["quotes", "--story", "x"], ["ask", "q"], ["index", "add", str(DATA / "whatsapp-sues-nso-fe-bd.txt")]])
def test_a_data_directory_that_is_a_file(tmp_path: Path, argv: list[str]) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file")
    one_line_error(storybot(*argv, data_dir=blocker), f"the data directory {blocker} is not a folder")


@pytest.mark.parametrize("kind", ["folder", "garbage"])
def test_a_database_that_is_not_one(tmp_path: Path, kind: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    if kind == "folder":
        (data / "storybot.db").mkdir()
    else:
        (data / "storybot.db").write_text("not sqlite" * 200)
    one_line_error(storybot("index", "list", data_dir=data), "cannot open the library")


def test_the_console_story_option_with_a_data_directory_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file")
    table = handlers(StoryBot(blocker))
    for line in ("/ask who? story:x", "/summary story:x", "who heads the committee?"):
        reply = answer_line(table, Caller.local(), line)
        assert reply == f"! the data directory {blocker} is not a folder", reply
