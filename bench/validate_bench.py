"""Time `mlopsdiag validate` against check-jsonschema on the same generated specs.

    python bench/validate_bench.py [--count 1000] [--components 25] [--repeat 1]

Everything runs as a whole process, in turns, in the same run on the same files:

1. `mlopsdiag validate` of COUNT specs against check-jsonschema (goal: at most 0.12 x,
   although mlopsdiag checks more: references, secrets and the lint rules);
2. against the floor: a Python process that only composes the same files with libyaml,
   positions included (goal: at most 2.5 x);
3. one spec against `python -c pass` (goal: at most 3 x; modules compiled, as
   `scripts/run setup` leaves them).

Each ratio is printed with "met" or "not met", from the best of --repeat runs of each.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema" / "mlopsdiag-v1.schema.json"


def timed(cmd: list[str]) -> tuple[float, int, float]:
    """Run a command, discarding its output; return (seconds, exit code, peak MiB).

    The peak is the largest resident size of the command and every process it started
    (pool workers included), as the kernel counted it.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, stderr = proc.communicate()
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.stderr.write(stderr.decode(errors="replace"))
        raise SystemExit(f"{cmd[0]} failed with exit code {proc.returncode}")
    return elapsed, proc.returncode, _peak_mib()


def _peak_mib() -> float:
    # The run was reaped by communicate(); RUSAGE_CHILDREN holds the largest peak of any
    # child so far, so the bench runs the command whose peak it reports first.
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


COMPOSE = """
import sys
from pathlib import Path
import yaml
loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
for path in sorted(Path(sys.argv[1]).glob("*.yaml")):
    loader = loader_class(path.read_text(encoding="utf-8"))
    try:
        loader.get_single_node()
    finally:
        loader.dispose()
"""
"""The floor: a process that reads and composes every file into nodes (with marks)."""


def verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--components", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best counts")
    args = parser.parse_args()

    bindir = Path(sys.executable).parent
    mlopsdiag = shutil.which("mlopsdiag", path=str(bindir)) or "mlopsdiag"
    checker = shutil.which("check-jsonschema", path=str(bindir)) or shutil.which("check-jsonschema")
    if checker is None:
        raise SystemExit("check-jsonschema is not installed (pip install check-jsonschema)")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "specs"
        files = generate(folder, args.count, args.components)
        one = generate(Path(tmp) / "one", 1, args.components)[0]
        runs: dict[str, list[float]] = {
            "ours": [],
            "theirs": [],
            "floor": [],
            "one": [],
            "pass": [],
        }
        peaks: list[float] = []
        for _ in range(args.repeat):
            ours, code, peak = timed([mlopsdiag, "validate", "--format", "json", str(folder)])
            peaks.append(peak)
            theirs, their_code, _ = timed([checker, "--schemafile", str(SCHEMA), *map(str, files)])
            floor, _, _ = timed([sys.executable, "-c", COMPOSE, str(folder)])
            if code != 0 or their_code != 0:
                raise SystemExit(f"generated specs should be valid (exit {code}, {their_code})")
            runs["ours"].append(ours)
            runs["theirs"].append(theirs)
            runs["floor"].append(floor)
        for _ in range(max(5, args.repeat)):
            runs["one"].append(timed([mlopsdiag, "validate", str(one)])[0])
            runs["pass"].append(timed([sys.executable, "-c", "pass"])[0])

    best = {key: min(values) for key, values in runs.items()}
    vs_checker = best["ours"] / best["theirs"]
    vs_floor = best["ours"] / best["floor"]
    vs_pass = best["one"] / best["pass"]
    from mlopsdiag.check import default_jobs

    print(f"specs: {args.count} x {args.components} components, best of {args.repeat}")
    print(
        f"processes validate used: {default_jobs(args.count)} "
        f"(CPUs available: {len(os.sched_getaffinity(0))})"
    )
    print(f"peak memory of validate (largest process): {peaks[0]:.0f} MiB")
    print(f"mlopsdiag validate:             {best['ours']:7.2f} s")
    print(f"check-jsonschema (same files):  {best['theirs']:7.2f} s")
    print(f"libyaml compose floor (process): {best['floor']:6.2f} s")
    print(
        f"ratio to check-jsonschema: {vs_checker:6.3f}  (goal <= 0.12: {verdict(vs_checker <= 0.12)})"
    )
    print(f"ratio to the compose floor: {vs_floor:5.2f}  (goal <= 2.5: {verdict(vs_floor <= 2.5)})")
    print(
        f"one spec: {best['one']:.3f} s, python -c pass {best['pass']:.3f} s, ratio "
        f"{vs_pass:.2f}  (goal <= 3: {verdict(vs_pass <= 3)})"
    )


if __name__ == "__main__":
    main()
