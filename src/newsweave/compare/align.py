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
weighs them: the first statement model does not (fitted on ECB+ topics 1-20 they gained 0.02 F1 in
4-fold CV there but lost 0.025 on topics 21-35); its second (``restate``) weighs ``emb_cos``, so
statement claims are embedded (a tokenisation and a mean each, cached by text). What does
see paraphrase is meaning in context: the event model weighs ``event_ctx_cos``, the cosine of
the two sentences' event words as the contextual MiniLM reads them (``event_vectors``; ECB+
5-fold topic CV 0.682 -> 0.707); the statement model does not, so the ingest never encodes claims.
Stories of more than ``DENSE_MAX_CLAIMS`` claims are scored in chunks (``SparseScores``,
``sparse_average_clusters``): the same facts, with memory that grows with the pairs within the cut
rather than with every pair.
"""
from __future__ import annotations

import functools
import json
import logging
from importlib import resources

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix, hstack

from .claims import Claim

log = logging.getLogger(__name__)

FEATURES = [
    "cos", "event_cos", "event_shared", "main_both", "lead_sim_both", "lead_sim_max", "overlap", "dice",
    "shared", "core", "names_shared", "names_clash", "num_agree", "num_clash", "date_agree", "date_clash",
    "lead", "near_lead", "len_ratio", "emb_cos", "emb_lead_both", "emb_centroid_both", "event_ctx_cos",
]
# Meaning-level features: cosines of static sentence embeddings (``analyse.models.static_embedder``).
EMBEDDING_FEATURES = ("emb_cos", "emb_lead_both", "emb_centroid_both")
# Event words in context: the contextual MiniLM's states of each claim's words, pooled by how eventful
# each word is (``event_vectors``). Weighed by the event model only: encoding costs about 3 ms a
# sentence on 2 cores, which `compare` and `eval facts` pay and the ingest (statements) does not.
CONTEXT_FEATURES = ("event_ctx_cos",)
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
    if "event_model" in w:  # (the statement level's second model is no part of it)
        return {**w, "restate": None, **w["event_model"]}
    return {**w, "restate": None, "threshold": w.get("event_threshold", w["threshold"]),
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
    return any(m.get("coef", {}).get(f, 0.0) for m in (w, w.get("restate") or {}) for f in EMBEDDING_FEATURES)


def uses_context(w: dict) -> bool:
    """Whether a pair model weighs the contextual event-word feature (only then are claims encoded)."""
    return any(w.get("coef", {}).get(f, 0.0) for f in CONTEXT_FEATURES)


_WORDS_CACHE: dict[str, dict] = {}  # claim text -> its words in context (float16), oldest first
WORDS_CACHE_TEXTS = 20_000  # fitting scores the same stories many times; a compare run reads each once


def event_vectors(claims: list[Claim], w: dict) -> np.ndarray:
    """Unit vectors of each claim's event words in context: the contextual states of its content
    words (``analyse.models.encode_words``), each weighted by its eventness, names left out. Two
    sentences about one shooting that word it "shot" and "killed" come closer than their words do;
    "shot" of a shooting and of a photograph do not."""
    from ..analyse.models import encode_words

    todo = list(dict.fromkeys(c.text for c in claims if c.text not in _WORDS_CACHE))
    for text, words_in_context in zip(todo, encode_words(todo) if todo else []):
        _WORDS_CACHE[text] = {k: v.astype(np.float16) for k, v in words_in_context.items()}
        if len(_WORDS_CACHE) > WORDS_CACHE_TEXTS:
            del _WORDS_CACHE[next(iter(_WORDS_CACHE))]
    out = np.zeros((len(claims), 384), dtype=np.float32)
    for k, c in enumerate(claims):
        in_context = _WORDS_CACHE[c.text] if c.text in _WORDS_CACHE else encode_words([c.text])[0]
        for word, s in zip(c.tokens, c.stems):
            v = in_context.get(word)
            if v is not None and s not in c.name_stems:
                out[k] += eventness(word, s, w) * v.astype(np.float32)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


_EMBED_CACHE: dict[str, np.ndarray] = {}  # claim text -> its unit vector, oldest first
EMBED_CACHE_TEXTS = 20_000  # (~30 MB) a story is re-compared at each update, and scored twice per compare


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length static sentence embeddings of ``texts`` (float32, one row per text)."""
    from ..analyse.models import static_embedder

    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    known = {t: _EMBED_CACHE[t] for t in texts if t in _EMBED_CACHE}  # (before this call evicts any)
    todo = [t for t in dict.fromkeys(texts) if t not in known]
    if todo:
        v = np.asarray(static_embedder().encode(todo, use_multiprocessing=False), dtype=np.float32)
        fresh = dict(zip(todo, v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)))
        known.update(fresh)
        _EMBED_CACHE.update(fresh)
        while len(_EMBED_CACHE) > EMBED_CACHE_TEXTS:
            del _EMBED_CACHE[next(iter(_EMBED_CACHE))]
    return np.stack([known[t] for t in texts])


