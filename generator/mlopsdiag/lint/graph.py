"""Reachability over an architecture's flows, with groups standing for their members."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.schema import FLOW_KINDS

ALL_KINDS = frozenset(FLOW_KINDS)
"""Every flow kind of spec-v1."""

DATA_KINDS = frozenset({"data", "features", "predictions", "feedback"})
"""Flows that carry records a model could be trained on (not triggers, metrics or models)."""

MODEL_KINDS = frozenset({"model", "data", "control"})
"""Flows a model artifact, or the order to deploy one, can travel along (`data` is the default kind)."""

FEATURE_KINDS = frozenset({"features", "data"})
"""Flows that carry feature values."""


@dataclass(frozen=True)
class FlowGraph:
    """Directed graph of flows between nodes: component ids, and ids of groups without members."""

    successors: Mapping[str, tuple[str, ...]]

    def reachable(self, start: str, *, blocked: Iterable[str] = ()) -> frozenset[str]:
        """Nodes reached from `start` by one or more flows; a blocked node is reached but not crossed."""
        stop = frozenset(blocked)
        seen: set[str] = set()
        queue = deque(self.successors.get(start, ()))
        while queue:
            node = queue.popleft()
            if node in seen:
                continue
            seen.add(node)
            if node not in stop:
                queue.extend(self.successors.get(node, ()))
        return frozenset(seen)


def endpoints(arch: Architecture, element_id: str) -> tuple[str, ...]:
    """Nodes a flow end stands for: the component, a group's members, or an empty group itself."""
    return arch.expand(element_id) or (element_id,)


def flow_graph(arch: Architecture, kinds: frozenset[str] = ALL_KINDS) -> FlowGraph:
    """The graph of the flows of the given kinds; a flow to or from a group links its members."""
    ends: dict[str, tuple[str, ...]] = {}
    succ: dict[str, dict[str, None]] = {}
    for flow in arch.flows:
        if flow.kind not in kinds:
            continue
        for end in (flow.source, flow.target):
            if end not in ends:
                ends[end] = endpoints(arch, end)
        targets = ends[flow.target]
        for source in ends[flow.source]:
            bucket = succ.setdefault(source, {})
            for target in targets:
                if target != source:
                    bucket[target] = None
    return FlowGraph(MappingProxyType({k: tuple(v) for k, v in succ.items()}))


@dataclass(frozen=True)
class CapabilityIndex:
    """Who has what, computed once per architecture."""

    own: Mapping[str, frozenset[str]]
    """Component id -> what it lists plus its tool's defaults (spec order)."""
    effective: Mapping[str, frozenset[str]]
    """Node -> `own` plus the tools of enclosing groups; empty groups are nodes too."""

    def providers(self, capability: str) -> frozenset[str]:
        """Nodes that provide a capability, counting the tools of enclosing groups."""
        return frozenset(n for n, caps in self.effective.items() if capability in caps)

    def with_capability(self, *capabilities: str) -> tuple[str, ...]:
        """Components that list, or whose tool provides, any of the capabilities (spec order)."""
        wanted = set(capabilities)
        return tuple(c for c, caps in self.own.items() if wanted & caps)


def capability_index(arch: Architecture) -> CapabilityIndex:
    """The capabilities of every component and node of an architecture (built once per model)."""
    return arch.derived("capability_index", _build_index)


def _build_index(arch: Architecture) -> CapabilityIndex:
    group_tools: dict[str, frozenset[str]] = {}
    for group in arch.groups:
        inherited: set[str] = set()
        for ancestor in arch.ancestors(group.id):
            inherited.update(arch.group_capabilities(ancestor))
        group_tools[group.id] = frozenset(inherited)
    own = {c.id: arch.capabilities_of(c.id) for c in arch.components}
    effective = {
        c.id: own[c.id] | group_tools.get(c.group, frozenset()) if c.group else own[c.id]
        for c in arch.components
    }
    populated = {c.group for c in arch.components if c.group}
    populated.update(p for g in list(populated) for p in arch.ancestors(g))
    for group in arch.groups:
        if group.id not in populated:
            effective[group.id] = group_tools[group.id]
    return CapabilityIndex(MappingProxyType(own), MappingProxyType(effective))


def effective_capabilities(arch: Architecture, node: str) -> frozenset[str]:
    """What a node provides: a component's own and tool capabilities plus its groups' tools."""
    return capability_index(arch).effective.get(node, frozenset())


def providers(arch: Architecture, capability: str) -> frozenset[str]:
    """Nodes that provide a capability, counting the tools of enclosing groups."""
    return capability_index(arch).providers(capability)


def with_capability(arch: Architecture, *capabilities: str) -> tuple[str, ...]:
    """Ids of components that list, or whose tool provides, any of the capabilities (spec order)."""
    return capability_index(arch).with_capability(*capabilities)
