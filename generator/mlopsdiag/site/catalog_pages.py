"""Catalogue pages: a page per tool and per capability, their indexes and the capability matrix."""

from __future__ import annotations

from dataclasses import dataclass

from mlopsdiag.catalog import STAGE_NAMES, STAGES, UNMAINTAINED, Capability
from mlopsdiag.site.pagebase import (
    CAPABILITIES,
    MATRIX,
    TOOLS,
    Page,
    Ref,
    SiteInput,
    architecture_path,
    capability_path,
    capability_ref,
    capped,
    component_ref,
    concept_ref,
    has_capability,
    mark_notes,
    rule_ref,
    rules_for_concepts,
    summarize,
    tool_path,
    tool_ref,
)
from mlopsdiag.spec.model import Architecture


def _uses(site: SiteInput) -> dict[str, list[tuple[Architecture, list[Ref]]]]:
    """Tool id -> the architectures using it and the components (or groups) that do."""
    uses: dict[str, list[tuple[Architecture, list[Ref]]]] = {}
    for arch in site.architectures:
        per: dict[str, list[Ref]] = {}
        for group in arch.groups:
            if group.tool:
                per.setdefault(group.tool, []).append(component_ref(arch, group.id))
        for component in arch.components:
            if component.tool:
                per.setdefault(component.tool, []).append(component_ref(arch, component.id))
        for tool_id, refs in per.items():
            uses.setdefault(tool_id, []).append((arch, refs))
    return uses


def tool_pages(site: SiteInput) -> list[Page]:
    catalog = site.catalog
    uses = _uses(site)
    pages = []
    tools = sorted(catalog.tools.values(), key=lambda t: t.id)
    for tool in tools:
        similar = [
            t for t in tools if t.id != tool.id and set(t.capabilities) & set(tool.capabilities)
        ]
        pages.append(
            Page(
                tool_path(tool.id),
                "tool.md.j2",
                "the tool catalogue"
                if tool.builtin
                else (catalog.source or "the project catalogue"),
                {
                    "tool": tool,
                    "capabilities": tuple(
                        (catalog.capabilities.get(c), capability_ref(catalog, c))
                        for c in tool.capabilities
                    ),
                    "used_by": tuple(
                        (
                            Ref(arch.metadata.title, architecture_path(arch.name)),
                            *capped(refs),
                        )
                        for arch, refs in uses.get(tool.id, ())
                    ),
                    "similar": tuple(tool_ref(catalog, t.id) for t in similar),
                    "offers": tuple(
                        capability_ref(catalog, c) for c in tool.offers if c in catalog.capabilities
                    ),
                },
            )
        )
    by_capability = []
    for stage in (*STAGES, ""):
        for cap in catalog.capabilities.values():
            if (cap.stage if cap.stage in STAGES else "") != stage:
                continue
            providers = tuple(
                tool_ref(catalog, t.id) for t in tools if t.builtin and cap.id in t.capabilities
            )
            by_capability.append((STAGE_NAMES[stage], capability_ref(catalog, cap.id), providers))
    # A count per tool, linking to the tool page's list: the index stays the size of the
    # catalogue however many architectures use each tool.
    used = tuple(
        (tool_ref(catalog, tool_id), Ref(str(len(uses[tool_id])), tool_path(tool_id), "used-by"))
        for tool_id in sorted(uses, key=lambda t: (-len(uses[t]), t))
        if tool_id in catalog.tools
    )
    project_tools = tuple(tool_ref(catalog, t.id) for t in tools if not t.builtin)
    no_capability = tuple(
        tool_ref(catalog, t.id) for t in tools if t.builtin and not t.capabilities
    )
    pages.append(
        Page(
            TOOLS,
            "tools-index.md.j2",
            "the tool catalogue",
            {
                "used": used,
                "by_capability": tuple(by_capability),
                "project_tools": project_tools,
                "no_capability": no_capability,
                "builtin_count": sum(1 for t in tools if t.builtin),
                "attention": tuple(
                    (tool_ref(catalog, t.id), t.license, t.status, t.status_note)
                    for t in tools
                    if t.builtin
                    and ((t.source_available and not t.hosted_service) or t.status in UNMAINTAINED)
                ),
            },
        )
    )
    return pages


