"""Cleaning on the real seed articles: furniture, datelines, offsets back to the original."""
from newsweave.clean import CHAR_MAP, clean, clean_batch, is_furniture, parse_dateline
from newsweave.model import Article


def _seed(path) -> Article:
    return clean(Article(id=path.stem, text=path.read_text(encoding="utf-8")))


def test_read_more_lines_and_trailing_blanks_are_removed(seed_paths):
    tdi = _seed(seed_paths[1])
    assert "Read More" in tdi.text
    assert "Read More" not in tdi.clean_text
    assert not tdi.clean_text.endswith("\n")
    assert tdi.clean_text.endswith("following the Russia-Ukraine conflict.")


def test_datelines_give_place_and_outlet(seed_paths):
    first, second = _seed(seed_paths[0]), _seed(seed_paths[1])
    assert first.dateline == {"place": "Karachi"}
    assert first.outlet is None
    assert second.dateline == {"place": "Islamabad", "outlet": "TDI"}
    assert second.outlet == "TDI"
    # the dateline is metadata, not the first words of the report
    assert second.clean_text.startswith("Prime Minister Shehbaz Sharif warmly received")
    assert first.clean_text.startswith("Pakistan and Kazakhstan moved")


def test_every_cleaned_span_maps_back_to_the_original(seed_paths):
    for path in seed_paths:
        a = _seed(path)
        for i in range(0, len(a.clean_text) - 30, 7):
            if "\n" in a.clean_text[i:i + 30]:
                continue  # a span across a dropped line maps to a range that includes it
            s, e = a.original_span(i, i + 30)
            assert a.text[s:e].translate(CHAR_MAP) == a.clean_text[i:i + 30]


def test_quotes_and_dashes_are_normalised_one_for_one(seed_paths):
    a = _seed(seed_paths[0])
    assert "’" in a.text and "’" not in a.clean_text
    assert "Pakistan-Kazakhstan Business Forum" in a.clean_text


def test_odd_whitespace_is_collapsed_with_offsets_kept():
    text = "WASHINGTON (Reuters) - The  Fed\u200b raised\u00a0rates.\n\n\nShare this article\nIt was  the first rise."
    a = clean(Article(id="x", text=text))
    assert a.dateline == {"place": "WASHINGTON".title(), "outlet": "Reuters"}
    assert a.clean_text == "The Fed raised rates.\nIt was the first rise."
    s, e = a.original_span(a.clean_text.index("first"), a.clean_text.index("first") + 5)
    assert text[s:e] == "first"


def test_furniture_patterns():
    for line in ["Read More: Kazakhstan Seeks Science Cooperation", "ALSO READ: x", "Subscribe to our newsletter",
                 "Follow us on Twitter", "© 2024 Example News", "Click here to read more", "Click to enlarge photo",
                 "Tap to play video"]:
        assert is_furniture(line), line
    for line in ["President Tokayev will also meet President Zardari.", "Readers were shocked.",
                 "Clicking to enlarge the map showed the flooded districts."]:
        assert not is_furniture(line), line


def test_lines_repeated_across_an_outlets_articles_are_boilerplate(seed_paths):
    body = seed_paths[0].read_text(encoding="utf-8").splitlines()
    promo = "Get the latest news from Example Daily delivered every morning"
    arts = [Article(id=f"a{i}", outlet="Example Daily", text=f"{body[i]}\n{promo}\n{body[i + 1]}") for i in range(4)]
    for a in clean_batch(arts):
        assert promo not in a.clean_text
        assert body[int(a.id[1:]) + 1].split()[0] in a.clean_text


def test_dateline_forms():
    assert parse_dateline("KARACHI – Pakistan and Kazakhstan")[0] == {"place": "Karachi"}
    assert parse_dateline("Islamabad (TDI): Prime Minister")[0] == {"place": "Islamabad", "outlet": "TDI"}
    assert parse_dateline("LONDON, March 3 (AP) — Britain")[0] == {"place": "London", "outlet": "AP"}
    assert parse_dateline("Prime Minister Shehbaz Sharif warmly received")[0] is None


