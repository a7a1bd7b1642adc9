"""The checkable values of a claim — numbers, dates, negation, polarity, speaker, named things —
and the disagreements between two aligned claims.

Similarity cannot see a contradiction ("raised rates" and "cut rates" look alike), so conflicts
are found by comparing these values, never by a score.
"""
from __future__ import annotations

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import islice

from rapidfuzz.fuzz import ratio
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .text import STOP, WORD, stem, words

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "dozen": 12, "dozens": 24, "hundreds": 200,
}
VAGUE_PLURAL = {"dozens": (24.0, 99.0), "hundreds": (200.0, 999.0)}  # "injuring dozens" agrees with "injuring 80"
SCALE = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
         "m": 1e6, "bn": 1e9, "k": 1e3, "mln": 1e6, "mn": 1e6, "bln": 1e9, "tn": 1e12}  # (wire style: "$19 bln")
CURRENCY = {"$": "dollar", "£": "pound", "€": "euro", "¥": "yen"}  # the stems of the words they stand for
# "US$500 million" is dollars; "A$", "C$", "HK$", "NZ$", "S$" are other dollars
DOLLAR_PREFIX = {"us": "dollar", "a": "aud", "au": "aud", "c": "cad", "ca": "cad", "hk": "hkd", "nz": "nzd",
                 "s": "sgd"}
