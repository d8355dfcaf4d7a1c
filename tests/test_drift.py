"""`mlopsdiag drift`: a spec in sync with its manifests gives nothing; a difference of each of
the six kinds, planted in a copy, is found at its position (the spec's binding, or the
manifest's object); every output format and exit code; unreadable objects are positioned."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlopsdiag.cli import main_group
from mlopsdiag.deployed.codes import CODES
from mlopsdiag.deployed.read import read_bytes, read_paths

FIXTURES = Path(__file__).resolve().parent / "drift"
ROOT = FIXTURES.parent.parent
AGAINST = ("--against", "cluster", "--against", "registry")


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixtures, as the working folder (paths show relative to it)."""
    for name in ("cluster", "registry", "compose"):
        shutil.copytree(FIXTURES / name, tmp_path / name)
    shutil.copy(FIXTURES / "fraud.yaml", tmp_path / "fraud.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def drift(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main_group, ["drift", *args], catch_exceptions=False)
    return result.exit_code, result.output


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line containing `needle`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def col_of(path: Path, needle: str, start: str) -> int:
    line = path.read_text(encoding="utf-8").splitlines()[line_of(path, needle) - 1]
    return line.index(start) + 1


def findings(out: str, code: str) -> list[str]:
    return [line for line in out.splitlines() if line.endswith(f"[{code}]")]


def test_the_fixtures_are_in_sync(work: Path) -> None:
    code, out = drift("fraud.yaml", *AGAINST, "--exit-code")
    assert (code, out) == (0, "drift: 1 spec against 18 objects read from 9 files: in sync\n")


def test_every_reader_gives_its_records() -> None:
    reading = read_paths([FIXTURES / "cluster", FIXTURES / "registry", FIXTURES / "compose"])
    assert reading.problems == []
    kinds = sorted({(r.kind, r.source) for r in reading.records})
    assert kinds == [
        ("CronJob", "kubernetes"),
        ("Deployment", "kubernetes"),
        ("Experiment", "seldon"),
        ("InferenceService", "kserve"),
        ("Model", "seldon"),
        ("Pipeline", "seldon"),
        ("PrometheusRule", "prometheus"),
        ("SeldonDeployment", "seldon"),
        ("Service", "kubernetes"),
        ("alert", "prometheus"),
        ("compose-service", "compose"),
        ("kfp-pipeline", "kubeflow"),
        ("kfp-task", "kubeflow"),
        ("mlflow-model", "mlflow"),
    ]
    by = {(r.kind, r.name): r for r in reading.records}
    isvc = by[("InferenceService", "fraud-scorer")]
    assert (isvc.namespace, isvc.serves, isvc.parts, isvc.replicas, isvc.line) == (
        "risk-prod",
        ("s3://models/fraud-scorer/7/artifacts/model",),
        ("predictor", "transformer", "canary 10%"),
        2,
        3,
    )
    assert by[("SeldonDeployment", "chargeback-model")].serves == (
        "gs://models-bucket/chargeback/3",
    )
    assert by[("Experiment", "review-ranker-ab")].depends_on == (
        "review-ranker",
        "review-ranker-v2",
    )
    score = by[("kfp-task", "score")]
    assert (score.parent, score.depends_on) == ("fraud-training", ("fit", "prepare"))
    kfp = FIXTURES / "cluster" / "kfp" / "fraud-training.yaml"
    assert score.line == line_of(kfp, "      score:")
    assert by[("Deployment", "mlflow")].images == ("ghcr.io/mlflow/mlflow:v2.16.2",)
    model = by[("mlflow-model", "fraud-scorer")]
    assert dict(model.aliases) == {"champion": "7", "challenger": "8"}
    assert dict(model.versions)["7"] == "s3://models/fraud-scorer/7/artifacts/model"
    alert = by[("alert", "FraudScoresCollapsed")]
    assert (alert.parent, alert.runbook_url) == (
        "fraud-alerts",
        "https://runbooks.example.com/fraud#rollback",
    )
    api = by[("compose-service", "api")]
    assert api.depends_on == ("mlflow", "cache")
    assert "http://mlflow:5000" in api.environment


# --------------------------------------------------------------------- the six codes


def test_deployed_missing_points_at_the_binding(work: Path) -> None:
    spec = work / "fraud.yaml"
    edit(
        spec,
        "name: fraud-scorer, namespace: risk-prod}",
        "name: fraud-scorr, namespace: risk-prod}",
    )
    code, out = drift("fraud.yaml", *AGAINST, "--exit-code")
    assert code == 1
    line = line_of(spec, "fraud-scorr")
    col = col_of(spec, "fraud-scorr", "{kind")
    [finding] = findings(out, "deployed-missing")
    assert finding == (
        f"fraud.yaml:{line}:{col}: error: components[4].deployed: scorer: InferenceService "
        "'fraud-scorr' in namespace 'risk-prod' is not among what was read (did you mean "
        "'fraud-scorer'?) [deployed-missing]"
    )


def test_deployed_kind_mismatch_when_the_tool_disagrees(work: Path) -> None:
    spec = work / "fraud.yaml"
    edit(
        spec, "  - id: chargebacks\n    tool: seldon-core", "  - id: chargebacks\n    tool: kserve"
    )
    code, out = drift("fraud.yaml", *AGAINST, "--exit-code")
    assert code == 1
    line = line_of(spec, "name: chargeback-model")
    [finding] = findings(out, "deployed-kind-mismatch")
    assert finding.startswith(f"fraud.yaml:{line}:15: error: components[5].deployed: chargebacks: ")
    assert (
        "tool 'kserve' but the deployed object is SeldonDeployment risk-prod/chargeback-model"
        in finding
    )
    assert "(cluster/seldon.yaml:3), which is seldon-core" in finding


def test_deployed_kind_mismatch_when_the_serving_moved(work: Path) -> None:
    """The SeldonDeployment was replaced by an InferenceService of the same name."""
    seldon = work / "cluster" / "seldon.yaml"
    text = seldon.read_text(encoding="utf-8")
    seldon.write_text(text[text.index("---\n") + 4 :], encoding="utf-8")
    (work / "cluster" / "chargeback.yaml").write_text(
        "apiVersion: serving.kserve.io/v1beta1\n"
        "kind: InferenceService\n"
        "metadata: {name: chargeback-model, namespace: risk-prod}\n"
        "spec:\n"
        "  predictor:\n"
        "    model: {modelFormat: {name: sklearn}, storageUri: gs://models-bucket/chargeback/3}\n",
        encoding="utf-8",
    )
    code, out = drift("fraud.yaml", *AGAINST)
    assert code == 0  # drift without --exit-code
    [finding] = findings(out, "deployed-kind-mismatch")
    assert "chargebacks: the spec binds SeldonDeployment 'chargeback-model', but " in finding
    assert "InferenceService risk-prod/chargeback-model runs (cluster/chargeback.yaml:1)" in finding
    assert not findings(out, "deployed-missing")
    assert not findings(out, "undeclared-deployment")  # the moved object is accounted for


def test_undeclared_serving_object_points_at_the_manifest(work: Path) -> None:
    extra = work / "cluster" / "more.yaml"
    extra.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: risk-prod}\n"
        "---\n"
        "apiVersion: serving.kserve.io/v1beta1\n"
        "kind: InferenceService\n"
        "metadata:\n  name: fraud-scorer-v2\n  namespace: risk-prod\n"
        "spec:\n  predictor:\n    model: {modelFormat: {name: sklearn}, storageUri: s3://m/2}\n"
        "---\n"
        "apiVersion: serving.kserve.io/v1beta1\n"
        "kind: InferenceService\n"
        "metadata: {name: elsewhere, namespace: other-team}\n"
        "spec: {predictor: {model: {storageUri: s3://m/3}}}\n",
        encoding="utf-8",
    )
    code, out = drift("fraud.yaml", *AGAINST, "--exit-code")
    assert code == 1
    assert findings(out, "undeclared-deployment") == [
        "cluster/more.yaml:5:1: warning: InferenceService risk-prod/fraud-scorer-v2 serves "
        "models, but no element of the specs declares it in `deployed` [undeclared-deployment]"
    ]  # `elsewhere` is in a namespace no binding names: another team's


