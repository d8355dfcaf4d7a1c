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
        "metrics": FlowStyle(color="#9A5C00", style="dashed"),
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
NARROW_LABEL_WIDTH = 14
"""The same, in a picture laid out narrower to fit the width it is drawn for."""
EDGE_LABEL_WIDTH = 24
NARROW_EDGE_LABEL_WIDTH = 16
TIGHT_LABEL_WIDTH = 12
"""Characters per line of names and arrow labels in the narrowest layout a view is tried in."""
VIEW_TEXT_SIZE = 13
"""Point size of a box's name in a view; its arrows' labels are a point smaller, the
smallest texts (tool names, legend) two: what reads when the picture is scaled to the page."""
SMALLEST_TEXT_SIZE = 10
"""No text of a picture is drawn smaller than this (points)."""
SITE_WIDTH = 768
"""Pixels wide a picture is drawn for, unless told otherwise: the content column of the
site's pages in a 800 px browser window (`render.width` in mlopsdiag-config.yaml and
`render --width` change it, for a wider page, a slide or a pull-request comment)."""
EDGE_FONT_SIZE = "11"
STEP_TEXT_WIDTH = 26
"""Characters per line of a step's text on an arrow or in a lane."""


def style_of(kind: str) -> FlowStyle:
    """The style of a flow kind (the `data` style for a kind the table does not know)."""
    return FLOW_STYLES.get(kind) or FLOW_STYLES[DEFAULT_KIND]


# The arrows and badges of the context, process and lane pictures. A step done by hand
# has its own colour and a dashed line (and a person marker by its number), so it stands
# out from the automated ones in colour and in greyscale.
STEP_COLOR = "#1F4E79"
MANUAL_COLOR = "#B5541B"
NO_COLOR = "#B00020"
LOOKS: Mapping[str, FlowStyle] = MappingProxyType(
    {
        "step": FlowStyle(color=STEP_COLOR, penwidth=2.2),
        "manual": FlowStyle(color=MANUAL_COLOR, style="dashed", penwidth=2.4),
        "otherwise": FlowStyle(color=NO_COLOR, style="dashed", penwidth=1.4, arrowhead="vee"),
        "acts": FlowStyle(color="#6E6E6E", style="dashed", penwidth=1.2, arrowhead="vee"),
        "next": FlowStyle(color=STEP_COLOR, penwidth=1.6),
        "handoff": FlowStyle(color="#6A3D9A", penwidth=2.8),
    }
)
"""Edge look -> style, for every look but `flow` (styled by its kind) and `order` (unseen)."""
LOOK_LEGEND: Mapping[str, str] = MappingProxyType(
    {
        "step": "automated step",
        "manual": "manual step",
        "otherwise": "no",
        "handoff": "hand-off",
        "acts": "acts on",
    }
)
"""What the legend calls each look."""
STEP_FONT_SIZE = "13"
"""Text of the process and lane pictures: a size that still reads at a page's width."""


@dataclass(frozen=True)
class MarkStyle:
    """How a diff picture marks an added, changed or removed element."""

    color: str
    label: str
    line: str
    """Border style of the element: solid, dashed or dotted."""


# A coloured border plus a word under the name, so the marks read in greyscale too; the
# colours are Okabe-Ito's bluish green and vermillion (darkened to read as text on white),
# and a grey that still reads as text (4.5:1 on white).
DIFF_MARKS: Mapping[str, MarkStyle] = MappingProxyType(
    {
        "added": MarkStyle(color="#007A5A", label="added", line="solid"),
        "changed": MarkStyle(color="#C24E00", label="changed", line="solid"),
        "removed": MarkStyle(color="#6B7479", label="removed", line="dashed"),
    }
)
"""Diff mark -> style, in the order the legend lists them."""

DEPLOYED_MARKS: Mapping[str, MarkStyle] = MappingProxyType(
    {
        "matched": MarkStyle(color="#007A5A", label="deployed", line="solid"),
        "missing": MarkStyle(color="#C62828", label="not deployed", line="solid"),
        "mismatched": MarkStyle(color="#C24E00", label="deployed differently", line="solid"),
    }
)
"""How a view marks a component compared with the manifests (`drift.manifests`)."""
