"""The picture of one process: only what its steps touch, in step order, numbered.

Every step's number is a badge on its arrow (`from`/`to`) or on its box (`at`), keyed to
the numbered list on the architecture page, with the step's actor beside it; steps done by
hand have their own colour, line and a person marker; a step with `otherwise` ends in a
short "no" branch. Pure functions over an `Architecture` build the `Scene`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from mlopsdiag.render.context import group_box, group_depth
from mlopsdiag.render.process_stages import drawn_by_stage, staged_scene
from mlopsdiag.render.scene import (
    GENERIC_ICON,
    IconRef,
    Scene,
    SceneCluster,
    SceneEdge,
    SceneNode,
    StepMark,
    component_icon,
    stand_in,
    step_marks,
    tool_icon,
    tool_name,
)
from mlopsdiag.spec.model import Architecture, Flow, Process, Step, View

if TYPE_CHECKING:
    from mlopsdiag.render.diagram import DotGraph

PROCESS_DIRECTION = "TB"
"""Steps read downwards, like the numbered list they key into (and the text stays large:
a process grows down the page, not across it)."""
NOTE_ICON = IconRef(name="mlopsdiag/icons/generic.png", file=GENERIC_ICON)
"""The icon record of a text-only box (never drawn)."""


def process_view_id(process: Process) -> str:
    """The file stem of a process's picture: `process-<id>`."""
    return f"process-{process.id}"


def touched(process: Process) -> tuple[str, ...]:
    """The elements a process's steps touch, in order of first touch."""
    found: dict[str, None] = {}
    for step in process.steps:
        for element in (step.source, step.at, step.target):
            if element:
                found[element] = None
    return tuple(found)


def _parent(arch: Architecture, element: str) -> str | None:
    if element in arch.components_by_id:
        return arch.components_by_id[element].group
    return arch.groups_by_id[element].parent


def _within(arch: Architecture, element: str, group_id: str) -> bool:
    """True when an element lies inside a group (at any depth), not the group itself."""
    return element != group_id and group_id in arch.ancestors(_parent(arch, element))


def open_groups(arch: Architecture, elements: tuple[str, ...]) -> tuple[str, ...]:
    """Groups drawn as clusters: around a touched element, or touched with something of
    theirs touched too. A touched group with nothing of its own touched is one box."""
    found: set[str] = set()
    for element in elements:
        found.update(arch.ancestors(_parent(arch, element)))
    return tuple(g.id for g in arch.groups if g.id in found)


def _box(arch: Architecture, element: str, marks: tuple[StepMark, ...]) -> SceneNode:
    if element in arch.groups_by_id:
        return replace(group_box(arch, element), marks=marks)
    component = arch.components_by_id[element]
    return SceneNode(
        component=component,
        icon=component_icon(arch, component),
        tool_name=tool_name(arch.tool_of(element), component.name),
        marks=marks,
    )


class _FlowKinds:
    """The kind of the first flow that joins two elements (a group's flow counts for its
    members, a member's for its group), else `control`; flows are indexed by their source
    once, so a process of thousands of steps costs steps, not steps times flows."""

    def __init__(self, arch: Architecture) -> None:
        self.arch = arch
        self.by_source: dict[str, list[int]] = {}
        for i, flow in enumerate(arch.flows):
            self.by_source.setdefault(flow.source, []).append(i)

    def _first(self, sources: set[str], targets: set[str]) -> int | None:
        flows = self.arch.flows
        found = [
            i for s in sources for i in self.by_source.get(s, ()) if flows[i].target in targets
        ]
        return min(found) if found else None

    def kind(self, source: str, target: str) -> str:
        arch = self.arch
        ends = {source, *arch.ancestors(_parent(arch, source))}
        ends_to = {target, *arch.ancestors(_parent(arch, target))}
        first = self._first(ends, ends_to)
        if first is None:
            first = self._first(set(arch.expand(source)), set(arch.expand(target)))
        return arch.flows[first].kind if first is not None else "control"


class _Place:
    """Where an arrow to or from an element attaches: its box, or a box inside its cluster."""

    def __init__(self, arch: Architecture, nodes: Mapping[str, SceneNode]) -> None:
        self.arch = arch
        self.nodes = nodes

    def node(self, element: str) -> tuple[str, str | None]:
        if element in self.nodes:
            return element, None
        inner = next(n for n in self.nodes if _within(self.arch, n, element))
        return inner, element

    def step(self, step: Step, mark: StepMark, kind: str, backwards: bool) -> SceneEdge:
        """The arrow of a step that moves something from one element to another."""
        source, target = step.source or "", step.target or ""
        flow = Flow(step.number, source, target, mark.do, kind, step.loc)
        tail, ltail = self.node(source)
        head, lhead = self.node(target)
        if ltail is not None and (head == tail or _within(self.arch, head, ltail)):
            ltail = None
        if lhead is not None and (head == tail or _within(self.arch, tail, lhead)):
            lhead = None
        return SceneEdge(
            flow=flow,
            tail=tail,
            head=head,
            ltail=ltail,
            lhead=lhead,
            tail_name=_name(self.arch, source),
            head_name=_name(self.arch, target),
            look="manual" if step.manual else "step",
            marks=(mark,),
            edge_id=f"step-{step.number}",
            backwards=backwards,
        )