def test_undeclared_pipeline_task_points_at_the_task(work: Path) -> None:
    spec = work / "fraud.yaml"
    edit(
        spec,
        "  - id: score\n    group: training\n    deployed: {kind: kfp-task, name: score, pipeline: fraud-training}\n",
        "",
    )
    edit(
        spec,
        "  - {from: fit, to: score, kind: model}\n  - {from: score, to: registry, kind: model}\n",
        "",
    )
    code, out = drift("fraud.yaml", *AGAINST, "--exit-code")
    assert code == 1
    kfp = work / "cluster" / "kfp" / "fraud-training.yaml"
    assert findings(out, "undeclared-deployment") == [
        f"cluster/kfp/fraud-training.yaml:{line_of(kfp, '      score:')}:7: warning: task "
        "'score' of pipeline 'fraud-training' is not declared by any element (a component "
        "with `deployed: {kind: kfp-task, ...}`) [undeclared-deployment]"
    ]


def test_alert_missing_points_at_the_entry(work: Path) -> None:
    spec = work / "fraud.yaml"
    edit(spec, "FraudLatencyHigh]", "FraudLatencyHgih]")
    code, out = drift("fraud.yaml", *AGAINST, "--exit-code")
    assert code == 1
    line = line_of(spec, "FraudLatencyHgih")
    col = col_of(spec, "FraudLatencyHgih", "FraudLatencyHgih")
    assert findings(out, "alert-missing") == [
        f"fraud.yaml:{line}:{col}: error: runbook.procedures[0].alerts[1]: procedure "
        "'rollback' answers alert 'FraudLatencyHgih', but no alerting rule read defines it "
        "(did you mean 'FraudLatencyHigh'?) [alert-missing]"
    ]


