"""Score fact alignment against ECB+-style gold: sentence pairs that state the same fact.

Gold (one article per JSONL line): ``id``, ``text``, ``story``, ``sentences`` ([start, end] spans
of ``text``) and ``mentions`` (``type``, ``chain``, ``start``, ``end``, ``sentence``). Two
sentences of different articles in one story state the same fact when their ACTION mentions
share a chain. Only annotated sentences (those with any mention) are scored: a predicted pair
is two sources of one fact that fall in annotated sentences of different articles.

``fit_weights`` learns the pair model of ``compare/align.py`` from the same kind of gold.
"""
from __future__ import annotations

import bisect
import itertools
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ..clean import clean_batch
from ..compare import align
from ..compare.claims import Claim, build_claims
from ..errors import InputError
from ..read.jsonl import jsonl_records
from ..model import Analysis, Article

log = logging.getLogger(__name__)

SentKey = tuple[str, int]  # (article id, gold sentence index)


@dataclass
class GoldArticle:
    id: str
    story: str
    text: str
    sentences: list[tuple[int, int]]
    annotated: set[int]
    actions: dict[int, set[str]]  # sentence -> action chains
    action_spans: list[tuple[int, int, str]]  # (start, end, chain)
    topic: int | None = None
    chains: dict[int, set[str]] = field(default_factory=dict)  # sentence -> every chain (any type)
    chain_spans: list[tuple[int, int, str]] = field(default_factory=list)


def read_gold(path: str) -> list[GoldArticle]:
    """Gold articles from a JSONL file; InputError names the line of a malformed one."""
    out = []
    for n, d in jsonl_records(path, strict=True):
        try:
            text = d["text"]
            sentences = [tuple(s) for s in d.get("sentences") or _line_spans(text)]
            mentions = d.get("mentions") or []
            actions: dict[int, set[str]] = defaultdict(set)
            chains: dict[int, set[str]] = defaultdict(set)
            spans, all_spans = [], []
            for m in mentions:
                if not m.get("chain"):
                    continue
                s = m.get("sentence", _index(sentences, m["start"]))
                chains[s].add(m["chain"])
                all_spans.append((m["start"], m["end"], m["chain"]))
                if "ACTION" in m["type"].upper():
                    actions[s].add(m["chain"])
                    spans.append((m["start"], m["end"], m["chain"]))
            annotated = {m.get("sentence", _index(sentences, m["start"])) for m in mentions}
            out.append(GoldArticle(str(d["id"]), str(d["story"]), text, sentences, annotated,
                                   dict(actions), spans, d.get("topic"), dict(chains), all_spans))
        except (ValueError, KeyError, TypeError) as e:
            raise InputError(path, f"not a gold article ({e})", n) from e
    return out


def _line_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def _index(sentences: list[tuple[int, int]], offset: int) -> int:
    return max(0, bisect.bisect_right([s for s, _ in sentences], offset) - 1)


def analyse_gold(gold: list[GoldArticle]) -> dict[str, list[Analysis]]:
    """Clean and analyse the gold articles; Analyses grouped by gold story."""
    from ..analyse import analyse

    articles = [Article(id=g.id, text=g.text) for g in gold]
    clean_batch(articles)
    by_story: dict[str, list[Analysis]] = defaultdict(list)
    story = {g.id: g.story for g in gold}
    for an in analyse(articles):
        by_story[story[an.article.id]].append(an)
    return by_story


def same_fact(actions_a: set[str], chains_a: set[str], actions_b: set[str], chains_b: set[str],
              level: str = "event") -> bool:
    """Whether two sentences (or claims) state the same fact: at the "event" level (the ECB+ reading)
    they share an action chain; at the "statement" level they also share a second chain (an
    actor, place, time or another action), so "the quake hit Iran" and "the quake cut power"
    are one event but two statements."""
    shared = actions_a & actions_b
    if level == "event":
        return bool(shared)
    return bool(shared) and len(chains_a & chains_b) >= 2


