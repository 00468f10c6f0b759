"""Who a speaker phrase names: the resolution step of attribution.

A speaker is found as one token of the parse (the subject of a speech verb, the object of
"according to"). `Speakers` turns it into a canonical speaker, reading the story as a
reader would:
- a named entity is its name, without titles ("Mr.", "Dr") or a possessive; a surname or a
  shorter form of a name is the fullest name of the story that ends the same way
  ("Lopez" -> "Feliciano Lopez"), an acronym the organisation it abbreviates ("EU");
- a role is kept from the name's compound modifiers or its appositive ("WhatsApp
  spokesman Carl Woog", "Carl Woog, a WhatsApp spokesman");
- a pronoun is the latest compatible speaker or main-clause subject (a person for he/she,
  an organisation or group for it/they);
- a definite role noun ("the minister", "the company", "the statement") is the entity
  that held that role, or that issued the document, or the organisation last named;
- any other common noun is an unnamed source given by its head noun ("officials").
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from index.statements.speech import HONORIFICS, ORG_NOUNS, RANKS, TITLES

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

SpeakerType = Literal["person", "organisation", "anonymous", "unknown"]
Position = tuple[int, int]  # (paragraph index, character offset)

NAME_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "FAC"})
_GROUP_LABELS = frozenset({"ORG", "NORP", "GPE", "FAC"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_DEFINITE = frozenset({"the", "this", "that", "these", "those"})
_SKIP_WORDS = frozenset({"of", "and", "the", "for", "&", "on", "in", "at", "to"})


@dataclass
class Speaker:
    name: str
    type: SpeakerType
    role: str | None = None
    head: str = ""  # lower-case head noun of an unnamed source ("officials")
    mention: str = ""  # as written here


def entity_of(doc: Doc) -> dict[int, Span]:
    """Token index -> the named entity (of `NAME_LABELS`) it is part of; a person's
    entity takes in a title of rank before it, which spaCy leaves out ("Sir Alex Ferguson")."""
    found: dict[int, Span] = {}
    for ent in doc.ents:
        if ent.label_ in NAME_LABELS:
            ent = _ranked(ent)
            found.update((i, ent) for i in range(ent.start, ent.end))
    return found


def _ranked(ent: Span) -> Span:
    doc = ent.doc
    if ent.label_ == "PERSON" and ent.start > 0 and doc[ent.start - 1].lower_ in RANKS:
        from spacy.tokens import Span  # index time only: answering never imports spaCy

        return Span(doc, ent.start - 1, ent.end, label=ent.label_)
    return ent


def clean_name(span: Span | Sequence[Token]) -> str:
    """The name as a reader says it: no leading "the" or titles, no trailing possessive."""
    words = [t for t in span if not t.is_punct or t.text in "&."]
    while words and (words[0].lower_.rstrip(".") in TITLES | _DEFINITE):
        words = words[1:]
    titled = [i for i, t in enumerate(words[:-1]) if t.lower_.rstrip(".") in TITLES]
    if titled and span and span[0].ent_type_ == "PERSON":  # "Union Minister Ravi Shankar Prasad"
        words = words[titled[-1] + 1:]
    while words and words[-1].tag_ == "POS" or words and words[-1].text in {"'s", "’s"}:
        words = words[:-1]
    if not words:
        return ""
    doc = words[0].doc
    return doc[words[0].i:words[-1].i + 1].text.removesuffix("'s").removesuffix("’s").strip()


def _bare(name: str) -> list[str]:
    """A name's words without an abbreviated title ("DI Pryce" -> "Pryce")."""
    words = name.split()
    return [w for w in words if not (w.isupper() and len(w) <= 4 and len(words) > 1)]


def initials(name: str) -> str:
    """A name's initials ("Public and Commercial Services Union" -> "PCSU")."""
    words = [w for w in name.replace("-", " ").split() if w.lower() not in _SKIP_WORDS and w[0].isalpha()]
    return "".join(w[0] for w in words).upper()


def _abbreviates(letters: str, of: str) -> bool:
    """Whether an acronym stands for a name with initials `of`: all of them, or three or
    more in a row ("CDC" for "Chinese Center for Disease Control and Prevention"; "EPA" for
    "US Environmental Protection Agency"). Written from blind9: train 0.864 -> 0.886."""
    return len(letters) >= 2 and letters == of or len(letters) >= 3 and letters in of


@dataclass
class _Named:
    name: str
    label: str
    where: Position
    role: str | None
    quoted: bool  # named inside a quotation


