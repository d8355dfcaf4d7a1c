"""The typed, frozen model of a validated spec, and pure queries over it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from mlopsdiag.catalog import Catalog, Tool

T = TypeVar("T")


@dataclass(frozen=True)
class Loc:
    """Where an element was written: file, 1-based line and column."""

    path: str
    line: int
    col: int


@dataclass(frozen=True)
class Metadata:
    """The `metadata` block."""

    name: str
    title: str
    description: str = ""
    owners: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    lifecycle: str = ""
    maturity: int | None = None


@dataclass(frozen=True)
class Deployed:
    """One running object an element is (`deployed`), as `mlopsdiag drift` looks for it."""

    kind: str
    """A Kubernetes kind, or kfp-pipeline, kfp-task, compose-service, mlflow-model, alert."""
    name: str
    loc: Loc
    field: str
    """Field path of the binding, e.g. `components[3].deployed` or `groups[0].deployed[1]`."""
    namespace: str = ""
    pipeline: str = ""
    """kfp-task only: the compiled pipeline the task belongs to."""
    alias: str = ""
    """mlflow-model only: the registry alias whose version should be served."""


@dataclass(frozen=True)
class Group:
    """A cluster of components, possibly nested."""

    id: str
    name: str
    parent: str | None
    tool: str | None
    loc: Loc
    drop_capabilities: tuple[str, ...] = ()
    """Capabilities of the group's tool that this system does not use."""
    deployed: tuple[Deployed, ...] = ()
    """The running objects the group is, for `mlopsdiag drift`."""


@dataclass(frozen=True)
class Component:
    """One box of the architecture."""

    id: str
    name: str
    tool: str | None
    capabilities: tuple[str, ...]
    group: str | None
    description: str
    owner: str
    links: tuple[tuple[str, str], ...]
    loc: Loc
    drop_capabilities: tuple[str, ...] = ()
    """Capabilities of the component's tool that this system does not use."""
    deployed: tuple[Deployed, ...] = ()
    """The running objects the component is, for `mlopsdiag drift`."""


@dataclass(frozen=True)
class Flow:
    """An arrow from one component or group to another."""

    index: int
    source: str
    target: str
    label: str
    kind: str
    loc: Loc


@dataclass(frozen=True)
class View:
    """A diagram of part (or, for `overview`, all) of the architecture."""

    id: str
    title: str
    include: tuple[str, ...]
    direction: str | None
    loc: Loc


@dataclass(frozen=True)
class Contact:
    """A person in the runbook."""

    id: str
    name: str
    role: str = ""
    reach: str = ""


@dataclass(frozen=True)
class Access:
    """Where a credential lives (never the credential)."""

    name: str
    where: str
    granted_by: str = ""
    id: str = ""
    """Optional id that procedures name in `needs`."""
    break_glass: str = ""
    """How to get the access when whoever grants it cannot be reached (a reference or
    instructions, never the credential)."""


@dataclass(frozen=True)
class ProcedureStep:
    """One step of a runbook procedure: what to do and, optionally, the command to run."""

    do: str
    run: str = ""


@dataclass(frozen=True)
class Procedure:
    """Numbered steps for the person on call."""

    id: str
    kind: str
    title: str
    when: str
    steps: tuple[str, ...]
    """What each step says to do (the `do` of a mapping step), in order."""
    components: tuple[str, ...]
    loc: Loc
    needs: tuple[str, ...] = ()
    """Ids of the runbook access entries this procedure needs."""
    approver: str = ""
    """Contact id of who must approve the procedure, if anyone."""
    step_details: tuple[ProcedureStep, ...] = ()
    """The steps with their commands; empty when built by older code (then see `steps`)."""
    alerts: tuple[str, ...] = ()
    """Names of the Prometheus alerting rules that call for this procedure."""


@dataclass(frozen=True)
class Dashboard:
    """A dashboard link."""

    name: str
    url: str


@dataclass(frozen=True)
class FailureMode:
    """A known way the system breaks."""

    symptom: str
    cause: str = ""
    procedure: str = ""
    fix: str = ""


