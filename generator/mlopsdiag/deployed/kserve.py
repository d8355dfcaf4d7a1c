"""KServe `InferenceService` (serving.kserve.io/v1beta1): predictor, transformer, explainer,
the model's storage URI, the canary's traffic share and the replicas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlopsdiag.deployed.kubernetes import identity
from mlopsdiag.deployed.record import Sink, mapping, seq, text, whole

PARTS = ("predictor", "transformer", "explainer")
_NOT_FRAMEWORKS = frozenset(
    {
        "containers",
        "minReplicas",
        "maxReplicas",
        "canaryTrafficPercent",
        "serviceAccountName",
        "scaleTarget",
        "scaleMetric",
        "timeout",
        "batcher",
        "logger",
        "nodeSelector",
        "tolerations",
        "affinity",
        "volumes",
        "imagePullSecrets",
    }
)


def storage_uris(component: Mapping[str, Any]) -> tuple[str, ...]:
    """Storage URIs of a predictor: `model.storageUri`, a framework's (`sklearn: {storageUri}`)
    or a custom container's STORAGE_URI variable."""
    found: list[str] = []
    for key, value in component.items():
        if key in _NOT_FRAMEWORKS or not isinstance(value, dict):
            continue
        uri = text(value.get("storageUri"))
        if uri:
            found.append(uri)
    for container in seq(component.get("containers")):
        for env in seq(mapping(container).get("env")):
            env = mapping(env)
            if text(env.get("name")) == "STORAGE_URI" and text(env.get("value")):
                found.append(text(env.get("value")))
    return tuple(found)


def read_inference_service(obj: Mapping[str, Any], sink: Sink) -> None:
    """One InferenceService."""
    found = identity(obj, sink)
    if found is None:
        return
    name, namespace = found
    spec = obj.get("spec")
    if not isinstance(spec, dict) or not isinstance(spec.get("predictor"), dict):
        sink.problem(("spec",), f"InferenceService {name!r} has no `spec.predictor` mapping")
        return
    predictor = spec["predictor"]
    parts = [part for part in PARTS if isinstance(spec.get(part), dict)]
    canary = whole(predictor.get("canaryTrafficPercent"))
    if canary is not None:
        parts.append(f"canary {canary}%")
    sink.add(
        kind="InferenceService",
        name=name,
        namespace=namespace,
        api_version=text(obj.get("apiVersion")),
        source="kserve",
        serves=storage_uris(predictor),
        images=tuple(
            image
            for part in PARTS
            for container in seq(mapping(spec.get(part)).get("containers"))
            if (image := text(mapping(container).get("image")))
        ),
        parts=tuple(parts),
        replicas=whole(predictor.get("minReplicas")),
    )
