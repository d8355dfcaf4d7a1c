"""The `mlopsdiag-icons` MkDocs plugin, run as users run it: `mlopsdiag render`, then a
real `mkdocs build` of the site `mlopsdiag init --site` sets up (the plugin is listed there).
That the diagrams still paint their icons in a browser is in test_e2e_browser.py."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mlopsdiag.mkdocs_icons import ICONS_DIR
from test_mkdocs_plugin import _tree

pytestmark = [pytest.mark.site, pytest.mark.graphviz]

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
EMBEDDED = re.compile(rb'<symbol id="(icon-[0-9a-f]{16})".*?base64,([A-Za-z0-9+/=]+)"/></symbol>')
LINKED = re.compile(rb'<symbol id="(icon-[0-9a-f]{16})"[^>]*><image [^>]*xlink:href="([^"]+)"')

# A picture of the user's own, in the same <symbol> format as mlopsdiag's icons but without
# its note: it must reach the site byte for byte.
PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
USER_SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="10" height="10"><defs>'
    '<symbol id="icon-0123456789abcdef" viewBox="0 0 1 1" preserveAspectRatio="xMinYMin meet">'
    f'<image width="1" height="1" xlink:href="data:image/png;base64,{PIXEL}"/></symbol>'
    '</defs><use xlink:href="#icon-0123456789abcdef" x="0" y="0" width="10" height="10"/></svg>\n'
).encode("ascii")


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout}{done.stderr}"
    return done


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge repository with the demo spec rendered and a picture of the user's."""
    project = tmp_path_factory.mktemp("icons") / "kb"
    _run(["mlopsdiag", "init", "demo", "--site", str(project)], project.parent)
    assert "- mlopsdiag-icons" in (project / "mkdocs.yml").read_text(encoding="utf-8")
    _run(["mlopsdiag", "render"], project)
    (project / "docs" / "pictures").mkdir()
    (project / "docs" / "pictures" / "user.svg").write_bytes(USER_SVG)
    return project


@pytest.fixture(scope="module")
def built(project: Path) -> tuple[dict[str, str], dict[str, str], str]:
    """The docs folder's files before the build, the built site's files, mkdocs's log."""
    docs = _tree(project / "docs")
    done = _run(["mkdocs", "build", "--strict"], project)
    return docs, _tree(project / "site"), done.stderr


def test_site_diagrams_link_one_shared_file_per_icon(project: Path, built: object) -> None:
    site = project / "site"
    docs = project / "docs"
    diagrams = sorted((site / "architectures").rglob("*.svg"))
    assert len(diagrams) >= 5
    linked: set[Path] = set()
    for svg in diagrams:
        data = svg.read_bytes()
        assert b"data:image/png" not in data, svg
        rendered = dict(EMBEDDED.findall((docs / svg.relative_to(site)).read_bytes()))
        links = LINKED.findall(data)
        assert sorted(i for i, _ in links) == sorted(rendered), svg
        for symbol, href in links:
            # A relative link (file:// has no site root) to the very PNG render embedded.
            assert not href.startswith((b"/", b"http")), href
            icon = (svg.parent / href.decode("ascii")).resolve()
            assert icon.parent == (site / ICONS_DIR).resolve(), href
            assert icon.read_bytes() == base64.b64decode(rendered[symbol]), (svg, symbol)
            linked.add(icon)
    # One file per distinct icon picture, every one of them used.
    assert {p.resolve() for p in (site / ICONS_DIR).iterdir()} == linked
    shared = sum(p.stat().st_size for p in diagrams) + sum(p.stat().st_size for p in linked)
    rendered_size = sum(p.stat().st_size for p in (docs / "architectures").rglob("*.svg"))
    assert shared < 0.8 * rendered_size, (shared, rendered_size)


def test_render_output_and_user_pictures_are_left_alone(
    project: Path, built: tuple[dict[str, str], dict[str, str], str]
) -> None:
    docs_before, _, log = built
    docs = project / "docs"
    assert _tree(docs) == docs_before, "the build changed the docs folder"
    for svg in (docs / "architectures").rglob("*.svg"):
        data = svg.read_bytes()
        assert b"data:image/png;base64," in data and ICONS_DIR.encode() not in data, svg
    assert (project / "site" / "pictures" / "user.svg").read_bytes() == USER_SVG
    assert re.search(r"mlopsdiag-icons: \d+ diagram\(s\) link \d+ shared icon file", log), log


def test_a_second_build_and_a_dirty_build_give_the_same_bytes(
    project: Path, built: tuple[dict[str, str], dict[str, str], str]
) -> None:
    _, first, _ = built
    _run(["mkdocs", "build", "--strict"], project)
    assert _tree(project / "site") == first, "a second build differs"
    # --dirty copies only the files changed since (here one diagram, as `mlopsdiag render`
    # leaves it after a change): the plugin shares that one's icons again and leaves the
    # diagrams it already rewrote as they are.
    overview = project / "docs" / "architectures" / "demo" / "overview.svg"
    os.utime(overview, (overview.stat().st_atime, overview.stat().st_mtime + 60))
    _run(["mkdocs", "build", "--dirty"], project)  # --strict fails on its own warning
    # (It writes a search index of the pages it rebuilt only, which is MkDocs's business.)

    def pictures(tree: dict[str, str]) -> dict[str, str]:
        return {k: v for k, v in tree.items() if k.endswith((".svg", ".png"))}

    assert pictures(_tree(project / "site")) == pictures(first)
