"""Conflict detection on real reports: Emergent (Ferreira & Vlachos, NAACL 2016). Prints figures.

    .venv/bin/python benchmarks/conflict_bench.py            # ../shared/data/emergent
    .venv/bin/python benchmarks/conflict_bench.py --examples 10

Emergent gives, for each of 300 rumours, the headlines of the articles that reported it and each
headline's stance: *for* (asserts it), *against* (denies or debunks it) or *observing* (reports it
without taking a side). Each rumour's headlines go through ``compare_story`` as one story (one
article per headline, every article its own source). A *for* and an *against* headline disagree, so
the pair should come out ``conflicting`` (in one fact, on opposite sides of a value); two headlines
of one stance should not. Observing headlines are left out (hedged reports: neither side).

Headlines word one rumour very differently ("A bird pooped on Putin" / "Vladimir Putin bird poop
video is fake"), and newsweave compares only aligned claims: the figures separate alignment
(are the two headlines in one fact at all) from the value check (is an aligned pair flagged).
"""
from __future__ import annotations

import argparse
import csv
import itertools
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EMERGENT = ROOT.parent / "shared" / "data" / "emergent" / "url-versions-2015-06-14-clean.csv"


def conflict_pairs(facts) -> dict[frozenset, set[str]]:
    """Article pairs on opposite sides of a conflicting fact's values, with the kinds of value."""
    from newsweave.compare.values import numbers

    out: dict[frozenset, set[str]] = defaultdict(set)
    for f in facts:
        if f.status != "conflicting":
            continue
        for kind in {v["kind"] for v in f.values}:
            entries = [v for v in f.values if v["kind"] == kind]
            if kind == "negation":  # one side affirms, the other negates (in whatever words)
                affirmed = {a for v in entries if v["value"] == "(affirmed)" for a in v["articles"]}
                negated = {a for v in entries if v["value"] != "(affirmed)" for a in v["articles"]}
                sides = [affirmed, negated - affirmed]
            else:  # one side per distinct value: "15M units" and "15 million units" are one value
                by_value: dict = defaultdict(set)
                for v in entries:
                    parsed = numbers(v["value"])[0] if kind == "number" else None
                    by_value[frozenset(x for vs in parsed.values() for x in vs) if parsed else v["value"].lower()] \
                        .update(v["articles"])
                sides = list(by_value.values())
            for x, y in itertools.combinations(sides, 2):
                for a in x:
                    for b in y:
                        if a != b:
                            out[frozenset((a, b))].add(kind)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=EMERGENT)
    ap.add_argument("--examples", type=int, default=0, help="print this many missed and false conflicts")
    args = ap.parse_args()
    if not args.data.exists():
        sys.exit(f"{args.data} not found (Emergent's url-versions-2015-06-14-clean.csv)")

    from newsweave.analyse import analyse
    from newsweave.clean import clean_batch
    from newsweave.compare import compare_story
    from newsweave.model import Article

    with args.data.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["articleHeadline"].strip()]
    t0 = time.perf_counter()
    articles = [Article(id=r["id"], text=r["articleHeadline"]) for r in rows]
    clean_batch(articles)
    analysed = {an.article.id: an for an in analyse(articles)}
    t1 = time.perf_counter()
    by_claim: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_claim[r["claimId"]].append(r)
    stance = {r["id"]: r["articleHeadlineStance"] for r in rows}
    headline = {r["id"]: r["articleHeadline"] for r in rows}
    counts: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    missed, false = [], []
    for claim, rs in by_claim.items():
        facts = compare_story([analysed[r["id"]] for r in rs], story_id=claim)
        flagged = conflict_pairs(facts)
        together = {frozenset(p) for f in facts
                    for p in itertools.combinations(sorted({s.article for s in f.sources}), 2)}
        for a, b in itertools.combinations([r["id"] for r in rs], 2):
            pair_stances = {stance[a], stance[b]}
            if "observing" in pair_stances:
                continue
            opposed = pair_stances == {"for", "against"}
            key = "opposed" if opposed else "same"
            pair = frozenset((a, b))
            counts[key] += 1
            counts[key + "_aligned"] += pair in together
            if pair in flagged:
                counts[key + "_flagged"] += 1
                if opposed:
                    kinds.update(flagged[pair])
                else:
                    false.append((a, b, flagged[pair]))
            elif opposed and pair in together:
                missed.append((a, b))
    t2 = time.perf_counter()

    def share(n: str, d: str) -> str:
        return f"{counts[n]:,} / {counts[d]:,} ({counts[n] / max(1, counts[d]):.1%})"

    tp, fp, fn = counts["opposed_flagged"], counts["same_flagged"], counts["opposed"] - counts["opposed_flagged"]
    p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
    print(f"Emergent: {len(rows):,} headlines, {len(by_claim)} rumours; analysis {t1 - t0:.1f} s, compare {t2 - t1:.1f} s")
    print(f"for/against pairs in one fact:          {share('opposed_aligned', 'opposed')}")
    print(f"  ... of those flagged conflicting:     {share('opposed_flagged', 'opposed_aligned')}  (kinds: {dict(kinds)})")
    print(f"same-stance pairs in one fact:          {share('same_aligned', 'same')}")
    print(f"  ... of those flagged (false conflict): {share('same_flagged', 'same_aligned')}")
    print(f"conflict flag over all non-observing pairs: precision {p:.3f}, recall {r:.3f} "
          f"(a pair flagged = on opposite sides of a conflicting fact)")
    rng = random.Random(0)
    for title, items in (("missed (aligned for/against, not flagged)", missed), ("false conflicts", false)):
        if args.examples and items:
            print(f"-- {title}:")
            for item in rng.sample(items, min(args.examples, len(items))):
                a, b = item[0], item[1]
                extra = f"  [{', '.join(sorted(item[2]))}]" if len(item) > 2 else ""
                print(f"   {stance[a]:>7}: {headline[a][:100]}\n   {stance[b]:>7}: {headline[b][:100]}{extra}")


if __name__ == "__main__":
    main()
