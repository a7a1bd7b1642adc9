"""Plain-text articles: one per file, the text verbatim."""
from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from ..errors import InputError
from ..model import Article, content_id
from . import limits
from .base import decode_utf8, read_capped

TITLE_MAX_CHARS = 200
TITLE_MAX_WORDS = 25


def read_text(stream: BinaryIO, path: str, outlet: str | None, size: int | None) -> Iterator[Article]:
    data = read_capped(stream, path, size, limits.MAX_ARTICLE_BYTES, "article")
    text = decode_utf8(data, path)
    if not text.strip():
        raise InputError(path, "empty file" if not text else "empty file (only whitespace)")
    if outlet and _dateline_outlet(text):
        outlet = None  # "Islamabad (TDI): …" names its outlet: --outlet is for texts that do not say
    yield Article(id=content_id(text), text=text, title=obvious_title(text), outlet=outlet, source=path)


def _dateline_outlet(text: str) -> str | None:
    """The outlet the text's dateline names, found as cleaning finds it."""
    from ..clean import clean

    return clean(Article(id="", text=text)).outlet


def obvious_title(text: str) -> str | None:
    """A first line that is plainly a headline: short, no closing full stop, a blank line after it
    and more text below. Anything less certain is no title (the text itself is kept verbatim)."""
    first, _, rest = text.partition("\n")
    first = first.strip()
    if not first or len(first) > TITLE_MAX_CHARS or len(first.split()) > TITLE_MAX_WORDS:
        return None
    if first[-1] in ".,;:-\u2013\u2014" or first.isupper():  # a sentence, or a dateline like "KARACHI –"
        return None
    blank, _, body = rest.partition("\n")
    if blank.strip() or not body.strip():
        return None
    return first
