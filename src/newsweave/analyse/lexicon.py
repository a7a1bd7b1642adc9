"""Word lists and patterns the entity layer relies on: titles, portfolios, awards, laws, junk.

Everything here is compiled once at import; matching is set membership or one regex pass per
document.
"""
from __future__ import annotations

import re

# Words that head a title: "President", "Prime Minister", "Minister", "Senator", "General", …
TITLE_HEADS = frozenset("""
president minister secretary chancellor premier king queen prince princess emir amir sheikh sultan
governor senator sen congressman congresswoman representative rep mayor judge justice ambassador envoy
commissioner chairman chairwoman chairperson chair director ceo spokesman spokeswoman spokesperson
general gen lieutenant lt colonel col major maj captain capt admiral adm commander marshal sergeant sgt
officer detective inspector superintendent sheriff attorney pope cardinal archbishop bishop imam rabbi
reverend rev pastor speaker leader coach adviser advisor founder president-elect vice-president
chief actor actress singer rapper comedian author novelist journalist reporter star striker
goalkeeper midfielder defender quarterback manager deputy
""".split())
# Words that may precede or join a title head: "Federal Minister", "Deputy Prime Minister".
TITLE_MODIFIERS = frozenset("""
federal deputy vice acting former interim caretaker chief state foreign prime senior junior assistant
associate executive managing general grand supreme crown first under permanent special defence defense
finance interior home provincial national principal lead head army air naval military police
district attorney top outgoing incoming then newly elected elect high surgeon rear
""".split()) | TITLE_HEADS
# Heads that are also ordinary capitalised words ("General Motors", "Justice Department"): they
# make a person only when the model itself saw a person in the name.
WEAK_HEADS = frozenset("""
general major captain marshal chief judge justice leader director chair speaker star manager deputy
officer commander head founder coach actor actress singer rapper comedian author novelist journalist
reporter striker goalkeeper midfielder defender quarterback
""".split())
# Titles that are also common surnames ("Billy King", "John Major"): a PERSON of these stands.
TITLE_SURNAMES = frozenset("king major marshal bishop cardinal judge speaker sheriff pope prince chancellor".split())
# Courtesy titles: dropped from the name, not a role.
HONORIFICS = frozenset("mr mr. mrs mrs. ms ms. miss dr dr. sir dame lord lady mx prof prof. professor h.e.".split())
# Words of a ministry's or office's portfolio: "Minister for Trade and Integration".
PORTFOLIO = frozenset("""
affairs trade integration commerce foreign defence defense finance interior home health education energy
justice industry industries production information broadcasting planning development economy economic
labour labor agriculture culture tourism transport communications communication science technology
environment climate change water resources power petroleum railways maritime housing works law human
rights religious overseas national security food internal external public investment privatisation
privatization revenue textile telecommunication telecommunications women youth sports social welfare
employment immigration veterans homeland treasury digital state parliamentary kashmir narcotics control
poverty alleviation safety coordination minority minorities relations exchequer trade commerce
aviation ports shipping inter provincial federal education training research special initiatives
states frontier regions capital administration disaster management commonwealth european union
and & of the for
""".split())
# Portfolio words that never stand alone for a name: "Secretary of Health and Human Services, Louis
# Sullivan" (not "the General Services Administration", which stays an organisation).
PORTFOLIO_ONLY_AFTER_TITLE = frozenset({"services"})
# Words that end an organisation's name: a title before them is no person's ("President's Office").
ORG_WORDS = frozenset("""
office secretariat ministry department council committee commission agency authority bank fund party
army navy forces police university institute association federation union corporation company group
organisation organization assembly parliament senate court board bureau service centre center
foundation chamber house forum summit conference administration government cabinet embassy
""".split())
# Words that end an institution's name, never a person's: a "PERSON" the tagger reads in "Betty Ford
# Center" is the clinic (stricter than ORG_WORDS, which holds surnames such as Court and House).
INSTITUTION_HEADS = frozenset("""
center centre clinic hospital university institute foundation museum school college academy ministry
department council committee commission agency company corporation association federation
""".split())
# Words a law's name holds: the tagger's LAW without one is a title ("American Pie"), not a law.
LAW_WORDS = frozenset(w + s for w in """
act bill law code treaty treatie accord agreement convention protocol amendment charter declaration
constitution ordinance resolution directive regulation rule statute article section decree pact v. vs.
""".split() for s in ("", "s"))
# AP-style abbreviations of US states, as datelines and place names write them after a comma ("LOS
# ANGELES, Calif.", "Rancho Mirage, Calif."; not "attended Mass.").
US_STATE_ABBREVIATIONS = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California", "Colo.": "Colorado",
    "Conn.": "Connecticut", "Del.": "Delaware", "Fla.": "Florida", "Ga.": "Georgia (U.S. state)",
    "Ill.": "Illinois", "Ind.": "Indiana", "Kan.": "Kansas", "Ky.": "Kentucky", "La.": "Louisiana",
    "Md.": "Maryland", "Mass.": "Massachusetts", "Mich.": "Michigan", "Minn.": "Minnesota", "Miss.": "Mississippi",
    "Mo.": "Missouri", "Mont.": "Montana", "Neb.": "Nebraska", "Nev.": "Nevada", "N.H.": "New Hampshire",
    "N.J.": "New Jersey", "N.M.": "New Mexico", "N.Y.": "New York", "N.C.": "North Carolina",
    "N.D.": "North Dakota", "Okla.": "Oklahoma", "Ore.": "Oregon", "Pa.": "Pennsylvania", "R.I.": "Rhode Island",
    "S.C.": "South Carolina", "S.D.": "South Dakota", "Tenn.": "Tennessee", "Vt.": "Vermont", "Va.": "Virginia",
    "Wash.": "Washington (U.S. state)", "W.Va.": "West Virginia", "Wis.": "Wisconsin", "Wyo.": "Wyoming",
}
# Name particles that may sit inside a person's name in lower case: "Osama bin Laden".
NAME_PARTICLES = frozenset("bin bint ibn al el de da del della di van von der den du la le ul ud ur e i".split())
# Particles a person's name the model cut short may end in, so that it runs into the next mention
# ("Ursula von der" + "Leyen"): European and Arabic ones, not the one-letter "e"/"i" of the list above.
CUT_NAME_PARTICLES = frozenset("von van der den de da del della di du dos la le al bin ibn ben ter zu".split())
# Capitalised document nouns the model takes for places or organisations.
JUNK = frozenset("""
memorandum memorandums memoranda mou mous letter letters agreement agreements minutes statement
gmt utc bst cet cest est edt cst cdt mst mdt pst pdt ist pkt jst aest
""".split())  # (the second line: time zones, which the model reads as organisations: "12:30 GMT")

