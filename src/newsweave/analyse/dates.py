"""Dates: spaCy's DATE spans resolved to ISO values against the article's publication time.

What a DATE span becomes:

- a **duration** ("two-day visit", "three years") or an **age** ("33-year-old"): not a date, no value;
- a **date** with an ISO value at the precision the text gives: day ``2025-05-21``, ISO week
  ``2025-W21``, month ``2025-05``, year ``2025``.

Relative expressions ("on Wednesday", "yesterday", "later this month", "two days ago") are resolved
against ``Article.published``. A weekday in a past-tense sentence is the latest such day on or before
publication; in a future one ("will meet on Friday"), the first on or after. Without a publication
time only dates that carry their own year resolve ("March 3, 2014"); the rest stay ``None`` —
never guessed. Our own rules handle the common relative forms; ``dateparser`` (imported lazily,
called only on DATE spans, cached) handles written-out dates.
"""
from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta

WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_NUM = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|" \
       r"forty|fifty|hundred|several|few|couple of|\d+(?:\.\d+)?)"
_UNIT = r"(?:second|minute|hour|day|night|week|fortnight|month|year|decade|century)"
DURATION_RE = re.compile(
    rf"^(?:(?:the|a|an|for|about|nearly|almost|over|more than|some|past|last|next|coming|first|another)\s+)*"
    rf"{_NUM}(?:\s+|-){_UNIT}s?(?:[\s-]long)?$", re.IGNORECASE)
AGE_RE = re.compile(rf"\b{_NUM}[\s-]{_UNIT}s?[\s-]old\b|\baged?\s+\d+", re.IGNORECASE)
AGO_RE = re.compile(rf"^{_NUM}\s+({_UNIT})s?\s+ago$", re.IGNORECASE)
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
           "thirty": 30, "couple of": 2}
RELATIVE_PERIOD = re.compile(
    r"^(?:(earlier|later|late|early|mid|end of|the end of|the start of|start of)\s+)?"
    r"(this|last|next|past|coming|the current|current)\s+(week|weekend|month|year)$", re.IGNORECASE)
SAME_DAY = {"today", "tonight", "this morning", "this afternoon", "this evening", "earlier today",
            "later today", "today's", "this week's"}
PREV_DAY = {"yesterday", "last night", "yesterday morning", "yesterday afternoon", "yesterday evening"}
NEXT_DAY = {"tomorrow", "tomorrow morning", "tomorrow night", "tomorrow evening"}
MONTHS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
WRITTEN = re.compile(rf"\b(?:{MONTHS})[a-z]*\.?\b|\b\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\b|\b(1[89]|20)\d\d\b",
                     re.IGNORECASE)
DECADE = re.compile(r"\b(?:\d{2}|\d{4})'?s\b|\bcentur", re.IGNORECASE)
YEAR = re.compile(r"\b(1[89]|20)\d\d\b")


def classify(text: str) -> str:
    """"date", "duration" or "age" for the text of a DATE span."""
    t = " ".join(text.split())
    if AGE_RE.search(t):
        return "age"
    if DURATION_RE.match(t) and not AGO_RE.match(t):
        return "duration"
    return "date"


def parse_published(published: str | None) -> date | None:
    """The calendar date of an ISO 8601 publication time (as written, no timezone shift)."""
    if not published:
        return None
    try:
        return datetime.fromisoformat(published.strip().replace("Z", "+00:00")).date()
    except ValueError:
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})", published.strip())
        try:
            return date(int(m[1]), int(m[2]), int(m[3])) if m else None
        except ValueError:  # "0000-00-00", a database's empty date; "2014-13-45"
            return None


def resolve(text: str, published: date | None, future: bool = False) -> str | None:
    """The ISO value of a date expression, or None when it cannot be known (also when it falls
    outside the calendar: "yesterday" of 0001-01-01, "5,000,000 days ago")."""
    try:
        return _resolve(text, published, future)
    except (OverflowError, ValueError):
        return None


