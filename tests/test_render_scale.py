"""Render at scale: only the formats asked for, small SVGs, a time limit per view."""

from __future__ import annotations

import base64
import math
import re
import struct
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlopsdiag.cli import main_group
from mlopsdiag.lint.config import RENDER_FORMATS
from mlopsdiag.render import FORMATS, render_specs
from mlopsdiag.render.output import ICON_PIXELS_PER_UNIT
from test_render_helpers import write_spec

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
    _spec_with_a_big_view(Path("specs"), 400)
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
