"""What an architecture has: capability coverage and the inferred MLOps maturity level."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from mlopsdiag.lint.graph import CapabilityIndex, capability_index, endpoints
from mlopsdiag.spec.model import Architecture

RETRAINING_TRIGGER = "continuous-training"
"""Token for "a retraining trigger": the capability, or a control flow from monitoring to training."""

LEVEL_REQUIREMENTS: Mapping[int, tuple[str, ...]] = MappingProxyType(
    {
        1: (
            "orchestration",
            "data-validation",
            "model-validation",
            "experiment-tracking",
            RETRAINING_TRIGGER,
        ),
        2: ("ci-cd", "model-registry"),
    }
)
"""What each level of Google's MLOps levels adds to the one below (spec-v1, last section)."""

MAX_LEVEL = max(LEVEL_REQUIREMENTS)


@dataclass(frozen=True)
class Analysis:
    """Facts about one architecture that the linter, `validate --format json` and the site share."""

    inferred_level: int
    claimed_level: int | None
    missing_for_next: tuple[str, ...]
    """Requirements missing for `inferred_level + 1` (empty at the top level)."""
    missing_for_claim: tuple[str, ...]
    """Requirements missing for the claimed level (empty when the claim holds or is absent)."""
    coverage: Mapping[str, tuple[str, ...]]
    """Every taxonomy capability -> ids of the components and groups (by tool) that provide it."""
    trigger_flows: tuple[int, ...]
    """Indexes of control flows from a monitoring element to training (retraining triggers)."""

    @property
    def claim_supported(self) -> bool:
        """True when there is no claim or the design reaches it."""
        return self.claimed_level is None or self.claimed_level <= self.inferred_level


def _coverage(arch: Architecture) -> dict[str, tuple[str, ...]]:
    taxonomy = list(arch.catalog.capabilities)
    found: dict[str, list[str]] = {cap: [] for cap in taxonomy}
    for component_id, caps in capability_index(arch).own.items():
        for cap in sorted(caps):
            found.setdefault(cap, []).append(component_id)
    for group in arch.groups:
        for cap in sorted(arch.group_capabilities(group.id)):
            found.setdefault(cap, []).append(group.id)
    return {cap: tuple(ids) for cap, ids in found.items()}


def _element_capabilities(
    arch: Architecture, index: CapabilityIndex, element_id: str, *, inherit: bool
) -> frozenset[str]:
    """Capabilities a flow end stands for; `inherit` adds the tools of enclosing groups."""
    caps: set[str] = set()
    if element_id in arch.groups_by_id:
        for group in arch.ancestors(element_id):
            caps.update(arch.group_capabilities(group))
    table = index.effective if inherit else index.own
    for node in endpoints(arch, element_id):
        caps.update(table.get(node, ()))
    return frozenset(caps)


def trigger_flows(arch: Architecture) -> tuple[int, ...]:
    """Control flows from a monitoring component (or group) to training or a group holding it."""
    index = capability_index(arch)
    return tuple(
        flow.index
        for flow in arch.flows
        if flow.kind == "control"
        and "monitoring" in _element_capabilities(arch, index, flow.source, inherit=True)
        and "training" in _element_capabilities(arch, index, flow.target, inherit=False)
    )


def _missing(has: frozenset[str], level: int) -> tuple[str, ...]:
    needed = [req for lvl in range(1, level + 1) for req in LEVEL_REQUIREMENTS[lvl]]
    return tuple(req for req in needed if req not in has)


def analyze(arch: Architecture) -> Analysis:
    """Coverage and maturity of an architecture (computed once per model object)."""
    return arch.derived("analysis", _analyze)


def _analyze(arch: Architecture) -> Analysis:
    coverage = _coverage(arch)
    triggers = trigger_flows(arch)
    has = {cap for cap, ids in coverage.items() if ids}
    if triggers:
        has.add(RETRAINING_TRIGGER)
    present = frozenset(has)
    inferred = 0
    while inferred < MAX_LEVEL and not _missing(present, inferred + 1):
        inferred += 1
    claimed = arch.metadata.maturity
    return Analysis(
        inferred_level=inferred,
        claimed_level=claimed,
        missing_for_next=_missing(present, inferred + 1) if inferred < MAX_LEVEL else (),
        missing_for_claim=_missing(present, claimed) if claimed and claimed > inferred else (),
        coverage=MappingProxyType(coverage),
        trigger_flows=triggers,
    )
