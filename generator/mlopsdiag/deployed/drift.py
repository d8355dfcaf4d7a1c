"""Compare specs with what was read: the six drift codes, each positioned at the spec's
element or, for an object no element declares, at the manifest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from mlopsdiag.deployed.codes import CODES
from mlopsdiag.deployed.record import Record
from mlopsdiag.errors import Diagnostic, Severity
from mlopsdiag.spec.model import Architecture, Deployed, Loc
from mlopsdiag.spec.suggest import did_you_mean

SERVING_KINDS = frozenset({"InferenceService", "SeldonDeployment"})
SELDON_V2_KINDS = frozenset({"Model", "Pipeline", "Experiment"})
SELDON_V2_GROUP = "mlops.seldon.io"
FAMILY_TOOLS = frozenset({"kserve", "seldon-core", "kubeflow", "mlflow"})
"""Tools whose objects have fixed kinds: an element with one of them must be bound to its kind."""
ANY_TOOL_KINDS = frozenset({"kfp-task"})
"""Kinds whose element may have any tool but a serving one (a task may log to MLflow)."""


def family(kind: str, api_version: str = "") -> str | None:
    """The tool a deployed kind belongs to, if it belongs to one."""
    if kind == "InferenceService":
        return "kserve"
    if kind == "SeldonDeployment":
        return "seldon-core"
    if kind in SELDON_V2_KINDS and (not api_version or api_version.startswith(SELDON_V2_GROUP)):
        return "seldon-core"
    if kind.startswith("kfp-"):
        return "kubeflow"
    if kind == "mlflow-model":
        return "mlflow"
    return None


def is_serving(record: Record) -> bool:
    """A model-serving object: InferenceService, SeldonDeployment, Seldon v2 Model/Pipeline/Experiment."""
    return record.kind in SERVING_KINDS or (
        record.kind in SELDON_V2_KINDS and record.api_version.startswith(SELDON_V2_GROUP)
    )


@dataclass(frozen=True)
class Binding:
    """One `deployed` entry of one element of one spec."""

    arch: Architecture
    element: str
    tool: str | None
    deployed: Deployed


@dataclass
class ElementStatus:
    """What drift found for one element: matched, missing or mismatched, and where."""

    status: str
    records: list[Record] = field(default_factory=list)


@dataclass
class DriftResult:
    """The findings, and each element's status by (spec name, element id)."""

    findings: list[Diagnostic]
    status: dict[tuple[str, str], ElementStatus]
    suggestions: list[tuple[Record, str]] = field(default_factory=list)
    """(alert, runbook URL) for alerts without runbook_url that a procedure names."""


def bindings(arch: Architecture) -> Iterator[Binding]:
    """Every `deployed` entry of a spec's groups and components."""
    for group in arch.groups:
        for deployed in group.deployed:
            yield Binding(arch, group.id, group.tool, deployed)
    for component in arch.components:
        for deployed in component.deployed:
            yield Binding(arch, component.id, component.tool, deployed)


class _Index:
    """Records by kind and name."""

    def __init__(self, records: Sequence[Record]) -> None:
        self.by_kind: dict[str, dict[str, list[Record]]] = defaultdict(lambda: defaultdict(list))
        for record in records:
            self.by_kind[record.kind][record.name].append(record)
        self.alerts = self.by_kind.get("alert", {})
        self.records = records

    def find(self, d: Deployed) -> list[Record]:
        """Records a binding names."""
        if d.kind == "PrometheusRule":
            return [
                r
                for r in (*self._named(d.kind, d.name), *self._alert_groups(d.name))
                if self._in_ns(r, d)
            ]
        return [
            r
            for r in self._named(d.kind, d.name)
            if self._in_ns(r, d)
            and (d.kind != "kfp-task" or not d.pipeline or r.parent == d.pipeline)
        ]

    def _named(self, kind: str, name: str) -> list[Record]:
        return list(self.by_kind.get(kind, {}).get(name, ()))

    def _alert_groups(self, name: str) -> list[Record]:
        # A plain rule file has no object name: its groups' names stand for it.
        return [
            r for rs in self.alerts.values() for r in rs if r.parent == name or name in r.groups
        ]

    @staticmethod
    def _in_ns(record: Record, d: Deployed) -> bool:
        # A manifest without a namespace is applied into one (`kubectl -n`, kustomize):
        # it may be the binding's.
        return not d.namespace or not record.namespace or record.namespace == d.namespace

    def names_of(self, kind: str) -> list[str]:
        return list(self.by_kind.get(kind, {}))


