"""Merge imported rows into an existing dataset without duplicating anyone.

An imported entity is the same as an existing one when, in this order:

1. they share a registry number: ``PIC 999644559`` or ``CORDIS 101091569`` among the aliases;
2. they have the same id and either the same type or the same normalised name;
3. one normalised name or alias of each is the same, and so is the type, or both are kinds of
   organisation (a CORDIS "other" organisation may be the dataset's foundation). A normalised
   name is folded (case, accents and punctuation ignored) and stripped of a trailing legal form,
   so "PIZARRAS LA BAÑA, S.A." is "Pizarras la Baña".

A match keeps the existing row and adds what the import knows that it lacks: the new spelling as
an alias, and an empty country, description or url. Every match is reported. A name shared with an
entity of another type, or with several entities, is not merged but reported as a possible
duplicate. Relations already in the dataset (same ends, type, role and dates) are not added again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ecosystem.analysis.lookup import fold
from ecosystem.graph import Dataset
from ecosystem.interchange.bundle import Bundle, Imported, unique_id
from ecosystem.interchange.files import Origin
from ecosystem.schema import (
    ALIAS_SEPARATOR,
    ENTITIES_FILE,
    ENTITY_COLUMNS,
    RELATION_COLUMNS,
    RELATIONS_FILE,
    relation_key,
)

_REGISTRY = re.compile(r"^(PIC|CORDIS)\s+(\d+)$", re.IGNORECASE)
_LEGAL_FORMS_BY_REGION = (
    ("sa", "sl", "slu", "sau", "sll", "srl", "spa", "sas", "sarl", "sca", "scs", "sc", "lda"),
    ("gmbh", "mbh", "ag", "kg", "ug", "ev", "eg", "se", "bv", "nv", "ab", "as", "asa", "aps"),
    ("oy", "oyj", "sro", "doo", "kft", "zrt", "ltd", "limited", "plc", "llp", "llc", "inc"),
    ("corp", "co"),
)
LEGAL_FORMS = frozenset(form for group in _LEGAL_FORMS_BY_REGION for form in group)
# Types that are all organisations: other tools type them coarsely, so they match each other.
ORGANISATION_TYPES = frozenset(
    {
        "cluster",
        "foundation",
        "eu_institution",
        "eu_directorate",
        "eu_agency",
        "platform",
        "government",
        "company",
        "association",
        "research",
        "media",
    }
)


def compatible(first: str, second: str) -> bool:
    """Whether entities of these two types may be the same one."""
    return first == second or (first in ORGANISATION_TYPES and second in ORGANISATION_TYPES)


_LEGAL_PHRASES = (("sociedad", "anonima"), ("sociedad", "limitada"), ("s", "coop"))


def name_key(text: str) -> str:
    """A name compared across spellings: folded, initials joined, trailing legal form dropped.

    >>> name_key("PIZARRAS LA BAÑA, S.A.")
    'pizarras la bana'
    >>> name_key("Acme GmbH & Co. KG") == name_key("ACME")
    True
    >>> name_key("SA")
    'sa'
    """
    words: list[str] = []
    initials: list[str] = []
    for word in fold(text).split():
        if len(word) == 1:
            initials.append(word)
            continue
        if initials:
            words.append("".join(initials))
            initials = []
        words.append(word)
    if initials:
        words.append("".join(initials))
    stripped = True
    while stripped and len(words) > 1:
        stripped = False
        for phrase in _LEGAL_PHRASES:
            if len(words) > len(phrase) and tuple(words[-len(phrase) :]) == phrase:
                del words[-len(phrase) :]
                stripped = True
        if len(words) > 1 and words[-1] in LEGAL_FORMS:
            words.pop()
            stripped = True
    return " ".join(words)


def registry_keys(aliases: str) -> tuple[str, ...]:
    """``pic:999644559`` and ``cordis:101091569`` keys from the aliases that carry them."""
    keys = []
    for alias in aliases.split(ALIAS_SEPARATOR):
        match = _REGISTRY.match(alias.strip())
        if match:
            keys.append(f"{match.group(1).lower()}:{match.group(2)}")
    return tuple(keys)


def _names(row: dict[str, str]) -> list[str]:
    aliases = [a.strip() for a in row.get("aliases", "").split(ALIAS_SEPARATOR)]
    return [row["name"], *(a for a in aliases if a and not _REGISTRY.match(a))]


@dataclass
class Merged:
    """The dataset after the merge: rows of both files and where each row came from."""

    entity_columns: tuple[str, ...]
    entities: list[dict[str, str]]
    entity_origins: list[Origin]
    relation_columns: tuple[str, ...]
    relations: list[dict[str, str]]
    relation_origins: list[Origin]
    changed: bool


class _Index:
    """The entities so far, by id, registry key and normalised name."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, str]] = {}
        self.registry: dict[str, set[str]] = {}
        self.names: dict[str, set[str]] = {}

    def add(self, row: dict[str, str], keys: Iterable[str] = ()) -> None:
        self.rows[row["id"]] = row
        for key in (*registry_keys(row.get("aliases", "")), *keys):
            self.registry.setdefault(key, set()).add(row["id"])
        for name in _names(row):
            if name_key(name):
                self.names.setdefault(name_key(name), set()).add(row["id"])


