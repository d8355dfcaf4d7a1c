"""Backstage: a `catalog-info.yaml` per spec, from the model.

A System for the spec; a Component for every group (a `pipeline` when it runs on an
orchestrator, else a `platform`) and for every service or pipeline task; a Resource for every
store, registry and queue (by tool, else by capability: `RESOURCE_TOOLS`,
`RESOURCE_CAPABILITIES`). Flows become `dependsOn`: whoever writes into a resource depends on
it, and whatever receives from anything else depends on its sender. Owners come from the spec,
links lead to the architecture page and the runbook, and `backstage.io/techdocs-ref` points
TechDocs at the MkDocs site that holds them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from mlopsdiag.render.labels import clean, plain
from mlopsdiag.spec.model import Architecture

API_VERSION = "backstage.io/v1alpha1"
TECHDOCS_REF = "dir:."
"""Where TechDocs finds mkdocs.yml: next to catalog-info.yaml (the repository root)."""

RESOURCE_TOOLS: Mapping[str, str] = {
    "bigquery": "database",
    "delta-lake": "storage",
    "gcs": "storage-bucket",
    "kafka": "queue",
    "lakefs": "storage",
    "minio": "storage-bucket",
    "postgresql": "database",
    "redis": "database",
    "s3": "storage-bucket",
    "snowflake": "database",
}
"""Tool id -> Backstage resource type: the tools that hold data rather than run code."""

RESOURCE_CAPABILITIES: Mapping[str, str] = {
    "model-registry": "model-registry",
    "feature-store": "feature-store",
    "data-versioning": "storage",
}
"""A component whose capabilities are all among these (and that has at least one) is a
Resource of the first one's type: a registry or store, not a service."""

ORCHESTRATION = "orchestration"
_NAME = re.compile(r"^[A-Za-z0-9][-_.A-Za-z0-9]*[A-Za-z0-9]$|^[A-Za-z0-9]$")
_TAG = re.compile(r"^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$")
NAME_LIMIT = 63


def entity_name(text: str) -> str:
    """A valid Backstage entity name (63 characters of `[A-Za-z0-9-_.]`, alphanumeric at both
    ends) for any text; a name that had to be changed gets a short hash, so two texts never
    share one."""
    if _NAME.match(text) and len(text) <= NAME_LIMIT:
        return text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    base = re.sub(r"[^-_.A-Za-z0-9]+", "-", text).strip("-_.")[: NAME_LIMIT - 9].strip("-_.")
    return f"{base}-{digest}" if base else digest


@dataclass(frozen=True)
class Links:
    """Where the mlopsdiag site is published. Backstage wants absolute link URLs, so without
    one the pages are reached through the System's TechDocs tab only."""

    site_url: str = ""

    def pages(self, arch: Architecture) -> list[dict[str, str]]:
        """Links to the architecture page and, when the spec has one, the runbook."""
        if not self.site_url:
            return []
        root = self.site_url.rstrip("/")
        out = [
            {
                "url": f"{root}/architectures/{arch.name}/index.html",
                "title": "Architecture (mlopsdiag)",
                "icon": "docs",
            }
        ]
        if arch.runbook is not None:
            out.append(
                {
                    "url": f"{root}/runbooks/{arch.name}.html",
                    "title": "Runbook: if I'm gone",
                    "icon": "help",
                }
            )
        return out


def _text(text: str) -> str:
    return clean(plain(text))


def _owner(arch: Architecture, owner: str) -> str:
    """An owner as an entity reference: a runbook contact is a user, anything else a group."""
    contacts = {c.id for c in arch.runbook.contacts} if arch.runbook is not None else set()
    if not owner:
        owner = arch.metadata.owners[0] if arch.metadata.owners else "unknown"
    kind = "user" if owner in contacts else "group"
    return f"{kind}:{entity_name(owner)}"


def _resource_type(arch: Architecture, component_id: str) -> str | None:
    component = arch.components_by_id[component_id]
    if component.tool is not None and component.tool in RESOURCE_TOOLS:
        return RESOURCE_TOOLS[component.tool]
    capabilities = arch.capabilities_of(component_id)
    if capabilities and capabilities <= set(RESOURCE_CAPABILITIES):
        first = next(c for c in RESOURCE_CAPABILITIES if c in capabilities)
        return RESOURCE_CAPABILITIES[first]
    return None


def _runs_pipelines(arch: Architecture, group_id: str | None) -> bool:
    return group_id is not None and ORCHESTRATION in arch.group_capabilities(group_id)


class _Refs:
    """Entity references of a spec's elements: `component:<spec>-<id>` or `resource:...`."""

    def __init__(self, arch: Architecture) -> None:
        self.arch = arch
        self.kinds: dict[str, str] = {}
        for group in arch.groups:
            self.kinds[group.id] = "component"
        for component in arch.components:
            resource = _resource_type(arch, component.id) is not None
            self.kinds[component.id] = "resource" if resource else "component"

    def name(self, element: str) -> str:
        return entity_name(f"{self.arch.name}-{element}")

    def ref(self, element: str) -> str:
        return f"{self.kinds[element]}:{self.name(element)}"


