"""What one view shows: its components, clusters, arrows and legend, worked out from the model.

Pure functions over an `Architecture`; `diagram.py` turns a `Scene` into a drawing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from mlopsdiag.catalog import DATA_DIR, Tool
from mlopsdiag.render.labels import plain
from mlopsdiag.render.styles import (
    DEFAULT_KIND,
    EDGE_LABEL_WIDTH,
    FLOW_STYLES,
    LABEL_WIDTH,
    SITE_WIDTH,
    VIEW_TEXT_SIZE,
)
from mlopsdiag.spec.model import Architecture, Component, Flow, Group, Loc, Step, View

GENERIC_ICON = DATA_DIR / "icons" / "generic.png"


@dataclass(frozen=True)
class IconRef:
    """An icon: a `diagrams` node class or a PNG file, and the portable name it has in DOT."""

    name: str
    diagrams_class: str = ""
    file: Path | None = None


@dataclass(frozen=True)
class StepMark:
    """A process step as marked on a picture: its number (the key to the list on the page),
    what it does, who does it and whether a person does it by hand."""

    number: int
    do: str
    actor: str
    """The actor's display name, or empty."""
    manual: bool
    otherwise: str = ""


@dataclass(frozen=True)
class SceneNode:
    """A component as drawn; in the context, process and lane pictures also a collapsed
    group, an actor, a step or a note, drawn with the same box (`look` says which)."""

    component: Component
    icon: IconRef
    tool_name: str
    """The tool's name when it differs from the component's name, else empty (for other
    looks: the muted second line, such as "Kubeflow · 9 components" or "automation")."""
    look: str = "component"
    """component | group (collapsed) | actor | step (a process step) | question (a step
    with `otherwise`, a diamond) | note (a "no" branch)."""
    href: str | None = None
    """Where a click leads, relative to the architecture page; None: the component's row,
    empty: nowhere."""
    marks: tuple[StepMark, ...] = ()
    """Process steps that happen at this box (`at`), badges on the box."""
    change: str = ""
    """In a diff picture: `added`, `changed` or `removed` (a ghost); empty elsewhere."""
    classes: str = ""
    """SVG classes of the box (a process step's `step-N`, for the page's script)."""
    exits: tuple[tuple[str, str], ...] = ()
    """A process step's failure exits: (runbook procedure title, its link; may be empty)."""
    deployed: str = ""
    """How the component compared with what is deployed (`matched`, `missing`,
    `mismatched`) when mlopsdiag-config.yaml names manifests; empty elsewhere."""
    deployed_members: tuple[tuple[str, int], ...] = ()
    """A collapsed group with no `deployed` of its own: (status, how many of its bound
    members compared so), in the order of the marks; empty elsewhere."""


@dataclass(frozen=True)
class SceneCluster:
    """A group as drawn: a cluster inside its parent's cluster."""

    group: Group
    parent: str | None
    depth: int
    icon: IconRef | None
    tool_name: str
    nodes: tuple[str, ...]
    """Ids of the components drawn directly inside (not in a nested cluster)."""
    placeholder: str | None
    """Id of the invisible node that keeps an otherwise empty cluster in the drawing."""
    marks: tuple[StepMark, ...] = ()
    """Process steps that happen at this group as a whole, badges on its label."""
    look: str = "group"
    """group | lane (one actor's row of a lanes picture)."""
    change: str = ""
    """In a diff picture: `added`, `changed` or `removed` (a ghost); empty elsewhere."""
    deployed: str = ""
    """How the group compared with what is deployed (`matched`, `missing`, `mismatched`)
    when mlopsdiag-config.yaml names manifests and the group has `deployed`; else empty."""


@dataclass(frozen=True)
class SceneEdge:
    """A flow as drawn; a flow to or from a group ends at the cluster's border."""

    flow: Flow
    tail: str
    head: str
    ltail: str | None
    lhead: str | None
    tail_name: str
    head_name: str
    backwards: bool = False
    """True for an arrow that closes a loop: laid out from head to tail, drawn pointing back."""
    look: str = "flow"
    """flow | acts (an actor to what it acts on) | step | manual (a step done by hand) |
    otherwise (a "no" branch) | next (one process step to the next) | handoff (the same, to
    another lane) | order (invisible: keeps boxes in step order)."""
    marks: tuple[StepMark, ...] = ()
    """The process steps this arrow stands for, badges on it."""
    edge_id: str = ""
    """The SVG id; empty: `flow-<index>`."""
    text: str | None = None
    """The arrow's label; None: the flow's label."""
    change: str = ""
    """In a diff picture: `added`, `changed` or `removed` (a ghost); empty elsewhere."""
    classes: str = ""
    """SVG classes of the arrow (a process step's branches: `of-step-N`)."""


