"""`mlopsdiag serve`: the spec watcher, and a real server that re-renders a changed spec."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlopsdiag.cli import main_group
from mlopsdiag.site.serve import SpecWatcher, snapshot


def test_watcher_renders_once_per_change(tmp_path: Path) -> None:
    spec = tmp_path / "specs" / "a.yaml"
    spec.parent.mkdir()
    spec.write_text("one\n", encoding="utf-8")
    docs = tmp_path / "specs" / "docs"
    docs.mkdir()
    calls: list[int] = []
    watcher = SpecWatcher([spec.parent], lambda: calls.append(1), ignore=[docs])
    assert not watcher.check()
    spec.write_text("two, longer\n", encoding="utf-8")
    assert watcher.check()
    assert not watcher.check()
    (docs / "page.css").write_text("generated\n", encoding="utf-8")  # output is not input
    assert not watcher.check()
    (tmp_path / "specs" / "b.yml").write_text("new\n", encoding="utf-8")
    assert watcher.check()
    assert calls == [1, 1]


def test_watcher_reports_errors_and_keeps_going(tmp_path: Path) -> None:
    from mlopsdiag.errors import MlopsdiagError

    spec = tmp_path / "a.yaml"
    spec.write_text("x\n", encoding="utf-8")
    errors: list[BaseException] = []

    def broken() -> None:
        raise MlopsdiagError("bad spec")

    watcher = SpecWatcher([spec], broken, on_error=errors.append)
    spec.write_text("xy\n", encoding="utf-8")
    assert watcher.check()
    assert [str(e) for e in errors] == ["bad spec"]


def test_snapshot_skips_missing_files(tmp_path: Path) -> None:
    assert snapshot([tmp_path / "gone.yaml"]) == {}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode("utf-8"))


def _wait_for(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


@pytest.mark.site
@pytest.mark.graphviz
def test_serve_renders_serves_and_reloads_on_a_spec_change(tmp_path: Path) -> None:
    project = tmp_path / "kb"
    CliRunner().invoke(
        main_group, ["init", "first", "--site", str(project)], catch_exceptions=False
    )
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "mlopsdiag", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        page = f"{base}/architectures/first/index.html"
        assert _wait_for(lambda: "component-" in _get(page), 90), "the site was never served"
        spec = project / "specs" / "first.yaml"
        text = spec.read_text(encoding="utf-8")
        title_line = next(line for line in text.splitlines() if line.strip().startswith("title:"))
        spec.write_text(
            text.replace(title_line, title_line.split("title:")[0] + "title: Renamed by the test"),
            encoding="utf-8",
        )
        assert _wait_for(lambda: "Renamed by the test" in _get(page), 60), "no re-render"
        assert (project / "docs" / "architectures" / "first" / "overview.svg").is_file()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert "rendered 1 spec" in output, output
    assert f"127.0.0.1:{port}" in output, output


@pytest.mark.site
@pytest.mark.graphviz
def test_serve_keeps_the_last_good_pages_with_an_error_banner(tmp_path: Path) -> None:
    """Issue 8, item 13: no docs/ yet; an invalid spec keeps its last good pages with a
    banner; the watcher survives and shows the next good version."""
    import shutil

    project = tmp_path / "kb"
    CliRunner().invoke(
        main_group, ["init", "first", "--site", str(project)], catch_exceptions=False
    )
    shutil.rmtree(project / "docs")  # a fresh checkout: docs/ does not exist yet
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "mlopsdiag", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    page = f"http://127.0.0.1:{port}/architectures/first/index.html"
    runbook = f"http://127.0.0.1:{port}/runbooks/first.html"
    spec = project / "specs" / "first.yaml"
    good = spec.read_text(encoding="utf-8")
    try:
        assert _wait_for(lambda: "component-" in _get(page), 240), "the site was never served"
        spec.write_text(good.replace("kind: Architecture", "kind: Architcture"), "utf-8")
        assert _wait_for(lambda: "has errors" in _get(page), 240), "no error banner"
        html = _get(page)
        assert "component-" in html  # the last good page, not a 404
        assert "Architcture" in html and "is not one of" in html
        assert "has errors" in _get(runbook)
        assert (project / "docs" / "architectures" / "first" / "overview.svg").is_file()
        title_line = next(line for line in good.splitlines() if line.strip().startswith("title:"))
        fixed = good.replace(title_line, title_line.split("title:")[0] + "title: Fixed by the test")
        spec.write_text(fixed, encoding="utf-8")
        assert _wait_for(lambda: "Fixed by the test" in _get(page), 240), "watcher died"
        assert "has errors" not in _get(page)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert re.search(r"specs/first\.yaml:\d+:7: error: kind: 'Architcture' is not one of", output)
    assert "Traceback" not in output, output
