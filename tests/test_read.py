"""Readers on real articles (ECB+, UCI headlines) wrapped in every supported container, and on
every kind of bad input: each problem is one InputError naming the file, and the batch goes on.

Fixtures: tests/data/read/ (built by make_fixtures.py there)."""
from __future__ import annotations

import io
import json
import os
import threading
from datetime import datetime
from pathlib import Path

import pytest

from newsweave.errors import InputError
from newsweave.model import Article, content_id
from newsweave.read import limits, normalise_date, read_bytes, read_paths

HERE = Path(__file__).resolve().parent / "data" / "read"
GOOD, BAD, FOLDER = HERE / "good", HERE / "bad", HERE / "folder"


def _read(*paths, **kw) -> list[Article | InputError]:
    return list(read_paths([str(p) for p in paths], **kw))


def _split(items):
    arts = [i for i in items if isinstance(i, Article)]
    errs = [i for i in items if isinstance(i, InputError)]
    return arts, errs


def _records() -> list[dict]:
    """The original records (ECB+ texts, UCI headlines) the other fixtures were built from."""
    with open(GOOD / "articles.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _by_id(rid: str) -> dict:
    return next(r for r in _records() if r.get("id") == rid)


def _sentences(rid: str) -> list[str]:
    return [s for s in _by_id(rid)["text"].split("\n") if s.strip()]


# ---------------------------------------------------------------- plain text


def test_plain_text_is_read_verbatim_with_an_obvious_title():
    path = GOOD / "lohan.txt"
    [art] = _read(path, outlet="Access Hollywood")
    raw = path.read_text(encoding="utf-8")
    assert art.text == raw
    assert art.title == "Lindsay Lohan Leaves Betty Ford, Checks Into Malibu Rehab"
    assert art.outlet == "Access Hollywood"
    assert art.source == str(path)
    assert art.id == content_id(raw)


def test_a_dateline_naming_its_outlet_wins_over_the_callers_outlet(seed_paths):
    [art] = _read(seed_paths[1], outlet="My Feed")  # "Islamabad (TDI): …"
    [plain] = _read(seed_paths[0], outlet="My Feed")  # "KARACHI – …" names a place, no outlet
    assert plain.outlet == "My Feed"
    assert art.outlet is None  # left to cleaning, which reads TDI from the dateline
    [art] = _read(GOOD / "lohan.txt", outlet="My Feed")
    assert art.outlet == "My Feed"


def test_plain_text_without_headline_has_no_title_and_keeps_crlf_but_not_the_bom():
    path = GOOD / "reid_bom_crlf.txt"
    [art] = _read(path)
    assert art.text == path.read_bytes()[3:].decode("utf-8")
    assert "\r\n" in art.text and not art.text.startswith("\ufeff")
    assert art.title is None and art.outlet is None


def test_seed_articles_read_as_text(seed_paths):
    arts = _read(*seed_paths)
    assert [a.text for a in arts] == [p.read_text(encoding="utf-8") for p in seed_paths]
    assert all(a.title is None for a in arts)  # their first lines are paragraphs, not headlines


# ---------------------------------------------------------------- HTML


def test_html_page_gives_main_text_and_metadata_without_site_furniture():
    [art] = _read(GOOD / "reid.html")
    for sentence in _sentences("1_10ecb"):
        assert sentence in art.text
    for furniture in ("cookies", "Subscribe", "Sign in", "Related stories", "Share on", "Privacy Policy",
                      "All rights reserved", "dataLayer", "font-family", "<p>"):
        assert furniture not in art.text
    assert art.title == "Tara Reid checks into rehab"
    assert not art.text.startswith(art.title)  # the <h1> copy is not glued to the first sentence
    assert art.outlet == "Celebrity Wire"
    assert art.url == "https://celebritywire.example.com/2008/04/29/tara-reid-rehab"
    assert art.published == "2008-04-29T14:05:00-04:00"
    assert art.id == content_id(art.text)


def test_a_txt_file_holding_html_is_read_as_html():
    [art] = _read(GOOD / "jackman_page.txt")
    assert art.title == "Hugh Jackman to host the Oscars"
    assert art.outlet == "Screen Daily Example"
    assert "<" not in art.text and "Subscribe" not in art.text
    assert _sentences("2_1ecb")[0] in art.text
    assert art.published is None  # the page gives no date


def test_html_date_written_only_in_the_page_text():
    [art] = _read(GOOD / "lohan.html")
    assert art.published == "2013-06-13T16:59:00"  # "First Published: June 13, 2013 4: 59 PM EDT"
    assert art.url == _by_id("1_1ecbplus")["url"]
    page = ("<html><body><article><h1>Port of Ghent reopens</h1><p class='meta'>Published: {}</p><p>Shipping "
            "traffic in the port of Ghent returned to normal on Wednesday after the fire at the chemicals "
            "plant, the port authority said in a statement.</p></article></body></html>")
    for stamp, when in (("Tuesday 17 November 2026 09:45", "2026-11-17T09:45:00"),
                        ("Tue 17 Nov 2026 09.45 GMT", "2026-11-17T09:45:00"),
                        ("Tuesday, November 17, 2026", "2026-11-17")):
        [art] = read_bytes(page.format(stamp).encode(), "ghent.html")
        assert art.published == when, stamp


def test_html_in_a_declared_legacy_charset_is_decoded_but_undeclared_is_an_error():
    body = "<html><head><meta charset='iso-8859-1'></head><body><article><p>{}</p></article></body></html>"
    text = "Le caf\u00e9 de la rue principale est ouvert depuis ce matin, selon le maire."
    [art] = read_bytes(body.format(text).encode("latin-1"), "cafe.html")
    assert art.text == text
    undeclared = body.replace("<meta charset='iso-8859-1'>", "").format(text).encode("latin-1")
    [err] = read_bytes(undeclared, "cafe.html")
    assert isinstance(err, InputError) and "not valid UTF-8" in err.message


def test_a_declared_charset_that_is_no_codec_name_is_ignored():
    """A WARC record's HTTP header can declare any bytes as the charset (atheris found
    "charset=utf\\x008", which made codecs.lookup raise ValueError): it counts as undeclared."""
    from newsweave.read.html import decode_html

    page = "<html><body><p>Le caf\u00e9 est ouvert.</p></body></html>".encode("latin-1")
    for charset in ("utf\x008", "no-such-codec", "zlib"):
        with pytest.raises(InputError, match="not valid UTF-8"):
            decode_html(page, "page.html", charset=charset)
    assert "caf\u00e9" in decode_html(page, "page.html", charset="latin-1")


# ---------------------------------------------------------------- JSONL / JSON


def test_jsonl_keeps_ids_fields_and_unknown_fields_in_extra():
    path = GOOD / "articles.jsonl"
    arts = _read(path)
    records = _records()
    assert len(arts) == len(records) == 8
    for n, (art, rec) in enumerate(zip(arts, records), 1):
        assert art.source == f"{path}:{n}"
        assert art.extra["story"] == rec["story"]  # gold labels travel in extra
        if "text" in rec:
            assert art.id == rec["id"] and art.text == rec["text"]
    uci = arts[3]
    assert (uci.title, uci.outlet, uci.published) == (records[3]["title"], "Los Angeles Times",
                                                      "2014-03-10T16:52:50.698000+00:00")
    assert uci.extra == {"story": records[3]["story"], "category": "b"}
    assert arts[0].extra["topic"] == 1


def test_jsonl_html_record_without_id_gets_a_content_id_and_page_metadata():
    art = _read(GOOD / "articles.jsonl")[-1]
    assert art.id == content_id(art.text)
    assert art.title == "Hugh Jackman to host the Oscars"
    assert _sentences("2_1ecb")[-1] in art.text and "Privacy Policy" not in art.text


def test_json_array_file():
    path = GOOD / "articles.json"
    arts = _read(path)
    assert [a.id for a in arts] == ["uci-1", "uci-2", "uci-3"]
    assert [a.source for a in arts] == [f"{path}#{i}" for i in (1, 2, 3)]


def test_unknown_extension_is_sniffed():
    arts = _read(GOOD / "headlines.data")
    assert [a.id for a in arts] == ["uci-5", "uci-6"]
    assert all(a.published.startswith("2014-03-10T16:52") for a in arts)


def test_unreadable_published_date_is_kept_raw_not_guessed():
    line = json.dumps({"id": "x", "text": "Some report text.", "published": "last Tuesday"})
    [art] = read_bytes(line.encode(), "upload.jsonl")
    assert art.published is None and art.extra["published_raw"] == "last Tuesday"


def test_a_numeric_date_that_reads_two_ways_is_refused_not_guessed():
    lines = [json.dumps({"id": i, "text": "Some report text.", "published": p})
             for i, p in (("a", "11/12/2024"), ("b", "20/11/2024"), ("c", "12/12/2024"))]
    a, b, c = read_bytes("\n".join(lines).encode(), "upload.jsonl")
    assert a.published is None and a.extra["published_raw"] == "11/12/2024"  # 11 December or November 12
    assert b.published == "2024-11-20" and c.published == "2024-12-12"


# ---------------------------------------------------------------- feeds


def test_rss_feed_one_article_per_item():
    path = GOOD / "market.rss.xml"
    arts = _read(path, outlet="ignored")
    uci = [r for r in _records() if str(r.get("id", "")).startswith("uci-")]
    assert len(arts) == 9
    # an aggregator's item is credited to the outlet its closing link names, not to the feed;
    # the feed's own title (not the caller's --outlet) for an item that names none
    assert [a.outlet for a in arts] == ["Los Angeles Times", "Livemint", "IFA Magazine", "IFA Magazine", "Moneynews",
                                        "NASDAQ", "MarketWatch", "FXstreet.com", "Market Wire"]
    for art, rec in zip(arts, uci):
        assert art.title == rec["title"] and art.url == rec["url"] and art.outlet == rec["outlet"]
        assert art.text == rec["text"]  # without the credit line "… Los Angeles Times"
        assert datetime.fromisoformat(art.published) == datetime.fromisoformat(rec["published"]).replace(microsecond=0)
    jackman = arts[-1]
    assert jackman.source == f"{path}#9"
    for sentence in _sentences("2_1ecb"):  # from content:encoded, not the short description
        assert " ".join(sentence.split()) in jackman.text
    assert "track()" not in jackman.text and "<p>" not in jackman.text
    assert jackman.published == "2008-12-12T18:30:00+00:00"


def test_an_aggregator_item_with_a_source_element_is_credited_to_that_outlet():
    feed = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Google News</title>'
            b'<item><title>Quake hits Peru - Reuters</title><link>https://news.google.com/a1</link>'
            b'<source url="https://www.reuters.com">Reuters</source>'
            b'<description>A magnitude 6.1 quake hit southern Peru on Tuesday, officials said.</description></item>'
            b'<item><title>Quake in Peru</title><link>https://news.google.com/a2</link>'
            b'<description>Officials said a strong quake hit southern Peru.</description></item>'
            b'</channel></rss>')
    arts = [a for a in read_bytes(feed, "gn.xml") if isinstance(a, Article)]
    assert [a.outlet for a in arts] == ["Reuters", "Google News"]


