"""The context picture: the system one level of zoom up, as the C4 model's context level.

Groups are collapsed into one box each (as deep as needed to keep the picture small), the
flows between boxes merged into one arrow per source, target and kind, and the actors drawn
beside what their process steps act on. Pure functions over an `Architecture` build the
`Scene`; `draw_context` hands it to `diagram.py`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mlopsdiag.render.bundles import LARGE_ARROWS, LARGE_BOXES, Bundle, bundle, describe
from mlopsdiag.render.fit import draw_fitted, narrow
from mlopsdiag.render.labels import clean
from mlopsdiag.render.scene import (
    Scene,
    SceneCluster,
    SceneEdge,
    SceneNode,
    actor_icon,
    capability_icon,
    component_icon,
    drawn_kind,
    mark_deployed,
    mark_loops,
    stand_in,
    tool_icon,
    tool_name,
    view_components,
)
from mlopsdiag.render.styles import DEPLOYED_MARKS, FLOW_STYLES, SITE_WIDTH
from mlopsdiag.spec.model import Architecture, Flow, View

if TYPE_CHECKING:
    from mlopsdiag.render.diagram import DotGraph

CONTEXT_VIEW_ID = "context"
CONTEXT_BUDGET = 10
"""Boxes (actors aside) a context picture may hold before groups collapse one level higher."""
CONTEXT_DIRECTION = "TB"
"""Top to bottom: actors above what they act on, sources above what they feed, and the
picture grows down the page (which scrolls) rather than across its fixed width."""
CONTEXT_TEXT_SIZE = 14
"""The context picture is the first one a reader sees, at the page's width: larger text."""
MERGED_LABEL_LIMIT = 36
"""Characters the combined labels of merged flows may take before they are counted instead."""


@dataclass(frozen=True)
class Collapse:
    """Which groups a picture draws as one box, which it keeps open as clusters."""

    level: int
    """Groups this deep (0: top level) are boxes; shallower ones are open clusters."""
    box_of: Mapping[str, str]
    """Component id -> the box it is drawn as: itself, or the collapsed group holding it."""
    collapsed: tuple[str, ...]
    """Ids of the groups drawn as boxes, in spec order."""
    open: tuple[str, ...]
    """Ids of the groups drawn as clusters around their boxes, in spec order."""
    bundles: Mapping[str, Bundle] = field(default_factory=dict)
    """In the picture of a very large system: bundle id -> the boxes of one lifecycle stage
    drawn as one box (see `bundles.py`); empty otherwise."""
    folded: Mapping[str, str] = field(default_factory=dict)
    """Top-level group id -> the bundle it is drawn in, when groups are bundled too."""
    bundled_groups: bool = False
    """True when the groups are bundled as well as the components outside every group."""

    @property
    def boxes(self) -> tuple[str, ...]:
        """Every box, in order of first appearance (bundles last, in lifecycle order)."""
        found = dict.fromkeys(self.box_of.values())
        return tuple(b for b in found if b not in self.bundles) + tuple(
            b for b in self.bundles if b in found
        )


def group_depth(arch: Architecture, group_id: str) -> int:
    """0 for a top-level group, 1 for a group inside it, and so on."""
    return sum(1 for _ in arch.ancestors(group_id)) - 1


def collapse(arch: Architecture, level: int) -> Collapse:
    """Collapse every group `level` deep (with what it holds) into one box."""
    box_of: dict[str, str] = {}
    collapsed: set[str] = set()
    for component in arch.components:
        chain = list(arch.ancestors(component.group))  # innermost first
        outer = [g for g in chain if group_depth(arch, g) <= level]
        box = next((g for g in outer if group_depth(arch, g) == level), component.id)
        box_of[component.id] = box
        if box != component.id:
            collapsed.add(box)
    open_groups = {
        g for c in arch.components for g in arch.ancestors(c.group) if group_depth(arch, g) < level
    }
    return Collapse(
        level=level,
        box_of=box_of,
        collapsed=tuple(g.id for g in arch.groups if g.id in collapsed),
        open=tuple(g.id for g in arch.groups if g.id in open_groups),
    )


