"""Source-by-source fact comparison on the real seed articles, planted contradictions, syndicated
copies, the `compare` command and fact alignment on real ECB+ stories."""
from __future__ import annotations

import json
import re
import subprocess

import numpy as np
import pytest

from newsweave.analyse import analyse
from newsweave.clean import clean_batch
from newsweave.compare import compare_story, split_clauses
from newsweave.compare import values as V
from newsweave.compare.text import words
from newsweave.evaluate import facts as F
from newsweave.model import Analysis, Article

from conftest import DATA, NEWSWEAVE


def _analyse(*articles: Article) -> list[Analysis]:
    clean_batch(list(articles))
    return list(analyse(list(articles)))


@pytest.fixture(scope="module")
def seeds(seed_paths) -> list[Analysis]:
    return _analyse(*[Article(id=f"seed{i}", text=p.read_text(encoding="utf-8")) for i, p in enumerate(seed_paths)])


@pytest.fixture(scope="module")
def seed_facts(seeds):
    return compare_story(seeds, story_id="S1")


def _outlets_report(*texts: str) -> list:
    """The statement facts of one story whose articles a, b, … (outlets A, B, …) have these texts."""
    ids = "abcdefgh"[:len(texts)]
    return compare_story(_analyse(*[Article(id=i, outlet=i.upper(), text=t) for i, t in zip(ids, texts)]), story_id="S")


def _facts_with(facts, phrase: str):
    return [f for f in facts if any(phrase.lower() in s.text.lower() for s in f.sources)]


def _articles(fact) -> set[str]:
    return {s.article for s in fact.sources}


@pytest.mark.parametrize("phrase", [
    "guard of honour",
    "largest export destination in Central Asia",
    "Nishan-i-Pakistan",
    "Business Forum",
    "delegation",
])
def test_facts_both_seeds_state_are_corroborated_citing_both(seed_facts, phrase):
    both = [f for f in _facts_with(seed_facts, phrase) if _articles(f) == {"seed0", "seed1"}]
    assert both, f"no fact about {phrase!r} cites both articles"
    assert all(f.status == "corroborated" for f in both)
    assert all(len(f.outlets) == 2 for f in both)


def test_the_meeting_and_the_forum_are_one_fact_from_both_seeds(seed_facts):
    (fact,) = [f for f in _facts_with(seed_facts, "Business Forum")]
    texts = " ".join(s.text for s in fact.sources)
    assert "meet" in texts and "Zardari" in texts
    assert _articles(fact) == {"seed0", "seed1"}


@pytest.mark.parametrize("phrase, article", [
    ("Jam Kamal Khan held intensive talks", "seed0"),  # the commerce ministers' talks
    ("priority sectors for cooperation", "seed0"),
    ("two-day official visit to Pakistan on Tuesday", "seed1"),
    ("Russia-Ukraine conflict", "seed1"),
])
def test_what_only_one_seed_reports_is_single_source(seed_facts, phrase, article):
    (fact,) = _facts_with(seed_facts, phrase)
    assert fact.status == "single_source"
    assert _articles(fact) == {article}


def test_no_furniture_line_is_a_fact(seeds, seed_facts):
    assert "Read More" in seeds[1].article.text
    for fact in seed_facts:
        assert "Read More" not in fact.text
        assert all("Read More" not in s.text for s in fact.sources)


def test_source_offsets_quote_the_original_text(seeds, seed_facts):
    by_id = {an.article.id: an.article for an in seeds}
    assert seed_facts
    for fact in seed_facts:
        assert fact.story == "S1"
        for s in fact.sources:
            assert by_id[s.article].text[s.start:s.end] == s.text
        assert fact.text in {s.text for s in fact.sources}


def test_the_seeds_agree_on_everything(seed_facts):
    assert not [f for f in seed_facts if f.status == "conflicting"]


def _planted(seeds, old: str, new: str) -> list:
    text = seeds[1].article.text
    assert old in text
    (copy,) = _analyse(Article(id="copy", text=text.replace(old, new), outlet="Another Outlet"))
    return compare_story([seeds[0], seeds[1], copy])


@pytest.mark.parametrize("old, new, kind", [
    ("two-day official visit", "three-day official visit", "number"),
    ("visit to Pakistan on Tuesday", "visit to Pakistan on Thursday", "date"),
    ("Kazakhstan and Uzbekistan", "Kazakhstan and Turkmenistan", "place"),
    ("is also expected to meet with", "is also not expected to meet with", "negation"),
])
def test_a_planted_contradiction_is_conflicting_with_both_values(seeds, old, new, kind):
    facts = _planted(seeds, old, new)
    conflicting = [f for f in facts if f.status == "conflicting"]
    assert len(conflicting) == 1
    (fact,) = conflicting
    assert {"seed1", "copy"} <= _articles(fact)
    values = [v for v in fact.values if v["kind"] == kind]
    shown = " ".join(v["value"] for v in values)
    assert len(values) >= 2
    assert any("copy" in v["articles"] for v in values) and any("seed1" in v["articles"] for v in values)
    for word in set(old.split()) ^ set(new.split()):
        assert word.strip(",.") in shown


def test_a_paraphrase_is_not_a_conflict(seeds):
    facts = _planted(seeds, "warmly received President Kassym-Jomart Tokayev of Kazakhstan at his official residence",
                     "gave a warm welcome at his official residence to Kazakhstan's President Kassym-Jomart Tokayev")
    assert not [f for f in facts if f.status == "conflicting"]
    (welcome,) = _facts_with(facts, "warm welcome at his official residence")
    assert {"seed1", "copy"} <= _articles(welcome)
    assert welcome.status == "corroborated"


def test_syndicated_copies_and_feeds_of_one_outlet_are_one_source(seeds):
    text = seeds[1].article.text
    copy, feed = _analyse(Article(id="copy", text=text, outlet="Wire Reprint"),
                          Article(id="feed2", text=text, outlet="TDI"))
    # a copy marked as syndicated adds sources but no independent outlet
    facts = compare_story([seeds[1], copy], duplicate_of={"copy": "seed1"})
    assert facts and all(f.status == "single_source" for f in facts)
    assert any(_articles(f) == {"seed1", "copy"} for f in facts)
    # ... also when only the copy names an outlet (the original's is unknown): still one source
    body = text.split("): ", 1)[1]  # without the dateline "Islamabad (TDI): ", which names the outlet
    original, wire = _analyse(Article(id="orig", text=body), Article(id="wire", text=body, outlet="AP"))
    assert original.article.outlet is None
    facts = compare_story([original, wire], duplicate_of={"wire": "orig"})
    assert facts and all(f.status == "single_source" and len(f.outlets) == 1 for f in facts)
    # a second feed of the same outlet is the same source
    facts = compare_story([seeds[1], feed])
    assert facts and all(f.status == "single_source" and f.outlets == ["TDI"] for f in facts)


