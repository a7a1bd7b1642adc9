"""The HTTP API and the pages, through FastAPI's TestClient over temporary databases.

Reads run over a small database written through the store's own API (known outlets, dates,
entities and fact offsets into the real seed texts); writes run the real pipeline.
"""
from __future__ import annotations

import base64
import json
import re
import subprocess
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import EXAMPLES, NEWSWEAVE, SEEDS
from newsweave.model import Analysis, Article
from newsweave.store import open_store
from newsweave.web import Settings, create_app
from newsweave.web.ingest import parse_body
from newsweave.web.present import paragraphs, split_text

TOKEN = "test-token-1234"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

XSS = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


def article(aid: str, text: str, outlet: str | None, published: str | None, title: str | None = None,
            url: str | None = None) -> Article:
    return Article(id=aid, text=text, title=title, outlet=outlet, url=url, published=published, clean_text=text,
                   segments=[(0, 0, len(text))], content_hash="h" + aid, source="test")


def span(a: Article, sentence: str) -> dict:
    start = a.text.index(sentence)
    return {"article": a.id, "start": start, "end": start + len(sentence), "text": sentence, "outlet": a.outlet}


def story_json(sid: str, arts: list[Article], facts: list[dict], entities: list[dict], events=(), summary=()) -> dict:
    dates = sorted(a.published for a in arts if a.published)
    counts = {k: sum(1 for f in facts if f["status"] == k) for k in ("corroborated", "single_source", "conflicting")}
    return {
        "id": sid, "title": arts[0].title or arts[0].text[:60],
        "articles": [dict(a.brief(), duplicate_of=None) for a in arts],
        "outlets": list(dict.fromkeys(a.outlet for a in arts if a.outlet)),
        "independent_sources": len({a.outlet for a in arts}), "first_seen": dates[0] if dates else None,
        "last_seen": dates[-1] if dates else None, "counts": counts, "facts": facts,
        "summary": list(summary), "entities": entities, "events": list(events),
    }


def entity(eid: str, name: str, type_: str, arts: list[Article], roles=()) -> dict:
    return {"id": eid, "name": name, "type": type_, "aliases": [name], "roles": list(roles),
            "articles": [a.id for a in arts]}


def save(store, sid: str, arts: list[Article], story: dict) -> None:
    with store.transaction() as tx:
        store.insert_articles(tx, [(Analysis(article=a), sid, None) for a in arts])
        store.save_story(tx, story, story["entities"])