MONEY = set(CURRENCY.values()) | set(DOLLAR_PREFIX.values()) | {"euro", "pound", "dollar", "yuan", "rupee"}
NUMBER = re.compile(
    r"(?<![\w.:])(?:(?P<pre>US|AU|CA|HK|NZ|A|C|S)?(?P<cur>[$£€¥])\s?)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d:])|\d+(?:\.\d+)?(?![\d:])|"
    r"(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b)"
    r"(?P<pct>\s?%|\s?per\s?cent|\s?percent)?"
    # (a scale word may be hyphenated: "a $2-trillion package" is "a $2 trillion package")
    r"(?:(?:\s*|-(?=(?:hundred|thousand|million|billion|trillion)\b))(?P<scale>hundred|thousand|million|billion|trillion|mln|mn|bln|bn|tn|m|k)\b)?"
    r"(?:\s*-\s*|\s+)?(?P<unit>[A-Za-z]+)?",
    re.IGNORECASE,
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
MONTH_ABBR = {m[:3]: m for m in MONTHS} | {"sept": "september"}
DATE_WORD = re.compile(
    r"\b(?P<wd>" + "|".join(WEEKDAYS) + r")\b|"
    r"\b(?P<mon>" + "|".join(MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?"
    r"(?:\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b)?|"
    r"\b(?P<year>(?:19|20)\d{2})\b",
    re.IGNORECASE,
)
NEGATION = frozenset({"not", "no", "never", "neither", "nor", "none", "nobody", "nothing",
                      "cannot", "denied", "denies", "deny", "refused", "refuses"})
# Words that call what they describe untrue: "the video of a bird pooping on Putin is a hoax"
# denies "a bird pooped on Putin" as surely as "no, a bird didn't poop on Putin" does.
DENIAL = frozenset({"hoax", "hoaxes", "untrue", "debunk", "debunks"})
# These deny only when said of the claim ("the report is false", "called it rubbish"); in front of
# a noun they describe ("fake passports", "false statements", "rubbish collectors", "repeated
# unfounded claims of fraud").
CALLED_UNTRUE = frozenset({"fake", "false", "bogus", "fabricated", "rubbish", "myth", "baseless", "unfounded",
                           "debunked"})
CALLING = frozenset({"is", "was", "are", "were", "be", "been", "being", "called", "calls", "calling", "branded",
                     "dismissed", "labelled", "labeled", "as", "proved", "proven"})
BETWEEN_CALLING = frozenset({"a", "an", "it", "them", "this", "that", "all", "just", "simply", "totally",
                             "completely", "entirely", "utterly", "clearly", "obviously", "largely"})
# A negation word followed by these negates nothing: "not only … but", "no doubt", "no-show fee".
NOT_NEGATING = {"not": {"only", "just"}, "no": {"doubt", "joke", "show", "wonder", "matter"},
                "nothing": {"but"}}
# Pairs of opposite stems: aligned claims that use one each disagree on what happened.
OPPOSITES = [
    ("rais", "cut"), ("rais", "lower"), ("increas", "decreas"), ("increas", "cut"), ("rise", "fall"),
    ("rose", "fell"), ("higher", "lower"), ("gain", "loss"), ("gain", "lost"), ("won", "lost"),
    ("win", "lose"), ("win", "los"), ("accept", "reject"), ("approv", "reject"), ("confirm", "deny"),
    ("confirm", "deni"), ("guilty", "innocent"), ("convict", "acquitt"), ("open", "clos"),
    ("boost", "cut"), ("up", "down"), ("more", "fewer"), ("more", "less"), ("expand", "shrink"),
    ("support", "oppos"), ("allow", "ban"), ("lift", "impos"), ("arriv", "depart"), ("alive", "dead"),
    ("survived", "died"), ("increas", "reduc"), ("rais", "reduc"), ("hike", "cut"), ("strengthen", "weaken"),
]
OPPOSITE = {}
for _a, _b in OPPOSITES:
    OPPOSITE.setdefault(_a, set()).add(_b)
    OPPOSITE.setdefault(_b, set()).add(_a)
SAY = re.compile(r"\b(said|says|told|tells|stated|announced|according to|reported|confirmed|claimed)\b",
                 re.IGNORECASE)
PLACE_TYPES = {"place", "country", "city", "region", "gpe", "loc"}
NAME_TYPES = {"person": "person", "organisation": "organisation", "org": "organisation"}
NAME_KINDS = ("person", "place", "organisation")  # the kinds of named things a conflict can swap


@dataclass
class Values:
    """What can be checked in one claim; every value keeps the text that stated it."""

    numbers: dict[tuple[str, str], set[float]] = field(default_factory=dict)  # (kind, unit) -> values
    rest_words: set[str] | None = field(default=None, repr=False, compare=False)  # (rest_similarity's)
    number_text: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    number_ranges: dict[tuple[str, str], list[tuple[float, float]]] = field(default_factory=dict)
    number_context: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # stems of the words around
    # each compared number on its own, per key
    number_items: dict[tuple[str, str], list[tuple[tuple[float, float], frozenset, str, tuple[str, str]]]] = field(
        default_factory=dict)  # (range, context, text, the words right before and after)
    dates: dict[str, set[str]] = field(default_factory=dict)  # granularity -> values
    date_text: dict[str, list[str]] = field(default_factory=dict)
    # The dates of what the claim reports (not a date naming another event or a thing), each with
    # the part of the day that lets it be the next or the previous day: what conflicts compare.
    event_dates: dict[str, set[tuple[str, int]]] = field(default_factory=dict)  # kind -> (value, part of the day)
    event_date_text: dict[str, list[str]] = field(default_factory=dict)
    negated: list[str] = field(default_factory=list)
    negated_scope: set[str] = field(default_factory=set)  # stems of the words the negations negate
    implicit_negative: bool = False  # says "avoid", "against", "failed to", … (a negation in other words)
    stems: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # type -> {key: text}
    speakers: dict[str, str] = field(default_factory=dict)  # key -> text
    title_case: bool = False  # a headline In Title Case, where a capital says nothing of a name


# Numbers that are not the story's own counts, so never conflict (they still count for alignment):
# a forecast ("economists expect 165,000 jobs" / "employers added 102,000 jobs"), how many sources
# spoke ("four U.S. officials familiar with the matter said" / "three U.S. officials …") and an
# increment ("another 5.2 million Americans filed" / "more than 22 million have filed").
FORECAST_BEFORE = re.compile(r"\b(?:expect\w*|predict\w*|forecast\w*|anticipat\w*|projected|projects|projecting)\b"
                             r"[^.;:!?]{0,60}$", re.IGNORECASE)
SOURCES_AFTER = re.compile(r"[\w.\s-]{0,30}?\b(?:familiar with|with (?:direct )?knowledge|briefed on|who (?:spoke|asked)|"
                           r"speaking on condition)\b", re.IGNORECASE)
SOURCES_BEFORE = re.compile(r"\baccording to\s+(?:at least\s+)?$", re.IGNORECASE)
INCREMENT_BEFORE = re.compile(r"\b(?:another|an additional|a further)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)


def _not_reported(text: str, start: int, end: int) -> bool:
    """Whether the number at ``text[start:end]`` is a forecast, a count of sources or an increment."""
    before = text[max(0, start - 80): start]
    return bool(FORECAST_BEFORE.search(before) or SOURCES_BEFORE.search(before[-40:])
                or INCREMENT_BEFORE.search(before[-30:]) or SOURCES_AFTER.match(text, end))


ROUNDING = 0.49  # of a unit of a number's last digit: "94%" agrees with "94.1%", 11 is not 12


def _number_value(m: re.Match) -> float | None:
    raw = m["num"].lower().replace(",", "")
    try:
        v = float(NUMBER_WORDS.get(raw, raw))
    except ValueError:
        return None
    if m["scale"]:
        v *= SCALE[m["scale"].lower()]
    return v


# Hedged counts are ranges: "more than 200 people" and "about 250 people" agree; "more than 200" and
# "150" do not. (lower factor, upper factor) of the stated number for the words before it.
HEDGES = [(("more than", "over", "at least", "upwards of", "in excess of"), (1.0, math.inf)),
          (("less than", "fewer than", "under", "up to", "at most"), (0.0, 1.0)),
          (("nearly", "almost", "close to", "just under"), (0.8, 1.0)),
          (("about", "around", "roughly", "approximately", "some", "an estimated", "estimated", "reportedly"),
           (0.8, 1.2))]
HEDGE = re.compile(r"\b(" + "|".join(w.replace(" ", r"\s+") for ws, _ in HEDGES for w in ws) + r")\s+(?:an?\s+)?$",
                   re.IGNORECASE)  # "nearly a dozen"
HEDGE_RANGE = {w: r for ws, r in HEDGES for w in ws}
MONTH_BEFORE = re.compile(r"\b(?:" + "|".join(MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?\s+$",
                          re.IGNORECASE)
# Words around a number that say nothing of what it counts: dates, numbers, hedges.
NOT_CONTEXT = frozenset(WEEKDAYS) | frozenset(MONTHS) | frozenset(MONTH_ABBR) | frozenset(NUMBER_WORDS) | frozenset(
    SCALE) | {w for ws, _ in HEDGES for w in ws if " " not in w} | {
    "morning", "afternoon", "evening", "night", "late", "early", "earlier", "later", "last", "next", "week", "month",
    "day", "today", "yesterday", "overnight", "weekend", "percent", "cent", "nearly", "almost", "roughly"}
RATE = re.compile(r"\s+(?:a|an|per|each|every)\s+(day|week|month|year|hour|minute|second)\b", re.IGNORECASE)


class _Tokens:
    """A text's word tokens as (start, end, lower-cased word), made on first use (most claims
    state no number)."""

    def __init__(self, text: str):
        self.text, self._tokens = text, None

    def __iter__(self):
        if self._tokens is None:
            self._tokens = [(m.start(), m.end(), m[0].lower()) for m in WORD.finditer(self.text)]
        return iter(self._tokens)


CONTEXT_REACH = 4  # words either side of a number that say what it counts
# Words that say the same of a count in other words: "seven people were killed" and "nine people
# died" count the dead alike, "injured 40" and "sixty were hurt" the injured.
CONTEXT_CONCEPTS = {stem(w).rstrip("e"): concept for concept, ws in (
    ("the dead", "kill killed kills killing die died dies dying dead death deaths fatalities fatality perished"),
    ("the injured", "injure injured injures injuring injury injuries hurt hurting wounded wounding wounds"),
) for w in ws.split()}


def _context(tokens: _Tokens, start: int, end: int, named: set[str]) -> tuple[set[str], tuple[str, str]]:
    """The stems of the content words among the ``CONTEXT_REACH`` words either side of a number
    (other numbers, names and date words aside): what it counts ("11 people dead" / "35,000
    people have signed" count different things); and the words right before and right after it
    (other numbers skipped, lower-cased; "" at either end): where it stands."""
    before = [w for s, e, w in tokens if e <= start and not w.isdigit()][-CONTEXT_REACH:]  # (a number is no
    after = [w for s, e, w in tokens if s >= end and not w.isdigit()][:CONTEXT_REACH]  # word: "rose 3.5% to 120")
    stems = {CONTEXT_CONCEPTS.get(st, st) for st in (stem(w).rstrip("e") for w in before + after
             if w not in STOP and len(w) > 1 and w not in NOT_CONTEXT and w not in named)}
    return stems, (before[-1] if before else "", after[0] if after else "")


# A number joined to another by a dash ("a 107-48 vote", "passed 371-18"): a score or a tally,
# whose other number is where it stands, more than any word ("voted 52-48" / "a narrow 107-48 vote").
PARTNER_AFTER = re.compile(r"\s?[-–]\s?(\d{1,3}(?:,\d{3})*)(?![\d.,]\d)")
PARTNER_BEFORE = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})*)\s?[-–]\s?$")


def _score_partners(text: str, m: re.Match, near: tuple[str, str]) -> tuple[str, str]:
    """``near`` (the words right before and after a number) with a dash-joined number in place of
    the word on its side."""
    after = PARTNER_AFTER.match(text, m.end("num"))
    before = PARTNER_BEFORE.search(text, max(0, m.start("num") - 12), m.start("num"))
    return (f"{before[1]}-" if before else near[0], f"-{after[1]}" if after else near[1])


def _stated_range(text: str, m: re.Match, v: float) -> tuple[float, float]:
    """What number ``m`` (value ``v``) may stand for: a hedge's range ("about 250", "nearly a
    dozen"), else half a unit of its last written digit either side, just short of the next value's
    ("94%" may be 94.1%; 11 is not 12)."""
    vague = VAGUE_PLURAL.get(m["num"].lower())
    if vague and not m["scale"]:
        return vague
    hedge = HEDGE.search(text, max(0, m.start() - 22), m.start())
    if hedge:
        lo, hi = HEDGE_RANGE[" ".join(hedge[1].lower().split())]
        return v * lo, v * hi
    half = ROUNDING * 10.0 ** -len(m["num"].partition(".")[2]) * (SCALE[m["scale"].lower()] if m["scale"] else 1.0)
    return v - half, v + half


def numbers(text: str) -> tuple[dict, dict]:
    """Numbers keyed by (kind, unit stem): "five people" -> ("n", "peopl"), "3%" -> ("pct", "")."""
    return _numbers(text)[:2]


def _numbers(text: str, named: set[str] = frozenset()) -> tuple[dict, dict, dict, dict, dict]:
    """``numbers`` and, per key, each number's range — as precise as it is written ("94%" may be
    94.1%), or wider after a hedge ("about 250") — and the stems of the words around the numbers
    (``_context``); last, per key, each compared number's (range, context, text, the words right
    before and after it)."""
    vals: dict[tuple[str, str], set[float]] = {}
    texts: dict[tuple[str, str], list[str]] = {}
    ranges: dict[tuple[str, str], list[tuple[float, float]]] = {}
    contexts: dict[tuple[str, str], set[str]] = {}
    items: dict[tuple[str, str], list[tuple[tuple[float, float], frozenset, str, tuple[str, str]]]] = {}
    tokens = _Tokens(text)
    found = list(NUMBER.finditer(text))
    low_end: tuple[float, int] | None = None  # a range's lower number and where its text starts
    for i, m in enumerate(found):
        raw = m["num"]
        if re.fullmatch(r"(19|20)\d\d", raw):
            continue  # a year: a date, not a count
        month = MONTH_BEFORE.search(text, max(0, m.start() - 12), m.start())
        if month and month[0][0].isupper():
            continue  # "a Jan. 29 memo": the day of a date, not a count of memos
        v = _number_value(m)
        if v is None:
            continue
        low = _range_low(text, m, found[i + 1], v) if i + 1 < len(found) else None
        if low is not None:  # counted with the upper end, which gives the unit
            between = re.search(r"\bbetween\s+$", text[max(0, m.start() - 9): m.start()], re.IGNORECASE)
            low_end = (low, m.start() - (len(between[0]) if between else 0))
            continue
        if raw.lower() == "one" and not m["unit"]:
            continue  # "one of them": a pronoun more often than a count
        unit = m["unit"] or ""
        if m["pct"]:
            key = ("pct", "")
        elif m["cur"]:  # "£88m" counts pounds as "88 million pounds" does, not as a bare 88 million
            key = ("n", DOLLAR_PREFIX[m["pre"].lower()] if m["pre"] and m["cur"] == "$" else CURRENCY[m["cur"]])
        else:
            u = unit.lower()
            if u in MONTHS or u in MONTH_ABBR or u in ENGLISH_STOP_WORDS or u in NUMBER_WORDS:
                u = ""
            key = ("n", stem(u) if u else "")
            rate = RATE.match(text, m.end("unit")) if u else None
            if rate:  # "1,500 deaths a day" is a rate, not a count of deaths
                key = ("n", f"{key[1]}/{rate[1].lower()}")
        start = m.start()
        aside = _not_reported(text, low_end[1] if low_end is not None else m.start(), m.end()) or _not_a_count(text, m)
        if low_end is not None:  # "between 200 and 300 people", "200-300 people": one count, a range
            low, start = low_end
            low_end = None
            vals.setdefault(key, set()).update((low, v))
            span = (low, v)
        else:
            vals.setdefault(key, set()).add(v)
            span = _stated_range(text, m, v)
        shown = text[start: m.end("scale") if m["cur"] and m["scale"] else m.end("num") if m["cur"] else
                     m.end("unit") if m["unit"] and key[1] else m.end("scale") if m["scale"] else m.end("pct") if m["pct"] else m.end("num")]
        shown = shown.strip()
        texts.setdefault(key, []).append(shown)
        if not aside:
            around, near = _context(tokens, start, m.end(), named)
            near = _score_partners(text, m, near)
            ranges.setdefault(key, []).append(span)
            contexts.setdefault(key, set()).update(around)
            items.setdefault(key, []).append((span, frozenset(around), shown, near))
    return vals, texts, ranges, contexts, items


# A number written next to a month ("6 January"), in a name ("COVID-19", "F-16"), ending a span of
# years ("2012-13"), a slashed date
# or fraction ("9/11"), with a leading zero ("0845", "4:08") or in a run of digit groups (a phone
# number, "0845 125 2222") is no count; it still counts for alignment, as a forecast does.
MONTH_AFTER = re.compile(r"\s*(?:" + "|".join(m.capitalize() for m in MONTHS) + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct"
                         r"|Nov|Dec)\b")
NAMED_BEFORE = re.compile(r"\b[A-Za-z]*[A-Z][A-Za-z]*-$")  # "COVID-19", "Covid-19", "F-16" (not "minus-20")
YEAR_BEFORE = re.compile(r"\b((?:19|20)\d\d)[-–/]$")


def _ends_year_span(text: str, start: int, raw: str) -> bool:
    """The end of a span of years ("the 2012-13 Jeep", "2019/20", "2012-2013"), not of a range of
    counts ("2000-3000 protesters")."""
    m = YEAR_BEFORE.search(text, max(0, start - 6), start)
    if m is None or not raw.isdigit():
        return False
    first, last = int(m[1]), int(raw)
    return 0 < (last - first % 100) % 100 <= 10 if len(raw) == 2 else len(raw) == 4 and 0 < last - first <= 10


def _not_a_count(text: str, m: re.Match) -> bool:
    start, end = m.start("num"), m.end("num")
    raw = m["num"]
    return bool(MONTH_AFTER.match(text, end) or NAMED_BEFORE.search(text, max(0, start - 12), start)
                or _ends_year_span(text, start, raw)
                or (start >= 2 and text[start - 1] == "/" and text[start - 2].isalnum())
                or text[end: end + 1] == "/" or (len(raw) > 1 and raw[0] == "0" and raw[1].isdigit())
                or re.search(r"\d $", text[max(0, start - 2): start]) or re.match(r" \d", text[end: end + 2]))


# A range's two numbers: "between 200 and 300", "200 to 300 people", "200-300 people". Not "from 200
# to 300" (a change: two values), nor a score or a vote ("won 3-1", "a 1-2 defeat", "voted 120 to 98").
RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to)\s*")
SCORE_WORDS = frozenset({"win", "wins", "victory", "defeat", "loss", "lead", "draw", "tie", "vote", "votes",
                         "decision", "margin", "score", "scoreline", "majority", "count", "record", "split"})


