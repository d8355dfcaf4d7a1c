"""Compare two versions of an architecture, element by element and field by field.

Pure functions over validated models. What is compared is one table, `COLLECTIONS`: each row
names a collection of the spec, how to find its elements, what identifies one, and its fields;
a new model field is covered by adding it to a row (a test fails until it is).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mlopsdiag.diff.model import (
    ADDED,
    CHANGED,
    REDACTED,
    REMOVED,
    RENAMED,
    UNCHANGED,
    ArchitectureDiff,
    Change,
    FieldChange,
    Finding,
    Maturity,
    StepChange,
)
from mlopsdiag.errors import Diagnostic
from mlopsdiag.lint.analysis import RETRAINING_TRIGGER, analyze
from mlopsdiag.spec.model import (
    Access,
    Actor,
    Architecture,
    Component,
    Contact,
    Dashboard,
    FailureMode,
    Flow,
    Group,
    Procedure,
    ProcedureStep,
    Process,
    RuleOverride,
    Runbook,
    Step,
    View,
)
from mlopsdiag.spec.secrets import find_secret

# --------------------------------------------------------------------------- plain values


def safe_text(text: str) -> str:
    """The text, or `(redacted)` when the secret scanner says it looks like a credential."""
    return REDACTED if find_secret(text) is not None else text


def plain(value: Any) -> Any:
    """A model value as a JSON value, with every string that looks like a credential redacted."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {safe_text(str(k)): plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    raise TypeError(f"no plain form for {type(value).__name__}")


def is_empty(value: Any) -> bool:
    """Absent, empty text or an empty list: not worth listing for an added element."""
    return value is None or value == "" or value == () or value == [] or value == {}


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Field:
    """One compared field: its name in the output and how to read it from an element."""

    name: str
    get: Callable[[Any], Any] | None = None
    """Reads the value; default: the attribute called `name`."""
    steps: Steps | None = None
    """For a list of steps: compared position by position, field by field."""

    def read(self, item: Any) -> Any:
        """The field's value on one element."""
        return self.get(item) if self.get is not None else getattr(item, self.name)


@dataclass(frozen=True)
class Steps:
    """An ordered list of sub-elements (process or procedure steps), compared by position."""

    fields: tuple[Field, ...]
    summary: Callable[[Any], str]
    """One line that stands for a whole step when it is added or removed."""
    aligned: bool = False
    """Match steps by content, not position, and report them as `StepChange`s (added,
    removed, moved, handed to another actor) instead of per-position field changes."""


@dataclass(frozen=True)
class Collection:
    """One row of the table: a kind of element of the spec."""

    path: str
    """Where the elements are in the spec, e.g. `runbook.procedures`."""
    kind: str
    """What one element is called in the output."""
    items: Callable[[Architecture], Sequence[Any]]
    key: Callable[[Any], str]
    fields: tuple[Field, ...]
    model: type | None = None
    """The model class of the elements (for the test that every model field is compared)."""
    ignored: tuple[str, ...] = ()
    """Model fields that are not compared, each for a reason noted in the table."""


def _links(component: Component) -> dict[str, str]:
    return dict(component.links)


def _deployed(element: Component | Group) -> tuple[str, ...]:
    """The `deployed` bindings as text, without their positions (a moved line is no change)."""
    out = []
    for d in element.deployed:
        extra = "".join(
            f" {key}={value}"
            for key, value in (("pipeline", d.pipeline), ("alias", d.alias))
            if value
        )
        out.append(f"{d.kind} {d.namespace + '/' if d.namespace else ''}{d.name}{extra}")
    return tuple(out)


def _procedure_steps(procedure: Procedure) -> tuple[ProcedureStep, ...]:
    return procedure.step_details or tuple(ProcedureStep(do=s) for s in procedure.steps)


def _step_summary(step: Step) -> str:
    where = step.at if step.at else f"{step.source} → {step.target}"
    return f"{step.do} ({where})"


