"""Does the cost per article stay flat as the stream grows? Prints figures; asserts nothing.

    .venv/bin/python benchmarks/stream.py --articles 20000 --cache /tmp/nwcache

Every stage after analysis — dedup, clustering, comparison, summary, story building and the
SQLite writes — runs through the real ``Pipeline.add_analysed`` over a long stream built from real
analysed articles (ECB+ from ../shared/data, else tests/data; the construction is
``cluster_bench.perturbed_stream``: each round renames the named mentions and every 4th word so
that it forms new stories, drops a fifth of the lines, advances the clock a day, and every 10th
article is followed by a syndicated copy). Analysis (spaCy) is not timed here: its cost per article
does not depend on the stream's length, and benchmarks/run.py measures it. The figure the target
asks for is the cost per article of the last 1,000 articles against that of the first 1,000.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cluster_bench  # noqa: E402  (the stream construction and the cached analyses)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--cache", help="folder for pickled analyses (see cluster_bench.py)")
    ap.add_argument("--every", type=int, default=1000, help="print a line every this many articles")
    args = ap.parse_args()

    from newsweave.pipeline import Pipeline, Report
    from newsweave.store import open_store

    src = cluster_bench.ECB if cluster_bench.ECB.exists() else cluster_bench.FALLBACK
    analyses = cluster_bench.analysed(cluster_bench.rows_of(src), args.cache, "ecb" if src == cluster_bench.ECB else "fallback")
    print(f"stream of {args.articles} articles built from {len(analyses)} analysed articles of {src.name}, "
          f"batches of {args.batch_size}; peak RSS before: {cluster_bench.peak_rss_mb():.0f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "stream.db"))
        pipeline, report = Pipeline(store, batch_size=args.batch_size), Report()
        done, window_start, window_t, t0 = 0, 0, 0.0, time.perf_counter()
        windows: list[float] = []
        batch = []
        for an in cluster_bench.perturbed_stream(analyses, args.articles):
            batch.append(an)
            if len(batch) < args.batch_size and done + len(batch) < args.articles:
                continue
            t = time.perf_counter()
            pipeline.add_analysed(batch, report)
            window_t += time.perf_counter() - t
            done += len(batch)
            batch = []
            if done - window_start >= args.every or done >= args.articles:
                per = window_t / (done - window_start) * 1000
                windows.append(per)
                print(f"  articles {window_start + 1:>7}-{done:<7} {per:7.2f} ms/article  "
                      f"{(done - window_start) / window_t:7.1f} art/s  stories {store.story_count():>6}  "
                      f"peak RSS {cluster_bench.peak_rss_mb():6.0f} MB", flush=True)
                window_start, window_t = done, 0.0
        total = time.perf_counter() - t0
    print(f"total {done} articles in {total:.0f} s ({done / total:.1f} art/s after analysis), "
          f"{report.duplicates} duplicates linked")
    if len(windows) >= 2:
        print(f"cost per article, last window / first window: {windows[-1] / windows[0]:.2f} "
              f"(flat = 1.0; target ≤ 1.3); peak RSS {cluster_bench.peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
