"""Check loaded specs against the schema, cross-references and the secret rules, and build
the typed model of every spec that passes."""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from mlopsdiag.catalog import CATALOG_FILE_NAME, Catalog, Tool, builtin_catalog, tool_from_data
from mlopsdiag.errors import Diagnostic, MlopsdiagError
from mlopsdiag.spec.loader import Document, PathKey, format_path, load_file, parse_path
from mlopsdiag.spec.model import (
    Access,
    Architecture,
    Component,
    Contact,
    Dashboard,
    FailureMode,
    Flow,
    Group,
    Loc,
    Metadata,
    Procedure,
    RuleOverride,
    Runbook,
    View,
)
from mlopsdiag.spec.schema import SUPPORTED_API_VERSIONS, catalog_schema, spec_schema
from mlopsdiag.spec.secrets import find_secret
from mlopsdiag.spec.suggest import did_you_mean

SPEC_SUFFIXES = (".yaml", ".yml")
CONFIG_FILE_NAME = "mlopsdiag-config.yaml"
NOT_SPECS = frozenset({CATALOG_FILE_NAME, CONFIG_FILE_NAME})

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
}


@dataclass
class SpecResult:
    """What validation made of one file."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    architecture: Architecture | None = None
    document: Document | None = None

    @property
    def ok(self) -> bool:
        """True when the file has no errors."""
        return self.architecture is not None

    @property
    def declared_name(self) -> str | None:
        """The `metadata.name` the file declares, valid or not (None if it has none)."""
        data = self.document.data if self.document is not None else None
        meta = data.get("metadata") if isinstance(data, dict) else None
        name = meta.get("name") if isinstance(meta, dict) else None
        return name if isinstance(name, str) else None


# --------------------------------------------------------------------------- discovery


def discover(paths: Sequence[Path]) -> list[Path]:
    """Expand folders into the spec files below them, sorted; keep files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.suffix in SPEC_SUFFIXES
                and p.name not in NOT_SPECS
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(path)
    unique: dict[Path, None] = {}
    for p in found:
        unique.setdefault(p, None)
    return list(unique)


