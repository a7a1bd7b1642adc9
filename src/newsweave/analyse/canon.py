"""Canonical entities: the name variants of one person, place or organisation merged into one.

``canonicalise(analyses)`` works on one article or a whole story:

1. mentions with the same normalised name form one cluster (case, accents, hyphens, "the" ignored);
2. a person's shorter names join the full name that contains them ("Tokayev", "President
   Tokayev" (its title is a role, not part of the name) → "Kassym-Jomart Tokayev"); when two full
   names share the short one, the full name seen in the same articles wins, and a tie merges nothing;
3. an unknown organisation or place whose name ends in a person's surname is that person (the model
   tags "Kassym-Jomart Tokayev" ORG as often as PERSON);
4. an acronym joins the organisation whose initials it spells ("OIC");
5. ``known`` entities (from earlier stories) lend their full names to short ones, so ids agree.

Each cluster's type is a vote of its mentions (a titled person counts thrice). Entity ids are
``type:slug-of-canonical-name``, so the same entity gets the same id in every story.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from ..model import Analysis, Entity, Mention
from . import lexicon as lx
from .gazetteer import gazetteer, norm

NOT_ENTITIES = frozenset({"date", "time", "duration"})
# Types that come from the statistical model alone (gazetteer and pattern types are kept as found).
MODEL_TYPES = frozenset({"person", "organisation", "place", "group"})
SMALL_WORDS = frozenset({"of", "the", "and", "for", "on", "in", "&", "de"})


def entity_id(type_: str, name: str) -> str:
    """A stable id: the same type and canonical name give the same id in any story."""
    slug = re.sub(r"[^a-z0-9]+", "-", norm(name)).strip("-") or "x"
    return f"{type_}:{slug}"


class _Cluster:
    def __init__(self, key: str):
        self.key = key
        self.mentions: list[Mention] = []
        self.parent: _Cluster | None = None

    def root(self) -> _Cluster:
        c = self
        while c.parent is not None:
            c = c.parent
        return c

    @property
    def tokens(self) -> list[str]:
        return self.key.split()

    def names(self) -> Counter[str]:
        return Counter(m.canonical or m.text for m in self.mentions)

    def articles(self) -> set[str]:
        return {m.article for m in self.mentions}

    def vote(self) -> str:
        votes: Counter[str] = Counter()
        for m in self.mentions:
            votes[m.type] += 3 if m.role else 1
        return votes.most_common(1)[0][0]


def canonicalise(analyses: Iterable[Analysis], known: Iterable[Entity] = ()) -> list[Entity]:
    """The entities of ``analyses``, with each mention's ``entity`` and ``canonical`` filled in."""
    mentions = [m for an in analyses for m in an.mentions if m.type not in NOT_ENTITIES]
    clusters: dict[str, _Cluster] = {}
    for m in mentions:
        key = norm(m.canonical or m.text)
        if key:
            clusters.setdefault(key, _Cluster(key)).mentions.append(m)
    types = {key: c.vote() for key, c in clusters.items()}
    _link_persons(clusters, types)
    _link_acronyms(clusters, types)
    groups: dict[str, list[_Cluster]] = defaultdict(list)
    for c in clusters.values():
        groups[c.root().key].append(c)
    known_by_key = _known_index(known)
    entities = [_entity(members, types, known_by_key) for members in groups.values()]
    entities.sort(key=lambda e: (-len(e.articles), e.type, e.name))
    return entities


