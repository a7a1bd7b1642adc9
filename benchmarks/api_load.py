"""API and page latency under load, with a large database. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/api_load.py --articles 100000 --clients 16 --requests 50

Builds a database of real stories (the examples, processed by the real pipeline) cloned until it
holds ``--articles`` articles, starts `newsweave serve` on 127.0.0.1, and has ``--clients``
concurrent clients each send ``--requests`` requests per route. Traffic goes only to loopback,
bounded in count.
"""
from __future__ import annotations

import argparse
import copy
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
NEWSWEAVE = str(Path(sys.executable).with_name("newsweave"))


def build_db(path: str, n_articles: int) -> list[str]:
    """Real example stories, cloned with new ids until the database holds n_articles."""
    from newsweave.pipeline import Pipeline
    from newsweave.read import read_paths
    from newsweave.store import open_store

    store = open_store(path)
    report = Pipeline(store).ingest(read_paths([str(ROOT / "examples")]))
    templates = [(sid, store.load_analyses(sid), store.get_story(sid)) for sid in report.stories]
    total, copy_no, story_ids = store.article_count(), 0, list(report.stories)
    t = time.perf_counter()
    while total < n_articles:
        copy_no += 1
        with store.transaction() as tx:
            for sid, members, story in templates:
                new_sid = f"{sid}-{copy_no}"
                rows, s = [], copy.deepcopy(story)
                for an, dup in members:
                    an = copy.copy(an)
                    an.article = copy.copy(an.article)
                    an.article.id = f"{an.article.id}-{copy_no}"
                    rows.append((an, new_sid, f"{dup}-{copy_no}" if dup else None))
                store.insert_articles(tx, rows)
                s["id"] = new_sid
                for a in s["articles"]:
                    a["id"] = f"{a['id']}-{copy_no}"
                store.save_story(tx, s, s.get("entities", []))
                story_ids.append(new_sid)
                total += len(rows)
    print(f"database: {store.article_count()} articles, {store.story_count()} stories "
          f"(built in {time.perf_counter() - t:.0f} s)")
    return story_ids


def reused(path: str, n_articles: int) -> list[str] | None:
    """The story ids of a database kept by an earlier run, if it holds enough articles."""
    from newsweave.store import open_store

    store = open_store(path)
    if store.article_count() < n_articles:
        return None
    story_ids = [r[0] for r in store.conn.execute("SELECT id FROM stories")]
    print(f"database: {store.article_count()} articles, {len(story_ids)} stories (reused {path})")
    return story_ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=50, help="per client and route")
    ap.add_argument("--db", help="keep the built database here and reuse it on later runs")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "load.db")
        story_ids = reused(db, args.articles) if args.db and Path(db).exists() else None
        if story_ids is None:
            story_ids = build_db(db, args.articles)
        port = free_port()
        server = subprocess.Popen([NEWSWEAVE, "serve", "--db", db, "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            routes = {
                "story list page  /": lambda r: "/",
                "story page       /stories/{id}": lambda r: f"/stories/{r.choice(story_ids)}",
                "API list         /api/stories": lambda r: "/api/stories",
                "API story        /api/stories/{id}": lambda r: f"/api/stories/{r.choice(story_ids)}",
            }
            print(f"{args.clients} concurrent clients × {args.requests} requests per route, 127.0.0.1\n")
            for name, make in routes.items():
                latencies: list[float] = []
                failures = 0
                lock = threading.Lock()

                def client(seed: int) -> None:
                    nonlocal failures
                    rnd = random.Random(seed)
                    with httpx.Client(base_url=base, timeout=30) as c:
                        for _ in range(args.requests):
                            t0 = time.perf_counter()
                            resp = c.get(make(rnd))
                            dt = time.perf_counter() - t0
                            with lock:
                                latencies.append(dt)
                                failures += resp.status_code != 200

                t = time.perf_counter()
                threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
                for th in threads:
                    th.start()
                for th in threads:
                    th.join()
                wall = time.perf_counter() - t
                q = statistics.quantiles(latencies, n=100)
                print(f"  {name:<36} p50 {q[49] * 1000:6.1f} ms  p95 {q[94] * 1000:6.1f} ms  "
                      f"p99 {q[98] * 1000:6.1f} ms  {len(latencies) / wall:6.0f} req/s  {failures} non-200")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
