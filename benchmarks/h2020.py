"""Turn the CORDIS Horizon 2020 participation data into the project's entities and relations files.

    python -m benchmarks.h2020 [--source DIR] [--out DIR] [--slice 10000] [--seed 42]

Reads ``h2020.csv.gz`` (one row per organisation in a project), ``organisations.csv`` (names, for
the organisations it knows) and ``programme_parts.csv.gz`` from ``--source`` (the shared
``data/cordis-h2020/`` by default) and writes two datasets that ``ecosystem.graph.load_graph``
accepts:

- ``OUT/h2020-full/``: every organisation (``org-<pic>``), project (``proj-<rcn>``) and country
  (``country-<code>``); one ``coordinates`` or ``partner_in`` relation per participation (the
  CORDIS role in ``role``, the EU contribution in ``amount_eur``, the project's dates), and one
  ``located_in`` relation per organisation;
- ``OUT/h2020-slice/``: a connected subgraph of ``--slice`` entities, breadth-first from the
  organisation with the most participations, neighbours taken in a seeded random order, so it is
  the same on every run; every relation between two kept entities is kept.

Activity types map to entity types: higher education (HES) and research organisations (REC) to
``research``, private companies (PRC) to ``company``, public bodies (PUB) to ``government``,
other (OTH) to ``association``. Every relation's evidence names the source row
(``h2020.csv.gz line N``, the header being line 1) and its doc is ``h2020.csv.gz``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import random
import re
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path

from ecosystem.interchange.vocabulary import CORDIS_COUNTRIES
from ecosystem.schema import ENTITIES_FILE, ENTITY_COLUMNS, RELATION_COLUMNS, RELATIONS_FILE

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "cordis-h2020"
DEFAULT_OUT = ROOT / "benchmarks" / ".data"
PARTICIPATIONS = "h2020.csv.gz"
ORGANISATIONS = "organisations.csv"
PROGRAMME_PARTS = "programme_parts.csv.gz"
ISO_CODES = Path("/usr/share/iso-codes/json/iso_3166-1.json")

ENTITY_TYPE = {
    "HES": "research",
    "REC": "research",
    "PRC": "company",
    "PUB": "government",
    "OTH": "association",
}
ACTIVITY = {
    "HES": "higher or secondary education establishment",
    "REC": "research organisation",
    "PRC": "private for-profit entity",
    "PUB": "public body",
    "OTH": "other organisation",
}
# CORDIS writes the United Kingdom and Greece by their EU codes; the entity column wants ISO.
ISO_COUNTRY = CORDIS_COUNTRIES
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AMOUNT = re.compile(r"^\d+(?:\.\d+)?$")


def repair_name(text: str) -> str:
    """Undo the UTF-8-read-as-Mac-Roman damage of some names in ``organisations.csv``.

    >>> repair_name("Universit√© Sorbonne Nouvelle Paris 3")
    'Université Sorbonne Nouvelle Paris 3'
    >>> repair_name("Université")  # already sound: left alone
    'Université'
    """
    text = " ".join(text.split())
    if text.isascii():
        return text
    try:
        return text.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def country_names(path: Path = ISO_CODES) -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> common name, from Debian's iso-codes when installed, else {}."""
    try:
        table = json.loads(path.read_text(encoding="utf-8"))["3166-1"]
    except (OSError, ValueError, KeyError):
        return {}
    return {row["alpha_2"]: row.get("common_name", row["name"]) for row in table}


def _read_csv(path: Path) -> Iterable[tuple[int, dict[str, str]]]:
    """Rows of a (possibly gzipped) CSV as text, each with the line it starts on."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), strict=True)
    line = reader.line_num + 2
    for row in reader:
        yield line, row
        line = reader.line_num + 1


def convert(
    source: Path, *, names: Mapping[str, str] | None = None
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The entities and relations rows of the whole network, in a stable order.

    ``names`` maps ISO country codes to names (:func:`country_names` by default); a country it
    does not name is called by its code.
    """
    names = country_names() if names is None else names
    known = {row["pic"]: row for _, row in _read_csv(source / ORGANISATIONS)}
    parts: dict[str, list[str]] = {}
    if (source / PROGRAMME_PARTS).is_file():
        for _, row in _read_csv(source / PROGRAMME_PARTS):
            parts.setdefault(row["rcn"], []).append(row["programme_part"])

    organisations: dict[str, dict[str, str]] = {}
    projects: dict[str, dict[str, str]] = {}
    countries: dict[str, dict[str, str]] = {}
    relations: list[dict[str, str]] = []
    located: list[dict[str, str]] = []
    for line, row in _read_csv(source / PARTICIPATIONS):
        pic, rcn, code = row["pic"], row["rcn"], row["country"]
        org_id, project_id = f"org-{pic}", f"proj-{rcn}"
        if org_id not in organisations:
            organisations[org_id] = _organisation(org_id, row, known.get(pic))
            # "NA" is Namibia here: every participation names a country.
            if re.fullmatch(r"[A-Z]{2}", code):
                country_id = f"country-{code.lower()}"
                iso = ISO_COUNTRY.get(code, code)
                countries.setdefault(
                    country_id,
                    {
                        "id": country_id,
                        "name": names.get(iso, code),
                        "type": "country",
                        "aliases": code if iso != code else "",
                        "country": iso,
                        "description": f"Country of H2020 participants (CORDIS code {code}).",
                    },
                )
                located.append(
                    _relation(
                        org_id,
                        country_id,
                        "located_in",
                        evidence=f"CORDIS H2020 participation: "
                        f"{organisations[org_id]['name']} country {code} "
                        f"({PARTICIPATIONS} line {line})",
                    )
                )
        if project_id not in projects:
            projects[project_id] = _project(project_id, row, parts.get(rcn, []))
        start, end = _dates(row)
        role = row["role"]
        relations.append(
            _relation(
                org_id,
                project_id,
                "coordinates" if role == "coordinator" else "partner_in",
                role=role,
                start=start,
                end=end,
                amount_eur=row["contribution"] if AMOUNT.match(row["contribution"]) else "",
                evidence=f"CORDIS H2020 participation: {organisations[org_id]['name']} {role} "
                f"in project {rcn} ({PARTICIPATIONS} line {line})",
            )
        )
    entities = [
        *organisations.values(),
        *projects.values(),
        *sorted(countries.values(), key=lambda e: e["id"]),
    ]
    return entities, relations + located


