"""Planted contradictions on real stories: how many does `compare` flag? Prints figures.

    .venv/bin/python benchmarks/conflict_plant.py                       # NeuS-AllSides val, 150 plants
    .venv/bin/python benchmarks/conflict_plant.py --data ../shared/data/ecbplus/ecbplus-topics-1-35.jsonl --plants 200
    .venv/bin/python benchmarks/conflict_plant.py --missed              # and the sentences of the missed ones

The other side of `conflict_audit.py` (are the flags right?): is a real disagreement flagged? For
every corroborated statement fact of the stories, take a pair of its sentences from two articles
that state the same number (not a year) or weekday, and in one article change it (a number n to
2n + 3, a weekday to three days on). Re-analyse that article, recompare the story and ask whether
the fact that holds the changed sentence and the other article's is now `conflicting`. A plant
whose changed sentence no longer shares a fact with the other article is counted apart: the
change moved alignment, not the value check. Plants are drawn at random (seed 0) from all that the
stories offer.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEUS_VAL = ROOT.parent / "shared" / "data" / "neus-allsides" / "neus-val.jsonl"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NUMBER = re.compile(r"(?<![\d.,:])\d{1,3}(?:,\d{3})*(?![\d.,:]\d)")


def article_rows(path: Path) -> list[dict]:
    """Article rows with their story: NeuS story lines ({"story", "articles"}) or flat lines."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if "articles" in d:
                rows += [{**a, "story": d["story"]} for a in d["articles"] if a.get("text")]
            elif d.get("text"):
                rows.append(d)
    return [{k: r[k] for k in ("id", "text", "story", "title", "outlet", "published") if r.get(k)} for r in rows]


def plants_of(story: str, facts) -> list[tuple]:
    """(story, kept article, changed article, start, end, old, new, sentence) for each corroborated
    fact: the first shared number or weekday of each of its sentence pairs."""
    out = []
    for f in facts:
        if f.status != "corroborated":
            continue
        for x in f.sources:
            for y in f.sources:
                if x.article >= y.article:
                    continue
                found = list(NUMBER.finditer(y.text)) + [m for w in WEEKDAYS for m in re.finditer(rf"\b{w}\b", y.text)]
                for m in found:
                    old = m.group(0)
                    if re.fullmatch(r"(19|20)\d\d", old) or not re.search(rf"\b{re.escape(old)}\b", x.text):
                        continue
                    new = (WEEKDAYS[(WEEKDAYS.index(old) + 3) % 7] if old in WEEKDAYS
                           else str(int(old.replace(",", "")) * 2 + 3))
                    out.append((story, x.article, y.article, y.start + m.start(), y.start + m.end(), old, new, y.text))
                    break
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=NEUS_VAL)
    ap.add_argument("--plants", type=int, default=150)
    ap.add_argument("--missed", action="store_true", help="print the sentences of aligned plants not flagged")
    args = ap.parse_args()
    if not args.data.exists():
        sys.exit(f"{args.data} not found")

    from newsweave.analyse import analyse
    from newsweave.clean import clean_batch
    from newsweave.compare import compare_story
    from newsweave.read.jsonl import articles_from_rows

    rows = article_rows(args.data)
    by_id = {r["id"]: r for r in rows}
    stories: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        stories[str(r["story"])].append(r["id"])

    def analysed(batch: list[dict]) -> list:
        articles = articles_from_rows(batch, str(args.data))
        clean_batch(articles)
        return list(analyse(articles))

    an = {a.article.id: a for a in analysed(rows)}
    candidates = [p for story, ids in stories.items()
                  for p in plants_of(story, compare_story([an[i] for i in ids], story_id=story))]
    random.Random(0).shuffle(candidates)
    counts: Counter = Counter()
    for story, kept, changed, start, end, old, new, sentence in candidates[:args.plants]:
        row = by_id[changed]
        planted = analysed([{**row, "text": row["text"][:start] + new + row["text"][end:]}])[0]
        facts = compare_story([planted if i == changed else an[i] for i in stories[story]], story_id=story)
        stop = start + len(new)
        holding = [f for f in facts if any(s.article == kept for s in f.sources)
                   and any(s.article == changed and s.start <= start and stop <= s.end for s in f.sources)]
        kind = "date" if old in WEEKDAYS else "number"
        counts[kind, "planted"] += 1
        if any(f.status == "conflicting" for f in holding):
            counts[kind, "flagged"] += 1
        elif not holding:
            counts[kind, "realigned"] += 1
        elif args.missed:
            print(f"missed {kind} {old} -> {new}: {sentence[:160]}")
    print(f"{args.data.name}: {len(stories)} stories, {len(candidates)} possible plants, {args.plants} drawn")
    for kind in ("number", "date"):
        planted, realigned, flagged = counts[kind, "planted"], counts[kind, "realigned"], counts[kind, "flagged"]
        print(f"  {kind:6}: {planted} planted, {realigned} no longer aligned, flagged {flagged} / "
              f"{planted - realigned} still aligned ({flagged / max(1, planted - realigned):.0%})")


if __name__ == "__main__":
    main()
