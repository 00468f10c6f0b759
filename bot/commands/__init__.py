"""StoryBot's transport-free command layer: `StoryBot` commands return `Reply` models that
the Discord adapter (`bot.discord`) and the console (`bot.console`) render."""

from bot.commands.places import Caller, Place
from bot.commands.reply import Embed, Field, Reply
from bot.commands.service import Choice, NotAllowed, StoryBot

__all__ = ["Caller", "Choice", "Embed", "Field", "NotAllowed", "Place", "Reply", "StoryBot"]
