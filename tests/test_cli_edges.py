"""The command line at its edges: out-of-range numbers, unwritable outputs, empty inputs, missing
databases. Each runs the real command (click's CliRunner, or the installed script) over real
files: the small story database of test_api and the seed articles."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

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
