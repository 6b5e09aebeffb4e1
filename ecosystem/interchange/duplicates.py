"""Entities that may be one and the same: names that differ only by case or accents, and close
spellings ("Fujitsu" and "fujitsu", "Neurofibromatosis" twice, "Universidad de Leon" and
"Universidad de León").

Pairs are never compared all against all: names are grouped (blocked) by the first letters of
their folded form, and only names of one block are compared, with rapidfuzz's compiled edit
ratio; a block larger than :data:`MAX_BLOCK` is split by length, so 67,000 names take seconds,
not the hours that every pair would. Each pair found is reported, never merged: the file may mean
two entities.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ecosystem.analysis.lookup import fold

PREFIX = 3
MAX_BLOCK = 400
# rapidfuzz's normalised Indel similarity (0-100): 92 keeps "Fujitsu Ltd" ~ "Fujitsu Ltd."
# and drops "Institut A" ~ "Institut B".
THRESHOLD = 92.0
MIN_LENGTH = 4
MOST_PAIRS = 200


def near_duplicates(
    rows: Iterable[dict[str, str]], *, threshold: float = THRESHOLD, most: int = MOST_PAIRS
) -> list[dict]:
    """Pairs of rows (``id``, ``name``, ``type``) whose names are the same or nearly.

    >>> pairs = near_duplicates([
    ...     {"id": "fujitsu", "name": "fujitsu", "type": "company"},
    ...     {"id": "fujitsu-2", "name": "Fujitsu", "type": "company"},
    ...     {"id": "acme", "name": "Acme", "type": "company"},
    ... ])
    >>> [(p["id"], p["other_id"], p["why"]) for p in pairs]
    [('fujitsu', 'fujitsu-2', 'the same name but for case or accents')]
    """
    from rapidfuzz import fuzz

    blocks: dict[str, list[tuple[str, dict[str, str]]]] = defaultdict(list)
    for row in rows:
        key = " ".join(fold(row.get("name", "")).split())
        if len(key) >= MIN_LENGTH:
            blocks[key[:PREFIX]].append((key, row))
    pairs: list[dict] = []
    for members in _bounded(blocks.values()):
        for index, (key, row) in enumerate(members):
            for other_key, other in members[index + 1 :]:
                if key == other_key:
                    why = (
                        "the same name"
                        if row["name"] == other["name"]
                        else "the same name but for case or accents"
                    )
                else:
                    score = fuzz.ratio(key, other_key, score_cutoff=threshold)
                    if not score:
                        continue
                    why = f"close spellings ({score:.0f}% alike)"
                pairs.append(
                    {
                        "id": row["id"],
                        "name": row["name"],
                        "other_id": other["id"],
                        "other_name": other["name"],
                        "why": why,
                    }
                )
                if len(pairs) >= most:
                    return pairs
    return pairs


def _bounded(blocks):
    """Each block, split by name length when it is too large to compare within."""
    for members in blocks:
        if len(members) <= MAX_BLOCK:
            yield members
            continue
        by_length: dict[int, list] = defaultdict(list)
        for member in members:
            by_length[len(member[0]) // 4].append(member)
        for group in by_length.values():
            yield group[:MAX_BLOCK]


def near_duplicate_lines(graph) -> list[str]:
    """What ``ecosystem validate`` prints about near-duplicate names: a warning, not an error,
    since two entities may share a name (two towns, two people)."""
    rows = [
        {"id": str(node), "name": str(data.get("name", ""))}
        for node, data in graph.nodes(data=True)
    ]
    pairs = near_duplicates(rows)
    if not pairs:
        return []
    more = " (the first ones)" if len(pairs) >= MOST_PAIRS else ""
    lines = [f"possible near-duplicates, worth a look{more}: {len(pairs)}"]
    lines.extend(
        f"  {p['name']} ({p['id']}) ~ {p['other_name']} ({p['other_id']}): {p['why']}"
        for p in pairs
    )
    return lines