def test_long_compound_sentences_split_into_clauses_with_offsets():
    text = ("President Tokayev began his two-day official visit to Pakistan on Tuesday, highlighting the "
            "mutual desire to strengthen ties between the two countries.")
    spans = split_clauses(text)
    assert [text[s:e] for s, e in spans] == [
        "President Tokayev began his two-day official visit to Pakistan on Tuesday",
        "highlighting the mutual desire to strengthen ties between the two countries.",
    ]
    short = "Kazakhstan is Pakistan's largest export destination."
    assert split_clauses(short) == [(0, len(short))]
    # an enumeration is not a clause break
    listing = ("The ministers identified priority sectors, including agriculture, textiles, sports goods, "
               "leather products, mining and minerals, energy and infrastructure development.")
    assert len(split_clauses(listing)) == 1


def test_a_toll_in_other_words_conflicts_and_a_thin_clause_stays_with_its_sentence():
    def story(*texts):
        arts = [Article(id=f"a{k}", text=t, outlet=f"Outlet {k}") for k, t in enumerate(texts)]
        return compare_story(_analyse(*arts))

    # "were killed" / "died", "injured" / "were hurt": the same count in other words
    facts = story("Seven people were killed when a bus plunged into a ravine near Kresna on Sunday, police said.",
                  "Nine people died when a bus plunged into a ravine near Kresna on Sunday, police said.")
    (toll,) = [f for f in facts if f.status == "conflicting"]
    assert {v["value"] for v in toll.values} == {"Seven people", "Nine people"}
    facts = story("The landslide in Huaraz on Thursday injured 40 people, the regional governor said.",
                  "Sixty people were hurt in the landslide in Huaraz on Thursday, the regional governor said.")
    assert [f.status for f in facts] == ["conflicting"]
    # a clause too thin to be a claim ("At least 12 people were killed") is not dropped from its sentence
    (fact,) = story("At least 12 people were killed when a landslide buried part of the village of Huaraz on Thursday.")
    assert fact.text.startswith("At least 12 people were killed when")
    halted = "Verhaegen Chemicals said production at the site would stay halted until the end of the month."
    assert [f.text for f in story(halted)] == [halted]


def test_what_one_outlet_cuts_into_clauses_another_states_whole_and_both_corroborate_it():
    facts = _outlets_report(
        "The mayor of Lyon resigned on Monday after a corruption inquiry into the city's housing office, officials said.",
        "Lyon mayor resigned on Monday after a corruption inquiry into the city's housing office, officials said.")
    inquiry = _facts_with(facts, "corruption inquiry")
    assert inquiry and all(f.status == "corroborated" and set(f.outlets) == {"A", "B"} for f in inquiry), facts
    # a clause the other outlet does not state in full stays single-source
    facts = _outlets_report(
        "The mayor of Lyon resigned on Monday after a corruption inquiry into the city's housing office, officials said.",
        "Lyon mayor resigned on Monday, officials said.")
    assert any(f.status == "single_source" and "inquiry" in f.text for f in facts), facts


def test_wire_style_scales_and_a_ranking_are_no_conflict():
    assert _kinds("UniCredit posted a record $19 bln loss in the fourth quarter, the bank said.",
                  "UniCredit posted a record $19 billion loss in the fourth quarter, the bank said.") == []
    assert _kinds("UniCredit posted a record $19 bln loss in the fourth quarter, the bank said.",
                  "UniCredit posted a record $14 billion loss in the fourth quarter, the bank said.") == ["number"]
    assert _kinds("Taylor Swift ranked No. 1 on Billboard's list of top earners, the magazine said.",
                  "Taylor Swift topped Billboard's list of top earners, the magazine said.") == []


def test_a_conflicting_day_shows_what_each_outlet_means_by_it():
    arts = [Article(id="m1", outlet="Le Télégramme", published="2024-11-12T09:00:00Z",
                    text="The harbour council of Brest approved the new ferry terminal plan on Monday after a long debate."),
            Article(id="m2", outlet="Ouest-France", published="2024-11-20T09:00:00Z",
                    text="Brest's harbour council approved the new ferry terminal plan on Monday after a lengthy debate.")]
    (fact,) = compare_story(_analyse(*arts))
    assert fact.status == "conflicting"
    assert {(v["value"], tuple(v["articles"])) for v in fact.values} == {
        ("Monday (2024-11-11)", ("m1",)), ("Monday (2024-11-18)", ("m2",))}


def test_a_negation_conflicts_only_between_claims_that_otherwise_agree():
    # Two sentences of an earthquake story, loosely aligned: one negated, the other not. Not a
    # contradiction; the same sentence with its verb negated is one.
    calm = V.extract("The surrounding area has not been hit by a quake in more than 25 years.", [])
    village = V.extract("It is one of the 12 worst-hit villages in the quake, the governor said.", [])
    assert [k for k, *_ in V.conflicts(calm, village, similarity=0.2)] == []
    hit = V.extract("The surrounding area has been hit by a quake in the past 25 years.", [])
    assert [k for k, *_ in V.conflicts(calm, hit, similarity=0.8)] == ["negation"]


def _kinds(a: str, b: str, similarity: float = 0.8) -> list[str]:
    return [k for k, *_ in V.conflicts(V.extract(a, []), V.extract(b, []), similarity)]


def test_only_the_date_of_what_is_reported_can_conflict():
    # Sentences of real multi-outlet reports (NeuS-AllSides), aligned in one fact. A weekday naming
    # another event and a date naming a thing are no disagreement.
    assert _kinds("The U.S. economy added 250,000 jobs in October, federal economists reported Friday.",
                  "The report before Tuesday's congressional elections showed employers added 250,000 jobs in "
                  "October.") == []
    assert _kinds("Senate Intelligence Committee leaders backed the 2017 intelligence community report on "
                  "Russian interference.", "The committee agreed that Russia interfered in the 2016 U.S. election.") == []
    assert _kinds("The U.S. military shot down rockets aimed at the Kabul airport on Monday morning.",
                  "The U.S. military shot down rockets aimed at the airport ahead of a Tuesday deadline.") == []
    # Late one day may be early the next elsewhere; early on two different days may not.
    assert _kinds("A federal judge in Maryland blocked the travel ban early Wednesday.",
                  "A federal judge in Maryland blocked the travel ban late Tuesday.") == []
    assert _kinds("The race remained too close to call on Wednesday morning.",
                  "The race was too close to call late Tuesday.") == []
    assert _kinds("Elijah Cummings died early Thursday at Johns Hopkins Hospital.",
                  "Elijah Cummings died early Tuesday at Johns Hopkins Hospital.") == ["date"]
    assert _kinds("The minister resigned late Tuesday.", "The minister resigned on Thursday.") == ["date"]
    assert _kinds("The budget was rejected on Wednesday evening.", "The budget was rejected on Thursday evening.") \
        == ["date"]
    # when a statement was made is a date like any other: often the statement is the news
    assert _kinds("Joe Biden on Wednesday said he supports the impeachment of President Trump.",
                  "Joe Biden said Saturday that he supports the impeachment of President Trump.") == ["date"]


