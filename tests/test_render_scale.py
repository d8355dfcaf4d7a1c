"""Render at scale: only the formats asked for, small SVGs, a time limit per view."""

from __future__ import annotations

import base64
import math
import re
import struct
import sys
import time
import xml.etree.ElementTree as ET
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlopsdiag.cli import main_group
from mlopsdiag.config import RENDER_FORMATS
from mlopsdiag.render import FORMATS, render_specs
from mlopsdiag.render.bundles import LARGE_BOXES
from mlopsdiag.render.context import choose_collapse, context_scene, merge_flows
from mlopsdiag.render.limits import collapses_overview, context_picture
from mlopsdiag.render.output import ICON_PIXELS_PER_UNIT, GraphvizRun
from mlopsdiag.spec.model import Architecture
from test_render_helpers import load, write_spec

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import spec_text  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"

pytestmark = pytest.mark.graphviz


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def test_config_knows_every_render_format() -> None:
    assert set(RENDER_FORMATS) == set(FORMATS)


# --------------------------------------------------------------------------- formats


def test_render_draws_svg_by_default_and_png_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_spec(Path("specs"))
    out = Path("docs/architectures/small")
    run = CliRunner()

    result = run.invoke(main_group, ["render", "--no-site"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["context.svg", "overview.svg", "training.svg"]
    svgs = {p.name: p.read_bytes() for p in out.iterdir()}

    # PNG for slides: the SVGs drawn before are kept, not deleted as stale.
    result = run.invoke(main_group, ["render", "--no-site", "--format", "png"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "context.png",
        "context.svg",
        "overview.png",
        "overview.svg",
        "training.png",
        "training.svg",
    ]
    assert {p.name: p.read_bytes() for p in out.glob("*.svg")} == svgs
    screen = png_size((out / "overview.png").read_bytes())

    # --dpi 192 doubles the pixels of the PNG and leaves the SVG's drawing as it was.
    result = run.invoke(
        main_group, ["render", "--no-site", "--format", "svg,png", "--dpi", "192", "--force"]
    )
    assert result.exit_code == 0, result.output
    sharp = png_size((out / "overview.png").read_bytes())
    assert 1.9 < sharp[0] / screen[0] < 2.1
    assert 1.9 < sharp[1] / screen[1] < 2.1
    assert {p.name: p.read_bytes() for p in out.glob("*.svg")} == svgs

    # The project's settings choose the formats when --format does not.
    Path("specs/mlopsdiag-config.yaml").write_text(
        "apiVersion: mlopsdiag/v1\nkind: Config\nrender:\n  formats: [svg, pdf]\n",
        encoding="utf-8",
    )
    result = run.invoke(main_group, ["render", "--no-site"])
    assert result.exit_code == 0, result.output
    assert (out / "overview.pdf").is_file()


def test_a_bad_render_setting_is_reported_by_validate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_spec(Path("specs"))
    Path("specs/mlopsdiag-config.yaml").write_text(
        "apiVersion: mlopsdiag/v1\nkind: Config\nrender:\n  formats: [gif]\n  dpi: 5\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main_group, ["validate", "specs"])
    assert result.exit_code == 1
    assert "specs/mlopsdiag-config.yaml:4:13: error" in result.output
    assert "specs/mlopsdiag-config.yaml:5:8: error" in result.output


# --------------------------------------------------------------------------- icons


def test_svg_icons_are_embedded_once_at_twice_their_drawn_size(tmp_path: Path) -> None:
    spec = ROOT / "specs" / "churn-kubeflow-mlflow-seldon.yaml"
    report = render_specs([spec], tmp_path / "out", ["svg"], jobs=1)
    files = [p for p in report.outputs["churn-kubeflow-mlflow-seldon"] if p.suffix == ".svg"]
    assert files
    for file in files:
        root = ET.fromstring(file.read_bytes())
        symbols = root.findall(f".//{SVG}symbol")
        ids = [s.get("id") for s in symbols]
        assert len(ids) == len(set(ids)), f"{file.name}: an icon is embedded twice"
        drawn: dict[str, float] = {}
        for use in root.iter(f"{SVG}use"):
            ref = (use.get(XLINK) or "").removeprefix("#")
            assert ref in ids, f"{file.name}: <use> of a missing icon {ref}"
            size = max(float(use.get("width") or 0), float(use.get("height") or 0))
            drawn[ref] = max(drawn.get(ref, 0.0), size)
        assert set(drawn) == set(ids), f"{file.name}: an embedded icon is never drawn"
        for symbol in symbols:
            image = symbol.find(f"{SVG}image")
            assert image is not None
            href = image.get(XLINK) or ""
            assert href.startswith("data:image/png;base64,")
            pixels = max(png_size(base64.b64decode(href.split(",", 1)[1])))
            wanted = math.ceil(drawn[str(symbol.get("id"))] * ICON_PIXELS_PER_UNIT)
            # Never more than twice the drawn size; less only where the icon file is smaller.
            assert pixels <= wanted, (file.name, symbol.get("id"), pixels, wanted)
            assert pixels >= min(wanted, 32), (file.name, symbol.get("id"), pixels, wanted)


# --------------------------------------------------------------------------- time limit


def _spec_with_a_big_view(folder: Path, components: int) -> Path:
    """A generated spec whose overview and first views are small and whose last view holds
    every component (far too much for Graphviz to lay out in a moment)."""
    text = spec_text(0, components, components * 2)
    names = ", ".join(f"c{i}" for i in range(components))
    text = text.replace(
        "views:\n",
        "views:\n  - id: overview\n    title: Overview\n    include: [g0]\n"
        f"  - id: everything\n    title: Everything\n    include: [{names}]\n",
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "big.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_view_past_the_time_limit_fails_alone_and_the_others_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _spec_with_a_big_view(Path("specs"), 1000)  # over a minute of layout alone
    write_spec(Path("specs"), "small")
    start = time.monotonic()
    result = CliRunner().invoke(
        main_group, ["render", "--no-site", "--timeout", "1", "-j", "1"], catch_exceptions=False
    )
    elapsed = time.monotonic() - start
    problems = [line for line in result.stderr.splitlines() if "view 'everything'" in line]
    assert len(problems) == 1, result.stderr
    assert re.match(
        r"specs/big\.yaml:\d+:\d+: view 'everything': Graphviz could not lay it out within 1 s",
        problems[0],
    )
    assert "render --timeout" in problems[0]
    big = Path("docs/architectures/bench-0000")
    drawn = sorted(p.name for p in big.iterdir())
    assert "overview.svg" in drawn and "first-stage.svg" in drawn and "second-stage.svg" in drawn
    if "everything.svg" in drawn:  # the collapsed context picture stands in
        assert "drew the collapsed context picture" in problems[0]
        assert result.exit_code == 0
    else:
        assert "no picture was drawn" in problems[0]
        assert result.exit_code == 1
    assert sorted(p.name for p in Path("docs/architectures/small").iterdir()) == [
        "context.svg",
        "overview.svg",
        "training.svg",
    ]
    assert not list(Path("docs/architectures").rglob("*.tmp*"))
    assert elapsed < 120


# --------------------------------------------------------------------------- big overviews


def test_an_overview_too_big_to_read_is_drawn_collapsed_and_the_page_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlopsdiag.render.limits import OVERVIEW_LIMIT
    from mlopsdiag.site import write_site

    monkeypatch.chdir(tmp_path)
    components = OVERVIEW_LIMIT + 30
    spec = Path("specs/big.yaml")
    spec.parent.mkdir()
    spec.write_text(spec_text(0, components, components), encoding="utf-8")
    report = render_specs([spec], Path("docs/architectures"), ["svg"], jobs=1)
    assert not report.problems
    overview = Path("docs/architectures/bench-0000/overview.svg").read_text(encoding="utf-8")
    boxes = overview.count('class="node"')
    assert 0 < boxes < components / 2, boxes
    arch = report.architectures[0]
    write_site([arch], Path("docs"))
    page = Path("docs/architectures/bench-0000/index.md").read_text(encoding="utf-8")
    assert "Groups drawn as single boxes" in page
    assert f"This system has {components} components" in page


# --------------------------------------------------------------------------- very large systems


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> Architecture:
    """The render bench's big case: 2,000 components and 4,000 flows."""
    folder = tmp_path_factory.mktemp("huge")
    return load(write_spec(folder, "huge", spec_text(0, 2000, 4000)))


def _many_groups(folder: Path, groups: int, per_group: int, loose: int) -> Architecture:
    """A spec of `groups` top-level groups of `per_group` components each, then `loose`
    components outside every group, joined in one chain."""
    lines = [
        "apiVersion: mlopsdiag/v1",
        "kind: Architecture",
        "metadata:",
        "  name: many",
        "  title: Many groups",
        "groups:",
    ]
    lines += [f"  - {{id: g{g}, name: Group {g}}}" for g in range(groups)]
    lines.append("components:")
    ids = []
    tools = ("kafka", "mlflow", "kserve", "prometheus")
    for g in range(groups):
        for m in range(per_group):
            ids.append(f"g{g}c{m}")
            lines.append(f"  - {{id: g{g}c{m}, tool: {tools[m % 4]}, group: g{g}}}")
    for c in range(loose):
        ids.append(f"loose{c}")
        lines.append(f"  - {{id: loose{c}, tool: {tools[c % 4]}}}")
    lines.append("flows:")
    lines += [f"  - {{from: {a}, to: {b}}}" for a, b in pairwise(ids)]
    return load(write_spec(folder, "many", "\n".join(lines) + "\n"))


def test_a_huge_system_is_drawn_as_one_box_per_lifecycle_stage(huge: Architecture) -> None:
    shape = choose_collapse(huge)
    assert shape.bundled_groups
    # Every component is in exactly one bundle; every top-level group is folded into one.
    held = [c for b in shape.bundles.values() for c in b.components]
    assert sorted(held) == sorted(c.id for c in huge.components)
    top = [g.id for g in huge.groups if g.parent is None and huge.members(g.id)]
    assert sorted(shape.folded) == sorted(top)
    scene = context_scene(huge)
    boxes = [n for n in scene.nodes.values() if n.look != "actor"]
    flows = [e for e in scene.edges if e.look == "flow"]
    assert 2 <= len(boxes) <= 6, [b.component.name for b in boxes]
    assert len(flows) <= len(boxes) * (len(boxes) - 1)  # one arrow per pair of boxes
    # The arrows count every flow between two different stages, each once.
    between = [f for f in huge.flows if shape.box_of[f.source] != shape.box_of[f.target]]
    assert sum(len(m.flows) for m in merge_flows(huge, shape)) == len(between)
    assert all(
        e.text == f"{len(m.flows)} flows"
        for e, m in zip(flows, merge_flows(huge, shape), strict=True)
        if len(m.flows) > 20
    )
    # Stages are laid out in lifecycle order: only an arrow to an earlier stage turns back.
    order = list(shape.bundles)
    assert all(e.backwards == (order.index(e.tail) > order.index(e.head)) for e in flows)
    assert scene.note.startswith("2,000 components (")
    assert "each lifecycle stage is one box" in scene.note


def test_a_huge_systems_overview_and_context_are_laid_out_in_seconds(
    huge: Architecture, tmp_path: Path
) -> None:
    view = huge.all_views()[0]
    assert collapses_overview(huge, view)
    graph = context_picture(huge)
    run = GraphvizRun(graph.source, graph.icons, ("svg",), tmp_path, timeout=30)
    svg = run.result("test")["svg"].decode("utf-8")
    root = ET.fromstring(svg)
    nodes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
    assert len(nodes) == len(choose_collapse(huge).bundles) + len(huge.actors)
    # What was bundled is said on the picture, under its title.
    text = " ".join((t.text or "").strip() for t in root.iter(f"{SVG}text"))
    assert "Synthetic system 0: context 2,000 components (" in text
    assert "too many to draw one by one" in text


def test_components_outside_groups_are_bundled_before_the_groups(tmp_path: Path) -> None:
    arch = _many_groups(tmp_path, groups=30, per_group=3, loose=60)
    shape = choose_collapse(arch)
    assert not shape.bundled_groups
    assert shape.collapsed == tuple(f"g{g}" for g in range(30))  # each group still a box
    assert all(not b.groups for b in shape.bundles.values())
    assert sum(b.loose for b in shape.bundles.values()) == 60
    assert len(shape.boxes) == 30 + len(shape.bundles) <= LARGE_BOXES
    assert all(b.name.endswith(": ungrouped") for b in shape.bundles.values())
    assert "the 60 components outside any group are bundled" in context_scene(arch).note
    # One group more than a picture holds: the groups are bundled too.
    crowded = _many_groups(tmp_path / "crowded", groups=LARGE_BOXES + 1, per_group=2, loose=0)
    assert choose_collapse(crowded).bundled_groups


def test_systems_that_fit_are_not_bundled() -> None:
    for spec in sorted((ROOT / "specs").glob("*.yaml")):
        arch = load(spec)
        shape = choose_collapse(arch)
        assert not shape.bundles, spec.name
        assert context_scene(arch).note == "", spec.name


def test_bundled_arrows_take_the_kind_most_of_their_flows_have(huge: Architecture) -> None:
    shape = choose_collapse(huge)
    for merged in merge_flows(huge, shape):
        kinds = [f.kind for f in merged.flows]
        assert kinds.count(merged.kind) == max(kinds.count(k) for k in set(kinds))