def test_an_aggregator_item_closing_with_a_paragraph_of_its_outlets_link_is_credited_to_it():
    feed = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Benelux News Wire</title>'
            b'<link>https://benelux.example/</link><item><title>Antwerp diamond exports fall</title>'
            b'<link>https://antwerpgazette.example/diamonds</link><description>&lt;p&gt;Antwerp diamond exports fell '
            b'for a third month in October, the Antwerp World Diamond Centre said on Monday.&lt;/p&gt;'
            b'&lt;p&gt;&lt;a href="https://antwerpgazette.example/diamonds"&gt;Antwerp Gazette&lt;/a&gt;&lt;/p&gt;'
            b'</description></item></channel></rss>')
    [art] = read_bytes(feed, "bx.rss")
    assert art.outlet == "Antwerp Gazette" and "Gazette" not in art.text


def test_a_blog_item_closing_with_a_link_to_itself_keeps_the_feed_title():
    # a site's own feed closes its items with "Read more" or its own name, linking to the item:
    # no outlet is credited (the items link within the channel's own site), and the link text is
    # not an outlet either where an aggregator's item ends in "Continue reading →"
    def item(link, text, closing):
        return (f'<item><title>{text[:20]}</title><link>{link}</link><description>&lt;p&gt;{text}&lt;/p&gt; '
                f'&lt;a href="{link}"&gt;{closing}&lt;/a&gt;</description></item>')

    blog = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Springfield Gazette</title>'
            '<link>https://www.gazette.example.com/</link><description>Local news</description>'
            + item("https://gazette.example.com/2024/01/budget", "The council approved a new budget on Monday.",
                   "Read more")
            + item("https://gazette.example.com/2024/01/bridge", "The old river bridge will close for three weeks.",
                   "Springfield Gazette")
            + item("https://gazette.example.com/2024/01/bridge2", "Engineers began work on the bridge on Tuesday.",
                   "Continue reading →")
            + item("https://news.gazette.example.com/2024/01/fire", "A fire closed the main street overnight.",
                   "Local Desk")
            + "</channel></rss>")
    arts = [a for a in read_bytes(blog.encode(), "blog.xml") if isinstance(a, Article)]
    assert [a.outlet for a in arts] == ["Springfield Gazette"] * 4
    assert arts[0].text.endswith("Read more")  # not a credit line: the text is as the feed has it

    wire = blog.replace("https://www.gazette.example.com/", "https://wire.example.net/")
    arts = [a for a in read_bytes(wire.encode(), "wire.xml") if isinstance(a, Article)]
    assert [a.outlet for a in arts] == ["Springfield Gazette", "Springfield Gazette", "Springfield Gazette",
                                        "Local Desk"]
    for closing in ("READ MORE »", "Full story...", "here", "[…]", "View article →", "Source:", "more"):
        one = wire.replace("Continue reading →", closing)
        assert list(read_bytes(one.encode(), "wire.xml"))[2].outlet == "Springfield Gazette", closing


