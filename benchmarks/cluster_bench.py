"""Story clustering and dedup: quality on real gold data, the shipped model, and speed. Prints figures.

    # streaming B-cubed on ECB+ topics not trained on: a fixed split and topic-fold cross-validation;
    # every fit also trains on NeuS-AllSides train (4 chunks of 300 stories), the same stories' titles
    # alone (at 0.75 weight) and the UCI stream's first half (--mix, --neus-chunks, --weights), never
    # on NeuS-val or UCI's second half
    .venv/bin/python benchmarks/cluster_bench.py quality --cache /tmp/nwcache --trees 300 --neus-chunks 4 \
        --mix neus,uci,neushead --weights neushead=0.75
    # a lead encoder fine-tuned with ECB+ too, as two twins (scripts/finetune_leads.py --ecb ...
    # --ecb-topics odd:1-35, and even:1-35; copy the odd one into src/newsweave/data/ to measure it):
    # each ECB+ article gets the lead vector of the twin that never saw its topic, so that no fit or
    # score reads a lead vector fitted on its own article (README: tried in session 13, not shipped)
    .venv/bin/python benchmarks/cluster_bench.py quality --cache /tmp/nwcache --trees 300 --neus-chunks 4 \
        --lead-twins /tmp/leads-odd.onnx,/tmp/leads-even.onnx
    # (folds can be spread over processes: --parts cv --fold 0,1 ...)
    # fit on every ECB+ topic plus the same extra sets and write src/newsweave/data/cluster_model.json
    # (the shipped model, session 14: the NeuS stories' headlines alone as a fourth corpus, 0.75 weight)
    .venv/bin/python benchmarks/cluster_bench.py quality --cache /tmp/nwcache --trees 300 --neus-chunks 4 \
        --mix neus,uci,neushead --weights neushead=0.75 --parts none --write-model
    # other gold sets, never trained on: NeuS-AllSides validation stories (whole, and their titles
    # alone), the UCI stream's second half
    .venv/bin/python benchmarks/cluster_bench.py other --cache /tmp/nwcache
    # where the split's streaming errors come from: each arrival's decision by kind, per gold story
    # (--model M.json: that model instead of a fit on topics 1-22)
    .venv/bin/python benchmarks/cluster_bench.py errors --cache /tmp/nwcache --trees 300 --neus-chunks 4
    # clustering + dedup throughput and peak memory on a long perturbed stream (analysis not timed),
    # in one process, then with the stream-independent part (prepare) in a second process
    .venv/bin/python benchmarks/cluster_bench.py speed --articles 20000 --cache /tmp/nwcache

Speed stream (``event_stream``, also used by benchmarks/stream.py): the real analysed ECB+
articles (or tests/data when ../shared is absent) repeated in rounds; in each round every article
gets a new id and every word of its text, title, sentences and named mentions is replaced by
another word of about the same corpus frequency, a fixed substitution per round (``Rewording``), so
that each round forms new stories with the corpus's structure instead of joining the old ones;
timestamps advance one day per round. Every 10th article is followed by a copy with a new first
line (a syndicated duplicate). The stream is made on the fly, so peak RSS is the clusterer's and
the duplicate finder's state plus the 772 analysed originals.
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
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
ECB = SHARED / "ecbplus" / "ecbplus-topics-1-35.jsonl"
UCI = SHARED / "uci-headlines" / "uci-headlines.jsonl"
NEUS_VAL = SHARED / "neus-allsides" / "neus-val.jsonl"
NEUS_TRAIN = SHARED / "neus-allsides" / "neus-train.jsonl"
UCI_TRAIN_SHARE = 0.5  # the UCI stream's first half (by time) may be trained on; its second half is held out
NEUS_CHUNK = 300  # NeuS training stories streamed together (NeuS-val streams 307)
FALLBACK = ROOT / "tests" / "data" / "cluster" / "ecbplus-48.jsonl"
MODEL = ROOT / "src" / "newsweave" / "data" / "cluster_model.json"
TRAIN_TOPICS = range(1, 23)  # the fixed split: train on topics 1-22, test on 23-35
LEAD_ENCODER = ROOT / "src" / "newsweave" / "data" / "minilm-leads-int8.onnx"


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


def headlines_of(rows: list[dict]) -> list[dict]:
    """The NeuS rows as a headline stream: each titled article reduced to its title alone (no title
    field, as headline feeds arrive), the same id with a suffix (its own cache entry)."""
    return [{"id": f"{r['id']}-headline", "title": None, "text": r["title"], "story": r["story"]}
            for r in rows if (r.get("title") or "").strip()]


def bodies_of(rows: list[dict]) -> list[dict]:
    """The NeuS rows without their titles (as a feed or a scrape without headlines sends them), the
    same id with a suffix (its own cache entry)."""
    return [{"id": f"{r['id']}-body", "title": None, "text": r["text"], "story": r["story"]}
            for r in rows if r["text"].strip()]


def cache_name(rows: list[dict], name: str) -> str:
    """The cache files' stem for these rows: ``name`` and a hash of their ids."""
    return f"{name}-{hashlib.sha1(json.dumps([r['id'] for r in rows]).encode()).hexdigest()[:10]}"


