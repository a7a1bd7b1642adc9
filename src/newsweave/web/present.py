"""Story JSON to what the templates show: numbered citations, status labels, timelines, and
article texts split into plain pieces so the highlights are made server-side.

Article text is never turned into markup here: a piece carries its text (escaped by the
template) and the ids of the facts and events whose sentences cover it.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..render import conflict_values, disputed

STATUS_LABELS = {"corroborated": "Corroborated", "single_source": "Single source", "conflicting": "Conflicting"}
TYPE_ORDER = ["person", "organisation", "country", "city", "place", "award", "law", "other"]


@dataclass
class Piece:
    text: str
    refs: tuple[str, ...] = ()  # "f3" (fact 3), "e1" (event 1): what states this text
    dropped: bool = False  # left out by cleaning (page furniture)


@dataclass
class SourceColumn:
    number: int
    article: dict[str, Any]  # the story's brief of the article
    heading: str = ""  # its title, or the start of its text when it has none
    paragraphs: list[list[Piece]] = field(default_factory=list)
    missing: bool = False  # the article row is gone from the database


def split_text(text: str, marks: list[tuple[int, int, str]], kept: list[tuple[int, int]] | None = None) -> list[Piece]:
    """``text`` cut at every mark and kept-run boundary; each piece lists the refs covering it."""
    n = len(text)
    marks = [(max(0, s), min(n, e), r) for s, e, r in marks if min(n, e) > max(0, s)]
    bounds = {0, n}
    for s, e, _ in marks:
        bounds.update((s, e))
    for s, e in kept or []:
        bounds.update((max(0, min(n, s)), max(0, min(n, e))))
    cuts = sorted(bounds)
    pieces: list[Piece] = []
    for a, b in zip(cuts, cuts[1:]):
        if b <= a:
            continue
        refs = tuple(dict.fromkeys(r for s, e, r in marks if s <= a and b <= e))
        dropped = kept is not None and not any(s <= a and b <= e for s, e in kept)
        if pieces and pieces[-1].refs == refs and pieces[-1].dropped == dropped:
            pieces[-1].text += text[a:b]
        else:
            pieces.append(Piece(text[a:b], refs, dropped))
    return pieces


def paragraphs(pieces: list[Piece]) -> list[list[Piece]]:
    """Pieces regrouped into paragraphs at line breaks (a highlight crossing one is cut in two,
    both halves keeping its refs); blank lines are dropped."""
    out: list[list[Piece]] = [[]]
    for piece in pieces:
        lines = piece.text.split("\n")
        for i, line in enumerate(lines):
            if i:
                out.append([])
            if line:
                out[-1].append(Piece(line, piece.refs, piece.dropped))
    return [p for p in out if any(x.text.strip() for x in p)]


def kept_runs(segments: list | None) -> list[tuple[int, int]] | None:
    """Original-text runs that cleaning kept, from ``(clean_start, original_start, length)``."""
    if not segments:
        return None
    return [(int(o), int(o) + int(length)) for _c, o, length in segments]


def citation_numbers(story: dict[str, Any]) -> dict[str, int]:
    return {a["id"]: n for n, a in enumerate(story.get("articles", []), 1)}


def shown_articles(story: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    """The articles given a column: all of them, or past ``limit`` the originals before the copies."""
    briefs = story.get("articles", [])
    if len(briefs) <= limit:
        return briefs
    ranked = sorted(briefs, key=lambda a: a.get("duplicate_of") is not None)[:limit]
    keep = {a["id"] for a in ranked}
    return [a for a in briefs if a["id"] in keep]


def source_columns(story: dict[str, Any], articles: dict[str, dict[str, Any] | None]) -> list[SourceColumn]:
    """One column per article in ``articles``, its text split at every fact and event sentence."""
    marks: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for i, fact in enumerate(story.get("facts", [])):
        for src in fact.get("sources", []):
            marks[src["article"]].append((src["start"], src["end"], f"f{i}"))
    for i, event in enumerate(story.get("events", [])):
        for src in event.get("sources", []):
            marks[src["article"]].append((src["start"], src["end"], f"e{i}"))
    columns = []
    for n, brief in enumerate(story.get("articles", []), 1):
        if brief["id"] not in articles:
            continue
        row = articles[brief["id"]]
        if row is None:
            columns.append(SourceColumn(n, brief, missing=True))
            continue
        segments = json_list(row.get("segments"))
        pieces = split_text(row["text"], marks[brief["id"]], kept_runs(segments))
        columns.append(SourceColumn(n, brief, heading(brief.get("title"), row["text"]), paragraphs(pieces)))
    return columns


def heading(title: str | None, text: str, width: int = 90) -> str:
    """A title to show: the article's own, else its first line cut at a word."""
    if title and title.strip():
        return title.strip()
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) <= width:
        return first or "Untitled article"
    return first[:width].rsplit(" ", 1)[0] + "…"