def test_atom_feed():
    arts = _read(GOOD / "world.atom")
    assert [a.url for a in arts] == [f"http://wire.example.net/{i}" for i in ("3_1ecb", "4_1ecb", "5_1ecb")]
    assert [a.published for a in arts] == ["2009-01-15T09:30:00+01:00", "2009-02-15T09:31:00+01:00",
                                           "2009-03-15T09:32:00+01:00"]
    assert all(a.outlet == "World Wire" and "<" not in a.text and a.text.count("\n") > 5 for a in arts)
    assert arts[2].text.startswith("Maurice Cheeks is out as Philadelphia 76ers head coach.\n")


def test_entities_in_feed_titles_are_decoded_and_plain_ampersands_kept():
    rss = (b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
           b'<title><![CDATA[Harbour &amp; Coast News]]></title><link>https://hcn.example/</link>'
           b'<item><title><![CDATA[Minister&#8217;s &quot;blue port&quot; plan: what&#039;s in it &amp; who pays]]></title>'
           b'<link>https://hcn.example/a1</link><description><![CDATA[<p>The North Sea minister on Tuesday presented '
           b'a 300 million euro plan to electrify the port of Ostend by 2030.</p>]]></description></item></channel></rss>')
    [art] = read_bytes(rss, "hcn.rss")
    assert art.title == "Minister\u2019s \"blue port\" plan: what's in it & who pays"
    assert art.outlet == "Harbour & Coast News"
    atom = (b'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            b'<title type="text">Markets &amp; Money</title><id>x</id><updated>2026-11-18T09:00:00Z</updated>'
            b'<entry><title type="html"><![CDATA[Harbour master&#8217;s &#8220;zero waste&#8221; plan]]></title>'
            b'<id>e1</id><updated>2026-11-18T09:00:00Z</updated><link href="https://m.example/1"/>'
            b'<content type="html"><![CDATA[<p>The European Commission on Wednesday approved funding for the '
            b'port of Zeebrugge.</p>]]></content></entry></feed>')
    [art] = read_bytes(atom, "m.atom")
    assert art.title == "Harbour master\u2019s \u201czero waste\u201d plan" and art.outlet == "Markets & Money"