def _flow_key(flow: Flow, rename: Mapping[str, str] | None = None) -> str:
    source = rename.get(flow.source, flow.source) if rename else flow.source
    target = rename.get(flow.target, flow.target) if rename else flow.target
    return f"{source} → {target} ({flow.kind})"


def _runbook(arch: Architecture) -> tuple[Any, ...]:
    return (arch.runbook,) if arch.runbook is not None else ()


def _in_runbook(name: str) -> Callable[[Architecture], Sequence[Any]]:
    def items(arch: Architecture) -> Sequence[Any]:
        return getattr(arch.runbook, name) if arch.runbook is not None else ()

    return items


_PROCESS_STEPS = Steps(
    fields=(
        Field("do"),
        Field("at"),
        Field("from", lambda s: s.source),
        Field("to", lambda s: s.target),
        Field("by"),
        Field("manual"),
        Field("otherwise"),
        Field("on_failure"),
    ),
    summary=_step_summary,
    aligned=True,
)
_PROCEDURE_STEPS = Steps(fields=(Field("do"), Field("run")), summary=lambda s: s.do)

COLLECTIONS: tuple[Collection, ...] = (
    Collection(
        path="metadata",
        kind="metadata",
        items=lambda a: (a,),
        key=lambda a: "metadata",
        fields=(
            Field("title", lambda a: a.metadata.title),
            Field("description", lambda a: a.metadata.description),
            Field("owners", lambda a: a.metadata.owners),
            Field("tags", lambda a: a.metadata.tags),
            Field("lifecycle", lambda a: a.metadata.lifecycle),
            Field("maturity", lambda a: a.metadata.maturity),
            Field("diagram.direction", lambda a: a.direction),
        ),
    ),
    Collection(
        path="groups",
        kind="group",
        items=lambda a: a.groups,
        key=lambda g: g.id,
        fields=(
            Field("name"),
            Field("parent"),
            Field("tool"),
            Field("drop_capabilities"),
            Field("deployed", _deployed),
        ),
        model=Group,
        ignored=("id", "loc"),
    ),
    Collection(
        path="components",
        kind="component",
        items=lambda a: a.components,
        key=lambda c: c.id,
        fields=(
            Field("name"),
            Field("tool"),
            Field("capabilities"),
            Field("drop_capabilities"),
            Field("group"),
            Field("description"),
            Field("owner"),
            Field("links", _links),
            Field("deployed", _deployed),
        ),
        model=Component,
        ignored=("id", "loc"),
    ),
    Collection(
        path="actors",
        kind="actor",
        items=lambda a: a.actors,
        key=lambda x: x.id,
        fields=(Field("name"), Field("kind"), Field("contact")),
        model=Actor,
        ignored=("id", "loc"),
    ),
    Collection(
        path="processes",
        kind="process",
        items=lambda a: a.processes,
        key=lambda p: p.id,
        fields=(
            Field("title"),
            Field("trigger"),
            Field("owner"),
            Field("outcome"),
            Field("steps", steps=_PROCESS_STEPS),
        ),
        model=Process,
        ignored=("id", "loc"),
    ),
    Collection(
        path="views",
        kind="view",
        items=lambda a: a.views,
        key=lambda v: v.id,
        fields=(Field("title"), Field("include"), Field("direction")),
        model=View,
        ignored=("id", "loc"),
    ),
    Collection(
        path="flows",
        kind="flow",
        items=lambda a: a.flows,
        key=_flow_key,
        fields=(Field("label"),),
        model=Flow,
        # Endpoints and kind are the flow's identity; its position in the list is not news.
        ignored=("source", "target", "kind", "index", "loc"),
    ),
    Collection(
        path="lint.disable",
        kind="disabled rule",
        items=lambda a: a.lint_disable,
        key=lambda r: r.rule,
        fields=(Field("reason"),),
        model=RuleOverride,
        ignored=("rule", "loc"),
    ),
    Collection(
        path="runbook",
        kind="runbook",
        items=_runbook,
        key=lambda r: "runbook",
        fields=(
            Field("summary"),
            Field("last_verified"),
            Field("escalation"),
            Field("notes"),
        ),
        model=Runbook,
        # The lists are collections of their own (rows below).
        ignored=("loc", "contacts", "access", "procedures", "dashboards", "failure_modes"),
    ),
    Collection(
        path="runbook.contacts",
        kind="contact",
        items=_in_runbook("contacts"),
        key=lambda c: c.id,
        fields=(Field("name"), Field("role"), Field("reach")),
        model=Contact,
        ignored=("id",),
    ),
    Collection(
        path="runbook.access",
        kind="access entry",
        items=_in_runbook("access"),
        key=lambda x: x.id or x.name,
        fields=(Field("name"), Field("where"), Field("granted_by"), Field("break_glass")),
        model=Access,
        ignored=("id",),
    ),
    Collection(
        path="runbook.procedures",
        kind="procedure",
        items=_in_runbook("procedures"),
        key=lambda p: p.id,
        fields=(
            Field("kind"),
            Field("title"),
            Field("when"),
            Field("steps", _procedure_steps, steps=_PROCEDURE_STEPS),
            Field("components"),
            Field("needs"),
            Field("approver"),
            Field("alerts"),
        ),
        model=Procedure,
        # `steps` is read with its commands through `step_details`.
        ignored=("id", "loc", "step_details"),
    ),
    Collection(
        path="runbook.dashboards",
        kind="dashboard",
        items=_in_runbook("dashboards"),
        key=lambda d: d.name,
        fields=(Field("url"),),
        model=Dashboard,
        ignored=("name",),
    ),
    Collection(
        path="runbook.failure_modes",
        kind="failure mode",
        items=_in_runbook("failure_modes"),
        key=lambda f: f.symptom,
        fields=(Field("cause"), Field("procedure"), Field("fix")),
        model=FailureMode,
        ignored=("symptom",),
    ),
)
"""Every compared collection, in the order the output lists them."""

