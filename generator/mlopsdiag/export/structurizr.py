"""Structurizr: one workspace per spec (JSON, per the published `structurizr/json` schema).

The spec is the software system, each component a container (in its groups, as Structurizr
groups), each actor a person. The model's relationships are the arrows the pictures draw: a
container view per view (from the same scene the renderer draws), and a dynamic view per
process whose numbered steps are relationships in order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from mlopsdiag.render.labels import clean, plain
from mlopsdiag.render.scene import build_scene, drawn_kind
from mlopsdiag.render.styles import FLOW_STYLES
from mlopsdiag.spec.model import Architecture, Process, View

SYSTEM_ID = "system"
GROUP_SEPARATOR = "/"
_LAYOUT = {"implementation": "Graphviz", "rankDirection": "TopBottom"}
_PERSON_LOCATION = {"external": "External"}
"""Actor kind -> Structurizr location (people of every other kind work inside the system)."""


def _text(text: str) -> str:
    return clean(plain(text))


@dataclass
class _Model:
    """Relationships by (source, destination, description), in order of first use."""

    relationships: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)

    def relate(self, source: str, target: str, description: str, kind: str = "") -> str:
        key = (source, target, description)
        if key not in self.relationships:
            tags = "Relationship" + (f",{kind}" if kind else "")
            entry: dict[str, Any] = {
                "id": f"r{len(self.relationships) + 1}",
                "sourceId": source,
                "destinationId": target,
                "description": description,
                "tags": tags,
            }
            if kind:
                entry["technology"] = kind
            self.relationships[key] = entry
        return str(self.relationships[key]["id"])

    def of(self, source: str) -> list[dict[str, Any]]:
        return [r for r in self.relationships.values() if r["sourceId"] == source]

    def between(self, source: str, target: str) -> str | None:
        for (s, t, _), entry in self.relationships.items():
            if (s, t) == (source, target):
                return str(entry["id"])
        return None


def container_id(element: str) -> str:
    """The Structurizr id of a component's container."""
    return f"container:{element}"


def person_id(actor: str) -> str:
    """The Structurizr id of an actor's person."""
    return f"person:{actor}"


def _group_path(arch: Architecture, group_id: str | None) -> str:
    names = [
        arch.groups_by_id[g].name.replace(GROUP_SEPARATOR, "∕") for g in arch.ancestors(group_id)
    ]
    return GROUP_SEPARATOR.join(_text(n) for n in reversed(names))


def _container_view(arch: Architecture, view: View, model: _Model, order: int) -> dict[str, Any]:
    scene = build_scene(arch, view)
    relationships: list[str] = []
    for edge in scene.edges:
        if edge.tail not in scene.nodes or edge.head not in scene.nodes or edge.tail == edge.head:
            continue  # an empty group's stand-in point, or a loop on one box
        kind = drawn_kind(edge.flow)
        text = _text(edge.flow.label) or kind
        relationships.append(
            model.relate(container_id(edge.tail), container_id(edge.head), text, kind)
        )
    return {
        "key": f"view-{view.id}",
        "order": order,
        "title": _text(view.title),
        "softwareSystemId": SYSTEM_ID,
        "automaticLayout": _LAYOUT,
        "elements": [{"id": container_id(n)} for n in scene.nodes],
        "relationships": [{"id": r} for r in dict.fromkeys(relationships)],
        "externalSoftwareSystemBoundariesVisible": False,
    }


def _container_of(arch: Architecture, element: str) -> str | None:
    """The container a step's element is: the component, or a group's first member."""
    members = arch.expand(element)
    return container_id(members[0]) if members else None