def test_bylines_credits_and_notices_are_furniture():
    for line in ["By John Smith, Associated Press", "BY JOHN SMITH, Associated Press Writer",
                 "By John Smith and Jane Doe | CNN",
                 "Reporting by Jane Doe; Editing by Bob Lee",
                 "(Reporting by Gopal Sharma in Kathmandu and Sanjeev Miglani in New Delhi; Editing by Robert Birsel)",
                 "Additional reporting by Jane Doe", "Writing by Jane Doe; Editing by Bob Lee and Chizu Nomiyama",
                 "This article originally appeared on People.com",
                 "This story was originally published by The Washington Post.",
                 "(Photo by Kevin Winter/Getty Images)", "Kevin Winter/Getty Images", "REUTERS/Navesh Chitrakar",
                 "(AP Photo/Niranjan Shrestha)",
                 "Copyright 2008 The Associated Press. All rights reserved. This material may not be published, "
                 "broadcast, rewritten or redistributed.",
                 "This material may not be published, broadcast, rewritten or redistributed.",
                 "Posted by admin at 10:00 AM 3 comments", "Updated 3:45 PM ET, Tue September 2, 2008",
                 "Last updated: 12 May 2019 | 10:32 BST", "Follow us on Twitter @dailyplanet",
                 "Contact the author at jdoe@example.com", "SCROLL DOWN FOR VIDEO", "Contributing: John Smith",
                 "Jane Doe in Kathmandu and John Roe in New Delhi contributed to this report.",
                 "The Associated Press contributed reporting.",
                 "Our Standards: The Thomson Reuters Trust Principles."]:
        assert is_furniture(line), line
    # real sentences that merely start with the same words
    for line in ["He was reported by police to have fled the scene.",
                 "The photo, by a Getty photographer, shows the damage.",
                 "Photo by a Getty photographer shows the damage.",
                 "Reuters reported by phone that the quake killed 100.",
                 "By Tuesday, officials had evacuated 3,000 people.", "By 1952, Page was breaking taboos",
                 "By Ron Howard's account, the strike was over.",
                 "Reporting by The New York Times revealed the scheme in 2019.",
                 "Editing by hand took years, he said.", "Copyright law in the EU is changing.",
                 "Posted by police on social media, the video shows the arrest.",
                 "Published on Monday, the report found that 40 people died.",
                 "Updated figures released on Tuesday showed 300 deaths.",
                 "Originally published in 1851, the newspaper is the oldest in town, editors said.",
                 "The story first appeared on Monday in a local paper, which said the mayor resigned.",
                 "Contact tracing began on Monday.",
                 "Volunteers from Nepal contributed to this report on the relief effort, the UN said.",
                 "Many donors contributed to this report's funding."]:
        assert not is_furniture(line), line


def test_credit_lines_and_clauses_leave_the_cleaned_text():
    text = ("By John Smith, Associated Press\n"
            "KATHMANDU (Reuters) - A magnitude 7.8 earthquake struck Nepal on Saturday.\n"
            "(Photo by Kevin Winter/Getty Images)\n"
            "Rescue teams dug through the rubble overnight. (Reporting by Gopal Sharma; Editing by Robert Birsel)\n"
            "Copyright 2015 Thomson Reuters. All rights reserved.")
    a = clean(Article(id="x", text=text))
    assert a.clean_text == ("A magnitude 7.8 earthquake struck Nepal on Saturday.\n"
                            "Rescue teams dug through the rubble overnight.")
    assert a.dateline == {"place": "Kathmandu", "outlet": "Reuters"}
    i = a.clean_text.index("overnight.")
    s, e = a.original_span(i, i + len("overnight."))
    assert text[s:e] == "overnight."


def test_an_outlets_updates_of_one_story_keep_their_shared_lead():
    lead = "A magnitude 7.8 earthquake struck central Nepal on Saturday, killing at least 1,500 people, officials said."
    second = "The quake flattened buildings in the capital Kathmandu and triggered avalanches on Mount Everest."
    lasts = ["Rescue teams were digging through rubble in the old city overnight.",
             "India and China said they would send aid and rescue teams.",
             "The United Nations said hospitals were running out of space to store bodies."]
    arts = [Article(id=f"r{i}", outlet="Reuters", text=f"{lead}\n{second}\n{last}") for i, last in enumerate(lasts)]
    for a in clean_batch(arts):
        assert a.clean_text.startswith(lead + "\n" + second), a.clean_text


