"""The statement level's second pair model ("restate"): fit it on read-and-labelled claim pairs, and
check it across corpora. Prints figures.

``data/statement_pairs.jsonl`` holds 800 pairs of claims from two articles of one story (NeuS-AllSides
validation stories and ECB+ topics 21-35), each read and labelled "same" (the second states the
first's claim: a fact-checker would take it as a second source), "partial" (they share a specific
fact but each mainly says something else) or "different" (same story, another claim). 400 are
drawn from the pairs that the first model alone put in one corroborated fact (stratum "grouped"),
400 from pairs it did not (strata "hi", "mid", "lo" by its pair probability: >= 0.5, 0.3-0.5,
0.15-0.3). Each line keeps the pair's features as ``compare/align.py`` computed them in its story.

    .venv/bin/python benchmarks/statement_pairs.py fit            # prints the model
    .venv/bin/python benchmarks/statement_pairs.py fit --write    # ... into data/compare_weights.json
    .venv/bin/python benchmarks/statement_pairs.py check --cache /tmp/nwcache   # needs ../shared/data

``check`` fits on one corpus's pairs, clusters the other corpus's stories with it and counts how many
of that corpus's labelled pairs end up in one fact, label by label (the held-out check), beside the
first model alone.
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "benchmarks" / "data" / "statement_pairs.jsonl"
WEIGHTS = ROOT / "src" / "newsweave" / "data" / "compare_weights.json"
FEATURES = ("cos", "dice", "emb_cos", "num_agree", "date_agree", "len_ratio")
PARTIAL = 0.5  # a "partial" pair counts half as a restatement, half as another claim
NEUS_VAL = ROOT.parent / "shared" / "data" / "neus-allsides" / "neus-val.jsonl"


def read_pairs() -> list[dict]:
    return [json.loads(line) for line in PAIRS.open(encoding="utf-8")]


def fit(pairs: list[dict], w: dict) -> dict:
    """A logistic model over the first model's log-odds and ``FEATURES``."""
    from sklearn.linear_model import LogisticRegression

    z1 = np.array([sum(w["coef"].get(k, 0.0) * v for k, v in p["features"].items()) + w["intercept"] for p in pairs])
    x = np.column_stack([z1] + [[p["features"][f] for p in pairs] for f in FEATURES])
    label = np.array([p["label"] for p in pairs])
    part = label == "partial"
    xa = np.vstack([x, x[part]])
    ya = np.concatenate([label != "different", np.zeros(part.sum(), bool)])
    wa = np.concatenate([np.where(part, PARTIAL, 1.0), np.full(part.sum(), 1 - PARTIAL)])
    m = LogisticRegression(C=1.0, max_iter=5000).fit(xa, ya, sample_weight=wa)
    return {"stage1": round(float(m.coef_[0][0]), 4),
            "coef": {f: round(float(c), 4) for f, c in zip(FEATURES, m.coef_[0][1:])},
            "intercept": round(float(m.intercept_[0]), 4), "pairs": len(pairs),
            "labels": dict(collections.Counter(label.tolist()))}


def together(pairs: list[dict], w: dict, corpus: str, cache: str | None) -> collections.Counter:
    """How many of ``corpus``'s labelled pairs share a statement fact under pair model ``w``, per
    (stratum, label)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import cluster_bench as cb

    from newsweave.compare import facts_with_claims

    path = NEUS_VAL if corpus == "neus-val" else cb.ECB
    rows = cb.rows_of(path)
    story = {r["id"]: str(r["story"]) for r in rows}
    by: dict[str, list] = {}
    for an in cb.analysed(rows, cache, "neus-val" if corpus == "neus-val" else "ecb"):
        by.setdefault(story[an.article.id], []).append(an)
    want: dict[str, list[dict]] = {}
    for p in pairs:
        if p["corpus"] == corpus:
            want.setdefault(p["story"], []).append(p)
    out: collections.Counter = collections.Counter()
    for st, ps in want.items():
        fact_of: dict[str, set[int]] = collections.defaultdict(set)
        for k, (fact, _) in enumerate(facts_with_claims(by[st], w=w)):  # (what `compare` writes)
            for s in fact.sources:
                fact_of[s.text].add(k)
        for p in ps:
            out[p["stratum"], p["label"], "n"] += 1
            out[p["stratum"], p["label"], "together"] += bool(fact_of[p["a"]] & fact_of[p["b"]])
    return out


def check(pairs: list[dict], cache: str | None) -> None:
    from newsweave.compare.align import weights

    shipped = weights()
    first = {**shipped, "restate": None}
    for train, test in (("ecb", "neus-val"), ("neus-val", "ecb")):
        model = {**shipped, "restate": fit([p for p in pairs if p["corpus"] == train], shipped)}
        before, after = together(pairs, first, test, cache), together(pairs, model, test, cache)
        print(f"== fitted on {train}, scored on {test}'s labelled pairs: in one fact, first model alone -> with "
              "the second")
        for stratum in ("grouped", "hi", "mid", "lo"):
            cells = [f"{label} {before[stratum, label, 'together']}->{after[stratum, label, 'together']}"
                     f"/{after[stratum, label, 'n']}" for label in ("same", "partial", "different")
                     if after[stratum, label, "n"]]
            if cells:
                print(f"  {stratum:8s} " + ", ".join(cells))
        for name, c in (("first model", before), ("with second", after)):
            same, part, diff = (sum(v for (s, lab, k), v in c.items() if lab == x and k == "together")
                                for x in ("same", "partial", "different"))
            print(f"  {name}: together same {same}, partial {part}, different {diff}; "
                  f"share 'same' {same / max(1, same + part + diff):.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["fit", "check"])
    ap.add_argument("--write", action="store_true", help="fit: write the model into data/compare_weights.json")
    ap.add_argument("--cache", help="check: a folder for the analysed corpora (as cluster_bench.py)")
    args = ap.parse_args()
    pairs = read_pairs()
    if args.what == "check":
        return check(pairs, args.cache)
    w = json.loads(WEIGHTS.read_text())
    model = fit(pairs, w)
    print(json.dumps(model))
    if args.write:
        w["restate"] = model
        WEIGHTS.write_text(json.dumps(w, indent=1))
        print(f"written to {WEIGHTS}")


if __name__ == "__main__":
    main()
