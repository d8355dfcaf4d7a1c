"""Capability marks that tell the truth: tool defaults that hold in nearly every system,
drop_capabilities, capabilities inferred from the drawing, where each mark comes from, and
the matrix's "not applicable"."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlopsdiag.catalog import builtin_catalog
from mlopsdiag.config import load_config
from mlopsdiag.lint import analyze
from mlopsdiag.lint.analysis import DECLARED, INFERRED, TOOL_DEFAULT, Mark
from mlopsdiag.lint.applicability import not_applicable
from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.validate import validate_paths

# spec-v1 "Tool ids the built-in catalogue must know": the defaults it names.
SPEC_V1_DEFAULTS = {
    "mlflow": {"experiment-tracking", "model-registry"},
    "kserve": {"online-serving"},
    "evidently": {"monitoring"},
    "great-expectations": {"data-validation"},
    "kubeflow": {"orchestration"},
    "airflow": {"orchestration"},
    "optuna": {"hyperparameter-tuning"},
    "feast": {"feature-store"},
    "github-actions": {"ci-cd"},
    "prometheus": {"monitoring"},
    "alertmanager": {"alerting"},
    "pagerduty": {"alerting"},
}


@pytest.mark.parametrize("tool_id", sorted(SPEC_V1_DEFAULTS))
def test_spec_v1_defaults_still_hold(tool_id: str) -> None:
    assert SPEC_V1_DEFAULTS[tool_id] <= set(builtin_catalog().tools[tool_id].capabilities)


@pytest.mark.parametrize(
    ("tool_id", "only"),
    [
        ("wandb", {"experiment-tracking"}),
        ("seldon-core", {"online-serving"}),
        ("kserve", {"online-serving"}),
    ],
)
def test_defaults_are_only_what_nearly_every_system_uses(tool_id: str, only: set[str]) -> None:
    assert set(builtin_catalog().tools[tool_id].capabilities) == only


SPEC = """\
apiVersion: mlopsdiag/v1
kind: Architecture
metadata: {name: demo, title: Demo}
groups:
  - {id: pipeline, tool: kubeflow}
components:
  - {id: train, tool: scikit-learn, group: pipeline}
  - id: server
    tool: seldon-core
    capabilities: [progressive-delivery]
  - {id: tracking, tool: mlflow, drop_capabilities: [model-registry]}
  - {id: monitor, tool: evidently}
  - {id: app}
  - {id: crm-db, tool: postgresql}
flows:
  - {from: train, to: tracking, kind: metrics}
  - {from: server, to: monitor, kind: predictions}
  - {from: monitor, to: pipeline, kind: control}
  - {from: app, to: crm-db, kind: feedback}
"""


def _arch(tmp_path: Path, text: str = SPEC) -> Architecture:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    [result] = validate_paths([path])
    assert result.architecture is not None, [d.format() for d in result.diagnostics]
    return result.architecture


def test_every_mark_says_where_it_comes_from(tmp_path: Path) -> None:
    marks = analyze(_arch(tmp_path)).marks
    assert marks["progressive-delivery"] == (Mark("server", DECLARED),)
    assert marks["online-serving"] == (Mark("server", TOOL_DEFAULT),)
    assert marks["orchestration"] == (Mark("pipeline", TOOL_DEFAULT),)
    assert marks["feedback-collection"] == (Mark("crm-db", INFERRED, 3),)
    assert marks["continuous-training"] == (Mark("pipeline", INFERRED, 2),)
    assert marks["continuous-training"][0].describe() == "inferred from flow 3"


def test_dropped_default_is_gone_from_coverage(tmp_path: Path) -> None:
    coverage = analyze(_arch(tmp_path)).coverage
    assert coverage["model-registry"] == ()
    assert coverage["experiment-tracking"] == ("tracking",)


def test_inferred_capabilities_count_for_maturity(tmp_path: Path) -> None:
    analysis = analyze(_arch(tmp_path))
    assert "continuous-training" not in analysis.missing_for_next


def test_not_applicable_follows_the_design(tmp_path: Path) -> None:
    arch = _arch(tmp_path)
    reasons = not_applicable(arch, analyze(arch))
    assert "online system" in reasons["batch-prediction"]
    assert "app → crm-db" in reasons["labeling"]
    assert "online-serving" not in reasons  # it has it
    assert "ci-cd" not in reasons  # missing, not "not applicable"


def test_not_applicable_from_the_project_settings(tmp_path: Path) -> None:
    arch = _arch(tmp_path)
    config = tmp_path / "mlopsdiag-config.yaml"
    config.write_text(
        "apiVersion: mlopsdiag/v1\nkind: Config\nmatrix:\n  not_applicable:\n"
        "    - {capability: ci-cd, reason: Deployed by the platform team's pipeline}\n"
        "    - {capability: online-serving, reason: never}\n",
        encoding="utf-8",
    )
    settings, problems = load_config(config)
    assert problems == []
    reasons = not_applicable(arch, analyze(arch), settings.not_applicable)
    assert reasons["ci-cd"].startswith("Deployed by the platform team's pipeline")
    assert "online-serving" not in reasons  # a capability the system has always applies


def test_bad_matrix_settings_are_positioned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "mlopsdiag-config.yaml"
    config.write_text(
        "apiVersion: mlopsdiag/v1\nkind: Config\nmatrix:\n  not_applicable:\n"
        "    - {capability: ci-cdd}\n",
        encoding="utf-8",
    )
    _, problems = load_config(config)
    assert [d.format() for d in problems] == [
        "mlopsdiag-config.yaml:5:7: error: matrix.not_applicable[0]: missing required field "
        "'reason'",
        "mlopsdiag-config.yaml:5:20: error: matrix.not_applicable[0].capability: 'ci-cdd' is "
        "not a known value (did you mean 'ci-cd'?)",
    ]