COLLECTION_ORDER = {c.path: i for i, c in enumerate(COLLECTIONS)}


# --------------------------------------------------------------------------- elements


def _keyed(items: Iterable[Any], key: Callable[[Any], str]) -> dict[str, Any]:
    """Elements by key; repeats of a key (two flows with the same ends and kind) get `#2`..."""
    out: dict[str, Any] = {}
    seen: Counter[str] = Counter()
    for item in items:
        k = key(item)
        seen[k] += 1
        out[k if seen[k] == 1 else f"{k} #{seen[k]}"] = item
    return out


def _all_fields(fields: Sequence[Field], item: Any) -> tuple[FieldChange, ...]:
    """Every non-empty field of one element, as a change from or to nothing."""
    out = []
    for f in fields:
        value = f.read(item)
        if is_empty(value):
            continue
        shown = [f.steps.summary(s) for s in value] if f.steps is not None else value
        out.append(FieldChange(f.name, None, plain(shown)))
    return tuple(out)


def _removed_fields(fields: Sequence[Field], item: Any) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(c.field, c.new, None) for c in _all_fields(fields, item))


def _or_none(value: Any) -> Any:
    """The plain value, or None for an empty one (absent and empty read the same)."""
    return None if is_empty(value) else plain(value)


def compare_fields(fields: Sequence[Field], old: Any, new: Any) -> tuple[FieldChange, ...]:
    """The fields whose values differ between two versions of one element."""
    out: list[FieldChange] = []
    for f in fields:
        before, after = f.read(old), f.read(new)
        if before == after or (f.steps is not None and f.steps.aligned):
            continue
        if f.steps is None:
            out.append(FieldChange(f.name, _or_none(before), _or_none(after)))
            continue
        for i in range(max(len(before), len(after))):
            at = f"{f.name}[{i + 1}]"
            if i >= len(before):
                out.append(FieldChange(at, None, plain(f.steps.summary(after[i]))))
            elif i >= len(after):
                out.append(FieldChange(at, plain(f.steps.summary(before[i])), None))
            else:
                for sub in compare_fields(f.steps.fields, before[i], after[i]):
                    out.append(FieldChange(f"{at}.{sub.field}", sub.old, sub.new))
    return tuple(out)


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def _said(step: Any) -> str:
    return _words(step.do)


