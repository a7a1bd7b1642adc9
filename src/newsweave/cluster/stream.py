"""Online story clustering: each article joins the story it fits best, or opens a new one.

Articles must come in publication order (input order when undated): an article's story depends
only on the articles before it. Candidate stories come from an inverted index over their key
terms; the learned merge model scores each candidate, and the article joins the best one when
its probability clears the threshold. Stories that fall silent for ``window_days`` of stream time,
or that are least recently updated beyond ``max_active``, leave the index, so memory stays flat.
"""
from __future__ import annotations

import hashlib
import heapq
import logging
import random
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from collections.abc import Hashable, Iterable, Sequence
from itertools import compress, repeat
from operator import add
from typing import Any

import numpy as np

from ..analyse import VECTOR_SIZE, with_vectors
from ..model import Analysis
from .merge import (BODY_COS, DAY, RANK_OFF, FEATURES, JOIN_EXTRA, DocVec, MergeModel, Story, features, load_model,
                    vectorise, with_members, _tree_value)
from .text import DocFreq, DocTerms, doc_terms, load_background

log = logging.getLogger(__name__)

MEMBERS_CAP = 100_000  # article → story links remembered for duplicates
POSTING_CAP = 300  # stories kept per index term (the most recently keyed)
KEYS = (("body", 30), ("head", 10), ("ents", 15))  # a story's index terms per sub-vector
QUERY = (("body", 12), ("head", 10), ("ents", 10))  # an article's query terms per sub-vector


def story_id_for(article_id: str) -> str:
    """A new story's id: stable for the article that opens it."""
    return "s" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:12]


