"""The story panel on the town network: editing a draft, saving it, playing it step by step."""

from __future__ import annotations

import json

import pytest
from dash import no_update

from ecosystem.stories import Step, Story, previous_versions, read_story, write_story
from ecosystem.web.ids import ID
from ecosystem.web.presenter import INTENTS as PRESENTER_INTENTS
from ecosystem.web.spec import BadInput, ViewState
from ecosystem.web.stories import (
    Folder,
    caption,
    handle_download,
    handle_edit,
    intents,
    opener,
)
from ecosystem.web.story_draft import Edit, checked_draft, edited, empty_draft, step_from_view
from ecosystem.web.url import Event, view_update

STORY = Story(
    "The town",
    (
        Step("The cluster", "Three companies are members.", {"sel": "cluster", "hops": "1"}),
        Step("From Acme to the lab", "Through a project.", {"from": "acme", "to": "lab"}),
    ),
)
NO_INPUTS = {
    "chosen": None,
    "new": 0,
    "camera": None,
    "save": 0,
    "title": "",
    "titles": [],
    "captions": [],
    "up": [],
    "down": [],
    "delete": [],
    "name": "",
    "url": "",
}


@pytest.fixture
def folder(tmp_path):
    write_story(tmp_path, "town", STORY)
    return Folder(tmp_path)


def draft(*titles: str) -> dict:
    steps = [{"title": t, "caption": "", "view": {"sel": "acme"}, "camera": None} for t in titles]
    return {"name": "", "title": "A talk", "steps": steps}


def intent(name: str, folder: Folder):
    return next(i for i in (*intents(folder), *PRESENTER_INTENTS) if i.name == name)


def test_a_step_is_the_view_of_the_address_without_the_playing(town):
    step = step_from_view(
        town,
        "?sel=acme&hops=1&story=town&step=2&mode=present",
        {"zoom": 1.5, "pan": {"x": 3, "y": -4}},
        1,
    )
    assert step["view"] == {"sel": "acme", "hops": "1"}
    assert step["title"] == "Acme Mining"
    assert step["camera"] == {"zoom": 1.5, "pan": {"x": 3.0, "y": -4.0}}


def test_a_step_keeps_the_network_area_its_camera_was_recorded_in(town):
    reported = {"zoom": 1.5, "pan": {"x": 3, "y": -4}, "area": {"width": 1312, "height": 861}}
    camera = step_from_view(town, "?sel=acme", reported, 1)["camera"]
    assert camera["area"] == {"width": 1312.0, "height": 861.0}
    for area in ({"width": 5, "height": 861}, {"width": "wide"}, [1312, 861], None):
        kept = step_from_view(town, "", {**reported, "area": area}, 1)["camera"]
        assert kept == {"zoom": 1.5, "pan": {"x": 3.0, "y": -4.0}}  # the area left out


def test_a_camera_out_of_range_is_brought_within_it_or_dropped(town):
    assert (
        step_from_view(town, "", {"zoom": 99, "pan": {"x": 0, "y": 0}}, 3)["camera"]["zoom"] == 4.0
    )
    assert (
        step_from_view(town, "", {"zoom": float("nan"), "pan": {"x": 0, "y": 0}}, 3)["camera"]
        is None
    )
    assert step_from_view(town, "", "junk", 3) == {
        "title": "Step 3",
        "caption": "",
        "view": {},
        "camera": None,
    }


def test_steps_are_added_moved_retitled_and_deleted(town):
    one = draft("a", "b", "c")
    assert [s["title"] for s in edited(town, one, Edit("up", 2))["steps"]] == ["a", "c", "b"]
    assert [s["title"] for s in edited(town, one, Edit("down", 2))["steps"]] == ["a", "b", "c"]
    assert [s["title"] for s in edited(town, one, Edit("delete", 0))["steps"]] == ["b", "c"]
    renamed = edited(town, one, Edit("titles", values=["x", "y", "z"]))
    assert [s["title"] for s in renamed["steps"]] == ["x", "y", "z"]
    added = edited(town, one, Edit("add"), query="?sel=lab", camera=None)
    assert added["steps"][-1]["view"] == {"sel": "lab"}
    assert [s["title"] for s in one["steps"]] == ["a", "b", "c"]  # the draft itself is kept


