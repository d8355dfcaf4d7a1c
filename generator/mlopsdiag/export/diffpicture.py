"""The Mermaid pictures of a pull request: each changed architecture's context with what was
added, changed and removed marked, and the changed processes, for `diff --format markdown`.

The context is drawn from the same model as the diff picture (`render/diff.py`: the new
model with the removed elements put back as ghosts) and collapsed as the context picture is,
so it stays small enough to read in a comment; a collapsed group is marked changed when
anything inside it changed.
"""

from __future__ import annotations

import dataclasses

from mlopsdiag.diff.model import ADDED, CHANGED, REMOVED, RENAMED, ArchitectureDiff
from mlopsdiag.export.mermaid import Chart, context_chart, process_chart
from mlopsdiag.render.context import MergedFlow, choose_collapse, context_scene, merge_flows
from mlopsdiag.render.diff import with_ghosts
from mlopsdiag.render.scene import Scene
from mlopsdiag.spec.model import Architecture

MAX_PROCESSES = 3
"""Changed processes drawn per architecture: a comment stays readable; the rest are listed."""
_MARK = {ADDED: "added", CHANGED: "changed", RENAMED: "changed", REMOVED: "removed"}


def _box_mark(merged: Architecture, marks: dict[str, str], box: str) -> str:
    if box in marks:
        return marks[box]
    if box in merged.groups_by_id and any(marks.get(m) for m in merged.members(box)):
        return "changed"
    return ""


def _arrow_mark(marks: dict[str, str], merged: MergedFlow) -> str:
    """One arrow for several flows: added or removed when all of them were, else changed
    when any of them changed."""
    found = {marks.get(f"flow:{f.index}", "") for f in merged.flows}
    if len(found) == 1:
        return found.pop()
    return "changed" if found - {""} else ""


def marked_context(arch: ArchitectureDiff) -> Scene | None:
    """The context scene of the changed model with each box, group and arrow marked."""
    if arch.new is None:
        return None
    merged, marks = with_ghosts(arch, arch.new)
    for change in arch.changes:
        if change.collection == "actors" and change.status != REMOVED:
            marks[change.key] = _MARK[change.status]
    shape = choose_collapse(merged)
    scene = context_scene(merged, shape=shape)
    arrows = {m.flows[0].index: _arrow_mark(marks, m) for m in merge_flows(merged, shape)}
    nodes = {
        k: dataclasses.replace(n, change=_box_mark(merged, marks, k))
        for k, n in scene.nodes.items()
    }
    clusters = {
        k: dataclasses.replace(c, change=marks.get(k, "")) for k, c in scene.clusters.items()
    }
    edges = tuple(
        dataclasses.replace(e, change=arrows.get(e.flow.index, "") if e.look == "flow" else "")
        for e in scene.edges
    )
    return dataclasses.replace(scene, nodes=nodes, clusters=clusters, edges=edges)


def diff_charts(arch: ArchitectureDiff) -> tuple[Chart, ...]:
    """The marked context (none for a removed architecture), then each added or changed
    process as its lanes chart."""
    scene = marked_context(arch)
    if scene is None or arch.new is None:
        return ()
    new = arch.new
    changed = {c.key for c in arch.changes if c.collection == "processes" and c.status != REMOVED}
    charts = [context_chart(new, scene)]
    charts += [process_chart(new, p) for p in new.processes if p.id in changed]
    return tuple(charts)


def mermaid_section(arch: ArchitectureDiff) -> list[str]:
    """Markdown lines: the architecture's pictures in ```mermaid fences, with a key."""
    charts = diff_charts(arch)
    if not charts:
        return []
    lines = [
        "Context (+ added, ~ changed, − removed, drawn dashed):",
        "",
        "```mermaid",
        charts[0].text.rstrip("\n"),
        "```",
        "",
    ]
    for chart in charts[1 : 1 + MAX_PROCESSES]:
        lines += ["Changed process:", "", "```mermaid", chart.text.rstrip("\n"), "```", ""]
    if len(charts) > 1 + MAX_PROCESSES:
        more = len(charts) - 1 - MAX_PROCESSES
        lines += [
            f"{more} more changed process{'es' if more > 1 else ''}: see the table above.",
            "",
        ]
    return lines
