"""The lint rules: documentation from rules.yaml plus one small check function per rule."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from mlopsdiag.catalog import (
    UNMAINTAINED,
    Catalog,
    Source,
    Tool,
    read_data_yaml,
    source_from_data,
)
from mlopsdiag.errors import Severity
from mlopsdiag.lint.analysis import RETRAINING_TRIGGER, Analysis, analyze
from mlopsdiag.lint.graph import (
    ALL_KINDS,
    DATA_KINDS,
    FEATURE_KINDS,
    MODEL_KINDS,
    CapabilityIndex,
    FlowGraph,
    capability_index,
    endpoints,
    flow_graph,
)
from mlopsdiag.spec.model import Architecture, Component, Group, Loc, ProcedureStep
from mlopsdiag.templates_dir import package_data_dir

RULES_FILE = package_data_dir("mlopsdiag.lint") / "rules.yaml"
STALE_AFTER_DAYS = 180
SERVING = ("online-serving", "batch-prediction", "llm-serving")
LLM = "llm-serving"


@dataclass(frozen=True)
class Finding:
    """One place where a rule fires: the element's field path, its position, and what is wrong."""

    field: str
    loc: Loc
    message: str


class Context:
    """What a check may look at: the model, its analysis, flow graphs and the reference date."""

    def __init__(self, arch: Architecture, reference_date: dt.date) -> None:
        self.arch = arch
        self.reference_date = reference_date
        self._graphs: dict[frozenset[str], FlowGraph] = {}

    @cached_property
    def caps(self) -> CapabilityIndex:
        """Who has which capability."""
        return capability_index(self.arch)

    @cached_property
    def analysis(self) -> Analysis:
        """Coverage and maturity of the architecture."""
        return analyze(self.arch)

    def graph(self, kinds: frozenset[str]) -> FlowGraph:
        """The flow graph restricted to some flow kinds (built once per kind set)."""
        found = self._graphs.get(kinds)
        if found is None:
            found = self._graphs[kinds] = flow_graph(self.arch, kinds)
        return found

    def at(self, element_id: str, message: str) -> Finding:
        """A finding on a component or a group, by id."""
        for i, component in enumerate(self.arch.components):
            if component.id == element_id:
                return Finding(f"components[{i}]", component.loc, message)
        for i, group in enumerate(self.arch.groups):
            if group.id == element_id:
                return Finding(f"groups[{i}]", group.loc, message)
        raise KeyError(element_id)  # pragma: no cover - ids come from the model

    def at_field(self, field_path: str, message: str) -> Finding:
        """A finding on a field, e.g. `metadata.maturity`."""
        return Finding(field_path, self.arch.loc(field_path), message)


