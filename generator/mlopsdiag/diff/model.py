"""What `mlopsdiag diff` found: plain, frozen results that every output format reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlopsdiag.spec.model import Architecture

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
RENAMED = "renamed"
UNCHANGED = "unchanged"

MIRROR_STATUS = {ADDED: REMOVED, REMOVED: ADDED, CHANGED: CHANGED, RENAMED: RENAMED}
"""What each status becomes when the two sides are swapped."""

REDACTED = "(redacted)"
"""Shown instead of any value that looks like a credential."""


@dataclass(frozen=True)
class FieldChange:
    """One field of one element: its value before and after (None when absent on that side).

    Values are plain JSON values (str, int, bool, list, dict) with credentials redacted.
    """

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class StepChange:
    """One step of a process that was added, removed, moved or changed.

    Steps are matched between the two versions by what they say (`do`), then, for steps
    whose wording changed, by where they happen; a step is `moved` when its order relative
    to the other matched steps changed (not merely renumbered by an insertion before it).
    """

    status: str
    """added | removed | changed (a changed step may be moved, changed in fields, or both)."""
    old_number: int | None
    new_number: int | None
    step: str
    """The step in one line: what it does and where (the new side's, or the old one's when
    removed)."""
    moved: bool = False
    fields: tuple[FieldChange, ...] = ()
    """Changed fields of a kept step (`do`, `at`, `from`, `to`, `by`, ...)."""

    @property
    def handed_over(self) -> FieldChange | None:
        """The change of `by` when the step went from one actor to another (or gained or lost
        its actor)."""
        return next((f for f in self.fields if f.field == "by"), None)


@dataclass(frozen=True)
class Change:
    """One element added, removed, changed or renamed."""

    collection: str
    """The spec collection, e.g. `components`, `runbook.procedures`, `metadata`."""
    kind: str
    """What one element of the collection is called, e.g. `component`, `procedure`."""
    key: str
    """The element's identity: its id, or for a flow `from → to (kind)`."""
    status: str
    fields: tuple[FieldChange, ...] = ()
    """Changed fields; for an added or removed element, every field it has."""
    old_key: str = ""
    """For a rename: the element's key before."""
    steps: tuple[StepChange, ...] = ()
    """For a changed process: its steps added, removed, moved or changed."""
    old_item: Any = field(default=None, compare=False, repr=False)
    """The model object on the old side (None when added)."""
    new_item: Any = field(default=None, compare=False, repr=False)
    """The model object on the new side (None when removed)."""


@dataclass(frozen=True)
class Finding:
    """A lint finding, identified by rule and place (element and field), never by line; the
    message only tells apart several findings of one rule at one place."""

    rule: str
    severity: str
    place: str
    """The field path with list positions replaced by element ids, e.g. `components[train]`."""
    message: str
    path: str
    line: int
    col: int

    @property
    def identity(self) -> tuple[str, str]:
        """What makes two findings on two versions of a spec the same finding: the rule, and
        the element and field it is about. A reworded message is still the same finding."""
        return (self.rule, self.place)


@dataclass(frozen=True)
class Maturity:
    """The inferred and claimed MLOps level of one side."""

    inferred: int
    claimed: int | None


@dataclass(frozen=True)
class ArchitectureDiff:
    """Everything that differs between two versions of one architecture."""

    name: str
    status: str
    """added | removed | changed | unchanged (the architecture as a whole)."""
    old_path: str | None
    new_path: str | None
    title: str
    changes: tuple[Change, ...] = ()
    old_maturity: Maturity | None = None
    new_maturity: Maturity | None = None
    capabilities_gained: tuple[str, ...] = ()
    capabilities_lost: tuple[str, ...] = ()
    findings_new: tuple[Finding, ...] = ()
    findings_resolved: tuple[Finding, ...] = ()
    old: Architecture | None = field(default=None, compare=False, repr=False)
    new: Architecture | None = field(default=None, compare=False, repr=False)

    @property
    def maturity_moved(self) -> bool:
        """True when the inferred or claimed level differs between the sides."""
        return self.old_maturity != self.new_maturity

    @property
    def changed(self) -> bool:
        """True when anything at all differs."""
        return self.status != UNCHANGED


@dataclass(frozen=True)
class DiffResult:
    """The whole comparison: one entry per architecture on either side, by name."""

    old_label: str
    """How the old side is named in the output (a path, or `REF:path` with --base)."""
    new_label: str
    architectures: tuple[ArchitectureDiff, ...]

    @property
    def changed(self) -> tuple[ArchitectureDiff, ...]:
        """The architectures with any difference."""
        return tuple(a for a in self.architectures if a.changed)

    @property
    def has_differences(self) -> bool:
        """True when any architecture differs (what --exit-code reports)."""
        return bool(self.changed)
