"""A short cited summary of a story, built only from its aligned facts.

Candidates are the sentences that state the story's facts, each as an article wrote it (from
after a wire dateline, "TEHRAN, Iran (AP) — "; never a lower-case fragment a quotation left),
citing every article of the fact that states it. The summary is the set of candidates with the best
expected ROUGE-1 + ROUGE-2 F1 against an editor's summary of the story, chosen greedily: a word
model (learned on editors' multi-outlet summaries, ``data/summary_model.json``) gives every word
and word pair of the story a probability of being in such a summary (from how many articles and
titles use it, whether the articles' leads do, how often it occurs, whether it is a stopword, a
number or a name), and a length model the summary's expected length; a sentence is added while it
raises the expected F1, so the summary's length follows from what its sentences are worth, within
``max_sentences`` and ``max_words``. The sentence the most articles state comes first (on a
big story the greedy pick can be a long background sentence rich in shared words, while the news
itself is what most outlets repeat), the rest in time order. ``supported`` re-checks every
sentence against the articles it cites, and the summary keeps only those it accepts.
"""
from __future__ import annotations

import functools
import json
import logging
import math
import re
from collections import Counter
from importlib import resources
from itertools import repeat

import numpy as np

from .clean import plain_text
from .compare import values as V
from .compare.claims import span_values
from .compare.text import STOP, stem, stem_set, words
from .model import Analysis, Fact, SummarySentence

log = logging.getLogger(__name__)

MAX_WORDS = 120  # a summary stops growing past this many words
MIN_WORDS = 6  # shorter sentences (headings, fragments), and those ending in ':', are not summary material
HEADLINE_MIN_WORDS = 3  # ... unless the story has nothing longer: then a headline is (not "Pop Culture")
NOVEL_SHARE = 0.15  # a later summary sentence must add this share of content words not yet said
SUPPORT_OVERLAP = 0.35  # share of a summary sentence's content words a cited article must state
QUOTE_OR_VOICE = re.compile(r"^\W*[\"“‘']|\b(?:I|we|my|our|you|me|us)\b")
# A sentence leaning on an earlier one for its subject ("It is believed…", "Each cable…, he said.")
VAGUE = re.compile(r"^\W*(?:(?:he|she|it|they|that|these|those|his|her|its|their)\b|(?:however|meanwhile|still|also|"
                   r"instead|in addition|for (?:instance|example)),)"
                   r"|[,\"”’']\s*(?:he|she|they)\s+(?:said|says|added)(?:\s+on)?(?:\s+\w+day)?\W*$", re.I)
TOKEN = re.compile(r"[A-Za-z0-9]+")  # ROUGE's tokens (lower-cased)
# A wire dateline before the sentence proper ("TEHRAN, Iran (AP) — ", "(CNN) - "): the summary
# sentence starts after it (still word for word the article's); the rest must start a sentence.
DATELINE = re.compile(r"^(?:[A-Z][A-Za-z.']*,?\s){0,4}\([A-Z][\w.]*(?:\s[A-Z][\w.]*){0,2}\)\s*[-–—]+\s*"
                      r"(?=[\"“‘']?[A-Z0-9])")
# A sentence whose first word is all lower case is a piece of one (a quotation's tail the sentence
# splitter cut off: "and most complicated surveillance aircraft” to spy on Iran…"), not one to show.
LOWER_START = re.compile(r"^[\W_]*(?!(?:de|van|von|der|da|del|di|la|le|al|el|bin|ibn|ben)\b)[a-z][a-z'’-]*(?![\w'’-])")
LEVELS = 3  # a word's 1st, 2nd and 3rd use in a summary are scored; later ones are worth nothing

UNIGRAM_FEATURES = ["bias", "df", "df2", "title", "stop", "num", "logc", "lead", "loglen", "cap",
                    "j2", "j3", "stop_j2", "stop_j3", "logc_j2", "logc_j3"]
BIGRAM_FEATURES = ["bias", "df", "df2", "title", "lead", "nstop0", "nstop2", "logc", "num", "lp1", "lp2"]


