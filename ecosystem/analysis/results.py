"""The shapes of analysis results, written down once: the command line, the app and the exports
read these keys, so a renamed key fails type-checking in one place rather than at run time."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Literal, TypedDict


class Relation(TypedDict):
    """One relation told for people and machines
    (:func:`~ecosystem.analysis.explain.explained_relation`)."""

    source: str
    target: str
    type: str
    role: str
    start: str
    end: str
    amount_eur: str
    direction: Literal["forward", "backward", "both"]
    sentence: str
    evidence: str
    docs: list[str]
    line: int | None


Hop = TypedDict(
    "Hop",
    {"from": str, "to": str, "from_name": str, "to_name": str, "relations": list[Relation]},
)
"""One hop of a path: its two ends and every relation between them."""


class Path(TypedDict):
    nodes: list[str]
    names: list[str]
    hops: int
    cost: float
    steps: list[Hop]


class Entity(TypedDict):
    id: str
    name: str


class PathOptions(TypedDict):
    k: int
    avoid: list[str]
    via_types: list[str]
    relation_types: list[str]
    avoid_hubs: bool


class PathResult(TypedDict):
    """What :func:`~ecosystem.analysis.paths.collaboration_paths` returns."""

    source: Entity
    target: Entity
    options: PathOptions
    paths: list[Path]
    fewest_hops: list[list[str]]


class Ranked(TypedDict):
    """One row of :func:`~ecosystem.analysis.centrality.ranking`."""

    rank: int
    id: Hashable
    name: str
    type: str
    value: float
