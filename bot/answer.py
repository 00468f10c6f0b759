"""Questions in, cited sentences with speakers out.

Pipeline, per story: BM25 over paragraphs and sentences ranks candidate sentences; the
question's kind re-ranks them by whether they hold what it asks for (a quantity for "how
many", a date for "when", a name for "who"...); statements give "what did X say" its
sentences and each citation its speaker. The best candidate is then checked before it is
given as an answer: it must hold the asked-for fact and cover the question's topic, else
the reply says the story doesn't answer, and shows the closest passage as such.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, Field

from bot.lookup import describe, statements_by
from bot.question import TYPED_KINDS, Question, analyze
from bot.safe_text import defuse_mentions
from index.actions import joins
from index.features import (
    REPORTING_VERBS,
    Facts,
    opens_with_reference,
    terms_of,
    verbs_after,
    words,
)
from index.quotes import Statement
from index.search import StoryIndex
from index.story import Sentence, Story
from index.tokens import tokenize

log = logging.getLogger(__name__)

MAX_CITATIONS = 3
# A reply fits one Discord message (2,000 characters) with room for the caller's framing.
MAX_REPLY_CHARS = 1800
# Weights of the ranking score: sentence BM25, its paragraph's BM25, weighted coverage of
# the question's terms. Sentence evidence leads; the paragraph breaks ties between
# sentences of one quotation or list (see bench/retrieval_params.py for the comparison).
_W_SENTENCE, _W_PARAGRAPH, _W_COVERAGE = 0.4, 0.2, 0.4
# A sentence without the asked-for fact stays rankable (it is the "closest passage") but
# falls behind every sentence that has it.
_UNTYPED_FACTOR = 0.3
# Share of the question's term weight (IDF) that the answer and its paragraph must cover.
MIN_COVERAGE = 0.15
# A statement by the asked-for speaker is an answer even when it shares no word with the
# rest of the question ("What did X say?"). The speaker's own words (a direct quotation)
# come before a report of them; further ties go to reading order.
_DIRECT_FLOOR, _INDIRECT_FLOOR = 0.1, 0.05
# "How much" asked with these words wants a sum of money, with these a share.
_MONEY_TERMS = frozenset(tokenize(
    "pay paid cost costs spend spent charge charged price worth fund funding earn earned "
    "profit profits revenue loss losses sell sold buy bought raise raised invest invested "
    "owe owed fine fined damages salary wage wages budget fee fees money compensation"))
# Of those, the words that say only that a sum is asked for, not what it is for: the sum
# itself answers them ("how much will the plant cost" / "a $48 million plant").
_PRICE_TERMS = frozenset(tokenize("pay paid cost costs spend spent charge charged price worth"))
_PROPORTION_TERMS = frozenset(tokenize(
    "percent percentage cent rate share proportion rise increase cut fall drop growth"))
# An age as news gives one: "Marjorie Ellis, 74,", "aged 74", "a 74-year-old", "74 years old".
_AGE = re.compile(r",\s\d{1,3},|\baged\s\d{1,3}\b|\b\d{1,3}[-\s]years?[-\s]old\b")
_AGE_WINDOW = 50  # characters around an age in which its owner is named
# Share of the question's event-word weight that the answer and the sentences beside it
# must hold. Lower lets near-topic questions through; 0.5 refuses a real dev answer.
MIN_FOCUS = 0.4
# Verbs too general to name an event: the story may well say what was made or done otherwise.
LIGHT_VERBS = frozenset(tokenize("make made do did done have had get got go went gone take took "
                                 "taken give gave given come came put"))
# How far (in words) a speaker's name may stand from "said" and still be its subject.
_ATTRIBUTION_WINDOW = 5


class Citation(BaseModel):
    story: str = Field(description="Story title")
    story_id: str
    paragraph: int = Field(ge=1)
    sentence: str = Field(description="The sentence, verbatim")
    sentence_id: str
    speaker: str | None = None
    role: str | None = None


class Answer(BaseModel):
    question: str
    answered: bool
    answer: str = Field(description="The reply as a user sees it")
    citations: list[Citation] = Field(default_factory=list, description="Best first")
    passage: list[Citation] = Field(
        default_factory=list,
        description="The sentences quoted, in reading order: the answer, after the sentence "
                    "it leans on when it opens with a reference ('They also claimed...')")
    kind: str | None = Field(default=None, description="The question's kind, e.g. 'when'")
    story_id: str | None = Field(default=None, description="The story the answer is from")


@dataclass(frozen=True)
class _Candidate:
    story: Story
    index: int  # position in story.sentences
    score: float
    coverage: float  # share of the question's term weight found (comparable across stories)
    answers: bool  # passed the checks: holds the asked-for fact and covers the topic


def answer(question: str, stories: Sequence[Story]) -> Answer:
    """Answer `question` from the best of `stories`, quoting and citing its sentences.

    Never raises on any question text; `answered` is False when the stories don't say.
    """
    q = analyze(question)
    if q.problem:
        return Answer(question=question, answered=False, answer=q.problem, kind=None)
    if not stories:
        return Answer(question=question, answered=False, kind=q.kind,
                      answer="There is no story to answer from yet.")
    ranked = [_rank(story, q) for story in stories]
    # Across stories, BM25 scores (normalised per story) don't compare; coverage does.
    best = max(ranked, key=lambda c: (c[0].answers, c[0].coverage, c[0].score) if c else (False, 0, 0))
    if not best or best[0].score <= 0:
        return Answer(question=question, answered=False, kind=q.kind,
                      answer=f"{_not_said(len(stories))} ({_ask_about(q)})")
    return _reply(question, q, best, len(stories))


# -- ranking ---------------------------------------------------------------------------------

def _rank(story: Story, q: Question) -> list[_Candidate]:
    """The story's sentences for `q`, best first."""
    ix = story.search
    terms = ix.match_terms(q.terms)
    allowed = _speaker_sentences(story, ix, q.speaker) if q.speaker else None
    if allowed is not None and not allowed:
        return []  # the story reports nothing said by this speaker
    sent = _normalised(ix.sentence_bm25.scores(terms))
    para = _normalised(ix.paragraphs.scores(terms))
    positions = [i for i in range(len(ix.sentences)) if allowed is None or i in allowed]
    acting = _acting(q, ix, positions)
    # Words the actor's answer may put otherwise ("asking" → "seeking") weigh nothing.
    optional = set(ix.match_terms(q.optional)) if acting else set()
    weights = {t: ix.idf(t) for t in set(terms) - optional}
    total = sum(weights.values())
    content = _content_terms(ix, terms, q) - optional
    typed_at = acting if q.actor else _typed(q, ix, positions, terms)
    cands = []
    for i in positions:
        sentence = ix.sentences[i]
        covered = _coverage(weights, ix.sentence_sets[i] | ix.mention_sets[i],
                            ix.paragraph_sets[sentence.paragraph - 1])
        coverage = covered / total if total else float(allowed is not None)
        typed = i in typed_at
        score = _W_SENTENCE * sent[i] + _W_PARAGRAPH * para[sentence.paragraph - 1] \
            + _W_COVERAGE * coverage + (allowed[i] if allowed is not None else 0.0)
        if not typed:
            score *= _UNTYPED_FACTOR
        # A sentence the asked-for speaker said is on topic by that alone.
        on_topic = allowed is not None or (
            coverage >= MIN_COVERAGE and _on_topic(q, ix, i, content, bool(acting)))
        cands.append(_Candidate(story, i, score, coverage, typed and on_topic and score > 0))
    # A sentence that passes the checks goes before any that doesn't, whatever the scores.
    cands.sort(key=lambda c: (not c.answers, -c.score, c.index))
    return cands


