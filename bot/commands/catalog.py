"""The commands StoryBot offers, with their options: one list for /help, the console's
parser and the Discord adapter's descriptions, so the three never disagree."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class OptionSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    description: str
    required: bool = False


class CommandSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str  # "story add" for a subcommand
    description: str  # <= 100 characters: Discord's limit
    options: tuple[OptionSpec, ...] = ()
    managers_only: bool = False

    @property
    def usage(self) -> str:
        shown = (f"{o.name}:…" if o.required else f"[{o.name}:…]" for o in self.options)
        return " ".join([f"/{self.name}", *shown])


def _option(name: str, description: str, required: bool = False) -> OptionSpec:
    return OptionSpec(name=name, description=description, required=required)


_STORY = _option("story", "A story of this server (default: the active one)")
_QUESTION = _option("question", "Your question", required=True)
_LENGTH = _option("length", "short, medium or long")
_SPEAKER = _option("speaker", "Who said it (loose spelling is fine)")
_ABOUT = _option("about", "A topic the statement is about")

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(name="ask", description="Ask a question; the answer quotes and cites the story",
                options=(_QUESTION, _STORY)),
    CommandSpec(name="summary", description="Summarise the story in its own sentences",
                options=(_STORY, _LENGTH)),
    CommandSpec(name="quote", description="What someone said in the story, or what was said "
                "about a topic", options=(_SPEAKER, _ABOUT, _STORY)),
    CommandSpec(name="speakers", description="Everyone quoted in the story", options=(_STORY,)),
    CommandSpec(name="story list", description="The stories of this server"),
    CommandSpec(name="story info", description="Details of a story", options=(_STORY,)),
    CommandSpec(name="story use", description="Make a story this server's active story",
                options=(_option("story", "The story to use", required=True),),
                managers_only=True),
    CommandSpec(name="story add", description="Add an article (text, JSON or HTML file)",
                options=(_option("file", "The article file", required=True),), managers_only=True),
    CommandSpec(name="story remove", description="Remove a story from this server",
                options=(_option("story", "The story to remove", required=True),),
                managers_only=True),
    CommandSpec(name="help", description="What StoryBot can do"),
)


def spec(name: str) -> CommandSpec:
    return next(c for c in COMMANDS if c.name == name)
