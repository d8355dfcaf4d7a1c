#!/usr/bin/env python3
"""Draw mlopsdiag's own icons into generator/mlopsdiag/catalog/icons/.

The icons are the project's own drawings; the only logos used are the CC0 ones of the
Simple Icons project that tools.yaml names (with their trademark note):

* one per catalogue tool whose ``icon`` is ``file: icons/<id>.png`` in tools.yaml: a shape
  whose form and colour encode the tool's MAIN (first) capability, with a short monogram;
  or, where the entry names a ``logo`` from Simple Icons (CC0), that logo in white instead
  of the monogram, on the same shape (the tile keeps it readable on light and dark
  clusters alike);
* one per taxonomy capability, ``icons/capability-<id>.png``: the same shape and colour with
  a simple white pictogram (used for components that have no tool);
* ``icons/generic.png`` for a component with neither a tool nor a capability;
* one per actor kind, ``icons/actor-<kind>.png`` (person, team, automation, external): a
  circle in the actor's colour with a white figure, for the context, process and lane
  diagrams.

Logos are rasterised with resvg (the pinned ``resvg-py`` wheel of the test extra, which
carries its own renderer, so no system library is involved) from the SVG files vendored in
scripts/logos/: ``--update-logos`` copies them from the installed mkdocs-material, which
ships Simple Icons. Output is byte-deterministic for a given Pillow and resvg build: no
metadata, no timestamps, fixed compression settings. ``--check`` compares what it would write with what is on disk (bytes,
or decoded pixels when only the zlib build differs) and exits 1 on any difference.

Usage::

    python scripts/make_icons.py            # (re)write the icons
    python scripts/make_icons.py --check    # verify the committed icons are up to date
    python scripts/make_icons.py --update-logos   # refresh scripts/logos/ from mkdocs-material
"""

from __future__ import annotations

import argparse
import io
import itertools
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parent.parent
CATALOG_DIR = REPO / "generator" / "mlopsdiag" / "catalog"
TOOLS_YAML = CATALOG_DIR / "tools.yaml"
ICONS_DIR = CATALOG_DIR / "icons"
FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")  # fonts-dejavu-core
LOGOS_DIR = REPO / "scripts" / "logos"
"""Simple Icons SVGs (CC0) the catalogue uses, copied from mkdocs-material by --update-logos."""
LOGO_LICENSE = "CC0-1.0"

SIZE = 256  # final icon size in pixels
SCALE = 4  # supersampling factor: draw at SIZE*SCALE, then downsample for anti-aliasing
WHITE = (255, 255, 255, 255)

RGB = tuple[int, int, int]
Point = tuple[float, float]


def _hex(value: str) -> RGB:
    return (int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16))


@dataclass(frozen=True)
class Style:
    """How one capability looks: a shape family, a fill colour and a 2-letter fallback."""

    shape: str
    color: str
    abbrev: str


# Shape families follow the lifecycle stage; each capability has its own colour in its family.
#   data (hexagon, greens/teals)            development (octagon, purples/indigo)
#   automation (rounded diamond, slates)    serving (rounded square, blues)
#   observability (circle, oranges/reds)    no capability: grey rounded square ("generic")
PALETTE: dict[str, Style] = {
    "data-ingestion": Style("hexagon", "#2E7D32", "DI"),
    "data-versioning": Style("hexagon", "#00695C", "DV"),
    "data-validation": Style("hexagon", "#558B2F", "DQ"),
    "labeling": Style("hexagon", "#00838F", "LB"),
    "feature-store": Style("hexagon", "#33691E", "FS"),
    "experiment-tracking": Style("octagon", "#5E35B1", "ET"),
    "hyperparameter-tuning": Style("octagon", "#8E24AA", "HP"),
    "training": Style("octagon", "#6A1B9A", "TR"),
    "model-validation": Style("octagon", "#4527A0", "MV"),
    "model-registry": Style("octagon", "#3949AB", "MR"),
    "orchestration": Style("diamond", "#455A64", "OR"),
    "ci-cd": Style("diamond", "#37474F", "CI"),
    "continuous-training": Style("diamond", "#546E7A", "CT"),
    "online-serving": Style("square", "#1565C0", "OS"),
    "batch-prediction": Style("square", "#0277BD", "BP"),
    "progressive-delivery": Style("square", "#283593", "PD"),
    "monitoring": Style("circle", "#E65100", "MO"),
    "alerting": Style("circle", "#C62828", "AL"),
    "feedback-collection": Style("circle", "#AD1457", "FB"),
    # LLM-era capabilities, in the same families
    "llm-serving": Style("square", "#0D47A1", "LM"),
    "embedding": Style("hexagon", "#388E3C", "EM"),
    "vector-search": Style("square", "#01579B", "VS"),
    "llm-gateway": Style("square", "#303F9F", "GW"),
    "llm-observability": Style("circle", "#EF6C00", "LO"),
    "llm-evaluation": Style("octagon", "#311B92", "LE"),
    "guardrails": Style("square", "#005B9F", "GR"),
    "prompt-registry": Style("octagon", "#512DA8", "PR"),
    "gpu-scheduling": Style("diamond", "#263238", "GS"),
}
GENERIC = Style("square", "#616161", "")

