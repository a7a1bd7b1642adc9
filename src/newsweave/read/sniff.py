"""Which reader a file needs: decided by its first bytes, with the file name as a tie-breaker."""
from __future__ import annotations

import json
import os

TEXT, HTML, JSONL, JSON, FEED, WARC, GZIP = "text", "html", "jsonl", "json", "feed", "warc", "gzip"

EXTENSIONS = {
    ".txt": TEXT, ".text": TEXT, ".html": HTML, ".htm": HTML, ".xhtml": HTML, ".shtml": HTML,
    ".jsonl": JSONL, ".ndjson": JSONL, ".jsonlines": JSONL, ".json": JSON,
    ".xml": FEED, ".rss": FEED, ".atom": FEED, ".rdf": FEED, ".warc": WARC, ".gz": GZIP,
}
# First bytes of common binary formats, for a message better than "NUL byte at offset 7".
MAGIC = [
    (b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a ZIP archive (or Office document)"),
    (b"\x7fELF", "an executable"), (b"SQLite format 3", "an SQLite database"),
    (b"BZh", "a bzip2 archive"), (b"\xfd7zXZ", "an xz archive"), (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"RIFF", "a RIFF media file"), (b"ID3", "an MP3 file"),
]
FEED_MARKS = (b"<rss", b"<feed", b"<rdf:rdf")
HTML_MARKS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<article", b"<meta", b"<title",
              b"<div", b"<p>", b"<p ", b"<main", b"<section", b"<h1", b"<h2", b"<table", b"<span", b"<a ")


def extension(name: str) -> str:
    """The lower-case extension; '.gz' files are sniffed inside, so 'x.warc.gz' needs no more."""
    return os.path.splitext(name)[1].lower()


def binary_kind(head: bytes) -> str | None:
    """What a binary file looks like, or None when its first bytes are not a known binary format."""
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    return None


def sniff(head: bytes, name: str = "") -> str:
    """The format of a file from its first bytes (content first; the extension breaks ties)."""
    ext = extension(name)
    if head.startswith(b"\x1f\x8b"):
        return GZIP
    if head.startswith(b"WARC/"):
        return WARC
    s = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    s = s.lstrip()
    low = s[:4096].lower()
    if low.startswith(b"<"):
        if any(m in low for m in FEED_MARKS):
            return FEED
        if low.startswith(b"<!doctype html") or any(m in low for m in HTML_MARKS):
            return HTML
        if low.startswith(b"<?xml"):
            return FEED
        return EXTENSIONS.get(ext, HTML)
    if s.startswith(b"{"):
        if ext == ".json":
            return JSON
        if ext in (".txt", ".text") and not _first_line_is_json(s):
            return TEXT
        return JSONL
    if s.startswith(b"[") and ext not in (".txt", ".text"):
        return JSON
    fmt = EXTENSIONS.get(ext, TEXT)
    return TEXT if fmt in (HTML, FEED) else fmt  # no markup inside: it is text


def _first_line_is_json(s: bytes) -> bool:
    line = s.split(b"\n", 1)[0]
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False
