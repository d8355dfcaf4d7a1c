"""Read manifest files and folders into records: one reader per source, chosen by a table."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from mlopsdiag.deployed import compose, kserve, kubeflow, kubernetes, mlflow, prometheus, seldon
from mlopsdiag.deployed.record import Reader, Record, Sink, seq, text
from mlopsdiag.errors import Diagnostic, Severity
from mlopsdiag.spec.discovery import display_path
from mlopsdiag.spec.loader import PathKey, load_stream

SUFFIXES = (".yaml", ".yml", ".json")

BY_KIND: Mapping[tuple[str, str], Reader] = MappingProxyType(
    {
        ("serving.kserve.io", "InferenceService"): kserve.read_inference_service,
        (seldon.V1_GROUP, "SeldonDeployment"): seldon.read_seldon_deployment,
        (seldon.V2_GROUP, "Model"): seldon.read_v2,
        (seldon.V2_GROUP, "Pipeline"): seldon.read_v2,
        (seldon.V2_GROUP, "Experiment"): seldon.read_v2,
        ("monitoring.coreos.com", "PrometheusRule"): prometheus.read_prometheus_rule,
    }
)
"""(API group, kind) -> the reader of that format; other Kubernetes objects are read
generically (kind, name, namespace, and images for workloads)."""

BY_SHAPE: tuple[tuple[Callable[[Mapping[str, Any]], bool], Reader], ...] = (
    (kubeflow.is_pipeline_spec, kubeflow.read_pipeline),
    (prometheus.is_rule_file, prometheus.read_rule_file),
    (compose.is_compose_file, compose.read_compose),
    (mlflow.is_registry_answer, mlflow.read_registry_answer),
)
"""Documents that are not Kubernetes objects, recognised by their top-level keys."""

MAX_LIST_DEPTH = 4


@dataclass
class Reading:
    """Everything read from some paths: records, problems, and how many files."""

    records: list[Record] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    files: int = 0

    def extend(self, records: Iterable[Record], problems: Iterable[Diagnostic]) -> None:
        """Add what one source gave."""
        self.records.extend(records)
        self.problems.extend(problems)


def manifest_files(paths: Iterable[Path]) -> list[Path]:
    """The files given, and every .yaml, .yml and .json file below the folders given
    (hidden folders skipped, links to folders not followed), in a stable order."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found.extend(Path(folder, f) for f in sorted(files) if f.lower().endswith(SUFFIXES))
    return found


def read_paths(paths: Iterable[Path]) -> Reading:
    """Read every manifest file below `paths` into records."""
    reading = Reading()
    for path in manifest_files(paths):
        reading.files += 1
        shown = display_path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            reading.problems.append(
                Diagnostic(shown, 1, 1, f"cannot read file: {exc.strerror or exc}")
            )
            continue
        records, problems = read_bytes(raw, shown)
        reading.extend(records, problems)
    reading.records = mlflow.merge_models(reading.records)
    return reading


def read_bytes(raw: bytes, shown: str) -> tuple[list[Record], list[Diagnostic]]:
    """Records of one file's documents; `shown` is the path used in positions."""
    docs, problems = load_stream(raw, shown)
    records: list[Record] = []
    for doc in docs:
        sink = Sink(doc)
        read_document(doc.data, sink, (), 0)
        records.extend(sink.records)
        problems.extend(sink.problems)
    return records, sorted(problems, key=Diagnostic.sort_key)


def read_document(data: Mapping[str, Any], sink: Sink, at: PathKey, depth: int) -> None:
    """Dispatch one object (or a `kind: List` of them) to its reader."""
    kind = text(data.get("kind"))
    api_version = text(data.get("apiVersion"))
    if kind and api_version:
        if kind == "List" or (kind.endswith("List") and isinstance(data.get("items"), list)):
            if depth >= MAX_LIST_DEPTH:
                sink.base = at
                sink.problem((), "lists nested too deep")
                return
            for i, item in enumerate(seq(data.get("items"))):
                if not isinstance(item, dict):
                    sink.base = at
                    sink.problem(("items", i), "a list item that is not an object")
                    continue
                read_document(item, sink, (*at, "items", i), depth + 1)
            return
        sink.base = at
        group = api_version.rpartition("/")[0]
        BY_KIND.get((group, kind), kubernetes.read_object)(data, sink)
        return
    sink.base = at
    for test, reader in BY_SHAPE:
        if test(data):
            reader(data, sink)
            return
    if kubeflow.is_platform_spec(data):
        return
    line, col = sink.pos()
    sink.problems.append(
        Diagnostic(
            sink.doc.path,
            line,
            col,
            "skipped: not a Kubernetes object, Prometheus rule file, Compose file, compiled "
            "Kubeflow pipeline or MLflow registry answer",
            severity=Severity.INFO,
            code="unreadable",
        )
    )


def read_registry(url: str) -> Reading:
    """The registered models of a running MLflow tracking server."""
    records, problems = mlflow.read_server(url)
    return Reading(records, problems, 0)
