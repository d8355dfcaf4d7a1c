"""Layout for a place: which layout of a picture still reads at the width it is shown.

A page shows a picture at its natural size or scaled down to the page's column, never up.
Scaled down, its text shrinks with it: a picture drawn 4,900 px wide for a 768 px column
shows 2 px text. Each scene knows the width it is drawn for (`Scene.width`); from that and
its text sizes follows the widest natural width at which, scaled down, its text still
reads (`readable_width`). The candidates are tried in order, each measured by Graphviz,
and the first that is narrow enough is drawn:

1. as the spec asks (its `direction`);
2. top to bottom, if it was not (a long chain of stages runs down the page, which
   scrolls, instead of across its fixed width);
3. top to bottom with the names and arrow labels wrapped narrower, the boxes closer;
4. the same, tighter still.

Where none is narrow enough the narrowest is drawn, and the page shows it at a readable
zoom in a pan frame. A picture of more than `MEASURED_BOXES` boxes, or one drawn as DOT
source alone where Graphviz is missing, is laid out by its shape instead (`by_shape`).
The context picture has candidates of its own (`context.py` collapses groups further).
The candidates are pure functions over a scene; `draw_fitted` draws them with
`diagram.py` and measures them with `output.natural_width`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from mlopsdiag.render import styles
from mlopsdiag.render.scene import Scene, build_scene, mark_deployed
from mlopsdiag.spec.model import Architecture, View

if TYPE_CHECKING:
    from mlopsdiag.render.diagram import DotGraph

PX_PER_PT = 96 / 72
"""Graphviz measures in points; a browser shows an SVG's point at 4/3 CSS pixels."""
MEDIAN_TEXT_PX = 10.0
"""The text size most of a picture's text must reach where it is shown (CSS px)."""
SMALLEST_TEXT_PX = 8.0
"""The size no text of a picture may be below where it is shown (CSS px)."""
MEASURED_BOXES = 80
"""Boxes up to which the candidates are laid out to measure them; a larger picture (shown
in a pan frame in any case) is laid out once, in the direction its shape suggests, as
every extra Graphviz run on it can take seconds."""
_ACROSS = frozenset({"LR", "RL"})


def readable_width(scene: Scene) -> float:
    """The widest natural width (px) at which the picture, scaled down to `scene.width`,
    keeps its usual text (arrow labels, a point under the names) at `MEDIAN_TEXT_PX` and
    its smallest text at `SMALLEST_TEXT_PX`."""
    usual = (scene.text_size - 1) * PX_PER_PT
    smallest = max(styles.SMALLEST_TEXT_SIZE, scene.text_size - 2) * PX_PER_PT
    return scene.width * min(usual / MEDIAN_TEXT_PX, smallest / SMALLEST_TEXT_PX)


NARROW_SPACING = 0.25
"""Inches between neighbouring boxes in a picture laid out narrower."""
TIGHT_SPACING = 0.15
"""The same, in the narrowest layout."""


def narrow(scene: Scene) -> Scene:
    """The scene with its names and arrow labels wrapped narrower, its boxes closer."""
    return replace(
        scene,
        label_width=min(scene.label_width, styles.NARROW_LABEL_WIDTH),
        edge_label_width=min(scene.edge_label_width, styles.NARROW_EDGE_LABEL_WIDTH),
        spacing=min(scene.spacing, NARROW_SPACING),
    )


def tight(scene: Scene) -> Scene:
    """The scene at its narrowest: short lines of text, boxes close together."""
    return replace(
        scene,
        label_width=min(scene.label_width, styles.TIGHT_LABEL_WIDTH),
        edge_label_width=min(scene.edge_label_width, styles.TIGHT_LABEL_WIDTH),
        spacing=min(scene.spacing, TIGHT_SPACING),
    )


def candidates(scene: Scene) -> Iterator[Scene]:
    """The layouts to try, in order of preference (see the module's docstring)."""
    yield scene
    down = replace(scene, direction="TB") if scene.direction in _ACROSS else scene
    if down is not scene:
        yield down
    yield narrow(down)
    yield tight(down)


def by_shape(scene: Scene, layers: int, breadth: int) -> Scene:
    """The one layout of a picture too large to measure: top to bottom, names wrapped
    narrow, when its longest chain (`layers`) is longer than its widest stage (`breadth`)
    is wide; else as the spec asks."""
    if scene.direction in _ACROSS and layers > breadth:
        return narrow(replace(scene, direction="TB"))
    return scene


def draw_fitted(scenes: Iterable[Scene], timeout: float | None = None) -> DotGraph:
    """Draw the first of some candidate scenes whose natural width reads at its scene's
    width (measured by laying it out), else the narrowest of them."""
    from mlopsdiag.render.context import layers  # context.py draws with this module
    from mlopsdiag.render.diagram import draw_scene  # `diagrams` loads only to draw
    from mlopsdiag.render.output import natural_width

    def shaped(scene: Scene) -> DotGraph:
        found = layers(scene.nodes, scene.edges)
        breadth = max((len(layer) for layer in found), default=1)
        return draw_scene(by_shape(scene, len(found), breadth))

    narrowest: tuple[float, DotGraph] | None = None
    for scene in scenes:
        if len(scene.nodes) > MEASURED_BOXES or shutil.which("dot") is None:
            # Too large to lay out twice, or only DOT source is drawn (without Graphviz).
            return shaped(scene)
        graph = draw_scene(scene)
        width = natural_width(graph.source, graph.icons, timeout)
        if width is None or width <= readable_width(scene):
            return graph
        if narrowest is None or width < narrowest[0]:
            narrowest = (width, graph)
    assert narrowest is not None, "no candidate scene"
    return narrowest[1]


def draw_view(scene: Scene, timeout: float | None = None) -> DotGraph:
    """Draw a view's scene in the first of its candidate layouts that reads at its width."""
    return draw_fitted(candidates(scene), timeout)


def draw_fitted_view(
    arch: Architecture,
    view: View,
    width: int = styles.SITE_WIDTH,
    timeout: float | None = None,
    deployed: Mapping[str, str] | None = None,
) -> DotGraph:
    """Draw one view of an architecture laid out to read at `width` pixels; `deployed`
    (component id -> matched, missing or mismatched) marks the boxes."""
    return draw_view(mark_deployed(build_scene(arch, view, width), deployed), timeout)
