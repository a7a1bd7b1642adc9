"""Build the reader test fixtures from real articles (run from the repo root; output is committed).

    .venv/bin/python tests/data/read/make_fixtures.py [/work/shared/data]

Sources: ECB+ articles (CC BY 3.0) and UCI News Aggregator headlines (CC BY 4.0), wrapped into
the containers the readers take: an HTML page with site furniture, RSS 2.0 and Atom feeds, WARC
archives written with warcio, JSONL and JSON files; and the broken inputs the readers must report.
"""
from __future__ import annotations

import gzip
import html
import io
import json
import os
import shutil
import sys
from email.utils import format_datetime
from datetime import datetime

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data"
ECB_IDS = ["1_10ecb", "1_1ecbplus", "2_1ecb", "3_1ecb", "4_1ecb", "5_1ecb"]
MB = 1024 * 1024


def load() -> tuple[dict[str, dict], list[dict]]:
    ecb = {}
    with open(os.path.join(DATA, "ecbplus", "ecbplus-topics-1-35.jsonl"), encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["id"] in ECB_IDS:
                ecb[row["id"]] = {k: row[k] for k in ("id", "topic", "story", "url", "text")}
    with open(os.path.join(DATA, "uci-headlines", "uci-headlines.jsonl"), encoding="utf-8") as f:
        uci = [json.loads(line) for _, line in zip(range(8), f)]
    return ecb, uci


def write(rel: str, data: bytes | str) -> None:
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


def page(title: str, text: str, site: str, url: str | None, published: str | None) -> str:
    """A news page as sites serve it: navigation, share bar, related links, footer, scripts."""
    paras = "\n".join(f"      <p>{html.escape(line)}</p>" for line in text.split("\n") if line.strip())
    meta = [f'<meta property="og:site_name" content="{html.escape(site)}">',
            f'<meta property="og:title" content="{html.escape(title)}">']
    if url:
        meta.append(f'<link rel="canonical" href="{html.escape(url)}">')
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}">')
    head = "\n  ".join(meta)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{html.escape(title)} | {html.escape(site)}</title>
  {head}
  <script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
  <style>body {{ font-family: Georgia, serif; }} .nav a {{ margin: 0 8px; }}</style>
</head>
<body>
  <div class="cookie-banner">We use cookies to improve your experience. <button>Accept all cookies</button></div>
  <header class="site-header">
    <a class="logo" href="/">{html.escape(site)}</a>
    <nav class="nav"><a href="/news">News</a> <a href="/entertainment">Entertainment</a>
      <a href="/sport">Sport</a> <a href="/subscribe">Subscribe today</a> <a href="/login">Sign in</a></nav>
  </header>
  <main>
    <article>
      <h1>{html.escape(title)}</h1>
      <div class="byline">By Staff Reporter</div>
      <div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on Twitter</a></div>
{paras}
    </article>
    <aside class="related"><h3>Related stories</h3><ul>
      <li><a href="/a">Ten celebrity comebacks you did not see coming</a></li>
      <li><a href="/b">Our weekly newsletter: the best of entertainment</a></li></ul></aside>
  </main>
  <footer><p>Copyright 2009 {html.escape(site)}. All rights reserved.</p>
    <a href="/privacy">Privacy Policy</a> <a href="/terms">Terms of Use</a> <a href="/contact">Contact us</a></footer>
  <script src="/static/app.js"></script>
</body>
</html>
"""


def rss(uci: list[dict], ecb: dict) -> str:
    items = []
    for row in uci:
        when = format_datetime(datetime.fromisoformat(row["published"]))
        items.append(f"""    <item>
      <title>{html.escape(row['title'])}</title>
      <link>{html.escape(row['url'])}</link>
      <guid isPermaLink="false">{row['id']}</guid>
      <pubDate>{when}</pubDate>
      <description>{html.escape(row['text'])} &lt;a href="{html.escape(row['url'])}"&gt;{html.escape(row['outlet'])}&lt;/a&gt;</description>
    </item>""")
    body = "".join(f"<p>{html.escape(s)}</p>" for s in ecb["text"].split("\n"))
    items.append(f"""    <item>
      <title>Hugh Jackman to host the Oscars</title>
      <link>http://news.example.org/2008/12/12/jackman-oscars</link>
      <pubDate>Fri, 12 Dec 2008 18:30:00 +0000</pubDate>
      <description>Hugh Jackman will host the 81st Academy Awards.</description>
      <content:encoded><![CDATA[{body}<script>track()</script>]]></content:encoded>
    </item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>Market Wire</title>
    <link>http://marketwire.example.com/</link>
    <description>Business headlines</description>
{chr(10).join(items)}
  </channel>
