"""Clean article text: drop furniture lines, parse the dateline, normalise characters.

Cleaning never edits ``Article.text``. It chooses which runs of the original to keep and writes
them, lightly normalised one character for one character, into ``Article.clean_text``;
``Article.segments`` records each run so every cleaned offset maps back to the original.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from .model import Article, content_id

# Lines that are page furniture, not reporting. Anchored at the start of a line.
FURNITURE = re.compile(
    r"""^\W{0,3}(
        read\s+(more|also|next|this)\b | also\s+read\b | see\s+also\b | related(\s+(stories|articles|news))?\s*: |
        recommended\s*: | more\s+from\b | (click|tap)\s+here\b | (share|tweet)\s+(this|on)\b |
        follow\s+us\b | sign\s+up\b | subscribe\b | newsletter\b | advertisement\s*$ | sponsored\s*$ |
        (all\s+)?rights\s+reserved | copyright\s+© | ©\s*\d{4} | download\s+(our|the)\s+app |
        join\s+our\s+(whatsapp|telegram) | watch\s*: | listen\s*: | photo\s*: | image\s*: |
        (story|article)\s+continues\s+below | continue\s+reading | comments?\s*\(\d+\)
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# "Islamabad (TDI):", "WASHINGTON (Reuters) -", "KARACHI –", "LONDON, March 3 (AP) —"
DATELINE_WITH_OUTLET = re.compile(
    r"^(?P<place>[A-Z][A-Za-z .'\-]{1,40}?)(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*"
    r"\((?P<outlet>[A-Za-z][\w .&'\-]{0,30})\)\s*[:\-–—]+\s*"
)
DATELINE_CAPS = re.compile(r"^(?P<place>[A-Z][A-Z .'\-]{2,40}?)(?:,\s*[A-Z][A-Za-z .]{1,30})?\s*[:\-–—]+\s+(?=[A-Z])")

# One-for-one character normalisation, so offsets survive without a map.
CHAR_MAP = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ", "\t": " ",
})
# Runs inside a line that cleaning removes or shrinks: zero-width characters, repeated spaces.
ODD_WHITESPACE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]+|[ \t\u00a0\u2009\u202f\u2002\u2003]{2,}")
LINE = re.compile(r"[^\r\n]*(\r\n|\r|\n|$)")


def is_furniture(line: str) -> bool:
    """True for a line that is page furniture ("Read More: …", share prompts, copyright)."""
    return bool(FURNITURE.match(line.strip()))


def parse_dateline(line: str) -> tuple[dict[str, str] | None, int]:
    """The dateline at the start of ``line`` and how many characters it takes."""
    m = DATELINE_WITH_OUTLET.match(line)
    if m:
        return {"place": _place_name(m["place"]), "outlet": m["outlet"].strip()}, m.end()
    m = DATELINE_CAPS.match(line)
    if m and m["place"].strip().upper() == m["place"].strip() and len(m["place"].strip()) >= 3:
        return {"place": _place_name(m["place"])}, m.end()
    return None, 0


def _place_name(raw: str) -> str:
    raw = raw.strip(" .-")
    return raw.title() if raw.isupper() else raw


def _lines(text: str) -> Iterable[tuple[int, str]]:
    """(offset, line without its line break) for each line of ``text``."""
    for m in LINE.finditer(text):
        if m.start() == m.end():
            break
        yield m.start(), m.group(0).rstrip("\r\n")


def _norm_line(line: str) -> str:
    return re.sub(r"\W+", " ", line.lower()).strip()


def repeated_lines(articles: list[Article], min_articles: int = 3) -> set[tuple[str, str]]:
    """(outlet, normalised line) pairs that recur across many articles of one outlet: boilerplate."""
    per_outlet: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        if a.outlet:
            per_outlet[a.outlet].append(a)
    found: set[tuple[str, str]] = set()
    for outlet, group in per_outlet.items():
        if len(group) < min_articles:
            continue
        counts: Counter[str] = Counter()
        for a in group:
            counts.update({_norm_line(line) for _, line in _lines(a.text) if line.strip()})
        for norm, n in counts.items():
            if norm and n >= min_articles and n >= 0.5 * len(group):
                found.add((outlet, norm))
    return found


def clean(article: Article, boilerplate: set[tuple[str, str]] | None = None) -> Article:
    """Fill ``clean_text``, ``segments``, ``dateline`` (and ``outlet`` from it) and ``content_hash``."""
    pieces: list[str] = []
    segments: list[tuple[int, int, int]] = []
    pos = 0
    first = True
    boilerplate = boilerplate or set()
    for offset, line in _lines(article.text):
        stripped = line.strip()
        if not stripped or is_furniture(stripped):
            continue
        if article.outlet and (article.outlet, _norm_line(stripped)) in boilerplate:
            continue
        lead = len(line) - len(line.lstrip())
        start, end = offset + lead, offset + len(line.rstrip())
        if first:
            first = False
            dateline, used = parse_dateline(article.text[start:end])
            if dateline:
                article.dateline = dateline
                if not article.outlet and dateline.get("outlet"):
                    article.outlet = dateline["outlet"]
                start += used
                if start >= end:
                    continue
        if pieces:  # paragraph break, mapped to the line break before this line
            pieces.append("\n")
            segments.append((pos, offset - 1 if offset > 0 else 0, 1))
            pos += 1
        for s, e in _kept_runs(article.text, start, end):
            chunk = article.text[s:e].translate(CHAR_MAP)
            pieces.append(chunk)
            segments.append((pos, s, e - s))
            pos += e - s
    article.clean_text = "".join(pieces)
    article.segments = _merge(segments)
    article.content_hash = content_id(article.clean_text or article.text)
    return article


def _kept_runs(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """Runs of ``text[start:end]`` to keep: zero-width characters dropped, space runs cut to one."""
    cur = start
    for m in ODD_WHITESPACE.finditer(text, start, end):
        if m.group(0)[0] in " \t\u00a0\u2009\u202f\u2002\u2003":
            if m.start() + 1 > cur:
                yield cur, m.start() + 1  # keep one space of the run
        elif m.start() > cur:
            yield cur, m.start()
        cur = m.end()
    if end > cur:
        yield cur, end


def _merge(segments: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Join adjacent runs that are also adjacent in the original (fewer segments to search)."""
    out: list[tuple[int, int, int]] = []
    for c, o, n in segments:
        if out and out[-1][0] + out[-1][2] == c and out[-1][1] + out[-1][2] == o:
            pc, po, pn = out[-1]
            out[-1] = (pc, po, pn + n)
        else:
            out.append((c, o, n))
    return out


def clean_batch(articles: list[Article]) -> list[Article]:
    """Clean a batch, also dropping lines that repeat across many articles of one outlet."""
    boilerplate = repeated_lines(articles)
    return [clean(a, boilerplate) for a in articles]