def test_a_day_of_a_month_and_a_rate_are_not_counts():
    assert _kinds("Navarro laid out the warning in two memos, one on Jan. 29 and another on Feb. 23.",
                  "His grim assessment came in a Jan. 29 memo, The New York Times reported.") == []
    assert _kinds("The country recorded 35,355 new cases and 279 deaths on Sunday.",
                  "The country is averaging more than 1,500 deaths a day for the first time.", 0.6) == []
    assert _kinds("The shooter killed three people at the festival.",
                  "Four people were killed at the festival.") == ["number"]
    assert _kinds("Deaths reached 300 a day last week.", "Deaths reached 200 a day last week.") == ["number"]
    # a forecast, a count of sources and an increment are not the story's own counts
    assert _kinds("Non-government employers added 102,000 jobs in June, a report from ADP showed.",
                  "Economists expect to see that employers added 165,000 jobs in June.") == []
    assert _kinds("The report finds that the prince approved the killing, four U.S. officials familiar with "
                  "the matter said.", "The report finds that the prince approved the killing, three U.S. officials "
                  "familiar with the matter said.") == []
    assert _kinds("More than 22 million Americans have filed for unemployment aid.",
                  "Another 5.2 million Americans filed for unemployment aid last week.") == []


def test_one_changed_count_among_agreeing_ones_conflicts_where_it_stands_in_the_same_place():
    # Planted on real ECB+ sentences: one number changed, the rest of the claim as it was, even
    # when the two outlets word the claim differently (low similarity)
    assert _kinds("Luck broke Newton's record of 4,051 yards passing, taking it untouched to the end zone for "
                  "a 7-0 lead.", "Luck broke Newton's record of 4,051 yards passing, taking it untouched to the "
                  "end zone for a 17-0 lead.") == ["number"]
    assert _kinds("Esther Williams, Olympic swimmer turned actress and pinup girl, dies at 91",
                  "Esther Williams, who swam to stardom in the 1940s, dies at 85", similarity=0.2) == ["number"]
    assert V.conflicts(V.extract("The House voted 371-18 to reject the conspiracy theory.", []),
                       V.extract("The House voted 345-18, with one member voting present.", []), 0.3) == [
        ("number", "371", "345")]
    # NeuS-AllSides plants: a tally's other number says where a number stands ("voted 52-48" / "a
    # 107-48 vote"), and the other claim may state more numbers elsewhere ("Anwar, 66")
    assert V.conflicts(V.extract("In a narrow 107-48 vote, the Senate has officially confirmed Amy Coney Barrett.", []),
                       V.extract("The Senate voted 52-48 on Monday night to confirm Amy Coney Barrett.", []), 0.3) == [
        ("number", "107", "52")]
    # a whole tally that differs is shown as the tallies were written, not as a list of numbers
    assert V.conflicts(V.extract("The U.S. Senate voted 52-48 on Tuesday to confirm Dr. Jane Smith.", []),
                       V.extract("The U.S. Senate voted 51-49 on Tuesday to confirm Dr. Jane Smith.", []), 0.9) == [
        ("number", "52-48", "51-49")]
    assert V.conflicts(V.extract("H.R. 1154 passed on Friday 745-18, with one person voting present.", []),
                       V.extract("The House voted 371-18 to reject the conspiracy theory.", []), 0.2) == [
        ("number", "745", "371")]
    assert V.conflicts(V.extract("Police say two girls, aged 29 and 15, used a stun gun against him.", []),
                       V.extract("Police said the two girls, ages 13 and 15, used a taser on Anwar, 66, on Tuesday.",
                                 []), 0.3) == [("number", "29", "13")]
    # a count in another place of its claim is another count: a tie in committee and the final vote
    assert _kinds("Earlier this month, the Senate Finance Committee was tied 14-14 along party lines.",
                  "The 50-49 largely party-line vote makes Becerra the first Latino to head the department.",
                  similarity=0.3) == []
    # "dozens" is a range, and numbers in names, dates and phone numbers are no counts
    assert _kinds("The quake killed 10 people, injuring dozens more, officials say.",
                  "The quake killed 10 people, injuring 80 more, officials say.") == []
    assert _kinds("Lawmakers want to head off a repeat of the 6 January attack on the Capitol.",
                  "Lawmakers want to head off a repeat of the 9/11 terrorist attack on the country.") == []
    assert _kinds("Anyone with information is asked to contact Surrey Police on 0845 125 2222.",
                  "Anyone with information is asked to contact Surrey Police on 0845 125 222.") == []
    assert _kinds("Trump shredded the just-passed Covid-19 relief package Tuesday night.",
                  "Trump shredded the just-passed COVID-2019 relief package Tuesday night.") == []
    # a hyphenated scale word is the same sum (NeuS-AllSides: "$2 trillion" / "$2-trillion")
    assert _kinds("The Senate approved a $2 trillion relief package on Wednesday night.",
                  "The Senate approved a $2-trillion relief package on Wednesday night.") == []
    assert _kinds("The Senate approved a $2 trillion relief package on Wednesday night.",
                  "The Senate approved a $3-trillion relief package on Wednesday night.") == ["number"]


def test_a_refusal_is_a_refusal_and_a_contrast_denies_nothing():
    assert _kinds("His campaign declined to make that information public for months.",
                  "His campaign has refused to make this information public for months.") == []
    assert _kinds("His campaign declined to make that information public.",
                  "His campaign made that information public.") == ["negation"]
    assert _kinds("Sales declined to 3% of revenue last year.", "Sales rose to 3% of revenue last year.") == []
    assert _kinds("A police officer shot him during a traffic stop in a Minneapolis suburb.",
                  "The police officer who shot him during a traffic stop in a Minneapolis suburb meant to fire a "
                  "Taser, not a handgun.") == []


