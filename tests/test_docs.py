"""The README documents what the code does: a test fails when they drift apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecosystem.cli import build_parser
from ecosystem.schema import ENTITY_COLUMNS, ENTITY_TYPES, RELATION_COLUMNS, RELATION_TYPES

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if a.dest == "command"]
    return sorted(action.choices)


@pytest.mark.parametrize("entity_type", sorted(ENTITY_TYPES))
def test_every_entity_type_is_documented(entity_type):
    assert f"| `{entity_type}` |" in README


@pytest.mark.parametrize("relation_type", sorted(RELATION_TYPES))
def test_every_relation_type_and_its_direction_is_documented(relation_type):
    verb = RELATION_TYPES[relation_type].verb
    assert f"| `{relation_type}` | source *{verb}* target |" in README


@pytest.mark.parametrize("column", sorted(set(ENTITY_COLUMNS) | set(RELATION_COLUMNS)))
def test_every_column_is_documented(column):
    assert f"`{column}`" in README


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_documented(command):
    assert f"`ecosystem {command}" in README


def test_quick_start_is_exactly_two_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    commands = [line for line in block.splitlines() if line.strip()]
    assert len(commands) == 2
    assert commands[1].startswith("./dev test")


def test_every_web_module_is_in_the_readme_and_every_panel_in_the_callback_graph():
    from ecosystem import app

    section = README[README.index("### The web layer") : README.index("## Import and export")]
    modules = {path.stem for path in (Path(app.__file__).parent / "web").glob("*.py")}
    named = set(re.findall(r"`?(\w+)\.py", section))
    assert modules - {"__init__", "ids", "spec"} <= named | {"spec"}
    graph = section[section.index("The callback graph") :]
    for panel in app.PANELS:
        assert f"{panel.__name__.rsplit('.', 1)[-1]}.py" in graph


def test_no_test_module_imports_another():
    root = Path(__file__).resolve().parent
    found = [
        f"{path.relative_to(root)}: {line.strip()}"
        for path in root.rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"\s*(from|import)\s+tests(\.\w+)*\.test_\w+", line)
    ]
    assert found == []