def _name(arch: Architecture, element: str) -> str:
    item = arch.components_by_id.get(element) or arch.groups_by_id.get(element)
    return item.name if item is not None else element


def process_scene(arch: Architecture, process: Process) -> Scene:
    """The scene of one process's picture."""
    if drawn_by_stage(process):  # too long to draw step by step: counted by stage
        return staged_scene(arch, process, process_view_id(process), PROCESS_DIRECTION)
    elements = touched(process)
    clusters_wanted = set(open_groups(arch, elements))
    boxes = tuple(e for e in elements if e not in clusters_wanted)
    # A touched group that also holds touched boxes is a cluster; its own steps are badges
    # on its label.
    steps_at: dict[str, list[Step]] = {}
    for s in process.steps:
        if s.at:
            steps_at.setdefault(s.at, []).append(s)
    nodes: dict[str, SceneNode] = {
        e: _box(arch, e, step_marks(arch, tuple(steps_at.get(e, ())))) for e in boxes
    }
    clusters: dict[str, SceneCluster] = {}
    for group in arch.groups:
        if group.id not in clusters_wanted:
            continue
        tool = arch.tool_of(group.id)
        clusters[group.id] = SceneCluster(
            group=group,
            parent=group.parent,
            depth=group_depth(arch, group.id),
            icon=tool_icon(arch, tool) if tool is not None else None,
            tool_name=tool_name(tool, group.name),
            nodes=tuple(b for b in boxes if _parent(arch, b) == group.id),
            placeholder=None,
            marks=step_marks(arch, tuple(steps_at.get(group.id, ()))),
        )
    order = {e: i for i, e in enumerate(elements)}
    place = _Place(arch, nodes)
    edges: list[SceneEdge] = []
    notes: dict[str, SceneNode] = {}
    kinds = _FlowKinds(arch)
    for step, mark in zip(process.steps, step_marks(arch, process.steps), strict=True):
        if step.source and step.target:
            kind = kinds.kind(step.source, step.target)
            backwards = order[step.target] < order[step.source]
            edges.append(place.step(step, mark, kind, backwards))
        if step.otherwise:
            note_id = f"_no_{step.number}"
            notes[note_id] = SceneNode(
                component=stand_in(note_id, step.otherwise, step.otherwise, step.loc),
                icon=NOTE_ICON,
                tool_name="",
                look="note",
                href="",
            )
            flow = Flow(step.number, step.end, note_id, "no", "control", step.loc)
            tail, ltail = place.node(step.end)
            edges.append(
                SceneEdge(
                    flow=flow,
                    tail=tail,
                    head=note_id,
                    ltail=ltail,
                    lhead=None,
                    tail_name=_name(arch, step.end),
                    head_name=f"no: {step.otherwise}",
                    look="otherwise",
                    edge_id=f"no-{step.number}",
                    text="no",
                )
            )
    edges.extend(_order_edges(arch, process, place, order, edges))
    looks = {e.look for e in edges}
    nodes.update(notes)
    inside = {n for c in clusters.values() for n in c.nodes}
    view = View(
        id=process_view_id(process),
        title=process.title,
        include=elements,
        direction=PROCESS_DIRECTION,
        loc=process.loc,
    )
    return Scene(
        name=arch.name,
        view=view,
        direction=PROCESS_DIRECTION,
        source_name=Path(arch.source_path).name,
        nodes=nodes,
        clusters=clusters,
        roots=tuple(n for n in nodes if n not in inside),
        edges=tuple(edges),
        kinds=(),
        step_looks=tuple(k for k in ("step", "manual", "otherwise") if k in looks),
    )


def _order_edges(
    arch: Architecture,
    process: Process,
    place: _Place,
    order: Mapping[str, int],
    drawn: list[SceneEdge],
) -> list[SceneEdge]:
    """Unseen arrows from where each step ends to where the next begins, so that boxes
    stand in step order even where no step arrow joins them."""
    joined = {(e.tail, e.head) for e in drawn} | {(e.head, e.tail) for e in drawn}
    out: list[SceneEdge] = []
    for before, after in zip(process.steps, process.steps[1:], strict=False):
        end, start = before.end, after.start
        if order[start] <= order[end]:
            continue
        tail, head = place.node(end)[0], place.node(start)[0]
        if tail == head or (tail, head) in joined:
            continue
        joined.add((tail, head))
        flow = Flow(after.number, end, start, "", "control", after.loc)
        out.append(
            SceneEdge(
                flow=flow,
                tail=tail,
                head=head,
                ltail=None,
                lhead=None,
                tail_name=_name(arch, end),
                head_name=_name(arch, start),
                look="order",
                edge_id=f"order-{after.number}",
            )
        )
    return out


def draw_process(arch: Architecture, process: Process) -> DotGraph:
    """The picture of one process as DOT."""
    from mlopsdiag.render.diagram import draw_scene  # `diagrams` loads only to draw

    return draw_scene(process_scene(arch, process))
