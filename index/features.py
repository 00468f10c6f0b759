"""What kind of facts a sentence holds: quantities, amounts, dates, names, places.

These are the answer types of questions ("how many" wants a quantity, "when" a date,
"who" a person or organisation, "where" a place). Detection is by shape (digits,
capitals, month and weekday names, currency marks, a locative preposition before a name)
so it works on any English news text without a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from index.normalize import normalize
from index.reporting import REPORTING_VERBS as LEXICON
from index.reporting import Complement
from index.tokens import STOP_WORDS, tokenize

_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_MONTHS = ("january february march april may june july august september october november "
           "december jan feb mar apr jun jul aug sep sept oct nov dec").split()
_CALENDAR = set(_WEEKDAYS) | set(_MONTHS)
# "one" is left out: far more often a pronoun ("one of them") than a count.
NUMBER_WORDS = frozenset(
    """two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred hundreds thousand thousands million millions billion billions trillion dozen dozens
    half quarter""".split()
)
# Verbs that report what was said, every inflection, from the attribution lexicon; a date
# right after one ("said on Sunday") dates the saying, not the event the sentence reports.
# Not "ask" or "call": "what is X asking for" asks what X wants, not what X said; nor
# "find" or "decide" (CLAUSE), whose dates are events ("the council decided on Monday").
_SPEECH_COMPLEMENTS = frozenset({Complement.SPEECH, Complement.TELL, Complement.ACT})
REPORTING_VERBS = frozenset(form for form, verb in LEXICON.items()
                            if verb.complement in _SPEECH_COMPLEMENTS)

# Words (keeping "1,400", "Act-2000", "Mr.") and punctuation marks, which end name runs.
# Openings that point back to an earlier sentence ("They also claimed...").
_REFERENCE_OPENINGS = ("they ", "it ", "he ", "she ", "this ", "these ", "those ", "that ",
                       "such ", "the move", "the company", "the firm", "his ", "her ", "its ")
# Nouns that name people or organisations without capitals ("five people", "an official",
# "the police"): answers to "who" as much as names are. General news vocabulary, stemmed.
PERSON_NOUNS = frozenset(term for word in """
    people person man men woman women child children boy girl family families resident
    citizen voter worker employee staff student teacher doctor nurse patient farmer official
    officer police soldier troops minister ministry government authority authorities agency
    department company firm group organisation organization union council committee court
    judge party leader president chairman chairwoman chairperson chief director executive
    spokesperson spokesman spokeswoman lawyer activist journalist reporter user member
    politician businessman businessmen victim protester witness expert researcher scientist
    owner founder investor fan player team
    """.split() for term in tokenize(word))
_WORD = re.compile(r"(?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|Gov|Lt|Col|Capt|St)\.|"
                   r"[A-Za-z0-9][\w'&-]*(?:[.,]\d+)*[\w]*|[^\w\s]")
_SENTENCE_OPENERS = frozenset('.!?:;"\'([')
_TITLES = frozenset("Mr Mrs Ms Dr Prof Gen Sen Rep Gov Lt Col Capt St".split())
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_DIGITS = re.compile(r"^\d[\d,.]*$")
_MONEY = re.compile(
    r"[$£€₹¥]\s?\d|\b(?:rs|inr|usd|eur|gbp)\.?\s?\d|"
    r"\b(?:dollars?|rupees?|euros?|pounds?|crores?|lakhs?|yen|yuan)\b|(?<!per )\bcents?\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"\d[\d,.]*\s*(?:%|percent\b|per cent\b)", re.IGNORECASE)
_RELATIVE_DATE = re.compile(
    r"\b(?:today|yesterday|tonight|tomorrow|(?:last|next|this|earlier this|later this)\s+"
    r"(?:week|weekend|month|year|morning|evening)|\d+\s+(?:days?|weeks?|months?|years?)\s+ago)\b",
    re.IGNORECASE,
)
_LOCATIVE = frozenset("in at near from across outside inside within throughout".split())
_NAME_GLUE = frozenset("of for and the de".split())


@dataclass(frozen=True)
class Facts:
    """The answer types found in one sentence, with the words that carry them."""

    numbers: tuple[str, ...] = ()
    counted: tuple[str, ...] = ()  # stems of the words a number counts: "1,400 mobile phones"
    amounts: bool = False  # money or a percentage
    money: bool = False  # a sum of money: "$4 million", "85 million pounds"
    dates: tuple[str, ...] = ()
    speech_dates: tuple[str, ...] = ()  # reporting verbs a date follows: "said on Sunday"
    names: tuple[str, ...] = ()
    people: tuple[str, ...] = ()  # person and organisation nouns: "officials", "police"
    places: tuple[str, ...] = ()


def words(text: str) -> list[str]:
    """Word and punctuation tokens with their case; "1,400" and "Act-2000" stay whole."""
    return _WORD.findall(normalize(text))


def sentence_facts(text: str, proper_words: frozenset[str] = frozenset()) -> Facts:
    """Facts of `text`. `proper_words` are the story's words that it capitalises inside
    sentences (lower-cased): a sentence-initial "Abraham" is a name, "Users" is not."""
    tokens = words(text)
    dates, speech_dates = _dates(tokens, text)
    spans = _name_spans(tokens, proper_words)
    return Facts(
        numbers=tuple(_numbers(tokens)),
        counted=tuple(_counted(tokens)),
        amounts=bool(_MONEY.search(text) or _PERCENT.search(text)),
        money=bool(_MONEY.search(text)),
        dates=tuple(dates),
        speech_dates=tuple(speech_dates),
        names=tuple(" ".join(tokens[a:b]) for a, b in spans),
        people=tuple(t for t in tokens if set(terms_of(t.lower())) & PERSON_NOUNS),
        places=tuple(" ".join(tokens[a:b]) for a, b in spans if _after_locative(tokens, a)),
    )


def proper_words(texts: list[str]) -> frozenset[str]:
    """Words (lower-cased) that `texts` capitalise other than at a sentence start and
    never write in lower case: the vocabulary of names."""
    capitalised: set[str] = set()
    lower: set[str] = set()
    for text in texts:
        tokens = words(text)
        for i, token in enumerate(tokens):
            if token[:1].islower():
                lower.add(token)
            elif token[:1].isupper() and not _starts_sentence(tokens, i):
                capitalised.add(token.lower())
    return frozenset(capitalised - lower)


@lru_cache(maxsize=65536)
def terms_of(phrase: str) -> tuple[str, ...]:
    """`tokenize`, cached: the same words and names are looked at for every question."""
    return tuple(tokenize(phrase))


def opens_with_reference(text: str) -> bool:
    """Whether `text` leans on the sentence before it: it opens with a pronoun or a
    back-reference ("They also claimed...", "The firm said...")."""
    return text.lstrip("\"'“‘ ").lower().startswith(_REFERENCE_OPENINGS)


def is_year(token: str) -> bool:
    return bool(_YEAR.match(token))


def _numbers(tokens: list[str]) -> list[str]:
    """Counts and quantities: digits and number words, also inside "two-three" or
    "31-member". Years are dates, not counts; neither are the digits of "Act-2000"."""
    found = []
    for token in tokens:
        parts = token.lower().split("-")
        if token[:1].isupper() and token.lower() not in NUMBER_WORDS:
            continue
        if any(p in NUMBER_WORDS or (_DIGITS.match(p) and not is_year(p)) for p in parts):
            found.append(token)
    return found


def _counted(tokens: list[str]) -> list[str]:
    """Stems of the (up to three) words after each number: what it counts."""
    found: list[str] = []
    for i, token in enumerate(tokens):
        if _numbers([token]):
            for word in tokens[i + 1: i + 4]:
                found.extend(terms_of(word))
    return found


def _dates(tokens: list[str], text: str) -> tuple[list[str], list[str]]:
    dates: list[str] = []
    speech: list[str] = []
    for i, token in enumerate(tokens):
        low = token.lower()
        is_date = low in _WEEKDAYS or is_year(token) or (
            low in _MONTHS and (token[0].isupper() and (low != "may" or i > 0)))
        if not is_date:
            continue
        dates.append(token)
        verb = _reporting_verb_before(tokens, i)
        if verb:
            speech.append(verb)
    dates.extend(m.group(0) for m in _RELATIVE_DATE.finditer(text))
    return dates, speech


def _reporting_verb_before(tokens: list[str], i: int) -> str | None:
    """The reporting verb a date is attached to: "said on Sunday", "alleged on Saturday"."""
    for back in (1, 2):
        j = i - back
        if j < 0:
            return None
        low = tokens[j].lower()
        if low in REPORTING_VERBS:
            return low
        if low not in {"on", "last", "this", "earlier", "late"}:
            return None
    return None


def _name_spans(tokens: list[str], proper: frozenset[str]) -> list[tuple[int, int]]:
    """Token spans of names: runs of capitalised words ("Ravi Shankar Prasad"), joined by
    "of", "for", "and" when a capitalised word follows ("Centre for Internet and Society")."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for i, token in enumerate(tokens):
        glue = start is not None and token.lower() in _NAME_GLUE and i + 1 < len(tokens) \
            and _is_name_word(tokens, i + 1, proper)
        if glue or _is_name_word(tokens, i, proper):
            start = i if start is None else start
            continue
        if start is not None:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(tokens)))
    return spans