@functools.lru_cache(maxsize=1)
def model() -> dict:
    """The shipped summary model: unigram and bigram logistic weights, the reference-length line,
    and the selection settings tuned on held-out training stories: ``length_scale`` (on the expected
    length), ``quote``, ``question`` and ``vague`` (penalties, in units of expected F1; ``vague``: a
    sentence whose subject is a pronoun or a connective, or whose speaker is only "he said", 0.05: on
    NeuS-AllSides train (first 1,000 stories) ROUGE-1 0.4015 -> 0.4017, on val 0.4015 -> 0.4014,
    i.e. neutral, kept for readers)."""
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
    """At most ``max_sentences`` cited sentences: the one most articles state first (the earliest
    picked among equals), then in story order.

    Each step adds the candidate that raises the summary's expected ROUGE-1 + ROUGE-2 F1 most
    (less a small penalty for quotations, first-person voice, questions and vague subjects) and stops when none
    raises it or the summary has ``max_words`` words.
    """
    by_id = {an.article.id: an for an in analyses}
    order = {an.article.id: k for k, an in enumerate(analyses)}
    # a story of headlines alone ("Stacy weds techie beau") is summed up by its best headline
    candidates = _candidates(facts, by_id, order) or _candidates(facts, by_id, order, HEADLINE_MIN_WORDS)
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
        # quotations, first-person voice, questions and sentences that lean on an earlier one for
        # their subject or speaker are rarely an editor's words
        c["prior"] = -(m["quote"] * bool(QUOTE_OR_VOICE.search(c["sentence"].text))
                       + m["question"] * c["sentence"].text.endswith("?")
                       + m["vague"] * bool(VAGUE.search(c["sentence"].text)))
    used: Counter = Counter()
    pairs: set = set()
    stems: set = set()
    hit1 = hit2 = score = penalty = 0.0
    n1 = n2 = total = 0
    picked: list[dict] = []

    for c in candidates:  # what each would add to an empty summary
        c["hit1"] = sum(sum(p_word[w][:k]) for w, k in c["unigrams"].items() if w in p_word)
        c["hit2"] = sum(p_pair.get(g, 0.0) for g in c["bigrams"])

    def value(c: dict) -> tuple[float, float, float]:
        h1, h2 = c["hit1"], c["hit2"]
        for w in c["unigrams"].keys() & used.keys():  # later uses of a word are worth less
            p, k, u = p_word.get(w, ()), c["unigrams"][w], used[w]
            h1 -= sum(p[:k]) - sum(p[u:u + k])
        for g in c["bigrams"] & pairs:
            h2 -= p_pair.get(g, 0.0)
        f = 2 * (hit1 + h1) / (n1 + c["n"] + ref_len) + 2 * (hit2 + h2) / (n2 + c["n"] - 1 + ref_len)
        return f + penalty + c["prior"], h1, h2

    while candidates and len(picked) < max_sentences and total < max_words:
        scored = [(value(c), c) for c in candidates]
        (v, h1, h2), best = max(scored, key=lambda t: t[0][0])
        if picked and v <= score:
            break  # nothing left raises the expected F1
        candidates.remove(best)
        new_stems = best["stems"]
        if picked and len(new_stems - stems) < max(1, NOVEL_SHARE * len(new_stems)):
            continue  # says little the summary has not said ("harbour number 7 flooded" after "… 6 …")
        if not supported(best["sentence"], analyses):
            log.debug("summary sentence rejected as unsupported: %s", best["sentence"].text)
            continue
        picked.append(best)
        score, hit1, hit2, penalty = v, hit1 + h1, hit2 + h2, penalty + best["prior"]
        n1, n2, total = n1 + best["n"], n2 + best["n"] - 1, total + best["words"]
        used.update(best["unigrams"])
        pairs |= best["bigrams"]
        stems |= new_stems
    if not picked:
        return []
    lead = max(range(len(picked)), key=lambda k: (len(set(picked[k]["sentence"].sources)), -k))
    rest = sorted(picked[:lead] + picked[lead + 1:], key=lambda c: c["at"])
    return [c["sentence"] for c in [picked[lead]] + rest]


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


