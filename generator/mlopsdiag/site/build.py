"""Diagrams and pages together: what `mlopsdiag serve` re-runs on every spec change."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import click

from mlopsdiag.catalog import CATALOG_FILE_NAME
from mlopsdiag.errors import Diagnostic
from mlopsdiag.site.generate import SiteReport, write_site_cached
from mlopsdiag.site.serve import serve_site
from mlopsdiag.spec.validate import CONFIG_FILE_NAME, find_upwards

DIAGRAM_FORMATS = ("svg",)
"""The site embeds SVG: components in it are links to their rows."""


@dataclass
class SiteBuild:
    """One render of diagrams and pages."""

    diagnostics: list[Diagnostic]
    site: SiteReport
    specs: int
    diagrams: list[Path] = field(default_factory=list)
    """The diagram files of the specs rendered this time (drawn now or up to date)."""


def docs_dir_of(config_file: Path) -> Path:
    """The docs folder a MkDocs configuration names (default: docs/ next to it)."""
    from mkdocs.config import load_config

    config = load_config(config_file=str(config_file))
    return Path(config.docs_dir)


def project_templates(config_file: Path) -> Path | None:
    """The project's own templates folder: templates/ next to mkdocs.yml, if there is one."""
    folder = config_file.resolve().parent / "templates"
    return folder if folder.is_dir() else None


def render_site(
    paths: Sequence[Path],
    docs_dir: Path,
    *,
    templates: Path | None = None,
    force: bool = False,
    jobs: int | None = None,
    cli: click.Command | None = None,
) -> SiteBuild:
    """Draw the diagrams of every valid spec into the docs folder, then write the pages.

    `cli` is the command group the CLI reference page documents (handed in by the caller).
    """
    from mlopsdiag.render import render_specs

    report = render_specs(
        list(paths), docs_dir / "architectures", list(DIAGRAM_FORMATS), force=force, jobs=jobs
    )
    site = write_site_cached(
        report.spec_paths.values(),
        lambda: report.architectures,
        docs_dir,
        templates=templates,
        force=force,
        cli=cli,
    )
    diagrams = sorted(f for files in report.outputs.values() for f in files)
    return SiteBuild(list(report.diagnostics), site, len(report.spec_paths), diagrams)


def watched_paths(paths: Sequence[Path], templates: Path | None) -> list[Path]:
    """What `serve` watches: the specs, their catalogue and settings files, the templates."""
    watched = list(paths)
    for path in paths:
        start = path if path.is_dir() else path.parent
        for name in (CATALOG_FILE_NAME, CONFIG_FILE_NAME):
            found = find_upwards(start, name)
            if found is not None and found not in watched:
                watched.append(found)
    if templates is not None:
        watched.append(templates)
    return watched


def serve_specs(
    paths: Sequence[Path],
    *,
    config_file: Path,
    dev_addr: str,
    open_browser: bool = False,
    echo: Callable[[str], object] = print,
    cli: click.Command | None = None,
) -> None:
    """Render, serve the site and re-render whenever a spec changes (until Ctrl-C)."""
    docs_dir = docs_dir_of(config_file)
    templates = project_templates(config_file)

    def render() -> None:
        built = render_site(paths, docs_dir, templates=templates, cli=cli)
        for diagnostic in built.diagnostics:
            echo(diagnostic.format())
        echo(
            f"rendered {built.specs} spec{'s' if built.specs != 1 else ''}: "
            f"{len(built.site.written)} page{'s' if len(built.site.written) != 1 else ''} changed"
        )

    serve_site(
        render,
        watched_paths(paths, templates),
        config_file=config_file,
        dev_addr=dev_addr,
        open_browser=open_browser,
        on_error=lambda exc: echo(f"error: {exc}"),
        ignore=[docs_dir],
    )