def subject_name(tokens: list[str], proper: frozenset[str]) -> str | None:
    """The name a sentence opens with, its likely subject ("WhatsApp said...",
    "Facebook-owned WhatsApp has..."): the first name within its first three words."""
    for start, end in _name_spans(tokens, proper):
        return " ".join(tokens[start:end]) if start < 3 else None
    return None


DETERMINERS = frozenset("the a an this that these those its their his her our".split())
_MAX_OPENING_WORDS = 4


def opening_phrase(tokens: list[str]) -> str:
    """The words `tokens` open with, up to the first function word or mark, without a
    determiner: the subject, and perhaps its verb ("council voted" in "The council voted
    in June", "Riverton city council voted", "Lumen Foods said")."""
    start = 1 if tokens and tokens[0].lower() in DETERMINERS else 0
    phrase: list[str] = []
    for token in tokens[start:start + _MAX_OPENING_WORDS]:
        if token.lower() in STOP_WORDS or not token[:1].isalnum():
            break
        phrase.append(token)
    return " ".join(phrase)


def _is_name_word(tokens: list[str], i: int, proper: frozenset[str]) -> bool:
    token = tokens[i]
    bare = token.lower().rstrip(".").split("'")[0]
    if not token[:1].isupper() or bare in _CALENDAR or bare in STOP_WORDS:
        return False
    if any(c.isupper() for c in token[1:]):
        return True  # "WhatsApp", "NSO", "BJP": never an ordinary word
    return not _starts_sentence(tokens, i) or bare in proper


