"""Near-duplicate detection on real ECB+ articles with planted copies."""
from __future__ import annotations

import json
import random

import pytest

from conftest import DATA
from newsweave.clean import clean
from newsweave.dedup import DuplicateFinder
from newsweave.model import Article

SAMPLE = DATA / "cluster" / "ecbplus-48.jsonl"


def load() -> list[Article]:
    rows = [json.loads(line) for line in SAMPLE.open(encoding="utf-8")]
    return [clean(Article(id=r["id"], text=r["text"])) for r in rows]


def with_paragraphs(original: Article, new_id: str, paragraphs: list[str], title: str | None = None) -> Article:
    return clean(Article(id=new_id, text="\n".join(paragraphs), title=title))


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return load()


def planted(original: Article, prefix: str = "copy") -> dict[str, Article]:
    """Copies of ``original`` as a wire service, an aggregator and a re-poster would make them."""
    paras = original.text.split("\n")
    return {
        "exact": with_paragraphs(original, f"{prefix}-exact", paras),
        "new_lead": with_paragraphs(original, f"{prefix}-lead",
                                    ["Our correspondent adds a fresh opening paragraph written for this site, "
                                     "with local colour the wire copy never had."] + paras[1:]),
        "new_headline": with_paragraphs(original, f"{prefix}-title", paras, title="A completely different headline"),
        "light_edit": with_paragraphs(original, f"{prefix}-edit",
                                      [p.replace(" the ", " this ", 1) for p in paras] + ["(Reporting by staff.)"]),
        "excerpt": with_paragraphs(original, f"{prefix}-excerpt", paras[: max(3, len(paras) * 2 // 3)]),
    }


def test_planted_copies_all_link_to_the_original(articles):
    finder = DuplicateFinder()
    for a in articles:
        finder.add(a)
    original = max(articles, key=lambda a: len(a.text))
    for kind, copy in planted(original).items():
        assert finder.add(copy) == original.id, kind


def test_independent_reports_of_one_event_are_not_duplicates(articles):
    # Eight outlets' own reports of the same rehab check-in share names and facts, not text.
    finder = DuplicateFinder()
    reports = [a for a in articles if a.id.startswith("1_") and a.id.endswith("ecb")]
    assert len(reports) >= 6
    links = [finder.add(a) for a in reports]
    assert links == [None] * len(reports)


def test_a_copy_of_a_copy_links_to_the_first_article(articles):
    finder = DuplicateFinder()
    original = articles[0]
    first = planted(original)["exact"]
    second = with_paragraphs(first, "copy-of-copy", first.text.split("\n") + ["Updated at noon."])
    assert finder.add(original) is None
    assert finder.add(first) == original.id
    assert finder.add(second) == original.id


def test_result_does_not_depend_on_what_came_before_in_unrelated_order(articles):
    original = max(articles, key=lambda a: len(a.text))
    copies = list(planted(original).values())
    results = []
    for seed in range(3):
        others = [a for a in articles if a.id != original.id]
        random.Random(seed).shuffle(others)
        finder = DuplicateFinder()
        for a in [original] + others:
            finder.add(a)
        results.append([finder.add(c) for c in copies])
    assert results[0] == results[1] == results[2] == [original.id] * len(copies)


def test_seeded_articles_are_found_without_being_checked(articles):
    finder = DuplicateFinder()
    original = articles[5]
    finder.seed(original)
    finder.seed(original)  # seeding twice is harmless
    assert len(finder) == 1
    assert finder.add(planted(original)["new_lead"]) == original.id


def test_memory_stays_bounded(articles):
    finder = DuplicateFinder(max_items=10)
    for a in articles:
        finder.add(a)
    assert len(finder) == 10
    # The oldest article left the index: its copy is no longer recognised; a recent one's is.
    assert finder.add(planted(articles[0])["exact"]) is None
    assert finder.add(planted(articles[-1], "later")["exact"]) == articles[-1].id
