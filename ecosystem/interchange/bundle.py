"""What an import reads, before it meets the dataset: rows in the schema's columns, each with its
origin, and a report of every mapping, drop and match made on the way.

:class:`GraphImport` turns the nodes and edges of any graph format (GEXF, GraphML, Cytoscape.js,
Kumu) into such rows: it maps field names and types, chooses slug ids, and writes the evidence of
each relation that does not document itself ("Imported from x.gexf <edge id="3"> line 40: ...").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ecosystem.analysis.lookup import fold
from ecosystem.checks import ID_PATTERN
from ecosystem.countries import alpha2
from ecosystem.errors import Problem
from ecosystem.interchange.files import Origin, doc_name, slugify
from ecosystem.interchange.vocabulary import (
    DEFAULT_RELATION_TYPE,
    EDGE_SILENT,
    ENTITY_FIELDS,
    NODE_SILENT,
    RELATION_FIELDS,
    canonical,
    entity_type,
    reads_backwards,
    relation_reading,
)
from ecosystem.schema import (
    ENTITY_COLUMNS,
    RELATION_COLUMNS,
    RELATION_TYPES,
    relation_key,
)

_NUMBERED = re.compile(r"^[a-z]{0,2}\d+$")
# Field names that state a relation's type outright; a bare ``label`` may only be a caption.
_TYPE_FIELDS = frozenset(
    {"relation type", "relation", "type", "interaction", "edge type", "kind", "connection type"}
)
# A report lists this many distinct mappings of each kind; the rest are counted in one line.
REPORT_MAPPINGS = 40


@dataclass
class Imported:
    """One entity or relation row read from a foreign file.

    ``keys`` are identifiers that name the same organisation in any dataset (``pic:999644559``);
    ``explicit_id`` says the id came from the file rather than from the name.
    """

    row: dict[str, str]
    origin: Origin
    keys: tuple[str, ...] = ()
    explicit_id: bool = False


@dataclass
class Report:
    """What an import did, or would do on a dry run."""

    format: str
    files: list[str]
    target: str = ""
    dry_run: bool = False
    entities_added: int = 0
    relations_added: int = 0
    relations_present: int = 0
    matched: list[dict] = field(default_factory=list)
    kept_apart: list[dict] = field(default_factory=list)
    mappings: Counter = field(default_factory=Counter)
    dropped: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)
    swapped: Counter = field(default_factory=Counter)
    near_duplicates: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    def map(self, kind: str, foreign: str, ours: str, how: str) -> None:
        if how != "same":
            self.mappings[(kind, foreign, ours, how)] += 1

    def _mapping_rows(self) -> list[dict]:
        """Every distinct mapping with its count, at most :data:`REPORT_MAPPINGS` of each kind
        (the most frequent first); the rest are summed in one row per kind."""
        rows: list[dict] = []
        by_kind: dict[str, list[tuple[tuple, int]]] = {}
        for key, count in self.mappings.items():
            by_kind.setdefault(key[0], []).append((key, count))
        for kind in sorted(by_kind):
            items = sorted(by_kind[kind], key=lambda item: (-item[1], item[0]))
            for (_, foreign, ours, how), count in items[:REPORT_MAPPINGS]:
                rows.append({"kind": kind, "from": foreign, "to": ours, "how": how, "count": count})
            rest = items[REPORT_MAPPINGS:]
            if rest:
                rows.append(
                    {
                        "kind": kind,
                        "from": f"({len(rest)} other values)",
                        "to": "(several)",
                        "how": "summary",
                        "count": sum(count for _, count in rest),
                    }
                )
        return rows

    def as_dict(self) -> dict:
        return {
            "format": self.format,
            "files": self.files,
            "target": self.target,
            "dry_run": self.dry_run,
            "entities_added": self.entities_added,
            "entities_matched": self.matched,
            "possible_duplicates_kept_apart": self.kept_apart,
            "relations_added": self.relations_added,
            "relations_already_present": self.relations_present,
            "possible_near_duplicates": self.near_duplicates,
            "types_mapped": self._mapping_rows(),
            "countries": [
                {"from": foreign, "to": code or None, "count": count}
                for (foreign, code), count in sorted(self.countries.items())
            ],
            "directions_swapped": [
                {"type": kind, "from": foreign, "why": why, "count": count}
                for (kind, foreign, why), count in sorted(self.swapped.items())
            ],
            "not_kept": dict(sorted(self.dropped.items())),
            "notes": self.notes,
            "written": self.written,
        }

    def lines(self) -> list[str]:
        """The report as text for a person."""
        into = f" into {self.target}" if self.target else ""
        out = [f"{self.format} import of {', '.join(self.files)}{into}"]
        out.append(
            f"entities: {self.entities_added} new, {len(self.matched)} matched to existing ones"
        )
        out.extend(
            f"  {m['name']} ({m['origin']}) = {m['id']} ({m['existing_name']}), by {m['by']}"
            for m in self.matched
        )
        if self.kept_apart:
            out.append(f"possible duplicates, kept apart: {len(self.kept_apart)}")
            out.extend(
                f"  {k['name']} ({k['origin']}) -> {k['id']}, like {k['like']}: {k['why']}"
                for k in self.kept_apart
            )
        out.append(
            f"relations: {self.relations_added} new, {self.relations_present} already present"
        )
        if self.near_duplicates:
            out.append(f"possible near-duplicates in the import: {len(self.near_duplicates)}")
            out.extend(
                f"  {d['name']} ({d['id']}) ~ {d['other_name']} ({d['other_id']}): {d['why']}"
                for d in self.near_duplicates
            )
        if self.mappings:
            out.append("types mapped:")
            out.extend(
                f"  {row['kind']} {row['from']!r} -> {row['to']}{_HOW.get(row['how'], '')}: "
                f"{row['count']}"
                for row in self._mapping_rows()
            )
        if self.countries:
            out.append("countries:")
            out.extend(
                f"  {foreign!r} -> {code or 'kept as text (names no country)'}: {count}"
                for (foreign, code), count in sorted(self.countries.items())
            )
        if self.swapped:
            out.append(
                "relations whose file direction was the reverse (source and target swapped):"
            )
            out.extend(
                f"  {foreign!r} read as {kind} ({why}): {count}"
                for (kind, foreign, why), count in sorted(self.swapped.items())
            )
        if self.dropped:
            out.append("not kept (the schema has no column for them):")
            out.extend(f"  {what}: {count}" for what, count in sorted(self.dropped.items()))
        out.extend(f"note: {note}" for note in self.notes)
        if self.dry_run:
            out.append("dry run: nothing written")
        elif self.written:
            out.append(f"written: {', '.join(self.written)}")
        else:
            out.append("nothing to change")
        return out


_HOW = {
    "fallback": " (fallback: no known type matches)",
    "summary": " (each mapped as listed by --json)",
}


@dataclass
class Bundle:
    """Everything read from the files of one import."""

    entities: list[Imported]
    relations: list[Imported]
    report: Report


@dataclass
class _Node:
    key: str
    fields: dict[str, str]
    origin: Origin


@dataclass
class _Edge:
    source: str
    target: str
    fields: dict[str, str]
    origin: Origin
    directed: bool = True


def import_evidence(origin: Origin, statement: str) -> str:
    """The evidence of an imported relation: where it came from, and what it says."""
    return f"Imported from {origin}: {statement}"


class GraphImport:
    """Collects the nodes and edges of a graph file and turns them into schema rows."""

    def __init__(self, report: Report, problems: list[Problem], *, default_type: str):
        self.report = report
        self.problems = problems
        self.default_type = default_type
        self.nodes: dict[str, _Node] = {}
        self.edges: list[_Edge] = []
        self.captions = 0
        # True when the file's ids are a program's (Kumu's _id): names make the ids.
        self.machine_ids = False

    def has(self, key: str) -> bool:
        return key in self.nodes

    def node(self, key: str, attributes: dict[str, str], origin: Origin) -> None:
        """A node with foreign id ``key``; ``attributes`` by their foreign names."""
        if key in self.nodes:
            first = self.nodes[key].origin
            self.problems.append(
                origin.problem(
                    "id",
                    f"duplicate id {key!r} (first at {first.unit} {first.line})",
                    "give each node its own id",
                )
            )
            return
        fields, dropped = canonical(attributes, ENTITY_FIELDS, NODE_SILENT)
        for name in dropped:
            self.report.dropped[f"node attribute {name!r}"] += 1
        self.nodes[key] = _Node(key, fields, origin)

    def edge(
        self,
        source: str,
        target: str,
        attributes: dict[str, str],
        origin: Origin,
        *,
        directed: bool = True,
    ) -> None:
        """An edge between two foreign node ids; ``attributes`` by their foreign names.

        ``directed`` is False for a link the file draws without a direction.
        """
        known = True
        for column, end in (("source", source), ("target", target)):
            if end not in self.nodes:
                known = False
                self.problems.append(
                    origin.problem(
                        column,
                        f"{end!r} is not the id of any node in the file",
                        "link only nodes that the file defines",
                    )
                )
        if not known:
            return
        attributes = self._caption(source, target, attributes)
        fields, dropped = canonical(attributes, RELATION_FIELDS, EDGE_SILENT)
        for name in dropped:
            self.report.dropped[f"edge attribute {name!r}"] += 1
        self.edges.append(_Edge(source, target, fields, origin, directed))

    def _caption(self, source: str, target: str, attributes: dict[str, str]) -> dict[str, str]:
        """A ``label`` that names no relation type is a caption, not a type: it becomes the
        role, or goes when it only names the two ends (Gephi's dynamic ``1026-1032``)."""
        folded = {fold(name): name for name in attributes}
        label = folded.get("label")
        if label is None or any(name in folded for name in _TYPE_FIELDS):
            return attributes
        text = attributes[label].strip()
        if relation_reading(text)[1] != "fallback":
            return attributes
        kept = {name: value for name, value in attributes.items() if name != label}
        names = [fold(self.nodes[end].fields.get("name", end)) for end in (source, target)]
        if not text:
            return kept
        if (source in text and target in text) or all(name in fold(text) for name in names):
            self.report.dropped["edge label naming its two ends"] += 1
        elif "role" not in folded:
            kept["role"] = text
            self.captions += 1
        return kept

    def finish(self) -> tuple[list[Imported], list[Imported]]:
        """Entity and relation rows: ids chosen, types mapped, evidence written."""
        ids = self._choose_ids()
        entities = []
        types: dict[str, str] = {}
        for node in self.nodes.values():
            fields = node.fields
            raw_type = fields.get("type", "")
            kind, how = entity_type(raw_type, self.default_type)
            self.report.map("entity", raw_type or "(none)", kind, how)
            types[node.key] = kind
            row = dict.fromkeys(ENTITY_COLUMNS, "")
            row.update({k: v for k, v in fields.items() if k in row})
            row["country"] = self._country(row["country"])
            row.update(id=ids[node.key], name=fields.get("name") or node.key, type=kind)
            entities.append(Imported(row, node.origin, explicit_id=ids[node.key] == node.key))

        names = {key: node.fields.get("name") or key for key, node in self.nodes.items()}
        relations = []
        seen: dict[tuple[str, ...], Origin] = {}
        loops = duplicates = fallbacks = 0
        for edge in self.edges:
            if edge.source == edge.target:
                loops += 1
                continue
            fields = dict(edge.fields)
            raw_type = fields.get("type", "")
            kind, how, backwards = relation_reading(raw_type, DEFAULT_RELATION_TYPE)
            self.report.map("relation", raw_type or "(none)", kind, how)
            if how == "fallback" and raw_type and not fields.get("role"):
                # The type matched nothing: keep its words as the role rather than lose them.
                fields["role"] = raw_type
                fallbacks += 1
            source, target = edge.source, edge.target
            why = "the type reads the other way" if backwards else ""
            if not backwards and reads_backwards(kind, types[source], types[target]):
                why = f"drawn from the {types[source]} to the {types[target]}"
                backwards = True
            if backwards:
                source, target = target, source
                self.report.swapped[(kind, raw_type or "(none)", why)] += 1
            row = dict.fromkeys(RELATION_COLUMNS, "")
            row.update({k: v for k, v in fields.items() if k in row})
            row.update(source=ids[source], target=ids[target], type=kind)
            key = relation_key(row)
            if key in seen:
                duplicates += 1
                continue
            seen[key] = edge.origin
            self._document(row, edge.origin, names[source], names[target])
            relations.append(Imported(row, edge.origin))
        self._notes(loops, duplicates, fallbacks)
        return entities, relations

    def _country(self, raw: str) -> str:
        """The ISO code of a country however the file writes it; unknown text is kept."""
        if not raw:
            return raw
        code = alpha2(raw)
        if code != raw:
            self.report.countries[(raw, code or "")] += 1
        return code or raw

    def _notes(self, loops: int, duplicates: int, fallbacks: int) -> None:
        notes = self.report.notes
        if loops:
            notes.append(
                f"{loops} edge(s) from a node to itself skipped: a relation links two entities"
            )
        if duplicates:
            notes.append(
                f"{duplicates} edge(s) skipped as repeats of an earlier one "
                "(same ends, type, role and dates)"
            )
        if fallbacks:
            notes.append(
                f"{fallbacks} relation(s) whose type matched no known type became "
                f"{DEFAULT_RELATION_TYPE}, with their type kept as the role"
            )
        if self.captions:
            notes.append(
                f"{self.captions} edge label(s) that name no relation type kept as the role"
            )

    def _document(self, row: dict[str, str], origin: Origin, source: str, target: str) -> None:
        """Keep evidence and doc the file carries; otherwise record where the edge came from."""
        if row["evidence"] and row["doc"]:
            return
        if row["evidence"]:
            row["evidence"] = import_evidence(origin, row["evidence"])
        else:
            role = f" ({row['role']})" if row["role"] else ""
            verb = RELATION_TYPES[row["type"]].verb
            row["evidence"] = import_evidence(origin, f"{source} {verb} {target}{role}")
        row["doc"] = doc_name(origin.file)

    def _choose_ids(self) -> dict[str, str]:
        """Keep the file's ids where they are readable slugs; make them from names otherwise.

        Ids that a program numbered (Gephi's ``n0`` and ``0.0``, Cytoscape's SUIDs, yEd's
        ``n1::n0``) say nothing: when every id of the file looks like that, names make the ids.
        """
        ids: dict[str, str] = {}
        chosen = not self.machine_ids and any(
            ID_PATTERN.match(key) and not _NUMBERED.match(key) for key in self.nodes
        )
        for key in self.nodes:
            if chosen and ID_PATTERN.match(key) and any(char.isalpha() for char in key):
                ids[key] = key
        taken = set(ids.values())
        for key, node in self.nodes.items():
            if key in ids:
                continue
            base = slugify(node.fields.get("name", "")) or slugify(key) or "entity"
            ids[key] = unique_id(base, taken)
            taken.add(ids[key])
        return ids


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is free.

    >>> unique_id("acme", {"acme", "acme-2"})
    'acme-3'
    """
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
