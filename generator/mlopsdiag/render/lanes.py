"""Who does each step of a process: its lanes, one per actor.

A process whose steps name two or more actors is drawn in lanes (see `process.py`), so
that the hand-offs between automation and people jump out. Pure functions over a
`Process`.
"""

from __future__ import annotations

from mlopsdiag.spec.model import Process, Step

UNASSIGNED = "_unassigned"
"""The lane of the steps that name no actor (titled "Unassigned")."""
UNASSIGNED_NAME = "Unassigned"
UNASSIGNED_NOTE = "no `by` in the spec"


def lanes_view_id(process: Process) -> str:
    """The file stem of a process's lanes picture: `process-<id>-lanes` (the same picture
    as `process-<id>`, under the name it had when the two were different pictures)."""
    return f"process-{process.id}-lanes"


def has_lanes(process: Process) -> bool:
    """True when the steps name two or more actors (then the process is drawn in lanes)."""
    return len({s.by for s in process.steps if s.by}) >= 2


def lane_of(step: Step) -> str:
    """The lane a step runs in: its actor, or the lane of steps with no actor."""
    return step.by or UNASSIGNED


def lanes(process: Process) -> tuple[str, ...]:
    """The lanes of a process, in order of each actor's first step."""
    return tuple(dict.fromkeys(lane_of(s) for s in process.steps))
