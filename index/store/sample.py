"""The sample story shipped with StoryBot, stored annotated: answering it, the default
before any story is added, never loads the language model (`storybot ask` stays fast).

After a change to the language layer or to attribution, `python -m index.store.sample` writes
the stored form again; tests/test_sample.py fails while it is out of date.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ValidationError

from index.read.formats import parse_article
from index.story import SCHEMA_VERSION, Story, build_story, content_hash

log = logging.getLogger(__name__)

SAMPLE_FILE = "whatsapp-regret-ndtv-2019-11-21.txt"
SAMPLE_ID = Path(SAMPLE_FILE).stem
_STORED = f"{SAMPLE_ID}.json"


class _StoredSample(BaseModel):
    schema_version: int
    story: Story


def _data(name: str) -> bytes:
    return resources.files("index").joinpath("data", name).read_bytes()


def build_sample() -> Story:
    data = _data(SAMPLE_FILE)
    return build_story(parse_article(data, SAMPLE_FILE), SAMPLE_ID, content_hash(data), bundled=True)


@lru_cache(maxsize=1)
def bundled_story() -> Story:
    """The sample, from its stored form when that matches this version and the article."""
    try:
        stored = _StoredSample.model_validate_json(_data(_STORED))
        if stored.schema_version == SCHEMA_VERSION \
                and stored.story.info.content_hash == content_hash(_data(SAMPLE_FILE)):
            return stored.story
    except (OSError, ValidationError) as exc:
        log.warning("stored sample story unreadable (%s); parsing it", exc)
    log.warning("stored sample story is out of date; parsing it (python -m index.store.sample)")
    return build_sample()


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    target = Path(__file__).resolve().parents[1] / "data" / _STORED
    document = _StoredSample(schema_version=SCHEMA_VERSION, story=build_sample())
    target.write_text(document.model_dump_json() + "\n", encoding="utf-8")
    log.info("wrote %s", target)


if __name__ == "__main__":
    main()
