"""The questions asked of the network: `centrality`, `path`, `synergy` and `communities`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from ecosystem.cli.support import (
    EXIT_OK,
    UsageError,
    _dump,
    _load_view,
    _positive,
    add_as_of,
    add_cache,
    as_of_fields,
    as_of_line,
    format_table,
    progress_bar,
)


def register(
    commands: Any, common: argparse.ArgumentParser, as_json: argparse.ArgumentParser
) -> None:
    _add_centrality(commands, common, as_json)
    _add_path(commands, common, as_json)
    _add_synergy(commands, common, as_json)
    _add_communities(commands, common, as_json)


def _add_centrality(
    commands: Any, common: argparse.ArgumentParser, as_json: argparse.ArgumentParser
) -> None:
    from ecosystem.analysis.metric_names import METRICS
    from ecosystem.schema import ENTITY_TYPES

    types_help = "entity types: " + ", ".join(ENTITY_TYPES)
    centrality = commands.add_parser(
        "centrality", parents=[common, as_json], help="rank entities by a centrality metric"
    )
    centrality.add_argument(
        "--metric",
        "-m",
        choices=list(METRICS),
        default="betweenness",
        metavar="M",
        help="; ".join(f"{name}: {what.rstrip('.')}" for name, what in METRICS.items())
        + " (default: %(default)s)",
    )
    centrality.add_argument(
        "--type",
        "-t",
        dest="types",
        action="append",
        metavar="T",
        choices=list(ENTITY_TYPES),
        help=f"only these ({types_help})",
    )
    centrality.add_argument("--top", "-n", type=_positive, default=10)
    centrality.add_argument("--raw", action="store_true", help="raw values, not normalised")
    from ecosystem.analysis.metric_names import CONVENTIONS

    centrality.add_argument(
        "--convention",
        choices=list(CONVENTIONS),
        default="graph",
        help="; ".join(f"{name}: {what}" for name, what in CONVENTIONS.items())
        + " (default: %(default)s)",
    )
    add_as_of(centrality)
    centrality.add_argument(
        "--two-mode",
        nargs=2,
        metavar=("TYPE_A", "TYPE_B"),
        choices=list(ENTITY_TYPES),
        help="with --convention two-mode: the entity types of the two modes (e.g. person "
        "event); only links between the two count",
    )
    add_cache(centrality, kept="the metrics")
    centrality.set_defaults(handler=cmd_centrality)


def _add_path(
    commands: Any, common: argparse.ArgumentParser, as_json: argparse.ArgumentParser
) -> None:
    from ecosystem.schema import ENTITY_TYPES, RELATION_TYPES

    path = commands.add_parser(
        "path", parents=[common, as_json], help="collaboration paths between two entities"
    )
    path.add_argument("source", help="id, name or alias")
    path.add_argument("target", help="id, name or alias")
    path.add_argument("--k", type=_positive, default=3, help="how many alternative paths")
    path.add_argument("--avoid", nargs="+", default=[], metavar="X", help="entities to avoid")
    path.add_argument(
        "--via-types",
        nargs="+",
        metavar="T",
        choices=list(ENTITY_TYPES),
        help="entity types a path may pass through",
    )
    path.add_argument(
        "--relation-types",
        nargs="+",
        metavar="R",
        choices=list(RELATION_TYPES),
        help="relation types a path may use",
    )
    path.add_argument(
        "--through-hubs",
        action="store_true",
        help="count every hop the same instead of avoiding generic hubs",
    )
    add_as_of(path)
    add_cache(path)
    path.set_defaults(handler=cmd_path)


def _add_synergy(
    commands: Any, common: argparse.ArgumentParser, as_json: argparse.ArgumentParser
) -> None:
    from ecosystem.schema import ENTITY_TYPES

    synergy = commands.add_parser(
        "synergy", parents=[common, as_json], help="who an actor should work with next, and why"
    )
    synergy.add_argument("entity", nargs="?", help="id, name or alias")
    synergy.add_argument(
        "--type",
        "-t",
        dest="types",
        action="append",
        metavar="T",
        choices=list(ENTITY_TYPES),
        help="only partners (or opportunities) of these types; repeat for several",
    )
    synergy.add_argument("--country", metavar="C", help="only partners from this country (ISO)")
    # Ended relations stay: they are the collaboration history suggestions learn from.
    add_as_of(synergy, hide_past=False)
    synergy.add_argument(
        "--pairs",
        nargs=2,
        metavar=("TYPE_A", "TYPE_B"),
        choices=list(ENTITY_TYPES),
        help="network-wide: the best pairs of these two actor types that never worked together",
    )
    synergy.add_argument("--top", "-n", type=_positive, default=10)
    add_cache(synergy, kept="the learned ranker")
    synergy.set_defaults(handler=cmd_synergy)


def _add_communities(
    commands: Any, common: argparse.ArgumentParser, as_json: argparse.ArgumentParser
) -> None:
    communities = commands.add_parser(
        "communities", parents=[common, as_json], help="Louvain communities, seeded"
    )
    communities.add_argument("--seed", type=int, default=42)
    communities.add_argument("--resolution", type=float, default=1.0)
    add_as_of(communities)
    add_cache(communities)
    communities.set_defaults(handler=cmd_communities)


def cmd_centrality(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.analysis.centrality import METRICS, method, ranking
    from ecosystem.analysis.conventions import convention_scores
    from ecosystem.analysis.metric_names import CONVENTIONS

    view = _load_view(args.data, args)
    dated_line, dated_fields = as_of_line(view), as_of_fields(view)
    view, scores = convention_scores(view, args.metric, args.convention, args.two_mode)
    how = method(view, args.metric).describe() if scores is None else "exact"
    if scores is None and not args.raw and not args.no_cache:
        scores, how = _cached_metric(view, args.metric, args.cache)
    rows = ranking(
        view,
        args.metric,
        entity_type=args.types,
        top=args.top,
        normalized=not args.raw,
        scores=scores,
    )
    if args.json:
        report = {
            "metric": args.metric,
            "normalized": not args.raw,
            "convention": args.convention,
            "method": how,
        }
        _dump({**dated_fields, **report, "ranking": rows}, out)
        return EXIT_OK
    if dated_line:
        print(dated_line, file=out)
    print(f"{args.metric}: {METRICS[args.metric]}", file=out)
    print(f"Computed: {how}.", file=out)
    if args.convention != "graph":
        print(f"Convention: {CONVENTIONS[args.convention]}.", file=out)
    print(file=out)
    table = [(r["rank"], r["name"], r["type"], f"{r['value']:.4f}") for r in rows]
    print(format_table(["#", "entity", "type", args.metric], table), file=out)
    return EXIT_OK


def _cached_metric(view: Any, metric: str, directory: Path | None) -> tuple[Any, str]:
    """``metric``'s normalised values on ``view`` and how they were computed: from the file of
    every metric the explorer caches for this network, else from (or into) a file of that
    metric alone, which the explorer's dated networks share."""
    from ecosystem.cache import compute_metrics, load_metrics

    every = load_metrics(view, directory=directory)
    found = every or compute_metrics(view, directory=directory, names=(metric,))
    return found.values[metric], found.methods[metric].describe()


