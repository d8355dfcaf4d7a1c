"""The `mlopsdiag` command line: parse options, call the library, print, return an exit code."""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mlopsdiag import __version__
from mlopsdiag.errors import MlopsdiagError, visible

if TYPE_CHECKING:
    from mlopsdiag.deployed.run import DriftRun

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_WRITE = 4
"""An output could not be written (full disk, read-only folder): not the specs' fault."""
EXIT_INTERRUPTED = 130

DEFAULT_SPECS = Path("specs")
DEFAULT_DIAGRAMS = Path("docs/architectures")

spec_paths = click.argument(
    "paths",
    nargs=-1,
    type=click.Path(exists=True, path_type=Path),
)


def say(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print human-readable text: what a spec, a file name or a catalogue brings in is shown
    escaped (`visible`), so no terminal escape, bidi override or workflow command gets through."""
    click.echo(visible(text, lines=True), err=err, nl=nl)


def resolve_paths(paths: Sequence[Path]) -> list[Path]:
    """The paths given, or `specs/` when none are."""
    if paths:
        return list(paths)
    if not DEFAULT_SPECS.is_dir():
        raise click.UsageError("no PATH given and no specs/ folder here")
    return [DEFAULT_SPECS]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="mlopsdiag")
@click.option(
    "--traceback",
    "show_traceback",
    is_flag=True,
    help="On an internal error, print the full Python traceback.",
)
@click.pass_context
def main_group(ctx: click.Context, show_traceback: bool) -> None:
    """Architecture-as-code for machine-learning systems.

    One YAML spec per ML system becomes diagrams, a documentation site with an
    "if I'm gone" runbook, and MLOps checks for CI.
    """
    ctx.ensure_object(dict)
    ctx.obj["traceback"] = show_traceback


def _report_formats() -> list[str]:
    from mlopsdiag.report import FORMATS

    return list(FORMATS)


def _format_help() -> str:
    from mlopsdiag.report import FORMATS

    listed = "; ".join(f"{name}: {entry.help}" for name, entry in FORMATS.items())
    return f"Output format ({listed}). Default: github inside GitHub Actions, text elsewhere."


_Command = TypeVar("_Command", bound=Callable[..., Any])


def report_options(command: _Command) -> _Command:
    """`--format` and `--output-file`: how `validate` and `drift` report their findings."""
    command = click.option(
        "--output-file",
        "-o",
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        default=None,
        help="Write the report in --format to this file (replaced whole, never half-written); "
        "the terminal still gets the text summary.",
    )(command)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(_report_formats()),
        default=None,
        help=_format_help(),
    )(command)


def _complete_rules(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from mlopsdiag.lint import RULES

    return [rule_id for rule_id in RULES if rule_id.startswith(incomplete)]


def _rule_list(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> frozenset[str]:
    """Rule ids from repeated and comma-separated values; an unknown id is a usage error."""
    if not value:
        return frozenset()  # the usual case: no need to load the rules just to parse options
    from mlopsdiag.lint import RULES
    from mlopsdiag.spec.suggest import did_you_mean

    ids = frozenset(part.strip() for item in value for part in item.split(",") if part.strip())
    for rule_id in sorted(ids):
        if rule_id not in RULES:
            raise click.BadParameter(
                f"unknown rule {rule_id!r}{did_you_mean(rule_id, RULES)}; "
                "`mlopsdiag explain` lists the rules"
            )
    return ids


@main_group.command()
@spec_paths
@report_options
@click.option(
    "--strict/--no-strict",
    default=None,
    help="Fail (exit 1) on warnings and infos too. Default: lint.strict of mlopsdiag-config.yaml.",
)
@click.option(
    "--select",
    multiple=True,
    metavar="RULE[,RULE...]",
    callback=_rule_list,
    shell_complete=_complete_rules,
    help="Run only these lint rules (repeat or separate with commas). Spec errors are "
    "always reported.",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="RULE[,RULE...]",
    callback=_rule_list,
    shell_complete=_complete_rules,
    help="Do not run these lint rules (repeat or separate with commas).",
)
@click.option(
    "--exit-zero",
    is_flag=True,
    help="Exit 0 even when specs are invalid or findings fail the run (report only).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Settings file to use for every spec, instead of the mlopsdiag-config.yaml found "
    "next to or above each spec.",
)
@click.option(
    "--reference-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="The 'today' of date-based rules such as runbook-stale (default: today).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that check specs at once (default: one per CPU core from 64 spec "
    "files on; fewer files are checked in one process).",
)
def validate(
    paths: tuple[Path, ...],
    fmt: str | None,
    output_file: Path | None,
    strict: bool | None,
    select: frozenset[str],
    ignore: frozenset[str],
    exit_zero: bool,
    config_file: Path | None,
    reference_date: dt.datetime | None,
    jobs: int | None,
) -> None:
    """Check specs (files or folders; default specs/) and report every problem.

    Reports errors and the findings of the MLOps lint rules (see `mlopsdiag explain`) together.

    Exit codes:

    \b
    - 0: every spec is valid (and, when strict, has no findings), or --exit-zero was given
    - 1: a spec is invalid, or has findings that fail the run (--strict or lint.strict),
      or no spec file was found
    - 2: bad usage: unknown option, format or rule id, a path that does not exist
    - 3: internal error (a bug in mlopsdiag: please report it)
    """
    from mlopsdiag.check import RuleSelection, Tally, check_stream
    from mlopsdiag.errors import Diagnostic
    from mlopsdiag.report import render_report, text_summary

    terminal = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    chosen = fmt or terminal
    # The terminal gets text as each file is checked, unless another format is asked for
    # without a file to write it to; every other format needs the whole run.
    streamed = chosen == "text" or output_file is not None
    held: list[Diagnostic] | None = None if chosen == "text" and output_file is None else []
    tally = Tally()
    for checked in check_stream(
        resolve_paths(paths),
        reference_date=reference_date.date() if reference_date else None,
        rules=RuleSelection(select or None, ignore),
        config_file=config_file,
        jobs=jobs,
    ):
        tally.add(checked)
        if streamed and checked.diagnostics:
            say("".join(d.format() + "\n" for d in checked.diagnostics), nl=False)
        if held is not None:
            held.extend(checked.diagnostics)
    if held is not None:
        report = render_report(chosen, held, tally.files, tally.specs)
        if output_file is None:
            click.echo(report, nl=False)
        else:
            from mlopsdiag.writer import write_atomic, write_error

            try:
                write_atomic(output_file, report.encode("utf-8"))
            except OSError as exc:
                raise write_error(output_file, exc) from None
    if streamed:
        say(text_summary(tally.summary()), nl=False)
    if not tally.files:  # CI must not pass on nothing, --exit-zero or not
        _no_specs(resolve_paths(paths))
    sys.exit(EXIT_INVALID if tally.failed(strict) and not exit_zero else EXIT_OK)


def _rule_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from mlopsdiag.deployed.codes import CODES
    from mlopsdiag.lint import RULES

    return [rule_id for rule_id in (*RULES, *CODES) if rule_id.startswith(incomplete)]


@main_group.command()
@click.argument("rule", required=False, shell_complete=_rule_ids)
def explain(rule: str | None) -> None:
    """Print the documentation of lint rule or drift code RULE, or list them all."""
    from mlopsdiag.deployed.codes import CODES, format_code
    from mlopsdiag.lint import RULES
    from mlopsdiag.lint.explain import format_rule, format_rule_list
    from mlopsdiag.spec.suggest import did_you_mean

    if rule is None:
        click.echo(format_rule_list(), nl=False)
        width = max(len(code) for code in CODES)
        click.echo("\nDrift codes (mlopsdiag drift):")
        for code in CODES.values():
            click.echo(f"{code.id:<{width}}  {code.severity.value:<7}  {code.title}")
        return
    if rule in CODES:
        click.echo(format_code(CODES[rule]), nl=False)
        return
    if rule not in RULES:
        raise click.BadParameter(
            f"unknown rule {rule!r}{did_you_mean(rule, [*RULES, *CODES])}; "
            "`mlopsdiag explain` lists the rules and drift codes",
            param_hint="RULE",
        )
    click.echo(format_rule(RULES[rule]), nl=False)


@main_group.command()
@click.option(
    "--catalog-file",
    is_flag=True,
    help="Print the schema of a project catalogue (mlopsdiag-catalog.yaml) instead.",
)
def schema(catalog_file: bool) -> None:
    """Print the JSON Schema (draft-07) of a spec, for editors and other validators."""
    import json

    from mlopsdiag.spec.schema import catalog_schema, schema_json

    click.echo(json.dumps(catalog_schema(), indent=2) if catalog_file else schema_json(), nl=False)


@main_group.command()
@click.option(
    "--capability",
    "-c",
    "capabilities",
    multiple=True,
    metavar="ID",
    help="Only tools with this capability (repeat to require several).",
)
@click.option("--capabilities", "list_capabilities", is_flag=True, help="List the capabilities.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def catalog(
    capabilities: tuple[str, ...], list_capabilities: bool, as_json: bool, paths: tuple[Path, ...]
) -> None:
    """List the known tools (built-in and the project's own) or the capabilities.

    With PATHS, the project catalogue next to those specs is included.
    """
    import json

    from mlopsdiag.catalog import CATALOG_FILE_NAME, builtin_catalog
    from mlopsdiag.spec.suggest import did_you_mean
    from mlopsdiag.spec.validate import find_upwards, load_project_catalog

    cat = builtin_catalog()
    search = list(paths) or ([DEFAULT_SPECS] if DEFAULT_SPECS.is_dir() else [])
    for path in search:
        found = find_upwards(path if path.is_dir() else path.parent, CATALOG_FILE_NAME)
        if found is not None:
            cat, problems = load_project_catalog(found)
            for problem in problems:
                say(problem.format(), err=True)
            break
    for cap in capabilities:
        if cap not in cat.capabilities:
            raise click.BadParameter(
                f"unknown capability {cap!r}{did_you_mean(cap, cat.capabilities)}",
                param_hint="--capability",
            )
    if list_capabilities:
        caps = list(cat.capabilities.values())
        if as_json:
            click.echo(
                json.dumps(
                    [
                        {"id": c.id, "name": c.name, "stage": c.stage, "definition": c.definition}
                        for c in caps
                    ],
                    indent=2,
                )
            )
            return
        width = max(len(c.id) for c in caps)
        for c in caps:
            say(f"{c.id:<{width}}  {c.name}")
        return
    tools = [t for t in cat.tools.values() if set(capabilities) <= set(t.capabilities)]
    tools.sort(key=lambda t: t.id)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": t.id,
                        "name": t.name,
                        "capabilities": list(t.capabilities),
                        "offers": list(t.offers),
                        "homepage": t.homepage,
                        "description": t.description,
                        "builtin": t.builtin,
                        "former_names": list(t.former_names),
                        "license": t.license,
                        "status": t.status,
                        "renamed_to": t.renamed_to,
                        "status_note": t.status_note,
                        "checked": t.checked.isoformat() if t.checked else None,
                    }
                    for t in tools
                ],
                indent=2,
            )
        )
        return
    if not tools:
        say("no tool has all of: " + ", ".join(capabilities))
        return
    width = max(len(t.id) for t in tools)
    for t in tools:
        caps_text = ", ".join(t.capabilities) or "-"
        origin = "" if t.builtin else "  (project)"
        status = f"  (formerly {t.former_names[0]})" if t.status == "renamed" else ""
        status = status or (f"  ({t.status})" if t.status != "active" else "")
        say(f"{t.id:<{width}}  {t.name} [{caps_text}]{origin}{status}")


@main_group.command()
@click.argument("name")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_SPECS,
    show_default=True,
    help="Folder to write the new spec into.",
)
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Scaffold a whole knowledge repository in this folder instead: specs/NAME.yaml, "
    "mkdocs.yml, docs/, README.md and .gitignore.",
)
def init(name: str, folder: Path, site_dir: Path | None) -> None:
    """Write a new, commented spec NAME.yaml that validates as written.

    Also writes the JSON Schema to schema/ (for editor completion) if it is missing.
    With --site DIR, start a new knowledge repository around the spec.
    Never overwrites an existing file.
    """
    from mlopsdiag.scaffold import new_site, new_spec

    if site_dir is not None:
        for written in new_site(name, site_dir):
            say(f"wrote {written}")
        say(
            f"next: cd {site_dir} && mlopsdiag render && mkdocs build --strict, "
            "then open site/index.html (or run mlopsdiag serve)"
        )
        return
    for written in new_spec(name, folder, Path.cwd()):
        say(f"wrote {written}")


def _no_specs(paths: Sequence[Path]) -> None:
    """Say that `paths` hold no spec file and exit 1: CI must not pass on nothing."""
    searched = ", ".join(str(p) for p in paths)
    say(f"error: no spec file found in {searched} (spec files end in .yaml or .yml)", err=True)
    sys.exit(EXIT_INVALID)


def _check_address(address: str) -> None:
    """`IP:PORT` with a port MkDocs can bind, before any work (a bad one is bad usage)."""
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise click.BadParameter(
            f"{address!r} is not HOST:PORT with a port from 1 to 65535 (e.g. 127.0.0.1:8000)",
            param_hint="--dev-addr",
        )


@main_group.command()
@spec_paths
@click.option(
    "--config-file",
    "-f",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="The MkDocs configuration of the site.",
)
@click.option(
    "--dev-addr",
    "-a",
    default="127.0.0.1:8000",
    show_default=True,
    metavar="IP:PORT",
    help="Address to serve on; keep 127.0.0.1 unless others must reach it.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
def serve(paths: tuple[Path, ...], config_file: Path, dev_addr: str, open_browser: bool) -> None:
    """Render the specs (default specs/), serve the site and re-render when a spec changes.

    The browser reloads by itself after every change. Stop with Ctrl-C.
    """
    from mlopsdiag.site.build import serve_specs

    _check_address(dev_addr)
    serve_specs(
        resolve_paths(paths),
        config_file=config_file,
        dev_addr=dev_addr,
        open_browser=open_browser,
        echo=lambda line: say(line, err=True),
        cli=main_group,
    )


@main_group.command()
@spec_paths
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DIAGRAMS,
    show_default=True,
    help="Folder to write into, as <out>/<metadata.name>/<view-id>.<format>.",
)
@click.option(
    "--format",
    "formats",
    default=None,
    metavar="LIST",
    help="Comma-separated output formats: svg, png, pdf, dot. Default: render.formats of "
    "mlopsdiag-config.yaml, else svg (what the site shows); `--format svg,png` for slides.",
)
@click.option(
    "--dpi",
    type=click.IntRange(24, 1200),
    default=None,
    help="Resolution of PNG files. Default: render.dpi of mlopsdiag-config.yaml, else 96 "
    "(a screen's); 192 for sharp slides, 300 for print.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=None,
    metavar="SECONDS",
    help="Time one view may take, building its picture and laying it out with Graphviz; a "
    "view that takes longer is reported, "
    "drawn as its collapsed context picture where possible, and the run carries on. "
    "Default: render.timeout of mlopsdiag-config.yaml, else 60.",
)
@click.option(
    "--width",
    type=click.IntRange(240, 7680),
    default=None,
    metavar="PIXELS",
    help="How wide the pictures are shown: each is laid out so its text still reads when "
    "scaled down to this width. Default: render.width of mlopsdiag-config.yaml, else 768 "
    "(the site's content column in an 800 px window).",
)
@click.option("--force", is_flag=True, help="Redraw every spec, even those already up to date.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Specs drawn at once (default: one per CPU core).",
)
@click.option(
    "--site/--no-site",
    default=None,
    help="Also write the site's pages into the folder above --out (docs/). Default: on "
    "with the default --out; off with another --out, so that nothing lands outside it.",
)
def render(
    paths: tuple[Path, ...],
    out: Path,
    formats: str | None,
    dpi: int | None,
    timeout: float | None,
    width: int | None,
    force: bool,
    jobs: int | None,
    site: bool | None,
) -> None:
    """Draw every view of every spec (files or folders; default specs/) as diagrams.

    Besides the views, each spec gets its context picture (groups collapsed, actors
    shown: NAME/context.svg) and one picture per process, its numbered steps in order
    (NAME/process-ID.svg; in lanes when the steps name two or more actors, and then also
    written as NAME/process-ID-lanes.svg). Specs whose inputs did not change since the last run are
    skipped. An invalid spec is reported and writes nothing; the exit code is then 1. A
    spec whose diagrams cannot be drawn is reported too, without stopping the others. Then
    write the site's pages for the valid specs (templates/ here overrides the built-in
    templates) and delete the pages of specs that are gone; build the site with
    `mkdocs build`.
    """
    from mlopsdiag.render import render_specs
    from mlopsdiag.render.output import parse_formats
    from mlopsdiag.render.runner import render_settings

    if formats is not None:
        try:
            parse_formats([formats])
        except MlopsdiagError as exc:
            raise click.BadParameter(exc.message, param_hint="--format") from None
    spec_paths = resolve_paths(paths)
    from mlopsdiag.spec.discovery import find_specs

    found = find_specs(spec_paths)
    if not found.files:  # nothing to draw: say so, before any page is written
        for skipped in found.skipped:
            say(skipped.format(), err=True)
        _no_specs(spec_paths)
    settings = render_settings(spec_paths, formats, dpi, timeout, width)
    if site is None:
        site = out == DEFAULT_DIAGRAMS
    if site:  # a page that would replace a hand-written file stops the run before drawing
        from mlopsdiag.site.generate import check_clashes

        check_clashes(spec_paths, out.parent)
    report = render_specs(
        spec_paths,
        out,
        settings.formats,
        force=force,
        jobs=jobs,
        progress=sys.stderr.isatty(),
        dpi=settings.dpi,
        timeout=settings.timeout,
        width=settings.width,
        prune=site,
    )
    for diagnostic in report.diagnostics:
        say(diagnostic.format(), err=True)
    for problem in report.problems:
        say(problem.format(), err=True)
    say(report.summary())
    if settings.exports:
        from mlopsdiag.export import write_site_exports

        exported = write_site_exports(report.architectures, settings.exports, out)
        say(f"exports: {len(exported)} files ({', '.join(settings.exports)})")
    if site:
        from mlopsdiag.site import write_site_cached

        templates = Path("templates")
        pages = write_site_cached(
            report.spec_paths.values(),
            lambda: report.architectures,
            out.parent,
            templates=templates if templates.is_dir() else None,
            force=force,
            cli=main_group,
        )
        say(pages.summary(out.parent))
    sys.exit(EXIT_INVALID if report.failed() else EXIT_OK)


EXPORT_FORMATS = ("mermaid", "backstage", "structurizr", "d2")
"""The formats of `mlopsdiag export` (the keys of `mlopsdiag.export.FORMATS`)."""


@main_group.command()
@spec_paths
@click.option(
    "--to",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    required=True,
    help="mermaid: NAME.mermaid.md, the context and each process as Mermaid flowcharts; "
    "backstage: NAME.catalog-info.yaml entities, plus catalog-info.yaml listing them; "
    "structurizr: NAME.structurizr.json, a workspace; d2: NAME.d2, the context and each "
    "process as steps.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("exports"),
    show_default=True,
    help="Folder to write into (one file per spec).",
)
@click.option(
    "--site-url",
    default=None,
    metavar="URL",
    help="Where the mlopsdiag site is published (https://...), for the links of the Backstage "
    "entities. Default: the site's paths inside Backstage's TechDocs.",
)
def export(paths: tuple[Path, ...], fmt: str, out: Path, site_url: str | None) -> None:
    """Write every valid spec (files or folders; default specs/) in a format other tools read.

    The pictures are the ones `render` draws (the context with groups collapsed, each process
    with numbered steps), spelt for Mermaid (a pull request or README shows them inline), D2
    (its animated SVG plays a process step by step) and Structurizr (a workspace with a
    container view per view and a dynamic view per process); Backstage gets one System per
    spec with its Components and Resources. The same spec always gives the same bytes. An
    invalid spec is reported and exports nothing; the exit code is then 1.
    """
    from mlopsdiag.export import ExportOptions, export_specs

    if site_url is not None and not site_url.startswith(("https://", "http://")):
        raise click.BadParameter("must start with https:// or http://", param_hint="--site-url")
    report = export_specs(resolve_paths(paths), fmt, out, ExportOptions(site_url or ""))
    for diagnostic in report.diagnostics:
        say(diagnostic.format(), err=True)
    say(f"export: {report.specs} specs as {fmt}, {len(report.written)} files in {out}")
    sys.exit(EXIT_INVALID if report.failed() else EXIT_OK)


DIFF_FORMATS = ("text", "markdown", "json")
"""The formats of `mlopsdiag diff` (the keys of `mlopsdiag.diff.FORMATS`)."""


@main_group.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--base",
    metavar="REF",
    default=None,
    help="Compare PATHS (default specs/) in the working tree with the same paths at git "
    "revision REF (a branch, tag or commit), read with git.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(DIFF_FORMATS),
    default="text",
    show_default=True,
    help="Output format; markdown suits a pull request's job summary or comment.",
)
@click.option(
    "--exit-code",
    is_flag=True,
    help="Exit 1 when there are differences and 0 when there are none, like git diff "
    "--exit-code. Without it, exit 0 either way.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also draw the changes as <out>/<metadata.name>/diff.svg and diff.png.",
)
@click.option(
    "--reference-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="The 'today' of date-based lint rules on both sides (default: today).",
)
@click.option(
    "--diagram/--no-diagram",
    default=True,
    show_default=True,
    help="With --format markdown, draw each changed architecture's context (changes marked) "
    "and its changed processes as Mermaid, which pull requests show inline.",
)
def diff(
    paths: tuple[Path, ...],
    base: str | None,
    fmt: str,
    exit_code: bool,
    out: Path | None,
    reference_date: dt.datetime | None,
    diagram: bool,
) -> None:
    """Show what changed in the system between two versions of its specs.

    `mlopsdiag diff OLD NEW` compares two spec files or folders (architectures are matched
    by metadata.name); `mlopsdiag diff --base REF [PATH ...]` compares the working tree with
    git revision REF, as CI does on a pull request (--base origin/main). Reports components,
    groups, actors, processes, views, flows, metadata and runbook entries added, removed,
    renamed and changed, the inferred maturity level, capabilities gained and lost, and lint
    findings new and resolved. Values that look like credentials show as (redacted). The
    markdown format also draws each changed architecture's context, changes marked, and its
    changed processes as Mermaid (--no-diagram: without).

    Exit 0 (with --exit-code: 0 no differences, 1 differences), 1 when a spec on either side
    is invalid (reported as validate does), 2 on bad usage: wrong arguments, not a git
    repository or an unknown REF.
    """
    from contextlib import ExitStack

    from mlopsdiag.diff import diff_paths, render_diff
    from mlopsdiag.diff.gitbase import GitError, base_tree

    when = reference_date.date() if reference_date else None
    with ExitStack() as stack:
        if base is None:
            if len(paths) != 2:
                raise click.UsageError(
                    "give two spec files or folders (OLD NEW), or --base REF [PATH ...]"
                )
            run = diff_paths(
                [paths[0]],
                [paths[1]],
                old_label=paths[0].as_posix(),
                new_label=paths[1].as_posix(),
                reference_date=when,
            )
        else:
            new_paths = resolve_paths(paths)
            try:
                tree = stack.enter_context(base_tree(base, new_paths))
            except GitError as exc:
                raise click.UsageError(exc.message) from None
            shown = " ".join(p.as_posix() for p in new_paths)
            run = diff_paths(
                list(tree.paths),
                new_paths,
                old_label=tree.description,
                new_label=f"the working tree ({shown})",
                reference_date=when,
                old_relabel=tree.label,
            )
        for problem in run.problems:
            say(problem.format(), err=True)
        if run.result is None:
            say("diff: invalid specs (above); nothing compared", err=True)
            sys.exit(EXIT_INVALID)
        if diagram and fmt == "markdown":
            from mlopsdiag.export.diffpicture import mermaid_section

            shown = render_diff(fmt, run.result, mermaid_section)
        else:
            shown = render_diff(fmt, run.result)
        click.echo(shown if fmt == "json" else visible(shown, lines=True), nl=False)
        if out is not None:
            from mlopsdiag.render.diff import render_diffs
            from mlopsdiag.render.runner import render_settings

            # Laid out for render.width of mlopsdiag-config.yaml, like the site's pictures.
            width = render_settings([paths[1]] if base is None else new_paths).width
            drawn = render_diffs(run.result, out, width=width)
            say(f"diff diagrams: {len(drawn)} files in {out}", err=True)
    sys.exit(EXIT_INVALID if exit_code and run.result.has_differences else EXIT_OK)


@main_group.command()
@spec_paths
@click.option(
    "--against",
    "against",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    metavar="PATH",
    help="A manifest file or folder (walked recursively) to compare with: Kubernetes "
    "objects (kubectl get -o yaml, kind: List, JSON), KServe and Seldon objects, compiled "
    "Kubeflow pipelines, Prometheus rules, Compose files, saved MLflow registry answers. "
    "Repeat for several.",
)
@click.option(
    "--mlflow",
    "mlflow_url",
    metavar="URL",
    default=None,
    help="Also read the model registry of the MLflow tracking server at URL over its REST "
    "API; a token comes from MLFLOW_TRACKING_TOKEN (or MLFLOW_TRACKING_USERNAME and "
    "MLFLOW_TRACKING_PASSWORD), never from the spec.",
)
@report_options
@click.option(
    "--exit-code",
    is_flag=True,
    help="Exit 1 when there is drift (a finding of severity error or warning) and 0 when "
    "the specs are in sync. Without it, drift alone exits 0.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Settings file (drift.severity) instead of the mlopsdiag-config.yaml found next to "
    "or above the first spec path.",
)
@click.option(
    "--suggest-runbook-urls",
    "runbook_base",
    metavar="BASE_URL",
    default=None,
    help="Print the runbook_url annotation that each alerting rule without one should get: "
    "the site's runbook page of the procedure that lists the alert (BASE_URL is where the "
    "site is published).",
)
def drift(
    paths: tuple[Path, ...],
    against: tuple[Path, ...],
    mlflow_url: str | None,
    fmt: str | None,
    output_file: Path | None,
    exit_code: bool,
    config_file: Path | None,
    runbook_base: str | None,
) -> None:
    """Compare specs (default specs/) with what is deployed.

    Reads what --against and --mlflow give and reports, each at the spec's element or at
    the manifest's object: deployed-missing, deployed-kind-mismatch, undeclared-deployment,
    alert-missing, alert-without-runbook and served-version-not-alias (`mlopsdiag explain
    CODE` documents each; drift.severity in mlopsdiag-config.yaml changes their severity).

    Exit codes:

    \b
    - 0: in sync (or drift without --exit-code)
    - 1: drift (with --exit-code), or a spec or manifest object that cannot be read
    - 2: bad usage: no --against nor --mlflow, a path that does not exist
    """
    from mlopsdiag.deployed.run import drift_paths
    from mlopsdiag.report import render_report

    if not against and not mlflow_url:
        raise click.UsageError("give --against PATH (manifests) or --mlflow URL, or both")
    if runbook_base is not None and not runbook_base.startswith(("http://", "https://")):
        raise click.BadParameter("must be an http:// or https:// URL", param_hint="BASE_URL")
    run = drift_paths(
        resolve_paths(paths),
        list(against),
        mlflow_url=mlflow_url,
        config_file=config_file,
        runbook_base=runbook_base or "",
    )
    terminal = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    chosen = fmt or terminal
    diagnostics = run.diagnostics
    files = run.spec_files + run.reading.files
    summary = _drift_summary(run)
    if chosen == "text" or output_file is not None:
        say("".join(d.format() + "\n" for d in diagnostics), nl=False)
    if chosen != "text":
        report = render_report(chosen, diagnostics, files, title="mlopsdiag drift")
        if output_file is None:
            click.echo(report, nl=False)
        else:
            from mlopsdiag.writer import write_atomic, write_error

            try:
                write_atomic(output_file, report.encode("utf-8"))
            except OSError as exc:
                raise write_error(output_file, exc) from None
    if chosen == "text" or output_file is not None:
        say(summary)
    if runbook_base is not None:
        for rule, url in run.suggestions():
            say(
                f"{rule.file}:{rule.line}:{rule.col}: alert {rule.name}: add the annotation "
                f"runbook_url: {url}",
                err=chosen != "text",
            )
    if not run.spec_files:
        say("error: no spec file found", err=True)
        sys.exit(EXIT_INVALID)
    sys.exit(EXIT_INVALID if run.invalid or (exit_code and run.drifted) else EXIT_OK)


def _drift_summary(run: DriftRun) -> str:
    findings = run.result.findings
    specs = len(run.architectures)
    read = (
        f"{len(run.reading.records)} object{'s' if len(run.reading.records) != 1 else ''} "
        f"read from {run.reading.files} file{'s' if run.reading.files != 1 else ''}"
    )
    verdict = (
        "in sync"
        if not findings
        else f"{len(findings)} finding{'s' if len(findings) != 1 else ''} of drift"
    )
    if run.spec_problems:
        return f"drift: invalid specs (above); nothing compared with the {read}"
    bad = "" if not run.invalid else "; some manifests cannot be read (above)"
    return f"drift: {specs} spec{'s' if specs != 1 else ''} against {read}: {verdict}{bad}"


@main_group.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--name",
    required=True,
    help="metadata.name of the new spec (a slug: lowercase letters, digits and '-').",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the spec to this file (never overwrites one) instead of printing it.",
)
def import_(paths: tuple[Path, ...], name: str, out: Path | None) -> None:
    """Write a first spec from what is deployed: manifests, rules, Compose files, registry.

    Reads PATHS as `mlopsdiag drift --against` does and writes one commented spec that
    validates: serving objects, compiled pipelines (a group, its tasks and a process in
    their order), workloads, registered models, alert rules and Compose services, each
    bound with `deployed`. Owners and the runbook are left as commented prompts.
    """
    import re

    from mlopsdiag.deployed.importer import import_paths
    from mlopsdiag.spec.schema import SLUG_PATTERN

    if not re.fullmatch(SLUG_PATTERN.strip("^$"), name):
        raise click.BadParameter(
            "must be a slug: lowercase letters, digits and '-', at most 63 characters",
            param_hint="--name",
        )
    if out is not None and out.exists():
        raise click.BadParameter(f"{out} exists; mlopsdiag never overwrites it", param_hint="--out")
    text, reading = import_paths(list(paths), name)
    for problem in reading.problems:
        say(problem.format(), err=True)
    if out is None:
        click.echo(text, nl=False)
    else:
        from mlopsdiag.writer import write_atomic

        write_atomic(out, text.encode("utf-8"))
        say(
            f"wrote {out} ({len(reading.records)} objects read from {reading.files} files)",
            err=True,
        )
    if any(p.severity.value == "error" for p in reading.problems):
        sys.exit(EXIT_INVALID)


@main_group.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script for bash, zsh or fish.

    Enable it in the current shell with `eval "$(mlopsdiag completion bash)"`, or add
    that line to your shell's start-up file.
    """
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    if cls is None:  # pragma: no cover - click knows all three
        raise click.UsageError(f"no completion for {shell}")
    comp = cls(main_group, {}, "mlopsdiag", "_MLOPSDIAG_COMPLETE")
    click.echo(comp.source())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the CLI and map every outcome to an exit code.

    SIGTERM (a CI runner cancelling, `kill`) unwinds like Ctrl-C while it runs, so that child
    processes are stopped and temporary folders removed instead of left behind.
    """
    import signal
    import threading

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        return _main(argv)
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return _main(argv)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _main(argv: Sequence[str] | None) -> int:
    from mlopsdiag.writer import OutputError

    args = list(sys.argv[1:] if argv is None else argv)
    show_traceback = "--traceback" in args
    try:
        main_group.main(args=args, prog_name="mlopsdiag", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE if exc.exit_code == 2 else int(exc.exit_code)
    except click.exceptions.Abort:  # click turns Ctrl-C into Abort
        say("Interrupted.", err=True)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        say("Interrupted.", err=True)
        return EXIT_INTERRUPTED
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except OutputError as exc:
        say(f"error: {exc.message}", err=True)
        return EXIT_WRITE
    except MlopsdiagError as exc:
        for diag in exc.diagnostics:
            say(diag.format(), err=True)
        if not exc.diagnostics:
            say(f"error: {exc.message}", err=True)
        return EXIT_INVALID
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # the machine's fault, not ours: a full disk, a read-only folder
        where = f" {exc.filename}" if exc.filename else ""
        say(f"error: cannot access{where}: {exc.strerror or exc}", err=True)
        return EXIT_WRITE
    except Exception as exc:  # the last line of defence: report, never crash
        if show_traceback:
            traceback.print_exc()
        else:
            say(
                f"internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in mlopsdiag; please report it with the output of "
                "`mlopsdiag --traceback ...`.",
                err=True,
            )
        return EXIT_INTERNAL
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
