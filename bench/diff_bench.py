"""Time `mlopsdiag diff` of spec pairs against `mlopsdiag validate` of the same specs.

    python bench/diff_bench.py [--count 1000] [--components 25] [--repeat 1]

Writes COUNT old specs and COUNT new ones with bench/generate.py (the same names, another
random seed: every pair differs in nearly every component, flow and runbook entry, the
heaviest case for the comparison), then runs, as a user would type them:

1. `mlopsdiag diff old new --format json`;
2. `mlopsdiag validate old --format json` and `mlopsdiag validate new --format json` (two runs:
   the two folders share their names, which one validate run would report as duplicates).

Goal: the diff takes at most twice as long as validating the same 2 x COUNT specs. The diff
does all that validation (and lint) too, then compares; the ratio shows what comparing costs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

GOAL = 2.0


def timed(cmd: list[str], ok: tuple[int, ...]) -> float:
    """Run a command, discarding its output; return the seconds it took."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        raise SystemExit(f"{' '.join(cmd[:2])} failed with exit code {proc.returncode}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="spec pairs")
    parser.add_argument("--components", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best counts")
    args = parser.parse_args()

    bindir = Path(sys.executable).parent
    mlopsdiag = shutil.which("mlopsdiag", path=str(bindir)) or "mlopsdiag"
    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp) / "old", Path(tmp) / "new"
        generate(old, args.count, args.components, seed=0)
        generate(new, args.count, args.components, seed=1)
        diffs, validations = [], []
        for _ in range(args.repeat):
            # --exit-code: 1 means "differences", which every pair has.
            diffs.append(
                timed(
                    [mlopsdiag, "diff", str(old), str(new), "--format", "json", "--exit-code"],
                    ok=(1,),
                )
            )
            validations.append(
                sum(
                    timed([mlopsdiag, "validate", "--format", "json", str(side)], ok=(0,))
                    for side in (old, new)
                )
            )
    diff, validate = min(diffs), min(validations)
    ratio = diff / validate
    print(f"spec pairs: {args.count} x {args.components} components")
    print(f"mlopsdiag diff old new:            {diff:7.2f} s")
    print(f"mlopsdiag validate old + new:      {validate:7.2f} s")
    verdict = "met" if ratio <= GOAL else "not met"
    print(f"ratio diff / validate: {ratio:.2f} (goal <= {GOAL:g}: {verdict})")


if __name__ == "__main__":
    main()
