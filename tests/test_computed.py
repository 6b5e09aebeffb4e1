"""The mapping whose values are worked out on first use (``ecosystem.computed.Computed``)."""

from __future__ import annotations

import threading
import time

import pytest

from ecosystem.computed import Computed


def test_each_value_is_computed_once_however_many_threads_read_it():
    calls: list[str] = []

    def slow(name: str) -> str:
        calls.append(name)
        time.sleep(0.05)
        return name.upper()

    values = Computed(["a", "b"], slow)
    seen: list[str] = []
    readers = [threading.Thread(target=lambda: seen.append(values["a"])) for _ in range(8)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert seen == ["A"] * 8 and calls == ["a"]


def test_different_names_compute_side_by_side():
    started = threading.Barrier(2, timeout=5)

    def meet(name: str) -> str:
        started.wait()  # would time out if the second name waited for the first
        return name

    values = Computed(["a", "b"], meet)
    other = threading.Thread(target=lambda: values["b"])
    other.start()
    assert values["a"] == "a"
    other.join()
    assert values.ready("b")


def test_a_failed_computation_is_not_kept_and_is_tried_again():
    attempts = []

    def flaky(name: str) -> int:
        attempts.append(name)
        if len(attempts) == 1:
            raise RuntimeError("first try fails")
        return 1

    values = Computed(["a"], flaky)
    with pytest.raises(RuntimeError):
        values["a"]
    assert not values.ready("a") and values["a"] == 1 and len(attempts) == 2


def test_known_values_are_not_computed_and_unknown_names_are_refused():
    values = Computed(["a"], lambda name: pytest.fail("computed"), done={"a": 1})
    assert values["a"] == 1 and values.get("z") is None and "z" not in values
    with pytest.raises(ValueError, match="names it does not hold"):
        Computed(["a"], str, done={"b": "x"})