def _column(counter: dict, keys: list) -> np.ndarray:
    return np.fromiter(map(counter.get, keys, repeat(0)), dtype=float, count=len(keys))


def unigram_features(stats: dict) -> tuple[list[str], np.ndarray]:
    """The story's words and their features at level 1 (rows), before the level terms."""
    n = stats["n"]
    vocab = list(stats["count"])
    count, df = _column(stats["count"], vocab), _column(stats["df"], vocab)
    stop = np.fromiter((w in STOP for w in vocab), dtype=float, count=len(vocab))
    num = np.fromiter((w.isdigit() for w in vocab), dtype=float, count=len(vocab))
    length = np.fromiter(map(len, vocab), dtype=float, count=len(vocab))
    cols = [np.ones(len(vocab)), df / n, (df >= 2).astype(float), _column(stats["title"], vocab) / n, stop, num,
            np.log1p(count / n), _column(stats["lead"], vocab) / n, np.log(length), _column(stats["cap"], vocab) / count]
    return vocab, np.stack(cols, axis=1) if vocab else np.zeros((0, len(cols)))


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
    if not pairs:
        return pairs, np.zeros((0, len(BIGRAM_FEATURES)))
    df = _column(stats["pair_df"], pairs)
    n_stop = np.fromiter(((a in STOP) + (b in STOP) for a, b in pairs), dtype=float, count=len(pairs))
    num = np.fromiter((a.isdigit() or b.isdigit() for a, b in pairs), dtype=float, count=len(pairs))
    cols = [np.ones(len(pairs)), df / n, (df >= 2).astype(float), _column(stats["pair_title"], pairs) / n,
            _column(stats["pair_lead"], pairs) / n, (n_stop == 0).astype(float), (n_stop == 2).astype(float),
            np.log1p(_column(stats["pair_count"], pairs) / n), num,
            np.fromiter((log_p[a] for a, _ in pairs), dtype=float, count=len(pairs)),
            np.fromiter((log_p[b] for _, b in pairs), dtype=float, count=len(pairs))]
    return pairs, np.stack(cols, axis=1)


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


def _candidates(facts: list[Fact], by_id: dict[str, Analysis], order: dict[str, int],
                min_words: int = MIN_WORDS) -> list[dict]:
    """Every source sentence of every fact of at least ``min_words`` words, once, citing the articles
    that state it."""
    found: dict[tuple[str, int], dict] = {}
    short: set[tuple[str, int]] = set()
    span_cache: dict[tuple[str, int, int], V.Values] = {}
    for k, fact in enumerate(facts):
        articles = [a for a in dict.fromkeys(s.article for s in fact.sources) if a in by_id]
        kinds = {v["kind"] for v in fact.values}  # what the fact's sources disagree on, if anything
        for span in fact.sources:
            an = by_id.get(span.article)
            located = _locate(an, span.start) if an else None
            if located is None:
                continue
            i, sent = located
            key = (span.article, i)
            if key in short:
                continue
            cand = found.get(key)
            if cand is None:
                text = plain_text(an.article.text[sent.start:sent.end]).strip()
                text = text[_dateline_end(text):]
                n_words, stems = _sentence_words(text)
                if n_words < min_words or text.endswith(":") or LOWER_START.match(text):
                    # a heading, a fragment, a list's introduction, a quotation's tail
                    short.add(key)
                    continue
                cand = found[key] = {"sentence": SummarySentence(text=text, sources=[span.article], facts=[],
                                                                 dates=_relative_dates(an, sent)),
                                     "words": n_words, "at": (an.article.published or "", order[span.article], i),
                                     "key": key, "stems": stems, "against": set()}
            if k not in cand["sentence"].facts:
                cand["sentence"].facts.append(k)
            # the fact's other articles that state enough of this very sentence to be cited for it,
            # except those that give another value than this sentence's article does
            if kinds:
                cand["against"].update(_disputing(an, sent, fact, kinds, by_id, span_cache))
            for a in articles:
                if a not in cand["sentence"].sources and _stated(cand["stems"], by_id[a]) \
                        and _numbers_stated(cand["sentence"].text, by_id[a]):
                    cand["sentence"].sources.append(a)
    for cand in found.values():  # a sentence of two facts (clauses) is disputed if either is
        cand["sentence"].sources = [a for a in cand["sentence"].sources if a not in cand["against"]]
    return list(found.values())


