"""Security by inspection: no code execution from data in the sources, secrets kept out of
git and the image, and the image not running as root."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGES = ("bot", "index")

# Deserialisers that can run code, and the standard ways to run code or a shell.
UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill", "cloudpickle",
                  "jsonpickle"}
UNSAFE_BUILTINS = {"eval", "exec", "compile", "__import__", "breakpoint"}
UNSAFE_CALLS = {"os.system", "os.popen", "pty.spawn", "asyncio.create_subprocess_shell",
                "pickle.loads", "pickle.load", "marshal.loads", "yaml.unsafe_load"}
UNSAFE_PREFIXES = ("os.exec", "os.spawn")


def _dotted(node: ast.expr) -> str:
    """``a.b.c`` for an attribute chain, else ''."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def unsafe_uses(source: str, filename: str = "<source>") -> Iterator[str]:
    """Each place in ``source`` that can turn data into code or a shell command."""
    for node in ast.walk(ast.parse(source, filename)):
        where = f"{filename}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in UNSAFE_MODULES:
                    yield f"{where} imports {alias.name}"
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] in UNSAFE_MODULES:
                yield f"{where} imports from {node.module}"
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            keywords = {k.arg: k.value for k in node.keywords}
            if name in UNSAFE_BUILTINS or name in UNSAFE_CALLS or name.startswith(UNSAFE_PREFIXES):
                yield f"{where} calls {name}"
            elif name.startswith("subprocess.") and _is_true(keywords.get("shell", ast.Constant(False))):
                yield f"{where} calls {name} with shell=True"
            elif name.endswith(".load") and _is_true(keywords.get("allow_pickle", ast.Constant(False))):
                yield f"{where} calls {name} with allow_pickle=True"
            elif name == "yaml.load" and "Safe" not in ast.unparse(keywords.get("Loader", ast.Constant(""))):
                yield f"{where} calls yaml.load without a safe loader"


def _sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def test_the_scan_sees_the_package_sources() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in _sources()}
    assert {"index/read/formats.py", "index/store/library.py", "bot/commands/service.py",
            "bot/discord/runner.py"} <= names


def test_no_pickle_eval_or_shell_in_the_package() -> None:
    found = [use for path in _sources()
             for use in unsafe_uses(path.read_text(), str(path.relative_to(ROOT)))]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(("snippet", "expected"), [
    ("import pickle", "imports pickle"),
    ("from marshal import loads", "imports from marshal"),
    ("eval(text)", "calls eval"),
    ("exec(code, {})", "calls exec"),
    ("import os\nos.system(cmd)", "calls os.system"),
    ("os.execvp('sh', args)", "calls os.execvp"),
    ("subprocess.run(cmd, shell=True)", "with shell=True"),
    ("np.load(buffer, allow_pickle=True)", "allow_pickle=True"),
    ("yaml.load(text)", "without a safe loader"),
])
def test_the_scan_catches_each_pattern(snippet: str, expected: str) -> None:
    assert any(expected in use for use in unsafe_uses(snippet))


@pytest.mark.parametrize("snippet", [
    "subprocess.run(['git', 'status'], check=True)",
    "np.load(buffer, allow_pickle=False)",
    "re.compile(r'x')",
    "json.loads(text)",
    "yaml.load(text, Loader=yaml.SafeLoader)",
])
def test_the_scan_lets_safe_calls_pass(snippet: str) -> None:
    assert not list(unsafe_uses(snippet))


def _patterns(path: Path) -> set[str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    return {line for line in lines if line and not line.startswith("#")}


@pytest.mark.parametrize("ignore_file", [".gitignore", ".dockerignore"])
def test_env_files_stay_out_of_git_and_the_image(ignore_file: str) -> None:
    assert {".env", ".env.*"} <= _patterns(ROOT / ignore_file)


def test_the_docker_image_runs_as_a_non_root_user() -> None:
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users, "no USER instruction: the container would run as root"
    last = users[-1]
    assert last not in {"root", "0"} and not last.startswith(("0:", "root:"))
    # The user is created with a non-zero uid, and USER comes before the command it runs.
    uid = re.search(rf"useradd\b.*--uid (\d+) {re.escape(last)}\b", "\n".join(lines))
    assert uid and int(uid.group(1)) != 0
    assert lines.index(f"USER {last}") < max(i for i, line in enumerate(lines) if line.startswith("CMD"))