def _where(step: Any) -> str:
    """Where a process step happens, to pair a reworded step with its earlier self."""
    return step.at or f"{step.source}→{step.target}"


def match_steps(old: Sequence[Any], new: Sequence[Any]) -> list[tuple[int, int]]:
    """Pairs (old position, new position) of the same step in two versions of a process:
    first steps that say the same thing, then, among the rest, steps at the same place (a
    reworded step), each in order. Symmetric: swapping the sides swaps the pairs."""
    pairs: list[tuple[int, int]] = []
    free_old = list(range(len(old)))
    free_new = list(range(len(new)))
    keys: tuple[Callable[[Any], str], ...] = (_said, _where)
    for key in keys:
        for j in list(free_new):
            i = next((i for i in free_old if key(old[i]) == key(new[j])), None)
            if i is not None:
                free_old.remove(i)
                free_new.remove(j)
                pairs.append((i, j))
    return sorted(pairs)


def _kept_in_order(
    pairs: Sequence[tuple[int, int]], old: Sequence[Any], new: Sequence[Any]
) -> set[tuple[int, int]]:
    """The pairs whose order is the same on both sides: the largest such set (a longest
    increasing run of new positions along old positions); every other pair was moved.

    Among equally large sets, the one whose steps moved least is kept, then the one holding
    the steps first in alphabetical order: criteria that read the same from either side, so
    swapping the sides reports the same steps as moved.
    """

    def content(pair: tuple[int, int]) -> tuple[str, str, int, int]:
        i, j = pair
        a, b = _said(old[i]), _said(new[j])
        return (min(a, b), max(a, b), min(i, j), max(i, j))

    ranked = sorted(pairs, key=content, reverse=True)
    weight = {pair: 1 << rank for rank, pair in enumerate(ranked)}
    Score = tuple[int, int, int]
    best: dict[tuple[int, int], tuple[Score, list[tuple[int, int]]]] = {}
    for pair in pairs:  # sorted by old position, so every earlier pair is already scored
        earlier = [scored for q, scored in best.items() if q[1] < pair[1]]
        (length, still, alpha), run = max(earlier, key=lambda x: x[0], default=((0, 0, 0), []))
        score = (length + 1, still - abs(pair[0] - pair[1]), alpha + weight[pair])
        best[pair] = (score, [*run, pair])
    if not best:
        return set()
    return set(max(best.values(), key=lambda x: x[0])[1])


def compare_steps(steps: Steps, old: Sequence[Any], new: Sequence[Any]) -> tuple[StepChange, ...]:
    """Steps added, removed, moved or changed between two versions of one list of steps,
    in the order of the new version (removed steps where they were)."""
    pairs = match_steps(old, new)
    kept = _kept_in_order(pairs, old, new)
    by_old = dict(pairs)
    by_new = {j: i for i, j in pairs}
    out: list[tuple[float, StepChange]] = []
    for i, step in enumerate(old):
        if i not in by_old:
            # A removed step sorts just after the new step that follows its old predecessor.
            before = max((by_old[k] for k in by_old if k < i), default=-1)
            summary = plain(steps.summary(step))
            out.append((before + 0.5, StepChange(REMOVED, i + 1, None, summary)))
    for j, step in enumerate(new):
        summary = plain(steps.summary(step))
        if j not in by_new:
            out.append((j, StepChange(ADDED, None, j + 1, summary)))
            continue
        i = by_new[j]
        fields = compare_fields(steps.fields, old[i], step)
        moved = (i, j) not in kept
        if fields or moved:
            out.append((j, StepChange(CHANGED, i + 1, j + 1, summary, moved, fields)))
    return tuple(change for _, change in sorted(out, key=lambda x: x[0]))


