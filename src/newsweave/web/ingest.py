"""POST /api/articles: parse a request body into articles and run them through the pipeline.

A body is one JSON article object (as in JSONL ingest), a JSON array of them, an object with an
``articles`` array, or JSONL. The whole request is checked first and refused as a unit, so a
client never has to work out which half of its batch was stored. Nothing in a request is ever
used as a file path: articles are built from the request's own bytes.
"""
from __future__ import annotations

import json
import logging
import threading
from typing import Any

from ..errors import InputError
from ..model import Article
from ..read.jsonl import FIELDS, article_from_record, json_type, parse_line
from .security import Problem
from .settings import Settings

log = logging.getLogger(__name__)

BODY = "request body"
SOURCE = "POST /api/articles"
TEXT_FIELDS = FIELDS["text"] + FIELDS["html"]
MAX_LISTED_ERRORS = 50
HOW = "send one JSON article object, a JSON array of them, or JSONL (one object a line)"


def parse_body(data: bytes, settings: Settings, content_type: str = "") -> list[Article]:
    """The articles of a request body; raises Problem (413 for sizes, 422 for content)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise Problem(422, f"request body is not UTF-8 (byte {e.start}): {HOW}") from None
    if not text.strip():
        raise Problem(422, f"empty request body: {HOW}")
    records = _records(text, content_type)
    if len(records) > settings.max_batch:
        raise Problem(413, f"too many articles in one request: {len(records)}, the limit is {settings.max_batch}; "
                           "split the batch")
    if not records:
        raise Problem(422, f"no articles in the request body: {HOW}")
    articles, errors = [], []
    for where, obj in records:
        if isinstance(obj, InputError):
            errors.append(str(obj))
            continue
        try:
            _check_size(obj, where, settings)
            line, item = where
            article = article_from_record(obj, BODY, SOURCE, line=line, item=item)
        except InputError as e:
            errors.append(str(e))
            continue
        articles.append(article)
    if errors:
        raise Problem(422, errors[0] if len(errors) == 1 else f"{len(errors)} articles could not be read; "
                      f"the first: {errors[0]}", details=errors[:MAX_LISTED_ERRORS])
    return articles


Where = tuple[int | None, int | None]  # (JSONL line, array item)


def _records(text: str, content_type: str) -> list[tuple[Where, dict[str, Any] | InputError]]:
    jsonl_type = any(t in content_type for t in ("ndjson", "jsonl", "json-seq"))
    if not jsonl_type:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            if not (e.msg == "Extra data" and text.lstrip().startswith("{")):
                msg = e.msg[:-3] if e.msg.endswith(" at") else e.msg  # "Unterminated string starting at"
                raise Problem(422, f"malformed JSON: {msg} at line {e.lineno}, column {e.colno}; {HOW}") from None
        except (RecursionError, ValueError) as e:  # nesting too deep, or an integer too long to convert
            raise Problem(422, f"unacceptable JSON: {_why(e)}; {HOW}") from None
        else:
            return _from_document(doc)
    return _from_jsonl(text)


def _why(e: Exception) -> str:
    return "nested too deeply" if isinstance(e, RecursionError) else "a number is too long"


def _from_document(doc: Any) -> list[tuple[Where, dict[str, Any] | InputError]]:
    if isinstance(doc, dict) and isinstance(doc.get("articles"), list):
        doc = doc["articles"]
    if isinstance(doc, dict):
        return [((None, None), doc)]
    if not isinstance(doc, list):
        raise Problem(422, f"expected a JSON object or array, got {json_type(doc)}: {HOW}")
    out: list[tuple[Where, dict[str, Any] | InputError]] = []
    for i, obj in enumerate(doc, 1):
        if isinstance(obj, dict):
            out.append(((None, i), obj))
        else:
            out.append(((None, i), InputError(BODY, f"item {i}: expected a JSON object, got {json_type(obj)}")))
    return out


def _from_jsonl(text: str) -> list[tuple[Where, dict[str, Any] | InputError]]:
    """Lines read as ``ingest`` reads a JSONL file: the same checks, the same messages."""
    out: list[tuple[Where, dict[str, Any] | InputError]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(((number, None), parse_line(line.encode("utf-8", "surrogatepass"), BODY, number)))
        except InputError as e:
            out.append(((number, None), e))
    return out


def _check_size(obj: dict[str, Any], where: Where, settings: Settings) -> None:
    for name in TEXT_FIELDS:
        value = obj.get(name)
        if isinstance(value, str) and len(value) > settings.max_article_bytes // 4:
            size = len(value.encode("utf-8", "replace"))
            if size > settings.max_article_bytes:
                line, item = where
                label = f"item {item}: " if item else ""
                raise Problem(413, f"{BODY}{':' + str(line) if line else ''}: {label}field {name!r} is "
                                   f"{size / (1024 * 1024):.1f} MB, over the "
                                   f"{settings.max_article_bytes / (1024 * 1024):g} MB limit for one article")


class Ingester:
    """One pipeline per app, made on the first write (the models load once), used by one
    request at a time: ingest is CPU-bound and the clusterer's state is not thread-safe. When
    another process has written since, the pipeline re-reads the recent stories by itself."""

    def __init__(self, store):
        self.store = store
        self._lock = threading.Lock()
        self._pipeline = None

    def ingest(self, articles: list[Article]) -> dict[str, Any]:
        with self._lock:
            if self._pipeline is None:
                from ..pipeline import Pipeline  # loads the NLP code: only when a write comes

                log.info("loading the pipeline (seeding from %d stored articles)", self.store.next_seq() - 1)
                self._pipeline = Pipeline(self.store)
            report = self._pipeline.ingest(articles)
            stories = self.store.stories_of(report.article_ids)
        out = report.to_json()
        out["story_ids"] = stories
        return out
