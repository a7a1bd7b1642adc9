"""Who did what to whom: events read off the dependency parse.

The typology is small and in the spirit of CAMEO / PLOVER. Each action is triggered by verbs
(any inflection) or by a "light" verb with an event noun ("held talks", "began his visit",
"rolled out a welcome"):

=============  ==================================================================================
action         triggers
=============  ==================================================================================
visit          visit, arrive, tour, travel · noun: visit, trip, tour
host           receive, host, welcome, greet · noun: welcome, reception
meet           meet · noun: meeting, summit
talks          talk, discuss, negotiate, "confer with" · noun: talks, discussions, negotiations
agree          agree, sign, ink, ratify, pledge · noun: agreement, deal, accord
award          confer (an honour on), award, bestow, decorate, honour
announce       announce, declare, confirm, unveil
say            say, tell, state, add, stress, note, highlight · noun: speech, statement
support        support, back, endorse, praise, hail
cooperate      cooperate, collaborate, partner
demand         demand, urge, press, call on
criticise      criticise, condemn, denounce, slam, accuse, blame
reject         reject, refuse, deny, veto, oppose
threaten       threaten, warn
protest        protest, demonstrate, rally
sanction       sanction, ban, expel, embargo
attack         attack, bomb, strike, shell, raid, invade, shoot, storm · noun: attack, raid
arrest         arrest, detain, capture, apprehend
charge         charge, indict, sue, prosecute, convict, sentence
kill           kill, murder, assassinate, execute, slay
injure         injure, wound
appoint        appoint, nominate, elect, name
resign         resign, quit
dismiss        dismiss, sack, oust, fire (a person)
die            die
rob            rob, steal, loot
seize          seize, hijack
sink           sink, scuttle, torpedo ("the ferry sank": the ferry is the target, with no actor)
release        release, free
aid            aid, help, donate, fund
=============  ==================================================================================

Arguments: the actor is the subject (or the "by" agent of a passive; a verb with no subject of its
own borrows its governor's: "is expected to meet"), the target the object, or the "with"/"on"/"to"
phrase the action takes ("talks with X", "confer … on X", "visit to X"). Each is resolved to the
canonical name of the entity mention it heads; a title with a country ("the presidents of
Kazakhstan and Uzbekistan", "the Uzbek president") resolves to the person holding that role in
the article, or to the role itself. Place is a city/place/country under "in"/"at"; date is a
resolved date in the clause. ``merge_events`` merges one event told by several articles.
"""
from __future__ import annotations

from collections.abc import Iterable

from ..model import Analysis, Event, SourceSpan
from . import lexicon as lx
from .gazetteer import norm

VERBS = {
    "visit": "visit arrive tour travel", "host": "receive host welcome greet", "meet": "meet",
    "talks": "talk discuss negotiate", "agree": "agree sign ink ratify pledge",
    "award": "award bestow decorate honour honor confer", "announce": "announce declare confirm unveil",
    "say": "say tell state add stress note highlight", "support": "support back endorse praise hail",
    "cooperate": "cooperate collaborate partner", "demand": "demand urge press",
    "criticise": "criticise criticize condemn denounce slam accuse blame",
    "reject": "reject refuse deny veto oppose", "threaten": "threaten warn",
    "protest": "protest demonstrate rally", "sanction": "sanction ban expel embargo",
    "attack": "attack bomb strike shell raid invade shoot storm", "arrest": "arrest detain capture apprehend",
    "charge": "charge indict sue prosecute convict sentence", "kill": "kill murder assassinate execute slay",
    "injure": "injure wound", "appoint": "appoint nominate elect", "resign": "resign quit",
    "dismiss": "dismiss sack oust fire", "die": "die", "rob": "rob steal loot", "seize": "seize hijack",
    "sink": "sink scuttle torpedo",
    "release": "release free", "aid": "aid help donate fund",
}
NOUNS = {
    "visit": "visit visits trip trips tour", "host": "welcome reception", "meet": "meeting meetings summit",
    "talks": "talks discussions negotiations dialogue", "agree": "agreement agreements deal accord",
    "say": "speech statement remarks", "attack": "attack attacks raid raids",
}
LIGHT_VERBS = frozenset("""hold have conduct begin start pay make roll accord give extend undertake deliver
launch continue complete end conclude open kick wrap host""".split())
IRREGULAR = {
    "meet": ["met"], "hold": ["held"], "say": ["said"], "tell": ["told"], "shoot": ["shot"],
    "strike": ["struck", "stricken"], "begin": ["began", "begun"], "make": ["made"], "pay": ["paid"],
    "give": ["gave", "given"], "undertake": ["undertook", "undertaken"], "slay": ["slew", "slain"],
    "quit": ["quit"], "die": ["died", "dying"], "steal": ["stole", "stolen"], "sink": ["sank", "sunk"],
    "have": ["had", "has"], "send": ["sent"], "lead": ["led"], "deny": ["denied"],
}
# Prepositions that carry the target, per action (before the direct object is tried).
TARGET_PREPS = {"meet": ("with",), "talks": ("with",), "agree": ("with",), "award": ("on", "upon", "to"),
                "visit": ("to", "in"), "host": ("for",), "cooperate": ("with",), "aid": ("to",),
                "demand": ("on",), "protest": ("against",), "sanction": ("on", "against")}