def _depends(arch: Architecture, refs: _Refs) -> dict[str, list[str]]:
    """Element id -> the refs it depends on, from the flows, in flow order."""
    found: dict[str, dict[str, None]] = {e: {} for e in refs.kinds}
    for flow in arch.flows:
        if flow.source == flow.target:
            continue
        if refs.kinds[flow.target] == "resource":
            found[flow.source][refs.ref(flow.target)] = None
        else:
            found[flow.target][refs.ref(flow.source)] = None
    return {e: list(deps) for e, deps in found.items()}


def _links(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"url": url, "title": _text(label)} for label, url in pairs]


def _metadata(
    name: str,
    title: str,
    description: str,
    links: list[dict[str, str]],
    annotations: dict[str, str],
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "title": _text(title)}
    if _text(description):
        meta["description"] = _text(description)
    if annotations:
        meta["annotations"] = annotations
    if links:
        meta["links"] = links
    return meta


def entities(arch: Architecture, links: Links) -> list[dict[str, Any]]:
    """The Backstage entities of one architecture: the System first, then groups and
    components in spec order."""
    refs = _Refs(arch)
    depends = _depends(arch, refs)
    system = entity_name(arch.name)
    pages = links.pages(arch)
    dashboards = arch.runbook.dashboards if arch.runbook is not None else ()
    pages += [{"url": d.url, "title": _text(d.name), "icon": "dashboard"} for d in dashboards]
    annotations = {"backstage.io/techdocs-ref": TECHDOCS_REF, "mlopsdiag.io/spec": arch.source_path}
    system_meta = _metadata(
        system, arch.metadata.title, arch.metadata.description, pages, annotations
    )
    tags = [t for t in arch.metadata.tags if _TAG.match(t) and len(t) <= NAME_LIMIT]
    if tags:
        system_meta["tags"] = tags
    out: list[dict[str, Any]] = [
        {
            "apiVersion": API_VERSION,
            "kind": "System",
            "metadata": system_meta,
            "spec": {"owner": _owner(arch, "")},
        }
    ]
    lifecycle = arch.metadata.lifecycle or "unknown"
    component_page = pages[:1]
    for group in arch.groups:
        spec: dict[str, Any] = {
            "type": "pipeline" if _runs_pipelines(arch, group.id) else "platform",
            "lifecycle": lifecycle,
            "owner": _owner(arch, ""),
            "system": system,
        }
        if group.parent is not None:
            spec["subcomponentOf"] = refs.ref(group.parent)
        if depends[group.id]:
            spec["dependsOn"] = depends[group.id]
        tool = arch.tool_of(group.id)
        out.append(
            {
                "apiVersion": API_VERSION,
                "kind": "Component",
                "metadata": _metadata(
                    refs.name(group.id),
                    group.name,
                    f"Runs on {tool.name}." if tool is not None else "",
                    component_page,
                    {"mlopsdiag.io/element": group.id},
                ),
                "spec": spec,
            }
        )
    for component in arch.components:
        resource_type = _resource_type(arch, component.id)
        owner = _owner(arch, component.owner)
        if resource_type is not None:
            kind, spec = "Resource", {"type": resource_type, "owner": owner, "system": system}
        else:
            in_pipeline = _runs_pipelines(arch, component.group) or ORCHESTRATION in (
                arch.capabilities_of(component.id)
            )
            kind = "Component"
            spec = {
                "type": "pipeline" if in_pipeline else "service",
                "lifecycle": lifecycle,
                "owner": owner,
                "system": system,
            }
            if component.group is not None:
                spec["subcomponentOf"] = refs.ref(component.group)
        if depends[component.id]:
            spec["dependsOn"] = depends[component.id]
        tool = arch.tool_of(component.id)
        annotations = {"mlopsdiag.io/element": component.id}
        if tool is not None:
            annotations["mlopsdiag.io/tool"] = tool.id
        out.append(
            {
                "apiVersion": API_VERSION,
                "kind": kind,
                "metadata": _metadata(
                    refs.name(component.id),
                    component.name,
                    component.description,
                    [*component_page, *_links(component.links)],
                    annotations,
                ),
                "spec": spec,
            }
        )
    return out


def export_backstage(arch: Architecture, generated: str, links: Links | None = None) -> str:
    """`catalog-info.yaml`: one YAML document per entity (PyYAML quotes every user text)."""
    docs = entities(arch, links or Links())
    body = yaml.safe_dump_all(
        docs, explicit_start=True, sort_keys=False, allow_unicode=True, width=100
    )
    return f"# {clean(generated)}\n{body}"


def location(files: Iterable[str]) -> str:
    """A Location entity listing every spec's entities file: register this one file."""
    doc = {
        "apiVersion": API_VERSION,
        "kind": "Location",
        "metadata": {
            "name": "mlopsdiag-architectures",
            "description": "Every architecture mlopsdiag exported from this repository's specs.",
        },
        "spec": {"targets": [f"./{name}" for name in files]},
    }
    body = yaml.safe_dump(doc, explicit_start=True, sort_keys=False, allow_unicode=True)
    return "# generated by mlopsdiag export --to backstage — do not edit\n" + body
