"""Render stories for people: plain text and Markdown (JSON is the story dict itself)."""
from __future__ import annotations

from typing import Any


def disputed(fact_indexes: list[int], statuses: list[str]) -> bool:
    """Whether a summary sentence states one side of a conflicting fact (``fact_indexes``: its
    facts, as indexes into the story's facts; ``statuses``: those facts' statuses)."""
    return any(0 <= i < len(statuses) and statuses[i] == "conflicting" for i in fact_indexes)


def conflict_values(values: list[Any], numbers: dict[str, int]) -> list[dict[str, Any]]:
    """The disagreeing values of a conflicting fact, each with who states it, whatever keys the
    compare stage used (``value``/``text``, ``articles``/``article``, ``outlets``/``outlet``)."""
    out = []
    for v in values:
        if not isinstance(v, dict):
            out.append({"value": str(v), "cites": [], "outlets": []})
            continue
        value = next((v[k] for k in ("value", "text", "values") if v.get(k) not in (None, "")), None)
        articles = _as_list(v.get("articles", v.get("article")))
        # outlets fall back to article ids when unnamed; those are shown as citations already
        outlets = [o for o in _as_list(v.get("outlets", v.get("outlet"))) if o not in articles]
        if value is None:
            value = "; ".join(f"{k}: {x}" for k, x in v.items() if k not in {"articles", "article", "outlets", "outlet"})
        elif isinstance(value, list):
            value = ", ".join(map(str, value))
        out.append({"value": str(value), "cites": [numbers[a] for a in articles if a in numbers], "outlets": outlets,
                    "kind": v.get("kind") or v.get("type")})
    return out


def _as_list(x: Any) -> list[str]:
    if x is None:
        return []
    return [str(i) for i in x] if isinstance(x, list) else [str(x)]


def _cite(ids: list[str], numbers: dict[str, int]) -> str:
    return "".join(f"[{numbers[i]}]" for i in ids if i in numbers)


def _clip(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


MARKDOWN_SPECIAL = str.maketrans({"\\": "\\\\", "*": "\\*", "_": "\\_", "`": "\\`", "|": "\\|",
                                  "<": "&lt;", ">": "&gt;"})


def markdown_escape(text: Any) -> str:
    """Text from articles as Markdown shows it literally: "<script>" is no tag, "a | b" breaks no
    table, "*" and "_" start no emphasis."""
    return str(text).translate(MARKDOWN_SPECIAL)


def plural(n: int, word: str, words: str | None = None) -> str:
    """"1 article", "2 articles" (``words``: the plural when it is not ``word`` + s)."""
    return f"{n} {word if n == 1 else words or word + 's'}"


def story_text(story: dict[str, Any], markdown: bool = False) -> str:
    numbers = {a["id"]: n for n, a in enumerate(story["articles"], 1)}
    h1, h2, bullet = ("# ", "## ", "- ") if markdown else ("", "", "  - ")
    md = markdown_escape if markdown else str
    c = story.get("counts", {})
    lines = [
        f"{h1}{md(story['title'])}",
        f"story {story['id']} · {plural(len(story['articles']), 'article')} · "
        f"{plural(story.get('independent_sources', 0), 'independent source')}"
        f" · {c.get('corroborated', 0)} corroborated / {c.get('single_source', 0)} single-source / "
        f"{c.get('conflicting', 0)} conflicting facts",
        "",
        f"{h2}Articles",
    ]
    replaced = {a.get("superseded_by"): a["id"] for a in story["articles"] if a.get("superseded_by")}
    for a in story["articles"]:
        if a.get("superseded_by"):
            dup = f" (replaced by its later version [{numbers.get(a['superseded_by'], '?')}]; not compared)"
        elif a["id"] in replaced:
            dup = f" (later version of [{numbers.get(replaced[a['id']], '?')}], same page)"
        else:
            dup = f" (copy of [{numbers.get(a['duplicate_of'], '?')}])" if a.get("duplicate_of") else ""
        place = (a.get("dateline") or {}).get("place")
        meta = ", ".join(md(x) for x in (a.get("outlet"), place, a.get("published"), a.get("url")) if x)
        lines.append(f"{bullet}[{numbers[a['id']]}] {md(a.get('title') or a['id'])}" + (f" — {meta}" if meta else "") + dup)
    if story.get("summary"):
        lines += ["", f"{h2}Summary"]
        statuses = [f["status"] for f in story.get("facts", [])]
        for s in story["summary"]:
            when = "; ".join(f"{d['text']}: {d['value']}" for d in s.get("dates") or [])
            lines.append(f"{bullet}{md(s['text'])} {_cite(s['sources'], numbers)}"
                         + (f" ({md(when)})" if when else "")
                         + (" (disputed: see the conflicting facts)" if disputed(s.get("facts", []), statuses) else ""))
    for status, heading in (("conflicting", "Conflicting"), ("corroborated", "Corroborated"),
                            ("single_source", "Single source")):
        facts = [f for f in story.get("facts", []) if f["status"] == status]
        if not facts:
            continue
        lines += ["", f"{h2}{heading} facts ({len(facts)})"]
        for f in facts:
            cites = _cite(list(dict.fromkeys(s["article"] for s in f["sources"])), numbers)
            lines.append(f"{bullet}{md(f['text'])} {cites}")
            for v, side in zip(f.get("values") or [], conflict_values(f.get("values") or [], numbers)):
                # each side of a disagreement: its value, who says it, and the sentence that does
                said = v.get("text") if isinstance(v, dict) and v.get("value") not in (None, "") else None
                quote = _clip(str(said[0] if isinstance(said, list) else said)) if said else ""
                lines.append(f"{'  - ' if markdown else '      '}{side.get('kind') or 'value'} “{md(side['value'])}” "
                             + "".join(f"[{n}]" for n in side["cites"]) + (f": {md(quote)}" if quote else ""))
    if story.get("entities"):
        lines += ["", f"{h2}Actors"]
        for e in story["entities"][:25]:
            roles = f" ({'; '.join(e['roles'])})" if e.get("roles") else ""
            lines.append(f"{bullet}{md(e['name'])} [{e['type']}]{md(roles)}")
    if story.get("events"):
        lines += ["", f"{h2}Events"]
        for e in story["events"][:25]:
            parts = [e.get("actor") or "?", e["action"], e.get("target") or ""]
            where = " ".join(x for x in (f"in {e['place']}" if e.get("place") else "", f"on {e['date']}" if e.get("date") else "") if x)
            lines.append(f"{bullet}{md(' '.join(p for p in parts if p))} {md(where)}".rstrip())
    return "\n".join(lines)


def story_list_text(stories: list[dict[str, Any]], markdown: bool = False) -> str:
    if markdown:
        lines = ["| story | title | articles | sources | corroborated | single | conflicting |", "|---|---|---|---|---|---|---|"]
        for s in stories:
            c = s["counts"]
            lines.append(f"| {s['id']} | {markdown_escape(s['title'])} | {s['articles'] if isinstance(s['articles'], int) else len(s['articles'])} | "
                         f"{s['independent_sources']} | {c['corroborated']} | {c['single_source']} | {c['conflicting']} |")
        return "\n".join(lines)
    lines = []
    for s in stories:
        c = s["counts"]
        n = s["articles"] if isinstance(s["articles"], int) else len(s["articles"])
        lines.append(f"{s['id']}  {plural(n, 'article')}, {plural(s['independent_sources'], 'source')}, "
                     f"{c['corroborated']}/{c['single_source']}/{c['conflicting']} facts  {s['title']}")
    return "\n".join(lines) or "(no stories)"