# Monograms of the tools that get a project icon; a tool not listed gets one derived from
# its display name (see monogram()).
MONOGRAMS: dict[str, str] = {
    "alertmanager": "AM",
    "argo-rollouts": "AR",
    "argo-workflows": "AW",
    "bentoml": "BML",
    "cleanlab": "CL",
    "comet": "Cm",
    "dagster": "Dg",
    "deepchecks": "DC",
    "delta-lake": "DL",
    "dvc": "DVC",
    "evidently": "Ev",
    "feast": "Fe",
    "great-expectations": "GX",
    "jupyter": "Jup",
    "katib": "Kt",
    "kserve": "KS",
    "label-studio": "LS",
    "lakefs": "LFS",
    "lightgbm": "LGB",
    "metaflow": "MF",
    "minio": "Mi",
    "optuna": "Op",
    "prefect": "Pf",
    "pytorch": "PT",
    "ray": "Ray",
    "ray-serve": "RS",
    "ray-tune": "RT",
    "scikit-learn": "SKL",
    "seldon-core": "SC",
    "snorkel": "Sn",
    "tensorboard": "TB",
    "tensorflow": "TF",
    "tfx": "TFX",
    "triton": "Tri",
    "wandb": "W&B",
    "xgboost": "XGB",
    "zenml": "Zn",
    # LLM-era tools without a Simple Icons logo (or sharing one with a sibling product)
    "arize-phoenix": "Phx",
    "deepeval": "DE",
    "guardrails-ai": "GAI",
    "iceberg": "Ice",
    "kserve-llm": "KSL",
    "kuberay": "KR",
    "kueue": "Kq",
    "langfuse": "LF",
    "litellm": "Lite",
    "llama-guard": "LG",
    "nemo-guardrails": "NeMo",
    "nvidia-dynamo": "Dyn",
    "openllmetry": "OLM",
    "pgvector": "pgv",
    "promptfoo": "pf",
    "qdrant": "Qd",
    "ragas": "Rg",
    "sglang": "SGL",
    "tgi": "TGI",
    "unity-catalog": "UC",
    "vllm": "vLLM",
    "volcano": "Vol",
    "weaviate": "Wv",
}


# --------------------------------------------------------------------------- shapes


def _regular_polygon(n: int, radius: float, rotation: float, c: float) -> list[Point]:
    return [
        (
            c + radius * math.cos(rotation + 2 * math.pi * k / n),
            c + radius * math.sin(rotation + 2 * math.pi * k / n),
        )
        for k in range(n)
    ]


def _rounded_polygon(points: Sequence[Point], radius: float, steps: int = 12) -> list[Point]:
    """Replace every corner of a convex polygon by a circular arc of the given radius."""
    out: list[Point] = []
    n = len(points)
    for i in range(n):
        p0, p1, p2 = points[i - 1], points[i], points[(i + 1) % n]
        v1 = (p0[0] - p1[0], p0[1] - p1[1])
        v2 = (p2[0] - p1[0], p2[1] - p1[1])
        l1, l2 = math.hypot(*v1), math.hypot(*v2)
        u1 = (v1[0] / l1, v1[1] / l1)
        u2 = (v2[0] / l2, v2[1] / l2)
        angle = math.acos(max(-1.0, min(1.0, u1[0] * u2[0] + u1[1] * u2[1])))
        dist = radius / math.tan(angle / 2)  # from the corner to the tangent points
        a = (p1[0] + u1[0] * dist, p1[1] + u1[1] * dist)
        b = (p1[0] + u2[0] * dist, p1[1] + u2[1] * dist)
        bis = (u1[0] + u2[0], u1[1] + u2[1])
        bl = math.hypot(*bis)
        h = radius / math.sin(angle / 2)
        centre = (p1[0] + bis[0] / bl * h, p1[1] + bis[1] / bl * h)
        start = math.atan2(a[1] - centre[1], a[0] - centre[0])
        end = math.atan2(b[1] - centre[1], b[0] - centre[0])
        sweep = end - start
        if sweep > math.pi:
            sweep -= 2 * math.pi
        elif sweep < -math.pi:
            sweep += 2 * math.pi
        for s in range(steps + 1):
            t = start + sweep * s / steps
            out.append((centre[0] + radius * math.cos(t), centre[1] + radius * math.sin(t)))
    return out


