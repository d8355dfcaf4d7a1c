"""The look of a diagram as data: one style per flow kind, plus the fixed graph settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class FlowStyle:
    """How arrows of one flow kind are drawn (Graphviz edge attributes)."""

    color: str
    style: str = "solid"
    penwidth: float = 1.6
    arrowhead: str = "normal"

    def edge_attrs(self) -> dict[str, str]:
        """The Graphviz attributes of an edge of this kind."""
        return {
            "color": self.color,
            "fontcolor": self.color,
            "style": self.style,
            "penwidth": f"{self.penwidth:g}",
            "arrowhead": self.arrowhead,
        }


# Colours from the Okabe-Ito palette (distinguishable with the common colour-vision
# deficiencies), darkened where needed to read as label text on white; each kind also has
# its own line style so the legend still works in greyscale.
FLOW_STYLES: Mapping[str, FlowStyle] = MappingProxyType(
    {
        "data": FlowStyle(color="#0072B2"),
        "features": FlowStyle(color="#007A5A", penwidth=2.4),
        "model": FlowStyle(color="#A8407F", style="bold", penwidth=2.8, arrowhead="empty"),
        "metrics": FlowStyle(color="#B36B00", style="dashed"),
        "predictions": FlowStyle(color="#C24E00", penwidth=2.2, arrowhead="vee"),
        "feedback": FlowStyle(color="#6A3D9A", style="dashed", penwidth=2.0),
        "control": FlowStyle(color="#3D3D3D", style="dotted", penwidth=2.0),
    }
)
"""Flow kind -> style, in the order the legend lists them."""

DEFAULT_KIND = "data"

FONT = "Sans-Serif"
TEXT_COLOR = "#2D3436"
MUTED_COLOR = "#636E72"
CLUSTER_COLORS = ("#E5F5FD", "#EBF3E7", "#ECE8F6", "#FDF7E3")
"""Cluster backgrounds by nesting depth (the `diagrams` palette)."""

ICON_SIZE = 56
"""Side of a component icon, in points."""
GROUP_ICON_SIZE = 20
LABEL_WIDTH = 22
"""Characters per line of a component label before it wraps."""
EDGE_LABEL_WIDTH = 24
EDGE_FONT_SIZE = "11"


def style_of(kind: str) -> FlowStyle:
    """The style of a flow kind (the `data` style for a kind the table does not know)."""
    return FLOW_STYLES.get(kind) or FLOW_STYLES[DEFAULT_KIND]


@dataclass(frozen=True)
class MarkStyle:
    """How a diff picture marks an added, changed or removed element."""

    color: str
    label: str
    line: str
    """Border style of the element: solid, dashed or dotted."""


# A coloured border plus a word under the name, so the marks read in greyscale too; the
# colours are Okabe-Ito's bluish green and vermillion (darkened to read as text on white).
DIFF_MARKS: Mapping[str, MarkStyle] = MappingProxyType(
    {
        "added": MarkStyle(color="#007A5A", label="added", line="solid"),
        "changed": MarkStyle(color="#C24E00", label="changed", line="solid"),
        "removed": MarkStyle(color="#8A9399", label="removed", line="dashed"),
    }
)
"""Diff mark -> style, in the order the legend lists them."""
