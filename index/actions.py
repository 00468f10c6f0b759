"""Who is doing, or is going to do, something in a sentence.

"What is X doing about it?" and "What is X asking for?" are answered by a sentence in which
X is the subject of an action under way or planned: "The council is now offering places",
"WhatsApp said it is seeking an injunction", or, in X's own statement, "we ... will be
stepping up efforts". Actions are found by the verb's form (be + -ing, will + verb, "plans
to", "has agreed to"), their subjects by the words that open the clause before the verb.
No parser: these are the forms news English reports ongoing and planned actions in.
"""

from __future__ import annotations

from typing import NamedTuple

from index.features import DETERMINERS, REPORTING_VERBS, words
from index.tokens import STOP_WORDS, tokenize

_BE = frozenset("is are am".split())
_ADVERBS = frozenset("now also still currently already actively soon then likely".split())
# Verbs that put an action ahead: "plans to open", "has agreed to reinforce".
_INTENT = frozenset("""plan plans planned planning intend intends intended intending aim aims
    aiming seek seeks seeking hope hopes hoping promise promises promised pledge pledges
    pledged vow vows vowed agree agrees agreed try tries trying offer offers offered offering
    decide decides decided prepare prepares preparing""".split())
_FIRST_PERSON = frozenset("i we".split())
_THIRD_PERSON = frozenset("it they he she".split())
# Words that end the clause before a verb: its subject follows the last of them.
_BOUNDARIES = frozenset('" “ ” : ; , that and but while as because said says say added adds '
                        'told tells'.split())
_QUOTES = frozenset('" “ ”'.split())
# Words that open an aside or a fronted phrase rather than a subject ("WhatsApp, with over
# 400 million users, has agreed...", "In December, a top executive...").
_ASIDE_OPENERS = frozenset("with in at on for of from including since after before by".split())
_COORDINATORS = frozenset("and but".split())
# Auxiliaries and adverbs between a subject and its verb: "WhatsApp ... has agreed to".
_FILLERS = frozenset("has have had would could also now still already".split())
_MAX_SUBJECT_WORDS = 6


class Subject(NamedTuple):
    phrase: str  # as written: "The council", "it", "we recently made..."
    quoted: bool  # inside a quotation, where "we" is the speaker and "they" someone else

    def speaks_of_speaker(self) -> bool:
        """Whether the subject is whoever the sentence reports: "we" in their quoted
        words, "it" or "she" in a report of them ("WhatsApp said it is seeking...")."""
        first = self.phrase.split()[0].lower()
        return first in (_FIRST_PERSON if self.quoted else _THIRD_PERSON)


    def head(self) -> str:
        """The words that name the subject: the noun its phrase ends with ("The bakers'
        union" → "union", "the Mamata Banerjee government" → "government"), or the whole
        name when it ends with one ("chief executive Omar Vance" → "Omar Vance")."""
        if self.phrase.split()[0].lower() in _FIRST_PERSON | _THIRD_PERSON:
            return self.phrase.split()[0]
        phrase: list[str] = []
        for word in self.phrase.split():
            low = word.lower()
            if phrase and (low in STOP_WORDS and low not in DETERMINERS or low.endswith("ed")):
                break  # the verb or preposition after the noun phrase
            phrase.append(word)
        if not phrase[-1][:1].isupper():
            return phrase[-1]
        name: list[str] = []
        for word in reversed(phrase):
            if not word[:1].isupper():
                break
            name.insert(0, word)
        return " ".join(name)


def action_subjects(text: str) -> list[Subject]:
    """The subjects of the ongoing or planned actions in `text`."""
    tokens = words(text)
    low = [t.lower() for t in tokens]
    subjects = []
    for k in range(len(low)):
        if _is_action(low, k):
            phrase = _subject_before(tokens, low, k)
            if phrase:
                quoted = sum(t in _QUOTES for t in low[:k]) % 2 == 1
                subjects.append(Subject(phrase, quoted))
    return subjects