def _range_low(text: str, m: re.Match, nxt: re.Match, v: float) -> float | None:
    """The lower end of a range when number ``m`` (value ``v``) opens one that ``nxt`` closes, else None."""
    if m["unit"] and m["unit"].lower() not in ENGLISH_STOP_WORDS or m["pct"] or nxt["cur"] and not m["cur"]:
        return None  # "200 people and 300 police": two counts; "5 to $10": mixed
    gap = text[m.end("scale") if m["scale"] else m.end("num"): nxt.start()]  # (the match may take "to" as a unit)
    before = text[max(0, m.start() - 9): m.start()].lower()  # (as long as "between " and a space)
    if re.fullmatch(r"\s+and\s+", gap):
        if not re.search(r"\bbetween\s+$", before):
            return None
    elif not RANGE_JOIN.fullmatch(gap) or re.search(r"\bfrom\s+$", before):
        return None
    elif not (nxt["unit"] and nxt["unit"].lower() not in ENGLISH_STOP_WORDS or nxt["pct"] or nxt["scale"]
              or nxt["cur"]) or (nxt["unit"] or "").lower() in SCORE_WORDS:
        return None  # "won 3-1", "lost 0-4 to Spain", "a 1-2 defeat": a score
    upper = _number_value(nxt)
    if upper is None or re.fullmatch(r"(19|20)\d\d", nxt["num"]):
        return None
    if nxt["scale"] and not m["scale"]:
        v *= SCALE[nxt["scale"].lower()]  # "2 to 3 million": both ends in millions
    return v if v < upper else None


