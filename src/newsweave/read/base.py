"""Shared reader helpers: capped reads, strict UTF-8 decoding, binary detection, date normalisation."""
from __future__ import annotations

import email.utils
import re
import time
from datetime import date, datetime, timezone
from typing import Any, BinaryIO

from ..errors import InputError
from . import limits

BOMS_UNSUPPORTED = {
    b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16",
}
UTF8_BOM = b"\xef\xbb\xbf"
SURROGATE = re.compile("[\ud800-\udfff]")
YEAR = re.compile(r"\b\d{4}\b")
RFC822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")


def read_capped(stream: BinaryIO, path: str, size: int | None, limit: int, what: str = "file") -> bytes:
    """All of ``stream``, or an InputError when it holds more than ``limit`` bytes."""
    if size is not None and size > limit:
        raise InputError(path, f"too large ({limits.mb(size)} MB > {limits.mb(limit)} MB limit for one {what})")
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(path, f"too large (over the {limits.mb(limit)} MB limit for one {what})")
    return data


def check_text_bytes(data: bytes, path: str, line: int | None = None) -> None:
    """Refuse bytes that are not text: NUL bytes or a UTF-16/32 byte-order mark."""
    for bom, name in BOMS_UNSUPPORTED.items():
        if data.startswith(bom):
            raise InputError(path, f"encoded as {name}; newsweave reads UTF-8 (convert it, e.g. iconv -f {name} -t UTF-8)", line)
    nul = data.find(b"\x00")
    if nul >= 0:
        if line is not None:
            raise InputError(path, f"binary data (NUL byte at column {nul + 1})", line)
        raise InputError(path, f"binary file (NUL byte at offset {nul}), not text, HTML, JSON, a feed or a WARC", line)


def decode_utf8(data: bytes, path: str, line: int | None = None) -> str:
    """Strict UTF-8 (BOM stripped); the error names where the first bad byte is and what it looks like."""
    check_text_bytes(data, path, line)
    if data.startswith(UTF8_BOM):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(path, utf8_problem(data, e, within_line=line is not None), line) from None


def scrub(s: str) -> str:
    """``s`` safe to store: NUL characters dropped (no article text has them, and PostgreSQL
    refuses them) and lone surrogates (half an emoji cut off by the writer of a JSON ``\\ud83d``
    escape) replaced by U+FFFD, as UTF-8 cannot encode them."""
    if "\x00" in s:
        s = s.replace("\x00", "")
    if s.isascii() or not SURROGATE.search(s):
        return s
    return SURROGATE.sub("\ufffd", s)


def scrub_json(value: Any, max_depth: int) -> Any:
    """``value`` (decoded JSON) with every string and key scrubbed; ValueError when it nests
    deeper than ``max_depth`` (the store serialises ``extra`` again, recursively)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, (dict, list)):
        if max_depth <= 0:
            raise ValueError("nested too deeply")
        if isinstance(value, list):
            return [scrub_json(v, max_depth - 1) for v in value]
        return {scrub(k): scrub_json(v, max_depth - 1) for k, v in value.items()}
    return value


def utf8_problem(data: bytes, e: UnicodeDecodeError, within_line: bool = False) -> str:
    """'not valid UTF-8: byte 0xe9 at line 3, column 14 (invalid continuation byte); it looks like …'."""
    pos = e.start
    row = data.count(b"\n", 0, pos) + 1
    col = pos - (data.rfind(b"\n", 0, pos) + 1) + 1
    where = f"column {col}" if within_line else f"line {row}, column {col}"
    hint = ""
    try:
        data.decode("cp1252")
        hint = "; it looks like Windows-1252/Latin-1 text, convert it to UTF-8"
    except UnicodeDecodeError:
        pass
    return f"not valid UTF-8: byte 0x{data[pos]:02x} at {where} ({e.reason}){hint}"


NUMERIC_DATE = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b")


def normalise_date(value: Any) -> str | None:
    """An ISO 8601 string for a date given as ISO, RFC 822, free text with a year, epoch number,
    ``datetime``/``date`` or ``time.struct_time``; None when it cannot be read, or reads two ways
    ("11/12/2024": day or month first)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time.struct_time):
        try:  # feedparser makes year -1 of "0000-00-00"
            return datetime(*value[:6], tzinfo=timezone.utc).isoformat()
        except (ValueError, OverflowError):
            return None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:  # a 400-digit integer overflows the division itself
            secs = value / 1000 if abs(value) > 1e11 else value  # epoch milliseconds vs seconds
            return datetime.fromtimestamp(secs, tz=timezone.utc).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s:
        return None
    return _from_iso(s) or _from_rfc822(s) or _from_free_text(s)


def _from_iso(s: str) -> str | None:
    if len(s) == 10 and s[4] == "-" and s[7] == "-":
        try:
            return date.fromisoformat(s).isoformat()
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(s).isoformat()
    except ValueError:
        return None


def _from_rfc822(s: str) -> str | None:
    if not RFC822.match(s):  # "Mon, 10 Mar 2014 16:52:50 GMT" (feeds, HTTP, WARC)
        return None
    try:
        return email.utils.parsedate_to_datetime(s).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _from_free_text(s: str) -> str | None:
    """'March 10, 2014 4:52 pm' and the like; a missing day or month is refused, a missing time
    gives a date only."""
    if len(s) > 80 or not YEAR.search(s):
        return None
    m = NUMERIC_DATE.match(s)
    if m and int(m[1]) <= 12 and int(m[2]) <= 12 and m[1] != m[2]:
        return None  # "11/12/2024": 11 December or November 12? Refused, not guessed ("20/11/2024" is read)
    from dateutil import parser  # a pinned dependency of htmldate; imported late, rarely needed

    try:
        a = parser.parse(s, default=datetime(2000, 1, 1, 0, 0, 0))
        b = parser.parse(s, default=datetime(2001, 2, 2, 1, 1, 1))
    except (ValueError, OverflowError, parser.ParserError):
        return None
    if a.date() != b.date():
        return None
    if a.hour != b.hour:  # no time of day given
        return a.date().isoformat()
    try:
        return a.isoformat()
    except ValueError:  # dateutil accepts a zone offset of 25 hours; datetime cannot write it
        return None
