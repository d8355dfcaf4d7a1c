"""Claims the knowledge pages, the catalogue and the rules make about real tools, checked against
what the tools' own documentation says. Each test here would have caught a claim an audit
found wrong (issue 21)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlopsdiag.catalog import builtin_catalog
from mlopsdiag.lint import LEVEL_REQUIREMENTS, RULES, analyze
from mlopsdiag.site.knowledge import load_concepts
from mlopsdiag.spec.loader import load_bytes
from mlopsdiag.spec.validate import validate_document

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "specs").glob("*.yaml"))


def _sentences(text: str) -> list[str]:
    return [" ".join(s.split()) for s in re.split(r"(?<=[.;:])\s+", text)]


def test_no_page_credits_kserve_with_metric_based_rollback() -> None:
    # KServe's canary is a hand-set `canaryTrafficPercent`; metric analysis and automatic
    # rollback are Argo Rollouts' and Flagger's. A sentence that names KServe as doing it
    # repeats the claim the canary page used to make.
    for concept in load_concepts().values():
        for sentence in _sentences(concept.body):
            if "KServe" not in sentence:
                continue
            claims = re.search(r"roll(s|ing)? back on|metric thresholds?", sentence)
            assert not (claims and "Nothing in KServe" not in sentence), (concept.id, sentence)


def test_registry_tools_named_by_the_registry_page_have_the_capability() -> None:
    # The page told readers that sagemaker, vertex-ai and azure-ml are registries while the
    # catalogue gave them only `training`, so a spec following the page got no registry.
    tools = builtin_catalog().tools
    body = load_concepts()["model-registry"].body
    named = [t for t in re.findall(r"`([a-z0-9-]+)`", body) if t in tools]
    assert {"mlflow", "sagemaker", "vertex-ai", "azure-ml"} <= set(named)
    for tool_id in named:
        assert "model-registry" in tools[tool_id].capabilities, tool_id


def test_prometheus_monitors_and_alertmanager_alerts() -> None:
    tools = builtin_catalog().tools
    assert tools["prometheus"].capabilities == ("monitoring",)
    assert "alerting" in tools["alertmanager"].capabilities
    assert "alerting" in tools["pagerduty"].capabilities


NOTIFIERS = {"pagerduty", "slack"}


def _prometheus_to_notifier(data: dict[str, Any]) -> list[str]:
    tool = {c["id"]: c.get("tool") for c in data.get("components") or ()}
    return [
        f"{f['from']} -> {f['to']}"
        for f in data.get("flows") or ()
        if tool.get(f["from"]) == "prometheus" and tool.get(f["to"]) in NOTIFIERS
    ]


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_examples_route_prometheus_alerts_through_alertmanager(rule_id: str) -> None:
    # Prometheus evaluates alerting rules and hands firing alerts to Alertmanager, which
    # notifies PagerDuty or Slack; a drawn flow straight from Prometheus to a pager is wrong.
    assert _prometheus_to_notifier(yaml.safe_load(RULES[rule_id].example)) == []


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_bundled_specs_route_prometheus_alerts_through_alertmanager(spec: Path) -> None:
    assert _prometheus_to_notifier(yaml.safe_load(spec.read_text(encoding="utf-8"))) == []


LEVEL_TWO_WITHOUT_MONITORING = """\
apiVersion: mlopsdiag/v1
kind: Architecture
metadata: {name: unmonitored, title: Everything but monitoring, maturity: 2}
groups:
  - {id: pipeline, tool: kubeflow}
components:
  - {id: validate, tool: great-expectations, group: pipeline}
  - {id: train, tool: pytorch, group: pipeline, capabilities: [continuous-training]}
  - {id: evaluate, group: pipeline, capabilities: [model-validation]}
  - {id: registry, tool: mlflow}
  - {id: server, tool: kserve}
  - {id: ci, tool: github-actions}
flows:
  - {from: validate, to: train}
  - {from: train, to: evaluate, kind: model}
  - {from: evaluate, to: registry, kind: model}
  - {from: registry, to: server, kind: model}
  - {from: ci, to: pipeline, kind: control}