def test_negation_in_other_words_or_of_something_else_is_no_conflict():
    # real pairs of NeuS-AllSides outlets that say one thing two ways
    assert _kinds("Amazon employees in Alabama voted not to unionize, according to the labor board.",
                  "Amazon employees in Alabama have voted against unionizing, according to the labor board.") == []
    assert _kinds("Health officials said people should not travel for Thanksgiving this year.",
                  "Health officials said people should avoid travel for Thanksgiving this year.") == []
    assert _kinds("Trump threatened to close the southern border if he does not get funding for the wall.",
                  "Trump threatened to close the southern border to get funding for the wall.") == []
    # ... while a plain "not" of what the other states still conflicts, and a denial as before
    assert _kinds("The bank did not raise its growth forecast for the coming year, officials said on Monday.",
                  "It raised its growth forecast for the coming year.", 0.55) == ["negation"]
    assert _kinds("The White House denied that it threatened the families of the journalists.",
                  "The White House threatened the families of the journalists.", 0.6) == ["negation"]


def test_one_name_spelt_two_ways_is_one_name():
    def said(text: str, name: str) -> V.Values:
        return V.extract(text, [(text.index(name), text.index(name) + len(name), "person", name)])
    a = said("The investigation is over, special counsel Robert Mueller said on Wednesday.", "Robert Mueller")
    b = said("The investigation is over, special counsel Robert Muller said on Wednesday.", "Robert Muller")
    c = said("The investigation is over, special counsel Robert Barr said on Wednesday.", "Robert Barr")
    assert V.conflicts(a, b, similarity=0.9) == []
    assert ("speaker", "Robert Mueller", "Robert Barr") in V.conflicts(a, c, similarity=0.9)


def test_a_resolved_day_said_late_or_early_is_compared_with_its_neighbour():
    # Dated reports: the analyse stage resolves each weekday to a day; the late/early and
    # when-it-was-said rules hold for those days too (offsets into the claim).
    def report(i: str, text: str) -> Article:
        return Article(id=i, outlet=i.upper(), text=text, published="2019-10-18T12:00:00Z")
    agree = compare_story(_analyse(
        report("a", "A federal judge in Maryland blocked the new travel ban late Tuesday in a ruling on the order."),
        report("b", "A federal judge in Maryland blocked the new travel ban early Wednesday in a ruling on the order.")),
        story_id="S")
    shared = [f for f in agree if len(f.outlets) == 2]
    assert shared and all(f.status == "corroborated" for f in shared), [(f.text, f.values) for f in agree]
    differ = compare_story(_analyse(
        report("a", "Congressman Elijah Cummings died early Thursday at Johns Hopkins Hospital in Baltimore."),
        report("b", "Congressman Elijah Cummings died early Tuesday at Johns Hopkins Hospital in Baltimore.")),
        story_id="S")
    assert any(f.status == "conflicting" and {v["kind"] for v in f.values} == {"date"} for f in differ), \
        [(f.text, f.status, f.values) for f in differ]


def test_short_reports_that_differ_only_in_a_name_a_place_or_a_count_conflict_end_to_end():
    # Two outlets, one story: the same two sentences but for the city, the vote and the minister.
    # Short claims are mostly their names, so only "everything else agrees" can see the swap.
    lisbon = ("The budget was rejected by parliament in Lisbon on Thursday in a vote of 120 to 98, officials said. "
              "Finance minister Pedro Alves resigned on Friday after the defeat.")
    facts = _outlets_report(lisbon, "The budget was rejected by parliament in Porto on Thursday in a vote of 110 to 98, "
                            "officials said. Finance minister Joao Costa resigned on Friday after the defeat.")
    kinds = [(f.text, f.values) for f in facts]
    assert all(f.status == "conflicting" for f in facts if len(f.outlets) == 2)
    values = {(v["kind"], v["value"]) for f in facts for v in f.values}
    assert {("place", "Lisbon"), ("place", "Porto"), ("person", "Pedro Alves"), ("person", "Joao Costa"),
            ("number", "120, 98"), ("number", "110, 98")} <= values, kinds
    # the same reports with the same names and counts, reworded: corroborated, nothing in conflict
    agreed = _outlets_report(lisbon, "Parliament rejected the budget in Lisbon on Thursday, 120 votes to 98, officials "
                             "said. After the defeat, finance minister Pedro Alves resigned on Friday.")
    assert [f.status for f in agreed if len(f.outlets) == 2] and all(
        f.status == "corroborated" for f in agreed if len(f.outlets) == 2)


def test_a_short_whole_sentence_two_outlets_state_is_a_corroborated_fact():
    # Two content words are a claim in a sentence written as one; not in a heading or a split's tail.
    facts = _outlets_report("The minister resigned on Friday. Macron spoke at 10 a.m. in Paris today. Prices rose 5 "
                            "percent in March, the office said.", "Police said the minister resigned on Friday. Macron "
                            "spoke at 10 a.m. Breaking News Update\n\nThe army was deployed to the border overnight.")
    (resigned,) = _facts_with(facts, "minister resigned on Friday")
    assert resigned.status == "corroborated" and _articles(resigned) == {"a", "b"}
    assert not _facts_with(facts, "Breaking News Update")


def test_hedged_counts_are_ranges():
    more = V.extract("More than 200 people were evacuated from the building on Sunday.", [])
    about = V.extract("About 250 people were evacuated from the building on Sunday.", [])
    fewer = V.extract("150 people were evacuated from the building on Sunday.", [])
    assert V.conflicts(more, about, similarity=0.9) == []
    assert V.conflicts(more, fewer, similarity=0.9) == [("number", "200 people", "150 people")]
    # "more than" and "fewer than" bound counts; they are no opposite polarity
    below = V.extract("Fewer than 300 people were evacuated from the building on Sunday.", [])
    assert V.conflicts(more, below, similarity=0.9) == []
    rose, fell = V.extract("Prices rose more sharply in March.", []), V.extract("Prices rose less sharply in March.", [])
    assert [k for k, *_ in V.conflicts(rose, fell, similarity=0.9)] == ["polarity"]


