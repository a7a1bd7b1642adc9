"""A short cited summary of a story, built only from its aligned facts.

Candidates are the sentences that state the story's facts, each as an article wrote it, citing
every article of the fact that states it. The summary is the set of candidates with the best
expected ROUGE-1 + ROUGE-2 F1 against an editor's summary of the story, chosen greedily: a word
model (learned on editors' multi-outlet summaries, ``data/summary_model.json``) gives every word
and word pair of the story a probability of being in such a summary (from how many articles and
titles use it, whether the articles' leads do, how often it occurs, whether it is a stopword, a
number or a name), and a length model the summary's expected length; a sentence is added while it
raises the expected F1, so the summary's length follows from what its sentences are worth, within
``max_sentences`` and ``max_words``. The most valuable sentence comes first, the rest in time
order. ``supported`` re-checks every sentence against the articles it cites, and the summary keeps
only those it accepts.
"""
from __future__ import annotations

import functools
import json
import logging
import math
import re
from collections import Counter
from importlib import resources

import numpy as np

from .compare.text import STOP, content_stems, stem_set, words
from .model import Analysis, Fact, SummarySentence

log = logging.getLogger(__name__)

MAX_WORDS = 120  # a summary stops growing past this many words
MIN_WORDS = 6  # shorter sentences (headings, fragments) are not summary material
SUPPORT_OVERLAP = 0.35  # share of a summary sentence's content words a cited article must state
QUOTE_OR_VOICE = re.compile(r"^\W*[\"“‘']|\b(?:I|we|my|our|you|me|us)\b")
TOKEN = re.compile(r"[A-Za-z0-9]+")  # ROUGE's tokens (lower-cased)
LEVELS = 3  # a word's 1st, 2nd and 3rd use in a summary are scored; later ones are worth nothing

UNIGRAM_FEATURES = ["bias", "df", "df2", "title", "stop", "num", "logc", "lead", "loglen", "cap",
                    "j2", "j3", "stop_j2", "stop_j3", "logc_j2", "logc_j3"]
BIGRAM_FEATURES = ["bias", "df", "df2", "title", "lead", "nstop0", "nstop2", "logc", "num", "lp1", "lp2"]


@functools.lru_cache(maxsize=1)
def model() -> dict:
    """The shipped summary model: unigram and bigram logistic weights, the reference-length line,
    and the selection settings (``length_scale``, ``quote``) tuned on held-out training stories."""
    try:
        m = json.loads(resources.files("newsweave.data").joinpath("summary_model.json").read_text("utf-8"))
    except (FileNotFoundError, ModuleNotFoundError, json.JSONDecodeError) as e:
        raise RuntimeError(f"newsweave/data/summary_model.json is missing or unreadable ({e})") from e
    for part, names in (("unigram", UNIGRAM_FEATURES), ("bigram", BIGRAM_FEATURES)):
        if list(m[part]) != names:
            raise RuntimeError(f"summary_model.json: {part} features {list(m[part])} are not {names}")
    return m


def summarise(facts: list[Fact], analyses: list[Analysis], max_sentences: int = 6,
              max_words: int = MAX_WORDS, weights: dict | None = None) -> list[SummarySentence]:
    """At most ``max_sentences`` cited sentences, most valuable first, then in story order.

    Each step adds the candidate that raises the summary's expected ROUGE-1 + ROUGE-2 F1 most
    (less a small penalty for quotations and first-person voice) and stops when none raises it
    or the summary has ``max_words`` words.
    """
    by_id = {an.article.id: an for an in analyses}
    candidates = _candidates(facts, by_id, {an.article.id: k for k, an in enumerate(analyses)})
    if not candidates:
        return []
    m = weights or model()
    stats = story_stats(analyses)
    p_word, p_pair = word_probabilities(stats, m)
    n_story = sum(stats["sizes"])
    ref_len = m["length"]["intercept"] + m["length"]["per_word"] * n_story
    ref_len = max(10.0, min(float(max_words), ref_len)) * m["length_scale"]
    for c in candidates:
        toks = [t.lower() for t in TOKEN.findall(c["sentence"].text)]
        c["unigrams"], c["bigrams"], c["n"] = Counter(toks), set(zip(toks, toks[1:])), len(toks)
        c["prior"] = -m["quote"] if QUOTE_OR_VOICE.search(c["sentence"].text) else 0.0
    used: Counter = Counter()
    pairs: set = set()
    stems: set = set()
    hit1 = hit2 = score = 0.0
    n1 = n2 = total = 0
    picked: list[dict] = []

    def value(c: dict) -> tuple[float, float, float]:
        h1 = 0.0
        for w, k in c["unigrams"].items():
            p = p_word.get(w)
            if p:
                h1 += sum(p[used[w]:used[w] + k])
        h2 = sum(p_pair.get(g, 0.0) for g in c["bigrams"] - pairs)
        f = 2 * (hit1 + h1) / (n1 + c["n"] + ref_len) + 2 * (hit2 + h2) / (n2 + c["n"] - 1 + ref_len)
        return f + c["prior"], h1, h2

    while candidates and len(picked) < max_sentences and total < max_words:
        scored = [(value(c), c) for c in candidates]
        (v, h1, h2), best = max(scored, key=lambda t: t[0][0])
        if picked and v <= score:
            break  # nothing left raises the expected F1
        candidates.remove(best)
        new_stems = set(content_stems(best["sentence"].text))
        if picked and not new_stems - stems:
            continue  # says nothing the summary has not said
        if not supported(best["sentence"], analyses):
            log.debug("summary sentence rejected as unsupported: %s", best["sentence"].text)
            continue
        picked.append(best)
        score, hit1, hit2 = v, hit1 + h1, hit2 + h2
        n1, n2, total = n1 + best["n"], n2 + best["n"] - 1, total + best["words"]
        used.update(best["unigrams"])
        pairs |= best["bigrams"]
        stems |= new_stems
    if not picked:
        return []
    first, rest = picked[0], sorted(picked[1:], key=lambda c: c["at"])
    return [c["sentence"] for c in [first] + rest]


