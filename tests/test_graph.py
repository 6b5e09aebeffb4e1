"""The loader: strict reading, one DataError naming file, line and column for every problem."""

from __future__ import annotations

import networkx as nx
import pytest

from ecosystem.errors import DataError
from ecosystem.graph import (
    build_graph,
    build_view,
    link_count,
    load_graph,
    read_dataset,
    simple_view,
)
from ecosystem.schema import ENTITY_COLUMNS, RELATION_COLUMNS
from tests.helpers import TINY_ENTITIES, TINY_RELATIONS, csv_text, write_dataset


def problems_of(folder) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_graph(folder)
    return [str(problem) for problem in caught.value.problems]


def the_problem(folder) -> str:
    problems = problems_of(folder)
    assert len(problems) == 1, problems
    return problems[0]


def entity(**fields):
    return {**TINY_ENTITIES[0], **fields}


def relation(**fields):
    return {**TINY_RELATIONS[0], **fields}


def test_valid_dataset_loads_every_column(tiny_dir):
    graph = load_graph(tiny_dir)
    assert graph.number_of_nodes() == 3
    assert graph.nodes["cluster"]["aliases"] == "MC|The Cluster"
    (edge,) = [d for _, _, d in graph.edges(data=True) if d["type"] == "coordinates"]
    assert edge["amount_eur"] == "1000000"
    assert edge["start"] == "2023-01-01"
    assert edge["line"] == 3


def test_relation_direction_is_kept(tiny_dir):
    graph = load_graph(tiny_dir)
    assert graph.has_edge("acme", "cluster")
    assert not graph.has_edge("cluster", "acme")


def test_id_na_stays_an_id(tmp_path):
    folder = write_dataset(
        tmp_path,
        entities=[*TINY_ENTITIES, {"id": "na", "name": "NA", "type": "company"}],
        relations=[*TINY_RELATIONS, relation(source="na", target="cluster")],
    )
    graph = load_graph(folder)
    assert graph.nodes["na"]["name"] == "NA"


def test_missing_file(tmp_path):
    folder = write_dataset(tmp_path)
    (folder / "relations.csv").unlink()
    problem = the_problem(folder)
    assert problem.startswith("relations.csv:0: -: file not found")


def test_missing_data_folder(tmp_path):
    problem = the_problem(tmp_path / "nowhere")
    assert "no such data folder" in problem


def test_missing_column(tmp_path):
    columns = [c for c in ENTITY_COLUMNS if c != "type"]
    folder = write_dataset(tmp_path, entities=csv_text(columns, TINY_ENTITIES))
    problem = the_problem(folder)
    assert problem.startswith("entities.csv:1: type: missing column")


def test_empty_file(tmp_path):
    folder = write_dataset(tmp_path, relations="")
    assert the_problem(folder).startswith("relations.csv:1: -: the file is empty")


def test_header_only_file(tmp_path):
    folder = write_dataset(tmp_path, relations=[])
    assert the_problem(folder).startswith("relations.csv:2: -: no data rows")


def test_empty_id(tmp_path):
    folder = write_dataset(tmp_path, entities=[*TINY_ENTITIES, entity(id="")])
    assert the_problem(folder).startswith("entities.csv:5: id: empty")


def test_duplicate_id_names_both_lines(tmp_path):
    folder = write_dataset(tmp_path, entities=[*TINY_ENTITIES, entity(name="Acme again")])
    problem = the_problem(folder)
    assert problem.startswith("entities.csv:5: id: duplicate id 'acme' (first on line 2)")


def test_id_must_be_a_slug(tmp_path):
    folder = write_dataset(tmp_path, entities=[*TINY_ENTITIES, entity(id="Big Co")])
    assert the_problem(folder).startswith("entities.csv:5: id: 'Big Co' is not a slug")


def test_unknown_entity_type_suggests_the_closest(tmp_path):
    folder = write_dataset(tmp_path, entities=[entity(type="compnay"), *TINY_ENTITIES[1:]])
    problem = the_problem(folder)
    assert problem.startswith("entities.csv:2: type: unknown entity type 'compnay'")
    assert "did you mean company" in problem


