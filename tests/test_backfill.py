"""Backfill on a real local Dask cluster (2 worker processes) against the single-process pipeline.

Input (tests/data/backfill/, see its README): ECB+ articles of four topics, each with two similar
but different events, split over two shards; real dated headlines of five stories (UCI News
Aggregator); and the two seed articles. The headlines of each story were published within a few
seconds of each other, so with 3-second windows most headline stories cross a window boundary
and must be merged back together.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
from collections import defaultdict

import pytest

from conftest import DATA, NEWSWEAVE, SEEDS
from newsweave.backfill import backfill, model_loads
from newsweave.pipeline import Pipeline
from newsweave.read import read_paths
from newsweave.store import open_store

SHARDS = [str(DATA / "backfill" / n) for n in ("ecbplus-1.jsonl", "ecbplus-2.jsonl", "uci-headlines.jsonl")]
SHARDS += [str(p) for p in SEEDS]
WINDOW_DAYS = 3 / 86400  # 3-second windows: the headline stories span 2-7 s each
CONTEXT_DAYS = 1 / 24  # each window warmed up on the hour before it (the stories are minutes to hours apart)


def partition(db: str) -> dict[str, str]:
    """article id → story id, as stored."""
    con = sqlite3.connect(db)
    out = dict(con.execute("SELECT id, story_id FROM articles"))
    con.close()
    return out


def bcubed_f1(a: dict[str, str], b: dict[str, str]) -> float:
    """B-cubed F1 of clustering ``a`` against ``b`` over the same items."""
    assert set(a) == set(b)
    ca, cb = defaultdict(set), defaultdict(set)
    for item, label in a.items():
        ca[label].add(item)
    for item, label in b.items():
        cb[label].add(item)
    p = sum(len(ca[a[i]] & cb[b[i]]) / len(ca[a[i]]) for i in a) / len(a)
    r = sum(len(ca[a[i]] & cb[b[i]]) / len(cb[b[i]]) for i in a) / len(a)
    return 2 * p * r / (p + r)


def groups(part: dict[str, str]) -> set[frozenset[str]]:
    g = defaultdict(set)
    for aid, sid in part.items():
        g[sid].add(aid)
    return {frozenset(v) for v in g.values()}


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=40)
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("single") / "single.db")
    report = Pipeline(open_store(db)).ingest(read_paths(SHARDS))
    return db, report


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory, client):
    db = str(tmp_path_factory.mktemp("backfill") / "backfill.db")
    report = backfill(SHARDS, open_store(db), client, window_days=WINDOW_DAYS, context_days=CONTEXT_DAYS, batch_size=32)
    return db, report


def test_backfill_gives_the_stories_of_the_single_process_run(single, backfilled):
    (single_db, single_report), (db, report) = single, backfilled
    assert not report.errors
    assert report.read == single_report.read == report.added == single_report.added == 124
    assert report.windows > 6  # the undated window, and more than one for some of the 5 headline stories
    assert report.merged_across_windows > 0  # stories split by a window boundary were joined
    ours, theirs = partition(db), partition(single_db)
    assert bcubed_f1(ours, theirs) >= 0.99
    assert len(groups(ours)) > 5  # not one lump: several stories to agree on


def test_identical_stories_are_built_identically(single, backfilled):
    """A story with the same articles has the same title, facts, summary and entities in both runs."""
    single_store, store = open_store(single[0]), open_store(backfilled[0])
    theirs = {frozenset(a["id"] for a in s["articles"]): s for s in map(single_store.get_story, single_store.all_story_ids())}
    same = 0
    for sid in store.all_story_ids():
        ours = store.get_story(sid)
        match = theirs.get(frozenset(a["id"] for a in ours["articles"]))
        if match is None:
            continue
        same += 1
        assert json.loads(json.dumps(ours).replace(sid, "S")) == json.loads(json.dumps(match).replace(match["id"], "S"))
    assert same >= 0.9 * len(theirs)
    assert store.integrity_ok()


def test_every_saved_story_lists_exactly_its_articles(backfilled):
    con = sqlite3.connect(backfilled[0])
    members = defaultdict(set)
    for aid, sid in con.execute("SELECT id, story_id FROM articles"):
        members[sid].add(aid)
    stored = {sid: {a["id"] for a in json.loads(data)["articles"]} for sid, data in con.execute("SELECT id, data FROM stories")}
    assert stored == dict(members)
    seqs = [r[0] for r in con.execute("SELECT seq FROM articles")]
    assert sorted(seqs) == list(range(1, len(seqs) + 1))


def test_models_load_once_per_worker(client, backfilled):
    loads = client.run(model_loads)
    assert len(loads) == 2
    for worker, counts in loads.items():
        assert counts.get("nlp") == 1, (worker, counts)


def test_backfill_again_adds_nothing_and_changes_no_story(client, backfilled, tmp_path):
    db, _ = backfilled
    before = {sid: open_store(db).get_story(sid) for sid in open_store(db).all_story_ids()}
    again = backfill(SHARDS, open_store(db), client, window_days=WINDOW_DAYS, context_days=CONTEXT_DAYS)
    assert again.added == 0 and again.already_stored == again.read == 124
    store = open_store(db)
    assert {sid: store.get_story(sid) for sid in store.all_story_ids()} == before


def test_cli_backfill_on_a_local_cluster_reports_bad_input(tmp_path, cli_env):
    bad = tmp_path / "bad.jsonl"
    good = json.loads((DATA / "backfill" / "uci-headlines.jsonl").read_text().splitlines()[0])
    bad.write_text(json.dumps(good) + "\n{not json\n")
    db = str(tmp_path / "cli.db")
    proc = subprocess.run([NEWSWEAVE, "backfill", str(SEEDS[0]), str(SEEDS[1]), str(bad), "--workers", "1",
                           "--db", db, "--format", "json", "-q"], capture_output=True, text=True, env=cli_env, timeout=300)
    assert proc.returncode == 1, proc.stderr  # one bad line: reported, the rest stored
    assert proc.stderr.startswith(f"error: {bad}:2:") and proc.stderr.count("\n") == 1  # nothing but the error
    report = json.loads(proc.stdout)
    assert report["added"] == 3 and len(report["errors"]) == 1
    store = open_store(db)
    seeds_story = store.stories_of([a.id for a in read_paths([str(p) for p in SEEDS])])
    assert len(seeds_story) == 1 and len(store.get_story(seeds_story[0])["articles"]) == 2


def test_cli_backfill_quiet_prints_only_its_report_in_words(tmp_path, cli_env):
    proc = subprocess.run([NEWSWEAVE, "backfill", str(SEEDS[0]), "--workers", "1", "--db", str(tmp_path / "one.db"),
                           "-q"], capture_output=True, text=True, env=cli_env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no Dask INFO lines (scheduler, nanny) under -q
    assert proc.stdout == ("1 article read from 1 shard, 1 added, 0 already stored, 0 duplicates, 0 errors, "
                           "1 story in 1 window (0 merged across windows)\n")


def test_cli_backfill_on_a_running_scheduler(client, tmp_path, cli_env):
    db = str(tmp_path / "sched.db")
    proc = subprocess.run([NEWSWEAVE, "backfill", *SHARDS[-3:], "--scheduler", client.cluster.scheduler_address,
                           "--db", db, "-q"], capture_output=True, text=True, env=cli_env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("60 articles read from 3 shards, 60 added, 0 already stored, ") and "windows" in proc.stdout
    assert open_store(db).article_count() == 60
    assert client.cluster.scheduler_address  # the shared cluster is still up: the command only disconnected
    assert len(client.scheduler_info()["workers"]) == 2


def test_cli_needs_exactly_one_of_scheduler_or_workers(tmp_path, cli_env):
    proc = subprocess.run([NEWSWEAVE, "backfill", str(SEEDS[0]), "--db", str(tmp_path / "x.db")],
                          capture_output=True, text=True, env=cli_env, timeout=120)
    assert proc.returncode == 2 and "--scheduler" in proc.stderr
