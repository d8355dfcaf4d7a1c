"""The picture of one process: its numbered steps joined in order, in lanes when the steps
name two or more actors.

One picture per process, a flow chart read top to bottom: each step is a box numbered as
in the step table on the architecture page (a step with `otherwise` is a question, drawn
as a diamond whose "no" branch ends in what happens then), consecutive steps are joined
by arrows (an arrow that changes lanes is a hand-off, in its own colour), and a step with
`on_failure` has a failure exit at its foot, "if it fails:" and the name of its runbook
procedure, which links to the procedure on the runbook page (an exit drawn inside the
box rather than as a box of its own keeps a lane one box narrower). Every step box links to its row in the table (`#process-ID-step-N`)
and carries the SVG class `step-N` (its branches `of-step-N`), so that the page's script
can walk through the steps. Pure functions over an `Architecture` build the `Scene`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from mlopsdiag.render.lanes import (
    UNASSIGNED,
    UNASSIGNED_NAME,
    UNASSIGNED_NOTE,
    has_lanes,
    lane_of,
    lanes,
)
from mlopsdiag.render.process_stages import drawn_by_stage, staged_scene
from mlopsdiag.render.scene import (
    GENERIC_ICON,
    IconRef,
    Scene,
    SceneCluster,
    SceneEdge,
    SceneNode,
    actor_icon,
    stand_in,
    step_marks,
)
from mlopsdiag.spec.model import Architecture, Flow, Group, Process, Step, View

if TYPE_CHECKING:
    from mlopsdiag.render.diagram import DotGraph

PROCESS_DIRECTION = "TB"
"""Steps read downwards, like the numbered table they key into: the picture grows down the
page with the number of steps and across only with the number of actors."""
NOTE_ICON = IconRef(name="mlopsdiag/icons/generic.png", file=GENERIC_ICON)
"""The icon record of a text-only box (never drawn)."""
LANES_LAYOUT = MappingProxyType({"newrank": "false"})
"""Graphviz ranks each lane on its own: with the ranks shared across lanes (`newrank`),
every lane ran the full height and the lanes stood side by side, half again as wide."""
RUNBOOK_HREF = "../../runbooks/{name}.html#procedure-{procedure}"
"""Where a failure exit leads, from the architecture page's folder (the site puts the
pictures next to `architectures/NAME/index.html` and the runbook at `runbooks/NAME.html`)."""


def process_view_id(process: Process) -> str:
    """The file stem of a process's picture: `process-<id>`."""
    return f"process-{process.id}"


def step_node_id(step: Step) -> str:
    """The id of a step's box (and its SVG class): `step-<number>`."""
    return f"step-{step.number}"


def step_href(process: Process, step: Step) -> str:
    """Where a click on a step's box leads: its row in the step table."""
    return f"index.html#process-{process.id}-step-{step.number}"


def is_question(step: Step) -> bool:
    """A step with `otherwise` asks a question: yes goes on, no takes the other branch."""
    return bool(step.otherwise)


def _name(arch: Architecture, element: str) -> str:
    item = arch.components_by_id.get(element) or arch.groups_by_id.get(element)
    return item.name if item is not None else element


def _where(arch: Architecture, step: Step) -> str:
    if step.source and step.target:
        return f"{_name(arch, step.source)} → {_name(arch, step.target)}"
    return f"at {_name(arch, step.at or '')}"


@dataclass(frozen=True)
class _Procedure:
    title: str
    href: str


def _procedure(arch: Architecture, procedure_id: str) -> _Procedure:
    """The runbook procedure a failure exit leads to (its id alone when the spec has no
    such procedure: validation reports that)."""
    procedures = arch.runbook.procedures if arch.runbook is not None else ()
    for procedure in procedures:
        if procedure.id == procedure_id:
            href = RUNBOOK_HREF.format(name=arch.name, procedure=procedure.id)
            return _Procedure(procedure.title, href)
    return _Procedure(procedure_id, "")


def _edge(
    tail: str,
    head: str,
    look: str,
    step: Step,
    edge_id: str,
    *,
    text: str = "",
    tail_name: str = "",
    head_name: str = "",
    classes: str = "",
) -> SceneEdge:
    return SceneEdge(
        flow=Flow(step.number, tail, head, text, "control", step.loc),
        tail=tail,
        head=head,
        ltail=None,
        lhead=None,
        tail_name=tail_name,
        head_name=head_name,
        look=look,
        edge_id=edge_id,
        text=text,
        classes=classes,
    )


