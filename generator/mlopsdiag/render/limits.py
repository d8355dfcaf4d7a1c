"""Where a picture stops being drawable or readable, and what is drawn instead.

An overview of more than `OVERVIEW_LIMIT` components cannot be read on any screen (and can
take Graphviz minutes to lay out), so it is drawn as the collapsed context picture: groups
as single boxes. The same picture stands in for a view Graphviz could not lay out in time.
The site's architecture page asks `collapses_overview` too, to say so under the picture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlopsdiag.render.styles import SITE_WIDTH
from mlopsdiag.spec.model import Architecture, View

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mlopsdiag.render.diagram import DotGraph

OVERVIEW_LIMIT = 150
"""Components in the overview above which it is drawn with its groups collapsed."""


def collapses_overview(arch: Architecture, view: View) -> bool:
    """True when this view is the overview and too big to be drawn in full."""
    from mlopsdiag.render.scene import view_components

    return (
        view.id == "overview"
        and bool(arch.groups)
        and len(view_components(arch, view)) > OVERVIEW_LIMIT
    )


def context_picture(
    arch: Architecture,
    width: int = SITE_WIDTH,
    timeout: float | None = None,
    deployed: Mapping[str, str] | None = None,
) -> DotGraph:
    """The collapsed context picture of an architecture (groups as single boxes), laid out
    to read at `width` pixels; `deployed` (element id -> matched, missing or mismatched)
    marks its boxes."""
    from mlopsdiag.render.context import draw_context  # loads `diagrams`

    return draw_context(arch, width, timeout, deployed)
