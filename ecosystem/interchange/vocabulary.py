"""How foreign types and field names map onto the schema's vocabularies.

Other tools let people type anything as a type ("University", "NGO", "funder of"). Each foreign
type is folded (case, accents and punctuation ignored), looked up among the schema's own types, then
among the synonyms below, then as a plural; what matches nothing takes the fallback
(:data:`DEFAULT_ENTITY_TYPE`, or ``--default-type``; :data:`DEFAULT_RELATION_TYPE` for relations).
The import report lists every mapping it made and how often, so nothing is mapped silently.
"""

from __future__ import annotations

from typing import Literal

from ecosystem.analysis.centrality import METRICS
from ecosystem.analysis.lookup import fold
from ecosystem.schema import ENTITY_TYPES, RELATION_TYPES

DEFAULT_ENTITY_TYPE = "association"
DEFAULT_RELATION_TYPE = "collaborates_with"

Match = Literal["same", "synonym", "fallback"]

# Folded foreign entity type -> schema type.
ENTITY_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("business", "firm", "enterprise", "sme", "corporation", "prc"), "company"),
    **dict.fromkeys(("private company", "industry", "private", "startup", "company"), "company"),
    **dict.fromkeys(
        (
            "university",
            "research centre",
            "research center",
            "research organisation",
            "research organization",
            "research institute",
            "institute",
            "academia",
            "academic",
            "rto",
            "hes",
            "rec",
            "higher education",
        ),
        "research",
    ),
    **dict.fromkeys(
        (
            "public body",
            "public authority",
            "public administration",
            "authority",
            "ministry",
            "municipality",
            "local authority",
            "pub",
            "public",
            "agency",
            "government agency",
        ),
        "government",
    ),
    **dict.fromkeys(
        (
            "ngo",
            "non profit",
            "nonprofit",
            "civil society",
            "federation",
            "network",
            "organisation",
            "organization",
            "chamber of commerce",
            "oth",
            "other",
        ),
        "association",
    ),
    **dict.fromkeys(("people", "individual", "contact", "expert", "actor"), "person"),
    **dict.fromkeys(("conference", "meeting", "workshop", "forum", "summit"), "event"),
    **dict.fromkeys(("town", "village"), "city"),
    **dict.fromkeys(("province", "area", "territory"), "region"),
    **dict.fromkeys(("partnership", "alliance", "initiative", "community"), "platform"),
    **dict.fromkeys(("program", "funding programme", "fund", "instrument"), "programme"),
    **dict.fromkeys(("strategy", "act", "regulation", "law"), "policy"),
    **dict.fromkeys(("newspaper", "press", "magazine", "news"), "media"),
    **dict.fromkeys(("venue", "place", "location", "facility", "mine", "office"), "site"),
    **dict.fromkeys(("eu", "european institution", "european union"), "eu_institution"),
    **dict.fromkeys(("dg", "directorate general", "directorate"), "eu_directorate"),
    **dict.fromkeys(("executive agency", "eu body", "joint undertaking"), "eu_agency"),
    **dict.fromkeys(("grant", "action", "pilot"), "project"),
}

