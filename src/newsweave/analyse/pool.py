"""Analysis in worker processes that load the models once and run beside the caller.

``Analyser(n_process).submit(articles)`` starts analysing a batch and returns at once; ``.result()``
gives the Analyses in input order. The pipeline submits batch k+1 before it clusters, compares and
stores batch k, so the NLP workers keep both cores busy while the main process does the rest.

Unlike ``nlp.pipe(..., n_process=N)``, which ships each spaCy ``Doc`` back to the parent and starts
new processes on every call, the workers here build the (much smaller) ``Analysis`` themselves and
live for the whole ingest.
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor

from ..model import Analysis, Article
from . import analyse, models, with_vectors

CHUNK = 16  # articles per task: small enough to balance the workers, large enough to batch the model
MIN_PARALLEL = 24  # smaller batches are analysed in this process (starting workers costs more)


def _analyse_chunk(articles: list[Article]) -> list[Analysis]:
    return list(analyse(articles, vectors=False))  # (the parent encodes the leads: see ``analyse``)


class Job:
    """A batch under analysis: ``result()`` waits for it."""

    def __init__(self, parts: list[Future] | None = None, done: list[Analysis] | None = None):
        self._parts, self._done = parts, done

    def result(self) -> list[Analysis]:
        if self._done is None:
            self._done = with_vectors([an for part in self._parts or [] for an in part.result()])
        return self._done


class Analyser:
    """Analyses batches with ``n_process`` worker processes (1: in this process, when asked)."""

    def __init__(self, n_process: int = 1):
        self.n_process = max(1, n_process)
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, articles: list[Article]) -> Job:
        if self.n_process == 1 or len(articles) < MIN_PARALLEL:
            return Job(done=list(analyse(articles)))
        if self._pool is None:
            models.nlp()  # loaded before the fork: the workers share its memory instead of loading it again
            # fork, like spaCy's own n_process: the workers start in a moment with the model in hand
            self._pool = ProcessPoolExecutor(self.n_process, mp_context=multiprocessing.get_context("fork"))
        chunks = [articles[i:i + CHUNK] for i in range(0, len(articles), CHUNK)]
        return Job(parts=[self._pool.submit(_analyse_chunk, c) for c in chunks])

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Analyser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