def compare_aligned_steps(fields: Sequence[Field], old: Any, new: Any) -> tuple[StepChange, ...]:
    """The step changes of an element whose steps are matched by content (processes)."""
    for f in fields:
        if f.steps is not None and f.steps.aligned:
            return compare_steps(f.steps, f.read(old), f.read(new))
    return ()


def _renames(old: Architecture, new: Architecture) -> dict[str, str]:
    """Old id -> new id of components removed and added with the same tool and name."""
    old_ids = {c.id for c in old.components}
    new_ids = {c.id for c in new.components}
    gone: defaultdict[tuple[str | None, str], list[str]] = defaultdict(list)
    for c in old.components:
        if c.id not in new_ids:
            gone[(c.tool, c.name)].append(c.id)
    pairs: dict[str, str] = {}
    for c in new.components:
        if c.id in old_ids:
            continue
        candidates = gone.get((c.tool, c.name))
        if candidates:
            pairs[candidates.pop(0)] = c.id
    return pairs


def compare_collection(
    collection: Collection, old: Architecture, new: Architecture, renames: Mapping[str, str]
) -> list[Change]:
    """Elements of one collection added, removed, renamed or changed."""
    if collection.path == "flows":
        # Flows follow renamed components: `a → old` before is `a → new` after.
        before = _keyed(old.flows, lambda f: _flow_key(f, renames))
    else:
        before = _keyed(collection.items(old), collection.key)
    after = _keyed(collection.items(new), collection.key)
    out: list[Change] = []
    kind, path = collection.kind, collection.path
    renamed_to = renames if collection.path == "components" else {}
    for key, item in before.items():
        if key in after or key in renamed_to:
            continue
        fields = _removed_fields(collection.fields, item)
        shown = key
        if collection.path == "flows":  # a removed flow is shown with the ends it had
            shown = _flow_key(item) + key[len(_flow_key(item, renames)) :]
        out.append(Change(path, kind, safe_text(shown), REMOVED, fields, old_item=item))
    renamed_ids = set(renamed_to.values())
    for key, item in after.items():
        if key in renamed_ids:
            continue
        if key in before:
            fields = compare_fields(collection.fields, before[key], item)
            steps = compare_aligned_steps(collection.fields, before[key], item)
            if fields or steps:
                out.append(
                    Change(
                        path,
                        kind,
                        safe_text(key),
                        CHANGED,
                        fields,
                        old_item=before[key],
                        new_item=item,
                        steps=steps,
                    )
                )
            continue
        fields = _all_fields(collection.fields, item)
        out.append(Change(path, kind, safe_text(key), ADDED, fields, new_item=item))
    for old_id, new_id in renamed_to.items():
        old_item, new_item = before[old_id], after[new_id]
        fields = compare_fields(collection.fields, old_item, new_item)
        out.append(
            Change(
                path,
                kind,
                new_id,
                RENAMED,
                fields,
                old_key=old_id,
                old_item=old_item,
                new_item=new_item,
                steps=compare_aligned_steps(collection.fields, old_item, new_item),
            )
        )
    return out


def compare_elements(
    old: Architecture, new: Architecture, renames: Mapping[str, str] | None = None
) -> tuple[Change, ...]:
    """Every element change between two versions of an architecture, in table order."""
    renames = _renames(old, new) if renames is None else renames
    changes: list[Change] = []
    for collection in COLLECTIONS:
        changes.extend(compare_collection(collection, old, new, renames))
    return tuple(sorted(changes, key=lambda c: (COLLECTION_ORDER[c.collection], c.key)))


