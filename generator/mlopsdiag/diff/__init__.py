"""`mlopsdiag diff`: what changed in the system between two versions of its specs.

`diff_paths` validates, lints and compares two spec sets; `diff_models` compares models;
`FORMATS` renders the result as text, Markdown or JSON.
"""

from __future__ import annotations

from mlopsdiag.diff.model import ArchitectureDiff, Change, DiffResult, FieldChange, Finding
from mlopsdiag.diff.report import FORMATS, render_diff
from mlopsdiag.diff.run import DiffRun, diff_models, diff_paths

__all__ = [
    "FORMATS",
    "ArchitectureDiff",
    "Change",
    "DiffResult",
    "DiffRun",
    "FieldChange",
    "Finding",
    "diff_models",
    "diff_paths",
    "render_diff",
]