def _apart(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> bool:
    """No number of ``a`` can be one of ``b``: every range of one misses every range of the other
    (one sweep over both, sorted: a sentence may hold thousands of numbers)."""
    events = sorted([(lo, 0, hi, 0) for lo, hi in a] + [(lo, 0, hi, 1) for lo, hi in b])
    reach = [-math.inf, -math.inf]  # the furthest upper end seen so far, per side
    for lo, _, hi, side in events:
        if reach[1 - side] >= lo:
            return None
        reach[side] = max(reach[side], hi)
    return True


def dates(text: str, resolved: list[tuple] = ()) -> tuple[dict, dict]:
    """Dates by granularity: weekday, month-day, year, and ISO days resolved by the analyse stage."""
    return _dates(text, resolved)[:2]


# Dates that do not date what a claim reports: a weekday naming another event ("before Tuesday's
# elections", "a Tuesday deadline") and a date naming a thing ("the 2017 intelligence report" /
# "the 2016 election", "the Dec. 22 report"). When something was said is compared like any date:
# often the statement is the news ("Biden on Wednesday said he supports impeachment").
POSSESSIVE = re.compile(r"['’]s\b")
DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|this|that|its|his|her|their|our|whose)\s+$", re.IGNORECASE)
# "late Tuesday" / "Tuesday night" may be early Wednesday elsewhere, "early Friday" late Thursday.
LATER_PART = re.compile(r"\s+(?:night|evening)\b", re.IGNORECASE)
EARLIER_PART = re.compile(r"\s+morning\b", re.IGNORECASE)
LATE_BEFORE = re.compile(r"\b(?:late|overnight)\s+(?:on\s+)?$", re.IGNORECASE)
EARLY_BEFORE = re.compile(r"\bearly\s+(?:on\s+)?$", re.IGNORECASE)
LATE_IN = re.compile(r"^(?:late|overnight)\b|\b(?:night|evening)$", re.IGNORECASE)
EARLY_IN = re.compile(r"^early\b|\bmorning$", re.IGNORECASE)


