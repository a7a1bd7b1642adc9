"""Story state and the merge decision: how well does an article fit a story?

A story keeps running sums (centroids) of its members' normalised TF-IDF sub-vectors (body, head
= title or lead sentence, named entities, persons, numbers) and of their contextual sentence
embeddings (title and lead), the years its members name and its time span. ``features`` compares
one article with one story; a logistic ranker learned on development data
(``StoryClusterer.fit``) ranks the candidate stories, and a join model (boosted trees in the
shipped model, or logistic) decides whether to join the best one.
"""
from __future__ import annotations

import heapq
import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from itertools import repeat
from operator import add, itemgetter, mul
from typing import Any

from .text import DocTerms, DocFreq, dot, weigh

SUBVECTORS = ("body", "head", "ents", "pers", "nums")
CENTROID_TERMS = 400  # a story centroid keeps at most this many terms per sub-vector
BODY_TERMS = 100  # an article's body vector keeps its heaviest terms
SALIENT = {"body": 8, "ents": 4}  # how many top terms say what an article or story is mainly about
MEMBER_FIRST, MEMBER_LAST = 6, 6  # member vectors a story keeps: its first ones and its latest ones
MEMBER_TERMS = 20  # a member's heaviest body terms counted in the story's term counts
CONSENSUS = 15  # most weighted terms most of a story's members share
MAIN_PERSON = 0.5  # a main person is mentioned at least this share as often as the most mentioned one
PERSON_TERMS = 60  # person-name terms a story keeps counts of
DAY = 86400.0
DENSE_HALF = 384  # an article's dense vector: the stock encoder's 384 floats, then the lead encoder's

FEATURES = (
    "body_cos", "head_cos", "ents_cos", "nums_cos", "body_x_ents",
    "pers_cos", "pers_both", "year_both", "year_same", "year_gap", "log_size",
    "doc_top_in_story", "story_top_in_doc", "doc_ent_in_story", "story_ent_in_doc",
    "has_time", "time_near", "log_days",
    "mem_max", "mem_top3", "cons_missing", "doc_missing", "ent_conflict", "dense_cos",
    "doc_pers_minor", "story_pers_minor", "head_pers_miss", "story_head_pers_miss", "doc_log_len",
    "country_both", "country_conflict", "lead_cos",
)
BODY_COS = FEATURES.index("body_cos")  # the feature the join model's evidence floor reads
# Member similarities cost a dot product per kept member: the ranker goes without them (its
# weights for them stay 0), and they are computed for the ranker's best candidate only.
RANK_OFF = tuple(FEATURES.index(n) for n in ("mem_max", "mem_top3"))


@dataclass
class DocVec:
    """One article's weighted, normalised sub-vectors."""

    id: str
    vecs: dict[str, dict[str, float]]
    time: float | None
    year: int | None = None
    outlet: str | None = None
    top: dict[str, list[str]] = field(default_factory=dict)  # salient terms per sub-vector
    terms: frozenset = frozenset()  # every term of the article (body, numbers, entities)
    # the title and lead's unit embeddings by the stock encoder and by the lead encoder fine-tuned to
    # tell events apart, side by side (numpy float32, ``analyse.VECTOR_SIZE``), or None
    dense: Any = None
    pers_rel: dict[str, float] = field(default_factory=dict)  # person-name terms' mentions / the most mentioned's
    log_len: float = 0.0  # log(1 + the article's word count, title included): a headline or a full report
    heavy: list[str] | None = None  # the heaviest MEMBER_TERMS body terms, heaviest first (ties in order)
    countries: tuple[str, ...] = ()  # countries named, most named first
    _own: tuple | None = None

    def salient_weights(self) -> tuple[list[tuple[str, float]], list[tuple[str, float]], float, float]:
        """(salient body and entity terms with their weights, salient entity terms with theirs, and
        the two weight totals)."""
        if self._own is None:
            body, ents = self.vecs["body"], self.vecs["ents"]
            own_ents = [(t, ents[t]) for t in self.top["ents"]]
            own = [(t, body[t]) for t in self.top["body"]] + own_ents
            self._own = (own, own_ents, sum([w for _, w in own]), sum([w for _, w in own_ents]))
        return self._own