def _resolve(text: str, published: date | None, future: bool) -> str | None:
    t = " ".join(text.lower().replace("’", "'").split())
    t = re.sub(r"^(?:on|in|by|since|until|from|during|at)\s+", "", t)
    if DECADE.search(t):
        return None
    if published is not None:
        value = _relative(t, published, future)
        if value is not None:
            return value
    if not WRITTEN.search(t):
        return None
    if published is None and not YEAR.search(t):
        return None  # "March 3" with no year and no publication date: unknown
    quick = _calendar(t, published, future)
    return quick if quick is not None else _written(t, published, future)


def _relative(t: str, pub: date, future: bool) -> str | None:
    # "late yesterday", "early today", "earlier tomorrow": a part of the day is the day
    t = re.sub(r"^(?:late|early|earlier|later)\s+(?=(?:yesterday|today|tomorrow)\b)", "", t)
    if t in SAME_DAY:
        return pub.isoformat()
    if t in PREV_DAY:
        return (pub - timedelta(days=1)).isoformat()
    if t in NEXT_DAY:
        return (pub + timedelta(days=1)).isoformat()
    m = re.match(r"^(?:(last|next|this|early|late|this past|this coming)\s+)?(monday|tuesday|wednesday|thursday|"
                 r"friday|saturday|sunday)(?:\s+(morning|afternoon|evening|night))?$", t)
    if m:
        return _weekday(pub, WEEKDAYS[m[2]], m[1], future).isoformat()
    m = RELATIVE_PERIOD.match(t)
    if m:
        return _period(pub, m[2].lower(), m[3].lower())
    m = AGO_RE.match(t)
    if m:
        n = NUMBERS.get(t.split()[0], None) or (int(float(t.split()[0])) if t.split()[0][0].isdigit() else None)
        if n is None:
            return None
        unit = m[1].lower()
        if unit in ("day", "night"):
            return (pub - timedelta(days=n)).isoformat()
        if unit == "week":
            return _iso_week(pub - timedelta(weeks=n))
        if unit == "month":
            y, mo = divmod(pub.year * 12 + pub.month - 1 - n, 12)
            return f"{y:04d}-{mo + 1:02d}"
        if unit == "year":
            return f"{pub.year - n:04d}"
    return None


def _weekday(pub: date, wd: int, modifier: str | None, future: bool) -> date:
    back = (pub.weekday() - wd) % 7  # days since the latest such weekday (0: publication day)
    if modifier == "last" or modifier == "this past":
        return pub - timedelta(days=back or 7)
    if modifier in ("next", "this coming"):
        return pub + timedelta(days=((wd - pub.weekday()) % 7) or 7)
    if future:
        return pub + timedelta(days=(wd - pub.weekday()) % 7)
    return pub - timedelta(days=back)


def _period(pub: date, which: str, unit: str) -> str:
    step = {"last": -1, "past": -1, "next": 1, "coming": 1}.get(which, 0)
    if unit in ("week", "weekend"):
        return _iso_week(pub + timedelta(weeks=step))
    if unit == "month":
        y, mo = divmod(pub.year * 12 + pub.month - 1 + step, 12)
        return f"{y:04d}-{mo + 1:02d}"
    return f"{pub.year + step:04d}"


def _iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


MONTH_NUM = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?"
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
MONTH_DAY = re.compile(rf"^{_WEEKDAY}{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?$")
DAY_MONTH = re.compile(rf"^{_WEEKDAY}(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?(?:\s+(\d{{4}}))?$")
MONTH_YEAR = re.compile(rf"^(?:(?:early|late|mid|mid-)\s*)?{_MONTH},?(?:\s+(?:of\s+)?(\d{{4}}))?$")
YEAR_ONLY = re.compile(r"^(?:(?:early|late|mid|mid-)\s*)?((?:1[89]|20)\d\d)$")
# Dotted numeric dates are day first wherever they are written ("02.05.2013": 2 May, as in German,
# Russian or Turkish reports); dateparser's English default would read them month first.
DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.((?:1[89]|20)\d\d)$")


