"""The story panel: tell a prepared sequence of views step by step, and author one in the app.

A story (:mod:`ecosystem.stories`) is a list of steps, each a saved view with a title and a
caption. The panel lists the stories of the stories folder (``--stories DIR``), opens one as a
draft to edit (add the current view as a step, edit titles and captions, reorder, delete), saves
it there (atomically, the previous version kept), plays it and downloads it as one HTML file
that plays offline.

Playing is part of the view state (fields ``story`` and ``story_step``), so a step's link opens
the story at that step. Going to a step (Play, a step's Show, the arrows and space in presenter
mode) is an intent that sets the view to the step's own. The draft lives in the browser (a
session store), one per person: nothing is written until Save.

Inputs: the chooser, New, Add (with the camera the page's script reads), the step controls,
Save, Download, and the story fields. Outputs: the draft and its editor, the stories list, the
caption and camera of the step played.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from ecosystem.explorer import Model
from ecosystem.stories import (
    MAX_STEPS,
    MAX_TITLE_CHARS,
    Story,
    StoryError,
    list_stories,
    read_story,
    story_file_name,
    write_story,
)
from ecosystem.web import spec
from ecosystem.web.components import attrs
from ecosystem.web.ids import ID
from ecosystem.web.spec import BadInput, ViewState
from ecosystem.web.story_draft import (
    Edit,
    checked_draft,
    checked_inputs,
    draft_of,
    edited,
    editor,
    empty_draft,
    story_of,
)
from ecosystem.web.url import Event, Intent


@dataclass(frozen=True)
class Folder:
    """Where the app's stories live (``None``: stories can be played from links, not saved)."""

    path: Path | None
    data_dir: Path | None = None

    def read(self, name: str) -> Story:
        if self.path is None:
            raise StoryError([])
        return read_story(self.path / story_file_name(name))


# Playing.


def at_step(model: Model, state: ViewState, story: Story, name: str, number: int) -> ViewState:
    """The view of step ``number`` (from 1, brought within the story) of story ``name``."""
    if not story.steps:
        return state
    number = min(max(number, 1), len(story.steps))
    view = spec.parse_url(model, story.steps[number - 1].query)
    return replace(view, story=name, story_step=number, presenter=state.presenter, tab=state.tab)


def opener(folder: Folder) -> Callable[[Model, ViewState], ViewState]:
    """What an address naming a story's step and nothing of the view opens: that step's view,
    as going to the step gives it (an address written by the app names the view too)."""

    def opened(model: Model, state: ViewState) -> ViewState:
        if not state.story or not state.story_step:
            return state
        bare = replace(state, story=None, story_step=0, presenter=False, tab=ViewState().tab)
        if bare != ViewState():
            return state
        try:
            story = folder.read(state.story)
        except StoryError:
            return state  # the caption says it cannot be read
        return at_step(model, state, story, state.story, state.story_step)

    return opened


def _goer(folder: Folder, by: int | None, *, present: bool = False):
    def apply(model: Model, state: ViewState, event: Event) -> ViewState:
        if not event.value:
            return state  # a button just drawn, not pressed
        if by is None:  # a story's Play button: its name is the button's index
            name = event.source.get("index") if isinstance(event.source, dict) else None
            number = 1
        else:
            name, number = state.story, state.story_step + by
        if not isinstance(name, str) or not name:
            return state
        try:
            story = folder.read(spec.Name().from_client(model, name))
        except StoryError:
            return state
        started = replace(state, presenter=True) if present else state
        return at_step(model, started, story, name, number)

    return apply


def show_step(model: Model, state: ViewState, event: Event) -> ViewState:
    """A draft step's Show: its view (the button's index is the step's query string)."""
    if not event.value:
        return state  # a button just drawn, not pressed
    query = event.source.get("index") if isinstance(event.source, dict) else None
    if not isinstance(query, str) or len(query) > spec.MAX_QUERY_CHARS:
        raise BadInput("a step's Show button must carry its view")
    view = spec.parse_url(model, query)
    return replace(view, presenter=state.presenter, tab=state.tab)