Check = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A lint rule: its documentation and the function that finds where it applies."""

    id: str
    severity: Severity
    title: str
    condition: str
    rationale: str
    fix: str
    example: str
    concepts: tuple[str, ...]
    sources: tuple[Source, ...]
    check: Check = field(repr=False, compare=False)


_CHECKS: dict[str, Check] = {}


def _register(rule_id: str) -> Callable[[Check], Check]:
    def add(func: Check) -> Check:
        _CHECKS[rule_id] = func
        return func

    return add


def _list(ids: Iterable[str]) -> str:
    items = [f"'{i}'" for i in ids]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --------------------------------------------------------------------------- flows


@_register("serving-without-monitoring")
def _serving_without_monitoring(ctx: Context) -> Iterator[Finding]:
    monitors = ctx.caps.providers("monitoring")
    graph = ctx.graph(ALL_KINDS)
    llm_servers = set(ctx.caps.with_capability(LLM))
    for server in ctx.caps.with_capability(*SERVING):
        # An LLM server is watched by llm-observability; llm-without-tracing reports it.
        if server in llm_servers:
            continue
        if server not in monitors and not graph.reachable(server) & monitors:
            yield ctx.at(
                server,
                f"'{server}' serves predictions but reaches no monitoring component; "
                "send its metrics or prediction log to one (e.g. evidently, prometheus)",
            )


@_register("training-without-tracking")
def _training_without_tracking(ctx: Context) -> Iterator[Finding]:
    trackers = ctx.caps.providers("experiment-tracking")
    graph = ctx.graph(ALL_KINDS)
    for trainer in ctx.caps.with_capability("training"):
        if trainer not in trackers and not graph.reachable(trainer) & trackers:
            yield ctx.at(
                trainer,
                f"'{trainer}' trains models but reaches no experiment-tracking component; "
                "log its runs to one (e.g. mlflow, wandb)",
            )


def _gate_on_model_path(ctx: Context, capability: str, what: str, hint: str) -> Iterator[Finding]:
    """Serving components that training reaches around every `capability` component."""
    trainers = ctx.caps.with_capability("training")
    servers = ctx.caps.with_capability(*SERVING)
    if not trainers or not servers:
        return
    gates = ctx.caps.providers(capability)
    graph = ctx.graph(MODEL_KINDS)
    for server in servers:
        if server in gates:
            continue
        if not gates:
            yield ctx.at(
                server,
                f"'{server}' serves a model but the architecture has no {what}; {hint}",
            )
            continue
        around = [
            t
            for t in trainers
            if t != server and t not in gates and server in graph.reachable(t, blocked=gates)
        ]
        if around:
            yield ctx.at(
                server,
                f"'{server}' gets its model from {_list(around)} without passing a {what}; {hint}",
            )


@_register("serving-bypasses-registry")
def _serving_bypasses_registry(ctx: Context) -> Iterator[Finding]:
    yield from _gate_on_model_path(
        ctx,
        "model-registry",
        "model registry",
        "register models (e.g. mlflow) and serve a registered version",
    )


@_register("serving-without-model-validation")
def _serving_without_model_validation(ctx: Context) -> Iterator[Finding]:
    yield from _gate_on_model_path(
        ctx,
        "model-validation",
        "model-validation step",
        "add an evaluation gate that compares each candidate with the current model",
    )


def _validated(graph: FlowGraph, validators: frozenset[str]) -> frozenset[str]:
    """Nodes whose every input is validated data: validators, and nodes fed only by such nodes."""
    preds: dict[str, set[str]] = {}
    for source, targets in graph.successors.items():
        for target in targets:
            preds.setdefault(target, set()).add(source)
    done = set(validators)
    changed = True
    while changed:
        changed = False
        for node, inputs in preds.items():
            if node not in done and inputs <= done:
                done.add(node)
                changed = True
    return frozenset(done)


@_register("training-without-data-validation")
def _training_without_data_validation(ctx: Context) -> Iterator[Finding]:
    trainers = ctx.caps.with_capability("training")
    if not trainers:
        return
    validators = ctx.caps.providers("data-validation")
    if not validators:
        for trainer in trainers:
            yield ctx.at(
                trainer,
                f"'{trainer}' trains on data that nothing validates: the architecture has no "
                "data-validation component; check each batch (e.g. great-expectations) "
                "before training",
            )
        return
    graph = ctx.graph(DATA_KINDS)
    clean = _validated(graph, validators)
    entries = [c for c in ctx.caps.with_capability("data-ingestion") if c not in clean]
    for trainer in trainers:
        if trainer in validators:
            continue
        unchecked = [
            e for e in entries if e == trainer or trainer in graph.reachable(e, blocked=validators)
        ]
        if unchecked:
            yield ctx.at(
                trainer,
                f"data reaches '{trainer}' from {_list(unchecked)} without passing a "
                "data-validation component; validate it where it enters",
            )


@_register("training-serving-skew-risk")
def _training_serving_skew_risk(ctx: Context) -> Iterator[Finding]:
    trainers = set(ctx.caps.with_capability("training"))
    online = ctx.caps.with_capability("online-serving")
    if not trainers or not online:
        return
    stores = ctx.caps.providers("feature-store")
    graph = ctx.graph(FEATURE_KINDS)
    fed: set[str] = set()
    for store in stores:
        reach = graph.reachable(store) | {store}
        if reach & trainers:
            fed |= reach
    for server in online:
        if server in fed:
            continue
        why = "no feature store feeds both" if stores else "the architecture has no feature store"
        yield ctx.at(
            server,
            f"'{server}' serves online while {_list(sorted(trainers))} trains, and {why}: "
            "features are likely computed twice; serve both from one feature store "
            "(e.g. feast) or disable the rule with the reason if they share one implementation",
        )


@_register("monitoring-without-alerting")
def _monitoring_without_alerting(ctx: Context) -> Iterator[Finding]:
    coverage = ctx.analysis.coverage
    # LLM traces are the monitoring of LLM serving: they need someone to hear about them too.
    monitors = coverage.get("monitoring", ()) + tuple(
        m for m in coverage.get("llm-observability", ()) if m not in coverage.get("monitoring", ())
    )
    if monitors and not coverage.get("alerting"):
        others = len(monitors) - 1
        also = f" (and {others} other{'s' if others > 1 else ''})" if others else ""
        yield ctx.at(
            monitors[0],
            f"'{monitors[0]}'{also} monitors the system but nothing alerts anyone; route it "
            "to an alerting component (e.g. alertmanager, pagerduty)",
        )


# --------------------------------------------------------------------------- maturity

_READABLE = {RETRAINING_TRIGGER: "continuous-training (a retraining trigger)"}


@_register("maturity-claim-unsupported")
def _maturity_claim_unsupported(ctx: Context) -> Iterator[Finding]:
    analysis = ctx.analysis
    if analysis.claim_supported:
        return
    missing = ", ".join(_READABLE.get(m, m) for m in analysis.missing_for_claim)
    fit = (
        "; these levels are about retraining pipelines and do not fit a system that serves an "
        "LLM it does not train: drop metadata.maturity"
        if analysis.levels_note
        else ""
    )
    yield ctx.at_field(
        "metadata.maturity",
        f"claims MLOps level {analysis.claimed_level} but the architecture reaches level "
        f"{analysis.inferred_level}; missing: {missing}{fit}",
    )


# --------------------------------------------------------------------------- ownership and runbook


def _production(arch: Architecture) -> bool:
    return arch.metadata.lifecycle == "production"


_OWNER_ROLE = re.compile(r"owner\b", re.IGNORECASE)


@_register("missing-owner")
def _missing_owner(ctx: Context) -> Iterator[Finding]:
    arch = ctx.arch
    if not _production(arch) or arch.metadata.owners:
        return
    contacts = arch.runbook.contacts if arch.runbook else ()
    if any(_OWNER_ROLE.match(c.role.strip()) for c in contacts):
        return
    yield ctx.at_field(
        "metadata.lifecycle",
        "production system without an owner; add metadata.owners, or a runbook contact "
        "with role: owner",
    )


@_register("runbook-missing")
def _runbook_missing(ctx: Context) -> Iterator[Finding]:
    if _production(ctx.arch) and ctx.arch.runbook is None:
        yield ctx.at_field(
            "metadata.lifecycle",
            "production system without a runbook; add one with contacts, access, "
            "dashboards and procedures",
        )


@_register("runbook-no-rollback")
def _runbook_no_rollback(ctx: Context) -> Iterator[Finding]:
    arch = ctx.arch
    runbook = arch.runbook
    if runbook is None or not _production(arch) or not ctx.caps.with_capability(*SERVING):
        return
    if any(p.kind == "rollback" for p in runbook.procedures):
        return
    where = "runbook.procedures" if runbook.procedures else "runbook"
    yield ctx.at_field(
        where,
        "the runbook of this serving system has no rollback procedure; add one "
        "(kind: rollback) that puts the previous model back",
    )


@_register("runbook-stale")
def _runbook_stale(ctx: Context) -> Iterator[Finding]:
    runbook = ctx.arch.runbook
    if runbook is None or runbook.last_verified is None:
        return
    age = (ctx.reference_date - runbook.last_verified).days
    if age > STALE_AFTER_DAYS:
        yield ctx.at_field(
            "runbook.last_verified",
            f"runbook last verified {age} days before {ctx.reference_date.isoformat()} "
            f"(more than {STALE_AFTER_DAYS}); walk through it again and update last_verified",
        )


def _short(text: str, limit: int = 60) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 3] + "..."


@_register("failure-mode-without-remedy")
def _failure_mode_without_remedy(ctx: Context) -> Iterator[Finding]:
    runbook = ctx.arch.runbook
    for i, mode in enumerate(runbook.failure_modes if runbook else ()):
        if not mode.procedure and not mode.fix:
            yield ctx.at_field(
                f"runbook.failure_modes[{i}]",
                f"failure mode '{_short(mode.symptom)}' has neither a procedure nor a fix; "
                "say what to do when it happens",
            )


@_register("contact-without-reach")
def _contact_without_reach(ctx: Context) -> Iterator[Finding]:
    runbook = ctx.arch.runbook
    for i, contact in enumerate(runbook.contacts if runbook else ()):
        if not contact.reach:
            yield ctx.at_field(
                f"runbook.contacts[{i}]",
                f"contact '{contact.id}' has no reach; say how to get hold of them "
                "(chat handle, paging schedule, ticket queue)",
            )


@_register("escalation-missing")
def _escalation_missing(ctx: Context) -> Iterator[Finding]:
    runbook = ctx.arch.runbook
    if runbook is None or not _production(ctx.arch):
        return
    if len(runbook.contacts) >= 2 and not runbook.escalation:
        yield ctx.at_field(
            "runbook.contacts",
            f"the runbook lists {len(runbook.contacts)} contacts but no escalation order; "
            "add runbook.escalation with their ids in the order to call them",
        )


# --------------------------------------------------------------------------- structure


@_register("orphan-component")
def _orphan_component(ctx: Context) -> Iterator[Finding]:
    arch = ctx.arch
    if len(arch.components) < 2:
        return
    linked = {n for f in arch.flows for end in (f.source, f.target) for n in endpoints(arch, end)}
    for component in arch.components:
        if component.id not in linked:
            yield ctx.at(
                component.id,
                f"'{component.id}' has no flow to or from it; connect it or remove it",
            )


# --------------------------------------------------------------------------- processes

DEPLOY_KINDS = frozenset({"model", "control"})
"""Flows that carry a model to where it serves, or the order to deploy one."""


def _leads(ctx: Context, start: str, goal: str) -> bool:
    """True when `start` is `goal`, or holds or sits in it, or a chain of flows leads there."""
    arch = ctx.arch
    ends, goals = set(endpoints(arch, start)), set(endpoints(arch, goal))
    if ends & goals:
        return True
    graph = ctx.graph(ALL_KINDS)
    return any(graph.reachable(node) & goals for node in ends)


@_register("process-gap")
def _process_gap(ctx: Context) -> Iterator[Finding]:
    for i, process in enumerate(ctx.arch.processes):
        for before, step in itertools.pairwise(process.steps):
            if step.manual or _leads(ctx, before.end, step.start):
                continue
            yield Finding(
                f"processes[{i}].steps[{step.number - 1}]",
                step.loc,
                f"process '{process.id}': step {step.number} ('{_short(step.do, 40)}') starts "
                f"at '{step.start}', but step {before.number} ('{_short(before.do, 40)}') ends "
                f"at '{before.end}' and no flow leads from there to '{step.start}'; draw the "
                f"flow, add the step that carries the work over, or mark step {step.number} "
                "manual: true if a person does it by hand",
            )


def _delivers_model(ctx: Context, source: str, target: str, serving: frozenset[str]) -> bool:
    """True when a model or deploy flow runs from `source` to a serving member of `target`."""
    arch = ctx.arch
    starts = set(endpoints(arch, source))
    goals = set(endpoints(arch, target)) & serving
    for flow in arch.flows:
        if flow.kind not in DEPLOY_KINDS:
            continue
        if starts & set(endpoints(arch, flow.source)) and goals & set(endpoints(arch, flow.target)):
            return True
    return False


@_register("production-without-process")
def _production_without_process(ctx: Context) -> Iterator[Finding]:
    arch = ctx.arch
    servers = ctx.caps.with_capability(*SERVING)
    if not _production(arch) or not servers:
        return
    serving = frozenset(servers)
    for process in arch.processes:
        for step in process.steps:
            if (
                step.source
                and step.target
                and _delivers_model(ctx, step.source, step.target, serving)
            ):
                return
    where = "processes" if arch.processes else "metadata.lifecycle"
    names = _list(servers)
    yield ctx.at_field(
        where,
        f"this production system serves a model ({names}) but no process shows how a model "
        "reaches production; add a process whose steps carry the model to the serving "
        "component along a `model` or `control` flow, with who does each step",
    )


@_register("step-without-actor")
def _step_without_actor(ctx: Context) -> Iterator[Finding]:
    if not _production(ctx.arch):
        return
    for i, process in enumerate(ctx.arch.processes):
        named = [s for s in process.steps if s.by]
        if not named:
            continue
        for step in process.steps:
            if step.by:
                continue
            yield Finding(
                f"processes[{i}].steps[{step.number - 1}]",
                step.loc,
                f"process '{process.id}': step {step.number} ('{_short(step.do, 40)}') names "
                f"no actor, while {len(named)} of its {len(process.steps)} steps do; say who "
                "or what does it (by: <actor id>), an automation actor when nobody does",
            )


# --------------------------------------------------------------------------- stale references

_VENDOR = re.compile(r"^(?:Apache|Amazon|Google|Microsoft|Azure) ")


def _tool_terms(tool: Tool) -> tuple[str, ...]:
    """What a text may call a tool: its id (hyphens or spaces), its name with and without a
    vendor's prefix, and its catalogue aliases."""
    terms = {tool.id, tool.id.replace("-", " "), tool.name, _VENDOR.sub("", tool.name)}
    terms.update(tool.aliases)
    return tuple(sorted({t.strip().lower() for t in terms if len(t.strip()) >= 2}))