def choose_collapse(arch: Architecture, budget: int = CONTEXT_BUDGET) -> Collapse:
    """The deepest collapse that keeps at most `budget` boxes (top-level groups at least).

    When even the top-level groups make more than `LARGE_BOXES` boxes or `LARGE_ARROWS`
    arrows, boxes are bundled by lifecycle stage: first the components outside every group,
    then, if that is not enough, the groups too (see `bundles.py`).
    """
    held = members_of_groups(arch)
    depths = [group_depth(arch, g.id) for g in arch.groups if held.get(g.id)]
    chosen = collapse(arch, 0)
    for level in range(1, max(depths, default=0) + 1):
        candidate = collapse(arch, level)
        if len(candidate.boxes) > budget:
            break
        chosen = candidate
    if not too_large(arch, chosen):
        return chosen
    loose = bundle_boxes(arch, chosen, groups=False, held=held)
    if loose.boxes != chosen.boxes and not too_large(arch, loose):
        return loose
    return bundle_boxes(arch, chosen, groups=True, held=held)


def members_of_groups(arch: Architecture) -> dict[str, tuple[str, ...]]:
    """Group id -> every component inside it, nested groups included, in spec order (as
    `Architecture.members`, for all groups in one pass)."""
    held: dict[str, list[str]] = {}
    for component in arch.components:
        for group in arch.ancestors(component.group):
            held.setdefault(group, []).append(component.id)
    return {group: tuple(ids) for group, ids in held.items()}


def too_large(arch: Architecture, shape: Collapse) -> bool:
    """True when a collapse still has too many boxes or arrows to read (or lay out)."""
    if len(shape.box_of) <= LARGE_BOXES:  # never more boxes than components
        return False
    return len(shape.boxes) > LARGE_BOXES or len(merge_flows(arch, shape)) > LARGE_ARROWS


def bundle_boxes(
    arch: Architecture,
    shape: Collapse,
    *,
    groups: bool,
    held: Mapping[str, tuple[str, ...]] | None = None,
) -> Collapse:
    """A top-level collapse with its boxes bundled by lifecycle stage: the components
    outside every group, or (`groups`) every box. `held`: `members_of_groups`, if known."""
    boxes = shape.boxes
    held = members_of_groups(arch) if held is None else held
    members = {g: held.get(g, ()) for g in shape.collapsed}
    drawn_as, bundles = bundle(arch, boxes, members, groups=groups)
    return replace(
        shape,
        box_of={c: drawn_as[box] for c, box in shape.box_of.items()},
        collapsed=() if groups else shape.collapsed,
        bundles=bundles,
        folded={g: drawn_as[g] for g in shape.collapsed} if groups else {},
        bundled_groups=groups,
    )


def element_box(arch: Architecture, shape: Collapse, element: str) -> str | None:
    """The box a component or group is drawn as, or the group itself when it is an open
    cluster; None for a group with no components (not drawn)."""
    if element in shape.box_of:
        return shape.box_of[element]
    if element not in arch.groups_by_id or not arch.members(element):
        return None
    for group in reversed(list(arch.ancestors(element))):  # outermost first
        if group in shape.folded:
            return shape.folded[group]
        if group in shape.collapsed:
            return group
    return element


@dataclass(frozen=True)
class MergedFlow:
    """The flows between two boxes of one kind, drawn as one arrow."""

    source: str
    target: str
    kind: str
    flows: tuple[Flow, ...]

    @property
    def label(self) -> str:
        """The one label, the distinct labels combined when they are short, else a count."""
        labels = list(dict.fromkeys(clean(f.label) for f in self.flows if clean(f.label)))
        if len(self.flows) == 1:
            return labels[0] if labels else ""
        if not labels:
            return f"{len(self.flows)} flows"
        combined = ", ".join(labels)
        if len(labels) == len(self.flows) and len(combined) <= MERGED_LABEL_LIMIT:
            return combined
        return f"{len(self.flows)} flows"


