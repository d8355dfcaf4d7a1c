"""How work moves: the page parts made from a spec's actors and processes.

The architecture page shows the context diagram and, per process, its trigger, owner,
outcome, diagrams and numbered steps; the runbook page shows which process steps lead to
each procedure and who usually plays each actor. No I/O: which diagram files exist comes
in through `SiteInput.diagrams`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mlopsdiag.render.process_stages import PROCESS_STEP_LIMIT, drawn_by_stage
from mlopsdiag.site.pagebase import (
    Ref,
    SiteInput,
    architecture_path,
    component_ref,
    runbook_path,
)
from mlopsdiag.spec.model import Actor, Architecture, Contact, Process, Step

CONTEXT_DIAGRAM = "context"
"""Diagram id (and file stem) of the context diagram."""


def process_diagram(process_id: str) -> str:
    """Diagram id (and file stem) of a process's numbered diagram."""
    return f"process-{process_id}"


def work_diagram_ids(arch: Architecture) -> Iterator[str]:
    """Ids of the diagrams that tell how work moves, besides the views: the context
    diagram and one picture per process (the site checks which files exist)."""
    yield CONTEXT_DIAGRAM
    for process in arch.processes:
        yield process_diagram(process.id)


_SVG_START = re.compile(r"<svg\b")
_ID = re.compile(r'\b(id|href|xlink:href)="(#?)([^"]*)"')
_LIVE_ELEMENTS = frozenset({"script", "foreignobject", "iframe", "object", "embed", "handler"})
_LIVE_LINKS = ("javascript:", "vbscript:", "data:text")


def _inert(svg: str) -> bool:
    """True when an SVG holds nothing that could run in the page: no script or embedded
    document, no event handler, no script link (its text may say anything: it is text)."""
    if "<!" in svg.replace("<![CDATA[", ""):
        return False  # no document type, so no entity that could expand
    try:
        root = ET.fromstring(svg)  # noqa: S314 - from `<svg`: no DTD, no entities to expand
    except ET.ParseError:
        return False
    for element in root.iter():
        if str(element.tag).rpartition("}")[2].lower() in _LIVE_ELEMENTS:
            return False
        for name, value in element.attrib.items():
            local = name.rpartition("}")[2].lower()
            if local.startswith("on"):
                return False
            link = "".join(value.split()).lower()
            if local in ("href", "src") and link.startswith(_LIVE_LINKS):
                return False
    return True


def inline_svg(svg: str, prefix: str) -> str:
    """A picture's SVG file as markup inside the page: without its XML prolog and comments,
    every id (and every link to one) prefixed so that two pictures on a page cannot
    clash, on as few lines as it takes (Markdown leaves a raw HTML block alone only
    without blank lines). Empty when the file is not an inert SVG (see `_inert`)."""
    start = _SVG_START.search(svg)
    if start is None:
        return ""
    body = re.sub(r"<!--.*?-->", "", svg[start.start() :], flags=re.S)
    if not _inert(body):
        return ""

    def prefixed(match: re.Match[str]) -> str:
        attr, hash_, value = match.groups()
        if attr == "id":
            return f'id="{prefix}{value}"'
        return f'{attr}="#{prefix}{value}"' if hash_ else match.group(0)

    body = _ID.sub(prefixed, body)
    return "\n".join(line for line in body.splitlines() if line.strip())


def step_anchor(process_id: str, number: int) -> str:
    """Anchor of a step's row on the architecture page."""
    return f"process-{process_id}-step-{number}"


@dataclass(frozen=True)
class Who:
    """Who does a step or owns a process: a display name, and the contact who plays it."""

    name: str
    kind: str = ""
    """Actor kind (person, team, automation, external), or empty for a plain name."""
    contact: Contact | None = None


@dataclass(frozen=True)
class StepRow:
    """One numbered step as the architecture page lists it."""

    number: int
    anchor: str
    do: str
    at: Ref | None
    source: Ref | None
    target: Ref | None
    who: Who | None
    manual: bool
    otherwise: str
    on_failure: Ref | None


