"""Story clustering on real articles: ECB+ sub-events (similar but different) and the seed articles."""
from __future__ import annotations

import copy
import dataclasses
import json
import random
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from conftest import DATA, SEEDS
from newsweave.analyse import analyse
from newsweave.clean import clean
from newsweave.cli import main
from newsweave.cluster import StoryClusterer, cluster_analyses, publication_order
from newsweave.dedup import DuplicateFinder
from newsweave.evaluate.clustering import bcubed, pairwise
from newsweave.model import Analysis, Article

SAMPLE = DATA / "cluster" / "ecbplus-48.jsonl"
HEADLINES = DATA / "cluster" / "neus-val-headlines-120.jsonl"
PRECISION_FLOOR_HEADLINES = 0.85


@pytest.fixture(scope="module")
def ecb() -> tuple[list[Analysis], list[str]]:
    rows = [json.loads(line) for line in SAMPLE.open(encoding="utf-8")]
    # Opaque ids: nothing may depend on the corpus's file names.
    articles = [clean(Article(id=f"x{i:03d}", text=r["text"])) for i, r in enumerate(rows)]
    return list(analyse(articles)), [r["story"] for r in rows]


@pytest.fixture(scope="module")
def seeds() -> list[Analysis]:
    articles = [clean(Article(id=p.stem, text=p.read_text(encoding="utf-8"))) for p in SEEDS]
    return list(analyse(articles))


def groups_of(labels: list[str], pred: list[str]) -> dict[str, set[str]]:
    """Gold labels found in each predicted story."""
    out: dict[str, set[str]] = defaultdict(set)
    for g, p in zip(labels, pred):
        out[p].add(g)
    return out


def shuffled(n: int, seed: int) -> list[int]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return order


def test_seed_articles_form_one_story(seeds):
    stories = StoryClusterer().partial_fit(seeds)
    assert len(stories) == 2 and stories[0] == stories[1]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_similar_but_different_events_stay_apart(ecb, seed):
    # Each topic holds two events of one kind (two rehab check-ins, two title fights, two Paris
    # jewellery heists). Different topics must never share a story, in any arrival order. The two
    # events of a topic are harder: many of the sample's articles are one ECB+ sentence with no
    # date ("Four armed robbers made off with $137-million of diamonds from a famed Paris store"),
    # so the streaming clusterer (no timestamps, random order, no revisions) does not always keep
    # them apart. Measured with session 16's model (session 14's: trained on ECB+, NeuS-AllSides
    # train, its titles alone and the UCI stream's first half; refitted on session 16's analyses) on
    # seeds 0, 1, 2: B-cubed P 0.909 / 0.909 / 0.857, F1 0.897 / 0.875 / 0.896 (mean of seeds 0-9: P
    # 0.918, F1 0.915; session 14's model: P 0.857 / 0.889 / 0.857, mean P 0.901, F1 0.910; with
    # session 16's analyses but not refitted, seed 0 fell to P 0.729; session 12's model:
    # P 0.872 / 0.924 / 0.857, F1 0.860 / 0.864 / 0.896, mean P 0.895, F1 0.898). With an earlier
    # model (main-person and article-length features added): P 0.950 / 0.972 / 1.000, F1 0.848 /
    # 0.903 / 0.918; no topic ever mixed with another;
    # the rehab check-ins (1a, 1b) and the title fights never mixed; the heists mixed in seeds 0
    # and 1. (Without those features: P 0.796 / 0.933 / 1.000, F1 0.817 / 0.892 / 0.915, the title
    # fights mixed in seed 0 too; the earlier ECB+-only model: P 0.935 / 0.896 / 0.907, F1 0.854 /
    # 0.869 / 0.840.)
    analyses, labels = ecb
    order = shuffled(len(analyses), seed)
    pred = StoryClusterer().partial_fit([analyses[i] for i in order])
    gold = [labels[i] for i in order]
    found = groups_of(gold, pred)
    for story, events in found.items():
        assert len({g[:-1] for g in events}) == 1, f"story {story} mixes topics {sorted(events)}"
    mixed_topics = {next(iter(events))[:-1] for events in found.values() if len(events) > 1}
    assert len(mixed_topics) <= 2  # at least one topic's two events fully apart
    p, r, f1 = bcubed(gold, pred)
    assert p >= 0.79
    assert f1 >= 0.81  # and most reports of an event end up together