def _named(view: Any, queries: list[str], args: argparse.Namespace) -> tuple[list[str], Any]:
    """``queries`` as the ids they name, and the name index when one of them needs it.

    An id, or a name or alias that names one entity exactly (case and accents aside), is
    answered from the entities' names alone; anything else (a typo, a name several entities
    share) needs the whole index, read from the cache, to say what it could mean.
    """
    if all(query in view for query in queries):
        return queries, None
    from ecosystem.analysis.lookup import exact_matches

    names = exact_matches(view, [query for query in queries if query not in view])
    found = [query if query in view else names[query] for query in queries]
    if all(isinstance(ids, str) or len(ids) == 1 for ids in found):
        return [ids if isinstance(ids, str) else ids[0] for ids in found], None
    from ecosystem.index_cache import compute_index

    return queries, compute_index(view, directory=args.cache, use_cache=not args.no_cache)


def cmd_path(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.analysis.paths import collaboration_paths, path_index

    view = _load_view(args.data, args)
    (source, target, *avoid), index = _named(view, [args.source, args.target, *args.avoid], args)
    # On the whole network, the compiled searches the explorer runs (a fifth of a second to
    # prepare on H2020) find the same paths as Yen's algorithm on all of it (half a second).
    searched_whole = not (avoid or args.via_types or args.relation_types)
    result = collaboration_paths(
        view,
        source,
        target,
        index=index,
        k=args.k,
        avoid=avoid,
        via_types=args.via_types,
        relation_types=args.relation_types,
        avoid_hubs=not args.through_hubs,
        prepared=path_index(view) if searched_whole else None,
    )
    if args.json:
        _dump({**as_of_fields(view), **result}, out)
        return EXIT_OK
    if args.as_of:
        print(as_of_line(view), file=out)
    titles = document_titles(view)
    for number, path in enumerate(result["paths"], start=1):
        print(
            f"Path {number}: {' → '.join(path['names'])}  "
            f"({path['hops']} hop{'s' if path['hops'] != 1 else ''}, cost {path['cost']:.2f})",
            file=out,
        )
        for step in path["steps"]:
            for relation in step["relations"]:
                print(f"  • {relation['sentence']}", file=out)
                print(f"    “{relation['evidence']}”", file=out)
                print(f"    source: {cited(relation['docs'], titles)}", file=out)
        print(file=out)
    fewest = result["fewest_hops"]
    print(f"{len(fewest)} path(s) with the fewest hops ({len(fewest[0]) - 1}).", file=out)
    return EXIT_OK


def cmd_synergy(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.analysis.synergy import (
        PAIR_SHORTLIST,
        prepare,
        synergy_candidates,
        synergy_pairs,
    )
    from ecosystem.cache import synergy_maxima, synergy_ranker
    from ecosystem.history_cache import synergy_history

    view = _load_view(args.data, args)
    if args.pairs and args.entity:
        raise UsageError("give an entity or --pairs TYPE_A TYPE_B, not both")
    if not args.pairs and not args.entity:
        raise UsageError("name an entity, or ask for --pairs TYPE_A TYPE_B")
    ranker = synergy_ranker(view, directory=args.cache, use_cache=not args.no_cache)
    maxima = synergy_maxima(view, directory=args.cache, use_cache=not args.no_cache)
    history_of = synergy_history(view, directory=args.cache, use_cache=not args.no_cache)
    prepared = prepare(view, as_of=args.as_of, ranker=ranker, maxima=maxima, history_of=history_of)
    if args.pairs:
        with progress_bar("Ranking pairs") as progress:
            pairs = synergy_pairs(
                view,
                *args.pairs,
                top=args.top,
                synergy=prepared,
                progress=lambda done, total: progress(done, total, ""),
            )
        if args.json:
            _dump(pairs, out)
            return EXIT_OK
        print(pairs["method_text"], file=out)
        shortlist = (
            f" (the trees re-rank each one's {PAIR_SHORTLIST} best by the heuristic)"
            if pairs["method"] == "ranker"
            else ""
        )
        print(
            f"The {pairs['sources']} most active of {pairs['of']} {args.pairs[0]} entities, each "
            f"ranked against every {args.pairs[1]}{shortlist}.",
            file=out,
        )
        rows = [
            (p["rank"], p["first"]["name"], p["second"]["name"], p["reason"] or "-")
            for p in pairs["pairs"]
        ]
        print(format_table(["#", args.pairs[0], args.pairs[1], "why"], rows), file=out)
        return EXIT_OK
    (entity,), index = _named(view, [args.entity], args)
    result = synergy_candidates(
        view,
        entity,
        types=args.types,
        country=args.country,
        top=args.top,
        as_of=args.as_of,
        synergy=prepared,
        index=index,
    )
    if args.json:
        _dump(result, out)
        return EXIT_OK
    print_synergy(result, out, document_titles(view))
    return EXIT_OK


def document_titles(view: Any) -> Any:
    """Each recorded document's title, for the network's data folder (none when it has none)."""
    from ecosystem.sources import source_labels

    data_dir = view.graph.get("data_dir")
    return source_labels(data_dir) if data_dir else {}


def cited(docs: list[str], titles: Any) -> str:
    """The documents a relation cites, each by its title and file, as a reader finds them.

    >>> cited(["a.txt", "b.csv"], {"a.txt": "Zoom on ISMC"})
    'Zoom on ISMC (a.txt), b.csv'
    """
    return ", ".join(f"{titles[doc]} ({doc})" if doc in titles else doc for doc in docs)


def print_synergy(result: Any, out: TextIO, titles: Any = None) -> None:
    """A synergy result as a manager reads it; ``titles`` names the cited documents."""
    titles = titles or {}
    entity = result["entity"]
    when = f" as of {result['as_of']}" if result["as_of"] else ""
    print(f"Partners to consider for {entity['name']} ({entity['type']}){when}", file=out)
    print(result["method_text"], file=out)
    print(f"Score: {result['score_note']}", file=out)
    for candidate in result["candidates"]:
        print(file=out)
        country = f", {candidate['country']}" if candidate["country"] else ""
        print(
            f"{candidate['rank']}. {candidate['name']} ({candidate['type']}{country})  "
            f"{candidate['score_text']}",
            file=out,
        )
        for reason in candidate["reasons"]:
            print(f"   - {reason['text']}", file=out)
        if candidate["alike"]:
            names = ", ".join(item["name"] for item in candidate["alike"])
            print(f"   alike, for the same reasons: {names}", file=out)
        if candidate.get("path"):
            print(f"   path: {' → '.join(candidate['path']['names'])}", file=out)
            for step in candidate["path"]["steps"]:
                relation = step["relations"][0]
                print(
                    f"     • {relation['sentence']} [{cited(relation['docs'], titles)}]", file=out
                )
    if not result["candidates"]:
        print("No actor of those types and country is left to suggest.", file=out)
    if result["opportunities"]:
        print(file=out)
        print("Opportunities (open projects, platforms and events to join):", file=out)
        for item in result["opportunities"]:
            print(f"{item['rank']}. {item['name']} ({item['type']}): {item['reason']}", file=out)
    if result["strengthen"]:
        print(file=out)
        print("Already working together (to strengthen):", file=out)
        for item in result["strengthen"]:
            print(f"- {item['name']} ({item['type']}): {item['reason']}", file=out)


def cmd_communities(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.analysis.communities import communities

    view = _load_view(args.data, args)
    result = communities(view, seed=args.seed, resolution=args.resolution)
    if args.json:
        _dump({**as_of_fields(view), **result}, out)
        return EXIT_OK
    if args.as_of:
        print(as_of_line(view), file=out)
    print(
        f"{len(result['communities'])} communities, modularity {result['modularity']:.3f} "
        f"(Louvain, seed {args.seed})",
        file=out,
    )
    rows = [(c["id"], c["size"], c["label"]) for c in result["communities"]]
    print(format_table(["#", "size", "named by its most central members"], rows), file=out)
    return EXIT_OK
