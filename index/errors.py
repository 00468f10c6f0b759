"""Errors a user can cause. Each carries a one-line message fit to show as it is."""


class StoryBotError(Exception):
    """Base for every error whose message is meant for the user (CLI, console, Discord)."""


class ArticleError(StoryBotError):
    """The article could not be read or holds no usable text."""


class UnknownStoryError(StoryBotError):
    """No story with that id in the library."""


class LibraryError(StoryBotError):
    """The data directory cannot be read or written."""


class CorruptStoryError(StoryBotError):
    """A stored story file is unreadable, tampered with, or from another schema version."""
