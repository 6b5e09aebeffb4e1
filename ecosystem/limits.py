"""Bounds on what a hostile input can cost: checks that run in time and memory linear in the input,
whatever its shape, so that they can run before anything that recurses or allocates walks it."""

from __future__ import annotations

from typing import Any


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """Whether ``value`` nests lists and objects more than ``limit`` deep (walked without
    recursion, so any depth is safe to check).

    >>> json_depth_exceeds([[[]]], 2), json_depth_exceeds({"a": [1]}, 2)
    (True, False)
    """
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth >= limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False