class StoryClusterer:
    """Streaming story clusterer (scikit-learn style: parameters here, learned state ends in ``_``).

    threshold: merge probability needed to join a story (None: the model's calibrated value).
    window_days: a story silent this long in stream time leaves the active index.
    max_active: most stories kept active (least recently updated leave first).
    max_candidates: stories scored per article.
    model: a MergeModel (None: the shipped one). background: seed IDF with shipped frequencies.
    """

    def __init__(self, threshold: float | None = None, window_days: float = 30.0, max_active: int = 5000,
                 max_candidates: int = 8, model: MergeModel | None = None, background: bool = True):
        self.threshold = threshold
        self.window_days = window_days
        self.max_active = max_active
        self.max_candidates = max_candidates
        self.model = model
        self.background = background
        self.reset()

    # -- state ---------------------------------------------------------------------------------
    @property
    def model_(self) -> MergeModel:
        """The merge model in use: ``model``, a fitted one, or the shipped one, loaded on first use
        (a fit needs none, so a version with new features can be fitted)."""
        if self._model is None:
            self._model = load_model()
        return self._model

    @model_.setter
    def model_(self, model: MergeModel) -> None:
        self._model = model

    def reset(self) -> StoryClusterer:
        """Forget every story and the stream's term counts (the merge model stays)."""
        self._model = self.model if self.model is not None else getattr(self, "_model", None)
        self.df_ = DocFreq(load_background() if self.background else None)
        self.stories_: dict[str, Story] = {}  # active stories, least recently updated first
        self.postings_: dict[str, dict[str, None]] = {}
        self.members_: OrderedDict[str, str] = OrderedDict()  # recent article id -> story id
        self.n_seen_ = 0
        self.latest_time_: float | None = None
        return self

    @property
    def threshold_(self) -> float:
        return self.model_.threshold if self.threshold is None else self.threshold

    # -- public API ----------------------------------------------------------------------------
    @staticmethod
    def prepare(analysis: Analysis) -> Prepared:
        """What ``assign`` reads of ``analysis``, independent of the stream: any process can make it
        ahead (the article's counted terms and its dense embedding)."""
        if analysis.vector is None or analysis.vector.size not in (0, VECTOR_SIZE):
            analysis.vector = None  # (stored before vectors were kept, or before the lead encoder's half)
            with_vectors([analysis])
        return Prepared(doc_terms(analysis), analysis.vector if analysis.vector.size else None)

    def assign(self, analysis: Analysis | None, duplicate_of: str | None = None,
               prepared: Prepared | None = None) -> str:
        """The story id ``analysis`` joins (an existing one, or a new one it opens).

        ``duplicate_of``: the article it copies (from DuplicateFinder); a copy joins that article's
        story while the story is active. ``prepared``: ``prepare(analysis)`` when made ahead (then
        ``analysis`` is not read and may be None).
        """
        doc = self._vectorise(analysis, prepared)
        self._retire(doc.time)
        story = self.stories_.get(self.members_.get(duplicate_of, "")) if duplicate_of else None
        if story is None:
            story, prob = self._best(doc)
            if story is None or prob < self.threshold_:
                story = self._new_story(story_id_for(doc.id))
        self._add(story, doc)
        return story.id

    def partial_fit(self, analyses: Iterable[Analysis]) -> list[str]:
        """Assign a batch, in the order given (publication order)."""
        return [self.assign(an) for an in analyses]

    def seed(self, story_id: str, analyses: Sequence[Analysis]) -> None:
        """Re-load a stored story so that new articles can join it (no decisions are made)."""
        story = self.stories_.get(story_id) or self._new_story(story_id)
        for an in analyses:
            doc = self._vectorise(an)
            if doc.time is not None:
                self.latest_time_ = max(self.latest_time_ or doc.time, doc.time)
            self._add(story, doc)

    def fit(self, analyses: Sequence[Analysis], labels: Sequence[str], shuffles: int = 3, rounds: int = 2,
            random_state: int = 0, C: float = 1.0, groups: Sequence[Hashable] | None = None,
            weights: dict[Hashable, float] | None = None, tune_shuffles: int | None = None,
            trees: int = 0) -> StoryClusterer:
        """Learn the merge model from articles with gold story labels.

        First the articles are streamed (publication order; random order among undated ones,
        ``shuffles`` times) against the gold stories built so far, recording every retrieved
        candidate's features; then, ``rounds`` times, streamed with the model learned so far, so
        that it also learns from the situations its own mistakes create (a story split in two).
        The ranker learns which candidates are the article's story; the join model learns, from
        the ranker's best candidate, whether the article belongs to it. Last, the threshold is
        set where clustering the same articles scores the best B-cubed F1.

        groups: one key per article; each group is streamed on its own (a corpus, or a slice of
        one), so that articles of different corpora never meet. weights: each group's share of the
        training signal and of the threshold's score (default: equal shares per group). trees: the
        join model is that many boosted trees instead of a logistic model (0).
        """
        keys = list(groups) if groups is not None else [0] * len(analyses)
        parts: dict[Hashable, list[int]] = {}
        for i, g in enumerate(keys):
            parts.setdefault(g, []).append(i)
        share = {g: float((weights or {}).get(g, 1.0)) for g in parts}
        streams = [([analyses[i] for i in idx], [labels[i] for i in idx], share[g]) for g, idx in parts.items()]

        def decisions(seed: int, teacher: bool) -> list[Decision]:
            out: list[Decision] = []
            for k, (an, lab, w) in enumerate(streams):
                ds = self._stream_decisions(an, lab, shuffles, seed + 1000 * k, teacher=teacher)
                for d in ds:  # every group weighs its share, however many decisions it makes
                    d.weight = w * len(analyses) / (len(streams) * max(1, len(ds)) / shuffles)
                out += ds
            return out

        pool = decisions(random_state, teacher=True)
        model = _train(pool, C, trees)
        for r in range(rounds):
            self.model_, self.threshold = model, 0.5
            pool += decisions(random_state + 10 + r, teacher=False)
            model = _train(pool, C, trees)
        model.info.update({"articles": len(analyses), "stories": len(set(labels)), "groups": len(streams),
                           "shuffles": shuffles, "rounds": rounds, "C": C, "trees": trees})
        self.threshold = None
        self.model = self.model_ = model
        model.threshold, f1 = self._tune_threshold(streams, tune_shuffles or shuffles, random_state + 1)
        model.info["train_bcubed_f1"] = round(f1, 4)
        self.reset()
        log.info("merge model: %s", model.to_json())
        return self

    def _stream_decisions(self, analyses: Sequence[Analysis], labels: Sequence[str], shuffles: int,
                          seed: int, teacher: bool) -> list[Decision]:
        """Each article's candidates' features, join features and which candidates are its story.

        teacher: stories are the gold ones; else the current model decides, and a candidate counts
        as the article's story when most of its articles are of the article's gold story.
        """
        out: list[Decision] = []
        for order in _orders(analyses, shuffles, seed):
            self.reset()
            gold_story: dict[str, Story] = {}
            majority: dict[str, Counter] = {}
            for i in order:
                doc = self._vectorise(analyses[i])
                self._retire(doc.time)
                cands = self._candidates(doc)
                feats = [features(doc, st) for st in cands]
                if teacher:
                    target = gold_story.get(labels[i])
                    positives = {k for k, st in enumerate(cands) if st is target}
                else:
                    positives = {k for k, st in enumerate(cands)
                                 if majority[st.id].most_common(1)[0][0] == labels[i]}
                out.append(Decision(feats, positives, cands))
                if teacher:
                    if target is None or target.id not in self.stories_:
                        target = gold_story[labels[i]] = self._new_story(story_id_for(doc.id))
                else:
                    k, z = self.model_.choose(feats, cands)
                    join = z is not None and self.model_.join_probability(z) >= self.threshold_
                    target = cands[k] if join else self._new_story(story_id_for(doc.id))
                    majority.setdefault(target.id, Counter())[labels[i]] += 1
                self._add(target, doc)
        for d in out:  # stories are not needed once the rival similarities are taken
            d.rivals = _rival_sims(d.stories)
            d.stories = []
        return out

    def _tune_threshold(self, streams: list[tuple[Sequence[Analysis], Sequence[str], float]], shuffles: int,
                        seed: int) -> tuple[float, float]:
        """The threshold with the best B-cubed F1 on the training streams (weighted mean over groups)."""
        from ..evaluate.clustering import bcubed

        saved, scores = self.threshold, {}
        total_w = sum(w for _, _, w in streams) or 1.0

        def score(t: float) -> float:
            if t not in scores:
                self.threshold, total = t, 0.0
                for k, (analyses, labels, w) in enumerate(streams):
                    for order in _orders(analyses, shuffles, seed + 1000 * k):
                        self.reset()
                        pred = {i: self.assign(analyses[i]) for i in order}
                        f1 = bcubed(list(labels), [pred[i] for i in range(len(labels))])[2]
                        total += w / total_w * f1 / shuffles
                scores[t] = total
            return scores[t]

        # Coarse to fine: steps of 0.1 over 0.1-0.9, then 0.05 either side of the best.
        key = lambda t: (round(score(t), 4), -abs(t - 0.5))  # noqa: E731
        best = max([round(0.1 * k, 2) for k in range(1, 10)], key=key)
        best = max([best, round(best - 0.05, 2), round(best + 0.05, 2)], key=key)
        self.threshold = saved
        return best, scores[best]

    def state(self) -> dict[str, Any]:
        """Sizes of the active index (for benchmarks and logs)."""
        return {"active_stories": len(self.stories_), "index_terms": len(self.postings_),
                "articles_seen": self.n_seen_}

    # -- internals -----------------------------------------------------------------------------
    def _vectorise(self, analysis: Analysis | None, prepared: Prepared | None = None) -> DocVec:
        if prepared is None:
            if analysis is None:
                raise ValueError("assign needs an analysis or its prepared form")
            prepared = self.prepare(analysis)
        terms = prepared.terms
        self.df_.add(terms.all_terms, terms.all_ids())
        self.n_seen_ += 1
        doc = vectorise(terms, self.df_)
        doc.dense = prepared.dense
        return doc

    def _new_story(self, story_id: str) -> Story:
        while story_id in self.stories_:  # the same article id opening a second story
            story_id = story_id_for(story_id)
        story = Story(story_id)
        self.stories_[story_id] = story
        return story

    def _candidates(self, doc: DocVec) -> list[Story]:
        score: dict[str, float] = {}
        for name, k in QUERY:
            vec = doc.vecs[name]
            if len(vec) <= k:
                top = vec
            elif name == "body" and doc.heavy is not None and k <= len(doc.heavy):
                top = doc.heavy[:k]  # (the same stable sort)
            else:
                top = sorted(vec, key=vec.__getitem__, reverse=True)[:k]
            for term in top:
                posting = self.postings_.get(term)
                if posting:  # score[sid] = score.get(sid, 0.0) + w for each story, the loop in C
                    score.update(zip(posting, map(add, map(score.get, posting, repeat(0.0)), repeat(vec[term]))))
        n, stories = self.max_candidates, self.stories_
        pool = score.items()
        if len(score) > 1000 and n > 0:  # only stories scoring at least the n-th best score can make the cut
            values = np.fromiter(score.values(), dtype=float, count=len(score))
            cut = np.partition(values, len(values) - n)[len(values) - n]
            pool = list(compress(pool, (values >= cut).tolist()))
        elif len(score) > n > 0:  # (the same, quicker for fewer)
            cut = sorted(score.values(), reverse=True)[n - 1]
            pool = [kv for kv in pool if kv[1] >= cut]
        best = heapq.nlargest(n, pool, key=lambda kv: (kv[1], stories[kv[0]].last_seq))
        return [stories[sid] for sid, _ in best]

    def _best(self, doc: DocVec) -> tuple[Story | None, float]:
        cands = self._candidates(doc)
        feats = [features(doc, story, members=False) for story in cands]
        k, z = self.model_.choose(feats, cands, lambda k: with_members(doc, cands[k], feats[k]))
        return (cands[k], self.model_.join_probability(z)) if z is not None else (None, 0.0)

    def _add(self, story: Story, doc: DocVec) -> None:
        story.add(doc, self.n_seen_)
        self.stories_[story.id] = self.stories_.pop(story.id)  # most recently updated last
        self.members_[doc.id] = story.id
        if len(self.members_) > MEMBERS_CAP:
            self.members_.popitem(last=False)
        if story.size <= 3 or story.size % 8 == 0:
            self._rekey(story)

    def _rekey(self, story: Story) -> None:
        keys = {t for name, k in KEYS for t in story.top_terms(name, k)}
        for t in story.keys - keys:
            posting = self.postings_.get(t)
            if posting is not None:
                posting.pop(story.id, None)
                if not posting:
                    del self.postings_[t]
        for t in keys - story.keys:
            posting = self.postings_.setdefault(t, {})
            posting[story.id] = None
            if len(posting) > POSTING_CAP:
                posting.pop(next(iter(posting)))
        story.keys = keys

    def _retire(self, now: float | None) -> None:
        if now is not None:
            self.latest_time_ = now if self.latest_time_ is None else max(self.latest_time_, now)
        horizon = None if self.latest_time_ is None else self.latest_time_ - self.window_days * DAY
        while self.stories_:
            sid, story = next(iter(self.stories_.items()))
            stale = horizon is not None and story.last_time is not None and story.last_time < horizon
            if not stale and len(self.stories_) <= self.max_active:
                break
            self._drop(sid)

    def _drop(self, story_id: str) -> None:
        story = self.stories_.pop(story_id)
        for t in story.keys:
            posting = self.postings_.get(t)
            if posting is not None:
                posting.pop(story_id, None)
                if not posting:
                    del self.postings_[t]


