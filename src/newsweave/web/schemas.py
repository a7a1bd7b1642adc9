"""JSON Schemas of the API's answers, for /openapi.json. The routes return plain JSON (the stored
story JSON as it is, without decoding and re-encoding), so these document the shapes rather than
validate them; tests check the answers against them."""
from __future__ import annotations

from typing import Any

S = {"type": "string"}
S_NULL = {"type": ["string", "null"]}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
STRS = {"type": "array", "items": S}


def obj(properties: dict[str, Any], required: list[str] | None = None, description: str | None = None) -> dict:
    out: dict[str, Any] = {"type": "object", "properties": properties,
                           "required": list(properties) if required is None else required}
    if description:
        out["description"] = description
    return out


COUNTS = obj({"corroborated": INT, "single_source": INT, "conflicting": INT},
             description="How many of the story's facts have each status")
STORY_ROW = obj({
    "id": S, "title": S_NULL, "first_seen": S_NULL, "last_seen": S_NULL, "updated_at": S_NULL,
    "articles": INT, "independent_sources": {**INT, "description": "Sources after syndicated copies and one "
                                             "outlet's several feeds are counted once"},
    "counts": COUNTS, "outlets": STRS,
}, required=["id", "title", "articles", "independent_sources", "counts"])
STORY_LIST = obj({
    "stories": {"type": "array", "items": STORY_ROW},
    "matching": {**INT, "description": "Stories matching the filters, over all pages"},
    "total_stories": {**INT, "description": "Stories in the database"},
    "limit": INT, "offset": INT, "has_more": BOOL,
    "next": {**S_NULL, "description": "The next page's URL, or null"},
    "previous": {**S_NULL, "description": "The previous page's URL, or null"},
})
SOURCE_SPAN = obj({"article": S, "start": INT, "end": INT, "text": S, "outlet": S_NULL},
                  required=["article", "start", "end"],
                  description="A sentence (or clause) of an article: character offsets into its text")
VALUE = obj({"kind": S, "value": S, "articles": STRS, "outlets": STRS, "text": STRS},
            required=["kind", "value", "articles"],
            description="One side of a disagreement: the value, the articles that state it, their sentences")
FACT = obj({
    "text": S, "status": {"enum": ["corroborated", "single_source", "conflicting"]},
    "sources": {"type": "array", "items": SOURCE_SPAN}, "outlets": STRS,
    "values": {"type": "array", "items": VALUE}, "story": S_NULL,
}, required=["text", "status", "sources"])
SUMMARY_SENTENCE = obj({
    "text": S, "sources": {**STRS, "description": "Ids of the articles it is drawn from"},
    "facts": {"type": "array", "items": INT, "description": "Indexes into `facts`"},
    "dates": {"type": "array"}, "disputed": BOOL,
}, required=["text", "sources"])
ENTITY_REF = obj({"id": S, "name": S, "type": S, "aliases": STRS, "roles": {"type": "array"}, "articles": STRS},
                 required=["id", "name", "type"])
EVENT = obj({"actor": S_NULL, "action": S, "target": S_NULL, "place": S_NULL, "date": S_NULL,
             "sources": {"type": "array", "items": {"type": "object"}}}, required=["action"])
STORY_ARTICLE = obj({"id": S, "outlet": S_NULL, "url": S_NULL, "title": S_NULL, "published": S_NULL,
                     "dateline": {}, "duplicate_of": S_NULL, "superseded_by": S_NULL}, required=["id"])
STORY = obj({
    "id": S, "title": S_NULL, "articles": {"type": "array", "items": STORY_ARTICLE}, "outlets": STRS,
    "independent_sources": INT, "first_seen": S_NULL, "last_seen": S_NULL, "counts": COUNTS,
    "compared_articles": INT, "facts": {"type": "array", "items": FACT},
    "summary": {"type": "array", "items": SUMMARY_SENTENCE},
    "entities": {"type": "array", "items": ENTITY_REF}, "events": {"type": "array", "items": EVENT},
}, required=["id", "title", "articles", "counts", "facts", "summary"])
ARTICLE = obj({
    "id": S, "title": S_NULL, "outlet": S_NULL, "url": S_NULL, "published": S_NULL, "dateline": {},
    "story_id": S_NULL, "duplicate_of": S_NULL, "text": S, "clean_text": S_NULL, "extra": {},
    "source": S_NULL, "content_hash": S_NULL, "ingested_at": S_NULL,
}, required=["id", "text", "story_id"])
ENTITY = obj({"id": S, "name": S, "type": S, "aliases": STRS, "roles": {"type": "array"},
              "stories": {"type": "array", "items": STORY_ROW}}, required=["id", "name", "type", "stories"])
HEALTH = obj({"ok": BOOL, "status": S, "version": S, "writes_enabled": BOOL, "articles": INT, "stories": INT},
             required=["ok", "status"])
INGEST_REPORT = obj({
    "ok": BOOL, "report": {"type": "object", "description": "Counts (read, added, duplicates, errors, …) "
                           "and the errors, each naming the article"},
    "stories": {"type": "array", "items": obj({"id": S, "api": S, "page": S})},
    "warnings": STRS,
})


def ok(schema: dict, description: str) -> dict:
    """An OpenAPI ``responses`` entry for a 200 with ``schema``."""
    return {200: {"description": description, "content": {"application/json": {"schema": schema}}}}
