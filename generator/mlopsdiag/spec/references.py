"""Cross-reference checks over raw spec data that may still have schema errors: every id
named in one place must exist in another, with did-you-mean suggestions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mlopsdiag.catalog import CATALOG_FILE_NAME, Catalog
from mlopsdiag.errors import Diagnostic
from mlopsdiag.spec.checker import show_value
from mlopsdiag.spec.loader import Document, PathKey, format_path
from mlopsdiag.spec.names import file_name_problem, view_id_problem
from mlopsdiag.spec.schema import ID_PATTERN
from mlopsdiag.spec.suggest import did_you_mean


def items_of(data: Mapping[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def str_field(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) else None


class References:
    """Cross-reference checks over raw data that may still have schema errors."""

    def __init__(self, doc: Document, catalog: Catalog, out: list[Diagnostic]) -> None:
        self.doc = doc
        self.data = doc.data
        self.catalog = catalog
        self.out = out

    def error(self, at: PathKey, message: str) -> None:
        line, col = self.doc.pos(at)
        self.out.append(Diagnostic(self.doc.path, line, col, message, format_path(at)))

    def run(self) -> None:
        groups = self.unique_ids()
        components = {
            cid: i
            for i, c in items_of(self.data, "components")
            if (cid := str_field(c, "id")) is not None
        }
        elements = set(groups) | set(components)
        self.check_groups(groups, components)
        self.check_tools()
        self.check_components(groups, components)
        for i, flow in items_of(self.data, "flows"):
            for end in ("from", "to"):
                target = str_field(flow, end)
                if target is not None and target not in elements:
                    self.unknown(("flows", i, end), target, "component or group", elements)
        self.check_views(elements)
        self.check_runbook(set(components))
        self.check_file_names()
        self.check_work(groups, components)
        self.check_deployed()

    def check_file_names(self) -> None:
        """Values that become file names must not be taken by the site or by Windows."""
        meta = self.data.get("metadata")
        name = str_field(meta, "name") if isinstance(meta, dict) else None
        if name is not None and (problem := file_name_problem(name, site_page=True)):
            self.error(("metadata", "name"), problem)
        for i, view in items_of(self.data, "views"):
            vid = str_field(view, "id")
            if vid is not None and (problem := file_name_problem(vid) or view_id_problem(vid)):
                self.error(("views", i, "id"), problem)

    def unknown(self, at: PathKey, name: str, what: str, known: Iterable[str]) -> None:
        self.error(at, f"unknown {what} {show_value(name)}{did_you_mean(name, known)}")

    def unique_ids(self) -> dict[str, int]:
        seen: dict[str, PathKey] = {}
        groups: dict[str, int] = {}
        for section in ("groups", "components"):
            for i, item in items_of(self.data, section):
                item_id = str_field(item, "id")
                if item_id is None:
                    continue
                if item_id in seen:
                    first = seen[item_id]
                    line, _ = self.doc.pos(first)
                    kind = "group" if first[0] == "groups" else "component"
                    self.error(
                        (section, i, "id"),
                        f"duplicate id {item_id!r}: already used by the {kind} on line {line}; "
                        "ids must be unique across groups and components",
                    )
                    continue
                seen[item_id] = (section, i, "id")
                if section == "groups":
                    groups[item_id] = i
        return groups

    def check_groups(self, groups: Mapping[str, int], components: Mapping[str, int]) -> None:
        parents: dict[str, str] = {}
        for i, group in items_of(self.data, "groups"):
            parent = str_field(group, "parent")
            gid = str_field(group, "id")
            if parent is None or gid is None:
                continue
            if parent in groups:
                parents[gid] = parent
            elif parent in components:
                self.error(("groups", i, "parent"), f"{parent!r} is a component, not a group")
            else:
                self.unknown(("groups", i, "parent"), parent, "group", groups)
        reported: set[str] = set()
        for start in parents:
            chain = [start]
            node = parents.get(start)
            while node is not None and node not in chain:
                chain.append(node)
                node = parents.get(node)
            if node is not None and node == start and not reported & set(chain):
                reported.update(chain)
                cycle = " -> ".join([*chain, start])
                self.error(
                    ("groups", groups[start], "parent"), f"group nesting forms a cycle: {cycle}"
                )

    def check_tools(self) -> None:
        for section in ("groups", "components"):
            for i, item in items_of(self.data, section):
                tool = str_field(item, "tool")
                if tool is not None and tool in self.catalog.rejected:
                    self.error(
                        (section, i, "tool"),
                        f"tool {tool!r} is defined in {self.catalog.source}, but that entry has "
                        f"errors (reported with the file {self.catalog.source})",
                    )
                elif tool is not None and tool not in self.catalog.tools:
                    self.error(
                        (section, i, "tool"),
                        f"unknown tool {show_value(tool)}{did_you_mean(tool, self.catalog.tools)}; "
                        f"see `mlopsdiag catalog`, or describe it in {CATALOG_FILE_NAME}",
                    )

    def check_components(self, groups: Mapping[str, int], components: Mapping[str, int]) -> None:
        for i, comp in items_of(self.data, "components"):
            group = str_field(comp, "group")
            if group is None or group in groups:
                continue
            if group in components:
                self.error(("components", i, "group"), f"{group!r} is a component, not a group")
            else:
                self.unknown(("components", i, "group"), group, "group", groups)

    def check_deployed(self) -> None:
        """`deployed` bindings: kind-specific fields only on their kind, no object bound twice."""
        seen: dict[tuple[str, str, str], PathKey] = {}
        for section in ("groups", "components"):
            for i, item in items_of(self.data, section):
                raw = item.get("deployed")
                entries: list[tuple[PathKey, Any]] = (
                    [((section, i, "deployed"), raw)]
                    if isinstance(raw, dict)
                    else [((section, i, "deployed", j), x) for j, x in enumerate(raw)]
                    if isinstance(raw, list)
                    else []
                )
                for at, entry in entries:
                    if not isinstance(entry, dict):
                        continue
                    kind, name = str_field(entry, "kind"), str_field(entry, "name")
                    for key, only in (("pipeline", "kfp-task"), ("alias", "mlflow-model")):
                        if key in entry and kind is not None and kind != only:
                            self.error(
                                (*at, key),
                                f"`{key}` applies only to kind {only}, not {show_value(kind)}",
                            )
                    if kind is None or name is None:
                        continue
                    ident = (kind, name, str_field(entry, "namespace") or "")
                    if ident in seen:
                        first = seen[ident]
                        line, _ = self.doc.pos(first)
                        self.error(
                            at,
                            f"{kind} {show_value(name)} is already the deployed object of "
                            f"{format_path(first[:2])} (line {line}); one running object "
                            "belongs to one element",
                        )
                    else:
                        seen[ident] = at

    def check_views(self, elements: set[str]) -> None:
        seen: set[str] = set()
        for i, view in items_of(self.data, "views"):
            vid = str_field(view, "id")
            if vid is not None:
                if vid in seen:
                    self.error(("views", i, "id"), f"duplicate view id {vid!r}")
                seen.add(vid)
            include = view.get("include")
            if isinstance(include, list):
                for j, entry in enumerate(include):
                    if isinstance(entry, str) and entry not in elements:
                        self.unknown(
                            ("views", i, "include", j), entry, "component or group", elements
                        )

    def check_runbook(self, components: set[str]) -> None:
        runbook = self.data.get("runbook")
        if not isinstance(runbook, dict):
            return
        base: PathKey = ("runbook",)
        contacts = self.unique_in(runbook, "contacts", "contact")
        procedures = self.unique_in(runbook, "procedures", "procedure")
        escalation = runbook.get("escalation")
        if isinstance(escalation, list):
            for j, entry in enumerate(escalation):
                if isinstance(entry, str) and entry not in contacts:
                    self.unknown((*base, "escalation", j), entry, "contact", contacts)
        for i, proc in items_of(runbook, "procedures"):
            refs = proc.get("components")
            if isinstance(refs, list):
                for j, entry in enumerate(refs):
                    if isinstance(entry, str) and entry not in components:
                        self.unknown(
                            (*base, "procedures", i, "components", j),
                            entry,
                            "component",
                            components,
                        )
        for i, mode in items_of(runbook, "failure_modes"):
            proc_id = str_field(mode, "procedure")
            if proc_id is not None and proc_id not in procedures:
                self.unknown(
                    (*base, "failure_modes", i, "procedure"), proc_id, "procedure", procedures
                )
        self.check_procedure_needs(runbook, contacts)

    def check_procedure_needs(self, runbook: Mapping[str, Any], contacts: set[str]) -> None:
        """Procedures' `needs` name access ids, and `approver` a contact id."""
        base: PathKey = ("runbook",)
        access = self.unique_in(runbook, "access", "access")
        for i, proc in items_of(runbook, "procedures"):
            needs = proc.get("needs")
            if isinstance(needs, list):
                for j, entry in enumerate(needs):
                    if isinstance(entry, str) and entry not in access:
                        hint = did_you_mean(entry, access) or (
                            "; give the runbook.access entry an `id` and name that id here"
                        )
                        self.error(
                            (*base, "procedures", i, "needs", j),
                            f"unknown access id {show_value(entry)}{hint}",
                        )
            approver = str_field(proc, "approver")
            if approver is not None and approver not in contacts:
                self.unknown((*base, "procedures", i, "approver"), approver, "contact", contacts)

    def unique_in(self, runbook: Mapping[str, Any], section: str, what: str) -> set[str]:
        seen: set[str] = set()
        for i, item in items_of(runbook, section):
            item_id = str_field(item, "id")
            if item_id is None:
                continue
            if item_id in seen:
                self.error(("runbook", section, i, "id"), f"duplicate {what} id {item_id!r}")
            seen.add(item_id)
        return seen

    # --- actors and processes ---------------------------------------------------------

    def check_work(self, groups: Mapping[str, int], components: Mapping[str, int]) -> None:
        """Check `actors` and `processes`: ids, what they name, and that steps follow flows."""
        runbook = self.data.get("runbook")
        runbook = runbook if isinstance(runbook, dict) else {}
        contacts = ids_in(runbook, "contacts")
        actors = self.check_actors(groups, components, contacts)
        members = _Members(self.data)
        teams = set(_str_list(self.data.get("metadata"), "owners"))
        known = _Known(
            elements=set(groups) | set(components),
            actors=actors,
            contacts=contacts,
            teams=teams,
            procedures=ids_in(runbook, "procedures"),
        )
        seen: dict[str, int] = {}
        for i, process in items_of(self.data, "processes"):
            pid = str_field(process, "id")
            if pid is not None:
                if pid in seen:
                    line, _ = self.doc.pos(("processes", seen[pid]))
                    self.error(
                        ("processes", i, "id"),
                        f"duplicate process id {pid!r}: already used by the process on line {line}",
                    )
                else:
                    seen[pid] = i
            owner = str_field(process, "owner")
            if owner is not None:
                self.check_owner(("processes", i, "owner"), owner, known)
            for j, step in items_of(process, "steps"):
                self.check_step(("processes", i, "steps", j), step, known, members)

    def check_actors(
        self, groups: Mapping[str, int], components: Mapping[str, int], contacts: set[str]
    ) -> set[str]:
        actors: dict[str, int] = {}
        named: set[str] = set()
        for i, actor in items_of(self.data, "actors"):
            aid = str_field(actor, "id")
            if aid is not None:
                clash = _clash(aid, groups, components, actors)
                if clash is not None:
                    section, index = clash
                    line, _ = self.doc.pos((section, index))
                    kind = section[:-1]
                    self.error(
                        ("actors", i, "id"),
                        f"duplicate id {aid!r}: already used by the {kind} on line {line}; "
                        "actor ids must be unique across groups, components and actors",
                    )
                    named.add(aid)  # still an actor for `by`: one error, not one per step
                else:
                    actors[aid] = i
            contact = str_field(actor, "contact")
            if contact is not None and contact not in contacts:
                self.unknown_contact(("actors", i, "contact"), contact, contacts)
        return set(actors) | named

    def unknown_contact(self, at: PathKey, name: str, contacts: set[str]) -> None:
        if contacts:
            self.unknown(at, name, "contact", contacts)
        else:
            self.error(at, f"unknown contact {show_value(name)}; add it to runbook.contacts first")

    def check_owner(self, at: PathKey, owner: str, known: _Known) -> None:
        """An owner is an actor, a contact, a team of `metadata.owners`, or a name in words."""
        if owner in known.actors or owner in known.contacts or owner in known.teams:
            return
        if _ID.fullmatch(owner) is None:
            return  # a team's name in words, e.g. "ML platform team"
        hint = did_you_mean(owner, known.actors | known.contacts | known.teams)
        self.error(
            at,
            f"unknown actor or contact {show_value(owner)}{hint}; to name a team, list it in "
            "metadata.owners, declare it as an actor with kind: team, or write its name in "
            "words (e.g. 'ML platform team')",
        )

    def check_step(
        self, at: PathKey, step: Mapping[str, Any], known: _Known, members: _Members
    ) -> None:
        place = {end: str_field(step, end) for end in ("at", "from", "to")}
        for end, name in place.items():
            if name is not None and name not in known.elements:
                self.unknown((*at, end), name, "component or group", known.elements)
        by = str_field(step, "by")
        if by is not None and by not in known.actors:
            if by in known.contacts:
                self.error(
                    (*at, "by"),
                    f"{by!r} is a runbook contact, not an actor; declare an actor "
                    f"(e.g. `- {{id: ..., contact: {by}}}` under actors) and name it here",
                )
            else:
                self.unknown((*at, "by"), by, "actor", known.actors)
        procedure = str_field(step, "on_failure")
        if procedure is not None and procedure not in known.procedures:
            if known.procedures:
                self.unknown((*at, "on_failure"), procedure, "procedure", known.procedures)
            else:
                self.error(
                    (*at, "on_failure"),
                    f"unknown procedure {show_value(procedure)}; add it to runbook.procedures "
                    "first",
                )
        self.check_step_shape(at, step, place, known, members)

    def check_step_shape(
        self,
        at: PathKey,
        step: Mapping[str, Any],
        place: Mapping[str, str | None],
        known: _Known,
        members: _Members,
    ) -> None:
        has = {end for end in ("at", "from", "to") if end in step}
        if "at" in has and has & {"from", "to"}:
            self.error(
                (*at, "at"),
                "a step has either `at` or `from` and `to`, not both: use `at` for a step in "
                "one place, `from`/`to` for one that moves something along flows",
            )
            return
        if not has:
            self.error(
                at,
                "a step needs `at` (where it happens) or `from` and `to` (what it moves, "
                "from where to where)",
            )
            return
        if has in ({"from"}, {"to"}):
            (given,) = has
            other = "to" if given == "from" else "from"
            self.error((*at, given), f"`{given}` needs `{other}`; or use `at` for one place")
            return
        source, target = place["from"], place["to"]
        if source is None or target is None or not {source, target} <= known.elements:
            return
        if source == target:
            self.error((*at, "to"), f"`from` and `to` are both {target!r}; use `at: {target}`")
        elif not members.joined(source, target):
            self.error(
                (*at, "to"),
                f"no flow joins {source!r} and {target!r}: add the flow to `flows`, or "
                "split the step where the architecture shows the way",
            )