def test_saving_writes_the_story_and_keeps_the_previous_version(town, folder):
    inputs = {**NO_INPUTS, "save": 1, "name": "town"}
    answer = handle_edit(town, folder, ID.STORY_SAVE, inputs, draft("one step"))
    assert "Saved town.json" in answer["message"]
    assert read_story(folder.path / "town.json").steps[0].title == "one step"
    assert len(previous_versions(folder.path, "town")) == 1
    assert [o["value"] for o in answer["options"]] == ["town"]
    assert answer["draft"]["name"] == "town"


def test_a_story_that_breaks_the_format_is_not_saved_and_says_why(town, folder):
    broken = {**draft("x"), "title": ""}
    answer = handle_edit(
        town, folder, ID.STORY_SAVE, {**NO_INPUTS, "save": 1, "name": "t2"}, broken
    )
    assert answer["draft"] is no_update
    said = " ".join(str(line.children) for line in answer["message"])
    assert "t2.json: title:" in said
    assert not (folder.path / "t2.json").exists()


def test_without_a_stories_folder_nothing_is_saved(town):
    answer = handle_edit(
        town, Folder(None), ID.STORY_SAVE, {**NO_INPUTS, "save": 1, "name": "x"}, draft("a")
    )
    assert "--stories" in answer["message"]


def test_opening_a_story_makes_it_the_draft(town, folder):
    answer = handle_edit(town, folder, ID.STORY_CHOOSER, {**NO_INPUTS, "chosen": "town"}, None)
    assert answer["draft"]["title"] == "The town"
    assert [s["title"] for s in answer["draft"]["steps"]] == ["The cluster", "From Acme to the lab"]
    assert answer["name"] == "town"


def test_controls_just_drawn_change_nothing(town, folder):
    answer = handle_edit(
        town, folder, {"type": ID.STEP_UP, "index": 1}, {**NO_INPUTS, "up": [0, 0]}, draft("a", "b")
    )
    assert all(value is no_update for value in answer.values())
    same = handle_edit(
        town,
        folder,
        {"type": ID.STEP_TITLE, "index": 0},
        {**NO_INPUTS, "titles": ["a", "b"]},
        draft("a", "b"),
    )
    assert same["draft"] is no_update


@pytest.mark.parametrize(
    "raw",
    [
        [],
        {"steps": "x"},
        {"steps": [1]},
        {"steps": [{"view": []}]},
        {"steps": [{"view": {}, "title": 3}]},
    ],
)
def test_a_draft_of_the_wrong_shape_is_refused(raw):
    with pytest.raises(BadInput):
        checked_draft(raw)


def test_play_opens_the_first_step_in_presenter_mode_and_the_keys_move_on(town, folder):
    play = intent("story_play", folder).apply
    state = play(town, ViewState(), Event(1, {"type": ID.STORY_PLAY, "index": "town"}, []))
    assert (state.story, state.story_step, state.presenter) == ("town", 1, True)
    assert (state.selected, state.hops) == ("cluster", 1)
    state = intent("story_next", folder).apply(town, state, Event(1, ID.STORY_NEXT, []))
    assert (state.story_step, state.path_from, state.path_to, state.selected) == (
        2,
        "acme",
        "lab",
        None,
    )
    assert (
        intent("story_next", folder).apply(town, state, Event(2, ID.STORY_NEXT, [])).story_step == 2
    )
    back = intent("story_previous", folder).apply(town, state, Event(1, ID.STORY_PREVIOUS, []))
    assert back.story_step == 1 and back.presenter
    left = intent("leave", folder).apply(town, back, Event(1, ID.LEAVE_PRESENTER, []))
    assert (left.story, left.story_step, left.presenter) == (None, 0, False)


