"""Text features shared by story clustering and duplicate detection.

Tokens are lower-cased, URL-free and lightly stemmed. Document frequencies live in a fixed-size
hashed table (flat memory however long the stream), seeded from shipped background counts and
updated online, so IDF works for a stream that starts from zero.
"""
from __future__ import annotations

import gzip
import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from itertools import repeat
from operator import mul, sub, truediv
from typing import Any

import numpy as np

from ..model import Analysis

URL = re.compile(r"(?:https?://|www\.)\S+|\b\S+\.(?:com|org|net|html?|php|aspx?)\S*", re.IGNORECASE)
TOKEN = re.compile(r"[^\W_]+(?:[.,'][^\W_]+)*")
DIGIT = re.compile(r"\d")
# Function words only: content words ("fire", "bill") carry news and stay.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me more
most my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves said says say told according also would could us one two
mr mrs ms new like last year years time just get got per via s t re ll ve d m
""".split())
NAMED_TYPES = frozenset({"person", "place", "country", "city", "organisation", "organization", "group",
                         "event", "product", "work", "law", "award", "other", "region", "facility"})
DF_BUCKETS = 1 << 20
HEAD_TOKENS = 40  # a title, or the article's first real sentence, cut to this many tokens


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix stripper: plurals and the commonest verb endings (checks / checked → check)."""
    if len(word) <= 3 or DIGIT.search(word):
        return word
    for suffix, repl, min_len in (("ies", "y", 5), ("sses", "ss", 6), ("ness", "", 7), ("ing", "", 6),
                                  ("edly", "", 7), ("ed", "", 5), ("es", "e", 5), ("s", "", 4)):
        if word.endswith(suffix) and len(word) >= min_len:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: len(word) - len(suffix)] + repl
    return word


_LAST: tuple[str | None, list[str]] = (None, [])  # the last text tokenised: dedup and clustering both read it


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens without URLs (an address says where a copy lives, not what happened).

    The result is shared with the next caller for the same text object: read it, never change it.
    """
    global _LAST
    last = _LAST
    if text is last[0]:
        return last[1]
    toks = _tokens(text)
    _LAST = (text, toks)
    return toks


def _tokens(text: str) -> list[str]:
    text = text.lower()
    if "http" in text or "www." in text or ".htm" in text or ".com" in text or ".org" in text or ".net" in text:
        text = URL.sub(" ", text)
    return TOKEN.findall(text)


_TERMS: dict[str, str] = {}  # token -> term; a plain dict is the fastest cache, cleared when large
TERM_CACHE = 300_000


def _make_term(token: str) -> str:
    if DIGIT.search(token):
        return token
    return stem(token) if token not in STOPWORDS and len(token) > 1 else ""


def _term(token: str) -> str:
    """The term for a token, "" for a function word."""
    return cached_map(_TERMS, [token], _make_term, TERM_CACHE)[0]


def cached_map(cache: dict, keys: list, make: Callable[[Any], Any], limit: int) -> list:
    """``make(k)`` for each of ``keys``, kept in ``cache`` (emptied when it would pass ``limit``).
    The per-key look-ups run in C; only keys not seen before are made here."""
    missing = set(keys).difference(cache)
    if missing:
        if len(cache) + len(missing) > limit:
            cache.clear()
            missing = set(keys)
            if len(missing) > limit:  # one call with more distinct keys than the cache holds
                made = {k: make(k) for k in missing}
                return list(map(made.__getitem__, keys))
        for k in missing:
            cache[k] = make(k)
    return list(map(cache.__getitem__, keys))


def terms(text: str) -> list[str]:
    """Stemmed content terms (function words dropped)."""
    return list(filter(None, cached_map(_TERMS, tokens(text), _make_term, TERM_CACHE)))


_MENTIONS: dict[str, list[str]] = {}  # a mention's text -> its terms (names recur from article to article)
MENTION_CACHE = 50_000


def mention_terms(text: str) -> list[str]:
    """The terms of a named mention (its canonical form or text)."""
    words = _MENTIONS.get(text)
    if words is None:
        words = list(filter(None, cached_map(_TERMS, TOKEN.findall(text.lower()), _make_term, TERM_CACHE)))
        if len(_MENTIONS) >= MENTION_CACHE:
            _MENTIONS.clear()
        _MENTIONS[text] = words
    return words


_BUCKETS: dict[str, int] = {}


def bucket(term: str) -> int:
    """The term's slot in the hashed frequency table (CRC32: the same in every run)."""
    return buckets([term])[0]


def _make_bucket(term: str) -> int:
    return zlib.crc32(term.encode("utf-8")) & (DF_BUCKETS - 1)


def buckets(terms: list[str]) -> list[int]:
    """``bucket`` of each term."""
    return cached_map(_BUCKETS, terms, _make_bucket, TERM_CACHE)


