"""D2: the context picture as the root board, and each process as a layer whose `steps` add one
process step at a time, so D2's animated SVG (or PPTX) export plays the process. Spelt from the
same scenes the renderer draws.

Every user text reaches D2 through `string()`: double-quoted, with `"`, `\\` and `$` (which
would start a substitution) escaped. Object keys are made here (`n1`, `n2`...), never taken
from the spec.
"""

from __future__ import annotations

from mlopsdiag.render.context import context_scene
from mlopsdiag.render.labels import clean
from mlopsdiag.render.process import process_scene, step_node_id
from mlopsdiag.render.scene import Scene, SceneEdge, SceneNode, drawn_kind
from mlopsdiag.render.styles import FLOW_STYLES, FlowStyle
from mlopsdiag.spec.model import Architecture, Process

LABEL_LIMIT = 100
CURRENT_FILL = "#FFF8C5"
"""The fill of the box where the step being shown happens."""


def string(text: str, limit: int = LABEL_LIMIT) -> str:
    """User text as a D2 double-quoted string: one line, nothing read as syntax."""
    text = clean(text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return f'"{escaped}"'


def _class(kind: str, style: FlowStyle) -> list[str]:
    dash = {"dashed": 5, "dotted": 2}.get(style.style, 0)
    lines = [f"  {kind}: {{", f'    style.stroke: "{style.color}"']
    lines.append(f"    style.stroke-width: {max(1, round(style.penwidth))}")
    if dash:
        lines.append(f"    style.stroke-dash: {dash}")
    return [*lines, "  }"]


def _classes() -> list[str]:
    lines = ["classes: {"]
    for kind, style in FLOW_STYLES.items():
        lines += _class(kind, style)
    lines += [
        "  actor: {",
        "    shape: person",
        "  }",
        "  group: {",
        '    style.fill: "#E5F5FD"',
        "    style.multiple: true",
        "  }",
        "  acts: {",
        '    style.stroke: "#636E72"',
        "    style.stroke-dash: 2",
        "  }",
        "  next: {",
        '    style.stroke: "#2D3436"',
        "  }",
        "  handoff: {",
        '    style.stroke: "#C24E00"',
        "    style.stroke-width: 3",
        "  }",
        "  otherwise: {",
        '    style.stroke: "#636E72"',
        "    style.stroke-dash: 4",
        "  }",
        "  question: {",
        "    shape: diamond",
        "  }",
        "  note: {",
        "    shape: text",
        "  }",
        "}",
    ]
    return lines


class _Board:
    """The keys of one scene's objects: `n1`, `n2`... and each one's path through its groups."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.keys: dict[str, str] = {}
        self.paths: dict[str, str] = {}

    def key(self, element: str) -> str:
        if element not in self.keys:
            self.keys[element] = f"n{len(self.keys) + 1}"
        return self.keys[element]

    def objects(self, indent: str = "") -> list[str]:
        lines: list[str] = []

        def box(element: str, node: SceneNode, pad: str, prefix: str) -> None:
            self.paths[element] = prefix + self.key(element)
            text = node.component.name + (f" ({node.tool_name})" if node.tool_name else "")
            cls = {"actor": "actor", "group": "group", "note": "note", "question": "question"}.get(
                node.look
            )
            body = f"{{class: {cls}}}" if cls else ""
            lines.append(f"{pad}{self.key(element)}: {string(text)} {body}".rstrip())

        def cluster(group_id: str, pad: str, prefix: str) -> None:
            found = self.scene.clusters[group_id]
            self.paths[group_id] = prefix + self.key(group_id)
            text = found.group.name + (f" ({found.tool_name})" if found.tool_name else "")
            lines.append(f"{pad}{self.key(group_id)}: {string(text)} {{")
            inner = self.paths[group_id] + "."
            for child in self.scene.children(group_id):
                cluster(child, pad + "  ", inner)
            for element in found.nodes:
                box(element, self.scene.nodes[element], pad + "  ", inner)
            lines.append(f"{pad}}}")

        for element in self.scene.roots:
            box(element, self.scene.nodes[element], indent, "")
        for group_id in self.scene.children(None):
            cluster(group_id, indent, "")
        return lines

    def end(self, edge: SceneEdge, tail: bool) -> str:
        clipped = edge.ltail if tail else edge.lhead
        return self.paths[clipped or (edge.tail if tail else edge.head)]

    def connection(self, edge: SceneEdge, text: str, cls: str) -> str:
        label = f": {string(text, 60)}" if text else ""
        return f"{self.end(edge, True)} -> {self.end(edge, False)}{label} {{class: {cls}}}"


def context_board(arch: Architecture) -> list[str]:
    """The root board: the context picture."""
    scene = context_scene(arch)
    board = _Board(scene)
    lines = [f"title: {string(scene.view.title)} {{", "  shape: text", "  near: top-center", "}"]
    lines += board.objects()
    for edge in scene.edges:
        if edge.look == "acts":
            lines.append(board.connection(edge, "", "acts"))
        else:
            text = edge.flow.label if edge.text is None else edge.text
            lines.append(board.connection(edge, text, drawn_kind(edge.flow)))
    return lines


def process_layer(arch: Architecture, process: Process) -> list[str]:
    """A layer with the process picture's boxes (its lanes, steps and "no" branches), and one
    step board per process step: each draws the arrows into and out of that step and lights
    its box, so that the boards, played in order, walk through the process."""
    scene = process_scene(arch, process)
    board = _Board(scene)
    lines = [f"title: {string(process.title)} {{", "  shape: text", "  near: top-center", "}"]
    lines += board.objects()
    start = f"{len(process.steps)} steps" + (
        f"; trigger: {process.trigger}" if process.trigger else ""
    )
    lines += [f"caption: {string(start, 160)} {{", "  shape: text", "  near: bottom-center", "}"]
    lines.append("steps: {")
    names = {a.id: a.name for a in arch.actors}
    previous = ""
    for step in process.steps:
        node = step_node_id(step)
        who = f" ({names.get(step.by, step.by)})" if step.by else ""
        lines.append(f'  "{step.number}": {{')
        lines.append(f"    caption: {string(f'{step.number}. {step.do}{who}', 160)}")
        for edge in scene.edges:
            arrives = edge.head == node and edge.look in ("next", "handoff")
            branches = edge.tail == node and edge.look == "otherwise"
            if arrives or branches:
                lines.append(f"    {board.connection(edge, edge.text or '', edge.look)}")
        if previous:  # steps inherit the board before them: put the last step's box out
            lines.append(f'    {board.paths[previous]}.style.fill: "#ffffff"')
        lines.append(f'    {board.paths[node]}.style.fill: "{CURRENT_FILL}"')
        lines.append("  }")
        previous = node
    lines.append("}")
    return lines


def export_d2(arch: Architecture, generated: str) -> str:
    """One D2 file: the context as the root board, each process as a layer with steps."""
    lines = [f"# {clean(generated)}", "", *_classes(), "", *context_board(arch)]
    if arch.processes:
        lines += ["", "layers: {"]
        for process in arch.processes:
            lines.append(f"  {string('process-' + process.id)}: {{")
            lines += [f"    {line}" for line in _classes()]
            lines += [f"    {line}" for line in process_layer(arch, process)]
            lines.append("  }")
        lines.append("}")
    return "\n".join(lines) + "\n"
