"""Mermaid: the context picture and each process's lanes as `flowchart`s, spelt from the scenes
the renderer draws (so a picture and its export cannot disagree).

Every user text reaches Mermaid through `label()`: quoted, with each character Mermaid or the
browser could read as syntax or markup written as a `#code;` entity. Node ids are made here
(`n1`, `n2`...), never taken from the spec: `end`, `graph` or `o--x` cannot break the chart.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mlopsdiag.render.context import bundle_boxes, collapse, context_scene
from mlopsdiag.render.labels import clean
from mlopsdiag.render.process import process_scene
from mlopsdiag.render.scene import Scene, SceneNode, drawn_kind
from mlopsdiag.render.styles import FLOW_STYLES, FlowStyle
from mlopsdiag.spec.model import Architecture, Process

MAX_TEXT = 50_000
"""Mermaid's default `maxTextSize`: a longer diagram is refused with "Maximum text size"."""
MAX_EDGES = 500
"""Mermaid's default `maxEdges`: more arrows are refused."""
LABEL_LIMIT = 80
"""Characters of one label before it is cut with an ellipsis (a picture is not the spec)."""
STEP_LIMIT = 140
"""The same for a process step's box (what it does and where), which wraps over lines."""

# Characters that mean something to Mermaid's parser (quotes, brackets, `%%` comments, `;`,
# `|` edge text, `#` entities, backticks for Markdown strings) or to the browser (`<`, `>`,
# `&`): each becomes a numeric entity, which Mermaid shows as the character itself.
_SPECIAL = frozenset('"#%&<>[]{}|;`\\')

NODE_STYLES: Mapping[str, str] = {
    "component": "fill:#ffffff,stroke:#2D3436,color:#2D3436",
    "group": "fill:#E5F5FD,stroke:#2D3436,color:#2D3436,stroke-width:2px",
    "actor": "fill:#FDF7E3,stroke:#636E72,color:#2D3436",
    "step": "fill:#ffffff,stroke:#2D3436,color:#2D3436",
    "manual": "fill:#FFF1E0,stroke:#C24E00,color:#2D3436,stroke-width:2px",
    "note": "fill:#F5F5F5,stroke:#636E72,color:#2D3436,stroke-dasharray:4 3",
    "added": "fill:#E6FFEC,stroke:#1A7F37,color:#1A3D24,stroke-width:3px",
    "changed": "fill:#FFF8C5,stroke:#9A6700,color:#3D2C00,stroke-width:3px",
    "removed": "fill:#FFEBE9,stroke:#CF222E,color:#5C1219,stroke-width:2px,stroke-dasharray:6 4",
}
"""Mermaid `classDef` of each kind of box (and of a diff's marks), by class name."""

CHANGE_COLORS: Mapping[str, str] = {"added": "#1A7F37", "changed": "#9A6700", "removed": "#CF222E"}
CHANGE_SIGNS: Mapping[str, str] = {"added": "+ ", "changed": "~ ", "removed": "− "}
"""The sign a diff puts before a marked name, so the marks read without colour too."""
_ACTS_STYLE = "stroke:#636E72,stroke-width:1px,stroke-dasharray:2 3"
_NEXT_STYLE = "stroke:#2D3436,stroke-width:1.5px"
_HANDOFF_STYLE = "stroke:#C24E00,stroke-width:2.5px"
_NO_STYLE = "stroke:#636E72,stroke-width:1.5px,stroke-dasharray:4 3"


