"""A story as one offline HTML file, the `ecosystem story` commands, and the sample story on the
shipped data: every entity it names exists and every caption rests on relations the data holds."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from ecosystem.cli import EXIT_OK, EXIT_PROBLEM, main
from ecosystem.explorer import build_model
from ecosystem.stories import (
    Step,
    Story,
    StoryError,
    check_story,
    named_entities,
    read_story,
    to_json,
    write_story,
)
from ecosystem.web.story_html import SCRIPT, STYLE, content_policy, render_offline
from tests.helpers import TOWN_EDGES, TOWN_NODES, make_graph, write_dataset

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "stories" / "ismc-european-links.json"
MARKUP = "<script>window.__xss = 1</script> & <b>bold</b>"


@pytest.fixture(scope="module")
def town():
    return build_model(make_graph(TOWN_NODES, TOWN_EDGES), use_cache=False)


TOWN_STORY = Story(
    "The town " + MARKUP,
    (
        Step("The cluster", "Three companies are members.", {"sel": "cluster", "hops": "1"}),
        Step("Acme to the lab", "Through PROJ ONE.\n" + MARKUP, {"from": "acme", "to": "lab"}),
        Step(MARKUP, "", {}),
    ),
)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# The HTML -----------------------------------------------------------------------------------------


def test_each_step_is_a_section_with_its_picture_title_and_caption(town):
    page = render_offline(TOWN_STORY, town)
    sections = re.findall(r'<section class="step" id="step-(\d+)".*?</section>', page, re.S)
    assert sections == ["1", "2", "3"]
    first = page[page.index('id="step-1"') : page.index('id="step-2"')]
    assert '<h2 class="step-title">The cluster</h2>' in first
    assert '<p class="caption">Three companies are members.</p>' in first
    shown = set(re.findall(r'<g data-entity="([^"]+)"', first))
    assert shown == {"cluster", "acme", "bolt", "core"}  # the cluster and its members
    second = page[page.index('id="step-2"') : page.index('id="step-3"')]
    assert "How Acme Mining connects to Geo Lab" in second
    assert ">1 · Acme Mining<" in second and ">3 · Geo Lab<" in second  # the path, numbered


def test_markup_in_titles_and_captions_is_shown_as_text(town):
    page = render_offline(TOWN_STORY, town)
    escaped = "&lt;script&gt;window.__xss = 1&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
    assert "<script>window.__xss" not in page
    assert "<b>bold" not in page
    assert f"<title>The town {escaped}</title>" in page
    assert f'<h2 class="step-title">{escaped}</h2>' in page
    assert f"Through PROJ ONE.\n{escaped}</p>" in page
    assert page.count("<script>") == 1  # the page's own


def test_the_page_fetches_nothing_and_runs_only_its_own_script(town):
    page = render_offline(TOWN_STORY, town)
    assert "://" not in page  # no address at all, not even the SVG namespace
    assert not re.search(r"""\b(src|href|action|srcset)\s*=""", page)
    policy = content_policy()
    assert f'<meta http-equiv="Content-Security-Policy" content="{policy}">' in page
    assert policy.startswith("default-src 'none'; img-src data:; ")
    assert "unsafe" not in policy
    assert f"<style>{STYLE}</style>" in page and f"<script>{SCRIPT}</script>" in page
    assert ' style="' not in page  # a style attribute would need 'unsafe-inline'


def test_the_page_hashes_match_its_style_and_script(town):
    import base64
    import hashlib

    page = render_offline(TOWN_STORY, town)
    for tag in ("style", "script"):
        (body,) = re.findall(rf"<{tag}>(.*?)</{tag}>", page, re.S)
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"{tag}-src 'sha256-{digest}'" in content_policy()


def test_a_story_with_no_steps_is_refused(town):
    with pytest.raises(StoryError, match="has no steps"):
        render_offline(Story("Empty"), town)


# The commands -------------------------------------------------------------------------------------


def test_validate_reports_success_and_every_missing_entity(tmp_path):
    data = write_dataset(tmp_path / "data")
    stories = tmp_path / "stories"
    good = write_story(stories, "good", Story("Tiny", (Step("Acme", "", {"sel": "acme"}),)))
    code, out, _ = run("story", "validate", str(good), "--data", str(data))
    assert code == EXIT_OK
    assert "1 step valid, every entity named is in" in out
    bad = write_story(
        stories, "bad", Story("Tiny", (Step("Ghost", "", {"sel": "ghost", "to": "acme"}),))
    )
    code, out, err = run("story", "validate", str(bad), "--data", str(data))
    assert code == EXIT_PROBLEM
    assert out == ""
    assert err.splitlines() == [
        f"ecosystem story: 1 problem in story {bad}",
        f"{bad}: step 1 (“Ghost”): view.sel: the entity 'ghost' is not in the network; "
        "choose one the data holds (ids are in entities.csv), or add it to the data",
    ]


def test_validate_names_each_problem_of_a_broken_file(tmp_path):
    path = tmp_path / "talk.json"
    data = json.loads(to_json(TOWN_STORY))
    data["steps"][0]["view"]["hops"] = "12"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run("story", "validate", str(path))
    assert code == EXIT_PROBLEM
    assert f"{path}: step 1 (“The cluster”): view.hops: is '12'" in err
    assert "Traceback" not in err
    code, _, err = run("story", "validate", str(tmp_path / "absent.json"))
    assert (code, err.count("\n")) == (EXIT_PROBLEM, 2)
    assert "absent.json: file: is not a file" in err


def test_export_writes_one_file_that_plays_the_story(tmp_path):
    data = write_dataset(tmp_path / "data")
    tiny = Story("Tiny", (Step("The cluster", "", {"sel": "cluster"}), Step("All", "", {})))
    story = write_story(tmp_path / "stories", "tiny", tiny)
    out_file = tmp_path / "talk.html"
    code, out, _ = run("story", "export", str(story), "--out", str(out_file), "--data", str(data))
    assert code == EXIT_OK
    page = out_file.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'id="step-1"' in page
    assert page.count('<section class="step"') == 2
    assert f"{out_file}: 2 steps, {len(page.encode()):,} bytes" in out


def test_export_refuses_a_story_naming_entities_the_data_lacks(tmp_path):
    data = write_dataset(tmp_path / "data")
    out_file = tmp_path / "talk.html"
    story = tmp_path / "town.json"
    story.write_text(to_json(TOWN_STORY), encoding="utf-8")  # the town's ids, not the tiny data's
    code, _, err = run("story", "export", str(story), "--out", str(out_file), "--data", str(data))
    assert code == EXIT_PROBLEM
    assert "1 problem in story" in err  # the tiny data has a cluster and acme, but no lab
    assert "step 2 (“Acme to the lab”): view.to: the entity 'lab' is not in the network" in err
    assert not out_file.exists()


def test_list_shows_each_story_and_each_broken_file(tmp_path):
    write_story(tmp_path, "town", TOWN_STORY)
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    code, out, _ = run("story", "list", "--stories", str(tmp_path))
    assert code == EXIT_OK
    lines = out.splitlines()
    assert lines[0].split() == ["story", "steps", "title"]
    assert lines[2].split()[:2] == ["broken", "-"]
    assert lines[3].split()[:2] == ["town", "3"]
    assert lines[4].startswith(f"cannot read broken: {tmp_path / 'broken.json'}: file: ")
    code, out, _ = run("story", "list", "--stories", str(tmp_path), "--json")
    assert [entry["name"] for entry in json.loads(out)] == ["broken", "town"]


# The sample story ---------------------------------------------------------------------------------

# What each caption of the sample says, as the relations of data/relations.csv it rests on.
SAMPLE_EVIDENCE = {
    "The cluster": [
        ("ismc", "leon-technology-park", "located_in"),
        ("santiago-cuesta-lopez", "ismc", "leads"),
        ("ismc", "battery-supply-pilot", "coordinates"),
        ("ismc", "seville", "located_in"),
        ("ismc", "murcia", "located_in"),
    ],
    "Its foundation: ICAMCyL": [
        ("icamcyl", "ismc", "funds"),
        ("icamcyl", "ismc", "governs"),
        ("santiago-cuesta-lopez", "icamcyl", "leads"),
        ("santiago-cuesta-lopez", "ismc", "leads"),
    ],
    "Strong links in Brussels": [
        ("ismc", "european-commission", "collaborates_with"),
        ("ismc", "dg-grow", "collaborates_with"),
        ("dg-grow", "european-commission", "part_of"),
    ],
    "Meeting DG GROW at the EU Industry Days": [
        ("ismc", "eu-industry-days-2023", "participates_in"),
        ("maive-rute", "eu-industry-days-2023", "speaks_at"),
        ("maive-rute", "dg-grow", "works_for"),
    ],
    "The mission to Morocco": [
        ("ismc", "morocco-trade-mission-2023", "organises"),
        ("aminer", "morocco-trade-mission-2023", "organises"),
        ("morocco-trade-mission-2023", "morocco", "located_in"),
        ("leon", "morocco-trade-mission-2023", "benefits_from"),
        ("morocco-mission-cooperation-agreement", "morocco-trade-mission-2023", "part_of"),
        (
            "morocco-mission-cooperation-agreement",
            "european-pact-critical-raw-materials",
            "aligned_with",
        ),
    ],
    "The Morocco-Spain Mining Forum": [
        ("morocco-spain-mining-forum", "morocco-trade-mission-2023", "part_of"),
        ("morocco-spain-mining-forum", "marrakech", "located_in"),
        *[
            (organiser, "morocco-spain-mining-forum", "organises")
            for organiser in (
                "fdim",
                "aminer",
                "andalucia-trade",
                "ismc",
                "icamcyl",
                "mine-the-gap",
            )
        ],
        ("morocco-spain-mining-forum", "european-raw-materials-alliance", "aligned_with"),
        ("morocco-spain-mining-forum", "draa-sfar", "located_in"),
        ("morocco-spain-mining-forum", "managem-research-center", "located_in"),
    ],
}


def test_the_sample_story_validates_on_the_shipped_data():
    code, out, err = run("story", "validate", str(SAMPLE))
    assert (code, err) == (EXIT_OK, "")
    assert "6 steps valid" in out


def test_every_entity_the_sample_names_exists(shipped_view):
    story = read_story(SAMPLE)
    assert story.title == "ISMC and its European links"
    named = {entity for step in story.steps for _, entity in named_entities(step)}
    assert named == {"ismc", "icamcyl", "dg-grow", "morocco-trade-mission-2023",
                     "morocco-spain-mining-forum"}  # fmt: skip
    assert named <= set(shipped_view)
    assert check_story(story, shipped_view, name=str(SAMPLE)) == []


def test_every_caption_of_the_sample_rests_on_the_data(shipped_graph):
    story = read_story(SAMPLE)
    assert [step.title for step in story.steps] == list(SAMPLE_EVIDENCE)
    evidence: dict[tuple, str] = {}
    for source, target, data in shipped_graph.edges(data=True):
        key = (source, target, data["type"])
        evidence[key] = evidence.get(key, "") + " " + data["evidence"]
    for step in story.steps:
        for relation in SAMPLE_EVIDENCE[step.title]:
            assert relation in evidence, (step.title, relation)
        # Every entity a caption names is an end of those relations, or named in their evidence
        # or in an end's own names (ICAMCyL's full name holds "Castilla y León").
        ends = {end for relation in SAMPLE_EVIDENCE[step.title] for end in relation[:2]}
        quoted = " ".join(evidence[relation] for relation in SAMPLE_EVIDENCE[step.title])
        quoted += " ".join(shipped_graph.nodes[end]["aliases"] for end in ends)
        for node, data in shipped_graph.nodes(data=True):
            if len(data["name"]) > 4 and data["name"] in step.caption:
                assert node in ends or data["name"] in quoted, (step.title, node)


def test_the_sample_path_steps_show_the_paths_their_captions_tell(shipped_view):
    from ecosystem.analysis.paths import collaboration_paths

    story = read_story(SAMPLE)
    paths = collaboration_paths(shipped_view, "ismc", "dg-grow", k=3)["paths"]
    by_title = {step.title: step for step in story.steps}
    choice = int(by_title["Strong links in Brussels"].value("alt"))
    assert paths[choice - 1]["nodes"] == ["ismc", "european-commission", "dg-grow"]
    choice = int(by_title["Meeting DG GROW at the EU Industry Days"].value("alt"))
    assert paths[choice - 1]["nodes"] == ["ismc", "eu-industry-days-2023", "maive-rute", "dg-grow"]


def test_the_picture_names_the_selected_entity_however_peripheral():
    from ecosystem.web.picture import svg_picture
    from ecosystem.web.spec import ViewState

    hubs = {f"hub{n}": (f"Hub {n}", "company") for n in range(40)}
    nodes = {**hubs, "edge": ("Edge Lab", "research"), "centre": ("Centre", "cluster")}
    edges = [(hub, "centre", "member_of") for hub in hubs] + [("hub0", "hub1", "partner_in")]
    edges += [(f"hub{n}", f"hub{n + 1}", "partner_in") for n in range(39)]
    edges.append(("edge", "centre", "member_of"))
    model = build_model(make_graph(nodes, edges), use_cache=False)
    assert ">Edge Lab<" not in svg_picture(model, ViewState())  # among the least linked
    picture = svg_picture(model, ViewState(selected="edge"))
    assert ">Edge Lab<" in picture
    assert '<g data-entity="edge" opacity="1">' in picture


def test_the_commands_fail_in_one_clean_line(tmp_path):
    story = write_story(tmp_path / "stories", "tiny", Story("Tiny", (Step("All", "", {}),)))
    data = write_dataset(tmp_path / "data")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, _, err = run(
        "story", "export", str(story), "--out", str(blocker / "talk.html"), "--data", str(data)
    )
    assert code == EXIT_PROBLEM
    assert err.startswith("ecosystem story: cannot write ") and err.count("\n") == 1
    code, _, err = run("story", "list", "--stories", str(blocker))
    assert code == EXIT_PROBLEM
    assert "is a file, not a folder" in err and err.count("\n") == 1
    code, _, err = run("story", "validate", str(story), "--data", str(tmp_path / "absent"))
    assert code == EXIT_PROBLEM and "Traceback" not in err


# The camera and the size of the page -----------------------------------------------------------


def test_a_step_with_a_recorded_camera_pictures_what_it_looked_at(town):
    from ecosystem.stories import Camera

    x, y = town.layout["acme"]
    zoom, width, height = 2.0, 400.0, 300.0
    # The camera centred on Acme: on screen a point p is at p * zoom + pan, pan from the centre.
    camera = Camera(zoom, -x * zoom, -y * zoom, width, height)
    whole = Step("Whole", "", {"sel": "acme"})
    close = Step("Close", "", {"sel": "acme"}, camera)
    page = render_offline(Story("Camera", (whole, close)), town)
    first, second = re.findall(r'<div class="picture".*?</div>', page, re.S)
    framed = re.search(
        r'<svg x="0" y="[\d.]+" width="([\d.]+)" height="([\d.]+)" viewBox="([^"]+)"', second
    )
    assert framed is not None and "viewBox" in first and not re.search(r"<svg x=", first)
    assert (float(framed[1]), float(framed[2])) == (width, height)
    left, top, seen_width, seen_height = map(float, framed[3].split())
    assert (round(left + seen_width / 2, 1), round(top + seen_height / 2, 1)) == (
        round(x, 1),
        round(y, 1),
    )
    assert (seen_width, seen_height) == (width / zoom, height / zoom)
    # What lies wholly outside the region is left out of the picture.
    outside = [
        node
        for node, (nx_, ny_) in town.layout.items()
        if abs(nx_ - x) > width / zoom / 2 + 60 or abs(ny_ - y) > height / zoom / 2 + 60
    ]
    assert outside, "the town network should reach beyond the camera's region"
    assert not any(f'data-entity="{node}"' in second for node in outside)
    assert all(f'data-entity="{node}"' in first for node in outside)
    assert 'data-entity="acme"' in second


def test_a_camera_without_its_area_pictures_the_whole_view(town):
    from ecosystem.stories import Camera

    step = Step("Old camera", "", {}, Camera(2.0, 10.0, 10.0))
    page = render_offline(Story("Old", (step,)), town)
    assert '<svg x="0"' not in page


def test_a_page_past_the_size_limit_is_refused_naming_the_step(town):
    steps = tuple(Step(f"Step {n}", "", {}) for n in range(1, 4))
    one = len(render_offline(Story("One", steps[:1]), town).encode())
    with pytest.raises(StoryError) as caught:
        render_offline(Story("Three", steps), town, name="talk.json", limit=int(one * 1.6))
    (problem,) = caught.value.problems
    text = str(problem)
    assert text.startswith("talk.json: step 2 (“Step 2”): view: takes the offline page past")
    assert "split the story" in text
    assert render_offline(Story("Three", steps), town, limit=one * 4).count("<section") == 3
