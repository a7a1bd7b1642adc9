"""Align claims across a story's articles: score claim pairs, then group them into facts.

A pair's score is a logistic model over cheap features: TF-IDF cosine of content stems, the
same restricted to *event* words (verbs and event nouns rather than names), word overlap, shared and clashing names, numbers and dates, lead position, and whether both
claims speak of the story's main event. The weights and the event-word lexicon are learned on
ECB+ topics (``evaluate/facts.py`` fits them) and shipped in ``data/compare_weights.json``.
Facts are average-linkage clusters of the pair scores: a claim joins a fact only when it matches
the fact's claims on average, not just one of them. The event-level model (``event_model``) adds
the story-position features (lead similarity, main-event words), scores every pair of claims of
different articles (not only those sharing a word), lets one article's claims share a fact, and
lets a sentence that reports two events join a second fact it matches on average (``overlap``).
Word features miss paraphrase ("killed" / "shot dead", "quake" / "tremor"): the ``emb_*`` features
compare claims by meaning, as cosines of static sentence embeddings (MiniLM distilled to one vector
per token, so a claim costs a tokenisation and a mean) — claim to claim, and each claim to the
centroid of the articles' leads and of the whole story. They are computed only when a model
weighs them; the shipped one does not (fitted on ECB+ topics 1-20 they gained 0.02 F1 in 4-fold CV
there but lost 0.025 on topics 21-35), so claims are embedded only by summaries.
"""
from __future__ import annotations

import functools
import json
import logging
from importlib import resources

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix

from .claims import Claim

log = logging.getLogger(__name__)

FEATURES = [
    "cos", "event_cos", "event_shared", "main_both", "lead_sim_both", "lead_sim_max", "overlap", "dice",
    "shared", "core", "names_shared", "names_clash", "num_agree", "num_clash", "date_agree", "date_clash",
    "lead", "near_lead", "len_ratio", "emb_cos", "emb_lead_both", "emb_centroid_both",
]
# Meaning-level features: cosines of static sentence embeddings (``analyse.models.static_embedder``).
EMBEDDING_FEATURES = ("emb_cos", "emb_lead_both", "emb_centroid_both")
# Used only when the shipped weights file is missing (a source checkout without package data).
DEFAULT_WEIGHTS = {
    "coef": {"cos": 4.0, "event_cos": 2.0, "main_both": 1.0, "num_clash": -0.5,
             "date_clash": -0.5, "near_lead": 1.0},
    "intercept": -4.0, "threshold": 0.4, "linkage": "average", "eventness": {}, "suffix_eventness": {},
}
EVENT_PRIOR = 0.15  # eventness of a word seen in no training text and with no telling suffix
# Word endings that mark verbs and event nouns; the fit learns how eventful each one is.
EVENT_SUFFIXES = ("ed", "ing", "tion", "sion", "ment", "ure", "al", "age", "ance", "ence", "es", "s")
STATEMENT_THRESHOLD = 0.5  # mean pair probability for a claim to join a fact
SAME_ARTICLE_COS = 0.9  # an article repeating itself near verbatim states one fact twice
SAME_ARTICLE_SCORE = -99.0  # otherwise two claims of one article are kept apart (cannot-link)


def event_model(w: dict | None = None) -> dict:
    """The event-level pair model and cut (every mention of one event in one fact, as ECB+ reads
    "the same fact"): the shipped model with its ``event_model`` overrides, or — for a weights
    file without one — the statement model cut at its event threshold."""
    w = w or weights()
    if "event_model" in w:
        return {**w, **w["event_model"]}
    return {**w, "threshold": w.get("event_threshold", w["threshold"]),
            "same_article_score": w.get("event_same_article_score", 0.0)}


@functools.lru_cache(maxsize=1)
def weights() -> dict:
    """The shipped pair model: {"coef", "intercept", "threshold", "linkage", "eventness", …}."""
    try:
        text = resources.files("newsweave.data").joinpath("compare_weights.json").read_text()
        return json.loads(text)
    except (FileNotFoundError, ModuleNotFoundError, json.JSONDecodeError):
        log.warning("compare_weights.json missing: using built-in default weights")
        return DEFAULT_WEIGHTS


def suffix_class(word: str) -> str:
    return next((s for s in EVENT_SUFFIXES if word.endswith(s) and len(word) > len(s) + 2), "")


def eventness(word: str, stem: str, w: dict) -> float:
    """How likely a content word names an action or event (learned; suffix fallback)."""
    lex = w.get("eventness", {})
    if stem in lex:
        return lex[stem]
    return w.get("suffix_eventness", {}).get(suffix_class(word), EVENT_PRIOR)


