"""The diff picture: the new overview with added and changed elements marked and removed ones
drawn as ghosts where they were (inside their old group, joined by their old flows).

`diff_scene` is a pure function over the comparison and the scene model (the ghosts are put
into a copy of the new model, so the usual scene code places them); `render_diffs` draws and
writes `<out>/<name>/diff.<format>` like every other diagram.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Sequence
from pathlib import Path

from mlopsdiag.diff.model import ADDED, CHANGED, REMOVED, RENAMED, ArchitectureDiff, DiffResult
from mlopsdiag.render.output import FORMATS, GraphvizRun, generated_note
from mlopsdiag.render.scene import Scene, build_scene
from mlopsdiag.render.styles import SITE_WIDTH
from mlopsdiag.spec.model import Architecture, Component, Flow, Group, View
from mlopsdiag.writer import inside, write_atomic

DIFF_VIEW = "diff"
"""The file name of the picture: `<name>/diff.<format>`."""

_MARK_OF = {ADDED: "added", CHANGED: "changed", RENAMED: "changed", REMOVED: "removed"}


def _free_id(wanted: str, taken: set[str]) -> str:
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted}-removed{'' if n == 2 else n - 1}"
    taken.add(candidate)
    return candidate


def _with_ghosts(arch: ArchitectureDiff, new: Architecture) -> tuple[Architecture, dict[str, str]]:
    """A copy of the new model with the removed groups, components and flows put back.

    Returns the copy and the marks by element: component and group ids, `flow:<index>`.
    """
    marks: dict[str, str] = {}
    taken = {c.id for c in new.components} | {g.id for g in new.groups}
    ghost_of: dict[str, str] = {}
    renamed: dict[str, str] = {}
    ghost_groups: list[Group] = []
    ghost_components: list[Component] = []
    removed_flows: list[Flow] = []
    for change in arch.changes:
        mark = _MARK_OF[change.status]
        if change.collection == "components" and change.status == RENAMED:
            renamed[change.old_key] = change.key
        if change.collection in ("components", "groups") and change.status != REMOVED:
            marks[change.new_item.id] = mark
        elif change.collection == "groups":
            ghost_of[change.old_item.id] = _free_id(change.old_item.id, taken)
            ghost_groups.append(change.old_item)
        elif change.collection == "components":
            ghost_of[change.old_item.id] = _free_id(change.old_item.id, taken)
            ghost_components.append(change.old_item)
        elif change.collection == "flows" and change.status != REMOVED:
            marks[f"flow:{change.new_item.index}"] = mark
        elif change.collection == "flows":
            removed_flows.append(change.old_item)

    def now(element: str | None) -> str | None:
        if element is None:
            return None
        return ghost_of.get(element) or renamed.get(element) or element

    present = taken | set(ghost_of.values())
    groups = [
        dataclasses.replace(
            g, id=ghost_of[g.id], parent=now(g.parent) if now(g.parent) in present else None
        )
        for g in ghost_groups
    ]
    components = [
        dataclasses.replace(
            c, id=ghost_of[c.id], group=now(c.group) if now(c.group) in present else None
        )
        for c in ghost_components
    ]
    flows = []
    for i, flow in enumerate(sorted(removed_flows, key=lambda f: f.index)):
        source, target = now(flow.source), now(flow.target)
        if source in present and target in present:
            index = len(new.flows) + i
            flows.append(dataclasses.replace(flow, index=index, source=source, target=target))
            marks[f"flow:{index}"] = "removed"
    for ghost in ghost_of.values():
        marks[ghost] = "removed"
    merged = dataclasses.replace(
        new,
        groups=(*new.groups, *groups),
        components=(*new.components, *components),
        flows=(*new.flows, *flows),
        views=(),
    )
    return merged, marks


def with_ghosts(arch: ArchitectureDiff, new: Architecture) -> tuple[Architecture, dict[str, str]]:
    """The new model with the removed groups, components and flows put back, and the marks
    by element (component and group ids, `flow:<index>`): what every diff picture shows."""
    return _with_ghosts(arch, new)


def diff_scene(arch: ArchitectureDiff, width: int = SITE_WIDTH) -> Scene | None:
    """The scene of the diff picture of one architecture (None when it was removed), to be
    drawn `width` pixels wide."""
    new = arch.new
    if new is None:
        return None
    merged, marks = _with_ghosts(arch, new)
    view = View(
        id=DIFF_VIEW,
        title=f"{new.metadata.title}: changes",
        include=(*(c.id for c in merged.components), *(g.id for g in merged.groups)),
        direction=None,
        loc=new.loc("metadata"),
    )
    scene = build_scene(merged, view, width)
    nodes = {k: dataclasses.replace(n, change=marks.get(k, "")) for k, n in scene.nodes.items()}
    clusters = {
        k: dataclasses.replace(c, change=marks.get(k, "")) for k, c in scene.clusters.items()
    }
    edges = tuple(
        dataclasses.replace(e, change=marks.get(f"flow:{e.flow.index}", "")) for e in scene.edges
    )
    return dataclasses.replace(scene, nodes=nodes, clusters=clusters, edges=edges)


DIFF_FORMATS = ("svg", "png")
"""A review picture is looked at in the pull request's artifacts as well as on a page: both."""


def render_diffs(
    result: DiffResult,
    out: Path,
    formats: Sequence[str] = DIFF_FORMATS,
    width: int = SITE_WIDTH,
) -> list[Path]:
    """Draw `<out>/<name>/diff.<format>` for every added or changed architecture, laid out
    like a view to read at `width` pixels (see `fit.py`); return the files (a file that
    already has the same bytes is left untouched)."""
    from mlopsdiag.render.fit import draw_view  # `diagrams` loads only to draw

    files: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="mlopsdiag-diff-") as tmp:
        for arch in result.changed:
            scene = diff_scene(arch, width)
            if scene is None or arch.new is None:
                continue
            graph = draw_view(scene)
            note = generated_note(Path(arch.new.source_path).name)
            drawn = [f for f in formats if FORMATS[f].graphviz]
            outputs = GraphvizRun(graph.source, graph.icons, drawn, Path(tmp)).result(note)
            if "dot" in formats:
                outputs["dot"] = graph.source.encode("utf-8")
            for fmt in formats:
                target = inside(out, Path(arch.name) / f"{DIFF_VIEW}.{fmt}")
                write_atomic(target, outputs[fmt])
                files.append(target)
    return files