@dataclass(frozen=True)
class Scene:
    """Everything one diagram shows, in drawing order."""

    name: str
    view: View
    direction: str
    source_name: str
    nodes: Mapping[str, SceneNode]
    clusters: Mapping[str, SceneCluster]
    roots: tuple[str, ...]
    """Node ids outside every cluster."""
    edges: tuple[SceneEdge, ...]
    kinds: tuple[str, ...]
    """Flow kinds used, in legend order."""
    step_looks: tuple[str, ...] = ()
    """Step looks used (`step`, `manual`), for the legend of a process picture."""
    rows: tuple[tuple[str, ...], ...] = ()
    """Boxes held on one rank each, left to right: a long chain wrapped into rows."""
    text_size: int = 12
    """Point size of the boxes' names; the smaller texts keep their distance to it. The
    context picture, shown first and at the page's width, uses larger text."""
    note: str = ""
    """A line under the title saying what the picture leaves out (a very large system's
    bundled context picture); empty for most pictures."""
    graph_attrs: Mapping[str, str] = field(default_factory=dict)
    """Graphviz graph attributes of this picture over the usual ones (a process picture
    lays its lanes out without `newrank`)."""
    width: int = SITE_WIDTH
    """Pixels wide the picture is drawn for (the place it is shown): `fit.py` lays it out
    so that, scaled down to this width at most, its text still reads."""
    label_width: int = LABEL_WIDTH
    """Characters per line of a box's name before it wraps (fewer: a narrower picture)."""
    edge_label_width: int = EDGE_LABEL_WIDTH
    """Characters per line of an arrow's label before it wraps."""
    spacing: float = 0.45
    """Inches between neighbouring boxes of a rank (Graphviz's `nodesep`)."""

    def children(self, group_id: str | None) -> tuple[str, ...]:
        """Ids of the clusters directly inside a cluster (or at the top, for None)."""
        return tuple(c for c, cluster in self.clusters.items() if cluster.parent == group_id)

    def inside(self, node_id: str, group_id: str) -> bool:
        """True when a node is drawn inside a cluster, at any depth."""
        for cluster_id, cluster in self.clusters.items():
            if node_id in cluster.nodes or node_id == cluster.placeholder:
                current: str | None = cluster_id
                while current is not None:
                    if current == group_id:
                        return True
                    current = self.clusters[current].parent
                return False
        return False


def stand_in(
    element_id: str, name: str, description: str, loc: Loc, tool: str | None = None
) -> Component:
    """A component-shaped record for a box that is not a component (a collapsed group, an
    actor, a lane's step), so that every box is drawn by the same code."""
    return Component(
        id=element_id,
        name=name,
        tool=tool,
        capabilities=(),
        group=None,
        description=description,
        owner="",
        links=(),
        loc=loc,
    )


def actor_icon(kind: str) -> IconRef:
    """The project-made icon of an actor kind (person, team, automation, external)."""
    found = _builtin_file_icon(DATA_DIR / "icons" / f"actor-{kind}.png")
    return found or IconRef(name="mlopsdiag/icons/generic.png", file=GENERIC_ICON)


def step_marks(arch: Architecture, steps: Iterable[Step]) -> tuple[StepMark, ...]:
    """The marks of some process steps, with each actor's display name."""
    names = {a.id: a.name for a in arch.actors}
    return tuple(
        StepMark(s.number, plain(s.do), names.get(s.by, s.by), s.manual, plain(s.otherwise))
        for s in steps
    )


def drawn_kind(flow: Flow) -> str:
    """The kind a flow is drawn and listed in the legend as: its own, or the default for a
    kind the legend does not know."""
    return flow.kind if flow.kind in FLOW_STYLES else DEFAULT_KIND


def _file_icon(path: Path, name: str) -> IconRef | None:
    return IconRef(name=name, file=path) if path.is_file() else None


@cache  # the package's own files do not change while it runs (`serve` included)
def _builtin_file_icon(path: Path) -> IconRef | None:
    try:
        relative = path.resolve().relative_to(DATA_DIR)
    except ValueError:
        return None
    return _file_icon(path, "mlopsdiag/" + relative.as_posix())


def capability_icon(arch: Architecture, capability: str | None) -> IconRef:
    """The project-made icon of a capability, or the generic one."""
    if capability:
        found = _builtin_file_icon(arch.catalog.capability_icon(capability))
        if found is not None:
            return found
    return IconRef(name="mlopsdiag/icons/generic.png", file=GENERIC_ICON)


