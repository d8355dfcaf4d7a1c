"""What each view shows and how it is written as DOT: pure, no Graphviz needed."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from mlopsdiag.render import FLOW_STYLES
from mlopsdiag.render.diagram import draw
from mlopsdiag.render.labels import attr_text, html_text, wrapped_html
from mlopsdiag.render.pictures import picture_ids, pictures
from mlopsdiag.render.scene import build_scene
from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.validate import validate_paths
from test_render_helpers import load, write_spec

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
GOLDEN = Path(__file__).parent / "golden" / "dot"


PICTURE_CASES = ROOT / "tests" / "cases" / "pictures"


@cache
def examples() -> dict[str, Architecture]:
    """Models of the valid example specs (and of the picture cases) by file name."""
    results = validate_paths([SPECS, PICTURE_CASES])
    return {Path(r.path).name: r.architecture for r in results if r.architecture}


def example_views() -> list[tuple[str, str]]:
    """(spec file name, picture id) of every picture of every valid example spec: its views,
    context, processes and lanes."""
    return [(spec, picture) for spec, arch in examples().items() for picture in picture_ids(arch)]


@cache
def drawn(spec: str) -> dict[str, str]:
    """The DOT source of every picture of an example spec, by picture id."""
    return {graph.view_id: graph.source for graph in pictures(examples()[spec])}


# --------------------------------------------------------------------------- scenes


def with_flow(text: str, flow: str) -> str:
    return text.replace("views:", f"  - {flow}\nviews:")


def test_overview_shows_everything_and_views_their_part(tmp_path: Path) -> None:
    arch = load(write_spec(tmp_path))
    overview, training = arch.all_views()
    scene = build_scene(arch, overview)
    assert list(scene.nodes) == ["lake", "prep", "train", "registry", "monitor"]
    assert list(scene.clusters) == ["platform", "pipeline"]
    assert scene.roots == ("lake", "monitor")
    assert len(scene.edges) == 5
    assert scene.direction == "LR"

    part = build_scene(arch, training)
    assert list(part.nodes) == ["lake", "prep", "train"]
    # The enclosing group is drawn around the included one, empty of what is left out.
    assert list(part.clusters) == ["platform", "pipeline"]
    assert part.clusters["platform"].nodes == ()
    assert [(e.flow.source, e.flow.target) for e in part.edges] == [
        ("lake", "prep"),
        ("prep", "train"),
    ]
    assert part.direction == "TB"
    assert part.kinds == ("data", "features")


def test_flow_to_a_group_attaches_to_its_border(tmp_path: Path) -> None:
    arch = load(write_spec(tmp_path))
    scene = build_scene(arch, arch.all_views()[0])
    retrain = next(e for e in scene.edges if e.flow.target == "pipeline")
    assert (retrain.tail, retrain.lhead, retrain.ltail) == ("monitor", "pipeline", None)
    assert retrain.head in {"prep", "train"}
    assert retrain.head == "prep"  # the member nothing inside the group feeds
    source = draw(arch, arch.all_views()[0]).source
    assert "compound=true" in source
    # This arrow closes a loop, so it is written from head to tail and clipped at its tail.
    line = next(x for x in source.splitlines() if 'id="flow-4"' in x)
    assert "ltail=cluster_pipeline" in line and "dir=back" in line


def test_a_loop_is_laid_out_backwards(tmp_path: Path) -> None:
    arch = load(write_spec(tmp_path))
    scene = build_scene(arch, arch.all_views()[0])
    backwards = [(e.flow.source, e.flow.target) for e in scene.edges if e.backwards]
    # monitor -> pipeline closes the loop prep -> train -> registry -> monitor.
    assert backwards == [("monitor", "pipeline")]
    source = draw(arch, arch.all_views()[0]).source
    line = next(x for x in source.splitlines() if 'id="flow-4"' in x)
    assert line.lstrip().startswith("prep -> monitor")
    assert "dir=back" in line and "arrowtail=normal" in line


def test_member_to_own_group_does_not_clip(tmp_path: Path) -> None:
    text = with_flow(write_spec(tmp_path).read_text(), "{from: train, to: pipeline}")
    arch = load(write_spec(tmp_path, "small", text))
    edge = build_scene(arch, arch.all_views()[0]).edges[-1]
    assert edge.lhead is None  # Graphviz cannot clip at a cluster the arrow starts in
    assert edge.tail == "train" and edge.head == "prep"


def test_group_flow_to_itself_is_a_loop(tmp_path: Path) -> None:
    text = with_flow(write_spec(tmp_path).read_text(), "{from: pipeline, to: pipeline}")
    arch = load(write_spec(tmp_path, "small", text))
    edge = build_scene(arch, arch.all_views()[0]).edges[-1]
    assert (edge.tail, edge.head, edge.ltail, edge.lhead) == ("train", "train", None, None)


def test_empty_group_gets_a_placeholder(tmp_path: Path) -> None:
    text = (
        write_spec(tmp_path)
        .read_text()
        .replace("components:", "  - id: future\n    name: Future work\ncomponents:")
    )
    text = with_flow(text, "{from: train, to: future, kind: model}")
    arch = load(write_spec(tmp_path, "small", text))
    scene = build_scene(arch, arch.all_views()[0])
    assert scene.clusters["future"].placeholder == "_empty_future"
    edge = scene.edges[-1]
    assert (edge.head, edge.lhead) == ("_empty_future", "future")


def test_icons_by_tool_file_and_capability(tmp_path: Path) -> None:
    arch = load(write_spec(tmp_path))
    scene = build_scene(arch, arch.all_views()[0])
    assert scene.nodes["lake"].icon.diagrams_class == "diagrams.aws.storage.S3"
    assert scene.nodes["monitor"].icon.name == "mlopsdiag/icons/evidently.png"
    # No tool: the icon of the component's first capability.
    assert scene.nodes["prep"].icon.name == "mlopsdiag/icons/capability-data-validation.png"
    assert scene.clusters["pipeline"].icon is not None
    graph = draw(arch, arch.all_views()[0])
    assert set(graph.icons) == {
        "diagrams/aws/storage/simple-storage-service-s3.png",
        "diagrams/k8s/k8s.png",
        "diagrams/onprem/workflow/kubeflow.png",
        "mlopsdiag/icons/capability-data-validation.png",
        "mlopsdiag/icons/evidently.png",
        "mlopsdiag/icons/mlflow.png",  # our own: the diagrams one is white on light clusters
        "mlopsdiag/icons/scikit-learn.png",
    }
    assert all(p.is_file() for p in graph.icons.values())
    for name in graph.icons:
        assert f'SRC="{name}"' in graph.source


def test_labels_show_the_tool_only_when_it_differs(tmp_path: Path) -> None:
    arch = load(write_spec(tmp_path))
    scene = build_scene(arch, arch.all_views()[0])
    assert scene.nodes["lake"].tool_name == "Amazon S3"
    assert scene.nodes["registry"].tool_name == ""  # named after its tool
    assert scene.nodes["prep"].tool_name == ""  # no tool


def test_every_flow_kind_has_a_distinct_style() -> None:
    assert list(FLOW_STYLES) == [
        "data", "features", "model", "metrics", "predictions", "feedback", "control",
    ]  # fmt: skip
    looks = {(s.color, s.style, s.penwidth, s.arrowhead) for s in FLOW_STYLES.values()}
    assert len(looks) == len(FLOW_STYLES)
    assert len({s.color for s in FLOW_STYLES.values()}) == len(FLOW_STYLES)


# --------------------------------------------------------------------------- DOT text


def test_dot_is_deterministic_with_ids_from_the_spec(tmp_path: Path) -> None:
    arch = load(write_spec(tmp_path))
    view = arch.all_views()[0]
    first, second = draw(arch, view).source, draw(arch, view).source
    assert first == second
    assert first.startswith("// generated by mlopsdiag from small.yaml — do not edit\n")
    assert re.search(r"^\s*train \[", first, re.M)
    assert "subgraph cluster_pipeline" in first
    assert 'href="index.html#component-train"' in first
    assert "target=_top" in first
    assert 'tooltip="Fits the model."' in first
    # Left to right, arrows leave and enter icons sideways; top to bottom, whole nodes.
    assert 'tailport="icon:e"' in first and 'headport="icon:w"' in first
    top_down = draw(arch, arch.all_views()[1]).source
    assert "rankdir=TB" in top_down and "port=" not in top_down


@pytest.mark.graphviz  # each view is laid out to measure which layout fits the page
@pytest.mark.parametrize(("spec", "view"), example_views())
def test_golden_dot(spec: str, view: str, update_goldens: bool) -> None:
    arch = examples()[spec]
    source = drawn(spec)[view]
    golden = GOLDEN / arch.name / f"{view}.dot"
    if update_goldens:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(source, encoding="utf-8")
    assert golden.is_file(), f"no golden file; run pytest --update-goldens to write {golden}"
    assert source == golden.read_text(encoding="utf-8")


def test_no_stale_goldens() -> None:
    names = {(examples()[spec].name, view) for spec, view in example_views()}
    found = {(p.parent.name, p.stem) for p in GOLDEN.glob("*/*.dot")}
    assert found <= names, f"golden files without a view: {sorted(found - names)}"


# --------------------------------------------------------------------------- escaping

HOSTILE = """\
apiVersion: mlopsdiag/v1
kind: Architecture
metadata:
  name: hostile
  title: "Title <b>bold</b> & \\"quotes\\" --> \\\\N"
