"""The ``ecosystem`` command line: parse, load, call the pure functions, print.

Every command takes ``--data DIR`` (the shipped data by default). Problems the user can fix go to
stderr with exit code 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from ecosystem.errors import DataError, EcosystemError

EXIT_OK = 0
EXIT_PROBLEM = 2


def _data_dir(value: str) -> Path:
    return Path(value)


def build_parser() -> argparse.ArgumentParser:
    from ecosystem import __version__
    from ecosystem.graph import default_data_dir

    parser = argparse.ArgumentParser(
        prog="ecosystem", description="Explore a stakeholder and ecosystem network."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data",
        type=_data_dir,
        default=default_data_dir(),
        metavar="DIR",
        help="folder with entities.csv and relations.csv (default: the shipped data)",
    )
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="print JSON for machines")

    validate = commands.add_parser(
        "validate", parents=[common], help="check the data files and list every problem"
    )
    validate.add_argument(
        "--documents",
        type=Path,
        metavar="DIR",
        help="also check that every evidence excerpt stands in the document it cites",
    )
    validate.set_defaults(handler=cmd_validate)

    stats = commands.add_parser(
        "stats", parents=[common, as_json], help="counts, components, density, best connected"
    )
    stats.add_argument("--top", type=int, default=5, help="how many best-connected entities")
    stats.set_defaults(handler=cmd_stats)

    from ecosystem.analysis.centrality import METRICS
    from ecosystem.schema import ENTITY_TYPES, RELATION_TYPES

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
    from ecosystem.analysis.conventions import CONVENTIONS

    centrality.add_argument(
        "--convention",
        choices=list(CONVENTIONS),
        default="graph",
        help="; ".join(f"{name}: {what}" for name, what in CONVENTIONS.items())
        + " (default: %(default)s)",
    )
    centrality.add_argument(
        "--two-mode",
        nargs=2,
        metavar=("TYPE_A", "TYPE_B"),
        choices=list(ENTITY_TYPES),
        help="with --convention two-mode: the entity types of the two modes (e.g. person "
        "event); only links between the two count",
    )
    centrality.set_defaults(handler=cmd_centrality)

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
    path.set_defaults(handler=cmd_path)

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
    synergy.add_argument(
        "--as-of",
        metavar="DATE",
        help="ignore every relation that starts after DATE (YYYY-MM-DD), the ranker's training too",
    )
    synergy.add_argument(
        "--pairs",
        nargs=2,
        metavar=("TYPE_A", "TYPE_B"),
        choices=list(ENTITY_TYPES),
        help="network-wide: the best pairs of these two actor types that never worked together",
    )
    synergy.add_argument("--top", "-n", type=_positive, default=10)
    synergy.add_argument(
        "--cache", type=Path, metavar="DIR", help="where the learned ranker is kept"
    )
    synergy.add_argument(
        "--no-cache", action="store_true", help="learn the ranker afresh and keep nothing"
    )
    synergy.set_defaults(handler=cmd_synergy)

    communities = commands.add_parser(
        "communities", parents=[common, as_json], help="Louvain communities, seeded"
    )
    communities.add_argument("--seed", type=int, default=42)
    communities.add_argument("--resolution", type=float, default=1.0)
    communities.set_defaults(handler=cmd_communities)

    from ecosystem.server import DEFAULT_HOST, DEFAULT_PORT, DEFAULT_WORKERS

    serve = commands.add_parser("serve", parents=[common], help="open the explorer in a browser")
    serve.add_argument(
        "--host", default=DEFAULT_HOST, help="address to bind (default: %(default)s)"
    )
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT, help="default: %(default)s")
    serve.add_argument(
        "--workers",
        type=_positive,
        default=DEFAULT_WORKERS,
        help="worker processes (default: %(default)s)",
    )
    serve.add_argument(
        "--frame-ancestors",
        nargs="+",
        type=_checked("check_origin"),
        default=[],
        metavar="ORIGIN",
        help="sites allowed to embed the app in a frame, e.g. https://partner.eu",
    )
    serve.add_argument(
        "--allowed-host",
        action="append",
        type=_checked("check_host_name"),
        default=[],
        metavar="NAME",
        help="a host name the server answers to besides loopback (behind a reverse proxy: "
        "the public name)",
    )
    serve.add_argument(
        "--cache",
        type=Path,
        metavar="DIR",
        help="where computed metrics are kept between runs "
        "(default: $ECOSYSTEM_CACHE, else ~/.cache/ecosystem)",
    )
    serve.add_argument(
        "--no-cache", action="store_true", help="compute every metric afresh and keep nothing"
    )
    serve.add_argument(
        "--debug",
        action="store_true",
        help="Dash's development server with debugging (never in production)",
    )
    from ecosystem.auth import add_serve_options, register_users_command

    add_serve_options(serve)
    serve.set_defaults(handler=cmd_serve)
    register_users_command(commands)

    from ecosystem.interchange.cli import register as register_interchange

    register_interchange(commands, common, as_json)
    return parser


def _checked(name: str) -> Callable[[str], str]:
    """An argparse type that runs :mod:`ecosystem.security`'s check ``name``."""

    def check(value: str) -> str:
        from ecosystem import security

        try:
            return getattr(security, name)(value)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return check


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


