"""One cog per feature area: asking, summaries, quotes, the story library, help."""

from bot.discord.cogs.ask import AskCog
from bot.discord.cogs.help import HelpCog
from bot.discord.cogs.quotes import QuotesCog
from bot.discord.cogs.stories import StoriesCog
from bot.discord.cogs.summary import SummaryCog

COGS = (AskCog, SummaryCog, QuotesCog, StoriesCog, HelpCog)