def display_path(path: Path) -> str:
    """A path as shown in diagnostics: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def find_upwards(start: Path, name: str) -> Path | None:
    """The nearest file called `name` in `start` or its parents, stopping at a git root."""
    folder = start.resolve()
    while True:
        candidate = folder / name
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent


# --------------------------------------------------------------------------- schema walk


class _Checker:
    """Interprets the subset of JSON Schema the spec schema uses, with friendly messages."""

    def __init__(self, doc: Document, out: list[Diagnostic]) -> None:
        self.doc = doc
        self.out = out

    def error(self, at: PathKey, message: str, *, key: bool = False) -> None:
        line, col = self.doc.key_pos(at) if key else self.doc.pos(at)
        self.out.append(Diagnostic(self.doc.path, line, col, message, format_path(at)))

    def check(self, schema: Mapping[str, Any], value: Any, at: PathKey) -> None:
        expected = schema.get("type")
        if expected is not None and not _has_type(value, expected):
            self.error(at, f"expected {_TYPE_NAMES[expected]}, got {_describe(value)}")
            return
        if "enum" in schema and value not in schema["enum"]:
            self.error(at, _enum_message(value, schema["enum"], at))
            return
        if isinstance(value, str):
            self.check_string(schema, value, at)
        elif isinstance(value, list):
            if len(value) < schema.get("minItems", 0):
                need = schema["minItems"]
                self.error(at, f"needs at least {need} item{'s' if need > 1 else ''}")
            items = schema.get("items")
            if items is not None:
                for i, item in enumerate(value):
                    self.check(items, item, (*at, i))
        elif isinstance(value, dict):
            self.check_object(schema, value, at)

    def check_string(self, schema: Mapping[str, Any], value: str, at: PathKey) -> None:
        if len(value) < schema.get("minLength", 0):
            self.error(at, "must not be empty")
            return
        pattern = schema.get("pattern")
        if pattern is not None and _compiled(pattern).search(value) is None:
            self.error(at, schema.get("x-message") or f"does not match the pattern {pattern}")
            return
        if schema.get("format") == "date":
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                self.error(at, f"{value!r} is not a valid date")

    def check_object(self, schema: Mapping[str, Any], value: dict[str, Any], at: PathKey) -> None:
        properties: Mapping[str, Any] = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name not in value:
                self.error(at, f"missing required field {name!r}")
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in properties:
                self.check(properties[key], item, (*at, key))
            elif extra is False:
                allowed = ", ".join(properties)
                hint = did_you_mean(key, properties)
                self.error(
                    (*at, key),
                    f"unknown field {key!r}{hint}; allowed here: {allowed}",
                    key=True,
                )
            elif isinstance(extra, Mapping):
                self.check(extra, item, (*at, key))


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _has_type(value: Any, expected: str) -> bool:
    if expected == "string":
        return isinstance(value, str)
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected == "boolean":
        return isinstance(value, bool)
    if expected == "array":
        return isinstance(value, list)
    if expected == "object":
        return isinstance(value, dict)
    raise AssertionError(f"schema uses unsupported type {expected!r}")  # pragma: no cover


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (true/false)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _enum_message(value: Any, allowed: Sequence[Any], at: PathKey) -> str:
    choices = ", ".join(str(a) for a in allowed)
    if at == ("apiVersion",):
        return f"unsupported apiVersion {_show(value)}; this mlopsdiag supports: " + ", ".join(
            SUPPORTED_API_VERSIONS
        )
    hint = did_you_mean(value, [str(a) for a in allowed]) if isinstance(value, str) else ""
    if len(allowed) > 8:
        return f"{_show(value)} is not a known value{hint}"
    return f"{_show(value)} is not one of: {choices}{hint}"


# --------------------------------------------------------------------------- secrets


def _strings(value: Any, at: PathKey) -> Iterator[tuple[PathKey, str]]:
    if isinstance(value, str):
        yield at, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*at, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*at, key), key
            yield from _strings(item, (*at, key))


def _check_secrets(doc: Document, out: list[Diagnostic]) -> set[str]:
    """Report credentials by field only; return the field paths that hold them."""
    flagged: set[PathKey] = set()
    for at, text in _strings(doc.data, ()):
        kind = find_secret(text)
        if kind is None or at in flagged:
            continue
        flagged.add(at)
        line, col = doc.pos(at)
        out.append(
            Diagnostic(
                doc.path,
                line,
                col,
                f"this looks like a credential ({kind}); never put secrets in a spec. "
                "Store it in a secret manager and write a reference here instead, "
                "e.g. vault://secret/ml/<name> or \"1Password vault 'ML', item '<name>'\"",
                format_path(at),
            )
        )
    return {format_path(at) for at in flagged}


def _drop_echoes(out: list[Diagnostic], secrets: int, hidden: set[str]) -> list[Diagnostic]:
    """Keep the first `secrets` diagnostics (the credential findings) and drop every other
    one about a field that holds a credential: its message could quote it."""
    return out[:secrets] + [d for d in out[secrets:] if d.field not in hidden]


# --------------------------------------------------------------------------- references


def _items(data: Mapping[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _str_field(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) else None


class _References:
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
            for i, c in _items(self.data, "components")
            if (cid := _str_field(c, "id")) is not None
        }
        elements = set(groups) | set(components)
        self.check_groups(groups, components)
        self.check_tools()
        self.check_components(groups, components)
        for i, flow in _items(self.data, "flows"):
            for end in ("from", "to"):
                target = _str_field(flow, end)
                if target is not None and target not in elements:
                    self.unknown(("flows", i, end), target, "component or group", elements)
        self.check_views(elements)
        self.check_runbook(set(components))

    def unknown(self, at: PathKey, name: str, what: str, known: Iterable[str]) -> None:
        self.error(at, f"unknown {what} {_show(name)}{did_you_mean(name, known)}")

    def unique_ids(self) -> dict[str, int]:
        seen: dict[str, PathKey] = {}
        groups: dict[str, int] = {}
        for section in ("groups", "components"):
            for i, item in _items(self.data, section):
                item_id = _str_field(item, "id")
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
        for i, group in _items(self.data, "groups"):
            parent = _str_field(group, "parent")
            gid = _str_field(group, "id")
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
            for i, item in _items(self.data, section):
                tool = _str_field(item, "tool")
                if tool is not None and tool in self.catalog.rejected:
                    self.error(
                        (section, i, "tool"),
                        f"tool {tool!r} is defined in {self.catalog.source}, but that entry has "
                        "errors (see above)",
                    )
                elif tool is not None and tool not in self.catalog.tools:
                    self.error(
                        (section, i, "tool"),
                        f"unknown tool {_show(tool)}{did_you_mean(tool, self.catalog.tools)}; "
                        f"see `mlopsdiag catalog`, or describe it in {CATALOG_FILE_NAME}",
                    )

    def check_components(self, groups: Mapping[str, int], components: Mapping[str, int]) -> None:
        for i, comp in _items(self.data, "components"):
            group = _str_field(comp, "group")
            if group is None or group in groups:
                continue
            if group in components:
                self.error(("components", i, "group"), f"{group!r} is a component, not a group")
            else:
                self.unknown(("components", i, "group"), group, "group", groups)

    def check_views(self, elements: set[str]) -> None:
        seen: set[str] = set()
        for i, view in _items(self.data, "views"):
            vid = _str_field(view, "id")
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
        for i, proc in _items(runbook, "procedures"):
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
        for i, mode in _items(runbook, "failure_modes"):
            proc_id = _str_field(mode, "procedure")
            if proc_id is not None and proc_id not in procedures:
                self.unknown(
                    (*base, "failure_modes", i, "procedure"), proc_id, "procedure", procedures
                )

    def unique_in(self, runbook: Mapping[str, Any], section: str, what: str) -> set[str]:
        seen: set[str] = set()
        for i, item in _items(runbook, section):
            item_id = _str_field(item, "id")
            if item_id is None:
                continue
            if item_id in seen:
                self.error(("runbook", section, i, "id"), f"duplicate {what} id {item_id!r}")
            seen.add(item_id)
        return seen


# --------------------------------------------------------------------------- catalogue


def load_project_catalog(path: Path) -> tuple[Catalog, list[Diagnostic]]:
    """Extend the built-in catalogue with a project's catalogue file."""
    base = builtin_catalog()
    shown = display_path(path)
    try:
        doc = load_file(path, shown)
    except MlopsdiagError as exc:
        return base, exc.diagnostics
    out: list[Diagnostic] = []
    hidden = _check_secrets(doc, out)
    secrets = len(out)
    _Checker(doc, out).check(catalog_schema(), doc.data, ())
    tools: dict[str, Tool] = {}
    rejected: set[str] = set()
    folder = path.parent.resolve()
    for i, raw in _items(doc.data, "tools"):
        tool_id = _str_field(raw, "id")
        if tool_id is None:
            continue
        at: PathKey = ("tools", i)
        if tool_id in base.tools:
            line, col = doc.pos((*at, "id"))
            out.append(
                Diagnostic(
                    shown,
                    line,
                    col,
                    f"tool {tool_id!r} is already in the built-in catalogue; pick another id",
                    format_path((*at, "id")),
                )
            )
            continue
        if tool_id in tools:
            line, col = doc.pos((*at, "id"))
            out.append(
                Diagnostic(
                    shown, line, col, f"duplicate tool id {tool_id!r}", format_path((*at, "id"))
                )
            )
            continue
        icon = _str_field(raw, "icon")
        if icon is not None:
            icon_path = (folder / icon).resolve()
            line, col = doc.pos((*at, "icon"))
            problem = ""
            if not icon_path.is_relative_to(folder):
                problem = "icon must be a file inside the catalogue's folder"
            elif not icon_path.is_file():
                problem = f"icon file {icon!r} not found (looked in {display_path(folder)})"
            elif icon_path.suffix.lower() != ".png":
                problem = "icon must be a PNG file"
            if problem:
                out.append(Diagnostic(shown, line, col, problem, format_path((*at, "icon"))))
                rejected.add(tool_id)
                continue
        entry_errors = [d for d in out if d.field.startswith(format_path(at) + ".")]
        if entry_errors or format_path(at) in {d.field for d in out}:
            rejected.add(tool_id)
            continue
        tools[tool_id] = tool_from_data(raw, folder, builtin=False)
    return base.extended(tools, shown, frozenset(rejected)), _drop_echoes(out, secrets, hidden)


