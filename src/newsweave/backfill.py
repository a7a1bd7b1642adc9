"""Backfill: process many shards (JSONL, WARC, any readable input) on a Dask distributed cluster.

The expensive stage, analysis, runs in parallel on the workers, and so does story formation,
window by window; the windows are then merged in publication order, so that a backfill forms the
stories ``Pipeline.ingest`` forms from the same input (B-cubed agreement 0.999 and more, see
docs/backfill.md):

1. **read** (workers, one task per shard): read and clean; only ids and publication times come
   back to the client, the articles stay on the workers.
2. **plan** (client): the global publication order (the pipeline's rule: undated articles take
   the time of the article before them), ids already in the database or seen in an earlier shard
   are dropped, and each article is given a time window (``window_days`` wide).
3. **analyse** (workers, one task per shard): the spaCy pipeline over the planned articles, split
   by window. Models load once per worker process (``analyse.models`` caches them; a worker
   plugin loads them as a worker starts).
4. **cluster** (workers, one task per window): a fresh ``StoryClusterer`` is warmed up on the
   articles of the ``context_days`` before the window, then forms the window's stories.
5. **merge** (client, windows in time order): a window story that grew out of a warm-up story
   continues that story's global story; any other window story joins a global story when its
   first article would (stories older than the warm-up, or stored in the database), else it is
   a new story. The global ``DuplicateFinder`` marks copies. The global state is seeded from
   the database, as ``Pipeline`` seeds it, so a backfill also extends stories already stored.
6. **build** (workers, one task per story): ``pipeline.build_story`` on the members exactly as
   the store returns them.
7. **write** (client): articles in publication order, ``batch_size`` per transaction; a story is
   saved in the transaction that writes its last article, so every saved story is complete.

The client holds the analyses of the run (the global clusterer needs them anyway); split a very
large backfill into runs of a few million articles.
"""
from __future__ import annotations

import logging
import math
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from .errors import InputError
from .model import Analysis, Article

log = logging.getLogger(__name__)

UNDATED = -(2**62)  # the window of articles with no publication time before them: first, as in the pipeline


@dataclass
class BackfillReport:
    """What one backfill did."""

    shards: int = 0
    read: int = 0
    added: int = 0
    already_stored: int = 0
    duplicates: int = 0
    windows: int = 0
    merged_across_windows: int = 0  # window stories that joined a story from an earlier window or the database
    errors: list[str] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per phase

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# -- tasks run on the workers (module-level functions: pickled by reference) ---------------------

def read_shard(path: str, outlet: str | None = None) -> tuple[list[Article], list[str]]:
    """A shard's articles, cleaned, and its input errors as text."""
    from .clean import clean_batch
    from .read import read_paths

    articles, errors = [], []
    for item in read_paths([path], outlet=outlet):
        if isinstance(item, InputError):
            errors.append(str(item))  # text: exceptions with dataclass fields do not unpickle
        else:
            articles.append(item)
    return clean_batch(articles), errors


def shard_meta(shard: tuple[list[Article], list[str]]) -> tuple[list[tuple[str, str | None]], list[str]]:
    """(id, published) per article, in shard order, and the shard's errors."""
    articles, errors = shard
    return [(a.id, a.published) for a in articles], errors


def analyse_shard(shard: tuple[list[Article], list[str]], plan: dict[int, tuple[int, int]]) -> dict[int, list[tuple[int, Analysis]]]:
    """Analyse the planned articles (shard index → (window, global position)), grouped by window."""
    from .analyse import analyse

    articles = shard[0]
    chosen = sorted(plan)
    out: dict[int, list[tuple[int, Analysis]]] = defaultdict(list)
    for i, an in zip(chosen, analyse([articles[i] for i in chosen])):
        window, pos = plan[i]
        out[window].append((pos, an))
    return dict(out)


def window_part(parts: dict[int, list[tuple[int, Analysis]]], window: int) -> list[tuple[int, Analysis]]:
    return parts.get(window, [])