def _on_topic(q: Question, ix: StoryIndex, i: int, content: set[str], acting: bool) -> bool:
    """Whether sentence `i` speaks of what the question asks about: it shares one of its
    event words ("founded", "pay"). A sentence in which the asked-for actor acts needs only
    a story that uses the question's words; one that joins the two names of "when did A V
    B" may word the event otherwise ("B, which was acquired by A in 2014")."""
    if acting:
        return content <= ix.vocabulary
    if _joined(q, ix, i):
        return True
    if q.kind == "how_much" and not _told_together(content, ix, i):
        return False
    return _covers_content(content, ix, i) and (
        _focused(content, ix, i) or _subject_opens(q, ix, i))


def _focused(content: set[str], ix: StoryIndex, i: int) -> bool:
    """Whether the sentence, with the sentences beside it in its paragraph, holds a good
    share of the question's event words (IDF-weighted), not just one of them somewhere in
    the paragraph: a near-topic sentence shares the object and lacks the event ("Who built
    the school?" against "...places at two nearby schools"). A light verb ("make", "get")
    counts only when found: the asker's "make her allegation" is the story's "alleged"."""
    close = ix.sentence_sets[i] | ix.mention_sets[i] | ix.neighbour_sets[i]
    weights = {t: ix.idf(t) for t in content if t in close or t not in LIGHT_VERBS}
    found = sum(w for t, w in weights.items() if t in close)
    return found >= MIN_FOCUS * sum(weights.values())