def _dynamic_view(
    arch: Architecture, process: Process, model: _Model, order: int
) -> dict[str, Any]:
    elements: dict[str, None] = {}
    steps: list[dict[str, Any]] = []
    unplaced: list[str] = []
    for step in process.steps:
        do = _text(step.do)
        if step.source and step.target:
            source = _container_of(arch, step.source)
            target = _container_of(arch, step.target)
            if source is None or target is None or source == target:
                unplaced.append(str(step.number))
                continue
            found = model.between(source, target) or model.relate(source, target, do)
        elif step.by and step.at:
            source, target = person_id(step.by), _container_of(arch, step.at)
            if target is None:
                unplaced.append(str(step.number))
                continue
            found = model.relate(source, target, "works with")
        else:
            unplaced.append(str(step.number))
            continue
        elements.update({source: None, target: None})
        steps.append({"id": found, "description": do, "order": str(step.number)})
    description = _text(process.trigger and f"Trigger: {process.trigger}")
    if unplaced:
        note = (
            f"Steps {', '.join(unplaced)} happen inside one element with no actor named, so "
            "no relationship shows them; the architecture page lists every step."
        )
        description = f"{description} {note}".strip()
    return {
        "key": f"process-{process.id}",
        "order": order,
        "title": _text(process.title),
        "description": description,
        "elementId": SYSTEM_ID,
        "automaticLayout": _LAYOUT,
        "elements": [{"id": e} for e in elements],
        "relationships": steps,
        "externalBoundariesVisible": False,
    }


def workspace(arch: Architecture, generated: str) -> dict[str, Any]:
    """The Structurizr workspace of one architecture, as JSON-ready data."""
    model = _Model()
    for process in arch.processes:  # people first, in step order: they start the work
        for step in process.steps:
            target = _container_of(arch, step.start) if step.by else None
            if target is not None:
                model.relate(person_id(step.by), target, "works with")
    views = arch.all_views()
    container_views = [_container_view(arch, v, model, i + 1) for i, v in enumerate(views)]
    dynamic_views = [
        _dynamic_view(arch, p, model, len(views) + i + 1) for i, p in enumerate(arch.processes)
    ]
    containers = []
    for component in arch.components:
        tool = arch.tool_of(component.id)
        entry: dict[str, Any] = {
            "id": container_id(component.id),
            "name": _text(component.name),
            "description": _text(component.description),
            "technology": tool.name if tool is not None else "",
            "tags": "Element,Container",
            "properties": {"mlopsdiag.id": component.id},
            "relationships": model.of(container_id(component.id)),
        }
        group = _group_path(arch, component.group)
        if group:
            entry["group"] = group
        links = dict(component.links)
        if links:
            entry["url"] = next(iter(links.values()))
        containers.append(entry)
    people = [
        {
            "id": person_id(a.id),
            "name": _text(a.name),
            "description": a.kind,
            "tags": f"Element,Person,{a.kind}",
            "location": _PERSON_LOCATION.get(a.kind, "Internal"),
            "properties": {"mlopsdiag.id": a.id},
            "relationships": model.of(person_id(a.id)),
        }
        for a in arch.actors
    ]
    styles = [
        {"tag": kind, "color": style.color, "dashed": style.style in ("dashed", "dotted")}
        for kind, style in FLOW_STYLES.items()
    ]
    return {
        "name": _text(arch.metadata.title),
        "description": _text(arch.metadata.description) or _text(arch.metadata.title),
        "properties": {"generated": clean(generated)},
        "model": {
            "properties": {"structurizr.groupSeparator": GROUP_SEPARATOR},
            "people": people,
            "softwareSystems": [
                {
                    "id": SYSTEM_ID,
                    "name": _text(arch.metadata.title),
                    "description": _text(arch.metadata.description),
                    "location": "Internal",
                    "tags": "Element,Software System",
                    "properties": {"mlopsdiag.name": arch.name},
                    "containers": containers,
                }
            ],
        },
        "views": {
            "containerViews": container_views,
            "dynamicViews": dynamic_views,
            "configuration": {
                "styles": {
                    "elements": [{"tag": "Person", "shape": "Person"}],
                    "relationships": styles,
                },
            },
        },
    }


def export_structurizr(arch: Architecture, generated: str) -> str:
    """The workspace as JSON text (keys in a fixed order, so the file is deterministic)."""
    return json.dumps(workspace(arch, generated), indent=2, ensure_ascii=False) + "\n"