def vectorise(doc: DocTerms, df: DocFreq) -> DocVec:
    """Weigh an article's counted terms with the current document frequencies."""
    idf = doc.idfs(df)
    vecs = {name: weigh(getattr(doc, name), df, idf) for name in SUBVECTORS}
    body = sorted(vecs["body"].items(), key=itemgetter(1), reverse=True)  # (stable: ties keep their order)
    if len(body) > BODY_TERMS:  # the heaviest terms carry the match and keep it fast
        body = body[:BODY_TERMS]
        norm = math.sqrt(sum([w * w for _, w in body]))
        vecs["body"] = {t: w / norm for t, w in body}
    top = {"body": [t for t, _ in body[:SALIENT["body"]]], "ents": salient(vecs["ents"], "ents")}
    most = max(doc.pers.values(), default=0)
    pers_rel = {t: n / most for t, n in doc.pers.items()} if most else {}
    every = doc.vocab if doc.vocab is not None else doc.all_terms.union(doc.ents)  # (the same terms)
    return DocVec(doc.id, vecs, doc.time, doc.year, doc.outlet, top, frozenset(every),
                  pers_rel=pers_rel, log_len=math.log1p(sum(doc.body.values()) + sum(doc.nums.values())),
                  heavy=[t for t, _ in body[:MEMBER_TERMS]], countries=doc.countries)


