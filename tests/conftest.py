from __future__ import annotations

from pathlib import Path

import pytest

from index.store.library import Library

DATA = Path(__file__).parent / "data"
SAMPLE = Path(__file__).parents[1] / "index" / "data" / "whatsapp-regret-ndtv-2019-11-21.txt"


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library(tmp_path / "data")


@pytest.fixture
def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()
