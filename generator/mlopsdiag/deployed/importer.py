"""Write a first spec from what was read (`mlopsdiag import`): serving objects, compiled
pipelines, workloads, registered models, alert rules and Compose services, each element
bound to what it came from so that `mlopsdiag drift` finds no structural drift."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mlopsdiag.catalog import Catalog
from mlopsdiag.deployed.drift import is_serving
from mlopsdiag.deployed.record import Record
from mlopsdiag.errors import MlopsdiagError
from mlopsdiag.spec.schema import API_VERSION

if TYPE_CHECKING:
    from mlopsdiag.deployed.read import Reading

WORKLOADS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job"})
IMAGE_ALIASES: Mapping[str, str] = {
    "postgres": "postgresql",
    "postgis": "postgresql",
    "pgvector": "postgresql",
    "cp-kafka": "kafka",
    "redpanda": "kafka",
    "valkey": "redis",
    "localstack": "s3",
    "tensorboard": "tensorflow",
    "jupyterhub": "jupyter",
}
"""Image names that are a catalogue tool under another name."""
SERVING_TOOLS: Mapping[str, str] = {
    "InferenceService": "kserve",
    "SeldonDeployment": "seldon-core",
    "Model": "seldon-core",
    "Pipeline": "seldon-core",
    "Experiment": "seldon-core",
}
KIND_TOOLS: Mapping[str, str] = {
    "BentoDeployment": "bentoml",
    "CronWorkflow": "argo-workflows",
    "WorkflowTemplate": "argo-workflows",
    "RayCluster": "ray",
    "RayJob": "ray",
    "RayService": "ray",
    "SparkApplication": "spark",
    "ScheduledSparkApplication": "spark",
    "Application": "argocd",
}
"""Kinds of other operators' objects that are a catalogue tool's running part."""
_URL_HOST = re.compile(r"[a-z][a-z0-9+.-]*://(?:[^@/\s]*@)?([A-Za-z0-9_.-]+)")
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/@:-]*")
_YAML_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"})


def tool_for_image(image: str, catalog: Catalog) -> str | None:
    """The catalogue tool an image runs, recognised by its repository's name."""
    path = image.split("@")[0]
    parts = path.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]  # the registry host
    repo = "/".join(parts).rsplit(":", 1)[0].lower()
    last = repo.rsplit("/", 1)[-1]
    if last in IMAGE_ALIASES:
        return IMAGE_ALIASES[last]
    if last in catalog.tools:
        return last
    words = "-" + "-".join(w for w in re.split(r"[/._-]+", repo) if w) + "-"
    for alias, tool in IMAGE_ALIASES.items():
        if f"-{alias}-" in words:
            return tool
    found = [t for t in catalog.tools if f"-{t}-" in words]
    return max(found, key=len) if found else None


def scalar(value: str) -> str:
    """A YAML scalar for any text: plain when that is safe, else JSON-quoted (valid YAML)."""
    if (
        _PLAIN.fullmatch(value)
        and value.lower() not in _YAML_WORDS
        and not re.fullmatch(r"[-+0-9.:eE_xXoObB]+", value)
        and ": " not in value
        and " #" not in value
        and not value.endswith((" ", ":"))
    ):
        return value
    return json.dumps(value, ensure_ascii=False)


def slug_id(name: str) -> str:
    """An element id (`^[a-z][a-z0-9_-]{0,62}$`) made from any name."""
    text = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_")
    if not text or not text[0].isalpha():
        text = "x-" + text
    return text[:63].rstrip("-_") or "x"


@dataclass
class _Element:
    id: str
    kind: str  # "group" | "component"
    name: str = ""
    tool: str | None = None
    group: str | None = None
    deployed: list[dict[str, str]] = field(default_factory=list)
    comment: str = ""