SPEECH_VERBS = frozenset({"say", "tell", "state"})
NO_TARGET = frozenset({"say", "announce", "resign", "die"})
UNACCUSATIVE = frozenset({"sink"})  # without an object, the subject is what the action befell
# What sinks in a news event: "the ferry MV Sewol sank", "HMS Conqueror sank the cruiser Belgrano".
VESSELS = frozenset("""ship ships ferry ferries boat boats vessel vessels tanker tankers submarine submarines
cruiser cruisers frigate frigates destroyer destroyers warship warships yacht yachts trawler trawlers freighter
freighters barge barges dhow dhows carrier carriers liner liners steamer steamers tug tugboat schooner
corvette corvettes dinghy catamaran""".split())
SHIP_PREFIXES = frozenset("mv ms hms uss rms ss ins mt fv ships hmas hmcs".split())


def _vessel(verb) -> bool:
    """Whether the subject or object of ``verb`` (its own, or the clause's it hangs on) is a ship."""
    heads = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")]
    if verb.dep_ in ("conj", "relcl", "xcomp"):
        heads.append(verb.head)
        heads += [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    return any(t.lower_ in VESSELS or t.lower_.rstrip(".") in SHIP_PREFIXES for h in heads for t in h.subtree)


ENTITY_TYPES = frozenset({"person", "country", "city", "place", "organisation", "group", "event", "law",
                          "award"})
AGENTS = frozenset({"person", "country", "city", "organisation", "group"})
PERSONS = frozenset({"person"})
PLACE_ORDER = {"city": 0, "place": 1, "country": 2}


def _forms(verb: str) -> set[str]:
    """A verb's inflections (generous: over-generated forms never occur in text)."""
    out = {verb, *IRREGULAR.get(verb, [])}
    cons = len(verb) > 2 and verb[-2] not in "aeiou"
    out.add(verb + "es" if verb.endswith(("s", "sh", "ch", "x", "z")) else
            verb[:-1] + "ies" if verb.endswith("y") and cons else verb + "s")
    if verb.endswith("e"):
        out |= {verb + "d", verb[:-1] + "ing"}
    elif verb.endswith("y") and cons:
        out |= {verb[:-1] + "ied", verb + "ing"}
    else:
        out |= {verb + "ed", verb + verb[-1] + "ed", verb + "ing", verb + verb[-1] + "ing"}
    return out


VERB_ACTION = {form: (action, base) for action, verbs in VERBS.items()
               for base in verbs.split() for form in _forms(base)}
NOUN_ACTION = {noun: action for action, nouns in NOUNS.items() for noun in nouns.split()}
LIGHT_FORMS = frozenset(form for v in LIGHT_VERBS for form in _forms(v))
TRIGGER_FORMS = frozenset(VERB_ACTION) | LIGHT_FORMS


# A verb governing the trigger this way says its action did not happen: "refused to meet",
# "failed to reach", "declined to sign" (the refusal itself is a "reject" event of its own).
NOT_DONE = frozenset({"refuse", "decline", "fail", "deny", "avoid", "reject"})
NEGATORS = frozenset({"not", "n't", "never", "no"})
# Subjects that strike or storm without attacking anyone: "the quake struck southern Iran"
HAZARDS = frozenset("""quake earthquake tremor aftershock storm hurricane typhoon cyclone tornado flood
lightning wildfire fire tsunami landslide avalanche eruption drought heatwave wave blizzard""".split())
NOT_DONE_FORMS = frozenset(form for v in NOT_DONE for form in _forms(v))


class Context:
    """What event extraction needs of one analysed document."""

    def __init__(self, doc, analysis: Analysis, token_mention: dict, token_date: dict):
        self.doc = doc
        self.analysis = analysis
        self.token_mention = token_mention  # token index -> Mention
        self.token_date = token_date  # token index -> DateMention
        self.roles = [(m.role.lower(), m.canonical) for m in analysis.mentions if m.role and m.canonical]


def extract_events(ctx: Context) -> list[Event]:
    """The events of one document, one per (actor, action, target), in text order."""
    events: dict[tuple, Event] = {}
    for i in lx.positions(ctx.doc, TRIGGER_FORMS):
        tok = ctx.doc[i]
        trigger = _trigger(tok)
        if trigger is None:
            continue
        action, verb, noun = trigger
        if _denied(verb, noun) or action == "attack" and _natural_subject(verb):
            continue
        actors, targets = _arguments(ctx, action, verb, noun)
        if action == "sink" and not _vessel(verb):
            continue  # "shares sank 12%", "sank a free kick": no ship
        if action == "dismiss" and verb.lower_.startswith("fir") \
                and not any(_is_agent(ctx, t, PERSONS) for t in targets):
            continue  # "fired tear gas", "fired at protesters": no dismissal
        if action == "host" and verb.lower_.startswith("welcom") and noun is None \
                and not any(_is_agent(ctx, t) for t in targets):
            action = "support"  # welcoming a decision or an agreement, not a guest
        if not actors and not targets or (action in ("say", "announce") and not actors):
            continue
        place = _place(ctx, verb, noun, targets if action == "visit" else [])
        date = _date(ctx, verb)
        source = _source(ctx, verb)
        for actor in actors or [None]:
            for target in targets or [None]:
                if actor is not None and actor == target:
                    continue
                key = (actor, action, target)
                if key in events:
                    _absorb(events[key], Event(actor, action, target, place, date, [source]))
                else:
                    events[key] = Event(actor, action, target, place, date, [source])
    return list(events.values())


def _denied(verb, noun) -> bool:
    """Whether the clause says the action did not happen: "did not meet", "never visited",
    "refused to meet", "held no talks"."""
    if noun is not None and any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children):
        return True
    tok = verb
    for _ in range(3):
        if any(c.dep_ == "neg" or c.lower_ in NEGATORS and c.dep_ == "advmod" for c in tok.children):
            return True
        if tok.dep_ != "xcomp" or tok.head.i == tok.i:
            return False
        tok = tok.head
        if tok.lower_ in NOT_DONE_FORMS:
            return True
    return False


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _natural_subject(verb) -> bool:
    subj = _child(verb, ("nsubj",))
    if subj is not None and subj.lower_ in ("which", "that") and verb.dep_ == "relcl":
        subj = verb.head  # "the quake, which struck…"
    return subj is not None and _singular(subj.lower_) in HAZARDS


