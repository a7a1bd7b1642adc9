"""The contract commands (cluster, compare, summarize) take what outside data sends: dates in any
of ingest's forms, fields of the wrong type, a headline without a body; every article gets its
answer, and nothing crashes."""
from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from click.testing import CliRunner

from conftest import DATA
from newsweave.cli import main

ROWS = [json.loads(line) for line in (DATA / "cluster" / "ecbplus-48.jsonl").open(encoding="utf-8")][:16]
START = datetime(2015, 3, 2, 6, 0, tzinfo=timezone.utc)
TIMES = [START + timedelta(hours=5 * k) for k in random.Random(3).sample(range(len(ROWS)), len(ROWS))]


def _write(path, rows) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def _cluster(path: str) -> tuple[int, dict[str, str], str]:
    result = CliRunner().invoke(main, ["cluster", path, "-q"])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    return result.exit_code, {d["id"]: d["story"] for d in lines}, result.output


def _partition(stories: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for i, s in stories.items():
        groups.setdefault(s, set()).add(i)
    return {frozenset(g) for g in groups.values()}


def test_every_date_form_ingest_reads_orders_the_stream_alike(tmp_path):
    forms = {
        "iso": lambda t: t.isoformat(),
        "rfc822": format_datetime,
        "epoch": lambda t: int(t.timestamp()),
        "epoch_ms": lambda t: int(t.timestamp() * 1000),
    }
    got = {}
    for name, form in forms.items():
        rows = [{"id": f"a{i}", "text": r["text"], "published": form(t)} for i, (r, t) in enumerate(zip(ROWS, TIMES))]
        random.Random(7).shuffle(rows)  # line order is not publication order
        code, stories, output = _cluster(_write(tmp_path / f"{name}.jsonl", rows))
        assert code == 0 and "Traceback" not in output, output
        assert len(stories) == len(ROWS)
        got[name] = _partition(stories)
    assert got["rfc822"] == got["epoch"] == got["epoch_ms"] == got["iso"]


def test_fields_of_the_wrong_type_are_ignored_with_a_warning_and_every_line_is_answered(tmp_path, caplog):
    odd = [{"published": "0000-00-00"}, {"published": True}, {"published": {"when": "today"}},
           {"published": "0001-01-01T00:00:00+14:00"}, {"title": 2024}, {"outlet": 7}, {"outlet": ["AP"]},
           {"url": 3}, {"published": "2014-13-45"}]
    rows = [{"id": i, "text": r["text"], **odd[i % len(odd)]} for i, r in enumerate(ROWS)]
    rows.append({"id": "headline", "text": "", "title": "Lindsay Lohan checks into rehab at Betty Ford Center"})
    path = _write(tmp_path / "odd.jsonl", rows)
    code, stories, output = _cluster(path)
    assert code == 0 and "Traceback" not in output, output
    assert set(stories) == {r["id"] for r in rows}  # ids as given (0 stays 0); the headline too, clustered by its title
    assert f"{path}: id '4': field 'title' is a number, not a string; ignored" in caplog.text
    assert f"{path}: id '0': unreadable or ambiguous published date '0000-00-00'; the article is taken as undated" in caplog.text
    for command in ("compare", "summarize"):
        story_rows = [{**r, "story": "s"} for r in rows[:-1]]
        result = CliRunner().invoke(main, [command, _write(tmp_path / f"{command}.jsonl", story_rows), "-o",
                                           str(tmp_path / f"{command}.out")])
        assert result.exit_code == 0 and "Traceback" not in result.output, result.output
        assert (tmp_path / f"{command}.out").read_text(encoding="utf-8").strip()


def test_compare_refuses_a_repeated_id_naming_its_line(tmp_path):
    rows = [{"id": "a", "text": ROWS[0]["text"], "story": "s"}, {"id": "b", "text": ROWS[1]["text"], "story": "s"},
            {"id": "a", "text": ROWS[2]["text"], "story": "s"}]
    path = _write(tmp_path / "dup.jsonl", rows)
    out = tmp_path / "facts.jsonl"
    result = CliRunner().invoke(main, ["compare", path, "-o", str(out)])
    assert result.exit_code == 1
    assert f"error: {path}:3: id 'a' appears twice (the first is kept)" in result.output
    texts = {"a": ROWS[0]["text"], "b": ROWS[1]["text"]}
    for line in out.read_text(encoding="utf-8").splitlines():
        for src in json.loads(line)["sources"]:  # every offset points into the text that was kept
            assert texts[src["article"]][src["start"]:src["end"]] == src["text"]


def test_eval_summary_reads_gold_dates_in_any_form(tmp_path):
    story = {"story": "s", "reference_summary": "Tara Reid checked into rehab.",
             "articles": [{"id": "a", "text": ROWS[0]["text"], "published": 1425276000},
                          {"id": "b", "text": ROWS[1]["text"], "published": "Mon, 02 Mar 2015 06:00:00 GMT"}]}
    path = _write(tmp_path / "gold.jsonl", [story])
    result = CliRunner().invoke(main, ["eval", "summary", path])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert json.loads(result.stdout)["stories"] == 1


def test_a_bad_date_on_every_line_is_warned_about_a_few_times_then_counted(tmp_path, caplog):
    rows = [{"id": f"a{i}", "text": ROWS[i % len(ROWS)]["text"], "published": "yesterday-ish"} for i in range(40)]
    path = _write(tmp_path / "dates.jsonl", rows)
    code, stories, _ = _cluster(path)
    assert code == 0 and len(stories) == 40
    warned = [r.getMessage() for r in caplog.records if "published" in r.getMessage()]
    assert len(warned) == 6 and warned[-1] == f"{path}: 35 more lines with an unreadable or ambiguous published date (not shown)"


def test_compare_cites_only_the_text_as_given_never_a_title_put_in_its_place(tmp_path):
    rows = [{"id": "1", "text": "   ", "title": "A quake killed 12 people in Peru on Monday.", "story": "s"},
            {"id": "2", "text": ROWS[0]["text"], "story": "s"}, {"id": "3", "text": ROWS[1]["text"], "story": "s"}]
    out = tmp_path / "facts.jsonl"
    result = CliRunner().invoke(main, ["compare", _write(tmp_path / "in.jsonl", rows), "-o", str(out)])
    assert result.exit_code == 0, result.output
    texts = {r["id"]: r["text"] for r in rows}
    cited = [src for line in out.read_text(encoding="utf-8").splitlines() for src in json.loads(line)["sources"]]
    assert cited and all(texts[s["article"]][s["start"]:s["end"]] == s["text"] for s in cited)
    assert not [s for s in cited if s["article"] == "1"]


@pytest.mark.parametrize("command", ["compare", "summarize"])
def test_headline_lines_that_cluster_takes_pass_through_compare_and_summarize(tmp_path, command):
    # `cluster --with-articles | summarize -` over a headline feed: a line with a title and no text
    # field is read without error (it states no fact), and a story label must be a scalar
    rows = [{"id": "h1", "title": "Senate confirms nominee 52-48", "story": 1},
            {"id": "h2", "title": "Senate confirms nominee in 52-48 vote", "text": "", "story": 1},
            {"id": "2", "text": ROWS[0]["text"], "story": 1}]
    result = CliRunner().invoke(main, [command, _write(tmp_path / "in.jsonl", rows)])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out and all(line["story"] == 1 for line in out)
    bad = _write(tmp_path / "bad.jsonl", rows + [{"id": "x", "text": ROWS[1]["text"], "story": ["s"]}])
    result = CliRunner().invoke(main, [command, bad])
    assert result.exit_code == 1 and "bad.jsonl:4: field 'story' must be a string or an integer" in result.output


def test_a_binary_or_gzipped_input_is_one_error_for_each_contract_command(tmp_path):
    import gzip
    noise = bytes(range(256)) * 12  # NULs and every other byte, over several "lines"
    gz = tmp_path / "rows.jsonl.gz"
    gz.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in ROWS[:2]).encode()))
    (tmp_path / "noise.jsonl").write_bytes(noise)
    for path, why in ((tmp_path / "noise.jsonl", "NUL byte"), (gz, "gzip-compressed")):
        for command in ("cluster", "compare", "summarize"):
            result = CliRunner().invoke(main, [command, str(path), "-q"] if command == "cluster" else [command, str(path)])
            errors = [line for line in result.output.splitlines() if line.startswith("error:")]
            assert result.exit_code == 1 and len(errors) == 1, (command, result.output)
            assert str(path) in errors[0] and why in errors[0]


