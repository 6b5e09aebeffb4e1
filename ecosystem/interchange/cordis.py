"""CORDIS bulk files: ``organization.csv`` and ``project.csv`` as the EU publishes them.

Both files are ``;``-separated UTF-8 with a header row, for Horizon 2020 and Horizon Europe alike
(Horizon Europe adds an ``active`` column). Which file is which is read from its header, not its
name. What becomes of them:

- every organisation (by PIC) an entity, its type from the activity type (HES and REC research,
  PRC company, PUB government, OTH association), ``PIC <number>`` among its aliases so that a later
  import matches it whatever its spelling;
- every project an entity named by its acronym, with ``CORDIS <id>`` among its aliases, its title
  as description and its CORDIS page as url;
- every participation a relation from the organisation to the project: ``coordinates`` for the
  coordinator, ``partner_in`` with the role (participant, partner, third party, associated
  partner) otherwise, with the project's dates and the organisation's EU contribution;
- the framework programme (Horizon 2020, Horizon Europe) ``funds`` each project with its maximum
  EU contribution.
"""

from __future__ import annotations

import re
from pathlib import Path

from ecosystem.checks import URL_PATTERN
from ecosystem.errors import Problem
from ecosystem.interchange.bundle import Imported, Report, import_evidence, unique_id
from ecosystem.interchange.files import (
    CsvTable,
    Origin,
    decode,
    doc_name,
    missing_columns,
    read_delimited,
    slugify,
)
from ecosystem.interchange.vocabulary import (
    CORDIS_ACTIVITY_TYPES,
    CORDIS_COUNTRIES,
    CORDIS_PROGRAMMES,
    CORDIS_ROLES,
)
from ecosystem.schema import ENTITY_COLUMNS, RELATION_COLUMNS

ORGANIZATION_REQUIRED = ("projectID", "projectAcronym", "organisationID", "name", "role")
PROJECT_REQUIRED = ("id", "acronym", "title", "startDate", "endDate")

