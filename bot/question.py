"""Question analysis: the answer type a question asks for, its terms, and its speaker.

Read from the question's own words only (the wh-word and the phrase after it, "according
to X", "what did X say"), never from a story, so it carries over to any article. The
ranker (`bot.ranker`) weighs what this finds; nothing here decides an answer.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, Field

from index.normalize import normalize
from index.tokens import STOP_WORDS, tokenize

Kind = Literal["who", "when", "where", "how_many", "how_much", "which", "said", "why", "how",
               "yes_no", "what"]
MAX_QUESTION_CHARS = 1000

# The named-entity labels (spaCy's OntoNotes set) that answer each kind of question.
ANSWER_LABELS: dict[str, frozenset[str]] = {
    "who": frozenset({"PERSON", "ORG", "NORP"}),
    "when": frozenset({"DATE", "TIME"}),
    "where": frozenset({"GPE", "LOC", "FAC"}),
    "how_many": frozenset({"CARDINAL", "QUANTITY", "PERCENT", "MONEY", "DATE", "TIME"}),
    "how_much": frozenset({"MONEY", "PERCENT", "QUANTITY", "CARDINAL"}),
    # "Which judge ...", "which court ...": a name the question does not give.
    "which": frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "EVENT", "WORK_OF_ART",
                        "LAW", "PRODUCT"}),
}
_AUX = frozenset("is are was were do does did has have had can could will would should shall "
                 "may might must".split())
_HOW = {"many": "how_many", "long": "how_many", "old": "how_many", "far": "how_many",
        "often": "how_many", "much": "how_much", "big": "how_much", "large": "how_much"}
_WH = {"who": "who", "whom": "who", "whose": "who", "when": "when", "where": "where",
       "why": "why"}
_WHEN_NOUNS = frozenset({"date", "day", "year", "month", "time"})
# Kinds whose frame words ("how many", "what year") say what is asked, not about what.
_FRAMED = frozenset({"how_many", "how_much", "when"})
# The verbs with which a question asks what someone said, thought or wanted (the question
# has no parse to find them by).
_SPEECH = ("say|says|said|saying|tell|tells|told|telling|claim|claims|claiming|argue|argues|"
           "arguing|deny|denies|denying|admit|admits|suggest|suggests|suggesting|recommend|"
           "recommends|predict|predicts|warn|warns|warning|insist|insists|blame|blames|blaming|"
           "accuse|accuses|accusing|respond|responds|react|reacts|feel|feels|think|thinks|"
           "believe|believes|want|wants|wanting|ask|asks|asking|describe|describes|promise|"
           "promises|promising|propose|proposes|demand|demands|demanding|allege|alleges|"
           "alleging|reply|replies|expect|expects|mean|means|urge|urges|urging")
_WHO = r"(?P<who>(?:the\s+)?[\w.'-]+(?:\s+[\w.'-]+){0,4}?)"
_AUX_WORDS = "did|does|do|has|have|had|is|was|are|were|will|would"
# "What did X say (about Y)?", "How many jobs did X say ...", "according to X": X is the
# asked speaker; the rest of the question is what it is about.
_SPEAKER = (
    re.compile(rf"^(?P<before>.*?)\b(?:{_AUX_WORDS})\s+{_WHO}\s+(?:{_SPEECH})\b(?P<rest>.*)$"),
    re.compile(rf"^(?P<before>.*?)\baccording\s+to\s+{_WHO}(?=\s*(?:,|$)|\s+(?:who|what|when|"
               rf"where|why|how|which|{_AUX_WORDS})\b)(?P<rest>.*)$"),
    re.compile(rf"^(?P<before>what\s+(?:is|was))\s+{_WHO}'s?\s+(?:response|reaction|view|position|"
               rf"statement|comment)\b(?P<rest>.*)$"),
)
# Words that cannot stand in a speaker's name: a wh-word or auxiliary means the match ran
# over the question's own frame ("how many users does X say").
_NOT_SPEAKERS = frozenset({"who", "what", "when", "where", "why", "how", "which", "many", "much",
                           *_AUX})
_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|@(?:everyone|here)\b")
_MARKDOWN = re.compile(r"(\*\*|__|~~|\|\||\*|_|`+)")
_WORD = re.compile(r"[A-Za-z][\w'&.-]*")


class Question(BaseModel):
    """A question as the answer engine sees it."""

    text: str = Field(description="The question with mentions and markdown removed")
    kind: Kind = "what"
    terms: list[str] = Field(default_factory=list, description="BM25 terms (stemmed)")
    names: list[str] = Field(default_factory=list, description="Capitalised names as written")
    speaker: str | None = Field(default=None, description="X in 'what did X say', 'according to X'")
    problem: str | None = Field(default=None, description="Why the question cannot be answered")

    @property
    def labels(self) -> frozenset[str]:
        """Entity labels that would answer it (empty for kinds no label answers)."""
        return ANSWER_LABELS.get(self.kind, frozenset())


def analyze(raw: str) -> Question:
    """Classify `raw` and pick out its terms; `problem` is set for unusable input."""
    if len(raw) > MAX_QUESTION_CHARS:
        return Question(text="", problem=f"That question is {len(raw):,} characters long; please "
                        f"ask in under {MAX_QUESTION_CHARS:,}.")
    text = clean(raw)
    problem = _input_problem(text)
    if problem:
        return Question(text=text, problem=problem)
    low = normalize(text).lower().rstrip(" ?.!")
    speaker, rest = _speaker(low)
    kind = _kind(rest, speaker)
    frame = set(tokenize(" ".join(_HOW) + " " + " ".join(_WHEN_NOUNS))) if kind in _FRAMED else set()
    terms = [t for t in tokenize(rest) if t not in frame]
    # The speaker's name stays a term: sentences naming them are near their statements
    # (LOSO shared/train rank@1 0.712 -> 0.742 with it).
    terms += [t for t in tokenize(speaker or "") if t not in terms]
    return Question(text=text, kind=kind, terms=terms, names=_names(text), speaker=speaker)


def clean(raw: str) -> str:
    """The question without Discord mentions, custom emoji and markdown marks."""
    text = _MENTION.sub(" ", raw)
    text = _MARKDOWN.sub("", text)
    text = re.sub(r"^\s*>+\s?", "", text, flags=re.MULTILINE)
    return " ".join(text.split())


def _input_problem(text: str) -> str | None:
    letters = [c for c in text if c.isalpha()]
    if not text:
        return "Please ask a question about the story."
    if not letters and not any(c.isdigit() for c in text):
        return "I couldn't find any words in that question; please ask it in words."
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    english = any(w in STOP_WORDS for w in re.findall(r"[a-z']+", text.lower()))
    accented = any(c.isalpha() and not c.isascii() for c in text) or text.startswith(("¿", "¡"))
    if latin < len(letters) / 2 or (accented and not english):
        return "I can only answer questions asked in English."
    return None


def _speaker(low: str) -> tuple[str | None, str]:
    """Who the question asks about as a speaker, and the rest of the question."""
    for pattern in _SPEAKER:
        match = pattern.match(low)
        who = match.group("who") if match else ""
        if match and tokenize(who) and not set(who.split()) & _NOT_SPEAKERS:
            who = re.sub(r"^(?:the|a|an)\s+", "", who.strip())
            return who, f"{match.group('before')} {match.group('rest')}".strip(" ,")
    return None, low


def _kind(low: str, speaker: str | None) -> Kind:
    tokens = low.split()
    if speaker is not None and (not tokens or tokens[0] in {"what", "how"} and tokens[1:2] != ["many"]
                                and tokens[1:2] != ["much"]):
        return "said"
    for k, (this, after) in enumerate(pairwise(tokens)):
        if this == "how" and after in _HOW:
            return _HOW[after]  # type: ignore[return-value]
        if this == "how" and tokens[k + 2: k + 3] and tokens[k + 2] in _AUX and after not in _AUX:
            return "how_many"  # "how cold did it get", "how tall is it": a measurement
    first = tokens[0] if tokens else ""
    if first in {"what", "which"} and len(tokens) > 1 and tokens[1] in _WHEN_NOUNS:
        return "when"
    for token in tokens[:3]:
        if token in _WH:
            return _WH[token]  # type: ignore[return-value]
    if speaker is not None:
        return "said"
    if first == "which":
        return "which"
    if first in _AUX:
        return "yes_no"
    return "how" if first == "how" else "what"


def _names(text: str) -> list[str]:
    """Names as the asker wrote them: runs of capitalised words after the first word."""
    names, run = [], []
    for i, match in enumerate(_WORD.finditer(text)):
        word = re.sub(r"['’]s?$", "", match.group())
        if i > 0 and word[:1].isupper() and word.lower() not in _AUX:
            run.append(word)
        elif run:
            names.append(" ".join(run))
            run = []
    return names + ([" ".join(run)] if run else [])
