"""Pictures laid out for the width they are shown at: the candidate layouts, how wide a
picture may be and still read, and the width setting (CLI option and config)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlopsdiag.cli import main_group
from mlopsdiag.config import load_config
from mlopsdiag.render.fit import by_shape, candidates, draw_fitted_view, readable_width
from mlopsdiag.render.output import natural_width
from mlopsdiag.render.runner import render_settings
from mlopsdiag.render.scene import build_scene
from mlopsdiag.render.styles import NARROW_LABEL_WIDTH, SITE_WIDTH
from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.validate import validate_paths

ROOT = Path(__file__).resolve().parent.parent
LONG_CHAIN = ROOT / "tests" / "cases" / "pictures" / "long-chain.yaml"


def _long_chain() -> Architecture:
    (result,) = validate_paths([LONG_CHAIN])
    assert result.architecture is not None
    return result.architecture


def test_readable_width_follows_the_place_and_the_text_size() -> None:
    arch = _long_chain()
    scene = build_scene(arch, arch.all_views()[0])
    assert scene.width == SITE_WIDTH == 768
    # Arrow labels (12 pt = 16 px) may shrink to 10 px: 1.6 times the width.
    assert readable_width(scene) == pytest.approx(768 * 1.6)
    assert readable_width(dataclasses.replace(scene, width=1200)) == pytest.approx(1200 * 1.6)
    # The smallest text (10 pt = 13.3 px at least) may not shrink under 8 px.
    small = dataclasses.replace(scene, text_size=11)
    assert readable_width(small) == pytest.approx(768 * min(10 * 4 / 3 / 10, 10 * 4 / 3 / 8))


def test_candidates_go_from_the_specs_direction_to_top_down_and_narrow() -> None:
    arch = _long_chain()
    scene = dataclasses.replace(build_scene(arch, arch.all_views()[0]), direction="LR")
    tried = list(candidates(scene))
    assert [s.direction for s in tried] == ["LR", "TB", "TB", "TB"]
    assert tried[0] is scene
    assert tried[2].label_width == NARROW_LABEL_WIDTH < tried[1].label_width
    assert tried[3].spacing < tried[2].spacing < tried[1].spacing
    assert tried[3].label_width < tried[2].label_width
    down = dataclasses.replace(scene, direction="TB")
    assert [s.direction for s in candidates(down)] == ["TB", "TB", "TB"]


def test_a_picture_too_large_to_measure_is_laid_out_by_its_shape() -> None:
    arch = _long_chain()
    scene = dataclasses.replace(build_scene(arch, arch.all_views()[0]), direction="LR")
    assert by_shape(scene, layers=12, breadth=3).direction == "TB"
    assert by_shape(scene, layers=2, breadth=9) is scene


@pytest.mark.graphviz
def test_a_long_chain_runs_down_the_page_unless_the_place_is_wide() -> None:
    arch = _long_chain()
    view = arch.all_views()[0]
    narrow = draw_fitted_view(arch, view)
    assert "rankdir=TB" in narrow.source
    width = natural_width(narrow.source, narrow.icons, 60)
    assert width is not None and width <= readable_width(build_scene(arch, view))
    # Drawn for a wide place, the spec's own direction reads and is kept.
    wide = draw_fitted_view(arch, view, width=7680)
    assert re.search(r"rankdir=(LR|RL)", wide.source)


def test_the_width_comes_from_the_option_else_the_config_else_the_site(tmp_path: Path) -> None:
    spec = tmp_path / "specs" / "x.yaml"
    spec.parent.mkdir()
    spec.write_text("", encoding="utf-8")
    assert render_settings([spec]).width == SITE_WIDTH
    config = tmp_path / "mlopsdiag-config.yaml"
    config.write_text(
        "apiVersion: mlopsdiag/v1\nkind: Config\nrender:\n  width: 1200\n", encoding="utf-8"
    )
    assert load_config(config)[0].render.width == 1200
    assert render_settings([spec]).width == 1200
    assert render_settings([spec], width=640).width == 640
    config.write_text(
        "apiVersion: mlopsdiag/v1\nkind: Config\nrender:\n  width: 12\n", encoding="utf-8"
    )
    loaded, problems = load_config(config)
    assert loaded.render.width is None
    assert any("render.width" in p.format() or "width" in p.format() for p in problems)


def test_the_cli_refuses_a_width_no_screen_has() -> None:
    result = CliRunner().invoke(main_group, ["render", "--width", "100"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "--width" in result.output
