"""Time `mlopsdiag render` against Graphviz alone on the same graphs, cold, warm and after one change.

    python bench/render_bench.py [--count 1000] [--components 25] [--formats svg]
                                 [--big-components 2000] [--big-flows 4000] [--keep DIR]

Everything is measured in one run, on specs written by bench/generate.py:

1. cold: `mlopsdiag render` of COUNT specs into an empty folder, as a user would type it;
2. the floor: Graphviz's `dot` alone drawing the very same graphs (the DOT files mlopsdiag
   writes with `--format dot`) in the same formats, with as many `dot` at once as render
   keeps running (its workers times the views each keeps in flight). Goal: cold / floor
   <= 1.3, in wall time; the CPU time of both (every process, children included) is shown
   beside it;
3. warm: the same command again with nothing changed (goal: under 0.5 s);
4. one spec changed: only that spec is drawn again;
5. one spec of BIG_COMPONENTS components and BIG_FLOWS flows, cold: time (goal: within
   2 minutes, nothing hangs) and peak memory (the resident size of the largest process:
   Python or `dot`).

Each goal's line ends in "met" or "not met".
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

_SCRIPT = Path(sys.executable).with_name("mlopsdiag")
MLOPSDIAG = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "mlopsdiag"]


def render_command(specs: Path, out: Path, formats: str) -> list[str]:
    """`mlopsdiag render` drawing diagrams only (no site pages, where the option exists)."""
    help_text = subprocess.run(
        [*MLOPSDIAG, "render", "--help"], capture_output=True, text=True, check=True
    ).stdout
    extra = ["--no-site"] if "--no-site" in help_text else []
    return [*MLOPSDIAG, "render", str(specs), "--out", str(out), "--format", formats, *extra]


def children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def timed(cmd: list[str], cwd: Path | None = None, ok: tuple[int, ...] = (0,)) -> tuple[float, str]:
    """Run a command; return (seconds, its stdout). Fail loudly on an unexpected exit."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"{' '.join(cmd[:4])} ... failed with exit code {proc.returncode}")
    return elapsed, proc.stdout.strip().splitlines()[0] if proc.stdout.strip() else ""


def icon_root(folder: Path) -> Path:
    """A folder where the icon names used in the DOT files resolve (as `dot` reads them)."""
    import diagrams

    from mlopsdiag.catalog import DATA_DIR

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "diagrams").symlink_to(Path(diagrams.__file__).resolve().parent.parent / "resources")
    (folder / "mlopsdiag").symlink_to(DATA_DIR)
    return folder


def graphviz_floor(dot_files: list[Path], formats: list[str], scratch: Path, at_once: int) -> float:
    """Seconds `dot` alone needs to draw every file in every format, one process per file,
    `at_once` processes at a time."""
    root = icon_root(scratch / "icons")
    out = scratch / "floor"
    out.mkdir()

    def draw(index_and_file: tuple[int, Path]) -> None:
        index, file = index_and_file
        args = ["dot"]
        for fmt in formats:
            args += [f"-T{fmt}", f"-o{out / f'{index}.{fmt}'}"]
        subprocess.run([*args, str(file)], cwd=root, check=True, capture_output=True)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=at_once) as pool:
        list(pool.map(draw, enumerate(dot_files)))
    return time.perf_counter() - start