@pytest.fixture(scope="module")
def headlines() -> tuple[list[Analysis], list[str]]:
    rows = [json.loads(line) for line in HEADLINES.open(encoding="utf-8")]
    articles = [clean(Article(id=r["id"], text=r["text"])) for r in rows]
    return list(analyse(articles)), [r["story"] for r in rows]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_headlines_of_different_stories_that_share_a_word_stay_apart(headlines, seed):
    # 120 real headlines alone (no body), three outlets' for each of 40 NeuS-AllSides validation
    # stories: many share a word or a name with another story's ("Trump", "Iran", "Senate"). A
    # one-line report that shares a word with a story is seldom of its event; the model learned
    # that from headline-only training streams (NeuS-AllSides train titles). With the model before
    # them (session 13), which had seen headlines only in UCI's stream (87 stories over 6,366
    # headlines: nearly every headline joins), B-cubed P was 0.69 / 0.77 / 0.74 here (session 14's model:
    # 0.94 / 0.96 / 0.96, R 0.72 / 0.76 / 0.73).
    analyses, labels = headlines
    order = shuffled(len(analyses), seed)
    pred = StoryClusterer().partial_fit([analyses[i] for i in order])
    p, r, f1 = bcubed([labels[i] for i in order], pred)
    assert p >= PRECISION_FLOOR_HEADLINES
    assert r >= 0.6  # and three outlets' headlines of one story are mostly found together


def test_publication_dates_are_no_evidence_that_two_events_are_one(ecb):
    # Dated reports of one week must be kept apart as well as undated ones: the publication year
    # once counted as a year every article names, and the model (which learned the year features
    # on reports that name a year) joined any two reports of that week (B-cubed P on NeuS-AllSides
    # val, dated over one week, 0.778 against 0.918 undated).
    analyses, labels = ecb
    undated = [analyses[i] for i in shuffled(len(analyses), 0)]
    week = datetime(2015, 3, 2, tzinfo=timezone.utc)
    dated = []
    for k, an in enumerate(undated):  # three hours apart, in arrival order: six days in all
        an = copy.copy(an)
        an.article = dataclasses.replace(an.article, published=(week + timedelta(hours=3 * k)).isoformat())
        dated.append(an)
    assert StoryClusterer().partial_fit(dated) == StoryClusterer().partial_fit(undated)


def test_unrelated_articles_open_new_stories(ecb, seeds):
    analyses, _ = ecb
    clusterer = StoryClusterer()
    ecb_stories = set(clusterer.partial_fit(analyses))
    seed_stories = set(clusterer.partial_fit(seeds))
    assert len(seed_stories) == 1 and not seed_stories & ecb_stories


def test_assignments_depend_only_on_earlier_articles(ecb):
    analyses, _ = ecb
    order = shuffled(len(analyses), 7)
    stream = [analyses[i] for i in order]
    whole = StoryClusterer().partial_fit(stream)
    first_half = StoryClusterer().partial_fit(stream[:24])
    assert whole[:24] == first_half
    again = StoryClusterer().partial_fit(stream)
    assert again == whole  # deterministic, story ids included


def test_seeded_stories_take_new_articles(ecb):
    # A restart: the stories stored so far are re-loaded, and later reports join them.
    analyses, labels = ecb
    by_gold: dict[str, list[Analysis]] = defaultdict(list)
    for an, g in zip(analyses, labels):
        by_gold[g].append(an)
    clusterer = StoryClusterer()
    for g, members in by_gold.items():
        clusterer.seed(f"stored-{g}", members[:5])
    later = [(an, g) for g, members in by_gold.items() for an in members[5:]]
    joined = [clusterer.assign(an) for an, _ in later]
    correct = sum(story == f"stored-{g}" for story, (_, g) in zip(joined, later))
    assert correct >= 0.8 * len(later)
    assert all(story.startswith("stored-") or story.startswith("s") for story in joined)
    assert not any(story.startswith("stored-") and story != f"stored-{g}" for story, (_, g) in zip(joined, later))


