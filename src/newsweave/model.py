"""The nouns of newsweave: plain, typed data shared by every stage.

Every span (sentence, mention, fact source, citation) carries ``start``/``end`` character offsets
into ``Article.text``, the article text exactly as it was read, so ``article.text[start:end]`` is
always the quoted text. Cleaning never rewrites ``Article.text``; it keeps the spans it retains
(``Article.segments``) and maps cleaned offsets back to the original through them.
"""
from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Literal

ENTITY_TAIL = re.compile(r"#?[0-9a-zA-Z]{1,8};")  # the rest of an HTML entity after its "&"

FactStatus = Literal["corroborated", "single_source", "conflicting"]


def content_id(text: str) -> str:
    """A stable id for an article, derived from its whitespace-normalised text."""
    norm = re.sub(r"\s+", " ", text).strip().lower()
    return "a" + hashlib.sha1(norm.encode("utf-8")).hexdigest()[:15]


@dataclass
class Article:
    """One report as read from a file, feed, archive or API request.

    ``text`` is the verbatim text; ``clean_text`` is what the analysis stages read. ``segments``
    lists ``(clean_start, original_start, length)`` runs so cleaned offsets map back to ``text``.
    """

    id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None  # ISO 8601, as given or extracted; None when unknown
    dateline: dict[str, str] | None = None  # {"place": "Islamabad", "outlet": "TDI"}
    clean_text: str = ""
    segments: list[tuple[int, int, int]] = field(default_factory=list)
    language: str | None = None
    source: str | None = None  # where it came from: "path", "path:line", "POST /api/articles"
    extra: dict[str, Any] = field(default_factory=dict)  # unknown JSONL fields, kept as given
    content_hash: str = ""

    def to_original(self, clean_offset: int) -> int:
        """Map an offset in ``clean_text`` to the matching offset in ``text``."""
        if not self.segments:
            return clean_offset
        starts = [s[0] for s in self.segments]
        i = max(0, bisect.bisect_right(starts, clean_offset) - 1)
        c0, o0, n = self.segments[i]
        return o0 + min(clean_offset - c0, n)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``clean_text`` span to ``text`` offsets (end is mapped as an exclusive bound)."""
        if end <= start:
            o = self.to_original(start)
            return o, o
        o_end = self.to_original(end - 1) + 1
        if self.text[o_end - 1: o_end] == "&" and (tail := ENTITY_TAIL.match(self.text, o_end)):
            o_end = tail.end()  # a closing quote read from "&quot;": the span takes the whole entity
        return self.to_original(start), o_end

    def brief(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "outlet": self.outlet,
            "url": self.url,
            "title": self.title,
            "published": self.published,
            "dateline": self.dateline,
        }


@dataclass
class Sentence:
    """A sentence or clause of an article; offsets into ``Article.text``."""

    article: str
    index: int
    start: int
    end: int
    text: str


@dataclass
class Mention:
    """A named thing in an article: person, country, organisation, place, date, award, …"""

    article: str
    start: int
    end: int
    text: str
    type: str  # person | country | city | place | organisation | award | law | date | other
    entity: str | None = None  # canonical entity id
    canonical: str | None = None  # canonical name (e.g. "Shehbaz Sharif")
    role: str | None = None  # "Prime Minister" when the mention carried a title
    sentence: int | None = None


@dataclass
class DateMention:
    article: str
    start: int
    end: int
    text: str
    value: str | None  # ISO date/time, or None when it cannot be resolved (no publication time)
    sentence: int | None = None


@dataclass
class Entity:
    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)


@dataclass
class SourceSpan:
    """Where a fact, event or summary sentence is stated: one sentence of one article."""

    article: str
    start: int
    end: int
    text: str
    outlet: str | None = None


@dataclass
class Event:
    """Who did what to whom: actor, action (see analyse/events.py for the typology), target."""

    actor: str | None
    action: str
    target: str | None = None
    place: str | None = None
    date: str | None = None
    sources: list[SourceSpan] = field(default_factory=list)


@dataclass
class Analysis:
    """What the analyse stage learns of one article."""

    article: Article
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    vector: Any = field(default=None, compare=False)  # the lead's sentence embedding (numpy float32; empty: no words)


@dataclass
class Fact:
    """One statement aligned across a story's articles."""

    text: str
    status: FactStatus
    sources: list[SourceSpan]
    outlets: list[str] = field(default_factory=list)  # independent outlets that state it
    values: list[dict[str, Any]] = field(default_factory=list)  # disagreeing values when conflicting
    story: str | None = None


@dataclass
class SummarySentence:
    text: str
    sources: list[str]  # article ids cited
    facts: list[int] = field(default_factory=list)  # indexes into the story's facts
    # what its relative dates mean, from the writing article's publication time ("yesterday" ->
    # 2026-11-16): {"text", "value"} each; a summary mixes articles of different days
    dates: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Story:
    id: str
    title: str
    articles: list[str]  # article ids, in arrival order
    duplicate_of: dict[str, str] = field(default_factory=dict)  # article id -> original id
    first_seen: str | None = None
    last_seen: str | None = None


def to_dict(obj: Any) -> Any:
    """Dataclasses (nested in lists, tuples and dicts) to plain JSON-ready data.

    Like ``dataclasses.asdict`` but without its deep copies, which cost more than the comparison
    itself on large stories; tuples become lists, as in JSON.
    """
    fields = getattr(obj, "__dataclass_fields__", None)
    if fields is not None:
        return {name: to_dict(getattr(obj, name)) for name in fields}
    if isinstance(obj, (list, tuple)):
        return [to_dict(o) for o in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj
