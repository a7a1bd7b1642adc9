"""Wire the stages: read → clean → dedup → analyse → cluster → compare → summarise → store.

``Pipeline(store).ingest(items)`` takes articles (or the InputErrors a reader yielded for bad input),
processes them in batches and writes each batch, with every story it touched, in one transaction.
Articles already stored (same id) are skipped, so ingesting the same input twice changes nothing.
"""
from __future__ import annotations

import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from .analyse.pool import Analyser
from .analyse.entities import canonicalise
from .analyse.events import merge_events
from .clean import clean_batch, is_time_stamp, only_furniture
from .cluster import StoryClusterer, settle_copy
from .cluster import publication_order as time_order
from .compare import compare_story
from .compare.claims import outlet_key
from .dedup import DuplicateFinder
from .errors import InputError
from .model import Analysis, Article, content_id, to_dict
from .render import disputed
from .summarise import summarise

log = logging.getLogger(__name__)

# How many stored articles re-load into the clusterer and duplicate finder at start.
RECENT_ARTICLES = 5000
# Most original articles a story's facts are compared over (its first and its latest ones).
MAX_COMPARED = 150
# Mid-ingest, a story's facts and summary are recomputed once it has grown by this factor since
# they were last computed (or while it is small); otherwise the batch only updates its article list,
# entities and events. Comparison is superlinear in a story's size, so recomparing a growing story
# on every batch made a long stream's cost per article climb; growing it geometrically keeps the
# total cost per story a constant multiple of one comparison. Every story left behind is brought up
# to date when the ingest ends (``Pipeline.flush``).
REFRESH_GROWTH = 1.25
REPEATED = "appears twice in this input with other text; the first is kept"
ALWAYS_REFRESH = 8  # members: stories this small are always recompared (it is cheap)


@dataclass
class Report:
    """What one ingest did."""

    read: int = 0
    added: int = 0
    already_stored: int = 0
    changed: list[str] = field(default_factory=list)  # ids re-sent with another text: the first one is kept
    duplicates: int = 0
    errors: list[InputError] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)  # stories created or updated, in order
    article_ids: list[str] = field(default_factory=list)  # every article read, stored before or not
    _seen: set[str] = field(default_factory=set, repr=False)  # ``stories`` as a set: O(1) over a long stream
    # ids this ingest sent on to be stored, with the content id of their text: an id sent again in
    # a later batch of the same input is a repeat in this input, not an article stored before it
    _sent: dict[str, str] = field(default_factory=dict, repr=False)

    def touched(self, story_id: str) -> None:
        """Record an updated story once."""
        if story_id not in self._seen:
            self._seen.add(story_id)
            self.stories.append(story_id)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        del d["_seen"], d["_sent"]
        d["errors"] = [str(e) for e in self.errors]
        # the same, for scripts: the file, the line (or null) and what is wrong, apart
        d["error_details"] = [{"path": e.path, "line": e.line, "message": e.message} if isinstance(e, InputError)
                              else {"path": None, "line": None, "message": str(e)} for e in self.errors]
        return d


def publication_order(articles: list[Article]) -> list[Article]:
    """Articles by publication time; those without one keep their input position among equals."""
    if not any(a.published for a in articles):
        return articles
    return [articles[i] for i in time_order(articles)]  # (by instant: "10:00+01:00" is before "09:30Z")


SORT_WINDOW = 20_000  # articles an ingest reads ahead and puts in publication order (~100 MB of text)


def _in_time_order(articles: list[Article]) -> list[Article]:
    """``publication_order``, an id given twice kept together in input order (its first text is the one
    kept, as ever)."""
    groups: dict[str, list[Article]] = {}
    for a in articles:
        groups.setdefault(a.id, []).append(a)
    firsts = publication_order([g[0] for g in groups.values()])
    return [a for first in firsts for a in groups[first.id]]


def independent_sources(members: list[tuple[Analysis, str | None]]) -> list[str]:
    """Distinct outlets among articles that are not copies of another; unnamed outlets count per article."""
    seen: list[str] = []
    keys: set[str] = set()
    for an, dup in members:
        if dup:
            continue
        name = an.article.outlet or f"(unnamed {an.article.id})"
        # "Reuters" and "REUTERS", "Harbour & Coast News" and "Harbour and Coast News" are one
        # outlet, as compare counts sources (compare.claims.source_key)
        key = outlet_key(name) if an.article.outlet else name
        if key not in keys:
            keys.add(key)
            seen.append(name)
    return seen