def _told_together(content: set[str], ix: StoryIndex, i: int) -> bool:
    """"How much": a sum belongs to one thing, so every event word of the question that the
    story uses must be in the answer or beside it ("how much will the buses cost" is not
    answered by "repairs ... would cost 2 million pounds", with the buses two paragraphs
    on). Words the story lacks may be the asker's own for the story's ("pay" / "acquire");
    the words of its title and lead are its topic, which every sentence is about ("How much
    could the frost losses reach?" / "the losses could reach 12 million euros")."""
    close = ix.sentence_sets[i] | ix.mention_sets[i] | ix.neighbour_sets[i] | ix.topic_terms
    return (content & ix.vocabulary) - LIGHT_VERBS - _PRICE_TERMS <= close


def _subject_opens(q: Question, ix: StoryIndex, i: int) -> bool:
    """Whether the sentence opens with the question's subject ("When did the council
    decide..." / "The council voted in June..."): it then tells what that subject did,
    and the asker may name the act with another verb. Both phrases may run on into their
    verb ("council decide", "council voted"); a shared verb is found by `_focused` anyway."""
    if q.subject is None:
        return False
    return bool(set(ix.match_terms(tokenize(q.subject))) & ix.opening_sets[i])


def _joined(q: Question, ix: StoryIndex, i: int) -> bool:
    if q.participants is None:
        return False
    agent, patient = (ix.match_terms(tokenize(name)) for name in q.participants)
    text = ix.sentences[i].text
    opening = ix.mention_sets[i] if opens_with_reference(text) else frozenset()
    return joins(text, agent, patient, opening, set(ix.facts[i].dates))


def _acting(q: Question, ix: StoryIndex, positions: list[int]) -> set[int]:
    """For "what is X doing / asking for", the sentences in which X is doing or is going
    to do something: the only ones that can answer it. A story in which X never does
    answers no such question, however much else it says about X."""
    if q.actor is None:
        return set()
    # The actor's head noun: "the city council" acts as "The council" does; "Mamata
    # Banerjee" is not "the Mamata Banerjee government". English noun phrases end with it.
    head = ix.match_terms(tokenize(q.actor.split(" of ")[0]))[-1:]
    return {i for i in positions if head and head[0] in ix.acting_sets[i]}


def _typed(q: Question, ix: StoryIndex, positions: list[int], terms: list[str]) -> set[int]:
    """Positions of the sentences that hold the asked-for kind of fact. For "which X",
    when no sentence names an X in a form `names_instance` knows, a sentence holding every
    word of the question is taken instead ("the Information Technology Act" for "which law")."""
    typed = {i for i in positions if _holds_answer(q, ix, i, terms)}
    if q.kind == "which" and not typed:
        typed = {i for i in positions if set(terms) <= ix.sentence_sets[i]}
    return typed


def _normalised(scores: list[float]) -> list[float]:
    top = max(scores, default=0.0)
    return [s / top for s in scores] if top > 0 else [0.0] * len(scores)


def _coverage(weights: dict[str, float], sentence: frozenset[str], paragraph: frozenset[str]) -> float:
    """IDF weight of the terms found: in the sentence in full, elsewhere in its paragraph half."""
    return sum(w if t in sentence else w / 2 if t in paragraph else 0.0 for t, w in weights.items())


def _content_terms(ix: StoryIndex, terms: list[str], q: Question) -> set[str]:
    """The question's terms other than names, the story's or those the asker capitalised:
    its event or relation words ("founded", "pay", "become"). Names alone don't show that
    the story covers the question."""
    asked_names = set(ix.match_terms([t for name in q.entities for t in tokenize(name)]))
    return {t for t in terms if t not in ix.name_terms and t not in asked_names}


def _covers_content(content: set[str], ix: StoryIndex, i: int) -> bool:
    if not content:
        return True
    paragraph = ix.paragraph_sets[ix.sentences[i].paragraph - 1]
    return bool(content & (ix.sentence_sets[i] | paragraph))


