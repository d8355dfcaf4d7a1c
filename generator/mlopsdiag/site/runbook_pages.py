"""The "if I'm gone" runbook page of one architecture."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import escape

from mlopsdiag.errors import Diagnostic
from mlopsdiag.site.pagebase import (
    Page,
    Ref,
    SiteInput,
    component_ref,
    dependencies,
    runbook_path,
    summarize,
    tools_used,
)
from mlopsdiag.site.work import CONTEXT_DIAGRAM, runbook_work_context
from mlopsdiag.spec.model import (
    Access,
    Architecture,
    Contact,
    FailureMode,
    Procedure,
    Runbook,
)


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
class Call:
    """Someone to call for a triage row, and whether they alone grant what it needs."""

    contact: Contact
    sole_grantor: bool = False


@dataclass(frozen=True)
class TriageRow:
    """One line of the triage card: one symptom, the procedure and the fix that answer it,
    the access it needs, and whom to call."""

    symptom: str
    procedure: Procedure | None
    fix: str
    needs: tuple[Need, ...]
    call: tuple[Call, ...]
    as_above: bool = False
    """The row before answers with the same procedure: its access and calls are the same."""


@dataclass(frozen=True)
class OnePerson:
    """A person whose absence stops procedures: the access only they grant (from the
    `access-single-grantor` findings), and whom to decide with when they cannot be reached."""

    person: Contact
    procedures: tuple[Procedure, ...]
    """Every procedure that waits for them, in page order."""
    glass: tuple[Access, ...]
    """The access they alone grant that has a break-glass path."""
    stuck: tuple[Access, ...]
    """The access they alone grant with no other way in."""
    fallback: Contact | None
    """The first contact after them in the escalation order (or the first other contact)."""

    @property
    def anchor(self) -> str:
        """Anchor of the warning, linked from the triage card."""
        return f"blocker-{self.person.id}"


@dataclass(frozen=True)
class NoRollback:
    """The serving system has no rollback procedure: where the previous model should be, and
    whom to call before changing anything."""

    registries: tuple[Ref, ...]
    call: Contact | None


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
    runbook: Runbook,
    procedure: Procedure | None,
    access: Mapping[str, Access],
    sole: Mapping[str, frozenset[str]] | None = None,
) -> tuple[Call, ...]:
    """The people a procedure depends on (approver, grantors), in escalation order; without
    any, the first contact of the escalation order. `sole` (procedure id -> contact ids)
    marks who alone grants something the procedure needs."""
    sole_here = (sole or {}).get(procedure.id, frozenset()) if procedure else frozenset()
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
    return tuple(Call(contacts[cid], cid in sole_here) for cid in wanted)


def _triage(
    runbook: Runbook,
    views: Mapping[str, ProcedureView],
    sole: Mapping[str, frozenset[str]] | None = None,
) -> tuple[TriageRow, ...]:
    """One row per known symptom, in the order of the procedures that answer them (rollback
    first), each with the failure mode's own fix; a procedure no failure mode names gets a
    row for its `when`; symptoms with only a fix come last."""
    access = {a.id: a for a in runbook.access if a.id}
    modes: dict[str, list[FailureMode]] = {pid: [] for pid in views}
    loose: list[TriageRow] = []
    for mode in runbook.failure_modes:
        if mode.procedure in modes:
            modes[mode.procedure].append(mode)
        elif mode.fix:
            loose.append(TriageRow(mode.symptom, None, mode.fix, (), ()))
    rows = []
    for pid, view in views.items():
        proc = view.procedure
        call = _who_to_call(runbook, proc, access, sole)
        for n, mode in enumerate(modes[pid]):
            rows.append(TriageRow(mode.symptom, proc, mode.fix, view.needs, call, n > 0))
        if not modes[pid] and proc.when:
            rows.append(TriageRow(proc.when, proc, "", view.needs, call))
    return (*rows, *loose)


_NEED_FIELD = re.compile(r"^runbook\.procedures\[(\d+)\]\.needs\[(\d+)\]$")


def _one_person(
    arch: Architecture, findings: Sequence[Diagnostic], procedures: Sequence[Procedure]
) -> tuple[OnePerson, ...]:
    """Who alone grants access that procedures need, from the `access-single-grantor`
    findings (so a rule switched off in the settings drops its warning too)."""
    runbook = arch.runbook
    if runbook is None:
        return ()
    contacts = {c.id: c for c in runbook.contacts}
    access = {a.id: a for a in runbook.access if a.id}
    grants: dict[str, dict[str, set[str]]] = {}
    for finding in findings:
        match = (
            _NEED_FIELD.match(finding.field) if finding.code == "access-single-grantor" else None
        )
        if match is None:
            continue
        i, j = int(match.group(1)), int(match.group(2))
        if i >= len(runbook.procedures) or j >= len(runbook.procedures[i].needs):
            continue  # pragma: no cover - findings come from this model
        proc = runbook.procedures[i]
        entry = access.get(proc.needs[j])
        if entry is None or entry.granted_by not in contacts:
            continue  # pragma: no cover - the rule fires only for a contact's grant
        grants.setdefault(entry.granted_by, {}).setdefault(entry.id, set()).add(proc.id)
    order = {p.id: n for n, p in enumerate(procedures)}
    by_id = {p.id: p for p in procedures}
    out = []
    for person_id, held in grants.items():
        waiting = sorted({pid for pids in held.values() for pid in pids}, key=order.__getitem__)
        after = list(runbook.escalation)
        later = after[after.index(person_id) + 1 :] if person_id in after else after
        fallback = next((contacts[c] for c in later if c in contacts and c != person_id), None)
        if fallback is None:
            fallback = next((c for c in runbook.contacts if c.id != person_id), None)
        entries = [access[aid] for aid in held]
        out.append(
            OnePerson(
                person=contacts[person_id],
                procedures=tuple(by_id[pid] for pid in waiting),
                glass=tuple(e for e in entries if e.break_glass),
                stuck=tuple(e for e in entries if not e.break_glass),
                fallback=fallback,
            )
        )
    return tuple(out)


def _no_rollback(arch: Architecture, findings: Sequence[Diagnostic]) -> NoRollback | None:
    """What to do without a rollback procedure, when `runbook-no-rollback` fires."""
    if not any(f.code == "runbook-no-rollback" for f in findings):
        return None
    registries = tuple(
        component_ref(arch, c.id)
        for c in arch.components
        if "model-registry" in arch.capabilities_of(c.id)
    )
    runbook = arch.runbook
    contacts = {c.id: c for c in runbook.contacts} if runbook else {}
    first = (
        next((contacts[c] for c in runbook.escalation if c in contacts), None) if runbook else None
    )
    if first is None and runbook and runbook.contacts:
        first = runbook.contacts[0]
    return NoRollback(registries, first)


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
    findings = site.findings.get(arch.name, ())
    stale = any(f.code == "runbook-stale" for f in findings)
    one_person = _one_person(arch, findings, procedures)
    sole = {
        p.id: frozenset(o.person.id for o in one_person if p in o.procedures) for p in procedures
    }
    drawn = site.diagrams.get(arch.name, frozenset())
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
        "triage": _triage(runbook, views, sole) if runbook else (),
        "one_person": one_person,
        "no_rollback": _no_rollback(arch, findings),
        "context_svg": f"architectures/{arch.name}/{CONTEXT_DIAGRAM}.svg"
        if CONTEXT_DIAGRAM in drawn
        else "",
        "alert_rows": tuple(
            sorted(((alert, proc) for proc in procedures for alert in proc.alerts), key=_by_alert)
        ),
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