class StemIndex:
    """The story's claim×stem matrices: binary, TF-IDF (L2-normalised) and event-weighted TF-IDF."""

    def __init__(self, claims: list[Claim], w: dict):
        vocab: dict[str, int] = {}
        for c in claims:
            for s in c.stems:
                vocab.setdefault(s, len(vocab))
        extra = _compound_parts(vocab)  # "earthquak" also counts as "quak"
        rows, cols, tf, ev = [], [], [], []
        for i, c in enumerate(claims):
            counts: dict[int, list] = {}
            for word, s in zip(c.tokens, c.stems):
                e = 0.0 if s in c.name_stems else eventness(word, s, w)
                for j in [vocab[s]] + [vocab[p] for p in extra.get(s, ())]:
                    slot = counts.setdefault(j, [0, 0.0])
                    slot[0] += 1
                    slot[1] = max(slot[1], e)
            for j, (n, e) in counts.items():
                rows.append(i)
                cols.append(j)
                tf.append(n)
                ev.append(e)
        shape = (len(claims), max(1, len(vocab)))
        cols_a = np.asarray(cols, dtype=int)
        self.binary = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
        df = np.asarray(self.binary.sum(axis=0)).ravel()
        idf = np.log((len(claims) + 1) / (df + 1)) + 1
        weight = (1 + np.log(np.asarray(tf, dtype=float))) * idf[cols_a] if rows else np.zeros(0)
        self.tfidf = _normalise(csr_matrix((weight, (rows, cols)), shape=shape))
        self.event = _normalise(csr_matrix((weight * np.asarray(ev), (rows, cols)), shape=shape))
        self.event_bin = csr_matrix((np.asarray(ev), (rows, cols)), shape=shape)
        # Centrality: the share of the story's articles that use the stem (the main event's
        # words are in every report).
        orders = sorted({c.order for c in claims})
        index = {o: k for k, o in enumerate(orders)}
        per_article = csr_matrix((np.ones(len(claims)), ([index[c.order] for c in claims], range(len(claims)))),
                                 shape=(len(orders), len(claims)))
        self.centrality = np.asarray(((per_article @ self.binary) > 0).sum(axis=0)).ravel() / max(1, len(orders))
        # How strongly each claim speaks of a central event: max over its words of centrality × eventness.
        main = self.event_bin.multiply(self.centrality[None, :]).tocsr()
        self.main = np.asarray(main.max(axis=1).todense()).ravel() if main.nnz else np.zeros(len(claims))


def _compound_parts(vocab: dict[str, int]) -> dict[str, list[str]]:
    """Stems that end with another stem of 4+ letters ("earthquak" ⊃ "quak"): counted as both."""
    out: dict[str, list[str]] = {}
    for s in vocab:
        parts = [s[k:] for k in range(3, len(s) - 3) if s[k:] in vocab]
        if parts:
            out[s] = parts
    return out


def _normalise(m: csr_matrix) -> csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return csr_matrix(m.multiply(1 / np.maximum(norms, 1e-9)[:, None]))


def _value_matrix(claims: list[Claim], keys_of) -> csr_matrix:
    vocab: dict = {}
    rows, cols = [], []
    for i, c in enumerate(claims):
        for k in keys_of(c):
            rows.append(i)
            cols.append(vocab.setdefault(k, len(vocab)))
    return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(claims), max(1, len(vocab))))


def _pairwise(m: csr_matrix, iu: np.ndarray, ju: np.ndarray) -> np.ndarray:
    """Row dot products of ``m`` for the pairs (iu, ju)."""
    if len(iu) == 0:
        return np.zeros(0)
    return np.asarray(m[iu].multiply(m[ju]).sum(axis=1)).ravel()


