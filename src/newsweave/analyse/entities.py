"""Named mentions of one document: spaCy's entities, corrected where a small model goes wrong.

Layers, strongest first (a stronger span removes any weaker one it overlaps):

5. patterns: awards ("Nishan-i-Pakistan"), laws and treaties, named gatherings ("… Business Forum");
4. titles: a title before capitalised words makes a person and a role — "Prime Minister Shehbaz
   Sharif" is the person "Shehbaz Sharif" with role "Prime Minister"; "Kazakh President …" adds the
   country Kazakhstan and the role "President of Kazakhstan"; the title is never part of the name;
3. spaCy's entities, trimmed ("the", "'s", honorifics), typed by the gazetteer (country, city,
   place, organisation; demonyms before a noun are their country), junk dropped ("Memorandums");
1. gazetteer names the model missed (proper nouns only).

Canonical entities across articles are built in ``canon.py``; ``canonicalise`` is re-exported here.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from . import lexicon as lx
from .canon import canonicalise  # noqa: F401  (the stage's public API lives here)
from .gazetteer import INITIALS, Gazetteer, gazetteer

LABELS = {
    "PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place", "ORG": "organisation",
    "NORP": "group", "EVENT": "event", "LAW": "law", "WORK_OF_ART": "work", "PRODUCT": "product",
}
MAX_NAME_TOKENS = 6


@dataclass
class Found:
    """A mention in token offsets of the spaCy Doc, before mapping to ``Article.text``."""

    start: int
    end: int
    type: str
    name: str
    role: str | None = None
    priority: int = 2


def find_mentions(doc, dateline: str | None = None) -> list[Found]:
    """Typed, non-overlapping mentions of ``doc`` (dates excluded: see dates.py), in text order.
    ``dateline``: the place of the dateline cleaning took off the text ("ATLANTA (AP) —"), which
    says which Georgia a report means."""
    gaz = gazetteer()
    found = _patterns(doc) + _titled_persons(doc, gaz) + _model_entities(doc, gaz) + _gazetteer_hits(doc, gaz)
    kept = _people_by_surname(doc, _drop_orphan_acronyms(doc, _resolve(found)))
    return _us_states(doc, _organisations_by_last_word(doc, kept, gaz), gaz, dateline)


# -- layer 5: patterns ------------------------------------------------------------------------
def _patterns(doc) -> list[Found]:
    out = []
    text = doc.text  # built anew on every access
    for kind, regex in (("award", lx.AWARD_RE), ("law", lx.LAW_RE), ("event", lx.EVENT_RE)):
        for m in regex.finditer(text):
            junk = lx.LEADING_JUNK.match(m.group())
            start = m.start() + (len(junk.group()) if junk else 0)
            span = doc.char_span(start, m.end(), alignment_mode="expand")
            if span is None or len(span) < 1 or not any(t.is_alpha and len(t) > 1 for t in span):
                continue
            if kind != "award" and len(span) < 2:
                continue
            out.append(Found(span.start, span.end, kind, _text(span), priority=5))
    return out


# -- layer 4: titles --------------------------------------------------------------------------
def _titled_persons(doc, gaz: Gazetteer) -> list[Found]:
    out: list[Found] = []
    i = 0
    for start in lx.positions(doc, lx.TITLE_MODIFIERS):
        if start < i:
            continue
        i = start
        j = _title_end(doc, i)
        if j == i:
            continue
        k = _portfolio_end(doc, j, gaz)
        name_end = _name_end(doc, k)
        if not _accept_person(doc, i, j, k, name_end, gaz):
            i = j
            continue
        qualifier = _qualifier(doc, i, name_end, gaz)
        role = lx.title_case(_text(doc[i:k]))
        if qualifier:
            country, q_start, q_end = qualifier
            if country.lower() not in role.lower():
                role = f"{country}'s {role}" if k > j else lx.of_country(role, country)
            out.append(Found(q_start, q_end, "country", country, priority=4))
        out.append(Found(k, name_end, "person", _text(doc[k:name_end]), role=role, priority=4))
        i = name_end
    return out


def _title_end(doc, i: int) -> int:
    """End of the title run starting at ``i`` ("Federal Minister", "Secretary-General"); ``i`` if none."""
    j, has_head = i, False
    while j < len(doc):
        t = doc[j]
        if lx.is_title_word(t.lower_):
            has_head = has_head or t.lower_ in lx.TITLE_HEADS
            j += 1
        elif t.text == "-" and j > i and not doc[j - 1].whitespace_ and j + 1 < len(doc) \
                and lx.is_title_word(doc[j + 1].lower_):
            j += 1
        else:
            break
    while j > i and doc[j - 1].lower_ not in lx.TITLE_HEADS:  # end on a head: "Minister", not "Chief"
        j -= 1
    return j if has_head else i


def _portfolio_end(doc, j: int, gaz: Gazetteer) -> int:
    """After "Minister": "for Trade and Integration", "of State"; ``j`` when there is none."""
    if j >= len(doc) or doc[j].lower_ not in ("for", "of"):
        return j
    k, last_good = j + 1, j
    while k < len(doc):
        t = doc[k]
        after_and = doc[k - 1].lower_ in ("and", "&")
        if t.ent_iob_ == "B" and t.ent_type_ == "PERSON" and not after_and:
            break
        if t.lower_ in lx.PORTFOLIO or t.lower_ in lx.PORTFOLIO_ONLY_AFTER_TITLE \
                or (t.text[:1].isupper() and (after_and or _is_country(t.text, gaz))):
            k += 1
            if t.text[:1].isupper():
                last_good = k
        else:
            break
    return last_good


def _is_country(text: str, gaz: Gazetteer) -> bool:
    hit = gaz.lookup(text)
    return hit is not None and hit.type in ("country", "place")


def _name_end(doc, k: int) -> int:
    """End of the capitalised name run starting at ``k`` ("Kassym-Jomart Tokayev")."""
    m = k
    while m < len(doc) and m - k < MAX_NAME_TOKENS:
        t = doc[m]
        if _is_name_token(t) or (m > k and t.ent_iob_ == "I" and t.ent_type_ == "PERSON"):
            m += 1
        elif t.text == "-" and m > k and not doc[m - 1].whitespace_ and not t.whitespace_ \
                and m + 1 < len(doc) and _is_name_token(doc[m + 1]):
            m += 1
        elif t.lower_ in lx.NAME_PARTICLES and m > k and m + 1 < len(doc) and _is_name_token(doc[m + 1]):
            m += 1
        else:
            break
    return m


def _is_name_token(t) -> bool:
    text = t.text
    return (text[:1].isupper() and any(c.isalpha() for c in text) and t.tag_ != "POS"
            and t.lower_ not in lx.ORG_WORDS and t.lower_.rstrip(".") not in lx.TITLE_MODIFIERS
            and t.lower_ not in lx.HONORIFICS and not (t.ent_type_ in ("DATE", "TIME") and t.ent_iob_ == "B"))


def _accept_person(doc, i: int, j: int, k: int, end: int, gaz: Gazetteer) -> bool:
    """True when title doc[i:k] is followed by a person's name doc[k:end]."""
    if end <= k:
        return False
    name = doc[k:end]
    if not any(t.is_alpha and len(t) > 1 for t in name):
        return False
    if end < len(doc) and doc[end].lower_ in lx.ORG_WORDS:  # "President Putin Foundation"?
        return False
    if gaz.lookup(name.text) is not None:
        return False
    model_person = any(t.ent_type_ == "PERSON" for t in name)
    heads = [t.lower_ for t in doc[i:j] if t.lower_ in lx.TITLE_HEADS]
    weak = all(h in lx.WEAK_HEADS for h in heads)
    lower_title = doc[j - 1].text[:1].islower()
    return model_person or not (weak or lower_title)