"""


def test_level_two_needs_monitoring() -> None:
    # Google's level 2 ends with monitoring whose statistics can start the pipeline again;
    # a design with no monitoring at all used to be inferred level 2.
    result = validate_document(
        load_bytes(LEVEL_TWO_WITHOUT_MONITORING.encode(), "unmonitored.yaml"), builtin_catalog()
    )
    assert result.architecture is not None, [d.format() for d in result.diagnostics]
    analysis = analyze(result.architecture)
    assert analysis.inferred_level == 1
    assert analysis.missing_for_claim == ("monitoring",)
    page = load_concepts()["mlops-maturity-levels"].body
    assert re.search(
        r"\*\*Level 2\*\* when, in addition, it has `ci-cd`, `model-registry` and\s+`monitoring`",
        page,
    )


# --------------------------------------------------------------------------- stale and overstated

DATA_FILES = [
    ROOT / "generator" / "mlopsdiag" / "catalog" / "capabilities.yaml",
    ROOT / "generator" / "mlopsdiag" / "catalog" / "tools.yaml",
    ROOT / "generator" / "mlopsdiag" / "lint" / "rules.yaml",
    *sorted((ROOT / "generator" / "mlopsdiag" / "knowledge").glob("*.md")),
]


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_google_citations_point_at_the_current_address(path: Path) -> None:
    # Google's architecture guides moved to docs.cloud.google.com/architecture/.
    assert "https://cloud.google.com/architecture/" not in path.read_text(encoding="utf-8")


OVERSTATED = [
    "most common source of skew",
    "most common form of the broader",
    "most frequent causes of",
    "Often impossible\n  on GPUs",
]


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_overstated_claims_stay_reworded(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert [p for p in OVERSTATED if p in text] == []


def test_project_rules_of_thumb_say_so() -> None:
    assert "rule of thumb" in RULES["runbook-stale"].condition
    assert "rule of thumb" in RULES["orphan-component"].rationale
    page = load_concepts()["mlops-maturity-levels"].body
    assert "rules of thumb" in page and "metadata management" in page
    assert "metadata management" in builtin_catalog().capabilities["experiment-tracking"].definition


def test_rule_sources_support_the_rule() -> None:
    # The Huyen chapter on dataflow and the canvas/Google entries did not support these rules.
    orphan = [s.title for s in RULES["orphan-component"].sources]
    assert orphan == ["Hidden Technical Debt in Machine Learning Systems"]
    drop = [s.publisher for s in RULES["drop-capability-not-default"].sources]
    assert drop == ["mlopsdiag"]


def test_pages_that_recommend_seldon_core_name_its_licence() -> None:
    for concept in load_concepts().values():
        if re.search(r"Seldon Core|`seldon-core`", concept.body):
            assert re.search(r"BUSL-1\.1|Business Source License", concept.body), concept.id
    for rule in RULES.values():
        assert "seldon-core" not in rule.example, rule.id


@pytest.mark.parametrize(
    ("tool_id", "name", "former"),
    [
        ("sagemaker", "Amazon SageMaker AI", "Amazon SageMaker"),
        ("vertex-ai", "Gemini Enterprise Agent Platform", "Vertex AI"),
        ("triton", "NVIDIA Dynamo Triton", "Triton Inference Server"),
    ],
)
def test_renamed_tools_show_the_current_name_and_keep_the_old_one(
    tool_id: str, name: str, former: str
) -> None:
    tool = builtin_catalog().tools[tool_id]
    assert tool.name == name
    assert former in tool.former_names
    assert tool.status_note


@pytest.mark.parametrize(
    ("tool_id", "words"),
    [
        ("seldon-core", ("Business Source License 1.1", "January 2024", "MLServer")),
        ("minio", ("archived",)),
        ("tfx", ("December 2024",)),
        ("dvc", ("treeverse/dvc",)),
    ],
)
def test_stale_entries_say_what_changed(tool_id: str, words: tuple[str, ...]) -> None:
    note = builtin_catalog().tools[tool_id].status_note
    assert all(w in note for w in words), note


# --------------------------------------------------------------------------- LLM-era pages

LLM_PAGES = {
    "retrieval-augmented-generation": ("chunk", "faithfulness", "embedding model"),
    "llm-evaluation": ("Position bias", "Verbosity bias", "Self-preference", "feedback"),
    "guardrails": ("prompt injection", "Input rails", "Output rails", "false positives"),
    "llm-observability": ("time to first token", "Tokens and cost", "trace"),
    "embedding-drift": ("re-embed", "not comparable", "two-sample"),
    "serving-llms": ("Continuous batching", "KV", "Quantisation"),
    "gpu-scheduling": ("gang scheduling", "Queues and quotas", "preemption"),
    "model-governance": (
        "Model cards",
        "Article 11",
        "Article 12",
        "Article 72",
        "2 December 2027",
    ),
}


@pytest.mark.parametrize("page_id", sorted(LLM_PAGES))
def test_llm_era_page_covers_its_subject_and_cites_sources(page_id: str) -> None:
    concept = load_concepts()[page_id]
    assert len(concept.sources) >= 2
    assert all(s.url.startswith("https://") or s.where for s in concept.sources)
    for words in LLM_PAGES[page_id]:
        assert words.lower() in concept.body.lower(), words
    assert len(concept.body.split()) >= 400, "a page explains, it does not list"


def test_monitoring_pages_explain_label_free_performance_estimation() -> None:
    pages = load_concepts()
    monitoring = pages["model-monitoring"].body
    assert "CBPE" in monitoring and "DLE" in monitoring and "calibrated" in monitoring
    assert "concept drift" in monitoring.lower()
    for other in ("data-drift", "concept-drift"):
        assert "model-monitoring.md#performance-estimation" in pages[other].body


def test_every_llm_capability_and_rule_points_at_a_knowledge_page() -> None:
    pages = load_concepts()
    llm_caps = ("llm-serving", "embedding", "vector-search", "llm-gateway", "llm-observability")
    llm_caps += ("llm-evaluation", "guardrails", "prompt-registry", "gpu-scheduling")
    for cap in llm_caps:
        concepts = builtin_catalog().capabilities[cap].concepts
        assert concepts and set(concepts) <= set(pages), cap
    for rule in ("llm-without-tracing", "llm-serving-without-guardrails"):
        assert RULES[rule].concepts and set(RULES[rule].concepts) <= set(pages)
    for rule in ("rag-without-evaluation", "embedding-model-unversioned"):
        assert RULES[rule].concepts and set(RULES[rule].concepts) <= set(pages)


def _shared_contract() -> Path | None:
    for base in (ROOT.parent, ROOT.parent.parent):
        path = base / "shared" / "design" / "spec-v1.md"
        if path.is_file():
            return path
    return None


def test_inferred_levels_follow_the_shared_contract() -> None:
    contract = _shared_contract()
    if contract is None:
        pytest.skip("shared/design/spec-v1.md is not beside this checkout")
    section = contract.read_text(encoding="utf-8").split("## Inferred maturity level")[1]
    level2 = section.split("- level 2 when")[1].split("- level 0")[0]
    named = re.findall(r"`([a-z-]+)`", level2)
    assert set(LEVEL_REQUIREMENTS[2]) == set(named)
    defaults = contract.read_text(encoding="utf-8").split("Default capabilities follow")[1]
    assert "`prometheus`: monitoring" in " ".join(defaults.split())
