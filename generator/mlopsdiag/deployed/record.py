"""The one neutral record every reader produces: what runs, where it was read, what it serves."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mlopsdiag.errors import Diagnostic
from mlopsdiag.spec.loader import Document, PathKey


@dataclass(frozen=True)
class Record:
    """One running object (or one defined thing: a pipeline task, an alerting rule)."""

    kind: str
    """A Kubernetes kind, or kfp-pipeline, kfp-task, compose-service, mlflow-model, alert."""
    name: str
    file: str
    line: int
    col: int = 1
    namespace: str = ""
    api_version: str = ""
    source: str = ""
    """Which reader made it: kubernetes, kserve, seldon, kubeflow, prometheus, compose, mlflow."""
    serves: tuple[str, ...] = ()
    """Model locations served (storage URIs, model URIs)."""
    depends_on: tuple[str, ...] = ()
    """Names of what it needs first: tasks before a task, services before a service, the
    models of a Seldon pipeline, the candidates of an experiment."""
    images: tuple[str, ...] = ()
    environment: tuple[str, ...] = ()
    """Environment values (Compose), where service URLs name other services."""
    parent: str = ""
    """kfp-task: its pipeline. alert: the PrometheusRule, or the group of a plain rule file."""
    groups: tuple[str, ...] = ()
    """PrometheusRule: the names of its rule groups."""
    runbook_url: str = ""
    """alert: its `runbook_url` annotation."""
    versions: tuple[tuple[str, str], ...] = ()
    """mlflow-model: (version, source) of each version read."""
    aliases: tuple[tuple[str, str], ...] = ()
    """mlflow-model: (alias or stage, version)."""
    parts: tuple[str, ...] = ()
    """Serving objects: the parts present (predictor, transformer, explainer, canary)."""
    replicas: int | None = None

    @property
    def where(self) -> str:
        """`file:line`, for messages."""
        return f"{self.file}:{self.line}"

    def label(self) -> str:
        """`InferenceService risk-prod/fraud-scorer`, for messages."""
        ns = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {ns}{self.name}"


class Sink:
    """What one document's reader hands back: records and positioned problems."""

    def __init__(self, doc: Document, base: PathKey = ()) -> None:
        self.doc = doc
        self.base = base
        self.records: list[Record] = []
        self.problems: list[Diagnostic] = []

    def pos(self, at: PathKey = ()) -> tuple[int, int]:
        """Line and column of a value below this object."""
        return self.doc.pos((*self.base, *at))

    def problem(self, at: PathKey, message: str) -> None:
        """An unreadable object, or a field of the wrong shape, at its position."""
        line, col = self.pos(at)
        self.problems.append(Diagnostic(self.doc.path, line, col, message, code="unreadable"))

    def add(self, at: PathKey = (), *, at_key: bool = False, **fields: Any) -> None:
        """A record positioned at `at` (relative to the object), or at the key that
        introduces it (a Compose service, a pipeline task: the line that names it)."""
        line, col = self.doc.key_pos((*self.base, *at)) if at_key else self.pos(at)
        self.records.append(Record(file=self.doc.path, line=line, col=col, **fields))


Reader = Callable[[Mapping[str, Any], Sink], None]
"""Turns one object (a Kubernetes object, a rule file, a Compose file...) into records."""


def text(value: Any) -> str:
    """A scalar as text ('' for anything else)."""
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return ""
    return str(value)


def mapping(value: Any) -> Mapping[str, Any]:
    """A mapping, or an empty one when the value is anything else."""
    return value if isinstance(value, dict) else {}


def seq(value: Any) -> list[Any]:
    """A list, or an empty one when the value is anything else."""
    return value if isinstance(value, list) else []


def whole(value: Any) -> int | None:
    """An integer, or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None