def _qualifier(doc, i: int, name_end: int, gaz: Gazetteer) -> tuple[str, int, int] | None:
    """The country a title belongs to: "Kazakh President", "Kazakhstan's Minister", "… of Kazakhstan"."""
    if i >= 1:
        hit = gaz.lookup(doc[i - 1].text)
        if hit is not None and hit.type == "country":
            return hit.name, i - 1, i
        if i >= 2 and doc[i - 1].tag_ == "POS":
            hit = gaz.lookup(doc[i - 2].text)
            if hit is not None and hit.type == "country":
                return hit.name, i - 2, i - 1
    if name_end + 1 < len(doc) and doc[name_end].lower_ == "of":
        hit = gaz.lookup(doc[name_end + 1].text)
        if hit is not None and hit.type == "country" and not hit.demonym:
            return hit.name, name_end + 1, name_end + 2
    return None


# -- layer 3: the model's entities -------------------------------------------------------------
def _model_entities(doc, gaz: Gazetteer) -> list[Found]:
    out = []
    for ent in doc.ents:
        kind = LABELS.get(ent.label_)
        if kind is None:
            continue
        start, end = _trim(doc, ent.start, ent.end)
        if end <= start:
            continue
        if ent.label_ == "ORG" and start >= 2 and doc[start - 1].tag_ == "POS" \
                and lx.is_title_word(doc[start - 2].lower_):  # "the President's Secretariat"
            start -= 2
            while start > 0 and lx.is_title_word(doc[start - 1].lower_) and doc[start - 1].text[:1].isupper():
                start -= 1
        span = doc[start:end]
        found = _type_span(doc, span, ent.label_, kind, gaz)
        if found is not None:
            out.append(found)
    return out


