"""Ingest readers: files, folders and stdin in, Articles (and InputErrors for bad input) out.

``read_paths`` never raises for bad input: every problem is yielded as one ``InputError`` naming
the file (and the line, entry or record), and reading goes on with the rest of the batch.

Formats, chosen by content with the file name as tie-breaker (see ``sniff``): plain text (one
article per file, verbatim), HTML (trafilatura), JSONL / JSON (one article per object), RSS/Atom
(one per entry) and WARC / WARC.gz (one per HTML response). ``Article.source`` is the path, or
``path:line`` for JSONL and ``path#n`` for the n-th item of a feed, WARC or JSON array.
"""
from __future__ import annotations

import io
import logging
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any, BinaryIO

from ..errors import InputError
from ..model import Article
from . import limits
from .base import check_text_bytes, normalise_date
from .feed import read_feed
from .html import article_from_html, html_to_text, read_html
from .jsonl import article_from_record, read_json, read_jsonl
from .sniff import FEED, GZIP, HTML, JSON, JSONL, TEXT, WARC, binary_kind, sniff
from .text import read_text
from .warc import read_warc

__all__ = [
    "read_paths", "read_file", "read_stream", "read_bytes", "iter_files", "article_from_record",
    "article_from_html", "html_to_text", "normalise_date", "sniff", "limits",
]
log = logging.getLogger(__name__)

STDIN = "-"
STDIN_NAME = "<stdin>"
# Not articles: passed over inside folders (a file named on the command line is always read).
SKIP_IN_FOLDERS = {
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".bmp", ".tif", ".tiff", ".mp3", ".mp4",
    ".wav", ".avi", ".mov", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".tar",
    ".tgz", ".bz2", ".xz", ".7z", ".rar", ".py", ".pyc", ".js", ".css", ".map", ".db", ".sqlite",
    ".exe", ".so", ".dll", ".bin", ".md", ".rst", ".csv", ".tsv", ".yaml", ".yml", ".toml", ".ini", ".cfg",
    # a server's log and pid files, a database's write-ahead log and journal beside its input folder
    ".log", ".pid", ".lock", ".db-wal", ".db-shm", ".db-journal", ".sqlite-wal", ".sqlite-shm", ".sqlite-journal",
}
SKIP_NAMES = ("readme", "license", "licence", "copying", "makefile")
NOT_REGULAR = "not a regular file (a named pipe, socket or device); skipped"
READERS = {TEXT: read_text, HTML: read_html, JSONL: read_jsonl, JSON: read_json, FEED: read_feed}


def read_paths(paths: Iterable[str], outlet: str | None = None, stdin: IO[Any] | None = None) -> Iterator[Article | InputError]:
    """Articles from files, folders (recursively, sorted, hidden names skipped) and ``"-"``
    (``stdin``, default ``sys.stdin``). ``outlet`` is used for articles that name none."""
    for p in paths:
        path = os.fspath(p)
        if path == STDIN:
            yield from read_stream(_binary(stdin if stdin is not None else sys.stdin), STDIN_NAME, outlet)
        elif os.path.isdir(path):
            found = False
            for item in iter_files(path):
                found = True
                if isinstance(item, InputError):
                    yield item
                else:
                    yield from _read_file(item, outlet, listed=True)
            if not found:
                yield InputError(path, "the folder holds no article files")
        else:
            yield from read_file(path, outlet)


