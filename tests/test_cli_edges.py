"""The command line at its edges: out-of-range numbers, unwritable outputs, empty inputs, missing
databases. Each runs the real command (click's CliRunner, or the installed script) over real
files: the small story database of test_api and the seed articles."""
from __future__ import annotations

import glob
import json
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import threading

import pytest
from click.testing import CliRunner

from conftest import NEWSWEAVE, SEEDS
from newsweave.cli import main
from test_api import build


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("edges") / "stories.db")
    build(path)
    return path


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


# -- numbers out of range are usage errors (exit 2), never a traceback or a silent oddity ----------
@pytest.mark.parametrize("args, option", [
    (["--offset", "99999999999999999999"], "--offset"),
    (["--offset", "1000000001"], "--offset"),
    (["--offset", "-3"], "--offset"),
    (["-n", "-1"], "-n"),
    (["-n", "0"], "-n"),
    (["-n", "99999999999999999999"], "-n"),
])
def test_stories_rejects_out_of_range_paging(db, args, option):
    result = invoke("stories", "--db", db, *args)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}" in result.output and "Traceback" not in result.output
    assert not isinstance(result.exception, OverflowError)


def test_stories_paging_in_range_still_works(db):
    one = invoke("stories", "--db", db, "-n", "1", "--format", "json")
    assert one.exit_code == 0, one.output
    assert '"s-evil"' in one.output and '"s-quake"' not in one.output
    last = invoke("stories", "--db", db, "-n", "1", "--offset", "3")
    assert last.exit_code == 0 and "Earthquake strikes" in last.output
    past = invoke("stories", "--db", db, "--offset", "1000000000")
    assert past.exit_code == 0 and "(no stories)" in past.output


@pytest.mark.parametrize("value", ["0", "-3"])
def test_summarize_needs_at_least_one_sentence(tmp_path, value):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Rain fell on Monday.", "story": "s"}\n', encoding="utf-8")
    result = invoke("summarize", str(src), "--max-sentences", value)
    assert result.exit_code == 2 and "Invalid value for '--max-sentences'" in result.output


# -- an output that cannot be written: one line, exit 2, and no half-written file -----------------
ARTICLES = ('{"id": "a1", "text": "Heavy rain flooded the town of Dale on Monday, officials said.", "story": "s"}\n'
            '{"id": "a2", "text": "Floods hit Dale on Monday after heavy rain, the mayor said.", "story": "s"}\n')


@pytest.fixture()
def articles(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(ARTICLES, encoding="utf-8")
    return src


@pytest.mark.parametrize("command", ["cluster", "compare", "summarize"])
def test_an_unwritable_output_is_one_line_and_exit_2(tmp_path, articles, command):
    missing = tmp_path / "no" / "such" / "dir" / "x.jsonl"
    result = invoke(command, str(articles), "-o", str(missing))
    assert result.exit_code == 2, result.output
    assert result.output == f"error: cannot write {missing}: No such file or directory\n"
    folder = invoke(command, str(articles), "-o", str(tmp_path))
    assert folder.exit_code == 2 and f"error: cannot write {tmp_path}: Is a directory" in folder.output
    # a write that fails mid-way (the disk is full) is the same line
    full = invoke(command, str(articles), "-o", "/dev/full")
    assert full.exit_code == 2 and "error: cannot write /dev/full: No space left on device" in full.output
    assert list(tmp_path.iterdir()) == [articles]  # no output, no temporary file left behind


def test_an_output_is_written_whole_or_not_at_all(tmp_path, articles):
    """A run killed by a file-size limit part-way through its output leaves the older output as it was."""
    out = tmp_path / "facts.jsonl"
    ok = subprocess.run([NEWSWEAVE, "compare", str(articles), "-o", str(out)], capture_output=True, text=True,
                        timeout=300)
    assert ok.returncode == 0, ok.stderr
    whole = out.read_text(encoding="utf-8")
    assert whole.count("\n") >= 1 and len(whole) > 300
    assert oct(out.stat().st_mode & 0o777) == oct(0o666 & ~_umask())  # as an ordinary new file
    out.write_text("older output\n", encoding="utf-8")

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))

    cut = subprocess.run([NEWSWEAVE, "compare", str(articles), "-o", str(out)], capture_output=True, text=True,
                         timeout=300, preexec_fn=small_files, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    assert cut.returncode == 2, cut.stderr
    assert f"error: cannot write {out}: File too large" in cut.stderr and "Traceback" not in cut.stderr
    assert out.read_text(encoding="utf-8") == "older output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.jsonl", "in.jsonl"]