def test_a_story_that_is_not_there_leaves_the_view_as_it_is(town, folder):
    play = intent("story_play", folder).apply
    view = ViewState(selected="acme")
    assert play(town, view, Event(1, {"type": ID.STORY_PLAY, "index": "gone"}, [])) == view


def test_an_address_naming_a_step_alone_opens_with_that_steps_view(town, folder):
    opened = opener(folder)
    named = ViewState(story="town", story_step=2, presenter=True)
    shown = opened(town, named)
    assert (shown.path_from, shown.path_to, shown.story_step, shown.presenter) == (
        "acme",
        "lab",
        2,
        True,
    )
    answer = view_update(
        town, (), {}, url="?story=town&step=1&mode=present", fields={}, typed={}, highlight=[],
        opened=opened,
    )  # fmt: skip
    assert answer["fields"]["selected"] == "cluster" and answer["url"] is no_update


def test_an_address_naming_a_view_keeps_it_and_one_for_no_story_opens_as_named(town, folder):
    opened = opener(folder)
    with_view = ViewState(story="town", story_step=2, selected="acme")
    assert opened(town, with_view) == with_view
    gone = ViewState(story="gone", story_step=1)
    assert opened(town, gone) == gone
    assert opened(town, ViewState(selected="lab")) == ViewState(selected="lab")


def test_the_caption_tells_the_step_and_its_place_in_the_story(folder):
    lines, camera = caption(folder, ViewState(story="town", story_step=2))
    text = json.dumps([line.to_plotly_json() for line in lines], default=str)
    assert "Step 2 of 2" in text and "From Acme to the lab" in text and "Through a project." in text
    assert camera == ""  # the step keeps the camera where its view puts it
    assert caption(folder, ViewState()) == ([], "")


def test_a_new_story_starts_empty(town, folder):
    answer = handle_edit(town, folder, ID.STORY_NEW, {**NO_INPUTS, "new": 1}, draft("a"))
    assert answer["draft"] == empty_draft()


def test_buttons_just_drawn_neither_play_nor_show(town, folder):
    view = ViewState(selected="acme")
    play = intent("story_play", folder).apply
    assert play(town, view, Event(0, {"type": ID.STORY_PLAY, "index": "town"}, [])) == view
    show = intent("step_show", folder).apply
    assert show(town, view, Event(None, {"type": ID.STEP_SHOW, "index": "?sel=lab"}, [])) == view
    assert (
        show(town, view, Event(1, {"type": ID.STEP_SHOW, "index": "?sel=lab"}, [])).selected
        == "lab"
    )


def test_the_offline_download_holds_every_step_and_an_empty_story_says_why(town):
    sent, note = handle_download(town, {**draft("First", "Second"), "name": "talk"})
    assert sent["filename"] == "talk.html" and note == ""
    assert "First" in sent["content"] and "Second" in sent["content"]
    assert "http://" not in sent["content"] and "https://" not in sent["content"]
    sent, note = handle_download(town, draft())
    assert sent is no_update and "Add a step" in note


def test_the_played_camera_carries_the_area_it_was_recorded_in(tmp_path):
    from ecosystem.stories import Camera

    framed = Step("Close", "", (("sel", "acme"),), Camera(1.5, 3.0, -4.0, 900.0, 763.0))
    old = Step("Old", "", (("sel", "acme"),), Camera(1.5, 3.0, -4.0))
    write_story(tmp_path, "cams", Story("Cameras", (framed, old)))
    where = [
        json.loads(caption(Folder(tmp_path), ViewState(story="cams", story_step=n))[1])
        for n in (1, 2)
    ]
    assert where[0] == {
        "zoom": 1.5,
        "x": 3.0,
        "y": -4.0,
        "width": 900.0,
        "height": 763.0,
        "step": 1,
    }
    assert where[1]["width"] is None and where[1]["height"] is None