# --------------------------------------------------------------------------- model


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
            Access(name=a["name"], where=a["where"], granted_by=a.get("granted_by", ""))
            for a in r.get("access") or ()
        ),
        procedures=tuple(
            Procedure(
                id=p["id"],
                kind=p.get("kind", "other"),
                title=p["title"],
                when=p.get("when", ""),
                steps=_t(p["steps"]),
                components=_t(p.get("components")),
                loc=_loc(doc, ("runbook", "procedures", i)),
            )
            for i, p in enumerate(r.get("procedures") or ())
        ),
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


# --------------------------------------------------------------------------- entry points


def validate_document(doc: Document, catalog: Catalog) -> SpecResult:
    """Validate one loaded document; build its model when it has no errors."""
    out: list[Diagnostic] = []
    hidden = _check_secrets(doc, out)
    secrets = len(out)
    _Checker(doc, out).check(spec_schema_cached(), doc.data, ())
    _References(doc, catalog, out).run()
    out = _drop_echoes(out, secrets, hidden)
    result = SpecResult(doc.path, sorted(out, key=Diagnostic.sort_key), document=doc)
    if not out:
        result.architecture = build_model(doc, catalog)
    return result


@cache
def spec_schema_cached() -> Mapping[str, Any]:
    """The spec schema, built once per process."""
    return spec_schema()


