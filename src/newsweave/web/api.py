"""The JSON API under /api. Reads are async functions: each is a few indexed SQLite reads (well
under a millisecond) and some formatting, cheaper on the event loop than a hop to the threadpool
and back under load. The write hands the pipeline work to a thread (its own database connection)."""
from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ..store import MAX_OFFSET
from ..store import time_bound as store_time_bound
from ..store.sqlite import CONTROL
from .ingest import parse_body
from . import schemas
from .security import Problem, presented_token, require_read, require_write, token_matches

ERROR_SCHEMA = {"application/json": {"schema": {
    "type": "object", "required": ["ok", "error", "status"],
    "properties": {"ok": {"type": "boolean", "const": False}, "error": {"type": "string"},
                   "status": {"type": "integer"}, "errors": {"type": "array", "items": {"type": "string"}}}}}}
ERRORS = {code: {"description": text, "content": ERROR_SCHEMA} for code, text in (
    (401, "No token sent (private server, or a write)"), (403, "Wrong token, or writes disabled"),
    (404, "No such item"), (422, "Invalid parameters or body"))}
router = APIRouter(prefix="/api", responses={k: v for k, v in ERRORS.items() if k in (401, 403, 404, 422)})
Read = [Depends(require_read)]
ARTICLE_SCHEMA = {
    "type": "object", "anyOf": [{"required": ["text"]}, {"required": ["html"]}], "additionalProperties": True,
    "description": "One article. `text` or `html` is required; unknown fields are kept in the article's extra.",
    "properties": {name: {"type": "string"} for name in ("id", "text", "html", "title", "outlet", "url", "published")},
}
ARTICLE_FIELDS = ("id", "title", "outlet", "url", "published", "dateline", "story_id", "duplicate_of", "text",
                  "clean_text", "extra", "source", "content_hash", "ingested_at")


def text_filter(value: str | None) -> str | None:
    """A free-text parameter (q, outlet, entity) without control characters: a NUL in a LIKE
    pattern ended it early in SQLite (``q=%00`` matched every story), PostgreSQL refuses NUL, and a
    page would echo it raw into its search box. Each becomes a space; nothing left is no filter."""
    if value is None:
        return None
    return CONTROL.sub(" ", value).strip() or None


def store_of(request: Request):
    return request.app.state.store


def time_bound(value: str | None, name: str, end: bool = False) -> str | None:
    """``store.time_bound``, its refusal a 422 naming the parameter."""
    try:
        return store_time_bound(value, end)
    except ValueError as e:
        raise Problem(422, f"{name}: {e}") from None


def story_query(request: Request, q: str | None, outlet: str | None, entity: str | None, since: str | None,
                until: str | None, sort: str, limit: int, offset: int) -> dict[str, Any]:
    """One page of stories and the links to the pages around it (shared by the API and the web page)."""
    store = store_of(request)
    q, outlet, entity = text_filter(q), text_filter(outlet), text_filter(entity)
    lo, hi = time_bound(since, "since"), time_bound(until, "until", end=True)
    if lo and hi and lo[:10] > hi[:10]:  # an empty range is a mistake worth saying, not an empty page
        raise Problem(422, f"since ({since}) is after until ({until})")
    rows = store.list_stories(query=q or None, outlet=outlet or None, entity=entity or None, since=lo, until=hi,
                              sort=sort, limit=limit + 1, offset=offset)
    more = len(rows) > limit
    matching = store.count_stories(query=q or None, outlet=outlet or None, entity=entity or None, since=lo, until=hi)
    return {"stories": rows[:limit], "limit": limit, "offset": offset, "has_more": more,
            "matching": matching, "total_stories": store.story_count()}


def _page_url(request: Request, offset: int) -> str:
    return f"{request.url.path}?{request.url.include_query_params(offset=offset).query}"


@router.get("/health", summary="Liveness (and, to those who may read, version and database counts)",
            responses=schemas.ok(schemas.HEALTH, "Up; the counts only to those who may read"))
async def health(request: Request) -> dict[str, Any]:
    """Always answered (monitors need no token); a private server tells a request without its token
    only that it is up: not its version, whether it takes writes, nor how much it holds."""
    settings = request.app.state.settings
    out: dict[str, Any] = {"ok": True, "status": "ok"}
    if settings.private and not token_matches(presented_token(request), settings.token):
        return out
    store = store_of(request)
    out.update(version=request.app.version, writes_enabled=bool(settings.token),
               articles=store.article_count(), stories=store.story_count())
    return out


@router.get("/stories", dependencies=Read, summary="List stories",
            responses=schemas.ok(schemas.STORY_LIST, "One page of stories, most recently updated (or most sourced) first"))
