"""HTML pages: the main text and metadata via trafilatura; also a plain HTML-to-text for fragments."""
from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import lxml.etree
import lxml.html

from ..errors import InputError
from ..model import Article, content_id
from . import limits
from .base import check_text_bytes, normalise_date, read_capped, utf8_problem

log = logging.getLogger(__name__)
if logging.getLogger("trafilatura").level == logging.NOTSET:  # its ERRORs on pages we report ourselves
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# Dates with a time when the page gives one; "T00:00:00" with no zone means the page gave a day only.
DATE_PARAMS = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z",
               "deferred_url_extractor": True}  # a date in the URL has no time: meta tags first
MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+"  # "Tuesday 17 November", "Tue, Nov 17"
TEXT_DATE = re.compile(
    rf"\b(?:first\s+)?(?:published|posted|updated)(?:\s+on)?\s*[:\-\u2013]?\s*(?:{WEEKDAY})?(?P<date>"
    rf"(?:{MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    r"(?:,?\s+(?:at\s+)?\d{1,2}\s*[:.]\s*\d{2}(?:\s*[ap]\.?m\.?)?)?)",
    re.IGNORECASE,
)
BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "blockquote",
    "section", "article", "header", "footer", "pre", "dd", "dt", "dl", "figcaption", "figure", "main", "hr",
}
MAX_HTML_DEPTH = 255  # libxml2's limit without XML_PARSE_HUGE
DROP_TAGS = {"script", "style", "noscript", "template", "head", "nav", "aside", "form", "iframe", "svg",
             "button", "select", "title"}


def read_html(stream: BinaryIO, path: str, outlet: str | None, size: int | None) -> Iterator[Article]:
    data = read_capped(stream, path, size, limits.MAX_ARTICLE_BYTES, "article")
    html = decode_html(data, path)
    yield article_from_html(html, path, source=path, outlet=outlet)


def decode_html(data: bytes, path: str, charset: str | None = None, line: int | None = None) -> str:
    """UTF-8; bytes that are not UTF-8 are read in the encoding the page (or its HTTP header,
    ``charset``) declares, and are an error when none is declared."""
    check_text_bytes(data, path, line)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")  # valid UTF-8 is UTF-8, whatever a stale <meta> says
    except UnicodeDecodeError as e:
        m = META_CHARSET.search(data, 0, 4096)
        declared = charset or (m.group(1).decode("ascii") if m else None)
        enc = _text_codec(declared) if declared else "utf-8"
        if enc == "utf-8":
            raise InputError(path, utf8_problem(data, e), line) from None
    return _decode(data, enc, path, line)


def _text_codec(name: str) -> str:
    """The codec a declared charset names; "utf-8" for unknown names and for codecs that are no
    text encodings ("zlib", "base64", "rot13": a page cannot be written in them)."""
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # unknown, or not a name at all ("utf\x008" from a fuzzed header)
        return "utf-8"
    return info.name if getattr(info, "_is_text_encoding", True) else "utf-8"


def _decode(data: bytes, enc: str, path: str, line: int | None) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as e:
        raise InputError(path, f"not valid {enc} as the page declares: byte 0x{data[e.start]:02x} at offset {e.start}", line) from None
    except UnicodeError as e:  # codecs such as idna raise the base class
        raise InputError(path, f"not valid {enc} as the page declares ({e})", line) from None


def article_from_html(html: str, path: str, source: str, outlet: str | None = None, url: str | None = None,
                      published: str | None = None, line: int | None = None) -> Article:
    """One Article from a page: trafilatura's main text (the "original" all offsets refer to),
    title, date, site name and canonical URL. ``url``/``published`` are fallbacks (e.g. from WARC)."""
    meta = _extract(html, url)
    text = meta.get("text") or ""
    too_deep = False
    if _words(text) < limits.MIN_HTML_WORDS:
        text, too_deep = _visible_text(html, drop_furniture=True)  # a fragment trafilatura finds too small
    if _words(text) < limits.MIN_HTML_WORDS:
        why = f" (elements nested over {MAX_HTML_DEPTH} deep: the parser stops there)" if too_deep else ""
        raise InputError(path, f"no article text found in the HTML{why}", line)
    title = (meta.get("title") or "").strip() or None
    text = _drop_title_line(text, title)
    extra = {k: meta[k] for k in ("author", "description") if meta.get(k)}
    return Article(
        id=content_id(text), text=text, title=title, outlet=meta.get("sitename") or outlet,
        url=meta.get("url") or url, published=_page_date(meta.get("date")) or published,
        language=meta.get("language"), source=source, extra=extra,
    )


