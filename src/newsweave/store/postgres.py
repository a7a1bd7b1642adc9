"""PostgreSQL storage for multi-writer deployments: SQLiteStore's queries, run through psycopg.

``PostgresStore`` inherits every query method from ``SQLiteStore`` and replaces only what differs:
the connection, the write transaction, the migration lock and the integrity check. Each SQL
statement passes through ``translate()``, which rewrites the SQLite dialect the store speaks
(``?`` placeholders, ``INSERT OR IGNORE``/``OR REPLACE``, ``PRAGMA``, ``INTEGER`` columns) into
PostgreSQL, so a method added to SQLiteStore works here without a second copy.

Writers are serialised the way SQLite's ``BEGIN IMMEDIATE`` serialises them: every write
transaction first takes one transaction-scoped advisory lock. Sequence numbers (``MAX(seq) + 1``)
and story rebuilds therefore never race, and analysis — the expensive part — still runs in
parallel outside the lock.
"""
from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from ..errors import StoreError
from .sqlite import SQLiteStore

log = logging.getLogger(__name__)

# Advisory lock keys (any 64-bit numbers, unique to newsweave).
WRITE_LOCK = 0x6E657773_77726974  # "newswrit"
MIGRATE_LOCK = 0x6E657773_6D696772  # "newsmigr"

_QUOTED = re.compile(r"('(?:[^']|'')*'|\"[^\"]*\")")
_INSERT = re.compile(r"^\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+(\w+)\s*(?:\(([^)]*)\))?", re.I | re.S)
_PRAGMA = re.compile(r"^\s*PRAGMA\b", re.I)
_CREATE_TABLE = re.compile(r"^\s*CREATE\s+TABLE\b", re.I)
# SQLite functions and operators with another name in PostgreSQL. SQLite's LIKE ignores (ASCII) case.
_FUNCTIONS = [
    (re.compile(r"\bIFNULL\s*\(", re.I), "COALESCE("),
    (re.compile(r"\bGROUP_CONCAT\s*\(([^(),]+)\)", re.I), r"string_agg(CAST(\1 AS TEXT), ',')"),
    (re.compile(r"\bGROUP_CONCAT\s*\(", re.I), "string_agg("),
    (re.compile(r"(?<!I)\bLIKE\b", re.I), "ILIKE"),
]


