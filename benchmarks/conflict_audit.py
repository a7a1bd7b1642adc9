"""How often a `conflicting` flag on real multi-outlet news is a real disagreement. Prints figures.

    .venv/bin/python benchmarks/conflict_audit.py                 # NeuS-AllSides train, labelled flags
    .venv/bin/python benchmarks/conflict_audit.py --examples 10   # and some flags, with their labels
    # ECB+ (held out: the rules were drawn up on NeuS), every fact flagged on topics 1-35 before/after
    .venv/bin/python benchmarks/conflict_audit.py --labels benchmarks/data/conflict_labels_ecbplus.jsonl \
        --data ../shared/data/ecbplus/ecbplus-topics-1-35.jsonl

Real outlets seldom contradict one another, so a conflict flag is worth only as much as it is
right. The labels file (``benchmarks/data/conflict_labels_neus_train.jsonl``) holds every fact that
newsweave flagged `conflicting` on NeuS-AllSides train (2,452 stories, three outlets each) with
the code of 2026-11-24 before and after that day's conflict rules, 189 facts in 185 stories, each
labelled by reading its sentences (``conflict_labels_ecbplus.jsonl``: the same for ECB+ topics
1-35, 219 facts in 58 stories): ``true`` (the outlets state incompatible values of one thing),
``false`` (different things, compatible values, a misread value, a negation that denies nothing)
or ``unclear``. The labels were written by a reviewer who saw only the sentences and the flagged
values, not the rules. The script recompares those stories and scores every fact flagged now: a
flag on a fact no label covers is counted apart (a new flag, to be read and labelled).

A fact is matched to its label by its sources (article, start, end); the labels' texts are kept
for reading.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "benchmarks" / "data" / "conflict_labels_neus_train.jsonl"
NEUS_TRAIN = ROOT.parent / "shared" / "data" / "neus-allsides" / "neus-train.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--data", type=Path, default=NEUS_TRAIN, help="the articles of the labelled stories")
    ap.add_argument("--examples", type=int, default=0, help="print this many flagged facts with their labels")
    ap.add_argument("--unlabelled", action="store_true", help="print every flagged fact no label covers")
    args = ap.parse_args()
    if not args.data.exists():
        sys.exit(f"{args.data} not found")

    from newsweave.analyse import analyse
    from newsweave.clean import clean_batch
    from newsweave.compare import compare_story
    from newsweave.read.jsonl import articles_from_rows

    from conflict_plant import article_rows  # (benchmarks/ is the script's folder)

    labels = [json.loads(line) for line in args.labels.open(encoding="utf-8")]
    by_sources = {frozenset((s["article"], s["start"], s["end"]) for s in lab["sources"]): lab for lab in labels}
    stories = {lab["story"] for lab in labels}
    rows = [r for r in article_rows(args.data) if str(r["story"]) in stories]
    t0 = time.perf_counter()
    articles = articles_from_rows(rows, str(args.data))
    clean_batch(articles)
    analysed = {an.article.id: an for an in analyse(articles)}
    flagged: list[tuple[object, dict | None]] = []
    grouped: dict[str, list] = {}
    for row, article in zip(rows, articles):
        grouped.setdefault(str(row["story"]), []).append(analysed[article.id])
    for story, analyses in grouped.items():
        for fact in compare_story(analyses, story_id=story):
            if fact.status == "conflicting":
                key = frozenset((s.article, s.start, s.end) for s in fact.sources)
                flagged.append((fact, by_sources.get(key) or _overlapping(fact, labels)))
    seconds = time.perf_counter() - t0

    counts = Counter(lab["label"] if lab else "unlabelled" for _, lab in flagged)
    known = Counter(lab["label"] for lab in labels)
    kinds = Counter((kind, lab["label"] if lab else "unlabelled") for fact, lab in flagged
                    for kind in sorted({v["kind"] for v in fact.values}))
    judged = counts["true"] + counts["false"]
    print(f"{len(grouped)} stories, {len(rows)} articles ({seconds:.0f} s); labels: {dict(known)}")
    print(f"facts flagged conflicting now: {len(flagged)}  "
          f"(true {counts['true']}, false {counts['false']}, unclear {counts['unclear']}, "
          f"unlabelled {counts['unlabelled']})")
    print(f"precision of the flag over labelled facts: {counts['true'] / max(1, judged):.3f}  "
          f"(all labelled facts flagged: {known['true'] / max(1, known['true'] + known['false']):.3f})")
    print(f"labelled-true conflicts still flagged: {counts['true']} / {known['true']}")
    print("by kind (a fact may hold several):", ", ".join(f"{k} {lab} {n}" for (k, lab), n in sorted(kinds.items())))
    if args.unlabelled:
        for fact, lab in flagged:
            if lab is None:
                print(f"\n[unlabelled] {fact.story}: " + "; ".join(f"{v['kind']} {v['value']!r}" for v in fact.values))
                for s in fact.sources:
                    print(f"    {s.article} [{s.start}:{s.end}]: {s.text[:200]}")
    if args.examples:
        for fact, lab in random.Random(0).sample(flagged, min(args.examples, len(flagged))):
            print(f"\n[{lab['label'] if lab else 'unlabelled'}] {fact.story}: "
                  + "; ".join(f"{v['kind']} {v['value']!r}" for v in fact.values)
                  + (f"  ({lab['why']})" if lab else ""))
            for s in fact.sources:
                print(f"    {s.article}: {s.text[:160]}")


def _overlapping(fact, labels: list[dict]) -> dict | None:
    """The label of the same story and articles whose spans overlap each of the fact's (a clause
    rule that moves a span's ends keeps the label of what it flags)."""
    arts = {s.article for s in fact.sources}
    for lab in labels:
        if lab["story"] != fact.story or {s["article"] for s in lab["sources"]} != arts:
            continue
        if all(any(ls["article"] == s.article and ls["start"] < s.end and s.start < ls["end"] for ls in lab["sources"])
               for s in fact.sources):
            return lab
    return None


if __name__ == "__main__":
    main()