def test_a_short_claim_does_not_swap_a_place_the_other_report_names_elsewhere():
    # Claims alike only apart from the city (too unlike as a whole for the plain name check): a
    # swap, unless each report names the other's city elsewhere (a march in each).
    def claim(city: str) -> V.Values:
        text = f"Thousands of people marched through central {city} against the pension reform."
        return V.extract(text, [(text.index(city), text.index(city) + len(city), "city", city)])
    paris, lyon = claim("Paris"), claim("Lyon")
    assert [k for k, *_ in V.conflicts(paris, lyon, similarity=0.5)] == ["place"]
    assert V.conflicts(paris, lyon, similarity=0.5, named_a={"paris", "lyon"}, named_b={"lyon", "paris"}) == []
    # ... but a swap of who was arrested, in claims alike as a whole, stays a conflict, though both
    # reports name both men
    swap = _outlets_report("Police arrested John Smith in Leeds on Monday over the bank robbery. Smith's lawyer, "
                           "Mark Jones, said his client was innocent.", "Police arrested Mark Jones in Leeds on Monday "
                           "over the bank robbery. Jones's lawyer, John Smith, said his client was innocent.")
    (arrest,) = _facts_with(swap, "Police arrested")
    assert arrest.status == "conflicting" and {v["value"] for v in arrest.values} >= {"John Smith", "Mark Jones"}


def test_money_in_different_currencies_is_not_a_changed_number():
    # A real pair from ECB+ (the Cannes jewel heist): pounds against euros is a conversion.
    pounds = V.extract("making off with jewellery worth £88m in one of the world's biggest ever heists.", [])
    euros = V.extract("making off with jewellery worth 103 million euros in one of the world's biggest ever heists.", [])
    assert V.conflicts(pounds, euros, similarity=0.9) == []
    # the same currency, two amounts (NeuS: "$500 billion" against "$484 billion") is one
    dollars = V.extract("Trump signed a $484 billion measure into law on Friday.", [])
    more = V.extract("Trump signed a US$500 billion measure into law on Friday.", [])
    assert V.conflicts(dollars, more, similarity=0.9) == [("number", "$484 billion", "US$500 billion")]
    # sums in loosely aligned claims are often two sums: bail for each of two suspects
    first = V.extract("Bail was set at $1 million for the suspect.", [])
    second = V.extract("Bail was set at $500,000 for the second suspect.", [])
    assert V.conflicts(first, second, similarity=0.3) == []


# Real headlines from Emergent (Ferreira & Vlachos, NAACL 2016): one rumour, reported by one
# outlet and called a hoax by another (benchmarks/conflict_bench.py scores all 300 rumours).
RUMOUR = "NASA Confirms Earth Will Experience 6 Days of Total Darkness in December 2014"
DEBUNK = "Nasa's six days of total darkness in December 2014 is a hoax"


def test_a_report_calling_the_story_a_hoax_conflicts_with_the_story():
    facts = compare_story(_analyse(Article(id="rumour", text=RUMOUR), Article(id="debunk", text=DEBUNK)),
                          story_id="E1")
    conflicting = [f for f in facts if f.status == "conflicting"]
    assert len(conflicting) == 1 and _articles(conflicting[0]) == {"rumour", "debunk"}
    sides = {v["value"]: v["articles"] for v in conflicting[0].values if v["kind"] == "negation"}
    assert sides == {"(affirmed)": ["rumour"], "hoax": ["debunk"]}
    # the same two reports agreeing: one fact, corroborated
    agree = compare_story(_analyse(Article(id="rumour", text=RUMOUR),
                                   Article(id="again", text="Nasa says six days of total darkness will come in December 2014")),
                          story_id="E2")
    assert [f.status for f in agree if len(_articles(f)) == 2] == ["corroborated"]


def test_negation_words_that_negate_nothing_and_untrue_said_of_a_noun():
    neg = lambda text: V.negations(words(text))  # noqa: E731
    assert neg("not only the capital but the whole coast") == []
    assert neg("he was billed a no-show fee") == []
    # "fake", "false", "rubbish" deny only what they are said of, not a noun they describe
    assert neg("Rubbish collectors went on strike in Birmingham") == []
    assert neg("Two men were arrested carrying fake passports at Heathrow") == []
    assert neg("He pleaded guilty to making false statements to the FBI") == []
    assert neg("The report is totally fake") == ["fake"]
    assert neg("Plant called it rubbish") == ["rubbish"]
    assert neg("The video is a hoax") == ["hoax"]


def test_a_negation_in_one_coordinated_clause_leaves_the_other_free_to_conflict():
    said = "The bank did not change its main rate, but it raised its growth forecast to 2% for the coming year."
    denied = "The bank did not raise its growth forecast to 2% for the coming year, officials said on Monday."
    facts = compare_story(_analyse(Article(id="a", text=said), Article(id="b", text=denied)), story_id="B1")
    conflicting = [f for f in facts if f.status == "conflicting"]
    assert conflicting and {"a", "b"} <= _articles(conflicting[0])
    assert any(v["kind"] == "negation" for v in conflicting[0].values)


def test_title_case_headlines_swap_no_names_and_a_span_of_years_is_no_count():
    # Real UCI headlines of one story: the tagger reads the capitalised verbs into the names.
    def named(text: str, name: str) -> V.Values:
        return V.extract(text, [(text.index(name), text.index(name) + len(name), "person", name)])
    a = named("Miley Cyrus Performs In Her Underwear After Costume Change Fail", "Miley Cyrus Performs")
    b = named("Miley Cyrus Missed A Costume Change, Performed In Underwear", "Miley Cyrus Missed")
    assert a.title_case and b.title_case and V.conflicts(a, b, similarity=0.9) == []
    # the same two names in ordinary sentences still conflict, and so do names in a sentence full of them
    c = named("The singer Miley Cyrus performed in her underwear after a costume change.", "Miley Cyrus")
    d = named("The singer Taylor Swift performed in her underwear after a costume change.", "Taylor Swift")
    assert not c.title_case and ("person", "Miley Cyrus", "Taylor Swift") in V.conflicts(c, d, similarity=0.9)
    e = named("Georgian Prime Minister Irakli Kobakhidze met European Council President Charles Michel in Brussels.",
              "Irakli Kobakhidze")
    f = named("Georgian Prime Minister Irakli Garibashvili met European Council President Charles Michel in Brussels.",
              "Irakli Garibashvili")
    assert not e.title_case and ("person", "Irakli Kobakhidze", "Irakli Garibashvili") in V.conflicts(e, f, 0.9)
    # "2012-13" is a span of model years, not 13 Jeeps against another report's count of Jeeps
    jeeps = V.extract("Chrysler recalls 2012-13 Jeep Grand Cherokee SUVs over brakes.", [])
    other = V.extract("Chrysler recalls 25,000 Jeep Grand Cherokee SUVs over brakes.", [])
    assert V.conflicts(jeeps, other, similarity=0.9) == []
    more = V.extract("Chrysler recalls 52,000 Jeep Grand Cherokee SUVs over brakes.", [])
    assert [k for k, *_ in V.conflicts(other, more, similarity=0.9)] == ["number"]
    # a range of counts is no span of years
    crowd = V.extract("Police said 2000-3000 protesters gathered outside parliament on Sunday.", [])
    bigger = V.extract("Police said 20,000 protesters gathered outside parliament on Sunday.", [])
    assert [k for k, *_ in V.conflicts(crowd, bigger, similarity=0.9)] == ["number"]