@dataclass(frozen=True)
class ProcessBox:
    """One process on the architecture page: its facts, diagrams and steps."""

    id: str
    title: str
    trigger: str
    owner: Who | None
    outcome: str
    svg: str
    """File name of the process's picture next to the page, or empty when not drawn."""
    picture: str
    """The picture's SVG markup, shown inline so the page's script can walk through its
    steps (also from file://), or empty (then the page shows the file in an `<object>`)."""
    actors: int
    """How many distinct actors the steps name."""
    steps: tuple[StepRow, ...]
    by_stage: int = 0
    """The step limit when the process is too long to draw step by step (its picture
    counts steps by lifecycle stage, and has no lanes); 0 otherwise."""


@dataclass(frozen=True)
class Caller:
    """A process step that sends the reader to a runbook procedure."""

    process: str
    number: int
    do: str
    ref: Ref
    """Link to the step's row on the architecture page."""


@dataclass(frozen=True)
class Role:
    """An actor and the runbook contact who usually plays it."""

    actor: Actor
    contact: Contact


def _contacts(arch: Architecture) -> Mapping[str, Contact]:
    return {c.id: c for c in arch.runbook.contacts} if arch.runbook else {}


def _who(arch: Architecture, name: str) -> Who | None:
    """An actor id, a contact id or a team name, as the reader should see it."""
    if not name:
        return None
    contacts = _contacts(arch)
    for actor in arch.actors:
        if actor.id == name:
            return Who(actor.name, actor.kind, contacts.get(actor.contact))
    if name in contacts:
        return Who(contacts[name].name, "person", contacts[name])
    return Who(name)


def _procedure_ref(arch: Architecture, procedure_id: str) -> Ref | None:
    if not procedure_id or arch.runbook is None:
        return None
    for procedure in arch.runbook.procedures:
        if procedure.id == procedure_id:
            return Ref(procedure.title, runbook_path(arch.name), f"procedure-{procedure.id}")
    return None


def _step_row(arch: Architecture, process: Process, step: Step) -> StepRow:
    return StepRow(
        number=step.number,
        anchor=step_anchor(process.id, step.number),
        do=step.do,
        at=component_ref(arch, step.at) if step.at else None,
        source=component_ref(arch, step.source) if step.source else None,
        target=component_ref(arch, step.target) if step.target else None,
        who=_who(arch, step.by),
        manual=step.manual,
        otherwise=step.otherwise,
        on_failure=_procedure_ref(arch, step.on_failure),
    )


def _named_actors(process: Process) -> int:
    return len({s.by for s in process.steps if s.by})


def work_context(site: SiteInput, arch: Architecture) -> dict[str, Any]:
    """What the architecture page's "How work moves" section shows."""
    drawn = site.diagrams.get(arch.name, frozenset())
    pictures = site.process_pictures.get(arch.name, {})
    processes = tuple(
        ProcessBox(
            id=p.id,
            title=p.title,
            trigger=p.trigger,
            owner=_who(arch, p.owner),
            outcome=p.outcome,
            svg=f"{process_diagram(p.id)}.svg" if process_diagram(p.id) in drawn else "",
            picture=inline_svg(pictures.get(p.id, ""), f"{process_diagram(p.id)}-")
            if process_diagram(p.id) in drawn
            else "",
            actors=_named_actors(p),
            steps=tuple(_step_row(arch, p, s) for s in p.steps),
            by_stage=PROCESS_STEP_LIMIT if drawn_by_stage(p) else 0,
        )
        for p in arch.processes
    )
    return {
        "context_svg": f"{CONTEXT_DIAGRAM}.svg" if CONTEXT_DIAGRAM in drawn else "",
        "processes": processes,
    }


def runbook_work_context(arch: Architecture) -> dict[str, Any]:
    """What the runbook page shows of processes: callers per procedure, and roles."""
    callers: dict[str, list[Caller]] = {}
    page = architecture_path(arch.name)
    for process in arch.processes:
        for step in process.steps:
            if step.on_failure:
                callers.setdefault(step.on_failure, []).append(
                    Caller(
                        process=process.title,
                        number=step.number,
                        do=step.do,
                        ref=Ref(
                            f"{process.title}, step {step.number}",
                            page,
                            step_anchor(process.id, step.number),
                        ),
                    )
                )
    contacts = _contacts(arch)
    roles = tuple(Role(a, contacts[a.contact]) for a in arch.actors if a.contact in contacts)
    return {
        "procedure_callers": {k: tuple(v) for k, v in callers.items()},
        "roles": roles,
    }