def _load_view(data_dir: Path):
    from ecosystem.graph import load_graph, simple_view

    return simple_view(load_graph(data_dir))


def _dump(value: object, out: TextIO) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False), file=out)


def cmd_centrality(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.analysis.centrality import METRICS, method, ranking
    from ecosystem.analysis.conventions import CONVENTIONS, convention_scores

    view = _load_view(args.data)
    view, scores = convention_scores(view, args.metric, args.convention, args.two_mode)
    how = method(view, args.metric).describe() if scores is None else "exact"
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
        _dump({**report, "ranking": rows}, out)
        return EXIT_OK
    print(f"{args.metric}: {METRICS[args.metric]}", file=out)
    print(f"Computed: {how}.", file=out)
    if args.convention != "graph":
        print(f"Convention: {CONVENTIONS[args.convention]}.", file=out)
    print(file=out)
    table = [(r["rank"], r["name"], r["type"], f"{r['value']:.4f}") for r in rows]
    print(format_table(["#", "entity", "type", args.metric], table), file=out)
    return EXIT_OK


def cmd_path(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.analysis.paths import collaboration_paths

    result = collaboration_paths(
        _load_view(args.data),
        args.source,
        args.target,
        k=args.k,
        avoid=args.avoid,
        via_types=args.via_types,
        relation_types=args.relation_types,
        avoid_hubs=not args.through_hubs,
    )
    if args.json:
        _dump(result, out)
        return EXIT_OK
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
                print(f"    source: {', '.join(relation['docs'])}", file=out)
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

    view = _load_view(args.data)
    if args.pairs and args.entity:
        raise UsageError("give an entity or --pairs TYPE_A TYPE_B, not both")
    if not args.pairs and not args.entity:
        raise UsageError("name an entity, or ask for --pairs TYPE_A TYPE_B")
    ranker = synergy_ranker(view, directory=args.cache, use_cache=not args.no_cache)
    maxima = synergy_maxima(view, directory=args.cache, use_cache=not args.no_cache)
    prepared = prepare(view, as_of=args.as_of, ranker=ranker, maxima=maxima)
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
    result = synergy_candidates(
        view,
        args.entity,
        types=args.types,
        country=args.country,
        top=args.top,
        as_of=args.as_of,
        synergy=prepared,
    )
    if args.json:
        _dump(result, out)
        return EXIT_OK
    print_synergy(result, out)
    return EXIT_OK


def print_synergy(result: Any, out: TextIO) -> None:
    """A synergy result as a manager reads it."""
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
                print(f"     • {relation['sentence']} [{', '.join(relation['docs'])}]", file=out)
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

    result = communities(_load_view(args.data), seed=args.seed, resolution=args.resolution)
    if args.json:
        _dump(result, out)
        return EXIT_OK
    print(
        f"{len(result['communities'])} communities, modularity {result['modularity']:.3f} "
        f"(Louvain, seed {args.seed})",
        file=out,
    )
    rows = [(c["id"], c["size"], c["label"]) for c in result["communities"]]
    print(format_table(["#", "size", "named by its most central members"], rows), file=out)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.app import create_app
    from ecosystem.auth import gate_from_args, wrap
    from ecosystem.cache import check_cache_folder
    from ecosystem.graph import load_graph
    from ecosystem.server import serve

    gate = gate_from_args(args)
    check_address_free(args.host, args.port)

    def build():
        if not args.no_cache:
            warning = check_cache_folder(args.cache)
            if warning:
                print(f"ecosystem serve: warning: {warning}", file=sys.stderr)
        graph = load_graph(args.data)
        with progress_bar("Preparing the network") as progress:
            app = create_app(
                graph,
                frame_ancestors=args.frame_ancestors,
                cache=args.cache,
                use_cache=not args.no_cache,
                progress=progress,
                url_prefix=gate.url_prefix,
            )
        app.server.wsgi_app = wrap(app.server.wsgi_app, gate)
        return app

    def announce(text: str) -> None:
        print(text, file=out, flush=True)

    serve(
        build,
        host=args.host,
        port=args.port,
        workers=args.workers,
        allowed_hosts=args.allowed_host,
        debug=args.debug,
        announce=announce,
        url_path=gate.url_prefix,
    )
    return EXIT_OK


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port: give a number from 1 to 65535")
    return int(value)


def check_address_free(host: str, port: int) -> None:
    """Fail in one line, before the data is loaded, when the server could not listen there."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UsageError(f"--host {host}: no such address; try 127.0.0.1 or 0.0.0.0") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As the server itself binds: a port left in TIME_WAIT by a stopped server is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise UsageError(
                    f"port {port} on {host} is in use by another program: "
                    "stop it or choose another --port"
                ) from None
            if error.errno == errno.EACCES:
                raise UsageError(
                    f"port {port} needs administrator rights: choose --port 1024 or above"
                ) from None
            raise UsageError(f"cannot listen on {host}:{port}: {error.strerror}") from None


@contextlib.contextmanager
def progress_bar(title: str) -> Iterator[Callable[[int, int, str], None]]:
    """A progress callback ``(done, total, step)`` drawing a bar on stderr (only on a terminal)."""
    from tqdm import tqdm

    with tqdm(desc=title, unit="step", file=sys.stderr, disable=None, leave=False) as bar:

        def update(done: int, total: int, step: str) -> None:
            bar.total = total
            bar.n = done
            bar.set_postfix_str(step.replace("_", " "), refresh=True)

        yield update


class UsageError(EcosystemError):
    """The command was called with options that do not fit together."""


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.checks import name_warnings
    from ecosystem.graph import build_graph, read_dataset
    from ecosystem.sources import check_evidence

    dataset = read_dataset(args.data)
    graph = build_graph(dataset)
    for warning in name_warnings(dataset):
        print(f"warning: {warning}", file=sys.stderr)
    if args.documents is not None:
        problems = check_evidence(graph, args.documents)
        if problems:
            raise DataError(problems)
    checked = f", every evidence excerpt found in {args.documents}" if args.documents else ""
    print(
        f"{args.data}: {graph.number_of_nodes()} entities and "
        f"{graph.number_of_edges()} relations are valid{checked}",
        file=out,
    )
    from ecosystem.interchange.duplicates import near_duplicate_lines

    for line in near_duplicate_lines(graph):
        print(line, file=out)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace, out: TextIO) -> int:
    from ecosystem.analysis.summary import network_summary
    from ecosystem.graph import load_graph

    summary = network_summary(load_graph(args.data), top=args.top)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    print(
        f"{summary['entities']} entities, {summary['relations']} relations "
        f"({summary['links']} linked pairs), {summary['components']} component(s), "
        f"largest {summary['largest_component']}, {summary['isolated']} isolated, "
        f"density {summary['density']:.4f}",
        file=out,
    )
    print(file=out)
    print(format_table(["entity type", "count"], summary["entity_types"].items()), file=out)
    print(file=out)
    print(format_table(["relation type", "count"], summary["relation_types"].items()), file=out)
    print(file=out)
    print("Best connected", file=out)
    rows = [(e["name"], e["type"], e["degree"]) for e in summary["best_connected"]]
    print(format_table(["entity", "type", "degree"], rows), file=out)
    return EXIT_OK


def format_table(header: Sequence[str], rows) -> str:
    """A plain text table, numbers right-aligned.

    >>> print(format_table(["name", "n"], [("a", 1), ("bcd", 22)]))
    name   n
    ----  --
    a      1
    bcd   22
    """
    rows = [tuple(row) for row in rows]
    cells = [list(map(str, header)), *([str(value) for value in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    numeric = [
        bool(rows) and all(isinstance(row[i], int | float) for row in rows)
        for i in range(len(header))
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            value.rjust(width) if right else value.ljust(width)
            for value, width, right in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    return "\n".join(
        [line(cells[0]), line(["-" * width for width in widths]), *map(line, cells[1:])]
    )


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace, TextIO], int] = args.handler
    try:
        code = handler(args, out)
        out.flush()  # inside the try: a reader that went away shows here, not at exit
        return code
    except EcosystemError as error:
        print(f"ecosystem {args.command}: {error}", file=err)
        return EXIT_PROBLEM
    except BrokenPipeError:
        # The reader went away (`ecosystem stats | head`): say so once, and keep Python from
        # failing again while it flushes the closed stream at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(
            f"ecosystem {args.command}: the output was closed before it was all written", file=err
        )
        return EXIT_PROBLEM


if __name__ == "__main__":
    sys.exit(main())