def _date_role(text: str, start: int, end: int) -> tuple[bool, int]:
    """Whether the date at ``text[start:end]`` dates what the claim reports, and the way (+1 later,
    -1 earlier, 0 none) the day it names may also be another ("late Tuesday", "early Friday")."""
    before = text[max(0, start - 24): start]
    if POSSESSIVE.match(text, end) or DETERMINER_BEFORE.search(before):
        return False, 0
    span = text[start:end]  # a resolved date's text may hold its part of the day ("late Tuesday")
    if LATE_BEFORE.search(before) or LATER_PART.match(text, end) or LATE_IN.search(span):
        return True, 1
    if EARLY_BEFORE.search(before) or EARLIER_PART.match(text, end) or EARLY_IN.search(span):
        return True, -1
    return True, 0


def _next_day(kind: str, value: str, other: str) -> bool:
    """Whether ``other`` is the day after ``value`` (weekdays and ISO days)."""
    if kind == "weekday":
        return WEEKDAYS[(WEEKDAYS.index(value) + 1) % 7] == other
    if kind == "day":
        try:
            return datetime.date.fromisoformat(other) - datetime.date.fromisoformat(value) == datetime.timedelta(days=1)
        except ValueError:
            return False
    return False


def _same_time(kind: str, a: tuple, b: tuple) -> bool:
    """Whether two dates (value, part: +1 late, -1 early, 0 not said) may be one time: the same
    day, or the night between two days ("late Tuesday" / "early Wednesday", "Tuesday night" /
    "Wednesday"; not "Wednesday evening" / "Thursday evening", nor "Tuesday" / "Wednesday")."""
    if a[0] == b[0]:
        return True
    if a[1] == b[1] == 0:
        return False
    first, then = (a, b) if _next_day(kind, a[0], b[0]) else (b, a) if _next_day(kind, b[0], a[0]) else (None, None)
    return first is not None and first[1] >= 0 and then[1] <= 0


def _dates(text: str, resolved: list[tuple] = ()) -> tuple[dict, dict, dict, dict]:
    """``dates``, and the event dates conflicts compare with their texts (see
    ``Values.event_dates``). ``resolved``: (ISO value, text[, start in ``text``]) of the dates the
    analyse stage resolved."""
    vals: dict[str, set[str]] = {}
    texts: dict[str, list[str]] = {}
    event: dict[str, set[tuple[str, int]]] = {}
    event_texts: dict[str, list[str]] = {}

    def add(kind: str, value: str, shown: str, start: int | None, end: int | None) -> None:
        vals.setdefault(kind, set()).add(value)
        texts.setdefault(kind, []).append(shown)
        dated, way = _date_role(text, start, end) if start is not None else (False, 0)
        if dated:
            event.setdefault(kind, set()).add((value, way))
            # a resolved day says which: "Monday (2024-11-11)" against "Monday (2024-11-18)"
            event_texts.setdefault(kind, []).append(f"{shown} ({value})" if kind == "day" and shown != value else shown)

    for m in DATE_WORD.finditer(text):
        if m["wd"]:
            add("weekday", m["wd"].lower(), m.group(0), m.start(), m.end())
        elif m["mon"]:
            mon = m["mon"].lower().rstrip(".")
            mon = MONTH_ABBR.get(mon, mon)
            if mon == "may" and not m["day"]:
                continue  # the verb "may"
            if m["mon"][0].islower():
                continue  # "march", "sept" as words are rarely months when lower-cased
            add("monthday" if m["day"] else "month", f"{mon} {int(m['day'])}" if m["day"] else mon, m.group(0),
                m.start(), m.end())
        elif m["year"]:
            add("year", m["year"], m.group(0), m.start(), m.end())
    for value, shown, *where in resolved:
        if value and re.match(r"\d{4}-\d\d-\d\d", value):
            start = where[0] if where and 0 <= where[0] <= len(text) else None
            add("day", value[:10], shown, start, None if start is None else start + len(shown))
    return vals, texts, event, event_texts


def reporting_verbs(text: str) -> list[tuple[int, int]]:
    """Spans of the reporting verbs ("said", "told", "according to") of a claim."""
    return [(m.start(), m.end()) for m in SAY.finditer(text)]


def is_speaker(text: str, start: int, end: int, verbs: list[tuple[int, int]]) -> bool:
    """A name is the speaker when it stands right before a reporting verb ("Ali said") or right
    after one ("said Ali", "according to Ali"), at most one plain word between."""
    gap = re.compile(r"\s*(?:\w+\s+)?")
    return any((end <= vs and gap.fullmatch(text[end:vs])) or (start >= ve and gap.fullmatch(text[ve:start]))
               for vs, ve in verbs)


def name_key(text: str) -> str:
    """A comparable key for a named thing: its last content word ("President Asif Ali Zardari" -> "zardari")."""
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    toks = [w for w in words(folded) if w not in STOP]  # "Vendôme" and "Vendome" are one place
    return toks[-1] if toks else text.lower()


def _joined_tallies(shown: list[str], text: str) -> list[str]:
    """The numbers as a reader sees them: two that the claim joins with a dash are one tally
    ("52-48", not "52, 48"), as it writes them."""
    out: list[str] = []
    for number in shown:
        if out and re.search(re.escape(out[-1]) + r"\s?[-–]\s?" + re.escape(number) + r"(?!\d)", text):
            out[-1] = f"{out[-1]}-{number}"
        else:
            out.append(number)
    return out


# (news style starts no sentence with a figure, so "5. 9" inside a claim is one number; a year or a
# longer run on either side is not: "in 2005. 2006 was")
SPACED_DECIMAL = re.compile(r"(?<![\d.,–-])(\d{1,3})\. (\d{1,2})(?![\d,])")
# only round thousands: "26, 000" is a number, "Highways 101, 280 and 880" a list
SPACED_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:, \d{3})*, 000(?![\d.,]\d|\d)")


def _join_thousands(m: re.Match) -> str:
    # not a date's day and a count ("May 5, 200 people")
    if MONTH_BEFORE.search(m.string, max(0, m.start() - 12), m.start()):
        return m[0]
    return m[0].replace(", ", ",")