groups:
  - id: grp
    name: "<TABLE>\\"]; x [URL=\\"javascript:alert(1)\\"]"
    tool: kubeflow
components:
  - id: a
    name: "<script>alert(1)</script>"
    tool: mlflow
    group: grp
    description: "\\"; URL=\\"javascript:alert(1)\\" <img src=x onerror=alert(1)> R&D; \\\\N end\\\\"
  - id: b
    name: "\\"; URL=\\"javascript:alert(2)"
    description: "-- comment --> ]]> &amp; \\u0001"
  - id: c
    name: "back\\\\slash \\\\N ' apostrophe"
flows:
  - {from: a, to: b, label: "<i>label</i> \\"q\\" & \\\\N"}
  - {from: grp, to: c, label: "]]>", kind: control}
"""


KNOWN_ATTRIBUTES = set(
    "arrowhead arrowsize arrowtail bgcolor color compound dir fontcolor fontname fontsize "
    "headport href id label labeljust labelloc labeltooltip lhead ltail margin newrank "
    "nodesep outputorder pad pencolor penwidth rankdir ranksep shape size splines style tailport "
    "target tooltip".split()
)


def dot_attributes(source: str) -> list[tuple[str, str]]:
    """Every `name=value` of a DOT text, skipping what is inside strings and HTML labels."""
    found: list[tuple[str, str]] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == '"':
            end = i + 1
            while source[end] != '"':
                end += 2 if source[end] == "\\" else 1
            i = end + 1
        elif char == "<":
            depth, end = 1, i + 1
            while depth:
                depth += {"<": 1, ">": -1}.get(source[end], 0)
                end += 1
            i = end
        elif char == "/" and source.startswith("//", i):
            i = source.index("\n", i)
        elif char == "=":
            name = re.search(r"(\w+)\s*$", source[:i])
            assert name is not None
            value = re.match(r'\s*("(?:[^"\\]|\\.)*"|<|[^\s\]]+)', source[i + 1 :])
            assert value is not None
            found.append((name.group(1), value.group(1)))
            i += 1
        else:
            i += 1
    return found


def test_hostile_text_stays_text_in_dot(tmp_path: Path) -> None:
    arch = load(write_spec(tmp_path, "hostile", HOSTILE))
    assert arch.components_by_id["a"].name == "<script>alert(1)</script>"
    source = draw(arch, arch.all_views()[0]).source
    # Outside quoted strings (where Graphviz takes <...> for text), markup is escaped.
    unquoted = re.sub(r'"(?:[^"\\]|\\.)*"', '""', source)
    for markup in ("<script", "<img", "<i>", "<b>", '<TABLE>"'):
        assert markup not in unquoted
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in source  # escaped, one word kept whole
    # The only links are the ones mlopsdiag makes.
    attrs = dot_attributes(source)
    links = [value for name, value in attrs if name.lower() in {"url", "href"}]
    assert links == [f'"index.html#component-{c}"' for c in ("a", "b", "c")]
    assert {name for name, _ in attrs} <= KNOWN_ATTRIBUTES
    # Quotes in attribute strings are escaped for DOT, backslashes made harmless.
    assert r'tooltip="\"; URL=\"javascript:alert(1)\"' in source
    assert "\\N" not in source.replace("\\\\N", "")


def test_html_text_escapes_markup_and_backslashes() -> None:
    assert html_text('<b a="1">&\'\\N') == "&lt;b a=&quot;1&quot;&gt;&amp;&#39;\\\\N"
    assert html_text("a\x00b\n\t c") == "ab c"
    assert wrapped_html("one two three four", 8) == "one two<BR/>three<BR/>four"
    assert wrapped_html("x" * 50, 10, max_lines=2).count("<BR/>") == 1
    assert attr_text("R&D \\N") == "R&amp;D \u29f5N"
    assert attr_text("y" * 700).endswith("…") and len(attr_text("y" * 700)) == 600