def test_a_sentence_repeated_across_different_stories_of_an_outlet_is_boilerplate(seed_paths):
    # the same closing sentence under different reports: furniture, although it reads as a sentence
    note = "The views expressed in this article are the author's own and do not reflect our editorial policy."
    bodies = [p.read_text(encoding="utf-8").strip() for p in seed_paths[:2]]
    bodies.append("Floods in the north of the country cut the main highway on Monday, police said.\n"
                  "Hundreds of families were moved to schools on higher ground.")
    arts = [Article(id=f"a{i}", outlet="Example Daily", text=f"{b}\n{note}") for i, b in enumerate(bodies)]
    for a in clean_batch(arts):
        assert "views expressed" not in a.clean_text
        assert len(a.clean_text) > 100


def test_a_footer_block_of_sentences_under_different_short_reports_is_boilerplate():
    # three closing sentences under each report make the reports look alike to one another; a
    # closing block is no shared text, so the reports (unrelated) lose it
    footer = ["Sign up to our daily newsletter for the latest headlines delivered to your inbox each morning.",
              "The views expressed in this piece are those of the author and do not reflect the position of the paper.",
              "We welcome comments but please keep them civil and on topic for everyone here."]
    bodies = ["Floods in the north of the country cut the main highway on Monday, police said.",
              "The central bank left its main interest rate unchanged at 4.5 percent on Thursday.",
              "A fire at a textile factory outside the capital killed three workers overnight.",
              "The national football team named a new coach after a run of five defeats."]
    arts = [Article(id=f"a{i}", outlet="Daily X", text="\n".join([b, *footer])) for i, b in enumerate(bodies)]
    for a, body in zip(clean_batch(arts), bodies):
        assert a.clean_text == body


def test_lists_of_names_and_real_sentences_are_not_credits():
    # a list of capitalised names (that once took minutes to reject) and sentences that start like notices
    countries = ("Austria, Belgium, Bulgaria, Croatia, Cyprus, Czech Republic, Denmark, Estonia, Finland, France, "
                 "Germany, Greece, Hungary, Ireland, Italy, Latvia, Lithuania, Luxembourg, Malta, Netherlands, "
                 "Poland, Portugal, Romania, Slovakia, Slovenia, Spain and Sweden are EU members.")
    for line in (countries, "Smith contributed troops to the war.", "This report was published in the journal Nature on Wednesday.",
                 "This interview was published in Der Spiegel on Monday.", "Originally published in Japan in 1995.",
                 "(c) The Secretary shall report to Congress within 90 days.", "Copyright 2012 law firm sues Google",
                 "The treaty guarantees all rights reserved to member states."):
        assert not is_furniture(line), line
    for line in ("Jane Doe and John Roe in Kathmandu contributed to this report.", "This story appeared first on Vox.",
                 "Originally published on Forbes.com", "(c) 2015 Reuters", "Copyright 2008 The Associated Press.",
                 "Copyright © 2020 Fox News Network, LLC. All rights reserved."):
        assert is_furniture(line), line
    film = Article(id="f", text="Its best-known film was a western (produced by Warner Bros)")
    assert clean(film).clean_text == film.text


def test_html_markup_left_in_plain_text_is_masked_with_offsets_kept():
    text = ("<p>Police in <a href=\"/lyon\">Lyon</a> arrested <b>three men</b> on Monday.</p>"
            "<script>var ad = 1;</script><!-- comment --><p>The AT&amp;T store was clo<i>sed</i>,&nbsp;"
            "officials said.</p>")
    a = clean(Article(id="h", title="Three arrested in Lyon&#39;s centre", text=text))
    assert a.clean_text == "Police in Lyon arrested three men on Monday.\nThe AT&T store was closed, officials said."
    assert a.title == "Three arrested in Lyon&#39;s centre"  # metadata is kept as given
    # every cleaned word maps back onto the same word in the text as given
    for word in ("Police", "Lyon", "three", "Monday", "store", "officials"):
        i = a.clean_text.index(word)
        s, e = a.original_span(i, i + len(word))
        assert text[s:e] == word
    # text with no markup, and text that merely mentions a bracket, is left alone
    for plain in ("Prices rose 3% <in real terms> & fell.", "x < y and y > z"):
        assert clean(Article(id="p", text=plain)).clean_text == plain
