"""The commands themselves: plain functions of (caller, options) -> `Reply`.

Transport-free, Hubot/Errbot style: the Discord adapter and the console both call these
and only render what comes back. User errors raise `StoryBotError` subclasses whose
message is shown as it is; every call is synchronous and thread-safe, so an adapter may
run it in a worker thread.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel
from rapidfuzz import fuzz, process

from bot.commands import views
from bot.commands.markdown import bold, escape
from bot.commands.places import ActiveStories, Caller, Place
from bot.commands.reply import Reply, shorten
from index.errors import (
    ArticleError,
    CorruptStoryError,
    LibraryError,
    StoryBotError,
    UnknownStoryError,
)
from index.read.article import MAX_ARTICLE_BYTES
from index.read.formats import read_article_bytes
from index.store.database import Database
from index.store.library import Library, prepare, validate_id
from index.story import Story, StoryInfo, content_hash

log = logging.getLogger(__name__)

Length = Literal["short", "medium", "long"]
LENGTHS: tuple[str, ...] = get_args(Length)
ARTICLE_SUFFIXES = (".txt", ".text", ".md", ".json", ".html", ".htm")
MAX_CHOICES = 25
CHOICE_LIMIT = 100
# Below this rapidfuzz WRatio a name is not offered as a completion.
_FUZZY_CUTOFF = 50
# One article is indexed at a time. Threads share the GIL, so two at once finish no sooner,
# while every extra CPU-bound thread makes the event loop wait longer for the GIL.
_INDEXING = threading.Semaphore(1)


class NotAllowed(StoryBotError):
    """The caller may not do this here."""


class Choice(BaseModel):
    """An autocomplete suggestion: what the user sees and the value sent back."""

    name: str
    value: str


class StoryBot:
    """StoryBot's commands over a data directory (see `bot.commands.places`)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.active = ActiveStories(Database(self.data_dir))
        # One per shelf, each with its own database connection: a server's add waiting
        # for another process's write holds up no other server.
        self._libraries: dict[str, Library] = {}
        # A Library is not thread-safe: each has a lock, held while it is read or changed.
        # Indexing an article happens outside it (see `story_add`): a 1 MB article takes
        # seconds, and no command, in that server or any other, should wait for it.
        self._locks: dict[str, threading.RLock] = {}
        self._lock = threading.Lock()  # guards adding to the dicts above

    # -- commands ------------------------------------------------------------------------------

    def ask(self, caller: Caller, question: str, story: str | None = None) -> Reply:
        from bot.answer import answer
        from bot.over_library import answer_over, source_of

        if not question.strip():
            raise StoryBotError("Ask a question, e.g. /ask who heads the committee?")
        chosen = self._chosen(caller, story)
        if chosen is not None:
            return views.answer_reply(answer(question.strip(), [chosen]), chosen)
        # No story named and none chosen here: the whole library answers, citing its story.
        library = self.library(caller.place)
        with self._locked(library):
            candidates = library.candidates(question.strip())
            stored = not library.is_empty()
        result = answer_over(question.strip(), candidates, stored)
        return views.answer_reply(result, source_of(result, candidates))

    def summary(self, caller: Caller, story: str | None = None, length: Length = "short") -> Reply:
        from bot.summary import summarize

        if length not in LENGTHS:
            raise StoryBotError(f"length is one of {', '.join(LENGTHS)}, not '{length[:20]}'")
        chosen = self.story(caller, story)
        return views.summary_reply(summarize(chosen, length), chosen)

    def quote(self, caller: Caller, speaker: str | None = None, about: str | None = None,
              story: str | None = None) -> Reply:
        from bot.lookup import quotes

        chosen = self._chosen(caller, story)
        asked = " ".join(filter(None, (speaker, about)))
        if chosen is not None or not asked:
            stories = [chosen or self.story(caller)]
        else:  # no story here: the stories that name the speaker or the topic
            library = self.library(caller.place)
            with self._locked(library):
                stories = library.candidates(asked) or [library.default_story()]
        found = quotes(stories, speaker=speaker or None, about=about or None)
        shown = next((s for s in stories if found and s.id == found[0].story_id), stories[0])
        return views.quotes_reply(found, shown, speaker, about)

    def speakers(self, caller: Caller, story: str | None = None) -> Reply:
        from bot.lookup import speakers

        chosen = self.story(caller, story)
        return views.speakers_reply(speakers([chosen]), chosen)

    def story_list(self, caller: Caller) -> Reply:
        return views.story_list_reply(self._infos(caller.place), self._active_id(caller))

    def story_info(self, caller: Caller, story: str | None = None) -> Reply:
        chosen = self.story(caller, story)
        return views.story_info_reply(chosen, chosen.id == self._active_id(caller))

    def story_use(self, caller: Caller, story: str) -> Reply:
        # A server's active story is what everyone there gets asked about: only managers
        # choose it. A DM's active story is that user's own, so anyone may choose it there.
        if caller.place.kind != "dm":
            self._require_manager(caller, "change the active story")
        chosen = self.story(caller, story)
        self.active.set(caller.place, chosen.id)
        text = f"Now using {bold(chosen.title)} (`{chosen.id}`)."
        return views.notice(text)

    def check_add(self, caller: Caller, filename: str, size: int) -> None:
        """Whether ``caller`` may add this file: callable before downloading it."""
        self._require_manager(caller, "add stories")
        check_upload(filename, size)

    def story_add_file(self, caller: Caller, path: Path) -> Reply:
        """`story_add` of an article file (the console's `/story add PATH`): read with the
        size limit enforced while reading, and only if it is a regular file."""
        self._require_manager(caller, "add stories")
        return self.story_add(caller, read_article_bytes(path), path.name)

    def story_add(self, caller: Caller, data: bytes, filename: str) -> Reply:
        self.check_add(caller, filename, len(data))
        library = self.library(caller.place)
        with self._locked(library):
            result = library.stored_as(content_hash(data))
        if result is None:
            with _INDEXING:  # the slow part, with no library lock held
                prepared = prepare(data, filename)
            with self._locked(library):
                result = library.store(prepared)
        verb = "is already here as" if result.duplicate else "added as"
        title, ident = bold(result.info.title), result.info.id
        try:
            self.active.set(caller.place, result.info.id)
        except LibraryError as exc:  # stored, but not chosen: say both
            raise LibraryError(f"{title} {verb} `{ident}`, but it could not be made the "
                               f"active story: {exc}") from None
        lines = [f"{title} {verb} `{ident}`; it is now the active story."]
        lines += [f"Note: {escape(w)}" for w in result.warnings]
        return views.notice("\n".join(lines))

    def story_remove(self, caller: Caller, story: str) -> Reply:
        self._require_manager(caller, "remove stories")
        library = self.library(caller.place)
        with self._locked(library):
            info = library.remove(validate_id(story))
        if self.active.get(caller.place) == info.id:
            self.active.set(caller.place, None)
        return views.notice(f"Removed {bold(info.title)} (`{info.id}`).")

    def help(self, caller: Caller) -> Reply:
        return views.help_reply()

    # -- autocomplete --------------------------------------------------------------------------

    def story_choices(self, caller: Caller, current: str) -> list[Choice]:
        infos = self._infos(caller.place)
        labels = {info.id: f"{info.title} ({info.id})" for info in infos}
        return [Choice(name=shorten(labels[i], CHOICE_LIMIT), value=i)
                for i in _fuzzy(current, labels)]

    def speaker_choices(self, caller: Caller, current: str,
                        story: str | None = None) -> list[Choice]:
        from bot.lookup import speakers

        try:
            chosen = self.story(caller, story)
        except StoryBotError:
            return []  # the story option is still being typed
        names = {c.speaker: c.speaker for c in speakers([chosen])}
        return [Choice(name=shorten(n, CHOICE_LIMIT), value=shorten(n, CHOICE_LIMIT))
                for n in _fuzzy(current, names)]

    # -- stories -------------------------------------------------------------------------------

    def library(self, place: Place) -> Library:
        shelf = place.shelf
        library = self._libraries.get(shelf)
        if library is None:
            with self._lock:
                if shelf not in self._libraries:
                    self._locks[shelf] = threading.RLock()
                    self._libraries[shelf] = Library(self.data_dir, shelf)
                library = self._libraries[shelf]
        return library

    def _locked(self, library: Library) -> threading.RLock:
        return self._locks[library.shelf]

    def _infos(self, place: Place) -> list[StoryInfo]:
        library = self.library(place)
        with self._locked(library):
            return library.infos()

    def story(self, caller: Caller, story_id: str | None = None) -> Story:
        """The named story, else the place's active one, else its library's default."""
        chosen = self._chosen(caller, story_id)
        if chosen is not None:
            return chosen
        library = self.library(caller.place)
        with self._locked(library):
            return library.default_story()

    def _chosen(self, caller: Caller, story_id: str | None) -> Story | None:
        """The named story, else the place's active one if it can be read, else None."""
        library = self.library(caller.place)
        if story_id:
            return self._load(library, validate_id(story_id.strip()))
        active = self.active.get(caller.place)
        if active:
            try:
                return self._load(library, active)
            except UnknownStoryError:
                pass  # removed since it was chosen: fall back to the default
            except CorruptStoryError as exc:  # damaged since: report it, serve the others
                log.warning("active story of %s skipped: %s", caller.place.key, exc)
        return None

    def _active_id(self, caller: Caller) -> str | None:
        """The place's active story if it is there (the bundled sample when the library is
        empty), without loading a story just to learn it: reading a 1 MB story holds the
        GIL for ~0.1 s, stalling the event loop as long. None: questions go to every story."""
        active = self.active.get(caller.place)
        infos = self._infos(caller.place)
        if active and any(info.id == active for info in infos):
            return active
        return infos[0].id if len(infos) == 1 and infos[0].bundled else None

    def _load(self, library: Library, story_id: str) -> Story:
        # The library keeps loaded stories (with their search index) and notices one
        # replaced or removed by another process.
        with self._locked(library):
            return library.get(story_id)

    @staticmethod
    def _require_manager(caller: Caller, action: str) -> None:
        if caller.place.kind == "dm":
            raise NotAllowed(f"Stories can be added and removed in a server, not here; "
                             f"ask there to {action}.")
        if not caller.can_manage:
            raise NotAllowed(f"Only members with the Manage Server permission can {action}.")


def check_upload(filename: str, size: int) -> None:
    """Refuse an article upload before downloading it: wrong kind of file, or too big."""
    if not filename.lower().endswith(ARTICLE_SUFFIXES):
        raise ArticleError(f"{filename}: not an article file; attach a text (.txt), JSON or "
                           "HTML file")
    if size > MAX_ARTICLE_BYTES:
        raise ArticleError(f"{filename}: {size:,} bytes is over the {MAX_ARTICLE_BYTES:,}-byte "
                           "limit for an article")
    if size == 0:
        raise ArticleError(f"{filename}: the file is empty")


def _fuzzy(current: str, labels: dict[str, str]) -> list[str]:
    """Keys of ``labels`` best matching ``current`` (all, in order, when it is empty)."""
    if not current.strip():
        return list(labels)[:MAX_CHOICES]
    found = process.extract(current, labels, scorer=fuzz.WRatio, limit=MAX_CHOICES,
                            score_cutoff=_FUZZY_CUTOFF)
    return [key for _, _, key in found]
