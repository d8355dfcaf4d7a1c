"""`mlopsdiag diff`: case folders with golden outputs, the comparison's properties, redaction,
the table of compared fields, and the command's arguments and exit codes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mlopsdiag.cli import DIFF_FORMATS, main_group
from mlopsdiag.diff import FORMATS, diff_models, diff_paths, render_diff
from mlopsdiag.diff.compare import COLLECTIONS, compare_findings, model_fields, place_of
from mlopsdiag.diff.model import REDACTED, DiffResult, Finding
from mlopsdiag.spec import model as m
from mlopsdiag.spec.validate import validate_paths

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).parent / "cases" / "diff"
SPECS = sorted((ROOT / "specs").glob("*.yaml"))
REFERENCE_DATE = "2026-11-26"
SUFFIX = {"text": "txt", "markdown": "md", "json": "json"}


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main_group, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@functools.cache
def model(path: Path) -> m.Architecture:
    [result] = validate_paths([path])
    assert result.architecture is not None, [d.format() for d in result.diagnostics]
    return result.architecture


# --------------------------------------------------------------------------- case folders


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_case(case: str, fmt: str, update_goldens: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = CASES / case
    monkeypatch.chdir(folder)
    code, out, err = run_cli(
        "diff", "old.yaml", "new.yaml", "--format", fmt, "--reference-date", REFERENCE_DATE
    )
    assert (code, err) == (0, "")
    golden = folder / f"expected.{SUFFIX[fmt]}"
    if update_goldens:
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")
    if fmt == "json":
        payload = json.loads(out)
        assert payload["differences"] == (case != "unchanged")


def test_formats_of_the_command_are_the_registry() -> None:
    assert tuple(FORMATS) == DIFF_FORMATS


def test_exit_code_reports_differences(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "elements")
    assert run_cli("diff", "old.yaml", "new.yaml", "--exit-code")[0] == 1
    assert run_cli("diff", "old.yaml", "new.yaml")[0] == 0
    assert run_cli("diff", "old.yaml", "old.yaml", "--exit-code")[0] == 0


def test_moved_finding_is_not_new(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "moved-finding")
    payload = json.loads(run_cli("diff", "old.yaml", "new.yaml", "--format", "json")[1])
    [arch] = payload["architectures"]
    # `lonely` is an orphan on both sides, on another line after the change: not new.
    assert [f["place"] for f in arch["findings"]["new"]] == ["components[spare]"]
    assert arch["findings"]["resolved"] == []


def test_reworded_and_reordered_findings_are_the_same_findings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(CASES / "reworded-finding")
    payload = json.loads(run_cli("diff", "old.yaml", "new.yaml", "--format", "json")[1])
    [arch] = payload["architectures"]
    assert arch["findings"] == {"new": [], "resolved": []}
    assert {c["key"] for c in arch["changes"]} == {"registry-admin", "rollback"}
    # and the other way round
    payload = json.loads(run_cli("diff", "new.yaml", "old.yaml", "--format", "json")[1])
    assert payload["architectures"][0]["findings"] == {"new": [], "resolved": []}


def _finding(place: str, message: str, rule: str = "access-single-grantor") -> Finding:
    return Finding(rule, "warning", place, message, "x.yaml", 1, 1)


def test_findings_pair_by_rule_and_place_exact_words_first() -> None:
    here, there = "runbook.procedures[rollback].needs[a]", "components[b]"
    old = [_finding(here, "one"), _finding(here, "two"), _finding(there, "same")]
    new = [
        _finding(here, "two"),  # the same words pair with each other, not in list order
        _finding(here, "one, reworded"),  # then the rest at that place, in order
        _finding(here, "a third at the same place"),  # one more than before: new
        _finding(there, "same", rule="orphan-component"),  # another rule: not the same finding
    ]
    fresh, gone = compare_findings(old, new)
    assert [f.message for f in fresh] == ["a third at the same place", "same"]
    assert [(f.rule, f.message) for f in gone] == [("access-single-grantor", "same")]
    backward_fresh, backward_gone = compare_findings(new, old)
    assert (backward_fresh, backward_gone) == (gone, fresh)


def test_place_names_ids_inside_an_element() -> None:
    arch = model(CASES / "reworded-finding" / "new.yaml")
    assert place_of(arch, "runbook.procedures[0].needs[1]") == (
        "runbook.procedures[rollback].needs[registry-admin]"
    )
    assert place_of(arch, "runbook.procedures[0].steps[0]") == (
        "runbook.procedures[rollback].steps[Move the previous version back to Production]"
    )
    steps = model(CASES / "process-steps" / "new.yaml")
    assert place_of(steps, "processes[0].steps[2].do") == (
        "processes[retrain].steps[Fit the model].do"
    )
    assert (
        place_of(arch, "runbook.procedures[0].needs[9]") == "runbook.procedures[rollback].needs[9]"
    )


def test_a_step_finding_follows_its_step_when_a_step_is_inserted(tmp_path: Path) -> None:
    old = (ROOT / "tests" / "cases" / "lint" / "step-without-actor" / "fires.yaml").read_text(
        encoding="utf-8"
    )
    first = "      - {do: Ask for the account's score, from: app, to: features, by: agent}\n"
    new = old.replace(first, "      - {do: Open the account, at: app, by: agent}\n" + first)
    assert new != old
    _write(tmp_path, "old.yaml", old)
    _write(tmp_path, "new.yaml", new)
    run = diff_paths(
        [tmp_path / "old.yaml"],
        [tmp_path / "new.yaml"],
        old_label="old",
        new_label="new",
        reference_date=dt.date(2026, 11, 26),
    )
    assert run.result is not None
    [arch] = run.result.architectures
    # Steps 2 and 3 became 3 and 4 and their messages say so; they are the same findings.
    assert (arch.findings_new, arch.findings_resolved) == ((), ())
    [change] = arch.changes
    assert [(s.status, s.new_number) for s in change.steps] == [("added", 1)]


def test_process_steps_added_removed_moved_handed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "process-steps")
    payload = json.loads(run_cli("diff", "old.yaml", "new.yaml", "--format", "json")[1])
    [arch] = payload["architectures"]
    [change] = arch["changes"]
    steps = {(s["status"], s["old_number"], s["new_number"]): s for s in change["steps"]}
    assert set(steps) == {
        ("changed", 1, 1),  # handed from the analyst to the scheduler
        ("changed", 2, 2),  # reworded where it happens: the same step
        ("removed", 3, None),
        ("changed", 7, 5),  # moved before the promotion
        ("added", None, 7),
    }
    assert steps[("changed", 1, 1)]["handed_over"] is True
    assert steps[("changed", 1, 1)]["fields"] == [
        {"field": "by", "old": "analyst", "new": "scheduler"}
    ]
    assert steps[("changed", 7, 5)]["moved"] is True
    assert steps[("changed", 7, 5)]["fields"] == []
    assert [s["moved"] for s in change["steps"]].count(True) == 1  # renumbering is not moving
    forward = _plain_json(diff_models([model(Path("old.yaml"))], [model(Path("new.yaml"))]))
    backward = _plain_json(diff_models([model(Path("new.yaml"))], [model(Path("old.yaml"))]))
    assert _canonical(backward) == _canonical(_mirror(forward))


def test_steps_in_another_order_only() -> None:
    old = model(CASES / "process-steps" / "old.yaml")
    [process] = old.processes
    swapped = dataclasses.replace(
        process, steps=(process.steps[1], process.steps[0], *process.steps[2:])
    )
    new = dataclasses.replace(old, processes=(swapped,))
    [arch] = diff_models([old], [new]).architectures
    [change] = arch.changes
    assert [(s.status, s.old_number, s.new_number, s.moved) for s in change.steps] == [
        ("changed", 1, 2, True)  # of two equal choices, the step later in the alphabet
    ]
    text = render_diff("text", diff_models([old], [new]))
    assert "~ step 2: Pull the last two years of sales (warehouse → checks)\n" in text
    assert "\n            moved: was step 1\n" in text


def test_rename_carries_flows_and_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "elements")
    payload = json.loads(run_cli("diff", "old.yaml", "new.yaml", "--format", "json")[1])
    [arch] = payload["architectures"]
    renamed = [c for c in arch["changes"] if c["status"] == "renamed"]
    assert [(c["renamed_from"], c["key"]) for c in renamed] == [("trainer", "ranker-training")]
    flows = {c["key"]: c["status"] for c in arch["changes"] if c["collection"] == "flows"}
    assert flows["ranker-training → tracker (metrics)"] == "changed"
    assert "events → ranker-training (data)" not in flows
    rules = {f["rule"] for f in arch["findings"]["new"] + arch["findings"]["resolved"]}
    assert "training-without-data-validation" not in rules


def test_markdown_keeps_spec_text_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    import markdown

    monkeypatch.chdir(CASES / "hostile-text")
    out = run_cli("diff", "old.yaml", "new.yaml", "--format", "markdown")[1]
    html = markdown.markdown(out, extensions=["tables"])
    assert "<script" not in html and "<b>" not in html
    assert "<a " not in html and "<img" not in html
    assert "@everyone" not in out
    # Every row of the changes table has its three cells: no `|` from the spec split one.
    rows = [line for line in out.splitlines() if line.startswith("| changed |")]
    assert rows and all(len(row.replace("\\|", "").split("|")) == 5 for row in rows)


# --------------------------------------------------------------------------- folders


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_folders_match_by_name_and_report_added_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    churn = (CASES / "metadata-maturity" / "old.yaml").read_text(encoding="utf-8")
    fraud = (CASES / "runbook" / "old.yaml").read_text(encoding="utf-8")
    lead = (CASES / "moved-finding" / "old.yaml").read_text(encoding="utf-8")
    _write(tmp_path / "a", "churn.yaml", churn)
    _write(tmp_path / "a", "fraud.yaml", fraud)
    # The same architecture under another file name is the same architecture.
    _write(tmp_path / "b", "renamed-file.yaml", churn)
    _write(tmp_path / "b", "lead.yaml", lead)
    code, out, _ = run_cli("diff", "a", "b", "--format", "json", "--exit-code")
    assert code == 1
    payload = json.loads(out)
    status = {a["name"]: a["status"] for a in payload["architectures"]}
    assert status == {"fraud-scoring": "removed", "lead-scoring": "added"}
    assert payload["summary"]["architectures"] == 3
    added = next(a for a in payload["architectures"] if a["status"] == "added")
    assert {c["key"] for c in added["changes"] if c["collection"] == "components"} == {
        "notebook",
        "api",
        "lonely",
    }
    text = run_cli("diff", "a", "b")[1]
    assert "+ lead-scoring: Lead scoring (b/lead.yaml) added" in text
    assert "- fraud-scoring: Fraud scoring (a/fraud.yaml) removed" in text


def test_invalid_spec_is_reported_like_validate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    good = (CASES / "moved-finding" / "old.yaml").read_text(encoding="utf-8")
    _write(tmp_path, "old.yaml", good)
    _write(tmp_path, "new.yaml", good.replace("tool: redis", "tool: rediss"))
    code, out, err = run_cli("diff", "old.yaml", "new.yaml")
    assert code == 1
    assert out == ""
    assert err.splitlines()[0].startswith("new.yaml:16:11: error: components[2].tool: unknown tool")
    assert "nothing compared" in err


def test_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "a.yaml", (CASES / "moved-finding" / "old.yaml").read_text("utf-8"))
    code, _, err = run_cli("diff", "a.yaml")
    assert code == 2
    assert "give two spec files or folders" in err
    assert run_cli("diff", "a.yaml", "missing.yaml")[0] == 2


# --------------------------------------------------------------------------- properties


def _plain_json(result: DiffResult) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(render_diff("json", result))
    return payload


def _mirror(payload: dict[str, Any]) -> dict[str, Any]:
    """What the JSON of diff(A, B) says about diff(B, A)."""
    swap = {"added": "removed", "removed": "added"}
    out = dict(payload)
    summary = dict(payload["summary"])
    for a, b in (("architectures_added", "architectures_removed"),):
        summary[a], summary[b] = payload["summary"][b], payload["summary"][a]
    for a, b in (("elements_added", "elements_removed"), ("findings_new", "findings_resolved")):
        summary[a], summary[b] = payload["summary"][b], payload["summary"][a]
    out["summary"] = summary
    archs = []
    for arch in payload["architectures"]:
        changes = []
        for c in arch["changes"]:
            mirrored = dict(
                c,
                status=swap.get(c["status"], c["status"]),
                fields=[dict(f, old=f["new"], new=f["old"]) for f in c["fields"]],
            )
            if "steps" in c:
                mirrored["steps"] = [
                    dict(
                        step,
                        status=swap.get(step["status"], step["status"]),
                        old_number=step["new_number"],
                        new_number=step["old_number"],
                        fields=[dict(f, old=f["new"], new=f["old"]) for f in step["fields"]],
                    )
                    for step in c["steps"]
                ]
            if c["status"] == "renamed":
                mirrored["key"], mirrored["renamed_from"] = c["renamed_from"], c["key"]
            changes.append(mirrored)
        archs.append(
            dict(
                arch,
                status=swap.get(arch["status"], arch["status"]),
                old_path=arch["new_path"],
                new_path=arch["old_path"],
                changes=changes,
                maturity={"old": arch["maturity"]["new"], "new": arch["maturity"]["old"]},
                capabilities={
                    "gained": arch["capabilities"]["lost"],
                    "lost": arch["capabilities"]["gained"],
                },
                findings={"new": arch["findings"]["resolved"], "resolved": arch["findings"]["new"]},
            )
        )
    out["architectures"] = archs
    return out


def _canonical(payload: dict[str, Any]) -> dict[str, Any]:
    """Order-free and title-free (the title shown is the new side's)."""
    archs = []
    for arch in payload["architectures"]:
        arch = {k: v for k, v in arch.items() if k != "title"}
        for change in arch["changes"]:
            if "steps" in change:  # a kept step is shown as the new side says it
                steps = [
                    {k: v for k, v in step.items() if k != "step" or step["status"] != "changed"}
                    for step in change["steps"]
                ]
                change["steps"] = sorted(steps, key=lambda x: json.dumps(x, sort_keys=True))
        arch["changes"] = sorted(arch["changes"], key=lambda c: json.dumps(c, sort_keys=True))
        archs.append(arch)
    return dict(payload, architectures=sorted(archs, key=lambda a: a["name"]))


def _findings(arch: m.Architecture) -> list[Any]:
    from mlopsdiag.config import LintConfig
    from mlopsdiag.diff.compare import findings_of
    from mlopsdiag.lint import lint

    diagnostics = lint(arch, LintConfig(reference_date=dt.date(2026, 11, 26)))
    return findings_of(arch, diagnostics)


def _compare(old: m.Architecture, new: m.Architecture) -> DiffResult:
    return diff_models(
        [old],
        [new],
        old_findings={old.name: _findings(old)},
        new_findings={new.name: _findings(new)},
    )


@pytest.mark.parametrize("spec", SPECS, ids=[p.stem for p in SPECS])
def test_a_spec_compared_with_itself_has_no_differences(spec: Path) -> None:
    arch = model(spec)
    [result] = validate_paths([spec])  # another model of the same file: equal by value
    again = result.architecture
    assert again is not None and again is not arch
    result = _compare(arch, again)
    assert not result.has_differences
    assert result.architectures[0].changes == ()
    for fmt in FORMATS:
        assert "No differences" in render_diff(fmt, result) or fmt == "json"


def _spec_data(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


TOOLS = ("mlflow", "kserve", "evidently", "airflow", "feast", "prometheus", "redis")


@st.composite
def edited(draw: st.DrawFn) -> tuple[Path, dict[str, Any]]:
    """A bundled spec and a valid edit of it: flows dropped or relabelled, components added,
    renamed or given another tool, process steps shuffled, dropped or handed to another
    actor, metadata changed."""
    path = draw(st.sampled_from(SPECS))
    data = _spec_data(path)
    flows = data.get("flows") or []
    # Flows that a process step moves along must stay; any other may go.
    used = {
        end
        for process in data.get("processes") or ()
        for step in process["steps"]
        for end in (step.get("from"), step.get("to"))
        if end
    }
    keep = draw(st.lists(st.booleans(), min_size=len(flows), max_size=len(flows)))
    data["flows"] = [
        f for f, k in zip(flows, keep, strict=True) if k or {f["from"], f["to"]} & used
    ] or flows[:1]
    for flow in data["flows"]:
        if draw(st.booleans()):
            flow["label"] = draw(st.sampled_from(["renamed", "x", "params & metrics"]))
    for component in data["components"]:
        change = draw(st.sampled_from(["keep", "keep", "tool", "describe"]))
        if change == "tool":
            component["tool"] = draw(st.sampled_from(TOOLS))
            component.pop("drop_capabilities", None)
        elif change == "describe":
            component["description"] = "edited"
    for i in range(draw(st.integers(0, 2))):
        data["components"].append({"id": f"extra-{i}", "tool": draw(st.sampled_from(TOOLS))})
    actors = [a["id"] for a in data.get("actors") or ()]
    for process in data.get("processes") or ():
        change = draw(st.sampled_from(["keep", "keep", "shuffle", "hand over", "drop"]))
        steps = process["steps"]
        if change == "shuffle":
            process["steps"] = draw(st.permutations(steps))
        elif change == "hand over" and actors:
            step = draw(st.sampled_from(steps))
            step["by"] = draw(st.sampled_from(actors))
        elif change == "drop" and len(steps) > 1:
            steps.pop(draw(st.integers(0, len(steps) - 1)))
    if draw(st.booleans()):
        data["metadata"]["lifecycle"] = draw(st.sampled_from(["experimental", "deprecated"]))
    if draw(st.booleans()):
        data["metadata"]["maturity"] = draw(st.sampled_from([0, 1, 2]))
    return path, data


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited())
def test_diff_a_b_mirrors_diff_b_a(tmp_path_factory: pytest.TempPathFactory, case: Any) -> None:
    path, data = case
    folder = tmp_path_factory.mktemp("edit")
    target = folder / path.name
    target.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    [result] = validate_paths([target])
    assume(result.architecture is not None)  # an edit that breaks a reference elsewhere
    a, b = model(path), result.architecture
    forward, backward = _plain_json(_compare(a, b)), _plain_json(_compare(b, a))
    assert _canonical(backward) == _canonical(_mirror(forward))


@pytest.mark.parametrize("first", SPECS[:3], ids=[p.stem for p in SPECS[:3]])
def test_two_different_specs_mirror(first: Path) -> None:
    for second in SPECS:
        a = model(first)
        b = dataclasses.replace(
            model(second), metadata=dataclasses.replace(model(second).metadata, name=a.name)
        )
        forward, backward = _plain_json(_compare(a, b)), _plain_json(_compare(b, a))
        assert _canonical(backward) == _canonical(_mirror(forward))


# --------------------------------------------------------------------------- secrets


def test_values_that_look_like_credentials_are_redacted_in_every_format() -> None:
    old = model(CASES / "runbook" / "old.yaml")
    assert old.runbook is not None
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    password = "password=Zq8#vLp2wX"
    runbook = dataclasses.replace(
        old.runbook,
        contacts=(
            dataclasses.replace(old.runbook.contacts[0], reach=f"token {token}"),
            *old.runbook.contacts[1:],
        ),
        access=(m.Access(name=f"deploy key {token}", where=password),),
        notes=(password,),
    )
    component = dataclasses.replace(old.components[0], description=password)
    new = dataclasses.replace(old, runbook=runbook, components=(component, *old.components[1:]))
    result = diff_models([old], [new])
    for fmt in FORMATS:
        out = render_diff(fmt, result)
        assert token not in out and "Zq8#vLp2wX" not in out, fmt
        assert out.count(REDACTED) >= 4, fmt


# --------------------------------------------------------------------------- the table


def test_every_model_field_is_compared_or_knowingly_ignored() -> None:
    for collection in COLLECTIONS:
        covered = {f.name for f in collection.fields} | set(collection.ignored)
        assert model_fields(collection) <= covered, collection.path
    metadata = next(c for c in COLLECTIONS if c.path == "metadata")
    names = {f.name for f in metadata.fields}
    assert {f.name for f in dataclasses.fields(m.Metadata)} - {"name"} <= names
    steps = {"from": "source", "to": "target"}
    process = next(c for c in COLLECTIONS if c.path == "processes")
    [step_field] = [f for f in process.fields if f.steps is not None]
    assert step_field.steps is not None
    compared = {steps.get(f.name, f.name) for f in step_field.steps.fields}
    assert {f.name for f in dataclasses.fields(m.Step)} - {"number", "loc"} == compared
    procedure = next(c for c in COLLECTIONS if c.path == "runbook.procedures")
    [proc_steps] = [f for f in procedure.fields if f.steps is not None]
    assert proc_steps.steps is not None
    assert {f.name for f in proc_steps.steps.fields} == {
        f.name for f in dataclasses.fields(m.ProcedureStep)
    }
    # Architecture-level fields: a collection each, or not part of the system.
    paths = {c.path.split(".")[0] for c in COLLECTIONS} | {"lint_disable", "direction"}
    not_compared = {"catalog", "source_path", "locations"}
    assert {f.name for f in dataclasses.fields(m.Architecture)} - not_compared <= paths


LOC = m.Loc("x.yaml", 1, 1)


def _step(number: int, do: str, **kw: Any) -> m.Step:
    base: dict[str, Any] = {
        "at": None,
        "source": None,
        "target": None,
        "by": "",
        "manual": False,
        "otherwise": "",
        "on_failure": "",
    }
    base.update(kw)
    return m.Step(number=number, do=do, loc=LOC, **base)


def test_actors_processes_and_procedure_details_are_compared() -> None:
    old = model(CASES / "runbook" / "old.yaml")
    assert old.runbook is not None
    actor = m.Actor(id="oncall", name="On-call engineer", kind="person", contact="", loc=LOC)
    process = m.Process(
        id="deploy",
        title="Deploy a model",
        trigger="",
        owner="oncall",
        outcome="",
        steps=(_step(1, "Register", at="registry"), _step(2, "Serve", at="scorer")),
        loc=LOC,
    )
    old = dataclasses.replace(old, actors=(actor,), processes=(process,))
    new_process = dataclasses.replace(
        process,
        steps=(
            _step(1, "Register", at="registry"),
            _step(2, "Serve", at="scorer", by="oncall", manual=True),
            _step(3, "Watch", source="scorer", target="registry"),
        ),
    )
    procedure = dataclasses.replace(
        old.runbook.procedures[0],
        needs=("mlflow-admin",),
        approver="amartin",
        step_details=(m.ProcedureStep("Find it"), m.ProcedureStep("Apply", run="kubectl apply")),
    )
    new = dataclasses.replace(
        old,
        actors=(dataclasses.replace(actor, kind="team"),),
        processes=(new_process,),
        runbook=dataclasses.replace(
            old.runbook,
            procedures=(procedure,),
            access=(dataclasses.replace(old.runbook.access[0], id="mlflow-admin"),),
        ),
        components=(
            dataclasses.replace(old.components[0], drop_capabilities=("progressive-delivery",)),
            *old.components[1:],
        ),
    )
    [arch] = diff_models([old], [new]).architectures
    seen = {(c.collection, c.key, c.status): c for c in arch.changes}
    assert seen[("actors", "oncall", "changed")].fields[0].field == "kind"
    deploy = seen[("processes", "deploy", "changed")]
    assert deploy.fields == ()
    [serve, watch] = deploy.steps
    assert (serve.status, serve.old_number, serve.new_number, serve.moved) == (
        "changed",
        2,
        2,
        False,
    )
    assert {f.field: (f.old, f.new) for f in serve.fields} == {
        "by": (None, "oncall"),
        "manual": (False, True),
    }
    assert serve.handed_over is not None and serve.handed_over.new == "oncall"
    assert (watch.status, watch.new_number, watch.step) == ("added", 3, "Watch (scorer → registry)")
    proc = {
        f.field: (f.old, f.new) for f in seen[("runbook.procedures", "rollback", "changed")].fields
    }
    assert proc["needs"] == (None, ["mlflow-admin"])
    assert proc["approver"] == (None, "amartin")
    assert proc["steps[1].do"] == ("Find the previous model version in MLflow", "Find it")
    assert proc["steps[2].run"] == (None, "kubectl apply")
    # The access entry now has an id: keyed by it, so it reads as one entry replaced.
    assert ("runbook.access", "mlflow-admin", "added") in seen
    comp = seen[("components", "scorer", "changed")]
    assert [(f.field, f.new) for f in comp.fields] == [
        ("drop_capabilities", ["progressive-delivery"])
    ]


def test_diff_paths_labels_and_problems(tmp_path: Path) -> None:
    run = diff_paths(
        [CASES / "elements" / "old.yaml"],
        [CASES / "elements" / "new.yaml"],
        old_label="before",
        new_label="after",
    )
    assert run.result is not None and not run.failed
    assert (run.result.old_label, run.result.new_label) == ("before", "after")


def test_a_removed_flow_of_a_renamed_component_keeps_its_old_ends() -> None:
    old = model(CASES / "elements" / "old.yaml")
    new = model(CASES / "elements" / "new.yaml")
    new = dataclasses.replace(new, flows=tuple(f for f in new.flows if f.source != "events"))
    [arch] = diff_models([old], [new]).architectures
    removed = [c.key for c in arch.changes if c.collection == "flows" and c.status == "removed"]
    assert "events → trainer (data)" in removed
