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
    group_href,
    merge_flows,
)
from mlopsdiag.render.lanes import NO_ACTOR, has_lanes, lanes, lanes_scene
from mlopsdiag.render.pictures import picture_ids
from mlopsdiag.render.process import open_groups, process_scene, touched
from mlopsdiag.spec.model import Architecture, Flow, Loc, Process
from mlopsdiag.spec.validate import validate_paths
from render_processes import CHURN_ACTORS, CHURN_RETRAIN, with_processes
from test_render_helpers import load, write_spec

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "tests" / "cases" / "pictures" / "weekly-retrain.yaml"
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


# --------------------------------------------------------------------------- processes


def test_process_scene_shows_only_what_the_steps_touch() -> None:
    arch = case()
    weekly = process(arch, "weekly")
    assert touched(weekly) == (
        "schedule", "lake", "pipeline", "check", "train", "gate", "registry", "server", "app",
    )  # fmt: skip
    # The pipeline holds touched components, so it is a cluster around them, not a box.
    assert open_groups(arch, touched(weekly)) == ("platform", "pipeline", "serving")
    scene = process_scene(arch, weekly)
    assert scene.view.id == "process-weekly" and scene.direction == "TB"
    assert set(scene.nodes) == {
        "schedule", "lake", "check", "train", "gate", "registry", "server", "app",
        "_no_3", "_no_5",
    }  # fmt: skip
    assert "overview" not in scene.nodes and "crm-db" not in scene.nodes


def test_every_step_number_is_a_badge_on_its_arrow_or_box() -> None:
    arch = case()
    scene = process_scene(arch, process(arch, "weekly"))
    on_boxes = {m.number: n for n, node in scene.nodes.items() for m in node.marks}
    on_arrows = {m.number: (e.tail, e.head) for e in scene.edges for m in e.marks}
    assert on_boxes == {1: "schedule", 3: "check", 7: "registry"}
    assert on_arrows == {
        2: ("lake", "schedule"),  # into the pipeline: clipped at its border
        4: ("check", "train"),
        5: ("train", "gate"),
        6: ("gate", "registry"),
        8: ("registry", "server"),
        9: ("server", "app"),
    }
    assert sorted([*on_boxes, *on_arrows]) == list(range(1, 10))
    two = next(e for e in scene.edges if e.edge_id == "step-2")
    assert two.lhead == "pipeline"
    mark = scene.nodes["schedule"].marks[0]
    assert (mark.do, mark.actor, mark.manual) == ("Start the weekly run", "Pipeline bot", False)


def test_manual_steps_have_their_own_look_and_actor() -> None:
    arch = case()
    scene = process_scene(arch, process(arch, "weekly"))
    looks = {e.edge_id: e.look for e in scene.edges if e.marks}
    assert looks["step-8"] == "manual" and looks["step-9"] == "step"
    (seven,) = scene.nodes["registry"].marks
    assert seven.manual and seven.actor == "ML engineer on duty"
    assert next(e for e in scene.edges if e.edge_id == "step-6").marks[0].actor == ""
    assert scene.step_looks == ("step", "manual", "otherwise")


def test_otherwise_is_a_short_labelled_stub() -> None:
    arch = case()
    scene = process_scene(arch, process(arch, "weekly"))
    stubs = [(e.tail, e.head, e.text) for e in scene.edges if e.look == "otherwise"]
    assert stubs == [("check", "_no_3", "no"), ("gate", "_no_5", "no")]
    assert scene.nodes["_no_3"].component.name == "The run stops and posts to #ml-alerts"
    assert scene.nodes["_no_3"].look == "note"


def test_a_step_at_a_group_with_nothing_else_touched_is_a_badge_on_its_cluster() -> None:
    arch = case()
    scene = process_scene(arch, process(arch, "serve"))
    assert scene.clusters["serving"].marks[0].number == 2
    assert set(scene.nodes) == {"app", "server"}
    # Step 3 goes back up to the app that step 1 placed first.
    three = next(e for e in scene.edges if e.edge_id == "step-3")
    assert three.backwards


def test_unseen_arrows_keep_boxes_in_step_order() -> None:
    arch = case()
    scene = process_scene(arch, process(arch, "weekly"))
    order = [(e.tail, e.head) for e in scene.edges if e.look == "order"]
    # Step 2's arrow already joins the lake and the schedule (inside the pipeline).
    assert order == [("schedule", "check")]


def test_a_churn_process_built_from_the_model_draws_the_manual_promotion() -> None:
    arch = with_processes(
        load(ROOT / "specs" / "churn-kubeflow-mlflow-seldon.yaml"), CHURN_ACTORS, CHURN_RETRAIN
    )
    scene = process_scene(arch, arch.processes[0])
    manual = [m.number for e in scene.edges for m in e.marks if m.manual]
    manual += [m.number for n in scene.nodes.values() for m in n.marks if m.manual]
    assert sorted(manual) == [7, 8]