def cluster_window(n_context: int, *parts: list[tuple[int, Analysis]]) -> tuple[list[tuple[int, Analysis]], list[str], dict[str, list[int]]]:
    """One window's stories, formed by a fresh clusterer (and duplicate finder, so a copy joins its
    original's story) warmed up on the window before it.

    ``parts``: the first ``n_context`` are the previous window's articles, the rest this window's.
    Returns this window's articles in publication order, the story label of each, and for each
    label the positions of the previous window's articles in it (how the merge finds which
    earlier story a window story continues).
    """
    from .cluster import StoryClusterer
    from .dedup import DuplicateFinder

    def ordered(ps):
        return sorted((item for part in ps for item in part), key=lambda t: t[0])

    clusterer, dedup = StoryClusterer(), DuplicateFinder()
    context: dict[str, list[int]] = defaultdict(list)
    for pos, an in ordered(parts[:n_context]):
        context[clusterer.assign(an, duplicate_of=dedup.add(an.article))].append(pos)
    items = ordered(parts[n_context:])
    labels = [clusterer.assign(an, duplicate_of=dedup.add(an.article)) for _, an in items]
    return items, labels, {label: context[label] for label in set(labels) if label in context}


def build_stored_story(story_id: str, members: list[tuple[Analysis, str | None]]) -> tuple[dict, list[dict]]:
    """``build_story`` over the members as the store hands them back (the pipeline builds from the
    store), so the story is the one a single-process run would save."""
    from .pipeline import build_story

    return build_story(story_id, as_stored(members))


def as_stored(members: list[tuple[Analysis, str | None]]) -> list[tuple[Analysis, str | None]]:
    """The members after a round trip through the store's serialisation (an in-memory SQLite)."""
    from .store import SQLiteStore

    store = SQLiteStore(":memory:")
    with store.transaction() as tx:
        store.insert_articles(tx, [(an, "story", dup) for an, dup in members])
    loaded = store.load_analyses("story")
    store.close()
    return loaded


def new_story_id(first: Analysis) -> str:
    """The id of a story a window story opens: the clusterer's id for its first article."""
    from .cluster import story_id_for

    return story_id_for(first.article.id)


def model_loads() -> dict[str, int]:
    """How many times this worker process loaded each cached model (the test expects 1 each)."""
    from .analyse import models

    return {name: fn.cache_info().misses for name, fn in vars(models).items()
            if callable(getattr(fn, "cache_info", None))}


def _load_models_plugin():
    from distributed import WorkerPlugin

    class LoadModels(WorkerPlugin):
        """Loads the models as each worker starts (workers that join later too)."""

        name = "newsweave-load-models"

        def setup(self, worker) -> None:
            from .analyse import models

            models.check_models()
            models.nlp()

    return LoadModels()


# -- the client side ----------------------------------------------------------------------------

def window_of(published: str | None, window_days: float) -> int:
    """The index of the ``window_days``-wide window (counted from the Unix epoch, UTC) holding a time."""
    if not published:
        return UNDATED
    try:
        t = datetime.fromisoformat(published)
    except ValueError:
        return UNDATED
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return math.floor(t.timestamp() / (window_days * 86400))


def plan_order(metas: Sequence[list[tuple[str, str | None]]], stored: set[str], window_days: float):
    """Per shard {index: (window, global position)} for the articles to process, and how many were skipped.

    The order is the pipeline's ``publication_order`` over all shards read one after the other;
    an id met again (stored before, or earlier in this run) is skipped, as ``Pipeline.ingest``
    skips it. An undated article falls in the window of the article before it.
    """
    from .pipeline import publication_order

    stubs, where, seen, skipped, last = [], {}, set(), 0, None
    for s, meta in enumerate(metas):
        for i, (aid, published) in enumerate(meta):
            if aid in stored or aid in seen:
                skipped += 1
                continue
            seen.add(aid)
            last = published or last
            stub = Article(id=aid, text="", published=published)
            stubs.append(stub)
            where[id(stub)] = (s, i, window_of(last, window_days))
    plans: list[dict[int, tuple[int, int]]] = [{} for _ in metas]
    for pos, stub in enumerate(publication_order(stubs)):
        s, i, window = where[id(stub)]
        plans[s][i] = (window, pos)
    return plans, skipped


def _majority(values: list[str]) -> str | None:
    """The most common value (the first met among equals), or None for none."""
    if not values:
        return None
    counts = Counter(values)
    return max(dict.fromkeys(values), key=lambda v: counts[v])


