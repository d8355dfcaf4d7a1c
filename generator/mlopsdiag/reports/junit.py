"""JUnit XML, read by GitLab's test reports, Jenkins, Azure Pipelines and most CI servers.

One test suite per checked file; one failing test case per diagnostic, or one passing case
when the file has none.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from mlopsdiag.errors import Diagnostic
from mlopsdiag.reports.rules_info import rule_id

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    """Text XML 1.0 can hold: characters it forbids become U+FFFD."""
    return _NOT_XML.sub("\ufffd", value)


def render_junit(diagnostics: Sequence[Diagnostic], summary: dict[str, Any]) -> str:
    """The report as a <testsuites> document."""
    by_file: dict[str, list[Diagnostic]] = {}
    for spec in summary.get("specs", []):
        by_file.setdefault(spec["path"], [])
    for d in diagnostics:
        by_file.setdefault(d.path, []).append(d)
    root = ET.Element(
        "testsuites",
        name="mlopsdiag validate",
        tests=str(sum(max(1, len(ds)) for ds in by_file.values())),
        failures=str(len(diagnostics)),
        errors="0",
    )
    for path, found in by_file.items():
        suite = ET.SubElement(
            root,
            "testsuite",
            name=_text(path),
            tests=str(max(1, len(found))),
            failures=str(len(found)),
            errors="0",
            skipped="0",
        )
        if not found:
            ET.SubElement(suite, "testcase", classname=_text(path), name="valid")
            continue
        for d in found:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=_text(path),
                name=_text(f"{rule_id(d)} at {d.line}:{d.col}"),
                file=_text(path),
                line=str(d.line),
            )
            where = f"{d.field}: " if d.field else ""
            failure = ET.SubElement(
                case, "failure", message=_text(where + d.message), type=d.severity.value
            )
            failure.text = _text(d.format())
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