def test_values_see_what_similarity_cannot():
    raised = V.extract("The central bank raised interest rates by 0.5% on Thursday.", [])
    cut = V.extract("The central bank cut interest rates by 0.5% on Thursday.", [])
    assert ("polarity", "rais", "cut") in V.conflicts(raised, cut, similarity=0.9)
    same = V.extract("On Thursday the central bank raised its interest rates by 0.5%.", [])
    assert V.conflicts(raised, same, similarity=0.9) == []
    more = V.extract("The central bank raised interest rates by 0.75% on Thursday.", [])
    assert [k for k, *_ in V.conflicts(raised, more, similarity=0.9)] == ["number"]
    later = V.extract("The central bank raised interest rates by 0.5% on Friday.", [])
    assert [k for k, *_ in V.conflicts(raised, later, similarity=0.9)] == ["date"]


def test_who_said_it_is_a_value():
    a_text, b_text = "The talks failed, said Ahmed Ali.", "The talks failed, said Imran Khan."
    a = V.extract(a_text, [(a_text.index("Ahmed"), len(a_text) - 1, "person", "Ahmed Ali")])
    b = V.extract(b_text, [(b_text.index("Imran"), len(b_text) - 1, "person", "Imran Khan")])
    assert ("speaker", "Ahmed Ali", "Imran Khan") in V.conflicts(a, b, similarity=0.8)
    # a name that is not the speaker ("…talks with Imran Khan failed, officials said") is no speaker
    c_text = "The talks with Imran Khan failed, officials said."
    c = V.extract(c_text, [(c_text.index("Imran"), c_text.index(" failed"), "person", "Imran Khan")])
    assert c.speakers == {}


def test_compare_command_writes_facts_with_exact_offsets(tmp_path, seed_paths, cli_env):
    texts = [p.read_text(encoding="utf-8") for p in seed_paths]
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": f"a{i}", "text": t, "story": "kz"}) for i, t in enumerate(texts)]
    lines.append(json.dumps({"id": "other", "text": "A short unrelated note about the weather in Oslo today.",
                             "story": "weather", "outlet": "Oslo Daily"}))
    lines.append('{"id": "broken"')
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    r = subprocess.run([NEWSWEAVE, "compare", str(src), "-o", str(out)], capture_output=True, text=True, env=cli_env)
    assert r.returncode == 1  # the broken line is reported, the rest still compared
    assert f"{src}:4:" in r.stderr
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    by_id = {"a0": texts[0], "a1": texts[1]}
    kz = [r for r in rows if r["story"] == "kz"]
    assert {r["status"] for r in kz} == {"corroborated", "single_source"}
    assert [r for r in rows if r["story"] == "weather"]
    for row in kz:
        assert {"story", "text", "status", "sources"} <= row.keys()
        for s in row["sources"]:
            assert by_id[s["article"]][s["start"]:s["end"]] == s["text"]
    guard = [r for r in kz if "guard of honour" in r["text"]]
    assert guard and {s["article"] for s in guard[0]["sources"]} == {"a0", "a1"}


def test_compare_command_finds_a_syndicated_copy_with_a_new_first_line(tmp_path, seed_paths, cli_env):
    """A wire copy that adds its own first sentence and names another outlet is still a copy:
    `compare` finds it as ingest does, so it adds a source but no independent corroboration."""
    texts = [p.read_text(encoding="utf-8") for p in seed_paths]
    src = tmp_path / "in.jsonl"
    copy = "ISLAMABAD (Reuters) - Kazakhstan's president is in Pakistan this week.\n\n" + texts[1]
    src.write_text("\n".join(json.dumps(r) for r in (
        {"id": "a0", "text": texts[0], "story": "kz", "outlet": "Dawn"},
        {"id": "a1", "text": texts[1], "story": "kz", "outlet": "TDI"},
        {"id": "wire", "text": copy, "story": "kz", "outlet": "Reuters"})) + "\n", encoding="utf-8")
    r = subprocess.run([NEWSWEAVE, "compare", str(src), "--level", "statement"], capture_output=True, text=True,
                       env=cli_env)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    copied = [row for row in rows if {"a1", "wire"} <= {s["article"] for s in row["sources"]}]
    assert copied  # the copy's sentences are sources of the original's facts ...
    for row in copied:  # ... but never an outlet of their own
        assert "Reuters" not in row["outlets"]
        if {s["article"] for s in row["sources"]} == {"a1", "wire"}:
            assert row["status"] == "single_source"


def test_summary_sentences_holding_one_side_of_a_conflict_say_so(tmp_path, cli_env):
    src = tmp_path / "in.jsonl"
    rows = [("a", "Dawn", "Flooding in Valencia killed 12 people on Tuesday, officials said. Rescue teams searched "
                          "for survivors in the towns of Paiporta and Catarroja."),
            ("b", "TDI", "Floods in Valencia killed 14 people on Tuesday, officials said. Rescue teams searched "
                         "for survivors in Paiporta and Catarroja through the night.")]
    src.write_text("\n".join(json.dumps({"id": i, "outlet": o, "text": t, "story": "v"}) for i, o, t in rows) + "\n")
    r = subprocess.run([NEWSWEAVE, "summarize", str(src)], capture_output=True, text=True, env=cli_env)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)["summary"]
    tolls = [s for s in summary if "killed" in s["text"]]
    assert tolls and all(s["disputed"] for s in tolls)
    assert not any(s["disputed"] for s in summary if "killed" not in s["text"])


def test_alignment_on_real_ecbplus_stories_is_precise():
    """Held-out ECB+ topics (24, 34): the statement-level facts' sentence pairs are mostly gold
    pairs, far more precisely than the TF-IDF baseline's; the event-level cut of the same model
    (every mention of an event in one fact, as ECB+ reads it) recalls most gold pairs."""
    gold = F.read_gold(str(DATA / "compare" / "ecbplus-gold-sample.jsonl"))
    by_story = F.analyse_gold(gold)
    shipped = F.evaluate(gold, by_story, baseline_threshold=0.05)
    assert shipped["newsweave"]["precision"] >= 0.85
    assert shipped["newsweave"]["precision"] > shipped["tfidf_baseline"]["precision"] + 0.15
    event = F.evaluate(gold, by_story, baseline_threshold=0.05, overrides=F.event_level())
    assert event["newsweave"]["f1"] >= max(0.7, event["tfidf_baseline"]["f1"] - 0.03)
    assert event["newsweave"]["recall"] > 2 * shipped["newsweave"]["recall"]


