"""The spec's `deployed` bindings and procedures' `alerts`: the schema, the model, and
positioned errors for bindings that cannot be right."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from mlopsdiag.spec.validate import validate_paths

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "schema" / "mlopsdiag-v1.schema.json"

SPEC = """\
apiVersion: mlopsdiag/v1
kind: Architecture
metadata:
  name: fraud
  title: Fraud
groups:
  - id: training
    tool: kubeflow
    deployed: {kind: kfp-pipeline, name: fraud-training}
components:
  - id: train
    group: training
    tool: pytorch
    deployed: {kind: kfp-task, name: train, pipeline: fraud-training}
  - id: registry
    tool: mlflow
    deployed:
      - {kind: Deployment, name: mlflow, namespace: ml-platform}
      - {kind: mlflow-model, name: fraud-scorer, alias: champion}
  - id: scorer
    tool: kserve
    deployed:
      kind: InferenceService
      name: fraud-scorer
      namespace: risk-prod
runbook:
  procedures:
    - id: rollback
      title: Roll back
      alerts: [FraudScoresCollapsed, FraudLatencyHigh]
      steps: [Move the alias back]
"""


def _result(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    [result] = validate_paths([path])
    return result


def test_bindings_and_alerts_reach_the_model(tmp_path: Path) -> None:
    result = _result(tmp_path, SPEC)
    arch = result.architecture
    assert arch is not None, [d.format() for d in result.diagnostics]
    [pipeline] = arch.groups_by_id["training"].deployed
    assert (pipeline.kind, pipeline.name, pipeline.field) == (
        "kfp-pipeline",
        "fraud-training",
        "groups[0].deployed",
    )
    [task] = arch.components_by_id["train"].deployed
    assert task.pipeline == "fraud-training"
    server, model = arch.components_by_id["registry"].deployed
    assert (server.namespace, server.field, server.loc.line) == (
        "ml-platform",
        "components[1].deployed[0]",
        18,
    )
    assert (model.alias, model.field, model.loc.line) == (
        "champion",
        "components[1].deployed[1]",
        19,
    )
    [scorer] = arch.components_by_id["scorer"].deployed
    assert (scorer.kind, scorer.namespace, scorer.loc.line) == ("InferenceService", "risk-prod", 23)
    assert arch.runbook.procedures[0].alerts == ("FraudScoresCollapsed", "FraudLatencyHigh")


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (
            "{kind: kfp-task, name: train, pipeline: fraud-training}",
            "{kind: kfp-task, name: train, alias: champion}",
            "14:52: error: components[0].deployed.alias:",
            "`alias` applies only to kind mlflow-model, not 'kfp-task'",
        ),
        (
            "{kind: kfp-pipeline, name: fraud-training}",
            "{kind: kfp-pipeline, name: fraud-training, pipeline: x}",
            "9:68: error: groups[0].deployed.pipeline:",
            "`pipeline` applies only to kind kfp-task",
        ),
        (
            "kind: InferenceService\n",
            "kind: inferenceservice\n",
            "23:13: error: components[2].deployed.kind:",
            "must be a Kubernetes kind",
        ),
        (
            "{kind: kfp-pipeline, name: fraud-training}",
            "{name: fraud-training}",
            "9:15: error: groups[0].deployed:",
            "missing required field 'kind'",
        ),
        (
            "{kind: Deployment, name: mlflow, namespace: ml-platform}",
            "{kind: Deployment, name: mlflow, namespace: ML_Platform}",
            "18:53: error: components[1].deployed[0].namespace:",
            "must be a Kubernetes namespace",
        ),
        (
            "      name: fraud-scorer\n      namespace: risk-prod\n",
            "      name: fraud-scorer\n      namespace: risk-prod\n      replicas: 2\n",
            "26:7: error: components[2].deployed.replicas:",
            "unknown field 'replicas'",
        ),
        (
            "{kind: kfp-task, name: train, pipeline: fraud-training}",
            "{kind: kfp-pipeline, name: fraud-training}",
            "14:15: error: components[0].deployed:",
            "kfp-pipeline 'fraud-training' is already the deployed object of groups[0] (line 9)",
        ),
        (
            "alerts: [FraudScoresCollapsed, FraudLatencyHigh]",
            "alerts: FraudScoresCollapsed",
            "30:15: error: runbook.procedures[0].alerts:",
            "expected a list",
        ),
    ],
)
def test_bad_bindings_are_positioned(
    tmp_path: Path, old: str, new: str, where: str, message: str
) -> None:
    assert old in SPEC
    result = _result(tmp_path, SPEC.replace(old, new))
    shown = [d.format() for d in result.diagnostics]
    assert result.architecture is None
    assert any(where in line and message in line for line in shown), shown


def test_the_published_schema_agrees(tmp_path: Path) -> None:
    schema = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(yaml.safe_load(SPEC))
    bad = yaml.safe_load(SPEC.replace("kind: InferenceService", "kind: inference"))
    assert list(jsonschema.Draft7Validator(schema).iter_errors(bad))


def test_diff_reports_a_changed_binding_but_not_a_moved_one(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mlopsdiag.cli import main_group

    old = tmp_path / "old.yaml"
    old.write_text(SPEC, encoding="utf-8")
    moved = tmp_path / "moved.yaml"
    moved.write_text(SPEC.replace("title: Fraud\n", "title: Fraud\n\n\n"), encoding="utf-8")
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        SPEC.replace("name: fraud-scorer\n", "name: fraud-scorer-v2\n").replace(
            "FraudLatencyHigh]", "FraudLatencyP99]"
        ),
        encoding="utf-8",
    )
    runner = CliRunner()
    same = runner.invoke(main_group, ["diff", str(old), str(moved), "--exit-code"])
    assert same.exit_code == 0, same.output
    result = runner.invoke(main_group, ["diff", str(old), str(changed)])
    assert (
        'deployed: ["InferenceService risk-prod/fraud-scorer"] → '
        '["InferenceService risk-prod/fraud-scorer-v2"]'
    ) in result.output
    assert "FraudLatencyP99" in result.output
