"""Exports: the pictures and the model in the formats other tools read (Mermaid, D2,
Structurizr, Backstage), one module per format, registered in `FORMATS`.

The picture formats spell the renderer's scenes (`render/scene.py`, `context.py`,
`process.py`, `lanes.py`), so an export and the SVG cannot disagree; Backstage entities come
from the model. `export_specs` validates specs and writes one file per spec.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mlopsdiag.errors import Diagnostic, Severity
from mlopsdiag.export.backstage import Links, export_backstage, location
from mlopsdiag.export.d2 import export_d2
from mlopsdiag.export.mermaid import comment as mermaid_comment
from mlopsdiag.export.mermaid import context_chart, export_mermaid, process_chart
from mlopsdiag.export.structurizr import export_structurizr
from mlopsdiag.render.output import generated_note
from mlopsdiag.spec.model import Architecture
from mlopsdiag.writer import inside, write_atomic


@dataclass(frozen=True)
class ExportOptions:
    """Settings some formats read."""

    site_url: str = ""
    """Where the mlopsdiag site is published (Backstage links); empty: TechDocs paths."""


@dataclass(frozen=True)
class Format:
    """One export format: what it is, the file name it writes per spec, and its writer."""

    help: str
    suffix: str
    """The file of spec NAME is `NAME<suffix>`."""
    write: Callable[[Architecture, str, ExportOptions], str]


FORMATS: dict[str, Format] = {
    "mermaid": Format(
        "Markdown with a Mermaid flowchart of the context and of each process (lanes)",
        ".mermaid.md",
        lambda arch, note, options: export_mermaid(arch, note),
    ),
    "backstage": Format(
        "Backstage catalogue entities: a System, Components and Resources with dependsOn",
        ".catalog-info.yaml",
        lambda arch, note, options: export_backstage(arch, note, Links(options.site_url)),
    ),
    "structurizr": Format(
        "a Structurizr workspace (JSON): containers, people, container and dynamic views",
        ".structurizr.json",
        lambda arch, note, options: export_structurizr(arch, note),
    ),
    "d2": Format(
        "D2: the context as the root board, each process as a layer of steps",
        ".d2",
        lambda arch, note, options: export_d2(arch, note),
    ),
}
"""Format name -> format, in the order `--to` lists them."""

CATALOG_INDEX = "catalog-info.yaml"
"""With `--to backstage`, the Location entity that lists every spec's file."""


def export_name(arch: Architecture, fmt: str) -> str:
    """The file name of one spec's export."""
    return f"{arch.name}{FORMATS[fmt].suffix}"


def export_text(arch: Architecture, fmt: str, options: ExportOptions | None = None) -> str:
    """One spec in one format (deterministic: the same spec gives the same bytes)."""
    note = generated_note(Path(arch.source_path).name)
    return FORMATS[fmt].write(arch, note, options or ExportOptions())


SITE_LABELS: dict[str, str] = {
    "mermaid": "Mermaid",
    "d2": "D2",
    "structurizr": "Structurizr workspace",
    "backstage": "Backstage entities",
}
"""How the architecture page names each format's download."""


def site_files(
    arch: Architecture, fmt: str, options: ExportOptions | None = None
) -> dict[str, str]:
    """File name -> text of one format as the site offers it, next to the pictures: Mermaid
    as one `.mmd` per picture (`context.mmd`, `process-<id>.mmd`: a Markdown file there
    would become a page), the other formats as one file per spec."""
    if fmt != "mermaid":
        return {export_name(arch, fmt): export_text(arch, fmt, options)}
    note = mermaid_comment(generated_note(Path(arch.source_path).name))
    files = {"context.mmd": f"{note}\n{context_chart(arch).text}"}
    for process in arch.processes:
        files[f"process-{process.id}.mmd"] = f"{note}\n{process_chart(arch, process).text}"
    return files


def write_site_exports(archs: Iterable[Architecture], fmts: Sequence[str], out: Path) -> list[Path]:
    """Write the exports `render.exports` asks for into `out/<name>/`, next to the pictures."""
    written = []
    for arch in archs:
        for fmt in fmts:
            for name, text in site_files(arch, fmt).items():
                target = inside(out, Path(arch.name) / name)
                write_atomic(target, text.encode("utf-8"))
                written.append(target)
    return written


def site_downloads(arch: Architecture, folder: Path) -> tuple[tuple[str, str], ...]:
    """(label, file name) of each export present in an architecture's folder, for its page."""
    found = []
    for fmt, label in SITE_LABELS.items():
        if fmt == "mermaid":
            names = ["context.mmd", *(f"process-{p.id}.mmd" for p in arch.processes)]
            found += [
                (f"{label} ({name.removesuffix('.mmd')})", name)
                for name in names
                if (folder / name).is_file()
            ]
        elif (folder / export_name(arch, fmt)).is_file():
            found.append((label, export_name(arch, fmt)))
    return tuple(found)


@dataclass
class ExportReport:
    """What `export_specs` did: the files written and the problems of invalid specs."""

    written: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    specs: int = 0

    def failed(self) -> bool:
        """True when a spec was invalid (nothing is written for it)."""
        return any(d.severity == Severity.ERROR for d in self.diagnostics)


def write_exports(
    archs: Iterable[Architecture], fmt: str, out: Path, options: ExportOptions | None = None
) -> list[Path]:
    """Write one file per architecture into `out` (and, for Backstage, the Location that
    lists them); a file that already has the same bytes is left untouched."""
    written: list[Path] = []
    names: list[str] = []
    for arch in archs:
        target = inside(out, Path(export_name(arch, fmt)))
        write_atomic(target, export_text(arch, fmt, options).encode("utf-8"))
        written.append(target)
        names.append(target.name)
    if fmt == "backstage" and names:
        target = inside(out, Path(CATALOG_INDEX))
        write_atomic(target, location(names).encode("utf-8"))
        written.append(target)
    return written


def export_specs(
    paths: Sequence[Path], fmt: str, out: Path, options: ExportOptions | None = None
) -> ExportReport:
    """Validate the specs under `paths` and export every valid one."""
    from mlopsdiag.spec.validate import validate_paths

    report = ExportReport()
    archs = []
    for result in validate_paths(paths):
        report.diagnostics.extend(d for d in result.diagnostics if d.severity == Severity.ERROR)
        if result.architecture is not None:
            archs.append(result.architecture)
    report.specs = len(archs)
    report.written = write_exports(archs, fmt, out, options)
    return report


__all__ = [
    "CATALOG_INDEX",
    "FORMATS",
    "ExportOptions",
    "ExportReport",
    "Format",
    "export_name",
    "export_specs",
    "export_text",
    "site_downloads",
    "site_files",
    "write_exports",
    "write_site_exports",
]