@contextmanager
def _few_collections() -> Iterator[None]:
    """Run the garbage collector less often while many small objects are built.

    Loading creates hundreds of thousands of containers and no reference cycles; with
    the default thresholds the collector rescans them over and over (about 40% of the
    time of a large run).
    """
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], 100_000), max(old[1], 50), max(old[2], 100))
    try:
        yield
    finally:
        gc.set_threshold(*old)


def validate_paths(paths: Sequence[Path]) -> list[SpecResult]:
    """Validate every spec below `paths`, including checks across files."""
    with _few_collections():
        return _validate_paths(paths)


def _validate_paths(paths: Sequence[Path]) -> list[SpecResult]:
    catalogs: dict[Path | None, tuple[Catalog, list[Diagnostic]]] = {}
    results: list[SpecResult] = []
    catalog_problems: list[Diagnostic] = []
    for file in discover(paths):
        shown = display_path(file)
        catalog_file = find_upwards(file.parent, CATALOG_FILE_NAME)
        if catalog_file not in catalogs:
            if catalog_file is None:
                catalogs[None] = (builtin_catalog(), [])
            else:
                catalogs[catalog_file] = load_project_catalog(catalog_file)
                catalog_problems.extend(catalogs[catalog_file][1])
        catalog = catalogs[catalog_file][0]
        try:
            doc = load_file(file, shown)
        except MlopsdiagError as exc:
            results.append(SpecResult(shown, list(exc.diagnostics)))
            continue
        results.append(validate_document(doc, catalog))
    _check_unique_names(results)
    if catalog_problems:
        unique = sorted(set(catalog_problems), key=Diagnostic.sort_key)
        path = unique[0].path
        results.insert(0, SpecResult(path, unique))
    return results


def _check_unique_names(results: list[SpecResult]) -> None:
    first: dict[str, SpecResult] = {}
    for result in results:
        doc = result.document
        name = result.declared_name
        if doc is None or name is None:
            continue
        if name in first:
            line, col = doc.pos(("metadata", "name"))
            result.diagnostics.append(
                Diagnostic(
                    doc.path,
                    line,
                    col,
                    f"metadata.name {name!r} is already used by {first[name].path}; "
                    "names must be unique across a spec set",
                    "metadata.name",
                )
            )
            result.diagnostics.sort(key=Diagnostic.sort_key)
            result.architecture = None
        else:
            first[name] = result
