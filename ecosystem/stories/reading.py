"""Reading story files strictly, and checking a story against a network.

Every problem is collected before the file is refused, each naming the file, the step (1-based,
with its title) and the field, and saying what to do. Sizes and depths are bounded before the
JSON is parsed, so a hostile file costs little.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from ecosystem.stories.format import (
    _BAD_CHARACTERS,
    AS_OF_KEY,
    AS_OF_PATTERN,
    DATE_KEYS,
    FORMAT,
    MAX_AREA,
    MAX_CAPTION_CHARS,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_PAN,
    MAX_STEPS,
    MAX_TITLE_CHARS,
    MAX_ZOOM,
    MIN_AREA,
    MIN_ZOOM,
    PLAYING_KEYS,
    STEP_KEYS,
    STORY_KEYS,
    VERSION,
    Camera,
    Step,
    Story,
    StoryError,
    StoryProblem,
    _clean,
)


def read_story(path: Path | str) -> Story:
    """The story in file ``path``; raises :class:`StoryError` naming every problem."""
    path = Path(path)
    name = str(path)
    try:
        if not path.is_file():
            raise _fail(name, "file", "is not a file", "name a story file (NAME.json)")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise _too_large(name, path.stat().st_size)
        with path.open("rb") as stream:  # and read no more than the limit, should it grow
            content = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        from ecosystem.storage import describe_os_error

        raise _fail(
            name, "file", describe_os_error(error, path, "read"), "check the path"
        ) from None
    return parse_story(content, name=name)


def parse_story(text: str | bytes, *, name: str = "story") -> Story:
    """The story in ``text`` (the content of file ``name``, which messages name).

    Raises :class:`StoryError` listing every problem: not UTF-8, not JSON, too large or too
    deep, another format or version, unknown fields, a title or caption too long, a view key
    the app does not have or a value it cannot hold, a camera out of range.

    >>> parse_story('{"format": "ecosystem-story", "version": 1, "title": "T", "steps": []}')
    Story(title='T', steps=())
    >>> parse_story('{"format": "ecosystem-story", "version": 2}', name="talk.json")
    Traceback (most recent call last):
    ...
    ecosystem.stories.format.StoryError: 1 problem in story talk.json
    talk.json: version: version 2 is not supported (this ecosystem reads version 1); upgrade ecosystem, or save the story again from this version
    """  # noqa: E501
    document = _load(text, name)
    problems = _check_header(document, name)
    if problems:
        raise StoryError(problems)
    steps_raw = document.get("steps")
    problems += list(_check_text(document.get("title"), name, 0, "", "title", MAX_TITLE_CHARS))
    if not isinstance(steps_raw, list):
        problems.append(
            StoryProblem(name, 0, "", "steps", "is missing or not a list", "give a list of steps")
        )
        steps_raw = []
    elif len(steps_raw) > MAX_STEPS:
        problems.append(
            StoryProblem(
                name,
                0,
                "",
                "steps",
                f"{len(steps_raw)} steps, more than {MAX_STEPS}",
                "split the story into several stories",
            )
        )
        steps_raw = steps_raw[:MAX_STEPS]
    steps = []
    for number, raw in enumerate(steps_raw, start=1):
        step, found = _parse_step(raw, name, number)
        problems += found
        steps.append(step)
    if problems:
        raise StoryError(problems)
    return Story(document["title"], tuple(step for step in steps if step is not None))


def _fail(name: str, where: str, message: str, fix: str) -> StoryError:
    return StoryError([StoryProblem(name, 0, "", where, message, fix)])


def _load(text: str | bytes, name: str) -> dict:
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise _too_large(name, len(text))
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise _fail(
                name,
                "file",
                f"is not UTF-8 text (byte {error.start + 1})",
                "save the story as UTF-8",
            ) from None
    elif len(text) > MAX_FILE_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise _too_large(name, len(text.encode("utf-8", "surrogatepass")))
    depth = _depth(text)
    if depth > MAX_DEPTH:
        raise _fail(
            name,
            "file",
            f"nests {depth} levels deep, more than {MAX_DEPTH}",
            "a story nests 5 levels: check that the file is a story",
        )
    try:
        document = json.loads(
            text, parse_constant=_no_constant, object_pairs_hook=_no_duplicate_keys
        )
    except (ValueError, RecursionError) as error:
        where, message = "", str(error)
        if isinstance(error, json.JSONDecodeError):
            where, message = f" (line {error.lineno}, column {error.colno})", error.msg
        raise _fail(name, "file", f"is not valid JSON{where}: {message}", "fix the JSON") from None
    if not isinstance(document, dict):
        raise _fail(name, "file", "is not a JSON object", "a story is an object: {...}")
    return document


def _too_large(name: str, size: int) -> StoryError:
    return _fail(
        name,
        "file",
        f"is {size:,} bytes, more than {MAX_FILE_BYTES:,}",
        "split the story into several stories",
    )


def _depth(text: str) -> int:
    """How deep arrays and objects nest in JSON ``text`` (brackets inside strings ignored)."""
    deepest = level = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        token = match.group()
        if token in "[{":
            level += 1
            deepest = max(deepest, level)
        elif token in "]}":
            level -= 1
    return deepest


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a story can hold")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"the key {key!r} is given twice")
        seen[key] = value
    return seen


def _check_header(document: dict, name: str) -> list[StoryProblem]:
    if document.get("format") != FORMAT:
        return [
            StoryProblem(
                name,
                0,
                "",
                "format",
                f"is {_shown(document.get('format'))}, not {FORMAT!r}",
                "this is not an ecosystem story file; open a file saved by ecosystem",
            )
        ]
    version = document.get("version")
    if version != VERSION or isinstance(version, bool):
        return [
            StoryProblem(
                name,
                0,
                "",
                "version",
                f"version {_shown(version)} is not supported (this ecosystem reads version "
                f"{VERSION})",
                "upgrade ecosystem, or save the story again from this version",
            )
        ]
    return [
        StoryProblem(name, 0, "", key, "is not a field of a story", "remove it")
        for key in document
        if key not in STORY_KEYS
    ]


def _parse_step(raw: Any, name: str, number: int) -> tuple[Step | None, list[StoryProblem]]:
    if not isinstance(raw, dict):
        return None, [
            StoryProblem(name, number, "", "step", "is not an object", "give {title, view, ...}")
        ]
    title = raw.get("title")
    shown = title if isinstance(title, str) else ""
    problems = list(_check_text(title, name, number, shown, "title", MAX_TITLE_CHARS))
    caption = raw.get("caption", "")
    problems += _check_text(caption, name, number, shown, "caption", MAX_CAPTION_CHARS, empty=True)
    problems += [
        StoryProblem(name, number, shown, key, "is not a field of a step", "remove it")
        for key in raw
        if key not in STEP_KEYS
    ]
    view = raw.get("view", {})
    if isinstance(view, dict):
        problems += _check_view(view, name, number, shown)
    else:
        problems.append(
            StoryProblem(name, number, shown, "view", "is not an object", 'give {"sel": "id"}')
        )
    camera, found = _parse_camera(raw.get("camera"), name, number, shown)
    problems += found
    if problems:
        return None, problems
    return Step(str(title), caption, tuple(view.items()), camera), []


def _check_text(
    value: Any,
    name: str,
    step: int,
    step_title: str,
    where: str,
    limit: int,
    *,
    empty: bool = False,
) -> Iterator[StoryProblem]:
    def problem(message: str, fix: str) -> StoryProblem:
        return StoryProblem(name, step, step_title, where, message, fix)

    if not isinstance(value, str):
        yield problem("is missing or not text", f"give text of at most {limit} characters")
    elif not empty and not value.strip():
        yield problem("is empty", "give it a few words")
    elif len(value) > limit:
        yield problem(f"is {len(value):,} characters, more than {limit:,}", "shorten it")
    elif (bad := _BAD_CHARACTERS.search(value)) or (where == "title" and "\n" in value):
        character = bad.group() if bad else "\n"
        yield problem(
            f"holds the control character U+{ord(character):04X}", "remove it (plain text only)"
        )


def _check_view(view: dict, name: str, number: int, title: str) -> list[StoryProblem]:
    from ecosystem.web.spec import FIELDS, MAX_QUERY_CHARS

    kinds = {f.key: f.kind for f in FIELDS if f.key not in PLAYING_KEYS}
    problems = []
    for key, value in view.items():
        where = f"view.{_clean(key)[:40]}"
        if key not in kinds and key != AS_OF_KEY:
            known = ", ".join(sorted({*kinds, AS_OF_KEY}))
            message, fix = "is not a view key of the app", f"use one of {known}"
        elif not isinstance(value, str) or not value:
            message, fix = "is not text or is empty", "give its value as text, as in a link"
        elif _BAD_CHARACTERS.search(value):
            message, fix = "holds a control character", "remove it"
        else:
            wrong = _as_of_problem(value) if key in DATE_KEYS else _value_problem(kinds[key], value)
            if wrong is None:
                continue
            message, fix = wrong
        problems.append(StoryProblem(name, number, title, where, message, fix))
    if not problems and len(urlencode(view, safe=",~")) > MAX_QUERY_CHARS:
        problems.append(
            StoryProblem(
                name,
                number,
                title,
                "view",
                f"is longer than a link holds ({MAX_QUERY_CHARS} characters)",
                "choose fewer countries or types",
            )
        )
    return problems


def _value_problem(kind: Any, text: str) -> tuple[str, str] | None:
    """What is wrong with ``text`` as a value of a field of ``kind``, or None; values that
    depend on the network (entity ids, countries) are checked by :func:`check_story`."""
    from ecosystem.web import spec

    if isinstance(kind, spec.Entity):
        return None if len(text) <= spec.MAX_ID_CHARS else ("is too long for an id", "fix the id")
    if isinstance(kind, spec.Link):
        ok = "~" in text and len(text) <= 2 * spec.MAX_ID_CHARS + 1
        return None if ok else ("is not a link", "give its two entity ids joined by ~")
    if isinstance(kind, spec.Choice):
        return None if text in kind.allowed else _choose(text, kind.allowed)
    if isinstance(kind, spec.Choices):
        items = text.split(",")
        if len(items) > spec.MAX_LIST_ITEMS or not all(items):
            return "is not a list of names", f"give at most {spec.MAX_LIST_ITEMS}, joined by ,"
        unknown = [item for item in items if item not in kind.allowed]
        if isinstance(kind, spec.Countries) or not unknown:
            return None
        return _choose(unknown[0], kind.allowed)
    if isinstance(kind, spec.Number):
        number = int(text) if re.fullmatch(r"-?\d{1,9}", text) else None
        if number is None or not kind.low <= number <= kind.high:
            return (
                f"is {_shown(text)}, not a whole number from {kind.low} to {kind.high}",
                "give a number in that range",
            )
        return None
    if isinstance(kind, spec.Flag):
        return None if text == kind.token else (f"is {_shown(text)}", f"give {kind.token!r}")
    if isinstance(kind, spec.Tick):
        return None if text in ("yes", "no") else (f"is {_shown(text)}", "give 'yes' or 'no'")
    return None  # a kind added to the spec later: the app reads it leniently


def _as_of_problem(text: str) -> tuple[str, str] | None:
    """What is wrong with ``text`` as an as-of date, ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    >>> _as_of_problem("2023-10"), _as_of_problem("2023-13")[0]
    (None, "'2023-13' is not a date")
    """
    if AS_OF_PATTERN.fullmatch(text):
        year, month, day = [*map(int, text.split("-")), 1, 1][:3]
        try:
            dt.date(year, month, day)
        except ValueError:
            pass
        else:
            return None
    return f"{_shown(text)} is not a date", "give YYYY, YYYY-MM or YYYY-MM-DD"


def _choose(text: str, allowed: Any) -> tuple[str, str]:
    return f"{_shown(text)} is not known", f"use one of {', '.join(sorted(allowed))}"


def _parse_camera(
    raw: Any, name: str, number: int, title: str
) -> tuple[Camera | None, list[StoryProblem]]:
    if raw is None:
        return None, []

    def problem(where: str, message: str, fix: str) -> StoryProblem:
        return StoryProblem(name, number, title, where, message, fix)

    pan = raw.get("pan") if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or set(raw) - {"area"} != {"zoom", "pan"}:
        fix = 'give {"zoom": 1.0, "pan": {"x": 0.0, "y": 0.0}}, or null'
        return None, [problem("camera", "is not a zoom and a pan", fix)]
    if not isinstance(pan, dict) or set(pan) != {"x", "y"}:
        return None, [problem("camera.pan", "is not an x and a y", 'give {"x": 0.0, "y": 0.0}')]
    area = raw.get("area", {})
    if not isinstance(area, dict) or (area and set(area) != {"width", "height"}):
        fix = 'give {"width": 1600, "height": 900}, or leave it out'
        return None, [problem("camera.area", "is not a width and a height", fix)]
    checked = [
        ("camera.zoom", raw["zoom"], MIN_ZOOM, MAX_ZOOM),
        ("camera.pan.x", pan["x"], -MAX_PAN, MAX_PAN),
        ("camera.pan.y", pan["y"], -MAX_PAN, MAX_PAN),
    ]
    if area:
        checked += [
            ("camera.area.width", area["width"], MIN_AREA, MAX_AREA),
            ("camera.area.height", area["height"], MIN_AREA, MAX_AREA),
        ]
    problems = []
    for where, value, low, high in checked:
        given = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        if given is None or not math.isfinite(given) or not low <= given <= high:
            problems.append(problem(where, f"is {_shown(value)}", f"give a number {low}..{high}"))
    if problems:
        return None, problems
    size = (float(area["width"]), float(area["height"])) if area else (None, None)
    return Camera(float(raw["zoom"]), float(pan["x"]), float(pan["y"]), *size), []


def _shown(value: Any) -> str:
    """A value as a message quotes it: short, on one line."""
    text = repr(value)
    return _clean(text if len(text) <= 60 else text[:59] + "…")


def named_entities(step: Step) -> list[tuple[str, str]]:
    """The entity ids a step names, as (URL key, id): the selection, the path's ends, the pick,
    the stepped-to entity and a link's two ends (split at its first ``~``)."""
    from ecosystem.web import spec

    kinds = {f.key: f.kind for f in spec.FIELDS}
    named = []
    for key, value in step.view:
        if isinstance(kinds.get(key), spec.Entity):
            named.append((key, value))
        elif isinstance(kinds.get(key), spec.Link):
            named += [(key, end) for end in value.split("~", 1)]
    return named