</rss>
"""


def atom(ecb: dict[str, dict]) -> str:
    entries = []
    for i, aid in enumerate(["3_1ecb", "4_1ecb", "5_1ecb"]):
        row = ecb[aid]
        body = "".join(f"<p>{html.escape(s)}</p>" for s in row["text"].split("\n"))
        title = row["text"].split("\n")[0][:70]
        entries.append(f"""  <entry>
    <title>{html.escape(title)}</title>
    <link href="http://wire.example.net/{aid}"/>
    <id>urn:uuid:00000000-0000-4000-8000-00000000000{i}</id>
    <published>2009-0{i + 1}-15T09:3{i}:00+01:00</published>
    <updated>2009-0{i + 1}-15T10:00:00+01:00</updated>
    <author><name>Wire Desk</name></author>
    <content type="html">{html.escape(body)}</content>
  </entry>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>World Wire</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2009-03-15T10:00:00+01:00</updated>
{chr(10).join(entries)}
</feed>
"""


def warc_bytes(records: list[tuple], gz: bool = True) -> bytes:
    """records: (uri, status, content_type, body bytes, warc_date, extra http headers)."""
    out = io.BytesIO()
    w = WARCWriter(out, gzip=gz)
    w.write_record(w.create_warcinfo_record("crawl.warc.gz", {"software": "newsweave fixtures"}))
    for uri, status, ctype, body, date, extra in records:
        req = StatusAndHeaders(f"GET {uri} HTTP/1.1", [("Host", uri.split("/")[2])], is_http_request=True)
        w.write_record(w.create_warc_record(uri, "request", http_headers=req,
                                            warc_headers_dict={"WARC-Date": date}))
        headers = [("Content-Type", ctype), ("Content-Length", str(len(body)))] + list(extra)
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                            warc_headers_dict={"WARC-Date": date}))
    return out.getvalue()


def lying_member(uri: str) -> bytes:
    """One gzip member whose WARC headers declare 120 bytes but which inflates to 30 MB."""
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + b"<p>x</p>".ljust(120 - 45, b" ")
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
            f"WARC-Date: 2009-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:11111111-1111-4111-8111-111111111111>\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(block)}\r\n\r\n").encode()
    return gzip.compress(head + block + b"\r\n\r\n" + b"\x00" * (30 * MB), mtime=0)


def main() -> None:
    ecb, uci = load()
    for sub in ("good", "folder", "bad"):
        shutil.rmtree(os.path.join(HERE, sub), ignore_errors=True)
    reid, lohan, jackman = ecb["1_10ecb"], ecb["1_1ecbplus"], ecb["2_1ecb"]
    reid_page = page("Tara Reid checks into rehab", reid["text"], "Celebrity Wire",
                     "https://celebritywire.example.com/2008/04/29/tara-reid-rehab", "2008-04-29T14:05:00-04:00")
    jackman_page = page("Hugh Jackman to host the Oscars", jackman["text"], "Screen Daily Example",
                        "https://screen.example.org/jackman-host", None)

    # Good inputs, one per format.
    lohan_lines = lohan["text"].split("\n")
    write("good/lohan.txt", lohan_lines[0] + "\n\n" + "\n".join(lohan_lines[1:]) + "\n")
    write("good/reid_bom_crlf.txt", b"\xef\xbb\xbf" + reid["text"].replace("\n", "\r\n").encode())
    write("good/reid.html", reid_page)
    write("good/jackman_page.txt", jackman_page)  # HTML saved as .txt
    # No date in the page's metadata: only "First Published: …" in the text (a real ECB+ line).
    write("good/lohan.html", page(lohan_lines[0], "\n".join(lohan_lines[1:]), "Access Hollywood", lohan["url"], None))
    write("good/market.rss.xml", rss(uci, jackman))
    write("good/world.atom", atom(ecb))
    records = [{k: v for k, v in ecb[a].items()} for a in ("1_10ecb", "1_1ecbplus", "2_1ecb")]
    records += [{k: r[k] for k in ("id", "title", "text", "outlet", "url", "published", "story", "category")}
                for r in uci[:4]]
    records.append({"html": jackman_page, "story": "2a"})  # no id, HTML instead of text
    write("good/articles.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    write("good/articles.json", json.dumps(records[3:6], ensure_ascii=False, indent=1))
    write("good/headlines.data", "".join(json.dumps(r) + "\n" for r in uci[4:6]))  # unknown extension
    crawl = [
        ("https://celebritywire.example.com/2008/04/29/tara-reid-rehab", "200 OK", "text/html; charset=utf-8",
         reid_page.encode(), "2008-04-30T08:00:00Z", []),
        ("https://celebritywire.example.com/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64),
         "2008-04-30T08:00:01Z", []),
        ("https://screen.example.org/old-link", "301 Moved Permanently", "text/html", b"<a href='/jackman-host'>moved</a>",
         "2008-12-13T10:00:00Z", [("Location", "https://screen.example.org/jackman-host")]),
        ("https://screen.example.org/jackman-host", "200 OK", "text/html", gzip.compress(jackman_page.encode(), mtime=0),
         "2008-12-13T10:00:02Z", [("Content-Encoding", "gzip")]),
    ]
    crawl_gz = warc_bytes(crawl)
    write("good/crawl.warc.gz", crawl_gz)
    write("good/crawl.warc", warc_bytes(crawl, gz=False))

    # A folder tree: read recursively, sorted, hidden and non-article files passed over.
    write("folder/b_reid.txt", reid["text"])
    write("folder/a_sub/c_lohan.txt", lohan["text"])
    write("folder/a_sub/d_jackman.html", jackman_page)
    write("folder/.hidden.txt", "A hidden draft that must not be read.")
    write("folder/.cache/e.txt", "A file inside a hidden folder that must not be read.")
    write("folder/README.md", "# Notes about this folder, not an article\n")

    # Bad inputs: each must give one clear InputError naming the file.
    write("bad/photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write("bad/blob.dat", b"header\x00\x01\x02" + bytes(range(256)) * 4)
    write("bad/latin1.txt", reid["text"].replace("“", '"').replace("”", '"').replace("actress's", "actrice's café").encode("cp1252"))
    write("bad/empty.txt", b"")
    write("bad/blank.txt", "  \n\n \t\n")
    lines = [json.dumps(records[0]), '{"id": "cut", "text": "This line was cut off in the mid',
             json.dumps(records[3]), json.dumps({"id": "notext", "title": "A title and nothing else"}),
             "[1, 2, 3]", "", json.dumps(records[4])]
    write("bad/malformed.jsonl", "\n".join(lines).encode() + b"\n" + '{"id": "l8", "text": "Caf\xe9"}'.encode("latin-1") + b"\n")
    write("bad/broken.html", "<html><head><title>Oops</title></head><body><nav><a href='/'>Home</a>"
                             "<a href='/about'>About</a></nav><div><span></span><div></body>")
    feed = rss(uci, jackman)
    write("bad/truncated_feed_no_entries.xml", feed[: feed.index("<item>") + 30])
    write("bad/truncated_feed.xml", feed[: feed.index("<item>", feed.index("<item>") + 600) + 50])
    write("bad/billion_laughs.xml", """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Laughs</title>