_CAP = r"[A-Z][\w'’.]*"
_CAPS = rf"{_CAP}(?:[ -]+(?:{_CAP}|of|the|and|for|on|in|de|&))*?"
# Awards: izafat honours ("Nishan-i-Pakistan", "Sitara-e-Imtiaz"), "… Prize/Medal/Award/Order".
AWARD_RE = re.compile(
    rf"\b(?:Nishan|Hilal|Sitara|Tamgha|Izaz|Tamgha)-[eiy]-{_CAP}(?:-{_CAP})*"
    rf"|\b(?:{_CAP} ){{0,4}}(?:Prize|Medal|Award|Trophy)s?(?: (?:of|for) (?:the )?{_CAP}(?: {_CAP}){{0,3}})?\b"
    rf"|\bOrder of (?:the )?{_CAP}(?: {_CAP}){{0,3}}"
    r"|\b(?:Victoria|George) Cross\b|\b(?:Oscars?|Emmys?|Grammys?|Golden Globes?|Bharat Ratna"
    r"|Padma (?:Vibhushan|Bhushan|Shri)|L[ée]gion d'[Hh]onneur|Legion of Hono(?:u)?r)\b"
)
# Laws, treaties and agreements with a name: "Paris Agreement", "Treaty of Rome", "27th Amendment".
LAW_RE = re.compile(
    rf"\b(?:(?:{_CAP}|\d+(?:st|nd|rd|th))[ -]){{1,6}}(?:Act|Bill|Treaty|Accords?|Agreement|Convention|Protocol"
    rf"|Amendment|Charter|Declaration|Constitution|Ordinance|Resolution)\b(?: of \d{{4}}| \d{{4}})?"
    rf"|\b(?:Treaty|Convention|Protocol|Charter|Declaration|Resolution) (?:of|on|No\.?) (?:the )?"
    rf"(?:{_CAP}|\d+)(?: (?:{_CAP}|of|the|and|on|\d+)){{0,5}}"
)
# Named gatherings: "Pakistan-Kazakhstan Business Forum", "World Economic Forum", "G20 Summit".
EVENT_RE = re.compile(
    rf"\b(?:{_CAP}[ -]+){{1,5}}(?:Forum|Summit|Conference|Expo|Games|Olympics|Championships?|Cup|Festival"
    rf"|Dialogue|Congress|Symposium)\b"
)
# Capitalised words a pattern may swallow at a sentence start ("The", "Earlier").
LEADING_JUNK = re.compile(r"^(?:(?:The|A|An|This|That|These|Those|Earlier|Later|Both|Its|His|Her|Their)\s+)+")


def positions(doc, words: frozenset[str] | set[str]) -> list[int]:
    """Indexes of the tokens whose lower-case form is in ``words``: one vectorised pass, so the
    per-token Python work is paid only where something may happen."""
    import numpy as np
    from spacy.attrs import LOWER

    if not len(doc):
        return []
    ids = _ids(doc.vocab, words)
    return np.flatnonzero(np.isin(doc.to_array(LOWER), ids)).tolist()


_ID_CACHE: dict[tuple[int, int], object] = {}


def _ids(vocab, words):
    key = (id(vocab), id(words))
    if key not in _ID_CACHE:
        import numpy as np

        _ID_CACHE[key] = np.array(sorted(vocab.strings.add(w) for w in words), dtype="uint64")
    return _ID_CACHE[key]


def is_title_word(lower: str) -> bool:
    return lower in TITLE_MODIFIERS


def title_case(role: str) -> str:
    """"prime minister" → "Prime Minister"; small words stay lower, capitals stay as written."""
    small = {"of", "for", "and", "the", "on", "in", "to", "&"}
    words = role.split()
    return " ".join(w if (w in small and i) or not w[:1].islower() else w[:1].upper() + w[1:]
                    for i, w in enumerate(words))


_THE = ("United ", "Netherlands", "Philippines", "Bahamas", "Gambia", "Czech Republic", "Central African",
        "Dominican Republic", "Maldives", "Comoros", "Seychelles", "Solomon Islands", "Marshall Islands",
        "Democratic Republic", "Republic of")


def of_country(title: str, country: str) -> str:
    """"President of Kazakhstan", "President of the United States"."""
    return f"{title} of {'the ' if country.startswith(_THE) else ''}{country}"
