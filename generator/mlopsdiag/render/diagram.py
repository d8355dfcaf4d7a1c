"""Draw one view with the `diagrams` library and return its DOT source.

The only module that imports `diagrams` or `graphviz`. `diagrams` keeps the diagram being
drawn in global state and runs Graphviz when its context closes; here it only builds the
graph (Graphviz runs once per view, for every format, in `output.py`), so one process
draws one view at a time.
"""

from __future__ import annotations

import dataclasses
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
from mlopsdiag.render.scene import (
    IconRef,
    Scene,
    SceneCluster,
    SceneEdge,
    SceneNode,
    StepMark,
    actor_icon,
    build_scene,
)
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
_TEXT_SIZE = 12
"""The usual size of a box's name; a scene may ask for larger (see `Scene.text_size`)."""
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


def _node_label(
    icon_name: str,
    name: str,
    tool_name: str,
    extra: tuple[str, ...] = (),
    table: str = "",
    small: int = 10,
) -> str:
    rows = [
        _img(icon_name, styles.ICON_SIZE, ICON_PORT),
        f'<TD CELLPADDING="2">{wrapped_html(name, styles.LABEL_WIDTH)}</TD>',
    ]
    if tool_name:
        rows.append(
            f'<TD><FONT POINT-SIZE="{small}" COLOR="{styles.MUTED_COLOR}">'
            f"{wrapped_html(tool_name, styles.LABEL_WIDTH, 2)}</FONT></TD>"
        )
    rows.extend(extra)
    body = "".join(f"<TR>{row}</TR>" for row in rows)
    table = table or 'BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0"'
    return f"<<TABLE {table}>{body}</TABLE>>"


_BADGE_SIZE = 20


def _badge(mark: StepMark) -> str:
    """A cell with a step's number as white text on a filled, rounded badge: real text, so
    it reads in PNG as well as SVG."""
    color = styles.MANUAL_COLOR if mark.manual else styles.STEP_COLOR
    width = _BADGE_SIZE + 7 * (len(str(mark.number)) - 1)
    # The fixed-size cell around the badge keeps Graphviz from stretching it to the row.
    return (
        f'<TD FIXEDSIZE="TRUE" WIDTH="{width}" HEIGHT="{_BADGE_SIZE}">'
        f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0" STYLE="rounded" '
        f'BGCOLOR="{color}"><TR><TD FIXEDSIZE="TRUE" WIDTH="{width}" HEIGHT="{_BADGE_SIZE}">'
        f'<FONT COLOR="#FFFFFF" POINT-SIZE="12"><B>{mark.number}</B></FONT></TD></TR></TABLE></TD>'
    )


def _deployed_cell(status: str, size: int) -> str:
    """A row under a box's name: how the component compared with what is deployed."""
    style = styles.DEPLOYED_MARKS[status]
    return f'<TD><FONT POINT-SIZE="{size}" COLOR="{style.color}"><B>{style.label}</B></FONT></TD>'


def _tooltip(text: str, node: SceneNode) -> str:
    if node.deployed in styles.DEPLOYED_MARKS:
        return f"{text} ({styles.DEPLOYED_MARKS[node.deployed].label})"
    return text


def _change_badge(change: str) -> str:
    style = styles.DIFF_MARKS[change]
    return f'<FONT POINT-SIZE="10" COLOR="{style.color}"><B>{style.label}</B></FONT>'