def merge(existing: Dataset | None, bundle: Bundle) -> Merged:
    """The existing rows (unchanged but for what matches add) followed by the new ones."""
    entity_columns = _columns(existing.entities if existing else (), ENTITY_COLUMNS)
    relation_columns = _columns(existing.relations if existing else (), RELATION_COLUMNS)
    entities: list[dict[str, str]] = []
    entity_origins: list[Origin] = []
    index = _Index()
    for existing_row in existing.entities if existing else ():
        fields = {column: existing_row[column] for column in entity_columns}
        entities.append(fields)
        entity_origins.append(Origin(ENTITIES_FILE, existing_row.line))
        index.add(fields)
    renamed, entities_changed = _merge_entities(
        bundle, index, entity_columns, entities, entity_origins
    )
    relations: list[dict[str, str]] = []
    relation_origins: list[Origin] = []
    for existing_row in existing.relations if existing else ():
        relations.append({column: existing_row[column] for column in relation_columns})
        relation_origins.append(Origin(RELATIONS_FILE, existing_row.line))
    relations_changed = _merge_relations(
        bundle, renamed, relation_columns, relations, relation_origins
    )
    return Merged(
        entity_columns,
        entities,
        entity_origins,
        relation_columns,
        relations,
        relation_origins,
        entities_changed or relations_changed,
    )


def _merge_entities(
    bundle: Bundle,
    index: _Index,
    columns: tuple[str, ...],
    entities: list[dict[str, str]],
    origins: list[Origin],
) -> tuple[dict[str, str], bool]:
    """Match or append each imported entity; answer the id each import id became, and whether
    anything changed."""
    report = bundle.report
    changed = False
    renamed: dict[str, str] = {}
    # Imported entities are matched against the dataset only, never against each other: two
    # rows of one file are two entities unless the file itself says otherwise.
    taken = set(index.rows)
    for item in bundle.entities:
        match, by, apart = _match(item, index)
        if apart:
            report.kept_apart.append(apart)
        if match is not None:
            target = index.rows[match]
            renamed[item.row["id"]] = match
            added = _enrich(target, item.row)
            changed |= bool(added)
            index.add(target, item.keys)
            report.matched.append(
                {
                    "name": item.row["name"],
                    "origin": str(item.origin),
                    "id": match,
                    "existing_name": target["name"],
                    "by": by,
                    "added": added,
                }
            )
            continue
        row = {column: item.row.get(column, "") for column in columns}
        row["id"] = unique_id(item.row["id"], taken)
        if row["id"] != item.row["id"] and item.row["id"] in index.rows:
            other = index.rows[item.row["id"]]
            report.notes.append(
                f"{item.row['name']} ({item.origin}) imported as {row['id']}: the id "
                f"{item.row['id']} is {other['name']} ({other['type']})"
            )
        taken.add(row["id"])
        renamed[item.row["id"]] = row["id"]
        entities.append(row)
        origins.append(item.origin)
        report.entities_added += 1
        changed = True
    return renamed, changed