def _trim(doc, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the"/honorific/"'s" and a trailing "'s" or punctuation."""
    while start < end and (doc[start].lower_ in ("the", "'s", "’s", "'", "’") or doc[start].is_punct
                           or doc[start].lower_ in lx.HONORIFICS):
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct and doc[end - 1].text != "."):
        end -= 1
    return start, end


def _type_span(doc, span, label: str, kind: str, gaz: Gazetteer) -> Found | None:
    text = _text(span)
    words = text.lower().replace("-", " ").split()
    if not any(c.isalpha() for c in text) or all(w in lx.JUNK for w in words):
        return None
    if all(w.rstrip(".") in lx.TITLE_MODIFIERS or w in lx.PORTFOLIO for w in words) \
            and not (label == "PERSON" and words[-1] in lx.TITLE_SURNAMES):
        return None  # a bare title: "President", "Prime Minister" (but "King" may be a surname)
    hit = gaz.lookup(text)
    if hit is not None and not (label == "PERSON" and (hit.demonym or hit.name != text)):
        if hit.demonym:
            nxt = doc[span.end] if span.end < len(doc) else None
            if nxt is None or nxt.pos_ not in ("NOUN", "PROPN", "ADJ"):
                return Found(span.start, span.end, "group", text, priority=3)
        return Found(span.start, span.end, hit.type, hit.name, priority=3)
    if label in ("GPE", "LOC") and text in lx.US_STATE_ABBREVIATIONS and span.start >= 2 \
            and doc[span.start - 1].text == "," and doc[span.start - 2].text[:1].isupper():
        return Found(span.start, span.end, "place", lx.US_STATE_ABBREVIATIONS[text], priority=3)
    if label == "PERSON" and len(words) >= 2 and words[-1] in lx.INSTITUTION_HEADS:
        return Found(span.start, span.end, "organisation", text, priority=3)
    if label == "LAW" and len(words) > 1 and not any(w in lx.LAW_WORDS for w in words):
        return None
    if label in ("GPE", "LOC") and len(span) == 1 and span.end + 1 < len(doc) \
            and doc[span.end].lower_ in ("of", "for") and doc[span.end + 1].text[:1].isupper():
        return None  # a fragment of an unrecognised title-case name ("Memorandums of Understanding")
    return Found(span.start, span.end, kind, text, priority=3)