def _link_persons(clusters: dict[str, _Cluster], types: dict[str, str]) -> None:
    persons = sorted((c for c in clusters.values() if types[c.key] == "person"),
                     key=lambda c: -len(c.tokens))
    gaz = gazetteer()
    # An unknown multi-word organisation/place ending in a known surname is that person.
    surnames = {c.tokens[-1] for c in persons}
    for c in clusters.values():
        if types[c.key] in ("organisation", "place", "group") and len(c.tokens) >= 2 \
                and c.tokens[-1] in surnames and gaz.lookup(c.key) is None \
                and not any(t in lx.ORG_WORDS for t in c.tokens):
            types[c.key] = "person"
            persons.append(c)
    persons.sort(key=lambda c: -len(c.tokens))
    for short in persons:
        candidates = [long for long in persons
                      if len(long.tokens) > len(short.tokens) and _contains(long.tokens, short.tokens)]
        target = _best(short, candidates)
        if target is not None and target.root() is not short.root():
            short.root().parent = target.root()


def _contains(long: list[str], short: list[str]) -> bool:
    n = len(short)
    return any(long[i:i + n] == short for i in range(len(long) - n + 1))


def _best(short: _Cluster, candidates: list[_Cluster]) -> _Cluster | None:
    """The full name a short one stands for: unique, else the one sharing most articles."""
    roots = {c.root().key: c.root() for c in candidates}
    if len(roots) <= 1:
        return next(iter(roots.values()), None)
    arts = short.articles()
    scored = sorted(((len(arts & _group_articles(r, candidates)), r.key) for r in roots.values()), reverse=True)
    if scored[0][0] > scored[1][0]:
        return roots[scored[0][1]]
    return None


def _group_articles(root: _Cluster, candidates: list[_Cluster]) -> set[str]:
    out: set[str] = set()
    for c in candidates:
        if c.root() is root:
            out |= c.articles()
    return out


def _link_acronyms(clusters: dict[str, _Cluster], types: dict[str, str]) -> None:
    orgs = [c for c in clusters.values() if types[c.key] == "organisation" and len(c.tokens) >= 2]
    initials = {"".join(t[0] for t in c.tokens if t not in SMALL_WORDS): c for c in orgs}
    for c in clusters.values():
        raw = next(iter(c.names()))
        if types[c.key] == "organisation" and raw.replace(".", "").isupper() and 2 <= len(raw) <= 6:
            target = initials.get(c.key.replace(" ", ""))
            if target is not None and target.root() is not c.root():
                c.root().parent = target.root()


def _known_index(known: Iterable[Entity]) -> dict[str, Entity]:
    index: dict[str, Entity] = {}
    for e in known:
        for form in [e.name, *e.aliases]:
            index.setdefault(norm(form), e)
    return index


def _entity(members: list[_Cluster], types: dict[str, str], known: dict[str, Entity]) -> Entity:
    mentions = [m for c in members for m in c.mentions]
    votes: Counter[str] = Counter()
    for c in members:
        votes[types[c.key]] += len(c.mentions)
    type_ = votes.most_common(1)[0][0]
    names: Counter[str] = Counter()
    for c in members:
        names.update(c.names())
    # The fullest form is the name: most words, then most often written.
    name = max(names, key=lambda n: (len(norm(n).split()), names[n], n))
    match = known.get(norm(name))
    if match is not None and match.type == type_:
        name = match.name
    eid = entity_id(type_, name)
    for m in mentions:
        m.entity, m.canonical = eid, name
        if m.type in MODEL_TYPES and type_ in MODEL_TYPES:  # the model's stray "ORG" for a person
            m.type = type_
    aliases = sorted(({" ".join(m.text.split()) for m in mentions} | set(names)) - {name})  # (a line break inside a name)
    roles = _roles([m.role for m in mentions if m.role])
    articles = list(dict.fromkeys(m.article for m in mentions))
    return Entity(eid, name, type_, aliases, roles, articles)


def _roles(roles: list[str]) -> list[str]:
    """Distinct roles, dropping one another states more fully ("President" ⊂ "President of Kazakhstan")."""
    distinct = list(dict.fromkeys(roles))
    out = []
    for r in distinct:
        low = r.lower()
        if any(low != o.lower() and low in o.lower() for o in distinct):
            continue
        if low not in (o.lower() for o in out):
            out.append(r)
    return out