def _tool_patterns(catalog: Catalog) -> tuple[tuple[Tool, re.Pattern[str]], ...]:
    """One pattern per catalogue tool matching any of its terms as a whole word."""
    out = []
    for tool in catalog.tools.values():
        alternatives = "|".join(re.escape(t) for t in _tool_terms(tool))
        out.append((tool, re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)))
    return tuple(out)


def _texts(arch: Architecture) -> Iterator[tuple[str, str, str]]:
    """(field path, what it is, text) of every access entry, dashboard, procedure and
    process step: the places a reader follows as instructions."""
    runbook = arch.runbook
    if runbook is not None:
        for i, entry in enumerate(runbook.access):
            what = f"access '{_short(entry.name, 40)}'"
            yield f"runbook.access[{i}].name", what, entry.name
            yield f"runbook.access[{i}].where", what, entry.where
        for i, board in enumerate(runbook.dashboards):
            what = f"dashboard '{_short(board.name, 40)}'"
            yield f"runbook.dashboards[{i}].name", what, board.name
            yield f"runbook.dashboards[{i}].url", what, board.url
        for i, proc in enumerate(runbook.procedures):
            yield f"runbook.procedures[{i}].title", f"procedure '{proc.id}'", proc.title
            yield f"runbook.procedures[{i}].when", f"procedure '{proc.id}'", proc.when
            details = proc.step_details or tuple(ProcedureStep(do=s) for s in proc.steps)
            for j, step in enumerate(details):
                what = f"procedure '{proc.id}' step {j + 1}"
                at = f"runbook.procedures[{i}].steps[{j}]"
                if step.run:
                    yield f"{at}.do", what, step.do
                    yield f"{at}.run", what, step.run
                else:
                    yield at, what, step.do
    for i, process in enumerate(arch.processes):
        for j, move in enumerate(process.steps):
            yield f"processes[{i}].steps[{j}].do", f"process '{process.id}' step {j + 1}", move.do


