"""Source-by-source fact comparison for one story.

``compare_story(analyses)`` splits every article into claims (sentences, long compound ones into
clauses), aligns claims that state the same thing across articles into facts, and gives each
fact a status: ``corroborated`` (two or more independent sources), ``single_source``, or
``conflicting`` (aligned claims disagree on a number, date, name, place, negation or speaker,
with the values side by side). Syndicated copies and several feeds of one outlet are one source.
"""
from __future__ import annotations

import logging

import numpy as np

from ..clean import plain_text
from ..model import Analysis, Fact, SourceSpan
from . import values as V
from .align import FEATURES, PairModel, cluster_scores, first_stage, pair_logit, uses_embeddings, weights
from .align import event_model as align_event_model
from .claims import Claim, build_claims, split_clauses

log = logging.getLogger(__name__)

PAIR_FOR_CONFLICT = 0.5  # claims compared for conflicts must match this well on their own

__all__ = ["compare_story", "compare_story_levels", "build_claims", "contained_support", "split_clauses",
           "facts_with_claims"]


def compare_story(analyses: list[Analysis], duplicate_of: dict[str, str] | None = None,
                  story_id: str | None = None, level: str = "statement") -> list[Fact]:
    """The facts of one story, most widely reported first.

    ``level="statement"`` (the default) makes each fact one statement, stated at most once per
    article; ``level="event"`` groups every claim about one event (coarser, as ECB+ reads facts).
    Disagreements are checked between statements only: an event's claims state different things
    about it by design (one gives the toll, another the time); ``compare_story_levels`` marks an
    event conflicting when it holds a conflicting statement.
    """
    return [f for f, _ in facts_with_claims(analyses, duplicate_of, story_id, level)]


def compare_story_levels(analyses: list[Analysis], duplicate_of: dict[str, str] | None = None,
                         story_id: str | None = None, level: str = "both") -> list[tuple[str, Fact]]:
    """(level, fact) pairs of one story: its statement facts, then its event facts.

    ``level="both"`` keeps only the events that span two or more articles and are not already one
    statement fact. An event holding both sides of a conflicting statement is conflicting too,
    with that statement's values: the outlets disagree about the event.
    """
    if level not in ("both", "statement", "event"):
        raise ValueError(f"unknown fact level {level!r} (both, statement or event)")
    statements = compare_story(analyses, duplicate_of, story_id)
    out = [("statement", f) for f in statements] if level != "event" else []
    if level == "statement":
        return out
    seen = {_spans(f) for f in statements}
    conflicts = [f for f in statements if f.status == "conflicting"]
    for fact in compare_story(analyses, duplicate_of, story_id, level="event"):
        if level == "both" and (len({s.article for s in fact.sources}) < 2 or _spans(fact) in seen):
            continue
        for c in conflicts:
            inside = {s.article for s in c.sources if any(
                e.article == s.article and e.start < s.end and s.start < e.end for e in fact.sources)}
            # the values of the statement that articles inside this event give: two or more differ
            values = [{**v, "articles": [a for a in v["articles"] if a in inside],
                       "text": [t for a, t in zip(v["articles"], v["text"]) if a in inside]}
                      for v in c.values if inside & set(v["articles"])]
            if len({(v["kind"], v["value"].lower()) for v in values}) >= 2:
                fact.status = "conflicting"
                fact.values = _merge_values(fact.values, values)
        out.append(("event", fact))
    return out


def _spans(fact: Fact) -> frozenset[tuple[str, int, int]]:
    return frozenset((s.article, s.start, s.end) for s in fact.sources)


def _merge_values(into: list[dict], more: list[dict]) -> list[dict]:
    by_key = {(v["kind"], v["value"].lower()): v for v in into}
    for v in more:
        have = by_key.setdefault((v["kind"], v["value"].lower()), {**v, "articles": [], "outlets": [], "text": []})
        for a, t in zip(v["articles"], v["text"]):
            if a not in have["articles"]:
                have["articles"].append(a)
                have["text"].append(t)
        have["outlets"] = list(dict.fromkeys(have["outlets"] + v["outlets"]))
    return list(by_key.values())