def intents(folder: Folder) -> tuple[Intent, ...]:
    return (
        Intent(
            "story_play",
            Input({"type": ID.STORY_PLAY, "index": ALL}, "n_clicks"),
            _goer(folder, None, present=True),
        ),
        Intent("story_next", Input(ID.STORY_NEXT, "n_clicks"), _goer(folder, 1)),
        Intent("story_previous", Input(ID.STORY_PREVIOUS, "n_clicks"), _goer(folder, -1)),
        Intent("step_show", Input({"type": ID.STEP_SHOW, "index": ALL}, "n_clicks"), show_step),
    )


def caption(folder: Folder, state: ViewState) -> tuple[list, str]:
    """The played step's caption over the network, and where its camera looks from (JSON for
    the page's script; empty when the step keeps the camera where the view puts it)."""
    if not state.story or not state.story_step:
        return [], ""
    try:
        story = folder.read(state.story)
    except StoryError:
        return [html.Div(f"The story {state.story} cannot be read.", className="caption-title")], ""
    if state.story_step > len(story.steps):
        return [], ""
    step = story.steps[state.story_step - 1]
    lines = [
        html.Div(
            [
                html.Span(
                    f"Step {state.story_step} of {len(story.steps)}", className="caption-step"
                ),
                step.title,
            ],
            className="caption-title",
        )
    ]
    if step.caption:
        lines.append(html.Div(step.caption, className="story-caption-text"))
    camera = step.camera
    where = (
        json.dumps(
            {
                "zoom": camera.zoom,
                "x": camera.pan_x,
                "y": camera.pan_y,
                "width": camera.width,
                "height": camera.height,
                "step": state.story_step,
            }
        )
        if camera
        else ""
    )
    return lines, where


# The page.


def layout(folder: Folder) -> list:
    where = (
        f"Stories are saved in {folder.path}."
        if folder.path
        else "Start the explorer with --stories DIR to save stories; links to steps still play."
    )
    return [
        html.Div(
            [
                html.P(where, className="muted"),
                html.Div(
                    [
                        dcc.Dropdown(
                            id=ID.STORY_CHOOSER,
                            options=story_options(folder),
                            placeholder="Open a story…",
                            className="story-chooser",
                        ),
                        html.Button("New", id=ID.STORY_NEW, n_clicks=0),
                    ],
                    className="row",
                ),
                html.Label("Story title"),
                dcc.Input(
                    id=ID.STORY_TITLE,
                    value="",
                    debounce=True,
                    maxLength=MAX_TITLE_CHARS,
                    placeholder="e.g. ISMC and its European links",
                    className="story-title",
                ),
                html.Ol(id=ID.STORY_STEPS, className="story-steps"),
                html.Button(
                    "Add the current view as a step",
                    id=ID.STORY_ADD,
                    n_clicks=0,
                    className="story-add",
                    title="The selection, path, filters, date, colour, layout, zoom and pan",
                ),
                html.Div(
                    [
                        dcc.Input(
                            id=ID.STORY_NAME,
                            value="",
                            debounce=True,
                            maxLength=100,
                            placeholder="file name, e.g. forum-talk",
                            disabled=folder.path is None,
                        ),
                        html.Button(
                            "Save", id=ID.STORY_SAVE, n_clicks=0, disabled=folder.path is None
                        ),
                        html.Button(
                            "Download for offline",
                            id=ID.STORY_OFFLINE,
                            n_clicks=0,
                            title="One HTML file that plays the story with no server or network",
                        ),
                    ],
                    className="row story-save",
                ),
                html.Div(id=ID.STORY_MESSAGE, className="story-message", role="status"),
                html.Div(id=ID.STORY_DOWNLOAD_NOTE, className="story-message", role="status"),
                dcc.Store(id=ID.STORY_DRAFT, storage_type="session", data=empty_draft()),
                dcc.Store(id=ID.STORY_VIEW_CAMERA, data=None),
                dcc.Download(id=ID.STORY_DOWNLOAD),
            ],
            className="story-panel",
        )
    ]


def hidden() -> list:
    """The stores of the playing fields and the buttons the step keys click."""
    return [
        dcc.Store(id=ID.STORY),
        dcc.Store(id=ID.STORY_STEP, data=0),
        *[
            html.Button(id=button, n_clicks=0, className="hidden", **attrs({"aria-hidden": "true"}))
            for button in (ID.STORY_NEXT, ID.STORY_PREVIOUS)
        ],
    ]