def peak_memory(cmd: list[str]) -> tuple[float, int, list[str]]:
    """(seconds, peak resident KiB of the largest process, what it said on stderr) of a
    command run in a fresh child (a view past its time limit exits 1: that is reported)."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
        "sys.stderr.buffer.write(p.stderr)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe, *cmd], capture_output=True, text=True, check=True
    )
    out = proc.stdout.split()
    return float(out[0]), int(out[1]), proc.stderr.strip().splitlines()


def main() -> None:
    from mlopsdiag.render.runner import parallelism

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--components", type=int, default=25)
    parser.add_argument("--formats", default="svg")
    parser.add_argument("--big-components", type=int, default=2000)
    parser.add_argument("--big-flows", type=int, default=4000)
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="cold runs and Graphviz runs, alternated; the best of each counts (the machine "
        "may be busy with other work)",
    )
    parser.add_argument("--keep", type=Path, default=None, help="work here and keep the files")
    args = parser.parse_args()
    formats = args.formats.split(",")

    work = args.keep or Path(tempfile.mkdtemp(prefix="mlopsdiag-render-bench-"))
    os.chdir(work)  # paths in the output stay short: specs/, out/
    try:
        specs = Path("specs")
        paths = generate(specs, args.count, args.components)
        out = Path("out")
        cmd = render_command(specs, out, args.formats)
        cpus = os.cpu_count() or 1
        workers, in_flight = parallelism(len(paths))
        at_once = workers * in_flight
        print(
            f"{args.count} specs of {args.components} components "
            f"({sum(p.read_text().count('  - from:') for p in paths)} flows), "
            f"formats {args.formats}, {cpus} CPU cores; render runs {workers} workers with "
            f"{in_flight} views in flight each, Graphviz alone {at_once} dot at once"
        )

        dot_out = Path("dot")
        timed(render_command(specs, dot_out, "dot"))
        dot_files = sorted(p.resolve() for p in dot_out.glob("*/*.dot"))
        colds: list[tuple[float, float]] = []
        floors: list[tuple[float, float]] = []
        for round_ in range(max(1, args.repeat)):
            # Alternate which goes first, so neither always gets the quieter moment.
            for measure in ("cold", "floor") if round_ % 2 == 0 else ("floor", "cold"):
                cpu = children_cpu()
                if measure == "cold":
                    shutil.rmtree(out, ignore_errors=True)
                    seconds, summary = timed(cmd)
                    colds.append((seconds, children_cpu() - cpu))
                else:
                    scratch = work / f"floor-{round_}"
                    seconds = graphviz_floor(dot_files, formats, scratch, at_once)
                    floors.append((seconds, children_cpu() - cpu))
        views = sum(1 for _ in out.glob(f"*/*.{formats[0]}"))
        assert len(dot_files) == views, (len(dot_files), views)
        (cold, cold_cpu), (floor, floor_cpu) = min(colds), min(floors)
        runs = f", best of {len(colds)}" if len(colds) > 1 else ""
        print(f"cold render:      {cold:7.2f} s wall, {cold_cpu:7.2f} s CPU  ({summary}{runs})")
        print(f"Graphviz alone:   {floor:7.2f} s wall, {floor_cpu:7.2f} s CPU  ({views} views)")
        ratio = cold / floor
        print(
            f"ratio:            {ratio:7.2f} wall, {cold_cpu / floor_cpu:7.2f} CPU  "
            f"(goal: wall <= 1.3: {verdict(ratio <= 1.3)})"
        )

        size = sum(p.stat().st_size for p in out.glob("*/*") if p.is_file())
        per_spec = size / len(paths)
        print(
            f"diagram files:    {size / 1e6:7.1f} MB, {per_spec / 1e3:.0f} kB per spec "
            f"({per_spec * 500 / 1e6:.0f} MB for 500 specs)"
        )

        warm, summary = timed(cmd)
        print(f"warm re-run:      {warm:7.2f} s  ({summary}; goal < 0.5 s: {verdict(warm < 0.5)})")

        changed = paths[len(paths) // 2]
        changed.write_text(
            re.sub(r"(description: Component 0 of [^;]*;)", r"\1 edited", changed.read_text())
        )
        one, summary = timed(cmd)
        print(f"one spec changed: {one:7.2f} s  ({summary})")

        big = generate(Path("big"), 1, args.big_components, args.big_flows)[0]
        seconds, peak_kib, said = peak_memory(render_command(big, Path("big-out"), args.formats))
        print(
            f"one spec of {args.big_components} components and {args.big_flows} flows: "
            f"{seconds:.2f} s, peak memory {peak_kib / 1024:.0f} MiB (largest process) "
            f"(goal: within 120 s: {verdict(seconds <= 120)})"
        )
        for line in said:
            print("    " + line)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
