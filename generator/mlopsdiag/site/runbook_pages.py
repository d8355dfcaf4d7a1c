"""The "if I'm gone" runbook page of one architecture."""

from __future__ import annotations

from collections.abc import Sequence

from mlopsdiag.site.pagebase import (
    Page,
    SiteInput,
    component_ref,
    dependencies,
    runbook_path,
    summarize,
    tools_used,
)
from mlopsdiag.site.work import runbook_work_context
from mlopsdiag.spec.model import Architecture, Procedure


def _sorted_procedures(procedures: Sequence[Procedure]) -> list[Procedure]:
    """Rollback procedures first (what to do at 3 a.m.), otherwise in spec order."""
    return sorted(procedures, key=lambda p: p.kind != "rollback")


def runbook_page(site: SiteInput, arch: Architecture) -> Page:
    runbook = arch.runbook
    contacts = {c.id: c for c in runbook.contacts} if runbook else {}
    stale = any(f.code == "runbook-stale" for f in site.findings.get(arch.name, ()))
    context = {
        "arch": arch,
        "summary": summarize(site, arch),
        "runbook": runbook,
        "contacts": contacts,
        "escalation": tuple(contacts[c] for c in runbook.escalation if c in contacts)
        if runbook
        else (),
        "procedures": _sorted_procedures(runbook.procedures) if runbook else [],
        "procedure_ids": frozenset(p.id for p in runbook.procedures) if runbook else frozenset(),
        "component_refs": {c.id: component_ref(arch, c.id) for c in arch.components},
        "stale": stale,
        "stale_after_days": site.stale_after_days,
        "dependencies": dependencies(arch, arch.catalog),
        "tools": tools_used(arch, arch.catalog),
        **runbook_work_context(arch),
    }
    return Page(runbook_path(arch.name), "runbook.md.j2", arch.source_path, context)