def facts_with_claims(analyses: list[Analysis], duplicate_of: dict[str, str] | None = None,
                      story_id: str | None = None, level: str = "statement",
                      w: dict | None = None) -> list[tuple[Fact, list[Claim]]]:
    """Facts paired with the claims they were built from (``w``: a pair model other than the shipped one)."""
    w = w or weights()
    if level == "event":
        w = align_event_model(w)
    elif level != "statement":
        raise ValueError(f"unknown fact level {level!r} (statement or event)")
    claims = build_claims(analyses, duplicate_of, clauses=w.get("claims", "clauses") == "clauses")
    groups, scores, cores = cluster_scores(claims, w)
    check = level == "statement"
    scored_by = [scores] * len(groups)
    if check and w.get("restate"):
        groups, scored_by = _with_disagreements(claims, w, groups, scores)
        cores = groups
    built, written = [], set()
    for g, core, extra, by in zip(groups, cores, contained_support(groups, claims) if check else [[]] * len(groups),
                                  scored_by):
        if frozenset(g) in written:  # two facts that grew into the same claims by overlap: one fact
            continue
        written.add(frozenset(g))
        fact, ranked = _fact(claims, g, by, story_id, w["threshold"], check)
        if extra and fact.status == "single_source":  # stated inside another outlet's unsplit claim
            for k in extra:
                d = claims[k]
                fact.sources.append(SourceSpan(d.article, d.start, d.end, d.text, d.outlet))
                fact.outlets.append(d.outlet or d.article)
            fact.status = "corroborated"
            g = [*g, *extra]
        built.append((fact, [claims[i] for i in g], ranked, set(core)))
    built.sort(key=lambda b: (-len(b[0].outlets), min((c.order, c.position, c.clause) for c in b[1])))
    if level == "event":
        _distinct_wording(built, claims)
    log.debug("story %s: %d claims, %d facts", story_id, len(claims), len(built))
    return [(fact, members) for fact, members, _, _ in built]


def _with_disagreements(claims: list[Claim], w: dict, groups: list[list[int]], scores) -> tuple[list, list]:
    """The statement facts, with the claims that disagree about a value put back together.

    Statements are grouped by the second pair model (``restate``), which asks that a claim restate
    another; a claim that states the same thing with another number ("shot seven times" / "shot
    eleven times") restates it less, and would stand apart, its disagreement unseen. So values are
    compared within the first model's looser groups as well; each such group that holds a
    disagreement is one fact (its claims leave the facts they were in), checked and ranked by the
    first model's scores. Returns the facts and, for each, the scores to read it by."""
    loose_groups, loose = first_stage(claims, w, scores)
    taken: set[int] = set()
    disagreeing = []
    model = None
    for g in loose_groups:
        if len({claims[i].article for i in g}) < 2:
            continue
        members = sorted(g, key=lambda i: (claims[i].order, claims[i].start))
        score, cos = loose.block(members)
        if not _disagreements(claims, members, score, cos, w["threshold"]):
            continue
        # only between claims that would restate each other if their values agreed: an aftershock
        # "on Monday" and the quake "on Sunday" share the quake, not a statement
        model = model or getattr(scores, "pm", None) or PairModel(claims, w, uses_embeddings(w))
        iu, ju = np.triu_indices(len(members), k=1)
        but_for = np.zeros_like(score)
        but_for[iu, ju] = but_for[ju, iu] = restated_but_for_values(model, w, np.array(members)[iu], np.array(members)[ju])
        score = np.where(but_for >= w["threshold"], score, 0.0)
        if _disagreements(claims, members, score, cos, w["threshold"]):
            disagreeing.append(g)
            taken.update(g)
    kept = [[i for i in g if i not in taken] for g in groups]
    out = [g for g in kept if g] + disagreeing
    return out, [scores] * sum(1 for g in kept if g) + [loose] * len(disagreeing)


def restated_but_for_values(model: PairModel, w: dict, iu: np.ndarray, ju: np.ndarray) -> np.ndarray:
    """The statement model's probability that claims ``iu`` restate ``ju``, were the numbers and
    dates they both state alike (a disagreement about a value is what is looked for, not a sign
    of another statement)."""
    rows = model.features(iu, ju)
    col = FEATURES.index
    for agree, clash in (("num_agree", "num_clash"), ("date_agree", "date_clash")):
        rows[:, col(agree)] = np.minimum(2, rows[:, col(agree)] + rows[:, col(clash)])
        rows[:, col(clash)] = 0.0
    return 1 / (1 + np.exp(-pair_logit(rows, w)))


CONTAINED_MIN_STEMS = 3  # a single-source statement this long or longer may be found inside another's claim


def contained_support(groups: list[list[int]], claims: list[Claim]) -> list[list[int]]:
    """For each statement group whose claims come from one source, the claims of other sources
    (one each, the earliest) that state it inside a claim they did not split, and so corroborate
    it: "…resigned on Monday | after a corruption inquiry, officials said" against the whole "Lyon
    mayor resigned on Monday after a corruption inquiry, officials said" (a sentence too short to
    cut) states the inquiry too. Every content word (numbers included) of the statement must be in
    the other claim, and both affirm or both negate. Other groups get none."""
    having: dict[str, set[int]] = {}
    for k, c in enumerate(claims):
        for st in c.stems:
            having.setdefault(st, set()).add(k)
    out: list[list[int]] = []
    for g in groups:
        own = {claims[i].source for i in g}
        mine = {st for i in g for st in claims[i].stems}
        extra: list[int] = []
        if len(own) == 1 and len(mine) >= CONTAINED_MIN_STEMS:
            negated = any(claims[i].values.negated for i in g)
            found = set.intersection(*(having.get(st, set()) for st in mine))
            for k in sorted(found, key=lambda k: (claims[k].order, claims[k].start)):
                d = claims[k]
                if d.source not in own and bool(d.values.negated) == negated:
                    own.add(d.source)
                    extra.append(k)
        out.append(extra)
    return out


