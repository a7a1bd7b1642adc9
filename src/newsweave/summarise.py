"""A short cited summary of a story, built only from its aligned facts.

Candidates are the sentences that state the story's facts, each as an article wrote it, citing
every article of the fact that states it. Sentences are chosen greedily for the story's shared
concepts (words and word pairs that several articles and their titles use) they add, nudged
towards the articles' leads, towards what the other outlets say (by embedding similarity) and
away from quotations; the most important comes first, the rest
in time order. ``supported`` re-checks every sentence against the articles it cites, and the
summary keeps only those it accepts.
"""
from __future__ import annotations

import logging
import re
import threading
from collections import Counter, OrderedDict

import numpy as np

from .compare.text import STOP, content_stems, stem, stem_set, words
from .model import Analysis, Fact, SummarySentence

log = logging.getLogger(__name__)

# Tuned for ROUGE on the NeuS/AllSides training split (500 stories of neus-train.jsonl): how much
# a sentence's lead position, title words and quotation count, and how fast long sentences are
# discounted (the opening sentence, which carries the story, less so than the ones after it).
# "centrality" weighs how close a sentence's meaning is to the other outlets' articles (static
# sentence embeddings; chosen on 400 train stories from 0-8: ROUGE-1 0.392 -> 0.394 there).
WEIGHTS = {"lead": 0.5, "title": 2.0, "length_power": 0.6, "first_length_power": 0.4, "quote": 0.5,
           "centrality": 4.0}
BUDGET_RATIO = 0.3  # summary length: this share of the story's words …
MIN_WORDS_BUDGET, MAX_WORDS = 15, 120  # … within these bounds
MIN_WORDS = 6  # shorter sentences (headings, fragments) are not summary material
SUPPORT_OVERLAP = 0.35  # share of a summary sentence's content words a cited article must state
QUOTE_OR_VOICE = re.compile(r"^\W*[\"“‘']|\b(?:I|we|my|our|you|me|us)\b")


def summarise(facts: list[Fact], analyses: list[Analysis], max_sentences: int = 6,
              max_words: int = MAX_WORDS) -> list[SummarySentence]:
    """At most ``max_sentences`` cited sentences, most important first, then in story order.

    Concepts are the story's words and word pairs, worth the number of articles that use them
    (only those two or more articles share count) plus a bonus for the articles' titles. Each
    step takes the sentence whose not-yet-covered concepts are worth most per word, nudged by
    lead position and away from quotations, until the summary reaches its length budget.
    """
    by_id = {an.article.id: an for an in analyses}
    worth = _concept_weights(analyses)
    story_words = sum(len(words(an.article.clean_text or an.article.text)) for an in analyses)
    budget = min(max_words, max(MIN_WORDS_BUDGET, BUDGET_RATIO * story_words))
    candidates = _candidates(facts, by_id, {an.article.id: k for k, an in enumerate(analyses)})
    if WEIGHTS["centrality"] and candidates:
        for cand, c in zip(candidates, _centrality(candidates, analyses)):
            cand["prior"] += WEIGHTS["centrality"] * c
    picked: list[dict] = []
    covered: set = set()
    total = 0
    while candidates and len(picked) < max_sentences and total < budget:
        power = WEIGHTS["length_power"] if picked else WEIGHTS["first_length_power"]
        best = max(candidates, key=lambda c: _gain(c, covered, worth, power))
        candidates.remove(best)
        if picked and not _new_worth(best, covered, worth):
            continue  # says nothing the summary has not said
        if not supported(best["sentence"], analyses):
            log.debug("summary sentence rejected as unsupported: %s", best["sentence"].text)
            continue
        picked.append(best)
        covered |= best["concepts"]
        total += best["words"]
        # A sentence whose concepts are all covered stays so: drop it now rather than find it best later.
        candidates = [c for c in candidates if _new_worth(c, covered, worth)]
    if not picked:
        return []
    first, rest = picked[0], sorted(picked[1:], key=lambda c: c["at"])
    return [c["sentence"] for c in [first] + rest]


def _candidates(facts: list[Fact], by_id: dict[str, Analysis], order: dict[str, int]) -> list[dict]:
    """Every source sentence of every fact, once, citing the articles that state it."""
    found: dict[tuple[str, int], dict] = {}
    for k, fact in enumerate(facts):
        for span in fact.sources:
            an = by_id.get(span.article)
            located = _locate(an, span.start) if an else None
            if located is None:
                continue
            i, sent = located
            text = an.article.text[sent.start:sent.end].strip()
            n_words = len(words(text))
            if n_words < MIN_WORDS:
                continue
            key = (span.article, i)
            if key not in found:
                prior = WEIGHTS["lead"] / (1 + i) - (WEIGHTS["quote"] if QUOTE_OR_VOICE.search(text) else 0.0)
                found[key] = {"sentence": SummarySentence(text=text, sources=[span.article], facts=[]),
                              "concepts": concepts(text), "words": n_words, "at": (an.article.published or "", order[span.article], i),
                              "prior": prior, "key": key}
            cand = found[key]
            if k not in cand["sentence"].facts:
                cand["sentence"].facts.append(k)
            for a in _citable(text, span.article, [s.article for s in fact.sources], by_id):
                if a not in cand["sentence"].sources:
                    cand["sentence"].sources.append(a)
    return list(found.values())


