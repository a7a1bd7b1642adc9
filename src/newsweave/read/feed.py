"""RSS and Atom feeds (feedparser): one article per entry. Entity-declaring XML is refused first."""
from __future__ import annotations

import html
import logging
import re
import xml.sax
from collections.abc import Iterator
from typing import Any, BinaryIO

from ..errors import InputError
from ..model import Article, content_id
from . import limits
from .base import normalise_date, read_capped, scrub, scrub_json
from .html import html_to_text

log = logging.getLogger(__name__)


class _RootReached(Exception):
    """Stops the safety parse at the root element: entities can only be declared before it."""


class _StopAtRoot(xml.sax.handler.ContentHandler):
    def startElement(self, name: str, attrs: Any) -> None:  # noqa: N802 (SAX API)
        raise _RootReached


ENTITIES_REFUSED = ("refused: the XML declares entities (a 'billion laughs' "
                    "expansion bomb or external entities); feeds do not need them")
FIRST_ELEMENT = re.compile(rb"<\w")
ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def check_xml_safe(data: bytes, path: str) -> None:
    """Refuse XML that declares entities (billion laughs, quadratic blow-up, external entities),
    before any parser that would expand them sees it. A DOCTYPE naming an external DTD (old RSS
    0.91 feeds do) is allowed: neither this check nor feedparser fetches it."""
    import defusedxml
    import defusedxml.sax

    try:
        defusedxml.sax.parseString(data, _StopAtRoot(), forbid_dtd=False, forbid_entities=True, forbid_external=False)
    except _RootReached:
        return
    except defusedxml.EntitiesForbidden:
        raise InputError(path, ENTITIES_REFUSED) from None
    except defusedxml.DefusedXmlException as e:
        raise InputError(path, f"refused: unsafe XML ({type(e).__name__})") from None
    except (xml.sax.SAXException, ValueError, LookupError):  # ill-formed, or an encoding expat lacks
        pass
    # expat stopped before the root, so it may not have seen the DOCTYPE; feedparser's lenient
    # parser still reads entity declarations from it (and expands them, quadratically). Look
    # for them in the prolog as feedparser will see it: converted to UTF-8.
    if _declares_entities(data):
        raise InputError(path, ENTITIES_REFUSED)


def _declares_entities(data: bytes) -> bool:
    try:
        from feedparser.encodings import convert_to_utf8

        views = [data, convert_to_utf8({}, data, {})]
    except Exception:  # an unreadable encoding: feedparser reads such data as UTF-8 as well
        views = [data]
    for view in views:
        first = FIRST_ELEMENT.search(view)
        if ENTITY_DECL.search(view, 0, first.start() if first else len(view)):
            return True
    return False


def _valid_char_ref(m: re.Match) -> bytes:
    """``&#0;``, ``&#xd800;`` and references past U+10FFFF name no character XML allows; U+FFFD
    instead (feedparser's lenient parser fails on surrogates)."""
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return b"&#xfffd;"
    return m.group(0)


def read_feed(stream: BinaryIO, path: str, outlet: str | None, size: int | None) -> Iterator[Article | InputError]:
    import feedparser

    data = read_capped(stream, path, size, limits.MAX_FEED_BYTES, "feed")
    if not data.strip():
        raise InputError(path, "empty file")
    check_xml_safe(data, path)
    data = CHAR_REF.sub(_valid_char_ref, data)
    try:
        parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    except Exception as e:  # feedparser's lenient parser on hostile markup
        log.debug("%s: feedparser failed", path, exc_info=True)
        raise InputError(path, f"not a valid RSS/Atom feed (the feed parser gave up: {type(e).__name__})") from None
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            raise InputError(path, f"not a valid RSS/Atom feed ({_bozo_reason(parsed)})")
        if not parsed.get("version"):
            raise InputError(path, "not an RSS or Atom feed (no channel or feed element)")
        raise InputError(path, "the feed has no entries")
    bozo = _bozo_reason(parsed) if parsed.get("bozo") else None
    if bozo:
        log.warning("%s: feed is not well-formed (%s); read %d entries", path, bozo, len(entries))
    feed_title = _plain(parsed.get("feed", {}).get("title"), parsed.get("feed", {}).get("title_detail"))
    feed_host = _host(parsed.get("feed", {}).get("link"))
    for n, entry in enumerate(entries, 1):
        try:
            yield entry_article(entry, path, f"{path}#{n}", feed_title or outlet, n, feed_host)
        except InputError as e:
            if bozo and n == len(entries):  # the entry a truncated feed ends in
                e = InputError(path, f"entry {n}: cut off, the feed is not well-formed ({bozo})")
            yield e


def entry_article(entry: Any, path: str, source: str, outlet: str | None, n: int,
                  feed_host: str | None = None) -> Article:
    credited = _credited_outlet(entry, feed_host)
    text = scrub(_entry_text(entry, drop=credited))  # the lenient parser passes "&#0;" and "&#xd800;" through
    if not text.strip():
        raise InputError(path, f"entry {n}: no text (no content or summary)")
    published = None
    for key in ("published", "updated", "created"):
        published = normalise_date(entry.get(key)) or normalise_date(entry.get(key + "_parsed"))
        if published:
            break
    extra: dict[str, Any] = {}
    if entry.get("id"):
        extra["guid"] = entry["id"]
    if entry.get("author"):
        extra["author"] = entry["author"]
    tags = [t.get("term") for t in entry.get("tags") or [] if t.get("term")]
    if tags:
        extra["tags"] = tags
    title = _plain(entry.get("title"), entry.get("title_detail"))
    outlet = (credited and credited[0]) or outlet
    return Article(id=content_id(text), text=text, title=scrub(title) if title else None,
                   outlet=scrub(outlet) if outlet else None, url=scrub(entry.get("link") or "") or None,
                   published=published, source=source, extra=scrub_json(extra, 4))