def overlay(model: Model, folder: Folder) -> list:
    """The played step's caption over the network, and its camera for the page's script, as
    the opening view has them (no story)."""
    lines, camera = played_step(folder, spec.opening(model))
    return [
        html.Div(lines, id=ID.STORY_CAPTION, className="caption story-caption", role="status"),
        html.Div(camera, id=ID.STORY_CAMERA, className="hidden"),
    ]


def played_step(folder: Folder, state: ViewState) -> tuple[list, Any]:
    """The played step's caption, and its camera for the page's script."""
    lines, where = caption(folder, state)
    return lines, html.Span(**attrs({"data-camera": where}))


def story_options(folder: Folder) -> list[dict]:
    if folder.path is None:
        return []
    try:
        listed = list_stories(folder.path)
    except StoryError:
        return []
    return [
        {
            "label": f"{entry['title']} ({entry['steps']} steps)"
            if entry["error"] is None
            else f"{entry['name']} (cannot be read)",
            "value": entry["name"],
            "disabled": entry["error"] is not None,
        }
        for entry in listed
    ]


STRUCTURE = {ID.STEP_UP: "up", ID.STEP_DOWN: "down", ID.STEP_DELETE: "delete"}


def handle_edit(
    model: Model, folder: Folder, trigger: Any, inputs: Mapping[str, Any], draft: Any
) -> dict:
    """What the story editor's callback answers: the draft, and where they change the steps
    editor, the title and name fields, the message and the stories list."""
    draft = checked_draft(draft)
    inputs = checked_inputs(inputs)
    answer: dict = dict.fromkeys(
        ("draft", "steps", "title", "name", "message", "options"), no_update
    )
    kind = trigger.get("type") if isinstance(trigger, Mapping) else trigger
    try:
        if kind is None:  # the page opened: the draft kept by the browser, shown
            answer.update(steps=editor(draft, draft["name"] or None), title=draft["title"])
            answer["name"] = draft["name"]
            answer["options"] = story_options(folder)  # saved since the app started too
            return answer
        new = _apply(model, folder, kind, trigger, inputs, draft)
    except StoryError as error:
        answer["message"] = [html.Div(str(p)) for p in error.problems] or str(error)
        return answer
    if new is None:
        return answer
    new_draft, message = new
    if new_draft != draft:
        answer["draft"] = new_draft
    if kind not in (ID.STEP_TITLE, ID.STEP_CAPTION, ID.STORY_TITLE):
        answer.update(steps=editor(new_draft, new_draft["name"] or None))
        answer.update(title=new_draft["title"], name=new_draft["name"])
    if message:
        answer["message"] = message
    if kind == ID.STORY_SAVE:
        answer["options"] = story_options(folder)
    return answer


def _apply(
    model: Model, folder: Folder, kind: Any, trigger: Any, inputs: Mapping[str, Any], draft: dict
) -> tuple[dict, str] | None:
    """The new draft and a message for one edit, or ``None`` when it changes nothing."""
    if kind == ID.STORY_CHOOSER:
        name = inputs["chosen"]
        if not name:
            return None
        name = spec.Name().from_client(model, name)
        return draft_of(folder.read(name), name), f"Opened {story_file_name(name)}."
    if kind == ID.STORY_NEW:
        return (empty_draft(), "A new story.") if inputs["new"] else None
    if kind == ID.STORY_VIEW_CAMERA:
        if not isinstance(inputs["camera"], dict):
            return None  # the store drawn, not a step added
        if len(draft["steps"]) >= MAX_STEPS:
            return draft, f"A story holds at most {MAX_STEPS} steps."
        query = inputs["url"] if isinstance(inputs["url"], str) else ""
        added = edited(model, draft, Edit("add"), query=query, camera=inputs["camera"])
        return added, f"Step {len(added['steps'])} added."
    if kind in STRUCTURE:
        at = trigger.get("index")
        clicked = [v for v in inputs[STRUCTURE[kind]] if v]
        if not isinstance(at, int) or not clicked:
            return None  # a control just drawn, not pressed
        return edited(model, draft, Edit(STRUCTURE[kind], at)), ""
    if kind in (ID.STEP_TITLE, ID.STEP_CAPTION):
        action = "titles" if kind == ID.STEP_TITLE else "captions"
        values = inputs[action]
        if not isinstance(values, list) or len(values) != len(draft["steps"]):
            return None  # the editor is being redrawn
        return edited(model, draft, Edit(action, values=values)), ""
    if kind == ID.STORY_TITLE:
        return edited(model, draft, Edit("title", values=[inputs["title"]])), ""
    if kind == ID.STORY_SAVE:
        return _save(folder, draft, inputs) if inputs["save"] else None
    return None