def whole(arch: Architecture, status: str) -> tuple[Change, ...]:
    """An architecture that exists on one side only, as every element added (or removed)."""
    changes: list[Change] = []
    for collection in COLLECTIONS:
        for key, item in _keyed(collection.items(arch), collection.key).items():
            if status == ADDED:
                fields = _all_fields(collection.fields, item)
                change = Change(
                    collection.path, collection.kind, safe_text(key), ADDED, fields, new_item=item
                )
            else:
                fields = _removed_fields(collection.fields, item)
                change = Change(
                    collection.path, collection.kind, safe_text(key), REMOVED, fields, old_item=item
                )
            changes.append(change)
    return tuple(sorted(changes, key=lambda c: (COLLECTION_ORDER[c.collection], c.key)))


# --------------------------------------------------------------------------- findings


_POSITION = re.compile(r"^(?P<path>[a-z_.]+)\[(?P<index>\d+)\]")
_ID_LIST = re.compile(
    r"^\.(?P<name>needs|components|drop_capabilities|capabilities)\[(?P<index>\d+)\]"
)
"""Lists of ids inside an element: a position in one is replaced by the id it holds."""
_STEP = re.compile(r"^\.(?P<name>steps)\[(?P<index>\d+)\]")
"""A step of a process or procedure: a position in the steps is replaced by what the step
says, as the comparison matches steps by what they say."""


def _steps_said(item: Any) -> tuple[str, ...]:
    """What each step of a process or procedure says, in order."""
    if isinstance(item, Procedure):
        return tuple(step.do for step in _procedure_steps(item))
    return tuple(step.do for step in getattr(item, "steps", ()))


_BY_PATH = {c.path: c for c in COLLECTIONS}


def place_of(arch: Architecture, field_path: str) -> str:
    """A field path with its list positions replaced by the elements' keys, so a finding keeps
    its place when elements are inserted before it: `components[3].tool` ->
    `components[train].tool`, `runbook.procedures[0].needs[1]` ->
    `runbook.procedures[rollback].needs[mlflow-admin]`, `processes[0].steps[2]` ->
    `processes[release].steps[Train the model]`.
    """
    match = _POSITION.match(field_path)
    if match is None:
        return field_path
    collection = _BY_PATH.get(match.group("path"))
    if collection is None:
        return field_path
    items = collection.items(arch)
    index = int(match.group("index"))
    if index >= len(items):
        return field_path
    item = items[index]
    rest = field_path[match.end() :]
    inner = _ID_LIST.match(rest) or _STEP.match(rest)
    if inner is not None:
        name = inner.group("name")
        values = _steps_said(item) if name == "steps" else getattr(item, name, ())
        position = int(inner.group("index"))
        if position < len(values):
            rest = f".{name}[{safe_text(str(values[position]))}]" + rest[inner.end() :]
    key = safe_text(collection.key(item))
    return f"{match.group('path')}[{key}]{rest}"


def findings_of(arch: Architecture, diagnostics: Iterable[Diagnostic]) -> list[Finding]:
    """Lint findings (diagnostics with a rule code) of one architecture, placed by element."""
    return [
        Finding(
            rule=d.code,
            severity=d.severity.value,
            place=place_of(arch, d.field),
            message=safe_text(d.message),
            path=d.path,
            line=d.line,
            col=d.col,
        )
        for d in diagnostics
        if d.code
    ]


def _renamed(finding: Finding, renames: Mapping[str, str]) -> tuple[tuple[str, str], str]:
    """A finding of the old side as it reads after the renames, as (identity, message):
    `components[old]` becomes `components[new]` and `'old'` in the message `'new'`."""
    rule, place = finding.identity
    message = finding.message
    for old_id, new_id in renames.items():
        place = place.replace(f"components[{old_id}]", f"components[{new_id}]")
        message = message.replace(f"'{old_id}'", f"'{new_id}'")
    return (rule, place), message