<item><title>&lol9;</title><description>&lol9;</description></item>
</channel></rss>
""")
    write("bad/truncated.warc.gz", crawl_gz[: int(len(crawl_gz) * 0.8)])
    page_rec = crawl[:1]
    big = b"<html><body><p>padding</p>" + b" " * (20 * MB) + b"</body></html>"
    write("bad/bomb_record.warc.gz", warc_bytes(page_rec + [("https://x.example/big", "200 OK", "text/html", big,
                                                              "2008-04-30T09:00:00Z", [])] + crawl[3:]))
    write("bad/bomb_http.warc.gz", warc_bytes(page_rec + [("https://x.example/bomb", "200 OK", "text/html",
                                                           gzip.compress(big, mtime=0), "2008-04-30T09:00:00Z",
                                                           [("Content-Encoding", "gzip")])] + crawl[3:]))
    write("bad/bomb_member.warc.gz", warc_bytes(page_rec) + lying_member("https://x.example/lie") + warc_bytes(crawl[3:]))
    write("bad/notes.txt.gz", gzip.compress(reid["text"].encode(), mtime=0))
    for root, _, files in sorted(os.walk(HERE)):
        for name in sorted(files):
            p = os.path.join(root, name)
            print(f"{os.path.getsize(p):>9}  {os.path.relpath(p, HERE)}")


if __name__ == "__main__":
    main()
