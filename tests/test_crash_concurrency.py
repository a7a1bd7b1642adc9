"""Crash safety and concurrent writers, with real processes killed and run side by side."""
from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import threading
import time

from conftest import DATA, NEWSWEAVE
from newsweave.store import open_store

STREAM = DATA / "ecbplus-120.jsonl"


def _count(db: str) -> int:
    try:
        con = sqlite3.connect(db, timeout=30)
        n = con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        con.close()
        return n
    except sqlite3.OperationalError:
        return 0  # not created yet


def _assert_consistent(db: str, expected_ids: set[str]) -> None:
    store = open_store(db)
    assert store.integrity_ok()
    con = sqlite3.connect(db)
    ids = [r[0] for r in con.execute("SELECT id FROM articles")]
    assert len(ids) == len(set(ids)) == len(expected_ids)
    assert set(ids) == expected_ids
    members: dict[str, set[str]] = {}
    for aid, sid in con.execute("SELECT id, story_id FROM articles"):
        assert sid, f"article {aid} has no story"
        members.setdefault(sid, set()).add(aid)
    stored = {sid: {a["id"] for a in json.loads(data)["articles"]}
              for sid, data in con.execute("SELECT id, data FROM stories")}
    assert stored == members  # every story complete: its JSON lists exactly its articles


def test_sigkill_mid_ingest_then_rerun_leaves_a_consistent_database(tmp_path, cli_env):
    db = str(tmp_path / "crash.db")
    expected = {json.loads(line)["id"] for line in STREAM.read_text().splitlines()}
    cmd = [NEWSWEAVE, "ingest", str(STREAM), "--db", db, "--batch-size", "6", "-q"]
    kills = 0
    for _attempt in range(4):
        before = _count(db)
        if before == len(expected):
            break
        proc = subprocess.Popen(cmd, env=cli_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while _count(db) <= before and proc.poll() is None and time.time() < deadline:
            time.sleep(0.02)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)  # mid-ingest: at least one batch committed, more to come
            kills += 1
        proc.wait()
        n = _count(db)
        assert n % 6 == 0 or n == len(expected), f"a partial batch was committed: {n} articles"
    assert kills >= 2, "the ingest finished before it could be killed; the test proved nothing"
    final = subprocess.run(cmd, env=cli_env, capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr
    _assert_consistent(db, expected)


def test_two_writers_and_a_reader_at_once_lose_nothing(tmp_path, cli_env):
    db = str(tmp_path / "multi.db")
    lines = STREAM.read_text().splitlines()
    halves = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    halves[0].write_text("\n".join(lines[0::2]) + "\n")
    halves[1].write_text("\n".join(lines[1::2]) + "\n")
    open_store(db)  # created up front so the reader has tables
    errors: list[str] = []
    stop = threading.Event()
    reads = 0

    def reader():
        nonlocal reads
        store = open_store(db)
        while not stop.is_set():
            try:
                for s in store.list_stories(limit=20):
                    store.get_story(s["id"])
                reads += 1
            except Exception as e:  # any "database is locked" would land here
                errors.append(repr(e))
            time.sleep(0.01)

    t = threading.Thread(target=reader)
    t.start()
    procs = [subprocess.Popen([NEWSWEAVE, "ingest", str(h), "--db", db, "--batch-size", "5", "-q"], env=cli_env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for h in halves]
    outs = [p.communicate(timeout=600) for p in procs]
    stop.set()
    t.join()
    for p, (_out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert "locked" not in err
    assert not errors, errors[:3]
    assert reads > 0
    _assert_consistent(db, {json.loads(line)["id"] for line in lines})