def gold_pairs(gold: list[GoldArticle], level: str = "event") -> set[frozenset[SentKey]]:
    """Annotated sentence pairs of different articles in one story that state the same fact."""
    pairs: set[frozenset[SentKey]] = set()
    by_story: dict[str, list[GoldArticle]] = defaultdict(list)
    for g in gold:
        by_story[g.story].append(g)
    for arts in by_story.values():
        chain_sents: dict[str, set[SentKey]] = defaultdict(set)
        info = {}
        for g in arts:
            for s, chains in g.actions.items():
                if s in g.annotated:
                    info[(g.id, s)] = (chains, g.chains.get(s, set()))
                    for c in chains:
                        chain_sents[c].add((g.id, s))
        for sents in chain_sents.values():
            for x, y in itertools.combinations(sorted(sents), 2):
                if x[0] != y[0] and same_fact(*info[x], *info[y], level=level):
                    pairs.add(frozenset((x, y)))
    return pairs


def predicted_pairs(groups: Iterable[list[tuple[str, int]]], gold_by_id: dict[str, GoldArticle]) -> set[frozenset[SentKey]]:
    """Pairs of annotated gold sentences, of different articles, that one fact's sources fall in.

    ``groups`` holds, per fact, its sources as (article id, start offset)."""
    pairs: set[frozenset[SentKey]] = set()
    for group in groups:
        keys = set()
        for art, start in group:
            g = gold_by_id[art]
            s = _index(g.sentences, start)
            if s in g.annotated:
                keys.add((art, s))
        for x, y in itertools.combinations(sorted(keys), 2):
            if x[0] != y[0]:
                pairs.add(frozenset((x, y)))
    return pairs


def prf(pred: set, gold: set) -> dict[str, float]:
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
            "predicted": len(pred), "gold": len(gold)}


def newsweave_groups(by_story: dict[str, list[Analysis]], w: dict | None = None,
                     statement: bool = False) -> list[list[tuple[str, int]]]:
    """Every fact newsweave aligns, as its sources' (article, start); ``statement``: the statement
    facts exactly as ``compare`` writes them (copies counted as their original's source, the other
    outlets' claims that state a single-source one inside theirs, disagreeing claims together)."""
    from ..compare import facts_with_claims
    from ..dedup import copies_within

    groups = []
    for story, analyses in by_story.items():
        if statement:
            copies = copies_within([an.article for an in analyses])
            groups.extend([(s.article, s.start) for s in fact.sources]
                          for fact, _ in facts_with_claims(analyses, copies, story, "statement", w))
            continue
        claims = build_claims(analyses, clauses=(w or align.weights()).get("claims", "clauses") == "clauses")
        facts, _, _ = align.cluster(claims, w)
        groups.extend([(claims[i].article, claims[i].start) for i in g] for g in facts)
    return groups


