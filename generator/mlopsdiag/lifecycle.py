"""Child processes that end with their parent: the pool workers of render and validate,
and the `dot` programs they run.

On Linux a process can ask the kernel for a signal when its parent dies (prctl
PR_SET_PDEATHSIG), so a `kill -9` of `mlopsdiag render` does not leave workers or Graphviz
running. Elsewhere these functions do nothing, and the normal shutdown paths still apply.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    import multiprocessing.context

_PR_SET_PDEATHSIG = 1


@cache
def _prctl() -> Callable[..., int] | None:
    """libc's prctl, looked up once before any fork (a child must not load libraries)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return function


def prepare() -> None:
    """Look up what `die_with_parent` and `launcher` need, in the parent, before starting
    children."""
    _prctl()
    launcher()


@cache
def launcher() -> tuple[str, ...]:
    """A command prefix that starts a program set to be killed when its parent dies, with
    no Python code run in the child: `setpriv --pdeathsig KILL --` (util-linux), where it
    works; else empty, and the caller uses `dot_preexec` instead.

    A Python callback in the child (`preexec_fn`) makes Python fork the whole worker rather
    than vfork it, and a worker holds every model of the run: at 1,000 specs (370 MB)
    each of the run's thousands of `dot` processes then cost a fork of 370 MB.
    """
    if not sys.platform.startswith("linux"):
        return ()
    found = shutil.which("setpriv")
    if found is None:
        return ()
    prefix = (found, "--pdeathsig", "KILL", "--")
    try:
        probe = subprocess.run(
            [*prefix, sys.executable, "-c", ""],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ()
    return prefix if probe.returncode == 0 else ()


def die_with_parent(signum: int) -> bool:
    """Ask for `signum` when this process's parent dies; True if the platform supports it."""
    prctl = _prctl()
    return prctl is not None and prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0


def dot_preexec() -> None:
    """Run in a new `dot` process before it starts Graphviz: die with its parent."""
    die_with_parent(signal.SIGKILL)


class Terminated(SystemExit):
    """Raised in a pool worker by SIGTERM: unwinds the render so it kills and reaps its
    `dot` processes and removes its temporary folder, then the worker exits."""


def _on_terminate(signum: int, frame: FrameType | None) -> NoReturn:
    raise Terminated(128 + signum)


def pool_context() -> multiprocessing.context.BaseContext:
    """The start method of render's and validate's pools: fork on Linux, so that each
    worker can check that its parent is the one that asked for it (`worker_start`), and
    may use what the parent built; elsewhere the platform's default."""
    import multiprocessing  # only a run with a pool pays for it

    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)


def worker_start(parent: int) -> None:
    """Set up a pool worker: Ctrl-C is the parent's to handle (no traceback from every
    worker), SIGTERM ends the worker cleanly, and the parent's death sends SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_terminate)
    if die_with_parent(signal.SIGTERM) and os.getppid() != parent:
        os._exit(1)  # the parent died before the request took effect
