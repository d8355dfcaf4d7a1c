"""Diagrams and pages together: what `mlopsdiag serve` re-runs on every spec change."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import click

from mlopsdiag.catalog import CATALOG_FILE_NAME
from mlopsdiag.errors import Diagnostic, MlopsdiagError
from mlopsdiag.site.generate import SiteReport, write_site_cached
from mlopsdiag.site.serve import serve_site
from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.validate import CONFIG_FILE_NAME, display_path, find_upwards

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
    """The docs folder a MkDocs configuration names (default: docs/ next to it).

    The folder is created when it does not exist yet (a new project before its first
    render): MkDocs refuses a configuration whose docs folder is missing.
    """
    from mkdocs.config import load_config

    _named_docs_dir(config_file).mkdir(parents=True, exist_ok=True)
    config = load_config(config_file=str(config_file))
    return Path(config.docs_dir)


def _named_docs_dir(config_file: Path) -> Path:
    """`docs_dir` as written in the configuration, read without MkDocs' checks."""
    import yaml

    class _Lenient(yaml.SafeLoader):
        """Reads MkDocs' `!!python/name:` and `!ENV` tags as plain values."""

    _Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Lenient)  # noqa: S506
    except (OSError, yaml.YAMLError):
        data = None
    named = data.get("docs_dir") if isinstance(data, dict) else None
    folder = Path(named) if isinstance(named, str) and named else Path("docs")
    return folder if folder.is_absolute() else config_file.resolve().parent / folder


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
    last_good: dict[Path, Architecture] | None = None,
    cli: click.Command | None = None,
) -> SiteBuild:
    """Draw the diagrams of every valid spec into the docs folder, then write the pages.

    With `last_good` (what `serve` remembers between renders: spec file -> its last valid
    model), a spec that now has errors keeps its pages in their last valid version, with
    the errors in a banner on top, instead of losing them. `cli` is the command group the
    CLI reference page documents (handed in by the caller).
    """
    from mlopsdiag.render import render_specs
    from mlopsdiag.render.runner import render_settings

    report = render_specs(
        list(paths),
        docs_dir / "architectures",
        list(DIAGRAM_FORMATS),
        force=force,
        jobs=jobs,
        width=render_settings(list(paths)).width,  # render.width of mlopsdiag-config.yaml
    )
    diagrams = sorted(f for files in report.outputs.values() for f in files)
    if last_good is None:
        site = write_site_cached(
            report.spec_paths.values(),
            lambda: report.architectures,
            docs_dir,
            templates=templates,
            force=force,
            cli=cli,
        )
        return SiteBuild(list(report.diagnostics), site, len(report.spec_paths), diagrams)
    current = report.architectures
    by_name = {arch.name: arch for arch in current}
    for name, path in report.spec_paths.items():
        if name in by_name:
            last_good[path.resolve()] = by_name[name]
    kept: dict[Path, Architecture] = {}
    notices: dict[str, list[str]] = {}
    invalid = set(report.invalid)
    for path, arch in last_good.items():
        shown = display_path(path)
        if shown in invalid and arch.name not in by_name and path.is_file():
            kept[path] = arch
            notices[arch.source_path] = [d.format() for d in report.diagnostics if d.path == shown]
    site = write_site_cached(
        [*report.spec_paths.values(), *kept],
        lambda: [*current, *kept.values()],
        docs_dir,
        templates=templates,
        force=force,
        notices=notices,
        cli=cli,
    )
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


def error_lines(exc: BaseException) -> list[str]:
    """What `serve` prints when a re-render fails; it then keeps serving the last pages."""
    if isinstance(exc, MlopsdiagError):
        return [d.format() for d in exc.diagnostics] or [f"error: {exc.message}"]
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return [f"error: cannot access{where}: {exc.strerror or exc}"]
    return [
        f"internal error: {type(exc).__name__}: {exc}; still serving the last pages. "
        "This is a bug in mlopsdiag; please report it."
    ]


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
    last_good: dict[Path, Architecture] = {}

    def render() -> None:
        built = render_site(paths, docs_dir, templates=templates, last_good=last_good, cli=cli)
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
        on_error=lambda exc: [echo(line) for line in error_lines(exc)],
        ignore=[docs_dir],
    )
