"""Reporting clauses in one paragraph: who is said to say what, before speakers are resolved.

A paragraph is tokenised with each quotation as a single token, split into sentences, and
every reporting verb (`index.reporting`) is read in its clause:

- subject first: ``X (has) said (in a statement) (that) …`` — content after the verb;
- trailing: ``…, X said on Friday.`` / ``"…," X said.`` — content before the subject;
- inverted: ``"…," said X.`` / ``…, said X, founder of Y.``;
- participles and shared subjects: ``…, calling them "misleading"`` / ``… and assured …``;
- ``according to X, …`` / ``…, according to X.``

Then clauses inside another clause's content are dropped (the outer speaker is the one
quoted), except that an evidential frame ("according to sources", "reports the BBC")
yields to the statement it frames and becomes its setting.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from index.quote_spans import QuoteSpan
from index.reporting import (
    ADVERBS,
    AUXILIARIES,
    CORE_SPEECH,
    CUE_RE,
    NEGATIONS,
    PASSIVE_BE,
    REPORTING_VERBS,
    SETTING_RE,
    TIME_RE,
    VERB_PARTICLES,
    WH_WORDS,
    Complement,
    VerbForm,
)
from index.speakers import (
    CALENDAR_WORDS,
    Mention,
    MentionKind,
    PeopleIndex,
    names_people,
    parse_mention,
)

MAX_SUBJECT = 14  # tokens; subjects are noun phrases, not clauses
MAX_INVERTED_SUBJECT = 8
WINDOW_CHARS = 240  # tokens read past the last reporting word of a sentence
MAX_ASIDE = 24  # tokens between a subject and its verb ("NSO Group, which …, said")
MAX_FRONTED_CHARS = 160  # "In a statement to the BBC, X said": where settings are sought
MAX_CUES = 40  # reporting words read in one sentence: more is a list, not prose
DIRECT_SHARE = 0.6  # content mostly inside quotation marks counts as direct speech

_ABBREVIATIONS = frozenset({
    "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "St", "Jr", "Sr", "Gen", "Gov", "Sen", "Rep", "Lt",
    "Col", "Capt", "Sgt", "Rev", "Hon", "No", "Inc", "Ltd", "Co", "Corp", "Mt", "Smt", "Shri",
    "Messrs", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
    "Dec", "vs", "etc",
})
# Abbreviations and initials keep their period ("Mr.", "U.S.", "J. K."); the lookahead
# lets ordinary words skip those branches, which halves tokenising time.
_WORD_RE = re.compile(
    rf"""(?=[A-Z])(?:(?:[A-Z]\.){{2,}}
       |(?:{"|".join(sorted(_ABBREVIATIONS - {"vs", "etc"}, key=len, reverse=True))})\.(?!\w)
       |[A-Z]\.(?=\s+[A-Z]))
    |[\[(][A-Z][\w.&-]*[\])]
    |\d+(?:[.,:]\d+)+
    |\w+(?:[-'&]\w+)*(?:(?<=s)['\u2019](?!\w))?  # with a plural possessive: "Supporters' Trust"
    |\S""",
    re.VERBOSE,
)
_BOUNDARY_RE = re.compile(
    r"[.!?]+(?=[\"')\]\u201d\u2019]*(?:\s+[\"'(\[\u201c\u2018A-Z0-9]|\s*$))")
_WORD_BEFORE_RE = re.compile(r"[A-Za-z.]+$")
_SENTENCE_END = frozenset(".!?")
_ADJUNCT_ENDS = _SENTENCE_END | {";"}  # a setting after a comma may close the clause
_CLAUSE_PUNCT = frozenset(",;:.!?()\"'-")
_LEFT_STOPS = frozenset({
    "that", "but", "or", "when", "while", "because", "as", "if", "where", "since", "although",
    "though", "whereas", "so", "than", "after", "before", "until", "unless", "whether", "who",
    "which", "whom", "whose", "what", "how", "why", "to", "nor", "and",
})
_DATE_PREPOSITIONS = frozenset({"on", "last", "this", "next", "late", "early", "in"})
_POST_PREPOSITIONS = frozenset({"by", "in", "on", "at", "from", "with", "for"})
_NEAR = frozenset({"close", "closer", "near", "next"})
_COORDINATORS = frozenset({"but", "while", "whereas", "and", "however"})
_FRONT_WORDS = frozenset({"in", "on", "at", "during", "after", "before", "earlier", "later",
                          "last", "this", "meanwhile", "however", "soon", "since", "amid"})
_ARTICLES = frozenset({"a", "an", "the"})
_ASIDE_OPENER = {",": ",", "-": "-", ")": "("}
_ROLE_KINDS = (MentionKind.GROUP, MentionKind.ANAPHOR)
_NAME_KINDS = (MentionKind.NAME, MentionKind.BARE)
_DETERMINERS = frozenset({"the", "a", "an", "this", "these", "its", "his", "her", "their",
                          "our", "my", "your", "whose"})
_HEARERS = frozenset({"him", "her", "them", "us", "me", "reporters", "journalists", "lawmakers",
                      "parliament", "parliamentarians", "mps", "legislators", "investors",
                      "analysts", "staff", "employees", "supporters", "viewers", "listeners"})
_COMMON_VERBS = frozenset({
    "is", "are", "was", "were", "took", "made", "found", "gave", "came", "went", "became", "left",
    "kept", "met", "won", "lost", "sent", "put", "got", "saw", "began", "ran", "led", "paid",
    "sought", "brought", "thought", "knew", "felt", "heard", "stood", "spoke", "seemed", "remains",
    "means", "include", "includes", "included",
})


class _Subject(NamedTuple):
    mention: Mention
    text: str  # as written, aside included: "Her lawyer, John Smith"
    first: int  # token index where it starts
    context: str  # the aside: "which makes software for surveillance"


class Token(NamedTuple):
    text: str
    low: str
    start: int
    end: int
    quote: QuoteSpan | None


@dataclass
class Candidate:
    """A reporting clause with its content; the speaker is still a phrase (`mention`)."""

    mention: Mention
    mention_text: str
    verb: str
    content: tuple[int, int]  # offsets in the paragraph
    anchor: int  # offset of the verb: what "inside another statement's content" tests
    region: tuple[int, int]  # subject to adjuncts: cut out of any statement it trails
    trailing: bool = False  # the content comes before the attribution
    evidential: bool = False
    settings: list[str] = field(default_factory=list)
    quote: QuoteSpan | None = None  # content is exactly this quotation
    context: str = ""  # words about the subject (relative clauses) for coreference
    cuts_before: bool = False  # trailing or coordinated: ends any content that runs into it


@dataclass
class ParagraphReading:
    candidates: list[Candidate]
    orphans: list[tuple[QuoteSpan, bool]]  # quotations no clause claims; True if sentence-initial
    quotes: list[QuoteSpan]


def tokenize(text: str, quotes: list[QuoteSpan], start: int = 0,
             end: int | None = None) -> list[Token]:
    """Words and punctuation of `text[start:end]`, each quotation one token."""
    end = len(text) if end is None else end
    tokens: list[Token] = []
    pos = start
    for quote in quotes:
        if start <= quote.start < end:
            tokens.extend(_words(text, pos, quote.start))
            tokens.append(Token(text[quote.start:quote.end], "", quote.start, quote.end, quote))
            pos = quote.end
    tokens.extend(_words(text, pos, end))
    return tokens


def _words(text: str, start: int, end: int) -> list[Token]:
    tokens = []
    for match in _WORD_RE.finditer(text, start, end):
        word = match.group()
        begin, stop = match.span()
        tokens.append(Token(word, word.lower(), begin, stop, None))
    return tokens


def sentence_spans(text: str, quotes: list[QuoteSpan]) -> list[tuple[int, int]]:
    """(start, end) of each sentence: split after . ! ? before a capital, digit, bracket or
    quotation mark, never inside a quotation or after an abbreviation ("Mr.", "U.S.")."""
    spans: list[tuple[int, int]] = []
    start = _skip_space(text, 0)
    index = _QuoteIndex(quotes)
    for match in _BOUNDARY_RE.finditer(text):
        end = match.end()
        stop = match.start()
        if end <= start or index.covering(stop) or _abbreviation_before(text, stop):
            continue
        spans.append((start, end))
        start = _skip_space(text, end)
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def _abbreviation_before(text: str, pos: int) -> bool:
    if text[pos] != ".":
        return False
    match = _WORD_BEFORE_RE.search(text, max(0, pos - 12), pos)
    if match is None:
        return False
    word = match.group()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isupper()) or "." in word


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def read_paragraph(text: str, quotes: list[QuoteSpan], people: PeopleIndex) -> ParagraphReading:
    """Candidates and unclaimed quotations of one paragraph (`text` with unified marks).

    A quotation mark left open by mistake swallows the rest of the paragraph, attribution
    included ("“We will fight, he said."); when reading the mark as absent finds a clause
    the first reading missed, that reading wins."""
    reading = _read(text, quotes, people)
    balanced = [q for q in quotes if not q.unbalanced]
    if len(balanced) < len(quotes) and any(q.unbalanced for q, _ in reading.orphans):
        repaired = _read(text, balanced, people)
        if len(repaired.candidates) > len(reading.candidates):
            strays = {q.start: q.content_start for q in quotes if q.unbalanced}
            for cand in repaired.candidates:  # the stray mark is not part of what was said
                start, end = cand.content
                cand.content = (strays.get(start, start), end)
            repaired.candidates[:] = [c for c in repaired.candidates
                                      if text[c.content[0]:c.content[1]].strip()]
            return repaired
    return reading


def _read(text: str, quotes: list[QuoteSpan], people: PeopleIndex) -> ParagraphReading:
    """Only sentences with a reporting cue are tokenised and read; the others can hold
    nothing but a bare quotation, which needs only its position."""
    candidates: list[Candidate] = []
    initial_quotes: set[int] = set()
    index = _QuoteIndex(quotes)
    for start, end in sentence_spans(text, quotes):
        initial_quotes.add(start)
        cues = [m.start() for m in CUE_RE.finditer(text, start, end)][:MAX_CUES]
        if not cues:
            continue
        window = _window_end(text, index, cues[-1], end)
        tokens = tokenize(text, index.within(start, window), start, window)
        reader = _Sentence(text, tokens, people, end, complete=window >= end)
        candidates.extend(_settle(text, reader.candidates(cues)))
    claimed = _claimed_quotes(candidates, index)
    orphans = [(q, q.start in initial_quotes) for q in quotes if q.start not in claimed]
    return ParagraphReading(candidates, orphans, quotes)


class _QuoteIndex:
    """A paragraph's quotations (in order, not overlapping) looked up by offset."""

    def __init__(self, quotes: list[QuoteSpan]) -> None:
        self.quotes = quotes
        self.starts = [q.start for q in quotes]

    def within(self, start: int, end: int) -> list[QuoteSpan]:
        first = bisect.bisect_left(self.starts, start)
        return self.quotes[first:bisect.bisect_left(self.starts, end)]

    def covering(self, pos: int) -> QuoteSpan | None:
        """The quotation with `pos` strictly inside its marks."""
        k = bisect.bisect_right(self.starts, pos) - 1
        if k >= 0 and self.quotes[k].start < pos < self.quotes[k].end:
            return self.quotes[k]
        return None


