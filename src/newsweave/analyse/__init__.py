"""Analyse articles: sentences, named mentions, dates, events.

``analyse(articles)`` is the stage's one entry point. It runs the spaCy pipeline over each
article's ``clean_text`` in batches and returns one ``Analysis`` per article, with every span
mapped back to offsets in ``Article.text``. ``pool.Analyser`` runs it in worker processes beside
the rest of the pipeline. On top of the model:

- ``entities.py``: mentions typed person | country | city | place | organisation | award | law |
  event | group | …, titles split off as roles, gazetteer typing (``gazetteer.py``);
- ``canon.py``: canonical entities (``canonicalise``), within an article here, across a story later;
- ``dates.py``: DATE spans resolved against the publication time (``Analysis.dates``);
- ``events.py``: who-did-what-to-whom (``Analysis.events``, ``merge_events`` for a story).
"""
from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable, Iterator

from ..model import Analysis, Article, DateMention, Mention, Sentence
from . import dates as dt
from . import models
from .canon import canonicalise
from .entities import find_mentions
from .events import Context, extract_events, merge_events
from .gazetteer import gazetteer

__all__ = ["analyse", "analyse_doc", "canonicalise", "lead_text", "merge_events", "with_vectors"]
log = logging.getLogger(__name__)
DATE_LABELS = {"DATE": "date", "TIME": "time"}


# Characters of one article the models read: far beyond any news report (~35,000 words), and within
# spaCy's limit (1,000,000), past which it raises instead of analysing; the parser and NER also
# need memory in proportion.
MAX_ANALYSED_CHARS = 200_000


# The lead that stands for an article in story clustering (its ``Analysis.vector``): the title and
# the first characters of the clean text.
LEAD_CHARS = 300
VECTOR_BATCH = 64  # articles whose leads are encoded together


def analyse(articles: Iterable[Article], batch_size: int = 32, n_process: int = 1,
            vectors: bool = True) -> Iterator[Analysis]:
    """One Analysis per article, in input order.

    ``vectors=False`` leaves ``Analysis.vector`` unset, for a forked worker: onnxruntime hangs in a
    process forked from one that has run it, so the parent encodes the leads (``with_vectors``).
    """
    nlp = models.nlp()
    articles = list(articles)
    docs = nlp.pipe((_model_text(a) for a in articles), batch_size=batch_size, n_process=n_process)
    pending: list[Analysis] = []
    for article, doc in zip(articles, docs):
        pending.append(analyse_doc(article, doc))
        if len(pending) >= VECTOR_BATCH:
            yield from (with_vectors(pending) if vectors else pending)
            pending = []
    yield from (with_vectors(pending) if vectors else pending)


def lead_text(article: Article) -> str:
    """The title and lead of an article: the text its ``Analysis.vector`` encodes."""
    body = (article.clean_text or article.text or "")[:LEAD_CHARS]
    return f"{article.title}\n{body}" if article.title else body


VECTOR_SIZE = 768  # the stock encoder's 384 floats, then the lead encoder's


def with_vectors(analyses: list[Analysis]) -> list[Analysis]:
    """Set the ``vector`` of each analysis that has none: its lead's contextual sentence embedding
    by the stock all-MiniLM-L6-v2, then by the lead encoder fine-tuned to tell events apart, side
    by side (``VECTOR_SIZE`` floats; an empty array for an article with no words), encoded in batches.
    Story clustering weighs the two cosines as two features."""
    todo = [an for an in analyses if an.vector is None]
    for k in range(0, len(todo), VECTOR_BATCH):
        batch = todo[k:k + VECTOR_BATCH]
        for an, vec in zip(batch, models.encode_leads([lead_text(an.article) for an in batch])):
            an.vector = vec if vec.any() else vec[:0]
    return analyses


