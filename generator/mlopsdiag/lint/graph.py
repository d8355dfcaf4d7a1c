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
    succ: dict[str, dict[str, None]] = {}
    for flow in arch.flows:
        if flow.kind not in kinds:
            continue
        targets = endpoints(arch, flow.target)
        for source in endpoints(arch, flow.source):
            bucket = succ.setdefault(source, {})
            for target in targets:
                if target != source:
                    bucket[target] = None
    return FlowGraph(MappingProxyType({k: tuple(v) for k, v in succ.items()}))


def effective_capabilities(arch: Architecture, node: str) -> frozenset[str]:
    """What a node provides: a component's own and tool capabilities plus its groups' tools."""
    if node in arch.components_by_id:
        caps = set(arch.capabilities_of(node))
        for group in arch.ancestors(arch.components_by_id[node].group):
            caps.update(arch.group_capabilities(group))
        return frozenset(caps)
    found: set[str] = set()
    for group in arch.ancestors(node):
        found.update(arch.group_capabilities(group))
    return frozenset(found)


def providers(arch: Architecture, capability: str) -> frozenset[str]:
    """Nodes that provide a capability, counting the tools of enclosing groups."""
    nodes = [c.id for c in arch.components] + [g.id for g in arch.groups if not arch.members(g.id)]
    return frozenset(n for n in nodes if capability in effective_capabilities(arch, n))


def with_capability(arch: Architecture, *capabilities: str) -> tuple[str, ...]:
    """Ids of components that list, or whose tool provides, any of the capabilities (spec order)."""
    wanted = set(capabilities)
    return tuple(c.id for c in arch.components if wanted & arch.capabilities_of(c.id))