def _changed_node_label(icon_name: str, name: str, tool_name: str, mark: str) -> str:
    """A node of a diff picture: a border in the mark's colour and the mark's word under the
    name; a removed node (a ghost) has no icon and its name struck through."""
    style = styles.DIFF_MARKS[mark]
    if mark == "removed":
        top = (
            f'<TD FIXEDSIZE="TRUE" WIDTH="{styles.ICON_SIZE}" HEIGHT="{styles.ICON_SIZE // 2}" '
            f'PORT="{ICON_PORT}">{_change_badge(mark)}</TD>'
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
        rows.append(f"<TD>{_change_badge(mark)}</TD>")
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
    if cluster.change:
        cells.append(f"<TD>{_change_badge(cluster.change)}</TD>")
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
_NOTE_FONT_SIZE = 12
_NOTE_WIDTH = 80
"""Characters per line of the note under a title (what a bundled picture leaves out)."""


def _title_label(scene: Scene) -> str:
    """The view title, with a legend of the flow kinds the view uses below it."""
    cells = []
    # Every legend cell has a fixed size, so the legend's width is exact: cells, the spacing
    # around them and the padding of the outer cell (a cell too small makes Graphviz abort).
    width = _LEGEND_SPACING + 2 + 2
    height = 14 + 2 * _LEGEND_SPACING + 2 + 2
    entries = [(kind, styles.FLOW_STYLES[kind]) for kind in scene.kinds]
    entries += [(styles.LOOK_LEGEND[look], styles.LOOKS[look]) for look in scene.step_looks]
    for kind, style in entries:
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
    if scene.note:
        rows.append(
            f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{_NOTE_FONT_SIZE}" '
            f'COLOR="{styles.MUTED_COLOR}">{wrapped_html(scene.note, _NOTE_WIDTH, 4)}</FONT>'
            "</TD></TR>"
        )
    if cells:
        rows.append(
            f'<TR><TD ALIGN="LEFT" FIXEDSIZE="TRUE" WIDTH="{width}" HEIGHT="{height}">'
            f'<TABLE BORDER="0" CELLSPACING="{_LEGEND_SPACING}" CELLPADDING="0">'
            f"<TR>{''.join(cells)}</TR></TABLE></TD></TR>"
        )
    marks = _changes_used(scene)
    if marks:
        rows.append(_mark_legend(marks))
    body = "".join(rows)
    return f'<<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="1">{body}</TABLE>>'


def _changes_used(scene: Scene) -> tuple[str, ...]:
    used = {n.change for n in scene.nodes.values()} | {c.change for c in scene.clusters.values()}
    used |= {e.change for e in scene.edges}
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
        if node.change == "removed":  # a ghost: no icon, no link
            self.nodes[node_id] = Node(
                _changed_node_label("", component.name, node.tool_name, node.change),
                nodeid=node_id,
                shape="plain",
                height=None,
                id=f"node-{node_id}",
                tooltip=nohtml(attr_text(f"removed: {component.name}")),
            )
            return
        href = f"index.html#component-{node_id}" if node.href is None else node.href
        if node.look in _TEXT_LOOKS:
            cls: type[Any] = Node
            args: tuple[Path, ...] = ()
            label = _TEXT_LOOKS[node.look](self, node)
        else:
            cls, icon_name, file = self.icons.resolve(node.icon)
            args = (file,) if cls is Custom else ()
            extra = tuple(self.mark_row(m) for m in node.marks)
            if node.deployed in styles.DEPLOYED_MARKS:
                extra += (_deployed_cell(node.deployed, self.scene.text_size - 2),)
            table = _BOX_TABLES.get(node.look, "")
            small = self.scene.text_size - 2
            label = _node_label(icon_name, component.name, node.tool_name, extra, table, small)
            if node.change:
                label = _changed_node_label(icon_name, component.name, node.tool_name, node.change)
        self.nodes[node_id] = cls(
            label,
            *args,
            nodeid=node_id,
            shape="plain" if cls is Node else None,
            image=None,
            height=None,
            id=f"node-{node_id}",
            href=href or None,
            target="_top" if href else None,
            tooltip=nohtml(attr_text(_tooltip(component.description or component.name, node))),
        )

    def person(self, size: int = 16) -> str:
        """A person marker: the cell of the person icon, beside a manual step's number."""
        return _img(self.icons.resolve(actor_icon("person"))[1], size)

    def mark_cells(self, mark: StepMark) -> str:
        """A step's badge, its person marker when manual, and its actor's name."""
        cells = [_badge(mark)]
        if mark.manual:
            cells.append(self.person())
        if mark.actor:
            color = styles.MANUAL_COLOR if mark.manual else styles.MUTED_COLOR
            cells.append(
                f'<TD ALIGN="LEFT"><FONT COLOR="{color}"><I>'
                f"{wrapped_html(mark.actor, styles.LABEL_WIDTH, 2)}</I></FONT></TD>"
            )
        return "".join(cells)

    def mark_table(self, mark: StepMark) -> str:
        """A step's badge, marker and actor in one line."""
        return (
            '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" '
            f'CELLPADDING="0"><TR>{self.mark_cells(mark)}</TR></TABLE>'
        )

    def mark_row(self, mark: StepMark) -> str:
        """Rows under a box's name for a step that happens there: badge, actor, what."""
        text = wrapped_html(mark.do, styles.STEP_TEXT_WIDTH, 3)
        return (
            f'<TD CELLPADDING="1">{self.mark_table(mark)}</TD></TR>'
            f'<TR><TD CELLPADDING="1">{text}</TD>'
        )

    def step_label(self, marks: tuple[StepMark, ...]) -> str:
        """An arrow's label: each step's badge, marker and actor, then what it does."""
        rows = []
        for mark in marks:
            rows.append(f'<TR><TD ALIGN="LEFT">{self.mark_table(mark)}</TD></TR>')
            rows.append(
                f'<TR><TD ALIGN="LEFT">{wrapped_html(mark.do, styles.STEP_TEXT_WIDTH, 3)}</TD></TR>'
            )
        body = "".join(rows)
        return (
            '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1" '
            f'BGCOLOR="#FFFFFF">{body}</TABLE>>'
        )

    def step_box(self, node: SceneNode) -> str:
        """A lane's step: number, marker and place on top, what it does below."""
        rows = []
        for mark in node.marks:
            cells = [_badge(mark)]
            if mark.manual:
                cells.append(self.person())
            cells.append(
                f'<TD ALIGN="LEFT"><FONT POINT-SIZE="10" COLOR="{styles.MUTED_COLOR}">'
                f"{wrapped_html(node.tool_name, styles.STEP_TEXT_WIDTH, 2)}</FONT></TD>"
            )
            rows.append(
                '<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" '
                f'CELLPADDING="0"><TR>{"".join(cells)}</TR></TABLE></TD></TR>'
            )
            rows.append(
                f'<TR><TD ALIGN="LEFT">{wrapped_html(mark.do, styles.STEP_TEXT_WIDTH, 4)}</TD></TR>'
            )
        color = styles.MANUAL_COLOR if any(m.manual for m in node.marks) else styles.STEP_COLOR
        style = "rounded,dashed" if any(m.manual for m in node.marks) else "rounded"
        return (
            f'<<TABLE BORDER="1" COLOR="{color}" STYLE="{style}" CELLBORDER="0" CELLSPACING="0" '
            f'CELLPADDING="3" BGCOLOR="#FFFFFF">{"".join(rows)}</TABLE>>'
        )

    def anchor(self, node: SceneNode) -> str:
        """An unseen point that holds a lane open from the first step to the last."""
        return '<<TABLE BORDER="0" CELLPADDING="0"><TR><TD WIDTH="1" HEIGHT="1"></TD></TR></TABLE>>'

    def note_box(self, node: SceneNode) -> str:
        """The end of a "no" branch: what happens when a check says no."""
        text = wrapped_html(node.component.name, styles.STEP_TEXT_WIDTH, 3)
        return (
            f'<<TABLE BORDER="1" COLOR="{styles.NO_COLOR}" STYLE="rounded,dashed" '
            f'CELLBORDER="0" CELLPADDING="4" BGCOLOR="#FFFFFF"><TR><TD>'
            f'<FONT COLOR="{styles.NO_COLOR}">{text}</FONT></TD></TR></TABLE>>'
        )

    def cluster(self, group_id: str) -> None:
        cluster = self.scene.clusters[group_id]
        icon_name = self.icons.resolve(cluster.icon)[1] if cluster.icon is not None else ""
        tooltip = cluster.group.name + (f" ({cluster.tool_name})" if cluster.tool_name else "")
        label = _cluster_label(cluster, icon_name)
        if cluster.marks:
            marks = "".join(f"<TD>{self.mark_table(m)}</TD>" for m in cluster.marks)
            label = label.replace("</TR></TABLE>>", f"{marks}</TR></TABLE>>", 1)
        attrs = {
            "label": label,
            "id": f"cluster-{group_id}",
            "tooltip": nohtml(attr_text(tooltip)),
            "bgcolor": styles.CLUSTER_COLORS[cluster.depth % len(styles.CLUSTER_COLORS)],
            "margin": "12",
        }
        if cluster.change:
            mark = styles.DIFF_MARKS[cluster.change]
            attrs["pencolor"] = mark.color
            attrs["penwidth"] = "2"
            attrs["style"] = "rounded" if mark.line == "solid" else f"rounded,{mark.line}"
            if cluster.change == "removed":
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
        if edge.look == "order":
            # Unseen: it only keeps the boxes of a process in the order of its steps.
            tail = self.nodes[edge.tail]
            tail.connect(self.nodes[edge.head], Edge(tail, style="invis", arrowhead="none"))
            return
        # `diagrams` gives every Edge its own font settings; these take them back.
        look = styles.style_of(flow.kind) if edge.look == "flow" else styles.LOOKS[edge.look]
        attrs = {**EDGE_ATTRS, **look.edge_attrs()}
        if self.scene.text_size != _TEXT_SIZE:
            attrs["fontsize"] = str(self.scene.text_size - 1)
        text = flow.label if edge.text is None else edge.text
        if edge.marks:
            attrs["label"] = self.step_label(edge.marks)
            attrs["fontcolor"] = styles.TEXT_COLOR
        elif text:
            attrs["label"] = f"<{wrapped_html(text, styles.EDGE_LABEL_WIDTH, 3)}>"
        if edge.change:
            attrs.update(_changed_edge(edge.change, text or "", attrs))
        what = "; ".join(f"{m.number}. {m.do}" for m in edge.marks) or text or flow.kind
        tip = f"{edge.tail_name} → {edge.head_name}"
        if edge.look != "otherwise":
            tip += f": {what}"
        if edge.look in _KIND_LOOKS:
            tip += f" ({flow.kind})"
        attrs["tooltip"] = nohtml(attr_text(tip))
        attrs["labeltooltip"] = attrs["tooltip"]
        attrs["id"] = edge.edge_id or f"flow-{flow.index}"
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
        if sides is not None and not edge.backwards and edge.look in _PORTED_LOOKS:
            if tail_id in self.scene.nodes:
                attrs["tailport"] = f"{ICON_PORT}:{sides[0]}"
            if head_id in self.scene.nodes:
                attrs["headport"] = f"{ICON_PORT}:{sides[1]}"
        if edge.backwards:
            attrs["arrowtail"] = attrs.pop("arrowhead")
        tail = self.nodes[tail_id]
        line = Edge(tail, forward=not edge.backwards, reverse=edge.backwards, **attrs)
        tail.connect(self.nodes[head_id], line)


def _changed_edge(mark: str, label: str, attrs: Mapping[str, str]) -> dict[str, str]:
    """Edge attributes of a flow in a diff picture: the mark's word above its label; a removed
    flow is a grey dashed ghost, an added or changed one is drawn thicker."""
    style = styles.DIFF_MARKS[mark]
    text = wrapped_html(label, styles.EDGE_LABEL_WIDTH, 3) if label else ""
    if mark == "removed" and text:
        text = f"<S>{text}</S>"
    badge = _change_badge(mark) + ("<BR/>" + text if text else "")
    out = {"label": f"<{badge}>"}
    if mark == "removed":
        out.update(color=style.color, fontcolor=style.color, style="dashed")
    else:
        out["penwidth"] = f"{float(attrs.get('penwidth', '1.6')) + 1.4:g}"
    return out


_TEXT_LOOKS = {"step": _Builder.step_box, "note": _Builder.note_box, "anchor": _Builder.anchor}
"""Boxes drawn as text alone, without an icon."""
_BOX_TABLES = {
    # A collapsed group reads as a folded cluster: its colour, a rounded border.
    "group": (
        f'BORDER="1" COLOR="{styles.MUTED_COLOR}" STYLE="rounded" BGCOLOR="{styles.CLUSTER_COLORS[0]}" '
        'CELLBORDER="0" CELLSPACING="0" CELLPADDING="3"'
    ),
}
_KIND_LOOKS = frozenset({"flow", "step", "manual"})
"""Arrows whose tooltip names the kind of flow they move along."""
_PORTED_LOOKS = frozenset({"flow", "acts"})
"""Arrows pinned to the sides of icons left to right; step arrows carry wide labels and
find their own way."""


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
        node_attr={**NODE_ATTRS, "fontsize": str(scene.text_size)},
        edge_attr=EDGE_ATTRS,
    )
    builder = _Builder(scene)
    with drawing:
        builder.fill(None)
        for edge in scene.edges:
            builder.edge(edge)
    for row in scene.rows:
        # One rank; the chain's own arrows run along it, left to right.
        with drawing.dot.subgraph() as same:
            same.attr(rank="same")
            for node_id in row:
                same.node(node_id)
    drawing.dot.comment = (
        f"generated by mlopsdiag from {comment_text(scene.source_name)} — do not edit"
    )
    return DotGraph(
        name=scene.name,
        view_id=scene.view.id,
        source=str(drawing.dot.source),
        icons=dict(sorted(builder.icons.files.items())),
    )


def draw(arch: Architecture, view: View, deployed: Mapping[str, str] | None = None) -> DotGraph:
    """Draw one view of an architecture and return its DOT source and icons; `deployed`
    (component id -> matched, missing or mismatched) marks the boxes."""
    scene = build_scene(arch, view)
    if deployed:
        nodes = {
            node_id: dataclasses.replace(node, deployed=deployed.get(node_id, ""))
            if node.look == "component"
            else node
            for node_id, node in scene.nodes.items()
        }
        scene = dataclasses.replace(scene, nodes=nodes)
    return draw_scene(scene)
