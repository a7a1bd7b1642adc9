"""Entity quality on ECB+: our person and location mentions against the gold annotation.

    python -m newsweave.evaluate.entities [/work/shared/data/ecbplus/ecbplus-topics-1-35.jsonl] [--limit N]

prints precision / recall / F1 for persons, locations and both, for newsweave's mentions and, on
the very same spaCy parse, for the raw model's entities (PERSON; GPE, LOC, FAC).

How the comparison is kept fair:

- **Gold**: ``HUMAN_PART_PER`` mentions are persons; ``LOC_GEO``, ``LOC_FAC``, ``LOC_OTHER`` and
  ``HUMAN_PART_GPE`` (a country acting) are locations. ECB+ annotates only some sentences of each
  article, so only sentences with at least one gold mention (of any type) count, for gold and
  predictions alike.
- **Named mentions only**: gold also marks pronouns and common nouns ("she", "the actress"), which
  no NER system names. A gold mention counts when it holds a capitalised word that is not a
  pronoun or determiner and, if it opens the sentence, is written capitalised elsewhere in the
  article too. This decision looks at the text only, never at either system's output.
- **Matching** is by head: a gold mention's head is its last capitalised word (a possessive "'s"
  left out); a predicted mention
  of the same class matches when its span covers that word. Each gold mention matches at most one
  prediction and vice versa, so "Tara Reid" vs gold "Reid" matches, "Betty Ford" vs gold "Betty
  Ford Center" does not.
- Adjectival country references ("Kazakh" → Kazakhstan) are typed as countries by newsweave but
  are not locations in ECB+'s scheme; they are left out, as the raw model's NORP entities are.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT = Path("/work/shared/data/ecbplus/ecbplus-topics-1-35.jsonl")
GOLD_CLASSES = {"HUMAN_PART_PER": "PER", "LOC_GEO": "LOC", "LOC_FAC": "LOC", "LOC_OTHER": "LOC",
                "HUMAN_PART_GPE": "LOC"}
OURS = {"person": "PER", "country": "LOC", "city": "LOC", "place": "LOC"}
RAW = {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
NOT_NAMES = frozenset("""i he she it we they you me him her us them his hers its our their your my mine
the a an this that these those some any all both each one who whom whose which what mr mrs ms""".split())
WORD = re.compile(r"[\w'’.-]+")


@dataclass
class Score:
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.n_pred += other.n_pred
        self.n_gold += other.n_gold

    def row(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "predicted": self.n_pred, "gold": self.n_gold}


@dataclass
class Report:
    ours: dict[str, Score] = field(default_factory=lambda: {"PER": Score(), "LOC": Score(), "ALL": Score()})
    raw: dict[str, Score] = field(default_factory=lambda: {"PER": Score(), "LOC": Score(), "ALL": Score()})
    articles: int = 0

    def as_dict(self) -> dict:
        return {"articles": self.articles,
                "newsweave": {k: v.row() for k, v in self.ours.items()},
                "spacy": {k: v.row() for k, v in self.raw.items()}}


def read_ecbplus(path: Path, limit: int | None = None) -> list[dict]:
    docs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                docs.append(json.loads(line))
            if limit and len(docs) >= limit:
                break
    return docs


def gold_mentions(doc: dict) -> tuple[list[tuple[int, int, str, int, int]], list[tuple[int, int]]]:
    """Named gold mentions as (start, end, class, head_start, head_end) and the annotated sentence spans."""
    text = doc["text"]
    sentences = doc["sentences"]
    annotated = sorted({m["sentence"] for m in doc["mentions"]})
    spans = [tuple(sentences[i]) for i in annotated if i < len(sentences)]
    starts = {s for s, _ in sentences}
    capitalised_inside = {m.group() for m in WORD.finditer(text)
                          if m.group()[:1].isupper() and m.start() not in starts}
    out, seen = [], set()
    for m in doc["mentions"]:
        cls = GOLD_CLASSES.get(m["type"])
        if cls is None or (m["start"], m["end"], cls) in seen:
            continue
        head = _head(text, m["start"], m["end"], starts, capitalised_inside)
        if head is None:
            continue
        seen.add((m["start"], m["end"], cls))
        out.append((m["start"], m["end"], cls, *head))
    return out, spans


def _head(text: str, start: int, end: int, starts: set[int], inside: set[str]) -> tuple[int, int] | None:
    """The last name-like word of a gold mention, or None when it names nothing."""
    head = None
    for w in WORD.finditer(text, start, end):
        word = w.group()
        if not word[:1].isupper() or word.lower().strip(".'’") in NOT_NAMES:
            continue
        if w.start() in starts and word not in inside:
            continue  # sentence-initial and never capitalised elsewhere: an ordinary word
        possessive = re.search(r"(?:['’]s?|\.)$", word)  # "Lohan's" → "Lohan", "Jr." → "Jr"
        head = (w.start(), w.end() - (len(possessive.group()) if possessive else 0))
    return head


def score(gold: list[tuple], pred: list[tuple[int, int, str]], sentences: list[tuple[int, int]]) -> dict[str, Score]:
    """Head-match ``pred`` (start, end, class) against ``gold`` within the annotated sentences."""
    def annotated(s: int, e: int) -> bool:
        return any(a <= s and e <= b for a, b in sentences)

    pred = [p for p in pred if annotated(p[0], p[1])]
    out = {"PER": Score(), "LOC": Score()}
    used: set[int] = set()
    for g in gold:
        out[g[2]].n_gold += 1
        for j, p in enumerate(pred):
            if j not in used and p[2] == g[2] and p[0] <= g[3] and g[4] <= p[1]:
                used.add(j)
                out[g[2]].tp += 1
                break
    for p in pred:
        out[p[2]].n_pred += 1
    return out


def evaluate(docs: Iterable[dict]) -> Report:
    from ..analyse import analyse_doc, models
    from ..analyse.gazetteer import gazetteer
    from ..clean import clean
    from ..model import Article

    nlp = models.nlp()
    gaz = gazetteer()
    report = Report()
    docs = list(docs)
    articles = [clean(Article(id=d["id"], text=d["text"])) for d in docs]
    for d, article, sdoc in zip(docs, articles, nlp.pipe(a.clean_text for a in articles)):
        gold, sentences = gold_mentions(d)
        analysis = analyse_doc(article, sdoc)
        ours = [(m.start, m.end, OURS[m.type]) for m in analysis.mentions
                if m.type in OURS and not _is_demonym(m.text, gaz)]
        raw = []
        for ent in sdoc.ents:
            if ent.label_ in RAW:
                s, e = article.original_span(ent.start_char, ent.end_char)
                raw.append((s, e, RAW[ent.label_]))
        for table, pred in ((report.ours, ours), (report.raw, raw)):
            for cls, sc in score(gold, pred, sentences).items():
                table[cls].add(sc)
                table["ALL"].add(sc)
        report.articles += 1
    return report


def _is_demonym(text: str, gaz) -> bool:
    hit = gaz.lookup(text)
    return hit is not None and hit.demonym


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(DEFAULT), help="ECB+ JSONL (default: %(default)s)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    report = evaluate(read_ecbplus(Path(args.path), args.limit))
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
        return 0
    print(f"ECB+ named person/location mentions, {report.articles} articles ({time.perf_counter() - t0:.0f} s)")
    print(f"{'system':<10} {'class':<4} {'P':>6} {'R':>6} {'F1':>6} {'tp':>6} {'pred':>6} {'gold':>6}")
    for name, table in (("spacy", report.raw), ("newsweave", report.ours)):
        for cls, sc in table.items():
            print(f"{name:<10} {cls:<4} {sc.precision:6.3f} {sc.recall:6.3f} {sc.f1:6.3f} {sc.tp:6d} {sc.n_pred:6d} "
                  f"{sc.n_gold:6d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
