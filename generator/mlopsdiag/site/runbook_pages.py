"""The "if I'm gone" runbook page of one architecture."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import escape

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
from mlopsdiag.spec.model import Access, Architecture, Contact, Procedure, Runbook


def _sorted_procedures(procedures: Sequence[Procedure]) -> list[Procedure]:
    """Rollback procedures first (what to do at 3 a.m.), otherwise in spec order."""
    return sorted(procedures, key=lambda p: p.kind != "rollback")


@dataclass(frozen=True)
class Need:
    """An access entry a procedure needs, as the page shows it."""

    id: str
    name: str
    where: str
    grantor: str
    """Who grants it: the contact's name, or the spec's text."""


@dataclass(frozen=True)
class StepView:
    """One numbered step: what to do, and the command as ready-made, escaped HTML."""

    do: str
    command_html: str


@dataclass(frozen=True)
class ProcedureView:
    """A procedure with what it needs before the first step."""

    procedure: Procedure
    needs: tuple[Need, ...]
    approver: Contact | None
    steps: tuple[StepView, ...]


@dataclass(frozen=True)
class TriageRow:
    """One line of the triage card: symptoms, the procedure, access it needs, who to call."""

    symptoms: tuple[str, ...]
    procedure: Procedure | None
    fix: str
    needs: tuple[Need, ...]
    call: tuple[Contact, ...]


RUNBOOK_SEARCH_BOOST = 4
"""Material's per-page search boost for runbooks: the page people search for at 3 a.m."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"(\s+)")


def command_html(command: str) -> str:
    """A command for `<pre><code>`: HTML-escaped, each word in a span that never breaks.

    On screen the block scrolls sideways; on paper it may wrap, but only between words,
    so `apply -f deploy/x.yaml` never becomes `apply -` / `f deploy/x.yaml`. Copying the
    block copies the command exactly: spans add no characters.
    """
    parts = _SPACES.split(_CONTROL.sub("", command.strip("\n")))
    return "".join(
        part
        if not part or part.isspace()
        else f'<span class="mlopsdiag-token">{escape(part)}</span>'
        for part in parts
    )


def _needs(
    procedure: Procedure, access: Mapping[str, Access], contacts: Mapping[str, Contact]
) -> tuple[Need, ...]:
    out = []
    for access_id in procedure.needs:
        entry = access.get(access_id)
        if entry is None:  # pragma: no cover - validation rejects unknown ids
            continue
        grantor = contacts.get(entry.granted_by)
        out.append(
            Need(entry.id, entry.name, entry.where, grantor.name if grantor else entry.granted_by)
        )
    return tuple(out)


def _procedure_view(
    procedure: Procedure, access: Mapping[str, Access], contacts: Mapping[str, Contact]
) -> ProcedureView:
    details = procedure.step_details or ()
    steps = (
        tuple(StepView(s.do, command_html(s.run) if s.run else "") for s in details)
        if details
        else tuple(StepView(text, "") for text in procedure.steps)
    )
    return ProcedureView(
        procedure=procedure,
        needs=_needs(procedure, access, contacts),
        approver=contacts.get(procedure.approver),
        steps=steps,
    )


def _who_to_call(
    runbook: Runbook, procedure: Procedure | None, access: Mapping[str, Access]
) -> tuple[Contact, ...]:
    """The people a procedure depends on (approver, grantors), in escalation order; without
    any, the first contact of the escalation order."""
    contacts = {c.id: c for c in runbook.contacts}
    involved: list[str] = []
    if procedure is not None:
        involved = [procedure.approver] + [
            access[a].granted_by for a in procedure.needs if a in access
        ]
    rank = {cid: i for i, cid in enumerate(runbook.escalation)}
    wanted = [cid for cid in dict.fromkeys(involved) if cid in contacts]
    wanted.sort(key=lambda cid: rank.get(cid, len(rank)))
    if not wanted and runbook.escalation:
        wanted = [c for c in runbook.escalation[:1] if c in contacts]
    return tuple(contacts[cid] for cid in wanted)


def _triage(runbook: Runbook, views: Mapping[str, ProcedureView]) -> tuple[TriageRow, ...]:
    """Every known symptom, grouped by the procedure that answers it (rollback first): the
    failure modes, and each procedure's `when`; symptoms with only a fix come last."""
    access = {a.id: a for a in runbook.access if a.id}
    symptoms: dict[str, list[str]] = {pid: [] for pid in views}
    loose: list[TriageRow] = []
    for mode in runbook.failure_modes:
        if mode.procedure in symptoms:
            symptoms[mode.procedure].append(mode.symptom)
        elif mode.fix:
            loose.append(TriageRow((mode.symptom,), None, mode.fix, (), ()))
    rows = []
    for pid, view in views.items():
        proc = view.procedure
        seen = symptoms[pid] or ([proc.when] if proc.when else [])
        if seen:
            rows.append(
                TriageRow(tuple(seen), proc, "", view.needs, _who_to_call(runbook, proc, access))
            )
    return (*rows, *loose)


def _by_alert(row: tuple[str, Procedure]) -> tuple[str, str]:
    return (row[0].lower(), row[1].id)


def alert_anchor(name: str) -> str:
    """The anchor of an alert on the runbook page (alert names are free text)."""
    return "alert-" + (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "x")


def runbook_page(site: SiteInput, arch: Architecture) -> Page:
    runbook = arch.runbook
    contacts = {c.id: c for c in runbook.contacts} if runbook else {}
    access = {a.id: a for a in runbook.access if a.id} if runbook else {}
    procedures = _sorted_procedures(runbook.procedures) if runbook else []
    views = {p.id: _procedure_view(p, access, contacts) for p in procedures}
    stale = any(f.code == "runbook-stale" for f in site.findings.get(arch.name, ()))
    context = {
        "arch": arch,
        "summary": summarize(site, arch),
        "runbook": runbook,
        "contacts": contacts,
        "escalation": tuple(contacts[c] for c in runbook.escalation if c in contacts)
        if runbook
        else (),
        "procedures": procedures,
        "procedure_views": tuple(views.values()),
        "alert_rows": tuple(
            sorted(((alert, proc) for proc in procedures for alert in proc.alerts), key=_by_alert)
        ),
        "triage": _triage(runbook, views) if runbook else (),
        "procedure_ids": frozenset(p.id for p in runbook.procedures) if runbook else frozenset(),
        "component_refs": {c.id: component_ref(arch, c.id) for c in arch.components},
        "stale": stale,
        "stale_after_days": site.stale_after_days,
        "dependencies": dependencies(arch, arch.catalog),
        "tools": tools_used(arch, arch.catalog),
        **runbook_work_context(arch),
    }
    # Searching a system's name and "rollback" should land on its runbook, not on a rule page.
    meta = {"search": {"boost": RUNBOOK_SEARCH_BOOST}}
    return Page(runbook_path(arch.name), "runbook.md.j2", arch.source_path, context, meta=meta)