@dataclass
class _Draft:
    catalog: Catalog
    groups: list[_Element] = field(default_factory=list)
    components: list[_Element] = field(default_factory=list)
    flows: list[tuple[str, str, str, str]] = field(default_factory=list)
    processes: list[tuple[str, str, list[str]]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    prompts: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def new_id(self, name: str) -> str:
        base = slug_id(name)
        candidate, n = base, 2
        while candidate in self.ids:
            suffix = f"-{n}"
            candidate, n = base[: 63 - len(suffix)] + suffix, n + 1
        self.ids.add(candidate)
        return candidate

    def add(self, element: _Element) -> _Element:
        (self.groups if element.kind == "group" else self.components).append(element)
        return element

    def bound(self, record: Record, tool: str | None, comment: str) -> _Element:
        """A new component that is `record`, bound to it with `deployed`."""
        return self.add(
            _Element(
                self.new_id(record.name),
                "component",
                tool=tool,
                deployed=[_binding(record)],
                comment=comment,
            )
        )

    def image_tool(self, record: Record) -> str | None:
        """The catalogue tool the first recognised image of `record` runs."""
        return next((t for i in record.images if (t := tool_for_image(i, self.catalog))), None)

    def flow(self, source: str, target: str, label: str, kind: str = "data") -> None:
        if source != target and not any(f[:2] == (source, target) for f in self.flows):
            self.flows.append((source, target, label, kind))


def _binding(record: Record, **extra: str) -> dict[str, str]:
    out = {"kind": record.kind, "name": record.name}
    if record.namespace:
        out["namespace"] = record.namespace
    out.update({k: v for k, v in extra.items() if v})
    return out


def _topological(tasks: Sequence[Record]) -> list[Record]:
    """Tasks in an order where each comes after those it depends on (ties: file order)."""
    names = {t.name for t in tasks}
    done: list[Record] = []
    placed: set[str] = set()
    remaining = list(tasks)
    while remaining:
        ready = [t for t in remaining if all(d in placed or d not in names for d in t.depends_on)]
        if not ready:  # a cycle: keep file order for the rest
            ready = remaining[:1]
        for task in ready:
            done.append(task)
            placed.add(task.name)
        remaining = [t for t in remaining if t.name not in placed]
    return done


def import_paths(paths: Sequence[Path], name: str) -> tuple[str, Reading]:
    """Read `paths` (as `drift --against` does) and write the spec that describes what they
    hold; the text is validated before it is returned (an invalid one is a bug here)."""
    from mlopsdiag.catalog import builtin_catalog
    from mlopsdiag.deployed.read import read_paths
    from mlopsdiag.spec.loader import load_bytes
    from mlopsdiag.spec.validate import validate_document

    reading = read_paths(paths)
    catalog = builtin_catalog()
    text = import_spec(reading.records, name, catalog, [p.as_posix() for p in paths])
    checked = validate_document(load_bytes(text.encode("utf-8"), f"<import {name}>"), catalog)
    if checked.architecture is None:  # pragma: no cover - a bug in the importer
        raise MlopsdiagError(
            "the imported spec does not validate; please report it", checked.diagnostics
        )
    return text, reading


def import_spec(
    records: Sequence[Record], name: str, catalog: Catalog, sources: Iterable[str]
) -> str:
    """The text of one commented spec describing `records`."""
    draft = _Draft(catalog)
    _pipelines(draft, records)
    registry = _workloads(draft, records)
    served = _serving(draft, records)
    _models(draft, records, registry, served)
    _rules(draft, records)
    _compose(draft, records)
    return _write(draft, name, list(sources))


def _pipelines(draft: _Draft, records: Sequence[Record]) -> None:
    for pipeline in (r for r in records if r.kind == "kfp-pipeline"):
        group = draft.add(
            _Element(
                draft.new_id(pipeline.name),
                "group",
                tool="kubeflow",
                deployed=[_binding(pipeline)],
                comment=f"compiled pipeline, {pipeline.where}",
            )
        )
        tasks = _topological(
            [r for r in records if r.kind == "kfp-task" and r.parent == pipeline.name]
        )
        ids: dict[str, str] = {}
        for task in tasks:
            element = draft.add(
                _Element(
                    draft.new_id(task.name),
                    "component",
                    group=group.id,
                    deployed=[_binding(task, pipeline=pipeline.name)],
                )
            )
            ids[task.name] = element.id
        for task in tasks:
            for dep in task.depends_on:
                if dep in ids:
                    draft.flow(ids[dep], ids[task.name], "")
        order = [ids[t.name] for t in tasks]
        if order:
            draft.processes.append((draft.new_id(f"{pipeline.name}-run"), pipeline.name, order))


def _workloads(draft: _Draft, records: Sequence[Record]) -> str | None:
    """Workloads as components (Services joined to the workload of their name); returns
    the id of the MLflow server, if one runs."""
    registry = None
    placed: dict[tuple[str, str], _Element] = {}
    for record in records:
        if record.kind not in WORKLOADS and record.kind not in KIND_TOOLS:
            continue
        tool = KIND_TOOLS.get(record.kind) or draft.image_tool(record)
        element = draft.bound(record, tool, f"{record.kind}, {record.where}")
        placed[(record.namespace, record.name)] = element
        if tool == "mlflow" and registry is None:
            registry = element.id
    for record in records:
        if record.kind != "Service":
            continue
        owner = placed.get((record.namespace, record.name))
        if owner is not None:
            owner.deployed.append(_binding(record))
        else:
            draft.skipped.append(
                f"Service {record.name} ({record.where}): no workload of that name"
            )
    for record in records:
        if record.source == "kubernetes" and record.kind not in (
            *WORKLOADS,
            *KIND_TOOLS,
            "Service",
        ):
            draft.skipped.append(
                f"{record.label()} ({record.where}): add a component with "
                f"`deployed: {{kind: {record.kind}, name: {record.name}}}` if it is part of "
                "the system"
            )
    return registry


def _serving(draft: _Draft, records: Sequence[Record]) -> dict[str, str]:
    """Serving objects as components; returns storage URI -> the id serving it."""
    served: dict[str, str] = {}
    by_name: dict[tuple[str, str], _Element] = {}
    for record in records:
        if not is_serving(record):
            continue
        parts = f" ({', '.join(record.parts)})" if record.parts else ""
        element = draft.bound(
            record, SERVING_TOOLS.get(record.kind), f"{record.kind}, {record.where}{parts}"
        )
        by_name[(record.namespace, record.name)] = element
        for uri in record.serves:
            served.setdefault(uri.rstrip("/"), element.id)
    for record in records:  # a Seldon pipeline or experiment routes to its models
        if record.kind in ("Pipeline", "Experiment") and is_serving(record):
            target = by_name[(record.namespace, record.name)]
            for dep in record.depends_on:
                source = by_name.get((record.namespace, dep))
                if source is not None:
                    draft.flow(target.id, source.id, "routes to", "predictions")
    return served


def _models(
    draft: _Draft, records: Sequence[Record], registry: str | None, served: Mapping[str, str]
) -> None:
    models = [r for r in records if r.kind == "mlflow-model"]
    if not models:
        return
    if registry is None:
        registry = draft.add(
            _Element(draft.new_id("model-registry"), "component", tool="mlflow")
        ).id
    element = next(c for c in draft.components if c.id == registry)
    for model in models:
        element.deployed.append(_binding(model))
        draft.prompts.append(
            f"the alias of registered model {model.name!r} whose version should serve: add "
            f"`alias: <alias>` to its binding in component {registry!r}"
            + (
                f" (the registry has: {', '.join(sorted({a for a, _ in model.aliases}))})"
                if model.aliases
                else ""
            )
        )
        for _version, source in model.versions:
            target = served.get(source.rstrip("/"))
            if target is not None:
                draft.flow(registry, target, "served version", "model")


def _rules(draft: _Draft, records: Sequence[Record]) -> None:
    rules = [r for r in records if r.kind == "PrometheusRule"]
    named = {r.name for r in rules}
    plain = sorted({r.parent for r in records if r.kind == "alert" and r.parent not in named})
    alerts = [r for r in records if r.kind == "alert"]
    if not rules and not plain:
        return
    existing = next((c for c in draft.components if c.tool == "prometheus"), None)
    monitor = existing or draft.add(
        _Element(draft.new_id("prometheus"), "component", tool="prometheus")
    )
    monitor.deployed.extend(_binding(r) for r in rules)
    monitor.deployed.extend({"kind": "PrometheusRule", "name": g} for g in plain)
    alerting = next((c for c in draft.components if c.tool == "alertmanager"), None)
    if alerting is not None:
        draft.flow(monitor.id, alerting.id, "alerts", "control")
    for alert in alerts:
        if not alert.runbook_url:
            draft.prompts.append(
                f"the procedure that answers alert {alert.name!r} ({alert.where}): list it in "
                "that procedure's `alerts`"
            )


def _compose(draft: _Draft, records: Sequence[Record]) -> None:
    services = [r for r in records if r.kind == "compose-service"]
    ids: dict[str, str] = {}
    for record in services:
        element = draft.bound(record, draft.image_tool(record), f"Compose service, {record.where}")
        ids[record.name] = element.id
    for record in services:
        for dep in record.depends_on:
            if dep in ids:
                draft.flow(ids[dep], ids[record.name], "depends_on")
        for value in record.environment:
            for host in _URL_HOST.findall(value):
                if host in ids:
                    draft.flow(ids[host], ids[record.name], "service URL")
    if any(c.tool == "alertmanager" for c in draft.components):
        monitor = next((c for c in draft.components if c.tool == "prometheus"), None)
        alerting = next(c for c in draft.components if c.tool == "alertmanager")
        if monitor is not None:
            draft.flow(monitor.id, alerting.id, "alerts", "control")


def _flow_kind(draft: _Draft, source: str, target: str, kind: str) -> str:
    tools = {c.id: c.tool for c in draft.components}
    if kind != "data":
        return kind
    if tools.get(source) == "mlflow" and tools.get(target) in ("kserve", "seldon-core", "bentoml"):
        return "model"
    if tools.get(target) == "prometheus":
        return "metrics"
    return kind


def _write(draft: _Draft, name: str, sources: list[str]) -> str:
    out: list[str] = [
        f"# generated by mlopsdiag import from {', '.join(sources) or 'nothing'} — review it, then",
        "# edit freely: `mlopsdiag drift` against the same files checks that it stays true.",
        f"apiVersion: {API_VERSION}",
        "kind: Architecture",
        "metadata:",
        f"  name: {name}",
        f"  title: {scalar(name + ' (imported)')}",
        "  # owners: [<team>]          # who answers for this system? (a manifest cannot say)",
        "  # description: |            # what the system does and for whom",
    ]
    if draft.groups:
        out.append("groups:")
        for g in draft.groups:
            out += _element_lines(g)
    out.append("components:")
    if not draft.components:
        out += ["  - id: system  # nothing was read that becomes a component", ""]
    for c in draft.components:
        out += _element_lines(c)
    if draft.flows:
        out.append("flows:")
        for source, target, label, kind in draft.flows:
            kind = _flow_kind(draft, source, target, kind)
            parts = [f"from: {source}", f"to: {target}"]
            if label:
                parts.append(f"label: {scalar(label)}")
            if kind != "data":
                parts.append(f"kind: {kind}")
            out.append("  - {" + ", ".join(parts) + "}")
    if draft.processes:
        out.append("processes:")
        for pid, pipeline, order in draft.processes:
            out += [
                f"  - id: {pid}",
                f"    title: {scalar('One run of ' + pipeline)}",
                "    # trigger: <schedule or event>   # what starts a run?",
                "    steps:",
            ]
            out += [f"      - {{do: {scalar('Run ' + step)}, at: {step}}}" for step in order]
    out += [
        "# runbook:                    # what the person on call needs; a manifest cannot say",
        "#   contacts:",
        "#     - {id: <contact>, name: <full name>, reach: <how to reach them>}",
        "#   procedures:",
        "#     - id: rollback",
        "#       title: Roll back the served model",
        "#       alerts: [<alert names>]",
        "#       steps: [<step>]",
    ]
    if draft.prompts or draft.skipped:
        out.append("#")
        out.append("# To fill in:")
        out += [f"#   - {p}" for p in draft.prompts]
        out += [f"#   - not imported: {s}" for s in draft.skipped]
    return "\n".join(line.replace("\n", " ") for line in out) + "\n"


def _element_lines(e: _Element) -> list[str]:
    lines = [f"  - id: {e.id}" + (f"  # {e.comment}" if e.comment else "")]
    if e.tool:
        lines.append(f"    tool: {e.tool}")
    if e.group:
        lines.append(f"    group: {e.group}")
    bindings = [
        "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in b.items()) + "}" for b in e.deployed
    ]
    if len(bindings) == 1:
        lines.append(f"    deployed: {bindings[0]}")
    elif bindings:
        lines.append("    deployed:")
        lines += [f"      - {b}" for b in bindings]
    return lines
