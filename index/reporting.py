"""The reporting lexicon: verbs and nouns that introduce speech, and the phrases around them.

Verbs are listed by lemma with the shape of what follows them (their complement), and
every inflection is generated, so "alleges", "alleged" and "alleging" all count.
Complements:
- SPEECH: the content follows the verb ("said (that) …", "added …").
- ACT: a speech act whose object is the content together with the verb
  ("denied the allegation", "confirmed plans to …"); a that-clause still wins.
- TELL: a hearer comes first ("told reporters (that) …").
- ASK: only a wh-clause or a quotation makes it speech ("questioned whether …",
  not "questioned officials").
- NAME: only with a quotation or "as" ("calling them "misleading"", "described it as …").
- CLAUSE: only with "that", a wh-clause or a quotation ("the court ruled that …", "the
  study found that …"; not "police found a body", "states reported incidents").
"""

from __future__ import annotations

import re
from enum import Enum
from typing import NamedTuple


class Complement(Enum):
    SPEECH = "speech"
    ACT = "act"
    TELL = "tell"
    ASK = "ask"
    NAME = "name"
    CLAUSE = "clause"


class VerbForm(NamedTuple):
    lemma: str
    complement: Complement
    participle: bool  # the -ing form: "…, adding that …"
    evidential: bool  # cites a source rather than quoting one ("reports the BBC")


_SPEECH = """
say add state claim allege argue contend assert insist maintain note remark explain
announce declare reveal disclose suggest write tweet post reply respond answer retort
counter complain lament stress emphasise emphasize underline underscore reiterate repeat recall
testify affirm concede conclude mention hint signal imply speculate reason plead boast quip
joke clarify recount predict estimate caution
"""
_ACT = """
deny dispute reject confirm acknowledge admit accuse blame criticise criticize condemn slam
welcome praise hail express voice warn urge assure promise pledge vow threaten demand propose
recommend apologise apologize regret defend refute rebut dismiss
"""
_TELL = "tell inform brief remind notify"
_ASK = "ask question wonder query"
_NAME = "call describe term dub label brand read"
_CLAUSE = "report rule observe find decide conclude indicate imply hint signal learn"

# Forms read as nouns, never as speech verbs: "the states", "his notes", "a post". Other
# noun readings ("the claims", "false claim") fail the subject check in `index.attribution`.
_NOUN_LIKE = frozenset({
    "states", "notes", "posts", "post", "signal", "signals", "reason", "counter", "counters",
    "estimate", "estimates", "question", "questions", "answer", "answers", "reply", "demand",
    "demands", "promise", "promises", "call", "calls", "term", "terms",
    "label", "labels", "brand", "brands", "voice", "voices", "regret", "regrets", "plea",
})
# Lemmas that cite a source ("…, reports the BBC"): the frame yields to a statement inside it.
_EVIDENTIAL = frozenset({"report"})

_IRREGULAR: dict[str, tuple[str, ...]] = {
    "say": ("says", "said", "saying"),
    "tell": ("tells", "told", "telling"),
    "write": ("writes", "wrote", "written", "writing"),
    "swear": ("swears", "swore", "sworn", "swearing"),
    "find": ("finds", "found", "finding"),
    "read": ("reads", "read", "reading"),
}
_DOUBLES_FINAL = frozenset({"admit", "regret", "rebut", "quip", "refer", "omit", "submit"})


def _inflections(lemma: str) -> tuple[list[str], list[str]]:
    """(finite forms, -ing forms) of a regular or listed irregular verb."""
    if lemma in _IRREGULAR:
        forms = _IRREGULAR[lemma]
        finite = [f for f in forms if not f.endswith("ing")]
        return [lemma, *finite], [f for f in forms if f.endswith("ing")]
    if lemma in _DOUBLES_FINAL:
        stem = lemma + lemma[-1]
        return [lemma, lemma + "s", stem + "ed"], [stem + "ing"]
    if lemma.endswith("e"):
        return [lemma, lemma + "s", lemma + "d"], [lemma[:-1] + "ing"]
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return [lemma, lemma[:-1] + "ies", lemma[:-1] + "ied"], [lemma + "ing"]
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return [lemma, lemma + "es", lemma + "ed"], [lemma + "ing"]
    return [lemma, lemma + "s", lemma + "ed"], [lemma + "ing"]


def _build() -> dict[str, VerbForm]:
    table: dict[str, VerbForm] = {}
    groups = ((_SPEECH, Complement.SPEECH), (_ACT, Complement.ACT), (_TELL, Complement.TELL),
              (_ASK, Complement.ASK), (_NAME, Complement.NAME), (_CLAUSE, Complement.CLAUSE))
    for words, complement in groups:
        for lemma in words.split():
            finite, participles = _inflections(lemma)
            evidential = lemma in _EVIDENTIAL
            for form in finite:
                table.setdefault(form, VerbForm(lemma, complement, False, evidential))
            for form in participles:
                table.setdefault(form, VerbForm(lemma, complement, True, evidential))
    for form in _NOUN_LIKE:
        table.pop(form, None)
    return table


REPORTING_VERBS: dict[str, VerbForm] = _build()


_Trie = dict[str, "_Trie"]