def test_event_level_facts_group_whole_sentences_and_are_coarser(seeds, seed_facts):
    """The event-level cut reads whole sentences (a sentence naming several events belongs with
    each) and groups every mention of an event: fewer, larger facts than the statement level."""
    events = compare_story(seeds, story_id="S1", level="event")
    sentences = {(an.article.id, s.start, s.end) for an in seeds for s in an.sentences}
    for fact in events:
        for s in fact.sources:
            assert any(a == s.article and st <= s.start and s.end <= en and s.text.strip()
                       for a, st, en in sentences)
            whole = [(st, en) for a, st, en in sentences if a == s.article and st <= s.start < en]
            assert whole and s.end - s.start >= 0.9 * len(
                next(an for an in seeds if an.article.id == s.article).article.text[whole[0][0]:whole[0][1]].strip())
    assert len(events) < len(seed_facts)
    assert max(len(f.sources) for f in events) > max(len(f.sources) for f in seed_facts)
    with pytest.raises(ValueError):
        compare_story(seeds, level="paragraph")


def test_the_event_model_reads_event_words_in_context_and_the_ingest_does_not():
    """The event model weighs the contextual MiniLM states of each sentence's event words: one
    shooting worded "shot dead" and "killed" comes closer than a film "shot" or an arrest at the
    same place and time. The statement model (what every ingest computes) never encodes them."""
    from newsweave.compare import align
    from newsweave.compare.claims import build_claims

    texts = {"dead": "Police shot dead a gunman outside the bank on Friday.",
             "killed": "A gunman was killed by police outside the bank on Friday.",
             "film": "A film about the bank was shot on Friday.",
             "arrest": "Police arrested a gunman outside the bank on Friday."}
    ans = _analyse(*(Article(id=k, text=t) for k, t in texts.items()))
    claims = build_claims(ans, clauses=False)
    event = align.event_model()
    assert align.uses_context(event) and not align.uses_context(align.weights())
    pairs, rows, _ = align.pair_features(claims, event, every_pair=True)
    col = align.FEATURES.index("event_ctx_cos")
    ctx = {frozenset((claims[i].article, claims[j].article)): r[col] for (i, j), r in zip(pairs.tolist(), rows)}
    one_shooting = ctx[frozenset(("dead", "killed"))]
    assert one_shooting > ctx[frozenset(("dead", "film"))] and one_shooting > ctx[frozenset(("dead", "arrest"))] + 0.3
    assert ctx[frozenset(("killed", "arrest"))] < 0.5
    _, rows, _ = align.pair_features(claims, align.weights(), every_pair=True)
    assert not rows[:, col].any()


def test_embedding_features_see_a_paraphrase_that_shares_no_word():
    """Claims that share no content word (so word features are blind) but say the same thing score
    a higher embedding cosine than an unrelated claim; they are computed only when a model weighs them."""
    from newsweave.compare import align
    from newsweave.compare.claims import build_claims

    ans = _analyse(
        Article(id="a", text="A powerful earthquake struck northern Iran on Sunday.\n"
                             "Officials counted the ballots of the mayoral election."),
        Article(id="b", text="Dozens died when a strong tremor shook the north of the country."))
    claims = build_claims(ans, clauses=False)
    quake = next(c.id for c in claims if "earthquake" in c.text)
    vote = next(c.id for c in claims if "ballots" in c.text)
    tremor = next(c.id for c in claims if "tremor" in c.text)
    w = {**align.weights(), "coef": {"cos": 1.0}, "restate": None}
    pairs, rows, _ = align.pair_features(claims, w, every_pair=True)
    col = align.FEATURES.index("emb_cos")
    assert not align.uses_embeddings(w) and not rows[:, col].any()
    pairs, rows, _ = align.pair_features(claims, {**w, "coef": {"emb_cos": 1.0}}, every_pair=True)
    emb = {frozenset(p): r[col] for p, r in zip(pairs.tolist(), rows)}
    assert emb[frozenset((quake, tremor))] > emb[frozenset((vote, tremor))] + 0.15


def test_a_sentence_reporting_two_events_joins_both_event_facts():
    """Event-level facts may share a sentence: a claim whose mean score with another fact's claims
    reaches the bar joins it too, unless its article is already in that fact."""
    from newsweave.compare import align
    from newsweave.compare.claims import Claim

    claims = [Claim(id=i, article=a, outlet=None, source=a, sentence=i, position=0, clause=0, start=0, end=1,
                    text=t, order=o)
              for i, (a, o, t) in enumerate([("a", 0, "Creighton beat Drake."), ("b", 1, "Creighton won."),
                                             ("a", 0, "McDermott set the record."), ("b", 1, "He broke the record."),
                                             ("c", 2, "McDermott broke the record as Creighton beat Drake.")])]
    score = np.zeros((5, 5))
    np.fill_diagonal(score, 1.0)
    for i, j, p in [(0, 1, 0.8), (2, 3, 0.8), (4, 0, 0.5), (4, 1, 0.4), (4, 2, 0.6), (4, 3, 0.7)]:
        score[i, j] = score[j, i] = p
    groups = [[0, 1], [2, 3, 4]]
    assert align.overlap(groups, score, claims, 0.3) == [[0, 1, 4], [2, 3, 4]]
    assert align.overlap(groups, score, claims, 0.5) == [[0, 1], [2, 3, 4]]  # mean 0.45 is below the bar
    claims[4].order = 0  # from the first fact's article: never added to it
    assert align.overlap(groups, score, claims, 0.3) == [[0, 1], [2, 3, 4]]


def test_cross_fitted_event_lexicon_never_learns_from_the_story_it_scores():
    """The event model is fitted on features whose event lexicon was learned on other topics: each
    story's lexicon is the one of the other topics, so a word only its own topic uses is unknown."""
    gold = F.read_gold(str(DATA / "compare" / "ecbplus-gold-sample.jsonl"))
    lex = F._cross_fitted_lexicons(gold, 4)
    assert set(lex) == {g.story for g in gold}
    for topic, other in ((24, 34), (34, 24)):
        expected = F.learn_eventness([g for g in gold if g.topic == other])
        own = F.learn_eventness([g for g in gold if g.topic == topic])[0]
        assert own.keys() - expected[0].keys()  # the topic has words of its own ...
        for g in gold:
            if g.topic == topic:
                assert (lex[g.story]["eventness"], lex[g.story]["suffix_eventness"]) == expected
                assert not (own.keys() - expected[0].keys()) & lex[g.story]["eventness"].keys()  # ... unseen
    assert F._cross_fitted_lexicons([g for g in gold if g.topic == 24], 4) == {}  # one topic: nothing to hold out