def analysed(rows: list[dict], cache: str | None, name: str):
    """Clean + analyse rows (the slow spaCy step), pickled under ``cache`` between runs."""
    from newsweave.analyse import analyse
    from newsweave.clean import clean
    from newsweave.evaluate.clustering import article_from_row

    path = Path(cache) / f"{cache_name(rows, name)}.pkl" if cache else None
    if path and path.exists():
        return with_leads(pickle.loads(path.read_bytes()), LEAD_ENCODER, cache, cache_name(rows, name))
    result = list(analyse([clean(article_from_row(r)) for r in rows], n_process=2))
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(result))
    return result


def with_leads(analyses: list, encoder: Path, cache: str | None, name: str) -> list:
    """The analyses with the lead half of each vector (the fine-tuned encoder's floats) encoded by
    ``encoder``: a cache made before the shipped lead encoder changed, or a cross-fitted twin
    (``--lead-twins``). The encodings are kept beside the cache, by the encoder file's hash."""
    import numpy as np

    from newsweave.analyse import lead_text, models
    from newsweave.cluster.merge import DENSE_HALF

    tag = hashlib.sha1(encoder.read_bytes()).hexdigest()[:10]
    path = Path(cache) / f"{name}-leads-{tag}.npy" if cache else None
    if path and path.exists():
        leads = np.load(path)
    else:
        tokenizer = models.sentence_encoder()[0]
        encodings = tokenizer.encode_batch([lead_text(an.article) for an in analyses], add_special_tokens=False)
        leads = models._pooled(encodings, (tokenizer, models._session(str(encoder))), models.LEAD_BATCH)
        if path:
            np.save(path, leads)
    out = []
    for an, lead in zip(analyses, leads):
        if an.vector is not None and len(an.vector):
            an = copy.copy(an)
            an.vector = np.concatenate([an.vector[:DENSE_HALF], lead]).astype(np.float32)
        out.append(an)
    return out


def ecb_analysed(rows: list[dict], args) -> list:
    """ECB+ analyses; with ``--lead-twins ODD,EVEN`` (lead encoders fine-tuned with ECB+'s odd or even
    topics) each article's lead vector comes from the twin that never saw its topic, so that the join
    model learns from, and is scored on, lead similarities like those of articles the encoder never saw."""
    analyses = analysed(rows, args.cache, "ecb")
    if not args.lead_twins:
        return analyses
    odd, even = (Path(p) for p in args.lead_twins.split(","))
    by_odd = with_leads(analyses, odd, args.cache, cache_name(rows, "ecb"))
    by_even = with_leads(analyses, even, args.cache, cache_name(rows, "ecb"))
    return [by_even[i] if r["topic"] % 2 else by_odd[i] for i, r in enumerate(rows)]


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


