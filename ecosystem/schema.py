"""The data schema: file names, columns and the two controlled vocabularies.

Every relation reads "source TYPE target"; ``RELATION_TYPES`` gives the verb phrase used to tell a
relation in words ("ICAMCyL coordinates MINE.THE.GAP") and what the direction means.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import NamedTuple

ENTITIES_FILE = "entities.csv"
RELATIONS_FILE = "relations.csv"
SOURCES_DIR = "sources"
SOURCES_FILE = "sources.csv"

ENTITY_COLUMNS = ("id", "name", "type", "aliases", "country", "description", "url")
ENTITY_REQUIRED = ("id", "name", "type")
RELATION_COLUMNS = (
    "source",
    "target",
    "type",
    "role",
    "start",
    "end",
    "amount_eur",
    "evidence",
    "doc",
)
RELATION_REQUIRED = ("source", "target", "type", "evidence", "doc")
# One record per document in sources/: every column in the header, only doc must be filled.
SOURCE_COLUMNS = ("doc", "title", "publisher", "date", "language", "url")
# ISO 639-1, the two-letter language codes (184 of them).
_ISO_639_1 = """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr
    ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw
    ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv
    ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr
    ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi
    yo za zh zu
"""
LANGUAGE_CODES = frozenset(_ISO_639_1.split())

# Dates in the relations' start and end columns: a year, a month or a day.
DATE_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"
DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

ALIAS_SEPARATOR = "|"
DOC_SEPARATOR = "|"
MIN_EVIDENCE_CHARS = 20

ENTITY_TYPES: dict[str, str] = {
    "cluster": "An industry cluster: companies and organisations of one sector joined together.",
    "foundation": "A non-profit foundation.",
    "eu_institution": "An EU institution: the European Union, the Commission, the Parliament.",
    "eu_directorate": "A directorate-general or a unit of the European Commission.",
    "eu_agency": "An EU agency, executive agency or EU body such as an EIT community.",
    "platform": "A platform, partnership or alliance: S3P platforms, EIP, ECCP, alliances.",
    "programme": "A funding programme or instrument: Horizon Europe, Horizon 2020, I3, Interreg.",
    "project": "A funded project, or a pilot or action inside one.",
    "region": "A region, province or area.",
    "country": "A country.",
    "city": "A city or town.",
    "government": "A national or regional government, ministry, agency or directorate.",
    "company": "A company or company group.",
    "association": "An association, federation or business network.",
    "research": "A research centre or university.",
    "media": "A newspaper, magazine or news site.",
    "person": "A person named in the sources, with a role.",
    "event": "A forum, summit, assembly, congress, session, round table or mission.",
    "policy": "An act, pact, strategy or policy initiative.",
    # Added to the base vocabulary: technology parks, mines, hotels and offices are places that are
    # neither cities nor organisations, and the sources locate events and offices in them.
    "site": "A physical site that is not a city: a technology park, a mine, a venue, an office.",
}


class RelationType(NamedTuple):
    verb: str
    meaning: str
    symmetric: bool = False


RELATION_TYPES: dict[str, RelationType] = {
    "leads": RelationType("leads", "the source heads the target (role: the title)"),
    "works_for": RelationType("works for", "the source holds a position in the target (role)"),
    "member_of": RelationType("is a member of", "the source belongs to the target"),
    "founded": RelationType("founded", "the source founded or co-founded the target"),
    "governs": RelationType("governs", "the source is the governing board of the target"),
    "coordinates": RelationType("coordinates", "the source coordinates the target"),
    "partner_in": RelationType("is a partner in", "the source is a partner in the target project"),
    "funds": RelationType("funds", "the source finances the target (amount_eur when stated)"),
    "part_of": RelationType("is part of", "the source is a component of the target"),
    "located_in": RelationType("is located in", "the source is based or held in the target place"),
    "organises": RelationType("organises", "the source organises the target event"),
    "participates_in": RelationType("takes part in", "the source takes part in the target"),
    "speaks_at": RelationType("speaks at", "the source speaks at or moderates the target event"),
    "collaborates_with": RelationType(
        "collaborates with", "the two collaborate; direction carries no meaning", symmetric=True
    ),
    "benefits_from": RelationType("benefits from", "the source gains from the target"),
    "supports": RelationType("supports", "the source backs the target"),
    "represents": RelationType("represents", "the source acts on behalf of the target"),
    "promotes": RelationType("promotes", "the source promotes or launched the target"),
    "aligned_with": RelationType(
        "is aligned with", "the source works within the target policy or partnership"
    ),
    "reports_on": RelationType("reports on", "the source, a medium, reports on the target"),
}


def relation_key(fields: Mapping[str, str]) -> tuple[str, ...]:
    """What makes a relation unique: its ends, type, role and dates; the ends in either order
    for a symmetric type. Two rows with one key are the same relation.

    >>> relation_key({"source": "b", "target": "a", "type": "collaborates_with"})
    ('a', 'b', 'collaborates_with', '', '', '')
    >>> relation_key({"source": "b", "target": "a", "type": "funds", "start": "2020"})
    ('b', 'a', 'funds', '', '2020', '')
    """
    get = fields.get
    source, target, kind = get("source", ""), get("target", ""), get("type", "")
    relation_type = RELATION_TYPES.get(kind)
    if relation_type is not None and relation_type.symmetric and target < source:
        source, target = target, source
    return (source, target, kind, get("role", ""), get("start", ""), get("end", ""))


def relation_keys(
    sources: Sequence[str],
    targets: Sequence[str],
    kinds: Sequence[str],
    roles: Sequence[str],
    starts: Sequence[str],
    ends: Sequence[str],
) -> list[tuple[str, ...]]:
    """:func:`relation_key` of each relation given column by column.

    >>> relation_keys(["b", "b"], ["a", "a"], ["collaborates_with", "funds"], *[["", ""]] * 3)
    [('a', 'b', 'collaborates_with', '', '', ''), ('b', 'a', 'funds', '', '', '')]
    """
    symmetric = {kind for kind, about in RELATION_TYPES.items() if about.symmetric}
    if not symmetric.intersection(kinds):
        return list(zip(sources, targets, kinds, roles, starts, ends, strict=True))
    return [
        (target, source, kind, *rest)
        if kind in symmetric and target < source
        else (source, target, kind, *rest)
        for source, target, kind, *rest in zip(
            sources, targets, kinds, roles, starts, ends, strict=True
        )
    ]


@functools.lru_cache(maxsize=4096)  # a network's relations share few distinct dates
@functools.lru_cache(maxsize=65_536)  # a network holds far fewer distinct dates than relations
def date_period(text: str) -> tuple[date, date] | None:
    """The first and the last day of the period an ISO date ``YYYY``, ``YYYY-MM`` or
    ``YYYY-MM-DD`` names; None for anything else (an empty text, ``2019-5``, ``2019-02-30``).

    The one place dates are read: the data checks, the collaboration history and the network
    as of a date (:mod:`ecosystem.analysis.timeline`) all use it.

    >>> date_period("2016-02")
    (datetime.date(2016, 2, 1), datetime.date(2016, 2, 29))
    >>> date_period("2016")[1], date_period("2016-02-30")
    (datetime.date(2016, 12, 31), None)
    """
    match = DATE_PATTERN.match(text)
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None  # the pattern always holds a year
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        exact = date(year, month, day)
    except ValueError:
        return None
    return exact, exact
