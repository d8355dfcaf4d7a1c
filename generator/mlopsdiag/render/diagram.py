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
from mlopsdiag.render.scene import (
    IconRef,
    Scene,
    SceneCluster,
    SceneEdge,
    SceneNode,
    StepMark,
    actor_icon,
    build_scene,
    mark_deployed,
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


def small_size(scene: Scene) -> int:
    """Point size of a picture's smallest texts (tool names, legend, marks): two points
    under its names, never under `styles.SMALLEST_TEXT_SIZE`."""
    return max(styles.SMALLEST_TEXT_SIZE, scene.text_size - 2)


def _node_label(
    icon_name: str,
    name: str,
    tool_name: str,
    extra: tuple[str, ...] = (),
    table: str = "",
    small: int = styles.SMALLEST_TEXT_SIZE,
    width: int = styles.LABEL_WIDTH,
) -> str:
    rows = [
        _img(icon_name, styles.ICON_SIZE, ICON_PORT),
        f'<TD CELLPADDING="2">{wrapped_html(name, width)}</TD>',
    ]
    if tool_name:
        rows.append(
            f'<TD><FONT POINT-SIZE="{small}" COLOR="{styles.MUTED_COLOR}">'
            f"{wrapped_html(tool_name, width, 2)}</FONT></TD>"
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


def _deployed_members_cell(counts: tuple[tuple[str, int], ...], size: int) -> str:
    """Rows under a collapsed group's name: how many of its bound members compared how."""
    return "</TR><TR>".join(
        f'<TD><FONT POINT-SIZE="{size}" COLOR="{styles.DEPLOYED_MARKS[m].color}">'
        f"<B>{n} {styles.DEPLOYED_MARKS[m].label}</B></FONT></TD>"
        for m, n in counts
    )


def _tooltip(text: str, node: SceneNode) -> str:
    if node.deployed in styles.DEPLOYED_MARKS:
        return f"{text} ({styles.DEPLOYED_MARKS[node.deployed].label})"
    if node.deployed_members:
        counts = ", ".join(
            f"{n} {styles.DEPLOYED_MARKS[m].label}" for m, n in node.deployed_members
        )
        return f"{text} ({counts})"
    return text


def _change_badge(change: str, size: int = styles.SMALLEST_TEXT_SIZE) -> str:
    style = styles.DIFF_MARKS[change]
    return f'<FONT POINT-SIZE="{size}" COLOR="{style.color}"><B>{style.label}</B></FONT>'


def _changed_node_label(
    icon_name: str,
    name: str,
    tool_name: str,
    mark: str,
    small: int = styles.SMALLEST_TEXT_SIZE,
    width: int = styles.LABEL_WIDTH,
) -> str:
    """A node of a diff picture: a border in the mark's colour and the mark's word under the
    name; a removed node (a ghost) has no icon and its name struck through."""
    style = styles.DIFF_MARKS[mark]
    if mark == "removed":
        top = (
            f'<TD FIXEDSIZE="TRUE" WIDTH="{styles.ICON_SIZE}" HEIGHT="{styles.ICON_SIZE // 2}" '
            f'PORT="{ICON_PORT}">{_change_badge(mark, small)}</TD>'
        )
        text = (
            f'<TD CELLPADDING="2"><FONT COLOR="{style.color}"><S>'
            f"{wrapped_html(name, width)}</S></FONT></TD>"
        )
        rows = [top, text]
    else:
        rows = [
            _img(icon_name, styles.ICON_SIZE, ICON_PORT),
            f'<TD CELLPADDING="2">{wrapped_html(name, width)}</TD>',
        ]
        if tool_name:
            rows.append(
                f'<TD><FONT POINT-SIZE="{small}" COLOR="{styles.MUTED_COLOR}">'
                f"{wrapped_html(tool_name, width, 2)}</FONT></TD>"
            )
        rows.append(f"<TD>{_change_badge(mark, small)}</TD>")
    body = "".join(f"<TR>{row}</TR>" for row in rows)
    line = "" if style.line == "solid" else f' STYLE="{style.line}"'
    return (
        f'<<TABLE BORDER="2" COLOR="{style.color}"{line} CELLBORDER="0" CELLSPACING="0" '
        f'CELLPADDING="3">{body}</TABLE>>'
    )


def _cluster_label(
    cluster: SceneCluster, icon_name: str, small: int = styles.SMALLEST_TEXT_SIZE
) -> str:
    if cluster.look == "lane":
        return _lane_label(cluster, icon_name)
    cells = [_img(icon_name, styles.GROUP_ICON_SIZE)] if icon_name else []
    cells.append(f"<TD><B>{html_text(cluster.group.name)}</B></TD>")
    if cluster.tool_name:
        cells.append(
            f'<TD><FONT POINT-SIZE="{small}" COLOR="{styles.MUTED_COLOR}">'
            f"{html_text(cluster.tool_name)}</FONT></TD>"
        )
    if cluster.change:
        cells.append(f"<TD>{_change_badge(cluster.change, small)}</TD>")
    if cluster.deployed in styles.DEPLOYED_MARKS:
        cells.append(_deployed_cell(cluster.deployed, small))
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
        f"<TR>{''.join(cells)}</TR></TABLE>>"
    )


def _lane_label(cluster: SceneCluster, icon_name: str) -> str:
    """A lane's title: the actor's icon and name, its kind under the name (a lane is no
    wider than its steps need)."""
    icon = _img(icon_name, styles.GROUP_ICON_SIZE) if icon_name else ""
    name = _wrap(cluster.group.name, _LANE_TITLE_WIDTH)
    kind = (
        f'<BR/><FONT POINT-SIZE="10" COLOR="{styles.MUTED_COLOR}">'
        f"{_wrap(cluster.tool_name, _LANE_TITLE_WIDTH)}</FONT>"
        if cluster.tool_name
        else ""
    )
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2"><TR>'
        f'{icon}<TD ALIGN="LEFT" BALIGN="LEFT"><B>{name}</B>{kind}</TD></TR></TABLE>>'
    )


