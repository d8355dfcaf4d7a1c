"""The built-in catalogue and taxonomy are complete, and projects can extend them."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mlopsdiag.catalog import (
    CATALOG_FILE_NAME,
    DATA_DIR,
    STATUSES,
    Tool,
    builtin_catalog,
    compiled_path,
    read_data_yaml,
    source_digest,
)
from mlopsdiag.lint import lint
from mlopsdiag.lint.rules import RULES_FILE
from mlopsdiag.spec.validate import validate_paths

ROOT = Path(__file__).resolve().parent.parent
SPEC_V1 = ROOT.parent / "shared" / "design" / "spec-v1.md"

REQUIRED_TOOLS = """kubeflow mlflow seldon-core kserve bentoml wandb optuna cleanlab snorkel airflow
prefect dagster argo-workflows feast evidently great-expectations dvc prometheus grafana
alertmanager pagerduty slack kafka spark ray postgresql redis minio s3 gcs jupyter tensorflow
pytorch scikit-learn label-studio kubernetes docker github github-actions gitlab-ci jenkins argocd
vertex-ai sagemaker azure-ml databricks fastapi bigquery snowflake""".split()

REQUIRED_CAPABILITIES = """data-ingestion data-versioning data-validation labeling feature-store
experiment-tracking hyperparameter-tuning training orchestration model-validation model-registry
ci-cd continuous-training online-serving batch-prediction progressive-delivery monitoring
alerting feedback-collection""".split()


def test_every_spec_v1_tool_is_known() -> None:
    assert set(REQUIRED_TOOLS) <= set(builtin_catalog().tools)


def test_spec_v1_lists_match_when_available() -> None:
    if not SPEC_V1.is_file():
        pytest.skip("shared/design/spec-v1.md is not beside this checkout")
    text = SPEC_V1.read_text(encoding="utf-8")
    tools_section = text.split("## Tool ids the built-in catalogue must know")[1].split("##")[0]
    listed = re.findall(r"`([a-z0-9-]+)`", tools_section.split("Default capabilities")[0])
    assert set(listed) == set(REQUIRED_TOOLS)


def test_every_capability_is_defined_with_sources() -> None:
    caps = builtin_catalog().capabilities
    assert list(caps)[: len(REQUIRED_CAPABILITIES)] == REQUIRED_CAPABILITIES
    for cap in caps.values():
        assert cap.definition and cap.name
        assert cap.sources, cap.id
        assert builtin_catalog().capability_icon(cap.id).is_file(), cap.id


@pytest.mark.parametrize("tool_id", sorted(builtin_catalog().tools))
def test_tool_entry_is_complete(tool_id: str) -> None:
    tool = builtin_catalog().tools[tool_id]
    assert tool.name and tool.description
    assert tool.homepage.startswith("https://")
    assert set(tool.capabilities) <= set(builtin_catalog().capabilities)
    if tool.icon.diagrams:
        module, _, cls = tool.icon.diagrams.rpartition(".")
        node_class = getattr(importlib.import_module(module), cls)
        assert node_class._icon
    else:
        assert tool.icon.file is not None and tool.icon.file.is_file()


def test_spec_v1_default_capabilities() -> None:
    tools = builtin_catalog().tools
    assert {"experiment-tracking", "model-registry"} <= set(tools["mlflow"].capabilities)
    assert "online-serving" in tools["kserve"].capabilities
    assert "monitoring" in tools["evidently"].capabilities
    assert "data-validation" in tools["great-expectations"].capabilities
    assert "orchestration" in tools["kubeflow"].capabilities
    assert "orchestration" in tools["airflow"].capabilities
    assert "hyperparameter-tuning" in tools["optuna"].capabilities
    assert "feature-store" in tools["feast"].capabilities
    assert "ci-cd" in tools["github-actions"].capabilities
    assert set(tools["prometheus"].capabilities) == {"monitoring"}
    assert "alerting" in tools["alertmanager"].capabilities


def test_project_catalog_extends_the_builtin_one(tmp_path: Path) -> None:
    icons = tmp_path / "icons"
    icons.mkdir()
    shutil.copy(builtin_catalog().capability_icon("online-serving"), icons / "scorer.png")
    (tmp_path / CATALOG_FILE_NAME).write_text(
        "apiVersion: mlopsdiag/v1\nkind: Catalog\ntools:\n"
        "  - id: scorer\n    name: In-house scorer\n    capabilities: [online-serving]\n"
        "    icon: icons/scorer.png\n",
        encoding="utf-8",
    )
    (tmp_path / "spec.yaml").write_text(
        "apiVersion: mlopsdiag/v1\nkind: Architecture\nmetadata: {name: demo, title: Demo}\n"
        "components:\n  - id: serve\n    tool: scorer\n",
        encoding="utf-8",
    )
    (result,) = validate_paths([tmp_path])
    assert result.architecture is not None, [d.format() for d in result.diagnostics]
    arch = result.architecture
    assert arch.capabilities_of("serve") == {"online-serving"}
    tool = arch.catalog.tools["scorer"]
    assert not tool.builtin and tool.icon.file == (icons / "scorer.png").resolve()
    assert arch.components[0].name == "In-house scorer"


# --------------------------------------------------------------------------- JSON copies


def test_the_json_copies_of_the_data_files_are_current() -> None:
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, str(root / "scripts" / "make_data.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for source in (DATA_DIR / "tools.yaml", DATA_DIR / "capabilities.yaml", RULES_FILE):
        copy = json.loads(compiled_path(source).read_text(encoding="utf-8"))
        assert copy["data"] == yaml.safe_load(source.read_bytes())


def test_a_stale_json_copy_is_ignored(tmp_path: Path) -> None:
    source = tmp_path / "data.yaml"
    source.write_text("items: [new]\n", encoding="utf-8")
    stale = {"source_digest": source_digest(b"items: [old]\n"), "data": {"items": ["old"]}}
    compiled_path(source).write_text(json.dumps(stale), encoding="utf-8")
    assert read_data_yaml(source) == {"items": ["new"]}
    fresh = {"source_digest": source_digest(source.read_bytes()), "data": {"items": ["json"]}}
    compiled_path(source).write_text(json.dumps(fresh), encoding="utf-8")
    assert read_data_yaml(source) == {"items": ["json"]}, "a current copy is what is read"


# --------------------------------------------------------------------------- licence and upkeep

SPDX_ID = re.compile(r"^(LicenseRef-[A-Za-z0-9.-]+|[A-Za-z0-9.+-]+)$")
CHECK_AT_LEAST_EVERY = 365
"""Days after which a catalogue entry's licence, status and names must be checked again."""