@_register("reference-to-removed")
def _reference_to_removed(ctx: Context) -> Iterator[Finding]:
    arch = ctx.arch
    used = {c.tool for c in arch.components if c.tool} | {g.tool for g in arch.groups if g.tool}
    patterns = _tool_patterns(arch.catalog)
    present = [p for t, p in patterns if t.id in used]
    # Only tools that bring a capability: chat, code hosting, containers and plain storage
    # (Slack, GitHub, Docker, S3) are named in instructions without being part of the system.
    absent = [(t, p) for t, p in patterns if t.id not in used and t.capabilities]
    said: set[tuple[str, str]] = set()
    for field_path, what, text in _texts(arch):
        # "Ray Serve" names the ray-serve the spec has, not the ray it may not have.
        taken = [m.span() for p in present for m in p.finditer(text)]
        for tool, pattern in absent:
            if (what, tool.id) in said:
                continue  # one finding per element and tool, at its first mention
            match = next(
                (
                    m
                    for m in pattern.finditer(text)
                    if not any(m.start() < end and start < m.end() for start, end in taken)
                ),
                None,
            )
            if match is None:
                continue
            said.add((what, tool.id))
            yield ctx.at_field(
                field_path,
                f"{what} mentions '{match.group(0)}' ({tool.name}, tool '{tool.id}'), but no "
                "component or group of this spec runs on it; update the text to what the "
                "system uses now, or add the component back if it is still there",
            )