def tfidf_baseline_pairs(gold: list[GoldArticle], threshold: float) -> set[frozenset[SentKey]]:
    """The plain baseline: annotated sentences of different articles whose TF-IDF cosine ≥ threshold."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    keys, texts = _annotated_sentences(gold)
    vec = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit(texts)
    story = {g.id: g.story for g in gold}
    pairs: set[frozenset[SentKey]] = set()
    by_story: dict[str, list[int]] = defaultdict(list)
    for k, (art, _) in enumerate(keys):
        by_story[story[art]].append(k)
    for idx in by_story.values():
        x = vec.transform([texts[k] for k in idx])
        sim = (x @ x.T).toarray()
        for a, b in zip(*np.triu_indices(len(idx), k=1)):
            ka, kb = keys[idx[a]], keys[idx[b]]
            if ka[0] != kb[0] and sim[a, b] >= threshold:
                pairs.add(frozenset((ka, kb)))
    return pairs


def _annotated_sentences(gold: list[GoldArticle]) -> tuple[list[SentKey], list[str]]:
    keys, texts = [], []
    for g in gold:
        for s in sorted(g.annotated):
            if 0 <= s < len(g.sentences):
                keys.append((g.id, s))
                texts.append(g.text[g.sentences[s][0]: g.sentences[s][1]])
    return keys, texts


def best_baseline_threshold(gold: list[GoldArticle]) -> float:
    """The TF-IDF threshold with the best F1 on ``gold`` (tune it on the training topics)."""
    gp = gold_pairs(gold)
    grid = np.arange(0.05, 0.8, 0.05)
    return float(max(grid, key=lambda t: prf(tfidf_baseline_pairs(gold, t), gp)["f1"]))


def claim_labels(claims: list[Claim], gold_by_id: dict[str, GoldArticle]) -> tuple[list, list[bool]]:
    """Per claim: its (action chains, all chains) and whether it lies in an annotated sentence."""
    chains, annotated = [], []
    for c in claims:
        g = gold_by_id[c.article]
        inside = lambda spans: {ch for s, e, ch in spans if s >= c.start and e <= c.end}  # noqa: E731
        chains.append((inside(g.action_spans), inside(g.chain_spans)))
        annotated.append(_index(g.sentences, c.start) in g.annotated)
    return chains, annotated


def learn_eventness(gold: list[GoldArticle], min_count: int = 3, prior_weight: float = 2.0) -> tuple[dict, dict]:
    """The event-word lexicon: for each content stem, the smoothed share of its uses in annotated
    sentences that fall inside an ACTION mention; and the same per word ending (the fallback)."""
    from ..compare.text import STOP, WORD, stem

    per_stem: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_suffix: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for g in gold:
        spans = sorted((s, e) for s, e, _ in g.action_spans)
        for si in g.annotated:
            if not 0 <= si < len(g.sentences):
                continue
            a, b = g.sentences[si]
            for m in WORD.finditer(g.text, a, b):
                word = m.group(0).lower()
                if word in STOP or len(word) < 2 or word.isdigit():
                    continue
                inside = any(s <= m.start() and m.end() <= e for s, e in spans)
                for table, key in ((per_stem, stem(word)), (per_suffix, align.suffix_class(word))):
                    table[key][0] += inside
                    table[key][1] += 1
    suffix = {k: round((a + align.EVENT_PRIOR * prior_weight) / (n + prior_weight), 3) for k, (a, n) in per_suffix.items()}
    base = sum(a for a, _ in per_suffix.values()) / max(1, sum(n for _, n in per_suffix.values()))
    lexicon = {k: round((a + base * prior_weight) / (n + prior_weight), 3)
               for k, (a, n) in sorted(per_stem.items()) if n >= min_count}
    return lexicon, suffix


# Position and story-centrality features tie claims to the story's main event, not to what they
# state; the shipped model leaves them out so a fact is one statement wherever it stands.
# Nor the contextual event-word feature, which costs an encoder pass over every sentence: the
# statement facts are what every ingest computes.
CONTENT_FEATURES = [f for f in align.FEATURES if f not in {"main_both", "lead_sim_both", "lead_sim_max",
                                                           "lead", "near_lead", "core", *align.EMBEDDING_FEATURES,
                                                           *align.CONTEXT_FEATURES}]
# The event model's default features: all but the static embedding ones (fitted on ECB+ topics 1-20
# they gained 0.02 F1 there but lost on topics 21-35, and lost 0.007 F1 in 5-fold topic CV); with the
# contextual event-word cosine (5-fold topic CV 0.682 -> 0.707, topics 21-35 0.716 -> 0.725).
EVENT_FEATURES = [f for f in align.FEATURES if f not in align.EMBEDDING_FEATURES]


def fit_weights(gold: list[GoldArticle], by_story: dict[str, list[Analysis]], c: float = 1.0,
                level: str = "event", features: list[str] | None = None,
                event_features: list[str] | None = None, cross_fit: int = 4) -> dict:
    """Learn the pair model: the event lexicon, a logistic regression on annotated claim pairs that
    state the same fact at ``level``, then the clustering cut with the best sentence-pair F1 at
    that level on the same stories (and, for reference, the best cut at the event level)."""
    from sklearn.linear_model import LogisticRegression

    gold_by_id = {g.id: g for g in gold}
    lexicon, suffix = learn_eventness(gold)
    w: dict = {"coef": {}, "intercept": 0.0, "threshold": 0.5, "linkage": "average",
               "eventness": lexicon, "suffix_eventness": suffix}
    story_claims = {st: build_claims(analyses) for st, analyses in by_story.items()}

    def fit(feats: list[str], every_pair: bool, units: dict, lex: dict | None = None) -> tuple[dict, dict, int]:
        xs, ys = [], []
        lex = lex or {}
        for st, claims in units.items():
            pairs, rows, _ = align.pair_features(claims, {**w, **lex.get(st, {})}, every_pair=every_pair,
                                                 embeddings=any(f in align.EMBEDDING_FEATURES for f in feats),
                                                 context=any(f in align.CONTEXT_FEATURES for f in feats))
            chains, annotated = claim_labels(claims, gold_by_id)
            for (i, j), row in zip(pairs, rows):
                if annotated[i] and annotated[j]:
                    xs.append(row)
                    ys.append(same_fact(*chains[i], *chains[j], level=level))
        cols = [align.FEATURES.index(f) for f in feats]
        model = LogisticRegression(C=c, max_iter=5000).fit(np.array(xs)[:, cols], np.array(ys))
        return ({k: round(float(v), 4) for k, v in zip(feats, model.coef_[0])},
                round(float(model.intercept_[0]), 4), len(ys))

    features = features or CONTENT_FEATURES
    w["coef"], w["intercept"], n_pairs = fit(features, every_pair=False, units=story_claims)
    # The shipped cut keeps facts at statement level and is not tuned: a claim joins a fact when its
    # pair probability with the fact's claims is above one half on average, and two claims of
    # one article never share a fact (near-verbatim repeats aside).
    w["threshold"], w["same_article_score"] = align.STATEMENT_THRESHOLD, align.SAME_ARTICLE_SCORE
    # The event-level cut (every mention of one event grouped, as ECB+ reads "the same fact"),
    # tuned on these stories; `newsweave eval facts --event-level` scores it.
    w["event_f1"], w["event_threshold"], w["event_same_article_score"], _ = _best_cut(
        story_claims, w, gold_by_id, gold_pairs(gold, level), [0.0], 1.0)
    # The event-level model proper: every feature (position and story-centrality ones tie claims
    # to the story's main event, which is what ECB+ chains mostly are), every pair of claims of
    # different articles scored (pairs sharing no word too), cut at the best F1 on these stories.
    # Its claims are whole sentences: a sentence that names several events belongs with each, so a
    # sentence may also join other facts it matches well on average (``align.overlap``; the bar is
    # tuned with the cut, 0 = a plain partition). Its features are cross-fitted: each story's event
    # lexicon is learned on the other ``cross_fit`` parts of the topics (``_cross_fitted_lexicons``),
    # so the model and cut are fitted on event words as uncertain as a new topic's (in 5-fold topic
    # CV: F1 0.653 -> 0.683; with the lexicon learned on the scored stories themselves the model
    # leaned on it and the cut came out too high).
    story_sentences = {st: build_claims(analyses, clauses=False) for st, analyses in by_story.items()}
    ev: dict = {"every_pair": True, "linkage": "average", "claims": "sentences"}
    lex = _cross_fitted_lexicons(gold, cross_fit) if cross_fit else {}
    ev["coef"], ev["intercept"], _ = fit(event_features or EVENT_FEATURES, every_pair=True, units=story_sentences,
                                         lex=lex)
    ev["f1"], ev["threshold"], ev["same_article_score"], ev["overlap"] = _best_cut(
        story_sentences, {**w, **ev}, gold_by_id, gold_pairs(gold, level), [0.0], 1.0, EVENT_CUTS, EVENT_OVERLAPS,
        lex)
    w["event_model"] = ev
    # The statement level's second model is fitted on read-and-labelled pairs, not on this gold:
    # kept as shipped (after a refit of the first model, refit it: benchmarks/statement_pairs.py).
    if align.weights().get("restate"):
        w["restate"] = align.weights()["restate"]
    w["level"] = level
    w["linkage"] = "average"
    w["train_pairs"] = n_pairs
    return w


def _cross_fitted_lexicons(gold: list[GoldArticle], parts: int) -> dict[str, dict]:
    """Per story, an event lexicon learned on the other parts of ``gold`` (by topic, else by story):
    the pair model is then fitted on event features as noisy as those of unseen stories. A lexicon
    learned on the very sentences it scores knows their event words too well — the model leans
    on them and the cut is tuned too high for new topics."""
    unit = lambda g: g.topic if g.topic is not None else g.story  # noqa: E731
    units = sorted({unit(g) for g in gold}, key=str)
    out: dict[str, dict] = {}
    if len(units) < 2:
        return out
    for k in range(min(parts, len(units))):
        held = set(units[k::parts])
        lexicon, suffix = learn_eventness([g for g in gold if unit(g) not in held])
        for g in gold:
            if unit(g) in held:
                out[g.story] = {"eventness": lexicon, "suffix_eventness": suffix}
    return out


EVENT_CUTS = np.arange(0.05, 0.5, 0.025)  # the event model's probabilities are low: a finer, lower grid
# Mean pair score for a sentence to join a second event fact. Fixed, not tuned with the cut: chosen
# on topics 1-20 from (0, 0.25, 0.3, 0.4, 0.5), it gains there and on 21-35, but tuned per fold
# jointly with the cut it picked noise (5-fold topic CV F1 0.640 against 0.646 with no overlap).
EVENT_OVERLAPS = (0.3,)


def _best_cut(story_claims: dict, w: dict, gold_by_id: dict, gp: set, penalties: list[float],
              max_repeat: float, grid: np.ndarray | None = None,
              overlaps: tuple[float, ...] = (0.0,), lex: dict | None = None) -> tuple[float, float, float, float]:
    """(F1, threshold, same-article score, overlap) of the best clustering cut within the repeat limit
    (``lex``: per story, the cross-fitted event lexicon its features are computed with)."""
    best = (-1.0, 0.5, penalties[0], 0.0)
    lex = lex or {}
    for penalty in penalties:
        ww = {**w, "same_article_score": penalty}
        scores = {st: align.score_matrix(claims, {**ww, **lex.get(st, {})})[0] for st, claims in story_claims.items()}
        trees = {st: align.tree(scores[st], "average") for st in story_claims}
        for t, ov in itertools.product(np.arange(0.1, 0.9, 0.05) if grid is None else grid, overlaps):
            groups, multi, repeats = [], 0, 0
            for st, claims in story_claims.items():
                facts = align.cut(trees[st], len(claims), t)
                for g in align.overlap(facts, scores[st], claims, ov) if ov else facts:
                    arts = [claims[i].article for i in g]
                    groups.append([(claims[i].article, claims[i].start) for i in g])
                    if len(set(arts)) > 1:
                        multi += 1
                        repeats += len(arts) > len(set(arts))
            f1 = prf(predicted_pairs(groups, gold_by_id), gp)["f1"]
            log.info("same-article %.1f, cut %.2f, overlap %.2f: F1 %.4f, repeats %d/%d", penalty, t, ov, f1,
                     repeats, multi)
            if repeats <= max_repeat * max(1, multi):
                best = max(best, (f1, round(float(t), 3), penalty, ov))
    log.info("best cut: F1 %.4f at %.3f (same-article %.1f, overlap %.2f)", *best)
    return best


def event_level(w: dict | None = None) -> dict:
    """Overrides that score and cut with the event-level model of a pair model (default: the
    shipped one): every mention of one event in one fact, as ECB+ reads "the same fact", instead
    of the statement level."""
    return align.event_model(w)


def cross_validate(gold: list[GoldArticle], by_story: dict[str, list[Analysis]] | None = None, folds: int = 5,
                   event: bool = True) -> dict:
    """K-fold cross-validation by topic (by story for gold without topics): per fold, the pair model
    is fitted (``fit_weights``) and the baseline threshold tuned on the other folds, then both are
    scored on the fold; pairs are pooled over the folds. ``event`` scores the event-level model,
    otherwise the statement-level facts."""
    by_story = by_story or analyse_gold(gold)
    unit = lambda g: g.topic if g.topic is not None else g.story  # noqa: E731
    units = sorted({unit(g) for g in gold}, key=lambda u: (isinstance(u, str), u if isinstance(u, int) else 0, str(u)))
    if len(units) < folds:
        raise ValueError(f"{len(units)} topics cannot make {folds} folds")
    gold_by_id = {g.id: g for g in gold}
    pooled = {"newsweave": [0, 0, 0], "tfidf_baseline": [0, 0, 0]}
    per_fold = []
    for k in range(folds):
        held = set(units[k::folds])
        train = [g for g in gold if unit(g) not in held]
        test = [g for g in gold if unit(g) in held]
        train_stories = {g.story for g in train}
        w = fit_weights(train, {st: a for st, a in by_story.items() if st in train_stories})
        overrides = {**w, **event_level(w)} if event else w
        test_stories = {g.story for g in test}
        gp = gold_pairs(test)
        ours = predicted_pairs(newsweave_groups({st: a for st, a in by_story.items() if st in test_stories},
                                                {**align.weights(), **overrides}, not event), gold_by_id)
        base = tfidf_baseline_pairs(test, best_baseline_threshold(train))
        fold = {"topics": [u for u in units if u in held]}
        for name, pred in (("newsweave", ours), ("tfidf_baseline", base)):
            pooled[name][0] += len(pred & gp)
            pooled[name][1] += len(pred)
            pooled[name][2] += len(gp)
            fold[name] = prf(pred, gp)["f1"]
        per_fold.append(fold)
        log.info("fold %d (%s): F1 %.4f, baseline %.4f", k, fold["topics"], fold["newsweave"], fold["tfidf_baseline"])
    out: dict = {"folds": folds, "level": "event" if event else "statement", "articles": len(gold)}
    for name, (tp, n_pred, n_gold) in pooled.items():
        p, r = tp / max(1, n_pred), tp / max(1, n_gold)
        out[name] = {"precision": round(p, 4), "recall": round(r, 4),
                     "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4), "predicted": n_pred, "gold": n_gold}
    out["per_fold"] = per_fold
    return out


def evaluate(gold: list[GoldArticle], by_story: dict[str, list[Analysis]] | None = None,
             baseline_threshold: float = 0.3, overrides: dict | None = None,
             with_events: dict | None = None, statement: bool = True) -> dict:
    """newsweave's fact alignment and the TF-IDF baseline, scored on ``gold``.

    ``overrides`` replace settings of the shipped pair model (``threshold``, ``same_article_score``),
    e.g. ``event_level()``. ``with_events``: overrides of an event-level model whose facts are
    scored together with those of ``overrides`` (what ``newsweave compare`` writes by default);
    each level's own scores are kept under ``statement_facts`` and ``event_facts``."""
    by_story = by_story or analyse_gold(gold)
    gold_by_id = {g.id: g for g in gold}
    gp = gold_pairs(gold)
    w = {**align.weights(), **(overrides or {})}
    predicted = predicted_pairs(newsweave_groups(by_story, w, statement), gold_by_id)
    ours = prf(predicted, gp)
    ours["threshold"] = w["threshold"]
    ours["same_article_score"] = w.get("same_article_score", align.SAME_ARTICLE_SCORE)
    ours["statement_level"] = prf(predicted, gold_pairs(gold, "statement"))
    if with_events is not None:
        events = predicted_pairs(newsweave_groups(by_story, {**w, **with_events}), gold_by_id)
        ours = {**prf(predicted | events, gp), "statement_facts": ours, "event_facts": prf(events, gp)}
    base_pairs = tfidf_baseline_pairs(gold, baseline_threshold)
    base = prf(base_pairs, gp)
    base["statement_level"] = prf(base_pairs, gold_pairs(gold, "statement"))
    base["threshold"] = baseline_threshold
    return {"articles": len(gold), "stories": len(by_story), "annotated_sentences": sum(len(g.annotated) for g in gold),
            "newsweave": ours, "tfidf_baseline": base}