def extract(text: str, mentions: list[tuple[int, int, str, str]], resolved_dates: list[tuple] = ()) -> Values:
    """Values of a claim. ``mentions`` are (start, end, type, text) relative to ``text``;
    ``resolved_dates`` (ISO value, text, start relative to ``text``) the analyse stage's dates."""
    v = Values()
    named = {w for s_, e_, typ, mtext in mentions if typ.lower() in PLACE_TYPES or typ.lower() in NAME_TYPES
             for w in words(text[s_:e_]) + words(mtext)}
    # (a spaced decimal or thousands, "a magnitude 5. 9 quake" and "26, 000 people" as tokenised
    # corpora write them, are one number: no sentence ends inside a claim)
    digits = SPACED_THOUSANDS.sub(_join_thousands, SPACED_DECIMAL.sub(r"\1.\2", text))
    v.numbers, v.number_text, v.number_ranges, v.number_context, v.number_items = _numbers(digits, named)
    v.number_text = {key: _joined_tallies(shown, digits) for key, shown in v.number_text.items()}
    v.dates, v.date_text, v.event_dates, v.event_date_text = _dates(text, resolved_dates)
    toks = words(text)
    neg_toks = words(CONTRASTIVE_NOT.sub(",", text)) if CONTRASTIVE_NOT.search(text) else toks
    v.negated, v.negated_scope = _negations(neg_toks)
    v.implicit_negative = any(t in IMPLICIT_NEGATIVE for t in neg_toks)
    # "more than 200" / "fewer than 300" bound a count (compared as ranges), they are no polarity
    v.stems = {stem(t) for i, t in enumerate(toks)
               if not (t in COMPARATIVES and i + 1 < len(toks) and toks[i + 1] == "than")}
    v.words = set(toks)
    v.title_case = is_title_case(text)
    verbs = reporting_verbs(text)
    for s, e, typ, mtext in mentions:
        typ = typ.lower()
        kind = "place" if typ in PLACE_TYPES else NAME_TYPES.get(typ)
        if kind is None:
            continue
        v.names.setdefault(kind, {})[name_key(mtext)] = mtext
        if kind == "person" and is_speaker(text, s, e, verbs):
            v.speakers[name_key(mtext)] = mtext
    return v


def is_title_case(text: str) -> bool:
    """A headline (no final full stop) with most longer words capitalised, as in "Miley Cyrus Performs
    In Underwear": the tagger then reads verbs into names ("Miley Cyrus Performs" against "Miley
    Cyrus Missed")."""
    if text.rstrip(" \"'”’)").endswith("."):
        return False  # a sentence full of names ("Prime Minister Irakli Kobakhidze met …"), not a headline
    long = [w for w in re.findall(r"[^\W\d_][\w'’]*", text) if len(w) >= 4]
    return len(long) >= 3 and sum(w[0].isupper() for w in long) >= 0.8 * len(long)


# ", not a handgun" sets one thing against another ("meant to fire a Taser, not a handgun"): it
# does not deny what the claim states.
CONTRASTIVE_NOT = re.compile(r",\s*not\b", re.IGNORECASE)
# "declined to make it public" refuses as "refused to make it public" does ("sales declined" does not).
REFUSING = frozenset({"decline", "declines", "declined", "declining"})
NOT_REFUSED = frozenset({"a", "an", "the", "its", "their", "his", "her", "below", "under", "around", "about", "just",
                         "nearly", "roughly", "record", "levels", "level", "lows", "low", "zero", "half"})


# A negation inside a condition ("threatened to close the border if he does not get the funding"),
# an infinitive or a gerund ("told Iran to never threaten the U.S.", "for not meeting a deadline")
# or a circumstance ("voted with no discussion") does not deny what the claim states.
CONDITION = frozenset({"if", "unless", "whether"})
CONDITION_REACH = 6  # words a condition's "if" may stand before its negation
GOVERNING = frozenset({"to", "for", "by", "of", "about", "from", "with"})


def _embedded(toks: list[str], i: int) -> bool:
    """Whether the negation ``toks[i]`` stands in a condition, an infinitive, a gerund or a circumstance."""
    if i and toks[i - 1] in GOVERNING and (toks[i] in ("not", "never") or toks[i - 1] == "with" and toks[i] == "no"):
        return True
    return any(w in CONDITION for w in toks[max(0, i - CONDITION_REACH): i])


def negations(toks: list[str]) -> list[str]:
    """The words of ``toks`` (from ``words``) that negate or deny what the claim states."""
    return _negations(toks)[0]


NEGATED_REACH = 3  # content words after a negation that say what it negates ("not raise its growth forecast")
# Words that negate in other words: a claim saying one of them agrees with one saying "not"
# ("should avoid travel" / "should not travel", "voted against unionizing" / "voted not to unionize").
IMPLICIT_NEGATIVE = frozenset({
    "avoid", "avoided", "avoiding", "avoids", "against", "reject", "rejected", "rejects", "rejecting", "fail",
    "failed", "fails", "failing", "failure", "refuse", "refusing", "refusal", "denial", "denying", "oppose",
    "opposed", "opposes", "opposing", "dodge", "dodged", "dodging", "lack", "lacked", "lacking", "lacks", "without",
    "absence", "absent", "unable", "declined", "declines", "decline", "declining", "withheld", "halted", "blocked",
    "instead", "rather"} | NEGATION)


def _negations(toks: list[str]) -> tuple[list[str], set[str]]:
    """``negations``, and the stems of the first ``NEGATED_REACH`` content words after each."""
    out: list[str] = []
    scope: set[str] = set()
    for i, t in enumerate(toks):
        if _negates(toks, i):
            out.append(t)
            # (only the first few content words are stemmed, not the claim's whole tail)
            scope.update(islice((stem(w) for w in toks[i + 1:] if w not in STOP and len(w) > 1
                                 and not w.isdigit()), NEGATED_REACH))
    return out, scope