# --------------------------------------------------------------------------- access and capabilities


def _owner_ids(arch: Architecture) -> frozenset[str]:
    """Contact ids of the system's owners: named in metadata.owners or with role owner."""
    contacts = arch.runbook.contacts if arch.runbook else ()
    return frozenset(
        c.id for c in contacts if c.id in arch.metadata.owners or _OWNER_ROLE.match(c.role.strip())
    )


@_register("access-single-grantor")
def _access_single_grantor(ctx: Context) -> Iterator[Finding]:
    runbook = ctx.arch.runbook
    if runbook is None:
        return
    contacts = {c.id: c for c in runbook.contacts}
    owners = _owner_ids(ctx.arch)
    access = {a.id: a for a in runbook.access if a.id}
    for i, proc in enumerate(runbook.procedures):
        for j, need in enumerate(proc.needs):
            entry = access.get(need)
            grantor = contacts.get(entry.granted_by) if entry else None
            if entry is None or grantor is None:
                continue
            if grantor.id in owners:
                who = "the system's owner"
            elif len(contacts) == 1:
                who = "the only contact"
            else:
                continue
            yield ctx.at_field(
                f"runbook.procedures[{i}].needs[{j}]",
                f"procedure '{proc.id}' needs '{_short(entry.name)}', which only "
                f"{grantor.name} ({who}) can grant: when they are away nobody can run it; "
                "name a second grantor or give the on-call rota standing access",
            )