def test_alert_without_runbook_points_at_the_rule(work: Path) -> None:
    spec = work / "fraud.yaml"
    edit(spec, "      alerts: [MlflowDown]\n", "")
    code, out = drift("fraud.yaml", *AGAINST, "--exit-code")
    assert code == 1
    assert findings(out, "alert-without-runbook") == [
        "cluster/rules/platform.rules.yml:4:9: warning: alert 'MlflowDown' has no "
        "runbook_url annotation and no procedure lists it in `alerts` [alert-without-runbook]"
    ]


def test_served_version_not_alias_points_at_the_serving_binding(work: Path) -> None:
    for name in ("registered-models.json", "model-versions.json"):
        path = work / "registry" / name
        text = path.read_text(encoding="utf-8")
        text = text.replace(
            '{"alias": "champion", "version": "7"}', '{"alias": "champion", "version": "8"}'
        )
        text = text.replace('"aliases": ["champion"]', '"aliases": []')
        text = text.replace('"aliases": ["challenger"]', '"aliases": ["champion"]')
        path.write_text(text, encoding="utf-8")
    spec = work / "fraud.yaml"
    code, out = drift("fraud.yaml", *AGAINST, "--exit-code")
    assert code == 1
    line = line_of(spec, "name: fraud-scorer, namespace: risk-prod")
    assert findings(out, "served-version-not-alias") == [
        f"fraud.yaml:{line}:15: error: components[4].deployed: scorer: InferenceService "
        "risk-prod/fraud-scorer serves version 7 of registered model 'fraud-scorer' "
        "(s3://models/fraud-scorer/7/artifacts/model), but alias 'champion' points at "
        "version 8 (a canary takes 10% of the traffic: its storageUri is the new version) "
        "[served-version-not-alias]"
    ]


def test_each_code_is_planted_by_a_test() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    for code in CODES:
        assert f'findings(out, "{code}")' in source, code


# --------------------------------------------------------------------- formats, exit codes


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "gitlab", "markdown", "github"])
def test_formats_carry_the_finding(work: Path, fmt: str) -> None:
    edit(work / "fraud.yaml", "      alerts: [MlflowDown]\n", "")
    code, out = drift("fraud.yaml", *AGAINST, "--format", fmt, "--exit-code")
    assert code == 1
    assert "MlflowDown" in out
    if fmt == "json":
        [d] = json.loads(out)["diagnostics"]
        assert (d["path"], d["line"], d["code"]) == (
            "cluster/rules/platform.rules.yml",
            4,
            "alert-without-runbook",
        )
    elif fmt == "sarif":
        sarif = json.loads(out)
        [result] = sarif["runs"][0]["results"]
        assert result["ruleId"] == "alert-without-runbook"
        rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
        assert rules["alert-without-runbook"]["helpUri"].endswith(
            "guide/drift.html#alert-without-runbook"
        )
    elif fmt == "junit":
        assert ET.fromstring(out).tag == "testsuites"
    elif fmt == "gitlab":
        [issue] = json.loads(out)
        assert issue["location"]["lines"]["begin"] == 4
    elif fmt == "github":
        assert out.startswith("::warning file=cluster/rules/platform.rules.yml,line=4,col=9,")


