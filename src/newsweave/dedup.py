"""Near-duplicate detection: exact copies, syndicated wire copies, re-posts, light edits.

Each article's cleaned body (never its title, so a new headline changes nothing) becomes a set of
word 5-gram shingles; a MinHash signature of that set goes into a banded LSH index (bands and rows
as datasketch chooses them for ``lsh_threshold``). A
candidate from the index is a duplicate when the estimated Jaccard similarity clears
``threshold``, or when one text is almost wholly contained in the other (an excerpt, a copy with
a new first paragraph or a tail cut off). The index keeps the last ``max_items`` articles, so
memory stays flat on a long stream.

The signature and the text's hash depend on the article alone: ``prepare`` makes them (in any
process, ahead of time) and ``DuplicateFinder.add`` takes them as ``prepared``.
"""
from __future__ import annotations

import hashlib
import zlib
import logging
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from datasketch import MinHashLSH

from .cluster.text import cached_map, tokens
from .model import Article

log = logging.getLogger(__name__)

SHINGLE = 5
NUM_PERM = 128
MAX_HASH = np.uint32((1 << 32) - 1)
MIN_SHINGLES = 12  # texts shorter than this are duplicates only when exactly equal


@dataclass
class Shingled:
    """An article's text as the duplicate finder reads it (``prepare``): the hash of its normalised
    words, the MinHash signature of its shingle set, the set's size, and whether it has words.
    Independent of the stream, so any process can make it ahead of ``DuplicateFinder.add``."""

    key: str
    values: np.ndarray
    n_shingles: int
    has_text: bool

    def __reduce__(self):  # the signature as raw bytes: quicker between processes than an array
        return (_unpack_shingled, (self.key, self.values.tobytes(), self.n_shingles, self.has_text))


def _unpack_shingled(key: str, values: bytes, n: int, has_text: bool) -> Shingled:
    return Shingled(key, np.frombuffer(values, dtype=np.uint32), n, has_text)


