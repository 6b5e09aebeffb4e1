"""The view state, declared once: what a person is looking at, and everything a link reproduces.

Each attribute of :class:`ViewState` declares, beside its default, the component and property
that hold it in the page, its key in the URL and its :class:`Kind` (how a value is checked when a
client sends it and how it is written in and read from a URL). The callbacks' inputs and
outputs, the URL writer and the URL parser are all derived from that one table, :data:`FIELDS`,
so adding a field is one edit here.

Values from a client are checked strictly (:func:`from_client`): a value no control of the page
can hold raises :class:`BadInput`, which the server answers with 400. Values from a URL are read
leniently (:func:`parse_url`): a hand-made or stale link opens the nearest valid view.

Importing this module does not import Dash (only the callback helpers do), so the story files
(:mod:`ecosystem.stories`) check their views against this table without the web stack.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode

from ecosystem.analysis.centrality import METRICS
from ecosystem.analysis.periods import month_text, read_month
from ecosystem.errors import EcosystemError
from ecosystem.schema import ENTITY_TYPES, RELATION_TYPES
from ecosystem.web.ids import ID

if TYPE_CHECKING:
    from dash import Input, Output, State

    from ecosystem.explorer import Model

LAYOUTS = {
    "force": "Force-directed (fixed)",
    "concentric": "Concentric by centrality",
    "breadthfirst": "Breadth-first from the selection",
    "circle": "Circle",
    "grid": "Grid",
}
COLOUR_MODES = {"type": "Entity type", "community": "Community"}
TABS = {
    "details": "Details",
    "paths": "Paths",
    "synergy": "Synergy",
    "centrality": "Centrality",
    "story": "Story",
}
MAX_HOPS = 3
MAX_PATH_K = 10
MAX_MIN_DEGREE = 1000
MAX_TOP = 100
MAX_QUERY_CHARS = 4000
MAX_LIST_ITEMS = 64
MAX_ID_CHARS = 1000
MAX_STORY_STEPS = 200
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class BadInput(EcosystemError):
    """A client sent a value that no control of the page can hold (answered 400)."""


class Kind:
    """How one field's value is checked from a client and written to and read from a URL."""

    def from_client(self, model: Model, raw: Any) -> Any:
        raise NotImplementedError

    def from_url(self, model: Model, text: str) -> Any:
        return self.from_client(model, text)

    def to_url(self, value: Any) -> str:
        return str(value)

    def to_client(self, model: Model, value: Any) -> Any:
        return value


class Entity(Kind):
    """An entity id; an id the network does not hold (a stale link) reads as none."""

    def from_client(self, model: Model, raw: Any) -> str | None:
        if not isinstance(raw, str) or len(raw) > MAX_ID_CHARS:
            raise BadInput("an entity id must be a string")
        return raw if raw in model.view else None


class Link(Kind):
    """A link between two entities, as the pair of its ends in id order."""

    def from_client(self, model: Model, raw: Any) -> tuple[str, str] | None:
        if not (isinstance(raw, list) and len(raw) == 2 and all(isinstance(e, str) for e in raw)):
            raise BadInput("a link must be a list of two entity ids")
        first, second = sorted(raw)
        return (first, second) if model.view.has_edge(first, second) else None

    def from_url(self, model: Model, text: str) -> tuple[str, str] | None:
        # Ids may hold "~" themselves: any split whose two sides are linked entities will do.
        for at in (i for i, c in enumerate(text) if c == "~"):
            found = self.from_client(model, [text[:at], text[at + 1 :]])
            if found:
                return found
        return None

    def to_url(self, value: tuple[str, str]) -> str:
        return "~".join(value)

    def to_client(self, model: Model, value: tuple[str, str] | None) -> list[str] | None:
        return list(value) if value else None


@dataclass(frozen=True)
class Choice(Kind):
    allowed: Collection[str]

    def from_client(self, model: Model, raw: Any) -> str:
        if not isinstance(raw, str) or raw not in self.allowed:
            raise BadInput(f"expected one of {', '.join(sorted(self.allowed))}")
        return raw


@dataclass(frozen=True)
class Choices(Kind):
    """Several of a fixed set, in the order given, each once; unknown names are dropped."""

    allowed: Collection[str]

    def allowed_in(self, model: Model) -> Collection[str]:
        return self.allowed

    def from_client(self, model: Model, raw: Any) -> tuple[str, ...]:
        if not isinstance(raw, list) or len(raw) > MAX_LIST_ITEMS:
            raise BadInput(f"expected a list of at most {MAX_LIST_ITEMS} names")
        if not all(isinstance(item, str) for item in raw):
            raise BadInput("expected a list of names")
        allowed = self.allowed_in(model)
        return tuple(dict.fromkeys(item for item in raw if item in allowed))

    def from_url(self, model: Model, text: str) -> tuple[str, ...]:
        return self.from_client(model, text.split(",")[:MAX_LIST_ITEMS])

    def to_url(self, value: tuple[str, ...]) -> str:
        return ",".join(value)

    def to_client(self, model: Model, value: tuple[str, ...]) -> list[str]:
        return list(value)