@dataclass(frozen=True)
class Runbook:
    """The 'if I'm gone' cheat sheet."""

    loc: Loc
    summary: str = ""
    last_verified: dt.date | None = None
    contacts: tuple[Contact, ...] = ()
    escalation: tuple[str, ...] = ()
    access: tuple[Access, ...] = ()
    procedures: tuple[Procedure, ...] = ()
    dashboards: tuple[Dashboard, ...] = ()
    failure_modes: tuple[FailureMode, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Actor:
    """Who does the work: a person, a team, an automation or an outside party."""

    id: str
    name: str
    kind: str
    """person | team | automation | external"""
    contact: str
    """Runbook contact id of who usually plays this actor, or empty."""
    loc: Loc


@dataclass(frozen=True)
class Step:
    """One numbered step of a process: at one element, or moving along flows from one to another."""

    number: int
    """1, 2, 3 ... in the order written."""
    do: str
    at: str | None
    source: str | None
    """The step's `from` (with `target`), when it has no `at`."""
    target: str | None
    by: str
    """Actor id, or empty."""
    manual: bool
    otherwise: str
    on_failure: str
    """Runbook procedure id, or empty."""
    loc: Loc

    @property
    def start(self) -> str:
        """Where the step begins: its `from`, else its `at`."""
        return self.source or self.at or ""

    @property
    def end(self) -> str:
        """Where the step ends: its `to`, else its `at`."""
        return self.target or self.at or ""


@dataclass(frozen=True)
class Process:
    """How work moves through the system: ordered steps, with trigger, owner and outcome."""

    id: str
    title: str
    trigger: str
    owner: str
    """Actor id, contact id or team name, or empty."""
    outcome: str
    steps: tuple[Step, ...]
    loc: Loc


@dataclass(frozen=True)
class RuleOverride:
    """A lint rule switched off for one spec."""

    rule: str
    reason: str
    loc: Loc


@dataclass(frozen=True)
class Architecture:
    """A validated spec. Build it with `mlopsdiag.spec.validate`, never by hand from YAML."""

    metadata: Metadata
    groups: tuple[Group, ...]
    components: tuple[Component, ...]
    flows: tuple[Flow, ...]
    views: tuple[View, ...]
    runbook: Runbook | None
    catalog: Catalog
    source_path: str
    direction: str = "LR"
    lint_disable: tuple[RuleOverride, ...] = ()
    locations: Mapping[str, Loc] = field(default_factory=dict)
    actors: tuple[Actor, ...] = ()
    processes: tuple[Process, ...] = ()
    """Position of any field by its path text, e.g. `metadata.maturity`, `components[2].tool`."""

    @property
    def name(self) -> str:
        """The architecture's slug."""
        return self.metadata.name

    def loc(self, field_path: str) -> Loc:
        """Position of a field (or of the document start when it is absent)."""
        return (
            self.locations.get(field_path) or self.locations.get("") or Loc(self.source_path, 1, 1)
        )

    def derived(self, key: str, compute: Callable[[Architecture], T]) -> T:
        """A fact computed from this model once and kept as long as the model lives."""
        memo: dict[str, Any] = self.__dict__.setdefault("_derived", {})
        if key not in memo:
            memo[key] = compute(self)
        result: T = memo[key]
        return result

    @cached_property
    def components_by_id(self) -> Mapping[str, Component]:
        """Components keyed by id."""
        return {c.id: c for c in self.components}

    @cached_property
    def groups_by_id(self) -> Mapping[str, Group]:
        """Groups keyed by id."""
        return {g.id: g for g in self.groups}

    def tool_of(self, element_id: str) -> Tool | None:
        """The catalogue tool of a component or group, if any."""
        item = self.components_by_id.get(element_id) or self.groups_by_id.get(element_id)
        tool_id = item.tool if item is not None else None
        return self.catalog.tools.get(tool_id) if tool_id else None

    def capabilities_of(self, component_id: str) -> frozenset[str]:
        """A component's capabilities: its own list plus its tool's defaults, less those dropped."""
        component = self.components_by_id[component_id]
        tool = self.tool_of(component_id)
        own = set(component.capabilities)
        if tool is not None:
            own.update(set(tool.capabilities) - set(component.drop_capabilities))
        return frozenset(own)

    def group_capabilities(self, group_id: str) -> frozenset[str]:
        """Capabilities a group brings through its tool, less those it drops."""
        tool = self.tool_of(group_id)
        if tool is None:
            return frozenset()
        return frozenset(tool.capabilities) - frozenset(
            self.groups_by_id[group_id].drop_capabilities
        )

    def ancestors(self, group_id: str | None) -> Iterator[str]:
        """The group itself and every enclosing group, innermost first."""
        while group_id is not None and group_id in self.groups_by_id:
            yield group_id
            group_id = self.groups_by_id[group_id].parent

    def members(self, group_id: str) -> tuple[str, ...]:
        """Ids of every component inside a group, nested groups included, in spec order."""
        return tuple(c.id for c in self.components if group_id in self.ancestors(c.group))

    def expand(self, element_id: str) -> tuple[str, ...]:
        """Component ids an element stands for: itself, or a group's members."""
        if element_id in self.components_by_id:
            return (element_id,)
        return self.members(element_id)

    def all_views(self) -> tuple[View, ...]:
        """The implicit `overview` view followed by the spec's own views."""
        overview = View(
            id="overview",
            title=f"{self.metadata.title}: overview",
            include=tuple(c.id for c in self.components),
            direction=None,
            loc=self.loc("metadata"),
        )
        own = tuple(v for v in self.views if v.id != "overview")
        declared = [v for v in self.views if v.id == "overview"]
        return (declared[0] if declared else overview, *own)
