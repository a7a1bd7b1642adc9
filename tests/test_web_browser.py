"""The web pages in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright),
against a real `newsweave serve` process over a database built from the seeds by the pipeline.

Screenshots are saved in tests/artifacts/ (git-ignored).
"""
from __future__ import annotations

import os
import re
import subprocess
import threading
from pathlib import Path

import httpx
import pytest

from conftest import NEWSWEAVE, SEEDS
from newsweave.pipeline import Pipeline
from newsweave.read import read_paths
from newsweave.store import open_store

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TOKEN = "browser-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
XSS = '<script>window.__pwned=1;alert(1)</script><img src=x onerror="window.__pwned=1;alert(2)">'


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory) -> tuple[str, str]:
    """(database path, seeds story id): the seeds ingested by the pipeline."""
    db = str(tmp_path_factory.mktemp("web") / "seeds.db")
    store = open_store(db)
    report = Pipeline(store).ingest(read_paths([str(p) for p in SEEDS]))
    assert report.added == 2 and not report.errors
    (story_id,) = store.stories_of(report.article_ids)
    store.close()
    return db, story_id


@pytest.fixture(scope="module")
def site(seeds_db, tmp_path_factory, cli_env):
    """(base url, seeds story id): a `newsweave serve` on a free port over the seeds' database."""
    yield from _serve(seeds_db, tmp_path_factory, cli_env)


@pytest.fixture(scope="module")
def short_table_site(seeds_db, tmp_path_factory, cli_env):
    """The same database served with only two fact rows on a story page before "show all"."""
    yield from _serve(seeds_db, tmp_path_factory, cli_env, "--max-facts", "2")


def _serve(seeds_db, tmp_path_factory, cli_env, *options):
    db, story_id = seeds_db
    env = dict(cli_env, NEWSWEAVE_TOKEN=TOKEN)
    log = open(tmp_path_factory.mktemp("log") / "serve.log", "w+")
    proc = subprocess.Popen([NEWSWEAVE, "serve", "--db", db, "--port", "0", *options], stdout=subprocess.PIPE,
                            stderr=log, text=True, env=env)
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(60)
    match = re.search(r"http://127\.0\.0\.1:\d+", first[0] if first else "")
    if not match:
        proc.kill()
        log.seek(0)
        pytest.fail(f"newsweave serve did not start: {first} {log.read()[-2000:]}")
    yield match.group(0), story_id
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), "Debian's chromium is missing: run `make browser` (apt-get install chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    pg = context.new_page()
    pg.dialogs = []  # every alert/confirm a page tries to open
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


def api(base: str, path: str):
    r = httpx.get(base + path, timeout=30)
    r.raise_for_status()
    return r.json()


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def expected_highlight(story: dict, fact: dict, base: str) -> dict[int, str]:
    """Per citation number, the text of the fact's sentences in that article (overlaps merged)."""
    numbers = {a["id"]: n for n, a in enumerate(story["articles"], 1)}
    out = {}
    for article_id in dict.fromkeys(s["article"] for s in fact["sources"]):
        text = api(base, f"/api/articles/{article_id}")["text"]
        spans = sorted((s["start"], s["end"]) for s in fact["sources"] if s["article"] == article_id)
        merged: list[list[int]] = []
        for s, e in spans:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        out[numbers[article_id]] = "".join(text[s:e] for s, e in merged)
    return out


def corroborated_in_both(story: dict) -> list[int]:
    both = len(story["articles"])
    return [i for i, f in enumerate(story["facts"])
            if f["status"] == "corroborated" and len({s["article"] for s in f["sources"]}) == both]


def test_choosing_a_fact_highlights_its_sentence_in_both_articles(site, page):
    base, story_id = site
    story = api(base, f"/api/stories/{story_id}")
    assert len(story["articles"]) == 2
    candidates = corroborated_in_both(story)
    assert candidates, "the seeds should share corroborated facts"
    guard = [i for i in candidates if "guard of honour" in story["facts"][i]["text"].lower()]
    index = (guard or candidates)[0]
    page.goto(f"{base}/stories/{story_id}")
    assert page.locator("mark.hl").count() == 0
    page.click(f'tr[data-ref="f{index}"]')

    row = page.locator(f'tr[data-ref="f{index}"]')
    assert row.get_attribute("aria-selected") == "true"
    for number, text in expected_highlight(story, story["facts"][index], base).items():
        marks = page.locator(f"#article-{number} mark.hl")
        assert marks.count() >= 1, f"nothing highlighted in article [{number}]"
        assert squash("".join(marks.all_text_contents())) == squash(text)
        # the column scrolled so that its highlight is in view
        inside = marks.first.evaluate(
            "m => { const b = m.closest('.text').getBoundingClientRect(), r = m.getBoundingClientRect();"
            " return r.top >= b.top - 1 && r.top < b.bottom; }")
        assert inside, f"highlight of article [{number}] is scrolled out of its column"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "story-page.png"), full_page=True)

    other = next(i for i, f in enumerate(story["facts"]) if i != index)
    page.click(f'tr[data-ref="f{other}"]')
    assert row.get_attribute("aria-selected") == "false"
    assert squash("".join(page.locator("mark.hl").all_text_contents())) == squash(
        "".join(expected_highlight(story, story["facts"][other], base).values()))