def _negates(toks: list[str], i: int) -> bool:
    """Whether ``toks[i]`` negates or denies what the claim states."""
    t = toks[i]
    if t in REFUSING:  # "declined to make it public", not "declined to 3%"
        return (i + 2 < len(toks) and toks[i + 1] == "to" and toks[i + 2].isalpha()
                and toks[i + 2] not in NOT_REFUSED and toks[i + 2] not in NUMBER_WORDS)
    if t in NEGATION or t in DENIAL or t.endswith("n't"):
        if t == "no" and i + 1 < len(toks) and toks[i + 1].isdigit():
            return False  # "ranked No. 1", "No 10 Downing Street"
        return (i + 1 == len(toks) or toks[i + 1] not in NOT_NEGATING.get(t, ())) and not _embedded(toks, i)
    return t in CALLED_UNTRUE and i > 0 and (toks[i - 1] in CALLING or (
        i > 1 and toks[i - 2] in CALLING and toks[i - 1] in BETWEEN_CALLING))


NEGATION_SIMILARITY = 0.5
# A plain "not" or "no" in one of two claims that otherwise say much the same is, in real reports,
# nearly always a paraphrase ("should not travel" / "should avoid travel", "voted not to unionize" /
# "voted against unionizing") or another statement ("he is not concerned" / "he defended his son"):
# it conflicts only between claims alike as a whole or in every other word. A denial ("denied",
# "refused", "a hoax", "is false") says the other claim is untrue and needs only NEGATION_SIMILARITY.
PLAIN_NEGATION = frozenset({"not", "no", "never", "neither", "nor", "none", "nobody", "nothing", "cannot"})
PLAIN_NEGATION_SIMILARITY = 0.75  # claims alike as a whole (as for a swapped name, NAME_SIMILARITY)
COMPARATIVES = frozenset({"more", "fewer", "less"})
NAME_SIMILARITY = 0.75  # claims this alike disagree on a swapped name
# Claims whose other words are this alike, apart from one name or number each, disagree on it.
REST_SIMILARITY = 0.9
REST_MIN_WORDS = 3  # fewer other content words than this say too little to call two claims alike


def rest_similarity(a: Values, b: Values) -> float:
    """How alike two claims are apart from their named things and numbers: the Dice overlap of
    their other content words. A short claim is mostly its names ("Finance minister Pedro Alves
    resigned on Friday" against "… Joao Costa …"), so its whole-claim similarity cannot show that
    everything but the name agrees; this can. 0 when the two have fewer than REST_MIN_WORDS such
    words between them."""
    def rest(v: Values) -> set[str]:
        if v.rest_words is None:  # (a claim is compared with many: read once)
            named = {w for d in v.names.values() for text in d.values() for w in words(text)}
            v.rest_words = {w for w in v.words if w not in STOP and len(w) > 1 and w not in named
                            and not any(ch.isdigit() for ch in w) and w not in NUMBER_WORDS}
        return v.rest_words
    ra, rb = rest(a), rest(b)
    if len(ra | rb) < REST_MIN_WORDS:
        return 0.0
    return 2 * len(ra & rb) / (len(ra) + len(rb))


def conflicts(a: Values, b: Values, similarity: float, named_a: frozenset | set = frozenset(),
              named_b: frozenset | set = frozenset()) -> list[tuple[str, str, str]]:
    """The disagreements between two aligned claims: (kind, value in a, value in b).

    ``similarity`` (0..1) is how alike the claims are otherwise; swapped names and places count
    only for near-identical claims, since two reports naturally name different people.
    ``named_a``/``named_b``: the name keys each claim's article gives anywhere; a claim alike only
    apart from its names does not swap a name its other article gives elsewhere (a march in Paris
    and one in Lyon, each report naming both cities).
    """
    out: list[tuple[str, str, str]] = []
    rest = rest_similarity(a, b)
    for key in sorted(a.number_ranges.keys() & b.number_ranges.keys()):  # sorted: the same order in every process
        if key[1] == "" and key[0] == "n":
            continue  # bare numbers: no unit to say they count the same thing
        if key[1] in MONEY and similarity < 0.6 and rest < REST_SIMILARITY:
            continue  # sums of money in loosely aligned claims are often different sums (bail for two suspects)
        if _apart(a.number_ranges[key], b.number_ranges[key]) \
                and a.number_context.get(key, set()) & b.number_context.get(key, set()):
            # counts of the same thing: a word around them is shared ("11 people dead" / "35,000
            # people have signed" count different things)
            out.append(("number", ", ".join(a.number_text[key]), ", ".join(b.number_text[key])))
        elif changed := _changed_one(a.number_items.get(key, ()), b.number_items.get(key, ())):
            out.append(("number", changed[0], changed[1]))  # one of several counts changed, the rest agreeing
    bare = ("n", "")
    if not out and bare in a.number_ranges and bare in b.number_ranges:
        na, nb = a.numbers[bare], b.numbers[bare]
        # unitless numbers that share nothing, in claims alike; or as many numbers, one of them
        # changed, in claims that say the same apart from them ("a vote of 120 to 98" / "110 to 98")
        if len(a.numbers) == len(b.numbers) == 1 and (
                (similarity >= 0.6 and _apart(a.number_ranges[bare], b.number_ranges[bare])) or (
                rest >= REST_SIMILARITY and len(na - nb) == len(nb - na) == 1
                and _apart([r for r in a.number_ranges[bare] if not any(r[0] <= x <= r[1] for x in nb)], b.number_ranges[bare]))):
            out.append(("number", ", ".join(a.number_text[bare]), ", ".join(b.number_text[bare])))
        elif changed := _changed_one(a.number_items[bare], b.number_items[bare]):
            out.append(("number", changed[0], changed[1]))  # "a 7-0 lead" / "a 17-0 lead", "dies at 91" / "at 185"
    for kind in ("day", "monthday", "weekday", "year"):
        da, db = a.event_dates, b.event_dates
        if kind in da and kind in db and not any(_same_time(kind, x, y) for x in da[kind] for y in db[kind]):
            out.append(("date", ", ".join(a.event_date_text[kind]), ", ".join(b.event_date_text[kind])))
            break
    # A negation or an opposite word disagrees only between claims that otherwise say nearly the
    # same thing ("has not been hit by a quake in 25 years" vs "one of the worst-hit villages in
    # the quake" are loosely aligned, not contradictory).
    if bool(a.negated) != bool(b.negated) and similarity >= NEGATION_SIMILARITY and _negation_disagrees(
            *((a, b) if a.negated else (b, a)), similarity, rest):
        out.append(("negation", " ".join(a.negated) or "(affirmed)", " ".join(b.negated) or "(affirmed)"))
    for s in a.stems if similarity >= NEGATION_SIMILARITY else ():
        for o in OPPOSITE.get(s, ()):
            if o in b.stems and o not in a.stems and s not in b.stems:
                out.append(("polarity", s, o))
    if a.title_case or b.title_case:
        return out  # names read off a title-case headline are not names to compare
    if a.speakers and b.speakers and not a.speakers.keys() & b.speakers.keys() \
            and not a.speakers.keys() & _all_names(b) and not b.speakers.keys() & _all_names(a) \
            and not _spelled_alike(a.speakers.keys(), b.speakers.keys()):
        out.append(("speaker", ", ".join(a.speakers.values()), ", ".join(b.speakers.values())))
    for kind in NAME_KINDS:
        na, nb = a.names.get(kind, {}), b.names.get(kind, {})
        only_a, only_b = na.keys() - nb.keys(), nb.keys() - na.keys()
        # "Elliott" / "Elliot", "Araghchi" / "Araqchi": one name spelt two ways
        only_a, only_b = ({x for x in only_a if not _spelled_alike([x], only_b)
                           and not _one_name_longer([na[x]], [nb[y] for y in only_b])},
                          {y for y in only_b if not _spelled_alike(only_a, [y])
                           and not _one_name_longer([na[x] for x in only_a], [nb[y]])})
        # alike claims that name different people; or claims alike in every other word, each
        # naming one thing of this kind, a different one ("Finance minister Pedro Alves resigned …"
        # against "… Joao Costa …": too short for the first test to see past the names)
        swapped = similarity >= NAME_SIMILARITY or (
            rest >= REST_SIMILARITY and len(na) == len(nb) == 1 and not only_a & named_b and not only_b & named_a)
        if swapped and only_a and only_b:
            if not (only_a & _all_names(b)) and not (only_b & _all_names(a)):
                out.append((kind, ", ".join(na[k] for k in sorted(only_a)),
                            ", ".join(nb[k] for k in sorted(only_b))))
    return out


