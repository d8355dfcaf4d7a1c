"""The documentation site: generated Markdown (golden files), stale pages, templates, and
real builds with MkDocs (strict) and Zensical, including specs full of hostile text."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlopsdiag.cli import main_group
from mlopsdiag.config import LintConfig, find_config, load_config
from mlopsdiag.errors import Severity
from mlopsdiag.lint import lint
from mlopsdiag.site import write_site
from mlopsdiag.site.generate import is_generated
from mlopsdiag.site.pagebase import dependencies
from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.validate import validate_paths
from site_safety import assert_inert, built_pages

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "site"
HOSTILE = ROOT / "tests" / "cases" / "site" / "hostile"
REFERENCE_DATE = dt.date(2026, 11, 1)
"""Today, for the date-based lint rules: golden pages must not change with the calendar."""

GOLDEN_PAGES = re.compile(r"^(index\.md|(architectures|runbooks)/.*\.md|capabilities/matrix\.md)$")
"""The pages made from the example specs (the rest comes from the catalogue and knowledge data)."""


def load(paths: list[Path]) -> list[Architecture]:
    results = validate_paths(paths)
    errors = [d.format() for r in results for d in r.diagnostics if d.severity is Severity.ERROR]
    assert not errors, errors
    return [r.architecture for r in results if r.architecture is not None]


def findings(archs: list[Architecture]) -> dict[str, list[object]]:
    out = {}
    for arch in archs:
        found = find_config(Path(arch.source_path))
        config = load_config(found)[0] if found else LintConfig()
        out[arch.name] = lint(arch, config.replace(reference_date=REFERENCE_DATE))
    return out


def fake_diagrams(docs: Path, archs: list[Architecture]) -> None:
    """Stand-ins for the SVGs `mlopsdiag render` draws (the site only needs them to exist)."""
    for arch in archs:
        folder = docs / "architectures" / arch.name
        folder.mkdir(parents=True, exist_ok=True)
        for view in arch.all_views():
            links = "".join(
                f'<a href="index.html#component-{c}" target="_top"><text y="{20 * i + 20}">{c}</text></a>'
                for i, c in enumerate(view.include)
                if c in arch.components_by_id
            )
            (folder / f"{view.id}.svg").write_text(
                f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400">{links}</svg>\n',
                encoding="utf-8",
            )
        for diagram in drawn_work_diagrams(arch):
            (folder / f"{diagram}.svg").write_text(
                '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200"/>\n',
                encoding="utf-8",
            )


def drawn_work_diagrams(arch: Architecture) -> list[str]:
    """The context and process diagrams `mlopsdiag render` draws: lanes only for processes
    whose steps name two or more actors."""
    drawn = ["context"]
    for process in arch.processes:
        drawn.append(f"process-{process.id}")
        if len({s.by for s in process.steps if s.by}) >= 2:
            drawn.append(f"process-{process.id}-lanes")
    return drawn


def generate(docs: Path, archs: list[Architecture], **kwargs: object):  # type: ignore[no-untyped-def]
    kwargs.setdefault("cli", main_group)
    return write_site(archs, docs, findings=findings(archs), **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def examples(monkeypatch: pytest.MonkeyPatch) -> list[Architecture]:
    monkeypatch.chdir(ROOT)  # spec paths on the pages are shown relative to the repository
    return load([Path("specs")])


# --------------------------------------------------------------------------- generated Markdown


def test_golden_markdown_for_the_example_specs(
    tmp_path: Path, examples: list[Architecture], update_goldens: bool
) -> None:
    docs = tmp_path / "docs"
    fake_diagrams(docs, examples)
    generate(docs, examples)
    produced = {
        p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8")
        for p in docs.rglob("*.md")
        if GOLDEN_PAGES.match(p.relative_to(docs).as_posix())
    }
    assert len(produced) == 4 + 2 * len(examples)
    if update_goldens:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, text in produced.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(text, encoding="utf-8")
    expected = {
        p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
        for p in GOLDEN.rglob("*.md")
    }
    assert sorted(produced) == sorted(expected), "pages added or removed: pytest --update-goldens"
    for name, text in produced.items():
        assert text == expected[name], (
            f"{name} differs from its golden file: pytest --update-goldens"
        )


def test_every_generated_file_says_so(tmp_path: Path, examples: list[Architecture]) -> None:
    docs = tmp_path / "docs"
    report = generate(docs, examples)
    assert report.files
    for path in report.files:
        first = path.read_text(encoding="utf-8").splitlines()[:2]
        assert any(
            "generated by mlopsdiag from" in line and "do not edit" in line for line in first
        )
        assert is_generated(path)
    page = (docs / "architectures" / "churn-kubeflow-mlflow-seldon" / "index.md").read_text("utf-8")
    assert page.startswith(
        "---\n# generated by mlopsdiag from specs/churn-kubeflow-mlflow-seldon.yaml — do not edit\n"
    )


def test_regenerating_unchanged_specs_changes_nothing(
    tmp_path: Path, examples: list[Architecture]
) -> None:
    docs = tmp_path / "docs"
    first = generate(docs, examples)
    before = {p: p.stat().st_mtime_ns for p in first.files}
    second = generate(docs, examples)
    assert second.written == []
    assert second.removed == []
    assert {p: p.stat().st_mtime_ns for p in second.files} == before


def test_pages_of_removed_specs_are_deleted_and_hand_written_files_kept(
    tmp_path: Path, examples: list[Architecture]
) -> None:
    docs = tmp_path / "docs"
    generate(docs, examples)
    gone = examples[0].name
    notes = docs / "architectures" / gone / "notes.md"
    notes.write_text("# Hand-written notes\n", encoding="utf-8")
    handwritten_home = docs / "guide.md"
    handwritten_home.write_text("# Guide\n", encoding="utf-8")
    report = generate(docs, examples[1:])
    removed = {p.relative_to(docs).as_posix() for p in report.removed}
    assert removed == {f"architectures/{gone}/index.md", f"runbooks/{gone}.md"}
    assert notes.exists() and handwritten_home.exists()
    assert gone not in (docs / "index.md").read_text(encoding="utf-8")


def test_a_project_template_overrides_the_built_in_one(
    tmp_path: Path, examples: list[Architecture]
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "home-intro.md.j2").write_text("Our own introduction.\n", encoding="utf-8")
    docs = tmp_path / "docs"
    generate(docs, examples, templates=templates)
    home = (docs / "index.md").read_text(encoding="utf-8")
    assert "Our own introduction." in home
    assert "Every ML system of this repository" not in home


def test_architecture_page_anchors_every_component_for_the_diagram_links(
    tmp_path: Path, examples: list[Architecture]
) -> None:
    docs = tmp_path / "docs"
    fake_diagrams(docs, examples)
    generate(docs, examples)
    for arch in examples:
        page = (docs / "architectures" / arch.name / "index.md").read_text(encoding="utf-8")
        for component in arch.components:
            assert f'id="component-{component.id}"' in page
        for view in arch.all_views():
            assert f'data="{view.id}.svg"' in page


def test_runbook_puts_rollback_first_and_links_failure_modes(
    tmp_path: Path, examples: list[Architecture]
) -> None:
    docs = tmp_path / "docs"
    generate(docs, examples)
    for arch in examples:
        if arch.runbook is None or not arch.runbook.procedures:
            continue
        page = (docs / "runbooks" / f"{arch.name}.md").read_text(encoding="utf-8")
        positions = {p.id: page.index(f"{{ #procedure-{p.id} }}") for p in arch.runbook.procedures}
        rollbacks = [p.id for p in arch.runbook.procedures if p.kind == "rollback"]
        others = [p.id for p in arch.runbook.procedures if p.kind != "rollback"]
        if rollbacks and others:
            assert max(positions[r] for r in rollbacks) < min(positions[o] for o in others)
        for mode in arch.runbook.failure_modes:
            if mode.procedure:
                assert f"(#procedure-{mode.procedure})" in page


def test_dependencies_come_from_the_flows(examples: list[Architecture]) -> None:
    churn = next(a for a in examples if a.name == "churn-kubeflow-mlflow-seldon")
    deps = dependencies(churn, churn.catalog)
    assert [d.component.anchor for d in deps["upstream"]] == [
        "component-crm-db",
        "component-usage-lake",
    ]
    assert [d.component.anchor for d in deps["downstream"]] == ["component-retention-app"]
    assert "component-slack" in [d.component.anchor for d in deps["alerts"]]


def test_a_spec_without_runbook_still_gets_a_runbook_page(tmp_path: Path) -> None:
    spec = tmp_path / "specs" / "bare.yaml"
    spec.parent.mkdir()
    spec.write_text(
        "apiVersion: mlopsdiag/v1\nkind: Architecture\n"
        "metadata: {name: bare, title: Bare}\ncomponents: [{id: a}]\n",
        encoding="utf-8",
    )
    docs = tmp_path / "docs"
    generate(docs, load([spec]))
    page = (docs / "runbooks" / "bare.md").read_text(encoding="utf-8")
    assert '!!! warning "No runbook yet"' in page


# --------------------------------------------------------------------------- real builds


def _project(tmp_path: Path, archs: list[Architecture], *, guide: bool = True) -> Path:
    """A site project in tmp_path: the repository's mkdocs.yml, hand-written docs, pages."""
    project = tmp_path / "project"
    docs = project / "docs"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    if guide:
        shutil.copytree(ROOT / "docs" / "guide", docs / "guide")
    fake_diagrams(docs, archs)
    generate(docs, archs)
    return project


