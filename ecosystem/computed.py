"""A read-only mapping whose values are worked out on first use, each once.

The model of the network as of a date (:func:`ecosystem.explorer.model_at`) holds its metrics,
rankings, communities and lookups this way: moving the date control computes only what the
view on screen reads (the metric it is sized by, say), not all nine metrics and Louvain.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TypeVar

V = TypeVar("V")


class Computed(Mapping[str, V]):
    """The values of ``names``, each ``compute(name)`` the first time it is read.

    ``done`` holds values already known (a model built in full passes them all). Requests run
    on several threads: a value read on two at once is computed once, the second caller
    waiting for it, while different names compute side by side. ``name in computed`` and
    iterating the names compute nothing; reading values does.

    >>> calls = []
    >>> squares = Computed(["a", "bb"], lambda name: calls.append(name) or len(name) ** 2)
    >>> "bb" in squares, squares.ready("bb"), calls
    (True, False, [])
    >>> squares["bb"], squares["bb"], calls
    (4, 4, ['bb'])
    >>> dict(squares), calls
    ({'a': 1, 'bb': 4}, ['bb', 'a'])
    >>> squares["c"]
    Traceback (most recent call last):
    KeyError: 'c'
    """

    def __init__(
        self,
        names: Iterable[str],
        compute: Callable[[str], V],
        *,
        done: Mapping[str, V] | None = None,
    ) -> None:
        self._names = tuple(dict.fromkeys(names))
        self._compute = compute
        self._done: dict[str, V] = dict(done or {})
        unknown = set(self._done) - set(self._names)
        if unknown:
            raise ValueError(f"values given for names it does not hold: {sorted(unknown)}")
        self._locks = {name: threading.Lock() for name in self._names}

    def __getitem__(self, name: str) -> V:
        try:
            return self._done[name]
        except KeyError:
            pass
        lock = self._locks.get(name)
        if lock is None:
            raise KeyError(name)
        with lock:
            if name not in self._done:
                self._done[name] = self._compute(name)
        return self._done[name]

    def __contains__(self, name: object) -> bool:
        return name in self._locks

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def ready(self, name: str) -> bool:
        """Whether ``name``'s value is known already (reading it would compute nothing)."""
        return name in self._done

    def __repr__(self) -> str:
        known = ", ".join(name for name in self._names if name in self._done)
        return f"Computed({list(self._names)!r}, ready: {known or 'none'})"