def check_story(story: Story, network: Any, *, name: str = "story") -> list[str]:
    """What the story names that the network does not hold: entities, links and countries, each
    as a message naming the file ``name``, the step, the field and the id.

    ``network`` is a :class:`~ecosystem.explorer.Model` or a graph of entities.
    """
    return [str(problem) for problem in _missing(story, network, name)]


def require_in_network(story: Story, network: Any, *, name: str = "story") -> None:
    """Raise :class:`StoryError` listing what :func:`check_story` finds, if anything."""
    problems = _missing(story, network, name)
    if problems:
        raise StoryError(problems)


def _missing(story: Story, network: Any, name: str) -> list[StoryProblem]:
    from ecosystem.web import spec

    graph = getattr(network, "view", network)
    countries = {str(data.get("country", "")) for _, data in graph.nodes(data=True)}
    kinds = {f.key: f.kind for f in spec.FIELDS}
    found = []
    for number, step in enumerate(story.steps, start=1):
        for key, value in step.view:
            kind = kinds.get(key)
            if isinstance(kind, spec.Entity) and value not in graph:
                message = f"the entity {_shown(value)} is not in the network"
            elif isinstance(kind, spec.Link) and not _is_link(graph, value):
                message = f"{_shown(value)} is not a link between two entities of the network"
            elif isinstance(kind, spec.Countries) and (
                missing := [item for item in value.split(",") if item not in countries]
            ):
                message = f"no entity of the network is in {_shown(missing[0])}"
            else:
                continue
            fix = "choose one the data holds (ids are in entities.csv), or add it to the data"
            found.append(StoryProblem(name, number, step.title, f"view.{key}", message, fix))
    return found


def _is_link(graph: Any, text: str) -> bool:
    # Ids may hold "~" themselves: any split whose two sides are linked entities will do.
    for at in (i for i, c in enumerate(text) if c == "~"):
        first, second = text[:at], text[at + 1 :]
        if first in graph and second in graph and graph.has_edge(first, second):
            return True
    return False
