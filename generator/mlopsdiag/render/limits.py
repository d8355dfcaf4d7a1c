"""Where a picture stops being drawable or readable, and what is drawn instead.

An overview of more than `OVERVIEW_LIMIT` components cannot be read on any screen (and takes
Graphviz minutes to lay out), so it is drawn as the collapsed context picture: every group
as one box. The same picture stands in for a view Graphviz could not lay out in time. The
site's architecture page asks `collapses_overview` too, to say so under the picture.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from mlopsdiag.spec.model import Architecture, View

if TYPE_CHECKING:
    from mlopsdiag.render.diagram import DotGraph

OVERVIEW_LIMIT = 150
"""Components in the overview above which it is drawn with its groups collapsed."""


CONTEXT_MODULE = "mlopsdiag.render.context"
"""Where `draw_context(arch) -> DotGraph` lives: the hook for the collapsed picture."""


def context_available() -> bool:
    """True when this build of mlopsdiag can draw the collapsed context picture."""
    try:
        importlib.import_module(CONTEXT_MODULE)
    except ImportError:
        return False
    return True


def collapses_overview(arch: Architecture, view: View) -> bool:
    """True when this view is the overview and is too big to be drawn in full."""
    return (
        view.id == "overview"
        and len(view.include) > OVERVIEW_LIMIT
        and bool(arch.groups)
        and context_available()
    )


def context_picture(arch: Architecture) -> DotGraph | None:
    """The collapsed context picture of an architecture, or None where it cannot be drawn."""
    try:
        module = importlib.import_module(CONTEXT_MODULE)
    except ImportError:
        return None
    graph: DotGraph = module.draw_context(arch)
    return graph