def uci_split(rows: list[dict]) -> int:
    """Index where the UCI stream's held-out part starts (rows are in time order)."""
    return int(len(rows) * UCI_TRAIN_SHARE)


def extra_training(args) -> tuple[list, list, list]:
    """Training articles besides ECB+: NeuS-AllSides train (never val), whole and as headlines alone,
    and the UCI stream's first half.

    Returns (analyses, gold, group) lists; each group is streamed on its own.
    """
    ans, gold, group = [], [], []
    mix = set(args.mix.split(",")) if args.mix else set()
    if mix & {"neus", "neushead", "neusbody"} and NEUS_TRAIN.exists() and args.neus_chunks:
        full = rows_of(NEUS_TRAIN)
        stories = list(dict.fromkeys(r["story"] for r in full))
        chunk = {st: k // NEUS_CHUNK for k, st in enumerate(stories)}  # of the whole stories, for both
        # "neushead": the same stories' headlines alone. One-line reports that share a word are
        # seldom one event, which UCI's few big stories (87 over 6,366 headlines) would otherwise teach.
        for corpus, rows, name in (("neus", full, "neus-train"),
                                   ("neushead", headlines_of(full), "neus-train-headlines"),
                                   ("neusbody", bodies_of(full), "neus-train-bodies")):
            if corpus not in mix:
                continue
            for r, an in zip(rows, analysed(rows, args.cache, name)):
                if chunk[r["story"]] < args.neus_chunks:
                    ans.append(an)
                    gold.append(r["story"])
                    group.append(f"{corpus}{chunk[r['story']]}")
    if "uci" in mix and UCI.exists():
        rows = rows_of(UCI)
        analyses = analysed(rows, args.cache, "uci")
        cut = uci_split(rows)
        ans += analyses[:cut]
        gold += [r["story"] for r in rows[:cut]]
        group += ["uci"] * cut
    return ans, gold, group


def group_weights(groups, args) -> dict:
    """Each corpus's share (``--weights``), split evenly among its groups."""
    share = {"ecb": 1.0, "neus": 1.0, "uci": 1.0, "neushead": 1.0, "neusbody": 1.0}
    for part in filter(None, (args.weights or "").split(",")):
        k, v = part.split("=")
        share[k] = float(v)
    corpus = {g: g.rstrip("0123456789") for g in set(groups)}
    n = {c: sum(1 for g in corpus if corpus[g] == c) for c in set(corpus.values())}
    return {g: share[c] / n[c] for g, c in corpus.items()}


def fit(analyses, gold, idx, args, extra=None):
    from newsweave.cluster import StoryClusterer

    ex_an, ex_gold, ex_group = extra if extra is not None else ([], [], [])
    ans = [analyses[i] for i in idx] + ex_an
    labels = [gold[i] for i in idx] + ex_gold
    groups = ["ecb"] * len(idx) + ex_group
    return StoryClusterer().fit(ans, labels, shuffles=args.fit_shuffles, rounds=args.rounds, C=args.C,
                                groups=groups, weights=group_weights(groups, args),
                                tune_shuffles=args.tune_shuffles, trees=getattr(args, "trees", 0))


def baseline_f1(rows, train, test) -> tuple[float, float]:
    from newsweave.evaluate.clustering import baseline_labels, bcubed, tune_baseline

    t, _ = tune_baseline([rows[i]["text"] for i in train], [rows[i]["story"] for i in train])
    return t, bcubed([rows[i]["story"] for i in test], baseline_labels([rows[i]["text"] for i in test], t))[2]


def quality(args) -> None:
    rows = rows_of(ECB)
    analyses = ecb_analysed(rows, args)
    gold, topic = [r["story"] for r in rows], [r["topic"] for r in rows]
    print(f"ECB+ topics 1-35: {len(rows)} articles, {len(set(gold))} stories; streaming B-cubed, "
          f"mean of {args.shuffles} random arrival orders (no timestamps)")
    extra = extra_training(args)
    if extra[0]:
        print(f"also trained on {len(extra[0])} articles: " + ", ".join(
            f"{g} {n}" for g, n in sorted(Counter(extra[2]).items())))
    train = [i for i in range(len(rows)) if topic[i] in TRAIN_TOPICS]
    test = [i for i in range(len(rows)) if topic[i] not in TRAIN_TOPICS]
    if "split" in args.parts:
        clusterer = fit(analyses, gold, train, args, extra)
        p, r, f = stream_scores(clusterer, [analyses[i] for i in test], [gold[i] for i in test], args.shuffles)
        bt, bf = baseline_f1(rows, train, test)
        print(f"split train 1-22 / test 23-35 ({len(test)} articles): newsweave P {p:.3f} R {r:.3f} F1 {f:.3f}"
              f" | baseline F1 {bf:.3f} (threshold {bt})", flush=True)
    if args.write_model:
        write_model(rows, analyses, gold, args, extra)
    if "cv" not in args.parts:
        return
    topics = sorted(set(topic))
    random.Random(0).shuffle(topics)
    folds = [sorted(topics[k::args.folds]) for k in range(args.folds)]
    f1s, bf1s = [], []
    for k, held in enumerate(folds):
        if args.fold is not None and k not in args.fold:
            continue
        tr = [i for i in range(len(rows)) if topic[i] not in held]
        te = [i for i in range(len(rows)) if topic[i] in held]
        clusterer = fit(analyses, gold, tr, args, extra)
        p, r, f = stream_scores(clusterer, [analyses[i] for i in te], [gold[i] for i in te], args.shuffles)
        _, bf = baseline_f1(rows, tr, te)
        f1s.append(f)
        bf1s.append(bf)
        print(f"fold {k} topics {held}: P {p:.3f} R {r:.3f} F1 {f:.3f} | baseline F1 {bf:.3f}", flush=True)
    print(f"{args.folds}-fold CV by topic: newsweave B-cubed F1 mean {statistics.mean(f1s):.3f} "
          f"(min {min(f1s):.3f}, max {max(f1s):.3f}) | baseline mean {statistics.mean(bf1s):.3f}")


def write_model(rows, analyses, gold, args, extra) -> None:
    from newsweave.evaluate.clustering import tune_baseline

    clusterer = fit(analyses, gold, list(range(len(rows))), args, extra)
    data = clusterer.model_.to_json()
    data["info"]["trained_on"] = (
        "ECB+ topics 1-35 (all 772 articles)" + "".join(f", {g} ({n} articles)" for g, n in sorted(Counter(
            extra[2]).items())) + f"; weights {args.weights or 'equal per corpus'}; benchmarks/cluster_bench.py "
        f"quality --write-model --mix {args.mix} --neus-chunks {args.neus_chunks}"
        + (f" --lead-twins {args.lead_twins}" if args.lead_twins else ""))
    data["baseline_threshold"], bf = tune_baseline([r["text"] for r in rows], gold)
    data["info"]["baseline_bcubed_f1_on_training"] = round(bf, 4)
    MODEL.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MODEL.relative_to(ROOT)} (threshold {data['threshold']}, "
          f"baseline threshold {data['baseline_threshold']})")


