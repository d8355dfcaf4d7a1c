"""Time the site: `mlopsdiag render` (diagrams and pages) plus `mkdocs build --strict` and
`zensical build --strict` for generated specs, then the warm re-render with nothing changed;
measure the built site's size.

    python bench/site_bench.py [--count 1000] [--components 25] [--no-zensical]
                               [--pages-only] [--keep DIR]

Everything runs as the commands a user would type, in a scratch knowledge repository made
by `mlopsdiag init --site`, on the specs of bench/generate.py. Goals, each printed with
"met" or "not met": both builds pass --strict; the site is at most 0.3 MB per spec (150 MB
for 500 specs); the search index is one file; its largest section stays under Zensical's
limit of 65,536 positions; the largest rule page does not grow with the findings (it is
compared with the same site's largest architecture page). `--pages-only` writes the pages without
drawing the diagrams (each architecture page then says its diagrams are not drawn yet), to
check the builds on many specs when drawing them all would take too long.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

from mlopsdiag.mkdocs_icons import ICONS_DIR

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


def size_of(folder: Path, suffix: str = "") -> int:
    """Bytes of the files below a folder (only those ending in `suffix`, if given)."""
    return sum(p.stat().st_size for p in folder.rglob(f"*{suffix}") if p.is_file())


def mb(size: int) -> str:
    return f"{size / 1_000_000:7.1f} MB"


def verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


SEARCH_SEPARATOR = re.compile(r"[\s\-_,:!=\[\]()\\\"`/]+|\.(?!\d)")
"""Zensical's default search separator (finer than MkDocs Material's): its tokens are the
positions it counts."""
SEARCH_LIMIT = 65_536
"""Zensical's limit of positions in one section of the search index."""
_TAG = re.compile(r"<[^>]+>")


def search_positions(html: str) -> int:
    """How many positions Zensical counts in a search section's text (tags left out)."""
    return sum(1 for token in SEARCH_SEPARATOR.split(_TAG.sub(" ", html)) if token.strip())


def largest_search_section(site: Path) -> tuple[int, str]:
    """Positions in the largest section of a built MkDocs site's search index, and where."""
    folder = site / "search"
    script = folder / "search_index.js"
    if script.is_file():
        text = script.read_text(encoding="utf-8").removeprefix("var __index = ")
    else:
        text = (folder / "search_index.json").read_text(encoding="utf-8")
    largest = (0, "")
    for doc in json.loads(text)["docs"]:
        count = search_positions(doc["title"] + " " + doc["text"])
        largest = max(largest, (count, doc["location"]))
    return largest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--components", type=int, default=25)
    parser.add_argument(
        "--no-zensical", action="store_true", help="Skip `zensical build --strict`."
    )
    parser.add_argument(
        "--pages-only", action="store_true", help="Write the pages, draw no diagram."
    )
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

        if args.pages_only:
            write_pages = (
                "import sys; from pathlib import Path; from mlopsdiag.site import write_site; "
                "from mlopsdiag.spec.validate import validate_paths; "
                "archs = [r.architecture for r in validate_paths([Path('specs')]) "
                "if r.architecture is not None]; print(write_site(archs, Path('docs'))"
                ".summary(Path('docs')))"
            )
            render = [sys.executable, "-c", write_pages]
            pages += " (pages only, no diagrams)"
        else:
            render = [mlopsdiag, "render"]
        cold, _ = timed(render, project)
        build, _ = timed([str(BIN / "mkdocs"), "build", "--strict", "-q"], project)
        warm, said = timed(render, project)
        site = project / "site"
        html = sum(1 for _ in site.rglob("*.html"))
        print(f"site benchmark: {pages}, {html} HTML pages")
        what = "pages only, cold" if args.pages_only else "cold: diagrams + pages"
        print(f"  mlopsdiag render ({what})".ljust(45) + f"{cold:7.2f} s")
        print(f"  mkdocs build --strict                      {build:7.2f} s  (passed: met)")
        print(f"  render + build                             {cold + build:7.2f} s")
        print(f"  the same again, nothing changed            {warm:7.2f} s")
        print("    " + said.replace("\n", "\n    "))
        total = size_of(site)
        budget = 300_000 * args.count
        print(f"  site size (mkdocs)                         {mb(total)}")
        icons_dir = site / ICONS_DIR
        icons = size_of(icons_dir) if icons_dir.is_dir() else 0
        print(f"    SVG diagrams                             {mb(size_of(site, '.svg'))}")
        print(f"    {f'shared icons ({ICONS_DIR}/)':<41}{mb(icons)}")
        print(f"    other PNG                                {mb(size_of(site, '.png') - icons)}")
        print(f"    HTML                                     {mb(size_of(site, '.html'))}")
        for index in sorted((site / "search").glob("search_index.*")):
            print(f"    {index.name:<41}{mb(index.stat().st_size)}")
        indexes = len(list((site / "search").glob("search_index.*")))
        print(f"    goal: one search index file: {verdict(indexes == 1)}")
        positions, where = largest_search_section(site)
        print(
            f"  largest search section {positions:,} positions ({where}; Zensical's limit "
            f"{SEARCH_LIMIT:,}): {verdict(positions < SEARCH_LIMIT)}"
        )
        print(
            f"    goal: at most {mb(budget).strip()} for {args.count} specs "
            f"(150 MB per 500): {verdict(total <= budget)}"
        )
        docs = project / "docs"
        rule_pages = list((docs / "rules").glob("*.md"))
        arch_pages = list((docs / "architectures").glob("*/index.md"))
        biggest_rule = max((p.stat().st_size for p in rule_pages), default=0)
        biggest_arch = max((p.stat().st_size for p in arch_pages), default=0)
        print(
            f"  largest rule page {biggest_rule / 1000:.1f} kB, largest architecture page "
            f"{biggest_arch / 1000:.1f} kB (goal: rule pages list architectures, not "
            f"findings: {verdict(biggest_rule <= 200 * args.count + 20_000)})"
        )
        if not args.no_zensical:
            zensical = BIN / "zensical"
            if zensical.exists():
                shutil.rmtree(site)
                z, _ = timed([str(zensical), "build", "--strict", "--clean"], project)
                print(f"  zensical build --strict                    {z:7.2f} s  (passed: met)")
            else:
                print("  zensical build: not installed (pip install zensical): NOT MET")
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
