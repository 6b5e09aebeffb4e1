"""Compressed files read as if they were not: ``.gz``, and ``.zip`` holding the graph file.

Gephi's sample datasets come as ``ht2009_15min.gexf.gz`` and ``eurosis.gexf.zip``; an analyst
should not have to unpack them first. Each archive is unpacked into a temporary folder under the
name it holds (``EuroSiS Generale Pays.gexf``), so that every problem and every imported
relation's evidence names that file, and the report says which archive it came from.

Decompression is bounded: reading stops, with a problem, as soon as more than the import's size
limit has come out, so a few kilobytes that inflate to gigabytes cost nothing. A workbook
(``.xlsx``) is a zip archive too, and is left alone: the Kumu reader opens it.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ecosystem.errors import Problem
from ecosystem.interchange.files import MEGABYTE

CHUNK = 1024 * 1024
# An archive with more members than this is not a graph file someone downloaded.
MOST_MEMBERS = 100
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_IGNORED = ("__MACOSX/", ".DS_Store")
_UNPACK_ERRORS = (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError)


def is_archive(path: Path) -> bool:
    """Whether ``path`` is a ``.gz`` or ``.zip`` file (by name, or a gzip by its first bytes)."""
    suffix = path.suffix.casefold()
    if suffix in (".gz", ".zip"):
        return True
    if suffix in (".xlsx", ".xlsm"):
        return False
    with path.open("rb") as stream:
        return stream.read(2) == _GZIP_MAGIC


def unpack(
    paths: list[Path],
    folder: Path,
    max_bytes: int,
    problems: list[Problem],
    notes: list[str],
) -> list[Path]:
    """``paths`` with each archive replaced by the file(s) it holds, written into ``folder``.

    Appends a problem for an archive that is damaged, empty, holds something else than files,
    or inflates beyond ``max_bytes``; ``notes`` gets one line per archive read.
    """
    out: list[Path] = []
    for path in paths:
        if not is_archive(path):
            out.append(path)
            continue
        with path.open("rb") as stream:
            magic = stream.read(4)
        if magic.startswith(_GZIP_MAGIC):
            inner = _gunzip(path, folder, max_bytes, problems)
            members = [inner] if inner else []
        elif magic == _ZIP_MAGIC:
            members = _unzip(path, folder, max_bytes, problems)
        else:
            problems.append(
                Problem(
                    path.name,
                    0,
                    "-",
                    f"named {path.suffix} but not a {path.suffix.lstrip('.')} archive",
                    "compress it again, or give the file itself",
                )
            )
            continue
        if members:
            names = ", ".join(member.name for member in members)
            notes.append(f"{names} read from the archive {path.name}")
        out.extend(members)
    return out


def _limit_problem(name: str, max_bytes: int) -> Problem:
    return Problem(
        name,
        0,
        "-",
        f"the archive holds more than the import limit of {max_bytes / MEGABYTE:.3g} MB",
        "unpack it and split the file, or raise the limit with --max-size MB",
    )


def _copy_bounded(source, target: Path, max_bytes: int) -> bool:
    """Copy a stream into ``target``; False (and nothing kept) when it passes ``max_bytes``."""
    written = 0
    with target.open("wb") as out:
        while True:
            chunk = source.read(CHUNK)
            if not chunk:
                return True
            written += len(chunk)
            if written > max_bytes:
                break
            out.write(chunk)
    target.unlink()
    return False


def _gunzip(path: Path, folder: Path, max_bytes: int, problems: list[Problem]) -> Path | None:
    inner_name = path.name[:-3] if path.name.casefold().endswith(".gz") else path.name
    target = folder / _safe_name(inner_name or "unpacked")
    try:
        with gzip.open(path, "rb") as stream:
            if _copy_bounded(stream, target, max_bytes):
                return target
    except (OSError, EOFError, zlib.error) as error:
        target.unlink(missing_ok=True)
        problems.append(
            Problem(
                path.name,
                0,
                "-",
                f"a damaged or cut-short gzip file ({error})",
                "download or compress the file again",
            )
        )
        return None
    problems.append(_limit_problem(path.name, max_bytes))
    return None


def _unzip(path: Path, folder: Path, max_bytes: int, problems: list[Problem]) -> list[Path]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        problems.append(
            Problem(path.name, 0, "-", f"a damaged zip file ({error})", "download or zip it again")
        )
        return []
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir() and not any(mark in info.filename for mark in _IGNORED)
        ]
        if not members or len(members) > MOST_MEMBERS:
            what = "no file" if not members else f"{len(members)} files"
            problems.append(
                Problem(
                    path.name,
                    0,
                    "-",
                    f"the zip archive holds {what}",
                    "give the graph file itself, or a zip holding it",
                )
            )
            return []
        if sum(info.file_size for info in members) > max_bytes:
            problems.append(_limit_problem(path.name, max_bytes))
            return []
        out: list[Path] = []
        budget = max_bytes
        for info in members:
            target = folder / _safe_name(PurePosixPath(info.filename).name)
            if target.exists():
                target = folder / _safe_name(f"{len(out)}-{target.name}")
            try:
                with archive.open(info) as stream:
                    # The sizes in the directory can lie: count what really comes out.
                    if not _copy_bounded(stream, target, budget):
                        problems.append(_limit_problem(path.name, max_bytes))
                        return []
            except _UNPACK_ERRORS as error:
                target.unlink(missing_ok=True)
                problems.append(
                    Problem(
                        path.name,
                        0,
                        info.filename,
                        f"cannot unpack this member ({error})",
                        "download or zip the file again",
                    )
                )
                return []
            budget -= target.stat().st_size
            out.append(target)
        return out


def _safe_name(name: str) -> str:
    """A member's own name, never a path: ``../x`` and ``C:\\x`` stay inside the folder."""
    cleaned = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return cleaned if cleaned not in ("", ".", "..") else "unpacked"


def gzip_bytes(content: bytes) -> bytes:
    """``content`` compressed as a reproducible gzip stream (no name, no timestamp)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as stream:
        stream.write(content)
    return buffer.getvalue()
