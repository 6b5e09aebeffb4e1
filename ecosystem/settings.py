"""Every setting that changes a computed number, in frozen dataclasses passed as parameters.

Each class names the algorithm it configures and a version of it (``ALGORITHM``): the on-disk
cache keys a result by :func:`fingerprint`, the settings' every field plus that version, so no
setting can change, and no algorithm can change meaning, without the cache computing afresh.
Bump a class's ``ALGORITHM`` when its code changes what it computes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class LayoutSettings:
    """How the fixed force-directed layout is computed (:func:`ecosystem.positions.positions`).

    Up to ``kamada_kawai_limit`` entities, Kamada-Kawai from a seeded spring layout; up to
    ``force_limit``, the seeded spring layout of ``spring_iterations``; larger, the
    ``core_size`` best-linked entities laid out with their ``core_ties`` closest ties and the rest
    placed ``satellite_step`` from the entity they were reached from. ``scale`` is the screen
    size of a 100-entity layout, ``aspect`` its width over its height. Up to ``force_limit``,
    entities whose node or label would overlap another's are then pushed apart, at least
    ``overlap_margin`` between them, for up to ``overlap_rounds`` passes (0: not at all).
    """

    ALGORITHM: ClassVar[str] = "layout-5"
    seed: int = 42
    kamada_kawai_limit: int = 600
    force_limit: int = 3000
    core_size: int = 450  # under 500, networkx uses its fast dense spring solver
    core_ties: int = 3
    spring_iterations: int = 100
    satellite_step: float = 45.0
    scale: float = 330.0
    aspect: float = 1.4  # width over height, as a screen
    overlap_margin: float = 10.0
    overlap_rounds: int = 300


@dataclass(frozen=True)
class CommunitySettings:
    """Louvain communities (:func:`ecosystem.analysis.communities.communities`)."""

    ALGORITHM: ClassVar[str] = "louvain-2"  # 2: igraph above the compiled threshold
    seed: int = 42
    resolution: float = 1.0


@dataclass(frozen=True)
class MetricSettings:
    """When the centralities run compiled and when they are sampled
    (:mod:`ecosystem.analysis.fast`)."""

    ALGORITHM: ClassVar[str] = "centrality-1"
    fast_above: int = 2_000
    approximate_above: int = 5_000
    betweenness_sources: int = 1_000
    distance_sources: int = 250
    exact_top: int = 200
    seed: int = 42
    # Components up to this size get eigenvector centrality from a dense solver (exact, as
    # NetworkX's reference path does); larger ones from ARPACK on the sparse adjacency matrix.
    dense_eigen_limit: int = 512


@dataclass(frozen=True)
class Settings:
    """What the explorer computes once per dataset, and how much of it a browser is sent."""

    metrics: MetricSettings = field(default_factory=MetricSettings)
    communities: CommunitySettings = field(default_factory=CommunitySettings)
    layout: LayoutSettings = field(default_factory=LayoutSettings)
    max_elements: int = 2000  # nodes and links sent to a browser at most


def fingerprint(settings: Any) -> dict[str, Any]:
    """What a cache key holds of ``settings``: its algorithm and version, and every field.

    >>> fingerprint(CommunitySettings(seed=7))
    {'algorithm': 'louvain-2', 'seed': 7, 'resolution': 1.0}
    """
    return {"algorithm": type(settings).ALGORITHM, **dataclasses.asdict(settings)}