def _finding(
    code: str, loc: Loc, field_path: str, message: str, levels: Mapping[str, Severity | None]
) -> Diagnostic | None:
    level = levels.get(code, CODES[code].severity)
    if level is None:
        return None
    return Diagnostic(loc.path, loc.line, loc.col, message, field_path, level, code)


def _at_record(
    code: str, record: Record, message: str, levels: Mapping[str, Severity | None]
) -> Diagnostic | None:
    return _finding(code, Loc(record.file, record.line, record.col), "", message, levels)


def drift(
    archs: Sequence[Architecture],
    records: Sequence[Record],
    levels: Mapping[str, Severity | None] | None = None,
    runbook_base: str = "",
) -> DriftResult:
    """Compare specs with records. `levels` overrides codes' severities (None: off)."""
    levels = levels or {}
    index = _Index(records)
    out: list[Diagnostic | None] = []
    status: dict[tuple[str, str], ElementStatus] = {}
    declared: set[int] = set()
    all_bindings = [b for arch in archs for b in bindings(arch)]
    bound_namespaces = {b.deployed.namespace for b in all_bindings if b.deployed.namespace}
    matched: dict[int, list[Record]] = {}
    for n, b in enumerate(all_bindings):
        found = index.find(b.deployed)
        entry = status.setdefault((b.arch.name, b.element), ElementStatus("matched"))
        d = b.deployed
        if not found:
            moved = _moved(index, d) if family(d.kind) in ("kserve", "seldon-core") else []
            if moved:
                declared.update(id(r) for r in moved)
                entry.status = "mismatched"
                entry.records.extend(moved)
                other = moved[0]
                out.append(
                    _finding(
                        "deployed-kind-mismatch",
                        d.loc,
                        d.field,
                        f"{b.element}: the spec binds {d.kind} {d.name!r}, but {other.label()} "
                        f"runs ({other.where}); update `tool` and `deployed.kind`",
                        levels,
                    )
                )
                continue
            entry.status = "missing" if entry.status == "matched" else entry.status
            ns = f" in namespace {d.namespace!r}" if d.namespace else ""
            pipe = f" of pipeline {d.pipeline!r}" if d.pipeline else ""
            out.append(
                _finding(
                    "deployed-missing",
                    d.loc,
                    d.field,
                    f"{b.element}: {d.kind} {d.name!r}{ns}{pipe} is not among what was read"
                    f"{did_you_mean(d.name, index.names_of(d.kind))}",
                    levels,
                )
            )
            continue
        declared.update(id(r) for r in found)
        matched[n] = found
        entry.records.extend(found)
        fam = family(d.kind, found[0].api_version)
        tool = b.tool
        if (
            fam is not None
            and tool in FAMILY_TOOLS
            and tool != fam
            and not (d.kind in ANY_TOOL_KINDS and tool not in ("kserve", "seldon-core"))
        ):
            entry.status = "mismatched"
            out.append(
                _finding(
                    "deployed-kind-mismatch",
                    d.loc,
                    d.field,
                    f"{b.element}: tool {tool!r} but the deployed object is {found[0].label()} "
                    f"({found[0].where}), which is {fam}",
                    levels,
                )
            )
    out.extend(_undeclared(archs, all_bindings, matched, index, declared, bound_namespaces, levels))
    alert_findings, suggestions = _alerts(archs, all_bindings, matched, index, levels, runbook_base)
    out.extend(alert_findings)
    for arch in archs:
        out.extend(_served_versions(arch, all_bindings, matched, levels, status))
    findings = sorted((f for f in out if f is not None), key=Diagnostic.sort_key)
    return DriftResult(findings, status, suggestions)