def merge_flows(arch: Architecture, shape: Collapse) -> tuple[MergedFlow, ...]:
    """One arrow per (source box, target box, kind), in order of the first flow; flows
    inside one box are not drawn. Where boxes are bundled, one arrow per (source box,
    target box), drawn as the kind most of its flows have."""
    by_kind = not shape.bundles
    merged: dict[tuple[str, str, str], list[Flow]] = {}
    for flow in arch.flows:
        source = element_box(arch, shape, flow.source)
        target = element_box(arch, shape, flow.target)
        if source is None or target is None or source == target:
            continue
        kind = drawn_kind(flow) if by_kind else ""
        merged.setdefault((source, target, kind), []).append(flow)
    return tuple(MergedFlow(s, t, k or _main_kind(f), tuple(f)) for (s, t, k), f in merged.items())


def _main_kind(flows: Iterable[Flow]) -> str:
    """The kind most of these flows have (the first in legend order on a tie)."""
    counts = Counter(drawn_kind(f) for f in flows)
    order = list(FLOW_STYLES)
    return min(counts, key=lambda k: (-counts[k], order.index(k) if k in order else len(order)))


def actor_targets(arch: Architecture, shape: Collapse) -> dict[str, tuple[str, ...]]:
    """Actor id -> the boxes (or open groups) where its process steps start, in step order.

    An actor acts where a step starts (its `at`, or its `from`); where a moved thing goes
    is already the flow's arrow. Joining actors to both ends doubled their lines and
    spread the picture wider than a page can show readably.
    """
    touched: dict[str, dict[str, None]] = {a.id: {} for a in arch.actors}
    for process in arch.processes:
        for step in process.steps:
            if step.by not in touched:
                continue
            for element in (step.at, step.source):
                box = element_box(arch, shape, element) if element else None
                if box is not None:
                    touched[step.by][box] = None
    return {actor: tuple(boxes) for actor, boxes in touched.items()}


def group_href(arch: Architecture, group_id: str) -> str:
    """Where a collapsed group's members are shown: the smallest view with all of them."""
    members = set(arch.members(group_id))
    views = [(set(view_components(arch, v)), v.id) for v in arch.all_views()]
    fitting = [(len(shown), i, view_id) for i, (shown, view_id) in enumerate(views)]
    fitting = [f for f in fitting if members <= views[f[1]][0]]
    view_id = min(fitting)[2] if fitting else "overview"
    return f"index.html#view-{view_id}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _main(arch: Architecture, members: Iterable[str], stage: str | None = None) -> str | None:
    """The capability most of a group's members have (the first such, in catalogue order);
    with a `stage`, the most common of those of that lifecycle stage."""
    counts: dict[str, int] = {}
    for member in members:
        for capability in arch.capabilities_of(member):
            found = arch.catalog.capabilities.get(capability)
            if stage is not None and (found is None or found.stage != stage):
                continue
            counts[capability] = counts.get(capability, 0) + 1
    order = list(arch.catalog.capabilities)
    ranked = sorted(
        counts, key=lambda c: (-counts[c], order.index(c) if c in order else len(order))
    )
    return ranked[0] if ranked else None


def group_box(arch: Architecture, group_id: str) -> SceneNode:
    """A group drawn as one box: its tool's icon, its name, how many components it holds."""
    group = arch.groups_by_id[group_id]
    members = arch.members(group_id)
    tool = arch.tool_of(group_id)
    names = ", ".join(arch.components_by_id[m].name for m in members)
    note = _count(len(members), "component")
    tool_text = tool_name(tool, group.name) if tool is not None else ""
    return SceneNode(
        component=stand_in(group.id, group.name, f"{group.name}: {note}: {names}", group.loc),
        icon=tool_icon(arch, tool)
        if tool is not None
        else capability_icon(arch, _main(arch, members)),
        tool_name=f"{tool_text} · {note}" if tool_text else note,
        look="group",
        href=group_href(arch, group_id),
    )