# Folded foreign relation type -> schema type.
RELATION_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("coordinator", "coordinated", "coordinator of", "lead"), "coordinates"),
    **dict.fromkeys(("partner", "participant", "participates", "partner of"), "partner_in"),
    **dict.fromkeys(("member", "membership", "member of", "belongs to"), "member_of"),
    **dict.fromkeys(("employee", "employee of", "employed by", "staff"), "works_for"),
    **dict.fromkeys(("head", "heads", "director", "chair", "ceo"), "leads"),
    **dict.fromkeys(("funding", "funder", "funded", "finances", "grant"), "funds"),
    **dict.fromkeys(("location", "based in", "located"), "located_in"),
    **dict.fromkeys(("founder", "founded by", "co founded"), "founded"),
    **dict.fromkeys(("parent", "subsidiary", "component of", "belongs"), "part_of"),
    **dict.fromkeys(("organizes", "organiser", "organizer", "hosts"), "organises"),
    **dict.fromkeys(("participation", "attends", "takes part in"), "participates_in"),
    **dict.fromkeys(("speaker", "speaks", "moderator", "presents at"), "speaks_at"),
    **dict.fromkeys(
        (
            "collaboration",
            "collaborates",
            "cooperation",
            "cooperates with",
            "link",
            "linked",
            "related",
            "relationship",
            "connection",
            "knows",
            "pp",
            "interacts with",
            "co occurrence",
            "co appearance",
        ),
        "collaborates_with",
    ),
    **dict.fromkeys(("support", "backs", "endorses"), "supports"),
    **dict.fromkeys(("representative", "represents", "on behalf of"), "represents"),
    **dict.fromkeys(("promoter", "launched", "promotion"), "promotes"),
    **dict.fromkeys(("aligned", "alignment", "within"), "aligned_with"),
    **dict.fromkeys(("reports", "reporting", "covers", "article about"), "reports_on"),
    **dict.fromkeys(("beneficiary", "beneficiary of", "benefits"), "benefits_from"),
    **dict.fromkeys(("board", "governing board", "governs"), "governs"),
}


def _lookup(raw: str, vocabulary, synonyms: dict[str, str]) -> tuple[str | None, Match]:
    key = fold(raw)
    if not key:
        return None, "fallback"
    own = {fold(name): name for name in vocabulary}
    # A relation type also matches its verb phrase: "is a member of" -> member_of.
    if vocabulary is RELATION_TYPES:
        own.update({fold(kind.verb): name for name, kind in RELATION_TYPES.items()})
    if key in own:
        return own[key], "same" if own[key] == raw.strip() else "synonym"
    if key in synonyms:
        return synonyms[key], "synonym"
    # "Regional government" is a government: try the words from the end, longest first.
    words = key.split()
    for start in range(len(words)):
        tail = " ".join(words[start:])
        for candidate in (tail, *_singulars(tail)):
            if candidate in own or candidate in synonyms:
                return own.get(candidate) or synonyms[candidate], "synonym"
    return None, "fallback"


def _singulars(word: str) -> tuple[str, ...]:
    if not word.endswith("s"):
        return ()
    return (word[:-3] + "y", word[:-1]) if word.endswith("ies") else (word[:-1], word[:-2])


def entity_type(raw: str, default: str = DEFAULT_ENTITY_TYPE) -> tuple[str, Match]:
    """The schema entity type for a foreign one, and how it was found.

    >>> entity_type("company")
    ('company', 'same')
    >>> entity_type("Universities")
    ('research', 'synonym')
    >>> entity_type("EU institution")
    ('eu_institution', 'synonym')
    >>> entity_type("Regional government")
    ('government', 'synonym')
    >>> entity_type("Wizard", default="person")
    ('person', 'fallback')
    """
    found, match = _lookup(raw, ENTITY_TYPES, ENTITY_SYNONYMS)
    return (found, match) if found else (default, "fallback")


def relation_type(raw: str, default: str = DEFAULT_RELATION_TYPE) -> tuple[str, Match]:
    """The schema relation type for a foreign one, and how it was found.

    >>> relation_type("partner_in")
    ('partner_in', 'same')
    >>> relation_type("is a member of")
    ('member_of', 'synonym')
    >>> relation_type("")
    ('collaborates_with', 'fallback')
    """
    found, match = _lookup(raw, RELATION_TYPES, RELATION_SYNONYMS)
    return (found, match) if found else (default, "fallback")


