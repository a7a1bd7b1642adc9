"""The stream-independent ``prepare`` step of dedup + clustering: made ahead (pickled, in another
process) it must give exactly the stories and duplicates of the one-step path."""
from __future__ import annotations

import copy
import json
import pickle
import random
import signal
from collections import Counter

import pytest

from conftest import DATA
from newsweave import cluster as cluster_mod
from newsweave.analyse import analyse
from newsweave.clean import clean
from newsweave.cluster import StoryClusterer, cluster_analyses, prepare
from newsweave.cluster.text import DocFreq, DocTerms, bucket, doc_terms
from newsweave.dedup import DuplicateFinder
from newsweave.model import Analysis, Article

SAMPLE = DATA / "cluster" / "ecbplus-48.jsonl"


@pytest.fixture(scope="module")
def stream() -> list[Analysis]:
    """The sample's articles, shuffled, with a re-posted copy (a new first line) of every fifth."""
    rows = [json.loads(line) for line in SAMPLE.open(encoding="utf-8")]
    articles = [clean(Article(id=f"p{i:03d}", text=r["text"])) for i, r in enumerate(rows)]
    analyses = list(analyse(articles))
    random.Random(7).shuffle(analyses)
    out = []
    for k, an in enumerate(analyses):
        out.append(an)
        if k % 5 == 0:
            dup = copy.copy(an)
            dup.article = copy.copy(an.article)
            dup.article.id = an.article.id + "-copy"
            dup.article.clean_text = "Reposted from the wire.\n" + an.article.clean_text
            out.append(dup)
    return out


def one_step(stream: list[Analysis]) -> list[tuple[str, str | None]]:
    clusterer, finder = StoryClusterer(), DuplicateFinder()
    out = []
    for an in stream:
        dup = finder.add(an.article)
        out.append((clusterer.assign(an, duplicate_of=dup), dup))
    return out


def test_prepared_ahead_and_pickled_gives_the_same_stories_and_duplicates(stream):
    expected = one_step(stream)
    assert any(dup for _, dup in expected)  # the copies are found
    assert len({s for s, _ in expected}) > 1
    made = pickle.loads(pickle.dumps([(an.article, *prepare(an)) for an in stream]))  # as from a worker
    clusterer, finder = StoryClusterer(), DuplicateFinder()
    got = []
    for article, shingled, prepared in made:
        dup = finder.add(article, prepared=shingled)
        got.append((clusterer.assign(None, duplicate_of=dup, prepared=prepared), dup))
    assert got == expected


def test_cluster_analyses_with_preparing_workers_matches_one_process(stream, monkeypatch):
    monkeypatch.setattr(cluster_mod, "PREPARE_CHUNK", 4)
    monkeypatch.setattr(cluster_mod, "PARALLEL_FROM", 1)
    one = cluster_analyses(stream)
    two = cluster_analyses(stream, n_process=2)
    assert two == one
    assert [r["id"] for r in two] == [an.article.id for an in stream]


def test_doc_terms_survive_pickling_in_order(stream):
    for an in stream[:10]:
        terms = doc_terms(an)
        back = pickle.loads(pickle.dumps(terms))
        assert back == terms
        for name in ("body", "head", "ents", "pers", "nums"):  # the order the weighting iterates in
            assert list(getattr(back, name).items()) == list(getattr(terms, name).items())
            assert isinstance(getattr(back, name), Counter)
        assert back.all_ids() == [bucket(t) for t in back.vocab[:len(back.all_terms)]]
    # A hand-made DocTerms (no vocabulary; a term with a space) round-trips too.
    odd = DocTerms("d", Counter({"a b": 2, "c": 1}), Counter({"c": 1}), Counter({"e": 1}), Counter(),
                   Counter({"2009": 1}), None)
    assert pickle.loads(pickle.dumps(odd)) == odd


def test_document_frequencies_with_known_buckets_match_looking_them_up():
    terms = ["fire", "bill", "2009", "arrest"]
    a, b = DocFreq(), DocFreq()
    for _ in range(3):
        a.add(set(terms))
        b.add(set(terms), [bucket(t) for t in set(terms)])
    a.add({"fire"})
    b.add({"fire"}, [bucket("fire")])
    assert (a.counts == b.counts).all() and a.n_docs == b.n_docs == 4
    idf = a.idfs(terms)
    assert idf == b.idfs(terms, [bucket(t) for t in terms])
    assert idf["fire"] < idf["bill"]  # in every document: the least telling
    assert idf["bill"] == pytest.approx(a.idf("bill"))


def _dies_on_one_article(analysis, num_perm=None):
    import os
    import signal

    if analysis.article.id.endswith("-copy"):  # as the out-of-memory killer would
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_prepare(analysis, num_perm)


_real_prepare = cluster_mod.prepare


def test_a_preparing_worker_that_dies_raises_instead_of_hanging(stream, monkeypatch):
    # (forked workers inherit the patched module)
    monkeypatch.setattr(cluster_mod, "PREPARE_CHUNK", 4)
    monkeypatch.setattr(cluster_mod, "PARALLEL_FROM", 1)
    monkeypatch.setattr(cluster_mod, "prepare", _dies_on_one_article)

    def hung(*_):
        raise AssertionError("cluster_analyses still waits for a dead worker after 120 s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(120)
    try:
        with pytest.raises(RuntimeError, match="worker process preparing articles"):
            cluster_analyses(stream, n_process=2)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_workers_prepare_at_most_two_chunks_each_ahead(stream, monkeypatch):
    monkeypatch.setattr(cluster_mod, "PREPARE_CHUNK", 2)
    ahead = cluster_mod._prepared_ahead(stream, list(range(len(stream))), 2, None)
    first = next(ahead)
    assert first[1].terms.id == stream[0].article.id
    submitted = ahead.gi_frame.f_locals["pending"]
    assert len(submitted) <= 4  # 2 workers x 2 chunks, however long the stream
    rest = list(ahead)
    assert len(rest) == len(stream) - 1


def test_terms_of_one_text_with_more_words_than_the_cache():
    from newsweave.cluster import text as T

    words = [f"w{k:06d}x" for k in range(T.TERM_CACHE + 10)]
    got = T.terms(" ".join(words))
    assert len(got) == len(words) and got[0] == T._term(words[0])
