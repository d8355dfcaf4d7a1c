"""Draw one view with the `diagrams` library and return its DOT source.

The only module that imports `diagrams` or `graphviz`. `diagrams` keeps the diagram being
drawn in global state and runs Graphviz when its context closes; here it only builds the
graph (Graphviz runs once per view, for every format, in `output.py`), so one process
draws one view at a time.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any

import diagrams
from diagrams import Cluster, Diagram, Edge, Node, setdiagram
from diagrams.custom import Custom
from graphviz import nohtml

from mlopsdiag.render import styles
from mlopsdiag.render.labels import attr_text, comment_text, html_text, wrapped_html
from mlopsdiag.render.scene import IconRef, Scene, SceneCluster, SceneEdge, build_scene
from mlopsdiag.spec.model import Architecture, View

_DIAGRAMS_ROOT = Path(diagrams.__file__).resolve().parent.parent
_RESOURCES = _DIAGRAMS_ROOT / "resources"

GRAPH_ATTRS = {
    # At most 80 inches a side (7680 px in PNG): a drawing of hundreds of components is
    # scaled down instead of becoming a gigabyte bitmap; typical ones are far smaller.
    "size": "80,80",
    "pad": "0.25",
    "splines": "spline",
    "compound": "true",
    "newrank": "true",
    "nodesep": "0.45",
    "ranksep": "0.9",
    "outputorder": "edgesfirst",
    "labelloc": "t",
    "labeljust": "l",
    "fontname": styles.FONT,
    "fontsize": "14",
    "fontcolor": styles.TEXT_COLOR,
}
# `diagrams` sizes every node as a fixed 1.4-inch box with the icon behind the label; these
# nodes are HTML tables (icon above the wrapped text), sized by Graphviz to their content.
NODE_ATTRS: dict[str, str | None] = {
    "shape": "plain",
    "style": None,
    "fixedsize": None,
    "width": None,
    "height": None,
    "labelloc": None,
    "imagescale": None,
    "fontname": styles.FONT,
    "fontsize": "12",
    "fontcolor": styles.TEXT_COLOR,
}
EDGE_ATTRS = {"fontname": styles.FONT, "fontsize": styles.EDGE_FONT_SIZE, "arrowsize": "0.8"}


@dataclass(frozen=True)
class DotGraph:
    """A view drawn as DOT. Icons appear in it by portable name (`icons` maps them to files)."""

    name: str
    view_id: str
    source: str
    icons: Mapping[str, Path]


class _Drawing(Diagram):  # type: ignore[misc]
    """A `diagrams` Diagram that only builds the graph: it renders nothing on exit."""

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        setdiagram(None)


@cache
def _diagrams_class(path: str) -> tuple[type[Any], Path]:
    """A `diagrams` node class from its dotted path, and its icon file."""
    module_name, _, class_name = path.rpartition(".")
    cls: type[Any] = getattr(importlib.import_module(module_name), class_name)
    return cls, _DIAGRAMS_ROOT / str(cls._icon_dir) / str(cls._icon)


class _Icons:
    """The icons a drawing uses: portable name -> file."""

    def __init__(self) -> None:
        self.files: dict[str, Path] = {}

    def resolve(self, icon: IconRef) -> tuple[type[Any], str, Path]:
        """The node class to draw with, the icon's portable name and its file."""
        if icon.diagrams_class:
            cls, file = _diagrams_class(icon.diagrams_class)
            name = "diagrams/" + file.relative_to(_RESOURCES).as_posix()
        else:
            assert icon.file is not None
            cls, file, name = Custom, icon.file, icon.name
        self.files[name] = file
        return cls, name, file


ICON_PORT = "icon"
"""Arrows attach to the icon's cell, not to the box around the icon and its (wider) text."""
# Left to right, arrows leave an icon's downstream side and enter its upstream side (else
# Graphviz may start one at the icon's top or bottom). Top to bottom they use the whole
# node: the icon's top, the text's bottom, so no arrow runs through the name.
_SIDES = {"LR": ("e", "w"), "RL": ("w", "e")}


def _img(name: str, size: int, port: str = "") -> str:
    port_attr = f' PORT="{port}"' if port else ""
    return (
        f'<TD FIXEDSIZE="TRUE" WIDTH="{size}" HEIGHT="{size}"{port_attr}>'
        f'<IMG SRC="{html_text(name)}" SCALE="TRUE"/></TD>'
    )


def _node_label(icon_name: str, name: str, tool_name: str) -> str:
    rows = [
        _img(icon_name, styles.ICON_SIZE, ICON_PORT),
        f'<TD CELLPADDING="2">{wrapped_html(name, styles.LABEL_WIDTH)}</TD>',
    ]
    if tool_name:
        rows.append(
            f'<TD><FONT POINT-SIZE="10" COLOR="{styles.MUTED_COLOR}">'
            f"{wrapped_html(tool_name, styles.LABEL_WIDTH, 2)}</FONT></TD>"
        )
    body = "".join(f"<TR>{row}</TR>" for row in rows)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{body}</TABLE>>'


