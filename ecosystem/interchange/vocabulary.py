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
    # French and Spanish forms (folded: no accents), as Gephi Lite's and Kumu's users type them.
    **dict.fromkeys(
        ("entreprise", "societe", "empresa", "compania", "sociedad", "pyme", "startup company"),
        "company",
    ),
    **dict.fromkeys(
        (
            "research group",
            "research lab",
            "laboratory",
            "lab",
            "universite",
            "universidad",
            "laboratoire",
            "laboratorio",
            "centre de recherche",
            "centro de investigacion",
            "groupe de recherche",
            "grupo de investigacion",
            "instituto",
            "institut",
            "ecole",
            "escuela",
            "school",
            "science centre",
            "science center",
            "museum",
        ),
        "research",
    ),
    **dict.fromkeys(
        (
            "ministere",
            "ministerio",
            "gouvernement",
            "gobierno",
            "administration",
            "administracion",
            "ayuntamiento",
            "mairie",
            "collectivite",
            "policy maker",
            "governmental organization",
            "governmental organisation",
            "subnational and local actor",
            "advisory body",
        ),
        "government",
    ),
    **dict.fromkeys(
        (
            "asociacion",
            "federacion",
            "ong",
            "ngo cso",
            "cso",
            "red",
            "reseau",
            "network of organization",
        ),
        "association",
    ),
    **dict.fromkeys(("fondation", "fundacion"), "foundation"),
    **dict.fromkeys(("personne", "persona", "individu", "personal website"), "person"),
    **dict.fromkeys(
        ("evenement", "evento", "congres", "congreso", "conference", "conferencia", "salon"),
        "event",
    ),
    **dict.fromkeys(("ville", "ciudad", "municipio", "commune"), "city"),
    **dict.fromkeys(("region", "comunidad autonoma", "departement", "provincia"), "region"),
    **dict.fromkeys(("pays", "pais", "nation", "state"), "country"),
    **dict.fromkeys(("projet", "proyecto", "event project"), "project"),
    **dict.fromkeys(("programa", "programme de financement"), "programme"),
    **dict.fromkeys(("politique", "politica", "estrategia", "strategie", "ley", "loi"), "policy"),
    **dict.fromkeys(
        ("presse", "prensa", "journal", "periodico", "revista", "medio", "website", "portal"),
        "media",
    ),
    **dict.fromkeys(("lieu", "lugar", "sitio", "parque tecnologico"), "site"),
    **dict.fromkeys(("plateforme", "plataforma", "alianza", "partenariat"), "platform"),
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
    **dict.fromkeys(("founder", "co founder", "co founded"), "founded"),
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
    **dict.fromkeys(("sponsored", "sponsors", "sponsor"), "funds"),
    **dict.fromkeys(("created", "creator", "creator of", "co created", "built"), "founded"),
    **dict.fromkeys(("presented at", "presents", "talk at", "keynote at"), "speaks_at"),
    **dict.fromkeys(("supported", "supporter"), "supports"),
    # French and Spanish forms (folded: no accents).
    **dict.fromkeys(("membre de", "miembro de", "adherent", "socio de"), "member_of"),
    **dict.fromkeys(
        ("travaille pour", "travaille a", "trabaja para", "trabaja en", "empleado de", "salarie"),
        "works_for",
    ),
    **dict.fromkeys(("dirige", "preside", "directeur", "presidente", "director de"), "leads"),
    **dict.fromkeys(("fonde", "fondateur", "fundo", "fundador", "cofundador", "cree"), "founded"),
    **dict.fromkeys(("finance", "financia", "finances", "financeur", "financiador"), "funds"),
    **dict.fromkeys(("coordonne", "coordina", "coordinateur", "coordinador"), "coordinates"),
    **dict.fromkeys(("partenaire", "partenaire de", "socio en"), "partner_in"),
    **dict.fromkeys(("participe a", "participa en", "participante"), "participates_in"),
    **dict.fromkeys(("organise", "organiza", "organisateur", "organizador"), "organises"),
    **dict.fromkeys(("situe a", "situe en", "situado en", "ubicado en", "sede en"), "located_in"),
    **dict.fromkeys(("fait partie de", "parte de", "forma parte de"), "part_of"),
    **dict.fromkeys(
        ("collabore avec", "colabora con", "collaboration avec", "colaboracion"),
        "collaborates_with",
    ),
    **dict.fromkeys(("soutient", "apoya", "soutien", "apoyo"), "supports"),
    **dict.fromkeys(("represente", "representa"), "represents"),
    **dict.fromkeys(("promeut", "promueve", "promotion de"), "promotes"),
    **dict.fromkeys(("intervient a", "ponente en", "interviene en"), "speaks_at"),
    **dict.fromkeys(("beneficie de", "beneficiario de"), "benefits_from"),
}

# Folded foreign relation types that read the other way: "X founded by Y" is "Y founded X".
# The relation keeps the reading of its schema type; source and target are swapped on import.
REVERSED_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(
        ("founded by", "created by", "fonde par", "fundado por", "cree par"), "founded"
    ),
    **dict.fromkeys(
        ("funded by", "financed by", "sponsored by", "finance par", "financiado por"), "funds"
    ),
    **dict.fromkeys(("coordinated by", "coordonne par", "coordinado por"), "coordinates"),
    **dict.fromkeys(("led by", "headed by", "chaired by", "dirige par", "dirigido por"), "leads"),
    **dict.fromkeys(("employs", "employer", "employer of", "emplea"), "works_for"),
    **dict.fromkeys(("has member", "has members", "members", "includes member"), "member_of"),
    **dict.fromkeys(("organised by", "organized by", "hosted by", "organise par"), "organises"),
    **dict.fromkeys(("has part", "includes", "contains", "comprend", "incluye"), "part_of"),
    **dict.fromkeys(("supported by", "backed by", "soutenu par", "apoyado por"), "supports"),
    **dict.fromkeys(("represented by", "represente par", "representado por"), "represents"),
    **dict.fromkeys(("promoted by", "promu par", "promovido por"), "promotes"),
    **dict.fromkeys(("governed by", "gouverne par", "gobernado por"), "governs"),
    **dict.fromkeys(("location of", "hosts site"), "located_in"),
    **dict.fromkeys(("has partner", "partners"), "partner_in"),
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
# Cytoscape names every edge "A (interaction) B", and exports name each document by its title
# (read from sources.csv): derived, not data.
EDGE_SILENT = SILENT_FIELDS | LAYOUT_FIELDS | {"name", "shared name", "directed", "doc title"}


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