def json_list(value: Any) -> list | None:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, list) else None


def fact_rows(story: dict[str, Any], numbers: dict[str, int]) -> list[dict[str, Any]]:
    """Facts for the table: conflicting first, then corroborated, then single source."""
    order = {"conflicting": 0, "corroborated": 1, "single_source": 2}
    rows = []
    for i, fact in enumerate(story.get("facts", [])):
        cited = list(dict.fromkeys(numbers[s["article"]] for s in fact.get("sources", []) if s["article"] in numbers))
        rows.append({"index": i, "ref": f"f{i}", "text": fact.get("text", ""), "status": fact.get("status", ""),
                     "label": STATUS_LABELS.get(fact.get("status", ""), fact.get("status", "")),
                     "cites": cited, "outlets": fact.get("outlets", []),
                     "disagree": conflict_values(fact.get("values") or [], numbers)})
    rows.sort(key=lambda r: (order.get(r["status"], 3), r["index"]))
    return rows


def summary_rows(story: dict[str, Any], numbers: dict[str, int]) -> list[dict[str, Any]]:
    rows = []
    statuses = [f.get("status", "") for f in story.get("facts", [])]
    for s in story.get("summary", []):
        rows.append({"text": s.get("text", ""), "cites": [numbers[a] for a in s.get("sources", []) if a in numbers],
                     "refs": " ".join(f"f{i}" for i in s.get("facts", [])),
                     "disputed": disputed(s.get("facts", []), statuses),
                     # what its dates without a year mean ("yesterday: 2026-11-16"): a summary mixes days
                     "dates": "; ".join(f"{d.get('text')}: {d.get('value')}" for d in s.get("dates") or [])})
    return rows


def timeline(story: dict[str, Any], numbers: dict[str, int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Dated events and publications in time order, and the events that carry no date."""
    items, undated = [], []
    for i, e in enumerate(story.get("events", [])):
        cites = list(dict.fromkeys(numbers[s["article"]] for s in e.get("sources", []) if s["article"] in numbers))
        item = {"when": e.get("date") or "", "kind": "event", "ref": f"e{i}", "cites": cites,
                "text": " ".join(x for x in (e.get("actor") or "", e.get("action", ""), e.get("target") or "") if x),
                "place": e.get("place")}
        (items if e.get("date") else undated).append(item)
    for a in story.get("articles", []):
        if a.get("published"):
            items.append({"when": a["published"], "kind": "published", "ref": "", "cites": [numbers[a["id"]]],
                          "text": f"Published by {a.get('outlet') or 'an unnamed outlet'}", "place": None})
    items.sort(key=lambda x: (_period_end(x["when"]), x["kind"] != "event"))
    return items, undated


def _period_end(when: str) -> str:
    """A sort key that puts a year, month or ISO week ("later this month": 2024-11) after the days
    within it, where it ends: "2024-11" after "2024-11-19", "2024-W46" at the Sunday of that week."""
    if re.fullmatch(r"\d{4}", when):
        return f"{when}-12-31~"
    if re.fullmatch(r"\d{4}-\d{2}", when):
        return f"{when}-31~"
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", when):
        try:
            return date.fromisocalendar(int(m[1]), int(m[2]), 7).isoformat() + "~"
        except ValueError:
            return when
    return when


def actor_groups(story: dict[str, Any], limit: int = 40) -> list[tuple[str, list[dict[str, Any]]]]:
    """The story's entities grouped by type (people first), most-mentioned first."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ents = sorted(story.get("entities", []), key=lambda e: (-len(e.get("articles") or []), e.get("name", "")))
    for e in ents[:limit]:
        groups[e.get("type") or "other"].append(e)
    order = {t: i for i, t in enumerate(TYPE_ORDER)}
    return sorted(groups.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))


def web_url(value: str | None) -> str | None:
    """An article URL fit for a link: http(s) only (never javascript: or data:)."""
    if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return None


def nice_time(value: str | None) -> str:
    """'2025-02-04T10:30:00+00:00' -> '4 Feb 2025, 10:30'; dates stay dates; other text as given."""
    if not value:
        return ""
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    day = f"{dt.day} {dt:%b %Y}"
    if len(value) <= 10 or (dt.hour, dt.minute, dt.second) == (0, 0, 0) and "T" not in value:
        return day
    return f"{day}, {dt:%H:%M}"
