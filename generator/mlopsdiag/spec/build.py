"""Build the frozen model of a spec document that passed validation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from mlopsdiag.catalog import Catalog
from mlopsdiag.spec.loader import Document, PathKey, format_path, parse_path
from mlopsdiag.spec.model import (
    Access,
    Actor,
    Architecture,
    Component,
    Contact,
    Dashboard,
    Deployed,
    FailureMode,
    Flow,
    Group,
    Loc,
    Metadata,
    Procedure,
    ProcedureStep,
    Process,
    RuleOverride,
    Runbook,
    Step,
    View,
)


def _loc(doc: Document, at: PathKey) -> Loc:
    line, col = doc.pos(at)
    return Loc(doc.path, line, col)


def _t(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values or ())


def build_model(doc: Document, catalog: Catalog) -> Architecture:
    """Build the frozen model of a document that passed validation."""
    d = doc.data
    meta = d["metadata"]
    metadata = Metadata(
        name=meta["name"],
        title=meta["title"],
        description=meta.get("description", ""),
        owners=_t(meta.get("owners")),
        tags=_t(meta.get("tags")),
        lifecycle=meta.get("lifecycle", ""),
        maturity=meta.get("maturity"),
    )
    groups = tuple(
        Group(
            id=g["id"],
            name=g.get("name") or g["id"],
            parent=g.get("parent"),
            tool=g.get("tool"),
            loc=_loc(doc, ("groups", i)),
            drop_capabilities=_t(g.get("drop_capabilities")),
            deployed=_deployed(doc, ("groups", i), g.get("deployed")),
        )
        for i, g in enumerate(d.get("groups") or ())
    )
    components = []
    for i, c in enumerate(d["components"]):
        tool = catalog.tools.get(c["tool"]) if c.get("tool") else None
        components.append(
            Component(
                id=c["id"],
                name=c.get("name") or (tool.name if tool else c["id"]),
                tool=c.get("tool"),
                capabilities=_t(c.get("capabilities")),
                group=c.get("group"),
                description=c.get("description", ""),
                owner=c.get("owner", ""),
                links=tuple((str(k), str(v)) for k, v in (c.get("links") or {}).items()),
                loc=_loc(doc, ("components", i)),
                drop_capabilities=_t(c.get("drop_capabilities")),
                deployed=_deployed(doc, ("components", i), c.get("deployed")),
            )
        )
    flows = tuple(
        Flow(
            index=i,
            source=f["from"],
            target=f["to"],
            label=f.get("label", ""),
            kind=f.get("kind", "data"),
            loc=_loc(doc, ("flows", i)),
        )
        for i, f in enumerate(d.get("flows") or ())
    )
    views = tuple(
        View(
            id=v["id"],
            title=v.get("title") or v["id"],
            include=_t(v["include"]),
            direction=v.get("direction"),
            loc=_loc(doc, ("views", i)),
        )
        for i, v in enumerate(d.get("views") or ())
    )
    lint = d.get("lint") or {}
    disable = tuple(
        RuleOverride(rule=x["rule"], reason=x["reason"], loc=_loc(doc, ("lint", "disable", i)))
        for i, x in enumerate(lint.get("disable") or ())
    )
    locations = _Locations(doc)
    return Architecture(
        metadata=metadata,
        groups=groups,
        components=tuple(components),
        flows=flows,
        views=views,
        runbook=_runbook(doc) if isinstance(d.get("runbook"), dict) else None,
        catalog=catalog,
        source_path=doc.path,
        direction=(d.get("diagram") or {}).get("direction", "LR"),
        lint_disable=disable,
        locations=locations,
        actors=_actors(doc),
        processes=_processes(doc),
    )


class _Locations(Mapping[str, Loc]):
    """Field path text -> position, computed on lookup (most are never asked for)."""

    def __init__(self, doc: Document) -> None:
        self._doc = doc

    def __getitem__(self, key: str) -> Loc:
        found = self._doc.positions.get(parse_path(key))
        if found is None:
            raise KeyError(key)
        return Loc(self._doc.path, *found)

    def __iter__(self) -> Iterator[str]:
        return (format_path(at) for at in self._doc.positions)

    def __len__(self) -> int:
        return len(self._doc.positions)


def _runbook(doc: Document) -> Runbook:
    r = doc.data["runbook"]
    verified = r.get("last_verified")
    return Runbook(
        loc=_loc(doc, ("runbook",)),
        summary=r.get("summary", ""),
        last_verified=dt.date.fromisoformat(verified) if verified else None,
        contacts=tuple(
            Contact(id=c["id"], name=c["name"], role=c.get("role", ""), reach=c.get("reach", ""))
            for c in r.get("contacts") or ()
        ),
        escalation=_t(r.get("escalation")),
        access=tuple(
            Access(
                name=a["name"],
                where=a["where"],
                granted_by=a.get("granted_by", ""),
                id=a.get("id", ""),
                break_glass=a.get("break_glass", ""),
            )
            for a in r.get("access") or ()
        ),
        procedures=tuple(_procedure(doc, i, p) for i, p in enumerate(r.get("procedures") or ())),
        dashboards=tuple(
            Dashboard(name=x["name"], url=x["url"]) for x in r.get("dashboards") or ()
        ),
        failure_modes=tuple(
            FailureMode(
                symptom=f["symptom"],
                cause=f.get("cause", ""),
                procedure=f.get("procedure", ""),
                fix=f.get("fix", ""),
            )
            for f in r.get("failure_modes") or ()
        ),
        notes=_t(r.get("notes")),
    )


def _actors(doc: Document) -> tuple[Actor, ...]:
    return tuple(
        Actor(
            id=a["id"],
            name=a.get("name") or a["id"],
            kind=a.get("kind", "person"),
            contact=a.get("contact", ""),
            loc=_loc(doc, ("actors", i)),
        )
        for i, a in enumerate(doc.data.get("actors") or ())
    )


def _processes(doc: Document) -> tuple[Process, ...]:
    return tuple(
        Process(
            id=p["id"],
            title=p["title"],
            trigger=p.get("trigger", ""),
            owner=p.get("owner", ""),
            outcome=p.get("outcome", ""),
            steps=tuple(
                Step(
                    number=j + 1,
                    do=s["do"],
                    at=s.get("at"),
                    source=s.get("from"),
                    target=s.get("to"),
                    by=s.get("by", ""),
                    manual=bool(s.get("manual", False)),
                    otherwise=s.get("otherwise", ""),
                    on_failure=s.get("on_failure", ""),
                    loc=_loc(doc, ("processes", i, "steps", j)),
                )
                for j, s in enumerate(p["steps"])
            ),
            loc=_loc(doc, ("processes", i)),
        )
        for i, p in enumerate(doc.data.get("processes") or ())
    )


def _step(raw: Any) -> ProcedureStep:
    if isinstance(raw, dict):
        return ProcedureStep(do=str(raw["do"]), run=str(raw.get("run", "")))
    return ProcedureStep(do=str(raw))


def _procedure(doc: Document, i: int, p: Mapping[str, Any]) -> Procedure:
    details = tuple(_step(raw) for raw in p["steps"])
    return Procedure(
        id=p["id"],
        kind=p.get("kind", "other"),
        title=p["title"],
        when=p.get("when", ""),
        steps=tuple(step.do for step in details),
        components=_t(p.get("components")),
        loc=_loc(doc, ("runbook", "procedures", i)),
        needs=_t(p.get("needs")),
        approver=p.get("approver", ""),
        step_details=details,
        alerts=_t(p.get("alerts")),
    )


def _deployed(doc: Document, at: PathKey, raw: Any) -> tuple[Deployed, ...]:
    """An element's `deployed`: one mapping or a list of them, each with its position."""
    if raw is None:
        return ()
    entries = (
        [((*at, "deployed"), raw)]
        if isinstance(raw, dict)
        else [((*at, "deployed", j), item) for j, item in enumerate(raw)]
    )
    return tuple(
        Deployed(
            kind=str(item["kind"]),
            name=str(item["name"]),
            loc=_loc(doc, where),
            field=format_path(where),
            namespace=str(item.get("namespace", "")),
            pipeline=str(item.get("pipeline", "")),
            alias=str(item.get("alias", "")),
        )
        for where, item in entries
    )