@dataclass
class Prepared:
    """An article as ``StoryClusterer.assign`` reads it before the stream's state comes in: its
    counted terms and the unit dense embedding of its title and lead (float32, or None)."""

    terms: DocTerms
    dense: Any = None

    def __reduce__(self):  # the embedding as raw bytes: quicker between processes than an array
        return (_unpack_prepared, (self.terms, None if self.dense is None else self.dense.tobytes()))


def _unpack_prepared(terms: DocTerms, dense: bytes | None) -> Prepared:
    return Prepared(terms, None if dense is None else np.frombuffer(dense, dtype=np.float32))


def _orders(analyses: Sequence[Analysis], shuffles: int, seed: int) -> list[list[int]]:
    """Stream orders for training: by publication time, undated articles shuffled among themselves."""
    from .text import parse_time

    rng = random.Random(seed)
    times = [parse_time(an.article.published) for an in analyses]
    orders = []
    for _ in range(shuffles):
        idx = list(range(len(analyses)))
        rng.shuffle(idx)
        if any(t is not None for t in times):
            idx.sort(key=lambda i: (times[i] is None, times[i] or 0.0))
        orders.append(idx)
    return orders


@dataclass
class Decision:
    """One article's decision as seen in training."""

    features: list[list[float]]
    positives: set[int]
    stories: list[Story]
    rivals: dict[tuple[int, int], float] = field(default_factory=dict)
    weight: float = 1.0


