"""What synergy queries return, written down as types, their bounds and their one error."""

from __future__ import annotations

from typing import TypedDict

from ecosystem.analysis.results import Path as PathRecord
from ecosystem.errors import EcosystemError

MAX_TOP = 200
MAX_PAIR_SOURCES = 300
PAIR_SHORTLIST = 200  # network-wide pairs: candidates per actor the learned ranker re-ranks
NAMED = 3  # entities named in one reason


class SynergyQueryError(EcosystemError):
    """The synergy question cannot be asked as put."""


class Brief(TypedDict):
    id: str
    name: str
    type: str
    country: str


class Reason(TypedDict):
    kind: str  # partners, reach, programme, kind, place, activity, coordinator
    text: str
    entities: list[str]  # the ids the text names, for highlighting


class Shared(TypedDict):
    id: str
    name: str


class Highlight(TypedDict):
    nodes: list[str]
    edges: list[list[str]]  # pairs of ids linked in the view


class Suggestion(TypedDict):
    rank: int
    id: str
    name: str
    type: str
    country: str
    percentile: float  # share of the candidates ranked below, 0-100
    score_text: str  # "top 2% of 340"
    score: float  # the method's raw score (log-odds for the ranker)
    reasons: list[Reason]
    reason: str  # the reasons in one line
    alike: list[Brief]  # lower-ranked candidates with the very same reasons, folded into this one
    shared: dict[str, list[Shared]]  # reason entities grouped by kind of reason
    path: PathRecord | None  # the connecting path, each step with its evidence
    highlight: Highlight


class Opportunity(TypedDict):
    rank: int
    id: str
    name: str
    type: str
    reason: str
    entities: list[str]
    score: float


class Strengthen(TypedDict):
    id: str
    name: str
    type: str
    country: str
    reason: str
    venues: list[Shared]
    last: str  # ISO date of the latest dated shared venue, "" when undated


class SynergyResult(TypedDict):
    entity: Brief
    method: str  # "ranker" or a heuristic's key
    method_text: str
    score_note: str
    as_of: str
    types: list[str]
    country: str
    considered: int
    max_hops: int
    candidates: list[Suggestion]
    opportunities: list[Opportunity]
    strengthen: list[Strengthen]


class PairSuggestion(TypedDict):
    rank: int
    first: Brief
    second: Brief
    score: float
    score_text: str
    reason: str
    reasons: list[Reason]


class PairsResult(TypedDict):
    types: list[str]
    method: str
    method_text: str
    sources: int  # entities of the first type scored (the most active, when bounded)
    of: int  # entities of the first type
    pairs: list[PairSuggestion]
