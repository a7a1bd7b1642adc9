"""Story clustering: group a stream of articles into stories, online, with duplicates linked.

``StoryClusterer`` is the online clusterer the pipeline calls (``assign`` one analysed article at a
time); ``cluster_articles`` runs clean → analyse → dedup → cluster over a list of articles, in
publication order, for the ``newsweave cluster`` command and the evaluation.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..model import Analysis, Article
from .merge import FEATURES, MergeModel, load_model
from .stream import StoryClusterer, story_id_for
from .text import parse_time

__all__ = ["FEATURES", "MergeModel", "StoryClusterer", "cluster_analyses", "cluster_articles",
           "load_model", "publication_order", "story_id_for"]


def publication_order(articles: Sequence[Article]) -> list[int]:
    """Indexes of ``articles`` by publication time (stable); an undated article keeps its place
    after the article before it in the input."""
    keyed, last = [], float("-inf")
    for i, a in enumerate(articles):
        t = parse_time(a.published)
        last = t if t is not None else last
        keyed.append((last, i))
    return [i for _, i in sorted(keyed)]


def cluster_analyses(analyses: Sequence[Analysis], clusterer: StoryClusterer | None = None,
                     dedup: Any = None, progress: Callable[[int], Any] | None = None) -> list[dict[str, Any]]:
    """Dedup and cluster analysed articles in publication order; one result per input, in input order."""
    from ..dedup import DuplicateFinder

    clusterer = clusterer if clusterer is not None else StoryClusterer()
    dedup = dedup if dedup is not None else DuplicateFinder()
    results: list[dict[str, Any] | None] = [None] * len(analyses)
    for i in publication_order([an.article for an in analyses]):
        an = analyses[i]
        dup = dedup.add(an.article)
        story = clusterer.assign(an, duplicate_of=dup)
        results[i] = {"id": an.article.id, "story": story, "duplicate_of": dup}
        if progress is not None:
            progress(1)
    return results  # type: ignore[return-value]


def cluster_articles(articles: Sequence[Article], clusterer: StoryClusterer | None = None,
                     dedup: Any = None, n_process: int = 1,
                     progress: Callable[[int], Any] | None = None) -> list[dict[str, Any]]:
    """Clean, analyse, dedup and cluster ``articles``; ``{"id", "story", "duplicate_of"}`` per input."""
    from ..analyse import analyse
    from ..clean import clean

    cleaned = [clean(a) for a in articles]
    analyses = list(analyse(cleaned, n_process=n_process))
    return cluster_analyses(analyses, clusterer, dedup, progress)
