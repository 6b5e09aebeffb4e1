"""Import and export: CORDIS, Kumu, GEXF, GraphML, Cytoscape.js JSON, graphology, GML, Pajek and
the project's CSV pair, every format declared once in :data:`FORMATS`.

Imports read foreign files strictly, map their types and fields onto the schema, match their
organisations to the dataset's (registry number, alias, normalised name), validate the whole
result with the loader and only then replace the dataset's files, atomically. Exports write any
typed graph, with every centrality metric where the format has attributes.

>>> from ecosystem.graph import load_graph
>>> files = export_files(load_graph(), "gexf")
>>> list(files)
['ecosystem.gexf']
"""

from __future__ import annotations

from ecosystem.interchange.exporter import (
    FILE_NAMES,
    MEDIA_TYPES,
    export_files,
    export_graph,
)
from ecosystem.interchange.formats import (
    EXPORT_FORMATS,
    FORMATS,
    IMPORT_FORMATS,
    Download,
    Format,
    download,
)
from ecosystem.interchange.importer import import_files, read_files

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