def _trie_pattern(words: list[str]) -> str:
    """One regex for many words, factored by common prefixes: the regex engine tries a flat
    alternation branch by branch at every word, which is ten times slower."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branch(trie)


def _branch(node: _Trie) -> str:
    alternatives = [re.escape(char) + _branch(child)
                    for char, child in sorted(node.items()) if char]
    if not alternatives:
        return ""
    body = alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"
    return f"(?:{body})?" if "" in node else body


# A sentence without one of these words holds no reporting clause.
CUE_RE = re.compile(rf"\b{_trie_pattern([*REPORTING_VERBS, 'according', 'According'])}\b")
# "point out that", "hit out at": particles that belong to the verb, skipped before the content.
VERB_PARTICLES = frozenset({"out", "back", "up"})

# Verbs so plainly about speaking that an unlisted noun before them is a speaker:
# "the actor said", "villagers told".
CORE_SPEECH = frozenset({
    "say", "tell", "add", "state", "claim", "allege", "argue", "insist", "explain", "write",
    "warn", "admit", "deny", "confirm", "complain", "recall", "reply", "respond", "stress",
    "note", "ask", "urge", "caution", "concede", "acknowledge", "reiterate", "emphasise",
    "emphasize", "predict", "announce", "declare", "assert", "contend", "maintain", "remark",
    "tweet", "boast", "vow", "pledge", "promise", "apologise", "apologize", "testify", "retort",
    "quip", "joke", "plead", "lament",
})

# Words between a subject and its verb that do not end the subject: "had earlier alleged".
AUXILIARIES = frozenset({
    "has", "have", "had", "will", "would", "shall", "should", "can", "could", "may", "might",
    "must", "does", "do", "did", "'s", "'d",
})
PASSIVE_BE = frozenset({"is", "are", "was", "were", "be", "been", "being", "get", "got", "gets"})
NEGATIONS = frozenset({"not", "never", "n't", "no", "neither", "nor"})
ADVERBS = frozenset({
    "also", "earlier", "later", "further", "previously", "again", "then", "now", "once", "too",
    "separately", "today", "yesterday", "tonight", "recently", "already", "meanwhile", "however",
    "subsequently", "reportedly", "allegedly", "first", "last", "still", "even", "just", "only",
    "in", "turn", "though",
})
# Wh-words that make "asked"/"questioned" speech.
WH_WORDS = frozenset({"whether", "why", "how", "what", "when", "where", "who", "if", "which"})

# Nouns for written or recorded statements. As a subject they speak ("the lawsuit says");
# after "in" they are the setting ("in an emailed statement").
DOCUMENT_NOUNS = frozenset({
    "statement", "statements", "affidavit", "filing", "filings", "email", "e-mail", "emails",
    "letter", "memo", "notice", "lawsuit", "suit", "complaint", "petition", "plea", "report",
    "release", "post", "tweet", "blog", "submission", "document", "documents", "order", "ruling",
    "judgment", "judgement", "verdict", "indictment", "chargesheet", "study", "survey", "reply",
    "response", "communique", "communiqué", "note", "message", "interview", "speech", "testimony",
    "transcript", "application", "motion", "brief",
})

_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?")
_DOC = "|".join(sorted((re.escape(n) for n in DOCUMENT_NOUNS), key=len, reverse=True))
_EVENT = (r"(?:press conference|news conference|press briefing|briefing|rally|meeting|event|"
          r"hearing|summit|conference|session|forum|launch|ceremony|debate|visit|discussion|"
          r"address|call|interview|programme|program|show|podcast|webinar)")
_CAPWORD = r"[A-Z](?:[\w&'-]|\.(?=\w))*"
_NAME_RUN = rf"{_CAPWORD}(?:\s+(?:of\s+|and\s+|the\s+)?{_CAPWORD})*"
# A recipient or venue after a document or event: "to the BBC", "with Reuters", "on Twitter";
# not a date ("on Tuesday").
_TO_WHOM = (rf"(?:\s+(?:to|with|on|for|at|posted\s+on|published\s+on|before|in)\s+"
            rf"(?:the\s+|a\s+|an\s+)?(?:(?!{_WEEKDAY}|{_MONTH}\b){_NAME_RUN}|reporters|"
            rf"journalists|the\s+media|social\s+media|court))?")

_DET = r"(?:a|an|the|his|her|its|their|our|one)"
# Adjuncts that may sit between a reporting verb and its content. Settings are kept;
# times are skipped ("on Sunday", "earlier today").
SETTING_RE = re.compile(
    rf"""(?:in|through|via)\s+{_DET}\s+(?:[\w-]+\s+){{0,3}}?(?:{_DOC})\b{_TO_WHOM}
    |(?:at|during|after|before|on)\s+{_DET}\s+(?:[\w-]+\s+){{0,3}}?{_EVENT}\b{_TO_WHOM}
    |on\s+condition\s+of\s+anonymity
    |on\s+(?:Twitter|X|Facebook|Instagram|LinkedIn|Threads|YouTube|social\s+media|television
           |TV|radio)
    |in\s+(?:court|parliament|(?:the\s+)?(?!{_MONTH}\b|\d)[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)
    |before\s+(?:the|a)\s+(?:[\w-]+\s+){{0,2}}?(?:court|committee|panel|bench|tribunal|House
                                            |commission)
    """,
    re.VERBOSE,
)
TIME_RE = re.compile(
    rf"""(?:(?:on|last|this|next|late|early)\s+(?:{_WEEKDAY}|week|month|year|night|morning|
    afternoon|evening|weekend)(?:\s+(?:morning|afternoon|evening|night))?
    |on\s+{_MONTH}\s+\d{{1,2}}(?:,\s+\d{{4}})?
    |in\s+{_MONTH}(?:\s+\d{{4}})?
    |(?:earlier|later)\s+(?:today|this\s+\w+|on\s+{_WEEKDAY}|in\s+the\s+day)
    |(?:today|yesterday|tonight|recently|earlier|later|again|also|previously|
    (?!(?:family|ally|rally|supply|reply|apply|assembly|italy|july)\b)[a-z]+ly)(?![\w-])
    |{_WEEKDAY}
    )""",
    re.VERBOSE,
)