def _changed_one(a: list | tuple, b: list | tuple) -> tuple[str, str] | None:
    """The texts of the one number one side states that the other does not and the other's number
    that stands in its place (one count changed, the rest agreeing or absent: "a 7-0 lead" / "a
    17-0 lead", "voted 371-18" / "passed 745-18"); else None."""
    only_a = {x[0]: x for x in a if _apart([x[0]], [y[0] for y in b])}
    only_b = {y[0]: y for y in b if _apart([y[0]], [x[0] for x in a])}
    if not only_a or not only_b or len(only_a) > 1 and len(only_b) > 1:
        return None
    # one side's changed number against the other's that stands in its place; the other side may
    # state more numbers elsewhere ("aged 29 and 15" / "ages 13 and 15 … Anwar, 66")
    pairs = [(x, y) for x in only_a.values() for y in only_b.values() if _same_place(x, y)]
    return (pairs[0][0][2], pairs[0][1][2]) if len(pairs) == 1 else None


def _same_place(x: tuple, y: tuple) -> bool:
    """Two numbers stand in the same place: the word right before or right after each is the same
    ("dies at 91" / "dies at 185"; "voted 52-48" / "a 107-48 vote"; not "a 24-14 lead" / "a 14-0
    lead" … "tied 14-14" / "the 50-49 vote") and a content word around them is shared."""
    (_, ctx_a, _, near_a), (_, ctx_b, _, near_b) = x, y
    if any(near_a[k] != near_b[k] and _partner(near_a[k]) and _partner(near_b[k]) for k in (0, 1)):
        return False  # two tallies whose other numbers differ too: two scores, not one changed
    return bool(ctx_a & ctx_b) and bool((near_a[0] and near_a[0] == near_b[0]) or (near_a[1] and near_a[1] == near_b[1]))


def _partner(word: str) -> bool:
    return word[:1] == "-" or word[-1:] == "-"


SPELLING = 80  # rapidfuzz ratio (0-100) of two spellings of one name


def _one_name_longer(names_a: list[str], names_b: list[str]) -> bool:
    """Whether a name of one side and one of the other open with the same two words, one of them
    longer: "Miley Cyrus Performs" / "Miley Cyrus Missed" (a headline's verb read into the name);
    not "Joe Biden" / "Joe Manchin"."""
    split_a, split_b = [n.lower().split() for n in names_a], [n.lower().split() for n in names_b]
    return any(len(a) >= 2 and a[:2] == b[:2] and max(len(a), len(b)) >= 3 for a in split_a for b in split_b)


def _spelled_alike(keys_a, keys_b) -> bool:
    """Whether a name key of one side is another spelling of one of the other's ("Mueller" /
    "Muller"; same first letter, so not "Costa" / "Acosta")."""
    return any(x[:1] == y[:1] and ratio(x, y) >= SPELLING for x in keys_a for y in keys_b)


def _negation_disagrees(negated: Values, affirmed: Values, similarity: float, rest: float) -> bool:
    """Whether a claim's negation denies what an aligned claim affirms. Not when the affirming
    claim negates in other words ("avoid", "against", "failed to"). A plain "not" or "no" needs
    claims alike as a whole or in every other word, or the other claim to state what it negates
    ("did not raise its growth forecast" / "raised its growth forecast"); a denial ("denied",
    "refused", "a hoax", "is false") needs no more than NEGATION_SIMILARITY."""
    if affirmed.implicit_negative:
        return False
    if not all(w in PLAIN_NEGATION or w.endswith("n't") for w in negated.negated):
        return True
    stated = bool(negated.negated_scope) and negated.negated_scope <= affirmed.stems
    return similarity >= PLAIN_NEGATION_SIMILARITY or rest >= REST_SIMILARITY or stated


def _all_names(v: Values) -> set[str]:
    return {k for d in v.names.values() for k in d} | v.words
