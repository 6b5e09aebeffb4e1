"""The stories folder: saving a story without ever losing an earlier one, and listing them.

A story ``NAME`` is the file ``NAME.json`` in a folder of stories (``--stories DIR``), never the
data folder: an import replaces the data folder's files, and a story is not data. Each save is
atomic (:func:`ecosystem.storage.write_bytes_atomically`); the file it replaces is first copied
to ``.previous/NAME.json.N`` (N counting up), and the :data:`KEEP_VERSIONS` newest copies are
kept. A crash at any instant leaves the old story in place or the new one, and every version
saved before it in ``.previous/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TypedDict

from ecosystem.storage import (
    StorageError,
    check_folder,
    describe_os_error,
    folder_lock,
    write_bytes_atomically,
)
from ecosystem.stories.format import Story, StoryError, StoryProblem, to_json
from ecosystem.stories.reading import parse_story, read_story

SUFFIX = ".json"
PREVIOUS = ".previous"
KEEP_VERSIONS = 10
MAX_LISTED = 1000
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
DATA_FILES = ("entities.csv", "relations.csv")


class StoryListing(TypedDict):
    """One file of a stories folder: its name, and its title and step count, or its error."""

    name: str
    file: str
    title: str | None
    steps: int | None
    error: str | None


def story_file_name(name: str) -> str:
    """The file name of story ``name`` (``.json`` added when missing); raises
    :class:`StoryError` for a name that is not a plain file name.

    >>> story_file_name("ismc-european-links"), story_file_name("talk.json")
    ('ismc-european-links.json', 'talk.json')
    """
    stem = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name
    if not NAME_PATTERN.fullmatch(stem) or ".." in stem:
        raise StoryError(
            [
                StoryProblem(
                    name[:100],
                    0,
                    "",
                    "name",
                    "is not a story name",
                    "use letters, digits, '.', '-' and '_' (at most 100, no folders), "
                    "e.g. ismc-european-links",
                )
            ]
        )
    return stem + SUFFIX


def write_story(
    directory: Path | str,
    name: str,
    story: Story,
    *,
    data_dir: Path | str | None = None,
    keep: int = KEEP_VERSIONS,
) -> Path:
    """Save ``story`` as ``directory/NAME.json``, atomically, keeping the file it replaces.

    Refuses (:class:`StoryError`) a story that would not read back (it is checked as a file
    is), a name that is not a plain file name, and a folder that is the data folder
    ``data_dir``, lies inside it, or holds a dataset.
    """
    directory = Path(directory)
    file_name = story_file_name(name)
    _refuse_data_folder(directory, data_dir)
    text = to_json(story)
    parse_story(text, name=file_name)  # a story that would not read back is not written
    check_folder(directory, write=True)
    target = directory / file_name
    content = text.encode("utf-8")
    with folder_lock(directory):
        old = _current(target)
        versions = directory / PREVIOUS
        newest = max(_numbers(versions, file_name), default=0)
        kept = _current(versions / f"{file_name}.{newest}")
        # A save that stopped before replacing the file has copied it already: not twice.
        if old is not None and old not in (content, kept):
            write_bytes_atomically(versions / f"{file_name}.{newest + 1}", old)
        write_bytes_atomically(target, content)
        _prune(directory / PREVIOUS, file_name, keep)
    return target


def previous_versions(directory: Path | str, name: str) -> list[Path]:
    """The kept earlier versions of story ``name``, newest first."""
    file_name = story_file_name(name)
    folder = Path(directory) / PREVIOUS
    return [folder / f"{file_name}.{n}" for n in sorted(_numbers(folder, file_name), reverse=True)]


def list_stories(directory: Path | str) -> list[StoryListing]:
    """Every story file of ``directory`` by name: its title and step count, or for a file that
    cannot be read, its error (the first problem). A folder that does not exist holds none; one
    that cannot be read raises :class:`~ecosystem.storage.StorageError`."""
    directory = Path(directory)
    if not directory.exists():
        return []
    check_folder(directory, write=False)  # a file in its place, a folder that cannot be read
    try:
        files = sorted(
            path
            for path in directory.iterdir()
            if path.name.endswith(SUFFIX) and not path.name.startswith(".")
        )[:MAX_LISTED]
    except OSError as error:
        raise StorageError(describe_os_error(error, directory, "read the folder")) from None
    listed: list[StoryListing] = []
    for path in files:
        entry = StoryListing(name=path.stem, file=str(path), title=None, steps=None, error=None)
        if path.is_symlink():  # a link could lead anywhere on the machine: not followed
            entry["error"] = f"{path}: file: is a symbolic link; copy the story into the folder"
            listed.append(entry)
            continue
        try:
            story = read_story(path)
        except StoryError as error:
            entry["error"] = str(error.problems[0]) if error.problems else str(error)
        else:
            entry["title"], entry["steps"] = story.title, len(story.steps)
        listed.append(entry)
    return listed


def _refuse_data_folder(directory: Path, data_dir: Path | str | None) -> None:
    from ecosystem.resources import default_data_dir

    folder = directory.resolve()
    data_folders = [Path(data_dir).resolve()] if data_dir is not None else []
    data_folders.append(default_data_dir().resolve())
    inside = any(folder == data or data in folder.parents for data in data_folders)
    if inside or any((directory / name).exists() for name in DATA_FILES):
        raise StoryError(
            [
                StoryProblem(
                    str(directory),
                    0,
                    "",
                    "folder",
                    "is a data folder (or inside one); stories are kept apart from the data",
                    "save stories in a folder of their own, e.g. --stories stories",
                )
            ]
        )


def _current(target: Path) -> bytes | None:
    try:
        return target.read_bytes() if target.is_file() else None
    except OSError:
        return None


def _numbers(folder: Path, file_name: str) -> list[int]:
    pattern = re.compile(re.escape(file_name) + r"\.(\d{1,9})")
    try:
        names = [path.name for path in folder.iterdir()] if folder.is_dir() else []
    except OSError:
        return []
    return [int(match.group(1)) for n in names if (match := pattern.fullmatch(n))]


def _prune(folder: Path, file_name: str, keep: int) -> None:
    for number in sorted(_numbers(folder, file_name), reverse=True)[max(keep, 1) :]:
        (folder / f"{file_name}.{number}").unlink(missing_ok=True)