class DocFreq:
    """Hashed document frequencies: shipped background counts plus the stream seen so far."""

    def __init__(self, background: dict[str, Any] | None = None):
        self.counts = np.zeros(DF_BUCKETS, dtype=np.int64)
        self.n_docs = 0
        if background:
            self.n_docs = int(background["n_docs"])
            df = background["df"]
            np.add.at(self.counts, np.asarray(buckets(list(df)), dtype=np.intp),
                      np.fromiter(map(int, df.values()), dtype=np.int64, count=len(df)))

    def add(self, doc_terms: Iterable[str], ids: list[int] | None = None) -> None:
        """Count one document's distinct terms (``ids``: their buckets, when already known)."""
        self.n_docs += 1
        if ids is None:
            ids = buckets(list(doc_terms))
        if ids:
            np.add.at(self.counts, np.asarray(ids, dtype=np.intp), 1)

    def idf(self, term: str) -> float:
        return math.log((self.n_docs + 1) / (int(self.counts[bucket(term)]) + 1)) + 1.0

    def idfs(self, terms: Iterable[str], ids: list[int] | None = None) -> dict[str, float]:
        """IDF of each term (``ids``: their buckets, in the same order, when already known)."""
        terms = list(terms)
        if not terms:
            return {}
        slots = ids if ids is not None else buckets(terms)
        log_n = math.log(self.n_docs + 1) + 1.0
        return dict(zip(terms, map(sub, repeat(log_n), map(math.log, (self.counts[slots] + 1).tolist()))))


def load_background() -> dict[str, Any]:
    """Background document frequencies shipped with newsweave (general news text)."""
    raw = resources.files("newsweave").joinpath("data", "cluster_df.json.gz").read_bytes()
    return json.loads(gzip.decompress(raw))


def weigh(counts: Counter[str], df: DocFreq, idfs: dict[str, float] | None = None) -> dict[str, float]:
    """Sub-linear TF × IDF, L2-normalised (``idfs``: the terms' IDF, when already known)."""
    idf = idfs if idfs is not None else df.idfs(counts)
    try:  # the loops in C: 1 + log(n) from a table (1.0 for n <= 1: the same products)
        if counts and min(counts.values()) < 0:
            raise IndexError
        vec = dict(zip(counts, map(mul, map(_TF.__getitem__, counts.values()), map(idf.__getitem__, counts))))
    except (IndexError, TypeError):  # a count beyond the table, or not a whole number
        vec = {t: (1.0 + math.log(n)) * idf[t] if n > 1 else idf[t] for t, n in counts.items()}
    norm = math.hypot(*vec.values())
    return dict(zip(vec, map(truediv, vec.values(), repeat(norm)))) if norm > 0 else {}


_TF = [1.0, 1.0] + [1.0 + math.log(n) for n in range(2, 1024)]  # sub-linear term frequency by count


def dot(a: dict[str, float], b: dict[str, float]) -> float:
    # The key intersection runs in C; shared terms are few for most pairs. It iterates in string
    # hash order, which differs between Python processes: fsum's exactly rounded sum does not
    # depend on that order, so the same input gives the same stories in every run.
    shared = a.keys() & b.keys()  # (a set iterates in the same order twice)
    return math.fsum(map(mul, map(a.__getitem__, shared), map(b.__getitem__, shared)))


