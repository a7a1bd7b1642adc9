"""API and page latency under load, with a large database. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/api_load.py --articles 100000 --clients 16 --requests 50

Builds a database of real stories (the examples, processed by the real pipeline) cloned until it
holds ``--articles`` articles, starts `newsweave serve` on 127.0.0.1, and has ``--clients``
concurrent clients each send ``--requests`` requests per route. Traffic goes only to loopback,
bounded in count.
"""
from __future__ import annotations

import argparse
import asyncio
import copy
import random
import socket
import statistics
import subprocess
import sys
import tempfile
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


async def fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One GET over a kept-alive connection; returns the status (the body is read and dropped)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    else:  # chunked
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def load(port: int, make, clients: int, requests: int) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    failures = 0

    async def client(seed: int) -> None:
        nonlocal failures
        rnd = random.Random(seed)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for _ in range(requests):
                t0 = time.perf_counter()
                status = await fetch(reader, writer, make(rnd))
                latencies.append(time.perf_counter() - t0)
                failures += status != 200
        finally:
            writer.close()

    t = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return latencies, failures, time.perf_counter() - t


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
    ap.add_argument("--workers", type=int, default=2, help="server processes (`newsweave serve --workers`; one per core)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "load.db")
        story_ids = reused(db, args.articles) if args.db and Path(db).exists() else None
        if story_ids is None:
            story_ids = build_db(db, args.articles)
        port = free_port()
        server = subprocess.Popen([NEWSWEAVE, "serve", "--db", db, "--port", str(port), "--workers", str(args.workers)],
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
            print(f"{args.clients} concurrent clients × {args.requests} requests per route, 127.0.0.1, "
                  f"{args.workers} server process{'es' if args.workers > 1 else ''}, "
                  f"keep-alive connections (a light asyncio client, so the server gets the CPU)\n")
            for name, make in routes.items():
                latencies, failures, wall = asyncio.run(load(port, make, args.clients, args.requests))
                q = statistics.quantiles(latencies, n=100)
                print(f"  {name:<36} p50 {q[49] * 1000:6.1f} ms  p95 {q[94] * 1000:6.1f} ms  "
                      f"p99 {q[98] * 1000:6.1f} ms  {len(latencies) / wall:6.0f} req/s  "
                      f"{len(latencies)} requests, {failures} non-200", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