def test_bad_country_code(tmp_path):
    folder = write_dataset(tmp_path, entities=[entity(country="Spain"), *TINY_ENTITIES[1:]])
    assert the_problem(folder) == (
        "entities.csv:2: country: 'Spain' is a country written out, not its ISO 3166-1 alpha-2 "
        "code: write ES"
    )


def test_url_must_be_http(tmp_path):
    folder = write_dataset(
        tmp_path, entities=[entity(url="javascript:alert(1)"), *TINY_ENTITIES[1:]]
    )
    assert the_problem(folder).startswith("entities.csv:2: url:")


def test_relation_to_unknown_id_suggests_the_closest(tmp_path):
    folder = write_dataset(tmp_path, relations=[*TINY_RELATIONS, relation(target="clustr")])
    problem = the_problem(folder)
    assert problem.startswith("relations.csv:4: target: unknown entity id 'clustr'")
    assert "did you mean cluster" in problem


def test_self_relation(tmp_path):
    folder = write_dataset(tmp_path, relations=[*TINY_RELATIONS, relation(target="acme")])
    assert the_problem(folder).startswith("relations.csv:4: target: self-relation of 'acme'")


def test_unknown_relation_type(tmp_path):
    folder = write_dataset(tmp_path, relations=[relation(type="member"), TINY_RELATIONS[1]])
    problem = the_problem(folder)
    assert problem.startswith("relations.csv:2: type: unknown relation type 'member'")
    assert "member_of" in problem


def test_duplicate_relation_row(tmp_path):
    folder = write_dataset(tmp_path, relations=[*TINY_RELATIONS, TINY_RELATIONS[0]])
    assert the_problem(folder).startswith("relations.csv:4: -: duplicate of the relation on line 2")


def test_symmetric_relation_duplicated_in_reverse(tmp_path):
    there = relation(type="collaborates_with")
    back = relation(type="collaborates_with", source="cluster", target="acme")
    folder = write_dataset(tmp_path, relations=[there, back])
    assert the_problem(folder).startswith("relations.csv:3: -: duplicate of the relation")


def test_bad_date(tmp_path):
    folder = write_dataset(tmp_path, relations=[relation(start="15/06/2023"), TINY_RELATIONS[1]])
    assert the_problem(folder).startswith("relations.csv:2: start: '15/06/2023' is not an ISO")


def test_impossible_date(tmp_path):
    folder = write_dataset(tmp_path, relations=[relation(end="2023-02-30"), TINY_RELATIONS[1]])
    assert the_problem(folder).startswith("relations.csv:2: end: '2023-02-30'")


def test_end_before_start(tmp_path):
    row = relation(start="2023-06", end="2022")
    folder = write_dataset(tmp_path, relations=[row, TINY_RELATIONS[1]])
    assert the_problem(folder).startswith("relations.csv:2: end: ends before it starts")


def test_bad_amount(tmp_path):
    folder = write_dataset(tmp_path, relations=[relation(amount_eur="€10M"), TINY_RELATIONS[1]])
    assert the_problem(folder).startswith("relations.csv:2: amount_eur: '€10M' is not an amount")


def test_short_evidence(tmp_path):
    folder = write_dataset(tmp_path, relations=[relation(evidence="says so"), TINY_RELATIONS[1]])
    assert the_problem(folder).startswith("relations.csv:2: evidence: excerpt of 7 characters")


def test_doc_must_be_a_plain_file_name(tmp_path):
    folder = write_dataset(
        tmp_path, relations=[relation(doc="../../etc/passwd"), TINY_RELATIONS[1]]
    )
    assert the_problem(folder).startswith("relations.csv:2: doc: '../../etc/passwd'")


def test_bad_encoding_names_the_line(tmp_path):
    text = csv_text(ENTITY_COLUMNS, TINY_ENTITIES).replace("Acme Mining", "Acme Miner\xeda")
    folder = write_dataset(tmp_path, entities=text.encode("latin-1"))
    problem = the_problem(folder)
    assert problem.startswith("entities.csv:2: column ") and "is not UTF-8" in problem


def test_wrong_field_count(tmp_path):
    text = csv_text(ENTITY_COLUMNS, TINY_ENTITIES) + "extra,Extra,company,,,,,surplus\n"
    folder = write_dataset(tmp_path, entities=text)
    assert the_problem(folder).startswith("entities.csv:5: -: 8 fields where the header has 7")