def _relative_dates(an: Analysis, sent) -> list[dict[str, str]]:
    """The resolved dates a sentence states without a year ("yesterday", "on Tuesday", "Nov. 17")."""
    return [{"text": d.text, "value": d.value} for d in an.dates
            if sent.start <= d.start < sent.end and d.value and not re.search(r"\b\d{4}\b", d.text)]


def _disputing(an: Analysis, sent, fact: Fact, kinds: set[str], by_id: dict[str, Analysis],
               seen: dict[tuple[str, int, int], V.Values]) -> set[str]:
    """The articles of a conflicting fact whose sentences in it give another value than this
    sentence does, of a kind the fact is disputed on ("Pedro Alves resigned" against "Joao Costa
    resigned", "12 people" against "14 people", not against "Twelve people"): they must not be
    cited for it, however many of its words they share. ``seen`` keeps each span's values for the
    summary being made (a sentence recurs in every fact it is in)."""
    def values_of(a: Analysis, start: int, end: int) -> V.Values:
        key = (a.article.id, start, end)
        if key not in seen:
            seen[key] = span_values(a, start, end)
        return seen[key]

    mine = values_of(an, sent.start, sent.end)
    out = set()
    for src in fact.sources:
        other = by_id.get(src.article)
        if other is None or src.article == an.article.id or src.article in out:
            continue
        theirs = values_of(other, src.start, src.end)
        if any(kind in kinds for kind, *_ in V.conflicts(mine, theirs, V.NAME_SIMILARITY)):
            out.add(src.article)
    return out


def _dateline_end(text: str) -> int:
    """Where the sentence proper starts: after a leading wire dateline, if any."""
    m = DATELINE.match(text)
    return m.end() if m else 0


@functools.lru_cache(maxsize=65536)
def _sentence_words(text: str) -> tuple[int, frozenset[str]]:
    """A sentence's word count and content stems (cached: a story's sentences recur on every update)."""
    ws = words(text)
    return len(ws), frozenset(stem(w) for w in ws if w not in STOP and len(w) > 1)


def _locate(an: Analysis, offset: int):
    for i, sent in enumerate(an.sentences):
        if sent.start <= offset < sent.end:
            return i, sent
    return None


NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _numbers_stated(text: str, an: Analysis) -> bool:
    """Whether the article gives every number the sentence does ("O'Brien, 58, said…" is not
    cited to an article that never gives the age): a citation vouches for the figures too."""
    wanted = {n.replace(",", "") for n in NUMBER.findall(text)}
    return not wanted or wanted <= _numbers_given(an.article.text)


@functools.lru_cache(maxsize=4096)
def _numbers_given(text: str) -> frozenset[str]:
    """The numbers an article gives, in figures or words ("Twelve people" gives 12 as "12 people"
    does); cached, since every candidate sentence asks of every article of its facts."""
    return frozenset({n.replace(",", "") for n in NUMBER.findall(text)}
                     | {str(V.NUMBER_WORDS[w]) for w in words(text.lower()) if w in V.NUMBER_WORDS})


def _stated(stems: set[str], an: Analysis) -> bool:
    if not stems:
        return False
    best = max((len(stems & stem_set(s.text)) / len(stems) for s in an.sentences), default=0.0)
    return best >= SUPPORT_OVERLAP


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", plain_text(text).replace("\u2019", "'").replace("\u2018", "'")
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
    stems = stem_set(sentence.text)
    return all(_stated(stems, by_id[a]) and _numbers_stated(sentence.text, by_id[a]) for a in sentence.sources)