def other(args) -> None:
    from newsweave.cluster import StoryClusterer
    from newsweave.evaluate.clustering import evaluate_clustering, format_report

    for name, path, shuffles in (("uci", UCI, 1), ("neus-val", NEUS_VAL, args.shuffles),
                                 ("neus-val-headlines", NEUS_VAL, args.shuffles),
                                 ("neus-val-bodies", NEUS_VAL, args.shuffles)):
        if not path.exists():
            continue
        rows = headlines_of(rows_of(path)) if name.endswith("headlines") \
            else bodies_of(rows_of(path)) if name.endswith("bodies") else rows_of(path)
        analyses = analysed(rows, args.cache, name)
        if name == "uci":  # the first half may be trained on: only the later half is scored
            cut = uci_split(rows)
            rows, analyses = rows[cut:], analyses[cut:]
            print(f"== {path.relative_to(SHARED)}: held-out later part, rows {cut + 1}-{cut + len(rows)} "
                  f"(from {rows[0]['published']})")
        else:
            print(f"== {path.relative_to(SHARED)}" + (", each article's title alone" if name.endswith("headlines")
                                                       else ", without titles" if name.endswith("bodies") else ""))
        result = evaluate_clustering(rows, analyses, StoryClusterer(), baseline=len(rows) <= 3500)
        print(format_report(result), flush=True)
        if shuffles > 1:
            p, r, f = stream_scores(StoryClusterer(), analyses, [r["story"] for r in rows], shuffles)
            print(f"shuffled arrival orders (mean of {shuffles}): B-cubed P {p:.3f} R {r:.3f} F1 {f:.3f}")