def test_billion_laughs_feed_is_refused_before_parsing():
    [err] = _read(BAD / "billion_laughs.xml")
    assert isinstance(err, InputError) and err.path == str(BAD / "billion_laughs.xml")
    assert "entit" in err.message and "billion laughs" in err.message


def test_old_rss_with_an_external_dtd_is_read_but_external_entities_are_refused():
    rss = (b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
           b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"><channel><title>Old Wire</title>'
           b'<item><title>Reid in rehab</title><description>Tara Reid checked herself into Promises.</description>'
           b'</item></channel></rss>')
    [art] = read_bytes(rss, "old.rss")
    assert art.text == "Tara Reid checked herself into Promises." and art.outlet == "Old Wire"
    xxe = rss.replace(b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">',
                      b'"x.dtd" [<!ENTITY secret SYSTEM "file:///etc/passwd">]>').replace(b"Promises.", b"&secret;")
    [err] = read_bytes(xxe, "xxe.rss")
    assert isinstance(err, InputError) and "refused" in err.message


def test_truncated_feed_yields_the_entries_it_has_then_one_error():
    path = BAD / "truncated_feed.xml"
    arts, errs = _split(_read(path))
    assert [a.title for a in arts] == ["Fed official says weak data caused by weather, should not slow taper"]
    [err] = errs
    assert err.path == str(path) and "entry 2" in err.message and "not well-formed" in err.message