def _organisation(org_id: str, row: dict[str, str], known: dict[str, str] | None) -> dict:
    pic, activity = row["pic"], row["type"]
    name = repair_name(known["name"]) if known else ""
    short = repair_name(known["short_name"]) if known else ""
    aliases = [f"PIC {pic}"]
    if short and short.casefold() != name.casefold():
        aliases.insert(0, short)
    city = repair_name(known["city"]).title() if known and known["city"] else ""
    description = f"Horizon 2020 participant: {ACTIVITY.get(activity, 'organisation')}"
    code = row["country"]
    return {
        "id": org_id,
        "name": name or f"Organisation PIC {pic}",
        "type": ENTITY_TYPE.get(activity, "association"),
        "aliases": "|".join(a.replace("|", "/") for a in aliases),
        "country": ISO_COUNTRY.get(code, code) if re.fullmatch(r"[A-Z]{2}", code) else "",
        "description": description + (f" in {city}." if city else "."),
    }


def _project(project_id: str, row: dict[str, str], parts: list[str]) -> dict[str, str]:
    rcn = row["rcn"]
    start, end = _dates(row)
    when = f", {start} to {end}" if start and end else ""
    programme = f", programme part {', '.join(sorted(set(parts)))}" if parts else ""
    funding = (
        f", EU contribution up to {float(row['max_contribution']):,.0f} EUR"
        if AMOUNT.match(row["max_contribution"])
        else ""
    )
    return {
        "id": project_id,
        "name": f"H2020 project {rcn}",
        "type": "project",
        "aliases": f"RCN {rcn}",
        "description": f"Horizon 2020 project (CORDIS record {rcn}{programme}{when}{funding}).",
    }


def _dates(row: dict[str, str]) -> tuple[str, str]:
    start, end = row["start_date"], row["end_date"]
    start = start if DATE.match(start) else ""
    end = end if DATE.match(end) else ""
    if start and end and end < start:
        return "", ""
    return start, end


def _relation(source: str, target: str, kind: str, **columns: str) -> dict[str, str]:
    return {"source": source, "target": target, "type": kind, "doc": PARTICIPATIONS, **columns}


def slice_rows(
    entities: list[dict[str, str]],
    relations: list[dict[str, str]],
    size: int,
    *,
    seed: int = 42,
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """A connected subgraph of ``size`` entities and every relation among them.

    Breadth-first from the organisation with the most relations (ties: smallest id), each
    entity's neighbours in a random order drawn from ``seed``: the same slice on every run.
    """
    neighbours: dict[str, set[str]] = {}
    for relation in relations:
        neighbours.setdefault(relation["source"], set()).add(relation["target"])
        neighbours.setdefault(relation["target"], set()).add(relation["source"])
    if not neighbours:
        return [], []
    start = min(
        (node for node in neighbours if node.startswith("org-")),
        key=lambda node: (-len(neighbours[node]), node),
        default=min(neighbours),
    )
    rng = random.Random(seed)
    kept = {start: None}
    queue = deque([start])
    while queue and len(kept) < size:
        around = sorted(neighbours[queue.popleft()])
        rng.shuffle(around)
        for node in around:
            if node not in kept:
                kept[node] = None
                queue.append(node)
                if len(kept) == size:
                    break
    return (
        [entity for entity in entities if entity["id"] in kept],
        [r for r in relations if r["source"] in kept and r["target"] in kept],
    )


def write_dataset(
    entities: Iterable[Mapping[str, str]], relations: Iterable[Mapping[str, str]], out: Path
) -> Path:
    """Write ``entities.csv`` and ``relations.csv`` (every column, in schema order) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for name, columns, rows in (
        (ENTITIES_FILE, ENTITY_COLUMNS, entities),
        (RELATIONS_FILE, RELATION_COLUMNS, relations),
    ):
        with (out / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, restval="", lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return out


def build(
    source: Path = DEFAULT_SOURCE,
    out: Path = DEFAULT_OUT,
    *,
    slice_size: int = 10_000,
    seed: int = 42,
) -> dict[str, Path]:
    """Write the full network and the slice under ``out``; their folders by name."""
    entities, relations = convert(source)
    sliced = slice_rows(entities, relations, slice_size, seed=seed)
    return {
        "full": write_dataset(entities, relations, out / "h2020-full"),
        "slice": write_dataset(*sliced, out / "h2020-slice"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--slice", type=int, default=10_000, dest="slice_size")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    for name, folder in build(
        args.source, args.out, slice_size=args.slice_size, seed=args.seed
    ).items():
        print(f"{name}: {folder}")


if __name__ == "__main__":
    main()
