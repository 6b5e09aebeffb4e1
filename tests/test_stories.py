"""Story files: the text round-trips exactly, every problem is named by file, step and field,
hostile files are refused cleanly, and saving never loses an earlier version."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecosystem import stories
from ecosystem.errors import EcosystemError
from ecosystem.stories import (
    Camera,
    Step,
    Story,
    StoryError,
    check_story,
    list_stories,
    named_entities,
    parse_story,
    previous_versions,
    read_story,
    to_json,
    write_story,
)
from ecosystem.stories import files as story_files
from tests.helpers import TOWN_EDGES, TOWN_NODES, make_view, write_dataset

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TOWN = make_view(TOWN_NODES, TOWN_EDGES)
STORY = Story(
    "The town",
    (
        Step("The cluster", "Three companies are members.", {"sel": "cluster", "hops": "1"}),
        Step(
            "From Acme to the lab",
            "Through PROJ ONE.",
            {"from": "acme", "to": "lab", "k": "2", "asof": "2023-10"},
            Camera(1.25, -40.5, 12.0),
        ),
    ),
)


def document(**changes) -> dict:
    """A valid story file as a dict; ``step2_FIELD=value`` changes a field of step 2."""
    data = json.loads(to_json(STORY))
    for key, value in changes.items():
        if key.startswith("step2_"):
            data["steps"][1][key.removeprefix("step2_")] = value
        else:
            data[key] = value
    return data


def problems_of(text: str | bytes, name: str = "talk.json") -> list[str]:
    with pytest.raises(StoryError) as caught:
        parse_story(text, name=name)
    return [str(problem) for problem in caught.value.problems]


def the_problem(data) -> str:
    found = problems_of(json.dumps(data))
    assert len(found) == 1, found
    return found[0]


# The text -----------------------------------------------------------------------------------------

plain = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    str.strip
)
views = st.dictionaries(
    st.sampled_from(["sel", "from", "to", "pick", "at"]), plain, max_size=3
).flatmap(
    lambda entities: st.fixed_dictionaries(
        {},
        optional={
            "hops": st.integers(0, 3).map(str),
            "layout": st.sampled_from(["force", "grid", "circle"]),
            "hubs": st.sampled_from(["yes", "no"]),
            "types": st.sampled_from(["company", "company,project"]),
            "asof": st.dates().map(lambda d: d.isoformat()).filter(lambda d: d[0] != "0"),
        },
    ).map(lambda fixed: {**entities, **fixed})
)
cameras = (
    st.none()
    | st.builds(
        Camera,
        st.floats(0.05, 4.0),
        st.floats(-1e6, 1e6, allow_nan=False),
        st.floats(-1e6, 1e6, allow_nan=False),
    )
    | st.builds(
        Camera,
        st.floats(0.05, 4.0),
        st.floats(-1e6, 1e6, allow_nan=False),
        st.floats(-1e6, 1e6, allow_nan=False),
        st.floats(100, 20_000),
        st.floats(100, 20_000),
    )
)
steps = st.builds(
    Step,
    plain,
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=80) | st.just("a\nb\tc"),
    views,
    cameras,
)
story_values = st.builds(Story, plain, st.lists(steps, max_size=5).map(tuple))


@SETTINGS
@given(story_values)
def test_a_story_reads_back_exactly_from_its_text(story):
    text = to_json(story)
    again = parse_story(text)
    assert again == story
    assert to_json(again) == text


def test_the_text_is_stable_and_says_what_it_is():
    text = to_json(STORY)
    assert text == to_json(parse_story(text))
    data = json.loads(text)
    assert list(data) == ["format", "version", "title", "steps"]
    assert (data["format"], data["version"]) == ("ecosystem-story", 1)
    assert data["steps"][0]["camera"] is None
    assert data["steps"][1]["camera"] == {"zoom": 1.25, "pan": {"x": -40.5, "y": 12.0}}
    assert data["steps"][1]["view"] == {"from": "acme", "to": "lab", "k": "2", "asof": "2023-10"}


def test_a_step_is_a_link():
    step = STORY.steps[1]
    assert step.query == "?from=acme&to=lab&k=2&asof=2023-10"
    assert Step.from_query(step.query, title=step.title, caption=step.caption) == Step(
        step.title, step.caption, step.view
    )


def test_the_view_keys_are_the_apps_url_keys():
    from ecosystem.web.spec import FIELDS, ViewState, encode_url, parse_url

    state = ViewState(selected="cluster", hops=2, layout="grid", types=("company",))
    step = Step.from_query(encode_url(state), title="Cluster")
    assert dict(step.view) == {"sel": "cluster", "types": "company", "hops": "2", "layout": "grid"}

    class Town:
        view = TOWN
        country_counts = None

    assert parse_url(Town(), step.query) == state
    assert {f.key for f in FIELDS} - {"story", "step"} == set(_schema_view_keys())


def _schema_view_keys() -> list[str]:
    from ecosystem.resources import story_schema_path

    schema = json.loads(story_schema_path().read_text(encoding="utf-8"))
    return list(schema["$defs"]["step"]["properties"]["view"]["properties"])


def test_the_json_schema_states_the_same_limits_and_ships_in_the_package():
    from ecosystem.resources import story_schema_path

    path = story_schema_path()
    assert path.parent == Path(stories.__file__).parent.parent  # ecosystem/, in the wheel
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["properties"]["steps"]["maxItems"] == stories.MAX_STEPS
    assert schema["$defs"]["title"]["maxLength"] == stories.MAX_TITLE_CHARS
    step = schema["$defs"]["step"]["properties"]
    assert step["caption"]["maxLength"] == stories.MAX_CAPTION_CHARS
    assert set(step) == set(stories.format.STEP_KEYS)
    assert set(schema["properties"]) == set(stories.format.STORY_KEYS)


def test_reading_a_story_imports_no_web_framework(tmp_path):
    path = tmp_path / "talk.json"
    path.write_text(to_json(STORY), encoding="utf-8")
    code = (
        "import sys; from ecosystem.stories import read_story; "
        f"read_story({str(path)!r}); print('dash' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "False", result.stderr


# Every problem named ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"step2_title": ""}, "title", "is empty"),
        ({"step2_title": 7}, "title", "not text"),
        ({"step2_title": "x" * 201}, "title", "201 characters, more than 200"),
        ({"step2_title": "two\nlines"}, "title", "U+000A"),
        ({"step2_caption": "y" * 2001}, "caption", "2,001 characters, more than 2,000"),
        ({"step2_caption": "bell\x07"}, "caption", "U+0007"),
        ({"step2_colour": "red"}, "colour", "not a field of a step"),
        ({"step2_view": ["sel", "acme"]}, "view", "not an object"),
        ({"step2_view": {"selected": "acme"}}, "view.selected", "not a view key of the app"),
        ({"step2_view": {"sel": ""}}, "view.sel", "not text or is empty"),
        ({"step2_view": {"sel": 3}}, "view.sel", "not text"),
        ({"step2_view": {"hops": "9"}}, "view.hops", "not a whole number from 0 to 3"),
        ({"step2_view": {"hops": "1.5"}}, "view.hops", "not a whole number"),
        ({"step2_view": {"layout": "spiral"}}, "view.layout", "'spiral' is not known"),
        ({"step2_view": {"types": "company,castle"}}, "view.types", "'castle' is not known"),
        ({"step2_view": {"hubs": "maybe"}}, "view.hubs", "give 'yes' or 'no'"),
        ({"step2_view": {"mode": "on"}}, "view.mode", "give 'present'"),
        ({"step2_view": {"link": "acme"}}, "view.link", "not a link"),
        ({"step2_view": {"asof": "2023-13"}}, "view.asof", "not a date"),
        ({"step2_view": {"asof": "2023-02-30"}}, "view.asof", "not a date"),
        ({"step2_view": {"asof": "23-10"}}, "view.asof", "give YYYY, YYYY-MM or YYYY-MM-DD"),
        ({"step2_camera": {"zoom": 1}}, "camera", "not a zoom and a pan"),
        ({"step2_camera": {"zoom": 1, "pan": [0, 0]}}, "camera.pan", "not an x and a y"),
        ({"step2_camera": {"zoom": 5, "pan": {"x": 0, "y": 0}}}, "camera.zoom", "is 5"),
        ({"step2_camera": {"zoom": True, "pan": {"x": 0, "y": 0}}}, "camera.zoom", "is True"),
        ({"step2_camera": {"zoom": 1, "pan": {"x": 0, "y": 2e6}}}, "camera.pan.y", "2000000"),
        (
            {"step2_camera": {"zoom": 1, "pan": {"x": 0, "y": 0}, "area": [800, 600]}},
            "camera.area",
            "not a width and a height",
        ),
        (
            {"step2_camera": {"zoom": 1, "pan": {"x": 0, "y": 0}, "area": {"width": 800}}},
            "camera.area",
            "not a width and a height",
        ),
        (
            {
                "step2_camera": {
                    "zoom": 1,
                    "pan": {"x": 0, "y": 0},
                    "area": {"width": 800, "height": 50},
                }
            },
            "camera.area.height",
            "is 50; give a number 100.0..20000.0",
        ),
    ],
)
def test_a_step_problem_names_the_file_the_step_and_the_field(changes, field, says):
    message = the_problem(document(**changes))
    if "step2_title" in changes:  # the step is named by its number alone, or its title cut
        assert message.startswith("talk.json: step 2"), message
        assert f": {field}: " in message, message
    else:
        assert message.startswith(f"talk.json: step 2 (“From Acme to the lab”): {field}: ")
    assert says in message
    assert message.count("; ") >= 1  # and what to do


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"title": "  "}, "title", "is empty"),
        ({"format": "kumu-presentation"}, "format", "not an ecosystem story file"),
        ({"version": 2}, "version", "version 2 is not supported"),
        ({"version": "1"}, "version", "version '1' is not supported"),
        ({"version": True}, "version", "version True is not supported"),
        ({"steps": {}}, "steps", "not a list"),
        ({"author": "me"}, "author", "not a field of a story"),
    ],
)
def test_a_story_problem_names_the_file_and_the_field(changes, field, says):
    message = the_problem(document(**changes))
    assert message.startswith(f"talk.json: {field}: ")
    assert says in message


def test_a_newer_version_is_refused_with_what_to_do():
    message = the_problem(document(version=2, steps="not even checked"))
    assert "this ecosystem reads version 1" in message
    assert "upgrade ecosystem" in message


def test_every_problem_is_listed_at_once():
    data = document(title="")
    data["steps"][0]["view"] = {"hops": "7", "sel": "acme"}
    data["steps"][1]["camera"] = {"zoom": 0, "pan": {"x": 0, "y": 0}}
    with pytest.raises(StoryError) as caught:
        parse_story(json.dumps(data), name="talk.json")
    lines = str(caught.value).splitlines()
    assert lines[0] == "3 problems in story talk.json"
    assert lines[1].startswith("talk.json: title: is empty")
    assert lines[2].startswith("talk.json: step 1 (“The cluster”): view.hops: ")
    assert lines[3].startswith("talk.json: step 2 (“From Acme to the lab”): camera.zoom: ")


def test_too_many_steps_are_refused():
    data = document()
    data["steps"] = [data["steps"][0]] * (stories.MAX_STEPS + 1)
    assert "201 steps, more than 200" in the_problem(data)


# Hostile files ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\xff\xfe{", "is not UTF-8 text (byte 1)"),
        ("{'format': 1}", "is not valid JSON (line 1, column 2)"),
        ("", "is not valid JSON"),
        ("[]", "is not a JSON object"),
        ('"story"', "is not a JSON object"),
        ("[" * 100_000 + "]" * 100_000, "nests 100,000 levels deep".replace(",", "")),
        ('{"a": ' * 17 + "1" + "}" * 17, "nests 17 levels deep, more than 16"),
        ('{"title": "a", "title": "b"}', "the key 'title' is given twice"),
        ('{"zoom": NaN}', "NaN is not a number a story can hold"),
        ('{"zoom": -Infinity}', "-Infinity is not a number a story can hold"),
        ('{"n": ' + "9" * 5000 + "}", "is not valid JSON"),
        (b"x" * (stories.MAX_FILE_BYTES + 1), "is 1,000,001 bytes, more than 1,000,000"),
    ],
)
def test_a_hostile_file_is_refused_in_one_line(content, says):
    (message,) = problems_of(content)
    assert message.startswith("talk.json: file: ")
    assert says in message


def test_nan_in_a_camera_is_refused():
    text = to_json(STORY).replace('"zoom": 1.25', '"zoom": NaN')
    (message,) = problems_of(text)
    assert "NaN is not a number a story can hold" in message


def test_a_number_too_large_for_a_float_is_refused():
    text = to_json(STORY).replace('"x": -40.5', '"x": 1e999')
    (message,) = problems_of(text)
    assert message.startswith("talk.json: step 2 (“From Acme to the lab”): camera.pan.x: is inf")


def test_brackets_inside_text_do_not_count_as_nesting():
    story = Story("[[[[[[[[[[[[[[[[[[[[", (Step("{{{{{{{{{{{{{{{{{{{{{{", '"[{', {"sel": "a"}),))
    assert parse_story(to_json(story)) == story


def test_a_lone_surrogate_is_refused():
    text = to_json(STORY).replace("The town", "The \\ud800 town")
    (message,) = problems_of(text)
    assert message.startswith("talk.json: title: holds the control character U+D800")


def test_markup_in_titles_and_captions_is_kept_as_text():
    markup = "<script>alert(1)</script> &amp; <b>bold</b>"
    story = Story(markup, (Step(markup, markup + "\n<img src=x onerror=alert(2)>"),))
    again = parse_story(to_json(story))
    assert again.title == markup
    assert again.steps[0].caption == markup + "\n<img src=x onerror=alert(2)>"


def test_a_huge_file_on_disk_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as stream:
        stream.truncate(50 * stories.MAX_FILE_BYTES)  # sparse: 50 MB of zeros
    with pytest.raises(
        StoryError, match=r"huge\.json: file: is 50,000,000 bytes, more than 1,000,000"
    ):
        read_story(path)


def test_a_folder_or_a_missing_file_is_refused(tmp_path):
    with pytest.raises(StoryError, match="is not a file"):
        read_story(tmp_path)
    with pytest.raises(StoryError, match="is not a file"):
        read_story(tmp_path / "absent.json")


def test_a_byte_order_mark_is_accepted():
    assert parse_story(b"\xef\xbb\xbf" + to_json(STORY).encode()) == STORY


# Against the network ------------------------------------------------------------------------------


def test_entities_the_network_does_not_hold_are_named_with_their_step_and_field():
    story = Story(
        "Stale",
        (
            Step("Fine", "", {"sel": "acme", "link": "acme~cluster"}),
            Step("Gone", "", {"sel": "ghost", "from": "acme", "to": "nowhere"}),
            Step("Unlinked", "", {"link": "acme~lab", "countries": "ES,ZZ"}),
        ),
    )
    graph = TOWN.copy()
    graph.nodes["acme"]["country"] = "ES"
    assert check_story(story, graph, name="town.json") == [
        "town.json: step 2 (“Gone”): view.sel: the entity 'ghost' is not in the network; "
        "choose one the data holds (ids are in entities.csv), or add it to the data",
        "town.json: step 2 (“Gone”): view.to: the entity 'nowhere' is not in the network; "
        "choose one the data holds (ids are in entities.csv), or add it to the data",
        "town.json: step 3 (“Unlinked”): view.link: 'acme~lab' is not a link between two "
        "entities of the network; choose one the data holds (ids are in entities.csv), or add "
        "it to the data",
        "town.json: step 3 (“Unlinked”): view.countries: no entity of the network is in 'ZZ'; "
        "choose one the data holds (ids are in entities.csv), or add it to the data",
    ]
    assert check_story(STORY, graph) == []


def test_the_entities_a_step_names():
    step = Step("s", "", {"sel": "a", "link": "b~c~d", "hops": "1", "to": "e"})
    assert named_entities(step) == [("sel", "a"), ("link", "b"), ("link", "c~d"), ("to", "e")]


# Saving -------------------------------------------------------------------------------------------


def test_saving_keeps_every_earlier_version(tmp_path):
    folder = tmp_path / "stories"
    first = write_story(folder, "talk", STORY)
    assert first == folder / "talk.json"
    second = Story("The town, again", STORY.steps)
    write_story(folder, "talk.json", second)
    write_story(folder, "talk", second)  # unchanged: no copy
    third = Story("The town, third", STORY.steps[:1])
    write_story(folder, "talk", third)
    assert read_story(first) == third
    kept = previous_versions(folder, "talk")
    assert [path.name for path in kept] == ["talk.json.2", "talk.json.1"]
    assert [read_story(path) for path in kept] == [second, STORY]


def test_only_the_newest_versions_are_kept(tmp_path):
    for number in range(6):
        write_story(tmp_path, "talk", Story(f"Version {number}"), keep=3)
    kept = previous_versions(tmp_path, "talk")
    assert [read_story(path).title for path in kept] == ["Version 4", "Version 3", "Version 2"]
    assert read_story(tmp_path / "talk.json").title == "Version 5"


def test_a_crash_after_the_copy_loses_nothing(tmp_path, monkeypatch):
    write_story(tmp_path, "talk", STORY)
    real = story_files.write_bytes_atomically
    calls = []

    def crash_on_the_second(path, content):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt("power cut")
        return real(path, content)

    monkeypatch.setattr(story_files, "write_bytes_atomically", crash_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        write_story(tmp_path, "talk", Story("New"))
    monkeypatch.undo()
    assert read_story(tmp_path / "talk.json") == STORY  # the old story, whole
    assert [read_story(p) for p in previous_versions(tmp_path, "talk")] == [STORY]
    write_story(tmp_path, "talk", Story("New"))
    assert read_story(tmp_path / "talk.json") == Story("New")
    assert [p.name for p in previous_versions(tmp_path, "talk")] == ["talk.json.1"]


def test_a_crash_while_the_new_file_is_written_leaves_the_old_one(tmp_path, monkeypatch):
    write_story(tmp_path, "talk", STORY)
    import os

    def no_rename(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(EcosystemError, match="No space left on device"):
        write_story(tmp_path, "talk", Story("New"))
    monkeypatch.undo()
    assert read_story(tmp_path / "talk.json") == STORY
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


@pytest.mark.parametrize("name", ["../talk", "a/b", "a\\b", ".hidden", "", "x" * 101, "tâlk", ".."])
def test_a_name_that_is_not_a_plain_file_name_is_refused(tmp_path, name):
    with pytest.raises(StoryError, match="is not a story name"):
        write_story(tmp_path, name, STORY)
    assert list(tmp_path.iterdir()) == []


def test_the_data_folder_is_refused(tmp_path):
    data = write_dataset(tmp_path / "data")
    for folder in (data, data / "stories", data / "sources"):
        with pytest.raises(StoryError, match="is a data folder"):
            write_story(folder, "talk", STORY, data_dir=data)
    with pytest.raises(StoryError, match="is a data folder"):
        write_story(data, "talk", STORY)  # holds a dataset, even unnamed
    from ecosystem.resources import default_data_dir

    with pytest.raises(StoryError, match="is a data folder"):
        write_story(default_data_dir(), "talk", STORY)
    assert not (data / "talk.json").exists()


def test_a_story_that_would_not_read_back_is_not_saved(tmp_path):
    with pytest.raises(StoryError, match="caption: is 2,001 characters"):
        write_story(tmp_path, "talk", Story("T", (Step("s", "c" * 2001),)))
    assert not (tmp_path / "talk.json").exists()


def test_listing_names_broken_files_beside_good_ones(tmp_path):
    write_story(tmp_path, "good", STORY)
    (tmp_path / "broken.json").write_bytes(b"\xff not json")
    (tmp_path / "notes.txt").write_text("not a story")
    assert list_stories(tmp_path) == [
        {
            "name": "broken",
            "file": str(tmp_path / "broken.json"),
            "title": None,
            "steps": None,
            "error": f"{tmp_path / 'broken.json'}: file: is not UTF-8 text (byte 1); "
            "save the story as UTF-8",
        },
        {
            "name": "good",
            "file": str(tmp_path / "good.json"),
            "title": "The town",
            "steps": 2,
            "error": None,
        },
    ]
    assert list_stories(tmp_path / "absent") == []


# The documentation --------------------------------------------------------------------------------

DOCS = (Path(__file__).resolve().parent.parent / "docs" / "stories.md").read_text(encoding="utf-8")


def test_the_documented_example_is_a_valid_story():
    example = DOCS.split("```json\n", 1)[1].split("```", 1)[0]
    story = parse_story(example, name="docs/stories.md")
    assert [step.title for step in story.steps] == ["The cluster", "Strong links in Brussels"]


def test_every_view_key_and_limit_is_documented():
    from ecosystem.web.spec import FIELDS

    table = DOCS.split("| key | field | value |", 1)[1].split("\n\n", 1)[0]
    documented = set(
        re.findall(r"`(\w+)`", " ".join(line.split("|")[1] for line in table.splitlines()[2:]))
    )
    assert documented == {f.key for f in FIELDS} - {"story", "step"}
    for limit in (stories.MAX_STEPS, stories.MAX_TITLE_CHARS, stories.MAX_CAPTION_CHARS):
        assert f"{limit:,}" in DOCS or str(limit) in DOCS
    assert f"{stories.MAX_FILE_BYTES:,} bytes" in DOCS


def test_the_documented_messages_are_the_ones_given():
    data = json.loads(to_json(STORY))
    data["steps"][0]["view"]["hops"] = "9"
    data["steps"][0]["camera"] = {"zoom": 12, "pan": {"x": 0, "y": 0}}
    found = problems_of(json.dumps(data))
    shown = [
        line.split(": ", 2)[2] for line in DOCS.split("```\n3 problems", 1)[1].splitlines()[1:3]
    ]
    assert [message.split(": ", 2)[2] for message in found] == shown


def test_a_key_given_twice_in_a_link_keeps_its_first_value_as_the_app_does():
    step = Step.from_query("?sel=acme&hops=1&sel=lab", title="Acme")
    assert step.view == (("sel", "acme"), ("hops", "1"))
    assert parse_story(to_json(Story("T", (step,)))).steps[0] == step


def test_a_camera_from_cytoscape():
    assert Camera.from_cytoscape(2, {"x": 1, "y": -3.5}) == Camera(2.0, 1.0, -3.5)


def test_a_file_full_of_problems_is_reported_in_a_bounded_message():
    data = document()
    data["steps"][0]["view"] = {f"key{number}": "1" for number in range(5000)}
    with pytest.raises(StoryError) as caught:
        parse_story(json.dumps(data), name="talk.json")
    assert len(caught.value.problems) == 5000
    lines = str(caught.value).splitlines()
    assert lines[0] == "5000 problems in story talk.json"
    assert len(lines) == 102
    assert lines[-1] == "… and 4,900 more"


# The JSON Schema says what the reader accepts -----------------------------------------------------


def _schema_validator():
    from jsonschema import Draft202012Validator

    from ecosystem.resources import story_schema_path

    schema = json.loads(story_schema_path().read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@SETTINGS
@given(story_values)
def test_every_story_the_reader_accepts_meets_the_schema(story):
    assert list(_schema_validator().iter_errors(json.loads(to_json(story)))) == []


def test_the_sample_meets_the_schema():
    sample = Path(__file__).resolve().parent.parent / "stories" / "ismc-european-links.json"
    assert list(_schema_validator().iter_errors(json.loads(sample.read_text("utf-8")))) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"format": "kumu"},
        {"version": 2},
        {"author": "me"},
        {"title": ""},
        {"step2_caption": "y" * 2001},
        {"step2_title": "two\nlines"},
        {"step2_view": {"selected": "acme"}},
        {"step2_view": {"asof": "23-10"}},
        {"step2_camera": {"zoom": 5, "pan": {"x": 0, "y": 0}}},
        {"step2_camera": {"zoom": 1}},
        {"step2_camera": {"zoom": 1, "pan": {"x": 0, "y": 0}, "area": {"width": 9e9, "height": 1}}},
        {"step2_camera": {"zoom": 1, "pan": {"x": 0, "y": 0}, "area": {"width": 800}}},
    ],
)
def test_what_the_reader_refuses_the_schema_refuses_too(changes):
    data = document(**changes)
    problems_of(json.dumps(data))  # the reader refuses it
    assert list(_schema_validator().iter_errors(data)) != []


def test_listing_does_not_follow_a_symbolic_link(tmp_path):
    outside = tmp_path / "outside.json"
    outside.write_text(to_json(STORY), encoding="utf-8")
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "linked.json").symlink_to(outside)
    (listed,) = list_stories(folder)
    assert (listed["title"], listed["steps"]) == (None, None)
    assert listed["error"].endswith("is a symbolic link; copy the story into the folder")


def test_a_camera_keeps_the_area_it_was_recorded_in_and_says_what_it_looked_at():
    camera = Camera(2.0, -100.0, 50.0, 800.0, 600.0)
    assert camera.as_json()["area"] == {"width": 800.0, "height": 600.0}
    x, y, width, height = camera.region()
    # The centre of the area, seen at zoom 2 with that pan, is the layout point (50, -25).
    assert (x + width / 2, y + height / 2) == (50.0, -25.0) and (width, height) == (400.0, 300.0)
    assert Camera(2.0, -100.0, 50.0).region() is None and Camera(1, 0, 0).area() is None
    with pytest.raises(ValueError, match="both a width and a height"):
        Camera(1.0, 0.0, 0.0, 800.0)


def test_a_camera_without_an_area_still_reads_as_before():
    data = document(step2_camera={"zoom": 1.5, "pan": {"x": 3, "y": 4}})
    camera = parse_story(json.dumps(data), name="talk.json").steps[1].camera
    assert camera == Camera(1.5, 3.0, 4.0) and "area" not in camera.as_json()