@dataclass(frozen=True)
class Countries(Choices):
    """Several of the countries the network's entities are in."""

    allowed: Collection[str] = ()

    def allowed_in(self, model: Model) -> Collection[str]:
        return model.country_counts


@dataclass(frozen=True)
class Number(Kind):
    """A whole number, clamped to ``low``..``high``."""

    low: int
    high: int

    def from_client(self, model: Model, raw: Any) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            raise BadInput(f"expected a number from {self.low} to {self.high}")
        return int(min(max(round(raw), self.low), self.high))

    def from_url(self, model: Model, text: str) -> int:
        try:
            return self.from_client(model, int(text))
        except ValueError:
            raise BadInput("not a whole number") from None


@dataclass(frozen=True)
class Flag(Kind):
    """On or off; in the URL, ``token`` when on."""

    token: str

    def from_client(self, model: Model, raw: Any) -> bool:
        if not isinstance(raw, bool):
            raise BadInput("expected true or false")
        return raw

    def from_url(self, model: Model, text: str) -> bool:
        return text == self.token

    def to_url(self, value: bool) -> str:
        return self.token if value else ""


@dataclass(frozen=True)
class Tick(Kind):
    """On or off, held by a one-box checklist whose value lists ``token`` when ticked."""

    token: str

    def from_client(self, model: Model, raw: Any) -> bool:
        if not isinstance(raw, list) or len(raw) > 1:
            raise BadInput("expected a list of at most one value")
        return self.token in raw

    def from_url(self, model: Model, text: str) -> bool:
        if text not in ("yes", "no"):
            raise BadInput("expected yes or no")
        return text == "yes"

    def to_url(self, value: bool) -> str:
        return "yes" if value else "no"

    def to_client(self, model: Model, value: bool) -> list[str]:
        return [self.token] if value else []


@dataclass(frozen=True)
class Month(Kind):
    """A month of the data's dates, ``YYYY-MM``: the network as it stood at the month's end.

    A control holds the month's number (:func:`~ecosystem.analysis.periods.month_number`);
    with ``whole``, the control's last position, one step past its last period, means no date
    (the whole network). In a URL a year alone means its December. Dates outside the periods
    are brought to the nearest; a network without dates takes none.
    """

    whole: bool = False

    def _clamped(self, model: Model, month: int, *, whole: bool = False) -> str | None:
        dated = model.span
        if dated is None or (whole and month >= dated.whole):
            return None
        stops = dated.periods
        return month_text(min(max(month, stops[0]), stops[-1]))

    def from_client(self, model: Model, raw: Any) -> str | None:
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            raise BadInput("expected a month number")
        if not 0 <= raw < 12 * 10_000:
            raise BadInput("expected a month number of a year from 0 to 9999")
        return self._clamped(model, round(raw), whole=self.whole)

    def from_url(self, model: Model, text: str) -> str | None:
        month = read_month(text, end=True)
        if month is None:
            raise BadInput("expected a date as YYYY or YYYY-MM")
        return self._clamped(model, month)

    def to_client(self, model: Model, value: str | None) -> int | None:
        if value is not None:
            return read_month(value)
        return model.span.whole if self.whole and model.span is not None else None


@dataclass(frozen=True)
class Name(Kind):
    """A plain file name (letters, digits, ``.``, ``-``, ``_``), such as a story's."""

    def from_client(self, model: Model, raw: Any) -> str:
        if not isinstance(raw, str) or not NAME.fullmatch(raw) or ".." in raw:
            raise BadInput("expected a name of letters, digits, '.', '-' and '_'")
        return raw


def _field(default: Any, component: str, prop: str, key: str, kind: Kind) -> Any:
    spec = {"component": component, "prop": prop, "key": key, "kind": kind}
    return dataclasses.field(default=default, metadata=spec)


