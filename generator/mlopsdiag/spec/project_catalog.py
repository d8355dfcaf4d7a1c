"""Read a project's own catalogue file (mlopsdiag-catalog.yaml) on top of the built-in one."""

from __future__ import annotations

import struct
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

MAX_ICON_BYTES = 512 * 1024
"""Largest icon file accepted (the built-in icons are under 10 KB); every SVG embeds it."""

MAX_ICON_PIXELS = 1024
"""Largest icon width or height in pixels; Graphviz holds the whole bitmap in memory for every
node that shows it, so a 23000-pixel square makes each `dot` take gigabytes."""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def icon_problem(path: Path) -> str | None:
    """Why the file at `path` cannot be a tool icon (not a PNG, too large), or None."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(24)
    except OSError as exc:
        return f"icon cannot be read: {exc.strerror or exc}"
    if head[:8] != PNG_SIGNATURE or head[12:16] != b"IHDR":
        return "icon is not a PNG image (its first bytes are not a PNG signature and header)"
    if size > MAX_ICON_BYTES:
        return f"icon is {size} bytes; icons are limited to {MAX_ICON_BYTES} bytes"
    width, height = struct.unpack(">II", head[16:24])
    if not width or not height:
        return "icon has no pixels (its PNG header says 0 wide or high)"
    if max(width, height) > MAX_ICON_PIXELS:
        return (
            f"icon is {width}x{height} pixels; icons are limited to {MAX_ICON_PIXELS} pixels "
            "a side (scale it down, e.g. to 256x256)"
        )
    return None


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
            line, col = doc.pos((*at, "icon"))
            problem = ""
            icon_path = folder
            if "\x00" in icon:
                problem = "icon path contains a NUL character"
            else:
                icon_path = (folder / icon).resolve()
            if problem:
                pass
            elif not icon_path.is_relative_to(folder):
                problem = "icon must be a file inside the catalogue's folder"
            elif not icon_path.is_file():
                problem = f"icon file {icon!r} not found (looked in {display_path(folder)})"
            elif icon_path.suffix.lower() != ".png":
                problem = "icon must be a PNG file"
            else:
                problem = icon_problem(icon_path) or ""
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
