"""End to end through the real pipeline and the `newsweave` command on the seed articles."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess

import pytest

from conftest import EXAMPLES, NEWSWEAVE, SEEDS
from newsweave.pipeline import Pipeline
from newsweave.read import read_paths
from newsweave.store import open_store


def newsweave(*args, env=None, input=None):
    return subprocess.run([NEWSWEAVE, *args], capture_output=True, text=True, env=env, input=input, timeout=600)


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory, cli_env):
    db = str(tmp_path_factory.mktemp("run") / "seeds.db")
    seeds = tmp_path_factory.mktemp("seeds")
    for p in EXAMPLES.glob("0*.txt"):
        shutil.copy(p, seeds / p.name)
    proc = newsweave("run", str(seeds), "--db", db, "--format", "json", "-q", env=cli_env)
    return db, seeds, proc


def test_run_on_seeds_gives_one_story_with_both_articles(seeds_run):
    _db, _seeds, proc = seeds_run
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert len(out["stories"]) == 1
    story = out["stories"][0]
    assert len(story["articles"]) == 2
    for key in ("id", "title", "articles", "facts", "summary"):
        assert key in story
    outlets = {a["outlet"] for a in story["articles"]}
    assert "TDI" in outlets
    tdi = next(a for a in story["articles"] if a["outlet"] == "TDI")
    assert tdi["dateline"] == {"place": "Islamabad", "outlet": "TDI"}
    for a in story["articles"]:
        assert set(a) >= {"id", "outlet", "url", "title", "published", "dateline"}


def test_no_furniture_in_facts_or_summary(seeds_run):
    out = json.loads(seeds_run[2].stdout)
    story = out["stories"][0]
    assert story["facts"] and story["summary"]
    texts = [f["text"] for f in story["facts"]] + [s["text"] for s in story["summary"]]
    texts += [src["text"] for f in story["facts"] for src in f["sources"]]
    assert not any("Read More" in t for t in texts)


def test_fact_sources_quote_the_stored_original_text(seeds_run):
    db, _seeds, proc = seeds_run
    story = json.loads(proc.stdout)["stories"][0]
    store = open_store(db)
    for fact in story["facts"]:
        assert fact["status"] in {"corroborated", "single_source", "conflicting"}
        for src in fact["sources"]:
            assert set(src) >= {"article", "outlet", "start", "end", "text"}
            text = store.get_article(src["article"])["text"]
            assert text[src["start"]:src["end"]] == src["text"]
    ids = {a["id"] for a in story["articles"]}
    for sentence in story["summary"]:
        assert sentence["sources"] and set(sentence["sources"]) <= ids


def test_reingesting_the_same_input_changes_nothing(seeds_run, cli_env):
    db, seeds, first = seeds_run
    def snapshot():
        con = sqlite3.connect(db)
        arts = con.execute("SELECT id, story_id, seq FROM articles ORDER BY id").fetchall()
        stories = con.execute("SELECT id, data FROM stories ORDER BY id").fetchall()
        con.close()
        return arts, stories
    before = snapshot()
    again = newsweave("run", str(seeds), "--db", db, "--format", "json", "-q", env=cli_env)
    assert again.returncode == 0, again.stderr
    assert snapshot() == before
    assert json.loads(again.stdout)["stories"] == json.loads(first.stdout)["stories"]
    assert json.loads(again.stdout)["report"]["added"] == 0


def test_story_and_stories_commands_read_the_database(seeds_run, cli_env):
    db, _s, proc = seeds_run
    story = json.loads(proc.stdout)["stories"][0]
    listed = newsweave("stories", "--db", db, "--format", "json", env=cli_env)
    assert [s["id"] for s in json.loads(listed.stdout)["stories"]] == [story["id"]]
    shown = newsweave("story", story["id"], "--db", db, "--format", "json", env=cli_env)
    assert json.loads(shown.stdout)["id"] == story["id"]
    md = newsweave("story", story["id"], "--db", db, "--format", "markdown", env=cli_env)
    assert md.stdout.startswith("# ") and "[1]" in md.stdout
    missing = newsweave("story", "nope", "--db", db, env=cli_env)
    assert missing.returncode != 0 and "no story" in missing.stderr


def test_bad_inputs_are_reported_and_the_rest_is_stored(tmp_path, cli_env):
    db = str(tmp_path / "bad.db")
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(EXAMPLES / "000_2915397796caa3a2.txt", batch / "good.txt")
    (batch / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    (batch / "latin1.txt").write_bytes("Caf\xe9 owners protest in S\xe3o Paulo.".encode("latin-1"))
    (batch / "empty.txt").write_text("")
    lines = [json.dumps({"id": "j1", "text": (EXAMPLES / "001_a65e9f800bec72dd.txt").read_text()}), "{not json"]
    (batch / "feed.jsonl").write_text("\n".join(lines) + "\n")
    proc = newsweave("run", str(batch), "--db", db, "--format", "json", "-q", env=cli_env)
    assert proc.returncode == 1
    errors = [l for l in proc.stderr.splitlines() if l.startswith("error:")]
    assert any("binary.txt" in e for e in errors)
    assert any("latin1.txt" in e for e in errors)
    assert any("empty.txt" in e for e in errors)
    assert any("feed.jsonl:2" in e for e in errors)
    # each said once, as "error: file…: reason" (no second copy as an ERROR log line), then the summary
    assert len(errors) == len(set(errors)) == 4 and "ERROR" not in proc.stderr
    assert proc.stderr.splitlines()[:-1] == errors and "4 errors" in proc.stderr.splitlines()[-1]
    out = json.loads(proc.stdout)
    assert sum(len(s["articles"]) for s in out["stories"]) == 2
    # a later bad batch loses nothing already stored
    store = open_store(db)
    before = store.article_count()
    (tmp_path / "worse.jsonl").write_text('{"id": "x"\n')
    proc2 = newsweave("ingest", str(tmp_path / "worse.jsonl"), "--db", db, "-q", env=cli_env)
    assert proc2.returncode == 1 and proc2.stderr.count("worse.jsonl:1") == 1
    assert open_store(db).article_count() == before == 2
    assert open_store(db).integrity_ok()


def test_stdin_and_outlet_option(tmp_path, cli_env):
    db = str(tmp_path / "stdin.db")
    text = (EXAMPLES / "000_2915397796caa3a2.txt").read_text()
    proc = newsweave("run", "-", "--outlet", "Daily Example", "--db", db, "--format", "json", "-q",
                     env=cli_env, input=text)
    assert proc.returncode == 0, proc.stderr
    [story] = json.loads(proc.stdout)["stories"]
    assert story["articles"][0]["outlet"] == "Daily Example"
    assert story["articles"][0]["dateline"] == {"place": "Karachi"}


def test_library_pipeline_keeps_later_articles_in_existing_stories(tmp_path, seed_paths):
    store = open_store(str(tmp_path / "lib.db"))
    first = Pipeline(store).ingest(read_paths([str(seed_paths[0])]))
    second = Pipeline(store).ingest(read_paths([str(seed_paths[1])]))  # a new process, same database
    assert first.added == 1 and second.added == 1
    assert second.stories == first.stories
    assert len(store.get_story(first.stories[0])["articles"]) == 2


def test_help_teaches_with_examples(cli_env):
    for cmd in (["--help"], ["run", "--help"], ["stories", "--help"], ["story", "--help"], ["ingest", "--help"]):
        proc = newsweave(*cmd, env=cli_env)
        assert proc.returncode == 0 and "Example" in proc.stdout, cmd


def test_a_missing_model_stops_the_command_with_a_clear_message(tmp_path, monkeypatch, seed_paths):
    from click.testing import CliRunner

    import newsweave.analyse.models as models
    from newsweave.cli import main

    monkeypatch.setattr(models, "SPACY_MODEL", "en_core_web_not_installed")
    models.nlp.cache_clear()
    try:
        result = CliRunner().invoke(main, ["run", str(seed_paths[0]), "--db", str(tmp_path / "m.db"), "-q"])
    finally:
        models.nlp.cache_clear()
    assert result.exit_code != 0
    assert "en_core_web_not_installed" in result.output and "not installed" in result.output
    assert "Traceback" not in result.output


def test_story_command_shows_each_side_of_a_disagreement_with_its_sources(tmp_path, cli_env):
    # The seeds plus a third outlet's copy of the second seed that says "three-day" visit: the
    # story view names the disputed value on each side, who says it and the sentence that does.
    first, second = (p.read_text(encoding="utf-8") for p in SEEDS)
    assert "two-day official visit" in second
    rows = [{"id": "one", "outlet": "First Outlet", "text": first}, {"id": "two", "outlet": "TDI", "text": second},
            {"id": "three", "outlet": "Another Outlet", "text": second.replace("two-day official visit",
                                                                              "three-day official visit")}]
    src = tmp_path / "conflict.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db = str(tmp_path / "conflict.db")
    proc = newsweave("run", str(src), "--db", db, "--format", "json", "-q", env=cli_env)
    assert proc.returncode == 0, proc.stderr
    [story] = json.loads(proc.stdout)["stories"]
    numbers = {a["id"]: n for n, a in enumerate(story["articles"], 1)}
    for fmt, indent in (("text", "      "), ("markdown", "  - ")):
        shown = newsweave("story", story["id"], "--db", db, "--format", fmt, env=cli_env).stdout
        sides = [line for line in shown.splitlines() if line.startswith(indent + "number “")]
        assert any(line.startswith(f"{indent}number “two-day” [{numbers['two']}]") and "official visit" in line
                   for line in sides), shown
        assert any(line.startswith(f"{indent}number “three-day” [{numbers['three']}]") for line in sides), shown
        assert "{'kind'" not in shown
    # the story JSON (run, story, the API) marks summary sentences holding one side of the conflict
    conflicting = {k for k, f in enumerate(story["facts"]) if f["status"] == "conflicting"}
    assert all(s["disputed"] == bool(conflicting & set(s["facts"])) for s in story["summary"])
    stored = json.loads(newsweave("story", story["id"], "--db", db, "--format", "json", env=cli_env).stdout)
    assert [s["disputed"] for s in stored["summary"]] == [s["disputed"] for s in story["summary"]]


def test_planted_copies_are_linked_and_not_counted_as_sources(tmp_path, cli_env):
    # A wire story re-published three ways: verbatim by another outlet, with a new first paragraph,
    # and under a different headline. All join the original's story as duplicates; only the
    # original and an independent report of the same visit count as sources.
    first, second = (p.read_text(encoding="utf-8") for p in SEEDS)
    body = first.split("\n", 1)[1]
    rows = [
        {"id": "orig", "outlet": "Wire One", "text": first, "published": "2025-02-04T08:00:00Z"},
        {"id": "indep", "outlet": "TDI", "text": second, "published": "2025-02-04T09:00:00Z"},
        {"id": "verbatim", "outlet": "Reposter", "text": first, "published": "2025-02-04T10:00:00Z"},
        {"id": "new-lead", "outlet": "Syndicator", "published": "2025-02-04T11:00:00Z",
         "text": "Syndicated from Wire One. Our correspondent adds context below.\n" + body},
        {"id": "new-title", "outlet": "Aggregator", "published": "2025-02-04T12:00:00Z",
         "title": "Kazakh leader lands in Islamabad", "text": body},
    ]
    src = tmp_path / "planted.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    proc = newsweave("run", str(src), "--db", str(tmp_path / "dup.db"), "--format", "json", "-q", env=cli_env)
    assert proc.returncode == 0, proc.stderr
    [story] = json.loads(proc.stdout)["stories"]
    dup_of = {a["id"]: a["duplicate_of"] for a in story["articles"]}
    assert dup_of == {"orig": None, "indep": None, "verbatim": "orig", "new-lead": "orig", "new-title": "orig"}
    assert story["independent_sources"] == 2
    # Copies quote the same sentences but never turn a single-source fact into a corroborated one.
    for fact in story["facts"]:
        independent = {s["article"] for s in fact["sources"]} & {"orig", "indep"}
        if fact["status"] != "conflicting":
            assert (fact["status"] == "corroborated") == (independent == {"orig", "indep"}), fact["text"]
    assert any(f["status"] == "single_source" and len(f["sources"]) >= 3 for f in story["facts"])


def test_a_growing_story_compares_its_first_and_latest_articles_only(tmp_path):
    # Rebuilding a story costs a bounded amount however large it grows: beyond the limit, its facts
    # come from its first and most recent originals (copies follow their original).
    from newsweave.analyse import analyse
    from newsweave.clean import clean
    from newsweave.model import Article
    from newsweave.pipeline import build_story, compared_members

    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    arts = [clean(Article(id=f"a{i}", text=texts[i % 2], outlet=f"Outlet {i}")) for i in range(6)]
    analyses = list(analyse(arts))
    members = [(an, None) for an in analyses] + [(analyses[5], None)]
    members[-1] = (members[-1][0], "a5")  # a copy of the latest original
    kept = compared_members(members, limit=5)
    assert [an.article.id for an, _ in kept] == ["a0", "a2", "a3", "a4", "a5", "a5"]
    story, _ = build_story("s", members, max_compared=5)
    assert story["compared_articles"] == 6 and len(story["articles"]) == 7
    cited = {src["article"] for f in story["facts"] for src in f["sources"]}
    assert "a1" not in cited and {"a0", "a5"} <= cited
    assert compared_members(members, limit=150) == members


def test_a_story_recompared_lazily_mid_ingest_is_up_to_date_when_the_ingest_ends(tmp_path, monkeypatch):
    # Mid-ingest a story is recompared only once it has grown by REFRESH_GROWTH; a batch in between
    # updates its article list but keeps its facts; the end of the ingest recompares what lags.
    import newsweave.pipeline as pipeline_mod
    from newsweave.analyse import analyse
    from newsweave.clean import clean
    from newsweave.model import Article
    from newsweave.pipeline import Report

    monkeypatch.setattr(pipeline_mod, "ALWAYS_REFRESH", 1)
    monkeypatch.setattr(pipeline_mod, "REFRESH_GROWTH", 10.0)
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    first, second = analyse([clean(Article(id=f"seed{i}", text=texts[i], outlet=f"Outlet {i}")) for i in range(2)])
    store = open_store(str(tmp_path / "lazy.db"))
    pipeline, report = Pipeline(store), Report()
    pipeline.add_analysed([first], report)
    pipeline.add_analysed([second], report)
    (story_id,) = report.stories
    lagging = store.get_story(story_id)
    assert len(lagging["articles"]) == 2 and lagging["compared_articles"] == 1
    assert lagging["counts"]["corroborated"] == 0  # facts still from the first article alone
    pipeline.flush(report)
    story = store.get_story(story_id)
    assert story["compared_articles"] == 2 and story["counts"]["corroborated"] >= 5
    assert {s["article"] for f in story["facts"] for s in f["sources"]} == {"seed0", "seed1"}
    # The whole ingest path flushes by itself: a fresh pipeline over the same input, one per batch.
    store2 = open_store(str(tmp_path / "ingest.db"))
    done = Pipeline(store2, batch_size=1).ingest([Article(id=f"seed{i}", text=texts[i], outlet=f"Outlet {i}") for i in range(2)])
    assert store2.get_story(done.stories[0])["compared_articles"] == 2


def test_two_pipelines_on_one_database_see_each_others_articles(tmp_path):
    # Two writers made before either wrote (two server processes, an ingest beside a server): the
    # second's articles must still join the story the first one stored, and copies its originals.
    store_a, store_b = open_store(str(tmp_path / "shared.db")), open_store(str(tmp_path / "shared.db"))
    a, b = Pipeline(store_a), Pipeline(store_b)
    first = a.ingest(read_paths([str(SEEDS[0])]))
    second = b.ingest(read_paths([str(SEEDS[1])]))
    assert first.stories == second.stories  # the same story, though b was seeded from an empty database
    from newsweave.model import Article

    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    copy = b.ingest([Article(id="mirror-0", text=texts[0], outlet="Mirror")])  # a copy of a's article
    again = a.ingest([Article(id="mirror-1", text=texts[1], outlet="Another")])  # a copy of b's
    assert copy.duplicates == 1 and again.duplicates == 1
    story = store_a.get_story(first.stories[0])
    assert len(story["articles"]) == 4 and story["independent_sources"] == 2


def test_worker_processes_give_the_same_stories_as_one_process(tmp_path):
    # With --processes 2 the articles are analysed in worker processes, the next batch while the
    # one before it is clustered and stored: the stored result must not depend on it. An id that
    # repeats in the next batch (prepared before the first was stored) is still stored once.
    import json as json_
    from conftest import DATA

    lines = (DATA / "cluster" / "ecbplus-48.jsonl").read_text(encoding="utf-8").splitlines()[:40]
    lines.insert(30, lines[3])  # batch 2 repeats an article of batch 1
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def stored(n_process: int):
        store = open_store(str(tmp_path / f"p{n_process}.db"))
        report = Pipeline(store, batch_size=28, n_process=n_process).ingest(read_paths([str(src)]))
        assert report.added == 40 and report.already_stored == 1 and not report.errors
        rows = store.conn.execute("SELECT id, story_id, duplicate_of, analysis FROM articles ORDER BY id").fetchall()
        stories = {sid: json_.loads(store.get_story_json(sid)) for sid in {r[1] for r in rows}}
        return ([(r[0], r[1], r[2], r[3]) for r in rows],
                {sid: (s["facts"], s["summary"]) for sid, s in stories.items()})

    assert stored(2) == stored(1)


def test_an_untitled_story_is_named_by_a_real_sentence_not_its_dateline():
    from newsweave.model import Analysis, Article, Sentence
    from newsweave.pipeline import story_title

    def analysis(*sentences):
        an = Analysis(article=Article(id="x", text=" ".join(sentences)))
        an.sentences = [Sentence("x", i, 0, len(t), t) for i, t in enumerate(sentences)]
        return an

    quake = analysis("27 NOVEMBER, 2005", "A strong earthquake hit the Iranian island of Qeshm on Sunday.")
    assert story_title([quake]) == "A strong earthquake hit the Iranian island of Qeshm on Sunday."
    assert story_title([analysis("ISLAMABAD", "Short.")]) == "ISLAMABAD"  # nothing better: the first line


def test_an_id_resent_with_other_text_is_named_and_the_stored_article_kept(tmp_path, cli_env):
    # A correction sent under the id of a stored article (or an id twice in one input with two
    # texts) is not silently "already stored": it is named, counted, and the first text stays.
    db = str(tmp_path / "c.db")
    first = tmp_path / "first.jsonl"
    first.write_text(json.dumps({"id": "g1", "text": SEEDS[0].read_text(encoding="utf-8")}) + "\n")
    assert newsweave("ingest", str(first), "--db", db, "-q", env=cli_env).returncode == 0
    second = tmp_path / "second.jsonl"
    corrected = SEEDS[0].read_text(encoding="utf-8").replace("Tokayev", "Tokaev")
    second.write_text(json.dumps({"id": "g1", "text": corrected}) + "\n"
                      + json.dumps({"id": "g2", "text": SEEDS[1].read_text(encoding="utf-8")}) + "\n"
                      + json.dumps({"id": "g2", "text": "Another text under the same id, sent twice."}) + "\n"
                      + json.dumps({"id": "g1", "text": corrected}) + "\n")
    out = newsweave("ingest", str(second), "--db", db, "-q", "--format", "json", env=cli_env)
    assert out.returncode == 0, out.stderr
    assert "id 'g1' is already stored with other text" in out.stderr
    assert "id 'g2' appears twice in this input with other text" in out.stderr
    con = sqlite3.connect(db)
    texts = dict(con.execute("SELECT id, text FROM articles"))
    con.close()
    assert "Tokayev" in texts["g1"] and texts["g2"] == SEEDS[1].read_text(encoding="utf-8")


def test_an_id_twice_in_one_input_split_across_batches_is_said_to_appear_twice(tmp_path, cli_env):
    # One article per batch: the second g2 comes while the first is still being analysed (the next
    # batch is read while one is stored), the second g1 after the first is stored; both are
    # repeats within this input, not articles stored before it, and the first text of each stays.
    db = str(tmp_path / "b.db")
    seeds = [p.read_text(encoding="utf-8") for p in SEEDS[:2]]
    seeds.append("Heavy rain flooded the town of Dale on Monday, officials said.")
    rows = [("g1", seeds[0]), ("g2", seeds[1]), ("g2", "Another text under the same id, sent twice."),
            ("g3", seeds[2]), ("g1", seeds[0].replace("Tokayev", "Tokaev")), ("g3", seeds[2])]
    src = tmp_path / "twice.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows), encoding="utf-8")
    out = newsweave("ingest", str(src), "--db", db, "-q", "--batch-size", "1", "--processes", "1",
                    "--format", "json", env=cli_env)
    assert out.returncode == 0, out.stderr
    assert "id 'g1' appears twice in this input with other text" in out.stderr
    assert "id 'g2' appears twice in this input with other text" in out.stderr
    assert "already stored with other text" not in out.stderr and "'g3'" not in out.stderr
    report = json.loads(out.stdout)
    report = report.get("report", report)
    assert report["added"] == 3 and report["already_stored"] == 3 and sorted(report["changed"]) == ["g1", "g2"]
    con = sqlite3.connect(db)
    texts = dict(con.execute("SELECT id, text FROM articles"))
    con.close()
    assert texts == {"g1": seeds[0], "g2": seeds[1], "g3": seeds[2]}


def test_lead_vectors_are_stored_and_reloaded_for_later_clustering(tmp_path, seed_paths):
    # New articles join stored stories by comparing with the stored members' lead embeddings: those
    # come back from the database as they were encoded, not encoded again.
    import numpy as np
    from newsweave.analyse import lead_text
    from newsweave.analyse.models import encode_sentences

    store = open_store(str(tmp_path / "vec.db"))
    Pipeline(store).ingest(read_paths([str(p) for p in seed_paths]))
    loaded = store.recent_analyses(10)
    assert len(loaded) == 2
    for an, _story, _dup in loaded:
        # the stock encoder's embedding of the lead, then the fine-tuned lead encoder's
        assert an.vector is not None and an.vector.shape == (768,) and an.vector.dtype == np.float32
        assert float(an.vector[:384] @ encode_sentences([lead_text(an.article)])[0]) > 0.999
        # (the lead encoder runs one lead at a time, so its embedding is the same in any batch)
        assert float(an.vector[384:] @ encode_sentences([lead_text(an.article)], leads=True)[0]) > 0.9999
        assert float(an.vector[:384] @ an.vector[384:]) < 0.99  # two models, two embeddings


def test_pages_without_article_text_are_errors_not_stories(tmp_path, cli_env):
    """A navigation-only page and a file of share / read-more lines are no articles: each is an
    error naming its file, and the real article beside them is stored."""
    nav = tmp_path / "nav.html"
    nav.write_text("<html><body><nav>Home | News | Sport</nav><footer>Copyright 2024</footer></body></html>")
    furniture = tmp_path / "furniture.txt"
    furniture.write_text("Share this article\nRead more\n\n")
    db = str(tmp_path / "x.db")
    proc = newsweave("ingest", str(nav), str(furniture), str(SEEDS[0]), "--db", db, "-q", env=cli_env)
    assert proc.returncode == 1
    assert f"error: {nav}: no article text" in proc.stderr
    assert f"error: {furniture}: no article text" in proc.stderr
    listed = json.loads(newsweave("stories", "--db", db, "--format", "json", env=cli_env).stdout)
    stories = listed["stories"] if isinstance(listed, dict) else listed
    assert len(stories) == 1 and "Share this" not in stories[0]["title"]


def test_a_late_titled_article_does_not_rename_a_story():
    from newsweave.model import Analysis, Article, Sentence
    from newsweave.pipeline import story_title

    def analysis(text, title=None):
        an = Analysis(article=Article(id=text, text=text, title=title))
        an.sentences = [Sentence(text, 0, 0, len(text), text)]
        return an

    untitled = [analysis(f"A strong earthquake hit the Iranian island of Qeshm on Sunday, report {i} said.")
                for i in range(3)]
    late = analysis("A quake shook Chile.", title="Quake in Chile")
    assert story_title(untitled + [late]) == story_title(untitled)
    assert story_title([late] + untitled) == "Quake in Chile"


def test_a_story_search_finds_a_name_written_with_a_possessive(seeds_run, cli_env):
    db = seeds_run[0]
    for query in ("Tokayev's", "Tokayev’s", "“Kazakhstan”,"):
        found = json.loads(newsweave("stories", "--db", db, "--query", query, "--format", "json", env=cli_env).stdout)
        assert len(found["stories"]) == 1, query
        # total counts the matching stories (what a script pages through), not the whole database
        assert found["total"] == 1 and found["has_more"] is False, query
    none = json.loads(newsweave("stories", "--db", db, "--query", "Uzbekistan's zebra", "--format", "json",
                                env=cli_env).stdout)
    assert none["stories"] == [] and none["total"] == 0 and none["total_stories"] == 1


def test_one_outlet_written_two_ways_is_one_independent_source():
    from newsweave.model import Analysis, Article
    from newsweave.pipeline import independent_sources

    def member(i, outlet):
        return Analysis(article=Article(id=f"a{i}", text="x", outlet=outlet)), None

    members = [member(0, "Harbour & Coast News"), member(1, "HARBOUR AND COAST NEWS"), member(2, "Reuters"),
               member(3, None), member(4, None)]
    assert independent_sources(members) == ["Harbour & Coast News", "Reuters", "(unnamed a3)", "(unnamed a4)"]


def test_a_time_stamp_line_never_titles_a_story():
    from newsweave.model import Analysis, Article, Sentence
    from newsweave.pipeline import story_title

    lines = ["18 November 2026 Last updated at 13:59 GMT", "Microsoft releases fix for zero-day Edge bug",
             "Microsoft has released an emergency patch for a previously unknown flaw in its Edge browser."]
    text = "\n".join(lines)
    an = Analysis(article=Article(id="bbc", text=text))
    at = 0
    for k, line in enumerate(lines):
        an.sentences.append(Sentence("bbc", k, at, at + len(line), line))
        at += len(line) + 1
    assert story_title([an]) == "Microsoft releases fix for zero-day Edge bug"


def test_a_page_crawled_again_after_a_correction_replaces_its_earlier_version(tmp_path, cli_env):
    url = "https://daily.example/belgium/ghent-fire"
    first = ("GHENT — Nine people were killed when a fire tore through a chemicals plant in the port of Ghent "
             "late on Monday, the city's fire brigade said. Some 120 firefighters fought the flames through the "
             "night. The cause of the fire is not yet known, and prosecutors have opened an investigation.")
    herald = ("Seven people were killed when a fire tore through a chemicals plant in the port of Ghent late on "
              "Monday, the fire brigade said. The mayor called the fire a terrible tragedy for the city.")
    rows = [{"id": "herald", "outlet": "Flanders Herald", "text": herald, "url": "https://herald.example/fire"},
            {"id": "post-v1", "outlet": "Daily Post", "text": first, "url": url}]
    corrected = {"id": "post-v2", "outlet": "Daily Post", "url": url + "/",
                 "text": first.replace("Nine people", "Seven people")
                 + " Correction: an earlier version of this article gave the death toll as nine."}
    db = str(tmp_path / "corr.db")
    for batch, name in ((rows, "a.jsonl"), ([corrected], "b.jsonl")):
        src = tmp_path / name
        src.write_text("".join(json.dumps(r) + "\n" for r in batch), encoding="utf-8")
        assert newsweave("ingest", str(src), "--db", db, "-q", env=cli_env).returncode == 0
    [listed] = json.loads(newsweave("stories", "--db", db, "--format", "json", env=cli_env).stdout)["stories"]
    story = json.loads(newsweave("story", listed["id"], "--db", db, "--format", "json", env=cli_env).stdout)
    by_id = {a["id"]: a for a in story["articles"]}
    assert by_id["post-v1"]["superseded_by"] == "post-v2" and by_id["post-v2"]["superseded_by"] is None
    assert story["counts"]["conflicting"] == 0  # the outlet is never set against its own earlier version
    cited = {a for f in story["facts"] for a in (s["article"] for s in f["sources"])}
    cited |= {a for s in story["summary"] for a in s["sources"]}
    assert "post-v1" not in cited and {"herald", "post-v2"} <= cited
    shown = newsweave("story", listed["id"], "--db", db, env=cli_env).stdout
    assert "replaced by its later version" in shown


def test_an_ingest_clusters_in_publication_order_whatever_the_file_order(tmp_path):
    # 58 real dated headlines, given once in time order and once reversed, in batches far smaller
    # than the input: the stories must be the same (a batch used to be sorted only within itself).
    from conftest import DATA

    lines = (DATA / "backfill" / "uci-headlines.jsonl").read_text(encoding="utf-8").splitlines()
    rows = sorted((json.loads(line) for line in lines), key=lambda r: r["published"])
    partitions = []
    for name, ordered in (("sorted", rows), ("reversed", rows[::-1])):
        src = tmp_path / f"{name}.jsonl"
        src.write_text("".join(json.dumps(r) + "\n" for r in ordered), encoding="utf-8")
        store = open_store(str(tmp_path / f"{name}.db"))
        Pipeline(store, batch_size=8).ingest(read_paths([str(src)]))
        con = sqlite3.connect(str(tmp_path / f"{name}.db"))
        stories: dict[str, set[str]] = {}
        for aid, sid in con.execute("SELECT id, story_id FROM articles"):
            stories.setdefault(sid, set()).add(aid)
        con.close()
        partitions.append(sorted(sorted(s) for s in stories.values()))
    assert len(partitions[0]) > 5 and partitions[0] == partitions[1]


def test_a_headline_that_opens_like_page_furniture_is_still_an_article(tmp_path):
    # "WATCH: …" heads video reports; a line that is the article's own title is never furniture,
    # while the same prompt under another title still is
    head = "WATCH: Justin Bieber and Selena Gomez dance at the Oscars party"
    src = tmp_path / "watch.jsonl"
    src.write_text(json.dumps({"id": "w1", "title": head, "text": head}) + "\n"
                   + json.dumps({"id": "w2", "title": "Oscars night", "text": "Watch: the video below"}) + "\n",
                   encoding="utf-8")
    report = Pipeline(open_store(str(tmp_path / "w.db"))).ingest(read_paths([str(src)]))
    assert report.added == 1 and report.article_ids == ["w1"]
    assert len(report.errors) == 1 and "wordless or page furniture" in str(report.errors[0])
