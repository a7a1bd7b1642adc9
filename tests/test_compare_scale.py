"""Big stories: `compare` scores a story of more than ``DENSE_MAX_CLAIMS`` claims in chunks, with no
n×n array, and finds the same facts as the dense path; event facts are written once and worded by
their own claims."""
from __future__ import annotations

import json

import numpy as np
import pytest

from newsweave.analyse import analyse
from newsweave.clean import clean_batch
from newsweave.compare import align, compare_story, compare_story_levels, facts_with_claims
from newsweave.compare.claims import build_claims
from newsweave.model import Article, to_dict

from conftest import DATA

GOLD = DATA / "compare" / "ecbplus-gold-sample.jsonl"


@pytest.fixture(scope="module")
def stories() -> dict[str, list]:
    rows = [json.loads(x) for x in GOLD.read_text(encoding="utf-8").splitlines() if x.strip()]
    by_story: dict[str, list[Article]] = {}
    for r in rows:
        by_story.setdefault(r["story"], []).append(Article(id=r["id"], text=r["text"], outlet=None))
    arts = [a for v in by_story.values() for a in v]
    clean_batch(arts)
    done = {id(an.article): an for an in analyse(arts)}
    return {s: [done[id(a)] for a in v] for s, v in by_story.items()}


def _facts(analyses, level):
    return [json.dumps(to_dict(f), sort_keys=True) for f in compare_story(analyses, story_id="s", level=level)]


@pytest.mark.parametrize("share", [0.0, 0.05, 2.0])  # components: all from distances, some, none
@pytest.mark.parametrize("level", ["statement", "event"])
def test_chunked_scoring_finds_the_dense_paths_facts(stories, monkeypatch, level, share):
    """Forced onto the chunked path (in chunks of a few hundred pairs), every story gets exactly the
    facts of the dense n×n path: the same members, wording, statuses and conflicting values."""
    dense = {s: _facts(ans, level) for s, ans in stories.items()}
    monkeypatch.setattr(align, "DENSE_MAX_CLAIMS", 0)
    monkeypatch.setattr(align, "PAIR_CHUNK", 300)
    monkeypatch.setattr(align, "DENSE_COMPONENT_SHARE", share)
    monkeypatch.setattr(align, "DENSE_COMPONENT_PAIRS", 0 if share else 10**9)
    for s, ans in stories.items():
        assert _facts(ans, level) == dense[s], s


def test_a_big_story_never_builds_an_n_by_n_array(stories, monkeypatch):
    """Over the size limit no pair matrix is built and no more than ``PAIR_CHUNK`` pairs are
    featurised at once; only the pairs within the cut are kept between chunks."""
    analyses = stories["34a"]
    seen: list[align.SparseScores] = []
    real = align.SparseScores.__init__

    def spy(self, *a, **k):
        real(self, *a, **k)
        seen.append(self)

    def refuse(*a, **k):
        raise AssertionError("dense n×n path taken for a big story")

    monkeypatch.setattr(align, "DENSE_MAX_CLAIMS", 20)
    monkeypatch.setattr(align, "PAIR_CHUNK", 400)
    monkeypatch.setattr(align.SparseScores, "__init__", spy)
    for name in ("score_matrix", "pair_features", "tree"):
        monkeypatch.setattr(align, name, refuse)
    facts = facts_with_claims(analyses, story_id="s", level="event")
    assert facts and seen
    scores = seen[0]
    n = scores.n
    assert n > 20
    assert 0 < scores.largest_chunk <= 400
    ei, ej, ed = scores.edges(align.event_model()["threshold"])
    assert np.all(ei < ej) and np.all(ed <= 1 - align.event_model()["threshold"] + 1e-9)


def test_event_facts_are_written_once_and_worded_by_their_own_claims(stories):
    """A sentence reporting two events joins both event facts (``overlap``); it is not the wording of
    a fact it only overlaps, so two events do not read the same, and no fact is written twice."""
    for s, analyses in stories.items():
        facts = facts_with_claims(analyses, story_id=s, level="event")
        spans = [frozenset((x.article, x.start, x.end) for x in f.sources) for f, _ in facts]
        assert len(spans) == len(set(spans)), s
        texts = [f.text for f, _ in facts if len(f.sources) > 1]
        assert len(texts) == len(set(texts)), s
        events = [f for lv, f in compare_story_levels(analyses, story_id=s) if lv == "event"]
        assert len({f.text for f in events}) == len(events), s


def test_a_shared_sentence_words_the_fact_it_belongs_to(stories):
    """Overlap puts a sentence in a second event fact; where it would word both, the fact it belongs
    to (by the partition) keeps it and the other is worded by one of its own claims."""
    w = align.event_model()
    grown = 0
    for s, analyses in stories.items():
        claims = build_claims(analyses, clauses=False)
        groups, _, cores = align.cluster_scores(claims, w)
        assert [g[:len(c)] for g, c in zip(groups, cores)] == cores  # a fact's own claims come first
        grown += sum(len(g) > len(c) for g, c in zip(groups, cores))
        core_of = {frozenset(g): {claims[i].text for i in c} for g, c in zip(groups, cores)}
        facts = facts_with_claims(analyses, story_id=s, level="event")
        for fact, members in facts:
            assert fact.text in {c.text for c in members}
            others = [f for f, m in facts if f is not fact and fact.text in {c.text for c in m}]
            if others and fact.text not in core_of[frozenset(c.id for c in members)]:
                # worded by a sentence it only overlaps: no fact owning that sentence has its wording
                assert all(f.text != fact.text for f in others)
    assert grown  # the sample has sentences in two events