class Backfill:
    """Runs the phases on a ``distributed.Client``; state for one run."""

    def __init__(self, store, client, window_days: float = 2.0, batch_size: int = 256, outlet: str | None = None,
                 context_days: float | None = None):
        from .pipeline import Pipeline

        context_days = window_days if context_days is None else context_days
        if window_days <= 0 or context_days < 0:
            raise ValueError("window_days must be positive and context_days not negative")
        self.store, self.client = store, client
        self.window_days, self.context_days = window_days, context_days
        self.batch_size, self.outlet = batch_size, outlet
        # A Pipeline holds the global clusterer and duplicate finder, seeded from the database.
        self.pipeline = Pipeline(store, batch_size=batch_size)
        self.stored_stories = set(store.all_story_ids())
        self.report = BackfillReport()

    def run(self, shards: Sequence[str]) -> BackfillReport:
        r = self.report
        r.shards = len(shards)
        self.client.register_plugin(_load_models_plugin())
        t = self._tick()
        read = self.client.map(read_shard, list(shards), outlet=self.outlet, pure=False)
        metas = self.client.gather(self.client.map(shard_meta, read, pure=False))
        for ids, errors in metas:
            r.read += len(ids)
            r.article_ids.extend(aid for aid, _ in ids)
            r.errors.extend(errors)
        stored = self.store.existing_ids({aid for ids, _ in metas for aid, _ in ids})
        plans, r.already_stored = plan_order([ids for ids, _ in metas], stored, self.window_days)
        t = self._tick("read", t)
        windows = self._submit_windows(read, plans)
        del read
        rows = self._merge(windows)
        t = self._tick("analyse+cluster+merge", t)
        stories = self._build(rows)
        t = self._tick("build", t)
        self._write(rows, stories)
        self._tick("write", t)
        return r

    def _tick(self, phase: str | None = None, since: float | None = None) -> float:
        now = time.perf_counter()
        if phase:
            self.report.seconds[phase] = round(now - since, 3)
            log.info("backfill: %s took %.1f s", phase, now - since)
        return now

    def _submit_windows(self, read, plans) -> list[tuple[int, Any]]:
        """Analysis per shard, then one clustering task per window (warmed up on the windows of
        the ``context_days`` before it); the futures in window order."""
        analysed = [self.client.submit(analyse_shard, f, plan, pure=False) for f, plan in zip(read, plans) if plan]
        shard_windows = [sorted({w for w, _ in plan.values()}) for plan in plans if plan]
        by_window: dict[int, list] = defaultdict(list)
        for f, ws in zip(analysed, shard_windows):
            for w in ws:
                by_window[w].append(self.client.submit(window_part, f, w, pure=False))
        self.report.windows = len(by_window)
        windows = []
        for w, parts in sorted(by_window.items()):
            context = [f for c in self._context_of(w, by_window) for f in by_window[c]]
            windows.append((w, self.client.submit(cluster_window, len(context), *context, *parts, pure=False)))
        return windows

    def _context_of(self, window: int, windows) -> list[int]:
        """The windows within ``context_days`` before ``window`` (the undated window has none)."""
        if window == UNDATED:
            return []
        first = window - math.ceil(self.context_days / self.window_days - 1e-9)
        return sorted(w for w in windows if first <= w < window and w != UNDATED)

    def _merge(self, windows) -> list[tuple[Analysis, str, str | None]]:
        """Window stories into global stories, in window order; (analysis, story, duplicate_of) rows."""
        from .cluster import settle_copy

        dedup = self.pipeline.dedup
        known = set(self.stored_stories)
        rows: list[tuple[Analysis, str, str | None]] = []
        story_at: dict[int, dict[int, str]] = {}  # window → position → global story, for context windows
        for w, future in windows:
            items, labels, context = future.result()
            future.release()
            groups: dict[str, list[int]] = defaultdict(list)
            for k, label in enumerate(labels):
                groups[label].append(k)
            dups = [dedup.add(an.article) for _, an in items]
            seen = {p: g for c in self._context_of(w, story_at) for p, g in story_at[c].items()}
            earlier = [_majority([seen[p] for p in context.get(label, ()) if p in seen]) for label in groups]
            gids = self._join(items, dups, list(groups.values()), earlier, known)
            story_of: dict[int, str] = {}
            for gid, ks in zip(gids, groups.values()):
                story_of.update((k, gid) for k in ks)
            known.update(gids)
            for k, (_pos, an) in enumerate(items):  # (a copy whose original's story has left: an original)
                dups[k] = settle_copy(dedup, self.pipeline.clusterer, an.article.id, dups[k], story_of[k])
            self.report.duplicates += sum(d is not None for d in dups)
            rows.extend((an, story_of[k], dups[k]) for k, (_pos, an) in enumerate(items))
            story_at[w] = {pos: story_of[k] for k, (pos, _an) in enumerate(items)}
            horizon = w - math.ceil(self.context_days / self.window_days - 1e-9)
            for gone in [c for c in story_at if c != UNDATED and c < horizon]:
                del story_at[gone]  # in no later window's context
        return rows

    def _join(self, items, dups: list[str | None], groups: list[list[int]], earlier: list[str | None],
              known: set[str]) -> list[str]:
        """The global story of each window story (given as item indexes, by first article).

        A window story that grew out of a story of the previous window (its warm-up) continues
        that story. Any other window story's first article is judged against the stories as they
        stood before this window (older windows, the database): it joins one, or the window story
        is a new story. Only then do the window stories' articles enter the global clusterer, so
        no window story is judged against articles that come after it. The window's own grouping
        is never overruled.
        """
        clusterer = self.pipeline.clusterer
        match = getattr(clusterer, "match", None)  # a side-effect-free query, when the clusterer has one
        gids: list[str] = []
        pending: list[tuple[str, list[Analysis]]] = []
        for ks, gid in zip(groups, earlier):
            members = [items[k][1] for k in ks]
            if gid is None and match is not None:
                gid = match(members[0])
                gid = gid if gid in known else None
            elif gid is None:
                gid = clusterer.assign(members[0], duplicate_of=dups[ks[0]])
                if gid in known or gid not in gids:
                    members = members[1:]  # assign() has added the first article already
                else:
                    gid = None  # it joined another story of this same window: keep them apart
            if gid is None:
                gid = new_story_id(members[0])
            self.report.merged_across_windows += gid in known
            gids.append(gid)
            pending.append((gid, members))
        for gid, members in pending:
            if members:
                clusterer.seed(gid, members)
        return gids

    def _build(self, rows) -> dict[str, tuple[dict, list[dict]]]:
        """Every touched story built on the workers, stored members first."""
        members: dict[str, list[tuple[Analysis, str | None]]] = {}
        for an, sid, dup in rows:
            if sid not in members:
                members[sid] = self.store.load_analyses(sid) if sid in self.stored_stories else []
            members[sid].append((an, dup))
        ids = list(members)
        futures = self.client.map(build_stored_story, ids, [members[s] for s in ids], pure=False)
        return dict(zip(ids, self.client.gather(futures)))

    def _write(self, rows, stories) -> None:
        last = {sid: i for i, (_an, sid, _dup) in enumerate(rows)}
        for start in range(0, len(rows), self.batch_size):
            chunk = rows[start:start + self.batch_size]
            with self.store.transaction() as tx:
                self.store.insert_articles(tx, chunk)
                for i, (_an, sid, _dup) in enumerate(chunk, start):
                    if last[sid] == i:
                        self.store.save_story(tx, *stories[sid])
            self.report.added += len(chunk)
        self.report.stories = list(last)


def backfill(shards: Sequence[str], store, client, window_days: float = 2.0, batch_size: int = 256,
             outlet: str | None = None, context_days: float | None = None) -> BackfillReport:
    """Process ``shards`` on the cluster behind ``client`` into ``store``; see the module docstring.

    ``context_days`` (default: ``window_days``): each window's clusterer is first warmed up on the
    articles of this many days before the window, so stories carry on across window boundaries.
    """
    return Backfill(store, client, window_days=window_days, batch_size=batch_size, outlet=outlet,
                    context_days=context_days).run(shards)


def local_client(n_workers: int):
    """A client on a local cluster of ``n_workers`` single-threaded worker processes."""
    from distributed import Client, LocalCluster

    # No dashboard; the scheduler's small HTTP server (health routes) on a free local port: with
    # dashboard_address=None it still takes :8787 (a UserWarning on stderr when that port is busy).
    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                           dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False})
    return Client(cluster)