def compare_findings(
    old: Sequence[Finding], new: Sequence[Finding], renames: Mapping[str, str] | None = None
) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """(new findings, resolved findings), matched by rule and place (element and field), never
    by line or wording: a finding whose message was reworded is the same finding. Where one
    rule fires more than once at one place, identical messages pair first, then the rest in
    order. A finding about a renamed component is the same finding under its new id."""
    renames = renames or {}
    before = [_renamed(f, renames) for f in old]
    unpaired_old: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (identity, _) in enumerate(before):
        unpaired_old[identity].append(i)
    paired_old: set[int] = set()
    paired_new: set[int] = set()
    # Same place and same words first, so a reworded one never steals an exact match.
    for j, f in enumerate(new):
        candidates = unpaired_old.get(f.identity, [])
        exact = next((i for i in candidates if before[i][1] == f.message), None)
        if exact is not None:
            candidates.remove(exact)
            paired_old.add(exact)
            paired_new.add(j)
    for j, f in enumerate(new):
        if j in paired_new:
            continue
        candidates = unpaired_old.get(f.identity, [])
        if candidates:
            paired_old.add(candidates.pop(0))
            paired_new.add(j)
    fresh = tuple(f for j, f in enumerate(new) if j not in paired_new)
    gone = tuple(f for i, f in enumerate(old) if i not in paired_old)
    return fresh, gone


# --------------------------------------------------------------------------- architectures


def capabilities(arch: Architecture) -> frozenset[str]:
    """Capabilities the architecture has, the retraining trigger included."""
    analysis = analyze(arch)
    has = {cap for cap, ids in analysis.coverage.items() if ids}
    if analysis.trigger_flows:
        has.add(RETRAINING_TRIGGER)
    return frozenset(has)


def maturity(arch: Architecture) -> Maturity:
    """The inferred and claimed level of an architecture."""
    analysis = analyze(arch)
    return Maturity(analysis.inferred_level, analysis.claimed_level)


def diff_architecture(
    old: Architecture | None,
    new: Architecture | None,
    old_findings: Sequence[Finding] = (),
    new_findings: Sequence[Finding] = (),
) -> ArchitectureDiff:
    """Compare two versions of one architecture (either may be None: added or removed)."""
    if old is None and new is None:
        raise ValueError("nothing to compare")
    if old is None or new is None:
        status = ADDED if old is None else REMOVED
        only = new if new is not None else old
        assert only is not None
        caps = tuple(sorted(capabilities(only)))
        return ArchitectureDiff(
            name=only.name,
            status=status,
            old_path=old.source_path if old is not None else None,
            new_path=new.source_path if new is not None else None,
            title=safe_text(only.metadata.title),
            changes=whole(only, status),
            old_maturity=maturity(old) if old is not None else None,
            new_maturity=maturity(new) if new is not None else None,
            capabilities_gained=caps if status == ADDED else (),
            capabilities_lost=caps if status == REMOVED else (),
            findings_new=tuple(new_findings),
            findings_resolved=tuple(old_findings),
            old=old,
            new=new,
        )
    renames = _renames(old, new)
    changes = compare_elements(old, new, renames)
    old_caps, new_caps = capabilities(old), capabilities(new)
    fresh, resolved = compare_findings(old_findings, new_findings, renames)
    old_level, new_level = maturity(old), maturity(new)
    moved = (
        changes
        or old_caps != new_caps
        or fresh
        or resolved
        or old_level != new_level
        or old.name != new.name
    )
    return ArchitectureDiff(
        name=new.name,
        status=CHANGED if moved else UNCHANGED,
        old_path=old.source_path,
        new_path=new.source_path,
        title=safe_text(new.metadata.title),
        changes=changes,
        old_maturity=old_level,
        new_maturity=new_level,
        capabilities_gained=tuple(sorted(new_caps - old_caps)),
        capabilities_lost=tuple(sorted(old_caps - new_caps)),
        findings_new=fresh,
        findings_resolved=resolved,
        old=old,
        new=new,
    )


def model_fields(collection: Collection) -> set[str]:
    """The dataclass fields of a collection's model class (empty when it has none)."""
    if collection.model is None:
        return set()
    return {f.name for f in dataclasses.fields(collection.model)}
