"""The lanes picture of a process: one lane per actor, the steps in order along them.

Drawn when a process's steps name two or more actors, so that the hand-offs between
automation and people jump out: an arrow that changes lanes has its own colour. Pure
functions over an `Architecture` build the `Scene`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mlopsdiag.render.process import NOTE_ICON, process_view_id
from mlopsdiag.render.scene import (
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

LANES_DIRECTION = "TB"
"""Lanes are columns and steps go down them: the picture grows down the page with the
number of steps and across only with the number of actors."""
NO_ACTOR = "_unnamed"
"""The lane of the steps that name no actor."""


def lanes_view_id(process: Process) -> str:
    """The file stem of a process's lanes picture: `process-<id>-lanes`."""
    return f"{process_view_id(process)}-lanes"


def has_lanes(process: Process) -> bool:
    """True when the steps name two or more actors (then the process gets lanes)."""
    return len({s.by for s in process.steps if s.by}) >= 2


def lane_of(step: Step) -> str:
    """The lane a step runs in: its actor, or the lane of steps with no actor."""
    return step.by or NO_ACTOR


def lanes(process: Process) -> tuple[str, ...]:
    """The lanes of a process, in order of each actor's first step."""
    return tuple(dict.fromkeys(lane_of(s) for s in process.steps))


def _where(arch: Architecture, step: Step) -> str:
    def name(element: str) -> str:
        item = arch.components_by_id.get(element) or arch.groups_by_id.get(element)
        return item.name if item is not None else element

    if step.source and step.target:
        return f"{name(step.source)} → {name(step.target)}"
    return f"at {name(step.at or '')}"


def _href(arch: Architecture, step: Step) -> str:
    element = step.source or step.at or ""
    if element in arch.components_by_id:
        return f"index.html#component-{element}"
    return f"index.html#group-{element}" if element in arch.groups_by_id else ""


def step_node_id(step: Step) -> str:
    """The id of a step's box in the lanes picture."""
    return f"step-{step.number}"


def lanes_scene(arch: Architecture, process: Process) -> Scene:
    """The scene of a process's lanes picture."""
    actors = {a.id: a for a in arch.actors}
    marks = step_marks(arch, process.steps)
    nodes: dict[str, SceneNode] = {}
    members: dict[str, list[str]] = {lane: [] for lane in lanes(process)}
    edges: list[SceneEdge] = []
    for step, mark in zip(process.steps, marks, strict=True):
        node_id = step_node_id(step)
        nodes[node_id] = SceneNode(
            component=stand_in(node_id, mark.do, f"{step.number}. {mark.do}", step.loc),
            icon=NOTE_ICON,
            tool_name=_where(arch, step),
            look="step",
            href=_href(arch, step),
            marks=(mark,),
        )
        members[lane_of(step)].append(node_id)
        if step.otherwise:
            note_id = f"_no_{step.number}"
            nodes[note_id] = SceneNode(
                component=stand_in(note_id, step.otherwise, step.otherwise, step.loc),
                icon=NOTE_ICON,
                tool_name="",
                look="note",
                href="",
            )
            members[lane_of(step)].append(note_id)
            edges.append(
                SceneEdge(
                    flow=Flow(step.number, node_id, note_id, "no", "control", step.loc),
                    tail=node_id,
                    head=note_id,
                    ltail=None,
                    lhead=None,
                    tail_name=f"step {step.number}",
                    head_name=f"no: {step.otherwise}",
                    look="otherwise",
                    edge_id=f"no-{step.number}",
                    text="no",
                )
            )
    for before, after in zip(process.steps, process.steps[1:], strict=False):
        handoff = lane_of(before) != lane_of(after)
        edges.append(
            SceneEdge(
                flow=Flow(after.number, "", "", "", "control", after.loc),
                tail=step_node_id(before),
                head=step_node_id(after),
                ltail=None,
                lhead=None,
                tail_name=f"step {before.number}",
                head_name=f"step {after.number}",
                look="handoff" if handoff else "next",
                edge_id=f"next-{after.number}",
                text="",
            )
        )
    # Each lane holds an unseen point above the first step and one below the last, so
    # every lane runs the full height and the lanes stand side by side as columns.
    first, last = step_node_id(process.steps[0]), step_node_id(process.steps[-1])
    for lane in members:
        top, bottom = f"_top_{lane}", f"_bottom_{lane}"
        for anchor in (top, bottom):
            nodes[anchor] = SceneNode(
                component=stand_in(anchor, "", "", process.loc),
                icon=NOTE_ICON,
                tool_name="",
                look="anchor",
                href="",
            )
        members[lane] = [top, *members[lane], bottom]
        for tail, head in ((top, first), (last, bottom)):
            edges.append(
                SceneEdge(
                    flow=Flow(0, tail, head, "", "control", process.loc),
                    tail=tail,
                    head=head,
                    ltail=None,
                    lhead=None,
                    tail_name="",
                    head_name="",
                    look="order",
                    edge_id=f"order-{tail}",
                )
            )
    clusters: dict[str, SceneCluster] = {}
    for index, lane in enumerate(members):
        actor = actors.get(lane)
        name = actor.name if actor is not None else ("no actor named" if lane == NO_ACTOR else lane)
        clusters[f"lane-{lane}"] = SceneCluster(
            group=Group(id=f"lane-{lane}", name=name, parent=None, tool=None, loc=process.loc),
            parent=None,
            depth=index % 2,
            icon=actor_icon(actor.kind) if actor is not None else None,
            tool_name=actor.kind if actor is not None else "",
            nodes=tuple(members[lane]),
            placeholder=None,
            look="lane",
        )
    looks = {e.look for e in edges}
    view = View(
        id=lanes_view_id(process),
        title=f"{process.title}: who does what",
        include=(),
        direction=LANES_DIRECTION,
        loc=process.loc,
    )
    return Scene(
        name=arch.name,
        view=view,
        direction=LANES_DIRECTION,
        source_name=Path(arch.source_path).name,
        nodes=nodes,
        clusters=clusters,
        roots=(),
        edges=tuple(edges),
        kinds=(),
        step_looks=tuple(k for k in ("handoff", "otherwise") if k in looks)
        + (("manual",) if any(s.manual for s in process.steps) else ()),
    )


def draw_lanes(arch: Architecture, process: Process) -> DotGraph:
    """The lanes picture of a process as DOT."""
    from mlopsdiag.render.diagram import draw_scene  # `diagrams` loads only to draw

    return draw_scene(lanes_scene(arch, process))