DECISIONS = ("joined", "opened", "duplicate", "fused_new_event", "fused_other_story", "refused", "misranked",
             "not_retrieved")


def decision_kinds(clusterer, analyses, gold, order) -> list[str]:
    """Each arrival's decision (in ``order``, dedup first as in ``cluster_analyses``) by kind.

    A story stands for the gold event most of its articles so far belong to. joined / opened: right.
    fused_new_event: joined a story although no active story stood for its event (the first report
    of an event joining a similar event's story); fused_other_story: joined another event's story
    although its own was a candidate or active; refused: its event's story ranked best but the join
    probability missed the threshold; misranked: its event's story was a candidate, another ranked
    best and was refused; not_retrieved: its event's story was active but not among the candidates.
    """
    from newsweave.cluster.merge import features
    from newsweave.dedup import DuplicateFinder

    clusterer.reset()
    finder, model, kinds = DuplicateFinder(), clusterer.model_, []
    events: dict[str, Counter] = {}  # story id -> gold labels of its articles
    for i in order:
        dup = finder.add(analyses[i].article)
        own = gold[i]
        if dup is not None and clusterer.members_.get(dup) in clusterer.stories_:
            sid = clusterer.assign(analyses[i], duplicate_of=dup)
            kinds.append("duplicate")
        else:
            doc = clusterer._vectorise(analyses[i])
            clusterer._retire(doc.time)
            cands = clusterer._candidates(doc)
            k, z = model.choose([features(doc, st, members=False) for st in cands], cands,
                                lambda j: features(doc, cands[j]))
            join = z is not None and model.join_probability(z) >= clusterer.threshold_
            event = [events[st.id].most_common(1)[0][0] for st in cands]
            active = any(events[sid].most_common(1)[0][0] == own for sid in clusterer.stories_ if sid in events)
            if join:
                kind = "joined" if event[k] == own else (
                    "fused_other_story" if own in event or active else "fused_new_event")
            elif not active:
                kind = "opened"
            elif own not in event:
                kind = "not_retrieved"
            else:
                kind = "refused" if event[k] == own else "misranked"
            story = cands[k] if join else clusterer._new_story(f"e{len(kinds)}")
            clusterer._add(story, doc)
            sid = story.id
            kinds.append(kind)
        events.setdefault(sid, Counter())[own] += 1
    return kinds