def test_a_writable_output_in_a_folder_that_takes_no_new_files_is_overwritten_only_when_done(articles):
    """No temporary file can be made beside it, so the output is made in the system's temporary
    folder and copied over it at the end: a failed run leaves the older output whole; a new file
    in that folder is still refused. Root may write anywhere: as root the command runs as user
    nobody (setpriv)."""
    as_nobody: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("root writes anywhere, and setpriv (to run as nobody) is missing")
        as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    top = tempfile.mkdtemp(prefix="nw-rodir-")  # tmp_path's folders are closed to other users
    try:
        os.chmod(top, 0o755)
        src = os.path.join(top, "in.jsonl")
        shutil.copy(articles, src)
        os.chmod(src, 0o644)
        folder = os.path.join(top, "out")
        os.mkdir(folder)
        out = os.path.join(folder, "out.jsonl")
        with open(out, "w", encoding="utf-8") as fh:
            fh.write("older output\n")
        os.chmod(out, 0o666)
        os.chmod(folder, 0o555)
        parts = set(glob.glob(os.path.join(tempfile.gettempdir(), "newsweave-out.*.part")))

        def small_files():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
            resource.setrlimit(resource.RLIMIT_FSIZE, (40, 40))

        cut = subprocess.run([*as_nobody, NEWSWEAVE, "cluster", src, "-o", out, "-q"], capture_output=True,
                             text=True, timeout=300, cwd=top, preexec_fn=small_files)
        assert cut.returncode == 2 and "error: cannot write" in cut.stderr, cut.stderr
        assert open(out, encoding="utf-8").read() == "older output\n"  # not emptied before the work
        assert set(glob.glob(os.path.join(tempfile.gettempdir(), "newsweave-out.*.part"))) == parts
        run = subprocess.run([*as_nobody, NEWSWEAVE, "cluster", src, "-o", out, "-q"], capture_output=True,
                             text=True, timeout=300, cwd=top)
        assert run.returncode == 0, run.stderr
        lines = open(out, encoding="utf-8").read().splitlines()
        assert [json.loads(line)["id"] for line in lines] == ["a1", "a2"]
        assert os.listdir(folder) == ["out.jsonl"]  # no temporary file either
        new = os.path.join(folder, "new.jsonl")
        refused = subprocess.run([*as_nobody, NEWSWEAVE, "cluster", src, "-o", new, "-q"], capture_output=True,
                                 text=True, timeout=300, cwd=top)
        assert refused.returncode == 2 and refused.stderr == f"error: cannot write {new}: Permission denied\n"
    finally:
        if os.path.isdir(os.path.join(top, "out")):
            os.chmod(os.path.join(top, "out"), 0o755)
        shutil.rmtree(top)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_dev_null_and_stdout_outputs_still_work(articles):
    assert invoke("cluster", str(articles), "-o", "/dev/null", "-q").exit_code == 0
    printed = invoke("cluster", str(articles), "-q")
    assert printed.exit_code == 0 and printed.output.count('"id"') == 2