def _rival_sims(stories: list[Story]) -> dict[tuple[int, int], float]:
    return {(a, b): stories[a].similarity(stories[b]) for a in range(len(stories))
            for b in range(len(stories)) if a != b}


def _boost(Z: list[list[float]], t: list[int], w: list[float], n_trees: int) -> tuple[list[dict[str, list]], float]:
    """Gradient-boosted trees (depth 3) for the join decision, as plain arrays; and the base log-odds."""
    import numpy as np
    from sklearn.ensemble import GradientBoostingClassifier

    gb = GradientBoostingClassifier(n_estimators=n_trees, max_depth=3, learning_rate=0.1, subsample=0.8,
                                    min_samples_leaf=20, random_state=0).fit(Z, t, sample_weight=w)
    trees = []
    for est in gb.estimators_[:, 0]:
        tr = est.tree_
        trees.append({"feature": [int(f) for f in tr.feature], "threshold": [round(float(x), 6) for x in tr.threshold],
                      "left": [int(x) for x in tr.children_left], "right": [int(x) for x in tr.children_right],
                      "value": [round(float(v) * gb.learning_rate, 6) for v in tr.value[:, 0, 0]]})
    X = np.asarray(Z[:50], dtype=float)
    raw = gb.decision_function(X)
    summed = np.array([sum(_tree_value(tr, list(x)) for tr in trees) for x in X])
    return trees, float(np.median(raw - summed))