def test_usage_errors_exit_2(work: Path) -> None:
    from mlopsdiag.cli import main

    assert main(["drift", "fraud.yaml"]) == 2
    assert main(["drift", "fraud.yaml", "--against", "nowhere"]) == 2
    assert main(["drift", "fraud.yaml", *AGAINST, "--suggest-runbook-urls", "ftp://x"]) == 2


def test_severities_come_from_the_config(work: Path) -> None:
    edit(work / "fraud.yaml", "      alerts: [MlflowDown]\n", "")
    config = work / "mlopsdiag-config.yaml"
    config.write_text(
        "apiVersion: mlopsdiag/v1\nkind: Config\ndrift:\n  severity:\n"
        "    alert-without-runbook: info\n",
        encoding="utf-8",
    )
    code, out = drift("fraud.yaml", *AGAINST, "--exit-code")
    assert code == 0  # an info is reported, not drift
    [finding] = findings(out, "alert-without-runbook")
    assert ": info: " in finding
    config.write_text(config.read_text().replace(": info", ": off"), encoding="utf-8")
    code, out = drift("fraud.yaml", *AGAINST, "--exit-code")
    assert (code, findings(out, "alert-without-runbook")) == (0, [])
    config.write_text(config.read_text().replace("alert-without-runbook", "alert-without-runbok"))
    code, out = drift("fraud.yaml", *AGAINST)
    assert code == 1
    assert (
        "mlopsdiag-config.yaml:5:5: error: drift.severity.alert-without-runbok: unknown drift code "
        "'alert-without-runbok' (did you mean 'alert-without-runbook'?)"
    ) in out


def test_suggested_runbook_urls(work: Path) -> None:
    code, out = drift(
        "fraud.yaml", *AGAINST, "--suggest-runbook-urls", "https://docs.example.com/ml/"
    )
    assert code == 0
    assert out.splitlines()[1:] == [
        "cluster/rules/fraud-alerts.yaml:19:11: alert FraudLatencyHigh: add the annotation "
        "runbook_url: https://docs.example.com/ml/runbooks/fraud.html#procedure-rollback",
        "cluster/rules/platform.rules.yml:4:9: alert MlflowDown: add the annotation "
        "runbook_url: https://docs.example.com/ml/runbooks/fraud.html#procedure-restart-registry",
    ]


def test_an_invalid_spec_is_reported_as_validate_does(work: Path) -> None:
    spec = work / "fraud.yaml"
    edit(spec, "tool: kserve", "tool: kserv")
    code, out = drift("fraud.yaml", *AGAINST)
    assert code == 1
    assert out.splitlines() == [
        f"fraud.yaml:{line_of(spec, 'kserv')}:11: error: components[4].tool: unknown tool "
        "'kserv' (did you mean 'kserve'?); see `mlopsdiag catalog`, or describe it in "
        "mlopsdiag-catalog.yaml",
        "drift: invalid specs (above); nothing compared with the 18 objects read from 9 files",
    ]


# --------------------------------------------------------------------- unreadable objects


def test_unreadable_objects_are_positioned_never_a_traceback() -> None:
    text = (
        "apiVersion: serving.kserve.io/v1beta1\n"  # 1
        "kind: InferenceService\n"
        "metadata: {name: no-predictor}\n"
        "spec: {transformer: {}}\n"
        "---\n"  # 5
        "apiVersion: v1\n"
        "kind: List\n"
        "items:\n"
        "  - apiVersion: apps/v1\n"
        "    kind: Deployment\n"  # 10
        "    metadata: {namespace: x}\n"
        "  - apiVersion: apps/v1\n"
        "    kind: Deployment\n"
        "    metadata: {name: no-template}\n"
        "    spec: {replicas: 1}\n"  # 15
        "---\n"
        "apiVersion: mlops.seldon.io/v1alpha1\n"
        "kind: Model\n"
        "metadata: {name: no-uri}\n"
        "spec: {requirements: [sklearn]}\n"  # 20
        "---\n"
        "helm: values\n"
        "---\n"
        "key: [unclosed\n"
    )
    records, problems = read_bytes(text.encode(), "m.yaml")
    assert records == []
    shown = [p.format() for p in problems]
    assert shown == [
        "m.yaml:4:7: error: InferenceService 'no-predictor' has no `spec.predictor` mapping [unreadable]",
        "m.yaml:11:15: error: Deployment without `metadata.name` [unreadable]",
        "m.yaml:15:11: error: Deployment 'no-template' has no pod template at spec.template.spec [unreadable]",
        "m.yaml:20:7: error: Model 'no-uri' has no `spec.storageUri` [unreadable]",
        "m.yaml:22:1: info: skipped: not a Kubernetes object, Prometheus rule file, Compose "
        "file, compiled Kubeflow pipeline or MLflow registry answer [unreadable]",
        "m.yaml:25:1: error: YAML syntax error: did not find expected ',' or ']' (while "
        "parsing a flow sequence)",
    ]