_Key = TypeVar("_Key")


def compare_each(
    specs: Iterable[tuple[_Key, Architecture, tuple[Path, ...], Mapping[str, Severity | None]]],
) -> dict[_Key, dict[str, ElementStatus]]:
    """How each architecture's bound elements compare with the manifests its settings name
    (`drift.manifests`, with `drift.severity`): key -> element id -> status. Each set of
    manifests is read once; an architecture without manifests or bindings is left out."""
    from mlopsdiag.deployed.read import read_paths

    readings: dict[tuple[Path, ...], list[Record]] = {}
    out: dict[_Key, dict[str, ElementStatus]] = {}
    for key, arch, manifests, levels in specs:
        if not manifests or not any(bindings(arch)):
            continue
        if manifests not in readings:
            readings[manifests] = read_paths(manifests).records
        result = drift([arch], readings[manifests], levels)
        out[key] = {element: found for (_, element), found in result.status.items()}
    return out


def _moved(index: _Index, d: Deployed) -> list[Record]:
    """Serving objects of another kind under the binding's name (the serving moved)."""
    return [
        r
        for r in index.records
        if is_serving(r) and r.name == d.name and r.kind != d.kind and _Index._in_ns(r, d)
    ]


def _undeclared(
    archs: Sequence[Architecture],
    all_bindings: Sequence[Binding],
    matched: Mapping[int, list[Record]],
    index: _Index,
    declared: set[int],
    namespaces: set[str],
    levels: Mapping[str, Severity | None],
) -> Iterable[Diagnostic | None]:
    pipelines = {
        r.name
        for n, b in enumerate(all_bindings)
        if b.deployed.kind == "kfp-pipeline"
        for r in matched.get(n, ())
    }
    for record in index.records:
        if id(record) in declared:
            continue
        if is_serving(record):
            if namespaces and record.namespace and record.namespace not in namespaces:
                continue
            yield _at_record(
                "undeclared-deployment",
                record,
                f"{record.label()} serves models, but no element of the specs declares it "
                "in `deployed`",
                levels,
            )
        elif record.kind == "kfp-task" and record.parent in pipelines:
            yield _at_record(
                "undeclared-deployment",
                record,
                f"task {record.name!r} of pipeline {record.parent!r} is not declared by any "
                "element (a component with `deployed: {kind: kfp-task, ...}`)",
                levels,
            )


