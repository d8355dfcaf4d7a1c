"""The site marks each bound element matched, missing or mismatched when
mlopsdiag-config.yaml names the manifests, with the date of the check; render's cache
notices a changed manifest."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from mlopsdiag.config import load_config
from mlopsdiag.site import write_site
from mlopsdiag.site.generate import site_fingerprint
from mlopsdiag.spec.validate import validate_paths

FIXTURES = Path(__file__).resolve().parent / "drift"


def _project(tmp_path: Path) -> Path:
    (tmp_path / "specs").mkdir()
    spec = (FIXTURES / "fraud.yaml").read_text(encoding="utf-8")
    spec = spec.replace("name: drift-check, namespace", "name: drift-chek, namespace")
    spec = spec.replace(
        "  - id: chargebacks\n    tool: seldon-core", "  - id: chargebacks\n    tool: kserve"
    )
    (tmp_path / "specs" / "fraud.yaml").write_text(spec, encoding="utf-8")
    shutil.copytree(FIXTURES / "cluster", tmp_path / "deploy" / "cluster")
    (tmp_path / "mlopsdiag-config.yaml").write_text(
        "apiVersion: mlopsdiag/v1\nkind: Config\nlint:\n  reference_date: 2026-11-02\n"
        "drift:\n  manifests: [deploy/cluster]\n",
        encoding="utf-8",
    )
    return tmp_path


def test_the_architecture_page_marks_each_bound_element(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path)
    monkeypatch.chdir(root)  # paths show relative to where render runs
    [result] = validate_paths([root / "specs"])
    assert result.architecture is not None
    docs = root / "docs"
    write_site([result.architecture], docs)
    page = (docs / "architectures" / "fraud" / "index.md").read_text(encoding="utf-8")
    section = page.partition("## Deployed { #deployed }")[2].partition("\n## ")[0]
    assert "named in `mlopsdiag-config.yaml` on 2026-11-02" in section
    rows = [line for line in section.splitlines() if line.startswith("| [")]

    def row(element: str) -> str:
        anchors = (f"](#component-{element})", f"](#group-{element})")
        [found] = [line for line in rows if any(a in line.split(" | ")[0] for a in anchors)]
        return found

    scorer = row("scorer")
    assert "mlopsdiag-deployed-matched" in scorer
    assert "<code>deploy/cluster/kserve.yaml:3</code>" in scorer
    assert "mlopsdiag-deployed-missing" in row("drift-check")
    assert "mlopsdiag-deployed-mismatched" in row("chargebacks")
    # The registry answers are not among the manifests named: its model binding is missing.
    assert "mlopsdiag-deployed-missing" in row("registry")
    assert "mlopsdiag-deployed-matched" in row("training")  # a group: its pipeline runs
    assert row("prometheus").endswith(
        "<code>deploy/cluster/rules/fraud-alerts.yaml:1</code><br>"
        "<code>deploy/cluster/rules/platform.rules.yml</code> |"
    )


def test_a_manifest_change_changes_the_site_key(tmp_path: Path) -> None:
    root = _project(tmp_path)
    spec = root / "specs" / "fraud.yaml"
    before = site_fingerprint([spec], root / "docs")
    (root / "deploy" / "cluster" / "jobs.yaml").write_text("# emptied\n", encoding="utf-8")
    assert site_fingerprint([spec], root / "docs") != before


def test_a_manifest_path_that_is_not_there_is_positioned(tmp_path: Path) -> None:
    config = tmp_path / "mlopsdiag-config.yaml"
    config.write_text(
        "apiVersion: mlopsdiag/v1\nkind: Config\ndrift:\n  manifests: [deploy, gone]\n",
        encoding="utf-8",
    )
    (tmp_path / "deploy").mkdir()
    loaded, problems = load_config(config)
    assert loaded.drift_manifests == (tmp_path / "deploy",)
    assert [p.format() for p in problems] == [
        f"{problems[0].path}:4:23: error: drift.manifests[1]: 'gone' does not exist "
        "(next to mlopsdiag-config.yaml)"
    ]


def test_the_views_mark_each_bound_component(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlopsdiag.render import render_specs

    root = _project(tmp_path)
    monkeypatch.chdir(root)
    out = root / "docs" / "architectures"
    report = render_specs([Path("specs")], out, ["dot"])
    assert report.rendered == ["fraud"]
    overview = (out / "fraud" / "overview.dot").read_text(encoding="utf-8")

    def node(element: str) -> str:
        [line] = [line for line in overview.splitlines() if f'id="node-{element}"' in line]
        return line

    assert "<B>deployed</B>" in node("scorer")
    assert "<B>not deployed</B>" in node("drift-check")
    assert "<B>deployed differently</B>" in node("chargebacks")
    assert "<B>deployed</B>" in node("fit")  # a pipeline task that runs
    # A changed manifest is a changed picture: the cache does not keep the old one.
    spec_check = root / "deploy" / "cluster" / "jobs.yaml"
    spec_check.write_text(
        spec_check.read_text(encoding="utf-8").replace("name: drift-check", "name: drift-chek"),
        encoding="utf-8",
    )
    again = render_specs([Path("specs")], out, ["dot"])
    assert again.rendered == ["fraud"]
    overview = (out / "fraud" / "overview.dot").read_text(encoding="utf-8")
    assert "<B>deployed</B>" in node("drift-check")
    assert render_specs([Path("specs")], out, ["dot"]).rendered == []  # then up to date


def test_the_pictures_mark_groups_and_the_context_picture_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlopsdiag.render import render_specs

    root = _project(tmp_path)
    monkeypatch.chdir(root)
    out = root / "docs" / "architectures"
    report = render_specs([Path("specs")], out, ["svg"])
    assert report.rendered == ["fraud"]
    pictures = {p.stem: p.read_text(encoding="utf-8") for p in (out / "fraud").glob("*.svg")}
    legend = "compared with the manifests in mlopsdiag&#45;config.yaml:"

    def element(svg: str, element_id: str) -> str:
        """The SVG of one node or cluster: from its id to the next node, cluster or arrow."""
        rest = svg.partition(f'id="{element_id}" class=')[2]
        return re.split(r'class="(?:cluster|node|edge)"', rest, maxsplit=1)[0]

    # The view draws the pipeline group as a cluster; the context picture collapses it to
    # one box. Either way it is bound to a compiled pipeline that is there.
    shown = {
        "overview": ("node&#45;scorer", "cluster&#45;training"),
        "context": ("node&#45;prometheus", "node&#45;training"),
    }
    for name, (component, group) in shown.items():
        svg = pictures[name]
        assert ">deployed</text>" in element(svg, component), name
        assert ">not deployed</text>" in element(svg, "node&#45;drift&#45;check"), name
        assert ">deployed</text>" in element(svg, group), name
        assert legend in svg, name
    # A collapsed group with no binding of its own counts how its bound members compared.
    serving = element(pictures["context"], "node&#45;serving")
    assert ">2 deployed</text>" in serving
    assert ">1 deployed differently</text>" in serving
    page_root = root / "site"
    from mlopsdiag.site import write_site
    from mlopsdiag.spec.validate import validate_paths as validate

    [result] = validate([root / "specs"])
    assert result.architecture is not None
    write_site([result.architecture], page_root)
    page = (page_root / "architectures" / "fraud" / "index.md").read_text(encoding="utf-8")
    diagrams = page.partition("## Diagrams { #diagrams }")[2].partition("\n### ")[0]
    assert "compared with the manifests named in `mlopsdiag-config.yaml` on 2026-11-02" in (
        diagrams
    )