def test_feed_cut_before_any_complete_entry_is_one_error():
    path = BAD / "truncated_feed_no_entries.xml"
    [err] = _read(path)
    assert isinstance(err, InputError) and err.path == str(path) and "not well-formed" in err.message


# ---------------------------------------------------------------- WARC


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_warc_gives_one_article_per_html_response(name):
    path = GOOD / name
    arts = _read(path)  # the request, warcinfo, PNG and 301 records are no articles
    assert [a.title for a in arts] == ["Tara Reid checks into rehab", "Hugh Jackman to host the Oscars"]
    reid, jackman = arts
    assert reid.published == "2008-04-29T14:05:00-04:00"  # the page's own date
    assert jackman.published == "2008-12-13T10:00:02+00:00"  # none in the page: WARC-Date
    assert jackman.url == "https://screen.example.org/jackman-host"
    assert _sentences("2_1ecb")[0] in jackman.text  # Content-Encoding: gzip undone
    assert all(a.source.startswith(f"{path}#") for a in arts)


def test_truncated_warc_yields_articles_read_so_far_then_an_error():
    path = BAD / "truncated.warc.gz"
    items = _read(path)
    assert isinstance(items[-1], InputError) and len(items) == 2
    assert items[0].title == "Tara Reid checks into rehab"
    err = items[-1]
    assert err.path == str(path) and "truncated" in err.message
    assert "record 9" in err.message and "offset" in err.message


def test_warc_record_over_the_limit_is_skipped_and_reading_goes_on():
    arts, errs = _split(_read(BAD / "bomb_record.warc.gz"))
    assert [a.title for a in arts] == ["Tara Reid checks into rehab", "Hugh Jackman to host the Oscars"]
    [err] = errs
    assert "record 5" in err.message and "too large (20 MB > 10 MB limit" in err.message


def test_http_gzip_bomb_inside_a_record_is_capped():
    arts, errs = _split(_read(BAD / "bomb_http.warc.gz"))
    assert len(arts) == 2
    [err] = errs
    assert err.path == str(BAD / "bomb_http.warc.gz") and "more than the 10 MB limit" in err.message


def test_gzip_member_inflating_past_its_declared_length_stops_the_archive():
    items = _read(BAD / "bomb_member.warc.gz")  # 120 bytes declared, 30 MB of zeros inflated
    assert items[0].title == "Tara Reid checks into rehab"
    assert isinstance(items[-1], InputError) and "gzip bomb" in items[-1].message
    assert "stopped" in items[-1].message