def shape_outline(shape: str, size: int) -> list[Point]:
    """The outline of a shape family, inside a size x size canvas with a small margin."""
    c = size / 2
    m = size * 0.04  # margin
    r = c - m
    if shape == "hexagon":
        pts = _regular_polygon(6, r, -math.pi / 2, c)  # pointy top
        return _rounded_polygon(pts, size * 0.07)
    if shape == "octagon":
        pts = _regular_polygon(8, r / math.cos(math.pi / 8) * 0.97, math.pi / 8, c)
        return _rounded_polygon(pts, size * 0.06)
    if shape == "diamond":
        pts = [(c, m), (size - m, c), (c, size - m), (m, c)]
        return _rounded_polygon(pts, size * 0.12)
    if shape == "square":
        s = size * 0.06
        pts = [(s, s), (size - s, s), (size - s, size - s), (s, size - s)]
        return _rounded_polygon(pts, size * 0.2)
    if shape == "circle":
        return _regular_polygon(180, r * 0.97, 0.0, c)
    raise ValueError(f"unknown shape {shape!r}")


# How much of the canvas width the monogram may use, per shape (the diamond is narrowest).
TEXT_WIDTH = {"hexagon": 0.62, "octagon": 0.64, "diamond": 0.56, "square": 0.66, "circle": 0.62}


def _shade(color: RGB, factor: float) -> RGB:
    return (
        round(color[0] * factor),
        round(color[1] * factor),
        round(color[2] * factor),
    )


