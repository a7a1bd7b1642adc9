"""`newsweave compare` writes facts at two levels, and `eval facts --facts` scores what it wrote."""
from __future__ import annotations

import json
import subprocess

import pytest

from conftest import DATA, NEWSWEAVE

GOLD = DATA / "compare" / "ecbplus-gold-sample.jsonl"


def _compare(tmp_path, rows: list[dict], cli_env, *args: str) -> list[dict]:
    src, out = tmp_path / "in.jsonl", tmp_path / "facts.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    r = subprocess.run([NEWSWEAVE, "compare", str(src), "-o", str(out), *args],
                       capture_output=True, text=True, env=cli_env)
    assert r.returncode == 0, r.stderr
    return [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def gold_rows() -> list[dict]:
    return [json.loads(x) for x in GOLD.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_default_output_has_statements_then_events_spanning_articles(tmp_path, seed_paths, cli_env):
    texts = {f"a{i}": p.read_text(encoding="utf-8") for i, p in enumerate(seed_paths)}
    rows = _compare(tmp_path, [{"id": k, "text": t, "story": "kz"} for k, t in texts.items()], cli_env)
    levels = [r["level"] for r in rows]
    assert set(levels) == {"statement", "event"}
    assert levels == sorted(levels, key=lambda lv: lv == "event")  # statements first
    for row in rows:
        for s in row["sources"]:
            assert texts[s["article"]][s["start"]:s["end"]] == s["text"]
    events = [r for r in rows if r["level"] == "event"]
    assert all(len({s["article"] for s in r["sources"]}) == 2 for r in events)
    # the seeds agree on everything: no statement conflicts, so no event conflicts either
    assert all(r["status"] == "corroborated" and r["values"] == [] for r in events)
    # the statement level keeps its single-source facts (the event level adds none of its own)
    assert any(r["status"] == "single_source" for r in rows if r["level"] == "statement")
    only = _compare(tmp_path, [{"id": k, "text": t, "story": "kz"} for k, t in texts.items()], cli_env,
                    "--level", "statement")
    assert {r["level"] for r in only} == {"statement"}
    assert [r["text"] for r in only] == [r["text"] for r in rows if r["level"] == "statement"]


def test_scoring_compare_output_against_ecbplus_gold(tmp_path, gold_rows, cli_env):
    """The default output's pairs reach far more of the gold's same-event sentence pairs than the
    statement facts alone, and `eval facts --facts` reports each level and both together."""
    _compare(tmp_path, [{"id": r["id"], "text": r["text"], "story": r["story"]} for r in gold_rows], cli_env)
    r = subprocess.run([NEWSWEAVE, "eval", "facts", str(GOLD), "--facts",
                        str(tmp_path / "facts.jsonl")], capture_output=True, text=True, env=cli_env)
    assert r.returncode == 0, r.stderr
    score = json.loads(r.stdout)
    assert score["facts"]["statement"] > score["facts"]["event"] > 0
    assert set(score["levels"]) == {"statement", "event"}
    assert score["all"]["recall"] > 2 * score["levels"]["statement"]["recall"]
    assert score["all"]["f1"] > score["levels"]["statement"]["f1"] + 0.2
    assert score["all"]["f1"] >= 0.6
    assert score["levels"]["statement"]["precision"] >= 0.8
    # `eval facts` by default scores the same two levels straight from the model: the same pairs
    r = subprocess.run([NEWSWEAVE, "eval", "facts", str(GOLD)], capture_output=True, text=True, env=cli_env)
    assert r.returncode == 0, r.stderr
    direct = json.loads(r.stdout)
    assert direct["level"] == "both"
    assert direct["newsweave"]["predicted"] == score["all"]["predicted"]
    assert direct["newsweave"]["f1"] == pytest.approx(score["all"]["f1"], abs=1e-4)
    assert direct["newsweave"]["statement_facts"]["f1"] == pytest.approx(score["levels"]["statement"]["f1"], abs=1e-4)


@pytest.mark.parametrize("command", ["compare", "summarize"])
def test_a_line_that_is_not_utf8_is_reported_and_the_rest_goes_on(tmp_path, cli_env, command):
    src = tmp_path / "mixed.jsonl"
    src.write_bytes(b'{"id": "a", "text": "The quake hit the island on Sunday, killing five people.", "story": "s"}\n'
                    b'{"id": "c", "text": "caf\xe9 in latin-1", "story": "s"}\n'
                    b'{"id": "b", "text": "A quake hit the island on Sunday and killed five people.", "story": "s"}\n')
    r = subprocess.run([NEWSWEAVE, command, str(src)], capture_output=True, text=True, env=cli_env)
    assert r.returncode == 1
    assert f"{src}:2: not valid UTF-8" in r.stderr and "Traceback" not in r.stderr
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    cited = {s if isinstance(s, str) else s["article"] for row in rows
             for s in (row.get("sources") or [x for part in row.get("summary", []) for x in part["sources"]])}
    assert cited == {"a", "b"}


@pytest.mark.parametrize("old, new, differ", [
    ("two-day official visit", "three-day official visit", None),
    ("visit to Pakistan on Tuesday", "visit to Pakistan on Thursday", None),
    ("warmly received President Kassym-Jomart Tokayev of Kazakhstan at his official residence",
     "gave a warm welcome at his official residence to Kazakhstan's President Kassym-Jomart Tokayev", "paraphrase"),
])
def test_every_line_holding_a_planted_contradiction_is_conflicting(tmp_path, seed_paths, cli_env, old, new, differ):
    """A second outlet's copy of an article with one value changed: every fact line (statement or
    event) that cites both sides of the change is conflicting and shows both values; a paraphrase
    makes no conflict at any level."""
    text = seed_paths[1].read_text(encoding="utf-8")
    assert old in text
    rows = _compare(tmp_path, [{"id": "orig", "text": text, "story": "kz", "outlet": "TDI"},
                               {"id": "copy", "text": text.replace(old, new), "story": "kz", "outlet": "Other"}],
                    cli_env)
    span = text.index(old), text.index(old) + len(old)

    def holds_change(row):
        mine = [s for s in row["sources"] if s["article"] == "orig" and s["start"] < span[1] and span[0] < s["end"]]
        return mine and any(s["article"] == "copy" and new in s["text"] for s in row["sources"])

    holding = [r for r in rows if holds_change(r)]
    if differ == "paraphrase":
        assert holding and not [r for r in rows if r["status"] == "conflicting"]
        return
    assert {r["level"] for r in holding} == {"statement", "event"}
    for row in holding:
        assert row["status"] == "conflicting", row
        shown = {v["value"] for v in row["values"]}
        assert len(shown) >= 2
