"""Size limits of the readers. Module constants, read at call time (so a caller may lower them)."""
from __future__ import annotations

MB = 1024 * 1024

MAX_ARTICLE_BYTES = 10 * MB  # one plain-text or HTML article (file, stdin, JSONL html field)
MAX_LINE_BYTES = 5 * MB  # one JSONL line; JSONL files themselves are streamed, any size
MAX_JSON_BYTES = 100 * MB  # a .json array file, which must be loaded whole
MAX_FEED_BYTES = 20 * MB  # an RSS/Atom file
MAX_WARC_RECORD_BYTES = 10 * MB  # one WARC record's decompressed content
MAX_ARCHIVE_BYTES = 1024 * MB  # all decompressed bytes of one WARC file (gzip-bomb guard)
MAX_JSON_DEPTH = 64  # nesting of one JSON article record (its extra fields are stored as JSON again)
MAX_ERRORS_PER_FILE = 100  # then the file is given up (a misnamed binary is not worth 1e6 errors)
HEAD_BYTES = 64 * 1024  # what format sniffing looks at
MIN_HTML_WORDS = 5  # an HTML page with fewer extracted words has no article


def mb(n: int) -> str:
    """Bytes as a short MB figure for messages: 52428800 -> '50'."""
    v = n / MB
    return f"{v:.0f}" if v >= 10 or v == int(v) else f"{v:.1f}"
