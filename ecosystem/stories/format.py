"""The story format: its types, its limits, and its text (:func:`to_json`).

A story is a sequence of steps; each step is a view of the network (its URL keys and values, as
in a link), a title, a caption and, optionally, where the camera looked from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ecosystem.errors import EcosystemError

FORMAT = "ecosystem-story"
VERSION = 1
MAX_FILE_BYTES = 1_000_000
MAX_STEPS = 200
MAX_TITLE_CHARS = 200
MAX_CAPTION_CHARS = 2000
MAX_SHOWN_PROBLEMS = 100
MAX_DEPTH = 16  # the format itself nests 5 deep
MIN_ZOOM, MAX_ZOOM = 0.05, 4.0  # the network's own zoom range (ecosystem/web/network.py)
MAX_PAN = 1_000_000.0
MIN_AREA, MAX_AREA = 100.0, 20_000.0  # the network area a camera was recorded in, in CSS pixels
AS_OF_KEY = "asof"
DATE_KEYS = (AS_OF_KEY, "new")  # the as-of date, and the date after which what is new is marked
PLAYING_KEYS = ("story", "step")  # which story is played and its step: not part of a step's view
AS_OF_PATTERN = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
STORY_KEYS = ("format", "version", "title", "steps")
STEP_KEYS = ("title", "caption", "view", "camera")
# Text may hold line breaks and tabs (captions), nothing else below a space, no lone surrogate.
_BAD_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


class StoryError(EcosystemError):
    """A story cannot be read or saved. ``problems`` lists every problem found, in file order."""

    def __init__(self, problems: list[StoryProblem] | tuple[StoryProblem, ...]):
        self.problems = tuple(problems)
        count = len(self.problems)
        files = sorted({problem.file for problem in self.problems})
        head = f"{count} problem{'s' if count != 1 else ''} in story {', '.join(files)}"
        lines = [head, *map(str, self.problems[:MAX_SHOWN_PROBLEMS])]
        if count > MAX_SHOWN_PROBLEMS:  # a hostile file can hold a problem in every line
            lines.append(f"… and {count - MAX_SHOWN_PROBLEMS:,} more")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class StoryProblem:
    """One thing wrong with a story file: where (file, step, field), what, and what to do.

    ``step`` is 1-based; 0 is the story as a whole.
    """

    file: str
    step: int
    step_title: str
    field: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = self.file
        if self.step:
            titled = f" ({_quoted(self.step_title)})" if self.step_title else ""
            where += f": step {self.step}{titled}"
        return f"{where}: {self.field}: {self.message}; {self.fix}"


@dataclass(frozen=True)
class Camera:
    """Where the network is looked at from: Cytoscape's zoom, and its pan measured from the
    centre of the network area; with the area's ``width`` and ``height`` (CSS pixels) when it
    was recorded, so that the same part of the network can be shown on any screen and in a
    picture."""

    zoom: float
    pan_x: float
    pan_y: float
    width: float | None = None
    height: float | None = None

    def __post_init__(self) -> None:
        for name in ("zoom", "pan_x", "pan_y", "width", "height"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, float(value))
        if (self.width is None) != (self.height is None):
            raise ValueError("a camera's area has both a width and a height, or neither")

    @classmethod
    def from_cytoscape(cls, zoom: float, pan: Mapping[str, float]) -> Camera:
        """The camera of Cytoscape's ``zoom`` and ``pan`` (``{"x": ..., "y": ...}``)."""
        return cls(zoom, pan["x"], pan["y"])

    def area(self) -> tuple[float, float] | None:
        """The network area's ``(width, height)`` when recorded; None when not known."""
        if self.width is None or self.height is None:
            return None
        return (self.width, self.height)

    def region(self) -> tuple[float, float, float, float] | None:
        """The part of the network in sight, in layout coordinates: ``(x, y, width, height)``
        of its top-left corner and size; None when the area is not known.

        >>> Camera(2.0, -100.0, 50.0, 800.0, 600.0).region()
        (-150.0, -175.0, 400.0, 300.0)
        """
        if self.width is None or self.height is None:
            return None
        # On screen a point p is at p * zoom + pan, pan counted from the area's top-left corner.
        centre_x, centre_y = -self.pan_x / self.zoom, -self.pan_y / self.zoom
        width, height = self.width / self.zoom, self.height / self.zoom
        return (centre_x - width / 2, centre_y - height / 2, width, height)

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"zoom": self.zoom, "pan": {"x": self.pan_x, "y": self.pan_y}}
        if self.width is not None:
            found["area"] = {"width": self.width, "height": self.height}
        return found


@dataclass(frozen=True)
class Step:
    """One step: a view (URL keys to their text, as in a link), its title, caption and camera.

    ``view`` may be given as a mapping; it is kept as (key, value) pairs in the order given.

    >>> step = Step("The cluster", "ISMC and its members.", {"sel": "ismc", "hops": "1"})
    >>> step.query
    '?sel=ismc&hops=1'
    >>> step.value("sel"), step.value("link")
    ('ismc', None)
    """

    title: str
    caption: str = ""
    view: tuple[tuple[str, str], ...] = ()
    camera: Camera | None = None

    def __post_init__(self) -> None:
        pairs = self.view.items() if isinstance(self.view, Mapping) else self.view
        first: dict[str, str] = {}
        for key, value in pairs:  # a key given twice keeps its first value, as a URL does
            first.setdefault(str(key), str(value))
        object.__setattr__(self, "view", tuple(first.items()))

    @property
    def query(self) -> str:
        """The view as a URL query string (with ``?``, or empty), as :func:`spec.parse_url`
        reads it."""
        return "?" + urlencode(self.view, safe=",~") if self.view else ""

    def value(self, key: str) -> str | None:
        """The text the view holds for URL key ``key``, or None."""
        return dict(self.view).get(key)

    @classmethod
    def from_query(
        cls, query: str, *, title: str, caption: str = "", camera: Camera | None = None
    ) -> Step:
        """The step for a link's query string (``spec.encode_url(state)``).

        >>> Step.from_query("?sel=ismc&hops=1", title="ISMC").view
        (('sel', 'ismc'), ('hops', '1'))
        """
        return cls(title, caption, tuple(parse_qsl(query.lstrip("?"))), camera)


@dataclass(frozen=True)
class Story:
    """A titled sequence of steps."""

    title: str
    steps: tuple[Step, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(self.steps))


def to_json(story: Story) -> str:
    """The story as the text of its file: stable (same story, same text) and read back exactly
    by :func:`parse_story`."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "title": story.title,
        "steps": [
            {
                "title": step.title,
                "caption": step.caption,
                "view": dict(step.view),
                "camera": step.camera.as_json() if step.camera else None,
            }
            for step in story.steps
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _clean(text: str) -> str:
    return _BAD_CHARACTERS.sub("?", text).replace("\n", " ")


def _quoted(title: str) -> str:
    short = title if len(title) <= 60 else title[:59] + "…"
    return f"“{_clean(short)}”"