def base_image(style: Style) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A supersampled canvas with the filled shape of the style."""
    big = SIZE * SCALE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    fill = _hex(style.color)
    outline = shape_outline(style.shape, big)
    draw.polygon(outline, fill=(*fill, 255))
    # A thin darker rim gives the flat shape an edge on light and dark backgrounds.
    draw.line([*outline, outline[0]], fill=(*_shade(fill, 0.78), 255), width=3 * SCALE)
    return img, draw


def finish(img: Image.Image) -> Image.Image:
    return img.resize((SIZE, SIZE), Image.Resampling.BOX)


# --------------------------------------------------------------------------- text


def load_font(px: int) -> ImageFont.FreeTypeFont:
    if not FONT_PATH.is_file():
        raise SystemExit(f"font not found: {FONT_PATH} (install the fonts-dejavu-core package)")
    return ImageFont.truetype(str(FONT_PATH), px)


def draw_monogram(img: Image.Image, draw: ImageDraw.ImageDraw, text: str, shape: str) -> None:
    big = SIZE * SCALE
    max_w = big * TEXT_WIDTH[shape]
    max_cap = big * (0.30 if len(text) <= 2 else 0.25)
    px = round(max_cap / 0.73)  # DejaVu Sans Bold cap height is ~0.73 em
    font = load_font(px)
    width = draw.textlength(text, font=font)
    if width > max_w:
        px = int(px * max_w / width)
        font = load_font(px)
        width = draw.textlength(text, font=font)
    cap_top, cap_bottom = font.getbbox("H", anchor="ls")[1], 0
    cap_h = cap_bottom - cap_top
    baseline = big / 2 + cap_h / 2
    draw.text((big / 2, baseline), text, font=font, fill=WHITE, anchor="ms")


def monogram(tool: dict[str, Any]) -> str:
    tool_id = str(tool["id"])
    if tool_id in MONOGRAMS:
        return MONOGRAMS[tool_id]
    words = [w for w in str(tool.get("name") or tool_id).replace("-", " ").split() if w]
    if len(words) >= 2:
        return "".join(w[0].upper() for w in words[:3])
    word = words[0]
    return word[:1].upper() + word[1:2].lower()


# --------------------------------------------------------------------------- pictograms
# Drawn on the supersampled canvas; coordinates are in units of the final 256 px icon.

Pictogram = Callable[[ImageDraw.ImageDraw], None]


def _p(x: float, y: float) -> Point:
    return (x * SCALE, y * SCALE)


def _line(d: ImageDraw.ImageDraw, pts: Sequence[Point], w: float = 14, caps: bool = True) -> None:
    d.line([_p(*p) for p in pts], fill=WHITE, width=round(w * SCALE), joint="curve")
    if caps:  # round caps
        r = w / 2
        for x, y in (pts[0], pts[-1]):
            d.ellipse([_p(x - r, y - r), _p(x + r, y + r)], fill=WHITE)


def _dot(d: ImageDraw.ImageDraw, x: float, y: float, r: float) -> None:
    d.ellipse([_p(x - r, y - r), _p(x + r, y + r)], fill=WHITE)


def _ring(d: ImageDraw.ImageDraw, x: float, y: float, r: float, w: float = 12) -> None:
    d.ellipse([_p(x - r, y - r), _p(x + r, y + r)], outline=WHITE, width=round(w * SCALE))


def _poly(d: ImageDraw.ImageDraw, pts: Sequence[Point]) -> None:
    d.polygon([_p(*p) for p in pts], fill=WHITE)


def _arrow(d: ImageDraw.ImageDraw, pts: Sequence[Point], w: float = 12, head: float = 30) -> None:
    """A polyline ending in a filled arrow head whose tip is the last point."""
    (x0, y0), (x1, y1) = pts[-2], pts[-1]
    angle = math.atan2(y1 - y0, x1 - x0)
    cos, sin = math.cos(angle), math.sin(angle)
    shaft_end = (x1 - cos * head * 0.7, y1 - sin * head * 0.7)
    _line(d, [*pts[:-1], shaft_end], w, caps=False)
    r = w / 2
    d.ellipse([_p(pts[0][0] - r, pts[0][1] - r), _p(pts[0][0] + r, pts[0][1] + r)], fill=WHITE)
    back = (x1 - cos * head, y1 - sin * head)
    half = head * 0.62
    side = (-sin * half, cos * half)
    _poly(
        d,
        [(x1, y1), (back[0] + side[0], back[1] + side[1]), (back[0] - side[0], back[1] - side[1])],
    )


def pict_data_ingestion(d: ImageDraw.ImageDraw) -> None:  # arrow down into a tray
    _arrow(d, [(128, 68), (128, 162)], 14, 40)
    _line(d, [(82, 148), (82, 184), (174, 184), (174, 148)])


def pict_data_versioning(d: ImageDraw.ImageDraw) -> None:  # branch: two commits and a fork
    _line(d, [(104, 78), (104, 178)])
    _line(d, [(160, 104), (160, 122), (104, 150)])
    _dot(d, 104, 78, 15)
    _dot(d, 104, 178, 15)
    _dot(d, 160, 96, 15)


def pict_data_validation(d: ImageDraw.ImageDraw) -> None:  # funnel
    _poly(d, [(76, 80), (180, 80), (142, 128), (142, 176), (114, 190), (114, 128)])


def pict_labeling(d: ImageDraw.ImageDraw) -> None:  # price tag with a hole
    _poly(d, [(80, 84), (136, 84), (184, 132), (136, 180), (80, 124)])
    d.ellipse([_p(94, 98), _p(114, 118)], fill=(*_hex(PALETTE["labeling"].color), 255))


def pict_feature_store(d: ImageDraw.ImageDraw) -> None:  # 3x3 grid of feature cells
    for row in range(3):
        for col in range(3):
            x, y = 84 + col * 32, 84 + row * 32
            d.rounded_rectangle([_p(x, y), _p(x + 24, y + 24)], radius=4 * SCALE, fill=WHITE)


def pict_experiment_tracking(d: ImageDraw.ImageDraw) -> None:  # line chart on axes
    _line(d, [(78, 76), (78, 178), (182, 178)], 10)
    _line(d, [(96, 156), (122, 128), (144, 140), (174, 94)], 12)


def pict_hyperparameter_tuning(d: ImageDraw.ImageDraw) -> None:  # three sliders
    for x, knob in ((92, 150), (128, 100), (164, 130)):
        _line(d, [(x, 78), (x, 178)], 8)
        _dot(d, x, knob, 15)


def pict_training(d: ImageDraw.ImageDraw) -> None:  # small neural network
    layers = [[(84, 96), (84, 160)], [(128, 80), (128, 128), (128, 176)], [(172, 128)]]
    for a, b in itertools.pairwise(layers):
        for p in a:
            for q in b:
                _line(d, [p, q], 5)
    for layer in layers:
        for x, y in layer:
            _dot(d, x, y, 14)


def pict_model_validation(d: ImageDraw.ImageDraw) -> None:  # check mark
    _line(d, [(84, 132), (114, 162), (174, 96)], 20)


def pict_model_registry(d: ImageDraw.ImageDraw) -> None:  # a package (isometric box)
    top = [(128, 76), (178, 102), (128, 128), (78, 102)]
    _line(d, [*top, top[0]], 10)
    _line(d, [(78, 102), (78, 156), (128, 182), (178, 156), (178, 102)], 10)
    _line(d, [(128, 128), (128, 182)], 10)


def pict_orchestration(d: ImageDraw.ImageDraw) -> None:  # DAG: one node fanning out to two
    _line(d, [(100, 128), (156, 98)], 8)
    _line(d, [(100, 128), (156, 158)], 8)
    _dot(d, 96, 128, 18)
    _dot(d, 160, 96, 16)
    _dot(d, 160, 160, 16)


def pict_ci_cd(d: ImageDraw.ImageDraw) -> None:  # infinity loop
    pts: list[Point] = []
    for k in range(121):
        t = 2 * math.pi * k / 120
        den = 1 + math.sin(t) ** 2
        pts.append((128 + 58 * math.cos(t) / den, 128 + 58 * math.sin(t) * math.cos(t) / den))
    _line(d, pts, 13)


def pict_continuous_training(d: ImageDraw.ImageDraw) -> None:  # circular arrow
    r = 44
    start, end = math.radians(-50), math.radians(235)
    pts = [
        (
            128 + r * math.cos(start + (end - start) * k / 48),
            128 + r * math.sin(start + (end - start) * k / 48),
        )
        for k in range(49)
    ]
    tangent = end + math.pi / 2  # direction of travel at the end of the arc
    tip = (pts[-1][0] + 14 * math.cos(tangent), pts[-1][1] + 14 * math.sin(tangent))
    _arrow(d, [*pts, tip], 14, 36)


def pict_online_serving(d: ImageDraw.ImageDraw) -> None:  # request / response arrows
    _arrow(d, [(74, 104), (184, 104)], 12, 34)
    _arrow(d, [(182, 152), (72, 152)], 12, 34)


def pict_batch_prediction(d: ImageDraw.ImageDraw) -> None:  # stack of layers
    for i, y in enumerate((80, 112, 144)):
        x = 84 + i * 8
        d.rounded_rectangle([_p(x, y), _p(x + 80, y + 22)], radius=6 * SCALE, fill=WHITE)
    _line(d, [(100, 188), (160, 188)], 6)


def pict_progressive_delivery(d: ImageDraw.ImageDraw) -> None:  # traffic split
    _line(d, [(70, 128), (118, 128)], 12)
    _arrow(d, [(118, 128), (180, 80)], 12, 34)
    _arrow(d, [(118, 128), (180, 176)], 12, 34)


def pict_monitoring(d: ImageDraw.ImageDraw) -> None:  # pulse line
    _line(d, [(66, 132), (98, 132), (114, 92), (138, 170), (156, 118), (166, 132), (190, 132)], 13)


def pict_alerting(d: ImageDraw.ImageDraw) -> None:  # bell
    d.chord([_p(86, 68), _p(170, 152)], 180, 360, fill=WHITE)
    _poly(d, [(86, 110), (170, 110), (176, 160), (80, 160)])
    d.rounded_rectangle([_p(70, 156), _p(186, 172)], radius=8 * SCALE, fill=WHITE)
    _dot(d, 128, 184, 13)
    _dot(d, 128, 66, 9)


def pict_feedback_collection(d: ImageDraw.ImageDraw) -> None:  # speech bubble
    d.rounded_rectangle([_p(70, 76), _p(186, 156)], radius=22 * SCALE, fill=WHITE)
    _poly(d, [(100, 150), (132, 150), (96, 186)])
    colour = _hex(PALETTE["feedback-collection"].color)
    for x in (100, 128, 156):
        d.ellipse([_p(x - 9, 107), _p(x + 9, 125)], fill=(*colour, 255))


def pict_llm_serving(d: ImageDraw.ImageDraw) -> None:  # lines of generated text and a cursor
    for y, x1 in ((92, 184), (124, 168), (156, 120)):
        _line(d, [(72, y), (x1, y)], 14)
    d.rectangle([_p(134, 144), _p(148, 170)], fill=WHITE)


def pict_embedding(d: ImageDraw.ImageDraw) -> None:  # a text block mapped to a vector of dots
    for y in (96, 124, 152):
        _line(d, [(66, y), (110, y)], 12)
    _arrow(d, [(120, 124), (158, 124)], 10, 24)
    for y in (92, 124, 156):
        _dot(d, 180, y, 11)


def pict_vector_search(d: ImageDraw.ImageDraw) -> None:  # magnifier over points
    _ring(d, 114, 114, 40, 13)
    _line(d, [(144, 144), (184, 184)], 18)
    for x, y in ((100, 104), (124, 126), (110, 128)):
        _dot(d, x, y, 6)


def pict_llm_gateway(d: ImageDraw.ImageDraw) -> None:  # a gate with traffic through it
    d.rectangle([_p(70, 70), _p(90, 186)], fill=WHITE)
    d.rectangle([_p(166, 70), _p(186, 186)], fill=WHITE)
    d.rectangle([_p(70, 66), _p(186, 84)], fill=WHITE)
    _arrow(d, [(100, 136), (160, 136)], 12, 30)


def pict_llm_observability(d: ImageDraw.ImageDraw) -> None:  # a trace waterfall
    for x0, x1, y in ((66, 190, 84), (84, 150, 116), (110, 176, 148), (128, 164, 180)):
        d.rounded_rectangle([_p(x0, y - 10), _p(x1, y + 10)], radius=6 * SCALE, fill=WHITE)


def pict_llm_evaluation(d: ImageDraw.ImageDraw) -> None:  # a gauge with its needle
    d.arc([_p(66, 76), _p(190, 200)], 180, 360, fill=WHITE, width=round(14 * SCALE))
    _line(d, [(128, 138), (166, 98)], 12)
    _dot(d, 128, 138, 14)
    _line(d, [(70, 170), (186, 170)], 10)


def pict_guardrails(d: ImageDraw.ImageDraw) -> None:  # a shield
    _poly(d, [(128, 62), (184, 84), (180, 138), (128, 194), (76, 138), (72, 84)])


def pict_prompt_registry(d: ImageDraw.ImageDraw) -> None:  # a prompt on a stack of versions
    d.rounded_rectangle(
        [_p(70, 74), _p(186, 170)], radius=12 * SCALE, outline=WHITE, width=round(10 * SCALE)
    )
    _line(d, [(92, 100), (118, 122), (92, 144)], 12)
    _line(d, [(128, 148), (160, 148)], 12)
    _line(d, [(82, 188), (174, 188)], 8)


def pict_gpu_scheduling(d: ImageDraw.ImageDraw) -> None:  # a chip with pins
    d.rounded_rectangle([_p(88, 88), _p(168, 168)], radius=10 * SCALE, fill=WHITE)
    for k in (104, 128, 152):
        _line(d, [(k, 66), (k, 88)], 8, caps=False)
        _line(d, [(k, 168), (k, 190)], 8, caps=False)
        _line(d, [(66, k), (88, k)], 8, caps=False)
        _line(d, [(168, k), (190, k)], 8, caps=False)


PICTOGRAMS: dict[str, Pictogram] = {
    "data-ingestion": pict_data_ingestion,
    "data-versioning": pict_data_versioning,
    "data-validation": pict_data_validation,
    "labeling": pict_labeling,
    "feature-store": pict_feature_store,
    "experiment-tracking": pict_experiment_tracking,
    "hyperparameter-tuning": pict_hyperparameter_tuning,
    "training": pict_training,
    "model-validation": pict_model_validation,
    "model-registry": pict_model_registry,
    "orchestration": pict_orchestration,
    "ci-cd": pict_ci_cd,
    "continuous-training": pict_continuous_training,
    "online-serving": pict_online_serving,
    "batch-prediction": pict_batch_prediction,
    "progressive-delivery": pict_progressive_delivery,
    "monitoring": pict_monitoring,
    "alerting": pict_alerting,
    "feedback-collection": pict_feedback_collection,
    "llm-serving": pict_llm_serving,
    "embedding": pict_embedding,
    "vector-search": pict_vector_search,
    "llm-gateway": pict_llm_gateway,
    "llm-observability": pict_llm_observability,
    "llm-evaluation": pict_llm_evaluation,
    "guardrails": pict_guardrails,
    "prompt-registry": pict_prompt_registry,
    "gpu-scheduling": pict_gpu_scheduling,
}


def pict_generic(d: ImageDraw.ImageDraw) -> None:  # a plain component box
    _line(d, [(84, 92), (172, 92), (172, 164), (84, 164), (84, 92)], 12)
    _line(d, [(104, 118), (152, 118)], 10)
    _line(d, [(104, 140), (136, 140)], 10)


# --------------------------------------------------------------------------- logos

# How much of the canvas a logo's square box may use, per shape (like TEXT_WIDTH).
LOGO_BOX = {"hexagon": 0.50, "octagon": 0.52, "diamond": 0.42, "square": 0.54, "circle": 0.50}


def logo_of(tool: dict[str, Any]) -> dict[str, Any] | None:
    """The tool's `icon.logo` entry of tools.yaml, checked; None for a monogram icon."""
    logo = (tool.get("icon") or {}).get("logo")
    if logo is None:
        return None
    missing = [k for k in ("source", "slug", "license", "trademark") if not logo.get(k)]
    if missing:
        raise SystemExit(f"tool {tool['id']}: icon.logo needs {', '.join(missing)}")
    if logo["source"] != "Simple Icons" or logo["license"] != LOGO_LICENSE:
        raise SystemExit(f"tool {tool['id']}: only Simple Icons logos ({LOGO_LICENSE}) are used")
    return dict(logo)


