"""SARIF 2.1.0, the format GitHub code scanning (and other security dashboards) read."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from mlopsdiag import __version__
from mlopsdiag.errors import Diagnostic, Severity
from mlopsdiag.reports.rules_info import DOCS_URL, fingerprints, rule_id, rule_infos

SCHEMA_URL = "https://json.schemastore.org/sarif-2.1.0.json"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(path: str) -> dict[str, str]:
    """An artifactLocation: relative paths against the checkout root, others as file URIs."""
    pure = PurePath(path)
    if pure.is_absolute():
        return {"uri": "file://" + quote(pure.as_posix())}
    return {"uri": quote(pure.as_posix()), "uriBaseId": "%SRCROOT%"}


def _region(d: Diagnostic) -> dict[str, int]:
    region = {"startLine": d.line, "startColumn": d.col}
    if d.end_line:
        region["endLine"] = d.end_line
        region["endColumn"] = d.end_col
    return region


def render_sarif(diagnostics: Sequence[Diagnostic], summary: dict[str, Any]) -> str:
    """One run of the tool `mlopsdiag`: every rule, and one result per diagnostic."""
    infos = rule_infos()
    index = {info.id: i for i, info in enumerate(infos)}
    rules = [
        {
            "id": info.id,
            "name": "".join(part.capitalize() for part in info.id.split("-")),
            "shortDescription": {"text": info.title},
            "fullDescription": {"text": info.description},
            "help": {"text": info.help, "markdown": info.help},
            "helpUri": info.url,
            "defaultConfiguration": {"level": _LEVEL[info.severity]},
            "properties": {"tags": ["mlops", "architecture"]},
        }
        for info in infos
    ]
    results = []
    for d, fingerprint in zip(diagnostics, fingerprints(list(diagnostics)), strict=True):
        rid = rule_id(d)
        where = f"{d.field}: " if d.field else ""
        results.append(
            {
                "ruleId": rid,
                "ruleIndex": index[rid],
                "level": _LEVEL[d.severity],
                "message": {"text": where + d.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": _uri(d.path),
                            "region": _region(d),
                        }
                    }
                ],
                "partialFingerprints": {"mlopsdiag/v1": fingerprint},
            }
        )
    log = {
        "$schema": SCHEMA_URL,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mlopsdiag",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": DOCS_URL,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": {
                    "%SRCROOT%": {"description": {"text": "The folder mlopsdiag ran in."}}
                },
                "results": results,
                "invocations": [{"executionSuccessful": True}],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