def _badge(mark: str) -> str:
    style = styles.DIFF_MARKS[mark]
    return f'<FONT POINT-SIZE="10" COLOR="{style.color}"><B>{style.label}</B></FONT>'


def _marked_node_label(icon_name: str, name: str, tool_name: str, mark: str) -> str:
    """A node of a diff picture: a border in the mark's colour and the mark's word under the
    name; a removed node (a ghost) has no icon and its name struck through."""
    style = styles.DIFF_MARKS[mark]
    if mark == "removed":
        top = (
            f'<TD FIXEDSIZE="TRUE" WIDTH="{styles.ICON_SIZE}" HEIGHT="{styles.ICON_SIZE // 2}" '
            f'PORT="{ICON_PORT}">{_badge(mark)}</TD>'
        )
        text = (
            f'<TD CELLPADDING="2"><FONT COLOR="{style.color}"><S>'
            f"{wrapped_html(name, styles.LABEL_WIDTH)}</S></FONT></TD>"
        )
        rows = [top, text]
    else:
        rows = [
            _img(icon_name, styles.ICON_SIZE, ICON_PORT),
            f'<TD CELLPADDING="2">{wrapped_html(name, styles.LABEL_WIDTH)}</TD>',
        ]
        if tool_name:
            rows.append(
                f'<TD><FONT POINT-SIZE="10" COLOR="{styles.MUTED_COLOR}">'
                f"{wrapped_html(tool_name, styles.LABEL_WIDTH, 2)}</FONT></TD>"
            )
        rows.append(f"<TD>{_badge(mark)}</TD>")
    body = "".join(f"<TR>{row}</TR>" for row in rows)
    line = "" if style.line == "solid" else f' STYLE="{style.line}"'
    return (
        f'<<TABLE BORDER="2" COLOR="{style.color}"{line} CELLBORDER="0" CELLSPACING="0" '
        f'CELLPADDING="3">{body}</TABLE>>'
    )


def _cluster_label(cluster: SceneCluster, icon_name: str) -> str:
    cells = [_img(icon_name, styles.GROUP_ICON_SIZE)] if icon_name else []
    cells.append(f"<TD><B>{html_text(cluster.group.name)}</B></TD>")
    if cluster.tool_name:
        cells.append(
            f'<TD><FONT POINT-SIZE="10" COLOR="{styles.MUTED_COLOR}">'
            f"{html_text(cluster.tool_name)}</FONT></TD>"
        )
    if cluster.mark:
        cells.append(f"<TD>{_badge(cluster.mark)}</TD>")
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
        f"<TR>{''.join(cells)}</TR></TABLE>>"
    )


_CELL_STYLES = {"dashed": "dashed", "dotted": "dotted"}
_SWATCH_WIDTH = 26
_LEGEND_SPACING = 3
_LEGEND_FONT_SIZE = 10
# Graphviz stretches a nested table to the width of its cell (here: the title's width),
# which scatters the legend; a fixed-size cell keeps it together. Its width is estimated
# generously from the text (0.65 em per character), so any sans-serif font fits.
_CHAR_WIDTH = 0.65 * _LEGEND_FONT_SIZE


def _title_label(scene: Scene) -> str:
    """The view title, with a legend of the flow kinds the view uses below it."""
    cells = []
    # Every legend cell has a fixed size, so the legend's width is exact: cells, the spacing
    # around them and the padding of the outer cell (a cell too small makes Graphviz abort).
    width = _LEGEND_SPACING + 2 + 2
    height = 14 + 2 * _LEGEND_SPACING + 2 + 2
    for kind in scene.kinds:
        style = styles.FLOW_STYLES[kind]
        line_style = _CELL_STYLES.get(style.style, "solid")
        text_width = math.ceil(len(kind) * _CHAR_WIDTH) + 8
        width += _SWATCH_WIDTH + text_width + 2 * _LEGEND_SPACING
        cells.append(
            f'<TD FIXEDSIZE="TRUE" WIDTH="{_SWATCH_WIDTH}" HEIGHT="9" SIDES="B" '
            f'BORDER="{max(1, round(style.penwidth))}" COLOR="{style.color}" STYLE="{line_style}">'
            f'</TD><TD FIXEDSIZE="TRUE" WIDTH="{text_width}" HEIGHT="14" ALIGN="LEFT">'
            f'<FONT POINT-SIZE="{_LEGEND_FONT_SIZE}" COLOR="{style.color}">{kind}</FONT></TD>'
        )
    rows = [
        '<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="16"><B>'
        f"{html_text(scene.view.title)}</B></FONT></TD></TR>"
    ]
    if cells:
        rows.append(
            f'<TR><TD ALIGN="LEFT" FIXEDSIZE="TRUE" WIDTH="{width}" HEIGHT="{height}">'
            f'<TABLE BORDER="0" CELLSPACING="{_LEGEND_SPACING}" CELLPADDING="0">'
            f"<TR>{''.join(cells)}</TR></TABLE></TD></TR>"
        )
    marks = _marks_used(scene)
    if marks:
        rows.append(_mark_legend(marks))
    body = "".join(rows)
    return f'<<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="1">{body}</TABLE>>'


