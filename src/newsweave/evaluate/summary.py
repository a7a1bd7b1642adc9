"""Score story summaries against editor-written reference summaries (NeuS / AllSides format).

Gold (one story per JSONL line): ``story``, ``articles`` (``id``, ``text``, optional ``title``,
``outlet``, ``published``) and ``reference_summary``. ROUGE-1/2/L F1 over unstemmed lower-cased
word tokens (ROUGE-L on the longest common subsequence of the whole summary), beside a lead
baseline: the first sentence of every article.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass

from ..errors import InputError
from ..read.jsonl import jsonl_records
from ..model import Analysis, Article

TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    """ROUGE tokens: lower-cased runs of letters and digits (no stemming, no stopword removal)."""
    return TOKEN.findall(text.lower())


def _f1(overlap: int, n_pred: int, n_ref: int) -> float:
    if not overlap or not n_pred or not n_ref:
        return 0.0
    p, r = overlap / n_pred, overlap / n_ref
    return 2 * p * r / (p + r)


def rouge_n(pred: list[str], ref: list[str], n: int) -> float:
    grams = lambda t: Counter(tuple(t[i:i + n]) for i in range(len(t) - n + 1))  # noqa: E731
    gp, gr = grams(pred), grams(ref)
    return _f1(sum((gp & gr).values()), sum(gp.values()), sum(gr.values()))


def lcs(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence (two-row dynamic programme)."""
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def rouge(pred: str, ref: str) -> dict[str, float]:
    """ROUGE-1, -2 and -L F1 of one summary against one reference."""
    p, r = tokens(pred), tokens(ref)
    return {"rouge1": rouge_n(p, r, 1), "rouge2": rouge_n(p, r, 2), "rougeL": _f1(lcs(p, r), len(p), len(r))}


@dataclass
class GoldStory:
    id: str
    articles: list[Article]
    reference: str


def read_gold(path: str) -> list[GoldStory]:
    out = []
    for n, d in jsonl_records(path, strict=True):
        try:
            arts = [Article(id=str(a["id"]), text=a["text"], title=a.get("title"), outlet=a.get("outlet"),
                            published=a.get("published")) for a in d["articles"]]
            out.append(GoldStory(str(d["story"]), arts, d["reference_summary"]))
        except (ValueError, KeyError, TypeError) as e:
            raise InputError(path, f"not a gold story ({e})", n) from e
    return out


def lead_summary(analyses: list[Analysis]) -> str:
    """The baseline: the first sentence of every article."""
    return " ".join(an.sentences[0].text for an in analyses if an.sentences)


def mean(rows: list[dict[str, float]]) -> dict[str, float]:
    keys = rows[0].keys() if rows else []
    return {k: round(sum(r[k] for r in rows) / len(rows), 4) for k in keys}


def analyse_gold(stories: list[GoldStory]) -> dict[str, list[Analysis]]:
    """Clean and analyse the gold stories' articles: story id -> its articles' analyses."""
    from ..analyse import analyse
    from ..clean import clean_batch

    arts = [a for s in stories for a in s.articles]
    clean_batch(arts)
    done = {an.article.id: an for an in analyse(arts)}
    return {s.id: [done[a.id] for a in s.articles] for s in stories}


def evaluate(stories: list[GoldStory], analyses: dict[str, list[Analysis]] | None = None,
             max_sentences: int = 6) -> dict:
    """Mean ROUGE of newsweave's summaries and of the lead baseline, and the citation checks."""
    from ..compare import compare_story
    from ..summarise import summarise, supported

    if analyses is None:
        analyses = analyse_gold(stories)
    ours, lead = [], []
    sentences = cited = backed = words = 0
    for s in stories:
        ans = analyses[s.id]
        summary = summarise(compare_story(ans, story_id=s.id), ans, max_sentences=max_sentences)
        sentences += len(summary)
        cited += sum(1 for x in summary if x.sources)
        backed += sum(1 for x in summary if supported(x, ans))
        text = " ".join(x.text for x in summary)
        words += len(tokens(text))
        ours.append(rouge(text, s.reference))
        lead.append(rouge(lead_summary(ans), s.reference))
    return {"stories": len(stories), "newsweave": mean(ours), "lead_baseline": mean(lead),
            "summary_sentences": sentences, "cited": cited, "supported": backed,
            "mean_words": round(words / max(1, len(stories)), 1)}


