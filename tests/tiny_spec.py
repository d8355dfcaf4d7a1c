"""The smallest spec the CLI and CI tests check: a trainer logging to a tracker."""

from __future__ import annotations


def tiny_spec(name: str = "tiny", *, notes: bool = False, tracker: str = "mlflow") -> str:
    """The spec's text. `notes` adds a notebook component with no flow (an orphan, on the
    lines after the tracker, so line numbers above it do not move); a misspelt `tracker`
    makes an unknown-tool error on line 10."""
    notebook = "  - id: notes\n    tool: jupyter\n" if notes else ""
    return (
        "apiVersion: mlopsdiag/v1\n"
        "kind: Architecture\n"
        "metadata:\n"
        f"  name: {name}\n"
        "  title: Tiny\n"
        "components:\n"
        "  - id: train\n"
        "    tool: scikit-learn\n"
        "  - id: track\n"
        f"    tool: {tracker}\n"
        f"{notebook}"
        "flows:\n"
        "  - from: train\n"
        "    to: track\n"
        "    kind: metrics\n"
    )