def process_scene(arch: Architecture, process: Process) -> Scene:
    """The scene of a process's picture."""
    if drawn_by_stage(process):  # too long to draw step by step: counted by stage
        return staged_scene(arch, process, process_view_id(process), PROCESS_DIRECTION)
    laned = has_lanes(process)
    marks = step_marks(arch, process.steps)
    nodes: dict[str, SceneNode] = {}
    members: dict[str, list[str]] = {lane: [] for lane in lanes(process)}
    edges: list[SceneEdge] = []
    for step, mark in zip(process.steps, marks, strict=True):
        node_id = step_node_id(step)
        # In lanes the lane names the actor; in one column the box does.
        shown = replace(mark, actor="") if laned else mark
        procedure = _procedure(arch, step.on_failure) if step.on_failure else None
        nodes[node_id] = SceneNode(
            component=stand_in(node_id, mark.do, f"{step.number}. {mark.do}", step.loc),
            icon=NOTE_ICON,
            tool_name=_where(arch, step),
            look="question" if is_question(step) else "step",
            href=step_href(process, step),
            marks=(shown,),
            classes=node_id,
            exits=((procedure.title, procedure.href),) if procedure is not None else (),
        )
        members[lane_of(step)].append(node_id)
        branch = f"of-{node_id}"
        if step.otherwise:
            note_id = f"_no_{step.number}"
            nodes[note_id] = SceneNode(
                component=stand_in(note_id, mark.otherwise, mark.otherwise, step.loc),
                icon=NOTE_ICON,
                tool_name="",
                look="note",
                href="",
                classes=branch,
            )
            members[lane_of(step)].append(note_id)
            edges.append(
                _edge(
                    node_id,
                    note_id,
                    "otherwise",
                    step,
                    f"no-{step.number}",
                    text="no",
                    tail_name=f"step {step.number}",
                    head_name=f"no: {mark.otherwise}",
                    classes=branch,
                )
            )
    for before, after in zip(process.steps, process.steps[1:], strict=False):
        handoff = laned and lane_of(before) != lane_of(after)
        edges.append(
            _edge(
                step_node_id(before),
                step_node_id(after),
                "handoff" if handoff else "next",
                after,
                f"next-{after.number}",
                text="yes" if is_question(before) else "",
                tail_name=f"step {before.number}",
                head_name=f"step {after.number}",
                classes=f"of-{step_node_id(before)}",
            )
        )
    clusters = _lanes(arch, process, members) if laned else {}
    inside = {n for c in clusters.values() for n in c.nodes}
    looks = {e.look for e in edges}
    legend = ("handoff", "otherwise")
    view = View(
        id=process_view_id(process),
        title=process.title + (": who does what" if laned else ""),
        include=(),
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
        step_looks=tuple(k for k in legend if k in looks)
        + (("manual",) if any(s.manual for s in process.steps) else ()),
        graph_attrs=LANES_LAYOUT,
    )


def _lanes(
    arch: Architecture, process: Process, members: dict[str, list[str]]
) -> dict[str, SceneCluster]:
    """One lane (cluster) per actor, holding its steps and their branches.

    Laid out without `newrank` (see `LANES_LAYOUT`), each lane is a box as tall as the
    steps it holds, below and beside the lanes before it: the process reads down the page
    from lane to lane, and the picture is as wide as the lanes that run side by side."""
    actors = {a.id: a for a in arch.actors}
    clusters: dict[str, SceneCluster] = {}
    for index, lane in enumerate(members):
        actor = actors.get(lane)
        if actor is not None:
            name, kind, icon = actor.name, actor.kind, actor_icon(actor.kind)
        elif lane == UNASSIGNED:
            name, kind, icon = UNASSIGNED_NAME, UNASSIGNED_NOTE, None
        else:  # an actor the spec does not declare (validation reports it)
            name, kind, icon = lane, "", None
        clusters[f"lane-{lane}"] = SceneCluster(
            group=Group(id=f"lane-{lane}", name=name, parent=None, tool=None, loc=process.loc),
            parent=None,
            depth=index % 2,
            icon=icon,
            tool_name=kind,
            nodes=tuple(members[lane]),
            placeholder=None,
            look="lane",
        )
    return clusters


def draw_process(arch: Architecture, process: Process) -> DotGraph:
    """The picture of one process as DOT."""
    from mlopsdiag.render.diagram import draw_scene  # `diagrams` loads only to draw

    return draw_scene(process_scene(arch, process))
