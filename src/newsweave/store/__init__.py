"""Storage. ``open_store(url)`` gives a SQLite store for a path, PostgreSQL for a postgresql:// URL."""
from __future__ import annotations

from .sqlite import SQLiteStore


def open_store(url: str, readonly: bool = False):
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore  # only imported when asked for

        return PostgresStore(url)
    return SQLiteStore(url, readonly=readonly)


__all__ = ["open_store", "SQLiteStore"]