def iter_files(folder: str, _seen: set[str] | None = None) -> Iterator[str | InputError]:
    """The files under ``folder`` in path order (names sorted, sub-folders in place). Hidden files
    and folders are skipped, and so are files that are plainly no articles: README/LICENSE,
    images, documents, code, CSV, logs, database journals. Linked folders are followed once (no loops)."""
    seen = _seen if _seen is not None else set()
    real = os.path.realpath(folder)
    if real in seen:
        return
    seen.add(real)
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        yield InputError(folder, f"cannot list folder: {e.strerror or e}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
            odd = not is_dir and not entry.is_file() and not entry.is_symlink()
        except OSError:
            is_dir = odd = False
        if is_dir:
            yield from iter_files(entry.path, seen)
        elif _skipped(entry.name):
            log.debug("%s: not an article file, passed over", entry.path)
        elif odd:  # opening a named pipe would wait for a writer forever
            yield InputError(entry.path, NOT_REGULAR)
        else:
            yield entry.path  # (a dangling link is reported when it is opened)


def _skipped(name: str) -> bool:
    low = name.lower()
    return low.startswith(".") or low.startswith(SKIP_NAMES) or os.path.splitext(low)[1] in SKIP_IN_FOLDERS


def read_file(path: str, outlet: str | None = None) -> Iterator[Article | InputError]:
    """The articles of one file; problems are yielded as InputErrors, never raised."""
    yield from _read_file(path, outlet, listed=False)


def _read_file(path: str, outlet: str | None, listed: bool) -> Iterator[Article | InputError]:
    """``listed``: found in a folder, so only a regular file is read (a file named by the user
    may be a pipe: ``newsweave run <(zcat x.jsonl.gz)``)."""
    try:
        f = _open_regular(path) if listed else open(path, "rb")
    except _NotRegular:
        yield InputError(path, NOT_REGULAR)
        return
    except FileNotFoundError:
        yield InputError(path, "no such file or directory")
        return
    except IsADirectoryError:
        yield InputError(path, "is a folder")
        return
    except OSError as e:
        yield InputError(path, f"cannot read: {e.strerror or e}")
        return
    with f:
        try:
            size: int | None = os.fstat(f.fileno()).st_size
        except OSError:
            size = None
        yield from read_stream(f, path, outlet, size)


class _NotRegular(Exception):
    pass


def _open_regular(path: str) -> BinaryIO:
    """``path`` opened for reading if it is a regular file. Opened without blocking, so a file
    replaced by a named pipe between listing and opening cannot stall the batch."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(mode):
            raise _NotRegular(path)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(data: bytes, name: str, outlet: str | None = None) -> Iterator[Article | InputError]:
    """The articles of an in-memory upload; ``name`` names it in errors (and its extension helps)."""
    yield from read_stream(io.BytesIO(data), name, outlet, len(data))


def read_stream(stream: BinaryIO, name: str, outlet: str | None = None, size: int | None = None) -> Iterator[Article | InputError]:
    """The articles of a binary stream of any supported format (sniffed from its first bytes)."""
    try:
        head, stream = _head(stream)
        if not head.strip():
            raise InputError(name, "empty file" if not head else "empty file (only whitespace)")
        kind = binary_kind(head)
        if kind:
            raise InputError(name, f"binary file ({kind}), not a supported format")
        fmt = sniff(head, name)
        if fmt not in (WARC, GZIP):
            check_text_bytes(head, name)  # NULs or UTF-16: one error, not one per JSONL line
        log.debug("%s: read as %s", name, fmt)
        if fmt in (WARC, GZIP):
            yield from read_warc(stream, name, outlet, size, gzipped=fmt == GZIP)
        else:
            yield from READERS[fmt](stream, name, outlet, size)
    except InputError as e:
        yield e
    except OSError as e:  # vanished, unreadable, I/O error mid-file
        yield InputError(name, f"cannot read: {e.strerror or e}")
    except Exception as e:  # a reader bug must not end the batch; log it in full for a report
        log.exception("%s: unexpected error", name)
        yield InputError(name, f"unexpected error while reading ({type(e).__name__}: {e})")


def _head(stream: BinaryIO) -> tuple[bytes, BinaryIO]:
    """The first bytes (for sniffing) and a stream that still starts at the beginning."""
    if stream.seekable():
        pos = stream.tell()
        head = stream.read(limits.HEAD_BYTES)
        stream.seek(pos)
        return head, stream
    peek = getattr(stream, "peek", None)
    if peek is not None:  # a pipe: a live JSONL stream must not wait for a full head
        seen = peek(limits.HEAD_BYTES)[: limits.HEAD_BYTES]
        if seen.lstrip().startswith(b"{"):
            return seen, stream
    head = stream.read(limits.HEAD_BYTES)
    return head, io.BufferedReader(_Prefixed(head, stream))


class _Prefixed(io.RawIOBase):
    """``head`` followed by the rest of ``stream``."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        if self.head:
            n = min(len(b), len(self.head))
            b[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.stream.read(len(b))
        b[: len(data)] = data
        return len(data)


def _binary(stream: IO[Any]) -> BinaryIO:
    """A binary view of stdin (or of a text stream handed in, as tests and callers may)."""
    if hasattr(stream, "buffer"):
        return stream.buffer
    if isinstance(stream, io.TextIOBase) or isinstance(getattr(stream, "read", lambda n: b"")(0), str):
        return io.BufferedReader(_Encoded(stream))
    return stream


class _Encoded(io.RawIOBase):
    """A text stream read as UTF-8 bytes."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream, self.pending = stream, b""

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        if not self.pending:
            self.pending = self.stream.read(max(1, len(b) // 4)).encode("utf-8")
        n = min(len(b), len(self.pending))
        b[:n], self.pending = self.pending[:n], self.pending[n:]
        return n