def logo_svg(slug: str) -> str:
    path = LOGOS_DIR / f"{slug}.svg"
    if not path.is_file():
        raise SystemExit(f"{path} is missing: run python scripts/make_icons.py --update-logos")
    return path.read_text(encoding="utf-8")


def logo_mask(slug: str, px: int) -> Image.Image:
    """The logo rasterised at px x px as an 8-bit coverage mask (resvg, anti-aliased)."""
    try:
        import resvg_py
    except ImportError as exc:
        raise SystemExit("resvg-py is missing: pip install -e '.[test]'") from exc
    svg = logo_svg(slug)
    # One colour for the whole logo (Simple Icons are single paths without fill).
    svg = svg.replace("<svg ", '<svg fill="#000" ', 1)
    png = resvg_py.svg_to_bytes(svg_string=svg, width=px, height=px, skip_system_fonts=True)
    with Image.open(io.BytesIO(bytes(png))) as raster:
        return raster.convert("RGBA").getchannel("A")


def draw_logo(img: Image.Image, slug: str, shape: str) -> None:
    big = SIZE * SCALE
    box = round(big * LOGO_BOX[shape])
    mask = logo_mask(slug, box)
    offset = ((big - box) // 2, (big - box) // 2)
    img.paste(Image.new("RGBA", (box, box), WHITE), offset, mask)


def update_logos(tools: list[dict[str, Any]]) -> int:
    """Copy the logos tools.yaml names from the installed mkdocs-material into LOGOS_DIR."""
    import material

    simple = Path(material.__file__).resolve().parent / "templates" / ".icons" / "simple"
    LOGOS_DIR.mkdir(parents=True, exist_ok=True)
    wanted = {str(logo["slug"]) for t in tools if (logo := logo_of(t)) is not None}
    for slug in sorted(wanted):
        source = simple / f"{slug}.svg"
        if not source.is_file():
            raise SystemExit(f"Simple Icons in mkdocs-material has no {slug}.svg")
        (LOGOS_DIR / f"{slug}.svg").write_bytes(source.read_bytes())
    for path in sorted(LOGOS_DIR.glob("*.svg")):
        if path.stem not in wanted:
            path.unlink()
            print(f"removed unused {path.name}")
    print(f"{len(wanted)} logos in {LOGOS_DIR.relative_to(REPO)} from {simple}")
    return 0


# --------------------------------------------------------------------------- actors
# Actors are circles (the shape no capability family shares with a figure of people or
# machines) in warm colours outside the capability palette, each with its own figure.


def _person(d: ImageDraw.ImageDraw, x: float, y: float, scale: float) -> None:
    """Head and shoulders centred on x, with the head's centre at y."""
    _dot(d, x, y, 22 * scale)
    d.chord(
        [_p(x - 44 * scale, y + 28 * scale), _p(x + 44 * scale, y + 112 * scale)],
        180,
        360,
        fill=WHITE,
    )


def pict_actor_person(d: ImageDraw.ImageDraw) -> None:  # one person
    _person(d, 128, 96, 1.15)


def pict_actor_team(d: ImageDraw.ImageDraw) -> None:  # three people, the middle one in front
    _person(d, 90, 104, 0.8)
    _person(d, 166, 104, 0.8)
    colour = _hex(ACTOR_STYLES["team"].color)
    # A ring in the fill colour separates the front person from the two behind.
    d.ellipse([_p(128 - 27, 92 - 27), _p(128 + 27, 92 + 27)], fill=(*colour, 255))
    d.chord([_p(128 - 46, 114), _p(128 + 46, 206)], 180, 360, fill=(*colour, 255))
    _person(d, 128, 92, 0.95)


def pict_actor_automation(d: ImageDraw.ImageDraw) -> None:  # a gear
    teeth = 8
    for k in range(teeth):
        angle = 2 * math.pi * k / teeth
        cx, cy = 128 + 52 * math.cos(angle), 128 + 52 * math.sin(angle)
        dx, dy = math.cos(angle), math.sin(angle)
        half = 13
        _poly(
            d,
            [
                (cx - dy * half - dx * 12, cy + dx * half - dy * 12),
                (cx + dy * half - dx * 12, cy - dx * half - dy * 12),
                (cx + dy * half + dx * 14, cy - dx * half + dy * 14),
                (cx - dy * half + dx * 14, cy + dx * half + dy * 14),
            ],
        )
    _dot(d, 128, 128, 50)
    colour = _hex(ACTOR_STYLES["automation"].color)
    d.ellipse([_p(128 - 20, 128 - 20), _p(128 + 20, 128 + 20)], fill=(*colour, 255))


def pict_actor_external(d: ImageDraw.ImageDraw) -> None:  # a building with windows
    colour = _hex(ACTOR_STYLES["external"].color)
    d.rectangle([_p(84, 70), _p(172, 190)], fill=WHITE)
    for row in range(4):
        for col in range(3):
            x, y = 96 + col * 26, 82 + row * 24
            d.rectangle([_p(x, y), _p(x + 14, y + 13)], fill=(*colour, 255))
    d.rectangle([_p(118, 172), _p(138, 190)], fill=(*colour, 255))


ACTOR_STYLES: dict[str, Style] = {
    "person": Style("circle", "#B5541B", ""),
    "team": Style("circle", "#8A4F2A", ""),
    "automation": Style("circle", "#00796B", ""),
    "external": Style("circle", "#5F6368", ""),
}
ACTOR_PICTOGRAMS: dict[str, Pictogram] = {
    "person": pict_actor_person,
    "team": pict_actor_team,
    "automation": pict_actor_automation,
    "external": pict_actor_external,
}


def actor_icon(kind: str) -> Image.Image:
    img, draw = base_image(ACTOR_STYLES[kind])
    ACTOR_PICTOGRAMS[kind](draw)
    return finish(img)


# --------------------------------------------------------------------------- icons


def tool_icon(tool: dict[str, Any]) -> Image.Image:
    caps = tool.get("capabilities") or []
    style = PALETTE.get(str(caps[0]), GENERIC) if caps else GENERIC
    img, draw = base_image(style)
    logo = logo_of(tool)
    if logo is not None:
        draw_logo(img, str(logo["slug"]), style.shape)
    else:
        draw_monogram(img, draw, monogram(tool), style.shape)
    return finish(img)


def capability_icon(capability: str) -> Image.Image:
    style = PALETTE[capability]
    img, draw = base_image(style)
    PICTOGRAMS[capability](draw)
    return finish(img)


def generic_icon() -> Image.Image:
    img, draw = base_image(GENERIC)
    pict_generic(draw)
    return finish(img)


def png_bytes(img: Image.Image) -> bytes:
    """Encode without any metadata (no tEXt/tIME/gAMA chunks) and with fixed settings."""
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False, compress_level=9)
    return buf.getvalue()


