"""The spec-v1 additions for runbooks and capabilities: access ids, procedure needs and
approver, steps with commands, and drop_capabilities, from YAML to the model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlopsdiag.catalog import builtin_catalog
from mlopsdiag.cli import main_group
from mlopsdiag.spec.loader import Document
from mlopsdiag.spec.model import ProcedureStep
from mlopsdiag.spec.validate import validate_document, validate_paths
from test_schema import _check_jsonschema

CASES = Path(__file__).parent / "cases" / "invalid"

SPEC = """\
apiVersion: mlopsdiag/v1
kind: Architecture
metadata: {name: demo, title: Demo}
groups:
  - id: serving
    tool: seldon-core
    drop_capabilities: [online-serving]
components:
  - id: serve
    tool: mlflow
    group: serving
    drop_capabilities: [model-registry]
runbook:
  contacts:
    - {id: bchen, name: Bo Chen}
  access:
    - id: mlflow-admin
      name: MLflow admin account
      where: vault://secret/ml/mlflow-admin
      granted_by: bchen
    - name: Old access without an id
      where: Ask Bo
  procedures:
    - id: rollback
      kind: rollback
      title: Roll back the served model
      needs: [mlflow-admin]
      approver: bchen
      steps:
        - Open the MLflow registry
        - do: Re-apply the previous deployment
          run: kubectl -n churn-prod apply -f deploy/previous.yaml
        - do: Watch the rollout
"""


def _valid(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    [result] = validate_paths([path])
    assert result.architecture is not None, [d.format() for d in result.diagnostics]
    return result.architecture


def test_new_fields_reach_the_model(tmp_path: Path) -> None:
    arch = _valid(tmp_path, SPEC)
    assert arch.groups[0].drop_capabilities == ("online-serving",)
    assert arch.components[0].drop_capabilities == ("model-registry",)
    runbook = arch.runbook
    assert [a.id for a in runbook.access] == ["mlflow-admin", ""]
    [proc] = runbook.procedures
    assert proc.needs == ("mlflow-admin",)
    assert proc.approver == "bchen"
    assert proc.steps == (
        "Open the MLflow registry",
        "Re-apply the previous deployment",
        "Watch the rollout",
    )
    assert proc.step_details == (
        ProcedureStep("Open the MLflow registry"),
        ProcedureStep(
            "Re-apply the previous deployment",
            "kubectl -n churn-prod apply -f deploy/previous.yaml",
        ),
        ProcedureStep("Watch the rollout"),
    )


def test_dropped_capabilities_leave_the_element(tmp_path: Path) -> None:
    arch = _valid(tmp_path, SPEC)
    assert "model-registry" not in arch.capabilities_of("serve")
    assert "experiment-tracking" in arch.capabilities_of("serve")
    assert "online-serving" not in arch.group_capabilities("serving")


def test_external_validator_accepts_mapping_steps(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC, encoding="utf-8")
    theirs = _check_jsonschema(path)
    assert theirs.returncode == 0, theirs.stdout + theirs.stderr


def test_external_validator_rejects_bad_steps() -> None:
    theirs = _check_jsonschema(CASES / "procedure-needs" / "spec.yaml")
    assert theirs.returncode == 1, theirs.stdout + theirs.stderr


COMMAND_SECRETS = ("ghp_Zq8vR3kLm2Nx7Tw4Yb6Pc1Jd9Hs5Fg0Ae2Ku", "Sup3rS3cretValue!")


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_secret_in_a_command_is_caught_and_never_echoed(fmt: str) -> None:
    folder = CASES / "secret-in-command"
    result = CliRunner().invoke(
        main_group, ["validate", str(folder), "--format", fmt], catch_exceptions=False
    )
    assert result.exit_code == 1
    assert result.output.count("looks like a credential") == 2
    assert "steps[0].run" in result.output and "steps[1].run" in result.output
    # Reading the token from the vault at run time is the right way, not a leak.
    assert "steps[2]" not in result.output
    for secret in COMMAND_SECRETS:
        assert secret not in result.output
        assert secret[:10] not in result.output


STEP = st.one_of(
    st.sampled_from(["", "Open the registry", "x" * 3]),
    st.integers(-2, 2),
    st.none(),
    st.dictionaries(
        st.sampled_from(["do", "run", "command", "at"]),
        st.one_of(st.sampled_from(["", "kubectl get pods", "ok"]), st.integers(0, 1), st.none()),
        max_size=3,
    ),
)
PROCEDURE = st.dictionaries(
    st.sampled_from(["id", "kind", "title", "steps", "needs", "approver", "components"]),
    st.one_of(
        st.sampled_from(["rollback", "a", "", "mlflow-admin", "bob"]),
        st.lists(STEP, max_size=3),
        st.lists(st.sampled_from(["mlflow-admin", "kube", "", "a"]), max_size=3),
        st.none(),
    ),
    max_size=6,
)
ACCESS = st.dictionaries(
    st.sampled_from(["id", "name", "where", "granted_by"]),
    st.one_of(st.sampled_from(["mlflow-admin", "kube", "", "vault://x"]), st.none()),
    max_size=4,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    procedures=st.lists(PROCEDURE, max_size=3),
    access=st.lists(ACCESS, max_size=3),
    drops=st.one_of(st.none(), st.lists(st.sampled_from(["monitoring", "x", ""]), max_size=2)),
)
def test_runbook_additions_never_crash_the_validator(
    procedures: list[Any], access: list[Any], drops: Any
) -> None:
    data = {
        "apiVersion": "mlopsdiag/v1",
        "kind": "Architecture",
        "metadata": {"name": "demo", "title": "Demo"},
        "components": [{"id": "a", "tool": "evidently", "drop_capabilities": drops}],
        "runbook": {
            "contacts": [{"id": "bob", "name": "Bob"}],
            "access": access,
            "procedures": procedures,
        },
    }
    result = validate_document(Document(path="fuzz.yaml", data=data), builtin_catalog())
    for diag in result.diagnostics:
        assert diag.line >= 1
    json.dumps([d.message for d in result.diagnostics])
    if result.architecture is not None:
        for proc in result.architecture.runbook.procedures:
            assert len(proc.steps) == len(proc.step_details) >= 1
