"""Diagnostics and the one exception type for user-facing failures."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    """How serious a diagnostic is; only errors fail a run unless strict."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, order=False)
class Diagnostic:
    """One problem found in one file, pointing at the offending value."""

    path: str
    line: int
    col: int
    message: str
    field: str = ""
    severity: Severity = Severity.ERROR
    code: str = ""
    end_line: int = 0
    """Line of the end of the offending value (0: not known)."""
    end_col: int = 0
    """Column just after the offending value, on `end_line` (0: not known)."""

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        """Order by file, then position, then severity."""
        return (
            self.path,
            self.line,
            self.col,
            _SEVERITY_ORDER[self.severity],
            self.field,
            self.message,
        )

    def format(self) -> str:
        """Render as `path:line:col: severity: field: message`."""
        where = f"{self.field}: " if self.field else ""
        code = f" [{self.code}]" if self.code else ""
        return f"{self.path}:{self.line}:{self.col}: {self.severity.value}: {where}{self.message}{code}"


class MlopsdiagError(Exception):
    """A failure caused by the user's input or environment, reported without a traceback."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics: list[Diagnostic] = diagnostics or []