def _starts_sentence(tokens: list[str], i: int) -> bool:
    if i == 0:
        return True
    if tokens[i - 1] != '"':
        return tokens[i - 1] in _SENTENCE_OPENERS
    # A quotation mark after a comma closes a quote mid-sentence: ',"  Mr. Dhankar said'.
    return i < 2 or tokens[i - 2] != ","


def _after_locative(tokens: list[str], start: int) -> bool:
    """A name right after "in", "at", "from"... (or "in the"): "in Maharashtra"."""
    j = start - 1
    if j >= 0 and tokens[j].lower() == "the":
        j -= 1
    return j >= 0 and tokens[j].lower() in _LOCATIVE and tokens[start].rstrip(".") not in _TITLES


_APPOSITION_GLUE = frozenset(", including such as like of in at called named the a an".split())


def names_instance_of(text: str, head: str, exclude: set[str], proper: frozenset[str]) -> bool:
    """Whether `text` names an instance of the noun `head` (a stemmed term): a name right
    before it ("Pegasus spyware"), or after it through "including", "such as", "called", a
    comma... ("countries, including Bahrain"), or in apposition before it ("Northgate
    Engineering, a firm"), other than the names in `exclude` (terms)."""
    tokens = words(text)

    def named(i: int) -> bool:
        if not 0 <= i < len(tokens):
            return False
        token = tokens[i]
        is_number = any(ch.isdigit() for ch in token)
        if not (is_number or _is_name_word(tokens, i, proper)):
            return False
        return not set(terms_of(token)) <= exclude

    for k, token in enumerate(tokens):
        if head not in terms_of(token):
            continue
        j = k + 1
        while j < len(tokens) and tokens[j].lower() in _APPOSITION_GLUE:
            j += 1
        if named(k - 1) or (j > k + 1 and named(j)) or named(_apposed_to(tokens, k)):
            return True
    return False


def _apposed_to(tokens: list[str], k: int) -> int:
    """The position of the name that the noun at `k` stands in apposition to: "Northgate
    Engineering, a firm based in Carlton" → "Engineering"; -1 when there is none."""
    j = k - 1
    while j >= 0 and tokens[j].lower() in {"a", "an", "the"}:
        j -= 1
    return j - 1 if j >= 1 and tokens[j] == "," else -1


_BE = frozenset("were was are is been being".split())


def verbs_after(text: str, noun: str) -> set[str]:
    """Stems of the verbs that follow `noun` (a stem) in `text`, in the passive or as a
    past tense: "five people were lynched", "nine members supported" → lynch, support."""
    tokens = [t.lower() for t in words(text)]
    found: set[str] = set()
    for k, token in enumerate(tokens):
        if noun not in terms_of(token):
            continue
        j = k + 1
        while j < len(tokens) and tokens[j] in _BE | {"have", "has", "had"}:
            j += 1
        if j < len(tokens) and tokens[j].isalpha() and (tokens[j - 1] in _BE or tokens[j].endswith("ed")):
            found.update(terms_of(tokens[j]))
    return found