# -- layer 1: gazetteer names the model missed ----------------------------------------------------
@functools.lru_cache(maxsize=4)
def _matcher(vocab_id: int, nlp):
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    forms = gazetteer().patterns()
    matcher.add("GAZ", list(nlp.tokenizer.pipe(forms)))
    return matcher


def _gazetteer_hits(doc, gaz: Gazetteer) -> list[Found]:
    from . import models

    nlp = models.nlp()
    if doc.vocab is not nlp.vocab:
        return []
    out = []
    for _, start, end in _matcher(id(nlp.vocab), nlp)(doc):
        span = doc[start:end]
        if span.ents or any(t.ent_type_ for t in span):
            continue  # the model's own reading stands (layer 3 typed it)
        hit = gaz.lookup(span.text)
        if hit is None:
            continue
        if hit.demonym:
            nxt = doc[end] if end < len(doc) else None
            if nxt is None or nxt.pos_ not in ("NOUN", "PROPN") or not span[0].text[:1].isupper():
                continue
        elif not all(t.pos_ == "PROPN" or not t.is_alpha for t in span):
            continue
        out.append(Found(start, end, hit.type, hit.name, priority=1))
    return out


# -- overlaps and clean-up --------------------------------------------------------------------
def _resolve(found: list[Found]) -> list[Found]:
    """Keep the strongest, then longest, of overlapping spans."""
    taken: set[int] = set()
    kept = []
    for f in sorted(found, key=lambda f: (-f.priority, -(f.end - f.start), f.start)):
        if any(i in taken for i in range(f.start, f.end)):
            continue
        taken.update(range(f.start, f.end))
        kept.append(f)
    return sorted(kept, key=lambda f: f.start)


def _drop_orphan_acronyms(doc, kept: list[Found]) -> list[Found]:
    """An acronym in brackets names what precedes it; with no entity there ("MoUs"), it is none."""
    ends = {f.end for f in kept}
    out = []
    for f in kept:
        bracketed = f.start >= 1 and doc[f.start - 1].text == "(" and f.end < len(doc) and doc[f.end].text == ")"
        if bracketed and f.end - f.start == 1 and (f.start - 1) not in ends:
            continue
        out.append(f)
    return out


def _people_by_surname(doc, kept: list[Found]) -> list[Found]:
    """Persons the model cut or mistyped, mended from the document's own full names: a person ending in
    a name particle runs into the mention right after it ("Ursula von der" + "Leyen" is one name); a
    one-word mention that is the surname of a person the text names in full is that person ("Scholz
    said", "may reach out to Jordan" after "Eddie Jordan"), whatever type the model gave it."""
    out: list[Found] = []
    for f in kept:
        prev = out[-1] if out else None
        if prev is not None and prev.type == "person" and prev.end == f.start \
                and doc[prev.end - 1].lower_ in lx.CUT_NAME_PARTICLES and doc[f.start].text[:1].isupper():
            out[-1] = Found(prev.start, f.end, "person", _text(doc[prev.start:f.end]), prev.role, prev.priority)
            continue
        out.append(f)
    surnames = {doc[f.end - 1].text for f in out if f.type == "person" and f.end - f.start >= 2
                and doc[f.end - 1].text[:1].isupper()}
    for f in out:
        if f.type != "person" and f.end - f.start == 1 and doc[f.start].text in surnames and f.role is None:
            f.type, f.name = "person", doc[f.start].text
    return out


# News agencies a report cites by one word, which is also the end of another company's name ("Shares
# of Thomson Reuters rose, Reuters reported": the agency, not its parent).
AGENCIES = frozenset("Reuters Bloomberg AP AFP Xinhua Interfax TASS Yonhap Kyodo ANSA EFE dpa Anadolu Bernama".split())