@dataclass
class Story:
    """An active story: centroid sums per sub-vector with their squared norms, years, time span."""

    id: str
    size: int = 0
    sums: dict[str, dict[str, float]] = field(default_factory=lambda: {n: {} for n in SUBVECTORS})
    sqnorm: dict[str, float] = field(default_factory=lambda: {n: 0.0 for n in SUBVECTORS})
    first_time: float | None = None
    last_time: float | None = None
    last_seq: int = 0
    keys: set[str] = field(default_factory=set)
    years: Counter = field(default_factory=Counter)  # members' latest named years
    _top: dict[str, list] = field(default_factory=dict)  # cached top terms per sub-vector, main persons
    members: list[dict[str, float]] = field(default_factory=list)  # first and latest members' body vectors
    tdf: Counter = field(default_factory=Counter)  # members having each term among their salient ones
    _cons: list[tuple[str, float, bool]] | None = None  # cached consensus terms
    _cons_w: tuple | None = None  # cached consensus (term, weight) pairs and totals, all and entities
    dense_sum: Any = None  # sum of the members' dense vectors (numpy float32)
    dense_norm: float = 0.0  # of the stock encoder's half of dense_sum
    lead_norm: float = 0.0  # of the lead encoder's half
    pers_share: dict[str, float] = field(default_factory=dict)  # summed members' pers_rel
    countries: Counter = field(default_factory=Counter)  # members naming each country

    def add(self, doc: DocVec, seq: int) -> None:
        body = doc.vecs["body"]
        if len(self.members) < MEMBER_FIRST + MEMBER_LAST:
            self.members.append(body)
        else:  # the first members stay; the latest ones rotate
            self.members[MEMBER_FIRST + self.size % MEMBER_LAST] = body
        # (dicts, not sets: the order terms enter ``tdf`` breaks ties among consensus terms, and a
        # set's order differs between processes)
        if len(body) <= MEMBER_TERMS:
            own = dict.fromkeys(body)
        else:  # (a stable sort either way: the same terms in the same order)
            own = dict.fromkeys(doc.heavy if doc.heavy is not None else sorted(body, key=body.__getitem__, reverse=True)[:MEMBER_TERMS])
        own.update(dict.fromkeys(doc.vecs["ents"]))
        self.tdf.update(own.keys())
        self._cons = self._cons_w = None
        if doc.pers_rel:
            share = self.pers_share
            for t, v in doc.pers_rel.items():
                share[t] = share.get(t, 0.0) + v
            if len(share) > 2 * PERSON_TERMS:
                self.pers_share = dict(sorted(share.items(), key=itemgetter(1), reverse=True)[:PERSON_TERMS])
        for name in SUBVECTORS:
            vec, acc = doc.vecs[name], self.sums[name]
            # ||c + v||² = ||c||² + 2 c·v + ||v||², so the norm needs no full pass.
            self.sqnorm[name] += 2 * dot(vec, acc) + sum([w * w for w in vec.values()])
            # acc[t] = acc.get(t, 0.0) + w for each term, the loop in C
            acc.update(zip(vec, map(add, map(acc.get, vec, repeat(0.0)), vec.values())))
            if len(acc) > CENTROID_TERMS * 1.5:
                # (the same as heapq.nlargest, ties included, but the sort runs in C)
                kept = dict(sorted(acc.items(), key=itemgetter(1), reverse=True)[:CENTROID_TERMS])
                self.sums[name] = kept
                self.sqnorm[name] = sum(w * w for w in kept.values())
        if doc.dense is not None:
            self.dense_sum = doc.dense.copy() if self.dense_sum is None else self.dense_sum + doc.dense
            stock, lead = self.dense_sum[:DENSE_HALF], self.dense_sum[DENSE_HALF:]
            self.dense_norm = float(math.sqrt(float(stock @ stock)))
            self.lead_norm = float(math.sqrt(float(lead @ lead)))
        self.size += 1
        self.last_seq = seq
        self._top.clear()
        if doc.year is not None:
            self.years[doc.year] += 1
        self.countries.update(doc.countries)
        if doc.time is not None:
            self.first_time = doc.time if self.first_time is None else min(self.first_time, doc.time)
            self.last_time = doc.time if self.last_time is None else max(self.last_time, doc.time)

    def cosine(self, name: str, vec: dict[str, float]) -> float:
        norm = self.sqnorm[name]
        return dot(vec, self.sums[name]) / math.sqrt(norm) if norm > 1e-12 and vec else 0.0

    def top_terms(self, name: str, k: int) -> list[str]:
        acc = self.sums[name]
        # sorted()[:k] is heapq.nlargest(k) (ties included) with the whole loop in C
        return sorted(acc, key=acc.__getitem__, reverse=True)[:k]

    def similarity(self, other: Story) -> float:
        """Cosine of the two stories' body centroids."""
        norm = math.sqrt(self.sqnorm["body"] * other.sqnorm["body"])
        return dot(self.sums["body"], other.sums["body"]) / norm if norm > 1e-12 else 0.0

    def consensus(self) -> list[tuple[str, float, bool]]:
        """Terms most members share, heaviest first: (term, centroid weight, is a named entity)."""
        if self._cons is None:
            half = self.size / 2.0
            body, ents = self.sums["body"], self.sums["ents"]
            out = []
            for t, n in self.tdf.items():
                if n >= half:
                    if t in ents:
                        out.append((t, ents[t] / self.size, True))
                    elif t in body:
                        out.append((t, body[t] / self.size, False))
            self._cons = heapq.nlargest(CONSENSUS, out, key=lambda x: x[1])
        return self._cons

    def consensus_weights(self) -> tuple[list[tuple[str, float]], float, list[tuple[str, float]], float]:
        """The consensus terms with their weights and the weights' total; the same for its entities."""
        if self._cons_w is None:
            cons = self.consensus()
            every = [(t, w) for t, w, _ in cons]
            ents = [(t, w) for t, w, is_ent in cons if is_ent]
            self._cons_w = (every, sum([w for _, w in every]), ents, sum([w for _, w in ents]))
        return self._cons_w

    def main_persons(self) -> tuple[float, list[str]]:
        """The heaviest person share and the person terms of at least ``MAIN_PERSON`` times it (cached)."""
        cached = self._top.get("main_pers")
        if cached is None:
            share = self.pers_share
            most = max(share.values())
            cached = self._top["main_pers"] = [most, [t for t, v in share.items() if v >= MAIN_PERSON * most]]
        return cached[0], cached[1]

    def salient(self, name: str) -> list[str]:
        """The story's most weighted terms (cached until it changes)."""
        top = self._top.get(name)
        if top is None:
            top = self._top[name] = self.top_terms(name, SALIENT[name])
        return top


