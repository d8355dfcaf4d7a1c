"""LLM-era systems are understood like classic ones: a RAG system of the usual shape, written
here and not among the bundled specs, gets its tools known, its capabilities inferred, the
LLM rules that apply and none that do not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mlopsdiag.config import LintConfig
from mlopsdiag.lint import analyze, lint
from mlopsdiag.lint.applicability import not_applicable
from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.validate import validate_paths

REFERENCE_DATE = dt.date(2026, 12, 5)

# The shape most teams build first: a chat front end, a LangChain-style answer service,
# documents embedded by a cron job into pgvector, a served open-weights model behind a
# gateway, traces in Phoenix, Prometheus and Alertmanager for the service. No guardrails,
# no evaluation, and the embedding job loads "the latest" model from the hub.
HIDDEN_RAG = """\
apiVersion: mlopsdiag/v1
kind: Architecture
metadata:
  name: hidden-rag
  title: Internal HR assistant
  lifecycle: production
  owners: [people-tech]
groups:
  - {id: k8s, tool: kubernetes}
components:
  - {id: chat-ui, name: Chat front end, group: k8s}
  - {id: rag-service, name: LangChain answer service, tool: fastapi, group: k8s}
  - {id: policies, name: HR policy documents, tool: s3}
  - {id: embed-job, name: Nightly embedding cron job, capabilities: [embedding], group: k8s}
  - {id: vectors, name: pgvector on Postgres, tool: pgvector}
  - {id: gateway, name: LiteLLM, tool: litellm, group: k8s}
  - {id: llm, name: Llama on SGLang, tool: sglang, group: k8s}
  - {id: phoenix, name: Arize Phoenix, tool: arize-phoenix}
  - {id: prometheus, tool: prometheus}
  - {id: alertmanager, tool: alertmanager}
flows:
  - {from: policies, to: embed-job, kind: data}
  - {from: embed-job, to: vectors, kind: data}
  - {from: chat-ui, to: rag-service, kind: data}
  - {from: rag-service, to: vectors, kind: data}
  - {from: vectors, to: rag-service, kind: data}
  - {from: rag-service, to: gateway, kind: data}
  - {from: gateway, to: llm, kind: data}
  - {from: llm, to: gateway, kind: predictions}
  - {from: gateway, to: rag-service, kind: predictions}
  - {from: rag-service, to: chat-ui, kind: predictions}
  - {from: gateway, to: phoenix, kind: metrics}
  - {from: rag-service, to: prometheus, kind: metrics}
  - {from: prometheus, to: alertmanager, kind: control}
