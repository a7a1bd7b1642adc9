"""Hostile inputs, one kind at a time: XML entity bombs and external entities in feeds, gzip bombs
in WARC.gz, deeply nested HTML and JSON, 1 GB files, files that vanish or turn into pipes
mid-read, non-UTF-8 and mixed encodings, NUL bytes, and bodies that break the API's JSON parsing.

Each is refused with one clear InputError naming the file, or read safely; memory stays bounded
(measured with tracemalloc); nothing an input names (a file, a DTD, a URL) is ever opened
(watched with an audit hook). Bombs are built at test time; 1 GB files are sparse (no disk).
See test_read.py for the ordinary bad inputs and the fixture bombs (20 and 30 MB).
"""
from __future__ import annotations

import json
import os
import shutil
import struct
import sys
import threading
import tracemalloc
import zlib
from pathlib import Path

import pytest

from newsweave.clean import clean
from newsweave.errors import InputError
from newsweave.model import Analysis, Article
from newsweave.read import limits, read_bytes, read_paths

HERE = Path(__file__).resolve().parent / "data" / "read"
GOOD = HERE / "good"
MB = 1024 * 1024
GB = 1024 * MB
WORDS = "The mayor said on Monday that the bridge over the river would reopen after three weeks of repairs."
pytestmark = pytest.mark.timeout(300)


# ------------------------------------------------------------------ helpers


def read(data: bytes, name: str) -> list[Article | InputError]:
    return list(read_bytes(data, name))


def one_error(items: list, name: str, *words: str) -> InputError:
    assert len(items) == 1 and isinstance(items[0], InputError), items
    err = items[0]
    assert err.path == name and str(err).startswith(f"{name}")
    assert "unexpected error" not in err.message
    for w in words:
        assert w in err.message, err.message
    return err


def with_peak(fn, *args):
    """(fn(*args), peak bytes Python allocated meanwhile)."""
    tracemalloc.start()
    try:
        result = fn(*args)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class Watch:
    """Records files opened and URLs requested while active (audit hooks cannot be removed, so
    one hook serves every test and records only inside ``with Watch() as w``)."""

    active: "Watch | None" = None

    def __init__(self) -> None:
        self.opened: list[str] = []
        self.urls: list[str] = []

    def __enter__(self) -> "Watch":
        global _hooked
        if not _hooked:  # installed on first use, so other test modules never pay for it
            sys.addaudithook(_audit)
            _hooked = True
        Watch.active = self
        return self

    def __exit__(self, *exc) -> None:
        Watch.active = None


def _audit(event: str, args: tuple) -> None:
    w = Watch.active
    if w is None:
        return
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        w.opened.append(os.fsdecode(args[0]))
    elif event in ("urllib.Request", "socket.connect", "socket.getaddrinfo"):
        w.urls.append(repr(args[:2]))


_hooked = False


def rchar() -> int | None:
    """Bytes this process has read through read() calls so far (Linux), or None."""
    try:
        with open("/proc/self/io") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("rchar"))
    except (OSError, StopIteration, ValueError):
        return None


def gzip_zeros(prefix: bytes, n_mb: int, suffix: bytes = b"") -> bytes:
    """One gzip member holding ``prefix``, ``n_mb`` MB of zeros and ``suffix``: a bomb, built
    fast by repeating one compressed MB (deflate blocks after a full flush stand alone)."""
    def raw(data: bytes, mode: int) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(mode)

    block = raw(bytes(MB), zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(prefix)
    zeros = bytes(MB)
    for _ in range(n_mb):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(suffix, crc)
    size = (len(prefix) + n_mb * MB + len(suffix)) & 0xFFFFFFFF
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + raw(prefix, zlib.Z_FULL_FLUSH) + block * n_mb
            + raw(suffix, zlib.Z_FINISH) + struct.pack("<II", crc, size))


def warc_record(kind: str, uri: str, block: bytes, content_type: str, n: int) -> bytes:
    """The bytes of one WARC record (headers, block, the two closing line breaks)."""
    return (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2009-01-01T00:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{n:012d}>\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(block)}\r\n\r\n").encode() + block + b"\r\n\r\n"


def page(text: str, title: str = "Bridge to reopen") -> str:
    paras = "".join(f"<p>{s}</p>" for s in text.split("\n"))
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article>{paras}</article></body></html>"


