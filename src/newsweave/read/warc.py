"""WARC archives (plain or gzip per record) via warcio: one article per HTML response record.

Decompression is done here, not by warcio, so that it can be capped: per record (a declared
Content-Length over MAX_WARC_RECORD_BYTES is skipped, and no more than that plus a little slack is
read between two records whatever the headers say) and per file (MAX_ARCHIVE_BYTES in all).
"""
from __future__ import annotations

import bisect
import io
import logging
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from ..errors import InputError
from ..model import Article
from . import limits
from .base import normalise_date
from .html import article_from_html, decode_html
from .sniff import HTML, sniff

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
OUT_CHUNK = 1024 * 1024  # decompressed bytes made at a time
HEADER_SLACK = 1024 * 1024  # record headers and read-ahead allowed beyond a record's declared length
ARTICLE_TYPES = ("response", "resource")
WARC_STARTS = (b"WARC/", b"filedesc://")  # WARC, or the older ARC format warcio also reads


class ArchiveStop(Exception):
    """The archive cannot be read further (truncated, over a limit, not a WARC)."""


class CappedStream(io.RawIOBase):
    """The decompressed bytes of ``raw`` (gzip members one after another, or plain bytes), refusing
    to produce more than ``total`` bytes in all or more than the current window between records."""

    def __init__(self, raw: BinaryIO, gzipped: bool, total: int) -> None:
        self.raw, self.gzipped, self.total = raw, gzipped, total
        self.out = 0  # decompressed bytes handed out
        self.made = 0  # decompressed bytes produced (handed out or ahead)
        self.window = limits.MAX_WARC_RECORD_BYTES + HEADER_SLACK
        self.raw_pos = 0  # file bytes read
        self.members: list[tuple[int, int]] = []  # (decompressed offset, file offset) per gzip member
        self.buf = b""  # file bytes read but not yet decompressed
        self.dec: Any = None
        self.padding = 0  # zero bytes seen after the last member
        self.ahead = b""  # decompressed, not yet handed out (from self.at on)
        self.at = 0

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.out

    def allow(self, n: int) -> None:
        """Let the next ``n`` bytes (a record of declared length, plus slack) through."""
        self.window = n + HEADER_SLACK

    def file_offset(self, out_offset: int) -> int:
        """Where in the file the gzip member holding ``out_offset`` starts (a plain WARC: itself)."""
        if not self.gzipped:
            return out_offset
        i = bisect.bisect_right(self.members, (out_offset, float("inf"))) - 1
        return self.members[i][1] if i >= 0 else 0

    def head(self, n: int) -> bytes:
        """The first decompressed bytes, which read() still returns afterwards."""
        while len(self.ahead) < n:
            data = self._produce(OUT_CHUNK)
            if not data:
                break
            self.ahead += data
        return self.ahead[:n]

    def readinto(self, b: Any) -> int:
        if self.at >= len(self.ahead):  # decompress in big steps, hand out in warcio's small ones
            self.ahead, self.at = self._produce(OUT_CHUNK), 0
        n = min(len(b), len(self.ahead) - self.at)
        b[:n] = memoryview(self.ahead)[self.at : self.at + n]
        self.at += n
        self.out += n
        self.window -= n
        if self.window < 0:
            if not self.gzipped:  # a plain file: what follows the last record is no record (zeros, junk)
                raise ArchiveStop(f"over {limits.mb(HEADER_SLACK)} MB of data that is no WARC record after the last record")
            raise ArchiveStop(f"a record holds more than its declared length allows (over {limits.mb(limits.MAX_WARC_RECORD_BYTES)} MB; gzip bomb?)")
        return n

    def _produce(self, size: int) -> bytes:
        data = self._inflate(size) if self.gzipped else self._raw(size)
        self.made += len(data)
        if self.made > self.total:
            raise ArchiveStop(f"decompresses to more than the {limits.mb(self.total)} MB limit for one archive (gzip bomb?)")
        return data

    def _inflate(self, size: int) -> bytes:
        while True:
            if self.dec is None:
                if len(self.buf) < 2:
                    self.buf += self._raw(CHUNK)
                if not self.buf.strip(b"\x00"):  # end of file, or zero padding after a member
                    if self.buf and not self.members:  # zeros from the start: no gzip file at all
                        raise ArchiveStop("not gzip data at byte 0 of the file")
                    self.padding += len(self.buf)
                    if self.padding > HEADER_SLACK:  # a preallocated or zeroed tail: no more members
                        raise ArchiveStop(f"nothing but zero bytes from byte {self.raw_pos - self.padding} on")
                    self.buf = self._raw(CHUNK)
                    if not self.buf:
                        return b""
                    continue
                self.padding = 0
                start = self.raw_pos - len(self.buf)
                if not self.buf.startswith(b"\x1f\x8b"):
                    raise ArchiveStop(f"not gzip data at byte {start} of the file")
                self.members.append((self.made, start))
                self.dec = zlib.decompressobj(16 + zlib.MAX_WBITS)
            if not self.buf:
                self.buf = self._raw(CHUNK)
                if not self.buf:
                    raise ArchiveStop(f"truncated: the file ends inside a gzip member (at byte {self.raw_pos})")
            try:
                data = self.dec.decompress(self.buf, size)
            except zlib.error as e:
                raise ArchiveStop(f"corrupt gzip data near byte {self.raw_pos - len(self.buf)} ({e})") from None
            if self.dec.eof:
                self.buf, self.dec = self.dec.unused_data, None
            else:
                self.buf = self.dec.unconsumed_tail
            if data:
                return data

    def _raw(self, size: int) -> bytes:
        data = self.raw.read(size)
        self.raw_pos += len(data)
        return data