def _window_end(text: str, quotes: _QuoteIndex, last_cue: int, end: int) -> int:
    """Where tokens stop: the content runs to the sentence end, but reading the clauses
    needs only a few words past the last reporting word (subject, adjuncts, "that")."""
    cut = last_cue + WINDOW_CHARS
    if cut >= end:
        return end
    covering = quotes.covering(cut)
    cut = covering.end if covering else cut
    space = text.find(" ", cut)
    return end if space < 0 or space >= end else space


def _claimed_quotes(candidates: list[Candidate], quotes: _QuoteIndex) -> set[int]:
    """Quotations that are some statement's content or lie inside one."""
    claimed: set[int] = set()
    for cand in candidates:
        if cand.quote is not None:
            claimed.add(cand.quote.start)
        start, end = cand.content
        claimed.update(q.start for q in quotes.within(start - 1, end + 1)
                       if start <= q.content_start and q.content_end <= end + 1)
    return claimed


class _Sentence:
    """One sentence's tokens and the clause readings over them."""

    def __init__(self, text: str, tokens: list[Token], people: PeopleIndex, end: int,
                 complete: bool) -> None:
        self.text, self.tokens, self.people = text, tokens, people
        self.starts = [t.start for t in tokens]
        self.lo, self.hi = 0, len(tokens)
        self.end = end  # the sentence's end; tokens may stop before it (`_window_end`)
        self.complete = complete
        self.found: list[Candidate] = []

    def candidates(self, cues: list[int]) -> list[Candidate]:
        """Clauses around the reporting words starting at offsets `cues`."""
        for cue in cues:
            i = bisect.bisect_left(self.starts, cue)
            if i >= self.hi or self.tokens[i].start != cue:
                continue  # inside a quotation or a longer word
            tok = self.tokens[i]
            form = self._verb_at(i)
            if form is not None:
                self.found.extend(self._from_verb(i, form))
            elif tok.low == "according" and i + 1 < self.hi and self.tokens[i + 1].low == "to":
                self.found.extend(self._according_to(i))
        return self.found

    # -- verbs --------------------------------------------------------------------------

    def _verb_at(self, i: int) -> VerbForm | None:
        """The reporting verb at token `i`; not a noun reading ("the report", "his claims")."""
        tok = self.tokens[i]
        form = REPORTING_VERBS.get(tok.low)
        if form is None or not tok.text.islower():
            return None
        if i > self.lo:
            prev = self.tokens[i - 1].low
            if prev in _DETERMINERS or prev.endswith("'s"):
                return None
        return form

    def _from_verb(self, i: int, form: VerbForm) -> list[Candidate]:
        if form.participle:
            return self._participle(i, form)
        j = self._skip_auxiliaries(i - 1)
        if j is None:
            return []
        prev = self.tokens[j] if j >= self.lo else None
        if prev is not None and j == i - 1 and (prev.text == "," or prev.quote is not None):
            inverted = self._inverted(i, form)
            if inverted is not None:
                return inverted
        if prev is not None and prev.low == "and":
            return self._shared_subject(i, form)
        subject = self._subject(j, form) if prev is not None else None
        return self._with_subject(i, form, subject) if subject else []

    def _skip_auxiliaries(self, j: int) -> int | None:
        """Index of the subject's last token, past "has", "also", "had earlier"; None for a
        passive, negated or infinitive verb ("was accused", "did not say", "to confirm")."""
        while j >= self.lo and self.tokens[j].quote is None:
            low = self.tokens[j].low
            if low in NEGATIONS or low.endswith("n't") or low in PASSIVE_BE or low == "to":
                return None
            if self.tokens[j].text in CALENDAR_WORDS:  # "Biden on Tuesday vowed"
                j -= 2 if j > self.lo and self.tokens[j - 1].low in _DATE_PREPOSITIONS else 1
                continue
            if low not in AUXILIARIES and low not in ADVERBS and not TIME_RE.fullmatch(low):
                break
            j -= 1
        return j

    def _subject(self, j: int, form: VerbForm) -> _Subject | None:
        """The speaker phrase ending at token `j`, with an aside between it and the verb:
        "NSO Group, which makes software, disputed", "Her lawyer, John Smith, denied"."""
        aside: tuple[int, int] | None = None
        if self.tokens[j].text in _ASIDE_OPENER:
            opening = self._aside_start(j)
            if opening is None:
                return None
            aside, j = (opening + 1, j), opening - 1
        elif self.tokens[j].low == "who":
            if j - 1 < self.lo or self.tokens[j - 1].text != ",":
                return None
            j -= 2
        lenient = form.lemma in CORE_SPEECH
        span, mention = self._subject_mention(j, lenient)
        if mention is None and aside is not None and self.tokens[j + 1].text == ",":
            earlier = self._aside_start(j + 1)  # two asides: "Dana Whitfield, 54, who …, said"
            if earlier is not None:
                span, mention = self._subject_mention(earlier - 1, lenient)
        if span is None:
            return None
        if mention is not None and aside is not None:
            mention = self._with_aside(mention, aside, lenient)
        if mention is None:
            return None
        end = aside[1] if aside else span[1]
        context = self._span_text(*aside) if aside else ""
        return _Subject(mention, self._span_text(span[0], end), span[0], context)

    def _subject_mention(self, j: int, lenient: bool) -> tuple[tuple[int, int] | None, Mention | None]:
        span = self._subject_before(j) if j >= self.lo else None
        return span, parse_mention(self._texts(*span), self.people, lenient) if span else None

    def _aside_start(self, j: int) -> int | None:
        """Index of the mark opening the aside that ends at `j`: commas, spaced dashes
        ("The minister - who resigned - said") or brackets."""
        opener = _ASIDE_OPENER[self.tokens[j].text]
        k = j - 1
        limit = max(self.lo, j - MAX_ASIDE)
        while k > limit and self.tokens[k].text != opener and self.tokens[k].quote is None:
            k -= 1
        if k <= self.lo or self.tokens[k].text != opener or k == j - 1:
            return None
        return k

    def _with_aside(self, mention: Mention, aside: tuple[int, int],
                    lenient: bool) -> Mention | None:
        """Apply an aside to the subject: a name after a role ("Her lawyer, John Smith,") is
        the speaker; a role after a name ("Sunil Abraham, a lawyer,") is their role; a
        relative clause or other aside changes nothing. A capitalised aside after anything
        else is the next item of a list ("Karnataka, Assam, …"), so no subject."""
        words = self._texts(*aside)
        if not words:  # nothing between the comma and a quotation: '"A," said Mr. Reyes, "B."'
            return None
        aside_mention = parse_mention(words, self.people, lenient)
        if mention.kind is MentionKind.NAME:
            described = aside_mention is not None and aside_mention.kind in _ROLE_KINDS
            if not mention.role and (described or words[0].lower() in _ARTICLES):
                return replace(mention, role=_role_text(words))  # "a virologist at Harvard"
            return mention  # "D-N.Y.", "45", "however"
        if words[0][:1].isupper() and words[0].lower() not in _ARTICLES:
            # "Her lawyer, John Smith," names the role; anything else capitalised is the next
            # item of a list ("Karnataka, Assam, …"): no subject here
            is_role = mention.kind in _ROLE_KINDS and mention.role
            is_name = aside_mention is not None and aside_mention.kind in _NAME_KINDS
            if aside_mention is None or not is_name or not is_role:
                return None
            return replace(aside_mention, kind=MentionKind.NAME,
                           role=aside_mention.role or mention.role)
        return mention

    def _with_subject(self, i: int, form: VerbForm, subject: _Subject) -> list[Candidate]:
        k, settings = self._after_verb(i, form)
        settings = self._fronted_settings(subject.first) + settings + _settings_in(subject.context)
        settings = _with_via(subject.mention, settings)
        coordinated = self._coordinated(subject.first)
        first = subject.first - 1 if coordinated else subject.first  # cut before "but"
        region = (self.tokens[first].start, self.tokens[k - 1].end if k > i else self.tokens[i].end)
        base = Candidate(subject.mention, subject.text, self.tokens[i].text, (0, 0),
                         self.tokens[i].start, region, evidential=form.evidential,
                         settings=settings, context=subject.context, cuts_before=coordinated)
        if self._interjected(subject.first, k):
            return self._whole_sentence(base)
        if self._clause_ends(k) or (self._after_quote(subject.first) and not self._new_sentence(subject.first, k)):
            return self._trailing(base, subject.first, k)
        content = self._content(i, k, form)
        return [replace(base, content=content[0], quote=content[1])] if content else []

    def _interjected(self, first: int, k: int) -> bool:
        """"The plan, he added, was dead": an attribution set inside the sentence between
        commas, with words on both sides (not a quotation, which `_trailing` reads)."""
        if first - 2 < self.lo or self.tokens[first - 1].text != ",":
            return False
        if self.tokens[first - 2].quote is not None or k + 1 >= self.hi:
            return False
        nxt = self.tokens[k + 1]
        return self.tokens[k].text == "," and nxt.quote is None and not self._clause_ends(k)

    def _whole_sentence(self, base: Candidate) -> list[Candidate]:
        content = self._trim(self.tokens[self.lo].start, self.end)
        return [replace(base, content=content)] if content else []

    def _fronted_settings(self, first: int) -> list[str]:
        """"In a court filing, X said" / "Speaking at a rally in Delhi, X said"."""
        if first - 1 <= self.lo or self.tokens[first - 1].text != ",":
            return []
        end = self.tokens[first - 1].start
        fronted = self.text[max(self.tokens[self.lo].start, end - MAX_FRONTED_CHARS):end]
        return _settings_in(fronted[:1].lower() + fronted[1:])

    def _coordinated(self, first: int) -> bool:
        """"X said A, but Y said B": Y's clause ends X's content."""
        before = first - 1
        if before < self.lo:
            return False
        tok = self.tokens[before]
        return tok.text == ";" or (tok.low in _COORDINATORS and before - 1 >= self.lo
                                   and self.tokens[before - 1].text in ",;")

    def _after_quote(self, first: int) -> bool:
        """"…," she said: the subject right after a quotation (and its comma)."""
        before = first - 1
        if before >= self.lo and self.tokens[before].text == ",":
            before -= 1
        return before >= self.lo and self.tokens[before].quote is not None

    def _new_sentence(self, first: int, k: int) -> bool:
        """'"We are fine." The spokeswoman said the company …': a quotation closed by a full
        stop, then a sentence with its own content, not the quotation's attribution."""
        quote = self.tokens[first - 1].quote
        if quote is None or not self.tokens[first].text[:1].isupper():
            return False
        closing = self.text[quote.content_start:quote.content_end].rstrip()
        return closing.endswith((".", "!", "?")) and k < self.hi and self.tokens[k].quote is None

    def _participle(self, i: int, form: VerbForm) -> list[Candidate]:
        """"…, warning it to …": the speaker is the clause's subject; "X was quoted as
        saying …": the speaker is X."""
        if i - 1 < self.lo:
            return []
        if self.tokens[i - 1].text == ",":
            return self._shared_subject(i, form)
        quoted_as = [t.low for t in self.tokens[max(self.lo, i - 2):i]] == ["quoted", "as"]
        if quoted_as and i - 3 >= self.lo:
            j = i - 3
            while j >= self.lo and self.tokens[j].low in PASSIVE_BE | AUXILIARIES:
                j -= 1
            subject = self._subject(j, form) if j >= self.lo else None
            return self._with_subject(i, form, subject) if subject else []
        return []

    def _shared_subject(self, i: int, form: VerbForm) -> list[Candidate]:
        earlier = self.found[-1] if self.found else None
        if earlier is not None:
            mention, mention_text = earlier.mention, earlier.mention_text
        else:
            parsed = self._main_subject()
            if parsed is None:
                return []
            mention, mention_text = parsed
        k, settings = self._after_verb(i, form)
        content = self._content(i, k, form)
        if not content:
            return []
        tok = self.tokens[i]
        return [Candidate(mention, mention_text, tok.text, content[0], tok.start,
                          (tok.start, tok.end), evidential=form.evidential, settings=settings,
                          quote=content[1])]

    def _inverted(self, i: int, form: VerbForm) -> list[Candidate] | None:
        """"…," said Mr. Chatterjee. / …, said Sunil Abraham, founder of …"""
        if form.complement not in (Complement.SPEECH, Complement.ASK) and not form.evidential:
            return None
        end = i + 1
        while end < self.hi and end - i <= MAX_INVERTED_SUBJECT and not self._ends_phrase(end):
            if self._verbish(end):
                return None
            end += 1
        if end == i + 1 or end - i > MAX_INVERTED_SUBJECT:
            return None
        lenient = form.lemma in CORE_SPEECH
        mention = parse_mention(self._texts(i + 1, end), self.people, lenient)
        if mention is None:
            return None
        for whole in (False, True):  # the role may hold a place: ", a neurologist in Toronto and …"
            stop, described = self._appositive(end, mention, lenient, whole)
            k, settings = self._adjuncts(self._second_appositive(stop))
            interjected = self._interjected(i, k)
            if self._clause_ends(k) or interjected:
                break
        else:
            return None
        end, mention = stop, described
        region = (self.tokens[i].start, self.tokens[k - 1].end)
        base = Candidate(mention, self._span_text(i + 1, end), self.tokens[i].text, (0, 0),
                         self.tokens[i].start, region, evidential=form.evidential,
                         settings=_with_via(mention, settings))
        return self._whole_sentence(base) if interjected else self._trailing(base, i, k)

    def _appositive(self, end: int, mention: Mention, lenient: bool,
                    whole: bool = False) -> tuple[int, Mention]:
        """", founder of the think tank …" after a name is the speaker's role: up to a setting
        or time ("in Parliament", "on Friday"), or with `whole` up to the next punctuation."""
        if end + 1 >= self.hi or self.tokens[end].text != "," \
                or mention.kind is not MentionKind.NAME:
            return end, mention
        stop = self._phrase_end(end + 1, at_punctuation=whole)
        described = self._with_aside(mention, (end + 1, stop), lenient)
        return (end, mention) if described is None else (stop, described)

    def _trailing(self, base: Candidate, first: int, k: int) -> list[Candidate]:
        """Content before the attribution at token `first`, and a quotation resuming after
        it ("A," she said, "B.")."""
        found: list[Candidate] = []
        before = first - 1
        if before >= self.lo and self.tokens[before].text == "," and before - 1 >= self.lo:
            before -= 1
        if before >= self.lo:
            tok = self.tokens[before]
            if tok.quote is not None:
                found.append(replace(base, content=(tok.quote.content_start, tok.quote.content_end),
                                     trailing=True, cuts_before=True, quote=tok.quote))
            elif before < first - 1:  # a clause, then a comma
                content = self._trim(self.tokens[self.lo].start, tok.end)
                if content:
                    found.append(replace(base, content=content, trailing=True, cuts_before=True))
        resumed = k
        if resumed < self.hi and self.tokens[resumed].text in ",:":
            resumed += 1
        if resumed < self.hi and self.tokens[resumed].quote is not None and found:
            quote = self.tokens[resumed].quote
            assert quote is not None
            found.append(replace(base, content=(quote.content_start, quote.content_end),
                                 quote=quote))
        return found

    def _according_to(self, i: int) -> list[Candidate]:
        end = self._phrase_end(i + 2)
        mention = parse_mention([t.text for t in self.tokens[i + 2:end]], self.people)
        if mention is None or end == i + 2:
            return []
        region = (self.tokens[i].start, self.tokens[end - 1].end)
        base = Candidate(mention, self._span_text(i + 2, end), "according to", (0, 0),
                         self.tokens[i].start, region, evidential=True)
        if i == self.lo and end < self.hi and self.tokens[end].text == ",":
            content = None
            if end + 1 < self.hi:
                content = self._trim(self.tokens[end + 1].start, self.end)
            return [replace(base, content=content)] if content else []
        if i > self.lo and self.tokens[i - 1].text == ",":
            return self._trailing(replace(base, trailing=True), i, end)
        return []

    # -- after the verb -------------------------------------------------------------------

    def _after_verb(self, i: int, form: VerbForm) -> tuple[int, list[str]]:
        """Index where the content starts (past particles, hearer, adjuncts, "that")."""
        k = i + 1
        settings: list[str] = []
        if k < self.hi and self.tokens[k].low in VERB_PARTICLES:
            k += 1
        if form.complement is Complement.TELL:
            k, hearer = self._hearer(k)
            if hearer:
                settings.append(f"to {hearer}")
        elif form.complement is Complement.ACT:  # "warned investors that …"
            that = self._that_after_hearer(k)
            if that is not None and self._names_hearer(that - 1):
                k = that
        k, more = self._adjuncts(k)
        settings.extend(more)
        said_that = k < self.hi and self.tokens[k].low == "that"
        if said_that or self._colon_before_quote(k):
            k += 1
        return k, settings

    def _colon_before_quote(self, k: int) -> bool:
        if k + 1 >= self.hi:
            return False
        return self.tokens[k].text in ":," and self.tokens[k + 1].quote is not None

    def _adjuncts(self, k: int) -> tuple[int, list[str]]:
        """Skip "on Sunday", "in an emailed statement", "earlier today"; keep the settings."""
        settings: list[str] = []
        while k < self.hi and self.tokens[k].quote is None:
            if self.tokens[k].text == ",":  # "said, however, that" / "said, in a letter, that"
                inner = self._adjunct_at(k + 1, settings)  # / "said Ann Lee, a lawyer, on Friday."
                if inner is not None and inner < self.hi and self.tokens[inner].text in _ADJUNCT_ENDS:
                    return inner, settings
                if inner is None or inner >= self.hi or self.tokens[inner].text != ",":
                    break
                k = inner + 1
                continue
            nxt = self._adjunct_at(k, settings)
            if nxt is None:
                break
            k = nxt
        return k, settings

    def _adjunct_at(self, k: int, settings: list[str]) -> int | None:
        """Index after the setting, time phrase or adverb at `k` (a setting is kept)."""
        if k >= self.hi or self.tokens[k].quote is not None:
            return None
        at = self.tokens[k].start
        setting = SETTING_RE.match(self.text, at)
        match = setting or TIME_RE.match(self.text, at)
        if match is None:
            return k + 1 if self.tokens[k].low in ADVERBS - {"in"} else None
        nxt = self._token_at(match.end())
        if nxt is None or nxt <= k:
            return None
        if setting:
            settings.append(setting.group())
        return nxt

    def _hearer(self, k: int) -> tuple[int, str | None]:
        """"told reporters", "told the BBC", "told PTI": the person or outlet told."""
        if k >= self.hi or self.tokens[k].quote is not None:
            return k, None
        start = k
        if self.tokens[k].low in _HEARERS:
            return k + 1, self.tokens[k].text
        that = self._that_after_hearer(k)
        if that is not None:  # "told the court that …"
            return that, self._span_text(start, that)
        if self.tokens[k].low in {"the", "a", "an"}:
            k += 1
        limit = min(self.hi, k + MAX_SUBJECT)
        while k < limit and self.tokens[k].text[:1].isupper() and self.tokens[k].quote is None:
            k += 1
        if k == start or (k == start + 1 and self.tokens[start].low in {"the", "a", "an"}):
            return start, None
        return k, self._span_text(start, k)

    def _that_after_hearer(self, k: int) -> int | None:
        """Index of "that" after a short hearer phrase with no verb in it."""
        for m in range(k + 1, min(self.hi, k + 6)):
            tok = self.tokens[m]
            if tok.low == "that":
                return m
            if tok.quote is not None or tok.text in _CLAUSE_PUNCT or self._verbish(m):
                return None
        return None

    def _names_hearer(self, k: int) -> bool:
        """"warned investors that …", not "denied the allegation that …"."""
        tok = self.tokens[k]
        return tok.low in _HEARERS or tok.text[:1].isupper() or names_people(tok.low)

    def _content(self, i: int, k: int,
                 form: VerbForm) -> tuple[tuple[int, int], QuoteSpan | None] | None:
        """The content's offsets from token `k` to the sentence end, and the quotation when
        the content is exactly one; None when this verb is not reporting speech here."""
        if k >= self.hi:
            return None
        first = self.tokens[k]
        comp = form.complement
        said_that = self.tokens[k - 1].low == "that"
        if comp in (Complement.ASK, Complement.CLAUSE) and first.low not in WH_WORDS \
                and first.quote is None and not said_that:
            return None
        if comp is Complement.NAME and not self._quote_or_as(k):
            return None
        last = k + 1 == self.hi and self.complete
        if first.quote is not None and (last or self.tokens[k + 1].text in _SENTENCE_END):
            return (first.quote.content_start, first.quote.content_end), first.quote
        with_verb = comp in (Complement.ACT, Complement.NAME) and not said_that
        start = self.tokens[i].start if with_verb else first.start
        content = self._trim(start, self.end)
        return (content, None) if content else None

    def _quote_or_as(self, k: int) -> bool:
        window = self.tokens[k:min(self.hi, k + 8)]
        return any(t.quote is not None or t.low == "as" for t in window)

    def _clause_ends(self, k: int) -> bool:
        """Nothing said after the verb: the content must come before it."""
        if k >= self.hi:
            return self.complete
        tok = self.tokens[k]
        if tok.text in _SENTENCE_END or tok.text == ";":
            return True
        if tok.text == ",":
            if k + 1 >= self.hi:
                return self.complete
            nxt = self.tokens[k + 1]
            if nxt.quote is not None or nxt.low in _COORDINATORS | {"who", "which"}:
                return True
            form = REPORTING_VERBS.get(nxt.low)
            return form is not None and form.participle
        return False

    # -- subjects -------------------------------------------------------------------------

    def _subject_before(self, j: int) -> tuple[int, int] | None:
        """Token range of the noun phrase ending at `j`, scanning left to a clause boundary."""
        k = j
        while k >= self.lo and j - k < MAX_SUBJECT:
            tok = self.tokens[k]
            if tok.quote is not None or tok.text in _CLAUSE_PUNCT:
                break
            if tok.low == "and" and self._and_inside_name(k):
                k -= 1
                continue
            if tok.low in _LEFT_STOPS and not self._close_to(k):
                break
            if self._verbish(k):
                if k + 1 <= j and self.tokens[k + 1].low in _POST_PREPOSITIONS:
                    k -= 1  # "headed by …", "published in …": a modifier inside the subject
                    continue
                if k + 1 <= j and tok.text.islower() and names_people(self.tokens[k + 1].low):
                    k -= 1  # "state officials", "report authors": a noun before the speaker noun
                    continue
                break
            k -= 1
        if k == j or j - k >= MAX_SUBJECT:
            return None
        return self._without_front(k + 1, j + 1)

    def _close_to(self, k: int) -> bool:
        """"to" inside a source's description: "a source close to the talks"."""
        return self.tokens[k].low == "to" and k > self.lo and self.tokens[k - 1].low in _NEAR

    def _without_front(self, start: int, end: int) -> tuple[int, int] | None:
        """Drop a fronted time phrase with no comma: "In December a top executive"."""
        if self.tokens[start].low not in _FRONT_WORDS:
            return start, end
        for k in range(start + 1, end):
            if self.tokens[k].low in _DETERMINERS:
                return k, end
        return None

    def _main_subject(self) -> tuple[Mention, str] | None:
        """The sentence's leading noun phrase, after a fronted phrase and its comma."""
        start = self.lo
        if self.tokens[start].low in _FRONT_WORDS or self.tokens[start].low.endswith("ing"):
            comma = next((k for k in range(start, self.hi) if self.tokens[k].text == ","), None)
            if comma is None:
                return None
            start = comma + 1
        end = start
        while end < self.hi and end - start < MAX_SUBJECT and not self._verbish(end) \
                and not self._ends_phrase(end):
            end += 1
        if end == start:
            return None
        mention = parse_mention([t.text for t in self.tokens[start:end]], self.people)
        return (mention, self._span_text(start, end)) if mention else None

    def _and_inside_name(self, k: int) -> bool:
        """"Centre for Internet and Society", "ministry of electronics and information …"."""
        if k - 1 < self.lo or k + 1 >= self.hi:
            return False
        left, right = self.tokens[k - 1], self.tokens[k + 1]
        if left.text[:1].isupper() and right.text[:1].isupper():
            return True
        return any(t.low in {"of", "for"} for t in self.tokens[max(self.lo, k - 3):k])

    def _verbish(self, k: int) -> bool:
        """Ends a noun phrase: an auxiliary or verb form. Capitalised words are names
        ("Will Cathcart"), except an auxiliary opening the sentence."""
        tok = self.tokens[k]
        low = tok.low
        if not tok.text.islower():
            return k == self.lo and low in AUXILIARIES | PASSIVE_BE
        if low in AUXILIARIES or low in PASSIVE_BE or low in _COMMON_VERBS:
            return True
        form = self._verb_at(k)
        if form is not None and not form.participle:
            return True
        return "-" not in low and len(low) > 4 and low.endswith("ed")

    def _phrase_end(self, k: int, at_punctuation: bool = False) -> int:
        """Index where the noun phrase starting at `k` ends (a bounded scan): at punctuation
        or a quotation, and unless `at_punctuation`, at a setting or time phrase too."""
        limit = min(self.hi, k + MAX_SUBJECT)
        while k < limit and not self._ends_phrase(k, at_punctuation):
            k += 1
        return k

    def _second_appositive(self, k: int) -> int:
        """Past a description of the role's organisation that ends the clause: "said Ann Lee,
        director of Safe Kids, a Brussels-based campaign group." (else `k` unchanged)."""
        if k + 1 >= self.hi or self.tokens[k].text != "," or self.tokens[k + 1].low not in _ARTICLES:
            return k
        end = self._phrase_end(k + 1, at_punctuation=True)
        return end if end < self.hi and self.tokens[end].text in _ADJUNCT_ENDS else k

    def _ends_phrase(self, k: int, at_punctuation: bool = False) -> bool:
        tok = self.tokens[k]
        if tok.quote is not None or tok.text in ",;:.!?":
            return True
        return not at_punctuation and tok.text.islower() and bool(SETTING_RE.match(self.text, tok.start)
                                           or TIME_RE.match(self.text, tok.start))

    # -- offsets ----------------------------------------------------------------------------

    def _token_at(self, offset: int) -> int | None:
        """Index of the first token starting at or after `offset`, if it starts there or
        after only spaces; None if `offset` falls inside a token."""
        k = bisect.bisect_left(self.starts, offset)
        if k < len(self.tokens) and self.text[offset:self.tokens[k].start].strip():
            return None
        if k > 0 and self.tokens[k - 1].end > offset:
            return None
        return min(k, self.hi)

    def _texts(self, start: int, end: int) -> list[str]:
        return [t.text for t in self.tokens[start:end]]

    def _span_text(self, start: int, end: int) -> str:
        return self.text[self.tokens[start].start:self.tokens[end - 1].end]

    def _trim(self, start: int, end: int) -> tuple[int, int] | None:
        """Offsets without surrounding spaces and clause punctuation."""
        while start < end and self.text[start] in " \t,;:":
            start += 1
        while end > start and self.text[end - 1] in " \t,;:.":
            end -= 1
        return (start, end) if end > start else None


