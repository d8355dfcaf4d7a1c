"""Read a project's own catalogue file (mlopsdiag-catalog.yaml) on top of the built-in one."""

from __future__ import annotations

from pathlib import Path

from mlopsdiag.catalog import Catalog, Tool, builtin_catalog, tool_from_data
from mlopsdiag.errors import Diagnostic, MlopsdiagError
from mlopsdiag.spec.checker import SchemaChecker
from mlopsdiag.spec.discovery import display_path
from mlopsdiag.spec.loader import PathKey, format_path, load_file
from mlopsdiag.spec.names import file_name_problem
from mlopsdiag.spec.references import items_of, str_field
from mlopsdiag.spec.schema import catalog_schema
from mlopsdiag.spec.secrets import check_secrets, drop_echoes


def load_project_catalog(path: Path) -> tuple[Catalog, list[Diagnostic]]:
    """Extend the built-in catalogue with a project's catalogue file."""
    base = builtin_catalog()
    shown = display_path(path)
    try:
        doc = load_file(path, shown)
    except MlopsdiagError as exc:
        return base, exc.diagnostics
    out: list[Diagnostic] = []
    hidden = check_secrets(doc, out)
    secrets = len(out)
    SchemaChecker(doc, out).check(catalog_schema(), doc.data, ())
    tools: dict[str, Tool] = {}
    rejected: set[str] = set()
    folder = path.parent.resolve()
    for i, raw in items_of(doc.data, "tools"):
        tool_id = str_field(raw, "id")
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
        reserved = file_name_problem(tool_id, site_page=True)
        if reserved is not None:
            line, col = doc.pos((*at, "id"))
            out.append(Diagnostic(shown, line, col, reserved, format_path((*at, "id"))))
            rejected.add(tool_id)
            continue
        if tool_id in tools:
            line, col = doc.pos((*at, "id"))
            out.append(
                Diagnostic(
                    shown, line, col, f"duplicate tool id {tool_id!r}", format_path((*at, "id"))
                )
            )
            continue
        icon = str_field(raw, "icon")
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
    return base.extended(tools, shown, frozenset(rejected)), drop_echoes(out, secrets, hidden)