def test_an_unreadable_object_fails_the_run(work: Path) -> None:
    (work / "cluster" / "broken.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n", encoding="utf-8"
    )
    code, out = drift("fraud.yaml", *AGAINST)
    assert code == 1
    assert "cluster/broken.yaml:1:1: error: Deployment 'x' has no pod template" in out


def test_the_bundled_specs_are_in_sync_with_their_manifests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    code, out = drift("specs", "--against", "manifests", "--exit-code")
    assert code == 0, out
    assert out.endswith(": in sync\n"), out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=300),
        st.lists(
            st.sampled_from(
                [
                    "apiVersion: v1\n",
                    "apiVersion: serving.kserve.io/v1beta1\n",
                    "apiVersion: mlops.seldon.io/v1alpha1\n",
                    "kind: InferenceService\n",
                    "kind: List\n",
                    "kind: Model\n",
                    "kind: Pipeline\n",
                    "kind: PrometheusRule\n",
                    "items: [1, {kind: Job}, []]\n",
                    "metadata: {name: x}\n",
                    "metadata: 3\n",
                    "spec: {predictor: []}\n",
                    "spec: {groups: [{name: g, rules: [{alert: 1}]}]}\n",
                    "groups: [{rules: 2}]\n",
                    "services: {a: {depends_on: 7}}\n",
                    "pipelineInfo: {name: p}\nroot: {dag: {tasks: {t: 5}}}\n",
                    "registered_models: [{name: m, aliases: 3}]\n",
                    "model_versions: {}\n",
                    "---\n",
                    "&a [*a]\n",
                    "- x\n",
                    ": :\n",
                ]
            ),
            max_size=8,
        ).map(lambda parts: "".join(parts).encode()),
    )
)
def test_no_manifest_makes_the_readers_raise(raw: bytes) -> None:
    records, problems = read_bytes(raw, "m.yaml")
    assert all(p.path == "m.yaml" and p.line >= 1 for p in problems)
    assert all(r.file == "m.yaml" and r.kind and r.name for r in records)


