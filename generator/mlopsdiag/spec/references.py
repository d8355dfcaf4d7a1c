"""Cross-reference checks over raw spec data that may still have schema errors: every id
named in one place must exist in another, with did-you-mean suggestions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mlopsdiag.catalog import CATALOG_FILE_NAME, Catalog
from mlopsdiag.errors import Diagnostic
from mlopsdiag.spec.checker import show_value
from mlopsdiag.spec.loader import Document, PathKey, format_path
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
                        "errors (see above)",
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