class Row(tuple):
    """A result row readable like sqlite3.Row: by position, by column name, and as ``dict(row)``."""

    _names: tuple[str, ...] = ()
    _index: dict[str, int] = {}

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._index[key])
            except KeyError:
                raise IndexError(f"no such column: {key}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: psycopg.Cursor):
    """psycopg row factory making ``Row``s; one Row subclass per result shape."""
    if cursor.description is None:
        return tuple
    return _row_class(tuple(c.name for c in cursor.description))


@functools.lru_cache(maxsize=256)
def _row_class(names: tuple[str, ...]) -> type[Row]:
    return type("Row", (Row,), {"_names": names, "_index": {n: i for i, n in enumerate(names)}})


def _rename(part: str) -> str:
    part = part.replace("?", "%s")
    for pattern, repl in _FUNCTIONS:
        part = pattern.sub(repl, part)
    return part


def _outside_quotes(sql: str, fn) -> str:
    """Apply ``fn`` to the parts of ``sql`` outside string literals and quoted identifiers."""
    parts = _QUOTED.split(sql)
    return "".join(p if i % 2 else fn(p) for i, p in enumerate(parts))


@functools.lru_cache(maxsize=1024)
def translate(sql: str, primary_keys: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> str | None:
    """The PostgreSQL form of one SQLite statement; None for a statement with no equivalent
    (a PRAGMA), which the caller skips. ``primary_keys`` maps table → key columns for OR REPLACE."""
    if _PRAGMA.match(sql):
        return None
    # psycopg reads % as a placeholder marker everywhere, literals included: double them first.
    sql = sql.replace("%", "%%")
    sql = _outside_quotes(sql, _rename)
    if _CREATE_TABLE.match(sql):
        # SQLite integers are 64-bit; PostgreSQL's INTEGER is 32-bit.
        sql = _outside_quotes(sql, lambda p: re.sub(r"\bINTEGER\b", "BIGINT", p, flags=re.I))
    m = _INSERT.match(sql)
    if m:
        verb, table = m.group(1).upper(), m.group(2)
        cols = [c.strip() for c in m.group(3).split(",")] if m.group(3) else []
        sql = f"INSERT INTO {table}" + (f" ({', '.join(cols)})" if cols else " ") + sql[m.end():]
        if verb == "IGNORE":
            sql += " ON CONFLICT DO NOTHING"
        else:
            keys = dict(primary_keys).get(table.lower())
            if not keys or not cols:
                raise StoreError(f"INSERT OR REPLACE INTO {table}: needs a column list and a primary key on PostgreSQL")
            rest = [c for c in cols if c not in keys]
            update = ", ".join(f"{c} = EXCLUDED.{c}" for c in rest) if rest else None
            sql += f" ON CONFLICT ({', '.join(keys)}) " + (f"DO UPDATE SET {update}" if update else "DO NOTHING")
    return sql


class _Empty:
    """The result of a skipped statement (a PRAGMA): no rows."""

    def fetchone(self):
        return None

    def fetchall(self):
        return []

    def __iter__(self):
        return iter(())


class PgConnection:
    """A psycopg connection speaking the sqlite3 interface the store uses: ``execute(sql, params)``
    with SQLite-dialect SQL, returning a cursor of ``Row``s."""

    def __init__(self, raw: psycopg.Connection):
        self.raw = raw
        self._keys: dict[str, tuple[str, ...]] = {}

    def execute(self, sql: str, params: Sequence[Any] | None = None):
        pg = translate(sql, self._primary_keys(sql))
        if pg is None:
            return _Empty()
        return self.raw.execute(pg, tuple(params or ()))

    def executemany(self, sql: str, seq_of_params) -> None:
        pg = translate(sql, self._primary_keys(sql))
        if pg is not None:
            with self.raw.cursor() as cur:
                cur.executemany(pg, [tuple(p) for p in seq_of_params])

    def close(self) -> None:
        self.raw.close()

    def _primary_keys(self, sql: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Key columns of the table an INSERT OR REPLACE writes to (read from the catalogue once)."""
        m = _INSERT.match(sql)
        if not m or m.group(1).upper() != "REPLACE":
            return ()
        table = m.group(2).lower()
        if table not in self._keys:
            rows = self.raw.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass(%s) AND i.indisprimary"
                " ORDER BY array_position(i.indkey, a.attnum)", (table,)).fetchall()
            self._keys[table] = tuple(r[0] for r in rows)
        return ((table, self._keys[table]),)


class PostgresStore(SQLiteStore):
    """Articles, stories and entities in a PostgreSQL database (``postgresql://`` URL)."""

    placeholder = "%s"

    def __init__(self, url: str, readonly: bool = False):
        self.url = url
        try:
            super().__init__(url, readonly=readonly)
        except psycopg.Error as e:
            raise StoreError(f"{_redact(url)}: cannot open database: {e}") from e

    # -- connections -------------------------------------------------------------------------
    @property
    def conn(self) -> PgConnection:  # type: ignore[override]
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.raw.closed:
            raw = psycopg.connect(self.url, autocommit=True, row_factory=_row_factory)
            conn = PgConnection(raw)
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[PgConnection]:  # type: ignore[override]
        """One write transaction, holding the writers' lock so writers run one at a time."""
        conn = self.conn
        with conn.raw.transaction():
            conn.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield conn

    def _migrate(self) -> None:
        # A session lock around the whole migration: CREATE TABLE IF NOT EXISTS races in PostgreSQL.
        raw = self.conn.raw
        raw.execute("SELECT pg_advisory_lock(%s)", (MIGRATE_LOCK,))
        try:
            super()._migrate()
        finally:
            raw.execute("SELECT pg_advisory_unlock(%s)", (MIGRATE_LOCK,))

    def integrity_ok(self) -> bool:
        """PostgreSQL keeps its own integrity; check that the schema is current and no index is broken."""
        try:
            bad = self.conn.raw.execute(
                "SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
                " WHERE c.relnamespace = current_schema()::regnamespace AND NOT (i.indisvalid AND i.indisready)"
            ).fetchone()[0]
            return bad == 0 and self.schema_version() == self._expected_version()
        except psycopg.Error as e:
            log.error("integrity check failed: %s", e)
            return False

    @staticmethod
    def _expected_version() -> int:
        from .schema import SCHEMA_VERSION

        return SCHEMA_VERSION


def _redact(url: str) -> str:
    """The URL without its password, for error messages."""
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)


__all__ = ["PostgresStore", "translate", "Row"]
