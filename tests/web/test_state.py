"""The view-state table: every field travels through the URL and back, and a client's values are
checked by the field's own kind."""

from __future__ import annotations

import dataclasses
import math

import pytest

from ecosystem.web import spec
from ecosystem.web.spec import FIELDS, BadInput, ViewState, encode_url, from_client, parse_url

# A value other than the default for every field, valid on the town network.
CHANGED = {
    "selected": "acme",
    "link": ("acme", "cluster"),
    "path_from": "bolt",
    "path_to": "lab",
    "path_k": 5,
    "avoid_hubs": False,
    "path_choice": 2,
    "pick": "lab",
    "focus": "p1",
    "synergy_types": ("company", "research"),
    "synergy_countries": ("PT",),
    "types": ("company",),
    "relations": ("member_of", "partner_in"),
    "countries": ("ES",),
    "min_degree": 2,
    "hops": 1,
    "metric": "betweenness",
    "top": 30,
    "presenter": True,
    "colour": "community",
    "layout": "circle",
    "tab": "synergy",
    "as_of": "2020-06",
    "hide_past": True,
    "new_since": "2019-12",
    "story": "forum-talk",
    "story_step": 2,
}


def test_every_field_has_its_own_url_key_and_component():
    assert len({f.key for f in FIELDS}) == len(FIELDS)
    assert len({(f.component, f.prop) for f in FIELDS}) == len(FIELDS)
    assert set(CHANGED) == {f.name for f in FIELDS}


@pytest.mark.parametrize("name", list(CHANGED))
def test_each_field_alone_survives_a_copied_link(dated_town, name):
    view = ViewState(**{name: CHANGED[name]})
    query = encode_url(view)
    assert query.startswith(f"?{spec.BY_NAME[name].key}=")
    assert parse_url(dated_town, query) == view


def test_the_whole_view_survives_a_copied_link(dated_town):
    view = ViewState(**CHANGED)
    assert parse_url(dated_town, encode_url(view)) == view


def test_the_default_view_has_an_empty_address():
    assert encode_url(ViewState()) == ""


@pytest.mark.parametrize(
    "query",
    [
        "?sel=<script>alert(1)</script>",
        "?hops=99&deg=-5&metric=__class__&types=company,<b>,company",
        "?" + "x" * 100_000,
        "?sel=acme&sel=lab&%ZZ=%",
        "?k=nan&alt=1e999&top=-0&link=acme~nobody&hubs=maybe&mode=1",
    ],
)
def test_a_hostile_link_opens_the_nearest_valid_view(town, query):
    state = parse_url(town, query)
    assert state.selected in (None, "acme")
    assert 0 <= state.hops <= spec.MAX_HOPS and state.min_degree >= 0
    assert state.metric in town.metrics
    assert set(state.types) <= {"company"}
    assert state.link is None and state.avoid_hubs is True and 1 <= state.top <= spec.MAX_TOP


def test_a_link_between_ids_holding_a_tilde_is_found(town):
    assert spec.Link().from_url(town, "acme~cluster") == ("acme", "cluster")
    assert spec.Link().from_url(town, "cluster~acme") == ("acme", "cluster")
    assert spec.Link().from_url(town, "acme~lab") is None  # not linked


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("selected", ["acme"]),
        ("selected", "x" * 5000),
        ("types", "company"),
        ("types", ["company", 3]),
        ("types", ["company"] * 100),
        ("min_degree", math.nan),
        ("min_degree", math.inf),
        ("hops", True),
        ("hops", "2"),
        ("metric", "nonsense"),
        ("presenter", 1),
        ("avoid_hubs", "avoid"),
        ("link", "acme~cluster"),
        ("link", ["acme", "cluster", "lab"]),
        ("tab", {"value": "paths"}),
    ],
)
def test_client_values_no_control_holds_are_refused(town, name, raw):
    with pytest.raises(BadInput, match=spec.BY_NAME[name].component):
        from_client(town, {name: raw})


def test_client_values_are_cleaned_within_their_kind(town):
    view = from_client(
        town,
        {
            "selected": "nobody",
            "types": ["company", "<b>", "company"],
            "hops": 9,
            "min_degree": 1e300,
            "path_k": 2.6,
            "avoid_hubs": [],
        },
    )
    assert view == ViewState(
        types=("company",), hops=3, min_degree=spec.MAX_MIN_DEGREE, path_k=3, avoid_hubs=False
    )


def test_the_table_is_the_dataclass():
    assert [f.name for f in dataclasses.fields(ViewState)] == [f.name for f in FIELDS]
    assert all(f.default == getattr(ViewState(), f.name) for f in FIELDS)