def _marks_used(scene: Scene) -> tuple[str, ...]:
    used = {n.mark for n in scene.nodes.values()} | {c.mark for c in scene.clusters.values()}
    used |= {e.mark for e in scene.edges}
    return tuple(m for m in styles.DIFF_MARKS if m in used)


def _mark_legend(marks: tuple[str, ...]) -> str:
    """A legend row of the diff marks: a box drawn as the marked elements are, and its word."""
    cells = []
    width = _LEGEND_SPACING + 2 + 2
    height = 16 + 2 * _LEGEND_SPACING + 2 + 2
    for mark in marks:
        style = styles.DIFF_MARKS[mark]
        line = "" if style.line == "solid" else f' STYLE="{style.line}"'
        text_width = math.ceil(len(style.label) * _CHAR_WIDTH) + 8
        width += _SWATCH_WIDTH + text_width + 2 * _LEGEND_SPACING
        cells.append(
            f'<TD FIXEDSIZE="TRUE" WIDTH="{_SWATCH_WIDTH}" HEIGHT="16" BORDER="2" '
            f'COLOR="{style.color}"{line}></TD>'
            f'<TD FIXEDSIZE="TRUE" WIDTH="{text_width}" HEIGHT="16" ALIGN="LEFT">'
            f'<FONT POINT-SIZE="{_LEGEND_FONT_SIZE}" COLOR="{style.color}">{style.label}</FONT></TD>'
        )
    return (
        f'<TR><TD ALIGN="LEFT" FIXEDSIZE="TRUE" WIDTH="{width}" HEIGHT="{height}">'
        f'<TABLE BORDER="0" CELLSPACING="{_LEGEND_SPACING}" CELLPADDING="0">'
        f"<TR>{''.join(cells)}</TR></TABLE></TD></TR>"
    )


def _ordered(scene: Scene, group_id: str | None) -> Iterator[tuple[str, str]]:
    """What a container holds, as ("node" | "cluster", id), in order of first appearance."""
    direct = set(scene.clusters[group_id].nodes) if group_id else set(scene.roots)
    children = scene.children(group_id)
    seen: set[str] = set()
    for node_id in scene.nodes:
        if node_id in direct:
            yield "node", node_id
            continue
        for child in children:
            if child not in seen and scene.inside(node_id, child):
                seen.add(child)
                yield "cluster", child
    for child in children:
        if child not in seen:
            yield "cluster", child


