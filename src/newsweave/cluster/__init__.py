"""Story clustering: group a stream of articles into stories, online, with duplicates linked.

``StoryClusterer`` is the online clusterer the pipeline calls (``assign`` one analysed article at a
time); ``cluster_articles`` runs clean → analyse → dedup → cluster over a list of articles, in
publication order, for the ``newsweave cluster`` command and the evaluation.

Dedup and clustering split into a stream-independent part (``prepare``: an article's counted
terms, dense embedding and MinHash signature) and the stateful part (``DuplicateFinder.add`` and
``StoryClusterer.assign`` given what ``prepare`` made). With ``n_process > 1``,
``cluster_analyses`` prepares articles in worker processes ahead of the stateful part.
"""
from __future__ import annotations

import itertools
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..analyse import with_vectors
from ..model import Analysis, Article
from .merge import FEATURES, MergeModel, load_model
from .stream import Prepared, StoryClusterer, story_id_for
from .text import parse_time

__all__ = ["FEATURES", "MergeModel", "Prepared", "StoryClusterer", "cluster_analyses", "cluster_articles",
           "load_model", "prepare", "publication_order", "settle_copy", "story_id_for"]

PREPARE_CHUNK = 64  # articles per task handed to a preparing worker
PARALLEL_FROM = 4 * PREPARE_CHUNK  # fewer articles than this are prepared in the calling process


def settle_copy(dedup: Any, clusterer: StoryClusterer, article_id: str, duplicate_of: str | None,
                story_id: str) -> str | None:
    """The original a copy stays linked to: ``duplicate_of`` when the copy is in its original's story;
    else None, and the copy becomes an original (``DuplicateFinder.reroot``): its original's story had
    left the active index, so the copy opened another story, where it is the first source."""
    if duplicate_of is not None and clusterer.members_.get(duplicate_of) != story_id:
        dedup.reroot(article_id)
        return None
    return duplicate_of


def publication_order(articles: Sequence[Article]) -> list[int]:
    """Indexes of ``articles`` by publication time (stable); an undated article keeps its place
    after the article before it in the input."""
    keyed, last = [], float("-inf")
    for i, a in enumerate(articles):
        t = parse_time(a.published)
        last = t if t is not None else last
        keyed.append((last, i))
    return [i for _, i in sorted(keyed)]


def prepare(analysis: Analysis, num_perm: int | None = None) -> tuple[Any, Prepared]:
    """The stream-independent part of dedup and clustering for one analysed article: what
    ``DuplicateFinder.add`` and ``StoryClusterer.assign`` accept as ``prepared``. Any process can
    make it (it pickles compactly)."""
    from ..dedup import NUM_PERM
    from ..dedup import prepare as shingle

    return shingle(analysis.article, num_perm or NUM_PERM), StoryClusterer.prepare(analysis)


_SHARED: tuple[Sequence[Analysis], int | None] = ((), None)  # what forked preparing workers read


def _prepare_shared(idx: list[int]) -> list[tuple[Any, Prepared]]:
    analyses, num_perm = _SHARED
    return [prepare(analyses[i], num_perm) for i in idx]


def _prepare_sent(args: tuple[list[Analysis], int | None]) -> list[tuple[Any, Prepared]]:
    analyses, num_perm = args
    return [prepare(an, num_perm) for an in analyses]


def _prepared_ahead(analyses: Sequence[Analysis], order: list[int], workers: int,
                    num_perm: int | None) -> Iterator[tuple[Any, Prepared]]:
    """``prepare`` of each analysis in ``order``, made by ``workers`` processes ahead of the caller.

    Forked workers read the analyses from memory they share with the caller; where fork is not
    available the analyses travel to them pickled. At most two chunks per worker are in flight, so
    what waits in memory stays flat however long the input; a worker that dies (the kernel's
    out-of-memory killer) raises instead of leaving the caller waiting.
    """
    global _SHARED
    chunks = iter([order[k:k + PREPARE_CHUNK] for k in range(0, len(order), PREPARE_CHUNK)])
    fork = "fork" in multiprocessing.get_all_start_methods()

    def submit(chunk: list[int]) -> Future:
        if fork:
            return pool.submit(_prepare_shared, chunk)
        return pool.submit(_prepare_sent, ([analyses[i] for i in chunk], num_perm))

    if fork:
        _SHARED = (analyses, num_perm)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork" if fork else None))
    try:
        pending = deque(submit(c) for c in itertools.islice(chunks, 2 * workers))
        while pending:
            try:
                batch = pending.popleft().result()
            except BrokenProcessPool as e:
                raise RuntimeError("a worker process preparing articles for clustering died "
                                   "(out of memory?); run with one process to see more") from e
            nxt = next(chunks, None)
            if nxt is not None:
                pending.append(submit(nxt))
            yield from batch
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _SHARED = ((), None)


def cluster_analyses(analyses: Sequence[Analysis], clusterer: StoryClusterer | None = None,
                     dedup: Any = None, progress: Callable[[int], Any] | None = None,
                     n_process: int = 1) -> list[dict[str, Any]]:
    """Dedup and cluster analysed articles in publication order; one result per input, in input order.

    n_process > 1: ``n_process - 1`` worker processes ``prepare`` the articles ahead while this
    one runs the stateful dedup and clustering (the same results as one process).
    """
    from ..dedup import DuplicateFinder

    clusterer = clusterer if clusterer is not None else StoryClusterer()
    dedup = dedup if dedup is not None else DuplicateFinder()
    results: list[dict[str, Any] | None] = [None] * len(analyses)
    order = publication_order([an.article for an in analyses])
    ahead = None
    if n_process > 1 and len(order) >= PARALLEL_FROM and isinstance(dedup, DuplicateFinder):
        # leads are encoded here, never in the forked workers (onnxruntime hangs in a fork's child)
        with_vectors(list(analyses))
        ahead = _prepared_ahead(analyses, order, n_process - 1, dedup.num_perm)
    try:
        for i in order:
            an = analyses[i]
            if ahead is not None:
                shingled, prepared = next(ahead)
                dup = dedup.add(an.article, prepared=shingled)
                story = clusterer.assign(an, duplicate_of=dup, prepared=prepared)
            else:
                dup = dedup.add(an.article)
                story = clusterer.assign(an, duplicate_of=dup)
            dup = settle_copy(dedup, clusterer, an.article.id, dup, story)
            results[i] = {"id": an.article.id, "story": story, "duplicate_of": dup}
            if progress is not None:
                progress(1)
    finally:
        if ahead is not None:
            ahead.close()  # stops the workers
    return results  # type: ignore[return-value]


def cluster_articles(articles: Sequence[Article], clusterer: StoryClusterer | None = None,
                     dedup: Any = None, n_process: int = 1,
                     progress: Callable[[int], Any] | None = None) -> list[dict[str, Any]]:
    """Clean, analyse, dedup and cluster ``articles``; ``{"id", "story", "duplicate_of"}`` per input."""
    from ..analyse import analyse
    from ..clean import clean

    cleaned = [clean(a) for a in articles]
    analyses = list(analyse(cleaned, n_process=n_process))
    return cluster_analyses(analyses, clusterer, dedup, progress, n_process=n_process)