def test_archive_decompression_cap_per_file(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ARCHIVE_BYTES", 15 * limits.MB)
    items = _read(BAD / "bomb_record.warc.gz")
    assert items[0].title == "Tara Reid checks into rehab"
    assert "more than the 15 MB limit for one archive" in items[-1].message
    assert not any(isinstance(i, Article) and "Jackman" in (i.title or "") for i in items)


def test_gzip_that_is_not_a_warc():
    [err] = _read(BAD / "notes.txt.gz")
    assert isinstance(err, InputError) and "not a WARC" in err.message


# ---------------------------------------------------------------- folders and stdin


def test_folders_are_read_recursively_sorted_skipping_hidden_and_non_article_files():
    arts = _read(FOLDER)
    assert [os.path.relpath(a.source, FOLDER) for a in arts] == [
        os.path.join("a_sub", "c_lohan.txt"), os.path.join("a_sub", "d_jackman.html"), "b_reid.txt"]


def test_logs_and_database_journals_in_an_input_folder_are_not_articles(tmp_path):
    (tmp_path / "a.txt").write_text("Lava from the volcano reached the sea on Tuesday, officials said.\n")
    (tmp_path / "serve.log").write_text("INFO: 127.0.0.1 - GET /api/stories 200 OK\n")
    (tmp_path / "news.db-wal").write_bytes(b"{not an article}\n")
    assert [os.path.basename(a.source) for a in _read(tmp_path)] == ["a.txt"]
    assert _read(tmp_path / "serve.log")  # named on its own, a file is always read


def test_an_empty_folder_is_reported(tmp_path):
    [err] = _read(tmp_path)
    assert isinstance(err, InputError) and err.path == str(tmp_path) and "no article files" in err.message


def test_stdin_jsonl_and_plain_text():
    data = (GOOD / "headlines.data").read_bytes()
    arts = _read("-", stdin=io.BytesIO(data))
    assert [a.id for a in arts] == ["uci-5", "uci-6"] and arts[0].source == "<stdin>:1"
    text = (GOOD / "lohan.txt").read_text(encoding="utf-8")
    [art] = _read("-", stdin=io.StringIO(text), outlet="Access Hollywood")
    assert art.text == text and art.outlet == "Access Hollywood" and art.source == "<stdin>"


def test_stdin_from_a_real_pipe_streams_jsonl():
    r, w = os.pipe()
    lines = (GOOD / "articles.jsonl").read_bytes()

    def feed():
        with open(w, "wb") as out:
            for line in lines.splitlines(keepends=True):
                out.write(line)
                out.flush()

    t = threading.Thread(target=feed)
    t.start()
    with open(r, "rb") as pipe:
        arts = _read("-", stdin=pipe)
    t.join()
    assert [a.id for a in arts][:4] == ["1_10ecb", "1_1ecbplus", "2_1ecb", "uci-1"] and len(arts) == 8


def test_stdin_pipe_with_an_html_page():
    r, w = os.pipe()
    page = (GOOD / "reid.html").read_bytes()

    def feed():
        with open(w, "wb") as out:
            out.write(b"\n")
            out.flush()
            out.write(page)

    t = threading.Thread(target=feed)
    t.start()
    with open(r, "rb") as pipe:
        [art] = _read("-", stdin=pipe)
    t.join()
    assert art.title == "Tara Reid checks into rehab" and art.source == "<stdin>"


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("name, expected", [
    ("photo.txt", "binary file (a PNG image)"),
    ("blob.dat", "binary file (NUL byte at offset 6)"),
    ("latin1.txt", "not valid UTF-8: byte 0xe9 at line 2"),
    ("empty.txt", "empty file"),
    ("blank.txt", "empty file"),
    ("broken.html", "no article text found in the HTML"),
    # found by the atheris fuzz test: markup on which htmldate (inside trafilatura) fails an lxml assertion
    ("htmldate_drop_tree.html", "no article text found in the HTML"),
])
def test_bad_file_is_one_error_naming_it(name, expected):
    path = str(BAD / name)
    [err] = _read(path)
    assert isinstance(err, InputError) and err.path == path
    assert expected in err.message and str(err).startswith(f"{path}: ")


def test_non_utf8_error_says_it_looks_like_latin1():
    [err] = _read(BAD / "latin1.txt")
    assert "Windows-1252/Latin-1" in err.message


def test_malformed_jsonl_lines_are_errors_with_line_numbers_and_the_rest_loads():
    path = str(BAD / "malformed.jsonl")
    items = _read(path)
    arts, errs = _split(items)
    assert [a.source for a in arts] == [f"{path}:1", f"{path}:3", f"{path}:7"]
    assert [(e.path, e.line) for e in errs] == [(path, 2), (path, 4), (path, 5), (path, 8)]
    assert "malformed JSON" in errs[0].message
    assert "no article text" in errs[1].message
    assert "expected a JSON object" in errs[2].message
    assert "not valid UTF-8" in errs[3].message
    assert str(errs[0]).startswith(f"{path}:2: ")


def test_50_mb_text_file_is_refused_and_the_batch_goes_on(tmp_path):
    big = tmp_path / "huge.txt"
    line = (" ".join(_sentences("1_10ecb")) + "\n").encode()
    with open(big, "wb") as f:
        f.write(line * (50 * limits.MB // len(line) + 1))
    items = _read(big, GOOD / "lohan.txt")
    assert isinstance(items[0], InputError) and items[0].path == str(big)
    assert "too large (50 MB > 10 MB limit" in items[0].message
    assert isinstance(items[1], Article)


def test_big_jsonl_is_streamed_and_an_over_long_line_is_one_error(tmp_path):
    path = tmp_path / "big.jsonl"
    body = " ".join(_sentences("1_10ecb")) + " "
    good = {"text": body * 200}  # ~100 KB a line
    with open(path, "w", encoding="utf-8") as f:
        for i in range(60):
            f.write(json.dumps({"id": f"g{i}", **good}) + "\n")
        f.write(json.dumps({"id": "huge", "text": "x" * (6 * limits.MB)}) + "\n")  # line 61
        f.write(json.dumps({"id": "after", "text": body}) + "\n")
    assert path.stat().st_size > 11 * limits.MB
    arts, errs = _split(_read(path))
    assert len(arts) == 61 and arts[-1].id == "after" and arts[-1].source == f"{path}:62"
    [err] = errs
    assert err.line == 61 and "line too long" in err.message


def test_a_misnamed_file_gives_a_bounded_number_of_errors(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text("not json at all\n" * 1000, encoding="utf-8")
    errs = _read(path)
    assert all(isinstance(e, InputError) for e in errs)
    assert len(errs) == limits.MAX_ERRORS_PER_FILE + 1 and "stopped reading" in errs[-1].message


def test_missing_file_and_file_vanishing_mid_batch(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(_by_id("1_10ecb")["text"], encoding="utf-8")
    items = read_paths([str(tmp_path / "nope.txt"), str(folder)])
    first = next(items)
    assert isinstance(first, InputError) and "no such file" in first.message
    assert isinstance(next(items), Article)  # a.txt
    os.remove(folder / "b.txt")  # listed, then gone before it is opened
    [gone] = list(items)
    assert isinstance(gone, InputError) and gone.path == str(folder / "b.txt")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("text", encoding="utf-8")
    path.chmod(0)
    [err] = _read(path)
    assert isinstance(err, InputError) and "cannot read" in err.message


def test_whole_bad_folder_never_raises_and_every_file_is_named():
    items = _read(BAD, GOOD / "lohan.txt")
    errs = [i for i in items if isinstance(i, InputError)]
    named = {Path(e.path).name for e in errs}
    assert {p.name for p in BAD.iterdir()} <= named
    assert isinstance(items[-1], Article) and items[-1].source == str(GOOD / "lohan.txt")


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize("value, expected", [
    ("2014-03-10T16:52:50.698000+00:00", "2014-03-10T16:52:50.698000+00:00"),
    ("2014-03-10T16:52:50Z", "2014-03-10T16:52:50+00:00"),
    ("2014-03-10", "2014-03-10"),
    ("Mon, 10 Mar 2014 16:52:50 GMT", "2014-03-10T16:52:50+00:00"),
    ("March 10, 2014 4:52 pm", "2014-03-10T16:52:00"),
    ("10 March 2014", "2014-03-10"),
    (1394470370698, "2014-03-10T16:52:50.698000+00:00"),
    ("March 2014", None),
    ("last Tuesday", None),
    ("", None),
])
def test_normalise_date(value, expected):
    assert normalise_date(value) == expected
