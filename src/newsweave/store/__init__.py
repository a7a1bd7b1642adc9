"""Storage. ``open_store(url)`` gives a SQLite store for a path, PostgreSQL for a postgresql:// URL."""
from __future__ import annotations

from .sqlite import SQLiteStore

# The largest offset (and CLI page size) a story listing takes: far above any real database, and
# well inside the 64-bit integers SQLite and PostgreSQL bind (a larger Python int overflows there).
MAX_OFFSET = 1_000_000_000


def open_store(url: str, readonly: bool = False):
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore  # only imported when asked for

        return PostgresStore(url)
    return SQLiteStore(url, readonly=readonly)


__all__ = ["open_store", "SQLiteStore", "MAX_OFFSET"]
