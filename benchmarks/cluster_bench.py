"""Story clustering and dedup: quality on real gold data, the shipped model, and speed. Prints figures.

    # streaming B-cubed on ECB+ topics not trained on: a fixed split and topic-fold cross-validation
    .venv/bin/python benchmarks/cluster_bench.py quality --cache /tmp/nwcache
    # the same, then fit on every ECB+ topic and write src/newsweave/data/cluster_model.json
    .venv/bin/python benchmarks/cluster_bench.py quality --cache /tmp/nwcache --write-model
    # other gold sets: UCI dated headline stream, NeuS-AllSides validation stories
    .venv/bin/python benchmarks/cluster_bench.py other --cache /tmp/nwcache
    # clustering + dedup throughput and peak memory on a long perturbed stream (analysis not timed)
    .venv/bin/python benchmarks/cluster_bench.py speed --articles 20000

Speed stream: the real analysed ECB+ articles (or tests/data when ../shared is absent) repeated
in rounds; in each round every article gets a new id, its named mentions (and their occurrences in
every 4th word get a round-specific suffix so that each round forms new stories instead of joining
the old ones (or being taken for copies), one line in five is dropped at random, and timestamps
advance one day per round. Every 10th article is followed by a copy with a new first line (a
syndicated duplicate). The stream is made on the fly, so peak RSS is the clusterer's and the
duplicate finder's state plus the 772 analysed originals.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import pickle
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
ECB = SHARED / "ecbplus" / "ecbplus-topics-1-35.jsonl"
UCI = SHARED / "uci-headlines" / "uci-headlines.jsonl"
NEUS_VAL = SHARED / "neus-allsides" / "neus-val.jsonl"
FALLBACK = ROOT / "tests" / "data" / "cluster" / "ecbplus-48.jsonl"
MODEL = ROOT / "src" / "newsweave" / "data" / "cluster_model.json"
TRAIN_TOPICS = range(1, 23)  # the fixed split: train on topics 1-22, test on 23-35


def rows_of(path: Path) -> list[dict]:
    rows = []
    for line in path.open(encoding="utf-8"):
        r = json.loads(line)
        if "articles" in r:  # NeuS: one story per line
            rows += [{"id": a["id"], "title": a.get("title"), "text": a["text"], "story": r["story"]}
                     for a in r["articles"]]
        else:
            rows.append(r)
    return rows


def analysed(rows: list[dict], cache: str | None, name: str):
    """Clean + analyse rows (the slow spaCy step), pickled under ``cache`` between runs."""
    from newsweave.analyse import analyse
    from newsweave.clean import clean
    from newsweave.evaluate.clustering import article_from_row

    key = hashlib.sha1(json.dumps([r["id"] for r in rows]).encode()).hexdigest()[:10]
    path = Path(cache) / f"{name}-{key}.pkl" if cache else None
    if path and path.exists():
        return pickle.loads(path.read_bytes())
    result = list(analyse([clean(article_from_row(r)) for r in rows], n_process=2))
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(result))
    return result


def stream_scores(clusterer, analyses, gold, shuffles: int, seed: int = 100) -> tuple[float, float, float]:
    """Mean B-cubed (P, R, F1) over ``shuffles`` random arrival orders (publication order if dated)."""
    from newsweave.cluster import cluster_analyses
    from newsweave.evaluate.clustering import bcubed

    runs = []
    for s in range(shuffles):
        order = list(range(len(analyses)))
        random.Random(seed + s).shuffle(order)
        clusterer.reset()
        res = cluster_analyses([analyses[i] for i in order], clusterer)
        runs.append(bcubed([gold[i] for i in order], [r["story"] for r in res]))
    return tuple(statistics.mean(r[k] for r in runs) for k in range(3))  # type: ignore[return-value]


def fit(analyses, gold, idx, args):
    from newsweave.cluster import StoryClusterer

    return StoryClusterer().fit([analyses[i] for i in idx], [gold[i] for i in idx], shuffles=args.fit_shuffles,
                                rounds=args.rounds, C=args.C)


def baseline_f1(rows, train, test) -> tuple[float, float]:
    from newsweave.evaluate.clustering import baseline_labels, bcubed, tune_baseline

    t, _ = tune_baseline([rows[i]["text"] for i in train], [rows[i]["story"] for i in train])
    return t, bcubed([rows[i]["story"] for i in test], baseline_labels([rows[i]["text"] for i in test], t))[2]


def quality(args) -> None:
    rows = rows_of(ECB)
    analyses = analysed(rows, args.cache, "ecb")
    gold, topic = [r["story"] for r in rows], [r["topic"] for r in rows]
    print(f"ECB+ topics 1-35: {len(rows)} articles, {len(set(gold))} stories; streaming B-cubed, "
          f"mean of {args.shuffles} random arrival orders (no timestamps)")
    train = [i for i in range(len(rows)) if topic[i] in TRAIN_TOPICS]
    test = [i for i in range(len(rows)) if topic[i] not in TRAIN_TOPICS]
    clusterer = fit(analyses, gold, train, args)
    p, r, f = stream_scores(clusterer, [analyses[i] for i in test], [gold[i] for i in test], args.shuffles)
    bt, bf = baseline_f1(rows, train, test)
    print(f"split train 1-22 / test 23-35 ({len(test)} articles): newsweave P {p:.3f} R {r:.3f} F1 {f:.3f}"
          f" | baseline F1 {bf:.3f} (threshold {bt})")
    topics = sorted(set(topic))
    random.Random(0).shuffle(topics)
    folds = [sorted(topics[k::args.folds]) for k in range(args.folds)]
    f1s, bf1s = [], []
    for k, held in enumerate(folds):
        tr = [i for i in range(len(rows)) if topic[i] not in held]
        te = [i for i in range(len(rows)) if topic[i] in held]
        clusterer = fit(analyses, gold, tr, args)
        p, r, f = stream_scores(clusterer, [analyses[i] for i in te], [gold[i] for i in te], args.shuffles)
        _, bf = baseline_f1(rows, tr, te)
        f1s.append(f)
        bf1s.append(bf)
        print(f"fold {k} topics {held}: P {p:.3f} R {r:.3f} F1 {f:.3f} | baseline F1 {bf:.3f}", flush=True)
    print(f"{args.folds}-fold CV by topic: newsweave B-cubed F1 mean {statistics.mean(f1s):.3f} "
          f"(min {min(f1s):.3f}, max {max(f1s):.3f}) | baseline mean {statistics.mean(bf1s):.3f}")
    if args.write_model:
        write_model(rows, analyses, gold, args)


def write_model(rows, analyses, gold, args) -> None:
    from newsweave.evaluate.clustering import tune_baseline

    clusterer = fit(analyses, gold, list(range(len(rows))), args)
    data = clusterer.model_.to_json()
    data["info"]["trained_on"] = "ECB+ topics 1-35 (all 772 articles), benchmarks/cluster_bench.py --write-model"
    data["baseline_threshold"], bf = tune_baseline([r["text"] for r in rows], gold)
    data["info"]["baseline_bcubed_f1_on_training"] = round(bf, 4)
    MODEL.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MODEL.relative_to(ROOT)} (threshold {data['threshold']}, "
          f"baseline threshold {data['baseline_threshold']})")


def other(args) -> None:
    from newsweave.cluster import StoryClusterer
    from newsweave.evaluate.clustering import evaluate_clustering, format_report

    for name, path, shuffles in (("uci", UCI, 1), ("neus-val", NEUS_VAL, args.shuffles)):
        if not path.exists():
            continue
        rows = rows_of(path)
        analyses = analysed(rows, args.cache, name)
        print(f"== {path.relative_to(SHARED)}")
        result = evaluate_clustering(rows, analyses, StoryClusterer(), baseline=len(rows) <= 3000)
        print(format_report(result))
        if shuffles > 1:
            p, r, f = stream_scores(StoryClusterer(), analyses, [r["story"] for r in rows], shuffles)
            print(f"shuffled arrival orders (mean of {shuffles}): B-cubed P {p:.3f} R {r:.3f} F1 {f:.3f}")


def perturbed_stream(analyses, n: int, seed: int = 0):
    """Yield ``n`` analysed articles built from real ones (see the module docstring), lazily."""
    rng = random.Random(seed)
    made = 0
    for k in range(n):
        if made >= n:
            return
        an = analyses[k % len(analyses)]
        rnd = k // len(analyses)
        suffix = f"q{rnd}" if rnd else ""
        art = copy.copy(an.article)
        art.id = f"{an.article.id}-{k}"
        art.published = f"2024-{1 + rnd // 28 % 12:02d}-{1 + rnd % 28:02d}T{rng.randrange(24):02d}:00:00+00:00"
        lines = [ln for ln in art.clean_text.split("\n") if rng.random() > 0.2] or [art.clean_text]
        words = "\n".join(lines).split(" ")
        if suffix:  # every 4th word changes, so a later round is neither a copy nor the same story
            words = [w + suffix if i % 4 == 0 else w for i, w in enumerate(words)]
        art.clean_text = " ".join(words)
        mentions = [copy.copy(m) for m in an.mentions]
        for m in mentions:
            m.canonical = (m.canonical or m.text) + suffix
        new = copy.copy(an)
        new.article, new.mentions = art, mentions
        yield new
        made += 1
        if k % 10 == 9 and made < n:  # a syndicated copy with a new first line
            dup_art = copy.copy(art)
            dup_art.id = art.id + "-copy"
            dup_art.clean_text = "Syndicated from the wire.\n" + art.clean_text
            dup = copy.copy(new)
            dup.article = dup_art
            yield dup
            made += 1


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def speed(args) -> None:
    from newsweave.cluster import StoryClusterer
    from newsweave.dedup import DuplicateFinder

    path = ECB if ECB.exists() else FALLBACK
    rows = rows_of(path)
    base = analysed(rows, args.cache, "ecb" if path == ECB else "sample")
    stream = perturbed_stream(base, args.articles)
    print(f"stream: {args.articles} articles from {len(base)} real ones ({path.name}), made on the fly; "
          f"peak RSS before clustering {peak_rss_mb():.0f} MiB")
    clusterer, finder = StoryClusterer(), DuplicateFinder()
    step = max(1, args.articles // 5)
    t0, cpu0 = time.perf_counter(), time.process_time()
    dups = 0
    for i, an in enumerate(stream, 1):
        dup = finder.add(an.article)
        dups += dup is not None
        clusterer.assign(an, duplicate_of=dup)
        if i % step == 0:
            wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
            print(f"  {i:>7} articles  {i / wall:8.0f} art/s wall  {i / cpu:8.0f} art/s cpu  "
                  f"peak RSS {peak_rss_mb():6.0f} MiB  {clusterer.state()}", flush=True)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(f"clustering + dedup: {i / wall:.0f} articles/s (wall), {i / cpu:.0f} articles/s "
          f"(CPU time, one core), {dups} duplicates linked, peak RSS {peak_rss_mb():.0f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["quality", "other", "speed"])
    ap.add_argument("--cache", help="folder for pickled analyses (spaCy is the slow part)")
    ap.add_argument("--shuffles", type=int, default=5, help="random arrival orders per evaluation")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--fit-shuffles", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2, help="on-policy training rounds")
    ap.add_argument("--C", type=float, default=1.0, help="inverse L2 strength of the logistic models")
    ap.add_argument("--write-model", action="store_true", help="fit on all ECB+ topics, write the shipped model")
    ap.add_argument("--articles", type=int, default=20000, help="speed: stream length")
    args = ap.parse_args()
    if args.what != "speed" and not ECB.exists():
        sys.exit(f"needs {ECB}")
    {"quality": quality, "other": other, "speed": speed}[args.what](args)


if __name__ == "__main__":
    main()