def bundle_box(arch: Architecture, found: Bundle) -> SceneNode:
    """A lifecycle stage's bundle drawn as one box: the icon of the capability most of its
    components have, its name, what it holds; a click leads to the components table."""
    groups = ", ".join(arch.groups_by_id[g].name for g in found.groups)
    description = f"{found.name}: {found.note}" + (f": {groups}" if groups else "")
    return SceneNode(
        component=stand_in(found.id, found.name, description, arch.loc("metadata")),
        icon=capability_icon(arch, _main(arch, found.components, found.stage)),
        tool_name=found.note,
        look="group",
        href="index.html#components",
    )


def actor_nodes(arch: Architecture, actors: Iterable[str]) -> dict[str, SceneNode]:
    """Boxes of actors (person, team, automation, external), by id."""
    by_id = {a.id: a for a in arch.actors}
    nodes = {}
    for actor_id in actors:
        actor = by_id[actor_id]
        nodes[actor_id] = SceneNode(
            component=stand_in(actor.id, actor.name, f"{actor.name} ({actor.kind})", actor.loc),
            icon=actor_icon(actor.kind),
            tool_name=actor.kind,
            look="actor",
            href="",
        )
    return nodes


def _member_node(arch: Architecture, shape: Collapse, group_id: str) -> str:
    """A box drawn inside an open group, where an arrow to the group is clipped."""
    return next(b for b in shape.boxes if group_id in arch.ancestors(_group_of(arch, b)))


def _group_of(arch: Architecture, box: str) -> str | None:
    item = arch.components_by_id.get(box)
    if item is not None:
        return item.group
    return arch.groups_by_id[box].parent


def _endpoint(arch: Architecture, shape: Collapse, box: str) -> tuple[str, str | None]:
    if box in shape.open:
        return _member_node(arch, shape, box), box
    return box, None


def _inside(arch: Architecture, box: str, group_id: str) -> bool:
    return group_id in arch.ancestors(_group_of(arch, box))


def _lifecycle_order(shape: Collapse, edges: list[SceneEdge]) -> list[SceneEdge]:
    """Stage bundles laid out in lifecycle order: an arrow to an earlier stage (feedback,
    a retraining trigger) is the one laid out backwards."""
    order = {b: i for i, b in enumerate(shape.bundles)}
    return [replace(e, backwards=order.get(e.tail, 0) > order.get(e.head, 0)) for e in edges]