def person_conflict(doc: DocVec, story: Story) -> tuple[float, float, float, float]:
    """Whether the article and the story are mainly about the same persons (all 0 unless both
    name persons). Two arrests of two players of one team, or the deaths of two figures of one
    scandal, share every topical word and name each other in passing; what differs is who each
    is mainly about, and whom the title or lead names.

    A side's main persons are its person-name terms mentioned at least ``MAIN_PERSON`` times as
    often as its most mentioned one (a story sums its members' mention counts, each relative to
    the member's most mentioned person). Returns: 1 - the mean prominence of the article's main
    persons in the story, and of the story's in the article; the share of the person terms of the
    article's head (title or lead) that no head of the story has, and the share of the story's
    main persons named in its heads that the article's head lacks."""
    dp, sp = doc.pers_rel, story.pers_share
    if not dp or not sp:
        return 0.0, 0.0, 0.0, 0.0
    s_max, s_main = story.main_persons()
    d_main = [t for t, v in dp.items() if v >= MAIN_PERSON]
    doc_minor = 1.0 - sum([min(1.0, sp.get(t, 0.0) / s_max) for t in d_main]) / len(d_main)
    story_minor = 1.0 - sum([dp.get(t, 0.0) for t in s_main]) / len(s_main)
    dh, sh = doc.vecs["head"], story.sums["head"]
    d_head = [t for t in dh if t in dp]
    s_head = [t for t in s_main if t in sh]
    head_miss = sum([t not in sh for t in d_head]) / len(d_head) if d_head else 0.0
    story_head_miss = sum([t not in dh for t in s_head]) / len(s_head) if s_head else 0.0
    return doc_minor, story_minor, head_miss, story_head_miss


def salient(vec: dict[str, float], name: str) -> list[str]:
    k = SALIENT[name]
    return sorted(vec, key=vec.__getitem__, reverse=True)[:k] if len(vec) > k else list(vec)


def coverage(terms: list[str], other: dict[str, float]) -> float:
    """Share of ``terms`` that ``other`` contains (0 when there are none)."""
    return sum(map(other.__contains__, terms)) / len(terms) if terms else 0.0


def _missing_of(weighted: list[tuple[str, float]], total: float, present) -> float:
    """Weighted share of terms that ``present`` lacks (0 when there are none), given the weights' total."""
    return sum([w for t, w in weighted if t not in present]) / total if total > 0 else 0.0




def member_features(doc: DocVec, story: Story, body_cos: float, members: bool = True) -> tuple[float, ...]:
    """Member similarities (best, mean of the best three; 0 unless ``members``), the story's shared
    terms the article lacks, the article's salient terms the story lacks, and both-way missing
    entities."""
    mem_max, top3 = member_sims(doc, story, body_cos) if members else (0.0, 0.0)
    cons, cons_total, cons_ents, cons_ents_total = story.consensus_weights()
    cons_missing = _missing_of(cons, cons_total, doc.terms)
    own, own_ents, total, ents_total = doc.salient_weights()
    sb, se = story.sums["body"], story.sums["ents"]
    doc_missing = sum([w for t, w in own if t not in sb and t not in se]) / (total or 1.0)
    story_ent_missing = _missing_of(cons_ents, cons_ents_total, doc.vecs["ents"])
    doc_ent_missing = _missing_of(own_ents, ents_total, se)
    return mem_max, top3, cons_missing, doc_missing, story_ent_missing * doc_ent_missing


