"""The command line: clean output, clean errors, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from ecosystem.cli import main
from tests.conftest import TINY_ENTITIES, TINY_RELATIONS, write_dataset


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_validate_ok_prints_one_line_summary(tiny_dir):
    code, out, err = run("validate", "--data", str(tiny_dir))
    assert code == 0
    assert out.strip().endswith("3 entities and 2 relations are valid")
    assert err == ""


def test_validate_with_documents(tiny_dir):
    code, out, _ = run(
        "validate", "--data", str(tiny_dir), "--documents", str(tiny_dir / "sources")
    )
    assert code == 0
    assert "every evidence excerpt found" in out


def test_validate_lists_problems_and_exits_2(tmp_path):
    folder = write_dataset(
        tmp_path, relations=[{**TINY_RELATIONS[0], "target": "ghost"}, TINY_RELATIONS[1]]
    )
    code, out, err = run("validate", "--data", str(folder))
    assert code == 2
    assert out == ""
    assert "relations.csv:2: target: unknown entity id 'ghost'" in err
    assert "Traceback" not in err


def test_validate_documents_problem_exits_2(tmp_path):
    changed = {**TINY_RELATIONS[0], "evidence": "Acme Mining was never a member of anything."}
    folder = write_dataset(tmp_path, relations=[changed, TINY_RELATIONS[1]])
    code, _, err = run("validate", "--data", str(folder), "--documents", str(folder / "sources"))
    assert code == 2
    assert "relations.csv:2: evidence:" in err


def test_stats_table(tiny_dir):
    code, out, _ = run("stats", "--data", str(tiny_dir))
    assert code == 0
    assert out.startswith("3 entities, 2 relations (2 linked pairs), 1 component(s)")
    assert "Mining Cluster  cluster       2" in out


def test_stats_json(tiny_dir):
    code, out, _ = run("stats", "--data", str(tiny_dir), "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["entity_types"] == {"cluster": 1, "company": 1, "project": 1}
    assert summary["best_connected"][0]["id"] == "cluster"


def test_module_entry_point_runs_without_traceback(tmp_path):
    folder = write_dataset(tmp_path, entities=[{**TINY_ENTITIES[0], "type": "x"}])
    result = subprocess.run(
        [sys.executable, "-m", "ecosystem", "validate", "--data", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "entities.csv:2: type: unknown entity type 'x'" in result.stderr
    assert "Traceback" not in result.stderr