def http_response(body: bytes, headers: str = "Content-Type: text/html; charset=utf-8\r\n") -> bytes:
    return f"HTTP/1.1 200 OK\r\n{headers}Content-Length: {len(body)}\r\n\r\n".encode() + body


def page_member(n: int, text: str = WORDS) -> bytes:
    return zlib_gzip(warc_record("response", f"https://x.example/{n}", http_response(page(text).encode()),
                                 "application/http; msgtype=response", n))


def zlib_gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data, mtime=0)


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    """Read one file of each format first, so the peaks measured below are the reading alone,
    not the first import of trafilatura, feedparser and warcio."""
    for name in ("lohan.txt", "reid.html", "articles.jsonl", "market.rss.xml", "crawl.warc.gz"):
        assert any(isinstance(i, Article) for i in read_paths([str(GOOD / name)]))
    small = zlib_gzip(page(WORDS).encode())
    gzipped = zlib_gzip(warc_record("response", "https://x.example/w", http_response(
        small, "Content-Type: text/html\r\nContent-Encoding: gzip\r\n"), "application/http; msgtype=response", 2))
    assert all(isinstance(i, Article) for i in read(page_member(1) + gzipped, "warm.warc.gz"))


# ------------------------------------------------------------------ XML: entities, XXE


@pytest.fixture()
def secret(tmp_path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-MARKER-42", encoding="utf-8")
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY leak SYSTEM "{path.as_uri()}">', encoding="utf-8")
    return path


def attack_prolog(attack: str, secret: Path) -> tuple[str, str]:
    """(DOCTYPE, the entity reference to put in the entry text)."""
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    return {
        "billion laughs": (f'<!DOCTYPE rss [<!ENTITY lol0 "lol">{lol}]>', "&lol9;"),
        "quadratic blow-up": (f'<!DOCTYPE rss [<!ENTITY a "{"a" * 50_000}">]>', "&a;" * 50_000),
        "external entity /etc/passwd": ('<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"),
        "external entity to a local file": (f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>', "&xxe;"),
        "external entity over http": ('<!DOCTYPE rss [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/x">]>', "&xxe;"),
        "parameter entity": (f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{secret.with_name("evil.dtd").as_uri()}"> %p;]>',
                             "&leak;"),
    }[attack]


def feed_doc(kind: str, doctype: str, ref: str, encoding: str = "utf-8") -> str:
    if kind == "rss":
        body = (f"<rss version=\"2.0\"><channel><title>Wire</title><item><title>Bridge</title>"
                f"<description>{WORDS} {ref}</description></item></channel></rss>")
    else:
        body = (f'<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><entry><title>Bridge</title>'
                f"<content type=\"text\">{WORDS} {ref}</content></entry></feed>")
    return f'<?xml version="1.0" encoding="{encoding}"?>\n{doctype.replace("rss", "feed") if kind == "atom" else doctype}\n{body}'


DISGUISES = {
    "as is": lambda doc: doc.encode("utf-8"),
    # expat stops at the first byte, before the DOCTYPE; feedparser's lenient parser went on
    # and expanded the entities (found by this test: 200 MB of text from a 150 KB feed)
    "form feed before the prolog": lambda doc: b"\x0c" + doc.replace("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n", "").encode(),
    # expat cannot read Shift_JIS; feedparser converts it and parses the DOCTYPE
    "declared Shift_JIS": lambda doc: doc.replace('encoding="utf-8"', 'encoding="Shift_JIS"').encode("shift_jis"),
    "declared unknown charset": lambda doc: doc.replace('encoding="utf-8"', 'encoding="x-nonsense"').encode(),
}


@pytest.mark.parametrize("disguise", list(DISGUISES))
@pytest.mark.parametrize("attack", ["billion laughs", "quadratic blow-up", "external entity /etc/passwd",
                                    "external entity to a local file", "external entity over http",
                                    "parameter entity"])
@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_entity_attacks_in_feeds_are_refused_unread(kind, attack, disguise, secret):
    doctype, ref = attack_prolog(attack, secret)
    data = DISGUISES[disguise](feed_doc(kind, doctype, ref))
    name = f"attack.{kind}"
    with Watch() as w:
        items, peak = with_peak(read, data, name)
    one_error(items, name, "refused", "entities")
    assert not [p for p in w.opened if p.endswith(("passwd", "secret.txt", "evil.dtd"))]
    assert not w.urls
    assert peak < 32 * MB


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_an_external_dtd_is_never_fetched(kind, secret):
    """A DOCTYPE naming an external DTD (as RSS 0.91 feeds do) is allowed, but the DTD (here one
    declaring an entity that reads a local file) is never opened, so the entity stays unexpanded."""
    dtd = secret.with_name("evil.dtd")
    with Watch() as w:  # the watch itself sees an open
        secret.read_bytes()
    assert w.opened == [str(secret)]
    doc = feed_doc(kind, f'<!DOCTYPE rss SYSTEM "{dtd.as_uri()}">', "&leak;")
    with Watch() as w:
        items = read(doc.encode(), f"old.{kind}")
    assert not [p for p in w.opened if p.endswith(("secret.txt", "evil.dtd"))]
    assert not w.urls
    for item in items:
        if isinstance(item, Article):
            assert "TOP-SECRET" not in item.text and WORDS in item.text
        else:
            one_error([item], f"old.{kind}")


def test_a_shift_jis_feed_is_read():
    """Legit feeds in an encoding expat lacks go to feedparser, which converts them."""
    text = "東京 の 新しい 橋 は 月曜日 に 再開 する と 市長 が 述べた 。"
    doc = (f'<?xml version="1.0" encoding="Shift_JIS"?>\n<rss version="2.0"><channel><title>東京ワイヤー</title>'
           f"<item><title>橋 の 再開</title><description>{text}</description></item></channel></rss>")
    [art] = read(doc.encode("shift_jis"), "jp.rss")
    assert art.text == text and art.title == "橋 の 再開" and art.outlet == "東京ワイヤー"


# ------------------------------------------------------------------ WARC.gz bombs


@pytest.fixture(scope="module")
def gb_http_bomb() -> bytes:
    """An HTML page whose gzip Content-Encoding inflates to 1 GB (1 MB on the wire)."""
    return gzip_zeros(b"<html><body><p>", 1024, b"</p></body></html>")


def test_http_gzip_bomb_of_1_gb_is_capped_and_the_archive_goes_on(gb_http_bomb):
    headers = "Content-Type: text/html\r\nContent-Encoding: gzip\r\n"
    bomb = zlib_gzip(warc_record("response", "https://x.example/bomb", http_response(gb_http_bomb, headers),
                                 "application/http; msgtype=response", 2))
    data = page_member(1) + bomb + page_member(3, WORDS.replace("Monday", "Tuesday"))
    items, peak = with_peak(read, data, "bomb.warc.gz")
    assert [type(i).__name__ for i in items] == ["Article", "InputError", "Article"]
    assert "Tuesday" in items[2].text
    assert "record 2" in items[1].message and "more than the 10 MB limit" in items[1].message
    assert peak < 64 * MB


def test_gzip_member_inflating_to_1_gb_past_its_declared_length_stops_in_bounded_memory():
    """A record whose gzip member goes on for a GB after the length its headers declare."""
    block = http_response(page(WORDS).encode())
    head = warc_record("response", "https://x.example/liar", block, "application/http; msgtype=response", 2)
    data = page_member(1) + gzip_zeros(head, 1024) + page_member(3)
    items, peak = with_peak(read, data, "liar.warc.gz")
    assert isinstance(items[0], Article)
    err = items[-1]
    assert isinstance(err, InputError) and "gzip bomb" in err.message and "stopped" in err.message
    assert peak < 64 * MB


def test_whole_file_gzip_bomb_hits_the_archive_limit_in_bounded_memory():
    """120 records of 9 MB each, every one under the record limit, 1080 MB in all: stopped at
    the 1024 MB archive limit, after the article that came first."""
    zeros = warc_record("resource", "https://x.example/blob", b"", "image/png", 0)
    assert zeros.endswith(b"Content-Length: 0\r\n\r\n\r\n\r\n")
    head = zeros[: -len(b"0\r\n\r\n\r\n\r\n")] + f"{9 * MB}\r\n\r\n".encode()
    member = gzip_zeros(head, 9, b"\r\n\r\n")
    data = page_member(1) + member * 120
    assert len(data) < 2 * MB
    items, peak = with_peak(read, data, "many.warc.gz")
    assert isinstance(items[0], Article) and len(items) == 2
    assert f"more than the {limits.mb(limits.MAX_ARCHIVE_BYTES)} MB limit for one archive" in items[1].message
    assert peak < 64 * MB


# ------------------------------------------------------------------ deep nesting


DEEP = "<div>" * 100_000


@pytest.mark.parametrize("wrap, name", [
    (lambda h: h.encode(), "deep.html"),
    (lambda h: (json.dumps({"html": h}) + "\n").encode(), "deep.jsonl"),
    (lambda h: f'<rss version="2.0"><channel><item><description><![CDATA[{h}]]></description></item></channel></rss>'.encode(), "deep.rss"),
    (lambda h: zlib_gzip(warc_record("response", "https://x.example/deep", http_response(h.encode()),
                                     "application/http; msgtype=response", 1)), "deep.warc.gz"),
])
def test_100k_nested_divs_give_a_clear_error_not_a_crash(wrap, name):
    html = f"<html><body>{DEEP}<p>{WORDS}</p>{'</div>' * 100_000}</body></html>"
    [err] = read(wrap(html), name)
    assert isinstance(err, InputError) and err.path == name, err
    assert "unexpected error" not in err.message and "Recursion" not in err.message
    if name != "deep.rss":  # a feed entry just has no text
        assert "nested over 255 deep" in err.message


def test_text_before_absurd_nesting_is_still_read():
    html = f"<html><body><article><p>{WORDS}</p></article>{DEEP}<p>lost</p></body></html>"
    [art] = read(html.encode(), "deep.html")
    assert WORDS in art.text


def test_deeply_nested_json_is_one_error_and_the_next_line_is_read():
    deep = "[" * 100_000 + "]" * 100_000
    one_error(read(deep.encode(), "deep.json"), "deep.json", "nested too deeply")
    data = (json.dumps({"text": WORDS, "x": 1}).replace("1}", deep + "}") + "\n" + json.dumps({"text": WORDS}) + "\n")
    err, art = read(data.encode(), "deep.jsonl")
    assert isinstance(err, InputError) and err.line == 1 and "nested too deeply" in err.message
    assert isinstance(art, Article) and art.source == "deep.jsonl:2"


def test_json_records_deeper_than_the_store_can_take_are_refused(tmp_path):
    """Extra fields are stored as JSON: a record nested past MAX_JSON_DEPTH is refused with its
    line; one just under it is stored and read back."""
    def nested(depth: int) -> dict:
        value: object = "leaf"
        for _ in range(depth - 1):
            value = [value]
        return {"text": WORDS, "deep": value}

    too_deep = json.dumps(nested(limits.MAX_JSON_DEPTH + 1))
    fine = json.dumps(nested(limits.MAX_JSON_DEPTH - 1))
    err, art = read(f"{too_deep}\n{fine}\n".encode(), "nest.jsonl")
    assert isinstance(err, InputError) and err.line == 1 and f"over {limits.MAX_JSON_DEPTH} levels" in err.message
    assert stored(tmp_path, art)["extra"] == json.dumps(art.extra, ensure_ascii=False)


def test_huge_numbers_in_json_are_one_error_or_kept_raw():
    lines = [json.dumps({"text": WORDS}).replace("}", ', "n": ' + "9" * 5000 + "}"),
             json.dumps({"text": WORDS}).replace("}", ', "published": 1' + "0" * 400 + "}"),
             json.dumps({"text": WORDS, "published": 1e308})]
    err, big_date, inf_date = read("\n".join(lines).encode(), "n.jsonl")
    assert isinstance(err, InputError) and err.line == 1 and "number too long" in err.message
    assert big_date.published is None and big_date.extra["published_raw"] == 10 ** 400
    assert inf_date.published is None


# ------------------------------------------------------------------ 1 GB files


def sparse(path: Path, head: bytes, size: int = GB) -> Path:
    """``head`` then zeros up to ``size``: a file that reports 1 GB and takes no disk."""
    with open(path, "wb") as f:
        f.write(head)
        f.truncate(size)
    return path


def text_head(kind: str) -> bytes:
    """Over 64 KB of real content (so sniffing sees no NUL), shaped as ``kind``."""
    body = ((WORDS + "\n") * 800)
    return {
        "txt": body.encode(),
        "html": f"<html><body><p>{body}</p>".encode(),
        "json": ("[" + json.dumps({"text": body}) + ",").encode(),
        "xml": f'<rss version="2.0"><channel><item><description>{body}'.encode(),
    }[kind]


@pytest.mark.parametrize("ext, limit", [("txt", "10 MB limit for one article"), ("html", "10 MB limit for one article"),
                                        ("json", "100 MB limit for one JSON file"), ("xml", "20 MB limit for one feed")])
def test_a_1_gb_file_is_refused_by_its_size_without_being_read(tmp_path, ext, limit):
    path = sparse(tmp_path / f"big.{ext}", text_head(ext))
    before = rchar()
    items = list(read_paths([str(path), str(GOOD / "lohan.txt")]))
    err = items[0]
    assert isinstance(err, InputError) and err.path == str(path)
    assert f"too large (1024 MB > {limit}" in err.message
    assert isinstance(items[1], Article)  # and the batch goes on
    if before is not None:
        assert rchar() - before < 8 * MB  # the head, not the GB


def test_a_1_gb_jsonl_file_is_streamed_in_bounded_memory(tmp_path):
    """JSONL has no size limit (it is streamed): the lines are read, the zeros after them are one
    over-long line, skipped in chunks."""
    lines = "".join(json.dumps({"id": f"r{i}", "text": f"{WORDS} ({i})"}) + "\n" for i in range(700))
    assert len(lines) > limits.HEAD_BYTES
    path = sparse(tmp_path / "big.jsonl", lines.encode())
    items, peak = with_peak(lambda: list(read_paths([str(path)])))
    assert [a.id for a in items[:-1]] == [f"r{i}" for i in range(700)]
    err = items[-1]
    assert isinstance(err, InputError) and err.line == 701 and "line too long" in err.message
    assert peak < 3 * limits.MAX_LINE_BYTES


@pytest.mark.parametrize("name, says", [("crawl.warc", "1 MB of data that is no WARC record"),
                                        ("crawl.warc.gz", "nothing but zero bytes from byte")])
def test_a_warc_followed_by_a_gb_of_zeros_stops_after_a_megabyte(tmp_path, name, says):
    """A preallocated or zero-filled tail: the records are read, then one error, not a GB read."""
    head = (GOOD / name).read_bytes()
    path = sparse(tmp_path / name, head, len(head) + GB)
    before = rchar()
    items, peak = with_peak(lambda: list(read_paths([str(path)])))
    assert [a.title for a in items[:2]] == ["Tara Reid checks into rehab", "Hugh Jackman to host the Oscars"]
    [err] = items[2:]
    assert isinstance(err, InputError) and err.path == str(path) and says in err.message
    assert "stopped after 9 records" in err.message
    if before is not None:
        assert rchar() - before < 16 * MB
    assert peak < 64 * MB


# ------------------------------------------------------------------ files that vanish or change


def test_a_file_cut_short_while_it_is_read(tmp_path):
    path = tmp_path / "cut.jsonl"
    records = [{"id": f"r{i}", "text": f"{WORDS} " * 2000} for i in range(5)]  # ~200 KB a line
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    items = read_paths([str(path)])
    assert next(items).id == "r0"
    line_len = len(json.dumps(records[0])) + 1
    os.truncate(path, 2 * line_len + line_len // 2)  # in the middle of line 3
    rest = list(items)
    assert [getattr(i, "id", None) for i in rest[:1]] == ["r1"]
    [err] = rest[1:]
    assert isinstance(err, InputError) and err.line == 3 and "malformed JSON" in err.message


def test_a_file_deleted_while_it_is_read_is_read_to_the_end(tmp_path):
    path = tmp_path / "gone.jsonl"
    path.write_text("".join(json.dumps({"id": f"r{i}", "text": f"{WORDS} " * 2000}) + "\n" for i in range(4)),
                    encoding="utf-8")
    items = read_paths([str(path)])
    assert next(items).id == "r0"
    os.remove(path)  # the open file stays readable
    assert [a.id for a in items] == ["r1", "r2", "r3"]


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


@needs_fifo
@pytest.mark.timeout(30)
def test_a_file_replaced_by_a_named_pipe_after_listing_does_not_hang(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(WORDS, encoding="utf-8")
    items = read_paths([str(folder)])
    assert isinstance(next(items), Article)  # a.txt; b.txt is listed already
    os.remove(folder / "b.txt")
    os.mkfifo(folder / "b.txt")  # no writer will ever come
    err, last = list(items)
    assert isinstance(err, InputError) and err.path == str(folder / "b.txt") and "not a regular file" in err.message
    assert isinstance(last, Article) and last.source == str(folder / "c.txt")


@needs_fifo
@pytest.mark.timeout(30)
def test_named_pipes_sockets_and_dangling_links_in_a_folder(tmp_path):
    import socket

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(WORDS, encoding="utf-8")
    os.mkfifo(folder / "b.txt")
    os.symlink(folder / "nowhere.txt", folder / "c.txt")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(folder / "d.txt"))
        (folder / "e.txt").write_text(WORDS, encoding="utf-8")
        items = list(read_paths([str(folder)]))
    finally:
        sock.close()
    assert [type(i).__name__ for i in items] == ["Article", "InputError", "InputError", "InputError", "Article"]
    assert "not a regular file" in items[1].message and "not a regular file" in items[3].message
    assert items[2].path == str(folder / "c.txt") and "no such file" in items[2].message


@needs_fifo
@pytest.mark.timeout(30)
def test_a_named_pipe_given_by_name_is_still_read_as_a_stream(tmp_path):
    """``newsweave run <(zcat x.jsonl.gz)``: a pipe named on the command line is read."""
    fifo = tmp_path / "stream.jsonl"
    os.mkfifo(fifo)
    lines = "".join(json.dumps({"id": f"p{i}", "text": WORDS}) + "\n" for i in range(3)).encode()

    def write():
        with open(fifo, "wb") as f:
            f.write(lines)

    t = threading.Thread(target=write)
    t.start()
    items = list(read_paths([str(fifo)]))
    t.join()
    assert [a.id for a in items] == ["p0", "p1", "p2"]


def test_a_sub_folder_removed_while_the_batch_runs(tmp_path):
    folder = tmp_path / "in"
    (folder / "b_sub").mkdir(parents=True)
    (folder / "a.txt").write_text(WORDS, encoding="utf-8")
    (folder / "b_sub" / "c.txt").write_text(WORDS, encoding="utf-8")
    items = read_paths([str(folder)])
    assert isinstance(next(items), Article)
    shutil.rmtree(folder / "b_sub")
    [err] = list(items)
    assert isinstance(err, InputError) and err.path == str(folder / "b_sub") and "cannot list folder" in err.message


# ------------------------------------------------------------------ encodings


JAPANESE = "東京 の 新しい 橋 は 月曜日 に 再開 する と 市長 が 述べた 。"


def test_utf8_with_one_stray_latin1_byte():
    text = (WORDS + "\n") * 3 + "Le caf\u00e9 est ferm\u00e9.\n"
    data = text.encode("utf-8").replace("ferm\u00e9".encode(), b"ferm\xe9")  # one byte, as latin-1
    line, col = 4, len("Le café est ferm".encode()) + 1  # columns count bytes
    err = one_error(read(data, "mixed.txt"), "mixed.txt", "not valid UTF-8", f"line {line}, column {col}")
    assert "0xe9" in err.message
    # in JSONL the bad line is the only loss
    jl = b"\n".join([json.dumps({"text": WORDS}).encode(), json.dumps({"text": "Le caf\u00e9"}, ensure_ascii=False).encode()
                     .replace("é".encode(), b"\xe9"), json.dumps({"text": WORDS}).encode()])
    a, err, b = read(jl, "mixed.jsonl")
    assert isinstance(a, Article) and isinstance(b, Article)
    assert isinstance(err, InputError) and err.line == 2 and "not valid UTF-8" in err.message
    # an HTML page that says it is UTF-8 but is not: an error, not mojibake
    one_error(read(page(WORDS).replace("<head>", '<head><meta charset="utf-8">').encode() + b"\xe9", "m.html"),
              "m.html", "not valid UTF-8")


@pytest.mark.parametrize("name, doc", [
    ("u.txt", WORDS), ("u.jsonl", json.dumps({"text": WORDS})), ("u.json", json.dumps([{"text": WORDS}])),
    ("u.html", page(WORDS)), ("u.xml", feed_doc("rss", "", "", encoding="utf-16")),
])
def test_utf16_with_a_bom_is_one_error_saying_how_to_convert(name, doc):
    one_error(read(doc.encode("utf-16"), name), name, "encoded as UTF-16", "iconv -f UTF-16 -t UTF-8")
    # without a BOM, UTF-16 is full of NUL bytes: refused as binary, not read as garbage
    one_error(read(doc.encode("utf-16-le"), name), name, "binary")


def test_shift_jis_declared_is_decoded_and_undeclared_is_an_error():
    html = page(JAPANESE, "橋 の 再開").replace("<head>", '<head><meta charset="Shift_JIS">')
    [art] = read(html.encode("shift_jis"), "jp.html")
    assert art.text == JAPANESE and art.title == "橋 の 再開"
    one_error(read(JAPANESE.encode("shift_jis"), "jp.txt"), "jp.txt", "not valid UTF-8")
    [err] = read(json.dumps({"text": JAPANESE}, ensure_ascii=False).encode("shift_jis"), "jp.jsonl")
    assert isinstance(err, InputError) and err.line == 1 and "not valid UTF-8" in err.message
    # in a WARC the charset comes from the HTTP header
    body = page(JAPANESE, "橋 の 再開").encode("shift_jis")
    rec = warc_record("response", "https://x.example/jp", http_response(body, "Content-Type: text/html; charset=Shift_JIS\r\n"),
                      "application/http; msgtype=response", 1)
    [art] = read(rec, "jp.warc")
    assert art.text == JAPANESE


@pytest.mark.parametrize("charset", ["zlib", "base64", "rot13", "hex", "idna", "utf-7", "nonsense"])
def test_a_declared_charset_that_cannot_decode_text_is_a_clear_error(charset):
    html = page("Le caf\u00e9 est ouvert, " + WORDS).replace("<head>", f'<head><meta charset="{charset}">')
    [item] = read(html.encode("latin-1"), f"{charset}.html")
    assert isinstance(item, InputError), item
    assert "not valid" in item.message and "unexpected" not in item.message


# ------------------------------------------------------------------ NUL bytes and lone surrogates


def test_a_nul_byte_past_the_sniffed_head_is_still_found():
    text = (WORDS + "\n") * 1000
    at = len(text) - 10
    data = text[:at].encode() + b"\x00" + text[at:].encode()
    assert at > limits.HEAD_BYTES
    one_error(read(data, "late.txt"), "late.txt", f"NUL byte at offset {at}")
    lines = [json.dumps({"id": f"r{i}", "text": WORDS}).encode() for i in range(800)]
    lines[700] = lines[700].replace(b"mayor", b"ma\x00yor")
    items = read(b"\n".join(lines), "late.jsonl")
    errs = [i for i in items if isinstance(i, InputError)]
    assert len(items) == 800 and len(errs) == 1
    assert errs[0].line == 701 and "NUL byte at column" in errs[0].message


def stored(tmp_path: Path, art: Article) -> dict:
    """Store one article in a fresh SQLite database and read its row back."""
    from newsweave.store import open_store

    store = open_store(str(tmp_path / "nul.db"))
    try:
        clean(art)
        with store.transaction() as tx:
            store.insert_articles(tx, [(Analysis(article=art), "s1", None)])
        return store.get_article(art.id)
    finally:
        store.close()


ESCAPED = (b'{"id": "nul\\u0000id", "title": "Bridge\\u0000 reopens", "text": "The mayor\\u0000 said the bridge '
           b'would reopen \\ud83d on Monday.", "outlet": "Wire\\udc00", "tags": ["a\\u0000", {"k\\u0000": "\\ud800"}]}')


def test_nul_and_lone_surrogate_escapes_in_json_are_dropped_and_the_article_stores(tmp_path):
    """\\u0000 is legal JSON but no text has it (and PostgreSQL refuses it): dropped. A lone
    surrogate cannot be encoded as UTF-8: replaced by U+FFFD. The article stores as read."""
    [art] = read(ESCAPED, "nul.jsonl")
    assert art.id == "nulid" and art.title == "Bridge reopens" and art.outlet == "Wire\ufffd"
    assert art.text == "The mayor said the bridge would reopen \ufffd on Monday."
    assert art.extra == {"tags": ["a", {"k": "\ufffd"}]}
    row = stored(tmp_path, art)
    assert row["text"] == art.text and row["title"] == "Bridge reopens"


def test_nul_and_surrogate_character_references_in_html_and_feeds_never_reach_the_text():
    refs = "&#0; &#x0; &#xD800; &#55296; &#x110000;"
    html = page(f"{WORDS} {refs} end")
    rss = f'<rss version="2.0"><channel><title>W&#0;</title><item><title>T&#xD800;</title><description>{WORDS} {refs} end</description></item></channel></rss>'
    atom = (f'<feed xmlns="http://www.w3.org/2005/Atom"><title>W</title><entry><title>T</title>'
            f'<content type="html">&lt;p&gt;{WORDS} {refs.replace("&", "&amp;")} end&lt;/p&gt;</content></entry></feed>')
    for name, data in (("r.html", html), ("r.rss", rss), ("r.atom", atom)):
        [art] = read(data.encode(), name)
        for value in (art.text, art.title or "", art.outlet or ""):
            assert "\x00" not in value
            value.encode("utf-8")
        assert art.text.startswith(WORDS) and art.text.endswith("end")


def _pipeline_problem(tmp_path: Path) -> str | None:
    """Why the pipeline cannot be used here, or None (other stages are still being written)."""
    try:
        from newsweave.pipeline import Pipeline
        from newsweave.store import open_store

        store = open_store(str(tmp_path / "control.db"))
        try:
            Pipeline(store).ingest([Article(id="control", text=f"{WORDS} The council agreed.")])
        finally:
            store.close()
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return None


def test_an_article_with_nul_escapes_goes_through_the_whole_pipeline(tmp_path):
    problem = _pipeline_problem(tmp_path)
    if problem:
        pytest.skip(f"the pipeline does not run yet ({problem[:200]}), so only the store was checked")
    from newsweave.pipeline import Pipeline
    from newsweave.store import open_store

    [art] = read(ESCAPED, "nul.jsonl")
    store = open_store(str(tmp_path / "pipe.db"))
    try:
        report = Pipeline(store).ingest([art])
        assert report.added == 1 and not report.errors
        row = store.get_article("nulid")
        assert row["text"] == "The mayor said the bridge would reopen \ufffd on Monday."
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        store.close()


# ------------------------------------------------------------------ the API's JSON parsing

TOKEN = "hostile-token-1"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    from fastapi.testclient import TestClient

    from newsweave.store import open_store
    from newsweave.web import Settings, create_app

    store = open_store(str(tmp_path_factory.mktemp("hostile_api") / "api.db"))
    with TestClient(create_app(store, Settings(token=TOKEN)), raise_server_exceptions=False) as client:
        yield client, store


@pytest.mark.parametrize("body, ctype", [
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "application/json", id="nested-json"),
    pytest.param(b'{"text": "x"}\n' + b"[" * 100_000 + b"]" * 100_000, "application/x-ndjson", id="nested-jsonl"),
    pytest.param(b'{"text": "x", "n": ' + b"9" * 5000 + b"}", "application/json", id="huge-number"),
    pytest.param(b'{"text": "x", "extra": ' + b"[" * 900 + b"]" * 900 + b"}", "application/json", id="nested-900"),
    pytest.param(b'{"title": "\\u0000", "text": "\\u0000\\u0000"}', "application/json", id="nul-only-text"),
    pytest.param(b"\xef\xbb\xbf\xff\xfe", "application/json", id="bom-then-garbage"),
    pytest.param(b"\x00" * 1000, "application/json", id="nul-bytes"),
])
def test_hostile_api_bodies_are_refused_with_422_and_nothing_written(api, body, ctype):
    client, store = api
    before = store.article_count()
    r = client.post("/api/articles", content=body, headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": ctype})
    assert r.status_code == 422, r.text
    got = r.json()
    assert got["ok"] is False and got["status"] == 422 and got["error"]
    assert store.article_count() == before
