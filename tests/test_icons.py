"""The catalogue's own icons: they decode, logos are logos, and they read on the clusters."""

from __future__ import annotations

import importlib.util
import io
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from PIL import Image

from mlopsdiag.catalog import DATA_DIR, builtin_catalog
from mlopsdiag.render.styles import CLUSTER_COLORS

ROOT = Path(__file__).resolve().parent.parent
TOOLS = yaml.safe_load((DATA_DIR / "tools.yaml").read_text(encoding="utf-8"))["tools"]
LOGO_TOOLS = sorted(t["id"] for t in TOOLS if (t.get("icon") or {}).get("logo"))


def _make_icons() -> ModuleType:
    """scripts/make_icons.py, imported as a module."""
    name = "make_icons_under_test"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "make_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _tool(tool_id: str) -> dict[str, Any]:
    return next(t for t in TOOLS if t["id"] == tool_id)


def _rgba(image: Image.Image) -> list[tuple[int, int, int, int]]:
    data = image.convert("RGBA").tobytes()
    return [(data[i], data[i + 1], data[i + 2], data[i + 3]) for i in range(0, len(data), 4)]


def _ink(image: Image.Image) -> list[bool]:
    """Which pixels are the white drawing on the tile (logo or monogram)."""
    return [a > 128 and min(r, g, b) > 200 for r, g, b, a in _rgba(image)]


def _overlap(a: list[bool], b: list[bool]) -> float:
    """Intersection over union of two masks."""
    both = sum(x and y for x, y in zip(a, b, strict=True))
    either = sum(x or y for x, y in zip(a, b, strict=True))
    return both / either if either else 1.0


def _hex(value: str) -> tuple[int, int, int]:
    return (int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16))


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("path", sorted((DATA_DIR / "icons").glob("*.png")), ids=lambda p: p.name)
def test_every_icon_decodes(path: Path) -> None:
    with Image.open(path) as image:
        image.load()
        assert image.format == "PNG"
        assert image.size == (256, 256)
        assert image.mode == "RGBA"
        assert image.getchannel("A").getextrema() == (0, 255)  # a shape on transparency


def test_logos_are_recorded_with_licence_and_trademark_note() -> None:
    assert {"mlflow", "pytorch", "dvc", "scikit-learn", "wandb"} <= set(LOGO_TOOLS)
    for tool_id in LOGO_TOOLS:
        entry = _tool(tool_id)
        logo = entry["icon"]["logo"]
        assert logo["source"] == "Simple Icons"
        assert logo["license"] == "CC0-1.0"
        assert "trademark" in logo["trademark"] and entry["name"] in logo["trademark"]
        assert (ROOT / "scripts" / "logos" / f"{logo['slug']}.svg").is_file()
        assert entry["icon"]["file"] == f"icons/{tool_id}.png"
        icon = builtin_catalog().tools[tool_id].icon
        assert icon.file == DATA_DIR / "icons" / f"{tool_id}.png"
        assert icon.logo is not None and icon.logo.license == "CC0-1.0"
        assert icon.logo.trademark == logo["trademark"]  # shown on the tool's page


@pytest.mark.parametrize("tool_id", LOGO_TOOLS)
def test_a_logo_icon_shows_the_logo_not_a_monogram(tool_id: str) -> None:
    pytest.importorskip("resvg_py", reason="pip install -e '.[test]' installs resvg-py")
    icons = _make_icons()
    entry = _tool(tool_id)
    with Image.open(DATA_DIR / "icons" / f"{tool_id}.png") as shipped:
        ink = _ink(shipped)
    monogram_entry = {**entry, "icon": {"file": entry["icon"]["file"]}}  # no logo
    monogram = _ink(icons.tool_icon(monogram_entry))
    # The logo alone, rasterised straight from the vendored Simple Icons SVG.
    caps = entry.get("capabilities") or []
    shape = (icons.PALETTE[caps[0]] if caps else icons.GENERIC).shape
    box = round(256 * icons.LOGO_BOX[shape])
    logo = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    mask = icons.logo_mask(entry["icon"]["logo"]["slug"], box)
    logo.paste(Image.new("RGBA", (box, box), (255, 255, 255, 255)), ((256 - box) // 2,) * 2, mask)
    assert sum(ink) > 1500, "hardly any logo drawn"
    assert _overlap(ink, _ink(logo)) > 0.85, _overlap(ink, _ink(logo))
    assert _overlap(ink, monogram) < 0.5, _overlap(ink, monogram)


def test_the_mlflow_icon_reads_on_every_cluster_background() -> None:
    assert not builtin_catalog().tools["mlflow"].icon.diagrams  # not the white-lettered one
    with Image.open(DATA_DIR / "icons" / "mlflow.png") as image:
        pixels = [p[:3] for p in _rgba(image) if p[3] == 255]
    tile = Counter(pixels).most_common(1)[0][0]
    ink = max(pixels, key=_luminance)
    for cluster in (*CLUSTER_COLORS, "#FFFFFF"):
        # WCAG 2.1 non-text contrast: 3:1 between the tile and what it sits on.
        assert _contrast(tile, _hex(cluster)) >= 3, (tile, cluster)
    assert _contrast(ink, tile) >= 4.5, (ink, tile)


def test_icons_are_up_to_date_and_deterministic(tmp_path: Path) -> None:
    pytest.importorskip("resvg_py", reason="pip install -e '.[test]' installs resvg-py")
    icons = _make_icons()
    first = icons.build_all(icons.load_tools())
    again = icons.build_all(icons.load_tools())
    assert first == again
    assert icons.check(first, DATA_DIR / "icons") == 0
    with Image.open(io.BytesIO(first["mlflow.png"])) as image:
        assert image.size == (256, 256)