def tool_icon(arch: Architecture, tool: Tool) -> IconRef:
    """A tool's icon: its `diagrams` class, else its PNG, else its main capability's icon."""
    if tool.icon.diagrams:
        return IconRef(name="", diagrams_class=tool.icon.diagrams)
    file = tool.icon.file
    if file is not None:
        found = _builtin_file_icon(file) if tool.builtin else None
        found = found or _file_icon(file, f"project/{tool.id}{file.suffix.lower()}")
        if found is not None:
            return found
    return capability_icon(arch, tool.capabilities[0] if tool.capabilities else None)


def component_icon(arch: Architecture, component: Component) -> IconRef:
    """A component's icon: its tool's, else the icon of its first capability."""
    tool = arch.tool_of(component.id)
    if tool is not None:
        return tool_icon(arch, tool)
    return capability_icon(arch, component.capabilities[0] if component.capabilities else None)


def tool_name(tool: Tool | None, name: str) -> str:
    """A tool's name when it differs from an element's name (shown under it), else empty."""
    return _tool_name(tool, name)


def _tool_name(tool: Tool | None, name: str) -> str:
    if tool is None or tool.name.casefold() == name.casefold():
        return ""
    return tool.name


def view_components(arch: Architecture, view: View) -> tuple[str, ...]:
    """Ids of the components a view shows, in spec order."""
    wanted: set[str] = set()
    for element in view.include:
        wanted.update(arch.expand(element))
    return tuple(c.id for c in arch.components if c.id in wanted)


def _is_implicit_overview(arch: Architecture, view: View) -> bool:
    return view.id == "overview" and all(v.id != "overview" for v in arch.views)


def _view_groups(arch: Architecture, view: View, shown: tuple[str, ...]) -> set[str]:
    """Groups drawn: around every shown component, every included group, and (in the
    implicit overview) every group of the spec, even an empty one."""
    groups: set[str] = set()
    for component_id in shown:
        groups.update(arch.ancestors(arch.components_by_id[component_id].group))
    elements = arch.groups_by_id if _is_implicit_overview(arch, view) else view.include
    for element in elements:
        if element in arch.groups_by_id:
            groups.update(arch.ancestors(element))
    return groups


def _clusters(
    arch: Architecture, shown: tuple[str, ...], groups: set[str]
) -> dict[str, SceneCluster]:
    clusters: dict[str, SceneCluster] = {}
    for group in arch.groups:
        if group.id not in groups:
            continue
        direct = tuple(c for c in shown if arch.components_by_id[c].group == group.id)
        has_members = any(group.id in arch.ancestors(arch.components_by_id[c].group) for c in shown)
        tool = arch.tool_of(group.id)
        clusters[group.id] = SceneCluster(
            group=group,
            parent=group.parent,
            depth=sum(1 for _ in arch.ancestors(group.parent)),
            icon=tool_icon(arch, tool) if tool is not None else None,
            tool_name=_tool_name(tool, group.name),
            nodes=direct,
            placeholder=None if has_members else f"_empty_{group.id}",
        )
    return clusters


class _Ends:
    """Picks the node an arrow to or from a group attaches to (then clipped at the border)."""

    def __init__(self, arch: Architecture, scene_nodes: tuple[str, ...], flows: tuple[Flow, ...]):
        self.arch = arch
        self.shown = scene_nodes
        self.flows = flows

    def members(self, group_id: str) -> tuple[str, ...]:
        arch = self.arch
        return tuple(
            c for c in self.shown if group_id in arch.ancestors(arch.components_by_id[c].group)
        )

    def pick(self, group_id: str, placeholder: str | None, *, entering: bool, avoid: str) -> str:
        """A member with no arrow from (entering) or to (leaving) another member, if any."""
        members = self.members(group_id)
        if not members:
            return placeholder or avoid
        inner = set(members)
        linked = {
            (f.target if entering else f.source)
            for f in self.flows
            if f.source in inner and f.target in inner and f.source != f.target
        }
        ordered = members if entering else tuple(reversed(members))
        for candidates in ([m for m in ordered if m not in linked], list(ordered)):
            for member in candidates:
                if member != avoid:
                    return member
        return ordered[0]


def mark_deployed(scene: Scene, deployed: Mapping[str, str] | None) -> Scene:
    """The scene with each component box, collapsed group box and group cluster marked by
    how it compared with what is deployed (`deployed`: element id -> matched, missing or
    mismatched; None or empty: unmarked)."""
    if not deployed:
        return scene
    nodes = {
        node_id: replace(node, deployed=deployed.get(node_id, ""))
        if node.look in _DEPLOYABLE_LOOKS
        else node
        for node_id, node in scene.nodes.items()
    }
    clusters = {
        group_id: replace(cluster, deployed=deployed.get(group_id, ""))
        if cluster.look == "group"
        else cluster
        for group_id, cluster in scene.clusters.items()
    }
    return replace(scene, nodes=nodes, clusters=clusters)