@_register("rollback-without-access")
def _rollback_without_access(ctx: Context) -> Iterator[Finding]:
    runbook = ctx.arch.runbook
    if runbook is None or not runbook.access:
        return
    for i, proc in enumerate(runbook.procedures):
        if proc.kind == "rollback" and not proc.needs:
            yield ctx.at_field(
                f"runbook.procedures[{i}]",
                f"rollback procedure '{proc.id}' names no access, though the runbook lists "
                f"{len(runbook.access)} access entr{'y' if len(runbook.access) == 1 else 'ies'}; "
                "say which it needs (needs: [<access id>]) so that whoever runs it can get "
                "them before starting",
            )


@_register("drop-capability-not-default")
def _drop_capability_not_default(ctx: Context) -> Iterator[Finding]:
    arch = ctx.arch
    elements: tuple[tuple[str, tuple[Group | Component, ...]], ...] = (
        ("groups", arch.groups),
        ("components", arch.components),
    )
    for section, items in elements:
        for i, item in enumerate(items):
            tool = arch.tool_of(item.id)
            brings = set(tool.capabilities) if tool else set()
            for j, cap in enumerate(item.drop_capabilities):
                if cap in brings:
                    continue
                why = (
                    f"its tool '{tool.id}' does not bring it by default"
                    if tool
                    else "it has no tool whose default it could remove"
                )
                yield ctx.at_field(
                    f"{section}[{i}].drop_capabilities[{j}]",
                    f"'{item.id}' drops '{cap}', but {why}; remove the entry "
                    "(drop_capabilities only removes a tool's defaults)",
                )