def parse_time(value: str | None) -> float | None:
    """Seconds since the epoch for an ISO 8601 timestamp (naive ones read as UTC), else None."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


@dataclass
class DocTerms:
    """The counted terms of one article, before weighting: body, head (title or lead), entities, numbers."""

    id: str
    body: Counter[str]
    head: Counter[str]
    ents: Counter[str]
    pers: Counter[str]
    nums: Counter[str]
    time: float | None
    year: int | None = None  # the latest year the text names (not the publication year)
    outlet: str | None = None
    all_terms: set[str] = field(default_factory=set)
    # The distinct terms of all the counters, ``all_terms`` first, and their buckets in the hashed
    # frequency table (``bucket``) in the same order; None: looked up when needed.
    vocab: list[str] | None = None
    vocab_ids: list[int] | None = None
    countries: tuple[str, ...] = ()  # the countries it names (a city counts for its country), most named first

    def all_ids(self) -> list[int] | None:
        """The buckets of ``all_terms`` (None when not known)."""
        return self.vocab_ids[:len(self.all_terms)] if self.vocab_ids is not None else None

    def idfs(self, df: DocFreq) -> dict[str, float] | None:
        """IDF of every term of the article, in one look-up (None without ``vocab``)."""
        return df.idfs(self.vocab, self.vocab_ids) if self.vocab is not None else None

    def __reduce__(self):
        # Compact between processes (a prepared article goes from a worker to the clusterer): the
        # distinct terms once, as one string, and each counter as positions and counts, so that
        # unpickling makes each term's string once (a pickled dict of strings costs several times more).
        words = self.vocab if self.vocab is not None else [
            *self.all_terms, *((self.ents.keys() | self.pers.keys()) - self.all_terms)]
        joined = " ".join(words)
        index = {w: i for i, w in enumerate(words)}
        if joined.count(" ") != len(words) - 1 or "" in index or len(index) != len(words) or not all(
                c.keys() <= index.keys() for c in (self.body, self.head, self.ents, self.pers, self.nums)) or (
                len(words) < len(self.all_terms) or not self.all_terms.issuperset(words[:len(self.all_terms)])):
            # (not as doc_terms makes them: pickled as they are)
            return (DocTerms, (self.id, self.body, self.head, self.ents, self.pers, self.nums, self.time,
                               self.year, self.outlet, self.all_terms, self.vocab, self.vocab_ids, self.countries))
        ids = self.vocab_ids if self.vocab is not None else None
        fields = [(list(map(index.__getitem__, c)), list(c.values()))
                  for c in (self.body, self.head, self.ents, self.pers, self.nums)]
        return (_unpack_terms, (self.id, joined, len(self.all_terms), fields, self.time, self.year,
                                self.outlet, ids, self.countries))


def _unpack_terms(id: str, joined: str, n_all: int, fields: list[tuple[list[int], list[int]]],
                  time: float | None, year: int | None, outlet: str | None, ids: list[int] | None,
                  countries: tuple[str, ...] = ()) -> DocTerms:
    words = joined.split(" ") if joined else []
    at = words.__getitem__
    # Each counter keeps its order: what follows iterates them.
    counters = []
    for pos, counts in fields:
        c = Counter.__new__(Counter)  # an empty Counter, filled in C (Counter.update runs in Python)
        dict.update(c, zip(map(at, pos), counts))
        counters.append(c)
    return DocTerms(id, *counters, time, year, outlet, set(words[:n_all]), words if ids is not None else None, ids,
                    countries)


def head_text(analysis: Analysis) -> str:
    """The title when there is one, else the first sentence that has a few real words."""
    art = analysis.article
    if art.title and art.title.strip():
        return art.title
    candidates = [s.text for s in analysis.sentences] or art.clean_text.split("\n")[:5]
    for sent in candidates:
        if len(TOKEN.findall(sent, 0, 400)) >= 4 and "http" not in sent and "www." not in sent:
            return sent
    return ""


YEAR = re.compile(r"(?<![\w.,])(19[5-9]\d|20\d\d)(?![\w.,]\d|\w)")


def doc_terms(analysis: Analysis) -> DocTerms:
    """Count the terms of an analysed article (title, clean text and named mentions)."""
    art = analysis.article
    # Title and body are counted together (no token spans a line, so apart is the same as joined);
    # the body's tokens are the ones dedup has just read.
    counts = Counter(terms(art.clean_text or art.text))
    if art.title:
        counts.update(terms(art.title))
    nums = Counter({t: n for t, n in counts.items() if t[0].isdigit() or t[-1].isdigit()})
    body = Counter({t: n for t, n in counts.items() if t not in nums})
    head = Counter(t for t in terms(head_text(analysis))[:HEAD_TOKENS] if t in body)
    ents: Counter[str] = Counter()
    pers: Counter[str] = Counter()
    for m in analysis.mentions:
        if m.type in NAMED_TYPES:
            words = mention_terms(m.canonical or m.text)
            ents.update(words)
            if m.type == "person":
                pers.update(words)
    # Only years the text names: the merge model learned the year features on undated development
    # articles, where a year is one the report gives. The publication year would make every dated
    # article name the year of every other that week, and the model read that as one event (two
    # quakes of one week, in Nepal and in Peru, fused). Time acts through the window instead.
    # Years are read from the text as given, furniture included: a "Published: July 29, 2004" stamp
    # or a copyright line that cleaning drops still says when an undated report was written (two
    # similar events of ECB+ are years apart; without them 5-fold B-cubed fell from 0.866 to 0.852).
    years = [int(y) for y in YEAR.findall(art.text)]
    if art.title:
        years += [int(y) for y in YEAR.findall(art.title)]
    time = parse_time(art.published)
    all_terms = set(counts)
    # in text order (not set order, which differs between processes): the vectors' term order
    # decides the order of float sums
    vocab = [*counts, *(t for t in ents if t not in all_terms)]  # (person terms are entity terms too)
    return DocTerms(art.id, body, head, ents, pers, nums, time, max(years) if years else None, art.outlet,
                    all_terms, vocab, buckets(vocab), countries_named(analysis))


COUNTRY_TYPES = ("country", "city", "place")


def countries_named(analysis: Analysis) -> tuple[str, ...]:
    """The countries an article names, most named first (ties in text order): a city counts for its
    country ("Kathmandu" for Nepal), so two reports of one quake agree where their words differ, and
    two quakes in different countries disagree however alike their words."""
    from ..analyse.gazetteer import gazetteer

    g, counts = gazetteer(), Counter()
    for m in analysis.mentions:
        if m.type in COUNTRY_TYPES:
            place = g.lookup(m.canonical or m.text)
            country = None if place is None else place.name if place.type == "country" else place.country
            if country:
                counts[country] += 1
    return tuple(c for c, _ in counts.most_common())