def build(path: str) -> dict:
    """Write four stories, oldest update first; return their ids and articles."""
    store = open_store(path)
    # 1. Iran earthquake: one outlet
    quake = article("quake/1 a", "A strong earthquake struck north-west Iran on Saturday. Dozens were hurt in Tabriz.",
                    "Reuters", "2024-06-01T08:00:00+00:00", "Earthquake strikes north-west Iran")
    iran = entity("country:iran", "Iran", "country", [quake])
    save(store, "s-quake", [quake], story_json("s-quake", [quake], [
        {"text": "A strong earthquake struck north-west Iran on Saturday.", "status": "single_source",
         "sources": [span(quake, "A strong earthquake struck north-west Iran on Saturday.")], "outlets": ["Reuters"],
         "values": [], "story": "s-quake"}], [iran]))
    # 2. Rehab: three outlets
    rehab = [article(f"rehab-{i}", f"Lindsay Lohan checked into rehab on Tuesday, {o} reported.", o,
                     f"2023-01-1{i}T10:00:00+00:00", f"Lohan in rehab ({o})") for i, o in enumerate(["AP", "BBC", "CNN"])]
    lohan = entity("person:lindsay-lohan", "Lindsay Lohan", "person", rehab, ["actress"])
    fact = {"text": "Lindsay Lohan checked into rehab on Tuesday.", "status": "corroborated",
            "sources": [span(a, "Lindsay Lohan checked into rehab on Tuesday") for a in rehab],
            "outlets": ["AP", "BBC", "CNN"], "values": [], "story": "s-rehab"}
    save(store, "s-rehab", rehab, story_json("s-rehab", rehab, [fact], [lohan]))
    # 3. The seeds, with hand-made facts (their sentences really are in both texts)
    s0, s1 = (p.read_text(encoding="utf-8") for p in SEEDS)
    a0 = article("seed-0", s0, "Daily Times", "2025-02-04T09:00:00+00:00", "Pakistan rolls out welcome for Tokayev")
    a1 = article("seed-1", s1, "TDI", "2025-02-05T11:30:00+00:00", "PM Shehbaz receives President Tokayev")
    guard0 = "President Tokayev was accorded guard of honour by Pakistan’s armed forces upon his arrival at prime minister’s official residence."
    guard1 = "Upon arrival, President Tokayev was greeted with a ceremonial guard of honour by a well-prepared contingent of the armed forces."
    export0 = next(line for line in s0.splitlines() if "largest export destination" in line).split(", with ")[0]
    export1 = "Kazakhstan is currently Pakistan’s largest export destination in Central Asia, reflecting the close economic and diplomatic links between Islamabad and Astana."
    two_day = "President Tokayev began his two-day official visit to Pakistan on Tuesday, highlighting the mutual desire to strengthen ties between the two countries."
    facts = [
        {"text": "President Tokayev received a guard of honour from Pakistan's armed forces.", "status": "corroborated",
         "sources": [span(a0, guard0), span(a1, guard1)], "outlets": ["Daily Times", "TDI"], "values": [], "story": "s-visit"},
        {"text": "Kazakhstan is Pakistan's largest export destination in Central Asia.", "status": "corroborated",
         "sources": [span(a0, export0), span(a1, export1)], "outlets": ["Daily Times", "TDI"], "values": [], "story": "s-visit"},
        {"text": "Tokayev began a two-day visit on Tuesday.", "status": "conflicting",
         "sources": [span(a1, two_day)], "outlets": ["TDI"], "story": "s-visit",
         "values": [{"value": "Tuesday", "articles": ["seed-1"], "outlets": ["TDI"]},
                    {"value": "Wednesday", "articles": ["seed-0"], "outlets": ["Daily Times"]}]},
    ]
    ents = [entity("person:kassym-jomart-tokayev", "Kassym-Jomart Tokayev", "person", [a0, a1], ["President of Kazakhstan"]),
            entity("person:shehbaz-sharif", "Shehbaz Sharif", "person", [a0, a1], ["Prime Minister"]),
            entity("country:pakistan", "Pakistan", "country", [a0, a1])]
    events = [{"actor": "Shehbaz Sharif", "action": "received", "target": "Kassym-Jomart Tokayev", "place": "Islamabad",
               "date": "2025-02-05", "sources": [span(a1, a1.text.split(". ")[0] + ".")]}]
    summary = [{"text": "Pakistan's armed forces gave President Tokayev a guard of honour.", "sources": ["seed-0", "seed-1"],
                "facts": [0]}]
    save(store, "s-visit", [a0, a1], story_json("s-visit", [a0, a1], facts, ents, events, summary))
    # 4. Hostile text, newest
    evil = article("evil", f"Plain words before. {XSS} Plain words after.", XSS, "2025-03-01T00:00:00+00:00",
                   f"Title {XSS}", url="javascript:window.__pwned=1")
    evil_fact = {"text": f"The payload {XSS}", "status": "single_source", "sources": [span(evil, XSS)],
                 "outlets": [XSS], "values": [], "story": "s-evil"}
    save(store, "s-evil", [evil], story_json("s-evil", [evil], [evil_fact],
                                             [entity("other:x", XSS, "other", [evil], [XSS])]))
    store.close()
    return {"visit": "s-visit", "quake": "s-quake", "rehab": "s-rehab", "evil": "s-evil",
            "seed_articles": [a0.id, a1.id], "guard": (guard0, guard1)}


# -- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("api") / "stories.db")
    return path, build(path)


@pytest.fixture(scope="module")
def client(built):
    app = create_app(open_store(built[0]), Settings(token=TOKEN))
    with TestClient(app) as c:
        yield c


@pytest.fixture()
def small(built):
    """A client with tiny limits (writes are refused before the pipeline is needed)."""
    app = create_app(open_store(built[0]), Settings(token=TOKEN, max_body_bytes=2000, max_article_bytes=500,
                                                  max_batch=3))
    with TestClient(app) as c:
        yield c


def ids(resp) -> list[str]:
    assert resp.status_code == 200, resp.text
    return [s["id"] for s in resp.json()["stories"]]


def assert_error(resp, status: int, *words: str) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["ok"] is False and body["status"] == status
    for w in words:
        assert w.lower() in body["error"].lower(), body
    return body


# -- reads ---------------------------------------------------------------------------------------
def test_health_reports_counts(client):
    body = client.get("/api/health").json()
    assert body["ok"] is True and body["writes_enabled"] is True
    assert body["stories"] == 4 and body["articles"] == 7


def test_openapi_documents_every_endpoint(client):
    doc = client.get("/openapi.json").json()
    paths = doc["paths"]
    for p in ("/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}", "/api/entities/{entity_id}",
              "/api/health"):
        assert "get" in paths[p], p
    assert "post" in paths["/api/articles"]
    assert "/" not in paths  # pages are not API
    # an article needs text or html, either one: a schema-checking client must accept html alone
    article = paths["/api/articles"]["post"]["requestBody"]["content"]["application/json"]["schema"]["oneOf"][0]
    assert "required" not in article and {"html"} in [set(alt["required"]) for alt in article["anyOf"]]


def test_stories_newest_update_first_and_paged(client):
    assert ids(client.get("/api/stories")) == ["s-evil", "s-visit", "s-rehab", "s-quake"]
    first = client.get("/api/stories", params={"limit": 2}).json()
    assert [s["id"] for s in first["stories"]] == ["s-evil", "s-visit"] and first["has_more"] is True
    second = client.get(first["next"]).json()
    assert [s["id"] for s in second["stories"]] == ["s-rehab", "s-quake"]
    assert second["has_more"] is False and second["next"] is None and second["previous"]
    assert ids(client.get("/api/stories", params={"limit": 2, "offset": 4})) == []
    # past the end, "previous" is the last page that has stories, not another empty one
    past = client.get("/api/stories", params={"limit": 3, "offset": 900}).json()
    assert past["stories"] == [] and past["previous"].endswith("offset=3")
    assert ids(client.get(past["previous"])) == ["s-quake"]


