"""Every picture of an architecture, in the order they are drawn.

The views (the overview first), then the context picture, then each process's picture.
A process whose steps name two or more actors is drawn in lanes; that one picture is also
written as `process-<id>-lanes` (its name when lanes were a picture of their own, so that
links made then still work). Each is a function over the one scene model; this module
only lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from mlopsdiag.render.context import CONTEXT_VIEW_ID, draw_context
from mlopsdiag.render.diagram import DotGraph
from mlopsdiag.render.fit import draw_fitted_view
from mlopsdiag.render.lanes import has_lanes, lanes_view_id
from mlopsdiag.render.process import draw_process, process_view_id
from mlopsdiag.render.process_stages import drawn_by_stage
from mlopsdiag.spec.model import Architecture, View


def pictures(
    arch: Architecture,
    draw_view: Callable[[Architecture, View], DotGraph] = draw_fitted_view,
    context: Callable[[Architecture], DotGraph] = draw_context,
) -> Iterator[DotGraph]:
    """Draw every picture of an architecture, one at a time, as DOT (the views with
    `draw_view`, by default laid out to read at the site's width, which may stand a
    smaller picture in for a view too big to read; the context picture with `context`, which may return one drawn already)."""
    for view in arch.all_views():
        yield draw_view(arch, view)
    yield context(arch)
    for process in arch.processes:
        graph = draw_process(arch, process)
        yield graph
        if has_lanes(process) and not drawn_by_stage(process):
            # The same DOT source: the runner lays it out once and writes both names.
            yield replace(graph, view_id=lanes_view_id(process))


def picture_ids(arch: Architecture) -> tuple[str, ...]:
    """The file stems of every picture of an architecture, in drawing order."""
    ids = [view.id for view in arch.all_views()]
    ids.append(CONTEXT_VIEW_ID)
    for process in arch.processes:
        ids.append(process_view_id(process))
        if has_lanes(process) and not drawn_by_stage(process):
            ids.append(lanes_view_id(process))
    return tuple(ids)