def _calendar(t: str, pub: date | None, future: bool) -> str | None:
    """The common written forms without dateparser: "March 3", "3 March 2014", "May 2024", "2014"."""
    t = re.sub(r"^(?:the\s+)", "", t)
    m = YEAR_ONLY.match(t)
    if m:
        return m[1]
    day = month = year = None
    if (m := MONTH_DAY.match(t)) is not None:
        month, day, year = MONTH_NUM[m[1][:3]], int(m[2]), m[3]
    elif (m := DAY_MONTH.match(t)) is not None:
        day, month, year = int(m[1]), MONTH_NUM[m[2][:3]], m[3]
    elif (m := MONTH_YEAR.match(t)) is not None:
        month, year = MONTH_NUM[m[1][:3]], m[2]
    elif (m := DOTTED.match(t)) is not None:
        day, month, year = int(m[1]), int(m[2]), m[3]
    else:
        return None
    if year is None:
        if pub is None:
            return None
        year = _nearest_year(pub, month, day or 1, future)
    try:
        d = date(int(year), month, day or 1)
    except ValueError:
        return None
    return d.isoformat() if day else f"{d.year:04d}-{d.month:02d}"


def _nearest_year(pub: date, month: int, day: int, future: bool) -> int:
    """The year that puts a month/day without one on the right side of publication."""
    if future:
        return pub.year if (month, day) >= (pub.month, pub.day if day != 1 else 1) else pub.year + 1
    return pub.year if (month, day) <= (pub.month, pub.day) or (month == pub.month) else pub.year - 1


@functools.lru_cache(maxsize=4096)
def _written(t: str, pub: date | None, future: bool) -> str | None:
    """Written-out dates through dateparser, at the precision the text gives."""
    settings = {"PREFER_DATES_FROM": "future" if future else "past", "RETURN_AS_TIMEZONE_AWARE": False,
                "PREFER_DAY_OF_MONTH": "first"}
    if pub is not None:
        settings["RELATIVE_BASE"] = datetime(pub.year, pub.month, pub.day)
    data = _parser(tuple(sorted(settings.items()))).get_date_data(t)
    if data.date_obj is None:
        return None
    d = data.date_obj
    if pub is None and not YEAR.search(t):
        return None
    if data.period == "year":
        return f"{d.year:04d}"
    if data.period == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if data.period == "week":
        return _iso_week(d.date())
    return d.date().isoformat()


@functools.lru_cache(maxsize=64)
def _parser(settings: tuple):
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings=dict(settings))


FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
FUTURE_VERBS = frozenset({"expected", "scheduled", "slated", "due", "set", "planned", "plans", "plan",
                          "going", "poised", "intends", "aims", "hopes", "tipped"})


def is_future(span) -> bool:
    """Whether the clause governing a spaCy span speaks of the future ("will meet", "is expected to")."""
    tok = span.root
    for _ in range(8):
        if tok.pos_ in ("VERB", "AUX"):
            break
        if tok.head.i == tok.i:
            return False
        tok = tok.head
    for _ in range(3):
        if tok.lower_ in FUTURE_VERBS or any(c.lower_ in FUTURE_AUX and c.dep_ == "aux" for c in tok.children):
            return True
        aux = {c.lower_ for c in tok.children if c.dep_ == "aux"}
        if "would" in aux and not aux & {"have", "'ve"}:
            return True  # reported future: "said Modi would visit London in May" (not "would have")
        if tok.head.i == tok.i or tok.dep_ not in ("xcomp", "conj", "ccomp", "advcl", "pcomp", "relcl"):
            return False
        tok = tok.head
    return False
