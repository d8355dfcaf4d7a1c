"""Every export is read by the tool its users read it with: Mermaid by mermaid-cli (in the
system Chromium), D2 by the D2 compiler (WebAssembly build), Backstage entities by
@backstage/catalog-model's validators. The tools live in tools/node (pinned by its
package-lock.json; `scripts/run setup` installs them with `npm ci`)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from mlopsdiag.export import ExportOptions, export_text
from mlopsdiag.export import mermaid as mm
from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.validate import validate_paths

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools" / "node"
SPECS = sorted((ROOT / "specs").glob("*.yaml"))
HOSTILE = ROOT / "tests" / "cases" / "export" / "hostile.yaml"
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.node


def node(script: str, *args: str, timeout: int = 300) -> object:
    """Run one of tools/node's scripts; its JSON answer."""
    if shutil.which("node") is None or not (TOOLS / "node_modules").is_dir():
        pytest.fail("the export checkers are not installed: run `scripts/run setup test`")
    done = subprocess.run(
        ["node", str(TOOLS / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=TOOLS,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def load(path: Path) -> Architecture:
    [result] = validate_paths([path])
    assert result.architecture is not None
    return result.architecture


@pytest.fixture(scope="module")
def archs() -> list[Architecture]:
    return [load(p) for p in [*SPECS, HOSTILE]]


def svg_text(path: Path) -> str:
    """The text a reader sees in an SVG: every text node, entities decoded, spaces joined."""
    root = ET.parse(path).getroot()  # also proves the SVG is well-formed XML
    return " ".join(" ".join(t.split()) for t in root.itertext() if t.strip())


def _visible(name: str) -> str:
    return " ".join(name.split())


@pytest.mark.browser
def test_mermaid_draws_every_chart_with_every_name(
    archs: list[Architecture], tmp_path: Path
) -> None:
    """One browser renders every bundled spec's charts, the hostile spec's and a diff's."""
    from mlopsdiag.diff import diff_paths
    from mlopsdiag.export.diffpicture import diff_charts

    assert CHROMIUM.exists(), "needs /usr/bin/chromium"
    jobs: dict[str, mm.Chart] = {}
    for arch in archs:
        for i, chart in enumerate(mm.charts(arch)):
            jobs[f"{arch.name}-{i}"] = chart
    old, new = _diff_pair(tmp_path)
    changed = diff_paths([old], [new], old_label="old", new_label="new").result
    assert changed is not None and changed.changed
    for arch_diff in changed.changed:
        for i, chart in enumerate(diff_charts(arch_diff)):
            jobs[f"diff-{arch_diff.name}-{i}"] = chart
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for i, block in enumerate(re.findall(r"```mermaid\n(.*?)```", readme, re.S)):
        jobs[f"readme-{i}"] = mm.Chart("README", block, 0, ())
    (tmp_path / "jobs.json").write_text(
        json.dumps({k: c.text for k, c in jobs.items()}), encoding="utf-8"
    )
    errors = node("render-mermaid.mjs", str(tmp_path / "jobs.json"), str(tmp_path))
    assert errors == {}
    for key, chart in jobs.items():
        svg = tmp_path / f"{key}.svg"
        text = svg_text(svg)
        for name in chart.names:
            shown = mm.label(name)[1:-1]  # what the chart asked for, cut where it is cut
            plain = re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), shown)
            assert plain.split("…")[0].strip() in text, (key, name)
        markup = svg.read_text(encoding="utf-8")
        assert "<img" not in markup and "onerror" not in markup.replace("onerror=alert", "")


def _diff_pair(tmp_path: Path) -> tuple[Path, Path]:
    """Two versions of a spec: a component added, one removed, one renamed, a flow changed."""
    base = (ROOT / "specs" / "churn-kubeflow-mlflow-seldon.yaml").read_text(encoding="utf-8")
    old = tmp_path / "old" / "churn.yaml"
    new = tmp_path / "new" / "churn.yaml"
    old.parent.mkdir()
    new.parent.mkdir()
    old.write_text(base, encoding="utf-8")
    data = yaml.safe_load(base)
    data["components"] = [c for c in data["components"] if c["id"] != "wandb"]
    data["flows"] = [f for f in data["flows"] if "wandb" not in (f["from"], f["to"])]
    for view in data.get("views", []):
        view["include"] = [e for e in view["include"] if e != "wandb"]
    data["components"].append(
        {"id": "shadow", "name": 'Shadow model <b>"x"</b>', "tool": "kserve", "group": "serving"}
    )
    data["flows"].append({"from": "mlflow", "to": "shadow", "kind": "model", "label": "candidate"})
    data["components"][0]["name"] = 'Renamed CRM "db"'
    data["processes"][0]["steps"][0]["do"] = "Start the weekly run (changed)"
    new.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return old, new


def test_d2_compiles_every_board_and_step(archs: list[Architecture], tmp_path: Path) -> None:
    files = []
    for arch in archs:
        path = tmp_path / f"{arch.name}.d2"
        path.write_text(export_text(arch, "d2"), encoding="utf-8")
        files.append(path)
    errors = node("check-d2.mjs", str(tmp_path), *map(str, files))
    assert errors == {}
    for arch in archs:
        text = svg_text(tmp_path / f"{arch.name}.d2.svg")
        for chart_name in mm.context_chart(arch).names:
            cut = " ".join(chart_name.split())[:40]
            assert cut in text, (arch.name, chart_name)
        animated = (tmp_path / f"{arch.name}.d2.animated.svg").read_text(encoding="utf-8")
        for process in arch.processes:
            last = process.steps[-1]
            assert f"{last.number}. " in animated, (arch.name, process.id)


def test_backstage_accepts_every_entity(archs: list[Architecture], tmp_path: Path) -> None:
    entities: list[object] = []
    for arch in archs:
        text = export_text(arch, "backstage", ExportOptions("https://ml.example.com/site"))
        entities += [d for d in yaml.safe_load_all(text) if d]
    (tmp_path / "entities.json").write_text(json.dumps(entities), encoding="utf-8")
    assert node("check-backstage.mjs", str(tmp_path / "entities.json")) == []


def test_the_backstage_check_refuses_a_broken_entity(tmp_path: Path) -> None:
    """The checker is not a rubber stamp: a bad name, a relative link and a dangling
    dependsOn are each refused."""
    text = export_text(load(SPECS[0]), "backstage", ExportOptions("https://ml.example.com"))
    docs = [d for d in yaml.safe_load_all(text) if d]
    docs[1]["metadata"]["name"] = "bad name!"
    docs[2]["metadata"]["links"] = [{"url": "/relative"}]
    docs[3]["spec"]["dependsOn"] = ["component:nowhere"]
    (tmp_path / "entities.json").write_text(json.dumps(docs), encoding="utf-8")
    problems = node("check-backstage.mjs", str(tmp_path / "entities.json"))
    assert isinstance(problems, list)
    for wrong in ("Component:bad name!: ", '"links.0.url" is not valid', "component:nowhere"):
        assert any(wrong in p for p in problems), wrong
