"""Countries as ISO 3166-1 alpha-2 codes, whatever form a file gives them in.

Other tools write a country as a name ("France", "Czech Republic"), an alpha-3 code (``FRA``), a
numeric code (``250``) or, like the EU and CORDIS, ``UK`` and ``EL`` for the United Kingdom and
Greece. :func:`alpha2` maps all of them to the two-letter code the schema keeps, using the ISO
tables that pycountry maintains (names, official names, common names, every code). Text that
names no country ("International", "EU") maps to nothing: the importer keeps it as text and
says so, and the loader accepts it, since it is not a country written wrongly.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ecosystem.analysis.lookup import fold

# The EU's own codes (Interinstitutional Style Guide) where they differ from ISO 3166-1.
EU_CODES = {"UK": "GB", "EL": "GR"}
# Names in common use that the ISO tables spell otherwise.
COMMON_NAMES = {
    "czech republic": "CZ",
    "czechia": "CZ",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "russia": "RU",
    "south korea": "KR",
    "north korea": "KP",
    "turkey": "TR",
    "holland": "NL",
    "the netherlands": "NL",
    "vatican": "VA",
    "kosovo": "XK",
    "macedonia": "MK",
    "ivory coast": "CI",
    "taiwan": "TW",
    "iran": "IR",
    "syria": "SY",
    "vietnam": "VN",
    "laos": "LA",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "usa": "US",
    "united states of america": "US",
    "espana": "ES",
    "espagne": "ES",
    "francia": "FR",
    "alemania": "DE",
    "allemagne": "DE",
    "deutschland": "DE",
    "italia": "IT",
    "italie": "IT",
    "belgique": "BE",
    "belgica": "BE",
    "reino unido": "GB",
    "royaume uni": "GB",
    "paises bajos": "NL",
    "pays bas": "NL",
    "suecia": "SE",
    "suede": "SE",
    "grecia": "GR",
    "grece": "GR",
    "polonia": "PL",
    "pologne": "PL",
    "portugal": "PT",
    "irlanda": "IE",
    "irlande": "IE",
    "suiza": "CH",
    "suisse": "CH",
    "austria": "AT",
    "autriche": "AT",
    "dinamarca": "DK",
    "danemark": "DK",
    "finlandia": "FI",
    "finlande": "FI",
    "noruega": "NO",
    "norvege": "NO",
    "hungria": "HU",
    "hongrie": "HU",
    "rumania": "RO",
    "roumanie": "RO",
}
CODE = re.compile(r"^[A-Z]{2}$")


@lru_cache(maxsize=4096)
def alpha2(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country however written, or None.

    >>> [alpha2(t) for t in ("ES", "es", "ESP", "724", "Spain", "España", "UK", "EL")]
    ['ES', 'ES', 'ES', 'ES', 'ES', 'ES', 'GB', 'GR']
    >>> alpha2("Czech Republic"), alpha2("International")
    ('CZ', None)
    """
    import pycountry

    value = text.strip()
    if not value:
        return None
    upper = value.upper()
    if upper in EU_CODES:
        return EU_CODES[upper]
    folded = fold(value)
    if folded in COMMON_NAMES:
        return COMMON_NAMES[folded]
    found = None
    if len(value) == 2 and value.isalpha():
        found = pycountry.countries.get(alpha_2=upper)
    elif len(value) == 3 and value.isalpha():
        found = pycountry.countries.get(alpha_3=upper)
    elif value.isdigit():
        found = pycountry.countries.get(numeric=value.zfill(3))
    else:
        try:
            found = pycountry.countries.lookup(value)
        except LookupError:
            return _by_folded_name().get(folded)
    return found.alpha_2 if found is not None else None


@lru_cache(maxsize=1)
def _by_folded_name() -> dict[str, str]:
    """Every name, official name and common name of the ISO table, folded (no accents)."""
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                names.setdefault(fold(name), country.alpha_2)
    return names


def country_problem(value: str) -> tuple[str, str] | None:
    """(what is wrong, how to fix it) for a ``country`` cell, or None when it is acceptable.

    A two-letter code, or text that names no country, is acceptable; a country written another
    way (a name, a lower-case or three-letter code) is not: its code is named in the fix.

    >>> country_problem("ES") is None, country_problem("International") is None
    (True, True)
    >>> country_problem("France")
    ("'France' is a country written out, not its ISO 3166-1 alpha-2 code", 'write FR')
    """
    if CODE.match(value):
        return None
    code = alpha2(value)
    if code is None:
        if len(value) <= 3:
            return (
                f"{value!r} is not an ISO 3166-1 alpha-2 code",
                "use two capital letters such as ES, or leave it empty",
            )
        return None
    return (f"{value!r} is a country written out, not its ISO 3166-1 alpha-2 code", f"write {code}")