def member_sims(doc: DocVec, story: Story, body_cos: float) -> tuple[float, float]:
    """The article's best cosine with the story's kept members, and the mean of its best three."""
    vec = doc.vecs["body"]
    if story.size == 1 or not vec:  # a one-member story's centroid is its member
        return body_cos, body_cos
    sims = sorted([dot(m, vec) for m in story.members], reverse=True)
    return sims[0], sum(sims[:3]) / min(3, len(sims))


MEM_MAX, MEM_TOP3 = RANK_OFF


def with_members(doc: DocVec, story: Story, x: list[float]) -> list[float]:
    """``features(doc, story)`` from ``x = features(doc, story, members=False)`` (the rest is the same)."""
    full = list(x)
    full[MEM_MAX], full[MEM_TOP3] = member_sims(doc, story, x[BODY_COS])
    return full


def features(doc: DocVec, story: Story, members: bool = True) -> list[float]:
    """The merge features of ``doc`` against ``story`` (names in FEATURES); without ``members``
    the member similarities (which the ranker does not read) are left 0."""
    body = story.cosine("body", doc.vecs["body"])
    head = story.cosine("head", doc.vecs["head"])
    ents = story.cosine("ents", doc.vecs["ents"])
    nums = story.cosine("nums", doc.vecs["nums"])
    pers = story.cosine("pers", doc.vecs["pers"])
    pers_both = float(bool(doc.vecs["pers"]) and story.sqnorm["pers"] > 1e-12)
    year_both = year_same = year_gap = 0.0
    if doc.year is not None and story.years:
        year_both = 1.0
        year_same = story.years[doc.year] / sum(story.years.values())
        year_gap = math.log1p(min(abs(doc.year - y) for y in story.years))
    # Time distance is not learned (has_time, time_near, log_days stay 0): the development data is
    # undated (ECB+, NeuS-AllSides) or spans 36 hours of one dense feed (UCI), where the trees
    # learned "within minutes of the story's last report", a trait of that feed, not of news.
    # Time acts through the window instead: a story silent for ``window_days`` leaves the index.
    has_time = time_near = log_days = 0.0
    return [body, head, ents, nums, body * ents, pers, pers_both,
            year_both, year_same, year_gap, math.log(story.size),
            coverage(doc.top["body"], story.sums["body"]),
            coverage(story.salient("body"), doc.vecs["body"]),
            coverage(doc.top["ents"], story.sums["ents"]),
            coverage(story.salient("ents"), doc.vecs["ents"]),
            float(has_time), time_near, log_days, *member_features(doc, story, body, members),
            _half_cos(doc.dense, story.dense_sum, story.dense_norm, 0), *person_conflict(doc, story), doc.log_len,
            *country_conflict(doc, story), _half_cos(doc.dense, story.dense_sum, story.lead_norm, 1)]


def _half_cos(doc: Any, story_sum: Any, story_norm: float, half: int) -> float:
    """The cosine of an article's embedding with its story's summed ones, in one encoder's half
    (0: the stock encoder, 1: the lead encoder fine-tuned to tell events apart)."""
    if doc is None or story_norm <= 1e-9:
        return 0.0
    part = slice(0, DENSE_HALF) if half == 0 else slice(DENSE_HALF, None)
    return float(doc[part] @ story_sum[part]) / story_norm


def country_conflict(doc: DocVec, story: Story) -> tuple[float, float]:
    """(both name a country; neither names the other's main one): two quakes, in Nepal and in
    Peru, worded alike."""
    if not doc.countries or not story.countries:
        return 0.0, 0.0
    story_main = max(story.countries.items(), key=itemgetter(1))[0]  # (ties: the first named)
    return 1.0, float(doc.countries[0] not in story.countries and story_main not in doc.countries)



