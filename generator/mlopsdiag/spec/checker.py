"""Check a loaded document against the spec schema (the subset of JSON Schema it uses),
with messages that point at the value and suggest what was meant."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from mlopsdiag.errors import Diagnostic
from mlopsdiag.spec.loader import Document, PathKey, format_path
from mlopsdiag.spec.schema import SUPPORTED_API_VERSIONS
from mlopsdiag.spec.suggest import did_you_mean

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
}


class SchemaChecker:
    """Interprets the subset of JSON Schema the spec schema uses, with friendly messages."""

    def __init__(self, doc: Document, out: list[Diagnostic]) -> None:
        self.doc = doc
        self.out = out

    def error(self, at: PathKey, message: str, *, key: bool = False) -> None:
        line, col = self.doc.key_pos(at) if key else self.doc.pos(at)
        self.out.append(Diagnostic(self.doc.path, line, col, message, format_path(at)))

    def check(self, schema: Mapping[str, Any], value: Any, at: PathKey) -> None:
        if "anyOf" in schema:
            self.check_any_of(schema["anyOf"], value, at)
            return
        expected = schema.get("type")
        if expected is not None and not _has_type(value, expected):
            self.error(at, f"expected {_TYPE_NAMES[expected]}, got {_describe(value)}")
            return
        if "enum" in schema and value not in schema["enum"]:
            self.error(at, _enum_message(value, schema["enum"], at))
            return
        if isinstance(value, str):
            self.check_string(schema, value, at)
        elif isinstance(value, list):
            if len(value) < schema.get("minItems", 0):
                need = schema["minItems"]
                self.error(at, f"needs at least {need} item{'s' if need > 1 else ''}")
            items = schema.get("items")
            if items is not None:
                for i, item in enumerate(value):
                    self.check(items, item, (*at, i))
        elif isinstance(value, dict):
            self.check_object(schema, value, at)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            self.check_number(schema, value, at)

    def check_number(self, schema: Mapping[str, Any], value: float, at: PathKey) -> None:
        low, high = schema.get("minimum"), schema.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = (
                f"between {low:g} and {high:g}"
                if low is not None and high is not None
                else f"at least {low:g}"
                if low is not None
                else f"at most {high:g}"
            )
            self.error(at, f"must be {bounds}, got {value:g}")

    def check_any_of(self, branches: Sequence[Mapping[str, Any]], value: Any, at: PathKey) -> None:
        """Check against the branch whose type the value has (the spec's branches differ by type)."""
        for branch in branches:
            if _has_type(value, branch["type"]):
                self.check(branch, value, at)
                return
        names = " or ".join(_TYPE_NAMES[b["type"]] for b in branches)
        self.error(at, f"expected {names}, got {_describe(value)}")

    def check_string(self, schema: Mapping[str, Any], value: str, at: PathKey) -> None:
        if len(value) < schema.get("minLength", 0):
            self.error(at, "must not be empty")
            return
        pattern = schema.get("pattern")
        if pattern is not None and _compiled(pattern).search(value) is None:
            self.error(at, schema.get("x-message") or f"does not match the pattern {pattern}")
            return
        if schema.get("format") == "date":
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                self.error(at, f"{value!r} is not a valid date")

    def check_object(self, schema: Mapping[str, Any], value: dict[str, Any], at: PathKey) -> None:
        properties: Mapping[str, Any] = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name not in value:
                self.error(at, f"missing required field {name!r}")
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in properties:
                self.check(properties[key], item, (*at, key))
            elif extra is False:
                allowed = ", ".join(properties)
                hint = did_you_mean(key, properties)
                self.error(
                    (*at, key),
                    f"unknown field {key!r}{hint}; allowed here: {allowed}",
                    key=True,
                )
            elif isinstance(extra, Mapping):
                self.check(extra, item, (*at, key))


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    # JSON Schema patterns are ECMA-262, where `$` ends the text; Python's `$` also matches
    # before a final newline, which would let "churn\n" through as a name. `\Z` is the
    # ECMA meaning.
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _has_type(value: Any, expected: str) -> bool:
    if expected == "string":
        return isinstance(value, str)
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected == "boolean":
        return isinstance(value, bool)
    if expected == "array":
        return isinstance(value, list)
    if expected == "object":
        return isinstance(value, dict)
    raise AssertionError(f"schema uses unsupported type {expected!r}")  # pragma: no cover


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (true/false)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def show_value(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _enum_message(value: Any, allowed: Sequence[Any], at: PathKey) -> str:
    choices = ", ".join(str(a) for a in allowed)
    if at == ("apiVersion",):
        return f"unsupported apiVersion {show_value(value)}; this mlopsdiag supports: " + ", ".join(
            SUPPORTED_API_VERSIONS
        )
    hint = did_you_mean(value, [str(a) for a in allowed]) if isinstance(value, str) else ""
    if len(allowed) > 8:
        return f"{show_value(value)} is not a known value{hint}"
    return f"{show_value(value)} is not one of: {choices}{hint}"