def test_cross_validation_refits_per_topic_fold():
    """Cross-validation by topic: every story is scored once, by a model fitted without its topic."""
    gold = F.read_gold(str(DATA / "compare" / "ecbplus-gold-sample.jsonl"))
    by_story = F.analyse_gold(gold)
    cv = F.cross_validate(gold, by_story, folds=2)
    assert sorted(t for fold in cv["per_fold"] for t in fold["topics"]) == [24, 34]
    assert cv["newsweave"]["gold"] == cv["tfidf_baseline"]["gold"] == len(F.gold_pairs(gold))
    assert cv["newsweave"]["f1"] >= 0.5 and 0 < cv["newsweave"]["precision"] <= 1
    with pytest.raises(ValueError):
        F.cross_validate(gold, by_story, folds=3)


def test_compare_and_summarize_name_bad_lines_and_stop_on_an_unopenable_input(tmp_path):
    from click.testing import CliRunner

    from newsweave.cli import main

    src = tmp_path / "in.jsonl"
    good = {"id": "ok", "story": "S", "text": "Police said a storm hit the coastal city on Tuesday, flooding homes."}
    src.write_text(json.dumps({"id": "n", "story": "S", "text": 5}) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    for command in ("compare", "summarize"):
        result = CliRunner().invoke(main, [command, str(src), "-o", str(tmp_path / f"{command}.jsonl")])
        assert result.exit_code == 1 and "in.jsonl:1: field 'text' must be a string, got a number" in result.output
        assert (tmp_path / f"{command}.jsonl").read_text(encoding="utf-8").strip()  # the good line was done
        missing = CliRunner().invoke(main, [command, str(tmp_path / "absent.jsonl")])
        assert missing.exit_code == 2 and "absent.jsonl: No such file" in missing.output


def test_stated_ranges_are_ranges_and_scores_are_not():
    def evacuated(count: str) -> V.Values:
        return V.extract(f"{count} people were evacuated from the building on Sunday.", [])
    between, dashed, about, fewer = (evacuated(c) for c in ("Between 200 and 300", "200-300", "About 250", "150"))
    assert V.conflicts(between, about, similarity=0.9) == V.conflicts(dashed, about, similarity=0.9) == []
    assert V.conflicts(between, fewer, similarity=0.9) == [("number", "Between 200 and 300 people", "150 people")]
    assert V.conflicts(dashed, fewer, similarity=0.9) == [("number", "200-300 people", "150 people")]
    assert V.extract("2 to 3 million people lost power.", []).number_ranges == {("n", "peopl"): [(2e6, 3e6)]}
    # a change ("from 200 to 300"), a score and a vote are two numbers each, not a range
    # (a number stands for what rounds to it: 300 for 299.51 to 300.49)
    assert V.extract("Deaths rose from 200 to 300 people.", []).number_ranges[("n", "peopl")] == [
        pytest.approx((299.51, 300.49))]
    for text in ("Spain won 3-1 on Sunday.", "Italy lost 0-4 to Spain.", "The bill passed 120 to 98."):
        centres = sorted(round((lo + hi) / 2, 6) for lo, hi in V.extract(text, []).number_ranges[("n", "")])
        assert centres == sorted(float(n) for n in re.findall(r"\d+", text)), text
    two_one, one_two = V.extract("It was a 2-1 win for Spain in Madrid.", []), V.extract("It was a 1-2 win for Spain in Madrid.", [])
    assert V.conflicts(two_one, one_two, similarity=0.9)


def test_markup_inside_text_stays_out_of_facts_but_offsets_quote_the_text_as_given():
    texts = ["<p>Police in Lyon arrested <b>three men</b> on Monday after a bank robbery in the city centre.</p>"
             "<p>The men were taken to a local station for questioning, officials said.</p>",
             "<div>Three men were arrested by police in Lyon on Monday following a bank robbery in the city centre."
             "</div>\n<div>A spokesman said the suspects were being questioned.</div>"]
    facts = _outlets_report(*texts)
    assert facts and not any("<" in f.text or ">" in f.text for f in facts)
    arrest = [f for f in facts if "arrested" in f.text and f.status == "corroborated"]
    assert arrest and {s.article for s in arrest[0].sources} == {"a", "b"}
    for f in facts:
        for s in f.sources:
            text = texts["ab".index(s.article)]
            assert text[s.start:s.end] == s.text
            assert not s.text.startswith(("<", "/", "div>", "p>")) and not s.text.endswith("<")


@pytest.fixture(scope="module")
def qeshm() -> list[Analysis]:
    """The example data's reports of the Qeshm island earthquakes (ECB+ topic 20)."""
    from conftest import EXAMPLES

    rows = [json.loads(line) for line in (EXAMPLES / "ecbplus-sample.jsonl").read_text(encoding="utf-8").splitlines()]
    return _analyse(*[Article(id=r["id"], text=r["text"], title=r.get("title")) for r in rows if r["id"].startswith("20_")])


def test_a_second_outlet_corroborates_a_statement_only_by_stating_it(qeshm):
    """Sentences of one story that share eventful words ("damage", "quake") are one event but not one
    statement: "the airport received minor damage" is not corroborated by "no indications of
    serious damage" in another city. The restatements still are."""
    facts = compare_story(qeshm)

    def together(a: str, b: str, status: str | None = None) -> bool:
        return any(any(a in s.text for s in f.sources) and any(b in s.text for s in f.sources) for f in facts
                   if status in (None, f.status))

    for a, b in (("airport received minor damage", "no indications of serious damage"),
                 ("volatile earthquake region", "knocked down power")):
        assert not together(a, b), (a, b)
    for a, b in (("2,000 tents were ready", "2,000 tents were ready in case"),
                 ("A 5.6 magnitude earthquake hit an island", "An earthquake measuring 5.6 on the Richter scale"),
                 ("The tremor struck an area around the town of Dargahan", "at the entrance to the Persian Gulf")):
        assert together(a, b), (a, b)
        fact = next(f for f in facts if any(a in s.text for s in f.sources))
        assert fact.status == "corroborated" and len({s.article for s in fact.sources}) >= 2
