"""Server-rendered pages. Every page works without JavaScript (choosing a fact is a link that
reloads with ``?fact=``); static/app.js only makes that instant. Each page links its JSON twin."""
from __future__ import annotations

import json
import re
from collections import OrderedDict
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..store import MAX_OFFSET
from . import present
from .api import article_json, story_query, text_filter
from .security import Problem, require_read

router = APIRouter(dependencies=[Depends(require_read)], include_in_schema=False)
REF = re.compile(r"^[fe]\d{1,6}$")


PARSED_STORIES = 256  # parsed story JSON kept per server process (the story page's largest cost)


def parsed_story(request: Request, story_id: str) -> dict[str, Any] | None:
    """The stored story, parsed; a recently parsed one is reused while its stored JSON is unchanged
    (read-only: the page code never mutates it)."""
    raw = request.app.state.store.get_story_json(story_id)
    if raw is None:
        return None
    cache: OrderedDict[str, tuple[str, dict]] = request.app.state.parsed_stories
    hit = cache.get(story_id)
    if hit is not None and hit[0] == raw:
        cache.move_to_end(story_id)
        return hit[1]
    story = json.loads(raw)
    cache[story_id] = (raw, story)
    if len(cache) > PARSED_STORIES:
        cache.popitem(last=False)
    return story


def render(request: Request, name: str, api: str, **context: Any) -> HTMLResponse:
    html = request.app.state.templates.get_template(name).render(request=request, api=api, **context)
    return HTMLResponse(html, headers={"Link": f'<{api}>; rel="alternate"; type="application/json"'})


@router.get("/", response_class=HTMLResponse)
async def index(
    request: Request,
    q: Annotated[str | None, Query(max_length=500)] = None,
    outlet: str | None = None,
    entity: str | None = None,
    since: str | None = None,
    until: str | None = None,
    sort: Literal["updated", "sources"] = "updated",
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> HTMLResponse:
    q, outlet, entity = text_filter(q), text_filter(outlet), text_filter(entity)  # echoed below: no NUL
    size = request.app.state.settings.page_size
    page = story_query(request, q, outlet, entity, since, until, sort, size, offset)
    filters = {k: v for k, v in (("q", q), ("outlet", outlet), ("entity", entity), ("since", since),
                                 ("until", until)) if v}
    params = dict(filters, **({"sort": sort} if sort != "updated" else {}))
    entity_name = None
    if entity:
        found = request.app.state.store.get_entity(entity)
        entity_name = found["name"] if found else entity

    def link(new_offset: int) -> str:
        return "/?" + urlencode(dict(params, offset=new_offset)) if new_offset else "/?" + urlencode(params)

    api = "/api/stories?" + urlencode(dict(params, limit=size, offset=offset))
    past_end = offset > 0 and not page["stories"] and page["matching"] > 0
    # past the last story: "previous" is the last page that has stories, not one more empty page
    previous = (link((page["matching"] - 1) // size * size) if past_end
                else link(max(0, offset - size)) if offset > 0 else None)
    return render(request, "index.html", api, page=page, filters=filters, sort=sort, entity_name=entity_name,
                  q=q or "", next_url=link(offset + size) if page["has_more"] else None,
                  prev_url=previous, past_end=past_end,
                  first=offset + 1, last=offset + len(page["stories"]), title="Stories")


@router.get("/search", response_class=RedirectResponse)
async def search(q: str = "") -> RedirectResponse:
    q = text_filter(q) or ""
    return RedirectResponse("/?" + urlencode({"q": q}) if q else "/", status_code=303)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
async def story_page(request: Request, story_id: str, fact: str | None = None,
                     facts: str | None = None) -> HTMLResponse:
    store = request.app.state.store
    story = parsed_story(request, story_id)
    if story is None:
        raise Problem(404, f"no story {story_id!r}")
    numbers = present.citation_numbers(story)
    shown = present.shown_articles(story, request.app.state.settings.max_columns)
    articles = {a["id"]: store.get_article(a["id"]) for a in shown}
    selected = fact if fact and REF.match(fact) else None
    events, undated = present.timeline(story, numbers)
    rows = present.fact_rows(story, numbers)
    limit = len(rows) if facts == "all" else request.app.state.settings.max_facts
    # a big story's table stops after the first rows (the chosen fact always stays in it)
    shown_facts = [r for k, r in enumerate(rows) if k < limit or r["ref"] == selected]
    return render(request, "story.html", f"/api/stories/{quote(story_id, safe='')}", story=story,
                  title=story.get("title") or story_id, more_facts=len(rows) - len(shown_facts),
                  facts=shown_facts, summary=present.summary_rows(story, numbers),
                  columns=present.source_columns(story, articles), timeline=events, undated=undated,
                  actors=present.actor_groups(story), selected=selected, counts=story.get("counts", {}),
                  hidden=len(story.get("articles", [])) - len(shown))


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
async def article_page(request: Request, article_id: str) -> HTMLResponse:
    row = request.app.state.store.get_article(article_id)
    if row is None:
        raise Problem(404, f"no article {article_id!r}")
    article = article_json(row)
    pieces = present.split_text(row["text"], [], present.kept_runs(present.json_list(row.get("segments"))))
    paragraphs = present.paragraphs(pieces)
    story = request.app.state.store.get_story(row["story_id"]) if row.get("story_id") else None
    return render(request, "article.html", f"/api/articles/{quote(article_id, safe='')}", article=article,
                  paragraphs=paragraphs, story=story, title=article.get("title") or article_id)


@router.get("/entities/{entity_id:path}", response_class=HTMLResponse)
async def entity_page(request: Request, entity_id: str) -> HTMLResponse:
    entity = request.app.state.store.get_entity(entity_id)
    if entity is None:
        raise Problem(404, f"no entity {entity_id!r}")
    return render(request, "entity.html", f"/api/entities/{quote(entity_id, safe='')}", entity=entity,
                  title=entity["name"])
