"""The one domain error and its kinds. The core raises them; the CLI and the app turn them into
clean messages (and an exit code), never a traceback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class EcosystemError(Exception):
    """Something the user can fix: bad data, an unknown entity, a question with no answer."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a data file, and how to fix it."""

    file: str
    line: int
    column: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}: {self.fix}"


class DataError(EcosystemError):
    """The data cannot be loaded. ``problems`` lists every problem found, in file order."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the data"
        super().__init__("\n".join([head, *map(str, self.problems)]))
