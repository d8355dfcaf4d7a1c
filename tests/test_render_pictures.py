"""The context, process and lane pictures: their scenes (pure, no Graphviz) and, measured
from the rendered SVG, that they read at a page's width."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from mlopsdiag.render import render_specs
from mlopsdiag.render.context import (
    MergedFlow,
    choose_collapse,
    collapse,
    context_scene,
    element_box,
    fold_rows,
    group_href,
    layers,
    merge_flows,
)
from mlopsdiag.render.labels import clean, plain
from mlopsdiag.render.lanes import UNASSIGNED, has_lanes, lanes
from mlopsdiag.render.pictures import picture_ids
from mlopsdiag.render.process import process_scene
from mlopsdiag.spec.model import Architecture, Flow, Loc, Process
from mlopsdiag.spec.validate import validate_paths
from render_processes import CHURN_ACTORS, CHURN_RETRAIN, with_processes
from test_render_helpers import load, write_spec
from test_render_output import machine_paths

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "pictures"
CASE = CASES / "weekly-retrain.yaml"
SVG = "{http://www.w3.org/2000/svg}"


@cache
def case() -> Architecture:
    return load(CASE)


def process(arch: Architecture, process_id: str) -> Process:
    return next(p for p in arch.processes if p.id == process_id)


# --------------------------------------------------------------------------- collapsing


def test_collapse_folds_each_group_at_a_level_into_one_box(tmp_path: Path) -> None:
    arch = load(write_spec(tmp_path))  # platform > pipeline; lake and monitor outside
    top = collapse(arch, 0)
    assert top.collapsed == ("platform",) and top.open == ()
    assert top.box_of == {
        "lake": "lake",
        "prep": "platform",
        "train": "platform",
        "registry": "platform",
        "monitor": "monitor",
    }
    assert top.boxes == ("lake", "platform", "monitor")
    inner = collapse(arch, 1)
    assert inner.collapsed == ("pipeline",) and inner.open == ("platform",)
    assert inner.boxes == ("lake", "pipeline", "registry", "monitor")


def test_collapse_goes_as_deep_as_the_budget_allows(tmp_path: Path) -> None:
    arch = load(write_spec(tmp_path))
    assert choose_collapse(arch).level == 1  # 4 boxes fit the budget
    assert choose_collapse(arch, budget=3).level == 0  # top-level groups always collapse
    assert choose_collapse(arch, budget=1).boxes == ("lake", "platform", "monitor")


def test_a_group_is_drawn_as_its_box_or_its_cluster(tmp_path: Path) -> None:
    arch = load(write_spec(tmp_path))
    assert element_box(arch, collapse(arch, 0), "pipeline") == "platform"
    assert element_box(arch, collapse(arch, 1), "pipeline") == "pipeline"
    assert element_box(arch, collapse(arch, 1), "platform") == "platform"  # open: a cluster


def test_flows_between_boxes_are_merged_per_source_target_and_kind(tmp_path: Path) -> None:
    text = write_spec(tmp_path).read_text()
    text = text.replace(
        "views:",
        "  - {from: lake, to: train, label: labels}\n"
        "  - {from: lake, to: registry, label: reference data}\n"
        "  - {from: lake, to: prep, kind: metrics}\n"
        "views:",
    )
    arch = load(write_spec(tmp_path, "small", text))
    merged = merge_flows(arch, collapse(arch, 0))
    # Flows inside the platform box are not drawn; the rest, one arrow per kind.
    assert [(m.source, m.target, m.kind, len(m.flows)) for m in merged] == [
        ("lake", "platform", "data", 3),
        ("platform", "monitor", "metrics", 1),
        ("monitor", "platform", "control", 1),
        ("lake", "platform", "metrics", 1),
    ]
    assert merged[0].label == "raw rows, labels, reference data"  # short enough to combine
    assert merged[2].label == "retrain"


def test_merged_labels_are_combined_when_short_else_counted() -> None:
    def merged(*labels: str) -> MergedFlow:
        flows = tuple(
            Flow(i, "a", "b", label, "data", Loc("x", 1, 1)) for i, label in enumerate(labels)
        )
        return MergedFlow("a", "b", "data", flows)

    assert merged("rows").label == "rows"
    assert merged("").label == ""
    assert merged("rows", "labels").label == "rows, labels"
    assert merged("rows", "rows").label == "2 flows"
    assert merged("rows", "").label == "2 flows"
    assert merged("", "").label == "2 flows"
    assert merged("a long label for rows", "another long label").label == "2 flows"


def test_context_scene_shows_actors_joined_to_what_they_act_on() -> None:
    arch = case()
    scene = context_scene(arch)
    assert scene.view.id == "context"
    # Three components in the platform fit the budget one level down: the pipeline and
    # the serving group are boxes inside the open platform cluster.
    assert list(scene.clusters) == ["platform"]
    assert scene.clusters["platform"].nodes == ("pipeline", "registry", "serving")
    boxes = {n: node.look for n, node in scene.nodes.items()}
    assert boxes == {
        "pipeline-bot": "actor",
        "ml-engineer": "actor",
        "retention": "actor",
        "auditor": "actor",
        "lake": "component",
        "pipeline": "group",
        "registry": "component",
        "serving": "group",
        "app": "component",
    }
    pipeline = scene.nodes["pipeline"]
    assert pipeline.tool_name == "Kubeflow · 4 components"
    assert pipeline.href == "index.html#view-overview"
    assert scene.nodes["pipeline-bot"].icon.name == "mlopsdiag/icons/actor-automation.png"
    assert scene.nodes["auditor"].icon.name == "mlopsdiag/icons/actor-external.png"
    # An actor is joined to where its steps start (`at` or `from`), not where they end.
    acts = {(e.tail, e.head, e.lhead) for e in scene.edges if e.look == "acts"}
    assert acts == {
        ("pipeline-bot", "pipeline", None),
        ("pipeline-bot", "lake", None),
        ("pipeline-bot", "serving", None),
        ("ml-engineer", "registry", None),
        ("retention", "serving", None),
        ("retention", "app", None),
    }
    flows = [(e.tail, e.head, e.text) for e in scene.edges if e.look == "flow"]
    assert ("pipeline", "registry", "register if better") in flows
    assert scene.step_looks == ("acts",)


def test_a_collapsed_group_links_to_the_smallest_view_showing_its_members(
    tmp_path: Path,
) -> None:
    arch = load(write_spec(tmp_path))  # view `training` includes lake and pipeline
    assert group_href(arch, "pipeline") == "index.html#view-training"
    assert group_href(arch, "platform") == "index.html#view-overview"


def test_a_long_chain_is_wrapped_into_rows() -> None:
    arch = load(CASES / "long-chain.yaml")
    scene = context_scene(arch)
    chain = [c.id for c in arch.components]
    assert layers(chain, scene.edges) == [[c] for c in chain]
    assert scene.rows == (
        ("events", "land"),
        ("clean", "check"),
        ("join", "features"),
        ("train", "evaluate"),
        ("registry", "score"),
        ("warehouse",),
    )
    # Short or broad pictures stay as they are.
    assert fold_rows(chain[:4], scene.edges) == ()
    assert fold_rows(chain, scene.edges, actors=12) == ()
    assert context_scene(case()).rows == ()


# --------------------------------------------------------------------------- processes


def test_one_picture_per_process_written_under_both_names_when_in_lanes() -> None:
    arch = case()
    weekly = process(arch, "weekly")
    assert has_lanes(weekly)
    assert lanes(weekly) == ("pipeline-bot", UNASSIGNED, "ml-engineer", "retention")
    one_actor = replace(weekly, steps=weekly.steps[:2])
    assert not has_lanes(one_actor)
    # The lanes file keeps its name (links made before still work): the same picture.
    assert picture_ids(arch) == (
        "overview", "context", "process-weekly", "process-weekly-lanes", "process-serve",
        "process-serve-lanes",
    )  # fmt: skip


def test_every_step_is_a_numbered_box_joined_to_the_next_in_order() -> None:
    arch = case()
    weekly = process(arch, "weekly")
    scene = process_scene(arch, weekly)
    assert scene.view.id == "process-weekly" and scene.direction == "TB"
    steps = [n for n, node in scene.nodes.items() if node.look in ("step", "question")]
    assert steps == [f"step-{n}" for n in range(1, 10)]
    joins = [(e.tail, e.head) for e in scene.edges if e.edge_id.startswith("next-")]
    assert joins == [(f"step-{n}", f"step-{n + 1}") for n in range(1, 9)]
    for step in weekly.steps:  # the classes the page's script finds them by, and their row
        node = scene.nodes[f"step-{step.number}"]
        assert node.classes == f"step-{step.number}"
        assert node.href == f"index.html#process-weekly-step-{step.number}"
        assert node.marks[0].number == step.number
    assert scene.nodes["step-8"].tool_name == "Model registry → Model server"
    assert scene.nodes["step-7"].tool_name == "at Model registry"


def test_questions_are_diamonds_with_yes_and_no_and_plain_steps_are_not() -> None:
    arch = case()
    scene = process_scene(arch, process(arch, "weekly"))
    looks = {n: node.look for n, node in scene.nodes.items() if n.startswith("step-")}
    assert [n for n, look in looks.items() if look == "question"] == ["step-3", "step-5"]
    stubs = [(e.tail, e.head, e.text) for e in scene.edges if e.look == "otherwise"]
    assert stubs == [("step-3", "_no_3", "no"), ("step-5", "_no_5", "no")]
    assert scene.nodes["_no_3"].component.name == "The run stops and posts to #ml-alerts"
    labels = {e.edge_id: e.text for e in scene.edges if e.edge_id.startswith("next-")}
    assert labels["next-4"] == "yes" and labels["next-6"] == "yes"
    assert {labels[f"next-{n}"] for n in (2, 3, 5, 7, 8, 9)} == {""}  # no "no" without a question
    assert scene.edges[[e.edge_id for e in scene.edges].index("no-3")].classes == "of-step-3"


def test_lanes_hold_each_actors_steps_mark_hand_offs_and_name_the_unassigned_honestly() -> None:
    arch = case()
    scene = process_scene(arch, process(arch, "weekly"))
    steps = {
        lane: [n for n in c.nodes if n.startswith("step-")] for lane, c in scene.clusters.items()
    }
    assert steps == {
        "lane-pipeline-bot": ["step-1", "step-2", "step-3", "step-4", "step-5"],
        f"lane-{UNASSIGNED}": ["step-6"],
        "lane-ml-engineer": ["step-7", "step-8"],
        "lane-retention": ["step-9"],
    }
    assert scene.clusters["lane-ml-engineer"].group.name == "ML engineer on duty"
    assert scene.clusters[f"lane-{UNASSIGNED}"].group.name == "Unassigned"
    joins = {e.edge_id: e.look for e in scene.edges if e.edge_id.startswith("next-")}
    assert [k for k, look in joins.items() if look == "handoff"] == ["next-6", "next-7", "next-9"]
    assert scene.nodes["step-7"].marks[0].manual
    assert scene.nodes["step-7"].marks[0].actor == ""  # the lane says who
    assert "_no_3" in scene.clusters["lane-pipeline-bot"].nodes
    assert scene.step_looks == ("handoff", "otherwise", "manual")
    # Each lane is ranked on its own: a box as tall as its steps, not a full-height column.
    assert scene.graph_attrs == {"newrank": "false"}
    assert not [n for n in scene.nodes if n.startswith("_top_") or n.startswith("_bottom_")]


def test_one_actor_is_one_column_whose_boxes_say_who() -> None:
    arch = load(ROOT / "specs" / "churn-kubeflow-mlflow-seldon.yaml")
    # Scoring with only its first and last steps done by a named actor (the team).
    scoring = process(arch, "score-account")
    one_actor = replace(
        scoring,
        steps=tuple(s if s.by == "retention-team" else replace(s, by="") for s in scoring.steps),
    )
    scene = process_scene(arch, one_actor)
    assert scene.clusters == {}
    assert scene.view.title == "Scoring an account in the retention app"
    assert scene.nodes["step-1"].marks[0].actor == "Retention team"
    assert scene.nodes["step-2"].marks[0].actor == ""


def test_a_failure_exit_leads_to_its_runbook_procedure() -> None:
    arch = load(ROOT / "specs" / "churn-kubeflow-mlflow-seldon.yaml")
    scene = process_scene(arch, process(arch, "weekly-retrain"))
    exits = {n: node.exits for n, node in scene.nodes.items() if node.exits}
    runbook = "../../runbooks/churn-kubeflow-mlflow-seldon.html#procedure-"
    assert exits == {
        "step-3": (("Run the training pipeline by hand", runbook + "retrain"),),
        "step-7": (("Unstick a Kubeflow run", runbook + "restart-pipeline"),),
        "step-11": (("Roll back the served model to the previous version", runbook + "rollback"),),
    }
    # Step 8 asks a question; its text is never cut.
    assert scene.nodes["step-8"].look == "question"
    assert scene.nodes["step-8"].marks[0].do.endswith("calibration error under 0.03?")


def test_a_churn_process_built_from_the_model_draws_the_manual_promotion() -> None:
    arch = with_processes(
        load(ROOT / "specs" / "churn-kubeflow-mlflow-seldon.yaml"), CHURN_ACTORS, CHURN_RETRAIN
    )
    scene = process_scene(arch, arch.processes[0])
    manual = [m.number for n in scene.nodes.values() for m in n.marks if m.manual]
    assert sorted(manual) == [7, 8]


# --------------------------------------------------------------------------- readable


PAGE_WIDTH = 800
"""Width of the page column the site shows a diagram in (px)."""
MIN_TEXT_PX = 8
MAX_ASPECT = 3


def measure(svg: bytes) -> tuple[float, float, float]:
    """(width, height, most common text size in px once scaled to the page column).

    The site stretches a diagram to the column's width; a picture narrower than the column
    is measured at its natural size (1 pt = 4/3 px), never enlarged.
    """
    tree = ET.fromstring(svg)
    _, _, width, height = (float(v) for v in (tree.get("viewBox") or "").split())
    sizes = Counter(
        float(size) for text in tree.iter(f"{SVG}text") if (size := text.get("font-size"))
    )
    # The most common size; on a tie, the smaller one.
    common = max(sizes.items(), key=lambda item: (item[1], -item[0]))[0]
    scale = min(PAGE_WIDTH / width, 4 / 3)
    return width, height, common * scale


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """Every bundled spec (and the picture cases) rendered as SVG: name -> picture -> SVG."""
    out = tmp_path_factory.mktemp("pictures")
    report = render_specs([ROOT / "specs", CASES], out, ["svg"], jobs=2)
    assert not report.failed()
    return {
        name: {p.stem: p.read_bytes() for p in files if p.suffix == ".svg"}
        for name, files in report.outputs.items()
    }


def readable_pictures() -> list[tuple[str, str]]:
    specs = [r.architecture for r in validate_paths([ROOT / "specs", CASES]) if r.architecture]
    return [
        (arch.name, picture)
        for arch in specs
        for picture in picture_ids(arch)
        if picture == "context" or picture.startswith("process-")
    ]


@pytest.mark.graphviz
@pytest.mark.parametrize(("name", "picture"), readable_pictures())
def test_pictures_read_at_the_page_width(
    rendered: dict[str, dict[str, bytes]], name: str, picture: str
) -> None:
    width, height, text_px = measure(rendered[name][picture])
    assert text_px >= MIN_TEXT_PX, (
        f"{name}/{picture}.svg: most text is {text_px:.1f} px at {PAGE_WIDTH} px wide "
        f"({width:.0f} x {height:.0f} pt)"
    )
    if picture == "context":
        aspect = max(width / height, height / width)
        assert aspect <= MAX_ASPECT, f"{name}/context.svg is {width:.0f} x {height:.0f} pt"


@pytest.mark.graphviz
def test_every_step_of_every_process_is_drawn_whole(rendered: dict[str, dict[str, bytes]]) -> None:
    """No step's text, "no" branch or procedure is cut short: every word is in the picture,
    in order, and nothing ends in an ellipsis."""
    specs = [r.architecture for r in validate_paths([ROOT / "specs", CASES]) if r.architecture]
    checked = 0
    for arch in specs:
        for proc in arch.processes:
            svg = ET.fromstring(rendered[arch.name][f"process-{proc.id}"])
            for step in proc.steps:
                group = next(
                    g for g in svg.iter(f"{SVG}g") if g.get("class") == f"node step-{step.number}"
                )
                drawn = " ".join("".join(t.itertext()) for t in group.iter(f"{SVG}text"))
                assert "…" not in drawn, f"{arch.name}/{proc.id} step {step.number}: {drawn}"
                for text in (plain(step.do), plain(step.otherwise)):
                    words = " ".join(clean(text).split())
                    if text and step.otherwise == text:
                        # The "no" branch is a box of its own, beside the step.
                        notes = [
                            " ".join("".join(t.itertext()) for t in g.iter(f"{SVG}text"))
                            for g in svg.iter(f"{SVG}g")
                            if g.get("class") == f"node of-step-{step.number}"
                        ]
                        assert [words] == [" ".join(n.split()) for n in notes], arch.name
                    elif text:
                        assert words in " ".join(drawn.split()), f"{arch.name}/{proc.id}: {words}"
                checked += 1
    assert checked > 50


def test_measure_reads_size_and_text(tmp_path: Path) -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="1600pt" height="400pt" '
        b'viewBox="0.00 0.00 1600.00 400.00"><text font-size="12.00">a</text>'
        b'<text font-size="12.00">b</text><text font-size="16.00">c</text></svg>'
    )
    assert measure(svg) == (1600.0, 400.0, 6.0)  # 12 pt at half size


@pytest.mark.graphviz
def test_new_pictures_are_byte_stable_self_contained_and_link_to_the_page(
    tmp_path: Path,
) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    render_specs([CASE], one, ["svg", "png", "dot"], jobs=1)
    render_specs([CASE], two, ["svg", "png", "dot"], force=True, jobs=1)
    files = {p.relative_to(one).as_posix(): p.read_bytes() for p in one.rglob("*.*")}
    files.pop(".mlopsdiag-cache.json")
    assert files == {
        p.relative_to(two).as_posix(): p.read_bytes()
        for p in two.rglob("*.*")
        if p.name != ".mlopsdiag-cache.json"
    }
    names = {Path(f).stem for f in files}
    assert names == {"overview", *picture_ids(case())[1:]}
    for relative, data in files.items():
        for place in machine_paths():
            assert place not in data, f"{relative} contains {place.decode()}"
    xlink = "{http://www.w3.org/1999/xlink}href"
    context = ET.fromstring(files["weekly-retrain/context.svg"])
    links = {a.get(xlink) for a in context.iter(f"{SVG}a")} - {None}
    assert links == {
        "index.html#component-lake",
        "index.html#component-registry",
        "index.html#component-app",
        "index.html#view-overview",  # the collapsed groups: where their members are
    }
    process_svg = ET.fromstring(files["weekly-retrain/process-weekly.svg"])
    images = [i.get(xlink) or "" for i in process_svg.iter(f"{SVG}image")]
    assert images and all(i.startswith("data:image/png;base64,") for i in images)
    assert len(list(process_svg.iter(f"{SVG}use"))) >= 4  # lane actors, person markers
    texts = ["".join(t.itertext()) for t in process_svg.iter(f"{SVG}text")]
    # Every step number is drawn as text (so it reads in PNG too), in bold white on a badge.
    numbers = sorted(int(text) for text in texts if text.isdigit())
    assert numbers == list(range(1, 10))
    # Each step is a group the page's script finds by class, linked to its row.
    steps = {
        g.get("class"): a.get(xlink)
        for g in process_svg.iter(f"{SVG}g")
        if (g.get("class") or "").startswith("node step-")
        for a in g.iter(f"{SVG}a")
    }
    assert steps == {f"node step-{n}": f"index.html#process-weekly-step-{n}" for n in range(1, 10)}
    # One picture per process: the lanes file is the same picture.
    for ext in ("svg", "png", "dot"):
        assert (
            files[f"weekly-retrain/process-weekly-lanes.{ext}"]
            == files[f"weekly-retrain/process-weekly.{ext}"]
        )
