"""SQLite storage: the only module (with postgres.py) that speaks SQL.

Every write batch is one transaction, so a crash leaves either the whole batch or none of it.
WAL mode and a busy timeout let a server read while another process writes.
"""
from __future__ import annotations

import base64
import json
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import numpy as np

from ..errors import StoreError
from ..model import Analysis, Article, DateMention, Event, Mention, Sentence, SourceSpan, to_dict
from .schema import MIGRATIONS, SCHEMA_VERSION

ARTICLE_COLUMNS = ("id", "content_hash", "story_id", "duplicate_of", "outlet", "url", "title", "published",
                   "dateline", "text", "clean_text", "segments", "extra", "source", "analysis", "seq",
                   "ingested_at")


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # C0, DEL and C1 control characters (NUL among them)


_UNFOLDED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ß": "ss", "æ": "ae", "œ": "oe",
                           "þ": "th"})


def fold_accents(text: str) -> str:
    """Lower-case text without its accents ("Zoë Müller, Łódź" -> "zoe muller, lodz"), so that a
    search typed without them finds the names written with them."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_UNFOLDED))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def search_words(query: str) -> list[str]:
    """The words a story search looks for: lower-cased, a possessive ("Tokayev's") as its name,
    the punctuation around a word ("Zardari," "“Kazakhstan”") dropped."""
    out = []
    for word in CONTROL.sub(" ", query).lower().split():
        word = re.sub(r"['’]s$", "", word).strip(".,;:!?\"'“”‘’()[]")
        if word:
            out.append(word)
    return out


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SQLiteStore:
    """Articles, stories and entities in one SQLite file."""

    placeholder = "?"

    def __init__(self, path: str, readonly: bool = False):
        self.path = path
        self._local = threading.local()
        self.readonly = readonly
        try:
            self._migrate()
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path}: cannot open database: {e}") from e

    # -- connections -------------------------------------------------------------------------
    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 60000")
            if not self.readonly:
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; IMMEDIATE takes the write lock up front (no upgrade deadlocks)."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def _migrate(self) -> None:
        conn = self.conn
        conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: schema version {version} is newer than this newsweave ({SCHEMA_VERSION})")
        if version == SCHEMA_VERSION:
            return
        with self.transaction() as tx:
            row = tx.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row else 0  # re-read under the lock: another process may have migrated
            for statements in MIGRATIONS[version:]:
                for sql in statements:
                    tx.execute(sql.replace("CREATE TABLE meta", "CREATE TABLE IF NOT EXISTS meta"))
            tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    # -- articles ----------------------------------------------------------------------------
    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        return {r[0] for r in self._articles_by_id("id", ids)}

    def stored_texts(self, ids: Iterable[str]) -> dict[str, str]:
        """The stored (raw) text of each of ``ids`` that is stored."""
        return {r[0]: r[1] for r in self._articles_by_id("id, text", ids)}

    def _articles_by_id(self, columns: str, ids: Iterable[str]) -> Iterator[tuple]:
        """Rows of ``columns`` of the stored articles among ``ids``, looked up 500 ids at a time."""
        ids = list(ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            yield from self.conn.execute(f"SELECT {columns} FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
                                         chunk)

    def next_seq(self, conn=None) -> int:
        row = (conn or self.conn).execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()
        return int(row[0]) + 1

    def insert_articles(self, tx, rows: list[tuple[Analysis, str, str | None]]) -> None:
        """Insert (analysis, story id, duplicate_of) rows; existing ids are left as they are."""
        seq = self.next_seq(tx)
        stamp = now()
        for i, (an, story_id, dup) in enumerate(rows):
            a = an.article
            tx.execute(
                f"INSERT OR IGNORE INTO articles ({','.join(ARTICLE_COLUMNS)}) VALUES ({','.join('?' * len(ARTICLE_COLUMNS))})",
                (a.id, a.content_hash, story_id, dup, a.outlet, a.url, a.title, a.published,
                 json.dumps(a.dateline) if a.dateline else None, a.text, a.clean_text,
                 json.dumps(a.segments), json.dumps(a.extra, ensure_ascii=False), a.source,
                 json.dumps(analysis_to_json(an), ensure_ascii=False), seq + i, stamp),
            )

    def stories_of(self, article_ids: list[str]) -> list[str]:
        """The stories holding these articles, in the order the articles are given."""
        found: dict[str, str] = {}
        for i in range(0, len(article_ids), 500):
            chunk = article_ids[i:i + 500]
            q = f"SELECT id, story_id FROM articles WHERE id IN ({','.join('?' * len(chunk))})"
            found.update((r[0], r[1]) for r in self.conn.execute(q, chunk))
        return list(dict.fromkeys(found[a] for a in article_ids if found.get(a)))

    def article_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def get_article(self, article_id: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return dict(row) if row else None

    def load_analyses(self, story_id: str) -> list[tuple[Analysis, str | None]]:
        """A story's articles as (Analysis, duplicate_of), in arrival order."""
        rows = self.conn.execute("SELECT * FROM articles WHERE story_id = ? ORDER BY seq", (story_id,)).fetchall()
        return [(row_to_analysis(r), r["duplicate_of"]) for r in rows]

    def recent_analyses(self, limit: int) -> list[tuple[Analysis, str | None, str | None]]:
        """The newest ``limit`` articles as (Analysis, story id, duplicate_of), oldest first."""
        rows = self.conn.execute("SELECT * FROM articles ORDER BY seq DESC LIMIT ?", (limit,)).fetchall()
        return [(row_to_analysis(r), r["story_id"], r["duplicate_of"]) for r in reversed(rows)]

    # -- stories -----------------------------------------------------------------------------
    def save_story(self, tx, story: dict[str, Any], entities: list[dict[str, Any]]) -> None:
        counts = story.get("counts", {})
        search = " ".join([story.get("title") or ""] + [a.get("title") or "" for a in story["articles"]]
                          + [e["name"] for e in entities]).lower()
        if fold_accents(search) != search:  # both spellings: "müller" and "muller" find it
            search += " " + fold_accents(search)
        seq = self.next_seq(tx)
        tx.execute("DELETE FROM stories WHERE id = ?", (story["id"],))
        tx.execute(
            "INSERT INTO stories (id, title, first_seen, last_seen, updated_at, updated_seq, n_articles, n_sources,"
            " n_corroborated, n_single, n_conflicting, outlets, search_text, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (story["id"], story["title"], story.get("first_seen"), story.get("last_seen"), now(), seq,
             len(story["articles"]), story.get("independent_sources", 0), counts.get("corroborated", 0),
             counts.get("single_source", 0), counts.get("conflicting", 0),
             json.dumps(story.get("outlets", []), ensure_ascii=False), search,
             json.dumps(story, ensure_ascii=False)),
        )
        tx.execute("DELETE FROM story_entities WHERE story_id = ?", (story["id"],))
        for e in entities:
            tx.execute(
                "INSERT INTO entities (id, name, type, aliases, roles) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET aliases = excluded.aliases, roles = excluded.roles",
                (e["id"], e["name"], e["type"], json.dumps(e.get("aliases", []), ensure_ascii=False),
                 json.dumps(e.get("roles", []), ensure_ascii=False)),
            )
            tx.execute("INSERT OR IGNORE INTO story_entities (story_id, entity_id) VALUES (?, ?)", (story["id"], e["id"]))

    def get_story(self, story_id: str) -> dict[str, Any] | None:
        raw = self.get_story_json(story_id)
        return json.loads(raw) if raw is not None else None

    def get_story_json(self, story_id: str) -> str | None:
        """The story JSON as stored (the API sends it as is: no parse and re-encode per request)."""
        row = self.conn.execute("SELECT data FROM stories WHERE id = ?", (story_id,)).fetchone()
        return row[0] if row else None

    def list_stories(self, *, query: str | None = None, outlet: str | None = None, entity: str | None = None,
                     since: str | None = None, until: str | None = None, sort: str = "updated",
                     limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Story summaries (no facts), newest update first or by independent sources."""
        where, args = _story_filter(query, outlet, entity, since, until)
        order = "n_sources DESC, updated_seq DESC" if sort == "sources" else "updated_seq DESC"
        sql = ("SELECT id, title, first_seen, last_seen, updated_at, n_articles, n_sources, n_corroborated,"
               " n_single, n_conflicting, outlets FROM stories" + where
               + f" ORDER BY {order} LIMIT ? OFFSET ?")
        rows = self.conn.execute(sql, args + [limit, offset]).fetchall()
        return [story_row(r) for r in rows]

    def count_stories(self, *, query: str | None = None, outlet: str | None = None, entity: str | None = None,
                      since: str | None = None, until: str | None = None) -> int:
        """How many stories ``list_stories`` would page through with the same filters."""
        where, args = _story_filter(query, outlet, entity, since, until)
        return int(self.conn.execute("SELECT COUNT(*) FROM stories" + where, args).fetchone()[0])

    def story_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0])

    # -- entities ----------------------------------------------------------------------------
    def get_entity(self, entity_id: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT * FROM entities WHERE id = ?", (entity_id,)).fetchone()
        if not row:
            return None
        stories = self.conn.execute(
            "SELECT s.id, s.title, s.first_seen, s.last_seen, s.updated_at, s.n_articles, s.n_sources,"
            " s.n_corroborated, s.n_single, s.n_conflicting, s.outlets FROM stories s"
            " JOIN story_entities se ON se.story_id = s.id WHERE se.entity_id = ? ORDER BY s.updated_seq DESC",
            (entity_id,)).fetchall()
        return {"id": row["id"], "name": row["name"], "type": row["type"], "aliases": json.loads(row["aliases"]),
                "roles": json.loads(row["roles"]), "stories": [story_row(s) for s in stories]}

    def list_entities(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT e.*, COUNT(se.story_id) AS n_stories FROM entities e LEFT JOIN story_entities se"
            " ON se.entity_id = e.id GROUP BY e.id ORDER BY n_stories DESC, e.name").fetchall()
        return [{"id": r["id"], "name": r["name"], "type": r["type"], "aliases": json.loads(r["aliases"]),
                 "roles": json.loads(r["roles"]), "stories": r["n_stories"]} for r in rows]

    def all_story_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM stories ORDER BY updated_seq")]

    def integrity_ok(self) -> bool:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _story_filter(query: str | None, outlet: str | None, entity: str | None, since: str | None,
                  until: str | None) -> tuple[str, list[Any]]:
    """The WHERE clause (with its leading space, or empty) and arguments of a story listing's filters."""
    where, args = [], []
    if query:
        # a NUL would end the LIKE pattern early (and match every story): control characters split words
        for word in search_words(query):
            # as typed, or without its accents (stories saved since accents are folded hold both)
            forms = list(dict.fromkeys([word, fold_accents(word)]))
            where.append("(" + " OR ".join(["search_text LIKE ? ESCAPE '\\'"] * len(forms)) + ")")
            args += ["%" + f.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for f in forms]
    if outlet:
        where.append("id IN (SELECT story_id FROM articles WHERE lower(outlet) = lower(?))")  # "reuters" finds "Reuters"
        args.append(outlet)
    if entity:
        where.append("id IN (SELECT story_id FROM story_entities WHERE entity_id = ?)")
        args.append(entity)
    if since:
        where.append("last_seen >= ?")
        args.append(since)
    if until:
        where.append("first_seen <= ?")
        args.append(until)
    return (" WHERE " + " AND ".join(where) if where else ""), args


def story_row(r) -> dict[str, Any]:
    return {"id": r["id"], "title": r["title"], "first_seen": r["first_seen"], "last_seen": r["last_seen"],
            "updated_at": r["updated_at"], "articles": r["n_articles"], "independent_sources": r["n_sources"],
            "counts": {"corroborated": r["n_corroborated"], "single_source": r["n_single"],
                       "conflicting": r["n_conflicting"]},
            "outlets": json.loads(r["outlets"])}


def analysis_to_json(an: Analysis) -> dict[str, Any]:
    data = {"sentences": to_dict(an.sentences), "mentions": to_dict(an.mentions),
            "dates": to_dict(an.dates), "events": to_dict(an.events)}
    if an.vector is not None:  # the lead's embedding (float32, base64): a re-load need not encode it again
        data["vector"] = base64.b64encode(np.asarray(an.vector, dtype="<f4").tobytes()).decode("ascii")
    return data


def _vector(data: dict[str, Any]):
    raw = data.get("vector")
    if not raw:
        return None  # (stored before vectors were kept: clustering encodes the lead again)
    return np.frombuffer(base64.b64decode(raw), dtype="<f4").astype(np.float32)


def row_to_article(r) -> Article:
    return Article(id=r["id"], text=r["text"], title=r["title"], outlet=r["outlet"], url=r["url"],
                   published=r["published"], dateline=json.loads(r["dateline"]) if r["dateline"] else None,
                   clean_text=r["clean_text"], segments=[tuple(s) for s in json.loads(r["segments"])],
                   source=r["source"], extra=json.loads(r["extra"]), content_hash=r["content_hash"])


def row_to_analysis(r) -> Analysis:
    article = row_to_article(r)
    data = json.loads(r["analysis"] or "{}")
    events = []
    for e in data.get("events", []):
        e = dict(e)
        e["sources"] = [SourceSpan(**s) for s in e.get("sources", [])]
        events.append(Event(**e))
    return Analysis(article=article,
                    sentences=[Sentence(**s) for s in data.get("sentences", [])],
                    mentions=[Mention(**m) for m in data.get("mentions", [])],
                    dates=[DateMention(**d) for d in data.get("dates", [])],
                    events=events, vector=_vector(data))
