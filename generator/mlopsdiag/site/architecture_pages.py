"""The page of one architecture: diagrams, components, flows, coverage and findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mlopsdiag.catalog import STAGE_NAMES, STAGES
from mlopsdiag.deployed.record import Record
from mlopsdiag.render.limits import collapses_overview
from mlopsdiag.site.pagebase import (
    ComponentRow,
    CoverageRow,
    FlowRow,
    GroupRow,
    Page,
    Ref,
    SiteInput,
    ViewBox,
    architecture_path,
    capability_ref,
    component_ref,
    finding_rows,
    mark_origin,
    person_name,
    requirement_name,
    summarize,
    tool_ref,
)
from mlopsdiag.site.work import work_context
from mlopsdiag.spec.model import Architecture, Component, Group


@dataclass(frozen=True)
class DeployedRow:
    """One bound element on the architecture page: what it is bound to and how it compared."""

    element: Ref
    bindings: tuple[str, ...]
    status: str
    """matched, missing, mismatched, or empty when not checked."""
    found: tuple[str, ...]
    """`file:line` of each object found for it."""


def _where(records: Sequence[Record]) -> tuple[str, ...]:
    """`file:line` of the objects found; a rule group's alerts by their file only."""
    objects = [r.where for r in records if r.kind != "alert"]
    files = {r.file for r in records if r.kind != "alert"}
    alerts = [r.file for r in records if r.kind == "alert" and r.file not in files]
    return tuple(dict.fromkeys([*objects, *alerts]))


def _deployed_rows(site: SiteInput, arch: Architecture) -> tuple[DeployedRow, ...]:
    check = site.deployment.get(arch.name)
    rows = []
    elements: list[Group | Component] = [*arch.groups, *arch.components]
    for element in elements:
        if not element.deployed:
            continue
        found = check.status.get(element.id) if check is not None else None
        rows.append(
            DeployedRow(
                component_ref(arch, element.id),
                tuple(
                    f"{d.kind} {d.namespace + '/' if d.namespace else ''}{d.name}"
                    + (f" (alias {d.alias})" if d.alias else "")
                    for d in element.deployed
                ),
                found.status if found is not None else "",
                _where(found.records) if found else (),
            )
        )
    return tuple(rows)


def architecture_page(site: SiteInput, arch: Architecture) -> Page:
    catalog = arch.catalog
    analysis = site.analyses[arch.name]
    rendered = site.diagrams.get(arch.name, frozenset())
    views = tuple(
        ViewBox(
            v.id,
            v.title,
            f"{v.id}.svg" if v.id in rendered else "",
            len(arch.components) if collapses_overview(arch, v) else 0,
        )
        for v in arch.all_views()
    )
    components = tuple(
        ComponentRow(
            id=c.id,
            name=c.name,
            tool=tool_ref(catalog, c.tool),
            capabilities=tuple(
                capability_ref(catalog, cap) for cap in sorted(arch.capabilities_of(c.id))
            ),
            group=component_ref(arch, c.group) if c.group else None,
            owner=person_name(arch, c.owner),
            links=c.links,
            description=c.description,
        )
        for c in arch.components
    )
    groups = tuple(
        GroupRow(
            id=g.id,
            name=g.name,
            parent=component_ref(arch, g.parent) if g.parent else None,
            tool=tool_ref(catalog, g.tool),
            members=tuple(component_ref(arch, m) for m in arch.members(g.id)),
        )
        for g in arch.groups
    )
    flows = tuple(
        FlowRow(
            f.index,
            component_ref(arch, f.source),
            component_ref(arch, f.target),
            f.kind,
            f.label,
        )
        for f in arch.flows
    )
    coverage = []
    needless = site.not_applicable.get(arch.name, {})
    for stage in (*STAGES, ""):
        for cap in catalog.capabilities.values():
            if (cap.stage if cap.stage in STAGES else "") != stage:
                continue
            marks = analysis.marks.get(cap.id, ())
            coverage.append(
                CoverageRow(
                    capability_ref(catalog, cap.id),
                    STAGE_NAMES[stage],
                    tuple(component_ref(arch, m.element) for m in marks),
                    tuple(mark_origin(arch, m) for m in marks),
                    "" if marks else needless.get(cap.id, ""),
                )
            )
    context = {
        "arch": arch,
        "summary": summarize(site, arch),
        "analysis": analysis,
        "next_level": analysis.inferred_level + 1 if analysis.missing_for_next else None,
        "missing_for_next": tuple(requirement_name(r, catalog) for r in analysis.missing_for_next),
        "missing_for_claim": tuple(
            requirement_name(r, catalog) for r in analysis.missing_for_claim
        ),
        "trigger_flows": tuple(f for f in flows if f.index in analysis.trigger_flows),
        "views": views,
        "downloads": site.downloads.get(arch.name, ()),
        "components": components,
        "groups": groups,
        "flows": flows,
        "flow_styles": site.flow_styles,
        "coverage": tuple(coverage),
        "covered": sum(1 for row in coverage if row.providers),
        "findings": finding_rows(site, arch),
        "deployed_rows": _deployed_rows(site, arch),
        "deployed_checked": site.deployment[arch.name].checked
        if arch.name in site.deployment
        else "",
        **work_context(site, arch),
    }
    return Page(architecture_path(arch.name), "architecture.md.j2", arch.source_path, context)