JOIN_EXTRA = ("rank_score", "rank_margin", "rival_sim")
MARGIN_CAP = 10.0


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass
class MergeModel:
    """Two models, as in Miranda et al. 2018: a logistic ranker scores each candidate story; a join
    model decides whether the article belongs to the best one, from that story's features plus
    the best score and its margin over the runner-up (how clearly it wins). The join model is
    logistic, or boosted trees (``join_trees``) when trained with ``trees``."""

    rank_coef: list[float]
    rank_intercept: float
    join_coef: list[float]
    join_intercept: float
    threshold: float
    features: tuple[str, ...] = FEATURES
    info: dict[str, Any] = field(default_factory=dict)
    # Least body similarity a join needs: the 0.5% quantile of the true joins' in development data.
    # Outside it the logistic join model extrapolates (a one-line headline sharing one word with a
    # story is not evidence, however the other features line up).
    min_body_cos: float = 0.0
    # Optional boosted trees for the join decision (replacing the logistic join model): each tree
    # as parallel arrays (feature, threshold, left, right, value; feature -1 marks a leaf), their
    # summed leaf values plus ``join_intercept`` being the log-odds of a join.
    join_trees: list[dict[str, list]] | None = None
    _forest: Any = field(default=None, repr=False, compare=False)

    def rank(self, x: list[float]) -> float:
        return self.rank_intercept + sum(map(mul, self.rank_coef, x))

    def join_features(self, x: list[float], best: float, runner_up: float | None, rival_sim: float) -> list[float]:
        # Without a runner-up the margin is taken over an empty story (all features zero).
        floor = self.rank_intercept if runner_up is None else runner_up
        return [*x, best, min(MARGIN_CAP, best - floor), rival_sim]

    def join_probability(self, z: list[float]) -> float:
        if z[BODY_COS] < self.min_body_cos:
            return 0.0
        if self.join_trees is not None:
            if self._forest is None or self._forest.source is not self.join_trees:
                self._forest = _Forest(self.join_trees)
            return _sigmoid(self.join_intercept + self._forest.value(z))
        return _sigmoid(self.join_intercept + sum(map(mul, self.join_coef, z)))

    def choose(self, candidates: list[list[float]], stories: list[Story],
               complete: Callable[[int], list[float]] | None = None) -> tuple[int, list[float] | None]:
        """Index of the best candidate and its join features (-1, None when there is none).

        complete: the full features of candidate k, when ``candidates`` lack the member
        similarities (the ranker does not read them; the join model does).
        """
        if not candidates:
            return -1, None
        scores = [self.rank(x) for x in candidates]
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        best = order[0]
        if complete is not None:
            candidates = list(candidates)
            candidates[best] = complete(best)
        runner_up = scores[order[1]] if len(order) > 1 else None
        # Two top candidates alike are likely halves of one story, not two events.
        rival = stories[best].similarity(stories[order[1]]) if len(order) > 1 else 0.0
        return best, self.join_features(candidates[best], scores[best], runner_up, rival)

    def to_json(self) -> dict[str, Any]:
        return {"features": list(self.features), "rank_coef": self.rank_coef,
                "rank_intercept": self.rank_intercept, "join_features": list(self.features + JOIN_EXTRA),
                "join_coef": self.join_coef, "join_intercept": self.join_intercept,
                "threshold": self.threshold, "min_body_cos": self.min_body_cos, "info": self.info,
                **({"join_trees": self.join_trees} if self.join_trees is not None else {})}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MergeModel:
        names = tuple(data["features"])
        if names != FEATURES:
            raise ValueError(f"merge model features {names} do not match this version's {FEATURES}")
        # The ranker never reads the member similarities (see RANK_OFF).
        rank_coef = [0.0 if j in RANK_OFF else float(c) for j, c in enumerate(data["rank_coef"])]
        return cls(rank_coef, float(data["rank_intercept"]),
                   [float(c) for c in data["join_coef"]], float(data["join_intercept"]),
                   float(data["threshold"]), names, data.get("info", {}), float(data.get("min_body_cos", 0.0)),
                   _read_trees(data["join_trees"]) if data.get("join_trees") is not None else None)


