"""Seldon Core: v1 `SeldonDeployment` (machinelearning.seldon.io/v1) and v2 `Model`,
`Pipeline`, `Experiment` (mlops.seldon.io/v1alpha1)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from mlopsdiag.deployed.kubernetes import identity
from mlopsdiag.deployed.record import Sink, mapping, seq, text, whole

V1_GROUP = "machinelearning.seldon.io"
V2_GROUP = "mlops.seldon.io"


def _graph_uris(node: Mapping[str, Any], depth: int = 0) -> Iterator[str]:
    if depth > 32:
        return
    uri = text(node.get("modelUri"))
    if uri:
        yield uri
    for child in seq(node.get("children")):
        yield from _graph_uris(mapping(child), depth + 1)


def read_seldon_deployment(obj: Mapping[str, Any], sink: Sink) -> None:
    """A v1 SeldonDeployment: its predictors' inference graphs and model URIs."""
    found = identity(obj, sink)
    if found is None:
        return
    name, namespace = found
    predictors = mapping(obj.get("spec")).get("predictors")
    if not isinstance(predictors, list) or not predictors:
        sink.problem(("spec",), f"SeldonDeployment {name!r} has no `spec.predictors` list")
        return
    uris: list[str] = []
    parts: list[str] = []
    for i, predictor in enumerate(predictors):
        if not isinstance(predictor, dict) or not isinstance(predictor.get("graph"), dict):
            sink.problem(("spec", "predictors", i), "a predictor needs a `graph` mapping")
            return
        uris.extend(_graph_uris(predictor["graph"]))
        label = text(predictor.get("name")) or f"predictor {i + 1}"
        traffic = whole(predictor.get("traffic"))
        parts.append(f"{label} {traffic}%" if traffic is not None else label)
    sink.add(
        kind="SeldonDeployment",
        name=name,
        namespace=namespace,
        api_version=text(obj.get("apiVersion")),
        source="seldon",
        serves=tuple(uris),
        parts=tuple(parts),
        replicas=whole(mapping(predictors[0]).get("replicas")),
    )


def read_v2(obj: Mapping[str, Any], sink: Sink) -> None:
    """A v2 Model (its storage URI), Pipeline (its steps) or Experiment (its candidates)."""
    found = identity(obj, sink)
    if found is None:
        return
    name, namespace = found
    kind = text(obj.get("kind"))
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        sink.problem((), f"{kind} {name!r} has no `spec` mapping")
        return
    serves: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    if kind == "Model":
        uri = text(spec.get("storageUri"))
        if not uri:
            sink.problem(("spec",), f"Model {name!r} has no `spec.storageUri`")
            return
        serves = (uri,)
    elif kind == "Pipeline":
        steps = spec.get("steps")
        if not isinstance(steps, list) or not steps:
            sink.problem(("spec",), f"Pipeline {name!r} has no `spec.steps` list")
            return
        needs = tuple(text(mapping(s).get("name")) for s in steps if text(mapping(s).get("name")))
    elif kind == "Experiment":
        candidates = spec.get("candidates")
        if not isinstance(candidates, list) or not candidates:
            sink.problem(("spec",), f"Experiment {name!r} has no `spec.candidates` list")
            return
        needs = tuple(
            text(mapping(c).get("name")) for c in candidates if text(mapping(c).get("name"))
        )
    sink.add(
        kind=kind,
        name=name,
        namespace=namespace,
        api_version=text(obj.get("apiVersion")),
        source="seldon",
        serves=serves,
        depends_on=needs,
        replicas=whole(spec.get("replicas")),
    )
