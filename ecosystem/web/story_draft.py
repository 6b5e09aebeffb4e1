"""A story's draft: the story being edited, as the browser keeps it (a session store), the
changes a person makes to it, the checks a draft sent by a client passes, and the editor that
shows it. Used by :mod:`ecosystem.web.stories`."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from dash import dcc, html

from ecosystem.explorer import Model
from ecosystem.stories import (
    MAX_AREA,
    MAX_CAPTION_CHARS,
    MAX_STEPS,
    MAX_TITLE_CHARS,
    MAX_ZOOM,
    MIN_AREA,
    MIN_ZOOM,
    Camera,
    Story,
    parse_story,
    to_json,
)
from ecosystem.web import spec
from ecosystem.web.components import clipped
from ecosystem.web.ids import ID
from ecosystem.web.spec import BadInput

# View keys a step does not keep: which story plays and presenter mode belong to the playing.
NOT_IN_STEPS = ("story", "step", "mode")
MAX_DRAFT_BYTES = 1_000_000


# The draft: the story being edited, as the browser keeps it.


def empty_draft() -> dict:
    return {"name": "", "title": "", "steps": []}


def draft_of(story: Story, name: str) -> dict:
    document = json.loads(to_json(story))
    return {"name": name, "title": document["title"], "steps": document["steps"]}


def story_of(draft: Any, *, name: str = "draft") -> Story:
    """The story a draft sent by a client holds; :class:`BadInput` when it is not a draft, and
    :class:`StoryError` (every problem named) when its steps break the story format's rules."""
    if not isinstance(draft, dict) or not isinstance(draft.get("steps"), list):
        raise BadInput("a story draft must be an object with a list of steps")
    text = json.dumps(
        {
            "format": "ecosystem-story",
            "version": 1,
            "title": draft.get("title") or "",
            "steps": draft["steps"],
        }
    )
    if len(text) > MAX_DRAFT_BYTES:
        raise BadInput("the story draft is too large")
    return parse_story(text, name=name)


def step_from_view(model: Model, query: str, camera: Any, number: int) -> dict:
    """A draft step for the view at address ``query`` and the camera the page reported."""
    pairs = [(k, v) for k, v in parse_qsl(query.lstrip("?")) if k not in NOT_IN_STEPS]
    state = spec.parse_url(model, "?" + "&".join(f"{k}={v}" for k, v in pairs))
    view = dict(parse_qsl(spec.encode_url(state).lstrip("?")))
    for key in NOT_IN_STEPS:
        view.pop(key, None)
    chosen = state.path_to or state.selected
    title = (
        clipped(str(model.view.nodes[chosen].get("name", chosen)), MAX_TITLE_CHARS)
        if chosen
        else f"Step {number}"
    )
    return {"title": title, "caption": "", "view": view, "camera": _camera(camera)}


def _camera(raw: Any) -> dict | None:
    # The camera the page reported (or a draft holds): zoom and pan kept in the format's range,
    # the network area's size when it is a plausible one; None for anything else.
    if not isinstance(raw, dict) or not isinstance(raw.get("pan"), dict):
        return None
    try:
        zoom, x, y = (float(raw["zoom"]), float(raw["pan"]["x"]), float(raw["pan"]["y"]))
    except (KeyError, TypeError, ValueError):
        return None
    if not all(map(_finite, (zoom, x, y))):
        return None
    area = raw.get("area")
    size: tuple[float | None, float | None] = (None, None)
    try:
        width, height = float(area["width"]), float(area["height"])  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        pass
    else:
        if all(_finite(value) and MIN_AREA <= value <= MAX_AREA for value in (width, height)):
            size = (width, height)
    return Camera(min(max(zoom, MIN_ZOOM), MAX_ZOOM), x, y, *size).as_json()


def _finite(value: float) -> bool:
    return math.isfinite(value) and abs(value) < 1e6


@dataclass(frozen=True)
class Edit:
    """What a person did to the draft: ``action`` and, for a step's control, the step's index."""

    action: str
    index: int = -1
    values: Sequence[Any] = ()


