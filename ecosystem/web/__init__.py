"""The web layer: one module per panel, each with its layout and its callbacks, around one view
state (:mod:`ecosystem.web.spec`).

The callback graph, input by input (every field of the view state is held by one component):

- :mod:`~ecosystem.web.url` — the one writer of every view-state field, of the address bar and
  of the type-ahead options. In: the address (first load, Back, Forward), every field's
  component, the type-ahead texts, and the intents of the panels below (a tap on the network,
  a synergy pick, presenter mode on and off, next and previous).
- :mod:`~ecosystem.web.network` — in: the filters, metric, colour, layout, selection, the
  stepped-to entity (focus), presenter mode, the path's fields, the pick and Reset;
  out: the elements (a highlight in their classes, a path's numbers in their labels) and the
  count line, the layout, the stylesheet (colours and presenter mode) and the list of
  highlighted entities.
- :mod:`~ecosystem.web.details` — in: the selection and the clicked link; out: the details.
  In: a relation type's "show more" (the selection read when pressed); out: that type's list.
- :mod:`~ecosystem.web.paths` — in: the path ends, the number of alternatives, the hub rule and
  the chosen alternative; out: the report and the choices.
- :mod:`~ecosystem.web.synergy` — in: the selection, the candidate types and countries; out: the
  candidates. The network and the camera highlight the pick from the view.
- :mod:`~ecosystem.web.centrality` — in: the metric, the number ranked, the type filter and
  presenter mode; out: the chart, the table and the note on the metric.
- :mod:`~ecosystem.web.export` — in: the export buttons (the filters read when pressed); out: the
  picture request and the download.
- :mod:`~ecosystem.web.presenter` — in: presenter mode; out: the page's class.
- :mod:`~ecosystem.web.filters` has no callbacks (its controls are fields);
  :mod:`~ecosystem.web.source` serves the source documents; :mod:`~ecosystem.web.layout` puts the
  page together.
"""
