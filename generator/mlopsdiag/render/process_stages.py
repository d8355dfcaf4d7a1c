"""The picture of a process too long to draw step by step: its steps counted by stage.

A process of thousands of steps drawn one arrow per step is a picture no one can read (and
a DOT file of megabytes that Graphviz lays out for minutes). Above `PROCESS_STEP_LIMIT`
steps the picture shows one box per lifecycle stage its steps touch (the stage most of an
element's components' capabilities belong to, as the context picture bundles them), with
how many steps happen in each stage, and one arrow per pair of stages with how many steps
go from one to the other. The picture says so under its title; the page lists every step.
"""

from __future__ import annotations

from dataclasses import replace

from mlopsdiag.render.bundles import STAGES, Bundle, bundle_id, stage_of
from mlopsdiag.render.context import bundle_box
from mlopsdiag.render.scene import Scene, SceneEdge, SceneNode
from mlopsdiag.spec.model import Architecture, Flow, Process, View

PROCESS_STEP_LIMIT = 300
"""Steps a process picture draws one by one; a longer process is drawn by stage. The
largest process of the bundled examples has 12 steps; a 300-step picture is already a
poster."""


def drawn_by_stage(process: Process) -> bool:
    """True when a process is too long to draw step by step (its lanes are not drawn)."""
    return len(process.steps) > PROCESS_STEP_LIMIT


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def staged_scene(arch: Architecture, process: Process, view_id: str, direction: str) -> Scene:
    """The scene of a long process: stages as boxes, steps counted in and between them."""
    stage_of_element: dict[str, str] = {}

    def stage(element: str) -> str:
        found = stage_of_element.get(element)
        if found is None:
            found = stage_of_element[element] = stage_of(arch, arch.expand(element))
        return found

    inside: dict[str, int] = {}
    between: dict[tuple[str, str], int] = {}
    touched: dict[str, dict[str, None]] = {}
    first_step: dict[tuple[str, str], int] = {}
    for step in process.steps:
        start, end = stage(step.start), stage(step.end)
        for element in (step.start, step.end):
            touched.setdefault(stage(element), {}).update(dict.fromkeys(arch.expand(element)))
        if start == end:
            inside[start] = inside.get(start, 0) + 1
        else:
            between[(start, end)] = between.get((start, end), 0) + 1
            first_step.setdefault((start, end), step.number)
    order = {s: i for i, s in enumerate(STAGES)}
    stages = sorted(touched, key=lambda s: order.get(s, len(order)))
    nodes: dict[str, SceneNode] = {}
    for s in stages:
        components = tuple(touched[s])
        box = bundle_box(arch, Bundle(bundle_id(s), s, (), components, len(components)))
        steps = _count(inside.get(s, 0), "step")
        nodes[box.component.id] = replace(
            box,
            component=replace(box.component, name=box.component.name.split(":")[0]),
            tool_name=f"{steps} within, at {_count(len(components), 'component')}",
        )
    edges: list[SceneEdge] = []
    for (start, end), count in sorted(between.items(), key=lambda e: first_step[e[0]]):
        tail, head = bundle_id(start), bundle_id(end)
        label = f"{_count(count, 'step')}"
        edges.append(
            SceneEdge(
                flow=Flow(first_step[(start, end)], tail, head, label, "control", process.loc),
                tail=tail,
                head=head,
                ltail=None,
                lhead=None,
                tail_name=nodes[tail].component.name,
                head_name=nodes[head].component.name,
                look="step",
                edge_id=f"stages-{len(edges) + 1}",
                text=label,
                backwards=order.get(end, 0) < order.get(start, 0),
            )
        )
    view = View(
        id=view_id,
        title=process.title,
        include=(),
        direction=direction,
        loc=process.loc,
    )
    return Scene(
        name=arch.name,
        view=view,
        direction=direction,
        source_name=arch.source_path.rsplit("/", 1)[-1],
        nodes=nodes,
        clusters={},
        roots=tuple(nodes),
        edges=tuple(edges),
        kinds=(),
        step_looks=("step",) if edges else (),
        note=f"{_count(len(process.steps), 'step')}, more than the {PROCESS_STEP_LIMIT} a "
        "picture draws one by one: counted by lifecycle stage (the page lists every step)",
    )