def context_scene(
    arch: Architecture,
    width: int = SITE_WIDTH,
    budget: int = CONTEXT_BUDGET,
    *,
    bundled: bool = False,
    shape: Collapse | None = None,
) -> Scene:
    """The scene of the context picture of an architecture, drawn `width` pixels wide,
    with groups collapsed until at most `budget` boxes are left (see `choose_collapse`);
    `bundled`: the components outside every group bundled by lifecycle stage as well;
    `shape`: which groups are boxes, when the caller has chosen (an export past its
    tool's limits)."""
    shape = shape or choose_collapse(arch, budget)
    if bundled and not shape.bundles:
        shape = bundle_boxes(arch, shape, groups=False)
    nodes: dict[str, SceneNode] = actor_nodes(arch, (a.id for a in arch.actors))
    for box in shape.boxes:
        if box in shape.bundles:
            nodes[box] = bundle_box(arch, shape.bundles[box])
        elif box in arch.groups_by_id:
            nodes[box] = group_box(arch, box)
        else:
            component = arch.components_by_id[box]
            nodes[box] = SceneNode(
                component=component,
                icon=component_icon(arch, component),
                tool_name=tool_name(arch.tool_of(box), component.name),
            )
    clusters = {}
    for group_id in shape.open:
        group = arch.groups_by_id[group_id]
        tool = arch.tool_of(group_id)
        clusters[group_id] = SceneCluster(
            group=group,
            parent=group.parent,
            depth=group_depth(arch, group_id),
            icon=tool_icon(arch, tool) if tool is not None else None,
            tool_name=tool_name(tool, group.name),
            nodes=tuple(b for b in shape.boxes if _group_of(arch, b) == group_id),
            placeholder=None,
        )
    edges: list[SceneEdge] = []
    for merged in merge_flows(arch, shape):
        tail, ltail = _endpoint(arch, shape, merged.source)
        head, lhead = _endpoint(arch, shape, merged.target)
        if ltail is not None and _inside(arch, head, ltail):
            ltail = None
        if lhead is not None and _inside(arch, tail, lhead):
            lhead = None
        first = merged.flows[0]
        edges.append(
            SceneEdge(
                flow=first,
                tail=tail,
                head=head,
                ltail=ltail,
                lhead=lhead,
                tail_name=_name(arch, merged.source, shape),
                head_name=_name(arch, merged.target, shape),
                text=merged.label,
                edge_id=f"flow-{first.index}",
            )
        )
    edges = mark_loops(edges) if not shape.bundled_groups else _lifecycle_order(shape, edges)
    used = {drawn_kind(e.flow) for e in edges}
    for actor_id, boxes in actor_targets(arch, shape).items():
        for box in boxes:
            head, lhead = _endpoint(arch, shape, box)
            edges.append(
                SceneEdge(
                    flow=Flow(-1, actor_id, box, "", "control", nodes[actor_id].component.loc),
                    tail=actor_id,
                    head=head,
                    ltail=None,
                    lhead=lhead,
                    tail_name=nodes[actor_id].component.name,
                    head_name=_name(arch, box, shape),
                    look="acts",
                    edge_id=f"acts-{actor_id}-{box}",
                    text="",
                )
            )
    view = View(
        id=CONTEXT_VIEW_ID,
        title=f"{arch.metadata.title}: context",
        include=(),
        direction=None,
        loc=arch.loc("metadata"),
    )
    roots = tuple(
        n for n in nodes if n in nodes and not any(n in c.nodes for c in clusters.values())
    )
    return Scene(
        name=arch.name,
        view=view,
        direction=CONTEXT_DIRECTION,
        source_name=Path(arch.source_path).name,
        nodes=nodes,
        clusters=clusters,
        roots=roots,
        edges=tuple(edges),
        kinds=tuple(k for k in FLOW_STYLES if k in used),
        step_looks=("acts",) if any(e.look == "acts" for e in edges) else (),
        text_size=CONTEXT_TEXT_SIZE,
        rows=fold_rows(shape.boxes, edges, len(arch.actors)),
        note=describe(arch, dict(shape.bundles), shape.bundled_groups) if shape.bundles else "",
        width=width,
    )


# Rough sizes in the context picture (points), to tell a picture that would be far taller
# than wide before Graphviz draws it: a box and its gap, a row, and what labels and loops
# add to the width.
_BOX_WIDTH = 190
_ROW_HEIGHT = 150
_MARGIN = 250
MAX_TALL = 2.5
"""Estimated height / width above which a chain is wrapped into rows (the limit is 3)."""


def layers(boxes: Iterable[str], edges: Iterable[SceneEdge]) -> list[list[str]]:
    """Boxes by longest path from a source along the forward arrows between them."""
    members = list(boxes)
    known = set(members)
    successors: dict[str, list[str]] = {b: [] for b in members}
    incoming = dict.fromkeys(members, 0)
    for edge in edges:
        tail, head = (edge.head, edge.tail) if edge.backwards else (edge.tail, edge.head)
        if tail in known and head in known and tail != head and head not in successors[tail]:
            successors[tail].append(head)
            incoming[head] += 1
    layer = dict.fromkeys(members, 0)
    ready = [b for b in members if incoming[b] == 0]
    while ready:  # Kahn's order; the loops were turned round already, so this is a DAG
        box = ready.pop(0)
        for head in successors[box]:
            layer[head] = max(layer[head], layer[box] + 1)
            incoming[head] -= 1
            if incoming[head] == 0:
                ready.append(head)
    out: list[list[str]] = [[] for _ in range(max(layer.values(), default=-1) + 1)]
    for box in members:
        out[layer[box]].append(box)
    return out