@pytest.mark.parametrize("tool_id", sorted(builtin_catalog().tools))
def test_tool_entry_carries_licence_status_and_check_date(tool_id: str) -> None:
    tool = builtin_catalog().tools[tool_id]
    options = tool.license.split(" OR ")
    assert tool.license and all(SPDX_ID.match(o) for o in options), tool.license
    assert tool.status in STATUSES
    assert bool(tool.renamed_to) == (tool.status == "renamed")
    if tool.status == "renamed":
        assert tool.name == tool.renamed_to and tool.former_names
    if tool.status != "active" or (tool.source_available and not tool.hosted_service):
        assert tool.status_note, "say what changed, with a date"
    assert tool.checked is not None


@pytest.mark.parametrize("tool_id", sorted(builtin_catalog().tools))
def test_tool_entry_was_checked_within_a_year(tool_id: str) -> None:
    # Licences and upkeep change under running systems (Seldon Core's BUSL, MinIO's archive):
    # an entry nobody has looked at for a year is not trusted.
    checked = builtin_catalog().tools[tool_id].checked
    assert checked is not None
    age = (dt.date.today() - checked).days
    assert age <= CHECK_AT_LEAST_EVERY, (
        f"{tool_id} last checked {checked} ({age} days ago): check its licence, status and "
        "name against its own pages, then update `checked` in tools.yaml"
    )


@pytest.mark.parametrize(
    ("license_id", "not_open", "hosted"),
    [
        ("Apache-2.0", False, False),
        ("BUSL-1.1", True, False),
        ("SSPL-1.0", True, False),
        ("LicenseRef-Commercial", True, False),
        ("LicenseRef-Commercial-Service", True, True),
        ("AGPL-3.0-only OR LicenseRef-RSALv2 OR SSPL-1.0", False, False),
        ("", False, False),
    ],
)
def test_which_licences_are_not_open_source(license_id: str, not_open: bool, hosted: bool) -> None:
    tool = Tool(id="t", name="T", capabilities=(), license=license_id)
    assert (tool.source_available, tool.hosted_service) == (not_open, hosted)