# An aggregator's item (Google News, a market wire) credits the outlet that wrote it: in a
# <source> element, or as a link to the item's own URL closing its description
# ("… should not slow taper <a href="http://www.latimes.com/…">Los Angeles Times</a>"). Only an
# item that links out of the feed's own site is an aggregator's: a blog or a newspaper's own feed
# closes its items with "Read more" or its own name, and its items keep the feed's title.
CLOSING_LINK = re.compile(r"""<a\s[^>]*?href=["']([^"']+)["'][^>]*>\s*([^<]{1,80}?)\s*</a>"""
                          r"""\s*(?:</(?:p|div|span|strong|em|b|i|small|font)>\s*)*$""",  # "<p><a …>Name</a></p>" too
                          re.IGNORECASE)
# Link texts that name no outlet ("Read more »", "Continue reading →", "[…]", "Full story"),
# compared in lower case without the arrows, ellipses and punctuation around them.
GENERIC_LINK_TEXTS = frozenset({
    "read more", "read", "read on", "read it", "read article", "read the article", "read full article",
    "read the full article", "read story", "read the story", "read full story", "read the full story",
    "read the rest", "read the rest of this entry", "read the rest of this article", "read the rest of the story",
    "read more here", "continue reading", "continue", "keep reading", "continue to article",
    "continue to the article", "full story", "the full story", "full article", "the full article",
    "full text", "full post", "full report", "whole story", "more", "more here", "more info", "more information",
    "more details", "details", "here", "click here", "this", "source", "original", "original article",
    "original story", "original post", "link", "permalink", "article", "story", "post", "view", "view article",
    "view the article", "view full article", "view story", "view full story", "view post", "view more",
    "see more", "see article", "see the article", "see full story", "learn more", "go to article",
    "open article", "read in full", "in full", "comments", "comment", "discuss",
})
GENERIC_PREFIXES = ("read more", "continue reading", "keep reading", "read the full", "read full", "click here")
LINK_TEXT_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def _host(url: str | None) -> str | None:
    """The lower-case host of ``url`` without "www.", or None."""
    if not url or not isinstance(url, str):
        return None
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    return host.removeprefix("www.") or None


def _same_site(a: str, b: str) -> bool:
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def _generic_link_text(name: str) -> bool:
    bare = " ".join(LINK_TEXT_EDGES.sub("", name.lower()).split())
    return not bare or bare in GENERIC_LINK_TEXTS or bare.startswith(GENERIC_PREFIXES)


def _credited_outlet(entry: Any, feed_host: str | None = None) -> tuple[str, str | None] | None:
    """(outlet, closing link markup to drop from the text or None) that the item itself names.
    A closing link credits an outlet only where the item links out of the feed's own site
    (``feed_host``, the host of the channel's link; unknown: no credit) and its text is a name,
    not "Read more"."""
    source = entry.get("source") or {}
    if isinstance(source, dict) and (source.get("title") or "").strip():
        return " ".join(source["title"].split()), None
    link = (entry.get("link") or "").strip()
    item_host = _host(link)
    if not (item_host and feed_host) or _same_site(item_host, feed_host):
        return None
    m = CLOSING_LINK.search((entry.get("summary") or "").strip())
    if m and html_to_text(m.group(1)).strip() == link:
        name = " ".join(html_to_text(m.group(2)).split())
        if (name and len(name.split()) <= 6 and not _generic_link_text(name)
                and name.lower() != (entry.get("title") or "").strip().lower()):
            return name, m.group(0)
    return None


def _entry_text(entry: Any, drop: tuple[str, str | None] | None = None) -> str:
    """The fullest body an entry has: its longest content element, else its summary (without the
    closing link that credits the outlet, ``drop``)."""
    candidates = [(c.get("value") or "", c.get("type") or "") for c in entry.get("content") or []]
    detail = entry.get("summary_detail") or {}
    summary = (entry.get("summary") or "").strip()
    if drop and drop[1] and summary.endswith(drop[1]):
        summary = summary[: -len(drop[1])]
    candidates.append((summary, detail.get("type") or "text/html"))
    best = ""
    for value, kind in candidates:
        text = html_to_text(value) if "html" in kind else "\n".join(
            ln.strip() for ln in value.splitlines() if ln.strip())
        if len(text) > len(best):
            best = text
    return best


def _plain(value: str | None, detail: Any) -> str | None:
    if not value:
        return None
    kind = (detail or {}).get("type") or ""
    if "html" in kind:  # markup, or at least entities: "Harbour &amp; Coast News", "Minister&#8217;s"
        text = html_to_text(value) if "<" in value else html.unescape(value)
    else:
        text = value
    return " ".join(text.split()) or None


def _bozo_reason(parsed: Any) -> str:
    e = parsed.get("bozo_exception")
    msg = getattr(e, "getMessage", lambda: str(e))()
    line = getattr(e, "getLineNumber", lambda: None)()
    return f"{msg} at line {line}" if line else f"{msg or type(e).__name__}"