def _too_tall(rows: int, breadth: int, actors: int) -> bool:
    height = (rows + (1 if actors else 0)) * _ROW_HEIGHT
    width = max(breadth, actors) * _BOX_WIDTH + _MARGIN
    return height > MAX_TALL * width


def fold_rows(
    boxes: Iterable[str], edges: Iterable[SceneEdge], actors: int = 0
) -> tuple[tuple[str, ...], ...]:
    """Rows to wrap a long chain into, when top to bottom would be far taller than wide:
    the fewest layers per row that bring the picture within `MAX_TALL`; else none.
    Actors take a row of their own above the boxes."""
    found = layers(boxes, edges)
    breadth = max((len(layer) for layer in found), default=1)
    if not _too_tall(len(found), breadth, actors):
        return ()
    for per_row in range(2, len(found) + 1):
        rows = -(-len(found) // per_row)
        width = max(
            sum(len(layer) for layer in found[i : i + per_row])
            for i in range(0, len(found), per_row)
        )
        if not _too_tall(rows, width, actors):
            return tuple(
                tuple(b for layer in found[i : i + per_row] for b in layer)
                for i in range(0, len(found), per_row)
            )
    return ()


def _name(arch: Architecture, element: str, shape: Collapse | None = None) -> str:
    if shape is not None and element in shape.bundles:
        return shape.bundles[element].name
    item = arch.components_by_id.get(element) or arch.groups_by_id.get(element)
    return item.name if item is not None else element


def context_candidates(arch: Architecture, width: int = SITE_WIDTH) -> Iterator[Scene]:
    """The context picture's layouts, in order of preference: as chosen; its names
    wrapped narrower; every group collapsed to the top level; the components outside
    every group bundled by lifecycle stage too."""
    first = context_scene(arch, width)
    yield first
    yield narrow(first)
    seen = {tuple(first.nodes)}
    for fewer in (context_scene(arch, width, 0), context_scene(arch, width, 0, bundled=True)):
        if tuple(fewer.nodes) not in seen:
            seen.add(tuple(fewer.nodes))
            yield narrow(fewer)


def draw_context(
    arch: Architecture,
    width: int = SITE_WIDTH,
    timeout: float | None = None,
    deployed: Mapping[str, str] | None = None,
) -> DotGraph:
    """The context picture of an architecture as DOT, laid out to read at `width` (see
    `fit.py`; also the fallback when a view is too big); `deployed` (element id -> matched,
    missing or mismatched) marks its component and group boxes."""
    candidates = context_candidates(arch, width)
    marked = (_mark_members(arch, mark_deployed(s, deployed), deployed) for s in candidates)
    return draw_fitted(marked, timeout)


def _mark_members(arch: Architecture, scene: Scene, deployed: Mapping[str, str] | None) -> Scene:
    """The scene with each collapsed group that is not bound itself counting how its bound
    members compared (their own boxes are not in the picture)."""
    if not deployed:
        return scene
    nodes = dict(scene.nodes)
    for box, node in scene.nodes.items():
        if node.look != "group" or node.deployed or box not in arch.groups_by_id:
            continue
        found = Counter(deployed[m] for m in arch.members(box) if m in deployed)
        counts = tuple((mark, found[mark]) for mark in DEPLOYED_MARKS if found[mark])
        nodes[box] = replace(node, deployed_members=counts)
    return replace(scene, nodes=nodes)