def test_line_numbers_count_multiline_fields(tmp_path):
    rows = [{**TINY_ENTITIES[0], "description": "two\nlines"}, *TINY_ENTITIES[1:]]
    rows.append(entity(id="acme", name="again"))
    folder = write_dataset(tmp_path, entities=rows)
    assert the_problem(folder).startswith("entities.csv:6: id: duplicate id 'acme'")


def test_bom_and_crlf_are_accepted(tmp_path):
    text = csv_text(ENTITY_COLUMNS, TINY_ENTITIES).replace("\n", "\r\n")
    folder = write_dataset(tmp_path, entities=b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_graph(folder).nodes["acme"]["name"] == "Acme Mining"


def test_every_problem_is_collected_before_failing(tmp_path):
    folder = write_dataset(
        tmp_path,
        entities=[entity(type="nope"), *TINY_ENTITIES[1:]],
        relations=[relation(type="nope"), relation(target="ghost")],
    )
    problems = problems_of(folder)
    assert [p.split(": ")[0:2] for p in problems] == [
        ["entities.csv:2", "type"],
        ["relations.csv:2", "type"],
        ["relations.csv:3", "target"],
    ]


def test_nothing_is_loaded_half_way(tmp_path):
    folder = write_dataset(tmp_path, relations=[*TINY_RELATIONS, relation(target="ghost")])
    with pytest.raises(DataError):
        read_dataset(folder)


def test_content_hash_changes_with_the_data(tmp_path):
    first = read_dataset(write_dataset(tmp_path / "a")).content_hash
    changed = [entity(name="Acme Renamed"), *TINY_ENTITIES[1:]]
    second = read_dataset(write_dataset(tmp_path / "b", entities=changed)).content_hash
    assert first != second


def test_simple_view_merges_parallel_relations_both_ways(tmp_path):
    back = relation(source="cluster", target="acme", type="supports", evidence="x" * 20)
    folder = write_dataset(tmp_path, relations=[*TINY_RELATIONS, back])
    view = simple_view(load_graph(folder))
    edge = view.edges["acme", "cluster"]
    assert edge["weight"] == 2
    assert edge["types"] == ["member_of", "supports"]
    assert [(r["source"], r["type"]) for r in edge["relations"]] == [
        ("acme", "member_of"),
        ("cluster", "supports"),
    ]


def test_extra_columns_are_kept(tmp_path):
    rows = [{**r, "pic": "123"} for r in TINY_ENTITIES]
    folder = write_dataset(tmp_path, entities=csv_text([*ENTITY_COLUMNS, "pic"], rows))
    assert load_graph(folder).nodes["acme"]["pic"] == "123"


def test_relation_columns_complete_on_every_edge(tiny_dir):
    graph = load_graph(tiny_dir)
    for *_, data in graph.edges(data=True):
        assert set(RELATION_COLUMNS[2:]) <= set(data)


def test_huge_field_names_the_line_and_the_limit(tmp_path):
    rows = [*TINY_ENTITIES, entity(id="big", name="N" * 200_000)]
    folder = write_dataset(tmp_path, entities=rows)
    problem = the_problem(folder)
    assert problem.startswith("entities.csv:5: -: malformed CSV: field larger than field limit")
    assert "shorten the field" in problem


def test_unbalanced_quote_names_the_line(tmp_path):
    text = csv_text(ENTITY_COLUMNS, TINY_ENTITIES) + 'bad,"Bad Co,company,,,,\n'
    folder = write_dataset(tmp_path, entities=text)
    problem = the_problem(folder)
    assert problem.startswith("entities.csv:5: -: malformed CSV")


@pytest.mark.parametrize(
    "graph",
    [
        nx.Graph(),
        nx.path_graph(5),
        nx.Graph([(1, 1), (1, 2)]),
        nx.subgraph_view(nx.complete_graph(6), filter_node=lambda n: n != 3),
        nx.MultiGraph([(1, 2), (1, 2)]),
        nx.DiGraph([(1, 2), (2, 1)]),
    ],
    ids=["empty", "path", "self-loop", "filtered view", "multigraph", "directed"],
)
def test_link_count_is_number_of_edges(graph):
    assert link_count(graph) == graph.number_of_edges()


def _same_graph(first, second) -> None:
    """Equal in nodes, edges, attributes and order (of the nodes and of each one's neighbours)."""
    assert first.graph == second.graph
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))
    assert list(first.edges(data=True)) == list(second.edges(data=True))
    assert [list(first.adj[node]) for node in first] == [list(second.adj[node]) for node in second]