def capability_pages(site: SiteInput) -> list[Page]:
    catalog = site.catalog
    pages = []
    tools = sorted(catalog.tools.values(), key=lambda t: t.id)
    concept_by_cap: dict[str, set[str]] = {}
    for concept in site.concepts.values():
        for cap_id in concept.capabilities:
            concept_by_cap.setdefault(cap_id, set()).add(concept.id)
    for cap in catalog.capabilities.values():
        concept_ids = sorted(
            {c for c in cap.concepts if c in site.concepts} | concept_by_cap.get(cap.id, set()),
        )
        having = []
        lacking = []
        for arch in site.architectures:
            providers = site.analyses[arch.name].coverage.get(cap.id, ())
            ref = Ref(arch.metadata.title, architecture_path(arch.name))
            if providers:
                having.append((ref, *capped([component_ref(arch, p) for p in providers])))
            else:
                lacking.append(ref)
        pages.append(
            Page(
                capability_path(cap.id),
                "capability.md.j2",
                "the capability taxonomy",
                {
                    "capability": cap,
                    "stage": STAGE_NAMES.get(cap.stage, cap.stage),
                    "concepts": tuple(concept_ref(site.concepts, c) for c in concept_ids),
                    "tools": tuple(
                        tool_ref(catalog, t.id) for t in tools if cap.id in t.capabilities
                    ),
                    "rules": tuple(
                        (site.rules[r], rule_ref(site.rules, r))
                        for r in rules_for_concepts(site, concept_ids)
                    ),
                    "having": tuple(having),
                    "lacking": tuple(lacking),
                },
            )
        )
    stages = []
    for stage in (*STAGES, ""):
        caps = [
            c
            for c in catalog.capabilities.values()
            if (c.stage if c.stage in STAGES else "") == stage
        ]
        if caps:
            stages.append(
                (
                    STAGE_NAMES[stage],
                    tuple(
                        (
                            c,
                            capability_ref(catalog, c.id),
                            sum(1 for a in site.architectures if has_capability(site, a, c.id)),
                        )
                        for c in caps
                    ),
                )
            )
    pages.append(
        Page(
            CAPABILITIES,
            "capabilities-index.md.j2",
            "the capability taxonomy",
            {"stages": tuple(stages), "architectures": len(site.architectures)},
        )
    )
    columns = [c for stage, caps in stages for c, _, _ in caps]
    rows = tuple(
        (summarize(site, arch), tuple(matrix_cell(site, arch, c) for c in columns))
        for arch in site.architectures
    )
    totals = tuple(
        sum(1 for _, cells in rows if cells[i].status == HAS) for i in range(len(columns))
    )
    pages.append(
        Page(
            MATRIX,
            "matrix.md.j2",
            "every spec",
            meta={"hide": ["toc"]},
            context={
                "columns": tuple(
                    (c, capability_ref(catalog, c.id), STAGE_NAMES.get(c.stage, ""))
                    for c in columns
                ),
                "stage_spans": tuple((name, len(caps)) for name, caps in stages),
                "rows": rows,
                "totals": totals,
            },
        )
    )
    return pages


HAS, MISSING, NOT_APPLICABLE = "has", "missing", "not-applicable"


@dataclass(frozen=True)
class MatrixCell:
    """One cell of the capability matrix: has it, missing, or not applicable, and why."""

    status: str
    label: str
    """What the cell says to a screen reader: `has it`, `missing`, `not applicable`."""
    note: str
    """The tooltip: which components provide it and where each mark comes from, or why not."""


def matrix_cell(site: SiteInput, arch: Architecture, capability: Capability) -> MatrixCell:
    """The state of one capability in one architecture, with the reason shown on hover."""
    marks = site.analyses[arch.name].marks.get(capability.id, ())
    head = f"{arch.metadata.title}: {capability.name}"
    if marks:
        return MatrixCell(HAS, "has it", f"{head}: {mark_notes(arch, marks)}")
    reason = site.not_applicable.get(arch.name, {}).get(capability.id)
    if reason:
        return MatrixCell(NOT_APPLICABLE, "not applicable", f"{head}: not applicable, {reason}")
    return MatrixCell(MISSING, "missing", f"{head}: missing, no component provides it")