@dataclass(frozen=True)
class ViewState:
    """What a person is looking at: every field is in the URL and comes back from it."""

    selected: str | None = _field(None, ID.SEARCH, "value", "sel", Entity())
    link: tuple[str, str] | None = _field(None, ID.LINK, "data", "link", Link())
    path_from: str | None = _field(None, ID.PATH_FROM, "value", "from", Entity())
    path_to: str | None = _field(None, ID.PATH_TO, "value", "to", Entity())
    path_k: int = _field(3, ID.PATH_K, "value", "k", Number(1, MAX_PATH_K))
    avoid_hubs: bool = _field(True, ID.PATH_HUBS, "value", "hubs", Tick("avoid"))
    path_choice: int = _field(1, ID.PATH_CHOICE, "value", "alt", Number(1, MAX_PATH_K))
    pick: str | None = _field(None, ID.PICKED, "data", "pick", Entity())
    focus: str | None = _field(None, ID.FOCUS, "data", "at", Entity())
    synergy_types: tuple[str, ...] = _field(
        (), ID.SYNERGY_TYPES, "value", "stypes", Choices(ENTITY_TYPES)
    )
    synergy_countries: tuple[str, ...] = _field(
        (), ID.SYNERGY_COUNTRIES, "value", "scountry", Countries()
    )
    types: tuple[str, ...] = _field((), ID.TYPES, "value", "types", Choices(ENTITY_TYPES))
    relations: tuple[str, ...] = _field((), ID.RELATIONS, "value", "rels", Choices(RELATION_TYPES))
    countries: tuple[str, ...] = _field((), ID.COUNTRIES, "value", "countries", Countries())
    min_degree: int = _field(0, ID.MIN_DEGREE, "value", "deg", Number(0, MAX_MIN_DEGREE))
    hops: int = _field(0, ID.HOPS, "value", "hops", Number(0, MAX_HOPS))
    metric: str = _field("degree", ID.METRIC, "value", "metric", Choice(METRICS))
    top: int = _field(15, ID.TOP_N, "value", "top", Number(1, MAX_TOP))
    presenter: bool = _field(False, ID.PRESENTER, "data", "mode", Flag("present"))
    colour: str = _field("type", ID.COLOUR, "value", "colour", Choice(COLOUR_MODES))
    layout: str = _field("force", ID.LAYOUT, "value", "layout", Choice(LAYOUTS))
    tab: str = _field("details", ID.TABS, "value", "tab", Choice(TABS))
    as_of: str | None = _field(None, ID.AS_OF, "value", "asof", Month(whole=True))
    hide_past: bool = _field(False, ID.HIDE_PAST, "value", "past", Tick("hide"))
    new_since: str | None = _field(None, ID.NEW_SINCE, "value", "new", Month())
    story: str | None = _field(None, ID.STORY, "data", "story", Name())
    story_step: int = _field(0, ID.STORY_STEP, "data", "step", Number(0, MAX_STORY_STEPS))


@dataclass(frozen=True)
class Field:
    """One row of the view-state table."""

    name: str
    default: Any
    component: str
    prop: str
    key: str
    kind: Kind


FIELDS: tuple[Field, ...] = tuple(
    Field(name=f.name, default=f.default, **f.metadata) for f in dataclasses.fields(ViewState)
)
BY_NAME: Mapping[str, Field] = {field.name: field for field in FIELDS}


def opening(model: Model) -> ViewState:
    """The view an address without a query opens: what the page holds when it is sent, the
    panels filled for it (their callbacks do not run as the page opens)."""
    return parse_url(model, "")


def parse_url(model: Model, query: Any) -> ViewState:
    """The view a URL query string asks for, keeping what is valid and dropping the rest.

    Unknown ids and types are dropped, numbers clamped, anything else ignored: a hand-made or
    hostile link opens the nearest valid view rather than an error.
    """
    if not isinstance(query, str) or not query:
        return ViewState()
    values = parse_qs(query.lstrip("?")[:MAX_QUERY_CHARS])
    changes: dict[str, Any] = {}
    for field in FIELDS:
        text = values.get(field.key, [""])[0]
        if text:
            with contextlib.suppress(BadInput):
                changes[field.name] = field.kind.from_url(model, text)
    return ViewState(**changes)


def encode_url(state: ViewState) -> str:
    """The query string (with ``?``, or empty) that :func:`parse_url` reads back as ``state``."""
    pairs = [
        (field.key, field.kind.to_url(value))
        for field in FIELDS
        if (value := getattr(state, field.name)) != field.default and value is not None
    ]
    return "?" + urlencode([pair for pair in pairs if pair[1]], safe=",~") if pairs else ""


def from_client(model: Model, values: Mapping[str, Any]) -> ViewState:
    """The view state that component values sent by a client hold; fields not sent keep their
    defaults. Raises :class:`BadInput` for a value no control could hold."""
    changes = {}
    for name, raw in values.items():
        field = BY_NAME[name]
        if raw is not None:
            try:
                changes[name] = field.kind.from_client(model, raw)
            except BadInput as error:
                raise BadInput(f"{field.component}.{field.prop}: {error}") from None
    return ViewState(**changes)


def to_client(model: Model, state: ViewState) -> dict[str, Any]:
    """Each field's value as its component holds it."""
    return {field.name: field.kind.to_client(model, getattr(state, field.name)) for field in FIELDS}


def inputs(*names: str) -> dict[str, Input]:
    """Callback inputs for the named fields (all when none are named), keyed by field name."""
    from dash import Input

    return {f.name: Input(f.component, f.prop) for f in _named(names)}


def states(*names: str) -> dict[str, State]:
    """Like :func:`inputs`, as callback states."""
    from dash import State

    return {f.name: State(f.component, f.prop) for f in _named(names)}


def outputs() -> dict[str, Output]:
    """Callback outputs for every field: the URL callback is their one writer."""
    from dash import Output

    return {f.name: Output(f.component, f.prop) for f in FIELDS}


def _named(names: tuple[str, ...]) -> tuple[Field, ...]:
    return tuple(BY_NAME[name] for name in names) if names else FIELDS
