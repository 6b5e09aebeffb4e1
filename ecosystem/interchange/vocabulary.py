"""How foreign types and field names map onto the schema's vocabularies.

Other tools let people type anything as a type ("University", "NGO", "funder of"). Each foreign
type is folded (case, accents and punctuation ignored), looked up among the schema's own types,
then among the synonyms of :mod:`ecosystem.interchange.synonyms`, then as a plural; what matches
nothing takes the fallback (:data:`DEFAULT_ENTITY_TYPE`, or ``--default-type``;
:data:`DEFAULT_RELATION_TYPE` for relations).
The import report lists every mapping it made and how often, so nothing is mapped silently.
"""

from __future__ import annotations

from typing import Literal

from ecosystem.analysis.lookup import fold
from ecosystem.analysis.metric_names import METRICS
from ecosystem.interchange.formats import DEFAULT_ENTITY_TYPE
from ecosystem.interchange.synonyms import ENTITY_SYNONYMS, RELATION_SYNONYMS, REVERSED_SYNONYMS
from ecosystem.schema import ENTITY_TYPES, RELATION_TYPES

DEFAULT_RELATION_TYPE = "collaborates_with"

Match = Literal["same", "synonym", "fallback"]


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


_AUXILIARIES = ("is ", "was ", "are ", "were ", "has been ", "es ", "est ", "fue ")


def relation_reading(raw: str, default: str = DEFAULT_RELATION_TYPE) -> tuple[str, Match, bool]:
    """The schema relation type for a foreign one, how it was found, and whether it reads the
    other way (``founded by``: the file's target founded its source).

    >>> relation_reading("Founded by")
    ('founded', 'synonym', True)
    >>> relation_reading("is funded by")
    ('funds', 'synonym', True)
    >>> relation_reading("fondateur")
    ('founded', 'synonym', False)
    >>> relation_reading("sponsored")
    ('funds', 'synonym', False)
    """
    key = fold(raw)
    for auxiliary in _AUXILIARIES:
        if key.startswith(auxiliary) and key[len(auxiliary) :] in REVERSED_SYNONYMS:
            key = key[len(auxiliary) :]
    if key in REVERSED_SYNONYMS:
        return REVERSED_SYNONYMS[key], "synonym", True
    found, match = relation_type(raw, default)
    return found, match, False


# What kind of entity each end of a relation is, where the type says so. When a file's link has
# its ends the other way round (Kumu's "Employee/Founder" drawn from the company to the person),
# the ends are swapped so the relation reads as its type does: "Ken Howery founded PayPal".
PERSON = frozenset({"person"})
PLACES = frozenset({"city", "region", "country", "site"})
EVENTS = frozenset({"event"})
PROJECTS = frozenset({"project"})
# type -> (types the source must be, types the target must not be)
_ENDS: dict[str, tuple[frozenset[str] | None, frozenset[str]]] = {
    "works_for": (PERSON, PERSON),
    "leads": (None, PERSON),
    "founded": (None, PERSON),
    "speaks_at": (None, PERSON | PLACES),
    "member_of": (None, PERSON),
    "partner_in": (None, PERSON | PLACES),
    "coordinates": (None, PERSON | PLACES),
    "participates_in": (None, PERSON | PLACES),
    "organises": (None, PERSON | PLACES),
    "located_in": (None, frozenset(set(ENTITY_TYPES) - PLACES)),
    "reports_on": (frozenset({"media"}), frozenset()),
}


def reads_backwards(kind: str, source_type: str, target_type: str) -> bool:
    """Whether a ``kind`` relation from a ``source_type`` to a ``target_type`` entity only
    makes sense the other way round.

    >>> reads_backwards("founded", "company", "person")
    True
    >>> reads_backwards("founded", "person", "company")
    False
    >>> reads_backwards("located_in", "city", "company")
    True
    >>> reads_backwards("collaborates_with", "company", "person")
    False
    """
    rule = _ENDS.get(kind)
    if rule is None:
        return False

    def fits(source: str, target: str) -> bool:
        sources, not_targets = rule
        return (sources is None or source in sources) and target not in not_targets

    return not fits(source_type, target_type) and fits(target_type, source_type)


# Field names other tools use for the schema's columns (folded; the first one present wins).
ENTITY_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "label", "title", "shared name"),
    "type": (
        "type",
        "entity type",
        "node type",
        "element type",
        "actor type",
        "category",
        "kind",
        "group",
    ),
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
        "connection type",
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
# Cytoscape names every edge "A (interaction) B", exports name each document by its title (read
# from sources.csv), and those of a network as of a date mark the relations ended by then (from
# their end dates): derived, not data.
EDGE_SILENT = (
    SILENT_FIELDS | LAYOUT_FIELDS | {"name", "shared name", "directed", "doc title", "past"}
)


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
