"""Claims: the sentences of a story's articles, long compound ones split into clauses.

A claim keeps its character offsets into ``Article.text`` and the values (numbers, dates,
names, negation, speaker) that alignment and conflict checks compare.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..clean import is_furniture, mask_markup, plain_text
from ..model import Analysis
from . import values as V
from .text import content_words, stem, words

# Where a long sentence may be cut into clauses: the new clause starts at group "cut". The first
# two kinds cut anywhere; the others not inside an enumeration ("…, leather products, mining…").
SUBORDINATORS = (r"(?:when|after|before|since|because|while|whereas|although|though|until|amid|despite|who|"
                 r"(?:(?:during|in|of|by|for|with|from|on|at|under|through|to)\s+)?(?:which|whom))")
CLAUSE_BREAKS = [
    re.compile(r"[;:]\s+(?P<cut>)"),  # "…beneficial: Pakistan aims…", "…; the court…"
    re.compile(r",\s+(?P<cut>(?:" + SUBORDINATORS + r"|but|yet|as well as|as|following)\b)"),
    re.compile(r",\s+(?P<cut>and\s+(?:then\s+)?(?:the|a|an|he|she|it|they|we|his|her|their|its|this|"
               r"that|these|those|[A-Z][\w'’.-]*)\b)"),
    # "…ties, with Kazakhstan standing out…", "…, with the latter scheduled to visit…"
    re.compile(r",\s+(?P<cut>with\s+(?:\S+\s+){1,6}?(?:\w+ing|\w+ed|to)\b)"),
    re.compile(r",\s+(?P<cut>(?!including\b|according\b|during\b|following\b|bring\b|king\b|thing\b|"
               r"something\b|nothing\b|anything\b|everything\b|morning\b|evening\b|spring\b)[a-z]+ing\b)"),
    # Subordinate clauses state facts of their own: "…injured when an earthquake razed villages".
    re.compile(r"(?<=[a-z0-9])\s+(?P<cut>" + SUBORDINATORS + r")\s+(?=\S+\s)"),
]
LIST_SENSITIVE = {2, 3, 4}  # the comma rules that an enumeration's commas would fool
MIN_SPLIT_WORDS = 12  # sentences shorter than this stay whole
MIN_CLAUSE_WORDS = 6
MIN_CLAIM_WORDS = 4
TIME_TYPES = {"date", "time"}
DATE_WORDS = set(V.WEEKDAYS) | set(V.MONTHS) | set(V.MONTH_ABBR) | {"am", "pm", "edt", "est", "gmt", "utc",
                                                                   "bst", "pst", "updated", "published"}  # shorter lines ("May 03, 2013", bylines) are not claims


@dataclass
class Claim:
    """One sentence or clause of one article; ``start``/``end`` are offsets into ``Article.text``."""

    id: int
    article: str
    outlet: str | None
    source: str  # the independent source it counts for (copies and feeds of one outlet share one)
    sentence: int  # index into the article's Analysis.sentences
    position: int  # rank among the article's claim sentences: 0 is the lead
    clause: int
    start: int
    end: int
    text: str
    order: int  # the article's position in the story
    stems: list[str] = field(default_factory=list)  # content-word stems, in order
    tokens: list[str] = field(default_factory=list)  # the content words those stems come from
    name_stems: set[str] = field(default_factory=set)  # stems of words inside named mentions
    values: V.Values = field(default_factory=V.Values)


def split_clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans (relative to ``text``) of a sentence; short sentences come back whole."""
    if len(words(text)) < MIN_SPLIT_WORDS:
        return [_trim(text, 0, len(text))]
    cuts = sorted({m.start("cut") for i, rx in enumerate(CLAUSE_BREAKS) for m in rx.finditer(text)
                   if i not in LIST_SENSITIVE or not _in_list(text, m.start())})
    spans, begin = [], 0
    for cut in cuts:
        left, right = text[begin:cut], text[cut:]
        if len(words(left)) >= MIN_CLAUSE_WORDS and len(words(right)) >= MIN_CLAUSE_WORDS \
                and _quotes_balanced(text[:cut]):
            spans.append(_trim(text, begin, cut))
            begin = cut
    spans.append(_trim(text, begin, len(text)))
    return [s for s in spans if s[1] > s[0]]


def _in_list(text: str, comma: int) -> bool:
    """A comma inside an enumeration ("…, leather products, mining and minerals") is no clause break."""
    prev = text.rfind(",", 0, comma)
    return len(words(text[prev + 1: comma])) <= 3 or "including" in text[max(0, prev - 80): comma]


def _quotes_balanced(prefix: str) -> bool:
    """Never cut inside a quotation: it is one statement of one speaker."""
    return prefix.count('"') % 2 == 0 and prefix.count("“") == prefix.count("”")


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \t\r\n":
        s += 1
    while e > s and text[e - 1] in " \t\r\n,;:":
        e -= 1
    return s, e


def source_key(article_id: str, outlets: dict[str, str | None], duplicate_of: dict[str, str]) -> str:
    """The independent source of an article: its original's outlet (or the original itself).

    A copy is its original's source whatever outlet it names: an AP copy of an article whose
    outlet is unknown is not a second source (the wire copy most likely is where it came from)."""
    root, seen = article_id, {article_id}
    while root in duplicate_of and duplicate_of[root] not in seen:
        root = duplicate_of[root]
        seen.add(root)
    outlet = outlets.get(root)
    return "outlet:" + outlet_key(outlet) if outlet else "article:" + root