_LANE_TITLE_WIDTH = 20


def _wrap(text: str, width: int) -> str:
    """All of a process picture's text, wrapped between words: a word longer than a line
    widens the line instead of being split."""
    longest = max((len(word) for word in text.split()), default=0)
    return wrapped_html(text, max(width, longest), _ALL_LINES)


_CELL_STYLES = {"dashed": "dashed", "dotted": "dotted"}
_SWATCH_WIDTH = 26
_LEGEND_SPACING = 3
# Graphviz stretches a nested table to the width of its cell (here: the title's width),
# which scatters the legend; a fixed-size cell keeps it together. Its width is estimated
# generously from the text (0.65 em per character), so any sans-serif font fits.
_CHAR_EM = 0.65
_NOTE_FONT_SIZE = 12
_NOTE_WIDTH = 80
"""Characters per line of the note under a title (what a bundled picture leaves out)."""


def _title_label(scene: Scene) -> str:
    """The view title, with a legend of the flow kinds the view uses below it."""
    cells = []
    size = small_size(scene)
    char_width = _CHAR_EM * size
    line = size + 4
    # Every legend cell has a fixed size, so the legend's width is exact: cells, the spacing
    # around them and the padding of the outer cell (a cell too small makes Graphviz abort).
    width = _LEGEND_SPACING + 2 + 2
    height = line + 2 * _LEGEND_SPACING + 2 + 2
    entries = [(kind, styles.FLOW_STYLES[kind]) for kind in scene.kinds]
    entries += [(styles.LOOK_LEGEND[look], styles.LOOKS[look]) for look in scene.step_looks]
    for kind, style in entries:
        line_style = _CELL_STYLES.get(style.style, "solid")
        text_width = math.ceil(len(kind) * char_width) + 8
        width += _SWATCH_WIDTH + text_width + 2 * _LEGEND_SPACING
        cells.append(
            f'<TD FIXEDSIZE="TRUE" WIDTH="{_SWATCH_WIDTH}" HEIGHT="9" SIDES="B" '
            f'BORDER="{max(1, round(style.penwidth))}" COLOR="{style.color}" STYLE="{line_style}">'
            f'</TD><TD FIXEDSIZE="TRUE" WIDTH="{text_width}" HEIGHT="{line}" ALIGN="LEFT">'
            f'<FONT POINT-SIZE="{size}" COLOR="{style.color}">{kind}</FONT></TD>'
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
        rows.append(_mark_legend(marks, size))
    deployed = _deployed_used(scene)
    if deployed:
        rows.append(_deployed_legend(deployed, size))
    body = "".join(rows)
    return f'<<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="1">{body}</TABLE>>'


def _changes_used(scene: Scene) -> tuple[str, ...]:
    used = {n.change for n in scene.nodes.values()} | {c.change for c in scene.clusters.values()}
    used |= {e.change for e in scene.edges}
    return tuple(m for m in styles.DIFF_MARKS if m in used)


def _deployed_used(scene: Scene) -> tuple[str, ...]:
    used = {n.deployed for n in scene.nodes.values()}
    used |= {m for n in scene.nodes.values() for m, _ in n.deployed_members}
    used |= {c.deployed for c in scene.clusters.values()}
    return tuple(m for m in styles.DEPLOYED_MARKS if m in used)


def _deployed_legend(marks: tuple[str, ...], size: int) -> str:
    """A legend row saying what the deployment marks under the names mean, each word in
    the colour it has on the boxes (the date of the check is on the architecture page)."""
    words = " · ".join(
        f'<FONT COLOR="{styles.DEPLOYED_MARKS[m].color}"><B>{styles.DEPLOYED_MARKS[m].label}</B></FONT>'
        for m in marks
    )
    return (
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="{size}" COLOR="{styles.MUTED_COLOR}">'
        f"compared with the manifests in mlopsdiag-config.yaml: {words}</FONT></TD></TR>"
    )


def _mark_legend(marks: tuple[str, ...], size: int) -> str:
    """A legend row of the diff marks: a box drawn as the marked elements are, and its word."""
    cells = []
    line = max(16, size + 4)
    width = _LEGEND_SPACING + 2 + 2
    height = line + 2 * _LEGEND_SPACING + 2 + 2
    for mark in marks:
        style = styles.DIFF_MARKS[mark]
        dash = "" if style.line == "solid" else f' STYLE="{style.line}"'
        text_width = math.ceil(len(style.label) * _CHAR_EM * size) + 8
        width += _SWATCH_WIDTH + text_width + 2 * _LEGEND_SPACING
        cells.append(
            f'<TD FIXEDSIZE="TRUE" WIDTH="{_SWATCH_WIDTH}" HEIGHT="{line}" BORDER="2" '
            f'COLOR="{style.color}"{dash}></TD>'
            f'<TD FIXEDSIZE="TRUE" WIDTH="{text_width}" HEIGHT="{line}" ALIGN="LEFT">'
            f'<FONT POINT-SIZE="{size}" COLOR="{style.color}">{style.label}</FONT></TD>'
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
                _changed_node_label(
                    "",
                    component.name,
                    node.tool_name,
                    node.change,
                    small_size(self.scene),
                    self.scene.label_width,
                ),
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
            table = _BOX_TABLES.get(node.look, "")
            small = small_size(self.scene)
            if node.deployed in styles.DEPLOYED_MARKS:
                extra += (_deployed_cell(node.deployed, small),)
            elif node.deployed_members:
                extra += (_deployed_members_cell(node.deployed_members, small),)
            width = self.scene.label_width
            label = _node_label(
                icon_name, component.name, node.tool_name, extra, table, small, width
            )
            if node.change:
                label = _changed_node_label(
                    icon_name, component.name, node.tool_name, node.change, small, width
                )
        shape: dict[str, str | None] = {"shape": "plain" if cls is Node else None}
        shape.update(_SHAPES.get(node.look, {}))
        if node.look == "question" and any(m.manual for m in node.marks):
            shape.update(color=styles.MANUAL_COLOR, style="filled,dashed")  # asked by hand
        if node.classes:
            shape["class"] = node.classes
        self.nodes[node_id] = cls(
            label,
            *args,
            nodeid=node_id,
            image=None,
            height=None,
            id=f"node-{node_id}",
            href=href or None,
            target="_top" if href else None,
            tooltip=nohtml(attr_text(_tooltip(component.description or component.name, node))),
            **shape,
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
        """A process step: number, marker, actor and place on top, what it does below, all of
        it (never cut). A question has no border of its own: its diamond is the border."""
        rows = []
        question = node.look == "question"
        width = _QUESTION_TEXT_WIDTH if question else _STEP_TEXT_WIDTH
        for mark in node.marks:
            cells = [_badge(mark)]
            if mark.manual:
                cells.append(self.person())
            head = [f"<I>{_wrap(mark.actor, width)}</I>"] if mark.actor else []
            if node.tool_name:
                head.append(_wrap(node.tool_name, width))
            cells.append(
                f'<TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="10" COLOR="{styles.MUTED_COLOR}">'
                f"{'<BR/>'.join(head)}</FONT></TD>"
            )
            rows.append(
                f'<TR><TD ALIGN="{"CENTER" if question else "LEFT"}"><TABLE BORDER="0" '
                f'CELLBORDER="0" CELLSPACING="3" CELLPADDING="0"><TR>{"".join(cells)}</TR>'
                "</TABLE></TD></TR>"
            )
            align = 'ALIGN="CENTER"' if question else 'ALIGN="LEFT" BALIGN="LEFT"'
            rows.append(f"<TR><TD {align}>{_wrap(mark.do, width)}</TD></TR>")
        for title, href in node.exits:
            link = (
                f' HREF="{html_text(href)}" TARGET="_top" TITLE="{html_text(title)}"'
                if href
                else ""
            )
            rows.append(
                f'<TR><TD ALIGN="{"CENTER" if question else "LEFT"}" BALIGN="LEFT"{link}>'
                f'<FONT POINT-SIZE="11" COLOR="{styles.NO_COLOR}">if it fails: <U>'
                f"{_wrap(title, width)}</U></FONT></TD></TR>"
            )
        manual = any(m.manual for m in node.marks)
        color = styles.MANUAL_COLOR if manual else styles.STEP_COLOR
        if question:
            return (
                '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
                f"{''.join(rows)}</TABLE>>"
            )
        style = "rounded,dashed" if manual else "rounded"
        return (
            f'<<TABLE BORDER="1" COLOR="{color}" STYLE="{style}" CELLBORDER="0" CELLSPACING="0" '
            f'CELLPADDING="3" BGCOLOR="#FFFFFF">{"".join(rows)}</TABLE>>'
        )

    def note_box(self, node: SceneNode) -> str:
        """The end of a "no" branch: what happens when a question's answer is no."""
        text = _wrap(node.component.name, _NOTE_TEXT_WIDTH)
        return (
            f'<<TABLE BORDER="1" COLOR="{styles.NO_COLOR}" STYLE="rounded,dashed" '
            f'CELLBORDER="0" CELLPADDING="4" BGCOLOR="#FFFFFF"><TR><TD>'
            f'<FONT COLOR="{styles.NO_COLOR}">{text}</FONT></TD></TR></TABLE>>'
        )

    def cluster(self, group_id: str) -> None:
        cluster = self.scene.clusters[group_id]
        icon_name = self.icons.resolve(cluster.icon)[1] if cluster.icon is not None else ""
        tooltip = cluster.group.name + (f" ({cluster.tool_name})" if cluster.tool_name else "")
        if cluster.deployed in styles.DEPLOYED_MARKS:
            tooltip += f", {styles.DEPLOYED_MARKS[cluster.deployed].label}"
        label = _cluster_label(cluster, icon_name, small_size(self.scene))
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
                    f'<<FONT POINT-SIZE="{small_size(self.scene)}" COLOR="{styles.MUTED_COLOR}">'
                    "<I>no components</I></FONT>>",
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
            attrs["label"] = f"<{wrapped_html(text, self.scene.edge_label_width, 3)}>"
        if edge.change:
            attrs.update(_changed_edge(edge.change, text or "", attrs, self.scene))
        what = "; ".join(f"{m.number}. {m.do}" for m in edge.marks) or text or flow.kind
        tip = f"{edge.tail_name} → {edge.head_name}"
        if edge.look != "otherwise":
            tip += f": {what}"
        if edge.look in _KIND_LOOKS:
            tip += f" ({flow.kind})"
        attrs["tooltip"] = nohtml(attr_text(tip))
        attrs["labeltooltip"] = attrs["tooltip"]
        attrs["id"] = edge.edge_id or f"flow-{flow.index}"
        if edge.classes:
            attrs["class"] = edge.classes
        if edge.look in _WEIGHTS:
            attrs["weight"] = _WEIGHTS[edge.look]
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


def _changed_edge(mark: str, label: str, attrs: Mapping[str, str], scene: Scene) -> dict[str, str]:
    """Edge attributes of a flow in a diff picture: the mark's word above its label; a removed
    flow is a grey dashed ghost, an added or changed one is drawn thicker."""
    style = styles.DIFF_MARKS[mark]
    text = wrapped_html(label, scene.edge_label_width, 3) if label else ""
    if mark == "removed" and text:
        text = f"<S>{text}</S>"
    badge = _change_badge(mark, small_size(scene)) + ("<BR/>" + text if text else "")
    out = {"label": f"<{badge}>"}
    if mark == "removed":
        out.update(color=style.color, fontcolor=style.color, style="dashed")
    else:
        out["penwidth"] = f"{float(attrs.get('penwidth', '1.6')) + 1.4:g}"
    return out


_TEXT_LOOKS = {
    "step": _Builder.step_box,
    "question": _Builder.step_box,
    "note": _Builder.note_box,
}
"""Boxes drawn as text alone, without an icon."""
_SHAPES: Mapping[str, Mapping[str, str]] = {
    # A question is a diamond (the flow chart's decision), its text inside.
    "question": {
        "shape": "diamond",
        "style": "filled",
        "fillcolor": "#FFFFFF",
        "color": styles.STEP_COLOR,
        "penwidth": "1.4",
        "margin": "0",
    },
}
"""Graphviz shapes of the text boxes that are not plain tables."""
_WEIGHTS = {"next": "10", "handoff": "2"}
"""Steps one after the other stand in a straight line; branches go to the side."""
_ALL_LINES = 1000
"""Step texts are never cut: as many lines as they need."""
# Lines short enough that a step beside its "no" branch, in two lanes side by side, fits a
# page's column at full size.
_STEP_TEXT_WIDTH = 22
_QUESTION_TEXT_WIDTH = 18
_NOTE_TEXT_WIDTH = 20
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
    graph_attrs: dict[str, str] = {
        **GRAPH_ATTRS,
        "nodesep": f"{scene.spacing:g}",
        **scene.graph_attrs,
        "label": _title_label(scene),
    }
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
    return draw_scene(mark_deployed(build_scene(arch, view), deployed))