def test_cluster_with_articles_feeds_compare_and_summarize(tmp_path):
    rows = [dict(r, id=k if k % 2 else r["id"]) for k, r in enumerate(ROWS[:8])]  # some integer ids, gold story kept
    src = _write(tmp_path / "in.jsonl", rows)
    out = tmp_path / "clustered.jsonl"
    result = CliRunner().invoke(main, ["cluster", src, "--with-articles", "-q", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    plain = [json.loads(line) for line in CliRunner().invoke(main, ["cluster", src, "-q"]).stdout.splitlines()]
    assert [(x["id"], x["story"], x["duplicate_of"]) for x in lines] == [(x["id"], x["story"], x["duplicate_of"])
                                                                       for x in plain]
    assert [x["id"] for x in lines] == [r["id"] for r in rows] and all(x["text"] == r["text"] for x, r in zip(lines, rows))
    summary = CliRunner().invoke(main, ["summarize", str(out)])
    assert summary.exit_code == 0, summary.output
    assert {json.loads(x)["story"] for x in summary.stdout.splitlines()} == {x["story"] for x in lines}


def test_compare_leaves_out_an_earlier_version_of_a_page(tmp_path):
    url = "https://daily.example/ghent-fire"
    text = ("Nine people were killed when a fire tore through a chemicals plant in the port of Ghent late on Monday, "
            "the fire brigade said. Some 120 firefighters fought the flames through the night.")
    rows = [{"id": "v1", "story": "s", "outlet": "Daily Post", "url": url, "text": text,
             "published": "2026-11-17T08:00:00Z"},
            {"id": "herald", "story": "s", "outlet": "Herald", "url": "https://herald.example/fire",
             "text": text.replace("Nine people", "Seven people"), "published": "2026-11-17T09:00:00Z"},
            {"id": "v2", "story": "s", "outlet": "Daily Post", "url": url, "published": "2026-11-17T10:00:00Z",
             "text": text.replace("Nine people", "Seven people") + " An earlier version gave the toll as nine."}]
    result = CliRunner().invoke(main, ["compare", _write(tmp_path / "in.jsonl", rows), "--level", "statement"])
    assert result.exit_code == 0, result.output
    facts = [json.loads(line) for line in result.stdout.splitlines()]
    assert facts and not any(s["article"] == "v1" for f in facts for s in f["sources"])
    assert not any(f["status"] == "conflicting" for f in facts)
