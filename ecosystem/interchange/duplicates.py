"""Entities that may be one and the same: names that differ only by case or accents, and close
spellings ("Fujitsu" and "fujitsu", "Neurofibromatosis" twice, "Universidad de Leon" and
"Universidad de León").

Pairs are never compared all against all: names are grouped (blocked) by the first letters of
their folded form, and only names of one block are compared, with rapidfuzz's compiled edit
ratio (``process.cdist``); a block larger than :data:`MAX_BLOCK` is split by a longer prefix, so
67,000 names take seconds (docs/near-duplicates.md), not the hours that every pair would. A
close spelling in the first three letters ("Fujitsu" and "Fujtisu" are found, "Kumu" and
"Cumu" are not) is the price of that bound. Each pair found is reported, never merged: the file
may mean two entities.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from ecosystem.analysis.lookup import fold

_DIGITS = re.compile(r"\d+")
PREFIX = 3
MAX_BLOCK = 2000
# rapidfuzz's normalised Indel similarity (0-100): 92 keeps "Fujitsu Ltd" ~ "Fujitsu Ltd."
# and drops "Institut A" ~ "Institut B".
THRESHOLD = 92.0
MIN_LENGTH = 4
MOST_PAIRS = 200


def near_duplicates(
    rows: Iterable[dict[str, str]], *, threshold: float = THRESHOLD, most: int = MOST_PAIRS
) -> list[dict]:
    """Pairs of rows (``id``, ``name``) whose names are the same or nearly.

    >>> pairs = near_duplicates([
    ...     {"id": "fujitsu", "name": "fujitsu"},
    ...     {"id": "fujitsu-2", "name": "Fujitsu"},
    ...     {"id": "acme", "name": "Acme"},
    ... ])
    >>> [(p["id"], p["other_id"], p["why"]) for p in pairs]
    [('fujitsu', 'fujitsu-2', 'the same name but for case, accents or punctuation')]
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    members = []
    for row in rows:
        key = " ".join(fold(row.get("name", "")).split())
        if len(key) >= MIN_LENGTH:
            members.append((key, row))
    pairs: list[dict] = []
    for block in _blocks(members, PREFIX):
        keys = [key for key, _ in block]
        scores = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=threshold)
        for first, second in zip(*np.nonzero(np.triu(scores, k=1)), strict=True):
            (key, row), (other_key, other) = block[first], block[second]
            if key == other_key:
                same = row["name"] == other["name"]
                why = (
                    "the same name"
                    if same
                    else "the same name but for case, accents or punctuation"
                )
            elif _DIGITS.findall(key) != _DIGITS.findall(other_key):
                continue  # "project 205512" and "project 205525" are numbered, not misspelt
            else:
                why = f"close spellings ({scores[first, second]:.0f}% alike)"
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


def _blocks(members: list, prefix: int):
    """Groups of names sharing their first ``prefix`` letters; a group larger than
    :data:`MAX_BLOCK` is split again by a longer prefix (names that share 3 letters rarely
    share 30), and what is still too large when the prefix covers the whole name is cut."""
    groups: dict[str, list] = defaultdict(list)
    for member in members:
        groups[member[0][:prefix]].append(member)
    for key in sorted(groups):
        group = groups[key]
        if len(group) <= MAX_BLOCK:
            if len(group) > 1:
                yield group
        elif prefix >= max(len(name) for name, _ in group):
            yield group[:MAX_BLOCK]
        else:
            yield from _blocks(group, prefix + PREFIX)


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
