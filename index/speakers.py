"""Speakers: what a subject phrase names, and which earlier speaker an anaphor points at.

`parse_mention` reads a subject phrase ("Union Minister Ravi Shankar Prasad", "a spokesperson
for WhatsApp", "the company", "They") into name, role, type and number using capitalisation
and role/organisation vocabulary. `SpeakerResolver` walks a story's statements in reading
order and resolves each mention to an `Entity`: full names merge with later surnames,
"the spokesperson" finds the last spokesperson, "he"/"she" the last person of that gender,
"they" the last plural speaker, "it"/"the company" the last organisation.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import cached_property, lru_cache
from typing import Literal

import Stemmer
from rapidfuzz import fuzz

from index.reporting import DOCUMENT_NOUNS
from index.tokens import STOP_WORDS

SpeakerType = Literal["person", "organisation", "anonymous", "unknown"]


# Role heads: words that name what a person is or does. Plurals are derived.
PERSON_NOUNS = frozenset("""
minister mp mla mlc mep spokesperson spokesman spokeswoman secretary secretary-general
president vice-president chairman chairwoman chairperson chair chief ceo cfo cto coo founder
co-founder cofounder director director-general head leader governor senator congressman
congresswoman representative mayor judge justice lawyer attorney attorney-general counsel
advocate prosecutor commissioner ambassador envoy official officer adviser advisor analyst
researcher professor expert economist scientist manager partner editor reporter correspondent
activist campaigner member premier chancellor king queen prince princess pope bishop general
colonel captain lieutenant sergeant inspector superintendent sheriff deputy dean lecturer owner
investor engineer doctor coach councillor councilor diplomat legislator lawmaker politician
candidate nominee convener convenor treasurer trustee auditor administrator magistrate
collector executive whip boss strategist consultant specialist teacher principal student
resident witness victim survivor source insider aide observer critic person people spokespeople
man woman men women employee worker staffer petitioner complainant plaintiff defendant accused
applicant respondent protester protestor user customer parent mother father family
relative neighbour neighbor friend chef pilot driver player fan voter citizen supporter
filmmaker sen. rep. gov. gen. lt. col. capt. sgt. insp. supt. cmdr. adm. amb. atty. cllr.
opponent rival ally organiser organizer participant shareholder stakeholder trader banker
broker academic historian author writer blogger journalist commentator lobbyist villager local
investigator detective soldier troop negotiator mediator demonstrator passenger consumer
actor actress singer artist musician producer athlete nurse surgeon physician farmer landlord
tenant buyer seller vendor shopkeeper entrepreneur eyewitness
""".split())
_IRREGULAR_PLURALS = frozenset({"people", "spokespeople", "men", "women", "police", "staff"})

# Organisation heads and name endings, compared lower-case ("NSO Group", "the ministry").
ORG_WORDS = frozenset("""
company firm group ministry government centre center department agency party court police board
commission committee council organisation organization body regulator authority administration
office union bank platform provider service services startup start-up giant maker developer
corporation conglomerate outlet newspaper broadcaster channel network insurer lender retailer
university institute society foundation association federation trust fund army navy military
embassy parliament cabinet secretariat tribunal bench senate assembly campaign team club league
app airline airlines manufacturer operator publisher watchdog opposition alliance coalition
front bureau directorate municipality school college hospital inc inc. ltd ltd. llc plc corp
corp. co. gmbh holdings technologies systems labs media news times post journal press
industries international partners capital ventures exchange reserve movement forum academy
laboratory pharma pharmaceuticals energy telecom communications platforms congress ngo charity
consortium tech unit cell watch amnesty
""".split())
# Bare "the <word>" that points back at an organisation already named ("the company said").
ORG_ANAPHORS = frozenset("""
company firm group platform provider startup start-up giant maker developer corporation
conglomerate outfit business app service network operator publisher organisation organization
agency body institution bank lender insurer retailer airline carrier supplier manufacturer
chain brand charity
""".split())

_HEAD_WORDS = PERSON_NOUNS | ORG_WORDS | DOCUMENT_NOUNS
# "carmaker", "chipmakers", "tech giant": an organisation by its trade.
_COMPOUND_ORG_HEADS = ("maker", "giant")
# Never names ("May" is left out: Theresa May).
CALENDAR_WORDS = frozenset("""
January February March April June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday
""".split())

HONORIFICS: dict[str, str | None] = {
    "mr": "m", "mr.": "m", "shri": "m", "sri": "m", "sir": "m", "lord": "m",
    "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f", "smt": "f", "smt.": "f",
    "dame": "f", "lady": "f", "dr": None, "dr.": None, "prof": None, "prof.": None,
    "rev": None, "rev.": None, "mx": None, "mx.": None,
}
_DEFINITE = frozenset({"the", "this", "that", "these", "those"})
_POSSESSIVE = frozenset({"its", "his", "her", "their"})
_INDEFINITE = frozenset({"a", "an", "one", "another", "some", "several", "many", "two", "three",
                         "four", "five", "few", "other", "most", "all", "both"})
_SKIP_LEADING = frozenset({"but", "and", "also", "meanwhile", "however", "earlier", "later",
                           "today", "yesterday", "then", "now", "so", "still", "while"})
_NAME_PARTICLES = frozenset({"of", "and", "&", "for", "de", "van", "von", "bin", "al", "da",
                             "du", "le", "la", "ibn", "der", "den", "del"})
_LEADING_PREPOSITIONS = frozenset({"in", "on", "at", "during", "after", "before", "from", "with",
                                   "for", "of", "to", "by", "since", "until"})
_AFFILIATING = frozenset({"of", "for", "at", "from", "with"})
_PREPOSITIONS = frozenset({"of", "for", "at", "from", "with", "in", "on", "to", "by", "close",
                           "familiar", "aware", "near"})
_HYPHEN_MODIFIER = re.compile(r"-(?:owned|based|backed|led|run|linked|born|headquartered|"
                              r"controlled|funded|made)$")
_POST_MODIFIER = re.compile(r"^(?:who|which|whose|that|familiar|close|aware|privy|speaking|"
                            r"quoted|cited|\w+ed)$")
PRONOUNS: dict[str, tuple[str, str | None]] = {
    "he": ("sg", "m"), "she": ("sg", "f"), "it": ("sg", None), "they": ("pl", None),
}


class MentionKind(Enum):
    NAME = "name"  # a person's name, perhaps only the surname
    ORG = "org"  # a named organisation
    GROUP = "group"  # an unnamed person or group: "a WhatsApp spokesperson", "sources"
    ANAPHOR = "anaphor"  # "the spokesperson", "the company", "the Chief Minister"
    PRONOUN = "pronoun"
    DOCUMENT = "document"  # "the lawsuit"
    BARE = "bare"  # one capitalised word: a surname or an organisation, decided in context


@dataclass
class Mention:
    kind: MentionKind
    canonical: str
    role: str | None = None
    head: str | None = None  # the role or organisation noun, lower-case
    number: str = "sg"
    gender: str | None = None
    name: tuple[str, ...] = ()
    descriptors: tuple[str, ...] = ()  # modifiers kept for cohesion: "Facebook-owned"
    via: str | None = None  # the document it spoke through: "a statement" (from the family)
    owner: Mention | None = None  # whose role it is: "its" / "the company's" spokesperson
    definite: bool = False  # "the statement" (one already mentioned), not "a statement"


# -- parsing ------------------------------------------------------------------------------


def parse_mention(words: Sequence[str], people: PeopleIndex | None = None,
                  lenient: bool = False) -> Mention | None:
    """What a subject phrase names, or None when it names no plausible speaker. `people`
    tells a person's name from a place after "of" ("Governor of West Bengal"); `lenient`
    accepts an unlisted noun ("the actor") for a verb that only people use ("said")."""
    words = _strip_leading(list(words))
    if not words:
        return None
    source = _document_source(words)
    if source is not None:
        document, speaker = source
        mention = parse_mention(speaker, people, lenient)
        return replace(mention, via=" ".join(document)) if mention else None
    if len(words) == 1 and words[0].lower() in PRONOUNS:
        number, gender = PRONOUNS[words[0].lower()]
        return Mention(MentionKind.PRONOUN, words[0].lower(), number=number, gender=gender)
    first = words[0].lower()
    determiner = first if first in _DEFINITE | _INDEFINITE | _POSSESSIVE else None
    if determiner:
        words = words[1:]
    owner = _owner(determiner, words)
    core, descriptors = _split_modifiers(words)
    if not core:
        return None
    named = _parse_named(core, descriptors, people)
    if named:
        return named
    common = _parse_common(core, determiner, descriptors)
    owner = owner or _company_modifier(core)
    if common is not None and owner is not None and common.role:
        common = replace(common, owner=owner)
    if common is None and lenient:
        return _unlisted_noun(core, determiner)
    return common


def _owner(determiner: str | None, words: list[str]) -> Mention | None:
    """The organisation behind "its spokesperson" or "the company's chief executive"."""
    if determiner in ("its", "their"):
        number, gender = PRONOUNS["it" if determiner == "its" else "they"]
        return Mention(MentionKind.PRONOUN, "it" if determiner == "its" else "they",
                       number=number, gender=gender)
    possessors = [w[:-2] for w in words[:-1] if w[:1].islower() and w.endswith(("'s", "\u2019s"))]
    if possessors:
        return parse_mention(["the", possessors[0]])
    if len(words) >= 4 and words[-3].lower() in _AFFILIATING and words[-2].lower() == "the" \
            and words[-1].lower() in ORG_ANAPHORS:  # "a spokeswoman for the group"
        return parse_mention(["the", words[-1].lower()])
    return None


def _company_modifier(core: list[str]) -> Mention | None:
    """"a company spokesperson": the company is the one already in the story."""
    if len(core) >= 2 and core[-2] in ORG_ANAPHORS:
        return parse_mention(["the", core[-2]])
    return None


def _document_source(words: list[str]) -> tuple[list[str], list[str]] | None:
    """(document, author) for "a statement from the family", "the company's statement",
    "a report by Reuters": the author is the speaker."""
    for i, word in enumerate(words[:-1]):
        if word.lower().endswith(("'s", "\u2019s")) and _is_document(words[i + 1:]):
            return words[i + 1:], [*words[:i], word[:-2]]
    for i, word in enumerate(words):
        inside = 0 < i < len(words) - 1
        if word.lower() in {"from", "by", "of"} and inside and _is_document(words[:i]):
            return words[:i], words[i + 1:]
    return None


def names_people(word: str) -> bool:
    """A noun for people or organisations ("investors", "the government")."""
    singular = _singular(word)
    return singular in PERSON_NOUNS or singular in ORG_WORDS or word in _IRREGULAR_PLURALS


def _is_document(words: list[str]) -> bool:
    return words[-1].lower() in DOCUMENT_NOUNS


def _unlisted_noun(core: list[str], determiner: str | None) -> Mention | None:
    """"the actor", "villagers": a short phrase ending in a common noun."""
    head = core[-1]
    plural = head.endswith("s") and not head.endswith("ss")
    if len(core) > 4 or not head.isalpha() or not head.islower() or head in STOP_WORDS:
        return None
    if determiner is None and not plural:
        return None
    definite = determiner in _DEFINITE or determiner in _POSSESSIVE
    kind = MentionKind.ANAPHOR if definite and not plural else MentionKind.GROUP
    text = " ".join(core)
    return Mention(kind, text, role=text, head=head, number="pl" if plural else "sg")


def _strip_leading(words: list[str]) -> list[str]:
    """Drop "But", "also" and the like; a phrase opening with a preposition is no subject."""
    while words and words[0].lower() in _SKIP_LEADING:
        words = words[1:]
    if words and words[0].lower() in _LEADING_PREPOSITIONS:
        return []
    return words


def _split_modifiers(words: list[str]) -> tuple[list[str], tuple[str, ...]]:
    """Cut relative clauses and '-ed by' phrases; move 'Facebook-owned' and possessors aside."""
    core: list[str] = []
    descriptors: list[str] = []
    for i, word in enumerate(words):
        low = word.lower()
        if i and _POST_MODIFIER.match(low) and not _is_name_word(word):
            descriptors.extend(words[i:])
            break
        if "-" in word and _HYPHEN_MODIFIER.search(low):
            descriptors.append(word)
            continue
        inside_name = 0 < i < len(words) - 1 and _is_name_word(words[i - 1]) \
            and _is_name_word(words[i + 1])
        if low.endswith(("'s", "\u2019s")) and i < len(words) - 1 and not inside_name:
            # "Northern People's Front" keeps its possessive: it is inside the name
            descriptors.append(word[:-2])
            # "Acme's spokesperson": a named owner is the affiliation; "the firm's chief
            # executive", "Israel's NSO Group": the owner only describes.
            if word[:1].isupper() and not words[i + 1][:1].isupper():
                core.append(word[:-2])
            continue
        core.append(word)
    return core, tuple(descriptors)


def _is_name_word(word: str) -> bool:
    return bool(word) and (word[0].isupper() or word[0] in "[(") \
        and word.lower() not in STOP_WORDS and word not in CALENDAR_WORDS


def _name_run_start(core: list[str]) -> int:
    """Index where the final run of capitalised words (with inner particles) begins."""
    i = len(core)
    while i > 0:
        word = core[i - 1]
        if _is_name_word(word):
            i -= 1
            continue
        # particles inside a name: "Centre for Internet and Society", "von der Leyen"
        before = i - 1
        while before > 0 and core[before - 1].lower() in _NAME_PARTICLES:
            before -= 1
        inner = word.lower() in _NAME_PARTICLES and i < len(core) and before > 0
        if not inner or not _is_name_word(core[before - 1]):
            break
        i = before
    return i


def _parse_named(core: list[str], descriptors: tuple[str, ...],
                 people: PeopleIndex | None) -> Mention | None:
    """A phrase ending in a name: split the title or affiliation before it from the name."""
    start = _name_run_start(core)
    if start == len(core):
        return None
    run = core[start:]
    role_words = core[:start]
    last_title = max((i for i, w in enumerate(run) if _is_title(w)), default=-1)
    role_words += run[: last_title + 1]
    name = run[last_title + 1:]
    while name and name[0].lower() in _NAME_PARTICLES:
        role_words.append(name.pop(0))
    if not name:
        return None  # a title alone ("the Chief Minister"): a role, read by `_parse_common`
    gender = None
    honorific = name[0].lower() in HONORIFICS
    if honorific:
        gender = HONORIFICS[name[0].lower()]
        name = name[1:] or name
    titles = _acronym_titles(name, people)
    role_words, name = role_words + name[:titles], name[titles:]
    last_org = max((i for i, w in enumerate(name) if _is_org_word(w)), default=-1)
    if 0 <= last_org < len(name) - 1 and _looks_like_person(name[last_org + 1:]):
        # "Trinamool Congress [TMC] Partha Chatterjee": a party, then its member
        role_words, name = role_words + name[: last_org + 1], name[last_org + 1:]
        last_org = -1
    elif role_words and role_words[-1].lower() in _AFFILIATING:
        split = _after_preposition(role_words, name, people)
        if split is None:
            return None  # "a spokesperson for WhatsApp": an affiliation, not a name
        role_words, name = split
    persons_role = titles > 0 or any(_is_title(w) for w in role_words)
    if persons_role and _is_org_word(name[-1]) and not honorific:
        return None  # "founder of the think tank Centre for …": a role at an organisation
    if not persons_role and not honorific and (last_org >= 0 or _looks_like_org(name)
                                               or any(_is_org_word(w) for w in role_words)):
        return Mention(MentionKind.ORG, " ".join(name), head=name[-1].lower(), name=tuple(name),
                       descriptors=descriptors + tuple(role_words))
    role = _clean_role(role_words) if persons_role else None
    kind = MentionKind.BARE if len(name) == 1 and not honorific and not role else MentionKind.NAME
    extra = () if persons_role else tuple(role_words)
    return Mention(kind, " ".join(name), role=role, head=_role_head(role_words), gender=gender,
                   name=tuple(name), descriptors=descriptors + extra)


def _acronym_titles(name: list[str], people: PeopleIndex | None) -> int:
    """How many leading words of `name` are an abbreviated title ("DI Pryce", "Sgt Lee"):
    short all-capital words before a surname the story gives a person elsewhere."""
    n = 0
    while n < len(name) - 1 and 2 <= len(name[n]) <= 4 and name[n].isalpha() and name[n].isupper():
        n += 1
    known = people.full_name(name[-1]) if n and people is not None else None
    return n if known is not None and name[n - 1] not in known else 0


def _after_preposition(role_words: list[str], name: list[str],
                       people: PeopleIndex | None) -> tuple[list[str], list[str]] | None:
    """After "of", a place may precede a person ("Governor of West Bengal Jagdeep Dhankhar");
    after "for"/"at"/"from", or before an organisation, the name is an affiliation."""
    if role_words[-1].lower() != "of" or _looks_like_org(name) or _is_org_word(name[-1]):
        return None
    if people is not None and people.full_name(name[-1]) and len(name) <= 2:
        return role_words, name
    if len(name) >= 3:
        return role_words + name[:-2], name[-2:]
    return None


def _looks_like_person(words: list[str]) -> bool:
    """Two or three capitalised words, none a particle, acronym or organisation word."""
    return 2 <= len(words) <= 3 and all(
        w[:1].isupper() and w.lower() not in _NAME_PARTICLES and not _is_org_word(w)
        and not _looks_like_org([w]) for w in words)


def _looks_like_org(name: list[str]) -> bool:
    """Acronyms and camel-case brands ("NSO", "WhatsApp") are not how people are written."""
    return any(w.isupper() and len(w) > 1 or re.search(r"[a-z][A-Z]", w) for w in name)


def _parse_common(core: list[str], determiner: str | None,
                  descriptors: tuple[str, ...]) -> Mention | None:
    """A phrase without a trailing name: a role, an organisation noun or a document."""
    head_at = _head_index(core)
    if head_at is None:
        return None
    head = core[head_at].lower()
    singular = _singular(head)
    plural = singular != head or head in _IRREGULAR_PLURALS
    definite = determiner in _DEFINITE or determiner in _POSSESSIVE
    affiliation = _affiliation(core, head_at)
    if singular in DOCUMENT_NOUNS or head in DOCUMENT_NOUNS:
        return Mention(MentionKind.DOCUMENT, " ".join(core), head=singular, descriptors=descriptors,
                       definite=definite)
    if singular in ORG_WORDS and singular not in PERSON_NOUNS:
        bare = head_at == len(core) - 1 and head_at == 0
        anaphor = definite and bare and singular in ORG_ANAPHORS
        kind = MentionKind.ANAPHOR if anaphor else MentionKind.ORG
        return Mention(kind, " ".join(core), head=singular, descriptors=descriptors,
                       number="pl" if plural else "sg")
    if head_at == 0 and plural and core[0][:1].isupper():
        core = [core[0].lower(), *core[1:]]  # "Officials said": capitalised by the sentence
    canonical = _role_canonical(core, head_at, affiliation)
    affiliated = set((affiliation or "").split())
    role = " ".join(w for w in core[: head_at + 1] if w not in affiliated)
    kind = MentionKind.ANAPHOR if definite and not plural else MentionKind.GROUP
    return Mention(kind, canonical, role=role, head=singular, number="pl" if plural else "sg",
                   descriptors=descriptors + ((affiliation,) if affiliation else ()))


def _head_index(core: list[str]) -> int | None:
    """The speaker noun: the last vocabulary word before any prepositional complement."""
    cut = next((i for i, w in enumerate(core) if i and w.lower() in _PREPOSITIONS), len(core))
    for span in (range(cut - 1, -1, -1), range(len(core) - 1, -1, -1)):
        for i in span:
            low = core[i].lower()
            if _singular(low) in _HEAD_WORDS or low in _IRREGULAR_PLURALS:
                return i
    return None


def _affiliation(core: list[str], head_at: int) -> str | None:
    """The organisation a role belongs to: 'a WhatsApp spokesperson', 'spokesperson for X'."""
    before = [w for w in core[:head_at] if _is_name_word(w) and not _is_title(w)]
    if before:
        return " ".join(before)
    after = core[head_at + 1:]
    if len(after) >= 2 and after[0].lower() in {"for", "at", "of", "from"}:
        rest = [w for w in after[1:] if w.lower() not in _DEFINITE]
        if rest and all(_is_name_word(w) or w.lower() in _NAME_PARTICLES for w in rest):
            return " ".join(rest)
    return None


def _role_canonical(core: list[str], head_at: int, affiliation: str | None) -> str:
    """'spokesperson for WhatsApp' → 'WhatsApp spokesperson'; other phrases as written."""
    after = core[head_at + 1:]
    if affiliation and after and after[0].lower() in {"for", "at", "of", "from"}:
        return f"{affiliation} {' '.join(core[: head_at + 1])}"
    return " ".join(core)


def _clean_role(words: list[str]) -> str | None:
    words = [w for w in words if w.lower() not in _DEFINITE | _INDEFINITE]
    while words and words[-1].lower() in _NAME_PARTICLES:
        words = words[:-1]
    return " ".join(words) or None


def _role_head(role_words: list[str]) -> str | None:
    heads = [_singular(w.lower()) for w in role_words if _is_title(w)]
    return heads[-1] if heads else None


def _is_title(word: str) -> bool:
    return _singular(word.lower()) in PERSON_NOUNS


def _is_org_word(word: str) -> bool:
    return word.lower() in ORG_WORDS or (word[:1] in "[(" and word[-1:] in "])")


@lru_cache(maxsize=4096)
def _singular(word: str) -> str:
    if word in PERSON_NOUNS or word in ORG_WORDS:
        return word
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("es", "e"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and word[: -len(suffix)] + repl in _HEAD_WORDS:
            return word[: -len(suffix)] + repl
    return next((head for head in _COMPOUND_ORG_HEADS if word.rstrip("s").endswith(head)), word)


# -- people named anywhere in the story -----------------------------------------------------

_HONORIFIC_RE = "|".join(sorted({h.rstrip(".").capitalize() for h in HONORIFICS},
                                key=len, reverse=True))
_CAP = r"[A-Z][a-z]+(?:-[A-Za-z]+|'(?!s\b)[A-Za-z]+)*"
_PERSON_RE = re.compile(
    rf"(?=[A-Z])\b(?:(?P<hon>{_HONORIFIC_RE})\.?\s+)?(?P<name>{_CAP}(?:\s+{_CAP}){{0,5}})")
_FUZZY_SURNAMES = 500  # spelling slips are looked for among at most this many surnames


@dataclass(frozen=True)
class PersonMention:
    position: tuple[int, int]  # (paragraph index, offset)
    name: tuple[str, ...]
    gender: str | None


class PeopleIndex:
    """Person names anywhere in the story, found before attribution: "Mamata Banerjee" in
    "the Mamata Banerjee government" is who "Ms. Banerjee" and "the Chief Minister" are.

    A capitalised run counts as a person only when some mention of its last word carries an
    honorific or a title, so place names ("West Bengal") stay out.
    """

    def __init__(self, paragraphs: Sequence[str]) -> None:
        self._paragraphs = paragraphs
        self._namesake_cache: dict[str, list[PersonMention]] = {}

    @cached_property
    def _people(self) -> list[PersonMention]:
        """Built on first use: many stories never need it."""
        runs: list[PersonMention] = []
        evidence: dict[str, str | None] = {}  # surname → gender, for names shown to be people
        for index, text in enumerate(self._paragraphs):
            for match in _PERSON_RE.finditer(text):
                words = match["name"].split()
                if len(words) == 1 and not match["hon"]:
                    continue  # neither a full name nor evidence for one
                name, titled = _name_in_run(words)
                if not name:
                    continue
                gender = HONORIFICS.get(match["hon"].lower()) if match["hon"] else None
                if match["hon"] or titled or _titled_before(text, match.start()):
                    evidence[name[-1]] = gender or evidence.get(name[-1])
                runs.append(PersonMention((index, match.start("name")), name, gender))
        return [PersonMention(r.position, r.name, evidence.get(r.name[-1]))
                for r in runs if r.name[-1] in evidence and len(r.name) >= 2]

    def full_name(self, surname: str) -> tuple[str, ...] | None:
        """The longest known name ending with `surname` (spelling variants allowed)."""
        names = [p.name for p in self._namesakes(surname)]
        return max(names, key=len) if names else None

    def nearest(self, position: tuple[int, int], exclude: set[str]) -> PersonMention | None:
        """The closest person mention before `position`, else after it."""
        split = bisect_left(self._positions, position)
        before = (self._people[i] for i in range(split - 1, -1, -1))
        after = (self._people[i] for i in range(split, len(self._people)))
        for candidates in (before, after):
            found = next((p for p in candidates if p.name[-1] not in exclude), None)
            if found is not None:
                return found
        return None

    def gender(self, surname: str) -> str | None:
        return next((p.gender for p in self._namesakes(surname) if p.gender), None)

    @cached_property
    def _positions(self) -> list[tuple[int, int]]:
        return [p.position for p in self._people]

    @cached_property
    def _by_surname(self) -> dict[str, list[PersonMention]]:
        groups: dict[str, list[PersonMention]] = {}
        for person in self._people:
            groups.setdefault(person.name[-1].lower(), []).append(person)
        return groups

    def _namesakes(self, surname: str) -> list[PersonMention]:
        """Mentions whose surname is `surname`, or a spelling slip of it, in reading order.

        Slips are looked for only while the story names at most `_FUZZY_SURNAMES` surnames
        (no news story comes near): each look compares every surname, so on text that names
        thousands (hostile input) it would make attribution quadratic.
        """
        key = surname.lower()
        found = self._namesake_cache.get(key)
        if found is None:
            groups = self._by_surname
            if len(groups) <= _FUZZY_SURNAMES:
                keys = [k for k in groups if _same_name(k, key)]
            else:
                keys = [key] if key in groups else []
            found = sorted((p for k in keys for p in groups[k]), key=lambda p: p.position)
            self._namesake_cache[key] = found
        return found


def _titled_before(text: str, start: int) -> bool:
    """A lower-case title just before a name: "council members Gary Whitfield and …",
    "chief executive Louise Tremblay"."""
    word = text[text.rfind(" ", 0, max(start - 1, 0)) + 1: start].strip()
    return word.islower() and _is_title(word)


def _name_in_run(words: list[str]) -> tuple[tuple[str, ...], bool]:
    """The person's name in a capitalised run, and whether a title preceded it:
    "Union Minister Ravi Shankar Prasad" → Ravi Shankar Prasad; "What Mamata Banerjee" →
    Mamata Banerjee; four words or more without a title keep the last two ("West Bengal
    Jagdeep Dhankhar")."""
    last_title = max((i for i, w in enumerate(words) if _is_title(w)), default=-1)
    name = words[last_title + 1:]
    last_org = max((i for i, w in enumerate(name) if _is_org_word(w)), default=-1)
    name = name[last_org + 1:]
    while name and name[0].lower() in STOP_WORDS:
        name = name[1:]
    if len(name) >= 4:
        name = name[-2:]
    return tuple(name), last_title >= 0 and bool(name)


def _same_name(a: str, b: str) -> bool:
    """Surnames match despite a spelling slip ("Dhankar"/"Dhankhar")."""
    if a.lower() == b.lower():
        return True
    return len(a) >= 5 and len(b) >= 5 and fuzz.ratio(a.lower(), b.lower()) >= 85


# -- coreference ---------------------------------------------------------------------------


@dataclass
class Entity:
    canonical: str
    speaker_type: SpeakerType
    role: str | None = None
    head: str | None = None
    number: str = "sg"
    gender: str | None = None
    name: tuple[str, ...] = ()
    last_seen: int = -1
    said: list[str] = field(default_factory=list)  # statements and descriptions, for cohesion
    channels: set[str] = field(default_factory=set)  # documents it spoke through: "statement"
    _profile: set[str] | None = field(default=None, repr=False)

    def note(self, text: str) -> None:
        self.said.append(text)
        self._profile = None

    def profile(self) -> set[str]:
        """Content words of everything it said or was described by (computed on demand:
        only ambiguous anaphors need it)."""
        if self._profile is None:
            self._profile = _terms(" ".join(self.said))
        return self._profile


_TERM_RE = re.compile(r"[a-z][a-z0-9]{2,}")
_STEMMER = Stemmer.Stemmer("english")
# Words too common in reporting to tie a statement to one speaker.
_GENERIC_TERMS = frozenset(_STEMMER.stemWords([
    "say", "says", "said", "tell", "told", "add", "added", "state", "stated", "statement",
    "according", "comment", "email", "interview",
]))
# How much more vocabulary an earlier organisation must share with an anaphor's context
# before it beats the most recent one (see `_by_cohesion`).
COHESION_MARGIN = 2


# A capitalised name opening a sentence, before its verb: "Kestrel sued …", "NSO Group has …".
_OPENING_NAME_RE = re.compile(
    r"(?:^|(?<=[.!?]\s))((?:[A-Z][\w&'.-]*\s+){0,3}[A-Z][\w&'-]*)"
    r"(?=\s+(?:has|had|is|was|will|would|[a-z]+ed|[a-z]+s)\b)")


class SpeakerResolver:
    """Resolves mentions to entities in reading order; keeps who spoke last."""

    def __init__(self, people: PeopleIndex, paragraphs: Sequence[str]) -> None:
        self._people = people
        self._paragraphs = paragraphs
        self._entities: list[Entity] = []
        self._clock = 0
        self._names_by_head: dict[str, list[tuple[tuple[int, int], list[str]]]] = {}

    def resolve(self, mention: Mention, position: tuple[int, int], context: str,
                settings: Sequence[str] = ()) -> Entity | None:
        """The entity `mention` refers to; `context` is the statement, its setting and the
        subject's own modifiers, used to choose between organisations; `settings` name the
        documents it spoke through, which "the statement" later refers to."""
        entity = self._find(mention, position, context)
        if entity is not None:
            self._clock += 1
            entity.last_seen = self._clock
            entity.note(" ".join((context, *mention.descriptors)))
            words = " ".join(settings).lower().split()
            entity.channels |= {w for w in words if w in DOCUMENT_NOUNS}
        return entity

    def _find(self, mention: Mention, position: tuple[int, int], context: str) -> Entity | None:
        kind = mention.kind
        if kind is MentionKind.PRONOUN:
            return self._pronoun(mention, position, context)
        if mention.owner is not None:
            return self._owned_role(mention, position, context)
        if kind is MentionKind.ANAPHOR:
            return self._anaphor(mention, position, context)
        if kind is MentionKind.BARE:
            return self._bare(mention)
        if kind is MentionKind.NAME:
            return self._person(mention)
        if kind is MentionKind.ORG:
            return self._organisation(self._named_earlier(mention, position) or mention)
        if kind is MentionKind.DOCUMENT:
            return self._document(mention)
        return self._keyed(mention, "anonymous")

    def _document(self, mention: Mention) -> Entity:
        """"The statement said": whoever spoke in a statement, else the document itself."""
        if mention.definite:
            issuers = self._recent(lambda e: mention.head in e.channels)
            if issuers:
                return issuers[0]
        return self._keyed(mention, "unknown")

    # named speakers

    def _person(self, mention: Mention) -> Entity:
        surname = mention.name[-1]
        for entity in reversed(self._entities):
            if _is_person_named(entity, surname) and _first_names_agree(entity.name, mention.name):
                _enrich(entity, mention)
                return entity
        name = mention.name
        if len(name) == 1:
            name = self._people.full_name(surname) or name
        gender = mention.gender or self._people.gender(surname)
        return self._add(Entity(" ".join(name), "person", role=mention.role, head=mention.head,
                                gender=gender, name=name))

    def _bare(self, mention: Mention) -> Entity:
        word = mention.name[0]
        known = any(e.speaker_type == "person" and e.name and _same_name(e.name[-1], word)
                    for e in self._entities)
        if known or self._people.full_name(word):
            return self._person(mention)
        return self._organisation(mention)

    def _organisation(self, mention: Mention) -> Entity:
        """Same organisation when one name's distinctive words contain the other's
        ("NSO" / "NSO Group"); common-noun names must match whole ("government")."""
        key = _org_key(mention.name, mention.canonical)
        for entity in reversed(self._entities):
            if entity.speaker_type == "organisation":
                other = _org_key(entity.name, entity.canonical)
                if key <= other or other <= key:
                    return entity
        return self._add(Entity(mention.canonical, "organisation", head=mention.head,
                                number=mention.number, name=mention.name))

    def _keyed(self, mention: Mention, speaker_type: SpeakerType) -> Entity:
        for entity in self._entities:
            if entity.canonical.lower() == mention.canonical.lower():
                return entity
        if mention.kind is MentionKind.ORG:
            speaker_type = "organisation"
        return self._add(Entity(mention.canonical, speaker_type, role=mention.role,
                                head=mention.head, number=mention.number))

    # anaphora

    def _pronoun(self, mention: Mention, position: tuple[int, int],
                 context: str) -> Entity | None:
        if mention.canonical == "it":
            things = self._recent(lambda e: e.speaker_type in ("organisation", "unknown")
                                  and e.number == "sg")
            return self._by_cohesion(things, context) or self._opening_organisation(position)
        if mention.canonical == "they":
            return next(iter(self._recent(lambda e: e.number == "pl")), None)
        gender = mention.gender
        people = self._recent(lambda e: e.speaker_type == "person" and e.gender in (None, gender))
        found = people[0] if people else None
        if found is None:
            found = self._from_text(position, gender)
        if found is not None and found.gender is None:
            found.gender = gender
        return found

    def _anaphor(self, mention: Mention, position: tuple[int, int],
                 context: str) -> Entity | None:
        head = mention.head or ""
        if head in ORG_WORDS and head not in PERSON_NOUNS:
            found = self._subject_organisation(position) or self._organisation_for(context, position, head)
            return found or self._keyed(mention, "organisation")
        same_role = self._recent(lambda e: head in _words(e) or e.head == head)
        if same_role:
            return same_role[0]
        if mention.role and mention.role[:1].isupper():  # "the Chief Minister": someone named
            found = self._from_text(position, None, role=mention.role)
            if found is not None:
                return found
        titled = bool(mention.role and mention.role[:1].isupper())
        return self._keyed(mention, "person" if titled else "anonymous")

    def _owned_role(self, mention: Mention, position: tuple[int, int], context: str) -> Entity:
        """"its spokesperson", "a company spokesperson": the spokesperson of the organisation
        already speaking in the story, if there is one."""
        owner = self._organisation_for(context, position)
        if owner is None:
            return self._keyed(mention, "anonymous")
        role = " ".join(w for w in (mention.role or "").split() if w.lower() not in ORG_ANAPHORS)
        return self._keyed(replace(mention, canonical=f"{owner.canonical} {role}", role=role),
                           "anonymous")

    def _organisation_for(self, context: str, position: tuple[int, int],
                          head: str = "") -> Entity | None:
        """The organisation "it" or "the company" points at: one named with that word if
        any, else the most recent, unless cohesion clearly favours another. "The bank" points
        at an organisation with a name, not at one met only as a noun ("the board")."""
        named = self._recent(lambda e: e.speaker_type == "organisation" and head in _words(e))
        if head and named:
            return named[0]
        organisations = self._recent(lambda e: e.speaker_type == "organisation")
        if head:
            organisations = [e for e in organisations if e.canonical[:1].isupper()] or organisations
        return self._by_cohesion(organisations, context) or self._opening_organisation(position)

    def _named_earlier(self, mention: Mention, position: tuple[int, int]) -> Mention | None:
        """"the commission" → the "European Commission" the story named before, the latest
        capitalised name ending in that noun."""
        if mention.name or not mention.head:
            return None
        names = self._names_ending(mention.head)
        last = bisect_left(names, (position,)) - 1
        for i in range(last, max(last - 5, -1), -1):  # the latest few: a bounded look back
            earlier = parse_mention(names[i][1], self._people)
            if earlier is not None and earlier.kind is MentionKind.ORG and earlier.name:
                return earlier
        return None

    def _names_ending(self, head: str) -> list[tuple[tuple[int, int], list[str]]]:
        """(position after it, words) of each capitalised name ending in `head`, in order;
        found once per noun, so that many mentions of "the council" stay linear."""
        if head not in self._names_by_head:
            named = re.compile(rf"(?:[A-Z][\w&'.-]*\s+){{1,4}}{re.escape(head.capitalize())}\b")
            self._names_by_head[head] = [((index, m.end()), m.group().split())
                                         for index, text in enumerate(self._paragraphs)
                                         for m in named.finditer(text)]
        return self._names_by_head[head]

    def _subject_organisation(self, position: tuple[int, int]) -> Entity | None:
        """"The Red Cross opened shelters …, the organization said": the organisation that
        opens the attribution's own sentence."""
        number, offset = position
        text = self._paragraphs[number][:offset]
        start = max(text.rfind(". "), text.rfind("! "), text.rfind("? "))
        match = _OPENING_NAME_RE.match(text, start + 2 if start >= 0 else 0)
        if match is None:
            return None
        mention = parse_mention(match.group(1).split(), self._people)
        if mention is None or mention.kind not in (MentionKind.ORG, MentionKind.BARE, MentionKind.NAME) \
                or mention.role or mention.gender or self._people.full_name(mention.name[-1]):
            return None  # a person, or someone the story shows to be one
        return self._organisation(mention)

    def _opening_organisation(self, position: tuple[int, int]) -> Entity | None:
        """"Kestrel sued Northwind on Monday. The company said …": with no organisation
        speaking yet, the one that opened the latest sentence before (centering: a
        sentence's subject is what the next one is about)."""
        number, offset = position
        for index in (number, number - 1):
            if index < 0:
                continue
            text = self._paragraphs[index][:offset] if index == number else self._paragraphs[index]
            for match in reversed(list(_OPENING_NAME_RE.finditer(text))):
                mention = parse_mention(match.group(1).split(), self._people)
                if mention is not None and mention.kind in (MentionKind.ORG, MentionKind.BARE) \
                        and not self._people.full_name(mention.name[-1]):
                    return self._organisation(mention)
        return None

    def _from_text(self, position: tuple[int, int], gender: str | None,
                   role: str | None = None) -> Entity | None:
        """A person named in the story but not yet a speaker, for an anaphor with no antecedent."""
        speakers_with_roles = {e.name[-1] for e in self._entities if e.name and e.role}
        person = self._people.nearest(position, speakers_with_roles)
        if person is None or (gender and person.gender not in (None, gender)):
            return None
        mention = Mention(MentionKind.NAME, " ".join(person.name), role=role, name=person.name,
                          gender=person.gender or gender)
        return self._person(mention)

    def _recent(self, keep: Callable[[Entity], bool]) -> list[Entity]:
        """Entities that pass `keep`, the latest speaker first."""
        kept = (e for e in self._entities if keep(e))
        return sorted(kept, key=lambda e: e.last_seen, reverse=True)

    def _by_cohesion(self, candidates: list[Entity], context: str) -> Entity | None:
        """The most recent candidate, unless an earlier one shares clearly more vocabulary
        with the statement (lexical cohesion: a speaker tends to continue its own line,
        e.g. a company that "disputed the allegations" is the one that later says "we
        dispute today's allegations")."""
        if len(candidates) < 2:
            return candidates[0] if candidates else None
        terms = _terms(context)

        def overlap(entity: Entity) -> int:
            return len((terms - _terms(entity.canonical)) & entity.profile())
        best = max(candidates, key=overlap)
        if overlap(best) - overlap(candidates[0]) >= COHESION_MARGIN:
            return best
        return candidates[0]

    def _add(self, entity: Entity) -> Entity:
        self._entities.append(entity)
        return entity


def _terms(text: str) -> set[str]:
    """Stemmed content words: cheaper than the index tokeniser, and only compared here."""
    words = [w for w in _TERM_RE.findall(text.lower()) if w not in STOP_WORDS]
    return set(_STEMMER.stemWords(words)) - _GENERIC_TERMS


def _org_key(name: tuple[str, ...], canonical: str) -> frozenset[str]:
    distinctive = frozenset(w.lower() for w in name if w.lower() not in ORG_WORDS)
    return distinctive or frozenset({canonical.lower()})


def _is_person_named(entity: Entity, surname: str) -> bool:
    if entity.speaker_type != "person" or not entity.name:
        return False
    return _same_name(entity.name[-1], surname)


def _words(entity: Entity) -> set[str]:
    return {_singular(w.lower()) for w in f"{entity.canonical} {entity.role or ''}".split()}


def _first_names_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return len(a) < 2 or len(b) < 2 or a[0].lower() == b[0].lower()


def _enrich(entity: Entity, mention: Mention) -> None:
    if len(mention.name) > len(entity.name):
        entity.name = mention.name
        entity.canonical = " ".join(mention.name)
    entity.role = entity.role or mention.role
    entity.gender = entity.gender or mention.gender