def story_stats(analyses: list[Analysis]) -> dict:
    """Per word and word pair (ROUGE tokens) of the story: how many articles use it, in their
    titles and opening sentences, how often, and how often capitalised inside a sentence."""
    df, title, lead, count, cap = Counter(), Counter(), Counter(), Counter(), Counter()
    pdf, ptitle, plead, pcount = Counter(), Counter(), Counter(), Counter()
    sizes = []
    for an in analyses:
        seen, seen_pairs, size = set(), set(), 0
        for k, sent in enumerate(an.sentences):
            raw = TOKEN.findall(sent.text)
            toks = [t.lower() for t in raw]
            size += len(toks)
            cap.update(t for t, r in zip(toks[1:], raw[1:]) if r[0].isupper())
            grams = list(zip(toks, toks[1:]))
            count.update(toks)
            pcount.update(grams)
            seen.update(toks)
            seen_pairs.update(grams)
            if k == 0:
                lead.update(set(toks))
                plead.update(set(grams))
        df.update(seen)
        pdf.update(seen_pairs)
        tt = [t.lower() for t in TOKEN.findall(an.article.title or "")]
        title.update(set(tt))
        ptitle.update(set(zip(tt, tt[1:])))
        sizes.append(size)
    return {"n": max(1, len(analyses)), "df": df, "title": title, "lead": lead, "count": count, "cap": cap,
            "pair_df": pdf, "pair_title": ptitle, "pair_lead": plead, "pair_count": pcount, "sizes": sizes}


def unigram_features(stats: dict) -> tuple[list[str], np.ndarray]:
    """The story's words and their features at level 1 (rows), before the level terms."""
    n = stats["n"]
    vocab = list(stats["count"])
    rows = []
    for w in vocab:
        c = stats["count"][w]
        df = stats["df"][w]
        rows.append([1.0, df / n, float(df >= 2), stats["title"][w] / n, float(w in STOP), float(w.isdigit()),
                     math.log1p(c / n), stats["lead"][w] / n, math.log(len(w)), stats["cap"][w] / c])
    return vocab, np.array(rows, dtype=float).reshape(len(vocab), 10)


def level_features(base: np.ndarray, j: int) -> np.ndarray:
    """The unigram rows for a word's ``j``-th use (j = 1, 2, 3): base features and level terms."""
    stop, logc = base[:, 4:5], base[:, 6:7]
    two, three = float(j == 2), float(j >= 3)
    return np.hstack([base, np.full_like(stop, two), np.full_like(stop, three), stop * two, stop * three,
                      logc * two, logc * three])


def bigram_features(stats: dict, log_p: dict) -> tuple[list[tuple], np.ndarray]:
    """The story's word pairs and their features (``log_p``: each word's log probability at level 1)."""
    n = stats["n"]
    pairs = list(stats["pair_count"])
    rows = []
    for g in pairs:
        df = stats["pair_df"][g]
        n_stop = (g[0] in STOP) + (g[1] in STOP)
        rows.append([1.0, df / n, float(df >= 2), stats["pair_title"][g] / n, stats["pair_lead"][g] / n,
                     float(n_stop == 0), float(n_stop == 2), math.log1p(stats["pair_count"][g] / n),
                     float(g[0].isdigit() or g[1].isdigit()), log_p[g[0]], log_p[g[1]]])
    return pairs, np.array(rows, dtype=float).reshape(len(pairs), len(BIGRAM_FEATURES))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def word_probabilities(stats: dict, m: dict) -> tuple[dict, dict]:
    """Each word's probabilities of an editor's summary using it at least once, twice, three
    times (capped by its uses in the story), and each word pair's of it using the pair."""
    vocab, base = unigram_features(stats)
    wu = np.array(list(m["unigram"].values()))
    levels = np.stack([_sigmoid(level_features(base, j) @ wu) for j in range(1, LEVELS + 1)], axis=1) \
        if len(vocab) else np.zeros((0, LEVELS))
    p_word = {w: levels[i, :min(LEVELS, stats["count"][w])].tolist() for i, w in enumerate(vocab)}
    log_p = {w: math.log(max(1e-9, levels[i, 0])) for i, w in enumerate(vocab)}
    pairs, feats = bigram_features(stats, log_p)
    p = _sigmoid(feats @ np.array(list(m["bigram"].values()))) if pairs else []
    return p_word, dict(zip(pairs, np.asarray(p).tolist()))


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
                found[key] = {"sentence": SummarySentence(text=text, sources=[span.article], facts=[]),
                              "words": n_words, "at": (an.article.published or "", order[span.article], i),
                              "key": key}
            cand = found[key]
            if k not in cand["sentence"].facts:
                cand["sentence"].facts.append(k)
            for a in _citable(text, span.article, [s.article for s in fact.sources], by_id):
                if a not in cand["sentence"].sources:
                    cand["sentence"].sources.append(a)
    return list(found.values())


def _locate(an: Analysis, offset: int):
    for i, sent in enumerate(an.sentences):
        if sent.start <= offset < sent.end:
            return i, sent
    return None


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