def _is_agent(ctx: Context, name: str, types: frozenset[str] = AGENTS) -> bool:
    return any(m.canonical == name and m.type in types for m in ctx.analysis.mentions)


def _trigger(tok) -> tuple[str, object, object] | None:
    """(action, verb token, event-noun token or None) when ``tok`` triggers an event."""
    low = tok.lower_
    if tok.pos_ == "VERB" and low in LIGHT_FORMS:
        for child in tok.children:
            if child.dep_ == "dobj" and child.lower_ in NOUN_ACTION:
                return NOUN_ACTION[child.lower_], tok, child
        if low in VERB_ACTION and VERB_ACTION[low][1] not in LIGHT_VERBS:
            return VERB_ACTION[low][0], tok, None
        if tok.lower_ in ("received", "receive", "receives", "receiving", "hosted", "hosts", "host", "hosting"):
            return "host", tok, None
        return None
    if tok.pos_ == "VERB" and low in VERB_ACTION:
        action, base = VERB_ACTION[low]
        if base == "confer" and _child(tok, ("dobj",)) is None \
                and any(c.dep_ == "prep" and c.lower_ == "with" for c in tok.children):
            action = "talks"  # "conferred with", not "conferred an honour on"
        if action == "say" and base not in SPEECH_VERBS and _child(tok, ("ccomp",)) is None:
            return None  # "highlighting the desire" is no statement; "highlighted that …" is
        return action, tok, None
    return None


