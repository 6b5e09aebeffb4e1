"""``--as-of DATE`` on every command that reads the network, on the shipped data (its dated
relations all fall in 2023): what is left out, the line that says so, a bad date refused."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date

import pytest

from ecosystem.cli import main
from ecosystem.graph import default_data_dir

LATER = "general-assembly-2023"  # every relation of it starts on 2023-06-15


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def shipped_relations() -> list[dict[str, str]]:
    with open(default_data_dir() / "relations.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def starting_after(day: date) -> int:
    """Relations whose start (its first day) is after ``day``, counted from the file itself."""
    count = 0
    for row in shipped_relations():
        start = row["start"]
        if start:
            year, month, first = (int(part) for part in (start + "-01-01").split("-")[:3])
            count += date(year, month, first) > day
    return count


def test_stats_as_of_leaves_out_the_relations_that_start_later():
    code, out, _ = run("stats", "--json")
    whole = json.loads(out)
    code, out, _ = run("stats", "--as-of", "2022", "--json")
    assert code == 0
    dated = json.loads(out)
    assert dated["as_of"] == "2022-12-31" and dated["past_shown"] is True
    assert dated["relations"] == whole["relations"] - starting_after(date(2022, 12, 31))
    assert dated["entities"] < whole["entities"]


def test_stats_says_as_of_which_day_and_how_many_have_ended():
    code, out, _ = run("stats", "--as-of", "2023-10")
    assert code == 0
    # The open call ended on 2023-09-15, the EU Industry Days on 2023-10-06.
    assert out.startswith("As of 2023-10-31: relations begun by then, 2 of them ended by then")
    code, out, _ = run("stats", "--as-of", "2023-10", "--hide-past", "--json")
    shown = json.loads(run("stats", "--as-of", "2023-10", "--json")[1])
    assert json.loads(out)["relations"] == shown["relations"] - 2


def test_centrality_as_of_ranks_only_the_entities_seen_then():
    code, out, _ = run("centrality", "--metric", "degree", "--top", "500", "--json")
    assert LATER in {row["id"] for row in json.loads(out)["ranking"]}
    code, out, _ = run(
        "centrality", "--metric", "degree", "--top", "500", "--as-of", "2023-06-14", "--json"
    )
    assert code == 0
    result = json.loads(out)
    assert result["as_of"] == "2023-06-14"
    assert LATER not in {row["id"] for row in result["ranking"]}
    code, out, _ = run("centrality", "--top", "3", "--as-of", "2023-06-15")
    assert out.startswith("As of 2023-06-15: ")


def test_path_as_of_cannot_reach_an_entity_not_seen_yet():
    code, out, _ = run("path", "ismc", LATER, "--k", "1")
    assert code == 0
    code, out, err = run("path", "ismc", LATER, "--k", "1", "--as-of", "2023-06-14")
    assert code == 2 and out == ""
    assert "no entity called" in err


def test_path_as_of_says_the_day():
    code, out, _ = run("path", "Pizarras la Baña", "DG GROW", "--k", "1", "--as-of", "2023")
    assert code == 0
    assert out.startswith("As of 2023-12-31: ")
    code, out, _ = run("path", "ismc", LATER, "--k", "1", "--as-of", "2023-06-15", "--json")
    assert json.loads(out)["as_of"] == "2023-06-15"


def test_synergy_as_of_cuts_the_network_and_the_history_at_the_end_of_the_period():
    code, out, _ = run("synergy", "ismc", "--top", "50", "--as-of", "2022", "--json")
    assert code == 0
    then = json.loads(out)
    assert then["as_of"] == "2022-12-31"
    named = {c["id"] for c in then["candidates"]} | {o["id"] for o in then["opportunities"]}
    assert LATER not in named | {s["id"] for s in then["strengthen"]}
    # Madalina Ivanica speaks at the forum ISMC organises, both from 2023-06-01: a partner to
    # strengthen from that day, a suggestion before it; the forum an opportunity before it.
    assert "madalina-ivanica" in {c["id"] for c in then["candidates"]}
    assert "european-investment-forum-raw-materials" in {o["id"] for o in then["opportunities"]}
    code, out, _ = run("synergy", "ismc", "--top", "50", "--as-of", "2023-06-01", "--json")
    on_the_day = json.loads(out)
    assert "madalina-ivanica" in {s["id"] for s in on_the_day["strengthen"]}
    assert "european-investment-forum-raw-materials" not in {
        o["id"] for o in on_the_day["opportunities"]
    }


def test_communities_as_of_split_only_the_network_of_that_day():
    code, out, _ = run("stats", "--as-of", "2022", "--json")
    entities = json.loads(out)["entities"]
    code, out, _ = run("communities", "--as-of", "2022", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["as_of"] == "2022-12-31"
    assert sum(c["size"] for c in result["communities"]) == entities
    code, out, _ = run("communities", "--as-of", "2022")
    assert out.startswith("As of 2022-12-31: ")


def test_export_as_of_writes_only_what_had_begun(tmp_path):
    code, out, _ = run("export", "csv", "--as-of", "2022", "--out", str(tmp_path / "then"))
    assert code == 0
    assert "As of 2022-12-31: " in out
    with open(tmp_path / "then" / "relations.csv", encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == len(shipped_relations()) - starting_after(date(2022, 12, 31))
    assert not any(row["start"] for row in written)


def test_export_to_standard_output_says_the_day_on_stderr(capsys):
    code = main(["export", "gexf", "--as-of", "2022"])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.startswith("<?xml")
    assert LATER not in captured.out
    assert "As of 2022-12-31" in captured.err


@pytest.mark.parametrize(
    "command",
    [
        ["stats"],
        ["centrality"],
        ["path", "ismc", "aminer"],
        ["synergy", "ismc"],
        ["communities"],
        ["export", "gexf"],
    ],
)
def test_a_bad_date_is_refused_naming_the_option_and_the_forms(command, capsys):
    with pytest.raises(SystemExit) as caught:
        main([*command, "--as-of", "2016-13"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "argument --as-of: '2016-13' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD" in err


def test_a_bad_date_ends_without_a_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "ecosystem", "stats", "--as-of", "last year"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert "--as-of" in result.stderr and "YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.stderr


def test_synergy_has_no_hide_past_its_history_needs_what_has_ended(capsys):
    with pytest.raises(SystemExit):
        main(["synergy", "ismc", "--as-of", "2023", "--hide-past"])
    assert "unrecognized arguments: --hide-past" in capsys.readouterr().err
