"""The one callback that writes the view state: what it answers for each kind of trigger."""

from __future__ import annotations

from dash import no_update

from ecosystem.app import INTENTS
from ecosystem.web.spec import ViewState, encode_url, to_client
from ecosystem.web.url import view_update


def answer(model, triggered: dict, *, url: str = "", view: ViewState = ViewState(), **extra):
    """The callback's answer when the page holds ``view`` at ``url`` and ``triggered`` fired."""
    return view_update(
        model,
        INTENTS,
        triggered,
        url=url,
        fields=to_client(model, view),
        typed=extra.get("typed", {"selected": None, "path_from": None, "path_to": None}),
        highlight=extra.get("highlight", []),
    )


def changed(result: dict) -> dict:
    return {name: value for name, value in result["fields"].items() if value is not no_update}


def test_the_first_load_sets_every_control_from_the_address(town):
    result = answer(town, {}, url="?sel=acme&types=company&k=5&alt=2")
    assert changed(result) == {
        "selected": "acme",
        "types": ["company"],
        "path_k": 5,
        "path_choice": 2,
    }
    assert result["url"] is no_update  # no history entry for a page load
    assert [o["value"] for o in result["options"]["selected"]] == ["acme"]
    assert result["options"]["path_from"] is no_update


def test_back_restores_the_view_the_address_names(town):
    shown = ViewState(selected="lab", types=("company",))
    result = answer(town, {"eco-url.search": ("eco-url", "?sel=acme")}, url="?sel=acme", view=shown)
    assert changed(result) == {"selected": "acme", "types": []}
    assert result["url"] is no_update


def test_a_changed_control_writes_the_address_only(town):
    view = ViewState(types=("company",))
    result = answer(town, {"eco-filter-types.value": ("eco-filter-types", ["company"])}, view=view)
    assert result["url"] == "?types=company"
    assert changed(result) == {}


def test_a_control_value_is_written_back_cleaned(town):
    result = answer(town, {"eco-filter-hops.value": ("eco-filter-hops", 9)}, view=ViewState())
    assert result["url"] is no_update  # hops 0 is the default; nothing changed


def test_tapping_an_entity_selects_it_and_sends_its_option(town):
    result = answer(town, {"eco-graph.tapNodeData": ("eco-graph", {"id": "lab"})})
    assert changed(result) == {"selected": "lab"}
    assert result["url"] == "?sel=lab"
    assert [o["value"] for o in result["options"]["selected"]] == ["lab"]


def test_choosing_another_entity_drops_what_depended_on_the_old_one(town):
    before = ViewState(selected="acme", pick="lab", link=("acme", "cluster"), focus="p1")
    after = ViewState(selected="bolt", pick="lab", link=("acme", "cluster"), focus="p1")
    result = answer(
        town, {"eco-search.value": ("eco-search", "bolt")}, url=encode_url(before), view=after
    )
    assert changed(result) == {"pick": None, "link": None, "focus": None}
    assert result["url"] == "?sel=bolt"


def test_a_new_path_end_goes_back_to_the_first_alternative(town):
    before = ViewState(path_from="bolt", path_to="lab", path_choice=2)
    after = ViewState(path_from="acme", path_to="lab", path_choice=2)
    result = answer(
        town, {"eco-path-from.value": ("eco-path-from", "acme")}, url=encode_url(before), view=after
    )
    assert changed(result) == {"path_choice": 1}


def test_tapping_a_link_shows_its_relations(town):
    data = {"source": "cluster", "target": "acme", "id": "acme~cluster"}
    result = answer(town, {"eco-graph.tapEdgeData": ("eco-graph", data)})
    assert changed(result) == {"link": ["acme", "cluster"]}
    assert result["url"] == "?link=acme~cluster"


def test_picking_a_candidate(town):
    view = ViewState(selected="acme", tab="synergy")
    pick_id = {"type": "eco-synergy-pick", "index": "lab"}
    prop = '{"index":"lab","type":"eco-synergy-pick"}.n_clicks'
    result = answer(town, {prop: (pick_id, 1)}, url=encode_url(view), view=view)
    assert changed(result) == {"pick": "lab"}
    # A list redrawn with buttons nobody clicked picks nothing.
    assert changed(answer(town, {prop: (pick_id, 0)}, url=encode_url(view), view=view)) == {}


def test_next_and_previous_step_through_the_highlight(town):
    steps = ["bolt", "cluster", "acme"]
    nxt = {"eco-next.n_clicks": ("eco-next", 1)}
    assert changed(answer(town, nxt, highlight=steps)) == {"focus": "bolt"}
    at_cluster = ViewState(focus="cluster")
    result = answer(town, nxt, view=at_cluster, url=encode_url(at_cluster), highlight=steps)
    assert changed(result) == {"focus": "acme"}
    previous = {"eco-previous.n_clicks": ("eco-previous", 1)}
    assert changed(answer(town, previous, highlight=steps)) == {"focus": "acme"}
    assert changed(answer(town, nxt, highlight=[])) == {}  # nothing highlighted: no step


def test_presenter_mode_on_and_off(town):
    on = answer(town, {"eco-presenter-on.n_clicks": ("eco-presenter-on", 1)})
    assert changed(on) == {"presenter": True} and on["url"] == "?mode=present"
    presenting = ViewState(presenter=True)
    off = answer(
        town,
        {"eco-leave-presenter.n_clicks": ("eco-leave-presenter", 1)},
        view=presenting,
        url="?mode=present",
    )
    assert changed(off) == {"presenter": False} and off["url"] == ""


def test_typing_looks_up_options_and_changes_nothing_else(town):
    typed = {"selected": "geo", "path_from": None, "path_to": None}
    result = answer(town, {"eco-search.search_value": ("eco-search", "geo")}, typed=typed)
    assert [o["value"] for o in result["options"]["selected"]] == ["lab"]
    assert changed(result) == {} and result["url"] is no_update
