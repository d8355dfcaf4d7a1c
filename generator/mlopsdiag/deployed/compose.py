"""Docker Compose files (the Compose Specification): services, images, `depends_on` and the
environment, where service URLs name the services a service talks to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlopsdiag.deployed.record import Sink, text


def is_compose_file(data: Mapping[str, Any]) -> bool:
    """A Compose file: a `services` mapping at the top, and no Kubernetes `kind`."""
    return isinstance(data.get("services"), dict) and "kind" not in data


def _names(value: Any) -> tuple[str, ...]:
    """`depends_on` in its short (list) or long (mapping) syntax."""
    if isinstance(value, dict):
        return tuple(str(k) for k in value)
    if isinstance(value, list):
        return tuple(text(v) for v in value if text(v))
    return ()


def _environment(value: Any) -> tuple[str, ...]:
    """Environment values, from the list (`KEY=value`) or mapping syntax."""
    if isinstance(value, dict):
        return tuple(text(v) for v in value.values() if text(v))
    if isinstance(value, list):
        return tuple(text(v).partition("=")[2] for v in value if "=" in text(v))
    return ()


def read_compose(data: Mapping[str, Any], sink: Sink) -> None:
    """Every service of one Compose file."""
    for name, service in data["services"].items():
        if not isinstance(service, dict):
            sink.problem(("services", name), f"service {name!r} is not a mapping")
            continue
        image = text(service.get("image"))
        if not image and "build" not in service:
            sink.problem(("services", name), f"service {name!r} has neither `image` nor `build`")
            continue
        sink.add(
            ("services", name),
            at_key=True,
            kind="compose-service",
            name=str(name),
            source="compose",
            images=(image,) if image else (),
            depends_on=_names(service.get("depends_on")),
            environment=_environment(service.get("environment")),
        )
