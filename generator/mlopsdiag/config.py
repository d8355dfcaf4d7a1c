"""Project settings: `mlopsdiag-config.yaml` next to (or above) the specs.

The one home of the file's schema, its loading and every section (lint, matrix, render,
drift): lint, render, drift, export and the site all read their settings from here. It sits
below all of them, so it takes the rule ids from the rules' data file, not from the linter.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from mlopsdiag.catalog import builtin_catalog, read_data_yaml
from mlopsdiag.deployed.codes import CODES
from mlopsdiag.errors import Diagnostic, MlopsdiagError, Severity
from mlopsdiag.spec.checker import SchemaChecker
from mlopsdiag.spec.loader import Document, load_file
from mlopsdiag.spec.schema import API_VERSION, DATE_PATTERN, SEVERITIES
from mlopsdiag.spec.secrets import Hidden, check_secrets, drop_echoes
from mlopsdiag.spec.suggest import did_you_mean
from mlopsdiag.spec.validate import CONFIG_FILE_NAME, display_path, find_upwards
from mlopsdiag.templates_dir import package_data_dir

CONFIG_KIND = "Config"
RENDER_FORMATS = ("svg", "png", "pdf", "dot")
"""The formats `render.formats` may list (the renderer's own table; a test keeps them equal)."""
RENDER_EXPORTS = ("mermaid", "backstage", "structurizr", "d2")
"""The exports `render.exports` may list (`mlopsdiag.export.FORMATS`; a test keeps them equal)."""
MIN_WIDTH = 240
MAX_WIDTH = 7680
"""The widths (px) `render.width` and `render --width` accept: a phone to the largest
picture drawn."""


@cache
def rule_ids() -> tuple[str, ...]:
    """Every lint rule id in documentation order, read from the data file the linter's
    rules come from (a test keeps the two equal)."""
    data = read_data_yaml(package_data_dir("mlopsdiag.lint") / "rules.yaml")
    return tuple(str(raw["id"]) for raw in data["rules"])


@dataclass(frozen=True)
class RenderConfig:
    """How `mlopsdiag render` draws, where its options do not say: None keeps the default."""

    formats: tuple[str, ...] | None = None
    dpi: int | None = None
    timeout: float | None = None
    exports: tuple[str, ...] = ()
    """Export formats `render` also writes next to each spec's pictures (for the site)."""
    width: int | None = None


@dataclass(frozen=True)
class LintConfig:
    """How findings are reported: severity overrides, disabled rules, strictness, reference date."""

    severity: Mapping[str, Severity] = field(default_factory=lambda: MappingProxyType({}))
    """Rule id -> severity that replaces the rule's default."""
    disabled: frozenset[str] = frozenset()
    strict: bool = False
    """Warnings and infos fail the run too."""
    reference_date: dt.date | None = None
    """The 'today' of date-based rules (runbook-stale); None means the real today."""
    source: str = ""
    """The configuration file, as shown in diagnostics (empty for the defaults)."""
    not_applicable: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Capability id -> why the specs below this file do not need it (the matrix's blank cells)."""
    render: RenderConfig = RenderConfig()
    """The `render` section (it sits beside `lint` in the same file)."""
    drift_severity: Mapping[str, Severity | None] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """The `drift` section: drift code -> severity replacing its default (None: off)."""
    drift_manifests: tuple[Path, ...] = ()
    """`drift.manifests`: what `render` checks each spec's `deployed` bindings against
    (paths relative to the configuration file)."""

    def replace(
        self, *, strict: bool | None = None, reference_date: dt.date | None = None
    ) -> LintConfig:
        """A copy with the given settings overridden (None keeps the current value)."""
        return dataclasses.replace(
            self,
            strict=self.strict if strict is None else strict,
            reference_date=reference_date or self.reference_date,
        )


def config_schema() -> dict[str, Any]:
    """JSON Schema of `mlopsdiag-config.yaml`."""
    levels = {"type": "string", "enum": list(SEVERITIES)}
    lint = {
        "type": "object",
        "description": "Lint settings for every spec below this file.",
        "properties": {
            "severity": {
                "type": "object",
                "description": "Rule id -> error, warning, info or off (see `mlopsdiag explain`).",
                "propertyNames": {"enum": list(rule_ids())},
                "additionalProperties": levels,
            },
            "strict": {
                "type": "boolean",
                "description": "Fail `mlopsdiag validate` on warnings and infos too.",
            },
            "reference_date": {
                "type": "string",
                "pattern": DATE_PATTERN,
                "format": "date",
                "x-message": "must be a date written YYYY-MM-DD",
                "description": "The date date-based rules compare with (default: today).",
            },
        },
        "additionalProperties": False,
    }
    render = {
        "type": "object",
        "description": "Defaults of `mlopsdiag render` (its options override them).",
        "properties": {
            "formats": {
                "type": "array",
                "items": {"type": "string", "enum": list(RENDER_FORMATS)},
                "minItems": 1,
                "description": "Formats to draw (default: svg, the one the site shows). "
                "Add png for slides, pdf for print.",
            },
            "dpi": {
                "type": "integer",
                "minimum": 24,
                "maximum": 1200,
                "description": "Resolution of PNG files (default: 96, a screen's).",
            },
            "timeout": {
                "type": "number",
                "minimum": 1,
                "description": "Seconds one view may take, drawing and layout (default: 60).",
            },
            "exports": {
                "type": "array",
                "items": {"type": "string", "enum": list(RENDER_EXPORTS)},
                "uniqueItems": True,
                "description": "Exports to write next to each spec's pictures, offered for "
                "download on its page (see `mlopsdiag export`; default: none).",
            },
            "width": {
                "type": "integer",
                "minimum": MIN_WIDTH,
                "maximum": MAX_WIDTH,
                "description": "Pixels wide the pictures are drawn for (default: 768, the "
                "site's content column in an 800 px window): each is laid out so its text "
                "still reads when shown at most this wide.",
            },
        },
        "additionalProperties": False,
    }
    drift = {
        "type": "object",
        "description": "Settings of `mlopsdiag drift` for the specs below this file.",
        "properties": {
            "severity": {
                "type": "object",
                "description": "Drift code -> error, warning, info or off (see `mlopsdiag "
                "explain CODE`); errors and warnings count as drift for --exit-code.",
                "propertyNames": {"enum": list(CODES)},
                "additionalProperties": levels,
            },
            "manifests": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "minItems": 1,
                "description": "Manifest files or folders (relative to this file) that "
                "`mlopsdiag render` checks the specs' `deployed` bindings against: the "
                "architecture page marks each bound element matched, missing or mismatched, "
                "with the date of the check.",
            },
        },
        "additionalProperties": False,
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"mlopsdiag project configuration ({CONFIG_FILE_NAME})",
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string", "enum": [API_VERSION]},
            "kind": {"type": "string", "enum": [CONFIG_KIND]},
            "lint": lint,
            "matrix": _matrix_schema(),
            "render": render,
            "drift": drift,
        },
        "required": ["apiVersion", "kind"],
        "additionalProperties": False,
    }


