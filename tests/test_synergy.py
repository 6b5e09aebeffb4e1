"""Partner suggestions: actors only, reasons in words, filters, strengthen, opportunities, the
method named, and --as-of leaving later data out (the ranker's training too)."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date

import networkx as nx
import numpy as np
import pytest

from ecosystem.analysis import ranker as R
from ecosystem.analysis.synergy import (
    SynergyQueryError,
    history_from_view,
    prepare,
    synergy_candidates,
    synergy_pairs,
    view_until,
)
from ecosystem.analysis.synergy.index import first_days
from ecosystem.graph import simple_view
from tests.histories import synthetic

NODES = {
    "cl": ("Cluster", "cluster", "ES"),
    "co1": ("Company One", "company", "ES"),
    "co2": ("Company Two", "company", "FR"),
    "co3": ("Company Three", "company", "ES"),
    "uni": ("University", "research", "FR"),
    "pr1": ("Project One", "project", ""),
    "pr2": ("Project Two", "project", ""),
    "pr3": ("Project Three", "project", ""),
    "rg": ("Region", "region", ""),
    "ev": ("Old Forum", "event", ""),
}
# (source, target, type, start, end)
EDGES = [
    ("cl", "pr1", "coordinates", "2019-01-01", "2021-12-31"),
    ("co1", "pr1", "partner_in", "2019-01-01", "2021-12-31"),
    ("co1", "pr2", "partner_in", "2020-01-01", ""),
    ("co2", "pr2", "partner_in", "2020-01-01", ""),
    ("uni", "pr2", "partner_in", "2020-01-01", ""),
    ("co3", "pr3", "partner_in", "2023-01-01", "2024-12-31"),
    ("cl", "pr3", "partner_in", "2023-01-01", "2024-12-31"),
    ("cl", "rg", "located_in", "", ""),
    ("co3", "rg", "located_in", "", ""),
    ("co2", "ev", "speaks_at", "2018-05-01", "2018-05-01"),
    ("uni", "ev", "speaks_at", "2018-05-01", "2018-05-01"),
]


def dated_view(nodes, edges):
    graph = nx.MultiDiGraph()
    for node, (name, kind, country) in nodes.items():
        graph.add_node(node, name=name, type=kind, aliases="", country=country, description="")
    for line, (source, target, kind, start, end) in enumerate(edges, start=2):
        graph.add_edge(
            source,
            target,
            key=f"r{line}",
            line=line,
            type=kind,
            role="",
            start=start,
            end=end,
            amount_eur="",
            evidence=f"{source} {kind} {target} says the source.",
            doc="doc.txt",
        )
    return simple_view(graph)


@pytest.fixture
def view():
    return dated_view(NODES, EDGES)


def ids(items):
    return [item["id"] for item in items]


def test_partners_of_partners_are_suggested_with_named_reasons(view):
    result = synergy_candidates(view, "cl")
    assert result["method"] == R.FALLBACK
    assert "No learned ranker" in result["method_text"]
    first = result["candidates"][0]
    # The cluster's partner Company One worked with Company Two and the University in Project Two.
    assert {c["id"] for c in result["candidates"][:2]} == {"co2", "uni"}
    assert "has worked with your partner Company One in Project Two since 2020" in first["reason"]
    assert "co1" in first["highlight"]["nodes"] and "pr2" in first["highlight"]["nodes"]
    assert first["path"]["nodes"] == ["cl", "pr1", "co1", "pr2", first["id"]]
    assert first["path"]["steps"][0]["relations"][0]["evidence"]
    assert first["score_text"].startswith("top ")


def test_only_actors_are_suggested(view):
    result = synergy_candidates(view, "cl", top=20)
    assert {c["type"] for c in result["candidates"]} <= R.ACTOR_TYPES
    assert not {"rg", "ev", "pr2"} & set(ids(result["candidates"]))


def test_already_working_together_is_strengthen_not_a_suggestion(view):
    result = synergy_candidates(view, "cl", top=20)
    assert not {"co1", "co3"} & set(ids(result["candidates"]))
    assert set(ids(result["strengthen"])) == {"co1", "co3"}
    (three,) = [s for s in result["strengthen"] if s["id"] == "co3"]
    assert "Project Three" in three["reason"] and three["last"] == "2023-01-01"


def test_opportunities_are_open_venues_the_actor_is_not_in(view):
    result = synergy_candidates(view, "cl")
    # Project Two has no end date and Company One is in it; the 2018 forum is over.
    assert ids(result["opportunities"]) == ["pr2"]
    assert result["opportunities"][0]["reason"] == "your partner Company One takes part"


def test_type_and_country_filters(view):
    only = synergy_candidates(view, "cl", types=["research"])
    assert ids(only["candidates"]) == ["uni"]
    french = synergy_candidates(view, "cl", country="fr")
    assert set(ids(french["candidates"])) == {"co2", "uni"}
    # Both Spanish actors already work with the cluster.
    assert synergy_candidates(view, "cl", country="ES")["candidates"] == []
    with pytest.raises(SynergyQueryError, match="cannot be suggested"):
        synergy_candidates(view, "cl", types=["region"])
    with pytest.raises(SynergyQueryError, match="no actor"):
        synergy_candidates(view, "cl", country="JP")


def test_several_countries_keep_the_actors_of_any_of_them(view):
    both = synergy_candidates(view, "cl", countries=["fr", "ES"], top=20)
    assert set(ids(both["candidates"])) == {"co2", "uni"}
    assert both["country"] == "ES,FR"
    assert synergy_candidates(view, "cl", countries=["ES"])["candidates"] == []
    with pytest.raises(SynergyQueryError, match="'JP', 'US'"):
        synergy_candidates(view, "cl", countries=["FR", "US", "JP"])


def test_as_of_leaves_later_relations_out(view):
    now = synergy_candidates(view, "cl", top=20)
    assert "co3" in ids(now["strengthen"])
    before = synergy_candidates(view, "cl", top=20, as_of="2022-06-30")
    assert before["as_of"] == "2022-06-30"
    # Project Three starts in 2023: on 2022-06-30 the cluster and Company Three only share the
    # region, so Company Three is a suggestion, for that reason.
    assert "co3" not in ids(before["strengthen"])
    (three,) = [c for c in before["candidates"] if c["id"] == "co3"]
    assert "also linked to Region" in three["reason"]
    assert not view_until(view, R.day_of("2022-06-30")).has_edge("cl", "pr3")
    with pytest.raises(SynergyQueryError, match="YYYY-MM-DD"):
        synergy_candidates(view, "cl", as_of="soon")


def test_a_non_actor_gets_no_partners_and_is_told_why(view):
    result = synergy_candidates(view, "pr1")
    assert result["candidates"] == []
    assert "not an actor" in result["method_text"]


def test_top_out_of_range(view):
    with pytest.raises(SynergyQueryError):
        synergy_candidates(view, "cl", top=0)


@pytest.mark.parametrize("entity", ["ismc", "pizarras-la-bana"])
def test_shipped_top_five_are_actors_with_distinct_reasons(shipped_view, entity):
    result = synergy_candidates(shipped_view, entity, top=5)
    top = result["candidates"]
    assert len(top) == 5
    assert {c["type"] for c in top} <= R.ACTOR_TYPES
    assert len({c["reason"] for c in top}) == 5
    for candidate in top:
        assert candidate["reasons"] and all(r["text"] for r in candidate["reasons"])
        assert len(candidate["reason"]) < 400  # a few named reasons, not hundreds of ids
    assert result["method"] == R.FALLBACK


def test_the_score_is_explained_with_the_first_candidates_own_figures(shipped_view):
    result = synergy_candidates(shipped_view, "ismc", top=3)
    first = result["candidates"][0]
    considered = first["score_text"].rsplit(" of ", 1)[-1]
    assert f"'{first['score_text']}' means" in result["score_note"]
    assert (
        f"{round(first['percentile'])}% of those {considered} rank below it" in result["score_note"]
    )
    alone = synergy_candidates(shipped_view, "ismc", types=["person"], country="MA")
    assert not alone["candidates"] and "'top 2%' means 98% of them" in alone["score_note"]


def test_shipped_history_has_actors_and_venues(shipped_view):
    history = history_from_view(shipped_view)
    assert "ismc" in history.actors and "leon" not in history.actors
    assert "batmass" in history.venues


def network_from(history: R.History) -> nx.Graph:
    nodes = {
        a: (a.upper(), t, c)
        for a, t, c in zip(history.actors, history.actor_type, history.actor_country, strict=True)
    }
    nodes.update({v: (v, "project", "") for v in history.venues})
    edges = [
        (
            history.actors[a],
            history.venues[v],
            "coordinates" if c else "partner_in",
            R.iso(int(d)),
            "",
        )
        for a, v, d, c in zip(
            history.actor, history.venue, history.day, history.coordinator, strict=True
        )
    ]
    return dated_view(nodes, edges)


@pytest.fixture(scope="module")
def busy():
    return network_from(synthetic(actors=150, years=range(2014, 2022), seed=5))


def test_a_network_with_history_is_ranked_by_the_learned_ranker(busy):
    seen = {}

    def factory(history, day):
        seen["last"] = history.until(day).last_day
        model = R.fit_on_history(
            history.until(day), R.RankerSettings(max_iter=15), seeds=80, min_pairs=50
        )
        return model, ""

    day = "2019-12-31"
    synergy = prepare(busy, as_of=day, ranker=factory)
    assert seen["last"] <= R.day_of(day)
    assert history_from_view(synergy.view).last_day <= R.day_of(day)
    result = synergy_candidates(busy, "o1", synergy=synergy, as_of=day)
    assert result["method"] == "ranker"
    assert result["candidates"]
    scores = [c["score"] for c in result["candidates"]]
    assert scores == sorted(scores, reverse=True)
    for candidate in result["candidates"]:
        assert 1 <= len(candidate["reasons"]) <= 3


def test_the_history_tells_each_venue_its_end_and_what_is_still_open(view):
    history = history_from_view(view)
    ends = dict(zip(history.venues, history.venue_end.tolist(), strict=True))
    assert ends["pr1"] == R.day_of("2021-12-31")  # its latest end
    assert ends["pr2"] == R.UNDATED  # one of its relations has no end
    assert ends["pr3"] == R.day_of("2024-12-31")
    assert ends["ev"] == R.day_of("2018-05-01")
    assert all(ends[v] == R.UNDATED for v in history.venues if v.startswith("relation:"))
    real = [v for v, k in zip(history.venues, history.venue_kind, strict=True) if k != "relation"]
    prepared = prepare(view, as_of="2022-06-30")
    is_open = dict(zip(prepared.history.venues, prepared.open_venue.tolist(), strict=True))
    # pr1 and ev had ended; pr2 has no end; pr3's relations start later, so none tells its end.
    assert [v for v in real if is_open[v]] == ["pr2", "pr3"]
    # A history told no ends: they are worked out from the network, to the same answer.
    told_none = dataclasses.replace(prepared.history, venue_end=np.zeros(0, np.int64))
    again = prepare(view, as_of="2022-06-30", history_of=lambda _view, _day: told_none)
    assert again.open_venue.tolist() == prepared.open_venue.tolist()


def test_the_history_tells_each_participation_its_first_day_role_and_amount():
    graph = nx.MultiDiGraph()
    for node, kind in [("a", "company"), ("b", "research"), ("p", "project"), ("q", "project")]:
        graph.add_node(node, name=node.upper(), type=kind, aliases="", country="ES")
    for line, (source, target, kind, role, start, amount) in enumerate(
        [
            ("a", "p", "partner_in", "coordinator", "2018-01-01", "100"),
            ("a", "p", "partner_in", "participant", "2017-06-01", "50.5"),
            ("b", "q", "coordinates", "", "2019-01-01", ""),
            ("b", "p", "partner_in", "participant", "", ""),
            ("a", "q", "partner_in", "participant", "2019-02-01", "10"),
        ],
        start=2,
    ):
        graph.add_edge(
            source,
            target,
            key=f"r{line}",
            line=line,
            type=kind,
            role=role,
            start=start,
            end="",
            amount_eur=amount,
            evidence="says the source.",
            doc="doc.txt",
        )
    history = history_from_view(simple_view(graph))
    rows = {
        (history.actors[a], history.venues[v]): (d, bool(c), m)
        for a, v, d, c, m in zip(
            history.actor.tolist(),
            history.venue.tolist(),
            history.day.tolist(),
            history.coordinator.tolist(),
            history.amount.tolist(),
            strict=True,
        )
    }
    assert rows.keys() == {("a", "p"), ("a", "q"), ("b", "p"), ("b", "q")}
    assert rows["a", "p"] == (R.day_of("2017-06-01"), True, 150.5)
    assert rows["a", "q"] == (R.day_of("2019-02-01"), False, 10.0)
    assert rows["b", "q"][:2] == (R.day_of("2019-01-01"), True) and np.isnan(rows["b", "q"][2])
    assert rows["b", "p"][:2] == (R.UNDATED, False) and np.isnan(rows["b", "p"][2])


def test_each_actor_and_venue_keeps_its_first_day_and_an_undated_one_stays_undated():
    day = R.day_of
    history = R.History(
        actors=("a", "b", "c"),
        actor_type=("company",) * 3,
        actor_country=("ES",) * 3,
        venues=("p", "q"),
        venue_kind=("project", "project"),
        actor=np.array([2, 0, 0, 1, 1, 0]),
        venue=np.array([1, 1, 1, 0, 0, 0]),
        day=np.array(
            [
                day("2019-05-01"),
                day("2018-03-01"),
                day("2017-01-01"),
                day("2016-01-01"),
                R.UNDATED,
                day("2020-01-01"),
            ]
        ),
        coordinator=np.zeros(6, dtype=bool),
        amount=np.full(6, np.nan),
    )
    keys, days = first_days(history, 2)
    assert keys.tolist() == [0 * 2 + 0, 0 * 2 + 1, 1 * 2 + 0, 2 * 2 + 1]
    assert days.tolist() == [day("2020-01-01"), day("2017-01-01"), R.UNDATED, day("2019-05-01")]
    empty = dataclasses.replace(
        history,
        actor=history.actor[:0],
        venue=history.venue[:0],
        day=history.day[:0],
        coordinator=history.coordinator[:0],
        amount=history.amount[:0],
    )
    assert [part.size for part in first_days(empty, 2)] == [0, 0]


def test_without_a_date_the_ranker_and_maxima_are_those_of_the_last_dated_day(busy):
    # Today's date is not part of what they are learnt on, so the cache keeps one of each for
    # the data, not one a day.
    asked = {}

    def factory(history, day):
        asked["ranker"] = day
        return None, "not learnt here"

    def maxima(day, compute):
        asked["maxima"] = day
        return compute()

    synergy = prepare(busy, ranker=factory, maxima=maxima)
    last = synergy.history.last_day
    assert last < synergy.day == date.today().toordinal()
    assert asked == {"ranker": last, "maxima": last}
    dated = prepare(busy, as_of="2019-12-31", ranker=factory, maxima=maxima)
    assert asked["ranker"] == R.day_of("2019-12-31")
    assert asked["maxima"] == dated.history.until(dated.day).last_day <= R.day_of("2019-12-31")


def test_network_wide_pairs_are_bounded_and_new(busy):
    calls = []
    synergy = prepare(busy)
    result = synergy_pairs(
        busy,
        "company",
        "research",
        top=5,
        synergy=synergy,
        sources=20,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert result["sources"] == 20 and result["of"] > 20
    assert calls and calls[-1] == (20, 20)
    assert len(result["pairs"]) == 5
    snap = synergy.snap
    position = synergy.position
    for pair in result["pairs"]:
        assert pair["first"]["type"] == "company" and pair["second"]["type"] == "research"
        assert snap.together[position[pair["first"]["id"]], position[pair["second"]["id"]]] == 0
    with pytest.raises(SynergyQueryError):
        synergy_pairs(busy, "company", "project", synergy=synergy)


def test_percentiles_fall_with_rank(view):
    result = synergy_candidates(view, "cl", top=20)
    values = [c["percentile"] for c in result["candidates"]]
    assert values == sorted(values, reverse=True)
    assert all(0 <= v < 100 for v in values)
    assert np.isfinite(values).all()


@pytest.mark.parametrize("given", ["the network's", "none", "the network's, as of 2024"])
def test_with_the_compiled_search_every_path_shown_is_a_cheapest_one(monkeypatch, given):
    from scipy.sparse import csgraph

    from ecosystem.analysis.paths import collaboration_paths, path_index
    from ecosystem.analysis.synergy import index as synergy_index

    # A chain of companies, each in a project with the next (a's partner b, then c to h), and
    # a project of a and h from 2025 on: as of 2024 h is a candidate, reached only along the
    # chain. Reasons give the paths to partners' partners and theirs (c, d; g, f by h).
    actors = "abcdefgh"
    links = [
        (actor, f"p{i}", "partner_in", "2020-01-01", "")
        for i in range(1, len(actors))
        for actor in actors[i - 1 : i + 1]
    ]
    links += [(actor, "p9", "partner_in", "2025-01-01", "") for actor in "ah"]
    names = {a: (f"Company {a}", "company", "ES") for a in actors}
    projects = {f"p{i}": (f"Project {i}", "project", "") for i in [*range(1, len(actors)), 9]}
    chain = dated_view({**names, **projects}, links)
    dated = given.endswith("as of 2024")
    known = chain.subgraph(set(chain) - {"p9"}) if dated else chain
    prepared = None if given == "none" else path_index(chain)
    searches, made = [], []
    dijkstra = csgraph.dijkstra
    monkeypatch.setattr(
        csgraph, "dijkstra", lambda *a, **k: searches.append(1) or dijkstra(*a, **k)
    )
    monkeypatch.setattr(synergy_index, "path_index", lambda v: made.append(v) or path_index(v))
    synergy = prepare(chain, as_of="2024-12-31" if dated else None)
    result = synergy_candidates(chain, "a", top=10, prepared=prepared, synergy=synergy)
    # The candidates two and more projects away share no partner with a: no reason gives
    # their path, and one search finds them all, on the network's path index when it is given
    # and searchable, else on one made for the view searched, once for every query.
    assert len(searches) == 1
    again = synergy_candidates(chain, "b", top=10, prepared=prepared, synergy=synergy)
    assert again["candidates"]
    assert len(made) == (0 if given == "the network's" else 1)
    monkeypatch.setattr(csgraph, "dijkstra", dijkstra)
    shown = {c["id"]: c for c in result["candidates"]}
    assert {"c", "e"} <= set(shown) and ("h" in shown) == dated
    for candidate in shown.values():
        path = candidate["path"]
        assert path["nodes"][0] == "a" and path["nodes"][-1] == candidate["id"]
        assert all(known.has_edge(*hop) for hop in itertools.pairwise(path["nodes"]))
        cheapest = collaboration_paths(known, "a", candidate["id"], k=1)["paths"][0]
        assert path["cost"] == pytest.approx(cheapest["cost"])
        assert set(path["nodes"]) <= set(candidate["highlight"]["nodes"])
