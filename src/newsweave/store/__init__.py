"""Storage. ``open_store(url)`` gives a SQLite store for a path, PostgreSQL for a postgresql:// URL."""
from __future__ import annotations

from datetime import date, datetime

from .sqlite import SQLiteStore

# The largest offset (and CLI page size) a story listing takes: far above any real database, and
# well inside the 64-bit integers SQLite and PostgreSQL bind (a larger Python int overflows there).
MAX_OFFSET = 1_000_000_000


def time_bound(value: str | None, end: bool = False) -> str | None:
    """An ISO date or date-time as a story listing's ``since``/``until`` compares it (None: no bound);
    a bare date as ``until`` (``end``) covers its whole day. ValueError for anything else."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        if len(value) == 10:
            date.fromisoformat(value)
            return value + "T99" if end else value  # "T99" sorts after every time of that day
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"expected an ISO date (2025-02-04) or date-time (2025-02-04T10:00:00Z), got {value!r}") from None
    return value


def open_store(url: str, readonly: bool = False):
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore  # only imported when asked for

        return PostgresStore(url)
    return SQLiteStore(url, readonly=readonly)


__all__ = ["open_store", "SQLiteStore", "MAX_OFFSET", "time_bound"]