def test_story_list_and_search(site, page):
    base, story_id = site
    page.goto(base + "/")
    link = page.locator(f'a[href="/stories/{story_id}"]')
    assert link.count() == 1
    page.fill("form.search input[name=q]", "tokayev")
    page.press("form.search input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"q=tokayev"))
    assert page.locator(f'a[href="/stories/{story_id}"]').count() == 1
    page.fill("form.search input[name=q]", "zzzz-nothing")
    page.press("form.search input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"q=zzzz"))
    assert page.locator(".story-card").count() == 0
    page.screenshot(path=str(ARTIFACTS / "no-results.png"))


def test_posted_xss_shows_as_text_and_runs_nothing(site, page):
    base, _ = site
    records = [
        {"id": "xss-text", "title": f"Headline {XSS}", "outlet": f"Outlet {XSS}",
         "text": f"Officials in Ruritania announced a new harbour tax on Monday. {XSS} The tax starts in May."},
        {"id": "xss-html", "html": "<html><head><title>Harbour tax</title></head><body><article><p>The Ruritanian "
         "harbour tax was announced on Monday by the finance ministry, officials said.</p>" + XSS
         + "<p>It starts in May and applies to every ship.</p></article></body></html>"},
    ]
    r = httpx.post(base + "/api/articles", json=records, headers=AUTH, timeout=600)
    assert r.status_code == 201, r.text
    story_ids = [s["id"] for s in r.json()["stories"]]
    paths = [f"/stories/{s}" for s in story_ids] + ["/articles/xss-text", "/", "/?q=harbour"]
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("load")
        for fact_row in page.locator("tr[data-ref]").all()[:3]:
            fact_row.click()
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.locator("script:not([src])").count() == 0, path
    assert page.dialogs == []
    page.goto(base + "/articles/xss-text")
    assert "<script>window.__pwned=1;alert(1)</script>" in page.locator("h1").inner_text()
    assert XSS in page.locator(".text").inner_text()
    page.goto(f"{base}/stories/{story_ids[0]}")
    assert "<script>" in page.locator("h1").inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined" and page.dialogs == []


def test_posted_article_appears_in_its_story_at_the_next_request(site, page):
    base, story_id = site
    page.goto(f"{base}/stories/{story_id}")
    before = page.locator("article.source").count()
    text = SEEDS[1].read_text(encoding="utf-8").replace("Islamabad (TDI):", "ISLAMABAD:")
    record = {"id": "late-copy", "title": "Tokayev welcomed in Islamabad (syndicated)", "outlet": "Wire Service",
              "text": text}
    r = httpx.post(base + "/api/articles", json=record, headers=AUTH, timeout=600)
    assert r.status_code == 201, r.text
    assert [s["id"] for s in r.json()["stories"]] == [story_id]
    page.reload()
    assert page.locator("article.source").count() == before + 1
    assert page.get_by_text("Tokayev welcomed in Islamabad (syndicated)").count() >= 1


def test_a_mark_of_a_fact_past_the_short_table_brings_its_row(short_table_site, page):
    base, story_id = short_table_site
    page.goto(f"{base}/stories/{story_id}")
    assert page.locator("tr.fact").count() == 2 and "show all" in page.content()
    listed = set(page.eval_on_selector_all("tr.fact", "rows => rows.map(r => r.dataset.ref)"))
    hidden = page.eval_on_selector_all(
        "mark[data-refs]", "(ms, listed) => ms.map(m => m.dataset.refs.split(' ').filter(r => r[0] === 'f'))"
        ".filter(fs => fs.length && fs.every(f => !listed.includes(f))).map(fs => fs[0])", list(listed))
    assert hidden, "the seeds story should have facts past its first two rows"
    page.click(f'mark[data-refs~="{hidden[0]}"]')
    page.wait_for_url(f"**fact={hidden[0]}**")
    row = page.locator(f'tr[data-ref="{hidden[0]}"]')
    assert row.count() == 1 and row.get_attribute("aria-selected") == "true"
    assert page.locator("mark.hl").count() >= 1
    # the full table stays full when a fact is chosen in it
    page.goto(f"{base}/stories/{story_id}?facts=all")
    rows = page.locator("tr.fact")
    assert rows.count() > 2
    rows.nth(rows.count() - 1).click()
    assert "facts=all" in page.url and "fact=f" in page.url