def edited(model: Model, draft: dict, edit: Edit, *, query: str = "", camera: Any = None) -> dict:
    """The draft after ``edit`` (a new dict; ``draft`` is not changed)."""
    steps = [dict(step) for step in draft["steps"]]
    at = edit.index
    if edit.action == "add" and len(steps) < MAX_STEPS:
        steps.append(step_from_view(model, query, camera, len(steps) + 1))
    elif edit.action == "delete" and 0 <= at < len(steps):
        del steps[at]
    elif edit.action in ("up", "down") and 0 <= at < len(steps):
        other = at - 1 if edit.action == "up" else at + 1
        if 0 <= other < len(steps):
            steps[at], steps[other] = steps[other], steps[at]
    elif edit.action in ("titles", "captions"):
        key, limit = (
            ("title", MAX_TITLE_CHARS)
            if edit.action == "titles"
            else (
                "caption",
                MAX_CAPTION_CHARS,
            )
        )
        for step, value in zip(steps, edit.values, strict=False):
            step[key] = value[:limit] if isinstance(value, str) else step[key]
    elif edit.action == "title" and edit.values:
        value = edit.values[0]
        return {**draft, "title": value[:MAX_TITLE_CHARS] if isinstance(value, str) else ""}
    return {**draft, "steps": steps}


def editor(draft: dict, saved: str | None) -> list:
    """The draft's steps, each with its title, caption and controls; Play once it is saved."""
    items: list = []
    steps = draft["steps"]
    for at, step in enumerate(steps):
        query = "?" + "&".join(f"{k}={v}" for k, v in step["view"].items())
        items.append(
            html.Li(
                [
                    dcc.Input(
                        id={"type": ID.STEP_TITLE, "index": at},
                        value=step["title"],
                        debounce=True,
                        maxLength=MAX_TITLE_CHARS,
                        className="step-title",
                    ),
                    dcc.Textarea(
                        id={"type": ID.STEP_CAPTION, "index": at},
                        value=step["caption"],
                        maxLength=MAX_CAPTION_CHARS,
                        placeholder="What the audience should see here",
                        className="step-caption",
                    ),
                    html.Div(
                        [
                            _button("Show", ID.STEP_SHOW, query, "Show this step's view"),
                            _button("↑", ID.STEP_UP, at, "Move up", disabled=at == 0),
                            _button("↓", ID.STEP_DOWN, at, "Move down", last=at == len(steps) - 1),
                            _button("Delete", ID.STEP_DELETE, at, "Delete this step"),
                        ],
                        className="row step-tools",
                    ),
                ],
                className="story-step",
            )
        )
    if not steps:
        items.append(html.P("No steps yet: set up a view, then add it.", className="muted"))
    if saved and steps:
        items.append(
            html.Button(
                "▶ Play in presenter mode",
                id={"type": ID.STORY_PLAY, "index": saved},
                n_clicks=0,
                className="primary story-play",
            )
        )
    return items


def _button(
    label: str, kind: str, index: Any, title: str, *, disabled: bool = False, last: bool = False
) -> html.Button:
    return html.Button(
        label,
        id={"type": kind, "index": index},
        n_clicks=0,
        title=title,
        disabled=disabled or last,
        className="step-tool",
    )


def checked_draft(raw: Any) -> dict:
    """A draft sent by a client, checked for shape (:class:`BadInput` otherwise); its content is
    checked by the story format when saved."""
    if raw is None:
        return empty_draft()
    if not isinstance(raw, dict) or not isinstance(raw.get("steps"), list):
        raise BadInput("a story draft must be an object with a list of steps")
    if len(raw["steps"]) > MAX_STEPS or not all(isinstance(s, dict) for s in raw["steps"]):
        raise BadInput(f"a story draft holds at most {MAX_STEPS} steps, each an object")
    steps = []
    for step in raw["steps"]:
        view = step.get("view")
        if not isinstance(view, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in view.items()
        ):
            raise BadInput("a step's view must map URL keys to text")
        steps.append(
            {
                "title": _text(step.get("title"), MAX_TITLE_CHARS),
                "caption": _text(step.get("caption"), MAX_CAPTION_CHARS),
                "view": view,
                "camera": _camera(step.get("camera")),
            }
        )
    return {
        "name": _text(raw.get("name"), 100),
        "title": _text(raw.get("title"), MAX_TITLE_CHARS),
        "steps": steps,
    }


def _text(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadInput("story texts must be strings")
    return value[:limit]


LISTS = ("titles", "captions", "up", "down", "delete")
TEXTS = ("chosen", "title", "name", "url")


def checked_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The editor's inputs as a client sent them, checked for type (:class:`BadInput`)."""
    checked = dict(inputs)
    for key in LISTS:
        value = checked.get(key)
        if value is None:
            checked[key] = []
        elif not isinstance(value, list) or len(value) > MAX_STEPS:
            raise BadInput(f"{key}: expected a list of at most {MAX_STEPS} values")
    for key in TEXTS:
        value = checked.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > MAX_DRAFT_BYTES):
            raise BadInput(f"{key}: expected text")
    for key in ("new", "save"):
        value = checked.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise BadInput(f"{key}: expected a number of clicks")
    return checked
