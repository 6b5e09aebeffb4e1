"""The network as of a date: reading the date asked about, which relations have begun or ended on
it, which entities are seen, and what is new since; known answers on tiny hand-built graphs."""

from __future__ import annotations

import copy
from datetime import date

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecosystem.analysis.ranker import UNDATED, day_of
from ecosystem.analysis.timeline import (
    DateError,
    as_of,
    parse_when,
    view_as_of,
)
from ecosystem.graph import simple_view
from ecosystem.schema import date_period
from tests.helpers import make_dated_graph

NODES = {
    "acme": ("Acme Mining", "company"),
    "lab": ("Geo Lab", "research"),
    "p1": ("PROJ ONE", "project"),
    "p2": ("PROJ TWO", "project"),
    "p3": ("PROJ THREE", "project"),
    "fair": ("Ore Fair", "event"),
    "spain": ("Spain", "country"),
    "alone": ("Lone Co", "company"),
}
EDGES = [
    ("acme", "p1", "partner_in", "2020-03-15", "2021-06-30"),  # r2: a full start and end
    ("lab", "p1", "coordinates", "2020-03", ""),  # r3: open-ended, a month start
    ("lab", "p2", "coordinates", "2023", "2023-06"),  # r4: a year start, a month end
    ("acme", "spain", "located_in", "", ""),  # r5: undated
    ("lab", "p3", "partner_in", "2024-01-01", ""),  # r6: p3 appears in 2024
    ("acme", "fair", "participates_in", "", "2019-05-10"),  # r7: no start, an end
]


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    dated = make_dated_graph(NODES, EDGES)
    dated.graph.update(content_hash="abc", data_dir="/data")
    return dated


def keys(graph: nx.MultiDiGraph) -> set[str]:
    return {key for *_, key in graph.edges(keys=True)}


def past_keys(graph: nx.MultiDiGraph) -> set[str]:
    return {key for *_, key, past in graph.edges(keys=True, data="past") if past}


# --- the date asked about -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2016", date(2016, 12, 31)),
        ("2016-02", date(2016, 2, 29)),
        ("2015-02", date(2015, 2, 28)),
        ("2016-11", date(2016, 11, 30)),
        ("2016-02-10", date(2016, 2, 10)),
    ],
)
def test_a_partial_date_asked_about_means_the_end_of_its_period(text, day):
    assert parse_when(text) == day


@pytest.mark.parametrize(
    "text",
    ["", "16", "2016-2", "2016-13", "2016-02-30", " 2016", "2016/02", "soon", "2016-02-10T0"],
)
def test_anything_else_is_refused_with_the_forms_wanted(text):
    with pytest.raises(DateError) as caught:
        parse_when(text)
    message = str(caught.value)
    assert repr(text) in message
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in message


def test_a_non_text_date_is_refused_too():
    with pytest.raises(DateError, match="YYYY-MM-DD"):
        parse_when(20160210)  # type: ignore[arg-type]


def test_relation_dates_are_read_in_one_place_first_day_for_a_start():
    assert date_period("2023-06") == (date(2023, 6, 1), date(2023, 6, 30))
    assert day_of("2023-06") == date(2023, 6, 1).toordinal()
    assert day_of("2023") == date(2023, 1, 1).toordinal()
    assert day_of("2023-02-30") == UNDATED


# --- which relations ----------------------------------------------------------------------------


def test_a_relation_starting_on_the_day_is_in_and_one_starting_the_next_day_is_not(graph):
    assert "r2" in keys(as_of(graph, date(2020, 3, 15)))
    assert "r2" not in keys(as_of(graph, date(2020, 3, 14)))


def test_a_month_start_means_its_first_day(graph):
    assert "r3" in keys(as_of(graph, date(2020, 3, 1)))
    assert "r3" not in keys(as_of(graph, date(2020, 2, 29)))
    assert "r3" not in keys(as_of(graph, parse_when("2020-02")))
    assert "r3" in keys(as_of(graph, parse_when("2020-03")))


def test_a_year_start_means_its_first_day(graph):
    assert "r4" not in keys(as_of(graph, parse_when("2022")))
    assert "r4" in keys(as_of(graph, date(2023, 1, 1)))


def test_a_relation_ending_on_the_day_is_not_past_and_the_next_day_it_is(graph):
    assert "r2" not in past_keys(as_of(graph, date(2021, 6, 30)))
    assert "r2" in past_keys(as_of(graph, date(2021, 7, 1)))


def test_a_month_end_means_its_last_day(graph):
    assert "r4" not in past_keys(as_of(graph, date(2023, 6, 30)))
    assert "r4" not in past_keys(as_of(graph, parse_when("2023-06")))
    assert "r4" in past_keys(as_of(graph, date(2023, 7, 1)))


def test_an_open_ended_relation_is_never_past(graph):
    later = as_of(graph, date(2100, 1, 1))
    assert "r3" in keys(later) and "r3" not in past_keys(later)


def test_undated_relations_are_there_on_every_day(graph):
    early = as_of(graph, date(1900, 1, 1))
    assert keys(early) == {"r5", "r7"}
    assert past_keys(early) == set()
    # No start but an end: there from the first, past once it has ended.
    assert "r7" in past_keys(as_of(graph, date(2019, 5, 11)))


def test_past_relations_are_marked_or_left_out(graph):
    day = date(2021, 7, 1)
    shown = as_of(graph, day)
    assert keys(shown) == {"r2", "r3", "r5", "r7"}
    assert past_keys(shown) == {"r2", "r7"}
    assert shown.edges["lab", "p1", "r3"].get("past") is None
    hidden = as_of(graph, day, past=False)
    assert keys(hidden) == {"r3", "r5"}
    assert past_keys(hidden) == set()


