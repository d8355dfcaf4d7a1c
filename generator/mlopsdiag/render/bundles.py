"""Bundles: how the context picture of a very large system collapses further than its groups.

Collapsing groups into boxes keeps a picture small while a system has a few dozen groups.
A system of thousands of components may have hundreds of top-level groups and hundreds of
components outside any group; one box each is still hundreds of boxes and thousands of
arrows, which no one can read and Graphviz cannot order within minutes. Above
`LARGE_BOXES` boxes (or `LARGE_ARROWS` arrows) the picture bundles boxes by lifecycle
stage (the stage most of their components' capabilities belong to):

1. the components outside every group, one bundle per stage, beside the group boxes;
2. when that is still too many boxes or arrows, every box: one bundle per stage.

Pure functions over an `Architecture`; `context.py` draws the bundles as boxes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mlopsdiag.catalog import STAGE_NAMES
from mlopsdiag.catalog import STAGES as LIFECYCLE_STAGES
from mlopsdiag.spec.model import Architecture

LARGE_BOXES = 40
"""Boxes a context picture may hold before components are bundled by stage."""
LARGE_ARROWS = 150
"""Arrows (after merging) a context picture may hold before boxes are bundled by stage."""
STAGES = (*LIFECYCLE_STAGES, "")
"""Lifecycle stages in the order a model goes through them; empty last: components whose
capabilities have no stage."""
_ORDER = {stage: i for i, stage in enumerate(STAGES)}


@dataclass(frozen=True)
class Bundle:
    """Boxes of one lifecycle stage drawn as one box."""

    id: str
    stage: str
    groups: tuple[str, ...]
    """Top-level groups folded into it, in spec order."""
    components: tuple[str, ...]
    """Every component it stands for, in spec order."""
    loose: int
    """How many of them are outside every group."""

    @property
    def name(self) -> str:
        """The box's name: the stage, and whether it holds only ungrouped components."""
        stage = STAGE_NAMES.get(self.stage, self.stage.capitalize() or "Other")
        return f"{stage} stage" if self.groups else f"{stage}: ungrouped"

    @property
    def note(self) -> str:
        """The muted line under the name: what it holds."""
        parts = [_count(len(self.groups), "group")] if self.groups else []
        parts.append(_count(len(self.components), "component"))
        return ", ".join(parts)


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def bundle_id(stage: str) -> str:
    """The box id of a stage's bundle (cannot clash: spec ids do not start with `_`)."""
    return f"_stage-{stage or 'other'}"


def stage_of(arch: Architecture, components: Iterable[str]) -> str:
    """The lifecycle stage most of these components' capabilities belong to (the first in
    lifecycle order on a tie); empty when none has a stage."""
    counts: Counter[str] = Counter()
    capabilities = arch.catalog.capabilities
    for component in components:
        for capability in arch.capabilities_of(component):
            found = capabilities.get(capability)
            if found is not None and found.stage:
                counts[found.stage] += 1
    if not counts:
        return ""
    return min(counts, key=lambda s: (-counts[s], _ORDER.get(s, len(_ORDER)), s))


def bundle(
    arch: Architecture, boxes: Sequence[str], members: dict[str, tuple[str, ...]], *, groups: bool
) -> tuple[dict[str, str], dict[str, Bundle]]:
    """Bundle boxes by stage: the loose components only, or (`groups`) the group boxes too.

    `members` maps each group box to its components. Returns (box -> the box it is drawn as,
    bundle id -> bundle), bundles in lifecycle order.
    """
    by_stage: dict[str, list[str]] = {}
    drawn_as: dict[str, str] = {}
    for box in boxes:
        if box in members and not groups:
            drawn_as[box] = box
            continue
        stage = stage_of(arch, members.get(box, (box,)))
        by_stage.setdefault(stage, []).append(box)
        drawn_as[box] = bundle_id(stage)
    bundles: dict[str, Bundle] = {}
    for stage in sorted(by_stage, key=lambda s: (_ORDER.get(s, len(_ORDER)), s)):
        held = by_stage[stage]
        inside = {c for box in held for c in members.get(box, (box,))}
        bundles[bundle_id(stage)] = Bundle(
            id=bundle_id(stage),
            stage=stage,
            groups=tuple(b for b in held if b in members),
            components=tuple(c.id for c in arch.components if c.id in inside),
            loose=sum(1 for b in held if b not in members),
        )
    return drawn_as, bundles


def describe(arch: Architecture, bundles: dict[str, Bundle], groups: bool) -> str:
    """What a bundled picture left out, said on the picture under its title."""
    total = _count(len(arch.components), "component")
    loose = sum(b.loose for b in bundles.values())
    if groups:
        folded = sum(len(b.groups) for b in bundles.values())
        return (
            f"{total} ({_count(folded, 'top-level group')} and {loose:,} outside any group): "
            "too many to draw one by one, so each lifecycle stage is one box, holding the "
            "groups and components most of whose capabilities belong to it. Arrows count "
            "the flows between stages."
        )
    return (
        f"{total}: each top-level group is one box; the {loose:,} components outside any "
        "group are bundled by lifecycle stage. Arrows count the flows between boxes."
    )
