"""The README and the Dockerfile tell an operator the truth about running StoryBot."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_every_file_the_readme_and_dockerfile_point_to_exists() -> None:
    named = re.findall(r"\b((?:docs|bench|tests|index|bot)/[\w./-]+\.\w+)", README + DOCKERFILE)
    assert named and [path for path in named if not (ROOT / path).is_file()] == []


def test_docker_commands_that_read_stdin_keep_it_open() -> None:
    # Without -i, `docker run … < questions.txt` gives the container an empty stdin.
    piped = [line for line in README.splitlines() if line.startswith("docker run") and " < " in line]
    assert piped and all(" -i " in line or " -it " in line for line in piped)


def test_a_restart_policy_is_named_for_docker_and_systemd() -> None:
    detached = [line for line in README.splitlines() if line.startswith("docker run -d")]
    assert detached and all("--restart unless-stopped" in line for line in detached)
    assert "--restart unless-stopped" in DOCKERFILE
    assert "Restart=on-failure" in README and "ExecStart=" in README
