"""Time `mlopsdiag validate` against check-jsonschema on the same generated specs.

    python bench/validate_bench.py [--count 1000] [--components 25] [--repeat 1]

Both run as the command a user would type, in the same run on the same files; the script
prints both times and their ratio (goal: mlopsdiag <= 0.25 x check-jsonschema, although
mlopsdiag checks more: references, secrets and the lint rules). For scale it also prints
the floor: libyaml composing the same files, positions included, in this process.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema" / "mlopsdiag-v1.schema.json"


def timed(cmd: list[str]) -> tuple[float, int]:
    """Run a command, discarding its output; return (seconds, exit code)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        raise SystemExit(f"{cmd[0]} failed with exit code {proc.returncode}")
    return elapsed, proc.returncode


def compose_floor(files: list[Path]) -> float:
    """Seconds libyaml needs just to compose the files into nodes (with marks)."""
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    start = time.perf_counter()
    for path in files:
        loader = loader_class(path.read_text(encoding="utf-8"))
        try:
            loader.get_single_node()
        finally:
            loader.dispose()
    return time.perf_counter() - start


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
        ours_runs, theirs_runs = [], []
        for _ in range(args.repeat):
            ours, code = timed([mlopsdiag, "validate", "--format", "json", str(folder)])
            ours_runs.append(ours)
            theirs, their_code = timed([checker, "--schemafile", str(SCHEMA), *map(str, files)])
            theirs_runs.append(theirs)
            if code != 0 or their_code != 0:
                raise SystemExit(f"generated specs should be valid (exit {code}, {their_code})")
        floor = compose_floor(files)

    ours, theirs = min(ours_runs), min(theirs_runs)
    print(f"specs: {args.count} x {args.components} components")
    print(f"mlopsdiag validate:           {ours:7.2f} s")
    print(f"check-jsonschema (same files): {theirs:7.2f} s")
    print(f"libyaml compose floor:         {floor:7.2f} s")
    print(f"ratio mlopsdiag / check-jsonschema: {ours / theirs:.3f} (goal <= 0.25)")


if __name__ == "__main__":
    main()