def load_tools(path: Path = TOOLS_YAML) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    tools = data["tools"]
    if not isinstance(tools, list):
        raise SystemExit(f"{path}: 'tools' must be a list")
    return tools


def build_all(tools: list[dict[str, Any]]) -> dict[str, bytes]:
    """File name (relative to the icons directory) -> PNG bytes, for every icon to write."""
    out: dict[str, bytes] = {}
    for tool in tools:
        icon = tool.get("icon") or {}
        rel = icon.get("file")
        if rel is None:
            continue
        rel_path = Path(str(rel))
        if rel_path.parent != Path("icons") or rel_path.suffix != ".png":
            raise SystemExit(f"tool {tool['id']}: icon file must be icons/<name>.png, not {rel}")
        unknown = [c for c in tool.get("capabilities") or [] if c not in PALETTE]
        if unknown:
            raise SystemExit(f"tool {tool['id']}: capability {unknown[0]!r} has no style")
        out[rel_path.name] = png_bytes(tool_icon(tool))
    for capability in PALETTE:
        out[f"capability-{capability}.png"] = png_bytes(capability_icon(capability))
    out["generic.png"] = png_bytes(generic_icon())
    for kind in ACTOR_STYLES:
        out[f"actor-{kind}.png"] = png_bytes(actor_icon(kind))
    return out


