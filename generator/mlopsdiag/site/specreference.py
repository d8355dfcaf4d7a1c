"""The spec reference, read from the JSON Schema so that it cannot fall behind."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldDoc:
    """One property of an object in the schema."""

    name: str
    type: str
    """Plain-text type, e.g. `text`, `list of text`, `integer`."""
    section: str
    """Anchor of the section that documents this field's own fields ('' if none)."""
    required: bool
    description: str
    allowed: tuple[str, ...]
    """Allowed values (from `enum`)."""
    pattern: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class SectionDoc:
    """One object of the schema: the top level, `metadata`, `components[]`, ..."""

    path: str
    anchor: str
    description: str
    fields: tuple[FieldDoc, ...]


def _anchor(prefix: str, path: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")
    return f"{prefix}-{slug}" if slug else prefix


def _is_object(schema: Mapping[str, Any]) -> bool:
    return schema.get("type") == "object" and "properties" in schema


def _object_branch(schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The mapping form of a field that may also be written as plain text (`anyOf`)."""
    return next((b for b in schema.get("anyOf") or () if _is_object(b)), None)


def _type_name(schema: Mapping[str, Any]) -> str:
    if "anyOf" in schema:
        return " or ".join(_type_name(b) for b in schema["anyOf"])
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items") or {}
        if _is_object(items):
            return "list of mappings"
        return f"list of {_type_name(items)}"
    if kind == "object":
        extra = schema.get("additionalProperties")
        if not _is_object(schema) and isinstance(extra, Mapping):
            return f"mapping of text to {_type_name(extra)}"
        return "mapping"
    if kind == "string":
        if schema.get("format") == "date" or schema.get("pattern", "").startswith("^[0-9]{4}"):
            return "date (YYYY-MM-DD)"
        if "http" in schema.get("pattern", ""):
            return "URL"
        return "text"
    if kind == "integer":
        return "integer"
    if kind == "boolean":
        return "true or false"
    return str(kind or "any")


def schema_sections(schema: Mapping[str, Any], prefix: str = "spec") -> list[SectionDoc]:
    """The objects of a schema, top level first, then depth first in property order."""
    sections: list[SectionDoc] = []

    def visit(obj: Mapping[str, Any], path: str) -> None:
        required = set(obj.get("required") or ())
        fields: list[FieldDoc] = []
        nested: list[tuple[Mapping[str, Any], str]] = []
        for name, prop in (obj.get("properties") or {}).items():
            target = prop
            child_path = f"{path}.{name}" if path else name
            if prop.get("type") == "array" and _is_object(prop.get("items") or {}):
                target = prop["items"]
                child_path += "[]"
            elif prop.get("type") == "array" and _object_branch(prop.get("items") or {}):
                target = _object_branch(prop["items"]) or {}
                child_path += "[]"
            elif _object_branch(prop):  # a mapping, or a list of them (`deployed`)
                target = _object_branch(prop) or {}
            section = ""
            if _is_object(target):
                section = _anchor(prefix, child_path)
                nested.append((target, child_path))
            enum_source = prop.get("items", prop) if prop.get("type") == "array" else prop
            fields.append(
                FieldDoc(
                    name=name,
                    type=_type_name(prop),
                    section=section,
                    required=name in required,
                    description=str(prop.get("description", "")),
                    allowed=tuple(str(v) for v in enum_source.get("enum") or ()),
                    pattern=str(enum_source.get("pattern", "")) if not section else "",
                    examples=tuple(str(v) for v in prop.get("examples") or ()),
                )
            )
        sections.append(
            SectionDoc(
                path=path or "(top level)",
                anchor=_anchor(prefix, path),
                description=str(obj.get("description", "")),
                fields=tuple(fields),
            )
        )
        for child, child_path in nested:
            visit(child, child_path)

    visit(schema, "")
    return sections