def test_old_stories_leave_the_active_index(ecb):
    analyses, _ = ecb
    clusterer = StoryClusterer(max_active=4)
    clusterer.partial_fit(analyses)
    assert len(clusterer.stories_) <= 4
    live = set(clusterer.stories_)
    assert all(set(posting) <= live for posting in clusterer.postings_.values())


def test_time_window_retires_silent_stories(seeds):
    first, second = seeds
    first.article.published = "2024-01-01T10:00:00+00:00"
    second.article.published = "2024-03-01T10:00:00+00:00"  # two months later: a new story
    try:
        apart = StoryClusterer(window_days=30).partial_fit([first, second])
        together = StoryClusterer(window_days=365).partial_fit([first, second])
    finally:
        first.article.published = second.article.published = None
    assert apart[0] != apart[1]
    assert together[0] == together[1]


def test_duplicates_join_their_originals_story(ecb):
    analyses, _ = ecb
    original = max(analyses, key=lambda an: len(an.article.text))
    copy = clean(Article(id="copy", text="A new first paragraph from the syndicating site.\n" + original.article.text,
                         title="Another headline"))
    copy_an = next(analyse([copy]))
    results = cluster_analyses(list(analyses) + [copy_an])
    by_id = {r["id"]: r for r in results}
    assert by_id["copy"]["duplicate_of"] == original.article.id
    assert by_id["copy"]["story"] == by_id[original.article.id]["story"]


def test_a_copy_posted_after_its_originals_story_left_is_an_original_of_a_new_story(seeds):
    # The same report re-posted ten months later, then again the day after: the original's story
    # has left the active index, so the first re-post opens a story where it is a source (not a
    # copy of an article in another story), and the second re-post is a copy of the first.
    original = seeds[0].article
    dated = [clean(Article(id=i, text=original.text, title=original.title, outlet=o, published=p))
             for i, o, p in (("orig", "Daily A", "2024-01-08T10:00:00+00:00"),
                             ("repost", "Aggregator B", "2024-11-20T10:00:00+00:00"),
                             ("repost2", "Aggregator C", "2024-11-21T10:00:00+00:00"))]
    by_id = {r["id"]: r for r in cluster_analyses(list(analyse(dated)))}
    assert by_id["repost"]["story"] != by_id["orig"]["story"] and by_id["repost"]["duplicate_of"] is None
    assert by_id["repost2"] == {"id": "repost2", "story": by_id["repost"]["story"], "duplicate_of": "repost"}


def test_publication_order_is_stable_and_keeps_undated_in_place():
    arts = [Article(id="a", text="x", published="2024-01-02T00:00:00Z"), Article(id="b", text="x"),
            Article(id="c", text="x", published="2024-01-01T00:00:00+00:00"),
            Article(id="d", text="x", published="2024-01-02T00:00:00Z")]
    assert [arts[i].id for i in publication_order(arts)] == ["c", "a", "b", "d"]
    undated = [Article(id=str(i), text="x") for i in range(5)]
    assert publication_order(undated) == [0, 1, 2, 3, 4]


def test_scores_on_known_partitions():
    gold = ["a", "a", "a", "b", "b"]
    assert bcubed(gold, gold) == (1.0, 1.0, 1.0)
    p, r, f = bcubed(gold, ["x", "x", "x", "x", "x"])
    assert p == pytest.approx((3 * 3 / 5 + 2 * 2 / 5) / 5) and r == 1.0
    p, r, f = pairwise(gold, ["x", "x", "y", "z", "z"])
    assert (p, r) == (1.0, pytest.approx(2 / 4))