# -- counts in words ---------------------------------------------------------------------------------
def test_ingest_summary_says_one_article_and_one_story(tmp_path):
    result = invoke("ingest", str(SEEDS[0]), "--db", str(tmp_path / "one.db"), "-q", "--processes", "1")
    assert result.exit_code == 0, result.output
    assert result.output == "1 article read, 1 added, 0 already stored, 0 duplicates, 0 errors, 1 story updated\n"
    again = invoke("ingest", str(SEEDS[0]), *[str(p) for p in SEEDS], "--db", str(tmp_path / "one.db"), "-q",
                   "--processes", "1")
    assert again.output.startswith("3 articles read, 1 added, 2 already stored, ")


# -- a mistyped --db: the read-only commands stop instead of creating an empty database ------------
@pytest.mark.parametrize("args", [["stories"], ["story", "s-visit"], ["entities"], ["events", "--format", "csv"],
                                  ["serve", "--get", "/api/stories"], ["serve", "--port", "0"]])
def test_reading_a_database_that_is_not_there_stops(tmp_path, monkeypatch, args):
    monkeypatch.delenv("NEWSWEAVE_TOKEN", raising=False)
    typo = tmp_path / "typo.db"
    result = invoke(*args, "--db", str(typo))
    assert result.exit_code == 2, result.output
    assert result.output == f"error: no database at {typo} (run `newsweave ingest …` first)\n"
    assert list(tmp_path.iterdir()) == []  # nothing created


def test_the_same_commands_read_a_database_that_is_there(db, monkeypatch):
    monkeypatch.delenv("NEWSWEAVE_TOKEN", raising=False)
    assert "Earthquake strikes" in invoke("stories", "--db", db).output
    assert invoke("story", "s-visit", "--db", db).exit_code == 0
    assert "Lindsay Lohan" in invoke("entities", "--db", db).output
    assert "Shehbaz Sharif" in invoke("events", "--db", db, "--format", "csv").output
    assert invoke("events", "--db", db).output.endswith("in Islamabad on 2025-02-05  [1 source]\n")
    assert invoke("serve", "--get", "/api/health", "--db", db).exit_code == 0