async def list_stories(
    request: Request,
    q: Annotated[str | None, Query(max_length=500, description="Words that must all appear in the title, headlines or actors")] = None,
    outlet: Annotated[str | None, Query(description="Only stories with an article from this outlet (its name in any case)")] = None,
    entity: Annotated[str | None, Query(description="Only stories mentioning this entity id")] = None,
    since: Annotated[str | None, Query(description="Only stories with an article published at or after this ISO time")] = None,
    until: Annotated[str | None, Query(description="Only stories that began at or before this ISO time")] = None,
    sort: Annotated[Literal["updated", "sources"], Query(description="Last update, or independent sources")] = "updated",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    page = story_query(request, q, outlet, entity, since, until, sort, limit, offset)
    page["next"] = _page_url(request, offset + limit) if page["has_more"] else None
    # past the end, "previous" is the last page that has stories (not offset - limit, still past it)
    last = max(0, (page["matching"] - 1) // limit * limit)
    page["previous"] = _page_url(request, min(max(0, offset - limit), last)) if offset > 0 else None
    return JSONResponse(page)  # plain JSON rows: no per-field response validation needed


@router.get("/stories/{story_id}", dependencies=Read, summary="One story: articles, facts, summary, entities, events",
            responses=schemas.ok(schemas.STORY, "The story JSON, as `newsweave story ID --format json` prints it"))
async def get_story(request: Request, story_id: str) -> Response:
    # The stored JSON is the response: a large story costs no decoding and re-encoding per request.
    raw = store_of(request).get_story_json(story_id)
    if raw is None:
        raise Problem(404, f"no story {story_id!r}")
    return Response(raw, media_type="application/json")


@router.get("/articles/{article_id:path}", dependencies=Read, summary="One article, with its text",
            responses=schemas.ok(schemas.ARTICLE, "The article as stored"))
async def get_article(request: Request, article_id: str) -> dict[str, Any]:
    row = store_of(request).get_article(article_id)
    if row is None:
        raise Problem(404, f"no article {article_id!r}")
    return article_json(row)


def article_json(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row.get(k) for k in ARTICLE_FIELDS}
    for k in ("dateline", "extra"):
        if isinstance(out[k], str):
            out[k] = json.loads(out[k])
    if isinstance(out["source"], str) and "/" in out["source"]:
        # the file it was read from, without the server's folders (which a public server should not tell)
        out["source"] = out["source"].rsplit("/", 1)[1]
    return out


@router.get("/entities/{entity_id:path}", dependencies=Read, summary="One entity, with its stories",
            responses=schemas.ok(schemas.ENTITY, "The entity and the stories that mention it"))
async def get_entity(request: Request, entity_id: str) -> dict[str, Any]:
    entity = store_of(request).get_entity(entity_id)
    if entity is None:
        raise Problem(404, f"no entity {entity_id!r}")
    return entity


@router.post("/articles", dependencies=[Depends(require_write)], status_code=201,
             responses={413: {"description": "Body, article or batch over the limits", "content": ERROR_SCHEMA},
                        201: {"description": "Articles added", "content": {"application/json": {"schema": schemas.INGEST_REPORT}}},
                        **schemas.ok(schemas.INGEST_REPORT, "Nothing new added (all already stored, or all refused)")},
             summary="Add articles: one JSON article object, a JSON array of them, or JSONL",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": {"oneOf": [ARTICLE_SCHEMA,
                                                           {"type": "array", "items": ARTICLE_SCHEMA}]}},
                 "application/x-ndjson": {"schema": {"type": "string", "description": "one article object a line"}}}}})
async def post_articles(request: Request) -> JSONResponse:
    settings = request.app.state.settings
    body = await request.body()
    # Parsing (JSON, and HTML extraction for "html" fields) is CPU work: keep it off the event loop.
    articles = await run_in_threadpool(parse_body, body, settings, request.headers.get("content-type", ""))
    report = await run_in_threadpool(request.app.state.ingester.ingest, articles)
    stories = [{"id": s, "api": f"/api/stories/{s}", "page": f"/stories/{s}"} for s in report["story_ids"]]
    # what was taken but not understood: the client should hear it, as ingest's warnings tell a user
    warnings = [f"article {a.id!r}: unreadable or ambiguous published date {a.extra['published_raw']!r}; stored as undated, "
                "the value kept in extra.published_raw" for a in articles if "published_raw" in (a.extra or {})]
    warnings += [f"article {i!r} is already stored with other text; the stored text is kept (send a correction "
                 "under a new id)" for i in report.get("changed", [])]
    return JSONResponse({"ok": True, "report": report, "stories": stories, "warnings": warnings},
                        status_code=201 if report["added"] else 200)