# Field names other tools use for the schema's columns (folded; the first one present wins).
ENTITY_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "label", "title", "shared name"),
    "type": ("type", "entity type", "node type", "element type", "category", "kind", "group"),
    "aliases": ("aliases", "alias", "also known as", "aka", "other names"),
    "country": ("country", "country code"),
    "description": ("description", "notes", "note", "summary"),
    "url": ("url", "website", "web", "homepage", "link"),
}
RELATION_FIELDS: dict[str, tuple[str, ...]] = {
    "type": (
        "relation type",
        "relation",
        "type",
        "interaction",
        "edge type",
        "kind",
        "label",
        "edge label",
    ),
    "role": ("role",),
    "start": ("start", "start date", "from date", "since"),
    "end": ("end", "end date", "to date", "until"),
    "amount_eur": ("amount eur", "amount", "amount in eur", "eu contribution"),
    "evidence": ("evidence", "excerpt", "quote"),
    "doc": ("doc", "document", "source document"),
}
# Bookkeeping that other tools (or this one) add and that the schema computes or has no use for:
# dropped without a mention. Anything else that is not kept is listed in the import report.
SILENT_FIELDS = frozenset(
    {"id", "suid", "selected", "shared interaction", "line", *(fold(m) for m in METRICS)}
)
# Layout (Gephi's GraphML writes position, size and colour as data): the explorer makes its own.
LAYOUT_FIELDS = frozenset({"x", "y", "z", "r", "g", "b", "size", "color", "colour", "position"})
NODE_SILENT = SILENT_FIELDS | LAYOUT_FIELDS
# Cytoscape names every edge "A (interaction) B": derived, not data.
EDGE_SILENT = SILENT_FIELDS | LAYOUT_FIELDS | {"name", "shared name"}


def canonical(
    attributes: dict[str, str],
    fields: dict[str, tuple[str, ...]],
    silent: frozenset[str] = SILENT_FIELDS,
) -> tuple[dict[str, str], list[str]]:
    """Schema columns from foreign attributes, and the names of the attributes not kept.

    >>> canonical({"Label": "Acme", "Category": "firm", "weight": "2"}, ENTITY_FIELDS)
    ({'name': 'Acme', 'type': 'firm'}, ['weight'])
    """
    by_key: dict[str, tuple[str, str]] = {}
    for name, value in attributes.items():
        by_key.setdefault(fold(name), (name, value))
    kept: dict[str, str] = {}
    used: set[str] = set()
    for column, synonyms in fields.items():
        for synonym in synonyms:
            if synonym in by_key and synonym not in used and by_key[synonym][1].strip():
                kept[column] = by_key[synonym][1].strip()
                used.add(synonym)
                break
    dropped = [
        original
        for key, (original, value) in by_key.items()
        if key not in used
        and key not in silent
        and value.strip()
        # A synonym that lost to another (label beside name) is not data lost.
        and not any(key in synonyms for column, synonyms in fields.items() if column in kept)
    ]
    return kept, dropped


# CORDIS reference data.
CORDIS_ACTIVITY_TYPES: dict[str, tuple[str, str]] = {
    "HES": ("research", "Higher or secondary education establishment"),
    "REC": ("research", "Research organisation"),
    "PRC": ("company", "Private for-profit entity"),
    "PUB": ("government", "Public body"),
    "OTH": ("association", "Other organisation"),
}
# Folded CORDIS role -> (relation type, role text).
CORDIS_ROLES: dict[str, tuple[str, str]] = {
    "coordinator": ("coordinates", "coordinator"),
    "participant": ("partner_in", "participant"),
    "partner": ("partner_in", "partner"),
    "thirdparty": ("partner_in", "third party"),
    "associatedpartner": ("partner_in", "associated partner"),
    "internationalpartner": ("partner_in", "international partner"),
    "beneficiary": ("partner_in", "beneficiary"),
}
CORDIS_PROGRAMMES: dict[str, tuple[str, str]] = {
    "H2020": ("Horizon 2020", "H2020"),
    "HORIZON": ("Horizon Europe", "HORIZON"),
    "HE": ("Horizon Europe", "HORIZON"),
    "FP7": ("Seventh Framework Programme", "FP7"),
}
# CORDIS writes the United Kingdom and Greece as the EU does, not as ISO 3166-1 does.
CORDIS_COUNTRIES = {"UK": "GB", "EL": "GR"}
