"""The time panel on the dated town: the as-of field, the network each panel draws at a date,
what is new since a date, the timeline chart and play."""

from __future__ import annotations

import base64
import csv
import io
import json
import xml.etree.ElementTree as ET

import networkx as nx
import openpyxl
import pytest
from dash import html, no_update

from ecosystem.analysis.periods import month_number, month_text
from ecosystem.app import INTENTS
from ecosystem.web import spec
from ecosystem.web.export import export_download
from ecosystem.web.ids import ID
from ecosystem.web.network import handle_elements
from ecosystem.web.spec import BadInput, ViewState, to_client
from ecosystem.web.timeline import (
    badge,
    click_period,
    handle_play,
    next_period,
    resolve,
    timeline_chart,
)
from ecosystem.web.url import Event, view_update

MONTH = spec.BY_NAME["as_of"].kind


def fields(model, **changes):
    """The values the page's controls hold for the view ``changes`` describe."""
    return to_client(model, ViewState(**changes))


def classes_of(elements, first, second):
    for element in elements:
        data = element["data"]
        if {data.get("source"), data.get("target")} == {first, second}:
            return element["classes"].split()
    return None


def test_the_span_runs_from_the_first_start_to_the_last_date(dated_town):
    dated = dated_town.span
    assert (month_text(dated.first), month_text(dated.last), dated.step) == (
        "2019-03",
        "2021-02",
        1,
    )
    assert dated.undated == 7
    assert month_text(dated.periods[0]) == "2019-02"  # before anything dated began
    assert month_text(dated.periods[-1]) == "2021-03"  # every dated relation that ends has
    assert dated.whole == month_number(2021, 4)


@pytest.mark.parametrize(
    ("text", "month"),
    [("2020", "2020-12"), ("2020-06", "2020-06"), ("1990", "2019-02"), ("2035-01", "2021-03")],
)
def test_a_date_in_a_link_is_brought_within_the_data(dated_town, text, month):
    assert MONTH.from_url(dated_town, text) == month


def test_the_control_past_the_last_month_is_the_whole_network(dated_town):
    whole = dated_town.span.whole
    assert MONTH.from_client(dated_town, whole) is None
    assert MONTH.to_client(dated_town, None) == whole
    assert MONTH.to_client(dated_town, "2020-06") == month_number(2020, 6)


def test_a_network_without_dates_takes_no_date(town):
    assert town.span is None
    assert MONTH.from_url(town, "2020") is None


@pytest.mark.parametrize("raw", [float("nan"), True, "2020", [2020], 10**12])
def test_a_date_no_control_holds_is_refused(dated_town, raw):
    with pytest.raises(BadInput):
        MONTH.from_client(dated_town, raw)


def test_before_a_project_began_it_is_not_in_the_network_nor_in_the_view(dated_town):
    shown, state = resolve(dated_town, fields(dated_town, as_of="2019-06", selected="p2"))
    assert "p2" not in shown.view and "p1" in shown.view
    assert shown.view.has_edge("acme", "p1")
    assert state.selected is None  # p2 had no relation yet
    assert shown.layout["acme"] == dated_town.layout["acme"]  # entities keep their place


def test_ended_relations_are_drawn_as_past_or_hidden(dated_town):
    shown, state = resolve(dated_town, fields(dated_town, as_of="2021-02"))
    elements, _ = handle_elements(shown, state)
    assert "past" not in classes_of(elements, "lab", "p2")  # ends within that month
    shown, state = resolve(dated_town, fields(dated_town, as_of="2021-03"))
    elements, _ = handle_elements(shown, state)
    assert "past" in classes_of(elements, "lab", "p2")
    assert "past" not in classes_of(elements, "core", "p2")
    shown, state = resolve(dated_town, fields(dated_town, as_of="2021-03", hide_past=True))
    elements, _ = handle_elements(shown, state)
    assert classes_of(elements, "lab", "p2") is None
    assert classes_of(elements, "core", "p2") is not None


def test_what_is_new_since_a_month_is_marked(dated_town):
    state = ViewState(new_since="2020-06")
    elements, _ = handle_elements(dated_town, state)
    assert "new" in classes_of(elements, "core", "p2")
    assert "new" not in classes_of(elements, "lab", "p2")  # began in May
    nodes = {e["data"]["id"]: e["classes"].split() for e in elements if "source" not in e["data"]}
    assert "new" not in nodes["p2"]
    elements, _ = handle_elements(dated_town, ViewState(new_since="2020-01"))
    nodes = {e["data"]["id"]: e["classes"].split() for e in elements if "source" not in e["data"]}
    assert "new" in nodes["p2"]  # every link of p2 began later
    assert "new" not in nodes["lab"]  # lab also coordinates p1, undated


def _columns(chart: list) -> dict[str, html.Button]:
    """The chart's columns by the period they name."""
    bars = next(part for part in chart if part.className == "timeline-bars")
    return {column.title.split(":")[0]: column for column in bars.children}


