"""Flow reachability with group expansion, and the inferred maturity level."""

from __future__ import annotations

import textwrap

from mlopsdiag.catalog import builtin_catalog
from mlopsdiag.lint import analyze
from mlopsdiag.lint.graph import (
    ALL_KINDS,
    MODEL_KINDS,
    effective_capabilities,
    flow_graph,
    providers,
)
from mlopsdiag.spec.loader import load_bytes
from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.validate import validate_document


def arch(body: str) -> Architecture:
    text = "apiVersion: mlopsdiag/v1\nkind: Architecture\n" + textwrap.dedent(body)
    result = validate_document(load_bytes(text.encode(), "spec.yaml"), builtin_catalog())
    assert result.architecture is not None, [d.format() for d in result.diagnostics]
    return result.architecture


GROUPED = arch("""
    metadata: {name: grouped, title: Grouped}
    groups:
      - {id: pipeline, tool: kubeflow}
      - {id: inner, parent: pipeline}
      - {id: empty, tool: prometheus}
    components:
      - {id: source, tool: kafka}
      - {id: prep, group: pipeline}
      - {id: train, tool: pytorch, group: inner}
      - {id: registry, tool: mlflow}
      - {id: api, tool: kserve}
    flows:
      - {from: source, to: pipeline}
      - {from: pipeline, to: registry, kind: model}
      - {from: registry, to: api, kind: model}
      - {from: api, to: empty, kind: metrics}
    """)


def test_a_flow_to_or_from_a_group_counts_for_every_member() -> None:
    graph = flow_graph(GROUPED)
    assert graph.successors["source"] == ("prep", "train")
    assert graph.reachable("source") == {"prep", "train", "registry", "api", "empty"}
    assert graph.reachable("train") == {"registry", "api", "empty"}


def test_blocked_nodes_are_reached_but_not_crossed() -> None:
    graph = flow_graph(GROUPED)
    assert graph.reachable("train", blocked={"registry"}) == {"registry"}
    assert "api" not in graph.reachable("source", blocked={"registry"})


def test_flow_kinds_filter_the_graph() -> None:
    graph = flow_graph(GROUPED, MODEL_KINDS)
    assert graph.reachable("api") == frozenset()
    # `data`, the default kind, can carry a model; `metrics` cannot.
    assert graph.reachable("source") == {"prep", "train", "registry", "api"}
    assert flow_graph(GROUPED, ALL_KINDS).reachable("api") == {"empty"}


def test_group_tools_count_for_members_and_empty_groups_are_nodes() -> None:
    assert "orchestration" in effective_capabilities(GROUPED, "train")
    assert "orchestration" not in GROUPED.capabilities_of("train")
    assert providers(GROUPED, "orchestration") == {"prep", "train"}
    assert providers(GROUPED, "monitoring") == {"empty"}


def test_coverage_lists_components_then_groups() -> None:
    coverage = analyze(GROUPED).coverage
    assert set(coverage) == set(builtin_catalog().capabilities)
    assert coverage["orchestration"] == ("pipeline",)
    assert coverage["monitoring"] == ("empty",)
    assert coverage["training"] == ("train",)
    assert coverage["model-registry"] == ("registry",)
    assert coverage["labeling"] == ()


def test_analysis_is_computed_once_per_model() -> None:
    assert analyze(GROUPED) is analyze(GROUPED)


LEVEL_ONE = """
    metadata: {name: levels, title: Levels, maturity: 2}
    groups:
      - {id: dag, tool: airflow}
    components:
      - {id: validate, tool: great-expectations, group: dag}
      - {id: train, tool: scikit-learn, group: dag}
      - {id: evaluate, group: dag, capabilities: [model-validation]}
      - {id: tracking, tool: wandb, capabilities: [model-registry]}
      - {id: monitor, tool: evidently}
      - {id: scheduler, capabilities: [data-ingestion]}
    flows:
      - {from: validate, to: train}
"""


def test_level_zero_without_a_retraining_trigger() -> None:
    analysis = analyze(arch(LEVEL_ONE))
    assert analysis.inferred_level == 0
    assert analysis.missing_for_next == ("continuous-training",)
    assert analysis.missing_for_claim == ("continuous-training", "ci-cd")
    assert not analysis.claim_supported


def test_control_flow_from_monitoring_to_a_group_holding_training_is_a_trigger() -> None:
    analysis = analyze(arch(LEVEL_ONE + "      - {from: monitor, to: dag, kind: control}\n"))
    assert analysis.inferred_level == 1
    assert analysis.trigger_flows == (1,)
    assert analysis.missing_for_next == ("ci-cd",)  # its W&B also serves as the registry
    assert analysis.missing_for_claim == ("ci-cd",)


def test_only_control_flows_from_monitoring_are_triggers() -> None:
    for flow in (
        "{from: monitor, to: train}",  # not a control flow
        "{from: scheduler, to: train, kind: control}",  # not from monitoring
        "{from: monitor, to: tracking, kind: control}",  # not to training
    ):
        analysis = analyze(arch(LEVEL_ONE + f"      - {flow}\n"))
        assert analysis.inferred_level == 0, flow


def test_continuous_training_capability_is_a_trigger_and_ci_cd_gives_level_two() -> None:
    body = LEVEL_ONE.replace(
        "      - {id: scheduler, capabilities: [data-ingestion]}\n",
        "      - {id: scheduler, capabilities: [continuous-training]}\n"
        "      - {id: ci, tool: gitlab-ci}\n",
    )
    analysis = analyze(arch(body))
    assert (analysis.inferred_level, analysis.missing_for_next) == (2, ())
    assert analysis.claim_supported


def test_level_two_needs_level_one() -> None:
    analysis = analyze(
        arch("""
        metadata: {name: cd-only, title: CI/CD only, maturity: 0}
        components:
          - {id: ci, tool: github-actions}
          - {id: registry, tool: mlflow}
        """)
    )
    assert analysis.inferred_level == 0
    assert analysis.claim_supported
    assert analysis.missing_for_next == (
        "orchestration",
        "data-validation",
        "model-validation",
        "continuous-training",
    )