def errors(args) -> None:
    from newsweave.cluster import StoryClusterer
    from newsweave.cluster.merge import MergeModel

    rows = rows_of(ECB)
    analyses = ecb_analysed(rows, args)
    gold, topic = [r["story"] for r in rows], [r["topic"] for r in rows]
    test = [i for i in range(len(rows)) if topic[i] not in TRAIN_TOPICS]
    if args.model:
        clusterer = StoryClusterer(model=MergeModel.from_json(json.loads(Path(args.model).read_text())))
    else:
        train = [i for i in range(len(rows)) if topic[i] in TRAIN_TOPICS]
        clusterer = fit(analyses, gold, train, args, extra_training(args))
    total: Counter[str] = Counter()
    by_story: dict[str, Counter] = {}
    for s in range(args.shuffles):
        order = list(test)
        random.Random(100 + s).shuffle(order)
        for i, kind in zip(order, decision_kinds(clusterer, analyses, gold, order)):
            total[kind] += 1
            by_story.setdefault(gold[i], Counter())[kind] += 1
    print(f"ECB+ topics 23-35, {args.shuffles} arrival orders, {sum(total.values())} decisions: "
          + ", ".join(f"{k} {total[k]}" for k in DECISIONS))
    wrong = [k for k in DECISIONS if k not in ("joined", "opened", "duplicate")]
    for story, c in sorted(by_story.items(), key=lambda kv: -sum(kv[1][k] for k in wrong)):
        if any(c[k] for k in wrong):
            print(f"  {story:>5}: " + ", ".join(f"{k} {c[k]}" for k in wrong if c[k]))


class Rewording:
    """Round r's vocabulary: every word type of the corpus mapped to another of about the same
    corpus frequency (types sorted by frequency, shuffled within blocks of 50, a fixed shuffle per
    round), so a round keeps the corpus's structure — shared words stay shared, stopwords stay
    common — but its texts mean something else to every model (an alphabetic suffix, as an earlier
    version used, is seen through by the sub-word embeddings the clusterer now uses)."""

    BLOCK = 50

    def __init__(self, analyses):
        counts: Counter[str] = Counter()
        for an in analyses:
            counts.update((an.article.clean_text or "").split())
            counts.update((an.article.title or "").split())
            for s in an.sentences:
                counts.update(s.text.split())
            for m in an.mentions:
                counts.update((m.canonical or m.text).split())
        self.types = [w for w, _ in counts.most_common()]
        self._rounds: dict[int, dict[str, str]] = {}

    def mapping(self, rnd: int) -> dict[str, str]:
        if rnd not in self._rounds:
            rng, shuffled = random.Random(rnd), []
            for i in range(0, len(self.types), self.BLOCK):
                block = self.types[i:i + self.BLOCK]
                rng.shuffle(block)
                shuffled.extend(block)
            self._rounds = {rnd: dict(zip(self.types, shuffled))}  # one round at a time in memory
        return self._rounds[rnd]

    def __call__(self, text: str, rnd: int, every: int = 1) -> str:
        if not rnd or not text:
            return text
        m = self.mapping(rnd)
        words = text.split(" ")
        if every == 1:
            return " ".join(map(m.get, words, words))
        return " ".join(m.get(w, w) if i % every == 0 else w for i, w in enumerate(words))


