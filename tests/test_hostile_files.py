"""Hostile files and folders: each run ends within seconds, with one clear message and exit 2,
never a traceback, in bounded memory.

The commands run as a user would run them, in a child process whose address space is capped
(:data:`MEMORY_LIMIT`) and whose time is bounded (:data:`SECONDS`). Conditions a test cannot
make for real (a full disk, a folder a root process cannot write) use a test double in process.
"""

from __future__ import annotations

import errno
import io
import json
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ecosystem.checks import MAX_HINTS
from ecosystem.cli import main
from ecosystem.errors import DataError
from ecosystem.graph import read_dataset
from ecosystem.schema import ENTITY_COLUMNS
from tests.helpers import write_dataset

ROOT = Path(__file__).resolve().parent.parent
MEMORY_LIMIT = 1536 * 1024 * 1024
SECONDS = 60


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def ecosystem(*args: object, **options) -> subprocess.CompletedProcess:
    """``ecosystem ARGS`` in a child with capped memory and time."""
    return subprocess.run(
        [sys.executable, "-m", "ecosystem", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SECONDS,
        check=False,
        preexec_fn=_cap_memory,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
        **options,
    )


def one_clear_message(result: subprocess.CompletedProcess, *expected: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr.split(":", 1)[0]
    for text in expected:
        assert text in result.stderr, result.stderr[-2000:]
    return result.stderr


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()[1:] if line.strip()]


# ----------------------------------------------------------------------------- CSV


def test_a_csv_header_of_100000_columns_is_checked_at_once(tmp_path):
    header = ",".join([*ENTITY_COLUMNS, *(f"c{n}" for n in range(100_000)), "c7"])
    data = write_dataset(tmp_path / "data")
    (data / "entities.csv").write_text(header + "\n" + "x," * 100_007 + "x\n", encoding="utf-8")
    stderr = one_clear_message(ecosystem("validate", "--data", data), "column named twice")
    assert problem_lines(stderr) == ["entities.csv:1: c7: column named twice: keep one of them"]


def test_an_imported_csv_of_100000_columns_is_checked_at_once(tmp_path):
    elements = tmp_path / "elements.csv"
    elements.write_text(
        "Label," + ",".join(f"c{n}" for n in range(100_000)) + ",Label\nA\n", encoding="utf-8"
    )
    result = ecosystem("import", "kumu", elements, "--into", tmp_path / "out")
    one_clear_message(result, "elements.csv:1: Label: column named twice")
    assert not (tmp_path / "out").exists()


def test_one_huge_field_is_one_message_not_hundreds(tmp_path):
    entities = [{"id": f"e{n}", "name": f"Entity {n}", "type": "company"} for n in range(600)]
    entities[3]["description"] = "x" * 10_000_000
    relations = [
        {
            "source": f"e{n}",
            "target": f"e{n + 1}",
            "type": "collaborates_with",
            "evidence": "The two companies collaborate on a project.",
            "doc": "doc.txt",
        }
        for n in range(599)
    ]
    data = write_dataset(tmp_path / "data", entities, relations)
    stderr = one_clear_message(ecosystem("validate", "--data", data), "field larger than")
    assert len(problem_lines(stderr)) == 1, stderr[:2000]


def test_did_you_mean_is_looked_up_a_bounded_number_of_times(tmp_path, monkeypatch):
    import ecosystem.checks

    lookups = []
    real = ecosystem.checks._closest
    monkeypatch.setattr(
        ecosystem.checks,
        "_closest",
        lambda value, choices: lookups.append(value) or real(value, choices),
    )
    entities = [{"id": f"entity-{n}", "name": f"E {n}", "type": "company"} for n in range(3000)]
    relations = [
        {
            "source": f"entity-{n}",
            "target": f"entiti-{n}",
            "type": "supports",
            "evidence": "One entity supports the other one here.",
            "doc": "doc.txt",
        }
        for n in range(2000)
    ]
    data = write_dataset(tmp_path / "data", entities, relations)
    with pytest.raises(DataError) as caught:
        read_dataset(data)
    unknown = [p for p in caught.value.problems if "unknown entity id" in p.message]
    assert len(unknown) == 2000  # every one is still reported
    assert len(lookups) == MAX_HINTS
    assert sum("did you mean" in p.fix for p in unknown) == MAX_HINTS


# ----------------------------------------------------------------------------- workbooks


def _workbook(sheet_xml: bytes | None = None, *, big_cell: int = 0) -> bytes:
    """A Kumu workbook; its first sheet's XML replaced, or one cell made ``big_cell`` long."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Elements"
    sheet.append(["Label", "Type"])
    sheet.append(["Acme", "company"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                if sheet_xml is not None:
                    content = sheet_xml
                elif big_cell:
                    with target.open(member.filename, "w", force_zip64=True) as stream:
                        stream.write(
                            b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxml'
                            b'formats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
                            b'<c r="A1" t="inlineStr"><is><t>'
                        )
                        for _ in range(big_cell // 1_000_000):
                            stream.write(b"A" * 1_000_000)
                        stream.write(b"</t></is></c></row></sheetData></worksheet>")
                    continue
            target.writestr(member, content)
    return out.getvalue()


def test_a_small_workbook_with_a_100_mb_cell_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_workbook(big_cell=100_000_000))
    assert path.stat().st_size < 1_000_000
    result = ecosystem("import", "kumu", path, "--into", tmp_path / "out")
    one_clear_message(result, "bomb.xlsx", "unpacks")


def test_a_workbook_over_the_size_limit_once_unpacked_is_refused(tmp_path):
    path = tmp_path / "large.xlsx"
    path.write_bytes(_workbook(big_cell=3_000_000))
    result = ecosystem("import", "kumu", path, "--into", tmp_path / "out", "--max-size", "2")
    one_clear_message(result, "unpacks to", "more than the import limit of 2 MB")


def test_a_workbook_whose_sheet_declares_a_doctype_is_refused(tmp_path):
    path = tmp_path / "doctype.xlsx"
    path.write_bytes(
        _workbook(
            b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData/></worksheet>"
        )
    )
    one_clear_message(ecosystem("import", "kumu", path, "--into", tmp_path / "out"), "DOCTYPE")


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_a_workbook_cut_short_is_refused(tmp_path, keep):
    whole = _workbook()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: int(len(whole) * keep)])
    one_clear_message(
        ecosystem("import", "kumu", path, "--into", tmp_path / "out"), "damaged or cut short"
    )


def test_a_workbook_whose_sheet_xml_is_cut_short_is_refused(tmp_path):
    path = tmp_path / "sheet-cut.xlsx"
    path.write_bytes(
        _workbook(
            b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Lab'
        )
    )
    one_clear_message(
        ecosystem("import", "kumu", path, "--into", tmp_path / "out"), "sheet-cut.xlsx"
    )


# ----------------------------------------------------------------------------- XML and JSON


def test_gexf_nested_3000_deep_is_refused(tmp_path):
    path = tmp_path / "deep.gexf"
    inner = '<node id="n"><nodes>' * 3000 + "</nodes></node>" * 3000
    path.write_text(
        '<?xml version="1.0"?><gexf xmlns="http://gexf.net/1.3" version="1.3"><graph>'
        f"<nodes>{inner}</nodes></graph></gexf>",
        encoding="utf-8",
    )
    one_clear_message(
        ecosystem("import", "gexf", path, "--into", tmp_path / "out"), "nested more than"
    )


def test_cyjs_nested_100000_deep_is_refused(tmp_path):
    path = tmp_path / "deep.cyjs"
    path.write_text('{"elements": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    one_clear_message(
        ecosystem("import", "cyjs", path, "--into", tmp_path / "out"), "nested more than"
    )


@pytest.mark.parametrize(
    "document",
    [
        {"elements": {"nodes": 5, "edges": []}},
        {"elements": {"nodes": "x" * 1_000_000}},
        {"elements": {"nodes": [{"data": {"id": "a"}}], "edges": {"data": {}}}},
        {"elements": [{"data": 7}, 3, "x"]},
        {"elements": {"nodes": [{"data": {"id": {"x": 1}, "name": [1, [2]]}}]}},
    ],
)
def test_cyjs_with_wrong_typed_parts_is_refused(tmp_path, document):
    path = tmp_path / "odd.cyjs"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = ecosystem("import", "cyjs", path, "--into", tmp_path / "out")
    stderr = one_clear_message(result, "odd.cyjs")
    assert len(problem_lines(stderr)) <= 3


# ----------------------------------------------------------------------------- folders


def test_an_into_symlink_loop_is_a_clear_error(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    elements = tmp_path / "elements.csv"
    elements.write_text("Label,Type\nAcme,company\n", encoding="utf-8")
    one_clear_message(
        ecosystem("import", "kumu", elements, "--into", tmp_path / "a"), "symbolic link loop"
    )


def test_a_fifo_in_place_of_a_data_file_is_refused_without_hanging(tmp_path):
    data = write_dataset(tmp_path / "data")
    (data / "relations.csv").unlink()
    os.mkfifo(data / "relations.csv")
    one_clear_message(ecosystem("validate", "--data", data), "not a regular file")
    os.mkfifo(tmp_path / "pipe.csv")
    one_clear_message(
        ecosystem("import", "kumu", tmp_path / "pipe.csv", "--into", tmp_path / "out"),
        "not a regular file",
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run a child as another user")
@pytest.mark.parametrize("mode", [0o555, 0o000])
def test_a_read_only_or_unreadable_into_is_a_clear_error(tmp_path, mode):
    data = write_dataset(tmp_path / "data")
    tmp_path.chmod(0o755)
    elements = tmp_path / "elements.csv"
    elements.write_text("Label,Type\nAlpha,company\n", encoding="utf-8")
    elements.chmod(0o644)
    data.chmod(mode)
    try:
        result = subprocess.run(
            [
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                sys.executable,
                "-m",
                "ecosystem",
                "import",
                "kumu",
                str(elements),
                "--into",
                str(data),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=SECONDS,
            check=False,
            env={**os.environ, "HOME": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"},
        )
    finally:
        data.chmod(0o755)
    if "No module named" in result.stderr or "Permission denied: '/" in result.stderr:
        pytest.skip("the package is not readable by an unprivileged user here")
    one_clear_message(result, str(data), "Permission denied")


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "free some disk space"),
        (errno.EROFS, "the file system is read-only"),
        (errno.EACCES, "check the folder's permissions"),
    ],
)
def test_a_full_disk_or_read_only_folder_while_writing_is_one_message(
    tmp_path, monkeypatch, capsys, code, words
):
    data = write_dataset(tmp_path / "data")
    before = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    elements = tmp_path / "elements.csv"
    elements.write_text("Label,Type\nAlpha,company\n", encoding="utf-8")
    connections = tmp_path / "connections.csv"
    connections.write_text("From,To\nAlpha,Acme Mining\n", encoding="utf-8")
    real_fdopen = os.fdopen

    class Failing(io.RawIOBase):
        def __init__(self, descriptor):
            self.stream = real_fdopen(descriptor, "wb")

        def write(self, data):
            raise OSError(code, os.strerror(code))

        def close(self):
            self.stream.close()

    def fdopen(descriptor, mode="r", *args, **kwargs):
        if "w" in mode:
            return Failing(descriptor)
        return real_fdopen(descriptor, mode, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", fdopen)
    status = main(["import", "kumu", str(elements), str(connections), "--into", str(data)])
    monkeypatch.setattr(os, "fdopen", real_fdopen)
    err = capsys.readouterr().err
    assert status == 2
    assert words in err and os.strerror(code) in err and str(data) in err
    assert len(err.strip().splitlines()) == 1
    after = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    assert {k: v for k, v in after.items() if k != ".ecosystem.lock"} == before


def test_an_export_to_a_full_disk_is_one_message(tmp_path, monkeypatch, capsys):
    real_fdopen = os.fdopen

    def failing(descriptor, mode="r", *args, **kwargs):
        if "w" not in mode:
            return real_fdopen(descriptor, mode, *args, **kwargs)
        os.close(descriptor)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fdopen", failing)
    status = main(["export", "gexf", "--out", str(tmp_path / "network.gexf")])
    monkeypatch.setattr(os, "fdopen", real_fdopen)
    err = capsys.readouterr().err
    assert status == 2 and "free some disk space" in err
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- output and serve


def test_stats_into_a_closed_pipe_ends_quietly(tmp_path):
    child = subprocess.Popen(
        [sys.executable, "-m", "ecosystem", "stats"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    child.stdout.close()  # as `head` does once it has its lines
    _, err = child.communicate(timeout=SECONDS)
    assert child.returncode == 2
    assert b"Traceback" not in err and b"BrokenPipe" not in err


def test_serve_on_a_port_out_of_range_is_one_message():
    result = ecosystem("serve", "--port", "70000")
    one_clear_message(result, "is not a port")