def _alerts(
    archs: Sequence[Architecture],
    all_bindings: Sequence[Binding],
    matched: Mapping[int, list[Record]],
    index: _Index,
    levels: Mapping[str, Severity | None],
    runbook_base: str,
) -> tuple[list[Diagnostic | None], list[tuple[Record, str]]]:
    out: list[Diagnostic | None] = []
    answered: dict[str, tuple[Architecture, str]] = {}
    for arch in archs:
        if arch.runbook is None:
            continue
        for i, proc in enumerate(arch.runbook.procedures):
            for j, alert in enumerate(proc.alerts):
                answered.setdefault(alert, (arch, proc.id))
                if alert in index.alerts:
                    continue
                where = f"runbook.procedures[{i}].alerts[{j}]"
                out.append(
                    _finding(
                        "alert-missing",
                        arch.loc(where),
                        where,
                        f"procedure {proc.id!r} answers alert {alert!r}, but no alerting rule "
                        f"read defines it{did_you_mean(alert, index.alerts)}",
                        levels,
                    )
                )
    system: dict[int, Record] = {}
    for n, b in enumerate(all_bindings):
        if b.deployed.kind in ("PrometheusRule", "alert"):
            for r in matched.get(n, ()):
                if r.kind == "alert":
                    system[id(r)] = r
                else:  # a PrometheusRule object: its alerts
                    for rs in index.alerts.values():
                        system.update(
                            (id(a), a)
                            for a in rs
                            if a.parent == r.name and a.namespace == r.namespace
                        )
    for rule in sorted(system.values(), key=lambda r: (r.file, r.line)):
        if rule.runbook_url or rule.name in answered:
            continue
        out.append(
            _at_record(
                "alert-without-runbook",
                rule,
                f"alert {rule.name!r} has no runbook_url annotation and no procedure lists it "
                "in `alerts`",
                levels,
            )
        )
    suggestions: list[tuple[Record, str]] = []
    if runbook_base:
        for name, (arch, proc_id) in answered.items():
            for rule in index.alerts.get(name, ()):
                if not rule.runbook_url:
                    base = runbook_base.rstrip("/")
                    url = f"{base}/runbooks/{arch.name}.html#procedure-{proc_id}"
                    suggestions.append((rule, url))
        suggestions.sort(key=lambda pair: (pair[0].file, pair[0].line))
    return out, suggestions


def _normal(uri: str) -> str:
    return uri.strip().rstrip("/")


def _served_versions(
    arch: Architecture,
    all_bindings: Sequence[Binding],
    matched: Mapping[int, list[Record]],
    levels: Mapping[str, Severity | None],
    status: dict[tuple[str, str], ElementStatus],
) -> Iterable[Diagnostic | None]:
    registry: list[tuple[Deployed, Record]] = [
        (b.deployed, r)
        for n, b in enumerate(all_bindings)
        if b.arch is arch and b.deployed.kind == "mlflow-model" and b.deployed.alias
        for r in matched.get(n, ())
    ]
    if not registry:
        return
    for n, b in enumerate(all_bindings):
        if b.arch is not arch:
            continue
        for record in matched.get(n, ()):
            if not is_serving(record):
                continue
            for uri in record.serves:
                for d, model in registry:
                    if uri in (
                        f"models:/{model.name}@{d.alias}",
                        f"models:/{model.name}/{d.alias}",
                    ):
                        continue  # served through the alias itself: in sync by definition
                    aliases = dict(model.aliases)
                    served = _served_version(uri, model)
                    if served is None:
                        continue
                    wanted = aliases.get(d.alias)
                    if wanted == served:
                        continue
                    says = (
                        f"alias {d.alias!r} points at version {wanted}"
                        if wanted
                        else f"alias {d.alias!r} is not set"
                    )
                    status[(arch.name, b.element)].status = "mismatched"
                    yield _finding(
                        "served-version-not-alias",
                        b.deployed.loc,
                        b.deployed.field,
                        f"{b.element}: {record.label()} serves version {served} of registered "
                        f"model {model.name!r} ({uri}), but {says}{_canary(record)}",
                        levels,
                    )


def _canary(record: Record) -> str:
    """A note when a KServe canary is rolling out: its storage URI is the canary's."""
    share = next((p.split()[1] for p in record.parts if p.startswith("canary ")), "")
    return (
        f" (a canary takes {share} of the traffic: its storageUri is the new version)"
        if share
        else ""
    )


def _served_version(uri: str, model: Record) -> str | None:
    """The version of `model` whose source is `uri`, or that `models:/name/N` (or a
    `models:/name/Stage`, `models:/name@alias` URI) names."""
    labels = dict(model.aliases)
    for prefix in (f"models:/{model.name}/", f"models:/{model.name}@"):
        if uri.startswith(prefix):
            rest = uri[len(prefix) :].rstrip("/")
            return rest if rest.isdigit() else labels.get(rest)
    target = _normal(uri)
    for version, source in model.versions:
        if source and _normal(source) == target:
            return version
    return None
