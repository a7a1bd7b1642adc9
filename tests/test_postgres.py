"""PostgreSQL store against a real PostgreSQL server started for this module (tests/pg_server.py).

Every test gets its own fresh database. The PostgreSQL store must behave exactly like the SQLite
one: same schema, same rows back, same stories from the same input, and no lost or doubled
articles when several writers share the database.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import threading
from pathlib import Path

import psycopg
import pytest

import pg_server
from conftest import DATA, NEWSWEAVE, SEEDS
from newsweave.errors import StoreError
from newsweave.store import SQLiteStore, open_store
from newsweave.store.postgres import PostgresStore
from newsweave.store.schema import SCHEMA_VERSION

STREAM = DATA / "ecbplus-120.jsonl"


@pytest.fixture(scope="module")
def pg():
    if pg_server.find_binaries() is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed: apt-get install postgresql")
    server = pg_server.start()
    yield server
    server.stop()


@pytest.fixture()
def pg_url(pg) -> str:
    return pg.create_database()


def _stream_sample(tmp_path: Path, n: int, name: str = "sample.jsonl") -> Path:
    """The first ``n`` articles of the ECB+ test stream (several topics, similar-but-different events)."""
    path = tmp_path / name
    path.write_text("\n".join(STREAM.read_text().splitlines()[:n]) + "\n")
    return path


def _ingest(store, paths: list[Path], batch_size: int = 16):
    from newsweave.pipeline import Pipeline
    from newsweave.read import read_paths

    return Pipeline(store, batch_size=batch_size).ingest(read_paths([str(p) for p in paths]))


def _analyses(paths: list[Path]):
    """Real cleaned and analysed articles, without clustering."""
    from newsweave.analyse import analyse
    from newsweave.clean import clean_batch
    from newsweave.read import read_paths

    return list(analyse(clean_batch([a for a in read_paths([str(p) for p in paths]) if not isinstance(a, Exception)])))


def _pg_columns(url: str) -> dict[str, list[str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT table_name, column_name FROM information_schema.columns"
                            " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position").fetchall()
    out: dict[str, list[str]] = {}
    for table, col in rows:
        out.setdefault(table, []).append(col)
    return out


def _sqlite_columns(path: str) -> dict[str, list[str]]:
    con = sqlite3.connect(path)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: [r[1] for r in con.execute(f"PRAGMA table_info({t})")] for t in tables}


def _without_stamps(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in ("updated_at", "ingested_at")} for r in rows]


# -- schema and migrations --------------------------------------------------------------------------

def test_migrations_give_the_sqlite_schema_and_reopen_cleanly(pg_url, db_path):
    store = open_store(pg_url)
    assert isinstance(store, PostgresStore)
    assert store.schema_version() == SCHEMA_VERSION
    assert _pg_columns(pg_url) == _sqlite_columns(SQLiteStore(db_path).path)
    assert store.integrity_ok()
    again = open_store(pg_url)  # a second open applies nothing and fails on nothing
    assert again.schema_version() == SCHEMA_VERSION
    assert again.article_count() == 0


def test_concurrent_first_opens_migrate_once(pg_url):
    errors: list[BaseException] = []

    def opener():
        try:
            open_store(pg_url).close()
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=opener) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert open_store(pg_url).schema_version() == SCHEMA_VERSION


def test_a_database_from_a_newer_newsweave_is_refused(pg_url):
    open_store(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE meta SET value = %s WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    with pytest.raises(StoreError, match="newer"):
        open_store(pg_url)


def test_an_unreachable_server_is_a_store_error_without_the_password(pg):
    with pytest.raises(StoreError) as err:
        open_store(f"postgresql://newsweave:s3cret@127.0.0.1:{pg.port}/no_such_database")
    assert "no_such_database" in str(err.value) and "s3cret" not in str(err.value)


def test_unix_socket_url_opens_the_same_database(pg, pg_url):
    open_store(pg_url).conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("probe", "via tcp"))
    via_socket = open_store(pg.socket_url(pg_url.rsplit("/", 1)[1]))
    assert via_socket.conn.execute("SELECT value FROM meta WHERE key = ?", ("probe",)).fetchone()["value"] == "via tcp"


# -- the SQLite dialect, spoken to PostgreSQL --------------------------------------------------------

def test_sqlite_dialect_statements_give_the_same_results(pg_url, db_path):
    stores = [SQLiteStore(db_path), open_store(pg_url)]
    results = []
    for s in stores:
        c = s.conn
        with s.transaction() as tx:
            tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", ("k?", "50% off"))
            tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", ("k?", "100% off"))
            tx.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", ("k?", "ignored"))
            tx.execute("INSERT OR IGNORE INTO meta SELECT key || '2', value FROM meta WHERE key = ?", ("k?",))
        c.execute("PRAGMA optimize")  # a PRAGMA the store may issue: harmless on PostgreSQL
        row = c.execute("SELECT key, value, 'a?b%' AS lit, ? AS p FROM meta WHERE key LIKE ? ESCAPE '\\'",
                        ("x", "k?")).fetchone()
        agg = c.execute("SELECT IFNULL(NULL, 'none'), GROUP_CONCAT(key) FROM meta WHERE key LIKE ?", ("K?",)).fetchone()
        results.append((row[0], row["value"], row["lit"], row[3], dict(row), tuple(agg)))
    assert results[0] == results[1]
    assert results[1][1] == "100% off"


def test_a_failed_transaction_writes_nothing(pg_url):
    store = open_store(pg_url)
    with pytest.raises(RuntimeError):
        with store.transaction() as tx:
            tx.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("half", "done"))
            raise RuntimeError("crash mid-batch")
    assert store.conn.execute("SELECT COUNT(*) FROM meta WHERE key = 'half'").fetchone()[0] == 0
    with store.transaction() as tx:  # the connection is usable again
        tx.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("after", "ok"))
    assert store.conn.execute("SELECT value FROM meta WHERE key = 'after'").fetchone()[0] == "ok"


# -- round trips -------------------------------------------------------------------------------------

def test_articles_round_trip_like_sqlite_and_reinsert_is_ignored(pg_url, db_path):
    analyses = _analyses(SEEDS)
    rows = [(an, "s-seeds", None) for an in analyses]
    sqlite_store, pg_store = SQLiteStore(db_path), open_store(pg_url)
    for store in (sqlite_store, pg_store):
        for _ in range(2):  # the second insert of the same ids changes nothing
            with store.transaction() as tx:
                store.insert_articles(tx, rows)
    ids = [an.article.id for an in analyses]
    assert pg_store.article_count() == len(ids) == 2
    assert pg_store.existing_ids(ids + ["missing"]) == set(ids)
    assert pg_store.stories_of(ids) == ["s-seeds"]
    for aid in ids:
        got = pg_store.get_article(aid)
        assert _without_stamps([got]) == _without_stamps([sqlite_store.get_article(aid)])
    loaded = pg_store.load_analyses("s-seeds")
    assert loaded == sqlite_store.load_analyses("s-seeds")
    for (an, dup), original in zip(loaded, analyses):
        assert dup is None
        assert an.article.text == original.article.text  # verbatim, byte for byte
        assert an.sentences == original.sentences and an.mentions == original.mentions
        assert (an.vector == original.vector).all() and an.vector.shape == (768,)  # the lead's embeddings
        for m in an.mentions:
            assert an.article.text[m.start:m.end] == m.text
    assert pg_store.recent_analyses(10) == sqlite_store.recent_analyses(10)


def test_pipeline_on_postgres_gives_the_same_stories_as_on_sqlite(pg_url, db_path, tmp_path):
    sample = _stream_sample(tmp_path, 30)
    sqlite_store, pg_store = SQLiteStore(db_path), open_store(pg_url)
    reports = [_ingest(s, [*SEEDS, sample]) for s in (sqlite_store, pg_store)]
    assert reports[0].added == reports[1].added == 32
    assert reports[0].stories == reports[1].stories
    seeds_story = pg_store.stories_of([_analyses(SEEDS[:1])[0].article.id])
    assert len(pg_store.get_story(seeds_story[0])["articles"]) == 2  # the seeds: one story
    assert pg_store.story_count() == sqlite_store.story_count() > 1
    for sid in sqlite_store.all_story_ids():
        assert pg_store.get_story(sid) == sqlite_store.get_story(sid)
    word = max(sqlite_store.list_stories()[-1]["title"].split(), key=len).upper()  # any title word, upper-cased
    assert pg_store.list_stories(query=word)
    for kw in ({}, {"sort": "sources"}, {"query": "tokayev"}, {"query": word}, {"outlet": "TDI"}):
        # Stories saved in one batch tie on the sort key, and databases may order ties differently.
        ours, theirs = _without_stamps(pg_store.list_stories(**kw)), _without_stamps(sqlite_store.list_stories(**kw))
        assert sorted(ours, key=lambda r: r["id"]) == sorted(theirs, key=lambda r: r["id"]), kw
    by_sources = [r["independent_sources"] for r in pg_store.list_stories(sort="sources")]
    assert by_sources == sorted(by_sources, reverse=True)
    entities = pg_store.list_entities()
    assert sorted(entities, key=lambda e: e["id"]) == sorted(sqlite_store.list_entities(), key=lambda e: e["id"])
    assert entities and [e["stories"] for e in entities] == sorted((e["stories"] for e in entities), reverse=True)
    top = entities[0]["id"]
    assert sorted(r["id"] for r in pg_store.get_entity(top)["stories"]) == sorted(r["id"] for r in sqlite_store.get_entity(top)["stories"])
    assert sorted(r["id"] for r in pg_store.list_stories(entity=top)) == sorted(r["id"] for r in sqlite_store.list_stories(entity=top))
    again = _ingest(open_store(pg_url), [*SEEDS, sample])  # idempotent re-ingest
    assert again.added == 0 and again.already_stored == 32
    assert pg_store.article_count() == 32 and pg_store.integrity_ok()


# -- several writers ---------------------------------------------------------------------------------

def test_concurrent_batch_writers_never_share_a_sequence_number(pg_url):
    analyses = _analyses(SEEDS)
    open_store(pg_url)
    errors: list[BaseException] = []

    def writer(w: int):
        store = PostgresStore(pg_url)
        try:
            for b in range(15):
                rows = []
                for an in analyses:
                    copy = type(an)(**{**an.__dict__, "article": type(an.article)(**{**an.article.__dict__,
                                                                                   "id": f"w{w}-b{b}-{an.article.id}"})})
                    rows.append((copy, f"s{w}", None))
                with store.transaction() as tx:
                    store.insert_articles(tx, rows)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with psycopg.connect(pg_url) as conn:
        seqs = [r[0] for r in conn.execute("SELECT seq FROM articles")]
    assert len(seqs) == 4 * 15 * len(analyses)
    assert sorted(seqs) == list(range(1, len(seqs) + 1))  # unique and gap-free


def test_two_ingest_processes_and_a_reader_lose_nothing(pg_url, tmp_path, cli_env):
    lines = STREAM.read_text().splitlines()[:40]
    halves = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    halves[0].write_text("\n".join(lines[0::2]) + "\n")
    halves[1].write_text("\n".join(lines[1::2]) + "\n")
    open_store(pg_url)
    stop, errors, reads = threading.Event(), [], [0]

    def reader():
        store = open_store(pg_url)
        while not stop.is_set():
            try:
                for s in store.list_stories(limit=20):
                    assert store.get_story(s["id"]) is not None
                reads[0] += 1
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))
            stop.wait(0.01)

    t = threading.Thread(target=reader)
    t.start()
    procs = [subprocess.Popen([NEWSWEAVE, "ingest", str(h), "--db", pg_url, "--batch-size", "4", "-q"], env=cli_env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for h in halves]
    outs = [p.communicate(timeout=300) for p in procs]
    stop.set()
    t.join()
    for p, (_out, err) in zip(procs, outs):
        assert p.returncode == 0, err
    assert not errors, errors[:3]
    assert reads[0] > 0
    store = open_store(pg_url)
    assert store.integrity_ok()
    expected = {json.loads(line)["id"] for line in lines}
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT id, story_id, seq FROM articles").fetchall()
        stored = {sid: {a["id"] for a in json.loads(data)["articles"]}
                  for sid, data in conn.execute("SELECT id, data FROM stories")}
    assert sorted(r[0] for r in rows) == sorted(expected)
    assert len({r[2] for r in rows}) == len(rows)
    members: dict[str, set[str]] = {}
    for aid, sid, _seq in rows:
        assert sid, f"article {aid} has no story"
        members.setdefault(sid, set()).add(aid)
    assert stored == members  # every story's JSON lists exactly its articles, whichever process wrote last


def test_cli_reads_stories_from_a_postgresql_url(pg_url, cli_env):
    _ingest(open_store(pg_url), SEEDS)
    proc = subprocess.run([NEWSWEAVE, "stories", "--db", pg_url, "--format", "json"], capture_output=True,
                          text=True, env=cli_env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["total"] == 1 and out["stories"][0]["articles"] == 2