def _distinct_wording(built: list[tuple[Fact, list[Claim], list[int], set[int]]], claims: list[Claim]) -> None:
    """No two event facts read the same. A sentence that reports two events is in both facts
    (``align.overlap``) and may match each best; it words the fact it belongs to (not only by
    overlap; else the first), and the other takes its best claim whose wording no other fact has."""
    owner: dict[str, int] = {}
    for k, (fact, _, ranked, core) in enumerate(built):
        if ranked[0] in core:
            owner.setdefault(fact.text, k)
    for k, (fact, _, ranked, _) in enumerate(built):
        if owner.setdefault(fact.text, k) == k:
            continue
        alt = next((i for i in ranked if claims[i].text not in owner), None)
        if alt is not None:
            fact.text = claims[alt].text
            owner[fact.text] = k


def _fact(claims: list[Claim], group: list[int], scores, story_id: str | None, threshold: float,
          check_conflicts: bool = True) -> tuple[Fact, list[int]]:
    """The fact of claims ``group`` and its claims best first (the first words it)."""
    members = sorted(group, key=lambda i: (claims[i].order, claims[i].start))
    score, cos = scores.block(members) if check_conflicts else (None, None)  # among the members
    centrality = score.sum(axis=1) if score is not None else scores.row_sums(members)
    ranked = _ranked(members, centrality, claims)
    sources = [SourceSpan(claims[i].article, claims[i].start, claims[i].end, claims[i].text, claims[i].outlet)
               for i in members]
    outlets: list[str] = []
    seen: set[str] = set()
    for i in members:
        c = claims[i]
        if c.source not in seen:
            seen.add(c.source)
            outlets.append(c.outlet or c.article)
    values = _disagreements(claims, members, score, cos, threshold) if check_conflicts else []
    status = "conflicting" if values else "corroborated" if len(outlets) >= 2 else "single_source"
    return Fact(text=plain_text(claims[ranked[0]].text), status=status, sources=sources, outlets=outlets,
                values=values, story=story_id), ranked


def _ranked(members: list[int], centrality: np.ndarray, claims: list[Claim]) -> list[int]:
    """The members, the one that matches the others best first (ties: the earliest); the first
    gives the fact its wording. ``centrality``: each member's summed pair score with the members."""
    if len(members) == 1:
        return list(members)
    keys = [(round(float(centrality[k]), 6), -claims[members[k]].order) for k in range(len(members))]
    return [members[k] for k in sorted(range(len(members)), key=lambda k: keys[k], reverse=True)]


def _disagreements(claims: list[Claim], members: list[int], score: np.ndarray, cos: np.ndarray,
                   threshold: float) -> list[dict]:
    """Values that closely aligned claims of different articles state differently, side by side.
    ``score`` and ``cos``: the members' pair scores and cosines, in their order.

    Only claim pairs that match each other well enough to share a fact on their own are compared:
    a fact's outlying members may share its event but not the detail that differs.

    Each entry: {"kind", "value", "articles", "outlets", "text"} — one entry per distinct value, so a
    number conflict reads [{"value": "two-day", …}, {"value": "three-day", …}].
    """
    by_value: dict[tuple[str, str], dict] = {}
    named: dict[str, set[str]] = {}  # article -> every name it gives, in any claim
    for x in range(len(members)):
        for y in range(x + 1, len(members)):
            a, b = claims[members[x]], claims[members[y]]
            if a.article == b.article or score[x, y] < max(threshold, PAIR_FOR_CONFLICT):
                continue
            for kind, va, vb in V.conflicts(a.values, b.values, float(cos[x, y]),
                                            _named(claims, a.article, named), _named(claims, b.article, named)):
                for value, c in ((va, a), (vb, b)):
                    entry = by_value.setdefault((kind, value.lower()), {
                        "kind": kind, "value": value, "articles": [], "outlets": [], "text": []})
                    if c.article not in entry["articles"]:
                        entry["articles"].append(c.article)
                        entry["text"].append(c.text)
                        name = c.outlet or c.article
                        if name not in entry["outlets"]:
                            entry["outlets"].append(name)
    return list(by_value.values())


def _named(claims: list[Claim], article: str, cache: dict[str, set[str]]) -> set[str]:
    """The name keys an article gives anywhere in the story's claims ("Paris" in another sentence)."""
    if article not in cache:
        cache[article] = {k for c in claims if c.article == article for d in c.values.names.values() for k in d}
    return cache[article]
