"""The database schema as an ordered list of migrations, shared by SQLite and PostgreSQL.

A database records the number of migrations applied in ``meta.schema_version``; opening a store
applies the missing ones in order, inside one transaction. Never edit a released migration:
append a new one.
"""
from __future__ import annotations

MIGRATIONS: list[list[str]] = [
    # 1: articles, stories, entities
    [
        """CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        """CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            content_hash TEXT NOT NULL,
            story_id TEXT,
            duplicate_of TEXT,
            outlet TEXT,
            url TEXT,
            title TEXT,
            published TEXT,
            dateline TEXT,
            text TEXT NOT NULL,
            clean_text TEXT NOT NULL,
            segments TEXT NOT NULL,
            extra TEXT NOT NULL,
            source TEXT,
            analysis TEXT,
            seq INTEGER NOT NULL,
            ingested_at TEXT NOT NULL
        )""",
        "CREATE INDEX articles_story ON articles (story_id)",
        "CREATE INDEX articles_hash ON articles (content_hash)",
        "CREATE INDEX articles_outlet ON articles (outlet)",
        "CREATE INDEX articles_seq ON articles (seq)",
        """CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            first_seen TEXT,
            last_seen TEXT,
            updated_at TEXT NOT NULL,
            updated_seq INTEGER NOT NULL,
            n_articles INTEGER NOT NULL,
            n_sources INTEGER NOT NULL,
            n_corroborated INTEGER NOT NULL,
            n_single INTEGER NOT NULL,
            n_conflicting INTEGER NOT NULL,
            outlets TEXT NOT NULL,
            search_text TEXT NOT NULL,
            data TEXT NOT NULL
        )""",
        "CREATE INDEX stories_updated ON stories (updated_seq)",
        "CREATE INDEX stories_sources ON stories (n_sources)",
        """CREATE TABLE entities (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            aliases TEXT NOT NULL,
            roles TEXT NOT NULL
        )""",
        """CREATE TABLE story_entities (
            story_id TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            PRIMARY KEY (story_id, entity_id)
        )""",
        "CREATE INDEX story_entities_entity ON story_entities (entity_id)",
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)
