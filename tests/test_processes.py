"""Actors and processes: how the spec's `actors:` and `processes:` become the model."""

from __future__ import annotations

from pathlib import Path

from mlopsdiag.catalog import builtin_catalog
from mlopsdiag.config import LintConfig
from mlopsdiag.lint import lint
from mlopsdiag.scaffold import new_spec
from mlopsdiag.spec.loader import load_bytes
from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.validate import validate_document

SPEC = b"""\
apiVersion: mlopsdiag/v1
kind: Architecture
metadata: {name: demo, title: Demo, owners: [ml-platform]}
groups:
  - id: pipeline
components:
  - {id: lake}
  - {id: train, group: pipeline}
  - {id: evaluate, group: pipeline}
  - {id: registry}
flows:
  - {from: lake, to: pipeline}
  - {from: train, to: evaluate}
  - {from: evaluate, to: registry}
actors:
  - {id: bot, kind: automation}
  - {id: alice-role, name: Alice on duty, contact: alice}
runbook:
  contacts: [{id: alice, name: Alice}]
  procedures: [{id: retrain, title: Retrain, steps: [Run it again]}]
processes:
  - id: retrain
    title: Retraining
    trigger: Mondays
    owner: ML platform team
    outcome: A new model is registered
    steps:
      - {do: Read the lake, from: lake, to: pipeline, by: bot}
      - do: Evaluate
        at: evaluate
        by: bot
        otherwise: Nothing is registered
        on_failure: retrain
      - {do: Promote, from: evaluate, to: registry, by: alice-role, manual: true}
  - {id: second, title: Second, owner: alice, steps: [{do: Train, at: train}]}
"""


def build(text: bytes = SPEC) -> Architecture:
    result = validate_document(load_bytes(text, "spec.yaml"), builtin_catalog())
    assert result.architecture is not None, [d.format() for d in result.diagnostics]
    return result.architecture


def test_actors_get_defaults_and_positions() -> None:
    arch = build()
    bot, alice = arch.actors
    assert (bot.id, bot.name, bot.kind, bot.contact) == ("bot", "bot", "automation", "")
    assert (alice.name, alice.kind, alice.contact) == ("Alice on duty", "person", "alice")
    assert (bot.loc.line, alice.loc.line) == (16, 17)


def test_steps_are_numbered_in_order_with_their_places() -> None:
    process = build().processes[0]
    assert (process.id, process.title, process.trigger, process.owner, process.outcome) == (
        "retrain", "Retraining", "Mondays", "ML platform team", "A new model is registered"
    )  # fmt: skip
    one, two, three = process.steps
    assert [s.number for s in process.steps] == [1, 2, 3]
    assert (one.source, one.target, one.at, one.start, one.end) == (
        "lake", "pipeline", None, "lake", "pipeline"
    )  # fmt: skip
    assert (two.at, two.start, two.end, two.otherwise, two.on_failure, two.manual) == (
        "evaluate", "evaluate", "evaluate", "Nothing is registered", "retrain", False
    )  # fmt: skip
    assert (three.by, three.manual, three.loc.line) == ("alice-role", True, 34)


def test_a_spec_without_processes_has_none() -> None:
    text = SPEC.split(b"actors:")[0]
    arch = build(text)
    assert (arch.actors, arch.processes) == ((), ())


def test_init_template_has_a_commented_process_that_lints_clean(tmp_path: Path) -> None:
    [spec, _schema] = new_spec("demo", tmp_path / "specs", tmp_path)
    text = spec.read_text(encoding="utf-8")
    assert "\nactors:" in text and "\nprocesses:" in text
    arch = build(spec.read_bytes())
    [process] = arch.processes
    assert any(s.manual for s in process.steps) and any(s.otherwise for s in process.steps)
    assert {s.by for s in process.steps} == {a.id for a in arch.actors}
    codes = {d.code for d in lint(arch, LintConfig())}
    assert not codes & {"process-gap", "production-without-process"}
