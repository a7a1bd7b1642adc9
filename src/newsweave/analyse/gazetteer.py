"""The gazetteer: countries, demonyms, capitals and big cities, regions, international organisations.

Loaded once from ``newsweave/data/gazetteer.json`` (see ``build_gazetteer.py`` for its sources).
``lookup(text)`` types a name and gives its canonical form; ``patterns()`` lists the surface forms
the analyser matches in text even where the statistical model saw nothing.
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "gazetteer.json"
# Big enough that a bare mention of the city in news means the city.
MATCH_CITY_POPULATION = 1_000_000
INITIALS = re.compile(r"\b([A-Z])\. (?=[A-Z]\.)")  # "U. S." as some corpora space it: "U.S."
JOINED_INITIALS = re.compile(r"\b([A-Z])\.(?=[A-Z]\.)")


@dataclass(frozen=True)
class Place:
    """A gazetteer hit: ``type`` is country | city | place | organisation."""

    type: str
    name: str  # canonical name
    demonym: bool = False  # "Kazakh" rather than "Kazakhstan"
    country: str | None = None  # a city's country


@functools.lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """A lookup key: case, accents, dots, hyphens, a leading "the" and a trailing "'s" ignored."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace(".", "").replace("-", " ").replace("–", " ")
    text = re.sub(r"'s$", "", text.strip())
    text = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip().casefold()


def _case_sensitive(form: str) -> bool:
    """Short forms and acronyms ("US", "WHO", "Fed") match only as written."""
    letters = form.replace(".", "")
    return len(letters) <= 4 or letters.isupper()


def _demonym_fit(country: dict) -> int:
    """How many of a country's demonyms come from its own name or an alias ("American" from
    "America", "French" from "France"): the first four letters agree."""
    names = [n.lower() for n in [country["name"], *country["aliases"]]]
    return sum(any(n[:4] == d.lower()[:4] for n in names) for d in country["demonyms"])


class Gazetteer:
    def __init__(self, data: dict):
        self.exact: dict[str, Place] = {}  # case-sensitive forms
        self.folded: dict[str, Place] = {}  # norm() keys
        self.capitals: set[str] = set()
        for c in data["countries"]:
            for form in [c["name"], *c["aliases"]]:
                self._add(form, Place("country", c["name"]))
        for c in sorted(data["countries"], key=lambda c: -_demonym_fit(c)):
            for form in c["demonyms"]:
                # a demonym several countries share is the one whose name it comes from: "American"
                # is the United States (not the Northern Mariana Islands), "French" France, "Indian" India
                self._add(form, Place("country", c["name"], demonym=True), override=False)
        for region in data["regions"]:
            self._add(region, Place("place", region), override=False)
        for org in data["organisations"]:
            for form in [org["name"], *org["aliases"]]:
                self._add(form, Place("organisation", org["name"]), override=False)
        self.big_cities: set[str] = set()
        for city in data["cities"]:
            place = Place("city", city["name"], country=city["country"])
            for form in [city["name"], *city["aliases"]]:
                self._add(form, place, override=False)
            if city["capital"]:
                self.capitals.add(city["name"])
            if city["capital"] or city["population"] >= MATCH_CITY_POPULATION:
                self.big_cities.update([city["name"], *city["aliases"]])
        self._data = data

    def _add(self, form: str, place: Place, override: bool = True) -> None:
        table, key = (self.exact, form) if _case_sensitive(form) else (self.folded, norm(form))
        if override or key not in table:
            table[key] = place

    def lookup(self, text: str) -> Place | None:
        """The place or organisation ``text`` names, or None."""
        text = INITIALS.sub(r"\1.", text.strip())
        hit = self.exact.get(text) or self.exact.get(re.sub(r"^[Tt]he\s+", "", text))
        return hit or self.folded.get(norm(text))

    def patterns(self) -> list[str]:
        """Surface forms worth matching in raw text: countries, demonyms, big cities, regions, orgs."""
        forms: set[str] = set()
        for c in self._data["countries"]:
            forms.update([c["name"], *c["aliases"], *c["demonyms"]])
        forms.update(self._data["regions"])
        for org in self._data["organisations"]:
            forms.update([org["name"], *org["aliases"]])
        forms.update(self.big_cities)
        forms.update([JOINED_INITIALS.sub(r"\1. ", f) for f in forms if JOINED_INITIALS.search(f)])  # "U. S."
        return sorted(f for f in forms if not f.lower().startswith("the "))


@functools.lru_cache(maxsize=None)
def gazetteer() -> Gazetteer:
    """The gazetteer, loaded once per process."""
    return Gazetteer(json.loads(DATA.read_text(encoding="utf-8")))