def _save(folder: Folder, draft: dict, inputs: Mapping[str, Any]) -> tuple[dict, str]:
    if folder.path is None:
        return draft, "Start the explorer with --stories DIR to save stories."
    name = inputs["name"] if isinstance(inputs["name"], str) else ""
    if not name.strip():
        return draft, "Give the story a file name to save it under."
    story = story_of(draft, name=story_file_name(name))
    path = write_story(folder.path, name, story, data_dir=folder.data_dir)
    saved = path.stem
    return {**draft, "name": saved}, f"Saved {path.name}; the previous version is kept."


def handle_download(model: Model, draft: Any) -> tuple[Any, Any]:
    """The offline HTML of the draft's story as a download, or why it cannot be made."""
    from ecosystem.web.story_html import render_offline

    checked = checked_draft(draft)
    try:
        story = story_of(checked)
    except StoryError as error:
        return no_update, [html.Div(str(p)) for p in error.problems] or str(error)
    if not story.steps:
        return no_update, "Add a step first: an offline story plays its steps."
    name = checked["name"] or "story"
    try:
        page = render_offline(story, model, name=name)
    except StoryError as error:
        return no_update, [html.Div(str(p)) for p in error.problems] or str(error)
    return dcc.send_string(page, f"{name}.html"), ""


CAMERA_SCRIPT = """function (clicks) {
    if (!clicks || !window.ecoCamera) { return window.dash_clientside.no_update; }
    return window.ecoCamera(clicks);
}"""


def register_callbacks(app: Dash, model: Model, folder: Folder) -> None:
    app.clientside_callback(
        CAMERA_SCRIPT,
        Output(ID.STORY_VIEW_CAMERA, "data"),
        Input(ID.STORY_ADD, "n_clicks"),
        prevent_initial_call=True,
    )

    def every(kind: str, prop: str) -> Input:
        return Input({"type": kind, "index": ALL}, prop)

    @app.callback(
        output={
            "draft": Output(ID.STORY_DRAFT, "data"),
            "steps": Output(ID.STORY_STEPS, "children"),
            "title": Output(ID.STORY_TITLE, "value"),
            "name": Output(ID.STORY_NAME, "value"),
            "message": Output(ID.STORY_MESSAGE, "children"),
            "options": Output(ID.STORY_CHOOSER, "options"),
        },
        inputs={
            "chosen": Input(ID.STORY_CHOOSER, "value"),
            "new": Input(ID.STORY_NEW, "n_clicks"),
            "camera": Input(ID.STORY_VIEW_CAMERA, "data"),
            "save": Input(ID.STORY_SAVE, "n_clicks"),
            "title": Input(ID.STORY_TITLE, "value"),
            "titles": every(ID.STEP_TITLE, "value"),
            "captions": every(ID.STEP_CAPTION, "value"),
            "up": every(ID.STEP_UP, "n_clicks"),
            "down": every(ID.STEP_DOWN, "n_clicks"),
            "delete": every(ID.STEP_DELETE, "n_clicks"),
        },
        state={
            "draft": State(ID.STORY_DRAFT, "data"),
            "name": State(ID.STORY_NAME, "value"),
            "url": State(ID.URL, "search"),
        },
    )
    def edit(draft, **inputs: Any):
        return handle_edit(model, folder, ctx.triggered_id, inputs, draft)

    @app.callback(
        output=(Output(ID.STORY_DOWNLOAD, "data"), Output(ID.STORY_DOWNLOAD_NOTE, "children")),
        inputs={"clicks": Input(ID.STORY_OFFLINE, "n_clicks")},
        state={"draft": State(ID.STORY_DRAFT, "data")},
        prevent_initial_call=True,
    )
    def download(clicks, draft):
        return handle_download(model, draft) if clicks else (no_update, no_update)

    @app.callback(
        output=(Output(ID.STORY_CAPTION, "children"), Output(ID.STORY_CAMERA, "children")),
        inputs=spec.inputs("story", "story_step"),
        prevent_initial_call=True,  # the page holds the opening view's (overlay)
    )
    def played(**fields: Any):
        return played_step(folder, spec.from_client(model, fields))