def _mkdocs_build(project: Path, site: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-q",
            "-f",
            "mkdocs.yml",
            "-d",
            str(site),
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.site
def test_mkdocs_builds_the_example_site_strictly_and_offline(
    tmp_path: Path, examples: list[Architecture]
) -> None:
    project = _project(tmp_path, examples)
    site = tmp_path / "site"
    _mkdocs_build(project, site)
    churn = (site / "architectures" / "churn-kubeflow-mlflow-seldon" / "index.html").read_text(
        "utf-8"
    )
    assert 'id="component-model-server"' in churn
    assert '<object class="mlopsdiag-diagram-object" data="overview.svg"' in churn
    for page in built_pages(site):
        html = page.read_text(encoding="utf-8")
        assert_inert(html, str(page))
        # Nothing is loaded from the network: no remote stylesheet, script or font.
        assert not re.search(r'<(link|script)[^>]+(href|src)="(https?:)?//', html), page
    # One search index file: the offline plugin's script, which the theme reads from
    # file:// and (through the mlopsdiag-search plugin's shim) over HTTP.
    assert sorted(p.name for p in (site / "search").iterdir()) == ["search_index.js"]
    assert (site / "mlopsdiag" / "search-index-shim.js").is_file()


@pytest.mark.site
def test_hostile_text_never_reaches_the_built_html_as_markup(tmp_path: Path) -> None:
    archs = load([HOSTILE])
    project = _project(tmp_path, archs, guide=False)
    mkdocs_yml = project / "mkdocs.yml"
    text = mkdocs_yml.read_text(encoding="utf-8")
    mkdocs_yml.write_text(re.sub(r"\n  - Guide:\n(      - .*\n)+", "\n", text), encoding="utf-8")
    site = tmp_path / "site"
    _mkdocs_build(project, site)
    pages = built_pages(site)
    assert len(pages) > 50
    seen_text = False
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert_inert(html, str(page))
        lowered = html.lower()
        assert "javascript:" not in lowered, page
        assert "onerror=" not in lowered and "onload=" not in lowered, page
        assert "<script>alert" not in lowered, page
        seen_text = seen_text or "&lt;script&gt;alert(" in html
    assert seen_text, "the hostile text should still be shown, as text"


@pytest.mark.site
def test_zensical_builds_the_same_site(tmp_path: Path, examples: list[Architecture]) -> None:
    zensical = shutil.which("zensical") or str(Path(sys.executable).parent / "zensical")
    if not Path(zensical).exists():
        pytest.skip("zensical is not installed (pip install zensical)")
    project = _project(tmp_path, examples)
    result = subprocess.run(
        [zensical, "build", "--strict", "-f", "mkdocs.yml"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    churn = (site / "architectures" / "churn-kubeflow-mlflow-seldon" / "index.html").read_text(
        "utf-8"
    )
    assert 'id="component-model-server"' in churn
    # A process's picture is inside the page, in its walk-through, as MkDocs puts it.
    walk = churn.split('<div class="mlopsdiag-walk" id="walk-weekly-retrain"')[1]
    assert walk.index('<div class="mlopsdiag-walk-head" hidden') < walk.index("<svg")
    assert walk.index("<svg") < walk.index('id="process-weekly-retrain-step-1"')
    for page in built_pages(site):
        assert_inert(page.read_text(encoding="utf-8"), str(page))


# --------------------------------------------------------------------------- scaffold


def test_init_site_scaffolds_a_knowledge_repository(tmp_path: Path) -> None:
    target = tmp_path / "kb"
    result = CliRunner().invoke(
        main_group, ["init", "first-system", "--site", str(target)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    for name in (
        "specs/first-system.yaml",
        "mkdocs.yml",
        "README.md",
        ".gitignore",
        "docs/about.md",
    ):
        assert (target / name).is_file(), name
    assert load([target / "specs"])[0].name == "first-system"
    again = CliRunner().invoke(main_group, ["init", "other", "--site", str(target)])
    assert again.exit_code != 0
    assert not (target / "specs" / "other.yaml").exists()


def test_scaffolded_mkdocs_yml_matches_the_repository_one(tmp_path: Path) -> None:
    import yaml

    CliRunner().invoke(main_group, ["init", "x", "--site", str(tmp_path)], catch_exceptions=False)
    ours = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    theirs = yaml.safe_load((tmp_path / "mkdocs.yml").read_text(encoding="utf-8"))
    for key in ("use_directory_urls", "theme", "plugins", "extra", "extra_css", "extra_javascript",
                "markdown_extensions", "validation", "not_in_nav"):  # fmt: skip
        assert ours[key] == theirs[key], key
    generated = [entry for entry in theirs["nav"] if "About this site" not in entry]
    for entry in generated:
        assert entry in ours["nav"], entry


@pytest.mark.site
def test_a_scaffolded_repository_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "kb"
    CliRunner().invoke(
        main_group, ["init", "first-system", "--site", str(target)], catch_exceptions=False
    )
    monkeypatch.chdir(target)
    archs = load([Path("specs")])
    fake_diagrams(Path("docs"), archs)
    generate(Path("docs"), archs)
    _mkdocs_build(target, tmp_path / "site")
    assert (tmp_path / "site" / "about.html").is_file()


def test_cached_writing_skips_when_nothing_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlopsdiag.site import write_site_cached

    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    monkeypatch.chdir(tmp_path)
    files = sorted(Path("specs").glob("*.yaml"))
    docs = Path("docs")
    loads: list[int] = []

    def architectures() -> list[Architecture]:
        loads.append(1)
        return load([Path("specs")])

    config = LintConfig(reference_date=REFERENCE_DATE)
    first = write_site_cached(files, architectures, docs, config=config)
    assert first.written and loads == [1]
    again = write_site_cached(files, architectures, docs, config=config)
    assert again.written == [] and loads == [1]  # not even validated
    assert sorted(again.unchanged) == sorted(first.files)

    (docs / "runbooks" / files[0].with_suffix(".md").name).unlink()
    write_site_cached(files, architectures, docs, config=config)
    assert loads == [1, 1]  # a generated page went missing

    spec = files[1]
    spec.write_text(spec.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    write_site_cached(files, architectures, docs, config=config)
    assert loads == [1, 1, 1]

    write_site_cached(files, architectures, docs, config=config, force=True)
    assert loads == [1, 1, 1, 1]
    later = LintConfig(reference_date=REFERENCE_DATE + dt.timedelta(days=1))
    write_site_cached(files, architectures, docs, config=later)
    assert loads == [1, 1, 1, 1, 1]  # staleness depends on the date


def test_project_tools_get_pages_and_are_listed(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    (specs / "icons").mkdir(parents=True)
    icon = next((ROOT / "generator" / "mlopsdiag" / "catalog" / "icons").glob("*.png"))
    shutil.copy(icon, specs / "icons" / "feature-service.png")
    (specs / "mlopsdiag-catalog.yaml").write_text(
        "apiVersion: mlopsdiag/v1\nkind: Catalog\ntools:\n"
        "  - id: feature-service\n    name: Feature <service>\n"
        "    capabilities: [feature-store]\n    icon: icons/feature-service.png\n",
        encoding="utf-8",
    )
    (specs / "a.yaml").write_text(
        "apiVersion: mlopsdiag/v1\nkind: Architecture\nmetadata: {name: a, title: A}\n"
        "components: [{id: fs, tool: feature-service}]\n",
        encoding="utf-8",
    )
    docs = tmp_path / "docs"
    generate(docs, load([specs]))
    page = (docs / "tools" / "feature-service.md").read_text(encoding="utf-8")
    assert "# Feature \u2039service\u203a" in page
    assert "this project's own" in page
    index = (docs / "tools" / "index.md").read_text(encoding="utf-8")
    assert "## This project's own tools" in index
    assert "(feature-service.md)" in index


def test_hand_written_files_are_never_overwritten(
    tmp_path: Path, examples: list[Architecture]
) -> None:
    from mlopsdiag.errors import MlopsdiagError

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Our own home page\n", encoding="utf-8")
    with pytest.raises(MlopsdiagError, match="did not generate"):
        generate(docs, examples)
    assert (docs / "index.md").read_text(encoding="utf-8") == "# Our own home page\n"
    assert not (docs / "architectures").exists()  # nothing written at all


def test_tool_pages_show_current_names_former_names_and_status_notes(
    tmp_path: Path, examples: list[Architecture]
) -> None:
    docs = tmp_path / "docs"
    fake_diagrams(docs, examples)
    generate(docs, examples)
    page = (docs / "tools" / "sagemaker.md").read_text(encoding="utf-8")
    assert page.startswith("# Amazon SageMaker AI") or "\n# Amazon SageMaker AI\n" in page
    assert "**Formerly:** Amazon SageMaker<br>" in page
    assert "3 December 2024" in page
    assert "**Status:** renamed, now Amazon SageMaker AI<br>" in page
    assert "**Last checked:** " in page
    seldon = (docs / "tools" / "seldon-core.md").read_text(encoding="utf-8")
    assert "Business Source License 1.1" in seldon
    assert "**Licence:** <code>BUSL-1.1</code> (not open source" in seldon
    index = (docs / "tools" / "index.md").read_text(encoding="utf-8")
    licence_table = index.split("{ #licence-status }")[1].split("\n## ")[0]
    assert "[Seldon Core]" in licence_table and "[MinIO]" in licence_table
    assert "[Amazon S3]" not in licence_table, "hosted services are not listed there"
