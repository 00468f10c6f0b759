"""Question analysis: what kind of answer a question wants, its focus words, its speaker.

Everything is read from the question's own words (wh-word, auxiliaries, "according to"),
never from any one story, so it carries over to questions and articles not seen before.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from pydantic import BaseModel, Field

from index.features import REPORTING_VERBS, opening_phrase, words
from index.normalize import normalize
from index.tokens import STOP_WORDS, tokenize

Kind = Literal[
    "who", "when", "where", "how_many", "how_much", "which", "said", "yes_no", "why", "how",
    "what",
]
# Kinds whose answer must hold a fact of a given type; others are judged on topic alone.
TYPED_KINDS: frozenset[str] = frozenset({"who", "when", "where", "how_many", "how_much", "which"})

MAX_QUESTION_CHARS = 1000

_AUX = ("is are was were do does did has have had can could will would should shall may might "
        "must").split()
# Verbs that ask for what someone said, thinks or wants: "What did X say / suggest?"; the
# reporting verbs include speech acts that judge ("accuse", "blame"): what X accuses Y of
# is what X says about Y.
_OPINION_VERBS = sorted(REPORTING_VERBS | {
    "think", "thinks", "thought", "want", "wants", "wanted", "believe", "believes", "believed",
    "mean", "means", "meant", "comment", "commented", "react", "reacted", "feel", "feels",
})
_BE = ("is", "are", "was", "were")
# After "is/are/was/were" the verb is a participle: "what is X saying", never "what is
# the governor accusing the state..." read as "X ... state(s)".
_OPINION_PARTICIPLES = sorted({(v.removesuffix("e")) + "ing"
                               for v in _OPINION_VERBS if not v.endswith(("s", "ed"))})
_SPEAKER_PATTERNS = (
    re.compile(rf"^(?:what|how)\s+(?:{'|'.join(a for a in _AUX if a not in _BE)})\s+"
               rf"(?P<who>.+?)\s+(?:{'|'.join(_OPINION_VERBS)})\b(?P<rest>.*)$"),
    re.compile(rf"^(?:what|how)\s+(?:{'|'.join(_BE)})\s+(?P<who>.+?)\s+"
               rf"(?:{'|'.join(_OPINION_PARTICIPLES)})\b(?P<rest>.*)$"),
    re.compile(r"^what\s+(?:is|was|are|were)\s+(?P<who>.+?)'s?\s+(?:response|reaction|view|"
               r"position|stand|statement|comment|argument|claim|opinion)\b(?P<rest>.*)$"),
    # Yes-no questions about a claim: "Does Banerjee say she has proof?"
    re.compile(rf"^(?:does|did|do|has|have|is|was)\s+(?P<who>.+?)\s+(?:{'|'.join(_OPINION_VERBS)})"
               rf"\b(?P<rest>.*)$"),
)
_ACCORDING_TO = re.compile(
    r"\baccording\s+to\s+(?P<who>[^,?]+?)(?=\s*(?:,|\?|$)|\s+(?:who|what|when|where|why|how|"
    rf"which|{'|'.join(_AUX)})\b)"
)
# "What is X doing about Y?", "What are the parents asking the court for?", "What will
# the council do?": what X is doing or will do, told by X or with X as the subject.
_ACTOR_PATTERNS = (
    re.compile(r"^what\s+(?:is|are)\s+(?P<who>.+?)\s+(?P<verb>[a-z]+ing)\b(?P<rest>.*)$"),
    re.compile(r"^what\s+(?:will|would)\s+(?P<who>.+?)\s+(?P<verb>do)\b(?P<rest>.*)$"),
)
# Nouns that stand for whatever the story is about ("the problem", "this issue"): the
# asker's word for the topic, not one the story need use.
SHELL_NOUNS = frozenset(tokenize("problem problems issue issues matter situation thing things"))
# Words after "how" that frame the question rather than name its topic.
_WHO_IS = re.compile(r"\bwho\s+(?:is|was|are|were)\s+(?:the|a|an)\b")
_HOW_FRAMES = {"many": "how_many", "long": "how_many", "old": "how_many", "far": "how_many",
               "often": "how_many", "much": "how_much", "big": "how_much", "large": "how_much"}
_HOW_OLD = re.compile(r"\bhow old\b")
_WHEN_NOUNS = {"date", "day", "year", "month", "time"}
_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|@(?:everyone|here)\b")
_MARKDOWN = re.compile(r"(\*\*|__|~~|\|\||\*|_|`+)")


class Question(BaseModel):
    """A question as the answer engine sees it."""

    text: str = Field(description="The question with mentions and markdown removed")
    kind: Kind = "what"
    terms: list[str] = Field(default_factory=list, description="Stemmed focus terms")
    entities: list[str] = Field(default_factory=list, description="Capitalised names as written")
    speaker: str | None = Field(default=None, description="X in 'what did X say', 'according to X'")
    head: str | None = Field(default=None, description="Stemmed noun of 'which X'")
    wants_name: bool = Field(default=False, description="'Who is the X?': a proper name, not "
                             "'officials'")
    wants_age: bool = Field(default=False, description="'How old is X?': an age, not any number")
    counted: list[str] = Field(default_factory=list, description="Stems of N in 'how many N'")
    passive: tuple[str, str] | None = Field(
        default=None, description="Stemmed (noun, verb) of 'how many N were V-ed'")
    participants: tuple[str, str] | None = Field(
        default=None, description="(A, B) of 'when did A V B' / 'when was B V-ed by A', both names")
    actor: str | None = Field(default=None, description="X in 'what is X doing / asking for'")
    subject: str | None = Field(default=None, description="X in 'when did X V', 'how many N will "
                                "X V': who or what the question says acted")
    optional: list[str] = Field(default_factory=list, description="Stemmed terms the answer "
                                "need not share: the actor's verb, words like 'problem'")
    problem: str | None = Field(default=None, description="Why the question cannot be answered")


def analyze(raw: str) -> Question:
    """Classify `raw` and pick out its focus terms; `problem` is set for unusable input."""
    if len(raw) > MAX_QUESTION_CHARS:
        return Question(text="", problem=f"That question is {len(raw):,} characters long; please "
                        f"ask in under {MAX_QUESTION_CHARS:,}.")
    text = clean(raw)
    problem = _input_problem(text)
    if problem:
        return Question(text=text, problem=problem)
    low = normalize(text).lower().rstrip(" ?.!")
    speaker, rest = _speaker(low)
    kind, frame = _kind(rest, speaker)
    head = _head(rest) if kind == "which" else None
    terms = [t for t in tokenize(rest) if t not in frame]
    actor, action = _actor(rest) if kind == "what" else (None, [])
    entities = _entities(text)
    return Question(text=text, kind=kind, terms=terms, entities=entities, speaker=speaker,
                    participants=_participants(text, entities) if kind == "when" else None,
                    actor=actor, subject=_subject(text),
                    optional=sorted(SHELL_NOUNS.intersection(terms) | set(action)),
                    head=head, counted=_counted(rest) if kind == "how_many" else [],
                    wants_name=kind == "who" and bool(_WHO_IS.search(rest)),
                    wants_age=kind == "how_many" and bool(_HOW_OLD.search(rest)),
                    passive=_passive(rest) if kind == "how_many" else None)


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
    if latin < len(letters) / 2 or _foreign_latin(text):
        return "I can only answer questions asked in English."
    return None


def _foreign_latin(text: str) -> bool:
    """Another language in Latin script: accented letters (or ¿ ¡) and not one English
    function word ("¿Quién dirige el comité?", "Wer ist der Bürgermeister?")."""
    accented = any(c.isalpha() and not c.isascii() for c in text) or text.startswith(("¿", "¡"))
    english = any(w in STOP_WORDS for w in re.findall(r"[a-z']+", text.lower()))
    return accented and not english


def _speaker(low: str) -> tuple[str | None, str]:
    """Who the question asks about as a speaker, and the rest of the question."""
    match = _ACCORDING_TO.search(low)
    if match:
        rest = (low[:match.start()] + " " + low[match.end():]).strip(" ,")
        return _strip_article(match.group("who")), rest
    for pattern in _SPEAKER_PATTERNS:
        match = pattern.match(low)
        if match:
            return _strip_article(match.group("who")), match.group("rest").strip()
    return None, low


def _actor(low: str) -> tuple[str | None, list[str]]:
    """X of "what is X doing", and the stems of its verb ("ask"), which the answer may
    well word otherwise ("seeking")."""
    for pattern in _ACTOR_PATTERNS:
        match = pattern.match(low)
        if match and tokenize(match.group("who")):
            return _strip_article(match.group("who")), tokenize(match.group("verb"))
    return None, []


def _participants(text: str, entities: list[str]) -> tuple[str, str] | None:
    """(A, B) of "When did A V B?" or "When was B V-ed by A?", when both are names: the
    event is then the one that joins them, whatever verb the story uses for it."""
    if len(entities) != 2:
        return None
    first, second = (re.escape(e) for e in entities)
    active = rf"^when\s+(?:did|does|do|has|have|had)\s+{first}\s+[a-z]+\s+(?:the\s+)?{second}\W*$"
    passive = rf"^when\s+(?:was|were|is|are)\s+(?:the\s+)?{first}\s+[a-z]+\s+by\s+{second}\W*$"
    if re.match(active, text, re.IGNORECASE):
        return entities[0], entities[1]
    if re.match(passive, text, re.IGNORECASE):
        return entities[1], entities[0]
    return None


def _subject(text: str) -> str | None:
    """The words after an active question's auxiliary: its subject and perhaps its verb
    ("did the council decide" → "council decide"). Passive questions ("will the school be
    demolished") name what was acted on, not who acted, and get none."""
    tokens = words(text)
    aux = next((k for k, t in enumerate(tokens[:5]) if t.lower() in _AUX), None)
    if aux is None or aux == 0 or tokens[aux].lower() in _BE:
        return None
    rest = tokens[aux + 1:]
    phrase = opening_phrase(rest)
    if any(t.lower() in {"be", "been"} for t in rest[:len(phrase.split()) + 2]):
        return None
    return phrase or None


def _strip_article(phrase: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", phrase.strip())


def _kind(low: str, speaker: str | None) -> tuple[Kind, set[str]]:
    """The question's kind and the stemmed words that only frame it ("many", "time")."""
    tokens = low.split()
    for i, token in enumerate(tokens[:-1]):
        if token == "how" and tokens[i + 1] in _HOW_FRAMES:
            return _HOW_FRAMES[tokens[i + 1]], set(tokenize(tokens[i + 1])) | {tokens[i + 1]}  # type: ignore[return-value]
        if token == "how" and _measures(tokens[i + 1:]):
            return "how_many", set()  # "how cold did it get": a measurement, a number
    first = tokens[0] if tokens else ""
    if "when" in tokens[:3] or (first in {"what", "which"} and len(tokens) > 1
                                and tokens[1] in _WHEN_NOUNS):
        return "when", set(tokenize(" ".join(_WHEN_NOUNS)))
    for word, kind in (("where", "where"), ("who", "who"), ("whom", "who"), ("whose", "who"),
                       ("why", "why")):
        if word in tokens[:3]:
            return kind, set()  # type: ignore[return-value]
    if speaker is not None and not tokens:
        return "said", set()
    if first == "which" or (first == "what" and len(tokens) > 1 and tokens[1] not in _AUX):
        return ("which" if first == "which" else "what"), set()
    if first in _AUX:
        return "yes_no", set()
    if first == "how":
        return "how", set()
    return ("said" if speaker else "what"), set()


def _measures(after_how: list[str]) -> bool:
    """"How cold did it get", "how tall is the tower": an adjective then an auxiliary."""
    return len(after_how) > 1 and after_how[1] in _AUX and bool(tokenize(after_how[0])) \
        and after_how[0] not in _AUX


def _head(low: str) -> str | None:
    """The noun a "which" question asks about: "which court" → "court"."""
    match = re.match(r"^which\s+(?:of\s+the\s+)?(.*)$", low)
    for word in (match.group(1).split() if match else []):
        terms = tokenize(word)
        if word in _AUX:
            return None
        if terms:
            return terms[0]
    return None


def _counted(low: str) -> list[str]:
    """What "how many" counts: the words after it up to the verb ("how many Indian
    journalists were..." → indian, journalist)."""
    match = re.search(r"\bhow many\s+(.*)$", low)
    found: list[str] = []
    for word in (match.group(1).split() if match else []):
        if word in _AUX:
            break
        found.extend(tokenize(word))
    return found


_PASSIVE = re.compile(r"\bhow many\s+(?:\w+\s+)*?(?P<noun>\w+)\s+(?:were|was|are|is|have been|"
                      r"has been|had been)\s+(?P<verb>\w+)")


def _passive(low: str) -> tuple[str, str] | None:
    """"How many people were arrested" → ("peopl", "arrest"): the count asked is of that
    noun under that verb, so "five people were lynched" does not answer it."""
    match = _PASSIVE.search(low)
    if not match:
        return None
    noun, verb = tokenize(match.group("noun")), tokenize(match.group("verb"))
    return (noun[0], verb[0]) if noun and verb else None


def _entities(text: str) -> list[str]:
    """Names as the asker wrote them: capitalised words after the first ("Did Ravi say")."""
    tokens = words(text)
    names, run = [], []
    for i, token in enumerate(tokens):
        if i > 0 and token[:1].isupper() and token.lower() not in _AUX:
            run.append(token)
        elif run:
            names.append(" ".join(run))
            run = []
    return names + ([" ".join(run)] if run else [])