def _organisations_by_last_word(doc, kept: list[Found], gaz: Gazetteer) -> list[Found]:
    """A one-word organisation that ends exactly one longer organisation named in the text is that
    organisation: "the Post stated" after "the Washington Post", "the Colts" after "Indianapolis Colts"."""
    full: dict[str, set[str]] = {}
    for f in kept:
        if f.type == "organisation" and f.end - f.start >= 2 and doc[f.end - 1].text[:1].isupper() \
                and doc[f.end - 2].lower_ not in ("of", "for", "and", "&") \
                and all(t.is_alpha or t.text == "." for t in doc[f.start:f.end]) \
                and (doc[f.start].pos_ == "PROPN" or gaz.lookup(doc[f.start].text) is not None):
            # (a head word, not "University of Alabama"; a name, not "Considering Lionsgate")
            full.setdefault(doc[f.end - 1].text, set()).add(f.name)
    for f in kept:
        if f.end - f.start == 1 and f.role is None and f.type == "organisation" and doc[f.start].text not in AGENCIES:
            names = full.get(doc[f.start].text, ())
            if len(names) == 1:
                f.name = next(iter(names))
    return kept


US_STATE_NAMES = {"Georgia": "Georgia (U.S. state)"}  # US states that share a country's name
# Words after such a name that make it the state: "Georgia Governor Brian Kemp", "Georgia Republicans".
US_STATE_NEXT = frozenset("""
governor gov gov. senate senator sen. legislature lawmakers republican republicans democrat democrats gop
county counties runoff bulldogs
""".split())
US_STATE_CITIES = frozenset({"atlanta", "savannah", "macon"})  # a report from here means the state
# Words that make any "Georgia" of the text the country ("Georgia's state security service" in Tbilisi)
STATE_COUNTRY_CUES = frozenset({"tbilisi", "georgian", "georgians", "caucasus", "batumi", "kutaisi", "abkhazia",
                                "ossetia", "kobakhidze", "saakashvili", "zourabichvili", "lari"})


def _us_states(doc, kept: list[Found], gaz: Gazetteer, dateline: str | None = None) -> list[Found]:
    """"Georgia" is the US state, not the country, right before a state's word ("Georgia Governor",
    "Georgia Republicans"); and in a text that names nothing of the country (Tbilisi, a Georgian
    anything), every "Georgia" is when one is, or the text says "state of Georgia", "Savannah,
    Georgia" or names one of the state's cities (its dateline included)."""
    named = [f for f in kept if f.type == "country" and f.name in US_STATE_NAMES and doc[f.start].text == f.name]
    if not named:
        return kept
    words = {t.lower_ for t in doc} | set((dateline or "").lower().split())
    country_named = bool(words & STATE_COUNTRY_CUES)
    # "Georgia Governor Brian Kemp" is the state even beside the Georgian government in Tbilisi
    strong = [f for f in named if f.end < len(doc) and doc[f.end].lower_ in US_STATE_NEXT]
    if not country_named:  # other hints, and one reading per text ("Georgia Gov. Kemp said Georgia will …")
        states = {f.name for f in named if f in strong or words & US_STATE_CITIES or _state_hint(doc, f, gaz)}
        strong = [f for f in named if f.name in states]
    for f in strong:
        f.type, f.name = "place", US_STATE_NAMES[f.name]
    return kept


def _state_hint(doc, f: Found, gaz: Gazetteer) -> bool:
    """"state of Georgia", "Savannah, Georgia"."""
    city = gaz.lookup(doc[f.start - 2].text) if f.start >= 2 and doc[f.start - 1].text == "," else None
    return (f.start >= 2 and doc[f.start - 2].lower_ == "state" and doc[f.start - 1].lower_ == "of") \
        or (city is not None and city.country == "United States")


def _text(span) -> str:
    """Span text with a leading "the " removed, whitespace collapsed and spaced initials joined."""
    text = INITIALS.sub(r"\1.", " ".join(span.text.split()))
    return lx.LEADING_JUNK.sub("", text) if text.startswith(("The ", "the ")) else text