def _centrality(candidates: list[dict], analyses: list[Analysis]) -> np.ndarray:
    """How much each candidate says what the other outlets say, by meaning: the mean over the
    story's other articles of its embedding cosine to that article's centroid (its own article's
    when the story has one article)."""
    blocks, owner, row_of = [], [], {}
    for k, an in enumerate(analyses):
        if not an.sentences:
            continue
        for i in range(len(an.sentences)):
            row_of[(an.article.id, i)] = len(owner) + i
        owner.extend([k] * len(an.sentences))
        blocks.append(_sentence_vectors(an).astype(np.float32))
    if not blocks:
        return np.zeros(len(candidates))
    vectors = np.concatenate(blocks)
    centroids = np.zeros((len(analyses), vectors.shape[1]), dtype=np.float32)
    centroids[sorted(set(owner))] = [block.sum(axis=0) for block in blocks]
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-9)
    rows = np.array([row_of[c["key"]] for c in candidates])
    own = np.asarray(owner)[rows]
    # candidates × articles; einsum, not BLAS: a BLAS call wakes threads that then spin on the
    # cores the rest of the (pure Python) pipeline needs
    sim = np.einsum("ij,kj->ik", vectors[rows], centroids)
    if len(analyses) == 1:
        return sim[:, 0]
    return (sim.sum(axis=1) - sim[np.arange(len(rows)), own]) / (len(analyses) - 1)


_VECTORS: OrderedDict = OrderedDict()  # per article: its sentences' embeddings (a story is rebuilt as it grows)
VECTOR_CACHE = 2048  # articles
_VECTORS_LOCK = threading.Lock()


def _sentence_vectors(an: Analysis) -> np.ndarray:
    """The article's sentence embeddings (float16), cached per article."""
    from .compare.align import embed

    key = (an.article.id, len(an.sentences), an.sentences[-1].end if an.sentences else 0,
           an.sentences[0].text if an.sentences else "")
    with _VECTORS_LOCK:
        if key in _VECTORS:
            _VECTORS.move_to_end(key)
            return _VECTORS[key]
    vectors = embed([s.text for s in an.sentences]).astype(np.float16)
    with _VECTORS_LOCK:
        _VECTORS[key] = vectors
        if len(_VECTORS) > VECTOR_CACHE:
            _VECTORS.popitem(last=False)
    return vectors


def _locate(an: Analysis, offset: int):
    for i, sent in enumerate(an.sentences):
        if sent.start <= offset < sent.end:
            return i, sent
    return None


def concepts(text: str) -> set:
    """A sentence's concepts: its content stems and its word pairs (stemmed) not made of stopwords only."""
    ws = words(text)
    out: set = {(s,) for s in content_stems(text)}
    for a, b in zip(ws, ws[1:]):
        if a not in STOP or b not in STOP:
            out.add((stem(a), stem(b)))
    return out


def _concept_weights(analyses: list[Analysis]) -> dict:
    """Concept worth: how many articles use it (when two or more do), plus a bonus for title concepts."""
    df: Counter = Counter()
    titles: set = set()
    for an in analyses:
        df.update(concepts(" ".join(s.text for s in an.sentences)))
        titles |= concepts(an.article.title or "")
    return {c: (n if n >= 2 else 0) + (WEIGHTS["title"] if c in titles else 0.0) for c, n in df.items()}


def _new_worth(cand: dict, covered: set, worth: dict) -> float:
    return sum(worth.get(c, 0.0) for c in cand["concepts"] - covered)


def _gain(cand: dict, covered: set, worth: dict, power: float) -> float:
    return _new_worth(cand, covered, worth) / max(1.0, cand["words"]) ** power + cand["prior"]


def _citable(text: str, writer: str, articles: list[str], by_id: dict[str, Analysis]) -> list[str]:
    """The fact's articles that state enough of this very sentence to be cited for it."""
    stems = set(content_stems(text))
    out = []
    for a in dict.fromkeys(articles):
        if a == writer or (a in by_id and _stated(stems, by_id[a])):
            out.append(a)
    return out


def _stated(stems: set[str], an: Analysis) -> bool:
    if not stems:
        return False
    best = max((len(stems & stem_set(s.text)) / len(stems) for s in an.sentences), default=0.0)
    return best >= SUPPORT_OVERLAP


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("\u2018", "'")
                  .replace("\u201c", '"').replace("\u201d", '"')).strip().lower()


def supported(sentence: SummarySentence, analyses: list[Analysis]) -> bool:
    """True when the summary sentence is backed by the articles it cites.

    Every part of it (its clauses) must be written, word for word, in one cited article, and
    every cited article must state enough of it (a share of its content words within one of its
    sentences) — so neither an invented sentence nor an idle citation passes.
    """
    from .compare.claims import split_clauses

    by_id = {an.article.id: an for an in analyses}
    if not sentence.sources or any(a not in by_id for a in sentence.sources) or not sentence.text.strip():
        return False
    texts = {a: _norm(by_id[a].article.text) for a in sentence.sources}
    parts = [_norm(sentence.text[s:e]) for s, e in split_clauses(sentence.text)] or [_norm(sentence.text)]
    if not all(any(p in t for t in texts.values()) for p in parts if p):
        return False
    stems = set(content_stems(sentence.text))
    return all(_stated(stems, by_id[a]) for a in sentence.sources)