_DEPLOYABLE_LOOKS = frozenset({"component", "group"})
"""Boxes that stand for an element that may be deployed (a component, a collapsed group)."""


def build_scene(arch: Architecture, view: View, width: int = SITE_WIDTH) -> Scene:
    """The scene of one view of an architecture, to be drawn `width` pixels wide."""
    shown = view_components(arch, view)
    clusters = _clusters(arch, shown, _view_groups(arch, view, shown))
    nodes = {}
    for component_id in shown:
        component = arch.components_by_id[component_id]
        nodes[component_id] = SceneNode(
            component=component,
            icon=component_icon(arch, component),
            tool_name=_tool_name(arch.tool_of(component_id), component.name),
        )
    roots = tuple(c for c in shown if arch.components_by_id[c].group not in clusters)
    scene = Scene(
        name=arch.name,
        view=view,
        direction=view.direction or arch.direction,
        source_name=Path(arch.source_path).name,
        nodes=nodes,
        clusters=clusters,
        roots=roots,
        edges=(),
        kinds=(),
        text_size=VIEW_TEXT_SIZE,
        width=width,
    )
    ends = _Ends(arch, shown, arch.flows)
    edges: list[SceneEdge] = []
    for flow in arch.flows:
        if not (_present(flow.source, nodes, clusters) and _present(flow.target, nodes, clusters)):
            continue
        tail, ltail = _endpoint(scene, ends, flow.source, entering=False, avoid=flow.target)
        head, lhead = _endpoint(scene, ends, flow.target, entering=True, avoid=tail)
        if flow.source == flow.target:
            # A group's flow to itself: a loop on one member, not an arrow between two.
            head, ltail, lhead = tail, None, None
        if ltail is not None and (scene.inside(head, ltail) or ltail == lhead):
            ltail = None
        if lhead is not None and scene.inside(tail, lhead):
            lhead = None
        edges.append(
            SceneEdge(
                flow=flow,
                tail=tail,
                head=head,
                ltail=ltail,
                lhead=lhead,
                tail_name=_element_name(arch, flow.source),
                head_name=_element_name(arch, flow.target),
            )
        )
    edges = _mark_loops(edges)
    used = {drawn_kind(e.flow) for e in edges}
    return replace(scene, edges=tuple(edges), kinds=tuple(k for k in FLOW_STYLES if k in used))


# Which arrows give the layout its direction: when flows form a loop (monitoring triggers
# retraining, outcomes feed back into the data), the one of the latest kind in this order
# closes it and is laid out the other way round (drawn pointing back), so data runs left to
# right and the loop does not drag the trigger to the far end of the diagram.
_RANKING_ORDER = ("data", "features", "model", "predictions", "metrics", "control", "feedback")


def mark_loops(edges: list[SceneEdge]) -> list[SceneEdge]:
    """The edges with each arrow that closes a loop marked `backwards` (see above)."""
    return _mark_loops(edges)


def _mark_loops(edges: list[SceneEdge]) -> list[SceneEdge]:
    order = {kind: i for i, kind in enumerate(_RANKING_ORDER)}
    ranked = sorted(
        range(len(edges)), key=lambda i: (order.get(edges[i].flow.kind, 0), edges[i].flow.index)
    )
    successors: dict[str, set[str]] = {}
    loops: set[int] = set()
    for i in ranked:
        edge = edges[i]
        if edge.tail == edge.head or _reaches(successors, edge.head, edge.tail):
            loops.add(i)
        else:
            successors.setdefault(edge.tail, set()).add(edge.head)
    return [
        replace(e, backwards=True) if i in loops and e.tail != e.head else e
        for i, e in enumerate(edges)
    ]


def _reaches(successors: Mapping[str, set[str]], start: str, goal: str) -> bool:
    stack, seen = [start], {start}
    while stack:
        current = stack.pop()
        if current == goal:
            return True
        for following in successors.get(current, ()):
            if following not in seen:
                seen.add(following)
                stack.append(following)
    return False


def _present(
    element: str, nodes: Mapping[str, SceneNode], clusters: Mapping[str, SceneCluster]
) -> bool:
    return element in nodes or element in clusters


def _element_name(arch: Architecture, element: str) -> str:
    item = arch.components_by_id.get(element) or arch.groups_by_id.get(element)
    return item.name if item is not None else element


def _endpoint(
    scene: Scene, ends: _Ends, element: str, *, entering: bool, avoid: str
) -> tuple[str, str | None]:
    if element in scene.nodes:
        return element, None
    cluster = scene.clusters[element]
    return ends.pick(element, cluster.placeholder, entering=entering, avoid=avoid), element