_AMOUNT = re.compile(r"^\d+(?:\.\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_SEPARATORS = {",": "comma", "\t": "tab", "|": "pipe"}


def read(
    paths: list[Path], report: Report, problems: list[Problem], *, default_type: str
) -> tuple[list[Imported], list[Imported]]:
    """Entities and relations from CORDIS ``organization.csv`` and/or ``project.csv``."""
    tables: dict[str, CsvTable] = {}
    for path in paths:
        kind, table = _read_table(path, problems)
        if table is None:
            continue
        if kind in tables:
            problems.append(
                Problem(
                    table.name,
                    1,
                    "-",
                    f"a second {kind}.csv (the first is {tables[kind].name})",
                    f"import one {kind}.csv at a time",
                )
            )
            continue
        tables[kind] = table
    if problems:
        return [], []
    return _Reader(tables, report, problems, default_type).run()


def _read_table(path: Path, problems: list[Problem]) -> tuple[str, CsvTable | None]:
    name = path.name
    text = decode(path.read_bytes(), name, problems)
    if text is None:
        return "", None
    header_line = text.split("\n", 1)[0]
    if ";" not in header_line:
        found = next((sep for sep in _SEPARATORS if sep in header_line), None)
        looks = f"it looks {_SEPARATORS[found]}-separated" if found else "it has one column"
        problems.append(
            Problem(
                name,
                1,
                "-",
                f"the header has no ';': CORDIS files are ';'-separated and {looks}",
                "import the file as downloaded from CORDIS, or save it again with ';' as the "
                "separator",
            )
        )
        return "", None
    table = read_delimited(text, name, ";", problems)
    if table is None:
        return "", None
    if "organisationID" in table.header:
        kind, required = "organization", ORGANIZATION_REQUIRED
    elif "acronym" in table.header and "title" in table.header:
        kind, required = "project", PROJECT_REQUIRED
    else:
        problems.append(
            Problem(
                name,
                1,
                "-",
                "neither a CORDIS organization.csv (no organisationID column) nor a project.csv "
                f"(no acronym and title columns); the header is {', '.join(table.header)[:200]}",
                "use organization.csv and project.csv from a CORDIS bulk download",
            )
        )
        return "", None
    if missing_columns(table, required, problems, f"CORDIS {kind}.csv"):
        return kind, None
    return kind, table


class _Reader:
    def __init__(
        self, tables: dict[str, CsvTable], report: Report, problems: list[Problem], default: str
    ):
        self.tables = tables
        self.report = report
        self.problems = problems
        self.default_type = default
        self.entities: list[Imported] = []
        self.relations: list[Imported] = []
        self.taken: set[str] = set()
        self.projects: dict[str, Imported] = {}  # CORDIS project id -> entity
        self.dates: dict[str, tuple[str, str]] = {}
        self.countries_fixed = 0
        self.urls_dropped = 0

    def run(self) -> tuple[list[Imported], list[Imported]]:
        if "project" in self.tables:
            self._projects(self.tables["project"])
        if "organization" in self.tables:
            self._organisations(self.tables["organization"])
        else:
            self.report.notes.append("no organization.csv: projects and their funding only")
        if self.countries_fixed:
            self.report.notes.append(
                f"{self.countries_fixed} CORDIS country code(s) UK or EL written as ISO GB or GR"
            )
        if self.urls_dropped:
            self.report.notes.append(
                f"{self.urls_dropped} organisation web address(es) that are not http(s) addresses "
                "left out"
            )
        return self.entities, self.relations

    def _entity(self, origin: Origin, base: str, keys: tuple[str, ...], **fields: str) -> Imported:
        row = dict.fromkeys(ENTITY_COLUMNS, "")
        row.update(fields)
        row["id"] = unique_id(base, self.taken)
        self.taken.add(row["id"])
        entity = Imported(row, origin, keys=keys)
        self.entities.append(entity)
        return entity

    def _relation(self, origin: Origin, statement: str, **fields: str) -> None:
        row = dict.fromkeys(RELATION_COLUMNS, "")
        row.update(fields)
        row["evidence"] = import_evidence(origin, statement)
        row["doc"] = doc_name(origin.file)
        self.relations.append(Imported(row, origin))

    def _projects(self, table: CsvTable) -> None:
        programmes: dict[str, Imported] = {}
        seen: dict[str, int] = {}
        for line, row in table.rows:
            origin = Origin(table.name, line)
            number = row["id"]
            if not number:
                self.problems.append(origin.problem("id", "empty", "every project has an id"))
                continue
            if number in seen:
                self.problems.append(
                    origin.problem(
                        "id",
                        f"duplicate project id {number} (first on line {seen[number]})",
                        "keep one row per project",
                    )
                )
                continue
            seen[number] = line
            start = self._date(origin, "startDate", row["startDate"])
            end = self._date(origin, "endDate", row["endDate"])
            self.dates[number] = (start, end)
            acronym, title = row["acronym"], " ".join(row["title"].split())
            project = self._entity(
                origin,
                slugify(acronym) or f"project-{number}",
                (f"cordis:{number}",),
                name=acronym or f"Project {number}",
                type="project",
                aliases="|".join(a for a in (title, f"CORDIS {number}") if a and a != acronym),
                description=title,
                url=f"https://cordis.europa.eu/project/id/{number}",
            )
            self.projects[number] = project
            code = row.get("frameworkProgramme", "").strip()
            if not code:
                continue
            if code not in programmes:
                name, alias = CORDIS_PROGRAMMES.get(code.upper(), (code, code))
                programmes[code] = self._entity(
                    origin,
                    slugify(name) or "programme",
                    (),
                    name=name,
                    type="programme",
                    aliases=alias if alias != name else "",
                    description="EU framework programme for research and innovation.",
                )
            programme = programmes[code]
            amount = self._amount(origin, "ecMaxContribution", row.get("ecMaxContribution", ""))
            money = f", maximum EU contribution {amount} EUR" if amount else ""
            self._relation(
                origin,
                f"{programme.row['name']} funds {project.row['name']} "
                f"(CORDIS project {number}){money}",
                source=programme.row["id"],
                target=project.row["id"],
                type="funds",
                start=start,
                end=end,
                amount_eur=amount,
            )

    def _organisations(self, table: CsvTable) -> None:
        organisations: dict[str, Imported] = {}
        missing_projects: set[str] = set()
        for line, row in table.rows:
            origin = Origin(table.name, line)
            pic, number = row["organisationID"], row["projectID"]
            for column in ("organisationID", "projectID", "name"):
                if not row[column]:
                    self.problems.append(
                        origin.problem(column, "empty", "use the file as CORDIS published it")
                    )
            if not (pic and number and row["name"]):
                continue
            if pic not in organisations:
                organisations[pic] = self._organisation(origin, pic, row)
            organisation = organisations[pic]
            if number not in self.projects:
                if "project" in self.tables:
                    missing_projects.add(number)
                acronym = row["projectAcronym"]
                self.projects[number] = self._entity(
                    origin,
                    slugify(acronym) or f"project-{number}",
                    (f"cordis:{number}",),
                    name=acronym or f"Project {number}",
                    type="project",
                    aliases=f"CORDIS {number}",
                    url=f"https://cordis.europa.eu/project/id/{number}",
                )
            project = self.projects[number]
            raw_role = row["role"]
            kind, role = CORDIS_ROLES.get(
                raw_role.casefold().replace(" ", "").replace("_", ""), ("", "")
            )
            if not kind:
                kind, role = "partner_in", raw_role
                self.report.map("relation", raw_role or "(none)", kind, "fallback")
            amount = self._amount(origin, "ecContribution", row.get("ecContribution", ""))
            start, end = self.dates.get(number, ("", ""))
            money = f", EU contribution {amount} EUR" if amount else ""
            self._relation(
                origin,
                f"{organisation.row['name']} is {role} in {project.row['name']} "
                f"(CORDIS project {number}){money}",
                source=organisation.row["id"],
                target=project.row["id"],
                type=kind,
                role=role,
                start=start,
                end=end,
                amount_eur=amount,
            )
        if missing_projects:
            self.report.notes.append(
                f"{len(missing_projects)} project(s) of organization.csv are not in project.csv: "
                "imported with their acronym only"
            )

    def _organisation(self, origin: Origin, pic: str, row: dict[str, str]) -> Imported:
        code = row.get("activityType", "").strip().upper()
        kind, label = CORDIS_ACTIVITY_TYPES.get(code, (self.default_type, "Organisation"))
        self.report.map(
            "entity",
            code or "(none)",
            kind,
            "synonym" if code in CORDIS_ACTIVITY_TYPES else "fallback",
        )
        country = row.get("country", "").strip().upper()
        if country in CORDIS_COUNTRIES:
            country = CORDIS_COUNTRIES[country]
            self.countries_fixed += 1
        name = " ".join(row["name"].split())
        short = row.get("shortName", "").strip()
        city = row.get("city", "").strip()
        place = ", ".join(part for part in (city, country) if part)
        sme = " (SME)" if row.get("SME", "").strip().casefold() in ("true", "yes", "1") else ""
        return self._entity(
            origin,
            slugify(name) or f"pic-{pic}",
            (f"pic:{pic}",),
            name=name,
            type=kind,
            aliases="|".join(a for a in (short, f"PIC {pic}") if a and a != name),
            country=country,
            description=f"{label}{sme}{' in ' + place if place else ''}, CORDIS PIC {pic}.",
            url=self._url(row.get("organizationURL", "")),
        )

    def _url(self, value: str) -> str:
        value = value.strip()
        if not value:
            return ""
        if not value.startswith(("http://", "https://")):
            value = "http://" + value
        if URL_PATTERN.match(value):
            return value
        self.urls_dropped += 1
        return ""

    def _date(self, origin: Origin, column: str, value: str) -> str:
        if not value:
            return ""
        if _DATE.match(value):
            return value[:10]
        self.problems.append(
            origin.problem(column, f"{value!r} is not a date", "CORDIS dates read YYYY-MM-DD")
        )
        return ""

    def _amount(self, origin: Origin, column: str, value: str) -> str:
        """An amount in euros as the schema writes it; CORDIS files have used both 1.5 and 1,5."""
        value = value.strip()
        if value in ("", "NA", "null"):
            return ""
        if value.count(",") == 1 and "." not in value:
            value = value.replace(",", ".")
        if _AMOUNT.match(value):
            return value
        self.problems.append(
            origin.problem(column, f"{value!r} is not an amount", "write a plain number of euros")
        )
        return ""
