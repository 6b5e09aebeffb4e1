"""Where the app's assets and the shipped dataset are, installed or in a checkout.

An installed package carries them inside itself (``ecosystem/assets``, ``ecosystem/data``: the
build maps the repository's top-level ``assets/`` and ``data/`` there); a source checkout, or an
editable install of one, keeps them beside the package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _folder(name: str) -> Path:
    packaged = files("ecosystem") / name
    # Installed from a wheel the package is a folder on disk (Dash serves assets only from one).
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


def assets_dir() -> Path:
    """The folder of the app's style sheets and scripts, which Dash serves under /assets/."""
    return _folder("assets")


def default_data_dir() -> Path:
    """The shipped dataset: ``entities.csv``, ``relations.csv``, ``sources.csv``, ``sources/``."""
    return _folder("data")


def story_schema_path() -> Path:
    """The JSON Schema of story files (``docs/stories.md`` describes the format)."""
    packaged = files("ecosystem") / "story.schema.json"
    if isinstance(packaged, Path):
        return packaged
    return Path(__file__).resolve().parent / "story.schema.json"
