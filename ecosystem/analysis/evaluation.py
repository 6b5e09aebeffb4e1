"""How well synergy scoring finds links: hide some relations, rank, and see if they come back.

For each seed, a share of the links is hidden; every scorer ranks the unlinked pairs of what is
left, and is judged on

- precision@k: of the k best-scored pairs across the network, the share that were hidden links;
- per-entity precision@k: the same for each entity's own top k, averaged over entities that lost
  a link;
- AUC: the chance that a hidden link scores above a pair that was never linked (ties count half),
  from sampled pairs.

Scorers: ``random`` (a baseline), ``common_neighbours`` (a baseline: how many neighbours the two
share) and ``synergy`` (the product's score, two hops; pairs further apart score 0).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from statistics import mean, median

import networkx as nx

from ecosystem.analysis.synergy import candidate_scores

Scorer = Callable[[nx.Graph, random.Random], dict[tuple[str, str], float]]


def _pair(first: str, second: str) -> tuple[str, str]:
    return (first, second) if first < second else (second, first)


def _two_hop_pairs(graph: nx.Graph) -> set[tuple[str, str]]:
    pairs = set()
    for middle in graph:
        around = sorted(graph[middle])
        for index, first in enumerate(around):
            for second in around[index + 1 :]:
                if not graph.has_edge(first, second):
                    pairs.add(_pair(first, second))
    return pairs


def score_random(graph: nx.Graph, rng: random.Random) -> dict[tuple[str, str], float]:
    """Baseline: a random score for every pair two hops apart (others score 0)."""
    return {pair: rng.random() for pair in sorted(_two_hop_pairs(graph))}


def score_common_neighbours(graph: nx.Graph, _rng: random.Random) -> dict:
    """Baseline: the number of shared neighbours."""
    return {
        (a, b): float(len(set(graph[a]) & set(graph[b]))) for a, b in sorted(_two_hop_pairs(graph))
    }


def score_synergy(graph: nx.Graph, _rng: random.Random) -> dict:
    """The product's synergy score (typed Adamic-Adar times complementarity), two hops."""
    scores: dict[tuple[str, str], float] = {}
    for node in graph:
        for candidate, found in candidate_scores(graph, node, max_hops=2).items():
            scores.setdefault(_pair(node, candidate), found.score)
    return scores


SCORERS: dict[str, Scorer] = {
    "random": score_random,
    "common_neighbours": score_common_neighbours,
    "synergy": score_synergy,
}


def _auc(scores: dict, hidden: list, never: list, rng: random.Random, samples: int) -> float:
    if not hidden or not never:
        return float("nan")
    total = 0.0
    for _ in range(samples):
        positive = scores.get(rng.choice(hidden), 0.0)
        negative = scores.get(rng.choice(never), 0.0)
        total += 1.0 if positive > negative else 0.5 if positive == negative else 0.0
    return total / samples


def _precision_at(scores: dict, hidden: set, k: int) -> float:
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]
    return sum(1 for pair, _ in ranked if pair in hidden) / k if ranked else 0.0


def _per_entity_precision(scores: dict, hidden: set, k: int) -> float:
    by_entity: dict[str, list[tuple[float, str]]] = {}
    for (a, b), value in scores.items():
        by_entity.setdefault(a, []).append((value, b))
        by_entity.setdefault(b, []).append((value, a))
    lost = {node for pair in hidden for node in pair}
    values = []
    for node in sorted(lost):
        ranked = sorted(by_entity.get(node, []), key=lambda item: (-item[0], item[1]))[:k]
        hits = sum(1 for _, other in ranked if _pair(node, other) in hidden)
        values.append(hits / k)
    return mean(values) if values else 0.0


def evaluate_link_prediction(
    graph: nx.Graph,
    *,
    fraction: float = 0.15,
    seeds: Iterable[int] = (1, 2, 3, 4, 5),
    k: int = 10,
    auc_samples: int = 5000,
    scorers: dict[str, Scorer] | None = None,
) -> dict:
    """Hide ``fraction`` of the links per seed and score every scorer. Medians over the seeds.

    >>> result = evaluate_link_prediction(nx.karate_club_graph(), seeds=[1], auc_samples=200)
    >>> sorted(result["medians"])
    ['common_neighbours', 'random', 'synergy']
    """
    scorers = scorers or SCORERS
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes(data=True))
    simple.add_edges_from(graph.edges())
    edges = sorted(_pair(str(a), str(b)) for a, b in simple.edges())
    simple = nx.relabel_nodes(simple, str)
    runs: dict[str, list[dict]] = {name: [] for name in scorers}
    seeds = list(seeds)
    for seed in seeds:
        rng = random.Random(seed)
        hidden = rng.sample(edges, max(1, round(fraction * len(edges))))
        hidden_set = set(hidden)
        train = simple.copy()
        train.remove_edges_from(hidden)
        nodes = sorted(simple)
        never: list[tuple[str, str]] = []
        while len(never) < min(auc_samples, 5000):
            a, b = rng.sample(nodes, 2)
            if not simple.has_edge(a, b):
                never.append(_pair(a, b))
        for name, scorer in scorers.items():
            scores = scorer(train, random.Random(seed))
            runs[name].append(
                {
                    "precision_at_k": _precision_at(scores, hidden_set, k),
                    "per_entity_precision_at_k": _per_entity_precision(scores, hidden_set, k),
                    "auc": _auc(scores, hidden, never, random.Random(seed + 1), auc_samples),
                }
            )
    medians = {
        name: {metric: median(run[metric] for run in results) for metric in results[0]}
        for name, results in runs.items()
    }
    return {
        "entities": simple.number_of_nodes(),
        "links": len(edges),
        "hidden_per_seed": max(1, round(fraction * len(edges))),
        "fraction": fraction,
        "seeds": seeds,
        "k": k,
        "runs": runs,
        "medians": medians,
    }