def _same_pixels(a: bytes, b: bytes) -> bool:
    with Image.open(io.BytesIO(a)) as ia, Image.open(io.BytesIO(b)) as ib:
        return ia.mode == ib.mode and ia.size == ib.size and ia.tobytes() == ib.tobytes()


def check(expected: dict[str, bytes], icons_dir: Path) -> int:
    problems: list[str] = []
    for name, data in sorted(expected.items()):
        path = icons_dir / name
        if not path.is_file():
            problems.append(f"missing: {name}")
            continue
        on_disk = path.read_bytes()
        if on_disk != data and not _same_pixels(on_disk, data):
            problems.append(f"differs: {name}")
    for path in sorted(icons_dir.glob("*.png")):
        if path.name not in expected:
            problems.append(f"stale (not generated): {path.name}")
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print("icons are out of date: run python scripts/make_icons.py", file=sys.stderr)
        return 1
    print(f"{len(expected)} icons up to date")
    return 0


def write(expected: dict[str, bytes], icons_dir: Path) -> int:
    icons_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for name, data in sorted(expected.items()):
        path = icons_dir / name
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
            written += 1
    for path in sorted(icons_dir.glob("*.png")):
        if path.name not in expected:
            path.unlink()
            print(f"removed stale {path.name}")
    print(f"{len(expected)} icons, {written} written, in {icons_dir.relative_to(REPO)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if the icons on disk differ from what would be generated",
    )
    parser.add_argument(
        "--update-logos",
        action="store_true",
        help="copy the Simple Icons logos tools.yaml names from mkdocs-material into "
        "scripts/logos/, then exit",
    )
    args = parser.parse_args(argv)
    if args.update_logos:
        return update_logos(load_tools())
    expected = build_all(load_tools())
    if args.check:
        return check(expected, ICONS_DIR)
    return write(expected, ICONS_DIR)


if __name__ == "__main__":
    sys.exit(main())