def _arguments(ctx: Context, action: str, verb, noun) -> tuple[list[str], list[str]]:
    subj = _child(verb, ("nsubj",))
    passive = _child(verb, ("nsubjpass",))
    if passive is not None and subj is None:
        agent = _child(verb, ("agent",))
        actor_tok = _child(agent, ("pobj",)) if agent is not None else None
        target_tok = passive
    else:
        actor_tok = subj if subj is not None else _inherited_subject(verb)
        if actor_tok is not None and actor_tok.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
            actor_tok = verb.head  # "Erdogan, who met Putin in Sochi": Erdogan met him
        target_tok = None
        if action in UNACCUSATIVE and _child(verb, ("dobj",)) is None:
            actor_tok, target_tok = None, actor_tok  # "the ferry (, which) sank": what sank is no actor
    targets: list[str] = []
    if action not in NO_TARGET:
        for head in ([noun] if noun is not None else []) + [verb]:
            for prep in head.children:
                if prep.dep_ == "prep" and prep.lower_ in TARGET_PREPS.get(action, ()):
                    obj = _child(prep, ("pobj",))
                    if obj is not None:
                        targets += _names(ctx, obj)
        if not targets and target_tok is None:
            target_tok = _child(verb, ("dobj", "dative", "iobj")) if noun is None else None
        if not targets and target_tok is not None:
            targets = _names(ctx, target_tok)
    actors = _names(ctx, actor_tok) if actor_tok is not None else []
    return actors, list(dict.fromkeys(targets))


def _child(tok, deps: tuple[str, ...]):
    """The child of ``tok`` with one of ``deps`` nearest to it."""
    found = [c for c in tok.children if c.dep_ in deps]
    return min(found, key=lambda c: abs(c.i - tok.i)) if found else None


def _inherited_subject(verb):
    """"Tokayev is expected to meet …": the subject of the governing verb."""
    tok = verb
    for _ in range(3):
        if tok.dep_ not in ("xcomp", "conj", "advcl", "pcomp") or tok.head.i == tok.i:
            return None
        tok = tok.head
        found = _child(tok, ("nsubj", "nsubjpass"))
        if found is not None:
            return found
    return None


def _names(ctx: Context, tok) -> list[str]:
    """The canonical names a noun phrase headed by ``tok`` refers to (conjuncts included)."""
    out: list[str] = []
    for head in [tok, *[c for c in tok.conjuncts if c.i > tok.i]]:
        out += _name(ctx, head)
    return list(dict.fromkeys(out))


def _name(ctx: Context, tok) -> list[str]:
    m = ctx.token_mention.get(tok.i)
    if m is not None and m.type in ENTITY_TYPES:
        return [m.canonical or m.text]
    if tok.lower_.rstrip("s") in lx.TITLE_HEADS or tok.lower_ in lx.TITLE_HEADS:
        roles = _titled(ctx, tok)
        if roles:
            return roles
    if tok.pos_ == "PRON":
        return []
    if _singular(tok.lower_) in PERSON_NOUNS:
        # "a Vancouver man was charged": the man, whom no name gives, not the city he is from
        return []
    near = sorted((abs(t.i - tok.i), t.i) for t in tok.subtree
                  if t.i in ctx.token_mention and ctx.token_mention[t.i].type in ENTITY_TYPES
                  and not _where(t, tok))
    if near:
        m = ctx.token_mention[near[0][1]]
        return [m.canonical or m.text]
    return []


PERSON_NOUNS = frozenset("""man woman boy girl teenager teen child resident father mother son daughter husband
wife driver suspect gunman victim student worker couple person people""".split())
CLAUSES = frozenset({"relcl", "acl", "ccomp", "advcl", "xcomp"})
SYMMETRIC = frozenset({"meet", "talks", "cooperate"})  # X with Y is Y with X
LOCATIVE = frozenset({"in", "at", "near", "across", "around", "outside", "inside", "off", "on"})