def test_story_summaries_carry_counts_and_outlets(client):
    visit = next(s for s in client.get("/api/stories").json()["stories"] if s["id"] == "s-visit")
    assert visit["counts"] == {"corroborated": 2, "single_source": 0, "conflicting": 1}
    assert visit["outlets"] == ["Daily Times", "TDI"] and visit["independent_sources"] == 2
    assert "facts" not in visit


def test_sort_by_independent_sources(client):
    assert ids(client.get("/api/stories", params={"sort": "sources"}))[:2] == ["s-rehab", "s-visit"]


@pytest.mark.parametrize("params, expected", [
    ({"q": "tokayev welcome"}, ["s-visit"]),
    ({"q": "earthquake"}, ["s-quake"]),
    ({"q": "no-such-word"}, []),
    ({"outlet": "TDI"}, ["s-visit"]),
    ({"outlet": "BBC"}, ["s-rehab"]),
    ({"entity": "country:iran"}, ["s-quake"]),
    ({"entity": "person:shehbaz-sharif"}, ["s-visit"]),
    ({"since": "2025-01-01"}, ["s-evil", "s-visit"]),
    ({"until": "2023-12-31"}, ["s-rehab"]),
    ({"since": "2024-01-01", "until": "2024-12-31T23:59:59Z"}, ["s-quake"]),
    ({"until": "2024-06-01"}, ["s-rehab", "s-quake"]),  # a bare date covers its whole day
    ({"q": "tokayev", "outlet": "Reuters"}, []),
])
def test_story_filters(client, params, expected):
    assert ids(client.get("/api/stories", params=params)) == expected


@pytest.mark.parametrize("params, words", [
    ({"since": "last tuesday"}, ["since", "ISO date"]),
    ({"limit": "0"}, ["limit"]),
    ({"limit": "abc"}, ["limit"]),
    ({"limit": "100000"}, ["limit"]),
    ({"offset": "-1"}, ["offset"]),
    ({"offset": "99999999999999999999"}, ["offset", "less than or equal to 1000000000"]),
    ({"offset": "1000000001"}, ["offset"]),
    ({"sort": "random"}, ["sort"]),
])
def test_bad_list_parameters_are_422(client, params, words):
    body = assert_error(client.get("/api/stories", params=params), 422, *words)
    assert body["errors"] and all(isinstance(e, str) for e in body["errors"])  # every 422 lists its errors