def uses_embeddings(w: dict) -> bool:
    """Whether a pair model weighs any embedding feature (only then are claims embedded)."""
    return any(w.get("coef", {}).get(f, 0.0) for f in EMBEDDING_FEATURES)


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length static sentence embeddings of ``texts`` (float32, one row per text)."""
    from ..analyse.models import static_embedder

    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    v = np.asarray(static_embedder().encode(texts, use_multiprocessing=False), dtype=np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)


def _embedding_columns(claims: list[Claim], position: np.ndarray, iu: np.ndarray, ju: np.ndarray) -> dict:
    v = embed([c.text for c in claims])
    leads = np.flatnonzero(position <= 1)
    # einsum, not BLAS, whose woken threads spin on the cores the rest of the pipeline needs
    lead_sim = np.einsum("ij,j->i", v, _unit(v[leads].mean(axis=0))) if len(leads) else np.zeros(len(claims))
    centroid_sim = np.einsum("ij,j->i", v, _unit(v.mean(axis=0)))
    pair_cos = np.einsum("ij,ij->i", v[iu], v[ju])
    return {
        "emb_cos": pair_cos,
        "emb_lead_both": np.minimum(lead_sim[iu], lead_sim[ju]),
        "emb_centroid_both": np.minimum(centroid_sim[iu], centroid_sim[ju]),
    }


def _unit(x: np.ndarray) -> np.ndarray:
    return x / max(float(np.linalg.norm(x)), 1e-9)


def pair_features(claims: list[Claim], w: dict | None = None, every_pair: bool = False,
                  embeddings: bool | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs (i < j, different articles, a shared stem — or every pair of different
    articles with ``every_pair``), their feature rows, and the full TF-IDF cosine matrix (used
    for repeats within an article and conflict checks). The embedding features are computed when
    ``embeddings`` is true (default: when the model weighs them) and are 0 otherwise."""
    w = w or weights()
    if embeddings is None:
        embeddings = uses_embeddings(w)
    n = len(claims)
    if n < 2:
        return np.zeros((0, 2), int), np.zeros((0, len(FEATURES))), np.eye(n)
    ix = StemIndex(claims, w)
    cos = (ix.tfidf @ ix.tfidf.T).toarray()
    shared_m = (ix.binary @ ix.binary.T).tocsr()
    order = np.array([c.order for c in claims])
    iu, ju = np.triu_indices(n, k=1) if every_pair else shared_m.nonzero()
    keep = (iu < ju) & (order[iu] != order[ju])
    iu, ju = iu[keep], ju[keep]
    if not len(iu):
        return np.zeros((0, 2), int), np.zeros((0, len(FEATURES))), cos
    shared = np.asarray(shared_m[iu, ju]).ravel()
    sizes = np.asarray(ix.binary.sum(axis=1)).ravel()
    names = _value_matrix(claims, lambda c: {k for d in c.values.names.values() for k in d})
    has_names = np.asarray(names.sum(axis=1)).ravel() > 0
    num_units = _value_matrix(claims, lambda c: {k for k in c.values.numbers if k[1]})
    num_vals = _value_matrix(claims, lambda c: {(k, v) for k, vs in c.values.numbers.items() if k[1] for v in vs})
    date_kinds = _value_matrix(claims, lambda c: set(c.values.dates))
    date_vals = _value_matrix(claims, lambda c: {(k, v) for k, vs in c.values.dates.items() for v in vs})
    names_shared = _pairwise(names, iu, ju)
    units = _pairwise(num_units, iu, ju)
    num_agree = np.minimum(_pairwise(num_vals, iu, ju), units)
    kinds = _pairwise(date_kinds, iu, ju)
    date_agree = np.minimum(_pairwise(date_vals, iu, ju), kinds)
    position = np.array([c.position for c in claims])
    lead_sim = _lead_similarity(ix, position)
    cols = {
        "lead_sim_both": np.minimum(lead_sim[iu], lead_sim[ju]),
        "lead_sim_max": np.maximum(lead_sim[iu], lead_sim[ju]),
        "cos": cos[iu, ju],
        "event_cos": _pairwise(ix.event, iu, ju),
        "event_shared": np.log1p(_pairwise(ix.event_bin, iu, ju)),
        "main_both": np.minimum(ix.main[iu], ix.main[ju]),
        "overlap": shared / np.maximum(1.0, np.minimum(sizes[iu], sizes[ju])),
        "dice": 2 * shared / np.maximum(1.0, sizes[iu] + sizes[ju]),
        "shared": np.log1p(shared),
        "core": _pairwise(ix.binary.multiply(ix.centrality[None, :]).tocsr(), iu, ju) / np.maximum(1.0, shared),
        "names_shared": np.minimum(3, names_shared),
        "names_clash": (has_names[iu] & has_names[ju] & (names_shared == 0)).astype(float),
        "num_agree": np.minimum(2, num_agree),
        "num_clash": units - num_agree,
        "date_agree": np.minimum(2, date_agree),
        "date_clash": kinds - date_agree,
        "lead": ((position[iu] == 0) & (position[ju] == 0)).astype(float),
        "near_lead": 1.0 / (1 + position[iu] + position[ju]),
        "len_ratio": np.minimum(sizes[iu], sizes[ju]) / np.maximum(1.0, np.maximum(sizes[iu], sizes[ju])),
    }
    if embeddings:
        cols.update(_embedding_columns(claims, position, iu, ju))
    else:
        cols.update({f: np.zeros(len(iu)) for f in EMBEDDING_FEATURES})
    rows = np.stack([cols[name] for name in FEATURES], axis=1) if len(iu) else np.zeros((0, len(FEATURES)))
    return np.stack([iu, ju], axis=1), rows, cos