def label(text: str, limit: int = LABEL_LIMIT) -> str:
    """User text as a quoted Mermaid label: one line, cut at `limit`, nothing live in it."""
    text = clean(text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return '"' + "".join(f"#{ord(c)};" if c in _SPECIAL else c for c in text) + '"'


def comment(text: str) -> str:
    """Text for a `%%` comment line: one line (a newline would end the comment)."""
    return "%% " + clean(text)


def _line_style(style: FlowStyle) -> str:
    dashes = {"dashed": ",stroke-dasharray:6 4", "dotted": ",stroke-dasharray:2 3"}
    width = style.penwidth + (1 if style.style == "bold" else 0)
    return f"stroke:{style.color},stroke-width:{width:g}px" + dashes.get(style.style, "")


@dataclass(frozen=True)
class Chart:
    """One Mermaid flowchart: its text and what it holds."""

    title: str
    text: str
    edges: int
    names: tuple[str, ...]
    """The names of the boxes and groups drawn (what a reader should find in the picture)."""

    @property
    def fits(self) -> bool:
        """True when Mermaid's default limits accept the chart."""
        return len(self.text) <= MAX_TEXT and self.edges <= MAX_EDGES


_SHAPES: Mapping[str, tuple[str, str]] = {"actor": ('(["', '"])'), "question": ('{"', '"}')}
"""Mermaid's brackets for a box other than a plain rectangle: a stadium for an actor, a
rhombus for a process step that asks a question."""


class _Writer:
    """Spells one scene: nodes get ids `n1`, `n2`... in scene order."""

    def __init__(self, scene: Scene, direction: str) -> None:
        self.scene = scene
        self.lines: list[str] = [f"flowchart {direction}"]
        self.ids: dict[str, str] = {}
        self.names: list[str] = []
        self.classes: dict[str, list[str]] = {}
        self.link_styles: dict[str, list[int]] = {}
        self.edges = 0

    def node_id(self, key: str) -> str:
        if key not in self.ids:
            self.ids[key] = f"n{len(self.ids) + 1}"
        return self.ids[key]

    def node(
        self, key: str, node: SceneNode, text: str, indent: str, cls: str, limit: int = LABEL_LIMIT
    ) -> None:
        if node.change:
            text = CHANGE_SIGNS[node.change] + text
            cls = node.change
        self.names.append(node.component.name)
        shape = _SHAPES.get(node.look, ('["', '"]'))
        body = label(text, limit)[1:-1]
        self.lines.append(f"{indent}{self.node_id(key)}{shape[0]}{body}{shape[1]}")
        self.classes.setdefault(cls, []).append(self.node_id(key))

    def edge(self, tail: str, head: str, text: str, style: str, change: str = "") -> None:
        if change:
            text = CHANGE_SIGNS[change] + (text or change)
            style = f"stroke:{CHANGE_COLORS[change]},stroke-width:3px" + (
                ",stroke-dasharray:6 4" if change == "removed" else ""
            )
        arrow = f"-->|{label(text, 48)}|" if text else "-->"
        self.lines.append(f"  {self.node_id(tail)} {arrow} {self.node_id(head)}")
        self.link_styles.setdefault(style, []).append(self.edges)
        self.edges += 1

    def finish(self, title: str, notes: Iterable[str]) -> Chart:
        head = [comment(n) for n in notes]
        tail = [
            f"  classDef {name} {NODE_STYLES[name]}" for name in NODE_STYLES if name in self.classes
        ]
        tail += [f"  class {','.join(ids)} {name}" for name, ids in self.classes.items()]
        tail += [
            f"  linkStyle {','.join(map(str, indexes))} {style}"
            for style, indexes in self.link_styles.items()
        ]
        text = "\n".join([*head, *self.lines, *tail]) + "\n"
        return Chart(title, text, self.edges, tuple(dict.fromkeys(self.names)))


def _box_text(node: SceneNode) -> str:
    second = node.tool_name
    return f"{node.component.name} ({second})" if second else node.component.name


def scene_chart(scene: Scene, notes: Iterable[str] = ()) -> Chart:
    """A context-like scene (boxes, open groups as subgraphs, flows) as a Mermaid flowchart:
    one `linkStyle` per flow kind, a `classDef` per kind of box."""
    writer = _Writer(scene, "TB" if scene.direction == "TB" else "LR")

    def cluster(group_id: str, indent: str) -> None:
        found = scene.clusters[group_id]
        text = found.group.name + (f" ({found.tool_name})" if found.tool_name else "")
        if found.change:
            text = CHANGE_SIGNS[found.change] + text
        writer.names.append(found.group.name)
        writer.lines.append(f"{indent}subgraph {writer.node_id(group_id)}[{label(text)}]")
        for child in scene.children(group_id):
            cluster(child, indent + "  ")
        for key in found.nodes:
            node = scene.nodes[key]
            writer.node(key, node, _box_text(node), indent + "  ", node.look)
        writer.lines.append(f"{indent}end")
        if found.change:
            writer.lines.append(
                f"{indent}style {writer.node_id(group_id)} {NODE_STYLES[found.change]}"
            )

    for key in scene.roots:
        node = scene.nodes[key]
        writer.node(key, node, _box_text(node), "  ", node.look)
    for group_id in scene.children(None):
        cluster(group_id, "  ")
    for edge in scene.edges:
        if edge.look == "order":
            continue
        tail = edge.ltail or edge.tail  # Mermaid can join subgraphs: no clipping trick
        head = edge.lhead or edge.head
        style = (
            _ACTS_STYLE if edge.look == "acts" else _line_style(FLOW_STYLES[drawn_kind(edge.flow)])
        )
        text = edge.flow.label if edge.text is None else edge.text
        writer.edge(tail, head, text, style, edge.change)
    kinds = ", ".join(scene.kinds)
    return writer.finish(
        scene.view.title, [*notes, f"arrows by flow kind: {kinds}" if kinds else ""]
    )


def _smaller_context(arch: Architecture) -> Scene:
    """The context with every box bundled by lifecycle stage (see `render/bundles.py`)."""
    shape = bundle_boxes(arch, collapse(arch, 0), groups=True)
    return context_scene(arch, shape=shape)


def context_chart(arch: Architecture, scene: Scene | None = None) -> Chart:
    """The context picture as a Mermaid flowchart, collapsed further (and saying so) when the
    usual one is over Mermaid's default limits."""
    scene = scene or context_scene(arch)
    chart = scene_chart(scene, [scene.note] if scene.note else [])
    if chart.fits:
        return chart
    smaller = _smaller_context(arch)
    note = (
        f"collapsed further than the context picture: {len(chart.text)} characters and "
        f"{chart.edges} arrows are over Mermaid's limits ({MAX_TEXT}, {MAX_EDGES}); "
        "boxes are bundled by lifecycle stage"
    )
    return scene_chart(smaller, [note])


def process_chart(arch: Architecture, process: Process) -> Chart:
    """A process as a Mermaid flowchart spelt from the process picture's scene: one subgraph
    per actor (a lane) when the steps name two or more, the steps numbered in order,
    questions as rhombi with their "no" branch, hand-offs between lanes drawn heavier, and
    each failure exit named in its step's box."""
    scene = process_scene(arch, process)
    writer = _Writer(scene, "TB")

    def box(key: str, indent: str) -> None:
        node = scene.nodes[key]
        if node.look not in ("step", "question"):
            writer.node(key, node, node.component.name, indent, node.look, STEP_LIMIT)
            return
        mark = node.marks[0]
        parts = [f"{mark.number}. {mark.do}", node.tool_name]
        if mark.actor:  # one column: the box names who does the step
            parts.append(f"by {mark.actor}")
        if mark.manual:
            parts.append("by hand")
        parts += [f"if it fails: {title}" for title, _href in node.exits]
        cls = "manual" if mark.manual else "step"
        writer.node(key, node, " · ".join(p for p in parts if p), indent, cls, STEP_LIMIT)

    for key in scene.roots:
        box(key, "  ")
    for cluster_id, found in scene.clusters.items():
        text = found.group.name + (f" ({found.tool_name})" if found.tool_name else "")
        writer.names.append(found.group.name)
        writer.lines.append(f"  subgraph {writer.node_id(cluster_id)}[{label(text)}]")
        for key in found.nodes:
            box(key, "    ")
        writer.lines.append("  end")
    styles = {"next": _NEXT_STYLE, "handoff": _HANDOFF_STYLE, "otherwise": _NO_STYLE}
    for edge in scene.edges:
        if edge.look in styles:
            writer.edge(edge.tail, edge.head, edge.text or "", styles[edge.look])
    lanes = "one lane per actor" if scene.clusters else "one column"
    notes = [f"process {process.id}: {len(process.steps)} steps, {lanes}"]
    chart = writer.finish(process.title, notes)
    return chart if chart.fits else _shortened(arch, process, chart)


def _shortened(arch: Architecture, process: Process, chart: Chart) -> Chart:
    """A process too long for Mermaid: its first steps, and a comment saying where it stops."""
    keep = len(process.steps)
    while keep > 1:
        keep = keep * 2 // 3
        part = dataclasses.replace(process, steps=process.steps[:keep])
        smaller = process_chart(arch, part)
        if smaller.fits:
            note = comment(
                f"shortened: steps 1 to {keep} of {len(process.steps)}; the whole process is "
                f"over Mermaid's limits ({MAX_TEXT} characters, {MAX_EDGES} arrows)"
            )
            return dataclasses.replace(smaller, text=note + "\n" + smaller.text)
    return chart


def charts(arch: Architecture) -> tuple[Chart, ...]:
    """The context chart, then one chart per process, in spec order."""
    return (context_chart(arch), *(process_chart(arch, p) for p in arch.processes))


def md_heading(text: str) -> str:
    """Text as a literal Markdown heading: markup characters escaped, HTML as entities."""
    text = clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(f"\\{c}" if c in "\\`*_[]#|~$!" else c for c in text)


def export_mermaid(arch: Architecture, generated: str) -> str:
    """One Markdown file: the context chart and each process chart in ```mermaid fences
    (GitHub and GitLab draw them; `mmdc` renders every fence)."""
    parts = [f"<!-- {generated} -->", "", f"# {md_heading(arch.metadata.title)}", ""]
    for index, chart in enumerate(charts(arch)):
        heading = "Context" if index == 0 else f"Process: {md_heading(chart.title)}"
        parts += [f"## {heading}", "", "```mermaid", chart.text.rstrip("\n"), "```", ""]
    return "\n".join(parts)
