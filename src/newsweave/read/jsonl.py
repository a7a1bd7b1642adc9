"""JSONL (one article object a line, streamed) and JSON (an array of such objects, or one object)."""
from __future__ import annotations

import json
import logging
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from ..errors import InputError
from ..model import Article, content_id
from . import limits
from .base import UTF8_BOM, check_text_bytes, decode_utf8, normalise_date, read_capped, scrub_json
from .html import article_from_html
from .sniff import binary_kind

log = logging.getLogger(__name__)

# Field -> the names it may also go by (first one present wins). Everything else goes to extra.
FIELDS = {
    "text": ("text", "body", "content"),
    "html": ("html",),
    "title": ("title", "headline"),
    "outlet": ("outlet", "publisher", "site_name"),
    "url": ("url", "link"),
    "published": ("published", "published_at", "date", "pubDate"),
    "language": ("language", "lang"),
}
KNOWN = {"id"} | {name for names in FIELDS.values() for name in names}
SKIP_CHUNK = 1024 * 1024
_GIVE_UP = f"more than {limits.MAX_ERRORS_PER_FILE} bad lines; stopped reading at this line (is it JSONL?)"
_TOO_LONG = f"line too long (over the {limits.mb(limits.MAX_LINE_BYTES)} MB limit for one JSONL line)"


def read_jsonl(stream: BinaryIO, path: str, outlet: str | None, size: int | None) -> Iterator[Article | InputError]:
    """One article per line; a bad line is one InputError (with its line number) and the next
    line is read as usual. Lines over MAX_LINE_BYTES are refused without being held in memory."""
    for _, item in _judged_lines(stream, path, lambda obj, n: article_from_record(obj, path, f"{path}:{n}",
                                                                                  outlet, line=n)):
        yield item


def jsonl_records(path: str, need: tuple[str, ...] = (), strict: bool = False
                  ) -> Iterator[tuple[int, dict[str, Any] | InputError]]:
    """(line number, object) for each non-blank line of a JSONL file (``-``: standard input), or
    (line number, InputError) for a line that is too long, not UTF-8, not JSON, not an object, or
    lacks a field of ``need`` (a needed ``text`` must be a string), so that the caller decides
    whether a bad line stops it (``strict``: the InputError is raised). The lines are read and
    judged as ``ingest`` reads JSONL, with the same messages and the same limit on bad lines.
    OSError when the file cannot be opened."""
    def check(obj: dict[str, Any], n: int) -> dict[str, Any]:
        missing = [k for k in need if obj.get(k) in (None, "")]
        if missing:
            raise InputError(path, f"missing {', '.join(missing)}", n)
        if "text" in need and not isinstance(obj["text"], str):
            raise InputError(path, f"field 'text' must be a string, got {json_type(obj['text'])}", n)
        return obj

    stream = sys.stdin.buffer if path == "-" else open(path, "rb")
    try:
        refused = _not_text(stream, path)
        if refused is not None:  # a binary or UTF-16 file: one error, not one per "line"
            if strict:
                raise refused
            yield 1, refused
            return
        for n, item in _judged_lines(stream, path, check):
            if strict and isinstance(item, InputError):
                raise item
            yield n, item
    finally:
        if path != "-":
            stream.close()


def _not_text(stream: BinaryIO, path: str) -> InputError | None:
    """The error for a stream whose first bytes are a binary format, NULs or a UTF-16/32 mark
    (as ``ingest`` judges a whole file), or None; the stream is left where it was."""
    if stream.seekable():
        pos = stream.tell()
        head = stream.read(limits.HEAD_BYTES)
        stream.seek(pos)
    else:
        peek = getattr(stream, "peek", None)
        head = peek(limits.HEAD_BYTES)[: limits.HEAD_BYTES] if peek is not None else b""
    kind = "gzip-compressed: gunzip it first" if head.startswith(b"\x1f\x8b") else binary_kind(head)
    if kind:
        return InputError(path, f"binary file ({kind}), not JSONL")
    try:
        check_text_bytes(head, path)
    except InputError as e:
        return e
    return None