def read_warc(stream: BinaryIO, path: str, outlet: str | None, size: int | None,
              gzipped: bool = False) -> Iterator[Article | InputError]:
    """Articles from the HTML responses of a WARC; other records are passed over. A record that
    fails is one InputError ("record N (offset X): …"); an archive that cannot be read on (cut
    short, over a limit) ends with one InputError after the articles read so far."""
    from warcio.archiveiterator import ArchiveIterator

    capped = CappedStream(stream, gzipped, limits.MAX_ARCHIVE_BYTES)
    try:
        first = capped.head(16)
    except ArchiveStop as e:
        raise InputError(path, f"not a readable gzip file ({e})") from None
    if not first.startswith(WARC_STARTS):
        what = "gzip-compressed, but not a WARC archive" if gzipped else "not a WARC archive"
        raise InputError(path, f"{what} (it starts with {first[:12]!r}); decompress it or give it as text")
    records = ArchiveIterator(capped)
    n = errors = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except Exception as e:  # warcio raises a mix of types for bad or cut-off archives
            yield _stop(path, n + 1, capped.file_offset(records.offset), e, n)
            return
        n += 1
        where = f"record {n} (offset {capped.file_offset(records.offset)})"
        try:
            item = _record_article(record, capped, path, where, f"{path}#{n}", outlet)
        except ArchiveStop as e:
            yield _stop(path, n, capped.file_offset(records.offset), e, n - 1)
            return
        except InputError as e:
            item = e
        if item is None:
            continue
        yield item
        if isinstance(item, InputError):
            errors += 1
            if errors >= limits.MAX_ERRORS_PER_FILE:
                yield InputError(path, f"more than {limits.MAX_ERRORS_PER_FILE} bad records; stopped reading after {where}")
                return
    if n == 0:
        yield InputError(path, "no WARC records in the archive")


def _stop(path: str, number: int, offset: int, e: Exception, done: int) -> InputError:
    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    if isinstance(e, EOFError) or "truncat" in msg.lower():
        msg = f"truncated archive ({msg})" if "truncat" not in msg.lower() else msg
    if done == 0 and not isinstance(e, ArchiveStop):
        msg = f"not a readable WARC archive ({msg})"
    return InputError(path, f"record {number} (offset {offset}): {msg}; stopped after {done} records")


def _record_article(record: Any, capped: CappedStream, path: str, where: str, source: str,
                    outlet: str | None) -> Article | InputError | None:
    """The article of one record, an InputError for a bad HTML record, None for records that
    hold no page (requests, metadata, images, redirects)."""
    declared = int(record.length or 0)
    capped.allow(declared)
    if declared > limits.MAX_WARC_RECORD_BYTES:
        return InputError(path, f"{where}: too large ({limits.mb(declared)} MB > {limits.mb(limits.MAX_WARC_RECORD_BYTES)} MB limit for one record); skipped")
    if record.rec_type not in ARTICLE_TYPES:
        return None
    if record.rec_type == "response":
        if record.http_headers is None:
            return None
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            return None
        ctype = record.http_headers.get_header("Content-Type") or ""
    else:
        ctype = record.rec_headers.get_header("Content-Type") or ""
    if ctype and "html" not in ctype.lower():
        return None
    payload = _payload(record, path, where)
    if not ctype and sniff(payload[:4096]) != HTML:
        return None
    charset = ctype.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'") if "charset=" in ctype.lower() else None
    try:
        html = decode_html(payload, path, charset)
        return article_from_html(html, path, source, outlet=outlet,
                                 url=record.rec_headers.get_header("WARC-Target-URI"),
                                 published=normalise_date(record.rec_headers.get_header("WARC-Date")))
    except InputError as e:
        return InputError(path, f"{where}: {e.message}")


def _payload(record: Any, path: str, where: str) -> bytes:
    """The record's body, HTTP transfer/content encodings undone, capped; then the rest of the
    record is read so a record cut off by the end of the file is noticed."""
    limit = limits.MAX_WARC_RECORD_BYTES
    parts: list[bytes] = []
    got = 0
    try:
        body = record.content_stream()
        while got <= limit:
            chunk = body.read(CHUNK)
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
    except ArchiveStop:
        raise
    except Exception as e:  # zlib/brotli errors from a broken Content-Encoding
        raise InputError(path, f"{where}: cannot decode the HTTP body ({type(e).__name__}: {e})") from None
    while record.raw_stream.read(CHUNK):
        pass
    if getattr(record.raw_stream, "limit", 0) > 0:
        raise ArchiveStop(f"truncated: the file ends {record.raw_stream.limit} bytes before the end of this record")
    if got > limit:
        raise InputError(path, f"{where}: body decompresses to more than the {limits.mb(limit)} MB limit for one record (gzip bomb?)")
    return b"".join(parts)