_ID = re.compile(ID_PATTERN)


@dataclass(frozen=True)
class _Known:
    """The ids a process may name, by kind."""

    elements: set[str]
    actors: set[str]
    contacts: set[str]
    teams: set[str]
    procedures: set[str]


class _Members:
    """Which components each group holds, and which flows join two elements, from raw data."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        parents = {
            gid: parent
            for _, g in items_of(data, "groups")
            if (gid := str_field(g, "id")) is not None
            and (parent := str_field(g, "parent")) is not None
        }
        self.held: dict[str, set[str]] = {}
        for _, comp in items_of(data, "components"):
            cid = str_field(comp, "id")
            group = str_field(comp, "group")
            if cid is None:
                continue
            self.held.setdefault(cid, set()).add(cid)
            seen: set[str] = set()
            while group is not None and group not in seen:  # cycles are reported elsewhere
                seen.add(group)
                self.held.setdefault(group, set()).add(cid)
                group = parents.get(group)
        self.flows = [
            (source, target)
            for _, f in items_of(data, "flows")
            if (source := str_field(f, "from")) is not None
            and (target := str_field(f, "to")) is not None
        ]
        self._index: tuple[dict[str, set[int]], dict[str, set[int]]] | None = None
        """Component -> the flows leaving it, and entering it (made on first use)."""
        self._of: dict[str, tuple[set[int], set[int]]] = {}

    def expand(self, element: str) -> set[str]:
        """The components an element stands for; an empty group stands for itself."""
        return self.held.get(element) or {element}

    def joined(self, a: str, b: str) -> bool:
        """True when a flow runs between `a` and `b`, either way, counting group members.

        Answered from an index of the flows by their ends, so a process of thousands of
        steps is checked in time linear in its steps, not steps times flows."""
        out_a, in_a = self._ends(a)
        out_b, in_b = self._ends(b)
        return not out_a.isdisjoint(in_b) or not out_b.isdisjoint(in_a)

    def _ends(self, element: str) -> tuple[set[int], set[int]]:
        """(flows leaving, flows entering) the components `element` stands for, by index."""
        if self._index is None:
            by_source: dict[str, set[int]] = {}
            by_target: dict[str, set[int]] = {}
            for i, (source, target) in enumerate(self.flows):
                for c in self.expand(source):
                    by_source.setdefault(c, set()).add(i)
                for c in self.expand(target):
                    by_target.setdefault(c, set()).add(i)
            self._index = (by_source, by_target)
        found = self._of.get(element)
        if found is None:
            leaving: set[int] = set()
            entering: set[int] = set()
            for c in self.expand(element):
                leaving |= self._index[0].get(c, set())
                entering |= self._index[1].get(c, set())
            found = self._of[element] = (leaving, entering)
        return found


def ids_in(section: Mapping[str, Any], key: str) -> set[str]:
    """The ids of a list of mappings, without reporting anything."""
    return {i for _, item in items_of(section, key) if (i := str_field(item, "id")) is not None}


def _str_list(mapping: Any, key: str) -> list[str]:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _clash(
    name: str, groups: Mapping[str, int], components: Mapping[str, int], actors: Mapping[str, int]
) -> tuple[str, int] | None:
    for section, ids in (("groups", groups), ("components", components), ("actors", actors)):
        if name in ids:
            return section, ids[name]
    return None
