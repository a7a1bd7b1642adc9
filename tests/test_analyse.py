"""Entities, roles, dates and events on the seed articles (and a few made-up sentences)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsweave.analyse import analyse, canonicalise, merge_events
from newsweave.analyse.canon import entity_id
from newsweave.analyse.dates import classify, resolve
from newsweave.clean import clean
from newsweave.model import Article

DATA = Path(__file__).resolve().parent / "data" / "analyse"
WEDNESDAY = "2025-05-21T11:00:00+05:00"  # 21 May 2025 was a Wednesday
NEWSWEAVE = str(Path(sys.executable).with_name("newsweave"))
TITLE_WORDS = {"president", "minister", "prime", "federal", "secretary", "mr", "kazakh"}


def _articles(paths, published=None) -> list[Article]:
    return [clean(Article(id=f"seed{i}", text=p.read_text(encoding="utf-8"), published=published))
            for i, p in enumerate(paths)]


@pytest.fixture(scope="session")
def seeds(seed_paths):
    """The two seeds analysed with a publication time (one spaCy load for the whole session)."""
    return list(analyse(_articles(seed_paths, WEDNESDAY)))


@pytest.fixture(scope="session")
def seeds_undated(seed_paths):
    return list(analyse(_articles(seed_paths)))


@pytest.fixture(scope="session")
def story(seeds):
    return {e.name: e for e in canonicalise(seeds)}


def _one(text: str, published: str | None = None):
    return next(analyse([clean(Article(id="t", text=text, published=published))]))


def test_people_have_canonical_names_and_roles(story):
    expected = {
        "Kassym-Jomart Tokayev": "President of Kazakhstan",
        "Shehbaz Sharif": "Prime Minister",
        "Asif Ali Zardari": "President",
        "Jam Kamal Khan": "Federal Minister for Commerce",
        "Arman Shaqqaliev": "Kazakhstan's Minister for Trade and Integration",
    }
    for name, role in expected.items():
        assert story[name].type == "person", name
        assert role in story[name].roles, (name, story[name].roles)
    assert "Tokayev" in story["Kassym-Jomart Tokayev"].aliases
    assert "Zardari" in story["Asif Ali Zardari"].aliases


def test_no_title_is_taken_for_a_person(seeds, story):
    for an in seeds:
        for m in an.mentions:
            if m.type == "person":
                assert not set(m.text.lower().replace("-", " ").split()) & TITLE_WORDS, m.text
    assert not any(e.type == "person" and e.name.lower() in TITLE_WORDS for e in story.values())


def test_places_organisations_and_the_award(story, seeds):
    for country in ("Pakistan", "Kazakhstan", "Uzbekistan"):
        assert story[country].type == "country"
    for city in ("Islamabad", "Astana", "Karachi"):
        assert story[city].type == "city"
    assert story["Foreign Office"].type == "organisation"
    assert story["Ministry of Commerce"].type == "organisation"
    assert story["Nishan-i-Pakistan"].type == "award"
    assert "Nishan" not in story
    for an in seeds:
        award = [m for m in an.mentions if m.type == "award"]
        assert award, an.article.id
        # The "Pakistan" inside the award's name is no country mention.
        assert not any(m.type == "country" and a.start <= m.start < a.end for a in award for m in an.mentions)


def test_demonyms_are_countries_and_junk_is_dropped(seeds, story):
    kazakh = [m for an in seeds for m in an.mentions if m.text == "Kazakh"]
    assert kazakh and all(m.type == "country" and m.canonical == "Kazakhstan" for m in kazakh)
    assert "Kazakh" in story["Kazakhstan"].aliases
    texts = {m.text for an in seeds for m in an.mentions}
    assert not {"Memorandums", "MoUs", "Secretariat"} & texts
    assert not any(t.startswith(("’s", "'s")) for t in texts)
    assert story["President's Secretariat"].type == "organisation"


def test_offsets_point_into_the_original_text(seeds):
    for an in seeds:
        text = an.article.text
        for m in an.mentions:
            assert text[m.start:m.end] == m.text
        for d in an.dates:
            assert text[d.start:d.end] == d.text
        for ev in an.events:
            for s in ev.sources:
                assert text[s.start:s.end] == s.text


def test_entity_ids_are_stable_across_stories(seeds):
    per_article = [{e.name: e.id for e in canonicalise([an])} for an in seeds]
    assert per_article[0]["Kassym-Jomart Tokayev"] == per_article[1]["Kassym-Jomart Tokayev"]
    assert per_article[0]["Kassym-Jomart Tokayev"] == entity_id("person", "Kassym-Jomart Tokayev")
    ids = {m.entity for an in seeds for m in an.mentions if m.canonical == "Kassym-Jomart Tokayev"}
    assert len(ids) == 1


def test_known_entities_lend_full_names_to_short_ones(story):
    an = _one("President Tokayev arrived in Islamabad on Monday for talks.")
    assert {e.name for e in canonicalise([an])} >= {"Tokayev"}
    names = {e.name: e for e in canonicalise([an], known=[story["Kassym-Jomart Tokayev"]])}
    assert names["Kassym-Jomart Tokayev"].id == story["Kassym-Jomart Tokayev"].id


def test_dates_resolve_against_publication(seeds):
    values = {(an.article.id, d.text): d.value for an in seeds for d in an.dates}
    assert values[("seed1", "Wednesday")] == "2025-05-21"
    assert values[("seed1", "Tuesday")] == "2025-05-20"
    assert values[("seed0", "later this month")] == "2025-05"
    durations = [m for an in seeds for m in an.mentions if m.type == "duration"]
    assert any(m.text == "two-day" for m in durations)
    assert not any(d.text == "two-day" for an in seeds for d in an.dates)


def test_dates_stay_unresolved_without_publication(seeds_undated):
    dates = [d for an in seeds_undated for d in an.dates]
    assert {d.text for d in dates} >= {"Wednesday", "Tuesday", "later this month"}
    assert all(d.value is None for d in dates)


def test_date_rules():
    from datetime import date

    wed = date(2025, 5, 21)
    assert resolve("Friday", wed) == "2025-05-16"  # past tense: the latest Friday
    assert resolve("Friday", wed, future=True) == "2025-05-23"
    assert resolve("yesterday", wed) == "2025-05-20"
    assert resolve("late yesterday", wed) == resolve("early yesterday", wed) == "2025-05-20"
    assert resolve("later today", wed) == "2025-05-21"
    assert resolve("last week", wed) == "2025-W20"
    assert resolve("March 3", wed) == "2025-03-03"
    assert resolve("March 3", None) is None
    assert resolve("March 3, 2014", None) == "2014-03-03"
    assert resolve("the 1990s", wed) is None
    # dotted numeric dates are day first ("02.05.2013" in a German or Russian report is 2 May)
    assert resolve("02.05.2013", None) == "2013-05-02" and resolve("on 31.12.2012", wed) == "2012-12-31"
    assert resolve("13.13.2013", None) is None
    assert classify("two-day") == "duration" and classify("33-year-old") == "age"
    assert classify("two days ago") == "date" and resolve("two days ago", wed) == "2025-05-19"


def test_seed_events(seeds):
    events = merge_events(seeds)
    by_key = {(e.actor, e.action, e.target): e for e in events}
    host = by_key[("Shehbaz Sharif", "host", "Kassym-Jomart Tokayev")]
    assert {s.article for s in host.sources} == {"seed0", "seed1"}
    assert host.date == "2025-05-21"
    award = by_key[("Asif Ali Zardari", "award", "Kassym-Jomart Tokayev")]
    assert any("confer" in s.text for s in award.sources)
    assert any(e.actor == "Asif Ali Zardari" and e.action == "award" and "Uzbekistan" in (e.target or "")
               for e in events)
    talks = by_key[("Jam Kamal Khan", "talks", "Arman Shaqqaliev")]
    assert talks.place == "Islamabad"
    visit = by_key[("Kassym-Jomart Tokayev", "visit", "Pakistan")]
    assert visit.date == "2025-05-20"
    assert ("Kassym-Jomart Tokayev", "meet", "Asif Ali Zardari") in by_key


def test_events_in_other_sentences():
    an = _one("Police arrested Senator John Smith in London on Monday.\n"
              "General Motors said it would cut jobs.\n"
              "German Chancellor Olaf Scholz condemned the attack on Kyiv.", published="2024-03-06")
    events = {(e.actor, e.action, e.target): e for e in an.events}
    arrest = events[(None, "arrest", "John Smith")]
    assert arrest.place == "London" and arrest.date == "2024-03-04"
    assert ("Olaf Scholz", "criticise", None) in events or any(
        e.actor == "Olaf Scholz" and e.action == "criticise" for e in an.events)
    people = {m.canonical: m.role for m in an.mentions if m.type == "person"}
    assert people.get("John Smith") == "Senator"
    assert people.get("Olaf Scholz") == "Chancellor of Germany"
    assert "Motors" not in people


def test_a_place_that_says_where_is_not_the_actor():
    an = _one("Flooding in Valencia killed 12 people on Tuesday, officials said.\n"
              "Police in Paris arrested Senator John Smith on Monday.", published="2024-03-06")
    assert not any(e.actor in ("Valencia", "Paris") for e in an.events), an.events
    assert any(e.action == "arrest" and e.target == "John Smith" for e in an.events)


def test_an_action_the_text_says_did_not_happen_is_no_event():
    an = _one("Prime Minister Keir Starmer did not meet Volodymyr Zelenskiy during his trip to Washington.\n"
              "President Joe Biden never visited Kyiv in 2022, officials said.\n"
              "Chancellor Olaf Scholz refused to meet Viktor Orban on Monday.\n"
              "President Emmanuel Macron met Pedro Sanchez in Madrid on Tuesday.", published="2024-11-20")
    done = {(e.actor, e.action, e.target) for e in an.events}
    assert ("Emmanuel Macron", "meet", "Pedro Sanchez") in done  # the control: a meeting that happened
    assert not any(e.action in ("meet", "visit") and e.actor in ("Keir Starmer", "Joe Biden", "Olaf Scholz")
                   for e in an.events), done
    assert ("Olaf Scholz", "reject", None) in done  # the refusal is what happened


def test_a_quake_that_strikes_attacks_nobody_and_a_mans_home_town_is_not_charged():
    an = _one("The tremor struck an area around the town of Dargahan on Qeshm island, Iran.\n"
              "Five people were injured by the quake, which struck seven km east of Dargahan.\n"
              "A Vancouver man has been charged with first-degree murder, police said.\n"
              "Russian forces attacked Kharkiv on Monday.", published="2024-11-20")
    assert not any(e.action == "attack" and e.target in ("Dargahan", "Iran") for e in an.events), an.events
    assert not any(e.action == "charge" and e.target == "Vancouver" for e in an.events), an.events
    assert any(e.action == "attack" for e in an.events)  # the control: an attack is still one


def test_cli_entities_and_events(seed_paths, cli_env):
    out = subprocess.run([NEWSWEAVE, "entities", *map(str, seed_paths), "--format", "json"],
                         capture_output=True, text=True, env=cli_env, timeout=300, check=True).stdout
    names = {e["name"]: e for e in json.loads(out)["entities"]}
    assert names["Kassym-Jomart Tokayev"]["type"] == "person"
    out = subprocess.run([NEWSWEAVE, "events", *map(str, seed_paths), "--format", "csv",
                          "--published", WEDNESDAY], capture_output=True, text=True, env=cli_env,
                         timeout=300, check=True).stdout
    lines = out.splitlines()
    assert lines[0] == "story,actor,action,target,place,date,sources"
    assert any(",Shehbaz Sharif,host,Kassym-Jomart Tokayev," in line for line in lines)


def test_entity_scorer_on_ecbplus_sample():
    from newsweave.evaluate.entities import evaluate, gold_mentions, read_ecbplus, score

    docs = read_ecbplus(DATA / "ecbplus-6.jsonl")
    gold, sentences = gold_mentions(docs[0])
    texts = {docs[0]["text"][g[0]:g[1]] for g in gold}
    assert "Tara Reid" in texts and not {"she", "her", "herself"} & texts  # named mentions only
    # Head matching: a span covering the head word matches, one that misses it does not.
    g = gold[0]
    hit = score([g], [(g[3] - 0, g[4], g[2])], sentences)[g[2]]
    miss = score([g], [(g[4] + 1, g[4] + 5, g[2])], sentences)[g[2]]
    assert hit.tp == 1 and miss.tp == 0
    report = evaluate(docs)
    assert report.articles == 6
    assert report.ours["ALL"].n_gold == report.raw["ALL"].n_gold > 0
    assert 0 < report.ours["ALL"].f1 <= 1 and 0 < report.raw["ALL"].f1 <= 1


def test_roles_with_country_and_welcoming_an_agreement():
    an = _one("U.S. President Joe Biden met Russian President Vladimir Putin in Geneva.\n"
              "UN Secretary-General Antonio Guterres welcomed the Paris Agreement.")
    roles = {m.canonical: m.role for m in an.mentions if m.type == "person"}
    assert roles["Joe Biden"] == "President of the United States"
    assert roles["Vladimir Putin"] == "President of Russia"
    assert roles["Antonio Guterres"] == "Secretary-General"
    assert {m.canonical: m.type for m in an.mentions}["Paris Agreement"] == "law"
    events = {(e.actor, e.action, e.target): e for e in an.events}
    assert events[("Joe Biden", "meet", "Vladimir Putin")].place == "Geneva"
    assert ("Antonio Guterres", "support", "Paris Agreement") in events


def test_an_article_longer_than_the_models_read_is_analysed_up_to_the_limit(seed_paths, monkeypatch, caplog):
    import newsweave.analyse as A
    from newsweave.analyse import models

    # spaCy raises on texts over its own limit (a 2.5 MB JSONL article used to crash `cluster` and `run`)
    assert A.MAX_ANALYSED_CHARS < models.nlp().max_length
    text = seed_paths[0].read_text(encoding="utf-8")
    long = clean(Article(id="long", text=text))
    half = len(long.clean_text) // 2
    monkeypatch.setattr(A, "MAX_ANALYSED_CHARS", half)
    (an,) = list(analyse([long]))
    assert an.sentences and max(s.end for s in an.sentences) <= long.to_original(half)
    assert long.to_original(half) < len(text.rstrip()) - 500  # the rest was not read
    assert "only the first" in caplog.text and "long" in caplog.text
    assert an.sentences[-1].text.rstrip()[-1] in ".!?\"”’"  # cut where a sentence ends, never mid-word


def test_a_time_zone_is_never_an_organisation():
    # Real ECB+ lines (the Qeshm quake): spaCy reads the bracketed GMT as an organisation.
    text = ("A strong earthquake hit the Qeshm island in the Gulf off Iran's southern Hormozgan province at "
            "17:06 pm (1336 GMT) on Sunday, state television reported.\nThe quake, which struck at 1353 "
            "(1023 GMT), was felt in the neighbouring Gulf states.")
    (an,) = analyse([clean(Article(id="q", text=text))])
    assert not [m for m in an.mentions if m.text.upper().endswith("GMT") and m.type == "organisation"]


def test_one_meeting_told_both_ways_round_is_one_event():
    a, b = analyse([clean(Article(id=i, text=t, published="2024-11-20")) for i, t in (
        ("a", "President Emmanuel Macron met Chancellor Olaf Scholz in Berlin on Tuesday."),
        ("b", "Chancellor Olaf Scholz met President Emmanuel Macron in Berlin on Tuesday."))])
    meetings = [e for e in merge_events([a, b]) if e.action == "meet"]
    assert len(meetings) == 1 and len(meetings[0].sources) == 2, meetings


def test_a_reported_future_month_is_ahead_of_publication():
    an = _one("A spokesman said Prime Minister Narendra Modi would visit London in May.\n"
              "Officials said Modi would have visited Paris in March had the talks gone ahead.", published="2024-04-27")
    visits = {e.target: e.date for e in an.events if e.action == "visit"}
    assert visits.get("London") == "2024-05", an.events


def test_dismissals_deaths_robberies_and_seizures_are_events():
    an = _one("The Philadelphia 76ers fired coach Maurice Cheeks on Saturday.\n"
              "Police fired tear gas at protesters in Nairobi on Monday.\n"
              "Former FBI official Mark Felt died on Thursday at his home in Santa Rosa.\n"
              "Somali pirates seized the Sirius Star, a Saudi supertanker, off Kenya.", published="2024-11-20")
    acts = {(e.action, e.actor, e.target) for e in an.events}
    assert any(a == "dismiss" and t == "Maurice Cheeks" for a, _, t in acts), acts
    assert not any(a == "dismiss" and t != "Maurice Cheeks" for a, _, t in acts), acts  # tear gas is no dismissal
    assert ("die", "Mark Felt", None) in acts
    assert any(a == "seize" and t == "Sirius Star" for a, _, t in acts), acts


def test_the_actor_of_a_relative_clause_is_the_one_it_describes():
    an = _one("President Recep Tayyip Erdogan, who met Vladimir Putin in Sochi in 2021, arrived in Kyiv on Friday.",
              published="2024-11-20")
    assert any(e.actor == "Recep Tayyip Erdogan" and e.action == "meet" and e.target == "Vladimir Putin"
               for e in an.events), an.events


def test_a_us_state_a_paper_and_spaced_initials_are_the_entities_they_name():
    # "Georgia Governor" is the US state; the Georgian government in Tbilisi is the country.
    ents = {(e.type, e.name) for e in canonicalise([_one(
        "Georgia Governor Brian Kemp signed the bill in Atlanta. The Georgian government in Tbilisi protested.")])}
    assert ("place", "Georgia (U.S. state)") in ents and ("country", "Georgia") in ents, ents
    # a report from Tbilisi: "Georgia's state security service" is the country's
    ents = {(e.type, e.name) for e in canonicalise([_one(
        "Georgia's state security service said it had opened an investigation into the protests in Tbilisi.")])}
    assert ("country", "Georgia") in ents and not any("U.S. state" in n for _, n in ents), ents
    # one reading per text: the state of "Georgia Gov. Brian Kemp" is the Georgia that expands nothing
    ents = {(e.type, e.name) for e in canonicalise([_one(
        "Georgia Gov. Brian Kemp said on Tuesday that Georgia will not expand Medicaid.")])}
    assert ("place", "Georgia (U.S. state)") in ents and ("country", "Georgia") not in ents, ents
    # the dateline cleaning takes off the text still says which Georgia a report means
    for dateline, kind in (("ATLANTA (AP) —", "place"), ("TBILISI (Reuters) —", "country")):
        an = _one(f"{dateline} Georgia will begin early voting on Tuesday, election officials said.")
        assert not an.article.clean_text.startswith(dateline.split()[0])
        assert [m.type for m in an.mentions if m.text == "Georgia"] == [kind], an.mentions
    # an organisation of title and portfolio words is still one (after "Secretary of Health and Human
    # Services" took "Services" into the title)
    ents = {(e.type, e.name) for e in canonicalise([_one("The General Services Administration awarded the contract.")])}
    assert ("organisation", "General Services Administration") in ents, ents
    # Real ECB+ lines (Mark Felt's death, Regina Benjamin's nomination): "the Post" is the Washington Post;
    # the spaced "U. S." is the United States; "Rear Admiral" and "Surgeon General" are titles, not names.
    an = _one("His daughter Joan Felt said he went to sleep, she told the Washington Post.\n"
              "He died at 12:45 p.m. on Thursday at his home in Santa Rosa, California, the Post stated.\n"
              "The U. S. Senate must confirm her. She will replace Rear Admiral Steven K. Galson, and thanked "
              "former Surgeon General David Satcher.")
    ents = {e.name: e for e in canonicalise([an])}
    assert "Post" not in ents and "Post" in ents["Washington Post"].aliases, ents
    agency = {e.name for e in canonicalise([_one("Shares of Thomson Reuters rose 3% on Tuesday, Reuters reported.")])}
    assert "Reuters" in agency, agency  # the agency, not its parent company
    assert "U.S. Senate" in ents, ents
    assert ents["Steven K. Galson"].roles == ["Rear Admiral"] and "Surgeon" not in ents and "Rear Admiral" not in ents
    assert ents["David Satcher"].roles == ["Former Surgeon General"], ents["David Satcher"]


def test_a_ship_that_sank_is_the_target_and_its_sinker_the_actor():
    an = _one("The ferry MV Sewol sank off South Korea on Wednesday.\n"
              "Royal Navy submarine HMS Conqueror sank the Argentine cruiser General Belgrano.", published="2024-08-02")
    sinks = {(e.actor, e.target) for e in an.events if e.action == "sink"}
    assert (None, "MV Sewol") in sinks and any(t and "Belgrano" in t for _, t in sinks), sinks
    an = _one("The ferry MV Sewol capsized and sank off South Korea on Wednesday.\n"
              "Shares of Tesla sank 12% on Thursday after the company missed forecasts.\n"
              "Lionel Messi sank a late free kick as Inter Miami beat Orlando City.", published="2024-08-02")
    sinks = {(e.actor, e.target) for e in an.events if e.action == "sink"}
    assert sinks == {(None, "MV Sewol")}, sinks  # shares and free kicks are no ships


def test_a_clinic_a_state_abbreviation_and_a_song_are_typed_as_what_they_are():
    ents = {(e.type, e.name) for e in canonicalise([_one(
        "Lindsay Lohan checked into the Betty Ford Center in Rancho Mirage, Calif., on Thursday, her "
        "spokesman said. Later, a band played the song American Pie at the Clean Air Act rally.")])}
    assert ("organisation", "Betty Ford Center") in ents and ("person", "Betty Ford Center") not in ents, ents
    assert ("place", "California") in ents and not any(n == "Calif." for _, n in ents), ents
    assert ("law", "Clean Air Act") in ents and ("law", "American Pie") not in ents, ents