def _merge_relations(
    bundle: Bundle,
    renamed: dict[str, str],
    columns: tuple[str, ...],
    relations: list[dict[str, str]],
    origins: list[Origin],
) -> bool:
    """Append each imported relation the dataset lacks, its ends renamed as their entities
    were; answer whether any was added."""
    report = bundle.report
    seen = {relation_key(row) for row in relations}
    changed = False
    for item in bundle.relations:
        row = {column: item.row.get(column, "") for column in columns}
        row["source"] = renamed.get(row["source"], row["source"])
        row["target"] = renamed.get(row["target"], row["target"])
        key = relation_key(row)
        if key in seen:
            report.relations_present += 1
            continue
        seen.add(key)
        relations.append(row)
        origins.append(item.origin)
        report.relations_added += 1
        changed = True
    return changed


def _columns(rows, required: tuple[str, ...]) -> tuple[str, ...]:
    """The existing file's columns (extra ones kept), with any schema column it lacks."""
    present = tuple(rows[0].fields) if rows else ()
    return present + tuple(column for column in required if column not in present)


def _match(item: Imported, index: _Index) -> tuple[str | None, str, dict | None]:
    """(existing id or None, how it matched, a possible-duplicate note or None)."""
    row = item.row
    for key in (*item.keys, *registry_keys(row.get("aliases", ""))):
        registered = index.registry.get(key, set())
        if len(registered) == 1:
            return next(iter(registered)), key.split(":")[0].upper(), None
    same = index.rows.get(row["id"])
    if same is not None and (
        compatible(same["type"], row["type"]) or name_key(same["name"]) == name_key(row["name"])
    ):
        return row["id"], "id", None
    candidates: dict[str, str] = {}
    for number, name in enumerate(_names(row)):
        for found in index.names.get(name_key(name), ()):
            candidates.setdefault(found, "normalised name" if number == 0 else "alias")
    same_type = [
        found for found in candidates if compatible(index.rows[found]["type"], row["type"])
    ]
    if len(same_type) == 1:
        return same_type[0], candidates[same_type[0]], None
    if not candidates:
        return None, "", None
    others = same_type or list(candidates)
    like = ", ".join(
        f"{index.rows[found]['name']} ({found}, {index.rows[found]['type']})"
        for found in sorted(others)
    )
    why = (
        "several existing entities share the name"
        if same_type
        else "same name, another kind of entity"
    )
    note = {
        "name": row["name"],
        "origin": str(item.origin),
        "id": row["id"],
        "like": like,
        "why": why,
    }
    return None, "", note


def _enrich(target: dict[str, str], imported: dict[str, str]) -> list[str]:
    """Add to an existing row what it lacks; answer what was added."""
    added = []
    aliases = [a for a in target.get("aliases", "").split(ALIAS_SEPARATOR) if a.strip()]
    known = {fold(name) for name in (target["id"], target["name"], *aliases)}
    imported_aliases = imported.get("aliases", "").split(ALIAS_SEPARATOR)
    for raw in (imported["name"], *imported_aliases):
        name = raw.strip()
        if name and fold(name) not in known and ALIAS_SEPARATOR not in name:
            aliases.append(name)
            known.add(fold(name))
            added.append(f"alias {name!r}")
    target["aliases"] = ALIAS_SEPARATOR.join(aliases)
    for column in ("country", "description", "url"):
        if not target.get(column) and imported.get(column):
            target[column] = imported[column]
            added.append(column)
    return added
