"""Score story clustering against gold stories: B-cubed and pairwise precision / recall / F1.

``evaluate_clustering(rows)`` takes gold JSONL rows (``id``, ``text``, ``story``; optional
``title``, ``outlet``, ``published``), clusters the articles without their labels, and scores
newsweave beside a naive batch baseline: TF-IDF vectors with average-link agglomerative
clustering, its distance threshold tuned on development data (``baseline_threshold`` in the
shipped model file).
"""
from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Hashable, Sequence
from importlib import resources
from typing import Any

from ..model import Analysis
from ..read.jsonl import article_from_row  # (also the benchmarks' reader)

Scores = tuple[float, float, float]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def bcubed(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> Scores:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998), averaged over items."""
    if len(gold) != len(pred):
        raise ValueError("gold and pred differ in length")
    if not gold:
        return 0.0, 0.0, 0.0
    joint = Counter(zip(gold, pred))
    g_size, p_size = Counter(gold), Counter(pred)
    # Each item of cell (g, p) sees n(g,p) correct items in its predicted and in its gold cluster.
    p = sum(n * n / p_size[pc] for (_, pc), n in joint.items()) / len(gold)
    r = sum(n * n / g_size[gc] for (gc, _), n in joint.items()) / len(gold)
    return p, r, _f1(p, r)


def pairwise(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> Scores:
    """Precision, recall and F1 over the pairs of items put in one cluster."""
    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    same_both = sum(pairs(n) for n in Counter(zip(gold, pred)).values())
    same_pred = sum(pairs(n) for n in Counter(pred).values())
    same_gold = sum(pairs(n) for n in Counter(gold).values())
    p = same_both / same_pred if same_pred else 1.0
    r = same_both / same_gold if same_gold else 1.0
    return p, r, _f1(p, r)


def scores(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> dict[str, Any]:
    bp, br, bf = bcubed(gold, pred)
    pp, pr, pf = pairwise(gold, pred)
    return {"bcubed": {"precision": bp, "recall": br, "f1": bf},
            "pairwise": {"precision": pp, "recall": pr, "f1": pf},
            "clusters": len(set(pred))}


# -- naive baseline ---------------------------------------------------------------------------------
def baseline_threshold() -> float:
    """The baseline's cosine-distance threshold, tuned on ECB+ development topics."""
    raw = resources.files("newsweave").joinpath("data", "cluster_model.json").read_text("utf-8")
    return float(json.loads(raw)["baseline_threshold"])


def baseline_labels(texts: Sequence[str], threshold: float | None = None) -> list[int]:
    """TF-IDF (sub-linear, English stop words) + average-link agglomerative clustering, batch."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < 2:
        return list(range(len(texts)))
    try:
        X = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts).toarray()
    except ValueError:  # not one text has a word that is not a stop word
        return list(range(len(texts)))
    # a text of stop words and punctuation has no direction: each such text is a story of its own
    # (cosine distance is undefined for it, and sklearn refuses the whole batch)
    has = [i for i in range(len(texts)) if X[i].any()]
    labels = list(range(len(texts), 2 * len(texts)))
    if len(has) >= 2:
        t = baseline_threshold() if threshold is None else threshold
        model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average", distance_threshold=t)
        for i, x in zip(has, model.fit_predict(X[has])):
            labels[i] = int(x)
    elif has:
        labels[has[0]] = 0
    return labels


def tune_baseline(texts: Sequence[str], gold: Sequence[Hashable]) -> tuple[float, float]:
    """The distance threshold (and its B-cubed F1) that suits the baseline best on labelled data."""
    grid = [round(0.05 * k, 2) for k in range(4, 20)]
    results = {t: bcubed(gold, baseline_labels(texts, t))[2] for t in grid}
    best = max(grid, key=lambda t: results[t])
    return best, results[best]


# -- evaluation ---------------------------------------------------------------------------------------
def evaluate_clustering(rows: Sequence[dict[str, Any]], analyses: Sequence[Analysis] | None = None,
                        clusterer: Any = None, baseline: bool = True, progress=None) -> dict[str, Any]:
    """Cluster gold rows without their labels; newsweave's and the baseline's scores."""
    from ..cluster import cluster_analyses, cluster_articles

    gold = [str(r["story"]) for r in rows]
    if analyses is None:
        results = cluster_articles([article_from_row(r, title_for_text=True) for r in rows], clusterer, progress=progress)
    else:
        results = cluster_analyses(analyses, clusterer, progress=progress)
    out: dict[str, Any] = {"articles": len(rows), "gold_stories": len(set(gold)),
                           "newsweave": scores(gold, [r["story"] for r in results]),
                           "duplicates": sum(1 for r in results if r["duplicate_of"])}
    if baseline:
        texts = [((r.get("title") or "") + "\n" + str(r.get("text") or "")).strip() for r in rows]
        out["baseline"] = scores(gold, baseline_labels(texts))
        out["baseline"]["threshold"] = baseline_threshold()
    return out


def shuffled(items: Sequence[Any], seed: int) -> list[Any]:
    out = list(items)
    random.Random(seed).shuffle(out)
    return out


def format_report(result: dict[str, Any]) -> str:
    lines = [f"{result['articles']} articles, {result['gold_stories']} gold stories, "
             f"{result['duplicates']} linked as duplicates",
             f"{'':<28}{'B3 P':>8}{'B3 R':>8}{'B3 F1':>8}{'pair P':>8}{'pair R':>8}{'pair F1':>8}{'stories':>9}"]
    names = [("newsweave (streaming)", "newsweave"), ("baseline (TF-IDF+avg-link)", "baseline")]
    for label, key in names:
        if key not in result:
            continue
        s = result[key]
        b, p = s["bcubed"], s["pairwise"]
        lines.append(f"{label:<28}{b['precision']:>8.3f}{b['recall']:>8.3f}{b['f1']:>8.3f}"
                     f"{p['precision']:>8.3f}{p['recall']:>8.3f}{p['f1']:>8.3f}{s['clusters']:>9}")
    if result["articles"] == result["gold_stories"]:
        lines.append("(every gold story has one article: there are no gold pairs, so pairwise recall is "
                     "vacuous; read B-cubed)")
    return "\n".join(lines)