def _holds_answer(q: Question, ix: StoryIndex, i: int, terms: list[str]) -> bool:
    """Whether sentence `i` holds the kind of fact `q` asks for."""
    if q.kind not in TYPED_KINDS:
        return True
    facts = ix.facts[i]
    asked = set(terms)
    if q.wants_age:
        return _gives_age(q, ix.sentences[i].text)
    if q.kind == "how_many":
        return bool(facts.numbers) and _counts_asked_noun(q, ix, i, facts) \
            and not _counts_another_event(q, ix.sentences[i].text)
    if q.kind == "how_much":
        return _holds_amount(asked, ix, facts)
    if q.kind == "when":
        return _has_event_date(facts, asked)
    if q.kind == "where":
        return any(_new_name(p, asked) for p in facts.places)
    if q.kind == "who":
        # "Who is the governor?" wants a name; "who was hurt?" may be "five people".
        candidates = facts.names if q.wants_name else facts.names + facts.people
        return any(_new_name(n, asked) for n in candidates)
    return _names_instance(q.head, ix, i, asked)


def _gives_age(q: Question, text: str) -> bool:
    """An age beside the one asked about: a surname the asker wrote just before it ("Ann
    Moss, 81,"), or with no name written, a word of the question around it ("58-year-old
    treatment plant"); "Amarendra Das, 67," is no answer to "How old is Sahoo?"."""
    surnames = {e.split()[-1].lower() for e in q.entities}
    for match in _AGE.finditer(text):
        if surnames:
            if any(s in text[max(0, match.start() - _AGE_WINDOW):match.start()].lower() for s in surnames):
                return True
        elif set(q.terms) & set(tokenize(text[max(0, match.start() - _AGE_WINDOW):match.end() + _AGE_WINDOW])):
            return True
    return False


def _counts_asked_noun(q: Question, ix: StoryIndex, i: int, facts: Facts) -> bool:
    """When the story ever counts the asked noun ("29 people"), a count of something else
    ("eight states") does not answer "how many people"; when it never does, any count
    may be the answer in other words ("12 civilians" for "how many people")."""
    asked = set(q.counted)
    if asked & set(facts.counted):
        return True
    # The asked noun is in the sentence, or counted elsewhere in the story, but this
    # number counts something else ("300 farms ... the farmers' union").
    return not asked & (ix.sentence_sets[i] | ix.counted_terms)


def _holds_amount(asked: set[str], ix: StoryIndex, facts: Facts) -> bool:
    """"How much": a sum of money when the question is about money ("pay", "cost") or the
    story gives sums at all, so "a pay rise of 8 per cent" or "in each of the past three
    years" does not answer "how much did X pay"; a share when it asks for one."""
    if asked & _PROPORTION_TERMS:
        return facts.amounts or bool(facts.numbers)
    if asked & _MONEY_TERMS or ix.gives_money:
        return facts.money
    return facts.amounts or bool(facts.numbers)


def _counts_another_event(q: Question, text: str) -> bool:
    """Asked "how many people were arrested", the sentence says "people were lynched"."""
    if q.passive is None:
        return False
    noun, verb = q.passive
    verbs = verbs_after(text, noun)
    return bool(verbs) and verb not in verbs


def _has_event_date(facts: Facts, asked: set[str]) -> bool:
    """A date that dates what is asked about. News dates the saying ("said on Sunday");
    such a date answers only a question about that saying ("when did she allege...")."""
    speech = [v for v in facts.speech_dates if terms_of(v)[0] in asked]
    plain_dates = len(facts.dates) - len(facts.speech_dates)
    return plain_dates > 0 or bool(speech)


def _new_name(name: str, asked: set[str]) -> bool:
    """A name that is not just the question's own subject repeated."""
    return not set(terms_of(name)) <= asked


def _names_instance(head: str | None, ix: StoryIndex, i: int, asked: set[str]) -> bool:
    """"Which X": a name or number right beside X ("Pegasus spyware", "countries,
    including Bahrain") names the instance asked for."""
    if head is None:
        return True
    return ix.names_instance(i, head, asked - {head})


def _speaker_sentences(story: Story, ix: StoryIndex, speaker: str) -> dict[int, float]:
    """Positions of the sentences `speaker` said, each with its score floor (empty when
    the story reports nothing said by them)."""
    if not story.statements:
        found = _attributed_sentences(ix, ix.match_terms(tokenize(speaker)))
        return dict.fromkeys(found, _DIRECT_FLOOR)
    floors: dict[str, float] = {}
    for st in statements_by(story, speaker):
        floor = _DIRECT_FLOOR if st.kind == "direct" else _INDIRECT_FLOOR
        for sid in st.sentence_ids:
            floors[sid] = max(floors.get(sid, 0.0), floor)
    return {i: floors[s.id] for i, s in enumerate(ix.sentences) if s.id in floors}