class _Builder:
    """Walks a scene inside the `diagrams` contexts, keeping the Node objects by id."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.icons = _Icons()
        self.nodes: dict[str, Any] = {}

    def fill(self, group_id: str | None) -> None:
        for what, item in _ordered(self.scene, group_id):
            if what == "node":
                self.node(item)
            else:
                self.cluster(item)

    def node(self, node_id: str) -> None:
        node = self.scene.nodes[node_id]
        component = node.component
        if node.mark == "removed":  # a ghost: no icon, no link
            self.nodes[node_id] = Node(
                _marked_node_label("", component.name, node.tool_name, node.mark),
                nodeid=node_id,
                shape=None,
                height=None,
                id=f"node-{node_id}",
                tooltip=nohtml(attr_text(f"removed: {component.name}")),
            )
            return
        cls, icon_name, file = self.icons.resolve(node.icon)
        args = (file,) if cls is Custom else ()
        label = (
            _marked_node_label(icon_name, component.name, node.tool_name, node.mark)
            if node.mark
            else _node_label(icon_name, component.name, node.tool_name)
        )
        self.nodes[node_id] = cls(
            label,
            *args,
            nodeid=node_id,
            shape=None,
            image=None,
            height=None,
            id=f"node-{node_id}",
            href=f"index.html#component-{node_id}",
            target="_top",
            tooltip=nohtml(attr_text(component.description or component.name)),
        )

    def cluster(self, group_id: str) -> None:
        cluster = self.scene.clusters[group_id]
        icon_name = self.icons.resolve(cluster.icon)[1] if cluster.icon is not None else ""
        tooltip = cluster.group.name + (f" ({cluster.tool_name})" if cluster.tool_name else "")
        attrs = {
            "label": _cluster_label(cluster, icon_name),
            "id": f"cluster-{group_id}",
            "tooltip": nohtml(attr_text(tooltip)),
            "bgcolor": styles.CLUSTER_COLORS[cluster.depth % len(styles.CLUSTER_COLORS)],
            "margin": "12",
        }
        if cluster.mark:
            mark = styles.DIFF_MARKS[cluster.mark]
            attrs["pencolor"] = mark.color
            attrs["penwidth"] = "2"
            attrs["style"] = "rounded" if mark.line == "solid" else f"rounded,{mark.line}"
            if cluster.mark == "removed":
                attrs["bgcolor"] = "#FFFFFF"
        with Cluster(group_id, direction=self.scene.direction, graph_attr=attrs):
            self.fill(group_id)
            if cluster.placeholder is not None:
                self.nodes[cluster.placeholder] = Node(
                    '<<FONT POINT-SIZE="10" COLOR="#636E72"><I>no components</I></FONT>>',
                    nodeid=cluster.placeholder,
                    shape="plaintext",
                )

    def edge(self, edge: SceneEdge) -> None:
        flow = edge.flow
        # `diagrams` gives every Edge its own font settings; these take them back.
        attrs = {**EDGE_ATTRS, **styles.style_of(flow.kind).edge_attrs()}
        if flow.label:
            attrs["label"] = f"<{wrapped_html(flow.label, styles.EDGE_LABEL_WIDTH, 3)}>"
        if edge.mark:
            attrs.update(_marked_edge(edge.mark, flow.label, attrs))
        tip = f"{edge.tail_name} → {edge.head_name}: {flow.label or flow.kind} ({flow.kind})"
        attrs["tooltip"] = nohtml(attr_text(tip))
        attrs["labeltooltip"] = attrs["tooltip"]
        attrs["id"] = f"flow-{flow.index}"
        tail_id, head_id = (edge.head, edge.tail) if edge.backwards else (edge.tail, edge.head)
        tail_clip, head_clip = (
            (edge.lhead, edge.ltail) if edge.backwards else (edge.ltail, edge.lhead)
        )
        if tail_clip:
            attrs["ltail"] = f"cluster_{tail_clip}"
        if head_clip:
            attrs["lhead"] = f"cluster_{head_clip}"
        # A loop's way back is left free: pinned to both icons it would wind around them.
        sides = _SIDES.get(self.scene.direction)
        if sides is not None and not edge.backwards:
            if tail_id in self.scene.nodes:
                attrs["tailport"] = f"{ICON_PORT}:{sides[0]}"
            if head_id in self.scene.nodes:
                attrs["headport"] = f"{ICON_PORT}:{sides[1]}"
        if edge.backwards:
            attrs["arrowtail"] = attrs.pop("arrowhead")
        tail = self.nodes[tail_id]
        line = Edge(tail, forward=not edge.backwards, reverse=edge.backwards, **attrs)
        tail.connect(self.nodes[head_id], line)


def _marked_edge(mark: str, label: str, attrs: Mapping[str, str]) -> dict[str, str]:
    """Edge attributes of a flow in a diff picture: the mark's word above its label; a removed
    flow is a grey dashed ghost, an added or changed one is drawn thicker."""
    style = styles.DIFF_MARKS[mark]
    text = wrapped_html(label, styles.EDGE_LABEL_WIDTH, 3) if label else ""
    if mark == "removed" and text:
        text = f"<S>{text}</S>"
    badge = _badge(mark) + ("<BR/>" + text if text else "")
    out = {"label": f"<{badge}>"}
    if mark == "removed":
        out.update(color=style.color, fontcolor=style.color, style="dashed")
    else:
        out["penwidth"] = f"{float(attrs.get('penwidth', '1.6')) + 1.4:g}"
    return out


def draw_scene(scene: Scene) -> DotGraph:
    """The DOT source of a scene, drawn with `diagrams`."""
    graph_attrs: dict[str, str] = {**GRAPH_ATTRS, "label": _title_label(scene)}
    drawing = _Drawing(
        name=f"{scene.name}.{scene.view.id}",
        filename=scene.view.id,
        direction=scene.direction,
        outformat="dot",
        show=False,
        graph_attr=graph_attrs,
        node_attr=NODE_ATTRS,
        edge_attr=EDGE_ATTRS,
    )
    builder = _Builder(scene)
    with drawing:
        builder.fill(None)
        for edge in scene.edges:
            builder.edge(edge)
    drawing.dot.comment = (
        f"generated by mlopsdiag from {comment_text(scene.source_name)} — do not edit"
    )
    return DotGraph(
        name=scene.name,
        view_id=scene.view.id,
        source=str(drawing.dot.source),
        icons=dict(sorted(builder.icons.files.items())),
    )


def draw(arch: Architecture, view: View) -> DotGraph:
    """Draw one view of an architecture and return its DOT source and icons."""
    return draw_scene(build_scene(arch, view))