def test_the_timeline_counts_relations_per_month_and_marks_the_date(dated_town):
    columns = _columns(timeline_chart(dated_town, "2020-06", "2019-12"))
    told = {period: column.title for period, column in columns.items() if column.children}
    assert told == {
        "2019-03": "2019-03: 1 relation begins (1 partner in)",
        "2020-05": "2020-05: 1 relation begins (1 coordinates)",
        "2020-09": "2020-09: 1 relation begins (1 partner in)",
    }
    assert all(len(columns[period].children) == 1 for period in told)
    assert columns["2020-05"].children[0].style["height"] == "100.00%"
    assert "later" in columns["2020-09"].className  # September 2020 is after the date
    assert "later" not in columns["2020-05"].className
    assert "as-of" in columns["2020-06"].className and "since" in columns["2019-12"].className
    marked = [p for p, c in columns.items() if {"as-of", "since"} & set(c.className.split())]
    assert marked == ["2019-12", "2020-06"]
    assert columns["2020-05"].id == {"type": ID.TIMELINE_PERIOD, "index": month_number(2020, 5)}


def test_the_badge_says_which_date_is_shown(dated_town):
    assert badge(dated_town, ViewState()) == ""
    assert badge(dated_town, ViewState(as_of="2020-06")) == "As of June 2020"


def test_play_steps_from_before_the_first_date_to_the_whole_network(dated_town):
    assert next_period(dated_town, None) == "2019-02"
    assert next_period(dated_town, "2020-06") == "2020-07"
    assert next_period(dated_town, "2021-02") == "2021-03"
    assert next_period(dated_town, "2021-03") is None


def test_the_play_button_starts_and_pauses_and_the_end_stops_it():
    assert handle_play(False, True, ViewState(as_of="2020-01")) == (True, "❚❚ Pause")
    assert handle_play(True, True, ViewState(as_of="2020-01")) == (False, "▶ Play")
    assert handle_play(True, False, ViewState(as_of="2020-02"))[0] is True
    assert handle_play(True, False, ViewState())[0] is False  # back to the whole network


def test_clicking_a_bar_sets_the_date(dated_town):
    column = {"type": ID.TIMELINE_PERIOD, "index": month_number(2020, 5)}
    assert click_period(dated_town, ViewState(), Event(1, column, [])).as_of == "2020-05"
    assert click_period(dated_town, ViewState(), Event(0, column, [])).as_of is None  # drawn
    with pytest.raises(BadInput):
        click_period(dated_town, ViewState(), Event(1, {"type": "x", "index": "May"}, []))


def test_a_tick_of_play_writes_the_next_date_to_the_address(dated_town):
    view = ViewState(as_of="2020-06")
    result = view_update(
        dated_town,
        INTENTS,
        {"eco-play-tick.data": ("eco-play-tick", 3)},
        url="?asof=2020-06",
        fields=to_client(dated_town, view),
        typed={"selected": None, "path_from": None, "path_to": None},
        highlight=[],
    )
    assert result["url"] == "?asof=2020-07"
    assert result["fields"]["as_of"] == month_number(2020, 7)
    assert result["fields"]["selected"] is no_update


def _download(model, state, fmt) -> bytes:
    download = export_download(model, state, fmt)
    content = download["content"]
    return base64.b64decode(content) if download.get("base64") else content.encode("utf-8")


def _past_of_each_relation(content: bytes, fmt: str) -> dict[tuple[str, str], object]:
    """(source, target) -> the ``past`` a download gives the relation (None: no such field)."""
    if fmt == "csv":
        rows = csv.DictReader(io.StringIO(content.decode("utf-8")))
        return {(row["source"], row["target"]): row.get("past") for row in rows}
    if fmt == "graphml":
        graph = nx.read_graphml(io.BytesIO(content))
        return {(s, t): data.get("past") for s, t, data in graph.edges(data=True)}
    if fmt == "gexf":
        space = {"g": "http://gexf.net/1.3"}
        found = {}
        for edge in ET.fromstring(content).iterfind(".//g:edge", space):
            values = {v.get("for"): v.get("value") for v in edge.iterfind(".//g:attvalue", space)}
            found[edge.get("source"), edge.get("target")] = values.get("past")
        return found
    if fmt == "cyjs":
        edges = json.loads(content)["elements"]["edges"]
        return {(e["data"]["source"], e["data"]["target"]): e["data"].get("past") for e in edges}
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Connections"]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    column = header.index("Past") if "Past" in header else None
    return {(row[1], row[2]): None if column is None else row[column] for row in rows}


# How each format writes a relation that had ended by the date, and one that had not.
PAST_VALUES = {
    "csv": ("true", "false"),
    "graphml": (True, False),
    "gexf": ("true", "false"),
    "cyjs": (True, False),
    "kumu": ("yes", "no"),
}


@pytest.mark.parametrize("fmt", sorted(PAST_VALUES))
def test_a_download_as_of_a_date_marks_the_relations_that_had_ended(dated_town, fmt):
    ended, going = PAST_VALUES[fmt]
    shown, state = resolve(dated_town, fields(dated_town, as_of="2021-03"))
    past = _past_of_each_relation(_download(shown, state, fmt), fmt)
    assert past[("lab", "p2")] == ended
    assert past[("core", "p2")] == going
    assert sum(value == ended for value in past.values()) == 1
    # Hidden, the ended relation is not in the download, and the rest still say they had not.
    shown, state = resolve(dated_town, fields(dated_town, as_of="2021-03", hide_past=True))
    past = _past_of_each_relation(_download(shown, state, fmt), fmt)
    assert ("lab", "p2") not in past and set(past.values()) == {going}
    # The whole network has no date, so no such field.
    shown, state = resolve(dated_town, fields(dated_town))
    assert set(_past_of_each_relation(_download(shown, state, fmt), fmt).values()) == {None}
