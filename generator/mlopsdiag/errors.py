"""Diagnostics and the one exception type for user-facing failures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

_HIDDEN = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f"
)
_INVISIBLE_IN_LINES = re.compile(f"[{_HIDDEN}]")
_INVISIBLE = re.compile(f"[{_HIDDEN}\t\n]")
_COMMAND_START = re.compile(r"^(\s*)(::|##\[)", re.MULTILINE)


_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def visible(text: str, *, lines: bool = False) -> str:
    """`text` for a terminal or a CI log: control characters (ANSI and OSC escapes), bidi
    overrides and other invisible characters written as escapes (`\\x1b`, `\\u202e`), so the
    reader sees them instead of the terminal obeying them, and no line starts a GitHub
    workflow command (`::error`, `::add-mask::`: a backslash goes first). `lines` keeps line
    breaks and tabs (several lines of output); otherwise the result is one line."""
    if text.isascii() and text.isprintable() and "::" not in text and "##[" not in text:
        return text
    shown = (_INVISIBLE_IN_LINES if lines else _INVISIBLE).sub(_escape, text)
    return _COMMAND_START.sub(r"\1\\\2", shown)


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
        """Render as `path:line:col: severity: field: message`, on one line whatever the
        path, field and message hold (see `visible`)."""
        where = f"{self.field}: " if self.field else ""
        code = f" [{self.code}]" if self.code else ""
        return visible(
            f"{self.path}:{self.line}:{self.col}: {self.severity.value}: {where}{self.message}{code}"
        )


class MlopsdiagError(Exception):
    """A failure caused by the user's input or environment, reported without a traceback."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics: list[Diagnostic] = diagnostics or []
