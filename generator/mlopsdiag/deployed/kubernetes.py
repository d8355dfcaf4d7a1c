"""Kubernetes objects: workloads (Deployment, StatefulSet, CronJob, Job), Services and, for
any other kind, a record of its kind and name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlopsdiag.deployed.record import Sink, mapping, seq, text, whole

POD_TEMPLATE: Mapping[str, tuple[str, ...]] = {
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "Pod": ("spec",),
}
"""Where each workload kind keeps its pod spec."""


def identity(obj: Mapping[str, Any], sink: Sink) -> tuple[str, str] | None:
    """An object's metadata.name and namespace; reports the object when it has no name."""
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        sink.problem((), f"{text(obj.get('kind')) or 'object'} without a `metadata` mapping")
        return None
    name = text(meta.get("name"))
    if not name:
        sink.problem(("metadata",), f"{text(obj.get('kind'))} without `metadata.name`")
        return None
    return name, text(meta.get("namespace"))


def _dig(obj: Mapping[str, Any], path: tuple[str, ...]) -> Mapping[str, Any]:
    found: Any = obj
    for key in path:
        found = mapping(found).get(key)
    return mapping(found)


def pod_images(pod: Mapping[str, Any]) -> tuple[str, ...]:
    """Images of a pod spec's init and main containers."""
    return tuple(
        image
        for key in ("initContainers", "containers")
        for container in seq(pod.get(key))
        if (image := text(mapping(container).get("image")))
    )


def read_object(obj: Mapping[str, Any], sink: Sink) -> None:
    """Any Kubernetes object; workloads with their images and replicas."""
    found = identity(obj, sink)
    if found is None:
        return
    name, namespace = found
    kind = text(obj.get("kind"))
    images: tuple[str, ...] = ()
    template = POD_TEMPLATE.get(kind)
    if template is not None:
        pod = _dig(obj, template)
        if not pod:
            sink.problem(("spec",), f"{kind} {name!r} has no pod template at {'.'.join(template)}")
            return
        images = pod_images(pod)
    sink.add(
        kind=kind,
        name=name,
        namespace=namespace,
        api_version=text(obj.get("apiVersion")),
        source="kubernetes",
        images=images,
        replicas=whole(mapping(obj.get("spec")).get("replicas")),
    )