def test_control_characters_in_a_search_are_dropped_not_matched_or_echoed(client):
    everything = ids(client.get("/api/stories"))
    assert ids(client.get("/api/stories", params={"q": "earthquake"})) == ["s-quake"]
    page = client.get("/api/stories", params={"q": "earthquake"}).json()
    assert page["matching"] == 1 and page["total_stories"] == len(everything) > 1
    assert ids(client.get("/api/stories", params={"q": "tokayev\x00earthquake"})) == []  # two words, no story has both
    assert ids(client.get("/api/stories", params={"q": "\x00earthquake\x07"})) == ["s-quake"]
    assert ids(client.get("/api/stories", params={"q": "earthquake", "outlet": "Reuters\x00"})) == ["s-quake"]
    assert ids(client.get("/api/stories", params={"outlet": "REUTERS"})) == ids(client.get("/api/stories", params={"outlet": "Reuters"}))
    assert ids(client.get("/api/stories", params={"q": "\x00"})) == everything  # nothing left: no filter, as q=
    assert ids(client.get("/api/stories?q=%00zzzz")) == []  # not a pattern cut short at the NUL
    page = client.get("/", params={"q": "\x00earthquake\x1b", "outlet": "\x00"})
    assert page.status_code == 200 and "\x00" not in page.text and "\x1b" not in page.text
    assert 'name="q" value="earthquake"' in page.text and "Earthquake strikes" in page.text
    assert "Lohan in rehab" not in page.text
    redirect = client.get("/search", params={"q": "tok\x00ayev"}, follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"] == "/?q=tok+ayev"


def test_the_largest_offset_is_an_empty_page_and_a_larger_one_a_clear_422(client):
    assert ids(client.get("/api/stories", params={"offset": "1000000000"})) == []
    page = client.get("/", params={"offset": "99999999999999999999"})
    assert page.status_code == 422 and "offset" in page.text and "Traceback" not in page.text
    assert client.get("/", params={"offset": "1000000000"}).status_code == 200


def test_story_is_the_same_json_as_the_cli(client, built, cli_env):
    api = client.get("/api/stories/s-visit").json()
    assert api == open_store(built[0]).get_story("s-visit")
    proc = subprocess.run([NEWSWEAVE, "story", "s-visit", "--db", built[0], "--format", "json"],
                          capture_output=True, text=True, env=cli_env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == api
    assert {"facts", "summary", "entities", "events", "articles"} <= set(api)


def test_unknown_ids_are_404_in_the_error_shape(client):
    assert_error(client.get("/api/stories/s-nope"), 404, "s-nope")
    assert_error(client.get("/api/articles/a-nope"), 404, "a-nope")
    assert_error(client.get("/api/entities/person:nobody"), 404, "person:nobody")
    assert_error(client.get("/api/no-such-endpoint"), 404)


def test_article_detail_has_text_and_story(client):
    a = client.get("/api/articles/seed-1").json()
    assert a["text"] == SEEDS[1].read_text(encoding="utf-8")
    assert a["story_id"] == "s-visit" and a["outlet"] == "TDI" and a["title"].startswith("PM Shehbaz")
    odd = client.get("/api/articles/quake%2F1%20a").json()  # ids may hold slashes and spaces
    assert odd["id"] == "quake/1 a" and "earthquake" in odd["text"]


def test_entity_detail_lists_its_stories(client):
    e = client.get("/api/entities/person:lindsay-lohan").json()
    assert e["name"] == "Lindsay Lohan" and e["type"] == "person"
    assert [s["id"] for s in e["stories"]] == ["s-rehab"]


# -- pages ---------------------------------------------------------------------------------------
def test_index_page_lists_and_filters(client):
    html = client.get("/").text
    for title in ("Pakistan rolls out welcome for Tokayev", "Lohan in rehab (AP)", "Earthquake strikes north-west Iran"):
        assert title in html
    assert 'href="/stories/s-visit"' in html
    filtered = client.get("/", params={"q": "earthquake"}).text
    assert "Earthquake strikes" in filtered and "Lohan in rehab" not in filtered
    by_entity = client.get("/", params={"entity": "country:iran"}).text
    assert "Earthquake strikes" in by_entity and "Pakistan rolls out" not in by_entity
    assert "/api/stories?" in html  # the JSON twin


def test_index_page_paginates(built):
    app = create_app(open_store(built[0]), Settings(page_size=3))
    with TestClient(app) as c:
        first = c.get("/").text
        assert 'rel="next"' in first and "Earthquake strikes" not in first
        second = c.get("/?offset=3").text
        assert "Earthquake strikes" in second and 'rel="prev"' in second and 'rel="next"' not in second
        past = c.get("/?offset=30").text  # past the last story: not "no stories yet", and back to the last page
        assert "No stories yet" not in past and "No stories on this page: there are 4" in past
        assert 'href="/?offset=3" rel="prev"' in past


def test_story_page_shows_facts_sources_timeline_and_actors(client):
    html = client.get("/stories/s-visit").text
    assert html.count('class="card source"') == 2
    assert 'data-ref="f0"' in html and 'data-refs="f0"' in html
    assert "badge conflicting" in html and "Wednesday" in html and "Tuesday" in html
    assert 'href="#article-1"' in html and 'href="#article-2"' in html
    assert 'href="/entities/person%3Ashehbaz-sharif"' in html
    assert "Shehbaz Sharif received Kassym-Jomart Tokayev" in html  # the dated event
    assert 'href="/api/stories/s-visit"' in html


def test_the_story_page_says_what_a_summary_sentences_relative_dates_mean(tmp_path):
    store = open_store(str(tmp_path / "dates.db"))
    art = article("road/1", "The R4 ring road reopened yesterday afternoon, the roads agency said.", "Herald",
                  "2026-11-18T09:00:00+00:00", "R4 reopens")
    summary = [{"text": art.text, "sources": [art.id], "facts": [],
                "dates": [{"text": "yesterday", "value": "2026-11-17"}]}]
    save(store, "s-road", [art], story_json("s-road", [art], [], [], summary=summary))
    with TestClient(create_app(store, Settings())) as c:
        html = c.get("/stories/s-road").text
    assert '<span class="when">(yesterday: 2026-11-17)</span>' in html


def test_choosing_a_fact_without_javascript_highlights_it_server_side(client, built):
    story = open_store(built[0]).get_story("s-visit")
    html = client.get("/stories/s-visit", params={"fact": "f0"}).text
    marked = html.count('class="hl"')
    assert marked == len(story["facts"][0]["sources"]) == 2
    for src in story["facts"][0]["sources"]:
        assert src["text"] in html
    assert 'class="hl"' not in client.get("/stories/s-visit").text


def test_big_stories_show_a_bounded_number_of_columns(built):
    with TestClient(create_app(open_store(built[0]), Settings(max_columns=2))) as c:
        html = c.get("/stories/s-rehab").text
        assert html.count('class="card source"') == 2 and "1 more article" in html
        assert 'id="article-1"' in html and 'id="article-3"' not in html


def test_a_big_story_lists_its_first_facts_and_links_to_all(built, client):
    story = open_store(built[0]).get_story("s-visit")
    n = len(story["facts"])
    assert n >= 3
    with TestClient(create_app(open_store(built[0]), Settings(max_facts=2))) as c:
        html = c.get("/stories/s-visit").text
        assert html.count('<tr class="fact ') == 2 and f"{n - 2} more fact" in html and "?facts=all" in html
        hidden = next(f"f{i}" for i in range(n) if f'data-ref="f{i}"' not in html)
        chosen = c.get("/stories/s-visit", params={"fact": hidden}).text  # a fact past the limit, chosen:
        assert f'data-ref="{hidden}"' in chosen and chosen.count('<tr class="fact ') == 3  # listed too
        every = c.get("/stories/s-visit", params={"facts": "all"}).text
        assert every.count('<tr class="fact ') == n and "more fact" not in every
    assert "more fact" not in client.get("/stories/s-visit").text  # the default limit is far above this story


def test_article_and_entity_pages(client):
    page = client.get("/articles/seed-0").text
    assert "Pakistan rolls out welcome for Tokayev" in page and "Daily Times" in page
    assert "/api/articles/seed-0" in page
    ent = client.get("/entities/person:kassym-jomart-tokayev").text
    assert "Kassym-Jomart Tokayev" in ent and 'href="/stories/s-visit"' in ent


def test_missing_page_is_an_html_404(client):
    r = client.get("/stories/s-nope")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "s-nope" in r.text


def test_hostile_text_is_escaped_everywhere(client):
    for path in ("/", "/stories/s-evil", "/articles/evil", "/entities/other:x", "/stories/s-evil?fact=f0"):
        html = client.get(path).text
        assert "<script>window" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html, path
    assert "javascript:" not in client.get("/articles/evil").text  # the url is not made a link


def test_security_headers_on_every_kind_of_response(client, small):
    responses = [client.get("/"), client.get("/stories/s-visit"), client.get("/api/stories"),
                 client.get("/api/stories/nope"), client.get("/nope"), client.get("/static/style.css"),
                 client.get("/openapi.json"), small.post("/api/articles", content=b"x" * 5000, headers=AUTH)]
    for r in responses:
        csp = r.headers.get("content-security-policy", "")
        assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp, r.url
        assert "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"]


def test_head_requests_answer_like_get_without_a_body(client):
    for path in ("/", "/api/health", "/stories/s-visit"):
        r = client.head(path)
        assert r.status_code == 200 and r.content == b"" and int(r.headers["content-length"]) > 0
        assert "default-src 'self'" in r.headers["content-security-policy"]


def test_pages_have_no_inline_script(client):
    for path in ("/", "/stories/s-visit", "/articles/seed-0", "/entities/country:pakistan"):
        html = client.get(path).text
        assert html.count("<script") == 1 and '<script src="/static/app.js" defer></script>' in html


# -- access --------------------------------------------------------------------------------------
ONE = {"id": "w1", "text": "A short article about nothing in particular, written for a test."}


def test_writes_refused_when_no_token_is_configured(built):
    with TestClient(create_app(open_store(built[0]), Settings(token=None))) as c:
        r = c.post("/api/articles", json=ONE, headers=AUTH)
        assert_error(r, 403, "NEWSWEAVE_TOKEN")
        assert c.get("/api/health").json()["writes_enabled"] is False


def test_writes_need_the_right_token(client, built):
    before = open_store(built[0]).article_count()
    r = client.post("/api/articles", json=ONE)
    assert_error(r, 401, "Bearer")
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert_error(client.post("/api/articles", json=ONE, headers={"Authorization": "Bearer wrong"}), 403, "token")
    assert_error(client.post("/api/articles", json=ONE, headers={"Authorization": TOKEN}), 401)
    assert open_store(built[0]).article_count() == before


def test_private_server_closes_reads(built):
    app = create_app(open_store(built[0]), Settings(token=TOKEN, private=True))
    with TestClient(app) as c:
        for path in ("/api/stories", "/api/stories/s-visit", "/api/articles/seed-0", "/api/entities/country:iran"):
            assert_error(c.get(path), 401)
            assert c.get(path, headers=AUTH).status_code == 200
        page = c.get("/stories/s-visit")
        assert page.status_code == 401 and page.headers["www-authenticate"].startswith("Basic")
        basic = base64.b64encode(f"me:{TOKEN}".encode()).decode()
        assert c.get("/stories/s-visit", headers={"Authorization": f"Basic {basic}"}).status_code == 200
        assert c.get("/", headers={"Authorization": "Bearer nope"}).status_code == 403
        # health answers anyone, but tells a request without the token only that the server is up
        assert c.get("/api/health").json() == {"ok": True, "status": "ok"}
        assert c.get("/api/health", headers={"Authorization": "Bearer nope"}).json() == {"ok": True, "status": "ok"}
        full = c.get("/api/health", headers=AUTH).json()
        assert full["stories"] == 4 and full["articles"] == 7 and full["writes_enabled"] is True


# -- limits and malformed bodies (refused before any NLP runs) ------------------------------------
def test_body_over_the_limit_is_413(small):
    r = small.post("/api/articles", content=b"{" + b" " * 3000 + b"}", headers=AUTH)
    assert_error(r, 413, "too large", "MB")


def test_chunked_body_over_the_limit_is_413(small):
    def chunks():
        for _ in range(10):
            yield b" " * 500
    assert_error(small.post("/api/articles", content=chunks(), headers=AUTH), 413, "too large")


def test_too_many_articles_is_413(small):
    batch = [{"text": f"Article number {i} of a batch."} for i in range(4)]
    assert_error(small.post("/api/articles", json=batch, headers=AUTH), 413, "too many articles", "4", "3")


def test_article_over_the_size_limit_is_413(small):
    assert_error(small.post("/api/articles", json={"text": "word " * 200}, headers=AUTH), 413, "'text'", "limit")


@pytest.mark.parametrize("body, words", [
    (b'{"text": "unterminated', ["malformed JSON: Unterminated string starting at line 1, column 10"]),
    (b'{"text": "a b c d e f"}\n{"text": "unterminated\n', ["request body:2", "Unterminated string starting at column"]),
    (b"", ["empty"]),
    (b"[]", ["no articles"]),
    (b'"just a string"', ["expected a JSON object or array, got a string"]),
    (b'{"title": "no text here"}', ["no article text"]),
    (b'[{"text": "fine text here"}, 7]', ["item 2", "expected a JSON object, got a number"]),
    (b'{"text": 12}', ["'text' must be a string"]),
    (b'{"text": "a"}\n{"text": }\n', ["request body:2", "malformed JSON"]),
    (b'\xff\xfe{"text": "x"}', ["not UTF-8"]),
])
def test_malformed_bodies_are_422_with_a_clear_message(client, built, body, words):
    before = open_store(built[0]).article_count()
    assert_error(client.post("/api/articles", content=body, headers=AUTH), 422, *words)
    assert open_store(built[0]).article_count() == before


def test_request_content_never_names_a_file_to_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET CONTENT")
    body = json.dumps([{"text": str(secret), "url": secret.as_uri()},
                       {"html": f'<html><body><iframe src="{secret.as_uri()}"></iframe><p>The file {secret} is named in this short paragraph of quite ordinary words, nothing more.</p></body></html>',
                        "text": None}]).encode()
    articles = parse_body(body, Settings())
    assert articles[0].text == str(secret)
    assert all("TOP SECRET" not in (a.text + (a.title or "")) for a in articles)


# -- pieces of the page --------------------------------------------------------------------------
def test_split_text_keeps_every_character_and_marks_overlaps():
    text = "One two three. Four five six. Seven."
    marks = [(0, 14, "f0"), (4, 29, "f1"), (15, 29, "e0")]
    pieces = split_text(text, marks)
    assert "".join(p.text for p in pieces) == text
    covered = {r: "".join(p.text for p in pieces if r in p.refs) for r in ("f0", "f1", "e0")}
    assert covered == {"f0": text[0:14], "f1": text[4:29], "e0": text[15:29]}
    furniture = split_text(text, [], kept=[(0, 14), (30, 36)])
    assert [p.text for p in furniture if p.dropped] == [" Four five six. "[0:1] + "Four five six. "]
    paras = paragraphs(split_text("Line one.\n\nLine two.\n", [(5, 15, "f0")]))
    assert [[p.text for p in para] for para in paras] == [["Line ", "one."], ["Line", " two."]]
    assert [p.refs for p in paras[1]] == [("f0",), ()]


# -- the command ----------------------------------------------------------------------------------
def test_serve_get_prints_the_body(built, cli_env):
    ok = subprocess.run([NEWSWEAVE, "serve", "--db", built[0], "--get", "/api/stories?outlet=TDI"],
                        capture_output=True, text=True, env=cli_env, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert [s["id"] for s in json.loads(ok.stdout)["stories"]] == ["s-visit"]
    page = subprocess.run([NEWSWEAVE, "serve", "--db", built[0], "--get", "/stories/s-visit"],
                          capture_output=True, text=True, env=cli_env, timeout=120)
    assert page.returncode == 0 and "Pakistan rolls out welcome for Tokayev" in page.stdout
    missing = subprocess.run([NEWSWEAVE, "serve", "--db", built[0], "--get", "/api/stories/nope"],
                             capture_output=True, text=True, env=cli_env, timeout=120)
    assert missing.returncode == 1 and json.loads(missing.stdout)["status"] == 404
    # a path as the story page links it, %-escaped, is answered as a server would
    escaped = subprocess.run([NEWSWEAVE, "serve", "--db", built[0], "--get", "/api/entities/person%3Ashehbaz-sharif"],
                             capture_output=True, text=True, env=cli_env, timeout=120)
    assert escaped.returncode == 0 and json.loads(escaped.stdout)["id"] == "person:shehbaz-sharif", escaped.stdout[:300]


def test_serve_private_needs_a_token(built, cli_env):
    proc = subprocess.run([NEWSWEAVE, "serve", "--db", built[0], "--private", "--get", "/"],
                          capture_output=True, text=True, env=cli_env, timeout=120)
    assert proc.returncode != 0 and "NEWSWEAVE_TOKEN" in proc.stderr


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def test_serve_with_two_workers_answers_from_both_and_stops_cleanly(built, cli_env):
    import httpx

    proc = subprocess.Popen([NEWSWEAVE, "serve", "--db", built[0], "--port", "0", "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=cli_env)
    try:
        line = proc.stdout.readline()
        base = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        workers = []
        for _ in range(100):
            workers = _children(proc.pid)
            if len(workers) == 2:
                break
            time.sleep(0.1)
        assert len(workers) == 2, workers
        for _ in range(300):  # both workers accept once they are up
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        bodies = []
        for _ in range(40):  # a new connection each: the kernel spreads them over the workers
            r = httpx.get(base + "/api/stories/s-visit", timeout=10, headers={"connection": "close"})
            assert r.status_code == 200
            bodies.append(r.json()["id"])
        assert set(bodies) == {"s-visit"}
        page = httpx.get(base + "/stories/s-visit", timeout=10)
        assert page.status_code == 200 and "Pakistan rolls out welcome for Tokayev" in page.text
    finally:
        proc.terminate()
        code = proc.wait(30)
    assert code == 0
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()
                and "Z" not in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]]


# -- writes through the real pipeline -------------------------------------------------------------
@pytest.fixture(scope="module")
def live(tmp_path_factory):
    store = open_store(str(tmp_path_factory.mktemp("live") / "live.db"))
    with TestClient(create_app(store, Settings(token=TOKEN))) as c:
        yield c, store


def seed_record(i: int) -> dict:
    return {"text": SEEDS[i].read_text(encoding="utf-8"), "title": f"Seed {i}", "source_file": SEEDS[i].name}


def test_posted_articles_join_their_story_at_the_next_request(live):
    c, store = live
    first = c.post("/api/articles", json=seed_record(0), headers=AUTH)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["ok"] and body["report"]["added"] == 1 and len(body["stories"]) == 1
    story_id = body["stories"][0]["id"]
    assert c.get(f"/api/stories/{story_id}").json()["articles"][0]["title"] == "Seed 0"
    assert "Seed 1" not in c.get(f"/stories/{story_id}").text  # the page, parsed and kept by this process
    # the second seed as JSONL: it joins the same story, visible on the page at once
    jsonl = json.dumps(seed_record(1)) + "\n"
    second = c.post("/api/articles", content=jsonl.encode(), headers={**AUTH, "Content-Type": "application/x-ndjson"})
    assert second.status_code == 201, second.text
    assert [s["id"] for s in second.json()["stories"]] == [story_id]
    page = c.get(f"/stories/{story_id}").text
    assert "Seed 0" in page and "Seed 1" in page
    story = c.get(f"/api/stories/{story_id}").json()
    assert len(story["articles"]) == 2 and story["facts"]
    article_id = second.json()["report"]["article_ids"][0]
    detail = c.get(f"/api/articles/{article_id}").json()
    assert detail["extra"] == {"source_file": SEEDS[1].name} and detail["story_id"] == story_id
    from newsweave.web.api import ARTICLE_FIELDS, article_json
    row = dict.fromkeys(ARTICLE_FIELDS, None) | {"source": "/home/editor/archive/2026/gazette.rss#4", "extra": "{}"}
    assert article_json(row)["source"] == "gazette.rss#4"  # the file, never the server's folders


def test_posting_the_same_articles_again_adds_nothing(live):
    c, store = live
    before = store.article_count()
    r = c.post("/api/articles", json=[seed_record(0), seed_record(1)], headers=AUTH)
    assert r.status_code == 200, r.text
    report = r.json()["report"]
    assert report["added"] == 0 and report["already_stored"] == 2
    assert store.article_count() == before


def test_posting_a_json_list(live):
    c, store = live
    lines = (EXAMPLES / "ecbplus-sample.jsonl").read_text(encoding="utf-8").splitlines()[:2]
    records = [json.loads(line) for line in lines]
    r = c.post("/api/articles", json=records, headers=AUTH)
    assert r.status_code == 201, r.text
    report = r.json()["report"]
    assert report["read"] == 2 and report["added"] == 2
    for sid in r.json()["stories"]:
        assert c.get(sid["api"]).status_code == 200
    assert r.json()["warnings"] == []


def conforms(value, schema: dict, where: str = "$") -> list[str]:
    """Where ``value`` breaks ``schema`` (the JSON Schema subset the API's docs use)."""
    kinds = {"string": str, "integer": int, "boolean": bool, "object": dict, "array": list, "null": type(None)}
    bad = []
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if not any(isinstance(value, kinds[t]) and not (t == "integer" and isinstance(value, bool)) for t in types):
            return [f"{where}: {type(value).__name__}, not {types}"]
    if "enum" in schema and value not in schema["enum"]:
        bad.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        bad += [f"{where}.{k}: missing" for k in schema.get("required", []) if k not in value]
        for k, sub in schema.get("properties", {}).items():
            if k in value:
                bad += conforms(value[k], sub, f"{where}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            bad += conforms(item, schema["items"], f"{where}[{i}]")
    return bad


def test_every_answer_has_the_shape_openapi_documents(live):
    c, store = live
    if not store.story_count():  # (the posting tests above ran the pipeline; alone, this test does)
        assert c.post("/api/articles", json=[seed_record(0), seed_record(1)], headers=AUTH).status_code == 201
    doc = c.get("/openapi.json").json()["paths"]

    def schema(path: str, method: str = "get", status: str = "200") -> dict:
        return doc[path][method]["responses"][status]["content"]["application/json"]["schema"]

    page = c.get("/api/stories", params={"limit": 1}).json()
    assert not conforms(page, schema("/api/stories")), conforms(page, schema("/api/stories"))
    assert page["matching"] >= 1 and set(schema("/api/stories")["properties"]) == set(page)
    story = c.get(page["stories"][0]["api"] if "api" in page["stories"][0] else f"/api/stories/{page['stories'][0]['id']}").json()
    assert story["facts"] and story["summary"] and not conforms(story, schema("/api/stories/{story_id}"))
    article = c.get(f"/api/articles/{story['articles'][0]['id']}").json()
    assert not conforms(article, schema("/api/articles/{article_id}"))
    entity = c.get(f"/api/entities/{story['entities'][0]['id']}").json()
    assert entity["stories"] and not conforms(entity, schema("/api/entities/{entity_id}"))
    health = c.get("/api/health", headers=AUTH).json()
    assert "articles" in health and not conforms(health, schema("/api/health"))
    posted = c.post("/api/articles", json=seed_record(0), headers=AUTH).json()  # already stored: a 200
    assert not conforms(posted, schema("/api/articles", "post"))
    # and the check can fail: a story row without its counts is not a story row
    broken = {**page, "stories": [{k: v for k, v in page["stories"][0].items() if k != "counts"}]}
    assert conforms(broken, schema("/api/stories")) == ["$.stories[0].counts: missing"]


def test_an_unreadable_published_date_is_stored_undated_and_said_in_the_reply(live):
    c, store = live
    record = {"id": "late-date", "published": "2023-13-45", "text": "A cargo ship ran aground in the Suez "
              "Canal on Friday, blocking traffic in both directions for several hours, the canal authority said."}
    r = c.post("/api/articles", json=record, headers=AUTH)
    assert r.status_code == 201, r.text
    assert len(r.json()["warnings"]) == 1 and "'late-date'" in r.json()["warnings"][0] \
        and "2023-13-45" in r.json()["warnings"][0]
    stored = c.get("/api/articles/late-date").json()
    assert stored["published"] is None and stored["extra"]["published_raw"] == "2023-13-45"
    # the same id again with other text: kept as first stored, and the reply says so
    again = c.post("/api/articles", json=dict(record, published="2023-11-10", text=record["text"].replace(
        "several hours", "two days")), headers=AUTH)
    assert again.status_code == 200 and again.json()["report"]["changed"] == ["late-date"]
    assert any("'late-date' is already stored with other text" in w for w in again.json()["warnings"])
    assert "several hours" in c.get("/api/articles/late-date").json()["text"]


def test_reads_are_answered_while_an_ingest_holds_the_pipeline(live):
    c, store = live
    lock = c.app.state.ingester._lock
    record = {"text": "A ferry carrying forty passengers ran aground off the coast of Norway on Sunday, the coast guard said."}
    result: dict = {}
    lock.acquire()  # as if a long ingest were running
    try:
        import threading

        writer = threading.Thread(target=lambda: result.update(r=c.post("/api/articles", json=record, headers=AUTH)))
        writer.start()
        for path in ("/api/health", "/api/stories", "/"):
            assert c.get(path).status_code == 200
        assert writer.is_alive()  # the write waits for the pipeline; the reads did not
    finally:
        lock.release()
    writer.join(300)
    assert result["r"].status_code == 201, result["r"].text


def test_a_search_without_accents_finds_names_written_with_them(tmp_path):
    store = open_store(str(tmp_path / "accents.db"))
    art = article("lodz/1", "Zoë Müller won the Łódź city prize for her reporting on Sunday, the jury said.",
                  "Gazeta", "2025-05-04T10:00:00+00:00", "Zoë Müller wins Łódź prize")
    save(store, "s-lodz", [art], story_json("s-lodz", [art], [], [entity("person:zoe-muller", "Zoë Müller",
                                                                         "person", [art])]))
    for query in ("muller", "Müller", "zoe lodz", "ŁÓDŹ", "Zoë"):
        assert [s["id"] for s in store.list_stories(query=query)] == ["s-lodz"], query
    assert store.list_stories(query="mueller") == [] and store.count_stories(query="lodz") == 1


def test_the_timeline_puts_a_month_or_a_week_where_it_ends():
    from newsweave.web.present import timeline

    story = {"events": [{"date": d, "action": "meet", "actor": a} for d, a in (
        ("2024-11", "later this month"), ("2024-11-19", "on Tuesday"), ("2024-W46", "last week"), ("2024", "this year"))],
        "articles": [{"id": "x", "published": "2024-11-20T10:00:00+00:00", "outlet": "O"}]}
    events, _ = timeline(story, {"x": 1})
    assert [e["when"][:10] for e in events] == ["2024-W46", "2024-11-19", "2024-11-20", "2024-11", "2024"]
