"""The opt-in MkDocs plugin, run as users run it: real `mkdocs build` and `mkdocs serve`."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from click.testing import CliRunner

from mlopsdiag.cli import main_group
from mlopsdiag.mkdocs_search import relative_not_found
from test_site_serve import _free_port, _get, _wait_for

pytestmark = [pytest.mark.site, pytest.mark.graphviz]

MKDOCS = [sys.executable, "-m", "mkdocs"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _project(tmp_path: Path, plugin: object = "mlopsdiag") -> Path:
    """A knowledge repository from `mlopsdiag init --site`, with the plugin switched on."""
    project = tmp_path / "kb"
    result = CliRunner().invoke(
        main_group, ["init", "demo", "--site", str(project)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    config_file = project / "mkdocs.yml"
    config = config_file.read_text(encoding="utf-8")
    plugins = "plugins:\n  - search\n  - offline"
    assert plugins in config
    entry = yaml.safe_dump([plugin], default_flow_style=False).strip().replace("\n", "\n  ")
    config_file.write_text(config.replace(plugins, f"{plugins}\n  {entry}"), encoding="utf-8")
    return project


def _tree(folder: Path) -> dict[str, str]:
    """Every file below `folder` with a digest of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _build(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MKDOCS, "build", "--strict"],
        cwd=project,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_build_generates_pages_and_diagrams_without_touching_docs(tmp_path: Path) -> None:
    project = _project(tmp_path)
    before = _tree(project / "docs")
    done = _build(project)
    assert done.returncode == 0, done.stderr
    site = project / "site"
    for page in (
        "index.html",
        "architectures/index.html",
        "architectures/demo/index.html",
        "runbooks/demo.html",
        "tools/index.html",
        "reference/cli.html",
        "reference/spec.html",
    ):
        assert (site / page).is_file(), page
    for view in ("overview", "training"):
        svg = (site / "architectures" / "demo" / f"{view}.svg").read_text(encoding="utf-8")
        assert svg.lstrip().startswith(("<?xml", "<svg", "<!--")), svg[:80]
        assert "Raw events" in svg or view != "overview"
        # The scaffold's mlopsdiag-icons plugin: icons are linked, stored once in the site.
        assert "data:image/png" not in svg and "../../mlopsdiag/icons/icon-" in svg
    page = (site / "architectures" / "demo" / "index.html").read_text(encoding="utf-8")
    assert 'data="overview.svg"' in page
    assert "mlopsdiag validate" in (site / "reference" / "cli.html").read_text(encoding="utf-8")
    assert _tree(project / "docs") == before, "the plugin wrote into docs/"
    # The scaffold's mlopsdiag-search plugin leaves one search index file, and the shim
    # that serves it over HTTP loads before the theme's script.
    assert sorted(p.name for p in (site / "search").iterdir()) == ["search_index.js"]
    assert (site / "mlopsdiag" / "search-index-shim.js").is_file()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert home.index("search-index-shim.js") < home.index("assets/javascripts/bundle.")
    assert "mlopsdiag: 1 spec(s) rendered" in done.stderr


def test_an_invalid_spec_fails_the_strict_build_at_its_line(tmp_path: Path) -> None:
    project = _project(tmp_path)
    spec = project / "specs" / "demo.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("tool: scikit-learn", "tool: scikit-lern"), encoding="utf-8")
    line = next(n for n, row in enumerate(spec.read_text().splitlines(), 1) if "scikit-lern" in row)
    done = _build(project)
    assert done.returncode != 0
    assert f"specs/demo.yaml:{line}:" in done.stderr, done.stderr
    assert "scikit-learn" in done.stderr  # the did-you-mean hint


def test_a_missing_spec_path_is_a_clear_configuration_error(tmp_path: Path) -> None:
    project = _project(tmp_path, {"mlopsdiag": {"specs": ["architecture"]}})
    done = _build(project)
    assert done.returncode != 0
    assert "spec path 'architecture' (plugins.mlopsdiag.specs) does not exist" in done.stderr


def test_serve_rebuilds_pages_and_diagrams_when_a_spec_changes(tmp_path: Path) -> None:
    project = _project(tmp_path)
    before = _tree(project / "docs")
    port = _free_port()
    process = subprocess.Popen(
        [*MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    page = f"{base}/architectures/demo/index.html"
    svg = f"{base}/architectures/demo/overview.svg"
    try:
        assert _wait_for(lambda: "component-" in _get(page), 180), "the site was never served"
        assert "Raw events" in _get(svg)
        spec = project / "specs" / "demo.yaml"
        text = spec.read_text(encoding="utf-8")
        spec.write_text(
            text.replace("title: Demo", "title: Renamed by the test").replace(
                "name: Raw events", "name: Clickstream renamed"
            ),
            encoding="utf-8",
        )
        assert _wait_for(lambda: "Renamed by the test" in _get(page), 120), "no rebuild"
        assert _wait_for(lambda: "Clickstream renamed" in _get(svg), 30), "diagram not redrawn"
        # The redrawn diagram links its icons, stored once in the site, and they are served
        # (the plugin rewrites the site's copy at the end of the build).
        assert _wait_for(lambda: "data:image/png" not in _get(svg), 30), "icons not shared"
        redrawn = _get(svg)
        icon = re.search(r'xlink:href="(\.\./\.\./mlopsdiag/icons/[^"]+\.png)"', redrawn)
        assert icon is not None, redrawn[:800]
        with urllib.request.urlopen(urljoin(svg, icon.group(1)), timeout=5) as response:
            assert response.read().startswith(b"\x89PNG\r\n")
        assert _tree(project / "docs") == before, "the plugin wrote into docs/"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert output.count("mlopsdiag: 1 spec(s) rendered") >= 2, output


NOT_FOUND = (
    '<html><head><link href="{r}assets/main.css"><script src="{r}mlopsdiag/x.js"></script>'
    '<script id="__config" type="application/json">{{"base": "{b}", '
    '"search": "{r}assets/search.js"}}</script></head>'
    '<body><a href="{r}index.html">home</a><a href="https://example.com/x">out</a></body></html>'
)


@pytest.mark.parametrize(("root", "base"), [("/", "/"), ("/sub/", "/sub")])
def test_the_404_page_links_relative_to_the_site_root(root: str, base: str) -> None:
    page = relative_not_found(NOT_FOUND.format(r=root, b=base), root)
    before, _, after = page.partition("<head>")
    injected, _, rest = after.partition("</script>")
    assert f"{before}<head>{rest}" == NOT_FOUND.format(r="", b=".")
    # Served for another address than its own, the page's base is the site's root.
    assert injected.startswith('<script>if (location.protocol !== "file:"')
    assert f'endsWith("{root}404.html")' in injected
    assert f'<base href=\\"{root}\\">' in injected