def fit(stories: list[GoldStory], analyses: dict[str, list[Analysis]], settings: dict[str, float],
        c: float = 10.0) -> dict:
    """Fit the summary word model (``data/summary_model.json``) on gold stories.

    Unigram rows: every word of a story at each level j (its j-th use, up to its uses in the
    story), labelled by whether the reference uses it at least j times; bigram rows: every word
    pair, labelled by whether the reference uses it. Logistic regressions (no intercept: the
    ``bias`` feature is one). The reference length is a least-squares line in the story's words.
    ``settings`` (``length_scale``, ``quote``, ``question``, ``vague``: see ``summarise.model``) are
    the selection settings, chosen on held-out stories.
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from ..summarise import (BIGRAM_FEATURES, LEVELS, UNIGRAM_FEATURES, bigram_features, level_features,
                             story_stats, unigram_features)

    xu, yu, xb, yb, n_words, n_ref, rows = [], [], [], [], [], [], []
    for s in stories:
        stats = story_stats(analyses[s.id])
        ref = tokens(s.reference)
        uses, ref_pairs = Counter(ref), set(zip(ref, ref[1:]))
        vocab, base = unigram_features(stats)
        for j in range(1, LEVELS + 1):
            keep = [i for i, w in enumerate(vocab) if stats["count"][w] >= j]
            xu.append(level_features(base[keep], j))
            yu.extend(uses[vocab[i]] >= j for i in keep)
        rows.append((stats, vocab, ref_pairs))
        n_words.append(sum(stats["sizes"]))
        n_ref.append(len(ref))
    unigram = LogisticRegression(C=c, fit_intercept=False, max_iter=5000).fit(np.vstack(xu), np.array(yu))
    wu = unigram.coef_[0]
    for stats, vocab, ref_pairs in rows:
        _, base = unigram_features(stats)
        p1 = 1 / (1 + np.exp(-(level_features(base, 1) @ wu)))
        log_p = {w: float(np.log(max(1e-9, p))) for w, p in zip(vocab, p1)}
        pairs, feats = bigram_features(stats, log_p)
        xb.append(feats)
        yb.extend(g in ref_pairs for g in pairs)
    bigram = LogisticRegression(C=c, fit_intercept=False, max_iter=5000).fit(np.vstack(xb), np.array(yb))
    per_word, intercept = np.polyfit(np.array(n_words, float), np.array(n_ref, float), 1)
    r4 = lambda v: round(float(v), 4)  # noqa: E731
    return {"unigram": dict(zip(UNIGRAM_FEATURES, map(r4, wu))),
            "bigram": dict(zip(BIGRAM_FEATURES, map(r4, bigram.coef_[0]))),
            "length": {"intercept": r4(intercept), "per_word": r4(per_word)},
            **settings, "stories": len(stories)}


def main(argv: list[str] | None = None) -> None:
    """``python -m newsweave.evaluate.summary TRAIN.jsonl OUT.json``: refit the summary word model on
    gold stories, keeping the shipped selection settings (copy OUT.json to data/summary_model.json)."""
    import argparse

    from ..summarise import model

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("gold")
    ap.add_argument("out")
    args = ap.parse_args(argv)
    stories = read_gold(args.gold)
    settings = {k: model()[k] for k in ("length_scale", "quote", "question", "vague")}
    fitted = fit(stories, analyse_gold(stories), settings)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(fitted, indent=1) + "\n")


if __name__ == "__main__":
    main()