def _where(t, head) -> bool:
    """Whether ``t`` sits in a place phrase of ``head``'s noun phrase ("flooding *in Valencia*"):
    a place that says where, not who acted."""
    while t.i != head.i and t.head.i != t.i:
        if t.dep_ == "pobj" and t.head.lower_ in LOCATIVE or t.dep_ in CLAUSES:
            return True  # (or inside a clause of its own: "the proposal to restore what the Bush
            # administration undermined" is no proposal by or of Bush)
        t = t.head
    return False


def _titled(ctx: Context, tok) -> list[str]:
    """"the presidents of Kazakhstan and Uzbekistan" → the people holding those roles (or the roles)."""
    title = lx.title_case(tok.lower_[:-1] if tok.lower_.endswith("s") and tok.lower_[:-1] in lx.TITLE_HEADS
                          else tok.lower_)
    countries = []
    for c in tok.children:
        m = ctx.token_mention.get(c.i)
        if c.dep_ in ("amod", "compound", "poss", "nmod") and m is not None and m.type == "country":
            countries.append(m.canonical or m.text)
        if c.dep_ == "prep" and c.lower_ == "of":
            obj = _child(c, ("pobj",))
            for o in ([obj, *obj.conjuncts] if obj is not None else []):
                mo = ctx.token_mention.get(o.i)
                if mo is not None and mo.type == "country":
                    countries.append(mo.canonical or mo.text)
    out = []
    for country in countries:
        role = lx.of_country(title, country)
        holder = next((name for r, name in ctx.roles
                       if r == role.lower() or (title.lower() in r and country.lower() in r)), None)
        out.append(holder or role)
    return out


def _clause(verb):
    """Tokens of ``verb``'s own clause: its subtree less the clauses of other verbs inside it."""
    for tok in verb.subtree:
        t = tok
        while t.i != verb.i and t.head.i != t.i:
            if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass", "amod"):
                break
            t = t.head
        if t.i == verb.i:
            yield tok


def _place(ctx: Context, verb, noun, exclude: list[str]) -> str | None:
    best = None
    for tok in _clause(verb):
        m = ctx.token_mention.get(tok.i)
        if m is None or m.type not in PLACE_ORDER or tok.dep_ != "pobj" or tok.head.lower_ not in ("in", "at"):
            continue
        name = m.canonical or m.text
        if name in exclude:
            continue
        if best is None or PLACE_ORDER[m.type] < best[0]:
            best = (PLACE_ORDER[m.type], name)
    return best[1] if best else None


def _date(ctx: Context, verb) -> str | None:
    for tok in _clause(verb):
        d = ctx.token_date.get(tok.i)
        if d is not None and d.value:
            return d.value
    return None


def _source(ctx: Context, verb) -> SourceSpan:
    article = ctx.analysis.article
    start, _ = article.original_span(verb.idx, verb.idx + len(verb))
    for s in ctx.analysis.sentences:
        if s.start <= start < s.end:
            return SourceSpan(article.id, s.start, s.end, s.text, article.outlet)
    sent = verb.sent
    s, e = article.original_span(sent.start_char, sent.end_char)
    return SourceSpan(article.id, s, e, article.text[s:e], article.outlet)


def _absorb(into: Event, other: Event) -> None:
    into.place = into.place or other.place
    into.date = into.date or other.date
    seen = {(s.article, s.start) for s in into.sources}
    into.sources += [s for s in other.sources if (s.article, s.start) not in seen]


def merge_events(analyses: Iterable[Analysis]) -> list[Event]:
    """A story's events: one per (actor, action, target) with names canonical across its articles."""
    from .canon import canonicalise

    analyses = list(analyses)
    names: dict[str, str] = {}
    for entity in canonicalise(analyses):
        for form in [entity.name, *entity.aliases]:
            names.setdefault(norm(form), entity.name)

    def canon(name: str | None) -> str | None:
        return names.get(norm(name), name) if name else name

    merged: dict[tuple, Event] = {}
    for an in analyses:
        for ev in an.events:
            e = Event(canon(ev.actor), ev.action, canon(ev.target), canon(ev.place), ev.date, list(ev.sources))
            key = (e.actor, e.action, e.target)
            if e.action in SYMMETRIC and (e.target, e.action, e.actor) in merged:
                key = (e.target, e.action, e.actor)  # "Macron met Scholz" and "Scholz met Macron": one meeting
            if key in merged:
                _absorb(merged[key], e)
            else:
                merged[key] = e
    return list(merged.values())
