"""Import and export: CORDIS, Kumu, GEXF, GraphML, Cytoscape.js JSON, graphology, GML, Pajek and
the project's CSV pair, every format declared once in :data:`FORMATS`.

Imports read foreign files strictly, map their types and fields onto the schema, match their
organisations to the dataset's (registry number, alias, normalised name), validate the whole
result with the loader and only then replace the dataset's files, atomically. Exports write any
typed graph, with every centrality metric where the format has attributes.

>>> from ecosystem.graph import load_graph
>>> from ecosystem.interchange import export_files
>>> files = export_files(load_graph(), "gexf")
>>> list(files)
['ecosystem.gexf']
"""

from __future__ import annotations

import importlib
from typing import Any

# Where each name is: imported on first use, so that ``ecosystem.interchange.cli`` (the command
# line's parser) loads no reader or writer.
_HOMES = {
    "FILE_NAMES": "exporter",
    "MEDIA_TYPES": "exporter",
    "export_files": "exporter",
    "export_graph": "exporter",
    "EXPORT_FORMATS": "formats",
    "FORMATS": "formats",
    "IMPORT_FORMATS": "formats",
    "Download": "formats",
    "Format": "formats",
    "download": "formats",
    "import_files": "importer",
    "read_files": "importer",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


__all__ = [
    "EXPORT_FORMATS",
    "FILE_NAMES",
    "FORMATS",
    "IMPORT_FORMATS",
    "MEDIA_TYPES",
    "Download",
    "Format",
    "download",
    "export_files",
    "export_graph",
    "import_files",
    "read_files",
]