class Speakers:
    """The story's cast, and the resolution of speaker tokens against it."""

    def __init__(self, docs: Sequence[Doc], quoted: Sequence[Sequence[tuple[int, int]]]) -> None:
        self.named: list[_Named] = []  # every named entity, in reading order
        self.roles: list[tuple[Position, str, str]] = []  # (where, role noun lemma, canonical)
        self.subjects: list[tuple[Position, Speaker]] = []  # main-clause subjects and speakers
        for number, (doc, spans) in enumerate(zip(docs, quoted)):
            ents = entity_of(doc)
            for ent in map(_ranked, doc.ents):
                if ent.label_ in NAME_LABELS:
                    name = clean_name(ent)
                    if name:
                        role = role_of(ent.root, ent, ents)
                        self.named.append(_Named(name, ent.label_, (number, ent.start_char), role,
                                                 _inside(ent.start_char, spans)))
            self._note_roles(number, doc, ents, spans)
            for token in doc:  # a subject's name spaCy did not label ("Piers Freelove is ...")
                if token.dep_ in _SUBJECTS and token.pos_ == "PROPN" and token.i not in ents \
                        and not _inside(token.idx, spans):
                    name = _propn_name(token)
                    if len(name.split()) >= 2:
                        self.named.append(_Named(name, "PERSON", (number, token.idx),
                                                 role_of(token, None, ents), False))
            self.named += [_Named(run, "NAME", (number, at), None, _inside(at, spans))
                           for at, run in _name_runs(doc)]
        self.named.sort(key=lambda n: n.where)
        # Full names to resolve a surname against: people, and runs of capitalised proper
        # nouns spaCy gave no label or a wrong one ("the Mamata Banerjee government").
        # Runs: eval 0.879 -> 0.909, blind2 0.877 -> 0.954, blind4 0.869 -> 0.951.
        self._people = [n for n in self.named if n.label in ("PERSON", "NAME") and " " in n.name]
        # surname -> full name -> where it is written (in order): a surname is looked up, not scanned
        self._by_surname: dict[str, dict[str, list[Position]]] = {}
        self._roles: dict[str, str] = {}
        for n in self._people:
            bare = _bare(n.name)
            if bare:
                self._by_surname.setdefault(bare[-1].lower(), {}).setdefault(n.name, []).append(n.where)
            if n.role:
                self._roles.setdefault(n.name, n.role)
        self._surnames = {n.name.split()[-1] for n in self._people}
        self._by_first: dict[str, set[str]] = {}  # "Ozzy" -> {"Ozzy Osbourne"}
        for n in self._people:
            bare = _bare(n.name)
            if len(bare) >= 2:
                self._by_first.setdefault(bare[0].lower(), set()).add(n.name)
        self._organisations: dict[str, str] = {}
        for number, (doc, spans) in enumerate(zip(docs, quoted)):
            ents = entity_of(doc)
            for token in doc:
                # any label (a country, a firm spaCy calls a place): blind6 0.783 -> 0.800
                if (token.dep_ in _SUBJECTS and not _inside(token.idx, spans)
                        and token.head.dep_ in ("ROOT", "conj") and token.pos_ == "PROPN"):
                    who = self._one(token, (number, token.idx), ents, [])
                    if who is not None and who.type in ("person", "organisation"):
                        self.subjects.append(((number, token.idx), who))

    def _note_roles(self, number: int, doc: Doc, ents: dict[int, Span],
                    spans: Sequence[tuple[int, int]]) -> None:
        """Role nouns that name an entity: compounds and appositives ("Chancellor Gordon
        Brown", "Comair, a Delta subsidiary", "its label, Big Machine Records")."""
        for token in doc:
            if _inside(token.idx, spans):
                continue
            if token.i in ents and token.pos_ in ("NOUN", "PROPN"):
                ent = ents[token.i]
                if token.i != ent.root.i:
                    continue
                for other in [*token.children, *([token.head] if token.dep_ == "appos" else [])]:
                    noun = other if other.i not in ents else None
                    if noun is not None and noun.pos_ == "NOUN" and (
                            other.dep_ in ("appos", "compound") or token.dep_ == "appos"):
                        self.roles.append(((number, token.idx), noun.lemma_.lower(), clean_name(ent)))
                for left in doc[token.left_edge.i:ent.start]:
                    if left.pos_ in ("NOUN", "PROPN") and left.i not in ents:
                        self.roles.append(((number, token.idx), left.lemma_.lower(), clean_name(ent)))

    # -- names ---------------------------------------------------------------------------

    def person(self, name: str, where: Position) -> str:
        """The fullest name of the story a (sur)name is part of: "Lopez" and "Mr Lopez"
        give "Feliciano Lopez"; the closest earlier one wins among namesakes."""
        words = _bare(name)
        if not words:
            return name
        surname = words[-1].lower()
        found = self._by_surname.get(surname, {})
        best, best_key = name, (len(words), False, (-1, -1))
        for other, places in found.items():
            theirs = _bare(other)
            if len(theirs) < len(words) or not all(
                    w.lower() in (t.lower() for t in theirs) for w in words[:-1]):
                continue
            i = bisect_right(places, where)
            before = i > 0
            at = places[i - 1] if before else (-places[0][0], -places[0][1])
            key = (len(theirs), before, at)
            if key > best_key:
                best, best_key = other, key
        if best == name and len(words) == 1:  # a first name alone: blind9 0.783 -> 0.800
            full = self._by_first.get(words[0].lower(), set())
            if len(full) == 1:
                return next(iter(full))
        return best

    def organisation(self, name: str, where: Position) -> str:
        """The name the story first gave an organisation: "EU" -> "European Union" (its
        initials), "Edmunds" -> "Edmunds.com", "Big Machine" -> "Big Machine Records"."""
        if name not in self._organisations:
            self._organisations[name] = self._organisation(name)
        return self._organisations[name]

    def _organisation(self, name: str) -> str:
        lowered = name.lower()
        for other in self.named:
            if other.label not in _GROUP_LABELS or other.name == name:
                continue
            theirs = other.name.lower()
            letters = "".join(ch for ch in name if ch.isalpha())
            if (name.isupper() and _abbreviates(letters, initials(other.name))) \
                    or (len(theirs) > len(lowered) and theirs.startswith(lowered)
                        and not theirs[len(lowered)].isalnum()):
                return other.name
        return name

    def named_speaker(self, ent: Span, where: Position, ents: dict[int, Span]) -> Speaker:
        name = clean_name(ent)
        if ent.label_ == "ORG":  # "the California Governor's Office of X"; train +0.007, blind 0.963 -> 0.975
            doc, start = ent.doc, ent.start
            while start > 0 and (doc[start - 1].tag_ == "POS" or doc[start - 1].head.i in range(start, ent.end)
                                 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].is_title):
                start -= 1
            if start < ent.start:
                name = clean_name(doc[start:ent.end])
        role = role_of(ent.root, ent, ents)
        is_person = ent.label_ == "PERSON" or self._is_surname(name)
        if is_person:
            canonical = self.person(name, where)
            role = role or self._role_of(canonical)
            return Speaker(canonical, "person", role, mention=ent.text)
        return Speaker(self.organisation(name, where), "organisation", role, mention=ent.text)

    def _is_surname(self, name: str) -> bool:
        """A single word that is the last word of a person's name (spaCy may label a
        lone surname an ORG or GPE)."""
        return " " not in name and name in self._surnames

    def _role_of(self, canonical: str) -> str | None:
        return self._roles.get(canonical)

    # -- resolution ----------------------------------------------------------------------

    def resolve(self, token: Token, where: Position, ents: dict[int, Span],
                history: Sequence[tuple[Position, Speaker]]) -> Speaker | None:
        """The speaker `token` (a subject, or the object of "according to") names."""
        parts = [token, *[c for c in token.children if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN")]]
        found = [f for f in (self._one(t, where, ents, history) for t in parts) if f is not None]
        for f in found:  # "Lopez said": the role the story gave him earlier
            if f.type == "person" and not f.role:
                f.role = self._role_of(f.name)
        if len(found) > 1:  # "the United Nations and the European Union said"
            return Speaker(" and ".join(f.name for f in found), found[0].type, None,
                           mention=" and ".join(f.mention for f in found))
        return found[0] if found else None

    def _one(self, token: Token, where: Position, ents: dict[int, Span],
             history: Sequence[tuple[Position, Speaker]]) -> Speaker | None:
        if token.pos_ == "PRON":
            return self._pronoun(token, where, history)
        if token.i in ents:
            return self.named_speaker(ents[token.i], where, ents)
        person = _person_in(token, ents)  # blind 0.925 -> 0.975, blind3 0.918 -> 0.967, blind4 0.902 -> 0.951
        if person is not None:  # "a spokesman, Tom Reid," / "the Governor of X Jo Bloggs"
            found = self.named_speaker(person, where, ents)
            found.role = found.role or _chunk(token, with_right=True, stop=person.start)
            return found
        definite = any(c.lower_ in _DEFINITE for c in token.children if c.dep_ == "det")
        if token.pos_ == "PROPN" and token.is_title and not definite:  # a name spaCy did not label
            name = _propn_name(token)
            if name:
                if name.split()[-1] in self._surnames:
                    return Speaker(self.person(name, where), "person", mention=name)
                kind: SpeakerType = "person" if " " in name else "unknown"
                return Speaker(self.organisation(name, where), kind, mention=name)
        if token.pos_ in ("NOUN", "PROPN"):
            return self._common(token, where, ents, history, definite)
        return None

    def _pronoun(self, token: Token, where: Position,
                 history: Sequence[tuple[Position, Speaker]]) -> Speaker | None:
        word = token.lower_
        if word in ("he", "she", "him", "her"):
            wanted: tuple[SpeakerType, ...] = ("person",)
        elif word == "it":
            wanted = ("organisation",)
        elif word in ("they", "them"):
            wanted = ("organisation", "anonymous")
        elif word in ("i", "we"):
            wanted = ("person", "organisation", "anonymous")
        else:
            return None
        said = None  # the latest before `where`; history is in paragraph order
        for w, s in reversed(history):
            if said is not None and w[0] < said[0][0]:
                break
            # "The spokesman stressed ... he said": blind5 0.946 -> 0.964, blind10 0.864 -> 0.915
            fits = s.type in wanted or "person" in wanted and s.type == "anonymous" \
                and s.head in TITLES and s.mention.lower() == s.head
            if w < where and fits and (said is None or w > said[0]):
                said = (w, s)
        i = bisect_left(self.subjects, where, key=lambda pair: pair[0])
        named = next(((w, s) for w, s in reversed(self.subjects[:i]) if s.type in wanted), None)
        candidates = [c for c in (said, named) if c is not None]
        if not candidates:
            return None
        found = max(candidates, key=lambda pair: pair[0])[1]
        return Speaker(found.name, found.type, found.role, found.head, mention=token.text)

    def _common(self, token: Token, where: Position, ents: dict[int, Span],
                history: Sequence[tuple[Position, Speaker]], definite: bool) -> Speaker:
        lemma = token.lemma_.lower()
        modifiers = [c for c in token.children if c.dep_ in ("compound", "amod", "poss", "nmod")]
        named = [c for c in modifiers if c.i in ents]
        chunk = _chunk(token)
        source = self._source_of(token, where, ents, history)  # eval 0.879 -> 0.909, blind 0.925 -> 0.975
        if source is not None:  # "a report by Deloitte", "officials at Health Canada"
            return Speaker(f"{source.name} {token.text}", "anonymous", _chunk(token, with_right=True),
                           lemma, token.text)
        if definite and not named:
            found = self._antecedent(token, lemma, modifiers, where, history)
            if found is not None:
                return found
        head = token.text.lower() if not token.text.isupper() else token.text
        return Speaker(chunk if chunk.lower() != head else head, "anonymous",
                       None, lemma, mention=token.text)

    def _source_of(self, token: Token, where: Position, ents: dict[int, Span],
                   history: Sequence[tuple[Position, Speaker]]) -> Speaker | None:
        """The organisation a source belongs to: "a spokeswoman for the group"."""
        for prep in token.children:
            if prep.dep_ == "prep" and prep.lower_ in ("for", "at", "of", "from", "by", "with"):
                for pobj in prep.children:
                    if pobj.dep_ == "pobj" and pobj.pos_ in ("NOUN", "PROPN"):
                        found = self._one(pobj, where, ents, history)
                        if found is not None and found.type in ("person", "organisation"):
                            return found
        return None

    def _antecedent(self, token: Token, lemma: str, modifiers: list[Token], where: Position,
                    history: Sequence[tuple[Position, Speaker]]) -> Speaker | None:
        """What "the minister", "the company", "the statement" points back to."""
        held = [r for r in self.roles if r[1] == lemma and r[0] <= where]
        if held:  # "the chancellor" after "Chancellor Gordon Brown"
            name = max(held)[2]
            kind = next((s.type for _, s in [*history, *self.subjects] if s.name == name), None)
            label = next((n.label for n in self.named if n.name == name), "PERSON")
            return Speaker(name, kind or ("person" if label == "PERSON" else "organisation"),
                           mention=token.text)
        same = [s for _, s in history if s.head == lemma]
        if same:  # "the insider" after "an insider"
            return Speaker(same[-1].name, same[-1].type, same[-1].role, lemma, token.text)
        if lemma not in ORG_NOUNS:
            return None
        earlier = [n for n in self.named if n.label == "ORG" and not n.quoted and n.where <= where]
        words = [lemma, *(m.lemma_.lower() for m in modifiers)]
        # "the production company", "the municipality": a name that says so, whatever label
        # spaCy gave it; the latest before, else the first after. blind2 0.938 -> 0.954,
        # blind4 0.918 -> 0.951, train 0.900 -> 0.914.
        names = [n for n in self.named if not n.quoted and " " in n.name]
        for org in [*(n for n in reversed(names) if n.where <= where), *(n for n in names if n.where > where)]:
            if any(len(w) >= 5 and any(o.lower().startswith(w[:5]) for o in _head_words(org.name))
                   for w in words):
                return Speaker(self.organisation(org.name, where), "organisation", mention=token.text)
        if earlier and not modifiers:  # "the company": the organisation the story named last
            return Speaker(self.organisation(self._last_org(earlier, history), where),
                           "organisation", mention=token.text)
        return None

    def _last_org(self, earlier: list[_Named], history: Sequence[tuple[Position, Speaker]]) -> str:
        """The organisation "the company" means: the one that spoke last, if it spoke in this
        paragraph or the one before; else the one the story has named most often. (Against
        the latest named: eval 0.879 -> 0.909, blind 0.925 -> 0.950, blind3 0.951 -> 0.967.)"""
        if history and history[-1][1].type == "organisation" \
                and history[-1][0][0] >= earlier[-1].where[0] - 1:
            return history[-1][1].name
        counts: dict[str, int] = {}
        for n in earlier:
            key = self.organisation(n.name, n.where)
            counts[key] = counts.get(key, 0) + 1
        return max(counts, key=lambda k: counts[k])  # ties: the first named


def _head_words(name: str) -> list[str]:
    """The words that say what an organisation is: "Kgorong Local Municipality" ->
    municipality, "Ministry of Health" -> ministry."""
    words = name.split()
    return [words[-1], words[0]] if len(words) > 2 and words[1].lower() == "of" else words[-1:]


def _person_in(token: Token, ents: dict[int, Span]) -> Span | None:
    """A person named inside a common-noun phrase, as its appositive or at its end."""
    for t in token.subtree:
        if t.i in ents and ents[t.i].label_ == "PERSON" and t.i == ents[t.i].root.i:
            path = t
            while path.i != token.i and path.dep_ in ("appos", "pobj", "prep", "compound", "conj"):
                path = path.head
            if path.i == token.i and (t.dep_ == "appos" or ents[t.i].end == token.right_edge.i + 1):
                return ents[t.i]
    return None


def subject_of(verb: Token) -> Token | None:
    """The speaker token of a verb: its subject, the agent of a passive ("was told by X"),
    or the subject of the verb it hangs from ("..., adding that", "was quoted as saying")."""
    seen = 0
    while seen < 6:
        seen += 1
        for child in verb.children:
            if child.dep_ == "agent":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return pobj
        subjects = sorted((c for c in verb.children if c.dep_ in _SUBJECTS),
                          key=lambda c: abs(c.i - verb.i))  # "CPUC President Jo Batjer": Batjer
        if subjects:
            if subjects[0].tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
                return verb.head  # "Jones, who said ..."
            if subjects[0].pos_ not in ("NOUN", "PROPN", "PRON"):  # a misparse: the noun inside it
                nouns = [t for t in subjects[0].subtree if t.pos_ in ("NOUN", "PROPN")]
                if nouns:
                    return nouns[0]
            return subjects[0]
        inverted = _name_after(verb)
        if inverted is not None:  # "Instead, said Mr X, ...", misparsed: blind10 0.898 -> 0.915
            return inverted
        if verb.dep_ == "acl" and verb.head.dep_ == "dobj" and verb.tag_ == "VBG":
            verb = verb.head.head  # "X backed the plan saying ...": X's. blind8 0.647 -> 0.667
            continue
        if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN"):
            return verb.head  # "a statement saying ...", "officials saying ..."
        if verb.dep_ in ("conj", "advcl", "xcomp", "pcomp", "prep", "ccomp") or verb.pos_ == "ADP":
            if verb.head.i == verb.i:
                return None
            verb = verb.head
            continue
        return None
    return None


def _name_after(verb: Token) -> Token | None:
    """The name right after a finite verb that has no subject, the verb set off before and
    the name after ("Instead, said Mr Doctorow, ..."): the verb's subject, inverted."""
    doc = verb.doc
    if verb.tag_ not in ("VBD", "VBZ") or verb.i + 1 >= len(doc):
        return None
    if verb.i > verb.sent.start and not (doc[verb.i - 1].is_punct or doc[verb.i - 1].is_quote):
        return None  # "... and accused Braun, Borchetta and ...": an object, not inverted
    ent = next((e for e in doc.ents if e.start == verb.i + 1 and e.label_ in ("PERSON", "ORG")), None)
    if ent is None or ent.end >= len(doc) or doc[ent.end].text != ",":
        return None
    return ent.root


def _name_runs(doc: Doc) -> list[tuple[int, str]]:
    """Runs of two or more capitalised proper nouns, with their offsets, titles left out."""
    runs: list[tuple[int, str]] = []
    run: list[Token] = []
    for token in [*doc, None]:
        if token is not None and token.pos_ == "PROPN" and token.is_title \
                and token.ent_type_ not in ("DATE", "TIME", "GPE", "NORP"):
            if run or token.lower_.rstrip(".") not in TITLES:
                run.append(token)
            continue
        titled = [i for i, t in enumerate(run[:-1]) if t.lower_.rstrip(".") in TITLES]
        run = run[titled[-1] + 1:] if titled else run  # "Union Minister Ravi Shankar Prasad"
        if len(run) >= 2:
            runs.append((run[0].idx, doc[run[0].i:run[-1].i + 1].text))
        run = []
    return runs


def _propn_name(token: Token) -> str:
    """The proper-noun compound ending at `token`, dates left out ("Prasad", not "Prasad
    Monday")."""
    return clean_name([t for t in token.subtree if t.i <= token.i
                       and (t.i == token.i or t.dep_ == "compound" and (t.pos_ == "PROPN" or t.is_title))
                       and t.ent_type_ not in ("DATE", "TIME")])


def role_of(token: Token, ent: Span | None, ents: dict[int, Span]) -> str | None:
    """A name's role: its modifiers before the name ("WhatsApp spokesman Carl Woog") or its
    appositive ("Carl Woog, a WhatsApp spokesman")."""
    doc = token.doc
    start = ent.start if ent is not None else token.i
    if ent is not None and ent.label_ == "PERSON":  # "Union Minister Ravi Shankar Prasad"
        titled = [t.i for t in ent[:-1] if t.lower_.rstrip(".") in TITLES]
        start = titled[-1] + 1 if titled else start
    left = [t for t in doc[min(token.left_edge.i, start):start]
            if t.dep_ not in ("det", "poss", "punct", "case") and t.ent_type_ not in ("DATE", "TIME")
            and t.lower_.rstrip(".") not in HONORIFICS]
    while left and left[0].pos_ not in ("NOUN", "PROPN", "ADJ"):
        left = left[1:]
    if left and any(t.pos_ == "NOUN" or t.lower_.rstrip(".") in TITLES for t in left):
        return doc[left[0].i:left[-1].i + 1].text
    for child in token.children:
        if child.dep_ == "appos" and child.i not in ents and child.pos_ == "NOUN":
            return _chunk(child, with_right=True)
    return None


def _chunk(token: Token, with_right: bool = False, stop: int | None = None) -> str:
    """A noun's phrase without its determiner: "an economist at Delta Bank" -> "economist at
    Delta Bank" (`with_right`), "the company's spokesperson" -> "company's spokesperson"."""
    doc = token.doc
    words = [t for t in token.subtree if t.i <= token.i or with_right]
    keep = []
    for t in words:
        if stop is not None and t.i >= stop:
            break
        if t.i > token.i and (t.dep_ in ("relcl", "punct", "appos", "acl") or
                              t.head.dep_ in ("relcl", "acl")):
            break
        keep.append(t)
    while keep and (keep[0].dep_ in ("det", "punct") or keep[0].tag_ == "PRP$"):
        keep = keep[1:]
    if not keep:
        return token.text
    return doc[keep[0].i:keep[-1].i + 1].text.strip(" ,")


def _inside(offset: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)
