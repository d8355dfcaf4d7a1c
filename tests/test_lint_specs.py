"""The example specs in specs/: inferred maturity and the findings each is meant to show."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from mlopsdiag.config import LintConfig
from mlopsdiag.lint import RULES, analyze, lint
from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.validate import validate_paths

SPECS = Path(__file__).resolve().parent.parent / "specs"
REFERENCE_DATE = dt.date(2026, 11, 26)

# From reading each spec, not from the code: (claimed, inferred, missing for the next level).
LEVELS = {
    # kubeflow group, great-expectations + cleanlab, evaluate, mlflow/wandb, drift -> pipeline
    # control flow and a recurring run; no CI/CD.
    "churn-kubeflow-mlflow-seldon": (1, 1, ("ci-cd",)),
    # airflow group, great-expectations, evaluate, mlflow, monitor -> training-dag; no CI/CD.
    "eta-airflow-feast-kserve": (1, 1, ("ci-cd",)),
    # argo-workflows group, great-expectations, slice-eval, mlflow, nightly trigger and
    # drift -> training, github-actions and argocd, mlflow registry.
    "fraud-gitops-kserve-canary": (2, 2, ()),
    # A notebook and a pickle: nothing of level 1.
    "lead-scoring-notebook-fastapi": (
        0,
        0,
        (
            "orchestration",
            "data-validation",
            "model-validation",
            "experiment-tracking",
            "continuous-training",
        ),
    ),
    # airflow group, great-expectations, evaluate, mlflow, monthly continuous-training; no CI/CD.
    "ltv-batch-airflow-spark": (1, 1, ("ci-cd",)),
    # airflow group (indexing), extract (data-validation), retrieval-eval (model-validation),
    # mlflow; nothing retrains a model: it serves an LLM it does not train, no claim.
    "rag-support-assistant-vllm-qdrant": (None, 0, ("continuous-training",)),
    # dagster group, great-expectations, offline-eval, wandb, daily continuous-training,
    # mlflow registry, but no CI/CD: reaches 1 and honestly claims 1.
    "recsys-kafka-ray-bentoml": (1, 1, ("ci-cd",)),
}

FINDINGS = {
    "churn-kubeflow-mlflow-seldon": {
        "training-serving-skew-risk",
        "access-single-grantor",
        "tool-license",
    },
    "eta-airflow-feast-kserve": set(),
    "fraud-gitops-kserve-canary": {"tool-unmaintained"},
    "rag-support-assistant-vllm-qdrant": set(),
    "lead-scoring-notebook-fastapi": {
        "missing-owner",
        "serving-without-monitoring",
        "training-without-tracking",
        "training-without-data-validation",
        "serving-bypasses-registry",
        "serving-without-model-validation",
        "training-serving-skew-risk",
        "runbook-no-rollback",
    },
    "ltv-batch-airflow-spark": {
        "monitoring-without-alerting",
        "runbook-stale",
        "access-single-grantor",
    },
    "recsys-kafka-ray-bentoml": {
        "orphan-component",
        "training-without-data-validation",
        "access-single-grantor",
        "tool-license",
        "tool-unmaintained",
    },
}


def load(name: str) -> Architecture:
    [result] = validate_paths([SPECS / f"{name}.yaml"])
    assert result.architecture is not None, [d.format() for d in result.diagnostics]
    return result.architecture


@pytest.mark.parametrize("name", sorted(LEVELS))
def test_inferred_level(name: str) -> None:
    analysis = analyze(load(name))
    claimed, inferred, missing = LEVELS[name]
    assert (analysis.claimed_level, analysis.inferred_level) == (claimed, inferred)
    assert analysis.missing_for_next == missing


@pytest.mark.parametrize("name", sorted(FINDINGS))
def test_findings(name: str) -> None:
    found = lint(load(name), LintConfig(reference_date=REFERENCE_DATE))
    assert {d.code for d in found} == FINDINGS[name]
    assert all(d.code for d in found)


CATALOGUE_RULES = {"tool-license", "tool-unmaintained"}
"""Rules about the catalogue's dated facts (licences, upkeep), not about the design: a spec's
top comment describes its design, so it leaves them out (FINDINGS above has them)."""


def _commented_expectations(text: str) -> set[str]:
    """Rule ids listed under '# Expected findings' in a spec's top comment."""
    header = text.split("\napiVersion:", 1)[0]
    section = header.split("# Expected findings", 1)[1].split("# Expected NOT", 1)[0]
    return {m for m in re.findall(r"^#   ([a-z-]+)", section, re.MULTILINE) if m in RULES}


@pytest.mark.parametrize("path", sorted(SPECS.glob("*.yaml")), ids=lambda p: p.stem)
def test_top_comment_lists_what_fires(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if "# Expected findings" not in text:
        pytest.skip("no expectations in the top comment")
    found = lint(load(path.stem), LintConfig(reference_date=REFERENCE_DATE))
    assert {d.code for d in found} - CATALOGUE_RULES == _commented_expectations(text)


def test_examples_show_most_rules_firing_and_quiet() -> None:
    fired = set().union(*FINDINGS.values())
    quiet = {rule for rule in RULES if any(rule not in f for f in FINDINGS.values())}
    # maturity-claim-unsupported is an error, and the bundled specs must validate, so it
    # fires only in its case folder (tests/cases/lint/); the rest of the 12 issue rules but
    # runbook-missing (every example has a runbook) fire in some example.
    assert len(fired) >= 11
    assert quiet == set(RULES)


def test_coverage_names_providers_including_groups() -> None:
    coverage = analyze(load("churn-kubeflow-mlflow-seldon")).coverage
    assert set(coverage) >= set(load("churn-kubeflow-mlflow-seldon").catalog.capabilities)
    assert coverage["orchestration"] == ("pipeline",)
    assert coverage["experiment-tracking"] == ("mlflow", "wandb")
    assert coverage["data-validation"] == ("validate-data", "label-check")
    assert coverage["ci-cd"] == ()