def test_known_licences_and_statuses() -> None:
    tools = builtin_catalog().tools
    assert tools["seldon-core"].license == "BUSL-1.1"
    assert tools["minio"].status == "archived"
    assert tools["tfx"].status == "maintenance"
    assert tools["sagemaker"].renamed_to == "Amazon SageMaker AI"


LLM_ERA_TOOLS = """vllm sglang kserve-llm nvidia-dynamo tgi litellm envoy-ai-gateway qdrant pgvector milvus
weaviate opensearch langfuse arize-phoenix openllmetry opentelemetry ragas deepeval promptfoo
nemo-guardrails guardrails-ai llama-guard kueue volcano kuberay iceberg unity-catalog lakefs
ray-serve""".split()


@pytest.mark.parametrize("tool_id", LLM_ERA_TOOLS)
def test_llm_era_tools_are_known_with_their_sources(tool_id: str) -> None:
    tool = builtin_catalog().tools[tool_id]
    assert tool.license and tool.checked
    if tool_id not in {"lakefs", "ray-serve"}:
        assert tool.sources, "say where the licence and status were checked"


@pytest.mark.parametrize("tool_id", sorted(builtin_catalog().tools))
def test_what_changed_is_sourced(tool_id: str) -> None:
    tool = builtin_catalog().tools[tool_id]
    if tool.status != "active" or (tool.source_available and not tool.hosted_service):
        if tool.license.startswith("LicenseRef-Commercial"):
            return  # a commercial product: its own terms are the source
        assert tool.sources, f"{tool_id}: cite where the status or licence was checked"


def test_mlflow_offers_what_mlflow_3_does() -> None:
    mlflow = builtin_catalog().tools["mlflow"]
    assert {"llm-observability", "prompt-registry", "llm-evaluation"} <= set(mlflow.offers)
    assert set(mlflow.capabilities) == {"experiment-tracking", "model-registry"}
    for tool in builtin_catalog().tools.values():
        assert set(tool.offers) <= set(builtin_catalog().capabilities), tool.id
        assert not set(tool.offers) & set(tool.capabilities), tool.id


def test_a_project_tool_can_carry_its_licence_and_status(tmp_path: Path) -> None:
    icons = tmp_path / "icons"
    icons.mkdir()
    shutil.copy(builtin_catalog().capability_icon("online-serving"), icons / "scorer.png")
    (tmp_path / CATALOG_FILE_NAME).write_text(
        "apiVersion: mlopsdiag/v1\nkind: Catalog\ntools:\n"
        "  - id: scorer\n    name: Vendor scorer\n    capabilities: [online-serving]\n"
        "    icon: icons/scorer.png\n    license: LicenseRef-Commercial\n"
        "    status: maintenance\n    status_note: The vendor stopped new releases in 2026.\n"
        "    checked: 2026-11-30\n",
        encoding="utf-8",
    )
    (tmp_path / "spec.yaml").write_text(
        "apiVersion: mlopsdiag/v1\nkind: Architecture\nmetadata:\n  name: demo\n  title: Demo\n"
        "  lifecycle: production\n  owners: [ml]\ncomponents:\n  - id: serve\n    tool: scorer\n",
        encoding="utf-8",
    )
    (result,) = validate_paths([tmp_path])
    assert result.architecture is not None, [d.format() for d in result.diagnostics]
    tool = result.architecture.catalog.tools["scorer"]
    assert (tool.license, tool.status, tool.checked) == (
        "LicenseRef-Commercial",
        "maintenance",
        dt.date(2026, 11, 30),
    )
    codes = {d.code for d in lint(result.architecture)}
    assert {"tool-license", "tool-unmaintained"} <= codes


def test_a_project_tool_with_a_bad_check_date_is_a_positioned_error(tmp_path: Path) -> None:
    (tmp_path / CATALOG_FILE_NAME).write_text(
        "apiVersion: mlopsdiag/v1\nkind: Catalog\ntools:\n"
        "  - id: scorer\n    name: Scorer\n    checked: 2026-02-30\n    status: dormant\n",
        encoding="utf-8",
    )
    (tmp_path / "spec.yaml").write_text(
        "apiVersion: mlopsdiag/v1\nkind: Architecture\nmetadata: {name: demo, title: Demo}\n"
        "components:\n  - id: serve\n",
        encoding="utf-8",
    )
    messages = [d.format() for r in validate_paths([tmp_path]) for d in r.diagnostics]
    assert any("tools[0].checked" in m and "not a valid date" in m for m in messages), messages
    assert any("tools[0].status" in m for m in messages), messages