# --------------------------------------------------------------------------- LLM systems


def _callers(ctx: Context, node: str) -> frozenset[str]:
    """Nodes from which a chain of flows leads to `node` (its request path upstream)."""
    graph = ctx.graph(ALL_KINDS)
    return frozenset(n for n in graph.successors if n != node and node in graph.reachable(n))


@_register("llm-without-tracing")
def _llm_without_tracing(ctx: Context) -> Iterator[Finding]:
    tracers = ctx.caps.providers("llm-observability")
    graph = ctx.graph(ALL_KINDS)
    for server in ctx.caps.with_capability(LLM):
        if server in tracers or graph.reachable(server) & tracers:
            continue
        # A caller on the request path that traces every call (a gateway, the application
        # with an instrumentation library) watches the model behind it.
        if any(
            caller in tracers or set(graph.successors.get(caller, ())) & tracers
            for caller in _callers(ctx, server)
        ):
            continue
        yield ctx.at(
            server,
            f"'{server}' serves an LLM but no llm-observability component sees its calls; "
            "trace prompts, responses, tokens and cost (e.g. langfuse, arize-phoenix, "
            "opentelemetry with openllmetry) from it or from the gateway in front of it",
        )


@_register("llm-serving-without-guardrails")
def _llm_serving_without_guardrails(ctx: Context) -> Iterator[Finding]:
    if not _production(ctx.arch):
        return
    guards = ctx.caps.providers("guardrails")
    graph = ctx.graph(ALL_KINDS)
    for server in ctx.caps.with_capability(LLM):
        callers = _callers(ctx, server)
        if not callers:
            continue  # nothing sends it requests: no user reaches it in this design
        path = callers | graph.reachable(server) | {server}
        if path & guards:
            continue
        yield ctx.at(
            server,
            f"'{server}' answers requests that reach it from {_list(sorted(callers))} with no "
            "guardrails component on the request path; check inputs and outputs (e.g. "
            "nemo-guardrails, guardrails-ai, llama-guard) before they reach the model or the user",
        )


@_register("rag-without-evaluation")
def _rag_without_evaluation(ctx: Context) -> Iterator[Finding]:
    servers = ctx.caps.with_capability(LLM)
    retrievers = ctx.caps.with_capability("vector-search")
    if not servers or not retrievers or ctx.caps.providers("llm-evaluation"):
        return
    yield ctx.at(
        servers[0],
        f"'{servers[0]}' answers from what {_list(retrievers)} retrieves, but nothing "
        "evaluates the answers; add an llm-evaluation component (e.g. ragas, deepeval, "
        "promptfoo) that scores a question set before each change and samples live answers",
    )


