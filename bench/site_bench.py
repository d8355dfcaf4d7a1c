"""Time the site: `mlopsdiag render` (diagrams and pages) plus `mkdocs build` for generated
specs, then the warm re-render with nothing changed.

    python bench/site_bench.py [--count 100] [--components 25] [--zensical] [--keep DIR]

Everything runs as the commands a user would type, in a scratch knowledge repository made
by `mlopsdiag init --site`, on the specs of bench/generate.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

BIN = Path(sys.executable).parent


def timed(cmd: list[str], cwd: Path) -> tuple[float, str]:
    """Run a command in `cwd`; return the seconds it took and its standard output."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}")
    return elapsed, proc.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--components", type=int, default=25)
    parser.add_argument("--zensical", action="store_true", help="Also time `zensical build`.")
    parser.add_argument("--keep", type=Path, help="Build in this folder and keep it.")
    args = parser.parse_args()

    scratch = Path(args.keep or tempfile.mkdtemp(prefix="mlopsdiag-site-bench-"))
    try:
        scratch.mkdir(parents=True, exist_ok=True)
        project = scratch / "kb"
        if project.exists():
            shutil.rmtree(project)
        mlopsdiag = str(BIN / "mlopsdiag")
        timed([mlopsdiag, "init", "starter", "--site", str(project)], scratch)
        (project / "specs" / "starter.yaml").unlink()
        generate(project / "specs", args.count, args.components)
        pages = f"{args.count} specs x {args.components} components"

        cold, _ = timed([mlopsdiag, "render"], project)
        build, _ = timed([str(BIN / "mkdocs"), "build", "--strict", "-q"], project)
        warm, said = timed([mlopsdiag, "render"], project)
        html = sum(1 for _ in (project / "site").rglob("*.html"))
        print(f"site benchmark: {pages}, {html} HTML pages")
        print(f"  mlopsdiag render (cold: diagrams + pages)  {cold:7.2f} s")
        print(f"  mkdocs build --strict                      {build:7.2f} s")
        print(f"  render + build                             {cold + build:7.2f} s")
        print(f"  mlopsdiag render again, nothing changed    {warm:7.2f} s")
        print("    " + said.replace("\n", "\n    "))
        if args.zensical:
            zensical = BIN / "zensical"
            if zensical.exists():
                shutil.rmtree(project / "site")
                z, _ = timed([str(zensical), "build", "--strict", "--clean"], project)
                print(f"  zensical build --strict                    {z:7.2f} s")
            else:
                print("  zensical build: not installed (pip install zensical)")
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
