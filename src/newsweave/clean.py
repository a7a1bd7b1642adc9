"""Clean article text: drop furniture lines, parse the dateline, normalise characters.

Cleaning never edits ``Article.text``. It chooses which runs of the original to keep and writes
them, lightly normalised one character for one character, into ``Article.clean_text``;
``Article.segments`` records each run so every cleaned offset maps back to the original.
"""
from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from .model import Article, content_id

# Lines that are page furniture, not reporting. Anchored at the start of a line.
FURNITURE = re.compile(
    r"""^\W{0,3}(
        read\s+(more|also|next|this)\b | also\s+read\b | see\s+also\b | related(\s+(stories|articles|news))?\s*: |
        recommended\s*: | more\s+from\b | (click|tap)\s+here\b | (share|tweet)\s+(this|on)\b |
        (click|tap)\s+to\s+(enlarge|expand|zoom|view|play|watch)\b |
        follow\s+us\b | like\s+us\s+on\b | sign\s+up\b | subscribe\b | newsletter\b | advertisement\s*$ | sponsored\s*$ |
        (all\s+)?rights\s+reserved | copyright\s+© | ©\s*\d{4} | download\s+(our|the)\s+app |
        join\s+our\s+(whatsapp|telegram) | watch\s*: | listen\s*: | photo\s*: | image\s*: | photograph\s*: |
        (photo\s+)?credits?\s*: | image\s+(copyright|caption)\b | media\s+caption\b | scroll\s+down\s+for\b |
        (story|article)\s+continues\s+below | continue\s+reading | comments?\s*\(\d+\) |
        this\s+material\s+may\s+not\s+be\s+(published|reproduced|redistributed)\b |
        (contact|e-?mail|reach|write\s+to)\s+(the\s+)?(author|reporter|writer|columnist|editor|newsroom)s?\b |
        follow\s+(the\s+author|him|her|them|me)\s+on\s+(twitter|x|facebook|instagram|threads|bluesky|linkedin)\b |
        our\s+standards\s*:
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# Whole lines (or a line's opening or closing clause) of credits: bylines, wire credits, photo
# credits, copyright and "posted by" lines. Names are capitalised words, so a sentence that merely
# starts with the same word ("By Tuesday, officials had…", "Reporting by the Times showed…") goes on
# to lower-case words and does not match.
_NAME = r"(?:[A-Z][\w.'’\-]*|(?:de|da|del|della|van|von|der|den|al|bin|el|la|le|du|di|dos|y)(?=\s+[A-Z]))"
_NAMES = rf"{_NAME}(?:\s+{_NAME}){{0,4}}"
_NAME_LIST = rf"{_NAMES}(?:\s*(?:,|\band\b|&)\s*{_NAMES})*"
_ROLE = (r"(?:staff|writer|reporter|correspondent|editor|contributor|columnist|senior|chief|special|political|"
         r"business|news|sports|science|health|foreign|national|investigative|associate|managing|contributing|"
         r"of|the|and|for|at|&)")
_AFFIL = rf"(?:{_NAME}|{_ROLE})(?:\s+(?:{_NAME}|{_ROLE})){{0,6}}"
BYLINE = re.compile(
    rf"(?i:by)\s+{_NAME_LIST}(?:\s+(?:for|of)\s+{_AFFIL})?(?:\s*[,|/\-–—:]\s*{_AFFIL})?\s*\.?")
_CREDIT_ITEM = (r"(?i:(?:additional\s+|further\s+|(?:text|story|video)\s+)?(?:reporting|writing|editing|research|"
                r"graphics|compiled|translation|translated|production|edited|written|reported|fact[- ]?checking|"
                r"photography)(?:\s+and\s+(?:reporting|writing|editing|research))?\s+by)"
                rf"\s+{_NAMES}(?:\s*(?:,|\band\b|&|\bin\b|\bfrom\b|\bfor\b)\s*{_NAMES})*")
WIRE_CREDIT = re.compile(rf"(?:{_CREDIT_ITEM}|(?i:contributing)\s*:\s*{_NAME_LIST})(?:\s*[;,.]\s*{_CREDIT_ITEM})*\s*\.?")
_PHOTO_WORD = (r"(?i:(?:(?:AP|AFP|Reuters|EPA|File|Getty)\s+)?(?:photo|image|picture|photograph|video|graphic|"
               r"illustration|footage)s?)")
_PHOTO_CREDIT = (rf"{_PHOTO_WORD}(?:\s+(?i:by|courtesy(?:\s+of)?|via)\s+|\s*/\s*|\s*:\s*|\s+(?i:credits?)\s*:?\s*)"
                 rf"{_NAMES}(?:\s*(?:/|,|\bvia\b|\bfor\b|\band\b|&)\s*{_NAMES})*")
PHOTO_CREDIT = re.compile(rf"\(?\s*{_PHOTO_CREDIT}\s*\)?\s*\.?")
# "Kevin Winter/Getty Images", "REUTERS/Navesh Chitrakar", "AFP via Getty Images"
AGENCY_CREDIT = re.compile(
    rf"\(?(?:{_NAMES}\s*/\s*(?:Getty\s+Images|AFP|AP|Reuters|REUTERS|EPA|Shutterstock|Bloomberg)(?:\s+via\s+Getty\s+Images)?"
    rf"|(?:AP|AFP|EPA|REUTERS|Reuters|XINHUA|Xinhua)\s*/\s*{_NAMES}(?:\s*/\s*{_NAMES})?"
    r"|(?:AFP|AP|EPA|Reuters)\s+via\s+Getty\s+Images)\)?\.?")
COPYRIGHT = re.compile(
    r"(?:(?i:copyright)\s*(?:©|\(c\))?\s*(?:(?:19|20)\d{2}\b(?!\s+[a-z])|©|\(c\))|©\s*(?:(?:19|20)\d{2}|[A-Z])|"
    r"\([cC]\)\s*(?:19|20)\d{2}\b|"
    r"(?i:copyright)\s+(?:the\s+)?[A-Z][\w.&'\-]*(?:\s+[A-Z][\w.&'\-]*){0,4}\.?\s*$)")
# "Jane Doe in Kathmandu contributed to this report.", "The Associated Press contributed reporting."
# (read in two steps, not one pattern: a list of names under one repeated pattern backtracks
# exponentially when the line turns out to be a sentence, "Austria, Belgium, … are EU members.")
CONTRIBUTED_TAIL = re.compile(r"\s+(?i:also\s+)?(?i:contributed)\s+(?i:reporting|to\s+this\s+(?:report|story|article))"
                              r"(?:\s+(?i:from|in)\s+[A-Z][\w.'’\-]*(?:(?:\s*,\s*|\s+(?:and\s+)?)[A-Z][\w.'’\-]*)*)?\s*\.?$")
_NAME_PARTICLES = frozenset("de da del della van von der den al bin el la le du di dos y and in from &".split())
ALL_RIGHTS = re.compile(r"(?i)\ball\s+rights\s+reserved\b")
# "This article originally appeared on People.com", "Originally published by The Guardian"; not
# "This report was published in the journal Nature", nor "Originally published in Japan in 1995"
ORIGINALLY = re.compile(
    r"(?i:this\s+(?:article|story|post|piece|column|content|essay|op-ed)\s+(?:was\s+|is\s+|has\s+been\s+)?"
    r"(?:(?:originally|first)\s+(?:appeared|published|posted|ran)|appeared(?:\s+(?:first|originally))?)"
    r"\s+(?:on|in|at|by|with|from)|(?:originally|first)\s+(?:appeared|published|posted)\s+(?:on|at|by|with|from))\b")
# "Posted by admin at 10:00 AM 3 comments", "Updated 3:45 PM ET, Tue September 2, 2008"
STAMP = re.compile(r"(?i)(?:posted|published|updated|last\s+updated|first\s+published|last\s+modified|modified|filed)"
                   r"(?:\s+by\s+([\w.'’\-]+(?:\s+[\w.'’\-]+){0,2}?)(?=\s+(?:on|at)\b|\s*[|,\-]|\s+\d|\s*$))?\s*:?\s*(.*)")
_MONTHS = ("jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august "
           "september october november december")
_DAYS = "mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday saturday sunday"
_STAMP_DATE_WORDS = set((_MONTHS + " " + _DAYS + " ago today yesterday").split())
_STAMP_WORDS = _STAMP_DATE_WORDS | set(
    "on at the of am pm a.m p.m a.m. p.m. et est edt gmt utc bst cet cest pt pst pdt ct cst cdt ist hkt jst aest "
    "comment comments hour hours minute minutes min mins day days week weeks | updated".split())
# a closing "(Reporting by …; Editing by …)" or "(Photo by …)" after the last sentence of a line,
# and an opening one before the first
TRAILING_CREDIT = re.compile(rf"\s*\(\s*(?:{_CREDIT_ITEM}(?:\s*[;,.]\s*{_CREDIT_ITEM})*|{_PHOTO_CREDIT})\s*\.?\s*\)\s*$")
LEADING_CREDIT = re.compile(rf"^\(\s*(?:{_PHOTO_CREDIT})\s*\)\s*")


# A date before the stamp, as BBC pages put it: "18 November 2026 Last updated at 13:59 GMT"
_MONTH_RX = "|".join(sorted(_MONTHS.split(), key=len, reverse=True))
DATE_BEFORE_STAMP = re.compile(rf"(?i)^(?:\d{{1,2}}\s+(?:{_MONTH_RX})\.?|(?:{_MONTH_RX})\.?\s+\d{{1,2}},?)\s+\d{{4}}\s+")


def is_time_stamp(line: str) -> bool:
    """A line that only says when (and by whom) it was posted or updated, a date before it or not.
    (Cleaning drops the stamps that start a line; one after a date, as BBC pages print it, is left
    in the text, where it is no claim: dropping it moved the clustering of a backfill's borderline
    headline, see docs/experiments.md; a story is never titled by one.)"""
    return _is_stamp(DATE_BEFORE_STAMP.sub("", line.strip(), count=1))


def _is_stamp(line: str) -> bool:
    """A "Posted by …"/"Updated …" line that says nothing but who and when."""
    m = STAMP.fullmatch(line)
    if not m:
        return False
    tokens = re.findall(r"[^\s,]+", m.group(2))
    dated = False
    for t in tokens:
        low = t.strip(".,;:()").lower()
        if not low or any(ch.isdigit() for ch in low) or low in "|-/":
            dated = dated or any(ch.isdigit() for ch in low)
            continue
        if low not in _STAMP_WORDS:
            return False
        dated = dated or low in _STAMP_DATE_WORDS
    return dated or (bool(m.group(1)) and not tokens)


def _is_credit_line(line: str) -> bool:
    """True for a whole line that is a byline, credit, copyright notice or posting stamp."""
    if len(line) > 300:
        return False
    return bool(
        BYLINE.fullmatch(line) or WIRE_CREDIT.fullmatch(line) or PHOTO_CREDIT.fullmatch(line)
        or AGENCY_CREDIT.fullmatch(line) or _is_contributed(line) or COPYRIGHT.match(line) or _is_stamp(line)
        or (len(line.split()) <= 30 and ALL_RIGHTS.search(line.rstrip(" .")[-24:]) is not None)  # "… All rights reserved."
        or (ORIGINALLY.match(line) and len(line.split()) <= (20 if line[:4].lower() == "this" else 12)
            and (line[:4].lower() == "this" or "," not in line))
        or (line.startswith("(") and line.endswith(")") and _is_credit_line(line[1:-1].strip())))


def _is_contributed(line: str) -> bool:
    """ "Jane Doe and John Roe in Kathmandu contributed to this report.": names only, then the credit."""
    m = CONTRIBUTED_TAIL.search(line)
    if m is None or m.start() == 0:
        return False
    words = re.findall(r"[^\s,]+", line[:m.start()])
    return all(w[0].isupper() or w.lower() in _NAME_PARTICLES for w in words)


def _credit_clauses(line: str) -> tuple[int, int]:
    """How many characters an opening and a closing credit clause take in ``line`` (0 when none)."""
    m = LEADING_CREDIT.match(line)
    lead = m.end() if m and m.end() < len(line) else 0
    m = TRAILING_CREDIT.search(line, max(lead, len(line) - 400))  # a credit clause is short
    trail = len(line) - m.start() if m and m.start() > lead else 0
    return lead, trail


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


# HTML left inside plain text (a JSONL `text` scraped with its markup). Cleaning hides it by masking
# the original one character for one character, so every offset still points into the text as given:
# block tags, comments and scripts become a line break (a paragraph), inline tags vanish, and an
# entity reads as its character.
_BLOCK_TAGS = ("p|div|br|hr|li|ul|ol|h[1-6]|blockquote|table|thead|tbody|tr|td|th|section|article|header|"
               "footer|figure|figcaption|aside|nav|main|pre|dl|dd|dt|form|iframe|noscript|img|picture|source|video")
_INLINE_TAGS = "b|i|u|s|em|strong|span|a|font|small|big|sub|sup|abbr|cite|q|mark|time|del|ins|code|wbr|label"
MARKUP = re.compile(
    rf"<!--.*?(?:-->|\Z)|<(script|style)\b[^>]*>.*?(?:</\1\s*>|\Z)"
    rf"|<(/?)(?:({_BLOCK_TAGS})|({_INLINE_TAGS}))(?=[\s/>])[^<>]{{0,2000}}>"
    r"|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});",
    re.IGNORECASE | re.DOTALL)
HAS_MARKUP = re.compile(rf"</?(?:{_BLOCK_TAGS}|{_INLINE_TAGS})(?=[\s/>])[^<>]{{0,2000}}>"
                        r"|&(?:amp|nbsp|quot|apos|lt|gt|[lr]squo|[lr]dquo|[mn]dash|hellip|#\d{2,7}|#[xX][0-9a-fA-F]{2,6});",
                        re.IGNORECASE)
ZERO_WIDTH = "\u200b"  # dropped by ``_kept_runs``, so a masked character takes no room in clean_text


def mask_markup(text: str) -> str:
    """``text`` with its HTML tags, comments, scripts and entities masked, the same length."""
    if ("<" not in text and "&" not in text) or not HAS_MARKUP.search(text):
        return text

    def mask(m: re.Match) -> str:
        raw = m.group(0)
        if raw[0] == "&":
            char = html.unescape(raw)
            return raw if len(char) != 1 else char + ZERO_WIDTH * (len(raw) - 1)
        if m.group(4) and not m.group(2):  # an opening inline tag: nothing, or a space where it
            before = text[m.start() - 1: m.start()]  # (stands between words: "<br>"-less line edges)
            return (" " if not before or before.isspace() else ZERO_WIDTH) * len(raw)
        if m.group(4):  # a closing inline tag: "<b>T</b>he" is one word, "</b> on" two
            after = text[m.end(): m.end() + 1]
            return (" " if not after or after.isspace() else ZERO_WIDTH) * len(raw)
        return "\n" + " " * (len(raw) - 1)  # a block tag, comment or script: a paragraph break

    return MARKUP.sub(mask, text)


def plain_text(text: str) -> str:
    """``text`` as a reader sees it: HTML tags and comments gone, entities read (for showing a
    sentence whose offsets span markup); text without markup comes back as it is."""
    masked = mask_markup(text)
    return text if masked is text else " ".join(masked.replace(ZERO_WIDTH, "").split())


def is_furniture(line: str) -> bool:
    """True for a line that is page furniture ("Read More: …", share prompts, copyright, bylines,
    wire and photo credits, "originally appeared on …", "Posted by … at …")."""
    line = line.strip()
    return bool(FURNITURE.match(line)) or _is_credit_line(line)


def only_furniture(text: str, title: str | None = None) -> bool:
    """True when no line of ``text`` is article text: each is blank, page furniture or wordless
    ("Share this article", "Read more", "| |"). Such an input is no article. A line that is the
    article's own ``title`` is never furniture ("WATCH: …" heads a video report)."""
    own = _spaced(title) if title else None
    return not any(_WORDY.search(line) and (not is_furniture(line) or _spaced(line) == own)
                   for line in text.splitlines())


def _spaced(line: str) -> str:
    """``line`` with its whitespace runs as single spaces (a title and its line in the text compared)."""
    return " ".join(line.split())


_WORDY = re.compile(r"[^\W\d_]{2}")


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


# Two articles whose kept text shares at least this share of its word trigrams (of the shorter
# one) are copies or updates of one report, not two stories that share page furniture.
RELATED_CONTAINMENT = 0.3
SENTENCE_END = re.compile(r"[.!?…][\"'’”)\]]*$")


def _sentence_like(line: str) -> bool:
    """A line that reads as a sentence of reporting: six words or more, lower-case words, an end mark."""
    line = line.strip()
    return len(line.split()) >= 6 and bool(SENTENCE_END.search(line)) and any(c.islower() for c in line)


def _shingles(lines: Iterable[str]) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    for line in lines:
        w = re.findall(r"\w+", line.lower())
        out.update(zip(w, w[1:], w[2:]))
    return out


def repeated_lines(articles: list[Article], min_articles: int = 3) -> set[tuple[str, str]]:
    """(outlet, normalised line) pairs that recur across many articles of one outlet: boilerplate.

    A line counts when it is in ``min_articles`` or more of the outlet's articles and in at least
    half of them. A line that reads as a sentence is kept when the articles that carry it are
    mostly copies or updates of one report (they share much of their other text too): a wire's
    updates of one story repeat their lead and body, page furniture repeats across different
    stories (a block of repeated lines closing the articles is left out of what they share).
    """
    per_outlet: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        if a.outlet:
            per_outlet[a.outlet].append(a)
    found: set[tuple[str, str]] = set()
    for outlet, group in per_outlet.items():
        if len(group) < min_articles:
            continue
        lines_of: list[dict[str, str]] = []
        counts: Counter[str] = Counter()
        for a in group:
            kept: dict[str, str] = {}
            for _, line in _lines(mask_markup(a.text)):
                line = line.strip()
                if line and not is_furniture(line):
                    kept.setdefault(_norm_line(line), line)
            kept.pop("", None)
            lines_of.append(kept)
            counts.update(kept.keys())
        candidates = {norm for norm, n in counts.items() if n >= min_articles and n >= 0.5 * len(group)}
        if not candidates:
            continue
        sentences = {norm for norm in candidates
                     if _sentence_like(next(k[norm] for k in lines_of if norm in k))}
        found.update((outlet, norm) for norm in candidates - sentences)
        if not sentences:
            continue
        # each article's lines less those that are boilerplate whatever else holds; the line in
        # question is left out too: do the articles share much of their *other* text?
        shingles = [{norm: _shingles([line]) for norm, line in k.items() if norm not in candidates or norm in sentences}
                    for k in lines_of]
        # A run of repeated lines closing an article after text of its own is a footer block: its
        # lines would make unrelated short reports look alike to one another (a sign-up prompt, a
        # disclaimer and a comment policy under each), so they are no shared text either.
        footers = [_closing_run(list(k), candidates) for k in lines_of]
        for norm in sentences:
            carriers = [i for i, k in enumerate(lines_of) if norm in k][:24]
            rests = [set().union(*(sh for n, sh in shingles[i].items() if n != norm and n not in footers[i]))
                     for i in carriers]
            if not _mostly_related(rests):
                found.add((outlet, norm))
    return found


def _closing_run(lines: list[str], repeated: set[str]) -> set[str]:
    """The repeated lines that close ``lines`` after at least one line of the article's own."""
    k = len(lines)
    while k and lines[k - 1] in repeated:
        k -= 1
    return set(lines[k:]) if k else set()


def _mostly_related(sets: list[set[tuple[str, ...]]]) -> bool:
    """True when most pairs of ``sets`` share RELATED_CONTAINMENT of the smaller one."""
    related = pairs = 0
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            pairs += 1
            small = min(len(sets[i]), len(sets[j])) or 1
            related += len(sets[i] & sets[j]) >= RELATED_CONTAINMENT * small
    return pairs > 0 and related * 2 > pairs


def clean(article: Article, boilerplate: set[tuple[str, str]] | None = None) -> Article:
    """Fill ``clean_text``, ``segments``, ``dateline`` (and ``outlet`` from it) and ``content_hash``."""
    pieces: list[str] = []
    segments: list[tuple[int, int, int]] = []
    pos = 0
    first = True
    boilerplate = boilerplate or set()
    text = mask_markup(article.text)  # (the same length: offsets into it are offsets into the original)
    own = _spaced(article.title) if article.title else None
    for offset, line in _lines(text):
        stripped = line.strip()
        if not stripped or is_furniture(stripped) and _spaced(stripped) != own:
            continue
        if article.outlet and (article.outlet, _norm_line(stripped)) in boilerplate:
            continue
        lead = len(line) - len(line.lstrip())
        start, end = offset + lead, offset + len(line.rstrip())
        head, tail = _credit_clauses(text[start:end])  # "(Reporting by …; Editing by …)"
        start, end = start + head, end - tail
        if first:
            first = False
            dateline, used = parse_dateline(text[start:end])
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
        for s, e in _kept_runs(text, start, end):
            chunk = text[s:e].translate(CHAR_MAP)
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
