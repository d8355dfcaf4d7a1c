"""The published JSON Schema: fresh, draft-07, and in agreement with external validators."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlopsdiag.catalog import builtin_catalog
from mlopsdiag.spec.loader import Document
from mlopsdiag.spec.schema import PUBLISHED_SCHEMA_PATH, schema_json, spec_schema
from mlopsdiag.spec.validate import validate_document, validate_paths

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / PUBLISHED_SCHEMA_PATH
CASES = ROOT / "tests" / "cases" / "invalid"

# Invalid cases whose problems are all expressible in JSON Schema (the others need
# cross-references, secrets or YAML-level checks that a schema cannot state).
SCHEMA_LEVEL_CASES = ("api-version", "bad-enums", "bad-ids", "bad-urls", "missing-required",
                      "unknown-keys", "wrong-types")  # fmt: skip


def test_published_schema_is_fresh() -> None:
    assert PUBLISHED.read_text(encoding="utf-8") == schema_json(), (
        "schema/mlopsdiag-v1.schema.json is stale: run `mlopsdiag schema > "
        "schema/mlopsdiag-v1.schema.json`"
    )


def test_schema_is_valid_draft_07() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = spec_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)


def test_specs_point_editors_at_the_schema() -> None:
    for spec in sorted((ROOT / "specs").glob("*.yaml")):
        first = spec.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, f"{spec.name}: first line must be the yaml-language-server schema line"
        assert (spec.parent / match.group(1)).resolve() == PUBLISHED.resolve()


def _check_jsonschema(*files: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    if not Path(exe).exists():
        pytest.skip("check-jsonschema is not installed")
    return subprocess.run(
        [exe, "--schemafile", str(PUBLISHED), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_jsonschema_agrees_on_the_example_specs() -> None:
    specs = sorted((ROOT / "specs").glob("*.yaml"))
    assert specs
    ours = validate_paths([ROOT / "specs"])
    assert all(r.ok for r in ours), [d.format() for r in ours for d in r.diagnostics]
    theirs = _check_jsonschema(*specs)
    assert theirs.returncode == 0, theirs.stdout + theirs.stderr


@pytest.mark.parametrize("case", SCHEMA_LEVEL_CASES)
def test_check_jsonschema_agrees_on_schema_errors(case: str) -> None:
    spec = CASES / case / "spec.yaml"
    assert not validate_paths([spec])[0].ok
    theirs = _check_jsonschema(spec)
    assert theirs.returncode == 1, theirs.stdout + theirs.stderr


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(
        ["a", "train", "mlflow", "data", "", "x" * 70, "https://x.example", "javascript:x"]
    ),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(["id", "name", "tool", "from", "to", "group", "parent", "include",
                         "components", "groups", "flows", "views", "runbook", "metadata",
                         "steps", "procedures", "contacts", "escalation", "failure_modes",
                         "procedure", "links", "capabilities", "kind", "title",
                         "actors", "processes", "at", "by", "owner", "contact", "do",
                         "on_failure", "manual", "otherwise"]),
        children,
        max_size=5,
    ),
    max_leaves=30,
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["apiVersion", "kind", "metadata", "components",
                                        "groups", "flows", "views", "runbook", "lint",
                                        "actors", "processes"]),
                       JSONISH, max_size=6))  # fmt: skip
def test_validator_never_crashes(data: dict[str, Any]) -> None:
    doc = Document(path="fuzz.yaml", data=data)
    result = validate_document(doc, builtin_catalog())
    for diag in result.diagnostics:
        assert diag.line >= 1
    json.dumps([d.message for d in result.diagnostics])