def _attributed_sentences(ix: StoryIndex, speaker_terms: list[str]) -> set[int]:
    """Without extracted statements: sentences in which the speaker's head word (the last
    of the name: "Reyes", "spokesperson") stands a few words before a reporting verb, or
    after it when the verb follows a quotation ('," said Mr. Chatterjee')."""
    if not speaker_terms:
        return set()
    head = speaker_terms[-1]
    found = set()
    for i, sentence in enumerate(ix.sentences):
        tokens = [w.lower() for w in words(sentence.text)]
        for k, token in enumerate(tokens):
            if token not in REPORTING_VERBS and token != "according":
                continue
            inverted = k > 0 and tokens[k - 1] in {",", '"'} or token == "according"
            before = tokens[max(0, k - _ATTRIBUTION_WINDOW): k]
            after = tokens[k + 1: k + 1 + _ATTRIBUTION_WINDOW] if inverted else []
            if any(head in terms_of(w) for w in before + after):
                found.add(i)
    return found


# -- the reply -------------------------------------------------------------------------------

def _reply(question: str, q: Question, cands: list[_Candidate], n_stories: int) -> Answer:
    top = cands[0]
    story = top.story
    citations = [_citation(story, c.index) for c in cands[:MAX_CITATIONS]]
    shown = _with_context(story, top.index)
    quote = _quote(story, shown)
    if len(quote) > MAX_REPLY_CHARS:  # the sentence alone, rather than a reply Discord refuses
        shown = [top.index]
        quote = _quote(story, shown)
    if top.answers:
        text = quote
    else:
        text = (f"{_not_said(n_stories)} ({_ask_about(q)}) The closest passage, which does not "
                f"answer it:\n{quote}")
    return Answer(question=question, answered=top.answers, answer=defuse_mentions(text),
                  citations=citations, passage=[_citation(story, i) for i in shown],
                  kind=q.kind, story_id=story.id)


def _with_context(story: Story, index: int) -> list[int]:
    """The sentence, preceded by the one before it when it leans on it: it opens with a
    pronoun ("They also claimed...") or continues a quotation begun earlier."""
    text = story.sentences[index].text
    if index > 0 and (opens_with_reference(text) or _continues_quote(story, index)):
        return [index - 1, index]
    return [index]


def _continues_quote(story: Story, index: int) -> bool:
    """A quotation with no speaker of its own whose paragraph opens with it."""
    sentence = story.sentences[index]
    opens_paragraph = sentence.start == 0 and sentence.text[:1] in "\"“"
    attributed = any(sentence.id in st.sentence_ids for st in story.statements) or any(
        w in REPORTING_VERBS for w in sentence.text.lower().replace(",", " ").split())
    return opens_paragraph and not attributed


def _quote(story: Story, positions: list[int]) -> str:
    sentences = [story.sentences[i] for i in positions]
    lines = [f"> {s.text}" for s in sentences]
    main = sentences[-1]
    statement = _statement_of(story, main)
    if statement and statement.speaker:
        lines.append(f"— {describe(statement.speaker, statement.role, statement.setting)}")
    paragraphs = sorted({s.paragraph for s in sentences})
    where = ", ".join(f"¶{n}" for n in paragraphs)
    lines.append(f"({story.title}, {where})")
    return "\n".join(lines)


def _statement_of(story: Story, sentence: Sentence) -> Statement | None:
    for statement in story.statements:
        if sentence.id in statement.sentence_ids:
            return statement
    return None


def _citation(story: Story, index: int) -> Citation:
    sentence = story.sentences[index]
    statement = _statement_of(story, sentence)
    return Citation(
        story=story.title, story_id=story.id, paragraph=sentence.paragraph, sentence=sentence.text,
        sentence_id=sentence.id, speaker=statement.speaker if statement else None,
        role=statement.role if statement else None,
    )


def _not_said(n_stories: int) -> str:
    return "The story doesn't say." if n_stories == 1 else "None of the stories says."


def _ask_about(q: Question) -> str:
    asked = {
        "how_many": "It gives no number for this.", "how_much": "It gives no amount for this.",
        "when": "It gives no date for this.", "where": "It names no place for this.",
        "who": "It names no one for this.", "said": "It reports nothing said on this.",
    }
    return asked.get(q.kind, "Nothing in it answers this question.")