def _copy(obj):
    """``copy.copy`` of a plain dataclass instance (a sentence, a mention), several times quicker."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


def event_stream(analyses, n: int, seed: int = 0, every: int = 1):
    """Yield ``n`` analysed articles: the corpus round after round, each round new events."""
    rng = random.Random(seed)
    reword = Rewording(analyses)
    made, k = 0, 0
    while made < n:
        an = analyses[k % len(analyses)]
        rnd = k // len(analyses)
        art = copy.copy(an.article)
        art.id = f"{an.article.id}-{k}"
        art.published = f"2024-{1 + rnd // 28 % 12:02d}-{1 + rnd % 28:02d}T{rng.randrange(24):02d}:00:00+00:00"
        art.clean_text = reword(art.clean_text, rnd, every)
        art.title = reword(art.title, rnd, every)
        new = copy.copy(an)
        new.article = art
        new.sentences = [_copy(s) for s in an.sentences]
        for s in new.sentences:
            s.text = reword(s.text, rnd, every)
        new.mentions = [_copy(m) for m in an.mentions]
        for m in new.mentions:
            m.canonical = reword(m.canonical or m.text, rnd)
        yield new
        made += 1
        k += 1
        if k % 10 == 0 and made < n:  # a syndicated copy with a new first line
            dup = copy.copy(new)
            dup.article = copy.copy(art)
            dup.article.id = art.id + "-copy"
            dup.article.clean_text = "Syndicated from the wire.\n" + art.clean_text
            yield dup
            made += 1


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def speed(args) -> None:
    """Throughput of the stage, in one process and/or with the stream-independent part (``prepare``)
    in a second process; each configuration runs in a fresh interpreter, so peak RSS is its own."""
    modes = [int(m) for m in str(args.processes).split(",")]
    if not modes or any(m not in (1, 2) for m in modes):
        sys.exit("--processes: 1, 2 or 1,2")
    if len(modes) > 1:
        import subprocess

        for m in modes:
            cmd = [sys.executable, __file__, "speed", "--articles", str(args.articles), "--processes", str(m)]
            subprocess.run(cmd + (["--cache", args.cache] if args.cache else []), check=True)
        return
    from newsweave.cluster import StoryClusterer
    from newsweave.dedup import DuplicateFinder

    path = ECB if ECB.exists() else FALLBACK
    rows = rows_of(path)
    base = analysed(rows, args.cache, "ecb" if path == ECB else "sample")
    print(f"== {modes[0]} process{'es' if modes[0] > 1 else ''}: stream of {args.articles} articles from "
          f"{len(base)} real ones ({path.name}), made on the fly; peak RSS before clustering "
          f"{peak_rss_mb():.0f} MiB", flush=True)
    if modes[0] > 1:
        return speed_two(args, base)
    stream = event_stream(base, args.articles)
    clusterer, finder = StoryClusterer(), DuplicateFinder()
    step = max(1, args.articles // 5)
    # Only the stage is timed (dedup + clustering); making the perturbed stream is not.
    clock, cpu_clock = time.perf_counter, time.process_time
    wall = cpu = 0.0
    dups = 0
    for i, an in enumerate(stream, 1):
        t0, c0 = clock(), cpu_clock()
        dup = finder.add(an.article)
        clusterer.assign(an, duplicate_of=dup)
        wall += clock() - t0
        cpu += cpu_clock() - c0
        dups += dup is not None
        if i % step == 0:
            print(f"  {i:>7} articles  {i / wall:8.0f} art/s wall  {i / cpu:8.0f} art/s cpu  "
                  f"peak RSS {peak_rss_mb():6.0f} MiB  {clusterer.state()}", flush=True)
    print(f"one process: clustering + dedup {i / wall:.0f} articles/s (wall), {i / cpu:.0f} articles/s "
          f"(CPU time), {dups} duplicates linked, peak RSS {peak_rss_mb():.0f} MiB", flush=True)


def _prepare_stream(conn, base, n: int, batch: int) -> None:
    """The second process: makes the stream and ``prepare``s each article (the stream-independent
    part of dedup + clustering, as the analysing workers of the pipeline can), in batches."""
    from newsweave.cluster import prepare

    clock = time.process_time
    making = preparing = 0.0
    out = []
    stream = iter(event_stream(base, n))
    while True:
        c0 = clock()
        an = next(stream, None)
        c1 = clock()
        making += c1 - c0
        if an is not None:
            out.append((an.article, *prepare(an)))
            preparing += clock() - c1
        if out and (an is None or len(out) >= batch):
            conn.send(out)  # blocks while the pipe is full: the worker runs at most a batch or two ahead
            out = []
        if an is None:
            break
    conn.send({"making": making, "preparing": preparing, "cpu": clock(), "rss": peak_rss_mb()})
    conn.close()


def speed_two(args, base) -> None:
    import multiprocessing

    from newsweave.cluster import StoryClusterer
    from newsweave.dedup import DuplicateFinder

    clusterer, finder = StoryClusterer(), DuplicateFinder()
    step = max(1, args.articles // 5)
    recv, send = multiprocessing.Pipe(duplex=False)
    clock, cpu_clock = time.perf_counter, time.process_time
    t0, c0 = clock(), cpu_clock()  # the worker starts inside the timed span
    worker = multiprocessing.get_context("fork").Process(target=_prepare_stream, args=(send, base, args.articles, 32))
    worker.start()
    send.close()
    i = dups = 0
    while True:
        batch = recv.recv()
        if isinstance(batch, dict):
            info = batch
            break
        for article, shingled, prepared in batch:
            dup = finder.add(article, prepared=shingled)
            clusterer.assign(None, duplicate_of=dup, prepared=prepared)
            dups += dup is not None
            i += 1
            if i % step == 0:
                wall = clock() - t0
                print(f"  {i:>7} articles  {i / wall:8.0f} art/s wall  "
                      f"peak RSS {peak_rss_mb():6.0f} MiB (this process)  {clusterer.state()}", flush=True)
    wall, cpu = clock() - t0, cpu_clock() - c0
    worker.join()
    print(f"two processes (this one: dedup + clustering given prepared articles; the other: making the "
          f"stream {info['making']:.1f} s CPU and preparing it {info['preparing']:.1f} s CPU): "
          f"clustering + dedup {i / wall:.0f} articles/s (wall, stream making in the other process "
          f"included), CPU {cpu:.1f} s here + {info['preparing']:.1f} s preparing = "
          f"{i / (cpu + info['preparing']):.0f} articles/s per core-second; {dups} duplicates linked, "
          f"peak RSS {peak_rss_mb():.0f} MiB here, {info['rss']:.0f} MiB in the other", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["quality", "other", "speed", "errors"])
    ap.add_argument("--cache", help="folder for pickled analyses (spaCy is the slow part)")
    ap.add_argument("--shuffles", type=int, default=5, help="random arrival orders per evaluation")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--fit-shuffles", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2, help="on-policy training rounds")
    ap.add_argument("--C", type=float, default=1.0, help="inverse L2 strength of the logistic models")
    ap.add_argument("--write-model", action="store_true", help="fit on all ECB+ topics, write the shipped model")
    ap.add_argument("--mix", default="neus,uci", help="training sets besides ECB+: neus (NeuS train), uci "
                    "(the UCI stream's first half), neushead (the same NeuS stories' titles alone), neusbody (their "
                    "texts without titles); empty: ECB+ only")
    ap.add_argument("--neus-chunks", type=int, default=2, help=f"NeuS train chunks of {NEUS_CHUNK} stories used")
    ap.add_argument("--weights", default="", help="corpus shares, e.g. ecb=1,neus=1,uci=0.5")
    ap.add_argument("--parts", default="split,cv", help="quality: which of split, cv to run")
    ap.add_argument("--fold", type=lambda v: [int(x) for x in v.split(",")], default=None,
                    help="quality: run only these CV folds (e.g. 0,1), to spread the folds over processes")
    ap.add_argument("--trees", type=int, default=0, help="boosted trees for the join model (0: logistic)")
    ap.add_argument("--tune-shuffles", type=int, default=1, help="arrival orders per group when tuning the threshold")
    ap.add_argument("--articles", type=int, default=20000, help="speed: stream length")
    ap.add_argument("--processes", default="1,2", help="speed: 1 (all in one process), 2 (articles prepared "
                    "in a second process), or both, each in a fresh interpreter (1,2)")
    ap.add_argument("--lead-twins", help="ODD.onnx,EVEN.onnx: lead encoders fine-tuned with ECB+'s odd / even "
                    "topics (scripts/finetune_leads.py --ecb-topics odd:1-35); each ECB+ article's lead vector "
                    "comes from the twin that never saw its topic (quality, errors)")
    ap.add_argument("--model", help="errors: a merge model JSON to diagnose instead of fitting one")
    args = ap.parse_args()
    if args.what != "speed" and not ECB.exists():
        sys.exit(f"needs {ECB}")
    {"quality": quality, "other": other, "speed": speed, "errors": errors}[args.what](args)


if __name__ == "__main__":
    main()
