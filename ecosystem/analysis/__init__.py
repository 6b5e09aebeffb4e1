"""Pure functions over a graph: no Dash, no files.

Graph first, options keyword-only, plain JSON-able results in a stable order.
"""