def _is_action(low: list[str], k: int) -> bool:
    """Whether an ongoing or planned action starts at `k`: "is (now) offering", "will
    (be) pay(ing)", "plans to". Negated forms ("will not", "won't") are no action; nor is
    "is being tapped", which is done to the subject."""
    j = k + 1
    while j < len(low) and low[j] in _ADVERBS:
        j += 1
    if j >= len(low):
        return False
    following = low[j]
    if low[k] in _BE:
        return following.endswith("ing") and len(following) > 4 and following != "being"
    if low[k] == "will":
        if following == "be":  # "will be stepping up"; "will be tolerated" is done to it
            return j + 1 < len(low) and low[j + 1].endswith("ing")
        return following.isalpha() and following != "not"
    return low[k] in _INTENT and following == "to"


def _subject_before(tokens: list[str], low: list[str], k: int) -> str | None:
    """The words opening the clause of the verb at `k`. A clause with nothing before its
    verb ("... and will pay") shares the subject of the clause before; an aside ("with 400
    million users") is passed over."""
    end = k
    while end > 0:
        start = end
        while start > 0 and low[start - 1] not in _BOUNDARIES:
            start -= 1
        stretch = [t for t in tokens[start:end] if t.lower() not in _FILLERS]
        if stretch and stretch[0].lower() not in _ASIDE_OPENERS:
            return " ".join(stretch[:_MAX_SUBJECT_WORDS])
        if start == 0 or (not stretch and low[start - 1] not in _COORDINATORS | {","}):
            return None
        end = start - 1
    return None


_PASSIVE_BE = frozenset("was were is are been be".split())
_PERFECT = frozenset("has have had".split())
# How far a date may stand from the words that join the two names ("acquired by Facebook
# in 2014", "In 2014, Facebook bought WhatsApp").
_DATE_REACH = 6


def joins(text: str, agent: list[str], patient: list[str], opening: frozenset[str],
          dates: set[str]) -> bool:
    """Whether `text` has the agent act on the patient, near one of its `dates`: "B, which
    was acquired by A in 2014", "A bought B in 2014". `agent` and `patient` are the names'
    terms; `opening` the terms of what the sentence's opening "The firm" or "It" stands
    for. Reporting verbs don't join ("A said B..."): the date would be the saying's."""
    tokens = words(text)
    low = [t.lower() for t in tokens]
    a_at = _mentions(tokens, agent, opening)
    b_at = _mentions(tokens, patient, opening)
    frames = [(b[0], a[1]) for b in b_at for a in a_at if _passive(low, b, a)]
    frames += [(a[0], b[1]) for a in a_at for b in b_at if _active(low, a, b)]
    near = [k for k, t in enumerate(tokens) if t in dates]
    return any(_dates_frame(low, start, end, k) for start, end in frames for k in near)


def _dates_frame(low: list[str], start: int, end: int, k: int) -> bool:
    """A date at `k` dates the words `start..end`: just before them ("In 2014, A bought
    B") or after them in the same clause ("acquired by A in 2014", not "acquired by A,
    which was founded in 2004")."""
    if start - _DATE_REACH <= k < start:
        return True
    return end < k <= end + _DATE_REACH and "," not in low[end:k]


def _mentions(tokens: list[str], terms: list[str], opening: frozenset[str]) -> list[tuple[int, int]]:
    """(first, last) word positions where the name with `terms` is mentioned ("Clara
    Jensen"), and (0, 1) for the sentence's opening anaphor when it stands for the name."""
    if not terms:
        return []
    found = []
    for k, token in enumerate(tokens):
        if token[:1].isupper() and terms[0] in tokenize(token):
            end = k + len(terms) - 1
            if end < len(tokens) and terms[-1] in tokenize(tokens[end]):
                found.append((k, end))
    return [(0, 1)] + found if set(terms) <= opening else found


def _passive(low: list[str], b: tuple[int, int], a: tuple[int, int]) -> bool:
    """"B (, which) was V-ed by A"."""
    k = a[0]
    return b[1] < k <= b[1] + 8 and k >= 3 and low[k - 1] == "by" and _joining_verb(low[k - 2]) \
        and low[k - 3] in _PASSIVE_BE


def _active(low: list[str], a: tuple[int, int], b: tuple[int, int]) -> bool:
    """"A (has) V-ed (the) B"."""
    between = [w for w in low[a[1] + 1:b[0]] if w not in _PERFECT and w not in DETERMINERS]
    return a[1] < b[0] <= a[1] + 4 and len(between) == 1 and _joining_verb(between[0])


def _joining_verb(word: str) -> bool:
    return word.isalpha() and word not in STOP_WORDS and word not in REPORTING_VERBS