def _settings_in(aside: str) -> list[str]:
    """"Officials, speaking on condition of anonymity, said": the aside holds the setting."""
    return [m.group() for m in SETTING_RE.finditer(aside)]


def _with_via(mention: Mention, settings: list[str]) -> list[str]:
    """"a statement from the family said": the statement is the setting."""
    if not mention.via:
        return settings
    first, _, rest = mention.via.partition(" ")
    if first.lower() in _ARTICLES:  # "A statement from …" opened its sentence
        first = first.lower()
    return [f"in {first} {rest}".rstrip(), *settings]


def _role_text(words: list[str]) -> str:
    """"a marine biologist who was not involved" → "marine biologist"."""
    relative = (i for i, w in enumerate(words) if w.lower() in {"who", "which", "whose"})
    cut = next(relative, len(words))
    return _without_article(" ".join(words[:cut]))


def _without_article(text: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE)


def _settle(text: str, cands: list[Candidate]) -> list[Candidate]:
    """Cut each content short of the attributions and coordinated clauses inside it, then
    drop clauses inside another clause's content (an evidential frame yields instead).
    A verb inside another clause's attribution ("Shah, replying to a debate, said") is
    part of that subject, not a statement."""
    cands = [c for c in cands if not any(_in_attribution(c, o) for o in cands)]
    for cand in cands:
        for other in cands:
            start, end = cand.content
            if other is not cand and other.cuts_before and start < other.region[0] < end:
                cand.content = (start, _back_over_commas(text, start, other.region[0]))
    kept: list[Candidate] = []
    for cand in sorted(cands, key=lambda c: c.content[0] - c.content[1]):
        outer = next((k for k in kept if k.content[0] <= cand.anchor < k.content[1]
                      and k.region != cand.region), None)
        if outer is None:
            kept.append(cand)
        elif outer.evidential and not cand.evidential:
            kept.remove(outer)
            cand.settings.append(f"according to {outer.mention_text}")
            kept.append(cand)
    return sorted((c for c in kept if c.content[1] > c.content[0]), key=lambda c: c.content[0])


def _in_attribution(cand: Candidate, other: Candidate) -> bool:
    return other.anchor != cand.anchor and other.region[0] < cand.anchor < other.region[1]


def _back_over_commas(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " ,;":
        end -= 1
    return end
