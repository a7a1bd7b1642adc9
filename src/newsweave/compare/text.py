"""Word-level helpers shared by claim extraction, alignment and summaries: tokens, stems, stopwords.

Everything here is plain string work (no model), so it is cheap enough to run on every claim.
"""
from __future__ import annotations

import functools
import re

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
# Reporting verbs and light words that carry no content of their own in news prose.
NEWS_STOP = frozenset({
    "said", "says", "say", "told", "tell", "tells", "according", "reported", "reports", "report",
    "also", "would", "could", "may", "might", "will", "shall", "just", "like", "mr", "mrs", "ms",
    "new", "year", "years", "time", "one", "two", "people", "including", "well", "s", "t",
})
STOP = frozenset(ENGLISH_STOP_WORDS) | NEWS_STOP


def words(text: str) -> list[str]:
    """Lower-cased word tokens (possessive 's dropped)."""
    return [normal_word(w) for w in WORD.findall(text)]


def normal_word(token: str) -> str:
    """A WORD token as ``words`` reads it: lower-cased, possessive 's dropped."""
    w = token.lower().replace("’", "'")
    return w[:-2] if w.endswith("'s") else w


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix-stripping stemmer: enough to match "sentenced"/"sentences"/"sentencing"."""
    w = word.lower()
    if len(w) <= 3 or w.isdigit():
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    for suf in ("ingly", "edly", "ings", "ing", "ed"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]  # "stopped" -> "stop"
            return w.rstrip("e")
    if w.endswith("sses"):
        return w[:-2]
    if w.endswith("es") and w[-3] in "sxz" or w.endswith(("ches", "shes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ly") and len(w) > 5:
        w = w[:-2]
    return w.rstrip("e") if len(w) > 4 else w


def content_words(text: str) -> list[str]:
    """The content words of ``text``, in order (stopwords and 1-letter tokens dropped)."""
    return [w for w in words(text) if w not in STOP and len(w) > 1]


def content_stems(text: str) -> list[str]:
    """Stems of the content words of ``text``, in order."""
    return [stem(w) for w in content_words(text)]


@functools.lru_cache(maxsize=65536)
def stem_set(text: str) -> frozenset[str]:
    """The set of content stems of ``text`` (cached: summaries test sentences many times)."""
    return frozenset(content_stems(text))
