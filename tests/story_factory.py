"""Small invented stories for the answer-engine tests, built in memory."""

from __future__ import annotations

from index.read.formats import parse_article_text
from index.statements.quotes import Statement
from index.story import Story, build_story, content_hash

BRIDGE = """title: Riverton council approves new bridge
source: Riverton Gazette
date: 2024-03-12

The Riverton city council voted on Tuesday to approve a new pedestrian bridge over the Millbrook river, ending a two-year dispute.

The bridge will cost 4.2 million dollars and is expected to open in September 2025.

Mayor Helen Okafor said the bridge would connect the eastern neighbourhoods to the central market. "This is the most important project of my term," she said.

Council member Tom Reyes, who voted against the plan, warned that the budget could double. "We have seen this happen before with the library," Reyes said.

Construction will be carried out by Northgate Engineering, a firm based in Carlton.

Seven of the nine council members supported the proposal.
"""

ORCHARD = """title: Frost destroys half of Valdoro apple harvest
source: Valdoro Herald
date: 2023-04-20

A late frost on Sunday night destroyed about half of the apple harvest in the Valdoro valley, growers said.

Around 300 farms were affected, according to the regional farmers' union.

Union chairwoman Ines Moreau said the losses could reach 12 million euros. "Many families will not recover from this without help," she said.

The regional government has promised emergency loans to the worst-hit farms.

Temperatures fell to minus six degrees in Lorca, the coldest place in the valley.
"""

# Actions under way and planned, told by the actor or with the actor as subject; a firm
# named by "The firm" and by its owner in a passive clause.
STRIKE = """title: Bus drivers strike over pay in Calder
source: Calder Post
date: 2024-02-08

Greenline Buses, the main operator in Calder, was hit by a drivers' strike on Monday after pay talks broke down.

The firm, which was bought by Orbis Transport in 2019, runs 140 buses in the city.

The drivers' union said it is demanding a pay rise of 8 per cent and wants written limits on shift lengths.

"We are running a reduced service on the main routes and will keep passengers informed," a Greenline spokesperson said.

Mayor Dana Whitfield said the strike was hurting shops in the centre. "They are losing customers every day," she said.

The city council is offering free parking at weekends until the dispute ends.
"""


def make_story(text: str, story_id: str = "story") -> Story:
    article = parse_article_text(text, f"{story_id}.txt")
    return build_story(article, story_id, content_hash(text.encode()))


def with_statements(story: Story, specs: list[tuple[str, str | None, str, str]]) -> Story:
    """`story` with statements (speaker, role, kind, exact text) placed where the text is,
    as the speaker-attribution stage would give them."""
    statements = []
    for speaker, role, kind, text in specs:
        paragraph = next(p for p in story.paragraphs if text in p.text)
        start = paragraph.text.index(text)
        end = start + len(text)
        ids = [s.id for s in paragraph.sentences if s.start < end and start < s.end]
        statements.append(Statement(
            speaker=speaker, role=role, kind=kind, text=text, paragraph=paragraph.number,  # type: ignore[arg-type]
            start=start, end=end, sentence_ids=ids,
        ))
    return story.model_copy(update={"statements": statements})


def bridge_with_statements() -> Story:
    story = make_story(BRIDGE, "bridge")
    return with_statements(story, [
        ("Helen Okafor", "Mayor", "indirect",
         "the bridge would connect the eastern neighbourhoods to the central market"),
        ("Helen Okafor", "Mayor", "direct", "This is the most important project of my term"),
        ("Tom Reyes", "Council member", "indirect", "the budget could double"),
        ("Tom Reyes", "Council member", "direct", "We have seen this happen before with the library"),
    ])