def _varied_dataset(folder, relation_columns=RELATION_COLUMNS):
    """Parallel relations both ways and of two types, a symmetric one, columns left out."""
    entities = [*TINY_ENTITIES, {"id": "zeta", "name": "Zeta", "type": "company"}]
    relations = [
        *TINY_RELATIONS,
        relation(source="cluster", target="acme", type="supports", evidence="x" * 20),
        relation(source="zeta", target="acme", type="collaborates_with"),
        relation(source="acme", target="cluster", type="funds", start="2020"),
        relation(source="proj", target="zeta", type="funds"),
    ]
    return write_dataset(
        folder,
        entities=csv_text(["name", "id", "type", "pic"], entities),
        relations=csv_text(relation_columns, relations),
    )


@pytest.mark.parametrize(
    "columns",
    [
        RELATION_COLUMNS,
        ["type", "target", "source", "evidence", "doc", "note"],  # no role, dates or amount
        [*RELATION_COLUMNS, "line", "key"],  # names a relation record holds of its own
    ],
)
def test_the_view_built_from_the_rows_is_the_view_of_the_typed_graph(tmp_path, columns):
    dataset = read_dataset(_varied_dataset(tmp_path, columns))
    view = build_view(dataset)
    _same_graph(view, simple_view(build_graph(dataset)))
    assert view.edges["acme", "cluster"]["weight"] == 3
    assert list(view.adj["acme"]) == ["cluster", "zeta"]


def test_the_typed_graph_is_built_from_the_rows_with_every_column(tmp_path):
    graph = build_graph(read_dataset(_varied_dataset(tmp_path)))
    assert list(graph) == ["acme", "cluster", "proj", "zeta"]
    assert list(graph.nodes["zeta"]) == [
        "name",
        "type",
        "pic",
        "aliases",
        "country",
        "description",
        "url",
    ]
    assert [key for *_, key in graph.edges(keys=True)] == ["r2", "r6", "r3", "r4", "r7", "r5"]
    assert list(graph.edges["acme", "cluster", "r6"]) == ["line", *RELATION_COLUMNS[2:]]


def test_the_problems_of_one_row_come_in_the_order_of_the_checks(tmp_path):
    folder = write_dataset(
        tmp_path,
        entities=[
            entity(id="Bad Id", name="", type="firm", country="France", url="x"),
            *TINY_ENTITIES,
        ],
        relations=[
            relation(
                source="ghost",
                target="ghost",
                type="",
                start="2020-13",
                end="soon",
                amount_eur="€1",
                evidence="short",
                doc="a/b|c/d",
            ),
            relation(start="2021", end="2020"),
            relation(),
            relation(),
        ],
    )
    assert [problem.split(": ")[:3] for problem in problems_of(folder)] == [
        ["entities.csv:2", "name", "empty"],
        ["entities.csv:2", "id", "'Bad Id' is not a slug"],
        ["entities.csv:2", "type", "unknown entity type 'firm'"],
        [
            "entities.csv:2",
            "country",
            "'France' is a country written out, not its ISO 3166-1 alpha-2 code",
        ],
        ["entities.csv:2", "url", "'x' is not an http(s) address"],
        ["relations.csv:2", "type", "empty"],
        ["relations.csv:2", "source", "unknown entity id 'ghost'"],
        ["relations.csv:2", "target", "unknown entity id 'ghost'"],
        ["relations.csv:2", "target", "self-relation of 'ghost'"],
        ["relations.csv:2", "start", "'2020-13' is not an ISO 8601 date"],
        ["relations.csv:2", "end", "'soon' is not an ISO 8601 date"],
        ["relations.csv:2", "amount_eur", "'€1' is not an amount in euros"],
        ["relations.csv:2", "evidence", "excerpt of 5 characters is too short"],
        ["relations.csv:2", "doc", "'a/b' is not a document file name"],
        ["relations.csv:2", "doc", "'c/d' is not a document file name"],
        ["relations.csv:3", "end", "ends before it starts"],
        ["relations.csv:5", "-", "duplicate of the relation on line 4"],
    ]