def _tree_value(tree: dict[str, list], z: list[float]) -> float:
    feature, threshold, left, right = tree["feature"], tree["threshold"], tree["left"], tree["right"]
    node = 0
    while feature[node] >= 0:
        node = left[node] if z[feature[node]] <= threshold[node] else right[node]
    return tree["value"][node]


class _Forest:
    """The join trees laid out as complete binary trees of one depth (a leaf above the bottom
    becomes a node that always goes left), so that all trees step down together in numpy."""

    def __init__(self, trees: list[dict[str, list]]):
        import numpy as np

        def depth(tree: dict[str, list], node: int = 0) -> int:
            if tree["feature"][node] < 0:
                return 0
            return 1 + max(depth(tree, tree["left"][node]), depth(tree, tree["right"][node]))

        self.source = trees
        self.depth = max((depth(t) for t in trees), default=0)
        inner, leaves = (1 << self.depth) - 1, 1 << self.depth
        self.feature = np.zeros((len(trees), max(1, inner)), dtype=np.intp)
        self.threshold = np.full((len(trees), max(1, inner)), np.inf)
        self.leaf = np.zeros((len(trees), leaves))
        for k, tree in enumerate(trees):
            stack = [(0, 0, 0)]  # (node in the tree, position in the complete layout, level)
            while stack:
                node, pos, level = stack.pop()
                if level == self.depth:
                    self.leaf[k, pos - inner] = tree["value"][node]
                elif tree["feature"][node] < 0:  # an early leaf: always left, down to the bottom
                    stack.append((node, 2 * pos + 1, level + 1))
                else:
                    self.feature[k, pos] = tree["feature"][node]
                    self.threshold[k, pos] = tree["threshold"][node]
                    stack.append((tree["left"][node], 2 * pos + 1, level + 1))
                    stack.append((tree["right"][node], 2 * pos + 2, level + 1))
        self.rows = np.arange(len(trees))
        self._row_inner = self.rows * self.feature.shape[1]
        self._feature_flat, self._threshold_flat = self.feature.ravel(), self.threshold.ravel()

    def value(self, z: list[float]) -> float:
        import numpy as np

        x = np.asarray(z, dtype=float)
        pos = np.zeros(len(self.rows), dtype=np.intp)
        for _ in range(self.depth):
            at = self._row_inner + pos  # flat positions: a 1-d take is quicker than 2-d fancy indexing
            right = x[self._feature_flat[at]] > self._threshold_flat[at]
            pos = 2 * pos + 1 + right
        return float(self.leaf[self.rows, pos - ((1 << self.depth) - 1)].sum())


def _read_trees(trees: list[dict[str, list]]) -> list[dict[str, list]]:
    """Trees from JSON, checked: plain numbers only, children inside the tree, features in range."""
    n_feat = len(FEATURES) + len(JOIN_EXTRA)
    out = []
    for t in trees:
        tree = {"feature": [int(v) for v in t["feature"]], "threshold": [float(v) for v in t["threshold"]],
                "left": [int(v) for v in t["left"]], "right": [int(v) for v in t["right"]],
                "value": [float(v) for v in t["value"]]}
        n = len(tree["feature"])
        if any(len(tree[k]) != n for k in tree) or any(
                f >= n_feat or (f >= 0 and not (i < tree["left"][i] < n and i < tree["right"][i] < n))
                for i, f in enumerate(tree["feature"])):
            raise ValueError("malformed join tree in the merge model")
        out.append(tree)
    return out


def load_model() -> MergeModel:
    """The merge model shipped with newsweave (learned on ECB+ development topics)."""
    raw = resources.files("newsweave").joinpath("data", "cluster_model.json").read_text("utf-8")
    return MergeModel.from_json(json.loads(raw))