def _model_text(article: Article) -> str:
    """The clean text the models read: all of it, or its first ``MAX_ANALYSED_CHARS`` characters."""
    text = article.clean_text or article.text
    if len(text) > MAX_ANALYSED_CHARS:
        log.warning("%s: only the first %s of its %s characters are analysed for sentences, names, dates and "
                    "events (clustering and duplicates read all of it)", article.source or article.id,
                    f"{MAX_ANALYSED_CHARS:,}", f"{len(text):,}")
        # (cut at the last paragraph or sentence end before the limit: no claim ends mid-word)
        cut = max(text.rfind("\n", 0, MAX_ANALYSED_CHARS), text.rfind(". ", 0, MAX_ANALYSED_CHARS - 1) + 1)
        return text[:cut if cut > MAX_ANALYSED_CHARS // 2 else MAX_ANALYSED_CHARS]
    return text


def analyse_doc(article: Article, doc) -> Analysis:
    """Build the Analysis of one article from its spaCy Doc (over ``clean_text``)."""
    result = Analysis(article=article)
    for i, sent in enumerate(_sentences(doc)):
        start, end = article.original_span(sent.start_char, sent.end_char)
        result.sentences.append(Sentence(article.id, i, start, end, article.text[start:end]))
    sent_starts = [s.start for s in result.sentences]
    token_mention: dict[int, Mention] = {}
    for f in find_mentions(doc, (article.dateline or {}).get("place")):
        span = doc[f.start:f.end]
        mention = _mention(article, span.start_char, span.end_char, f.type, sent_starts)
        mention.canonical, mention.role = f.name, f.role
        result.mentions.append(mention)
        token_mention.update((i, mention) for i in range(f.start, f.end))
    token_date = _dates(article, doc, result, sent_starts)
    dateline = _dateline_mention(article)
    if dateline is not None:
        result.mentions.append(dateline)
    result.mentions.sort(key=lambda m: m.start)
    canonicalise([result])
    result.events = extract_events(Context(doc, result, token_mention, token_date))
    return result


def _dates(article: Article, doc, result: Analysis, sent_starts: list[int]) -> dict[int, DateMention]:
    """Date, time and duration mentions; resolved DateMentions for the dates."""
    published = dt.parse_published(article.published)
    token_date: dict[int, DateMention] = {}
    for ent in doc.ents:
        if ent.label_ not in DATE_LABELS:
            continue
        kind = DATE_LABELS[ent.label_]
        if kind == "date":
            kind = dt.classify(ent.text)
            if kind == "age":
                continue
        mention = _mention(article, ent.start_char, ent.end_char, kind, sent_starts)
        result.mentions.append(mention)
        if kind != "date":
            continue
        value = dt.resolve(ent.text, published, dt.is_future(ent))
        dm = DateMention(article.id, mention.start, mention.end, mention.text, value, mention.sentence)
        result.dates.append(dm)
        token_date.update((i, dm) for i in range(ent.start, ent.end))
    return token_date


def _dateline_mention(article: Article) -> Mention | None:
    """The dateline's place ("KARACHI –"), which cleaning cut from ``clean_text``, as a mention."""
    place = (article.dateline or {}).get("place")
    if not place or not article.segments:
        return None
    head = article.text[:article.segments[0][1]]
    at = head.lower().find(place.lower())
    if at < 0:
        return None
    hit = gazetteer().lookup(place)
    kind, name = (hit.type, hit.name) if hit is not None and hit.type != "organisation" else ("place", place)
    text = article.text[at:at + len(place)]
    return Mention(article.id, at, at + len(place), text, kind, canonical=name)


def _mention(article: Article, cs: int, ce: int, kind: str, sent_starts: list[int]) -> Mention:
    start, end = article.original_span(cs, ce)
    return Mention(article.id, start, end, article.text[start:end], kind, sentence=_index(sent_starts, start))


# Month names after an ordinal day written "16." (German, Dutch, Scandinavian: "am 16. Dezember"),
# where the English parser ends a sentence
ORDINAL_MONTHS = frozenset("""januar jänner februar märz april mai juni juli august september oktober
november dezember januari februari maart mei augustus mars desember""".split())
ORDINAL_DAY_END = re.compile(r"(?<![\d.])\d{1,2}\.$")


def _joined_sents(doc) -> Iterator[tuple[int, int]]:
    """spaCy's sentence spans, a split after an ordinal day before its month undone."""
    cur = None
    for sent in doc.sents:
        if cur is not None and sent[0].lower_ in ORDINAL_MONTHS and ORDINAL_DAY_END.search(doc.text[cur[0]:cur[1]]):
            cur = (cur[0], sent.end_char)
            continue
        if cur is not None:
            yield cur
        cur = (sent.start_char, sent.end_char)
    if cur is not None:
        yield cur


def _sentences(doc):
    """spaCy sentences, also split at line breaks (paragraphs never share a sentence)."""
    text = doc.text
    for sent_start, sent_end in _joined_sents(doc):
        start = sent_start
        for part in text[sent_start:sent_end].split("\n"):
            s = start + (len(part) - len(part.lstrip()))
            e = start + len(part.rstrip())
            if e > s:
                yield _Span(s, e)
            start += len(part) + 1


class _Span:
    def __init__(self, start: int, end: int):
        self.start_char, self.end_char = start, end


def _index(starts: list[int], offset: int) -> int | None:
    i = bisect.bisect_right(starts, offset) - 1
    return i if i >= 0 else None