TITLE_FROM_FIRST = 3  # a story's title is taken from one of its first articles


def story_title(analyses: list[Analysis]) -> str:
    """The title of one of the story's first articles, else the first sentence of the first article.
    Only the first few are looked at, so that a late arrival does not rename an established story
    of untitled reports (plain-text reports have none)."""
    for an in analyses[:TITLE_FROM_FIRST]:
        if an.article.title:
            return an.article.title.strip()
    firsts = [an.sentences[0].text for an in analyses if an.sentences]
    # The first sentence that reads as one: a dateline or a date alone ("27 NOVEMBER, 2005") is no title.
    candidates = [t for an in analyses for t in (s.text for s in an.sentences[:3])
                  if len(re.findall(r"[A-Za-z]{2,}", t)) >= 4 and not re.fullmatch(r"[\W\d]*|[A-Z\W\d]+", t)
                  and not is_time_stamp(t)]
    for text in candidates[:1] or firsts[:1]:
        text = " ".join(text.split())
        return text if len(text) <= 140 else text[:137].rsplit(" ", 1)[0] + "…"
    return "(untitled story)"


def _url_key(url: str) -> str:
    return re.sub(r"^https?://(?:www\.)?", "", url.strip().lower()).split("#", 1)[0].rstrip("/")


def superseded(members: list[tuple[Analysis, str | None]]) -> dict[str, str]:
    """Article id -> the id of a later member with the same URL: a page crawled again after an
    edit or a correction is a new version of one article, not a second report (its text differs,
    so its id, made from the content, does too). Only the latest version is compared."""
    latest: dict[str, str] = {}
    out: dict[str, str] = {}
    for an, _ in members:  # members are in arrival order
        if an.article.url:
            key = _url_key(an.article.url)
            if key in latest and latest[key] != an.article.id:
                out[latest[key]] = an.article.id
            latest[key] = an.article.id
    return {old: _latest(old, out) for old in out}


def _latest(article_id: str, newer: dict[str, str]) -> str:
    seen = {article_id}
    while article_id in newer and newer[article_id] not in seen:
        article_id = newer[article_id]
        seen.add(article_id)
    return article_id


def compared_members(members: list[tuple[Analysis, str | None]], limit: int,
                     old: dict[str, str] | None = None) -> list[tuple[Analysis, str | None]]:
    """The members a story's facts are compared over: the latest version of each page (see
    ``superseded``), all of them up to ``limit`` originals; beyond, the story's first originals and
    its most recent ones (with their copies), so that rebuilding a story that keeps growing costs a
    bounded amount per batch instead of growing with the story. ``old``: ``superseded(members)``,
    when the caller has it."""
    old = superseded(members) if old is None else old
    if old:
        members = [(an, dup) for an, dup in members if an.article.id not in old]
    originals = [an.article.id for an, dup in members if not dup or dup in old]
    if len(originals) <= limit:
        return members
    head = limit // 5
    kept = set(originals[:head]) | set(originals[len(originals) - (limit - head):])
    return [(an, dup) for an, dup in members if (an.article.id if not dup or dup in old else dup) in kept]


def build_story(story_id: str, members: list[tuple[Analysis, str | None]],
                max_compared: int = MAX_COMPARED, previous: dict[str, Any] | None = None,
                ) -> tuple[dict[str, Any], list[dict]]:
    """The story JSON (facts, summary, entities, events) and its entity rows.

    ``previous``: the story as stored; its facts, summary and counts are kept as they are (the
    cheap update of a story that has not grown enough to be recompared, see REFRESH_GROWTH).
    """
    analyses = [an for an, _ in members]
    newer = superseded(members)
    if previous is None:
        compared = compared_members(members, max_compared, newer)
        duplicate_of = {an.article.id: dup for an, dup in compared if dup}
        fact_list = compare_story([an for an, _ in compared], duplicate_of, story_id=story_id)
        counted = Counter(f.status for f in fact_list)
        facts = to_dict(fact_list)
        summary = to_dict(summarise(fact_list, [an for an, _ in compared]))
        statuses = [f.status for f in fact_list]
        for sentence in summary:  # one side of a conflicting fact, stated as if settled: say so
            sentence["disputed"] = disputed(sentence.get("facts", []), statuses)
        counts = {k: counted.get(k, 0) for k in ("corroborated", "single_source", "conflicting")}
        n_compared = len(compared)
    else:
        facts, summary = previous["facts"], previous["summary"]
        counts, n_compared = previous["counts"], previous["compared_articles"]
    entities = canonicalise(analyses)
    events = merge_events(analyses)
    outlets = []
    for an in analyses:
        if an.article.outlet and an.article.outlet not in outlets:
            outlets.append(an.article.outlet)
    published = sorted(an.article.published for an in analyses if an.article.published)
    articles = []
    for an, dup in members:
        brief = an.article.brief()
        brief["duplicate_of"] = dup
        brief["superseded_by"] = newer.get(an.article.id)  # a later version of the same page
        articles.append(brief)
    story = {
        "id": story_id,
        "title": story_title(analyses),
        "articles": articles,
        "outlets": outlets,
        "independent_sources": len(independent_sources(members)),
        "first_seen": published[0] if published else None,
        "last_seen": published[-1] if published else None,
        "counts": counts,
        # facts and summary come from this many members (all, up to MAX_COMPARED originals; fewer
        # while an ingest is under way and the story has grown less than REFRESH_GROWTH since)
        "compared_articles": n_compared,
        "facts": facts,
        "summary": summary,
        "entities": to_dict(entities),
        "events": to_dict(events),
    }
    return story, story["entities"]