def _lead_similarity(ix: StemIndex, position: np.ndarray) -> np.ndarray:
    """Each claim's event-word cosine to the centroid of the articles' opening claims: how much it
    speaks of the story's main event, which every report opens with."""
    leads = np.flatnonzero(position <= 1)
    if not len(leads):
        return np.zeros(len(position))
    centroid = np.asarray(ix.event[leads].mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    return np.asarray(ix.event @ (centroid / max(norm, 1e-9))).ravel()


def pair_probability(rows: np.ndarray, w: dict | None = None) -> np.ndarray:
    """Logistic pair scores for feature rows."""
    w = w or weights()
    coef = np.array([w["coef"].get(name, 0.0) for name in FEATURES])
    return 1 / (1 + np.exp(-(rows @ coef + w["intercept"])))


def score_matrix(claims: list[Claim], w: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pair scores of all claims (0 for pairs that share no word or sit in one article) and cosines."""
    w = w or weights()
    n = len(claims)
    pairs, rows, cos = pair_features(claims, w, every_pair=bool(w.get("every_pair")))
    score = np.zeros((n, n))
    if len(pairs):
        p = pair_probability(rows, w)
        score[pairs[:, 0], pairs[:, 1]] = p
        score[pairs[:, 1], pairs[:, 0]] = p
    same = np.array([c.order for c in claims])
    one_article = same[:, None] == same[None, :]
    repeated = one_article & (cos >= SAME_ARTICLE_COS)
    # An article states a fact once (near-verbatim repeats aside): two of its claims never share
    # a fact, which keeps facts at statement level instead of chaining every mention of an event.
    score = np.where(one_article, np.where(repeated, cos, w.get("same_article_score", SAME_ARTICLE_SCORE)), score)
    np.fill_diagonal(score, 1.0)
    return score, cos


def tree(score: np.ndarray, method: str = "average") -> np.ndarray | None:
    """The agglomerative merge tree of a score matrix (None for fewer than two claims)."""
    n = len(score)
    if n < 2:
        return None
    return linkage(np.maximum(1 - score, 0.0)[np.triu_indices(n, k=1)], method=method)


def cut(merge_tree: np.ndarray | None, n: int, threshold: float) -> list[list[int]]:
    """Facts: the clusters whose members score at least ``threshold`` (by the tree's linkage)."""
    if merge_tree is None:
        return [[i] for i in range(n)]
    labels = fcluster(merge_tree, t=1 - threshold, criterion="distance")
    groups: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        groups.setdefault(int(lab), []).append(i)
    return list(groups.values())


def cluster(claims: list[Claim], w: dict | None = None) -> tuple[list[list[int]], np.ndarray, np.ndarray]:
    """Group claims into facts: lists of claim indexes, plus the pair-score and cosine matrices."""
    w = w or weights()
    if not claims:
        return [], np.zeros((0, 0)), np.zeros((0, 0))
    score, cos = score_matrix(claims, w)
    groups = cut(tree(score, w.get("linkage", "average")), len(claims), w["threshold"])
    if w.get("overlap"):
        groups = overlap(groups, score, claims, w["overlap"])
    return groups, score, cos


def overlap(groups: list[list[int]], score: np.ndarray, claims: list[Claim], min_mean: float) -> list[list[int]]:
    """Event-level facts that share sentences: a claim also joins another fact (of two or more
    claims, none from its article) when its mean pair score with that fact's claims is at least
    ``min_mean`` — a sentence that reports two events ("…scored 23 points as Creighton defeated
    Drake") belongs with each. The partition alone puts it with one."""
    order = np.array([c.order for c in claims])
    out = []
    for g in groups:
        extra: list[int] = []
        if len(g) > 1:
            inside = np.zeros(len(claims), dtype=bool)
            inside[g] = True
            own = np.isin(order, order[g])
            mean = score[:, g].mean(axis=1)
            extra = np.flatnonzero((mean >= min_mean) & ~inside & ~own).tolist()
        out.append(g + extra)
    return out