"""

# The same system after review: rails on the request path, an evaluation job, and the
# embedding model pinned in MLflow.
FIXED = (
    HIDDEN_RAG.replace(
        "  - {id: prometheus, tool: prometheus}\n",
        "  - {id: prometheus, tool: prometheus}\n"
        "  - {id: rails, tool: guardrails-ai, group: k8s}\n"
        "  - {id: evals, tool: ragas}\n"
        "  - {id: registry, tool: mlflow}\n",
    )
    .replace(
        "  - {from: rag-service, to: gateway, kind: data}\n",
        "  - {from: rag-service, to: rails, kind: data}\n  - {from: rails, to: gateway, kind: data}\n",
    )
    .replace(
        "  - {from: prometheus, to: alertmanager, kind: control}\n",
        "  - {from: prometheus, to: alertmanager, kind: control}\n"
        "  - {from: phoenix, to: evals, kind: data}\n"
        "  - {from: registry, to: embed-job, kind: model}\n",
    )
)

LLM_RULES = {
    "llm-without-tracing",
    "llm-serving-without-guardrails",
    "rag-without-evaluation",
    "embedding-model-unversioned",
}
# Rules about training, features and registries: a system that trains nothing must not get them.
CLASSIC_TRAINING_RULES = {
    "training-without-tracking",
    "training-without-data-validation",
    "serving-bypasses-registry",
    "serving-without-model-validation",
    "training-serving-skew-risk",
}


def _arch(tmp_path: Path, text: str) -> Architecture:
    path = tmp_path / "hidden-rag.yaml"
    path.write_text(text, encoding="utf-8")
    [result] = validate_paths([path])
    assert result.architecture is not None, [d.format() for d in result.diagnostics]
    # No warnings either: every tool id is known, every drop names a default.
    assert [d.format() for d in result.diagnostics] == []
    return result.architecture


@pytest.fixture
def hidden(tmp_path: Path) -> Architecture:
    return _arch(tmp_path, HIDDEN_RAG)


def test_its_tools_are_known(hidden: Architecture) -> None:
    tools = {c.tool for c in hidden.components if c.tool} | {g.tool for g in hidden.groups}
    assert tools <= set(hidden.catalog.tools)
    assert all(hidden.catalog.tools[t].builtin for t in tools)


def test_its_capabilities_are_inferred(hidden: Architecture) -> None:
    coverage = analyze(hidden).coverage
    assert coverage["llm-serving"] == ("llm",)
    assert coverage["llm-gateway"] == ("gateway",)
    assert coverage["vector-search"] == ("vectors",)
    assert coverage["embedding"] == ("embed-job",)
    assert coverage["llm-observability"] == ("phoenix",)
    assert coverage["monitoring"] == ("prometheus",)
    assert coverage["alerting"] == ("alertmanager",)
    for missing in ("guardrails", "llm-evaluation", "prompt-registry", "training"):
        assert coverage[missing] == ()


def test_the_right_rules_fire_and_no_wrong_ones(hidden: Architecture) -> None:
    found = lint(hidden, LintConfig(reference_date=REFERENCE_DATE))
    codes = {d.code for d in found}
    assert codes & LLM_RULES == {
        "llm-serving-without-guardrails",
        "rag-without-evaluation",
        "embedding-model-unversioned",
    }
    # The gateway traces every call to Phoenix, which monitors the model behind it: neither
    # llm-without-tracing nor serving-without-monitoring (one gap, reported once at most).
    assert "llm-without-tracing" not in codes
    assert "serving-without-monitoring" not in codes
    assert "monitoring-without-alerting" not in codes
    assert not codes & CLASSIC_TRAINING_RULES
    # Phoenix is under the Elastic License 2.0: a production system is told.
    [licence] = [d for d in found if d.code == "tool-license"]
    assert "Arize Phoenix" in licence.message and "Elastic-2.0" in licence.message
    by_code = {d.code: d for d in found}
    assert by_code["llm-serving-without-guardrails"].field == "components[6]"
    assert by_code["embedding-model-unversioned"].field == "components[3]"


def test_a_missing_trace_is_one_finding_not_two(tmp_path: Path) -> None:
    untraced = HIDDEN_RAG.replace("  - {from: gateway, to: phoenix, kind: metrics}\n", "")
    codes = [
        d.code for d in lint(_arch(tmp_path, untraced), LintConfig(reference_date=REFERENCE_DATE))
    ]
    assert codes.count("llm-without-tracing") == 1
    assert "serving-without-monitoring" not in codes


def test_the_reviewed_system_is_clean_of_llm_findings(tmp_path: Path) -> None:
    fixed = _arch(tmp_path, FIXED)
    codes = {d.code for d in lint(fixed, LintConfig(reference_date=REFERENCE_DATE))}
    assert not codes & LLM_RULES
    assert not codes & CLASSIC_TRAINING_RULES


def test_maturity_levels_say_they_do_not_fit(hidden: Architecture) -> None:
    analysis = analyze(hidden)
    assert analysis.levels_note and "does not train" in analysis.levels_note
    needless = not_applicable(hidden, analysis)
    assert "training" in needless and "feature-store" in needless
    assert "guardrails" not in needless, "a missing guardrail is a gap, not 'not applicable'"


def test_a_claimed_level_gets_the_hint(tmp_path: Path) -> None:
    claimed = HIDDEN_RAG.replace(
        "  lifecycle: production\n", "  lifecycle: production\n  maturity: 1\n"
    )
    found = lint(_arch(tmp_path, claimed), LintConfig(reference_date=REFERENCE_DATE))
    [claim] = [d for d in found if d.code == "maturity-claim-unsupported"]
    assert "do not fit a system that serves an LLM it does not train" in claim.message


def test_a_classic_system_gets_no_llm_findings_and_llm_capabilities_do_not_apply() -> None:
    root = Path(__file__).resolve().parent.parent / "specs"
    [result] = validate_paths([root / "churn-kubeflow-mlflow-seldon.yaml"])
    arch = result.architecture
    assert arch is not None
    codes = {d.code for d in lint(arch, LintConfig(reference_date=REFERENCE_DATE))}
    assert not codes & LLM_RULES
    analysis = analyze(arch)
    assert analysis.levels_note == ""
    needless = not_applicable(arch, analysis)
    assert {"llm-serving", "guardrails", "vector-search"} <= set(needless)


FINE_TUNED = """\
apiVersion: mlopsdiag/v1
kind: Architecture
metadata: {name: fine-tuned, title: A team that fine-tunes its own model, maturity: 2}
groups:
  - {id: pipeline, tool: kubeflow}
components:
  - {id: validate, tool: great-expectations, group: pipeline}
  - {id: finetune, tool: pytorch, group: pipeline, capabilities: [continuous-training]}
  - {id: evaluate, tool: ragas, group: pipeline, capabilities: [model-validation]}
  - {id: registry, tool: mlflow}
  - {id: llm, tool: vllm}
  - {id: traces, tool: langfuse}
  - {id: ci, tool: github-actions}
flows:
  - {from: validate, to: finetune}
  - {from: finetune, to: evaluate, kind: model}
  - {from: evaluate, to: registry, kind: model}
  - {from: registry, to: llm, kind: model}
  - {from: llm, to: traces, kind: metrics}
  - {from: ci, to: pipeline, kind: control}
"""


def test_a_team_that_fine_tunes_is_graded_and_its_traces_are_its_monitoring(
    tmp_path: Path,
) -> None:
    analysis = analyze(_arch(tmp_path, FINE_TUNED))
    assert analysis.levels_note == "", "it trains: Google's levels apply to that part"
    assert (analysis.inferred_level, analysis.missing_for_claim) == (2, ())