def outlet_key(name: str) -> str:
    """An outlet's name as sources are counted: case, punctuation and "and"/"&" aside."""
    return re.sub(r"\W+", " ", re.sub(r"\s*(?:&|\band\b)\s*", " ", name.lower())).strip()


def build_claims(analyses: list[Analysis], duplicate_of: dict[str, str] | None = None,
                 clauses: bool = True) -> list[Claim]:
    """Every claim of every article, in story order; ``clauses=False`` keeps sentences whole
    (the event-level model reads sentences: all of a sentence's events are one unit there)."""
    duplicate_of = duplicate_of or {}
    outlets = {an.article.id: an.article.outlet for an in analyses}
    claims: list[Claim] = []
    for order, an in enumerate(analyses):
        art = an.article
        source = source_key(art.id, outlets, duplicate_of)
        position = 0
        for si, sent in enumerate(an.sentences):
            if is_furniture(sent.text) or len(words(sent.text)) < MIN_CLAIM_WORDS:
                continue
            spans = _whole_clauses(sent.text, split_clauses(sent.text)) if clauses \
                else [(*_trim(sent.text, 0, len(sent.text)), None)]
            for ci, (s, e, tokens) in enumerate(spans):
                start, end = sent.start + s, sent.start + e
                text = art.text[start:end]  # (= sent.text[s:e])
                # words and values are read from the text a reader sees: markup left in the text
                # (a link's "/2013/05/12345" address) is masked the same length, offsets kept
                masked = mask_markup(text)
                if tokens is None:
                    tokens = content_words(plain_text(text))
                if not _says_something(tokens, text, whole=clauses and len(spans) == 1):
                    continue
                mentions = _mentions_in(an, start, end)
                claim = Claim(len(claims), art.id, art.outlet, source, si, position, ci, start, end,
                              text, order, [stem(t) for t in tokens], tokens)
                claim.name_stems = {stem(w) for s_, e_, typ, _ in mentions if typ not in TIME_TYPES
                                    for w in words(masked[s_:e_])}
                claim.values = V.extract(masked, mentions, _dates_in(an, start, end))
                claims.append(claim)
            position += 1
    return claims


def _whole_clauses(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, list[str]]]:
    """The clauses of a sentence, each too thin to be a claim of its own joined to the next one (the
    last to the one before): "At least 12 people were killed | when a landslide buried…" is one
    claim, not a toll dropped and a landslide kept; nor is "…would stay halted | until the end of
    the month" quoted without its qualifier. Each with its content words, as claims read them."""
    out: list[tuple[int, int, list[str]]] = []
    pending: int | None = None  # where a thin clause began, waiting for the next one
    for s, e in spans:
        s = s if pending is None else pending
        tokens = content_words(plain_text(text[s:e]))
        if _says_something(tokens, text[s:e]):
            out.append((s, e, tokens))
            pending = None
        else:
            pending = s
    if pending is not None:
        s = out.pop()[0] if out else pending
        e = spans[-1][1]
        out.append((s, e, content_words(plain_text(text[s:e]))))
    return out


def _says_something(tokens: list[str], text: str, whole: bool = False) -> bool:
    """A claim needs three content words that are not dates or numbers ("Friday, Sep 10, 2010 |
    Updated 8:52 PM EDT" is a timestamp line, not a claim), or two in a whole sentence written as
    one ("The minister resigned on Friday.", "She died at the hospital.": starts with a capital,
    ends in a full stop and has a lower-case word, so not a heading, a caption or a split's tail).
    Only for statements (``whole`` is False for the event level's whole sentences): grouping
    events, such short sentences ("It made me play harder.") cost 0.005 F1 in ECB+ CV."""
    n = sum(1 for t in tokens if not t.isdigit() and t not in DATE_WORDS)
    if n >= 3:
        return True
    return (n == 2 and whole and SENTENCE_START.match(text) is not None and SENTENCE_END.search(text) is not None
            and re.search(r"\b[a-z]{2,}", text) is not None)


SENTENCE_START = re.compile(r"\s*[\"'“‘(]?[A-Z0-9]")  # not "echoed through the building." (a split's tail)
SENTENCE_END = re.compile(r"[.!?][\"'”’)]?\s*$")


def span_values(an: Analysis, start: int, end: int) -> V.Values:
    """The checkable values of ``an``'s text between ``start`` and ``end`` (as a claim there has)."""
    return V.extract(an.article.text[start:end], _mentions_in(an, start, end), _dates_in(an, start, end))


def _mentions_in(an: Analysis, start: int, end: int) -> list[tuple[int, int, str, str]]:
    return [(m.start - start, m.end - start, m.type, m.canonical or m.text)
            for m in an.mentions if m.start >= start and m.end <= end]


def _dates_in(an: Analysis, start: int, end: int) -> list[tuple[str, str, int]]:
    return [(d.value or "", d.text, d.start - start) for d in an.dates if d.start >= start and d.end <= end]