# --- which entities -----------------------------------------------------------------------------


def test_entities_appearing_later_are_not_seen(graph):
    then = as_of(graph, parse_when("2023"))
    assert "p3" not in then  # its one relation starts in 2024
    assert "p3" in as_of(graph, date(2024, 1, 1))


def test_entities_without_any_relation_are_always_there(graph):
    assert "alone" in as_of(graph, date(1900, 1, 1))
    assert "alone" in as_of(graph, date(2021, 7, 1), past=False)


def test_an_entity_whose_relations_all_ended_goes_only_when_past_is_hidden(graph):
    day = date(2021, 7, 1)
    assert "fair" in as_of(graph, day)
    assert "fair" not in as_of(graph, day, past=False)
    assert "acme" in as_of(graph, day, past=False)  # still located in Spain


# --- what is kept and what is not touched -------------------------------------------------------


def test_the_graph_given_is_not_changed(graph):
    before = (
        copy.deepcopy(dict(graph.graph)),
        copy.deepcopy(list(graph.nodes(data=True))),
        copy.deepcopy(list(graph.edges(keys=True, data=True))),
    )
    then = as_of(graph, date(2021, 7, 1))
    then.edges["acme", "p1", "r2"]["role"] = "changed"
    then.nodes["acme"]["name"] = "changed"
    then.graph["data_dir"] = "changed"
    assert before == (
        dict(graph.graph),
        list(graph.nodes(data=True)),
        list(graph.edges(keys=True, data=True)),
    )
    assert "past" not in graph.edges["acme", "p1", "r2"]


def test_attributes_keys_and_the_graph_kind_are_kept(graph):
    then = as_of(graph, date(2021, 7, 1))
    assert type(then) is nx.MultiDiGraph
    assert then.nodes["lab"] == graph.nodes["lab"]
    edge = then.edges["acme", "p1", "r2"]
    assert {**edge, "past": None} == {**graph.edges["acme", "p1", "r2"], "past": None}
    assert then.graph["data_dir"] == "/data"
    assert (then.graph["as_of"], then.graph["past"]) == ("2021-07-01", True)


def test_a_past_mark_is_worked_out_again_on_a_dated_graph(graph):
    late = as_of(graph, date(2021, 7, 1))
    assert "r2" in past_keys(late)
    assert "r2" not in past_keys(as_of(late, date(2021, 1, 1)))


def test_each_network_gets_its_own_content_hash_and_equal_networks_share_one(graph):
    whole = as_of(graph, date(2100, 1, 1))
    assert whole.graph["content_hash"] == "abc"  # nothing left out: what is cached still fits
    first, second = as_of(graph, date(2021, 1, 1)), as_of(graph, date(2021, 2, 1))
    assert first.graph["content_hash"] == second.graph["content_hash"] != "abc"
    assert as_of(graph, date(2021, 7, 1), past=False).graph["content_hash"] not in {
        "abc",
        first.graph["content_hash"],
    }


def test_the_analysis_view_carries_the_past_mark_on_each_record(graph):
    view = simple_view(as_of(graph, date(2021, 7, 1)))
    (record,) = view.edges["acme", "p1"]["relations"]
    assert record["past"] is True
    (open_record,) = view.edges["lab", "p1"]["relations"]
    assert "past" not in open_record
    assert not view.has_edge("lab", "p2")


# --- the range, the chart and what is new -------------------------------------------------------


# --- the dated view, cut from the view alone ---------------------------------------------------


def _same(first: nx.Graph, second: nx.Graph) -> None:
    assert nx.utils.graphs_equal(first, second)
    assert list(first) == list(second) and list(first.edges) == list(second.edges)


@pytest.mark.parametrize("past", [True, False])
@pytest.mark.parametrize(
    "when",
    [date(2019, 5, 10), date(2019, 5, 11), date(2020, 3, 1), date(2021, 6, 30), date(2023, 6, 1)],
)
def test_the_view_cut_from_the_view_is_the_view_of_the_cut_graph(graph, when, past):
    _same(
        view_as_of(simple_view(graph), when, past=past), simple_view(as_of(graph, when, past=past))
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    day=st.dates(min_value=date(2022, 1, 1), max_value=date(2024, 12, 31)),
    past=st.booleans(),
)
def test_on_the_shipped_data_both_cuts_agree_on_every_day(shipped_graph, shipped_view, day, past):
    _same(
        view_as_of(shipped_view, day, past=past), simple_view(as_of(shipped_graph, day, past=past))
    )


def test_records_left_as_they_were_are_shared_not_copied(graph):
    view = simple_view(graph)
    dated = view_as_of(view, date(2021, 7, 1))
    (ended,) = dated.edges["acme", "p1"]["relations"]
    assert ended["past"] is True and "past" not in view.edges["acme", "p1"]["relations"][0]
    assert dated.edges["lab", "p1"]["relations"][0] is view.edges["lab", "p1"]["relations"][0]


def test_a_past_mark_on_a_dated_view_is_worked_out_again(graph):
    late = view_as_of(simple_view(graph), date(2021, 7, 1))
    (record,) = view_as_of(late, date(2021, 1, 1)).edges["acme", "p1"]["relations"]
    assert "past" not in record


def test_span_and_counts_read_the_same_from_the_view_as_from_the_typed_graph(
    shipped_graph, shipped_view
):
    from ecosystem.analysis.periods import counts, dated_span

    span = dated_span(shipped_view)
    assert span is not None and span == dated_span(shipped_graph)
    assert counts(shipped_view, span) == counts(shipped_graph, span)
    assert sum(map(sum, (row.values() for row in counts(shipped_view, span).values()))) > 0
