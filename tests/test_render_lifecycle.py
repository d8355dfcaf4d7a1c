"""Process lifecycle of `mlopsdiag render`, with real subprocesses and real signals.

A stand-in `dot` on PATH records its pid and then hangs (or fails, for one marked spec), so
each test controls exactly what Graphviz does. After Ctrl-C, SIGTERM or `kill -9` of the
parent, no worker and no `dot` may be left, and no temporary folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.graphviz,
    pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs Linux /proc"),
]

SPEC = """apiVersion: mlopsdiag/v1
kind: Architecture
metadata:
  name: {name}
  title: {title}
components:
  - id: train
    name: {title}
    tool: scikit-learn
  - id: serve
    tool: seldon-core
flows:
  - from: train
    to: serve
"""

FAKE_DOT = """#!/bin/sh
for arg in "$@"; do
  [ "$arg" = "-V" ] && exec {real} -V
done
echo $$ >> {pids}
for arg in "$@"; do
  case "$arg" in *.dot)
    grep -q FAILME "$arg" && {{ echo "syntax error in line 1 near FAILME" >&2; exit 1; }}
  esac
done
[ -n "$FAKE_DOT_HANG" ] && exec sleep 300
exec {real} "$@"
"""


def as_foreground_job() -> None:
    """Run in a child before it starts: take Ctrl-C as a terminal's foreground job does.

    A process started in the background by a non-interactive shell (`cmd &` in a script,
    some CI runners) inherits SIGINT ignored, and so would every process these tests start;
    Python then keeps ignoring it, and the Ctrl-C under test would never arrive.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state


def _processes_mentioning(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in cmdline and _alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def _wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


class Project:
    """A folder of specs, a stand-in `dot`, and a private TMPDIR to check for leftovers."""

    def __init__(self, root: Path, names: list[str]) -> None:
        self.root = root
        (root / "specs").mkdir()
        for name in names:
            title = "FAILME" if name.startswith("fail") else name.capitalize()
            (root / "specs" / f"{name}.yaml").write_text(
                SPEC.format(name=name, title=title), encoding="utf-8"
            )
        real = shutil.which("dot")
        assert real is not None
        self.bin = root / "bin"
        self.bin.mkdir()
        self.pids = root / "dot-pids"
        self.pids.touch()
        fake = self.bin / "dot"
        fake.write_text(FAKE_DOT.format(real=real, pids=self.pids), encoding="utf-8")
        fake.chmod(0o755)
        self.tmp = root / "tmp"
        self.tmp.mkdir()

    def start(self, *args: str, hang: bool) -> subprocess.Popen[str]:
        env = {
            **os.environ,
            "PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}",
            "TMPDIR": str(self.tmp),
        }
        if hang:
            env["FAKE_DOT_HANG"] = "1"
        return subprocess.Popen(
            # Absolute paths: every process of the run shows the folder in its command line.
            [
                sys.executable,
                "-m",
                "mlopsdiag",
                "render",
                "--out",
                str(self.root / "docs" / "architectures"),
                *args,
            ],
            cwd=self.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, as a shell gives it
            preexec_fn=as_foreground_job,
        )

    def dot_pids(self) -> list[int]:
        return [int(x) for x in self.pids.read_text().split()]

    def assert_nothing_left(self) -> None:
        assert _wait_for(lambda: not any(_alive(p) for p in self.dot_pids()), 15), "dot left"
        assert _wait_for(lambda: not _processes_mentioning(str(self.root)), 15), "worker left"
        assert _wait_for(lambda: not list(self.tmp.iterdir()), 5), list(self.tmp.iterdir())


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_an_interrupted_render_leaves_nothing_and_prints_no_traceback(
    tmp_path: Path, jobs: str, how: str
) -> None:
    project = Project(tmp_path, ["alpha", "beta", "gamma"])
    proc = project.start(
        "--format", "svg", "--jobs", jobs, "--no-site", str(tmp_path / "specs"), hang=True
    )
    try:
        assert _wait_for(lambda: len(project.dot_pids()) >= int(jobs), 60), "no dot started"
        time.sleep(0.3)
        if how == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
        else:
            proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1] == "Interrupted."
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    project.assert_nothing_left()


def test_workers_and_dot_die_with_a_killed_parent(tmp_path: Path) -> None:
    project = Project(tmp_path, ["alpha", "beta", "gamma"])
    proc = project.start(
        "--format", "svg", "--jobs", "2", "--no-site", str(tmp_path / "specs"), hang=True
    )
    try:
        assert _wait_for(lambda: len(project.dot_pids()) >= 2, 60), "no dot started"
        assert len(_processes_mentioning(str(tmp_path))) >= 3  # parent, workers, dot
        proc.kill()  # kill -9: no chance to clean up in the parent
        proc.wait(timeout=10)
        project.assert_nothing_left()
    finally:
        for pid in _processes_mentioning(str(tmp_path)):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_view_that_fails_takes_down_neither_the_other_specs_nor_the_site(
    tmp_path: Path, jobs: str
) -> None:
    project = Project(tmp_path, ["alpha", "fail", "gamma"])
    proc = project.start(
        "--format", "svg", "--jobs", jobs, "--site", str(tmp_path / "specs"), hang=False
    )
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 1, err
    assert "specs/fail.yaml:1:1: error: cannot draw its diagrams: Graphviz failed (exit 1)" in err
    assert "Traceback" not in err and "This is a bug" not in err
    assert "2 rendered, 0 up to date, 1 failed" in out
    drawn = tmp_path / "docs" / "architectures"
    for name in ("alpha", "gamma"):
        assert (drawn / name / "overview.svg").is_file()
    assert not (drawn / "fail" / "overview.svg").exists()
    # The site (in the folder above --out) has every spec, the failed one without diagrams.
    for name in ("alpha", "fail", "gamma"):
        assert (drawn / name / "index.md").is_file(), name
        assert (tmp_path / "docs" / "runbooks" / f"{name}.md").is_file(), name
    project.assert_nothing_left()
    # Next run draws the failed spec again (it was not cached) and nothing else.
    (tmp_path / "specs" / "fail.yaml").write_text(
        SPEC.format(name="fail", title="Fixed"), encoding="utf-8"
    )
    proc = project.start(
        "--format", "svg", "--jobs", jobs, "--no-site", str(tmp_path / "specs"), hang=False
    )
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    assert "1 rendered, 2 up to date" in out