def test_the_readme_shows_real_drift_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's example is this run: a shadow InferenceService nobody declared, the
    champion alias moved, and a procedure naming an alert that was renamed."""
    shutil.copytree(FIXTURES / "cluster", tmp_path / "deploy")
    shutil.copytree(FIXTURES / "registry", tmp_path / "registry")
    (tmp_path / "specs").mkdir()
    shutil.copy(FIXTURES / "fraud.yaml", tmp_path / "specs" / "fraud.yaml")
    monkeypatch.chdir(tmp_path)
    edit(Path("specs/fraud.yaml"), "alerts: [MlflowDown]", "alerts: [MlflowUnreachable]")
    kserve = Path("deploy/kserve.yaml")
    kserve.write_text(
        kserve.read_text(encoding="utf-8")
        + "---\napiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n"
        "  name: fraud-scorer-shadow\n  namespace: risk-prod\nspec:\n  predictor:\n    model:\n"
        "      modelFormat: {name: sklearn}\n"
        "      storageUri: s3://models/fraud-scorer/8/artifacts/model\n",
        encoding="utf-8",
    )
    for name in ("registered-models.json", "model-versions.json"):
        path = Path("registry", name)
        text = path.read_text(encoding="utf-8")
        text = text.replace(
            '"alias": "champion", "version": "7"', '"alias": "champion", "version": "8"'
        )
        text = text.replace('"aliases": ["champion"]', '"aliases": []')
        path.write_text(text.replace('"aliases": ["challenger"]', '"aliases": ["champion"]'))
    code, out = drift("specs", "--against", "deploy", "--against", "registry", "--exit-code")
    assert code == 1
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.partition(
        "$ mlopsdiag drift specs --against deploy --against registry --exit-code\n"
    )[2]
    assert shown.startswith(out), "README.md's drift example is stale"


@pytest.mark.parametrize("code", list(CODES))
def test_every_code_is_explained_and_documented(code: str) -> None:
    result = CliRunner().invoke(main_group, ["explain", code], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output.startswith(f"{code} ({CODES[code].severity.value}, mlopsdiag drift): ")
    assert "Found when:" in result.output and "How to fix it:" in result.output
    guide = (ROOT / "docs" / "guide" / "drift.md").read_text(encoding="utf-8")
    assert f"### {code} {{ #{code} }}" in guide


def test_a_manifest_without_namespace_matches_a_binding_with_one(work: Path) -> None:
    """Manifests kept in Git often leave the namespace to `kubectl -n` or kustomize."""
    edit(work / "cluster" / "jobs.yaml", "  namespace: risk-prod\n", "")
    code, out = drift("fraud.yaml", *AGAINST, "--exit-code")
    assert (code, out.splitlines()[-1]) == (
        0,
        "drift: 1 spec against 18 objects read from 9 files: in sync",
    )
    edit(
        work / "fraud.yaml",
        "name: drift-check, namespace: risk-prod",
        "name: drift-check, namespace: other",
    )
    code, out = drift("fraud.yaml", *AGAINST, "--exit-code")
    assert code == 0  # still the same object: the manifest does not say where it goes


def test_tasks_inside_sub_pipelines_and_conditions_are_tasks_of_the_pipeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Compiled by the real kfp compiler (scripts/make_pipelines.py): a sub-pipeline (clean,
    # then split) feeds fit, and publish runs inside a condition after fit.
    nested = FIXTURES / "nested"
    reading = read_paths([nested])
    assert reading.problems == []
    tasks = {r.name: r for r in reading.records if r.kind == "kfp-task"}
    assert {n: (r.parent, r.depends_on) for n, r in tasks.items()} == {
        "clean": ("nested-training", ()),
        "split": ("nested-training", ("clean",)),
        "fit": ("nested-training", ("split",)),
        "publish": ("nested-training", ("fit",)),
    }
    compiled = nested / "nested-training.yaml"
    assert tasks["split"].line == line_of(compiled, "        split:")
    assert tasks["publish"].line == line_of(compiled, "        publish:")
    assert tasks["publish"].images == ("python:3.11",)
    # A spec bound to the inner tasks is in sync with the pipeline.
    spec = tmp_path / "nested.yaml"
    bound = "\n".join(
        f"  - id: {task}\n    group: training\n"
        f"    deployed: {{kind: kfp-task, name: {task}, pipeline: nested-training}}"
        for task in tasks
    )
    spec.write_text(
        "apiVersion: mlopsdiag/v1\nkind: Architecture\nmetadata:\n  name: nested\n  title: Nested\n"
        "groups:\n  - id: training\n    tool: kubeflow\n"
        "    deployed: {kind: kfp-pipeline, name: nested-training}\n"
        f"components:\n{bound}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    code, output = drift(str(spec), "--against", str(nested))
    assert (code, output) == (0, "drift: 1 spec against 5 objects read from 1 file: in sync\n")


def test_a_dag_that_runs_itself_is_positioned() -> None:
    pipeline = (
        b"pipelineInfo: {name: loop}\n"
        b"components:\n"
        b"  comp-again:\n"
        b"    dag:\n"
        b"      tasks:\n"
        b"        again: {componentRef: {name: comp-again}}\n"
        b"root:\n"
        b"  dag:\n"
        b"    tasks:\n"
        b"      again: {componentRef: {name: comp-again}}\n"
    )
    records, problems = read_bytes(pipeline, "loop.yaml")
    assert [p.format() for p in problems] == [
        "loop.yaml:6:16: error: task 'again' runs its own DAG 'comp-again' again [unreadable]"
    ]
    assert [(r.kind, r.name) for r in records] == [("kfp-pipeline", "loop")]