def _words(text: str) -> int:
    """Words of extracted text, separators such as a navigation bar's "|" not counted."""
    return len(re.findall(r"\w+", text))


def _extract(html: str, url: str | None) -> dict[str, Any]:
    import trafilatura  # heavy import, only when HTML is read

    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          include_tables=True, date_extraction_params=DATE_PARAMS)
    # trafilatura on very broken markup (an AssertionError from lxml's drop_tree inside htmldate,
    # found by the coverage-guided fuzz test)
    except (ValueError, TypeError, AssertionError, lxml.etree.LxmlError) as e:
        log.debug("trafilatura failed: %s", e)
        return {}
    if doc is None:
        return {}
    meta = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    found = _page_date(meta.get("date"))
    if not found or len(found) == 10:  # none, or a day without its time ("Published: Tuesday 17 November 2026 09:45")
        written = _text_date(html)
        if written and (not found or written.startswith(found)):
            meta["date"] = written
    return meta


def _text_date(html: str) -> str | None:
    """A publication date written only in the page text: "Posted on 10 March 2014", "First
    Published: June 13, 2013 4:59 PM". Only after such a cue word: a bare date in a page is as
    likely a copyright year or a date in the story. (htmldate's extensive search does more, but
    loads dateparser: seconds for the first page.)"""
    m = TEXT_DATE.search(html_to_text(html))
    if not m:
        return None
    value = re.sub(r"(\d)\s*[:.]\s*(\d{2})\b", r"\1:\2", m.group("date").replace(" at ", " "))  # 09.45 is 09:45
    return normalise_date(value)


def _page_date(value: str | None) -> str | None:
    if not value:
        return None
    if value.endswith("T00:00:00"):
        value = value[:10]
    elif len(value) > 19 and value[-5] in "+-" and value[-3] != ":":
        value = value[:-2] + ":" + value[-2:]  # +0400 -> +04:00
    return normalise_date(value)


def _drop_title_line(text: str, title: str | None) -> str:
    """trafilatura keeps the <h1> as the first line; the title is stored apart, so drop the copy
    (a headline with no full stop would otherwise run into the first sentence)."""
    if not title:
        return text
    first, sep, rest = text.partition("\n")
    if sep and " ".join(first.split()).casefold() == " ".join(title.split()).casefold() and rest.strip():
        return rest.lstrip("\n")
    return text


def html_to_text(html: str, drop_furniture: bool = False) -> str:
    """Visible text of an HTML page or fragment, one line per block; scripts and styles dropped
    (and navigation, asides, forms, header and footer when ``drop_furniture``)."""
    return _visible_text(html, drop_furniture)[0]


def _visible_text(html: str, drop_furniture: bool) -> tuple[str, bool]:
    """``html_to_text``, and whether the markup nests deeper than libxml2 parses (it drops the
    rest of the page: no real page nests so deep, a hostile one may)."""
    if not html or not html.strip():
        return "", False
    if "<" not in html:
        return "\n".join(" ".join(ln.split()) for ln in html.splitlines() if ln.strip()), False
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.fromstring(XML_DECL.sub("", html, count=1), parser=parser)
    except (lxml.etree.LxmlError, ValueError):
        return "", False
    too_deep = any("Excessive depth" in e.message for e in parser.error_log)
    drop = DROP_TAGS | ({"header", "footer"} if drop_furniture else set())
    parts: list[str] = []
    try:
        _walk(root, parts, drop)
    except RecursionError:  # absurdly deep markup: what was collected is still text
        log.debug("HTML nested too deep; text cut short")
    lines = (" ".join(ln.split()) for ln in "".join(parts).split("\n"))
    return "\n".join(ln for ln in lines if ln), too_deep


def _walk(el: Any, parts: list[str], drop: set[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag.lower() not in drop and tag:
        block = tag.lower() in BLOCK_TAGS
        if block:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            _walk(child, parts, drop)
        if block:
            parts.append("\n")
    if el.tail:
        parts.append(el.tail)