class Pipeline:
    """Processes batches of articles into stories stored in ``store``."""

    def __init__(self, store, batch_size: int = 256, n_process: int = 1, progress=None,
                 sort_window: int = 0):
        self.store = store
        self.batch_size = batch_size
        # articles read ahead and put in publication order (at least a batch); a live stream on
        # stdin would wait for a full window before its first story
        self.sort_window = max(batch_size, sort_window or SORT_WINDOW)
        self.n_process = n_process
        self.progress = progress  # a tqdm-like object with .update(n), or None
        self._compared_at: dict[str, int] = {}  # story -> its member count when last compared
        self._stale: dict[str, None] = {}  # stories whose facts lag their members (ordered set)
        self._seed()

    def _seed(self) -> None:
        """Re-load recent stored articles so new ones join existing stories and duplicates."""
        self.dedup = DuplicateFinder()
        self.clusterer = StoryClusterer()
        # Read before the articles: a write in between shows as a changed sequence (and a re-seed).
        self._next_seq = self.store.next_seq()
        by_story: dict[str, list[Analysis]] = defaultdict(list)
        for an, story_id, _dup in self.store.recent_analyses(RECENT_ARTICLES):
            self.dedup.seed(an.article)
            if story_id:
                by_story[story_id].append(an)
        for story_id, analyses in by_story.items():
            self.clusterer.seed(story_id, analyses)

    def ingest(self, items: Iterable[Article | InputError]) -> Report:
        report = Report()
        with Analyser(self.n_process) as analyser:
            pending = None  # the batch being analysed while the one before it is stored
            for batch in self._batches(items, report):
                job = analyser.submit(fresh) if (fresh := self._prepare(batch, report)) else None
                if pending is not None:
                    self.add_analysed(pending.result(), report)
                pending = job
            if pending is not None:
                self.add_analysed(pending.result(), report)
        self.flush(report)
        return report

    def _batches(self, items: Iterable[Article | InputError], report: Report) -> Iterator[list[Article]]:
        """Batches of ``batch_size`` articles, in publication order across up to ``sort_window``
        articles at a time (an input shuffled within that many gives the same stories as a sorted one)."""
        window: list[Article] = []
        for article in self._readable(items, report):
            window.append(article)
            if len(window) >= self.sort_window:
                yield from self._chunks(_in_time_order(window))
                window = []
        yield from self._chunks(_in_time_order(window))

    def _chunks(self, articles: list[Article]) -> Iterator[list[Article]]:
        for start in range(0, len(articles), self.batch_size):
            yield articles[start:start + self.batch_size]

    def _readable(self, items: Iterable[Article | InputError], report: Report) -> Iterator[Article]:
        for item in items:
            if isinstance(item, InputError):
                log.debug("skipped: %s", item)  # the caller reports report.errors (the CLI: once, as "error: …")
                report.errors.append(item)
                continue
            if only_furniture(item.text, item.title):  # stored, it would open a story titled "Share this article"
                report.errors.append(InputError(item.source or item.id, "no article text: every line is blank, "
                                                "wordless or page furniture (share / read-more / copyright lines)"))
                continue
            report.read += 1
            report.article_ids.append(item.id)
            yield item

    def _prepare(self, batch: list[Article], report: Report) -> list[Article]:
        """The batch's articles not stored yet (one per id), cleaned, in publication order."""
        unique: dict[str, Article] = {}
        for a in batch:
            first = unique.setdefault(a.id, a)
            if first is not a and content_id(first.text) != content_id(a.text):
                self._changed(a, REPEATED, report)
        # sent on by an earlier batch of this input (stored by now, or still being analysed)
        earlier = {i for i in unique if i in report._sent}
        for i in earlier:
            if report._sent[i] != content_id(unique[i].text):
                self._changed(unique[i], REPEATED, report)
        stored = self.store.existing_ids(i for i in unique if i not in earlier)
        if stored:
            texts = self.store.stored_texts(stored)
            for i in stored:
                if i in texts and content_id(texts[i]) != content_id(unique[i].text):
                    self._changed(unique[i], "is already stored with other text; the stored article is kept "
                                             "(send a correction under a new id)", report)
        report.already_stored += len(batch) - len(unique) + len(earlier) + len(stored)
        fresh = [a for a in unique.values() if a.id not in stored and a.id not in earlier]
        for a in fresh:
            report._sent[a.id] = content_id(a.text)
        if self.progress is not None:
            self.progress.update(len(batch) - len(fresh))
        return publication_order(clean_batch(fresh)) if fresh else []

    @staticmethod
    def _changed(article: Article, why: str, report: Report) -> None:
        """A re-sent id whose text differs: said once per id, never stored over the first text."""
        if article.id not in report.changed:
            report.changed.append(article.id)
            log.warning("%s: id %r %s", article.source or "input", article.id, why)

    def flush(self, report: Report) -> None:
        """Recompare every story whose facts lag its members (see REFRESH_GROWTH)."""
        if not self._stale:
            return
        with self.store.transaction() as tx:
            for story_id in list(self._stale):
                self._save(story_id, self.store.load_analyses(story_id), refresh=True, tx=tx)

    def add_analysed(self, analyses: list[Analysis], report: Report) -> None:
        """Dedup, cluster, compare and store analysed articles (in publication order), in one transaction."""
        rows, touched = [], []
        with self.store.transaction() as tx:
            # Decisions are made holding the write lock, against every article stored so far: if
            # another writer (a second ingest, a server process) stored some since this pipeline
            # last wrote, re-read the recent stories first so the new articles can join them.
            if self.store.next_seq(tx) != self._next_seq:
                log.info("the database changed under this pipeline: re-reading recent stories")
                self._seed()
            self._next_seq = None  # unknown until this transaction commits (a failure re-seeds)
            # Stored since this batch was prepared (it was analysed while the batch before it was
            # stored; or another writer took it): skipped, as at the start.
            stored = self.store.existing_ids([an.article.id for an in analyses])
            if stored:
                report.already_stored += len(stored)
                analyses = [an for an in analyses if an.article.id not in stored]
                if self.progress is not None:
                    self.progress.update(len(stored))
            for an in analyses:
                dup = self.dedup.add(an.article)
                story_id = self.clusterer.assign(an, duplicate_of=dup)  # a copy joins its original's story
                dup = settle_copy(self.dedup, self.clusterer, an.article.id, dup, story_id)
                rows.append((an, story_id, dup))
                if dup:
                    report.duplicates += 1
                if story_id not in touched:
                    touched.append(story_id)
            self.store.insert_articles(tx, rows)
            for story_id in touched:
                members = self.store.load_analyses(story_id)  # same connection: sees this batch
                self._save(story_id, members, refresh=self._due(story_id, len(members)), tx=tx)
            next_seq = self.store.next_seq(tx)
        self._next_seq = next_seq
        report.added += len(rows)
        for s in touched:
            report.touched(s)
        if self.progress is not None:
            self.progress.update(len(rows))

    def _due(self, story_id: str, n_members: int) -> bool:
        """Whether a story's facts are recompared now, or once the ingest ends."""
        last = self._compared_at.get(story_id)
        return last is None or n_members <= ALWAYS_REFRESH or n_members >= REFRESH_GROWTH * last

    def _save(self, story_id: str, members: list[tuple[Analysis, str | None]], refresh: bool, tx) -> None:
        previous = None
        if not refresh:
            raw = self.store.get_story_json(story_id)  # same connection: this transaction's view
            previous = json.loads(raw) if raw else None
        story, entities = build_story(story_id, members, previous=previous)
        self.store.save_story(tx, story, entities)
        if previous is None:
            self._compared_at[story_id] = len(members)
            self._stale.pop(story_id, None)
        else:
            self._stale[story_id] = None