def _train(decisions: list[Decision], C: float, trees: int = 0) -> MergeModel:
    """Fit the ranker on every candidate, then the join model on each ranker's best candidate."""
    from sklearn.linear_model import LogisticRegression

    # The ranker does not read the member similarities (RANK_OFF): they are computed for its best only.
    X = [[0.0 if j in RANK_OFF else v for j, v in enumerate(x)] for d in decisions for x in d.features]
    y = [int(k in d.positives) for d in decisions for k in range(len(d.features))]
    w = [d.weight for d in decisions for _ in d.features]
    ranker = LogisticRegression(C=C, max_iter=3000).fit(X, y, sample_weight=w)
    model = MergeModel([float(c) for c in ranker.coef_[0]], float(ranker.intercept_[0]),
                       [0.0] * (len(FEATURES) + len(JOIN_EXTRA)), 0.0, 0.5)
    Z, t, wz = [], [], []
    for d in decisions:
        if not d.features:
            continue
        scores = [model.rank(x) for x in d.features]
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        runner_up = scores[order[1]] if len(order) > 1 else None
        rival = d.rivals.get((order[0], order[1]), 0.0) if len(order) > 1 else 0.0
        Z.append(model.join_features(d.features[order[0]], scores[order[0]], runner_up, rival))
        t.append(int(order[0] in d.positives))
        wz.append(d.weight)
    if trees:
        model.join_trees, model.join_intercept = _boost(Z, t, wz, trees)
    else:
        joiner = LogisticRegression(C=C, max_iter=3000).fit(Z, t, sample_weight=wz)
        model.join_coef = [float(c) for c in joiner.coef_[0]]
        model.join_intercept = float(joiner.intercept_[0])
    model.info = {"pairs": len(y), "decisions": len(t)}
    joins = sorted(x[BODY_COS] for d in decisions for k, x in enumerate(d.features) if k in d.positives)
    model.min_body_cos = round(joins[int(0.005 * len(joins))], 4) if joins else 0.0
    return model