def test_a_writable_server_may_start_on_a_new_database(tmp_path):
    """With a token the server can be written to, so a missing database is made (and said so)."""
    new = tmp_path / "new.db"
    proc = subprocess.Popen([NEWSWEAVE, "serve", "--db", str(new), "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ, NEWSWEAVE_TOKEN="t0ken-123"))
    try:
        first: list[str] = []
        reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(60)
        assert first and "serving on http://" in first[0], first
        assert new.exists()
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=30)
    assert f"note: no database at {new}" in err


def test_ingest_still_creates_the_database(tmp_path):
    fresh = tmp_path / "fresh.db"
    assert invoke("ingest", str(SEEDS[0]), "--db", str(fresh), "-q", "--processes", "1").exit_code == 0
    assert fresh.exists() and invoke("stories", "--db", str(fresh)).exit_code == 0


@pytest.mark.parametrize("command", ["run", "ingest"])
def test_inputs_that_are_not_there_stop_before_a_database_is_made(tmp_path, command):
    db = tmp_path / "never.db"
    result = invoke(command, str(tmp_path / "nope.txt"), "--db", str(db), "-q")
    assert result.exit_code == 2 and "nope.txt: no such file or directory" in result.output
    assert not db.exists()
    # one missing among readable inputs: the rest is stored, the missing one named, exit 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "s0", "text": SEEDS[0].read_text(encoding="utf-8")}) + "\nnot json\n")
    result = invoke("ingest", str(bad), str(tmp_path / "nope.txt"), "--db", str(db), "-q", "--processes", "1",
                    "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["added"] == 1 and report["error_details"] == [
        {"path": str(bad), "line": 2, "message": report["error_details"][0]["message"]},
        {"path": str(tmp_path / "nope.txt"), "line": None, "message": "no such file or directory"}]
    assert "malformed JSON" in report["error_details"][0]["message"]


# -- an input with no article: said, as ingest says it (an error, exit 1) -------------------------
@pytest.mark.parametrize("command", ["cluster", "compare", "summarize", "ingest"])
@pytest.mark.parametrize("content, words", [(b"", "empty file"), (b"\n   \n\t\n", "empty file (only whitespace)")])
def test_an_input_without_articles_is_an_error_as_for_ingest(tmp_path, command, content, words):
    src = tmp_path / "in.jsonl"
    src.write_bytes(content)
    earlier = '{"id": "a", "story": "s1", "duplicate_of": null}\n'
    (tmp_path / "out.jsonl").write_text(earlier)  # the result of an earlier run
    out = ["--db", str(tmp_path / "x.db"), "-q"] if command == "ingest" else ["-o", str(tmp_path / "out.jsonl")]
    result = invoke(command, str(src), *out)
    assert result.exit_code == 1, result.output
    assert f"error: {src}: {words}\n" in result.output
    assert result.output.count("error:") == 1
    # nothing to write: the failed run leaves the earlier output as it was
    assert (tmp_path / "out.jsonl").read_text() == earlier


@pytest.mark.parametrize("command", ["cluster", "compare", "summarize"])
def test_an_input_of_only_bad_lines_keeps_the_earlier_output(tmp_path, command):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": \n{"id": ["x"], "story": "s", "text": "A list is no id."}\n')
    (tmp_path / "out.jsonl").write_text("earlier\n")
    result = invoke(command, str(src), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1
    assert f"error: {src}:1: malformed JSON" in result.output
    assert f"error: {src}:2: field 'id' must be a string or an integer, got an array" in result.output
    assert (tmp_path / "out.jsonl").read_text() == "earlier\n"


def test_integer_ids_come_back_as_integers(tmp_path):
    """Scripts join the output back to their input by id: 7 must stay 7, not become "7"."""
    src = tmp_path / "in.jsonl"
    text = "The mayor of Lyon resigned on Friday after a corruption scandal, the city council said."
    src.write_text(json.dumps({"id": 7, "story": 3, "text": text, "outlet": "AFP"}) + "\n"
                   + json.dumps({"id": "b", "story": 3, "text": text.replace("resigned", "stepped down"),
                                 "outlet": "Reuters"}) + "\n")
    clustered = [json.loads(x) for x in invoke("cluster", str(src), "-q").output.splitlines()]
    assert [c["id"] for c in clustered] == [7, "b"]
    facts = [json.loads(x) for x in invoke("compare", str(src)).output.splitlines()]
    assert facts and all(f["story"] == 3 for f in facts)
    assert {s["article"] for f in facts for s in f["sources"]} == {7, "b"}
    summary = json.loads(invoke("summarize", str(src)).output)
    assert summary["story"] == 3 and summary["summary"][0]["sources"][0] in (7, "b")


def test_an_empty_standard_input_is_said_too():
    result = invoke("cluster", "-", "-q", input="")
    assert result.exit_code == 1 and "error: -: empty file" in result.output


def test_eval_facts_fit_to_an_unwritable_path_stops_before_fitting(tmp_path):
    from conftest import DATA

    target = tmp_path / "missing" / "weights.json"
    result = invoke("eval", "facts", str(DATA / "compare" / "ecbplus-gold-sample.jsonl"), "--fit", str(target),
                    "--tune-topics", "24", "--topics", "34")
    assert result.exit_code == 2, result.output
    assert result.output == f"error: cannot write {target}: No such file or directory\n"


def test_a_whitespace_text_without_a_title_is_missing_text_in_compare_as_in_cluster(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "w", "story": "s", "text": "  \\n\\t "}\n'
                   '{"id": "x", "story": "s", "text": "The mayor of Lyon resigned on Friday after a long scandal."}\n')
    for command in ("compare", "cluster"):
        result = invoke(command, str(src), "-q") if command == "cluster" else invoke(command, str(src))
        assert result.exit_code == 1
        assert f"error: {src}:1: missing text" in result.output


def test_an_empty_date_range_is_a_mistake_said(tmp_path):
    from fastapi.testclient import TestClient

    from newsweave.store import open_store
    from newsweave.web.app import create_app

    client = TestClient(create_app(open_store(str(tmp_path / "e.db"))))
    r = client.get("/api/stories", params={"since": "2025-03-01", "until": "2025-02-01"})
    assert r.status_code == 422 and "after until" in r.text


def test_an_id_that_is_no_string_or_integer_is_an_error_in_ingest_and_the_api(tmp_path):
    from fastapi.testclient import TestClient

    from newsweave.store import open_store
    from newsweave.web.app import create_app
    from newsweave.web.settings import Settings

    text = "The mayor of Lyon resigned on Friday after a corruption scandal, the city council said."
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": ["x"], "text": text}) + "\n" + json.dumps({"id": 7, "text": text}) + "\n")
    result = invoke("ingest", str(src), "--db", str(tmp_path / "i.db"), "-q", "--processes", "1")
    assert result.exit_code == 1
    assert f"error: {src}:1: field 'id' must be a string or an integer, got an array" in result.output
    assert "1 added" in result.output  # the good line is stored, under its own id
    client = TestClient(create_app(open_store(str(tmp_path / "a.db")), Settings(token="t")))
    r = client.post("/api/articles", json={"id": True, "text": text}, headers={"Authorization": "Bearer t"})
    assert r.status_code == 422 and "field 'id' must be a string or an integer, got a boolean" in r.text


def test_a_reader_that_stops_early_is_no_failure(tmp_path, cli_env):
    # `newsweave cluster … | head -1` under `set -o pipefail`: the command must not fail because
    # head stopped reading (nor print a traceback)
    from conftest import DATA

    big = DATA / "cluster" / "ecbplus-48.jsonl"
    proc = subprocess.Popen([NEWSWEAVE, "cluster", str(big), "-q"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=cli_env)
    proc.stdout.close()  # the reader is gone before the first line is written: every write fails
    err = proc.stderr.read().decode()
    assert proc.wait(120) == 0, err
    assert "Traceback" not in err and "error" not in err


def test_the_entity_table_as_csv_has_no_always_empty_column(db):
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(invoke("entities", "--db", db, "--format", "csv").output)))
    assert rows and "articles" not in rows[0] and all(r["stories"] for r in rows)