@_register("embedding-model-unversioned")
def _embedding_model_unversioned(ctx: Context) -> Iterator[Finding]:
    embedders = ctx.caps.with_capability("embedding")
    indexes = ctx.caps.providers("vector-search")
    if not embedders or not indexes:
        return
    records = ctx.caps.providers("model-registry") | ctx.caps.providers("experiment-tracking")
    graph = ctx.graph(ALL_KINDS)
    model_graph = ctx.graph(frozenset({"model"}))
    for embedder in embedders:
        if embedder in indexes or not graph.reachable(embedder) & indexes:
            continue  # it embeds queries only, or feeds no index in this design
        if embedder in records or graph.reachable(embedder) & records:
            continue
        if any(embedder in model_graph.reachable(r) for r in records):
            continue
        yield ctx.at(
            embedder,
            f"'{embedder}' writes embeddings into {_list(sorted(graph.reachable(embedder) & indexes))} "
            "but nothing records which embedding model version made them; load the model "
            "from a registry (a model flow) or log the version with each index build, so "
            "that queries and documents are embedded by the same model",
        )


# --------------------------------------------------------------------------- catalogue facts


def _tool_users(arch: Architecture, wanted: Callable[[Tool], bool]) -> dict[str, list[str]]:
    """Tool id -> ids of the groups and components (in spec order) that run a matching tool."""
    users: dict[str, list[str]] = {}
    items: tuple[Group | Component, ...] = (*arch.groups, *arch.components)
    for item in items:
        tool = arch.tool_of(item.id)
        if tool is not None and wanted(tool):
            users.setdefault(tool.id, []).append(item.id)
    return users


def _also(others: int) -> str:
    return f" (and {others} other{'s' if others > 1 else ''})" if others else ""


_UPKEEP = {"maintenance": "in maintenance only", "archived": "archived"}


@_register("tool-unmaintained")
def _tool_unmaintained(ctx: Context) -> Iterator[Finding]:
    arch = ctx.arch
    if not _production(arch):
        return
    for tool_id, ids in _tool_users(arch, lambda t: t.status in UNMAINTAINED).items():
        tool = arch.catalog.tools[tool_id]
        note = f" ({_short(tool.status_note, 120)})" if tool.status_note else ""
        yield ctx.at(
            ids[0],
            f"'{ids[0]}'{_also(len(ids) - 1)} runs on {tool.name}, whose upstream is "
            f"{_UPKEEP[tool.status]}{note}; plan a replacement, or say in the runbook who "
            "patches your copy",
        )


@_register("tool-license")
def _tool_license(ctx: Context) -> Iterator[Finding]:
    arch = ctx.arch
    if not _production(arch):
        return
    licensed = _tool_users(arch, lambda t: t.source_available and not t.hosted_service)
    for tool_id, ids in licensed.items():
        tool = arch.catalog.tools[tool_id]
        kind = (
            "sold under a commercial licence"
            if tool.license.startswith("LicenseRef-")
            else f"source-available under {tool.license}"
        )
        yield ctx.at(
            ids[0],
            f"'{ids[0]}'{_also(len(ids) - 1)} runs on {tool.name}, which is {kind}: check "
            "that this production use is covered by a licence or contract",
        )


# --------------------------------------------------------------------------- registry


def _load_rules() -> Mapping[str, Rule]:
    data = read_data_yaml(RULES_FILE)
    rules: dict[str, Rule] = {}
    for raw in data["rules"]:
        rule_id = str(raw["id"])
        rules[rule_id] = Rule(
            id=rule_id,
            severity=Severity(raw["severity"]),
            title=str(raw["title"]),
            condition=str(raw["condition"]).strip(),
            rationale=str(raw["rationale"]).strip(),
            fix=str(raw["fix"]).strip(),
            example=str(raw["example"]),
            concepts=tuple(str(c) for c in raw.get("concepts") or ()),
            sources=tuple(source_from_data(s) for s in raw["sources"]),
            check=_CHECKS[rule_id],
        )
    unused = set(_CHECKS) - set(rules)
    if unused:  # pragma: no cover - caught by the test suite
        raise AssertionError(f"check functions without documentation: {sorted(unused)}")
    return MappingProxyType(rules)


RULES: Mapping[str, Rule] = _load_rules()
"""Every rule by id, in documentation order."""