def _matrix_schema() -> dict[str, Any]:
    capability_ids = sorted(builtin_catalog().capabilities)
    entry = {
        "type": "object",
        "description": "A capability the specs below this file do not need, and why.",
        "properties": {
            "capability": {
                "type": "string",
                "enum": capability_ids,
                "description": "Capability id from the taxonomy.",
            },
            "reason": {
                "type": "string",
                "minLength": 1,
                "pattern": r"^[^\r\n]+$",
                "x-message": "must be a single line of text",
                "description": "Why it does not apply; shown in the matrix cell's tooltip.",
            },
        },
        "required": ["capability", "reason"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "description": "How the capability matrix reads the specs below this file.",
        "properties": {
            "not_applicable": {
                "type": "array",
                "items": entry,
                "description": "Capabilities shown as 'not applicable' instead of 'missing' for "
                "every spec below this file (a system without one is not lacking it).",
            },
        },
        "additionalProperties": False,
    }


def find_config(spec: Path) -> Path | None:
    """The configuration file that applies to a spec file or folder, if any."""
    return find_upwards(spec if spec.is_dir() else spec.parent, CONFIG_FILE_NAME)


class ConfigLookup:
    """The settings of each spec, reading every configuration file once per run."""

    def __init__(self, config_file: Path | None = None) -> None:
        self._loaded: dict[Path | None, tuple[LintConfig, list[Diagnostic]]] = {}
        self._config_file = config_file
        """A file given explicitly (`validate --config`): it applies to every spec."""
        self._folders: dict[Path, Path | None] = {}
        """Spec folder -> the configuration file found for it (specs share folders)."""

    def for_spec(self, spec: Path) -> tuple[LintConfig, list[Diagnostic]]:
        """A spec's settings; a configuration file's problems come only the first time."""
        found = self._config_file
        if found is None:
            folder = spec.parent
            if folder not in self._folders:
                self._folders[folder] = find_config(spec)
            found = self._folders[folder]
        if found in self._loaded:
            return self._loaded[found][0], []
        self._loaded[found] = load_config(found) if found is not None else (LintConfig(), [])
        return self._loaded[found]


def load_config(path: Path) -> tuple[LintConfig, list[Diagnostic]]:
    """Read a configuration file; problems come back as positioned diagnostics."""
    shown = display_path(path)
    try:
        doc = load_file(path, shown)
    except MlopsdiagError as exc:
        return LintConfig(source=shown), list(exc.diagnostics)
    for section in ("lint", "drift"):
        raw = doc.data.get(section)
        levels = raw.get("severity") if isinstance(raw, dict) else None
        if isinstance(levels, dict):
            for key, value in levels.items():
                if value is False:  # YAML 1.1 reads a bare `off` as false
                    levels[key] = "off"
    out: list[Diagnostic] = []
    # Scanned like a spec: a reason is published in the matrix, and a key is quoted back.
    hidden = check_secrets(doc, out)
    secrets = len(out)
    checker = SchemaChecker(doc, out)
    checker.check(config_schema(), doc.data, ())
    config = dataclasses.replace(
        _build(doc, checker, shown, hidden),
        render=_render_config(doc.data.get("render")),
        drift_severity=_drift_severity(doc, checker),
        drift_manifests=_drift_manifests(doc, checker, path),
    )
    return config, sorted(drop_echoes(out, secrets, hidden), key=Diagnostic.sort_key)


def _render_config(raw: object) -> RenderConfig:
    """The `render` section; a value of the wrong shape (reported by the schema) is ignored."""
    if not isinstance(raw, dict):
        return RenderConfig()
    formats = raw.get("formats")
    dpi = raw.get("dpi")
    timeout = raw.get("timeout")
    exports = raw.get("exports")
    width = raw.get("width")
    return RenderConfig(
        exports=tuple(dict.fromkeys(e for e in exports if e in RENDER_EXPORTS))
        if isinstance(exports, list)
        else (),
        formats=tuple(formats)
        if isinstance(formats, list)
        and formats
        and all(isinstance(f, str) and f in RENDER_FORMATS for f in formats)
        else None,
        dpi=dpi
        if isinstance(dpi, int) and not isinstance(dpi, bool) and 24 <= dpi <= 1200
        else None,
        timeout=float(timeout)
        if isinstance(timeout, int | float) and not isinstance(timeout, bool) and timeout >= 1
        else None,
        width=width
        if isinstance(width, int)
        and not isinstance(width, bool)
        and MIN_WIDTH <= width <= MAX_WIDTH
        else None,
    )


def _drift_manifests(doc: Document, checker: SchemaChecker, path: Path) -> tuple[Path, ...]:
    """`drift.manifests`, relative to the configuration file; a path that is not there is
    reported at its entry."""
    raw = doc.data.get("drift")
    entries = raw.get("manifests") if isinstance(raw, dict) else None
    found: list[Path] = []
    for i, entry in enumerate(entries if isinstance(entries, list) else ()):
        if not isinstance(entry, str) or not entry:
            continue
        target = path.parent / entry
        if not target.exists():
            checker.error(
                ("drift", "manifests", i), f"{entry!r} does not exist (next to {path.name})"
            )
            continue
        found.append(target)
    return tuple(found)


def _drift_severity(doc: Document, checker: SchemaChecker) -> Mapping[str, Severity | None]:
    """The `drift.severity` map; an unknown code is reported with did-you-mean."""
    raw = doc.data.get("drift")
    levels = raw.get("severity") if isinstance(raw, dict) else None
    found: dict[str, Severity | None] = {}
    for key, value in levels.items() if isinstance(levels, dict) else ():
        if key not in CODES:
            checker.error(
                ("drift", "severity", key),
                f"unknown drift code {key!r}{did_you_mean(key, CODES)}; "
                "`mlopsdiag explain` lists them",
                key=True,
            )
        elif value == "off":
            found[key] = None
        elif value in SEVERITIES:
            found[key] = Severity(value)
    return MappingProxyType(found)


def _not_applicable(data: Any, hidden: Hidden) -> Mapping[str, str]:
    matrix = data.get("matrix") if isinstance(data, dict) else None
    entries = matrix.get("not_applicable") if isinstance(matrix, dict) else None
    found: dict[str, str] = {}
    for i, entry in enumerate(entries if isinstance(entries, list) else ()):
        if isinstance(entry, dict):
            cap, reason = entry.get("capability"), entry.get("reason")
            if f"matrix.not_applicable[{i}].reason" in hidden:
                continue  # an error already; never published
            if isinstance(cap, str) and isinstance(reason, str):
                found[cap] = reason
    return MappingProxyType(found)


def _build(doc: Document, checker: SchemaChecker, shown: str, hidden: Hidden) -> LintConfig:
    built = _build_lint(doc, checker, shown)
    return dataclasses.replace(built, not_applicable=_not_applicable(doc.data, hidden))


def _build_lint(doc: Document, checker: SchemaChecker, shown: str) -> LintConfig:
    lint_raw = doc.data.get("lint")
    if not isinstance(lint_raw, dict):
        return LintConfig(source=shown)
    severity: dict[str, Severity] = {}
    disabled: set[str] = set()
    levels = lint_raw.get("severity")
    rules = rule_ids()
    for key, value in levels.items() if isinstance(levels, dict) else ():
        if key not in rules:
            checker.error(
                ("lint", "severity", key),
                f"unknown rule {key!r}{did_you_mean(key, rules)}; `mlopsdiag explain` lists them",
                key=True,
            )
        elif value == "off":
            disabled.add(key)
        elif value in SEVERITIES:
            severity[key] = Severity(value)
    strict = lint_raw.get("strict")
    date_text = lint_raw.get("reference_date")
    reference_date = None
    if isinstance(date_text, str):
        try:
            reference_date = dt.date.fromisoformat(date_text)
        except ValueError:
            reference_date = None  # reported by the schema check
    return LintConfig(
        severity=MappingProxyType(severity),
        disabled=frozenset(disabled),
        strict=strict if isinstance(strict, bool) else False,
        reference_date=reference_date,
        source=shown,
    )