def test_cli_cluster_writes_one_line_per_article_in_input_order(tmp_path):
    rows = [json.loads(line) for line in SAMPLE.open(encoding="utf-8")][:16]
    random.Random(3).shuffle(rows)
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"q{i}", "text": r["text"], "story": "ignored"}) + "\n"
                           for i, r in enumerate(rows)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["cluster", str(src), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == [f"q{i}" for i in range(len(rows))]
    assert all(set(line) == {"id", "story", "duplicate_of"} for line in lines)
    gold = [r["story"] for r in rows]
    assert bcubed(gold, [line["story"] for line in lines])[0] == 1.0


def test_cli_eval_clustering_reports_both_systems(tmp_path):
    src = tmp_path / "gold.jsonl"
    rows = [json.loads(line) for line in SAMPLE.open(encoding="utf-8")][:24]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "clustering", str(src), "--format", "json", "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["articles"] == 24 and report["gold_stories"] == len({r["story"] for r in rows})
    for system in ("newsweave", "baseline"):
        for metric in ("bcubed", "pairwise"):
            assert 0.0 <= report[system][metric]["f1"] <= 1.0
    assert report["newsweave"]["bcubed"]["f1"] >= 0.85
    text = CliRunner().invoke(main, ["eval", "clustering", str(src), "-q", "--no-baseline"]).output
    assert "no gold pairs" not in text  # these gold stories have several articles each
    singles = tmp_path / "singles.jsonl"  # one article per gold story: pairwise recall means nothing
    singles.write_text("".join(json.dumps(dict(r, story=r["id"])) + "\n" for r in rows[:3]), encoding="utf-8")
    text = CliRunner().invoke(main, ["eval", "clustering", str(singles), "-q", "--no-baseline"]).output
    assert "no gold pairs" in text and "read B-cubed" in text


def test_the_baseline_takes_a_text_of_stop_words_as_a_story_of_its_own():
    from newsweave.evaluate.clustering import baseline_labels

    texts = ["It is what it is.", "Wildfires forced thousands to evacuate near Athens on Monday.",
             "Wildfires forced thousands to flee homes near Athens on Monday, officials said.", "And so on."]
    labels = baseline_labels(texts, 0.6)
    assert labels[1] == labels[2] and len({labels[0], labels[1], labels[3]}) == 3
    assert len(set(baseline_labels(texts[:1] + texts[3:], 0.6))) == 2


def test_cli_reports_bad_lines_and_clusters_the_rest(tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_bytes(b'{"id": "a", "text": "fine"}\nnot json\n{"id": "b"}\n{"id": "a", "text": "again"}\n'
                    b'{"id": "c", "text": "caf\xe9 latin-1"}\n{"id": "e", "text": "' + b"x" * (6 << 20) + b'"}\n'
                    b'{"id": "d", "text": "also fine"}\n')
    result = CliRunner().invoke(main, ["cluster", str(src), "-q"])
    assert result.exit_code == 1
    for line, words in ((2, "malformed JSON"), (3, "missing text"), (4, "id 'a' appears twice"), (5, "not valid UTF-8"),
                        (6, "line too long")):
        assert f"bad.jsonl:{line}: {words}" in result.output
    assert [json.loads(x)["id"] for x in result.output.splitlines() if x.startswith("{")] == ["a", "d"]
    binary = tmp_path / "photo.jsonl"  # a misnamed binary: one error, not one per "line"
    binary.write_bytes(bytes(range(256)) * 2 + b"\n" + b"\x00\xff\n" * 5000)
    refused = CliRunner().invoke(main, ["cluster", str(binary), "-q"])
    assert refused.exit_code == 1 and refused.output.count("error: ") == 1 and "binary file" in refused.output
    garbage = tmp_path / "notes.jsonl"  # text that is no JSONL: given up after 100 bad lines, not 5,000 errors
    garbage.write_text("not an article\n" * 5000, encoding="utf-8")
    given_up = CliRunner().invoke(main, ["cluster", str(garbage), "-q"])
    assert given_up.exit_code == 1 and given_up.output.count("error: ") == 101
    assert "notes.jsonl:101: more than 100 bad lines; stopped reading" in given_up.output
    missing = CliRunner().invoke(main, ["cluster", str(tmp_path / "absent.jsonl"), "-q"])
    assert missing.exit_code == 2 and "absent.jsonl" in missing.output


def test_dedup_and_clusterer_share_nothing_global():
    # Two independent finders give the same answers (no module-level state between runs).
    a = clean(Article(id="one", text="The quick brown fox jumps over the lazy dog near the river bank today."))
    b = clean(Article(id="two", text="The quick brown fox jumps over the lazy dog near the river bank today."))
    for _ in range(2):
        finder = DuplicateFinder()
        assert finder.add(a) is None and finder.add(b) == "one"


def test_merge_model_round_trips_and_rejects_malformed_trees():
    from newsweave.cluster.merge import MergeModel, load_model

    model = load_model()
    again = MergeModel.from_json(json.loads(json.dumps(model.to_json())))
    z = [0.5] * len(model.join_coef)
    assert again.join_probability(z) == pytest.approx(model.join_probability(z))
    data = model.to_json()
    data["join_trees"] = [{"feature": [0, -1, -1], "threshold": [0.3, 0.0, 0.0], "left": [1, -1, -1],
                           "right": [2, -1, -1], "value": [0.0, -1.0, 1.0]}]
    data["join_intercept"] = 0.0
    stump = MergeModel.from_json(data)
    low, high = list(z), list(z)
    low[0], high[0] = 0.2, 0.9  # body_cos on either side of the split (the floor allowing)
    stump.min_body_cos = 0.0
    assert stump.join_probability(low) < 0.5 < stump.join_probability(high)
    data["join_trees"][0]["left"][0] = 0  # a node pointing back at itself
    with pytest.raises(ValueError):
        MergeModel.from_json(data)


def test_person_conflict_tells_whom_a_story_is_mainly_about():
    # Two DUI arrests of two players of one team: each report names the other player in passing.
    from collections import Counter

    from newsweave.cluster.merge import Story, person_conflict, vectorise
    from newsweave.cluster.text import DocFreq, DocTerms

    def doc(i: int, main: str, passing: str, head: str) -> DocTerms:
        first, last = main.split()
        body = Counter({"charger": 3, "arrest": 2, "dui": 2, first: 1, last: 5, head: 1})
        pers = Counter({first: 5, last: 5, **dict.fromkeys(passing.split(), 1)})
        return DocTerms(f"d{i}", body, Counter({"charger": 1, "arrest": 1, last: 1}), pers.copy(), pers, Counter(), None)

    df = DocFreq()
    story = Story("williams")
    for i in range(3):
        story.add(vectorise(doc(i, "jamal william", "vincent jackson", "tackle"), df), i)
    same = vectorise(doc(3, "jamal william", "vincent jackson", "tackle"), df)
    other = vectorise(doc(4, "vincent jackson", "", "receiver"), df)
    assert person_conflict(same, story) == (0.0, 0.0, 0.0, 0.0)
    doc_minor, story_minor, head_miss, story_head_miss = person_conflict(other, story)
    assert doc_minor > 0.5 and story_minor == 1.0 and head_miss == 1.0 and story_head_miss == 1.0
    nobody = vectorise(DocTerms("d5", Counter({"charger": 2}), Counter(), Counter(), Counter(), Counter(), None), df)
    assert person_conflict(nobody, story) == (0.0, 0.0, 0.0, 0.0)  # no persons: no evidence either way


def test_article_length_tells_a_headline_from_a_report():
    # UCI items are one headline; ECB+ and NeuS items are reports. The join trees read the
    # article's length to weigh the other features differently for the two (a headline sharing
    # two words with a story is strong evidence; a report sharing two words is weak).
    import math
    from collections import Counter

    from newsweave.cluster.merge import FEATURES, Story, features, vectorise
    from newsweave.cluster.text import DocFreq, DocTerms

    df = DocFreq()
    headline = DocTerms("h", Counter({"charger": 1, "arrest": 1, "dui": 1}), Counter({"charger": 1}),
                        Counter(), Counter(), Counter({"2009": 1}), None)
    report = DocTerms("r", Counter({"charger": 9, "arrest": 6, "dui": 4, "police": 5, "jail": 3}),
                      Counter({"charger": 1}), Counter(), Counter(), Counter({"2009": 2}), None)
    h, r = vectorise(headline, df), vectorise(report, df)
    assert h.log_len == pytest.approx(math.log1p(4)) and r.log_len == pytest.approx(math.log1p(29))
    story = Story("s")
    story.add(r, 0)
    k = FEATURES.index("doc_log_len")
    assert features(h, story)[k] == h.log_len and features(r, story)[k] == r.log_len


def test_fit_on_groups_learns_a_model_that_separates_the_events(ecb):
    # Two halves of the sample streamed as separate groups (as the shipped model is trained on
    # ECB+, NeuS-AllSides and UCI streams that never meet): the learned model still keeps the
    # sample's topics apart.
    analyses, labels = ecb
    groups = [i % 2 for i in range(len(analyses))]
    clusterer = StoryClusterer().fit(analyses, labels, shuffles=1, rounds=1, groups=groups)
    model = clusterer.model_
    assert model.info["groups"] == 2 and 0.0 < model.threshold < 1.0
    pred = clusterer.partial_fit(analyses)
    found = groups_of(labels, pred)
    assert all(len({g[:-1] for g in events}) == 1 for events in found.values())
    assert bcubed(labels, pred)[2] >= 0.8


def test_similarities_do_not_depend_on_the_order_terms_are_summed_in():
    # Python iterates a set of strings in an order that differs from process to process; a plain
    # sum over shared terms then rounds differently and can tip a near-tie into another story.
    from newsweave.cluster.text import dot

    a = {"x": 1e16, "y": 1.0, "z": -1e16}
    for b in ({"x": 1.0, "y": 1.0, "z": 1.0}, {"z": 1.0, "y": 1.0, "x": 1.0}, {"y": 1.0, "z": 1.0, "x": 1.0}):
        assert dot(a, b) == 1.0
        assert dot(dict(reversed(list(a.items()))), b) == 1.0


def test_a_city_counts_for_its_country_and_two_countries_conflict():
    from newsweave.cluster.merge import Story, country_conflict, vectorise
    from newsweave.cluster.text import DocFreq, countries_named, doc_terms

    texts = {
        "kathmandu": "Rescuers searched the rubble in Kathmandu after the earthquake on Tuesday, officials said.",
        "nepal": "A strong earthquake struck central Nepal on Tuesday, killing at least 40 people, officials said.",
        "peru": "A strong earthquake struck southern Peru on Tuesday, killing at least 12 people, officials said.",
    }
    ans = {k: a for k, a in zip(texts, analyse([clean(Article(id=k, text=t)) for k, t in texts.items()]))}
    assert countries_named(ans["kathmandu"]) == ("Nepal",) and countries_named(ans["peru"]) == ("Peru",)
    # a demonym several countries share is the country it is named after (not the Northern Mariana Islands)
    (us,) = analyse([clean(Article(id="us", text="American officials met in Atlanta on Tuesday to "
                                                  "discuss the storm damage, the governor said."))])
    assert countries_named(us) == ("United States",)
    df = DocFreq()
    docs = {k: vectorise(doc_terms(a), df) for k, a in ans.items()}
    story = Story("s")
    story.add(docs["nepal"], 1)
    assert country_conflict(docs["kathmandu"], story) == (1.0, 0.0)  # the same country, in other words
    assert country_conflict(docs["peru"], story) == (1.0, 1.0)


def test_the_lead_encoder_places_a_paraphrase_nearer_than_a_similar_other_event():
    # The contextual MiniLM (int8 ONNX) behind the clusterer's dense similarity: a paraphrased
    # headline of one quake is nearer than a headline of another quake with the same words.
    import numpy as np
    from newsweave.analyse.models import encode_sentences

    v = encode_sentences(["Magnitude 7.8 earthquake kills hundreds in Nepal",
                          "Powerful quake in Nepal leaves hundreds dead",
                          "Magnitude 7.0 earthquake hits southern Peru, no deaths reported", "  "])
    assert v.shape == (4, 384) and v.dtype == np.float32
    assert abs(float(np.linalg.norm(v[0])) - 1) < 1e-5 and not v[3].any()
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.1
    # The lead encoder fine-tuned to tell events apart (data/minilm-leads-int8.onnx) does the same
    lead = encode_sentences(["Magnitude 7.8 earthquake kills hundreds in Nepal",
                             "Powerful quake in Nepal leaves hundreds dead",
                             "Magnitude 7.0 earthquake hits southern Peru, no deaths reported", "  "], leads=True)
    assert lead.shape == (4, 384) and abs(float(np.linalg.norm(lead[0])) - 1) < 1e-5 and not lead[3].any()
    assert float(lead[0] @ lead[1]) > float(lead[0] @ lead[2]) + 0.1