def test_an_unreadable_published_value_is_a_usage_error_naming_it():
    for command in ("events", "entities"):
        result = invoke(command, str(SEEDS[1]), "--published", "yesterday")
        assert result.exit_code == 2 and "--published" in result.output and "'yesterday'" in result.output
    for command in ("events", "entities"):  # the database's articles keep their own dates
        alone = invoke(command, "--published", "2026-11-17")
        assert alone.exit_code == 2 and "PATHS" in alone.output
    ok = invoke("events", str(SEEDS[1]), "--published", "17/11/2026", "--format", "json")
    assert ok.exit_code == 0 and any(e["date"] for e in json.loads(ok.output)["events"])


def test_markdown_shows_article_text_literally():
    from newsweave.render import story_list_text, story_text

    story = {"id": "s1", "title": "Ports | <script>alert(1)</script> *strike*", "independent_sources": 1,
             "counts": {"corroborated": 0, "single_source": 1, "conflicting": 0},
             "articles": [{"id": "a_1", "title": "A <b>bold</b> | claim", "outlet": "Harbour_News"}],
             "summary": [{"text": "Dockers *walked out* <now>.", "sources": ["a_1"], "facts": [0]}],
             "facts": [{"text": "Dockers *walked out* <now>.", "status": "single_source",
                        "sources": [{"article": "a_1", "start": 0, "end": 5}]}]}
    shown = story_text(story, markdown=True)
    assert "<script>" not in shown and "<b>" not in shown and "<now>" not in shown
    assert "Ports \\| &lt;script&gt;" in shown and "\\*walked out\\*" in shown and "Harbour\\_News" in shown
    table = story_list_text([dict(story, articles=1)], markdown=True)
    assert table.splitlines()[2].count(" | ") == 6  # the title's "|" is escaped: the row keeps its 7 cells
    assert "1 article," in story_list_text([dict(story, articles=1)]) and "1 article ·" in story_text(story)