def _unit(x: np.ndarray) -> np.ndarray:
    return x / max(float(np.linalg.norm(x)), 1e-9)


class PairModel:
    """The per-claim quantities the pair features are computed from (TF-IDF rows, value keys,
    positions, lead similarity): enough to featurise any pair of claims without an n×n array."""

    def __init__(self, claims: list[Claim], w: dict, embeddings: bool, context: bool | None = None):
        self.claims, self.w = claims, w
        self.context = uses_context(w) if context is None else context
        self._ctx = None
        self.ix = ix = StemIndex(claims, w)
        self.order = np.array([c.order for c in claims])
        self.sizes = np.asarray(ix.binary.sum(axis=1)).ravel()
        self.names = _value_matrix(claims, lambda c: {k for d in c.values.names.values() for k in d})
        self.has_names = np.asarray(self.names.sum(axis=1)).ravel() > 0
        self.num_units = _value_matrix(claims, lambda c: {k for k in c.values.numbers if k[1]})
        self.num_vals = _value_matrix(claims, lambda c: {(k, v) for k, vs in c.values.numbers.items() if k[1]
                                                          for v in vs})
        self.date_kinds = _value_matrix(claims, lambda c: set(c.values.dates))
        self.date_vals = _value_matrix(claims, lambda c: {(k, v) for k, vs in c.values.dates.items() for v in vs})
        self.position = np.array([c.position for c in claims])
        self.lead_sim = _lead_similarity(ix, self.position)
        self.core_m = ix.binary.multiply(ix.centrality[None, :]).tocsr()
        self.embeddings = embeddings
        self._emb = None

    def dot_matrices(self) -> dict[str, csr_matrix]:
        """The claim×term matrices whose row dot products the features read."""
        ix = self.ix
        return {"binary": ix.binary, "tfidf": ix.tfidf, "event": ix.event, "event_bin": ix.event_bin,
                "core": self.core_m, "names": self.names, "num_units": self.num_units,
                "num_vals": self.num_vals, "date_kinds": self.date_kinds, "date_vals": self.date_vals}

    def features(self, iu: np.ndarray, ju: np.ndarray, cos: np.ndarray | None = None,
                 shared: np.ndarray | None = None, dots: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """Feature rows of the pairs (iu, ju); ``cos``/``shared`` and the row dot products of
        ``dot_matrices`` (``dots``) when already known."""
        ix, position, sizes, lead_sim = self.ix, self.position, self.sizes, self.lead_sim
        mats = self.dot_matrices()

        def dot(key: str) -> np.ndarray:
            return dots[key] if dots is not None else _pairwise(mats[key], iu, ju)

        if shared is None:
            shared = dot("binary")
        if cos is None:
            cos = dot("tfidf")
        names_shared = dot("names")
        units = dot("num_units")
        num_agree = np.minimum(dot("num_vals"), units)
        kinds = dot("date_kinds")
        date_agree = np.minimum(dot("date_vals"), kinds)
        has_names = self.has_names
        cols = {
            "lead_sim_both": np.minimum(lead_sim[iu], lead_sim[ju]),
            "lead_sim_max": np.maximum(lead_sim[iu], lead_sim[ju]),
            "cos": cos,
            "event_cos": dot("event"),
            "event_shared": np.log1p(dot("event_bin")),
            "main_both": np.minimum(ix.main[iu], ix.main[ju]),
            "overlap": shared / np.maximum(1.0, np.minimum(sizes[iu], sizes[ju])),
            "dice": 2 * shared / np.maximum(1.0, sizes[iu] + sizes[ju]),
            "shared": np.log1p(shared),
            "core": dot("core") / np.maximum(1.0, shared),
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
        if self.embeddings:
            cols.update(self._embedding_columns(iu, ju))
        else:
            cols.update({f: np.zeros(len(iu)) for f in EMBEDDING_FEATURES})
        if self.context:
            if self._ctx is None:
                self._ctx = event_vectors(self.claims, self.w)
            cols["event_ctx_cos"] = np.einsum("ij,ij->i", self._ctx[iu], self._ctx[ju])
        else:
            cols["event_ctx_cos"] = np.zeros(len(iu))
        return np.stack([cols[name] for name in FEATURES], axis=1) if len(iu) else np.zeros((0, len(FEATURES)))

    def _embedding_columns(self, iu: np.ndarray, ju: np.ndarray) -> dict:
        if self._emb is None:
            v = embed([c.text for c in self.claims])
            leads = np.flatnonzero(self.position <= 1)
            # einsum, not BLAS, whose woken threads spin on the cores the rest of the pipeline needs
            lead = np.einsum("ij,j->i", v, _unit(v[leads].mean(axis=0))) if len(leads) else np.zeros(len(v))
            self._emb = (v, lead, np.einsum("ij,j->i", v, _unit(v.mean(axis=0))))
        v, lead_sim, centroid_sim = self._emb
        return {
            "emb_cos": np.einsum("ij,ij->i", v[iu], v[ju]),
            "emb_lead_both": np.minimum(lead_sim[iu], lead_sim[ju]),
            "emb_centroid_both": np.minimum(centroid_sim[iu], centroid_sim[ju]),
        }


def pair_features(claims: list[Claim], w: dict | None = None, every_pair: bool = False,
                  embeddings: bool | None = None, context: bool | None = None, model: PairModel | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs (i < j, different articles, a shared stem — or every pair of different
    articles with ``every_pair``), their feature rows, and the full TF-IDF cosine matrix (used
    for repeats within an article and conflict checks). The embedding features are computed when
    ``embeddings`` is true (default: when the model weighs them) and are 0 otherwise; the contextual
    event-word feature likewise with ``context``; ``model``: the claims' ``PairModel``, when already
    made. Dense (n×n):
    for stories of up to ``DENSE_MAX_CLAIMS`` claims; ``SparseScores`` scores bigger ones."""
    w = w or weights()
    if embeddings is None:
        embeddings = uses_embeddings(w)
    n = len(claims)
    if n < 2:
        return np.zeros((0, 2), int), np.zeros((0, len(FEATURES))), np.eye(n)
    pm = model or PairModel(claims, w, embeddings, context)
    ix, order = pm.ix, pm.order
    cos = (ix.tfidf @ ix.tfidf.T).toarray()
    shared_m = (ix.binary @ ix.binary.T).tocsr()
    iu, ju = np.triu_indices(n, k=1) if every_pair else shared_m.nonzero()
    keep = (iu < ju) & (order[iu] != order[ju])
    iu, ju = iu[keep], ju[keep]
    if not len(iu):
        return np.zeros((0, 2), int), np.zeros((0, len(FEATURES))), cos
    shared = np.asarray(shared_m[iu, ju]).ravel()
    rows = pm.features(iu, ju, cos[iu, ju], shared)
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
    return 1 / (1 + np.exp(-pair_logit(rows, w)))


def pair_logit(rows: np.ndarray, w: dict) -> np.ndarray:
    """The pair model's log-odds, row by row (not one BLAS call, whose result depends on the batch).

    With ``restate`` (the statement level): a second logistic model over the first's log-odds
    and the same features, fitted on claim pairs read by hand as stating, or not, the same thing.
    The first model learned ECB+'s event coreference, where two sentences that share an eventful
    word ("damage", "quake") mostly speak of one event: true of events, too loose for statements
    ("The airport received minor damage" is not "no indications of serious damage")."""
    z = (rows * np.array([w["coef"].get(name, 0.0) for name in FEATURES])).sum(axis=1) + w["intercept"]
    r = w.get("restate")
    if r:
        z = r["stage1"] * z + (rows * np.array([r["coef"].get(name, 0.0) for name in FEATURES])).sum(axis=1) + r["intercept"]
    return z


def score_matrix(claims: list[Claim], w: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pair scores of all claims (0 for pairs that share no word or sit in one article) and cosines."""
    w = w or weights()
    pairs, rows, cos = pair_features(claims, w, every_pair=bool(w.get("every_pair")))
    return _score_array(claims, pairs, pair_probability(rows, w) if len(pairs) else None, cos, w), cos


def score_matrices(claims: list[Claim], w: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, PairModel | None]:
    """``score_matrix`` of a model with a second stage (``restate``), and of its first stage alone,
    from one featurisation: (score, first-stage score, cosines, the claims' ``PairModel``)."""
    pm = PairModel(claims, w, uses_embeddings(w)) if len(claims) >= 2 else None
    pairs, rows, cos = pair_features(claims, w, every_pair=bool(w.get("every_pair")), model=pm)
    both = [pair_probability(rows, m) if len(pairs) else None for m in (w, {**w, "restate": None})]
    return _score_array(claims, pairs, both[0], cos, w), _score_array(claims, pairs, both[1], cos, w), cos, pm


def _score_array(claims: list[Claim], pairs: np.ndarray, p: np.ndarray | None, cos: np.ndarray,
                 w: dict) -> np.ndarray:
    n = len(claims)
    score = np.zeros((n, n))
    if p is not None:
        score[pairs[:, 0], pairs[:, 1]] = p
        score[pairs[:, 1], pairs[:, 0]] = p
    same = np.array([c.order for c in claims])
    one_article = same[:, None] == same[None, :]
    repeated = one_article & (cos >= SAME_ARTICLE_COS)
    # An article states a fact once (near-verbatim repeats aside): two of its claims never share
    # a fact, which keeps facts at statement level instead of chaining every mention of an event.
    score = np.where(one_article, np.where(repeated, cos, w.get("same_article_score", SAME_ARTICLE_SCORE)), score)
    np.fill_diagonal(score, 1.0)
    return score


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


def overlap(groups: list[list[int]], score: np.ndarray | SparseScores, claims: list[Claim],
            min_mean: float) -> list[list[int]]:
    """Event-level facts that share sentences: a claim also joins another fact (of two or more
    claims, none from its article) when its mean pair score with that fact's claims is at least
    ``min_mean`` — a sentence that reports two events ("…scored 23 points as Creighton defeated
    Drake") belongs with each. The partition alone puts it with one. ``score``: the dense pair
    scores, or a big story's ``SparseScores`` (a fact at a time)."""
    if isinstance(score, np.ndarray):
        def means(rows: np.ndarray, g: list[int]) -> np.ndarray:
            return score[np.ix_(rows, g)].mean(axis=1)
    else:
        def means(rows: np.ndarray, g: list[int]) -> np.ndarray:
            return score.row_reduce(rows, g, "mean")
    order = np.array([c.order for c in claims])
    out = []
    for g in groups:
        extra: list[int] = []
        if len(g) > 1:
            inside = np.zeros(len(claims), dtype=bool)
            inside[g] = True
            rows = np.flatnonzero(~inside & ~np.isin(order, order[g]))
            if len(rows):
                extra = rows[means(rows, g) >= min_mean].tolist()
        out.append(g + extra)
    return out


# Stories of more claims than this are scored without n×n arrays (``SparseScores``): the dense
# path's arrays and per-pair feature rows grow with the square of a story's size (a story of 150
# long articles took 10 GB). Benchmark stories (ECB+, NeuS) have a few hundred claims at most; on
# them both paths write the same facts, byte for byte.
DENSE_MAX_CLAIMS = 1000
PAIR_CHUNK = 20_000  # pairs featurised at once on the sparse path
# A component of the edges with more than this share of its pairs within the cut is clustered from
# its condensed distances (8 bytes a pair) rather than over its edges (~200 bytes an edge, in Python).
DENSE_COMPONENT_SHARE = 0.05
# ... and so is any component of up to this many pairs (160 MB of distances; faster than merging
# over its edges, which looks pair sums up as merges need them).
DENSE_COMPONENT_PAIRS = 20_000_000


class DenseScores:
    """A story's pair scores and cosines as n×n arrays (stories of up to ``DENSE_MAX_CLAIMS``)."""

    def __init__(self, score: np.ndarray, cos: np.ndarray, first: DenseScores | None = None,
                 pm: PairModel | None = None):
        self.score, self.cos = score, cos
        self.first = first  # a two-stage model's first stage alone (``first_stage``)
        self.pm = pm  # the claims' PairModel, when kept (as ``SparseScores.pm``)

    def block(self, members: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Scores and cosines among ``members`` (rows and columns in their order)."""
        ix = np.ix_(members, members)
        return self.score[ix], self.cos[ix]

    def row_sums(self, members: list[int]) -> np.ndarray:
        """Each member's summed score with the members (itself included)."""
        return self.score[np.ix_(members, members)].sum(axis=1)


class SparseScores:
    """Pair scores of a big story, computed on demand in chunks: the same values as
    ``score_matrix`` would hold (up to rounding), with memory linear in the claims and in the
    pairs that score within the cut (``edges``), plus one component's condensed distances (at most
    ``DENSE_COMPONENT_PAIRS``, or a dense one), instead of n×n."""

    def __init__(self, claims: list[Claim], w: dict):
        self.w = w
        self.n = len(claims)
        self.pm = PairModel(claims, w, uses_embeddings(w))
        self.every_pair = bool(w.get("every_pair"))
        self.same_article_score = w.get("same_article_score", SAME_ARTICLE_SCORE)
        # every dot product a pair needs from one stacked matrix: one row lookup per pair, and a
        # product with an indicator matrix sums each part of the rows (in the same order as _pairwise)
        mats = self.pm.dot_matrices()
        self.dot_names = list(mats)
        self.stack = hstack([mats[k] for k in self.dot_names], format="csr")
        self.stack.sort_indices()
        widths = [mats[k].shape[1] for k in self.dot_names]
        part = np.repeat(np.arange(len(widths)), widths)
        self.parts = csr_matrix((np.ones(len(part)), (np.arange(len(part)), part)), shape=(len(part), len(widths)))
        self.pairs_scored = 0  # how many pairs were featurised
        self.largest_chunk = 0  # the most pairs featurised at once

    def pair_scores(self, iu: np.ndarray, ju: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(score, cos) of the pairs (iu, ju) as ``score_matrix`` defines them: the pair model's
        probability for candidates of different articles, 0 for other pairs of different
        articles, the cosine for an article's near-verbatim repeats, ``same_article_score`` for
        its other pairs, 1 on the diagonal."""
        iu, ju = np.asarray(iu, dtype=np.int64), np.asarray(ju, dtype=np.int64)
        score, cos = np.zeros(len(iu)), np.zeros(len(iu))
        for a in range(0, len(iu), PAIR_CHUNK):
            i, j = iu[a:a + PAIR_CHUNK], ju[a:a + PAIR_CHUNK]
            s, c = score[a:a + PAIR_CHUNK], cos[a:a + PAIR_CHUNK]
            dots = self._dots(i, j)
            c[:] = dots["tfidf"]
            shared = dots["binary"]
            same = self.pm.order[i] == self.pm.order[j]
            cand = ~same & ((shared > 0) if not self.every_pair else True)
            if cand.any():
                ci, cj = i[cand], j[cand]
                rows = self.pm.features(ci, cj, c[cand], shared[cand], {k: v[cand] for k, v in dots.items()})
                self.pairs_scored += len(ci)
                self.largest_chunk = max(self.largest_chunk, len(ci))
                s[cand] = 1 / (1 + np.exp(-pair_logit(rows, self.w)))
            s[same] = np.where(c[same] >= SAME_ARTICLE_COS, c[same], self.same_article_score)
            s[i == j] = 1.0
        return score, cos

    def _dots(self, iu: np.ndarray, ju: np.ndarray) -> dict[str, np.ndarray]:
        """The row dot products of every ``dot_matrices`` matrix for the pairs (iu, ju)."""
        both = (self.stack[iu].multiply(self.stack[ju])).tocsr() @ self.parts
        both = np.asarray(both.todense()) if hasattr(both, "todense") else np.asarray(both)
        return {k: both[:, n] for n, k in enumerate(self.dot_names)}

    def row_sums(self, members: list[int]) -> np.ndarray:
        return self.row_reduce(members, members)

    def block(self, members: list[int]) -> tuple[np.ndarray, np.ndarray]:
        m = np.asarray(members, dtype=np.int64)
        iu, ju = np.repeat(m, len(m)), np.tile(m, len(m))
        s, c = self.pair_scores(iu, ju)
        c[iu == ju] = self._dots(m, m)["tfidf"]
        return s.reshape(len(m), len(m)), c.reshape(len(m), len(m))

    def row_reduce(self, rows, cols: list[int], how: str = "sum") -> np.ndarray:
        """Each row's sum (or mean) of its scores against ``cols``, a few rows at a time: as the
        rows of ``score[rows][:, cols]`` reduce, without the len(rows)×len(cols) array."""
        rows, c = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        step = max(1, PAIR_CHUNK // max(1, len(c)))
        out = np.zeros(len(rows))
        for a in range(0, len(rows), step):
            r = rows[a:a + step]
            s, _ = self.pair_scores(np.repeat(r, len(c)), np.tile(c, len(r)))
            s = s.reshape(len(r), len(c))
            out[a:a + step] = s.mean(axis=1) if how == "mean" else s.sum(axis=1)
        return out

    def distances(self, members: np.ndarray) -> np.ndarray:
        """The condensed distance vector (1 - score, at least 0) of ``members``, as ``tree`` reads it."""
        m = len(members)
        out = np.empty(m * (m - 1) // 2)
        pos, r = 0, 0
        while r < m - 1:
            rows, count = [], 0
            while r < m - 1 and (not rows or count + m - 1 - r <= PAIR_CHUNK):
                rows.append(r)
                count += m - 1 - r
                r += 1
            iu = np.concatenate([np.full(m - 1 - x, x) for x in rows])
            ju = np.concatenate([np.arange(x + 1, m) for x in rows])
            s, _ = self.pair_scores(members[iu], members[ju])
            out[pos:pos + count] = np.maximum(1 - s, 0.0)
            pos += count
        return out

    def edges(self, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pairs i < j whose distance (1 - score, at least 0) is within the cut, and their distances:
        only such a pair can start a fact, so only they are kept."""
        n = self.n
        limit = 1 - threshold + 1e-9
        binary = self.pm.ix.binary
        bt = binary.T.tocsr()
        step = max(1, PAIR_CHUNK // max(1, n))
        out_i, out_j, out_d = [], [], []
        for a in range(0, n, step):
            rows = np.arange(a, min(n, a + step))
            if self.every_pair:
                iu = np.repeat(rows, n)
                ju = np.tile(np.arange(n), len(rows))
            else:
                # pairs sharing a stem: the candidates, and an article's near-verbatim repeats
                m = (binary[rows] @ bt).tocoo()
                iu, ju = rows[m.row], m.col.astype(np.int64)
            keep = iu < ju
            iu, ju = iu[keep], ju[keep]
            s, _ = self.pair_scores(iu, ju)
            d = np.maximum(1 - s, 0.0)
            near = d <= limit
            out_i.append(iu[near].astype(np.int32))
            out_j.append(ju[near].astype(np.int32))
            out_d.append(d[near])
        cat = lambda xs, t: np.concatenate(xs).astype(t) if xs else np.zeros(0, t)  # noqa: E731
        return cat(out_i, np.int32), cat(out_j, np.int32), cat(out_d, float)


def sparse_average_clusters(scores: SparseScores, threshold: float) -> list[list[int]]:
    """Average-linkage facts cut at ``threshold`` without the n×n distance matrix: the clusters
    ``cut(tree(score))`` gives (up to rounding ties). Only clusters joined by a pair within the cut
    (an edge) can merge within it (else their mean distance is beyond it), so each connected
    component of the edges is clustered on its own: as ``tree`` does, from its condensed distances,
    when it is small enough or its edges are many; else closest first over its edges
    (``_merge_over_edges``)."""
    from scipy.sparse.csgraph import connected_components

    n = scores.n
    ei, ej, ed = scores.edges(threshold)
    graph = csr_matrix((np.ones(len(ei), dtype=np.int8), (ei, ej)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    del graph
    by_label = np.argsort(label, kind="stable")
    starts = np.flatnonzero(np.r_[True, label[by_label][1:] != label[by_label][:-1]])
    comps = np.split(by_label, starts[1:])
    edge_order = np.argsort(label[ei], kind="stable")
    edge_label = label[ei][edge_order]
    groups: list[list[int]] = []
    for members in comps:
        m = len(members)
        if m == 1:
            groups.append([int(members[0])])
            continue
        lab = label[members[0]]
        lo, hi = np.searchsorted(edge_label, [lab, lab + 1])
        take = edge_order[lo:hi]
        pairs = m * (m - 1) // 2
        if pairs <= DENSE_COMPONENT_PAIRS or hi - lo > DENSE_COMPONENT_SHARE * pairs:
            tree_ = linkage(scores.distances(members), method="average")
            groups.extend([members[i] for i in g] for g in cut(tree_, m, threshold))
        else:
            groups.extend(_merge_over_edges(scores, ei[take], ej[take], ed[take], threshold))
    groups = [sorted(int(i) for i in g) for g in groups]
    return sorted(groups, key=lambda g: g[0])


def _merge_over_edges(scores: SparseScores, ei: np.ndarray, ej: np.ndarray, ed: np.ndarray,
                      threshold: float) -> list[list[int]]:
    """Average linkage over a sparse component: two clusters merge, closest first, while their mean
    distance is within the cut; the distance sums of clusters with no edge between them are
    computed when a merge makes them neighbours."""
    import heapq

    limit = 1 - threshold
    members: dict[int, list[int]] = {}
    total: dict[tuple[int, int], float] = {}  # (a, b), a < b: the sum of member distances
    nbrs: dict[int, set[int]] = {}
    for i, j, d in zip(ei.tolist(), ej.tolist(), ed.tolist()):
        total[(i, j)] = d
        members[i], members[j] = [i], [j]
        nbrs.setdefault(i, set()).add(j)
        nbrs.setdefault(j, set()).add(i)
    heap = [(d, i, j) for (i, j), d in total.items()]
    heapq.heapify(heap)
    next_id = scores.n
    while heap:
        mean, a, b = heapq.heappop(heap)
        if mean > limit:
            break
        if a not in members or b not in members:
            continue  # merged since
        c, next_id = next_id, next_id + 1
        around = (nbrs.pop(a, set()) | nbrs.pop(b, set())) - {a, b}
        missing = [(x, y) for y in around for x in (a, b) if _key(x, y) not in total]
        sums = _distance_sums(scores, [(members[x], members[y]) for x, y in missing])
        known = dict(zip(missing, sums))
        members[c] = members.pop(a) + members.pop(b)
        total.pop(_key(a, b), None)
        nbrs[c] = around
        for y in around:
            s = sum(total.pop(_key(x, y)) if _key(x, y) in total else known[(x, y)] for x in (a, b))
            total[_key(c, y)] = s
            nbrs[y].discard(a)
            nbrs[y].discard(b)
            nbrs[y].add(c)
            heapq.heappush(heap, (s / (len(members[c]) * len(members[y])), *_key(c, y)))
    return list(members.values())


def _key(x: int, y: int) -> tuple[int, int]:
    return (x, y) if x < y else (y, x)


def _distance_sums(scores: SparseScores, blocks: list[tuple[list[int], list[int]]]) -> list[float]:
    """The sum of 1 - score (at least 0) over every pair of each (A, B) block."""
    out: list[float] = []
    start = 0
    while start < len(blocks):
        stop, count = start, 0
        while stop < len(blocks) and (stop == start or count + len(blocks[stop][0]) * len(blocks[stop][1]) <= 10 * PAIR_CHUNK):
            count += len(blocks[stop][0]) * len(blocks[stop][1])
            stop += 1
        part = blocks[start:stop]
        iu = np.concatenate([np.repeat(a, len(b)) for a, b in part]).astype(np.int64)
        ju = np.concatenate([np.tile(b, len(a)) for a, b in part]).astype(np.int64)
        which = np.repeat(np.arange(len(part)), [len(a) * len(b) for a, b in part])
        s, _ = scores.pair_scores(iu, ju)
        out.extend(np.bincount(which, weights=np.maximum(1 - s, 0.0), minlength=len(part)).tolist())
        start = stop
    return out


def cluster_scores(claims: list[Claim], w: dict | None = None
                   ) -> tuple[list[list[int]], DenseScores | SparseScores, list[list[int]]]:
    """``cluster`` for any story size: facts, the scores their members can be looked up in
    (``.block(members)``), and each fact's own claims (its part of the partition: the claims it
    gained by ``overlap`` follow them in the fact). Stories over ``DENSE_MAX_CLAIMS`` claims are
    scored in chunks."""
    w = w or weights()
    if len(claims) <= DENSE_MAX_CLAIMS:
        if w.get("restate"):
            score, first, cos, pm = score_matrices(claims, w)
            dense = DenseScores(score, cos, DenseScores(first, cos), pm)
        else:
            score, cos = score_matrix(claims, w)
            dense = DenseScores(score, cos)
        cores = cut(tree(score, w.get("linkage", "average")), len(claims), w["threshold"])
        groups = overlap(cores, score, claims, w["overlap"]) if w.get("overlap") else cores
        return groups, dense, cores
    if w.get("linkage", "average") != "average":
        raise ValueError("big stories are clustered by average linkage only")
    log.info("%d claims: scoring pairs in chunks", len(claims))
    scores = SparseScores(claims, w)
    cores = sparse_average_clusters(scores, w["threshold"])
    groups = overlap(cores, scores, claims, w["overlap"]) if w.get("overlap") else cores
    return groups, scores, cores


def first_stage(claims: list[Claim], w: dict, scores: DenseScores | SparseScores
                ) -> tuple[list[list[int]], DenseScores | SparseScores]:
    """The groups and scores of a two-stage model's first stage alone, at the same cut (taken from
    ``scores`` when ``cluster_scores`` kept them)."""
    first = getattr(scores, "first", None)
    if first is None:
        groups, first, _ = cluster_scores(claims, {**w, "restate": None})
        return groups, first
    return cut(tree(first.score, w.get("linkage", "average")), len(claims), w["threshold"]), first