# --------------------------------------------------------------------------- lanes


def test_lanes_follow_the_actors_in_order_of_their_first_step() -> None:
    arch = case()
    weekly = process(arch, "weekly")
    assert has_lanes(weekly)
    assert lanes(weekly) == ("pipeline-bot", NO_ACTOR, "ml-engineer", "retention")
    one_actor = replace(weekly, steps=weekly.steps[:2])
    assert not has_lanes(one_actor)
    assert picture_ids(arch) == (
        "overview", "context", "process-weekly", "process-weekly-lanes", "process-serve",
        "process-serve-lanes",
    )  # fmt: skip


def test_lanes_scene_puts_each_step_in_its_actors_lane_and_marks_hand_offs() -> None:
    arch = case()
    scene = lanes_scene(arch, process(arch, "weekly"))
    assert scene.view.id == "process-weekly-lanes"
    steps = {
        lane: [n for n in c.nodes if n.startswith("step-")] for lane, c in scene.clusters.items()
    }
    assert steps == {
        "lane-pipeline-bot": ["step-1", "step-2", "step-3", "step-4", "step-5"],
        f"lane-{NO_ACTOR}": ["step-6"],
        "lane-ml-engineer": ["step-7", "step-8"],
        "lane-retention": ["step-9"],
    }
    assert scene.clusters["lane-ml-engineer"].group.name == "ML engineer on duty"
    assert scene.clusters[f"lane-{NO_ACTOR}"].group.name == "no actor named"
    joins = {e.edge_id: e.look for e in scene.edges if e.edge_id.startswith("next-")}
    assert joins == {
        "next-2": "next",
        "next-3": "next",
        "next-4": "next",
        "next-5": "next",
        "next-6": "handoff",
        "next-7": "handoff",
        "next-8": "next",
        "next-9": "handoff",
    }
    assert scene.nodes["step-7"].marks[0].manual
    assert scene.nodes["step-7"].tool_name == "at Model registry"
    assert scene.nodes["step-8"].tool_name == "Model registry → Model server"
    assert scene.nodes["step-8"].href == "index.html#component-registry"
    assert "_no_3" in scene.clusters["lane-pipeline-bot"].nodes
    # Every lane runs from an unseen top to an unseen bottom, so lanes are full columns.
    for lane in lanes(process(arch, "weekly")):
        nodes = scene.clusters[f"lane-{lane}"].nodes
        assert (nodes[0], nodes[-1]) == (f"_top_{lane}", f"_bottom_{lane}")


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


@cache
def rendered() -> dict[str, dict[str, bytes]]:
    """Every bundled spec (and the picture case) rendered as SVG: spec name -> picture -> SVG."""
    import tempfile

    out = Path(tempfile.mkdtemp(prefix="mlopsdiag-pictures-"))
    report = render_specs([ROOT / "specs", CASE], out, ["svg"], jobs=2)
    assert not report.failed()
    return {
        name: {p.stem: p.read_bytes() for p in files if p.suffix == ".svg"}
        for name, files in report.outputs.items()
    }


def readable_pictures() -> list[tuple[str, str]]:
    specs = [r.architecture for r in validate_paths([ROOT / "specs", CASE]) if r.architecture]
    return [
        (arch.name, picture)
        for arch in specs
        for picture in picture_ids(arch)
        if picture == "context" or picture.startswith("process-")
    ]


@pytest.mark.graphviz
@pytest.mark.parametrize(("name", "picture"), readable_pictures())
def test_pictures_read_at_the_page_width(name: str, picture: str) -> None:
    width, height, text_px = measure(rendered()[name][picture])
    assert text_px >= MIN_TEXT_PX, (
        f"{name}/{picture}.svg: most text is {text_px:.1f} px at {PAGE_WIDTH} px wide "
        f"({width:.0f} x {height:.0f} pt)"
    )
    if picture == "context":
        aspect = max(width / height, height / width)
        assert aspect <= MAX_ASPECT, f"{name}/context.svg is {width:.0f} x {height:.0f} pt"


def test_measure_reads_size_and_text(tmp_path: Path) -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="1600pt" height="400pt" '
        b'viewBox="0.00 0.00 1600.00 400.00"><text font-size="12.00">a</text>'
        b'<text font-size="12.00">b</text><text font-size="16.00">c</text></svg>'
    )
    assert measure(svg) == (1600.0, 400.0, 6.0)  # 12 pt at half size
