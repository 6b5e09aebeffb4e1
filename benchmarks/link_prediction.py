"""Partner suggestions against real history: the H2020 time machine; writes docs/link-prediction.md.

    python -m benchmarks.link_prediction [--source DIR] [--seeds 1000] [--out FILE] [--json FILE]
    python -m benchmarks.link_prediction --report-from docs/link-prediction.json

The second form writes the tables again from the figures of the run kept in
``docs/link-prediction.json``, without measuring.

Reads the CORDIS Horizon 2020 participations (``h2020.csv.gz``: project start dates, roles,
contributions, countries, activity types; ``programme_parts.csv.gz``) from ``--source`` (the
shared ``data/cordis-h2020/`` by default) straight into a collaboration history (organisations
``org-<pic>``, projects ``proj-<rcn>``: the ids ``benchmarks.h2020`` gives them), and runs
:func:`ecosystem.analysis.evaluation.evaluate` on it.

The dates: Horizon 2020 projects start from 2014 (1,513 participations that year) to 2021 (the
snapshot is of December 2020, so 2021 holds only projects signed by then). Features for fitting
are taken at the end of 2016 (three years of history) with 2017's first collaborations as
labels; the settings are chosen on 2018; the test features are taken at the end of 2018 and the
targets are the pairs first together in projects starting from 2019 on. The test years are in
no choice.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
import os
import platform
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from benchmarks.h2020 import (
    DEFAULT_SOURCE,
    ENTITY_TYPE,
    ISO_COUNTRY,
    PARTICIPATIONS,
    PROGRAMME_PARTS,
)
from ecosystem.analysis.evaluation import Protocol, Split, evaluate, ratios
from ecosystem.analysis.ranker import (
    FALLBACK,
    HEURISTIC_NAMES,
    History,
    build_history,
    day_of,
)

ROOT = Path(__file__).resolve().parent.parent
SPLIT = Split.years(2016, 2017, 2018, date(2021, 12, 31))
METRICS = (
    ("hits", "Hits@50 (100,000 random negatives)"),
    ("hits_hard", "Hits@50 (hard negatives)"),
    ("precision", "per-organisation precision@10"),
    ("mrr", "per-organisation MRR"),
    ("network_precision", "network-wide precision@100"),
)
TARGETS = {"mrr": 1.3, "precision": 1.3, "hits": 2.0}


def _gzip_rows(path: Path) -> csv.DictReader:
    text = gzip.decompress(path.read_bytes()).decode("utf-8-sig")
    return csv.DictReader(io.StringIO(text, newline=""), strict=True)


def read_cordis(source: Path) -> History:
    """The participations of ``source`` as a :class:`History` (one venue per project)."""
    parts: dict[str, set[str]] = {}
    for row in _gzip_rows(source / PROGRAMME_PARTS):
        parts.setdefault(row["rcn"], set()).add(row["programme_part"])
    actors: dict[str, tuple[str, str, str]] = {}
    venues: dict[str, tuple[str, str]] = {}
    rows = []
    for row in _gzip_rows(source / PARTICIPATIONS):
        actor, venue, code = f"org-{row['pic']}", f"proj-{row['rcn']}", row["country"]
        actors.setdefault(
            actor, (actor, ENTITY_TYPE.get(row["type"], "association"), ISO_COUNTRY.get(code, code))
        )
        venues.setdefault(venue, (venue, "project"))
        try:
            amount = float(row["contribution"])
        except ValueError:
            amount = math.nan
        rows.append((actor, venue, day_of(row["start_date"]), row["role"] == "coordinator", amount))
    venue_contexts = [
        (f"proj-{rcn}", f"programme part {part}", "programme")
        for rcn, found in parts.items()
        for part in sorted(found)
    ]
    actor_contexts = [(a, f"country-{c.lower()}", "country") for a, _, c in actors.values()]
    return build_history(
        list(actors.values()),
        list(venues.values()),
        rows,
        venue_contexts=venue_contexts,
        actor_contexts=actor_contexts,
    )


def _cell(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.3f}"


def report(result: dict[str, Any], *, seconds: float, source: Path) -> str:
    split = result["split"]
    methods = result["methods"]
    lines = [
        "# Partner suggestions against real history",
        "",
        f"Measured on {result['measured']} with `python -m benchmarks.link_prediction` "
        f"(whole run {seconds / 60:.1f} min, {result['threads']} thread for the trees) on "
        f"{result['machine']}; the machine was shared with other work, so the times are upper "
        "bounds.",
        "",
        f"Data: the CORDIS Horizon 2020 participations in `{source.name}/` "
        f"({result['participations']:,} participations of {result['actors']:,} organisations), "
        "read straight from the source files: project start dates, roles, contributions, "
        "countries, activity types and programme parts.",
        "",
        "## Protocol",
        "",
        "As OGB's `ogbl-collab` splits co-authorships by year: what was known on a cut-off day "
        "gives the features; the targets are the organisation pairs, both known by then and "
        "never in a project together, that first share a project starting after it.",
        "",
        f"- **Fitting**: features on {split['train']}, labels the first collaborations in "
        f"projects starting in 2017 ({result['train_pairs']:,} pairs; "
        f"{result['train_rows']:,} training rows from {result['protocol']['train_seeds']:,} "
        "organisations: every new partner, the 200 best Adamic-Adar non-partners and 200 drawn "
        "at random from the rest, weighted for the rest they stand for).",
        f"- **Validation** (the one year any choice sees): features on {split['valid']}, "
        f"labels 2018 ({result['valid_pairs']:,} pairs), per-organisation MRR of "
        f"{result['protocol']['valid_seeds']} organisations. The ranker's settings were chosen "
        f"there ({result['chosen']}), then it was fitted again on {split['valid']} → 2018 "
        f"({result['final_rows']:,} rows).",
        f"- **Test**: features on {split['test']}; targets the {result['test_pairs']:,} pairs "
        f"first together in projects starting from 2019 to {split['end'][:4]} "
        "(the CORDIS snapshot is of December 2020). "
        f"{result['known_at_test']:,} organisations known on the cut-off day, "
        f"{result['links_at_test']:,} pairs that had worked together.",
        f"- **Newcomers**: {result['newcomer_pairs']:,} more first collaborations involve an "
        "organisation with no project before the cut-off; nothing can rank an organisation it "
        "has never seen, so they are left out of every figure and counted here. Among the "
        f"seeded organisations, {result['seeds_little']} had only one or two projects behind "
        "them: their figures are given apart below.",
        "",
        "Metrics:",
        "",
        f"- **Hits@50**: share of the test pairs that score above the 50th best of "
        f"{result['negatives']:,} random pairs of known organisations that never work together "
        f"(OGB's protocol); **hard**: the same against {result['hard_negatives']:,} pairs that "
        "the heuristics rank high (each sampled organisation's 50 best by Adamic-Adar and by "
        "resource allocation) and that do not form.",
        f"- **per-organisation precision@10 and MRR**: for {result['seeds']:,} organisations "
        "drawn at random (seed 0) among those that gain partners, every known organisation "
        f"they never worked with is ranked (about {result['candidates_per_seed']:,} candidates "
        "each, none sampled out); the share of the top ten that become partners, and one over "
        "the rank of the first that does. Ties are broken at random.",
        "- **network-wide precision@100**: the 100 best pairs of all those rankings together "
        "(the network's pairs restricted to the seeded organisations' rows: scoring all "
        f"{result['known_at_test']:,}² pairs is not bounded).",
        "",
        "## Results on the test years",
        "",
        "| method | " + " | ".join(label for _, label in METRICS) + " |",
        "|---|" + "---|" * len(METRICS),
    ]
    for name, values in methods.items():
        label = HEURISTIC_NAMES.get(name, name)
        if name == "ranker":
            label = f"**{label}**"
        lines.append(f"| {label} | " + " | ".join(_cell(values[m]) for m, _ in METRICS) + " |")
    lines += ["", "Against the targets (the ranker over the best heuristic on each metric):", ""]
    lines += [
        "| metric | ranker | best heuristic | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for metric, found in ratios(methods, list(TARGETS)).items():
        target = TARGETS[metric]
        label = dict(METRICS)[metric]
        lines.append(
            f"| {label} | {found['ranker']:.3f} | {HEURISTIC_NAMES[found['best']]} "
            f"{found['best_value']:.3f} | {found['ratio']:.2f}× | {target}× | "
            f"{'yes' if found['ratio'] >= target else 'no'} |"
        )
    reach = result["reach"]
    lines += [
        "",
        f"Reach: {reach['within_2']:.1%} of the test pairs were two steps apart on the cut-off "
        f"day (a partner in common), {reach['within_3']:.1%} within three. Neighbourhood "
        "heuristics score every other pair 0; that bounds them.",
        "",
        "Per-organisation figures split by history (organisations with one or two projects "
        "before the cut-off, and the others):",
        "",
        "| method | precision@10, 1–2 projects | MRR, 1–2 projects | precision@10, more | "
        "MRR, more |",
        "|---|---|---|---|---|",
    ]
    for name, values in methods.items():
        lines.append(
            f"| {HEURISTIC_NAMES.get(name, name)} | {_cell(values['precision_little'])} | "
            f"{_cell(values['mrr_little'])} | {_cell(values['precision_established'])} | "
            f"{_cell(values['mrr_established'])} |"
        )
    lines += [
        "",
        "## Choices made on the validation year",
        "",
        "| ranker settings | validation MRR | validation precision@10 |",
        "|---|---|---|",
    ]
    for row in result["tuning"]:
        lines.append(f"| {row['settings']} | {row['mrr']:.3f} | {row['precision']:.3f} |")
    lines += ["", "| heuristic | validation MRR |", "|---|---|"]
    for name, value in sorted(result["heuristic_valid_mrr"].items(), key=lambda i: -i[1]):
        lines.append(f"| {HEURISTIC_NAMES[name]} | {value:.3f} |")
    best_valid = max(result["heuristic_valid_mrr"], key=result["heuristic_valid_mrr"].get)
    lines += [
        "",
        f"The best heuristic on the validation year, {HEURISTIC_NAMES[best_valid]}, is what the "
        "product ranks with when a network has too little dated history to learn from"
        + (
            "."
            if best_valid == FALLBACK
            else f" (the product uses {HEURISTIC_NAMES[FALLBACK]}: it must be changed to match)."
        ),
        "",
        "## What drives the ranker",
        "",
        "Share of the trees' split gain per feature (the features are described in "
        "`ecosystem/analysis/ranker/__init__.py`):",
        "",
        "| feature | share of gain |",
        "|---|---|",
    ]
    for name, value in sorted(result["importance"].items(), key=lambda i: -i[1]):
        if value >= 0.005:
            lines.append(f"| {name} | {value:.1%} |")
    lines += [
        "",
        "## Why gradient-boosted trees from scikit-learn",
        "",
        "scikit-learn's `HistGradientBoostingClassifier` (log loss) rather than LightGBM's "
        "LambdaRank: its Linux wheels carry their own OpenMP runtime (LightGBM's need the "
        "system's `libgomp1`, absent from a minimal Debian), it adds only joblib and "
        "threadpoolctl to NumPy and SciPy, which the project already uses, and a pointwise "
        "model gives every pair a probability, which ranks candidates across organisations (the "
        "network-wide list) as well as within one. Its trees are exported as plain arrays, so "
        "the cached model is data, not a pickle, and the product predicts without "
        "scikit-learn.",
        "",
        "Steps (seconds): " + ", ".join(f"{k} {v}" for k, v in result["timings"].items()) + ".",
    ]
    return "\n".join(lines) + "\n"


def machine() -> str:
    cpus = os.cpu_count() or 0
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model or platform.processor() or 'unknown CPU'}, {cpus} cores, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--seeds", type=int, default=1000, help="organisations ranked in full")
    parser.add_argument("--valid-seeds", type=int, default=200)
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="OpenMP threads for the trees (1: on a shared machine, idle threads spin)",
    )
    parser.add_argument("--train-seeds", type=int, default=1500)
    parser.add_argument("--negatives", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "link-prediction.md")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument(
        "--report-from",
        type=Path,
        metavar="JSON",
        help="write the tables again from the figures of an earlier run (--json) instead of "
        "measuring",
    )
    args = parser.parse_args(argv)
    if args.report_from:
        stored = json.loads(args.report_from.read_text(encoding="utf-8"))
        args.out.write_text(
            report(stored, seconds=stored["seconds"], source=args.source), encoding="utf-8"
        )
        print(args.out.read_text(encoding="utf-8"))
        return
    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {message}", file=sys.stderr, flush=True)

    progress(f"reading {args.source}")
    history = read_cordis(args.source)
    protocol = Protocol(
        seeds=args.seeds,
        valid_seeds=args.valid_seeds,
        train_seeds=args.train_seeds,
        negatives=args.negatives,
        hard_negatives=args.negatives,
    )
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=args.threads):
        result = evaluate(history, SPLIT, protocol, progress=progress)
    result["threads"] = args.threads
    result["measured"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    result["machine"] = machine()
    seconds = time.perf_counter() - started
    result["seconds"] = seconds
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report(result, seconds=seconds, source=args.source), encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(args.out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