def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """Fixed random affine permutations (odd multipliers, offsets): the same signatures in every run."""
    cached = _PERMS.get(num_perm)
    if cached is None:
        rng = np.random.RandomState(1)
        a = rng.randint(0, 1 << 31, size=num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = rng.randint(0, 1 << 32, size=num_perm, dtype=np.uint64).astype(np.uint32)
        cached = _PERMS[num_perm] = (a, b)
    return cached


_PERMS: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def prepare(article: Article, num_perm: int = NUM_PERM) -> Shingled:
    """The stream-independent part of ``DuplicateFinder.add`` for ``article`` (any process can run it)."""
    words = tokens(article.clean_text or article.text)
    values, n = _minhash(words, num_perm)
    return Shingled(_exact_key(words), values, n, bool(words))


def _minhash(words: list[str], num_perm: int) -> tuple[np.ndarray, int]:
    """The MinHash signature of the text's word 5-gram set (universal hashing of shingle hashes)."""
    n = len(words)
    if not words:
        return np.full(num_perm, MAX_HASH, dtype=np.uint32), 0
    wh = np.fromiter(_word_hashes(words), dtype=np.uint64, count=n)
    if n >= SHINGLE:  # a shingle's hash: a polynomial of its words' CRC32s, folded to 32 bits
        h = wh[: n - SHINGLE + 1].copy()
        for j in range(1, SHINGLE):
            h = h * MIX + wh[j: n - SHINGLE + 1 + j]
    else:
        h = np.zeros(1, dtype=np.uint64)
        for x in wh:
            h = h * MIX + x
    hv = ((h >> np.uint64(32)) ^ h).astype(np.uint32)
    hv.sort()  # the distinct shingle hashes (as np.unique, which is slower on short arrays)
    if len(hv) > 1:
        hv = hv[np.concatenate(([True], hv[1:] != hv[:-1]))]
    # Random affine bijections of the 32-bit shingle hashes (odd a, mod 2^32), as datasketch's
    # affine32 scheme.
    a, b = _permutations(num_perm)
    return (hv[:, None] * a + b).min(axis=0), len(hv)


@dataclass
class _Entry:
    signature: np.ndarray
    n_shingles: int
    original: str  # the article this one copies, or itself
    seq: int  # arrival position: among equal matches the earliest wins


class DuplicateFinder:
    """Links each article to the earlier article it copies (``add``), deterministic for a given input.

    threshold: estimated Jaccard similarity of the shingle sets above which two texts are copies.
    containment: share of the shorter text's shingles found in the longer one above which the
    shorter is a copy (excerpt, re-post with cuts). max_items: articles kept in the index.
    """

    def __init__(self, threshold: float = 0.5, containment: float = 0.8, max_items: int = 50_000,
                 num_perm: int = NUM_PERM, lsh_threshold: float = 0.3):
        self.threshold = threshold
        self.containment = containment
        self.max_items = max_items
        self.num_perm = num_perm
        self.lsh_threshold = lsh_threshold
        self._a, self._b = _permutations(num_perm)
        # Bands of rows: two signatures sharing every value of one band are candidates.
        params = MinHashLSH(threshold=lsh_threshold, num_perm=num_perm)
        self._bands, self._rows = params.b, params.r
        self._tables: list[dict[bytes, dict[str, None]]] = [{} for _ in range(self._bands)]
        self._entries: OrderedDict[str, _Entry] = OrderedDict()  # oldest first
        self._exact: OrderedDict[str, str] = OrderedDict()  # normalised-text hash -> article id
        self._seq = 0

    def add(self, article: Article, prepared: Shingled | None = None) -> str | None:
        """The id of the earlier article ``article`` duplicates, or None; then index ``article``.

        prepared: ``self.prepare(article)``, when made ahead (in another process).
        """
        if article.id in self._entries:  # the same article again: it copies nobody new
            original = self._entries[article.id].original
            return None if original == article.id else original
        sh = prepared if prepared is not None else self.prepare(article)
        keys = self._band_keys(sh.values) if sh.n_shingles else []
        original = self._exact.get(sh.key) if sh.has_text else None
        if original is None and sh.n_shingles >= MIN_SHINGLES:
            original = self._similar(sh.values, sh.n_shingles, keys)
        if original is not None:
            original = self._entries[original].original if original in self._entries else original
        self._index(article.id, sh, original or article.id, keys)
        return original

    def prepare(self, article: Article) -> Shingled:
        """What ``add`` reads of ``article``, independent of the stream (see ``prepare``)."""
        return prepare(article, self.num_perm)

    def reroot(self, article_id: str) -> None:
        """Make an indexed copy an original, and the root of its family: its original's story has
        left the clusterer's active index (a re-post months later), so the copy opens a story of its
        own, where it is a source, and later copies of the same text are linked to it."""
        entry = self._entries.get(article_id)
        if entry is None or entry.original == article_id:
            return
        old = entry.original
        for e in self._entries.values():  # (rare: an O(index) pass is fine)
            if e.original == old:
                e.original = article_id

    def seed(self, article: Article, prepared: Shingled | None = None) -> None:
        """Index a stored article without checking it (re-loading earlier articles)."""
        if article.id in self._entries:
            return
        self._index(article.id, prepared if prepared is not None else self.prepare(article), article.id)

    def __len__(self) -> int:
        return len(self._entries)

    # -- internals -----------------------------------------------------------------------------
    def _band_keys(self, values: np.ndarray) -> list[bytes]:
        r = self._rows
        raw = values.tobytes()
        return [raw[4 * r * i: 4 * r * (i + 1)] for i in range(self._bands)]

    def _similar(self, values: np.ndarray, n: int, keys: list[bytes] | None = None) -> str | None:
        best, best_score = None, 0.0
        hits: dict[str, None] = {}
        for table, key in zip(self._tables, keys if keys is not None else self._band_keys(values)):
            bucket = table.get(key)
            if bucket:
                hits.update(bucket)
        found = [(self._entries[k].seq, k) for k in hits if k in self._entries]
        for _, cand in sorted(found):  # the index returns a set; arrival order makes it deterministic
            entry = self._entries[cand]
            if entry.n_shingles < MIN_SHINGLES:
                continue
            j = np.count_nonzero(entry.signature == values) / len(values)  # (np.mean, quicker)
            # Containment of the shorter set in the longer one, from J and the two set sizes.
            small, large = min(n, entry.n_shingles), max(n, entry.n_shingles)
            contained = j * (small + large) / ((1 + j) * small)
            score = j if j >= self.threshold else (contained if contained >= self.containment else 0.0)
            if score > best_score:
                best, best_score = cand, score
        return best

    def _index(self, article_id: str, sh: Shingled, original: str, keys: list[bytes] | None = None) -> None:
        if len(sh.values) != self.num_perm:
            raise ValueError(f"a signature of {len(sh.values)} values for a {self.num_perm}-permutation index")
        self._seq += 1
        n = sh.n_shingles
        self._entries[article_id] = _Entry(sh.values.copy(), n, original, self._seq)
        if n:
            for table, bkey in zip(self._tables, keys if keys is not None else self._band_keys(sh.values)):
                table.setdefault(bkey, {})[article_id] = None
        if sh.has_text:
            self._exact.setdefault(sh.key, original)
        while len(self._entries) > self.max_items:
            old, entry = self._entries.popitem(last=False)
            if entry.n_shingles:
                for table, bkey in zip(self._tables, self._band_keys(entry.signature)):
                    bucket = table.get(bkey)
                    if bucket is not None:
                        bucket.pop(old, None)
                        if not bucket:
                            del table[bkey]
        while len(self._exact) > self.max_items:
            self._exact.popitem(last=False)


MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier (wraps mod 2^64)
_WORDS: dict[str, int] = {}


def copies_within(articles: list[Article]) -> dict[str, str]:
    """The copies among one story's articles (exact, syndicated with a new first paragraph, lightly
    edited), each mapped to its original: taken in publication order (input order when undated),
    as ingest and `cluster` take them."""
    finder = DuplicateFinder()  # its exact-text key covers what content_hash would match
    out: dict[str, str] = {}
    for a in sorted(articles, key=lambda a: (a.published is None, a.published or "")):
        original = finder.add(a)
        if original is not None:
            out[a.id] = original
    return out


def _crc32(word: str) -> int:
    return zlib.crc32(word.encode("utf-8"))


def _word_hashes(words: list[str]) -> list[int]:
    """The CRC32 of each word."""
    return cached_map(_WORDS, words, _crc32, 200_000)


def _exact_key(words: list[str]) -> str:
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()