def _judged_lines(stream: BinaryIO, path: str, judge: Callable[[dict[str, Any], int], Any]
                  ) -> Iterator[tuple[int, Any]]:
    """(line number, ``judge(object, line number)``) for each non-blank line, or (line number,
    InputError) for a line that is too long, not UTF-8, not a JSON object, or that ``judge``
    refuses; after MAX_ERRORS_PER_FILE bad lines, one more error and no more reading (a binary
    file is not worth a million)."""
    errors = 0
    for number, raw in _lines(stream):
        try:
            if raw is None:
                raise InputError(path, _TOO_LONG, number)
            if number == 1 and raw.startswith(UTF8_BOM):
                raw = raw[len(UTF8_BOM):]
            if not raw.strip():
                continue
            item = judge(parse_line(raw, path, number), number)
        except InputError as e:
            errors += 1
            if errors > limits.MAX_ERRORS_PER_FILE:
                yield number, InputError(path, _GIVE_UP, number)
                return
            item = e
        yield number, item


def _lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; bytes is None for a line over the limit (skipped)."""
    limit = limits.MAX_LINE_BYTES
    number = 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            while True:  # skip the rest of the over-long line in bounded chunks
                rest = stream.readline(SKIP_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
        else:
            yield number, raw


def parse_line(raw: bytes, path: str, number: int) -> dict[str, Any]:
    text = decode_utf8(raw.rstrip(b"\r\n"), path, number)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        msg = e.msg[:-3] if e.msg.endswith(" at") else e.msg  # "Invalid control character at"
        raise InputError(path, f"malformed JSON: {msg} at column {e.colno}", number) from None
    except (ValueError, RecursionError) as e:
        raise InputError(path, _unreadable_json(e), number) from None
    if not isinstance(obj, dict):
        raise InputError(path, f"expected a JSON object, got {json_type(obj)}", number)
    return obj


def read_json(stream: BinaryIO, path: str, outlet: str | None, size: int | None) -> Iterator[Article | InputError]:
    """A JSON array of article objects, an object with an "articles" array, or one object.
    Several objects one per line (JSONL named .json) are read as JSONL."""
    data = read_capped(stream, path, size, limits.MAX_JSON_BYTES, "JSON file")
    text = decode_utf8(data, path)
    if not text.strip():
        raise InputError(path, "empty file")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        if e.msg == "Extra data" and text.lstrip().startswith("{"):
            import io

            yield from read_jsonl(io.BytesIO(data), path, outlet, size)
            return
        raise InputError(path, f"malformed JSON: {e.msg}", e.lineno) from None
    except (ValueError, RecursionError) as e:
        raise InputError(path, _unreadable_json(e)) from None
    if isinstance(doc, dict) and isinstance(doc.get("articles"), list):
        doc = doc["articles"]
    if isinstance(doc, dict):
        yield article_from_record(doc, path, path, outlet)
        return
    if not isinstance(doc, list):
        raise InputError(path, f"expected a JSON array of article objects, got {json_type(doc)}")
    for i, obj in enumerate(doc, 1):
        try:
            if not isinstance(obj, dict):
                raise InputError(path, f"item {i}: expected a JSON object, got {json_type(obj)}")
            yield article_from_record(obj, path, f"{path}#{i}", outlet, item=i)
        except InputError as e:
            yield e


def article_from_record(obj: dict[str, Any], path: str, source: str, outlet: str | None = None,
                        line: int | None = None, item: int | None = None) -> Article:
    """An Article from one JSON object: ``id``, ``text`` or ``html``, optional ``title``, ``outlet``,
    ``url``, ``published``, ``language``; unknown fields are kept in ``extra`` as given, except
    that NUL characters are dropped and lone surrogates replaced (see ``scrub``).
    Raises InputError (naming ``path`` and ``line``) when there is no usable text."""
    where = f"item {item}: " if item is not None else ""
    try:
        obj = scrub_json(obj, limits.MAX_JSON_DEPTH)
    except ValueError:
        raise InputError(path, f"{where}nested too deeply (over {limits.MAX_JSON_DEPTH} levels of arrays and objects)", line) from None
    got = {name: _first(obj, names) for name, names in FIELDS.items()}
    for name in ("text", "html", "title", "outlet", "url", "language"):
        value = got[name]
        if value is not None and not isinstance(value, str):
            raise InputError(path, f"{where}field {name!r} must be a string, got {json_type(value)}", line)
    given_id = obj.get("id")
    if given_id is not None and (isinstance(given_id, bool) or not isinstance(given_id, (str, int))):
        raise InputError(path, f"{where}field 'id' must be a string or an integer, got {json_type(given_id)}", line)
    extra = {k: v for k, v in obj.items() if k not in KNOWN}
    published = normalise_date(got["published"])
    if got["published"] not in (None, "") and published is None:
        log.warning("%s: unreadable or ambiguous published date %r kept in extra", source, got["published"])
        extra["published_raw"] = got["published"]
    text, html = got["text"], got["html"]
    if text is not None and text.strip():
        article = Article(id="", text=text, title=got["title"], outlet=got["outlet"], url=got["url"],
                          published=published, language=got["language"], source=source, extra=extra)
    elif html is not None and html.strip():
        if len(html.encode("utf-8", "replace")) > limits.MAX_ARTICLE_BYTES:
            raise InputError(path, f"{where}field 'html' too large (over the {limits.mb(limits.MAX_ARTICLE_BYTES)} MB limit)", line)
        article = article_from_html(html, path, source, url=got["url"], published=published, line=line)
        article.extra.update(extra)
        for name in ("title", "outlet", "url", "language"):  # the record's own fields win over the page's
            if got[name]:
                setattr(article, name, got[name])
        article.published = published or article.published
    else:
        raise InputError(path, f"{where}no article text: needs a non-empty \"text\" or \"html\" field", line)
    article.outlet = article.outlet or outlet
    article.id = _record_id(obj.get("id"), article.text)
    return article


def article_from_row(row: dict[str, Any], source: str | None = None, title_for_text: bool = False,
                     warn: Callable[[str, str], None] | None = None) -> Article:
    """An Article from a line of the contract commands (cluster, compare, summarize, eval):
    ``id``, ``text``, optional ``title``, ``outlet``, ``url``, ``published``; every other field is
    ignored (gold labels too). Lenient where ingest refuses, so that every line gets its answer:
    a title, outlet or url that is not a string is ignored, and a date is read in any of ingest's
    forms (ISO 8601, RFC 822, epoch seconds or milliseconds as a number or a string of digits, …)
    or, when unreadable or 0 (a null placeholder), left out — each with a warning naming
    ``source`` (``warn(kind, message)``: the caller's, to cap a file's repeated warnings).
    ``title_for_text``: a line with no text but a title is its title (``cluster``: it has no
    offsets to keep)."""
    where = source or f"id {row.get('id')!r}"
    say = warn or (lambda kind, message: log.warning("%s", message))
    fields: dict[str, Any] = {}
    for name in ("title", "outlet", "url"):
        value = row.get(name)
        if value is not None and not isinstance(value, str):
            say(f"field {name}", f"{where}: field {name!r} is {json_type(value)}, not a string; ignored")
            value = None
        fields[name] = value
    raw = row.get("published")
    if isinstance(raw, str) and raw.strip().isdigit() and 9 <= len(raw.strip()) <= 13:
        raw = int(raw.strip())  # epoch seconds or milliseconds written as a string
    published = None if raw == 0 and not isinstance(raw, bool) else normalise_date(raw)
    if raw not in (None, "") and published is None:
        say("published", f"{where}: unreadable or ambiguous published date {raw!r}; the article is taken as undated")
    text = row.get("text") if isinstance(row.get("text"), str) else ""
    if title_for_text and not text.strip() and fields["title"] and fields["title"].strip():
        text = fields["title"]
    return Article(id=str(row["id"]), text=text, published=published, source=source, **fields)


def articles_from_rows(rows: list[dict[str, Any]], path: str, title_for_text: bool = False,
                       most: int = 5) -> list[Article]:
    """``article_from_row`` for every row of one file, its warnings shown ``most`` times per kind
    and then counted in one closing line (a bad date in each of 10,000 lines is not 10,000 lines)."""
    seen: Counter[str] = Counter()

    def warn(kind: str, message: str) -> None:
        seen[kind] += 1
        if seen[kind] <= most:
            log.warning("%s", message)

    out = [article_from_row(r, f"{path}: id {r['id']!r}", title_for_text, warn) for r in rows]
    for kind, n in seen.items():
        if n > most:
            what = "an unreadable or ambiguous published date" if kind == "published" else f"a {kind} that is not a string"
            log.warning("%s: %d more lines with %s (not shown)", path, n - most, what)
    return out


def _record_id(value: Any, text: str) -> str:
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    return content_id(text)


def _first(obj: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        if obj.get(name) is not None:
            return obj[name]
    return None


def _unreadable_json(e: Exception) -> str:
    """The message for JSON that json.loads refuses other than as malformed syntax."""
    if isinstance(e, RecursionError):
        return "malformed JSON: nested too deeply"
    if "digits" in str(e):  # Python's guard against quadratic int parsing
        return "malformed JSON: a number too long (over 4300 digits)"
    return f"malformed JSON: {e}"


def json_type(v: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(v), "a number")
