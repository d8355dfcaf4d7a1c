"""The site built from the bundled specs, served on 127.0.0.1, and one headless Chromium:
built and started once per test session and shared by every browser test (the end-to-end
tests and the reader measurements), also across pytest-xdist workers."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Dialog,
    Page,
    Request,
    Response,
    sync_playwright,
)

from mlopsdiag.site.generate import is_generated

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
HOSTILE = ROOT / "tests" / "cases" / "site" / "hostile"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # No host name resolves but the local ones, so nothing leaves the machine even if a
    # page asks; the tab fixture still records (and fails on) every such request. Blocking
    # with Playwright's routing instead switches the HTTP cache off: twice the run time.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
PRINT_MARGIN_MM = 15
A4_WIDTH_PX = round((210 - 2 * PRINT_MARGIN_MM) / 25.4 * 96)
A4_HEIGHT_PX = (297 - 2 * PRINT_MARGIN_MM) / 25.4 * 96
"""CSS pixels of an A4 page inside its print margins."""


# --------------------------------------------------------------------------- build and serve


def _copy_hand_written_docs(source: Path, target: Path) -> None:
    """The repository's docs/ without what `mlopsdiag render` generates, nor its caches."""

    def generated(path: Path) -> bool:
        if "architectures" in path.parts and path.suffix in (".svg", ".png", ".pdf", ".dot"):
            return True  # diagrams: their mark is not on their first lines
        return path.is_file() and is_generated(path)

    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n.startswith(".") or generated(Path(folder) / n)}

    shutil.copytree(source, target, ignore=ignore)


def _run(args: list[str], cwd: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout}{result.stderr}"


def build_site(project: Path, specs: Path) -> Path:
    """Build a copy of this repository's site from `specs`, as a user does; return site/."""
    project.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    _copy_hand_written_docs(ROOT / "docs", project / "docs")
    shutil.copytree(specs, project / "specs")
    _run(["mlopsdiag", "render", "specs"], project)
    _run(["mkdocs", "build", "--strict", "--quiet", "--site-dir", "site"], project)
    return project / "site"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def handle(self) -> None:
        # The browser may move on to the next page before a file is sent.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()


@dataclass
class Served:
    """A built site served on 127.0.0.1."""

    root: Path
    url: str

    def pages(self) -> list[str]:
        """Every HTML page of the site (not the theme's assets), as paths from its root."""
        return sorted(
            p.relative_to(self.root).as_posix()
            for p in self.root.rglob("*.html")
            if "assets" not in p.relative_to(self.root).parts
        )


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Path], Served]]:
    """Serve folders on free ports of 127.0.0.1 until the end of the session."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(directory: Path) -> Served:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return Served(directory, f"http://127.0.0.1:{server.server_port}/")

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _built_once(factory: pytest.TempPathFactory, name: str, specs: Path) -> Path:
    """Build a site once per test run, also when pytest-xdist runs it in several workers."""
    if "PYTEST_XDIST_WORKER" not in os.environ:  # one process: a folder of this session
        return build_site(factory.mktemp(name) / "project", specs)
    shared = factory.getbasetemp().parent / name  # the run's folder, above the workers'
    with (shared.parent / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first worker builds, the others wait
        if not (shared / "built").exists():
            shutil.rmtree(shared, ignore_errors=True)
            build_site(shared / "project", specs)
            (shared / "built").touch()
    return shared / "project" / "site"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, serve: Callable[[Path], Served]) -> Served:
    """The site of the example specs."""
    return serve(_built_once(tmp_path_factory, "e2e-site", SPECS))


@pytest.fixture(scope="session")
def hostile_site(
    tmp_path_factory: pytest.TempPathFactory, serve: Callable[[Path], Served]
) -> Served:
    """The site of a spec whose every text field carries markup, scripts and handlers."""
    return serve(_built_once(tmp_path_factory, "e2e-hostile", HOSTILE))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000
        )
        yield chromium
        chromium.close()


# --------------------------------------------------------------------------- a watched tab


@dataclass
class Watch:
    """What a tab did that a user would not want: leave localhost, log errors, pop dialogs."""

    foreign: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Everything that fails the test, one line each."""
        return (
            [f"request left localhost: {u}" for u in self.foreign]
            + [f"console error: {e}" for e in self.console_errors]
            + [f"failed request: {f}" for f in self.failed]
            + [f"dialog: {d}" for d in self.dialogs]
        )


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about", "file") or parts.hostname in LOCAL_HOSTS


@pytest.fixture
def tab(browser: Browser) -> Iterator[tuple[Page, Watch]]:
    """A fresh tab that records every request, console error and dialog, of its page, the
    page's frames (the diagrams) and workers (search); any of them fails the test."""
    watch = Watch()
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, service_workers="block", locale="en-GB"
    )
    context.set_default_timeout(15_000)

    def request(req: Request) -> None:
        if not _is_local(req.url):
            watch.foreign.append(req.url)

    def response(resp: Response) -> None:
        if resp.status >= 400:
            watch.failed.append(f"{resp.status} {resp.url}")

    def request_failed(req: Request) -> None:
        # ERR_ABORTED: cancelled by the next navigation (the favicon, say); 404s are responses.
        if _is_local(req.url) and req.failure != "net::ERR_ABORTED":
            watch.failed.append(f"{req.failure} {req.url}")

    def console(message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        # The browser's own guess at /favicon.ico for a document without an icon link (an
        # SVG opened on its own): no page of the site asks for it.
        if message.type == "error" and urlsplit(url).path != "/favicon.ico":
            watch.console_errors.append(f"{message.text} ({url})")

    def dialog(d: Dialog) -> None:
        watch.dialogs.append(f"{d.type}: {d.message!r} on {page.url}")
        d.dismiss()

    context.on("request", request)
    context.on("response", response)
    context.on("requestfailed", request_failed)
    page = context.new_page()
    page.on("console", console)
    page.on("pageerror", lambda error: watch.console_errors.append(f"uncaught: {error}"))
    page.on("dialog", dialog)
    yield page, watch
    context.close()
    assert not watch.problems(), "\n".join(watch.problems())


NO_SEARCH_WORKER = """window.Worker = class extends EventTarget {
  postMessage() {}
  terminate() {}
};"""
"""Init script for tests that load many pages but do not search: Material starts its search
worker on every page, which loads and indexes the whole site again (a third of a crawl)."""
