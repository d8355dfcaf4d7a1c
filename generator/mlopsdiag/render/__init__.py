"""Diagrams: every view of every spec drawn with `diagrams` and Graphviz, cached and parallel.

`render_specs` is the entry point; `FLOW_STYLES` is the look of each flow kind.
"""

from __future__ import annotations

from mlopsdiag.render.output import DEFAULT_FORMATS, FORMATS, MISSING_GRAPHVIZ
from mlopsdiag.render.runner import RenderReport, render_architecture, render_specs
from mlopsdiag.render.styles import FLOW_STYLES, FlowStyle

__all__ = [
    "DEFAULT_FORMATS",
    "FLOW_STYLES",
    "FORMATS",
    "MISSING_GRAPHVIZ",
    "FlowStyle",
    "RenderReport",
    "render_architecture",
    "render_specs",
]
