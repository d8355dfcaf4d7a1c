"""What an architecture has: capability coverage and the inferred MLOps maturity level."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
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
        # Google's level 2 has a monitoring stage whose output can trigger the pipeline.
        2: ("ci-cd", "model-registry", "monitoring"),
    }
)
"""What each level of Google's MLOps levels adds to the one below (spec-v1, last section)."""

MAX_LEVEL = max(LEVEL_REQUIREMENTS)

LEVELS_DO_NOT_FIT = (
    "Google's levels measure how a team automates retraining its own models; this system "
    "serves a language model it does not train, so the level says little about it: judge it "
    "by its evaluation, tracing, guardrails and versioned prompts and indexes instead"
)
"""Shown, instead of the way to the next level, for a system that serves an LLM it does not train."""


DECLARED = "declared"
TOOL_DEFAULT = "tool default"
INFERRED = "inferred"


@dataclass(frozen=True)
class Mark:
    """Why one component or group counts for a capability."""

    element: str
    """Component or group id."""
    origin: str
    """`declared` (its `capabilities:`), `tool default` or `inferred` (from a flow)."""
    flow: int | None = None
    """Index of the flow an inferred mark comes from."""

    def describe(self) -> str:
        """Where the mark comes from, in words: `declared`, `tool default`, `inferred from flow 3`."""
        if self.origin == INFERRED and self.flow is not None:
            return f"inferred from flow {self.flow + 1}"
        return self.origin


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
    marks: Mapping[str, tuple[Mark, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """Every taxonomy capability -> where each providing element's mark comes from."""
    levels_note: str = ""
    """Why Google's levels say little about this system (empty when they fit)."""

    @property
    def claim_supported(self) -> bool:
        """True when there is no claim or the design reaches it."""
        return self.claimed_level is None or self.claimed_level <= self.inferred_level


FEEDBACK_COLLECTION = "feedback-collection"

INFERRED_FROM_FLOWS: Mapping[str, str] = MappingProxyType(
    {
        FEEDBACK_COLLECTION: "the target of a `feedback` flow keeps the outcomes it receives",
        RETRAINING_TRIGGER: "the target of a `control` flow from monitoring to training "
        "retrains when monitoring says so",
    }
)
"""Capabilities read from the drawing, and the reasoning the site shows for them."""


def _marks(arch: Architecture, triggers: tuple[int, ...]) -> dict[str, list[Mark]]:
    found: dict[str, list[Mark]] = {cap: [] for cap in arch.catalog.capabilities}
    for component in arch.components:
        declared = set(component.capabilities)
        for cap in sorted(arch.capabilities_of(component.id)):
            origin = DECLARED if cap in declared else TOOL_DEFAULT
            found.setdefault(cap, []).append(Mark(component.id, origin))
    for group in arch.groups:
        for cap in sorted(arch.group_capabilities(group.id)):
            found.setdefault(cap, []).append(Mark(group.id, TOOL_DEFAULT))
    inferred = [(FEEDBACK_COLLECTION, f) for f in arch.flows if f.kind == "feedback"]
    inferred += [(RETRAINING_TRIGGER, arch.flows[i]) for i in triggers]
    for cap, flow in inferred:
        marks = found.setdefault(cap, [])
        if all(m.element != flow.target for m in marks):
            marks.append(Mark(flow.target, INFERRED, flow.index))
    return found


def _coverage(marks: Mapping[str, list[Mark]]) -> dict[str, tuple[str, ...]]:
    return {cap: tuple(m.element for m in found) for cap, found in marks.items()}


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
    triggers = trigger_flows(arch)
    marks = _marks(arch, triggers)
    coverage = _coverage(marks)
    has = {cap for cap, ids in coverage.items() if ids}
    if triggers:
        has.add(RETRAINING_TRIGGER)
    if "llm-serving" in has and "llm-observability" in has:
        has.add("monitoring")  # traces are the monitoring of LLM serving (llm-observability.md)
    present = frozenset(has)
    inferred = 0
    while inferred < MAX_LEVEL and not _missing(present, inferred + 1):
        inferred += 1
    claimed = arch.metadata.maturity
    levels_note = (
        LEVELS_DO_NOT_FIT if "llm-serving" in present and "training" not in present else ""
    )
    return Analysis(
        inferred_level=inferred,
        claimed_level=claimed,
        missing_for_next=_missing(present, inferred + 1) if inferred < MAX_LEVEL else (),
        missing_for_claim=_missing(present, claimed) if claimed and claimed > inferred else (),
        coverage=MappingProxyType(coverage),
        trigger_flows=triggers,
        marks=MappingProxyType({cap: tuple(found) for cap, found in marks.items()}),
        levels_note=levels_note,
    )