def test_stories_by_time_as_the_api_filters_them(db):
    from newsweave.store import open_store

    store = open_store(db)
    # the stories run from 2023-01 to 2025-03: each filter keeps some and drops others
    for since, until in (("2024-06-01", None), (None, "2024-06-01"), ("2023-01-11", "2025-02-04T10:00:00")):
        args = ["stories", "--db", db, "--format", "json", "-n", "200"]
        args += (["--since", since] if since else []) + (["--until", until] if until else [])
        got = json.loads(invoke(*args).output)
        want = store.list_stories(since=since, until=until + "T99" if until and len(until) == 10 else until,
                                  limit=200)
        assert [s["id"] for s in got["stories"]] == [s["id"] for s in want] and got["total"] == len(want)
        assert 0 < len(want) < got["total_stories"], (since, until)
    assert invoke("stories", "--db", db, "--since", "yesterday").exit_code == 2
    assert invoke("stories", "--db", db, "--since", "2024-01-02", "--until", "2024-01-01").exit_code == 2


# -- evaluation gold that cannot be scored is named, not scored as 0 -----------------------------------
def test_eval_summary_skips_and_names_a_story_it_cannot_score(tmp_path, caplog):
    text = ("The city council approved a new tram line on Monday after a long debate. "
            "The line will link the central station with the university campus.")
    good = {"story": "s1", "articles": [{"id": "a", "text": text}], "reference_summary": "The council approved a tram line."}
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(d) for d in [
        good, {"story": "s2", "articles": [], "reference_summary": "Nothing."},
        {"story": "s3", "articles": [{"id": "b", "text": text}], "reference_summary": " "},
        {"story": "s4", "articles": [{"id": "c", "text": text}]}]) + "\n")
    r = invoke("eval", "summary", str(gold))
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["stories"] == 1
    assert f"{gold}:2: story skipped: it has no articles" in caplog.text
    assert f"{gold}:3: story skipped: it has no reference_summary" in caplog.text
    assert f"{gold}:4: story skipped: it has no reference_summary" in caplog.text
    only_bad = tmp_path / "bad.jsonl"
    only_bad.write_text(json.dumps({"story": "s2", "articles": []}) + "\n")
    r = invoke("eval", "summary", str(only_bad))
    assert r.exit_code == 1 and "no story with articles and a reference_summary" in r.output


def test_eval_facts_on_gold_without_annotations_says_so(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps({"id": i, "story": "s", "text": t}) for i, t in [
        ("a", "The council approved a tram line on Monday."), ("b", "A tram line was approved by the council.")]) + "\n")
    r = invoke("eval", "facts", str(gold))
    assert r.exit_code == 1 and "no article has annotated action mentions" in r.output


def test_eval_facts_reads_as_text_with_the_figures_of_its_json():
    from conftest import DATA

    gold = str(DATA / "compare" / "ecbplus-gold-sample.jsonl")
    as_json = invoke("eval", "facts", gold, "--level", "statement")
    as_text = invoke("eval", "facts", gold, "--level", "statement", "--format", "text")
    assert as_json.exit_code == 0 and as_text.exit_code == 0, as_text.output
    scores = json.loads(as_json.stdout)["newsweave"]
    first = next(line for line in as_text.stdout.splitlines() if line.startswith("newsweave:"))
    assert f"P {scores['precision']:.4f}  R {scores['recall']:.4f}  F1 {scores['f1']:.4f}" in first
    assert any(line.startswith("tfidf_baseline:") for line in as_text.stdout.splitlines())
