"""Layers only point down: the site and the library below it never import the command line."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator" / "mlopsdiag"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, module: str | None = None) -> set[str]:
    """Every module a file imports, at any depth of the file (function-level imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module or _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


SITE_MODULES = sorted((PACKAGE / "site").glob("*.py"))


@pytest.mark.parametrize("path", SITE_MODULES, ids=lambda p: p.name)
def test_no_site_module_imports_the_cli(path: Path) -> None:
    imported = _imports(path)
    assert not {m for m in imported if m == "mlopsdiag.cli" or m.startswith("mlopsdiag.cli.")}


def test_the_import_graph_check_sees_function_level_and_relative_imports(
    tmp_path: Path,
) -> None:
    # The import that made the circle sat inside a function; a relative one counts too.
    probe = tmp_path / "probe.py"
    probe.write_text(
        "def f():\n    from mlopsdiag.cli import main_group\n    from ..cli import main\n",
        encoding="utf-8",
    )
    found = _imports(probe, "mlopsdiag.site.probe")
    assert {"mlopsdiag.cli", "mlopsdiag.cli.main_group", "mlopsdiag.cli.main"} <= found


def test_building_a_site_does_not_load_the_cli(tmp_path: Path) -> None:
    """A fresh interpreter writes a site (CLI reference included) without importing the CLI."""
    code = (
        "import sys, click\n"
        "from pathlib import Path\n"
        "from mlopsdiag.site import write_site\n"
        "group = click.Group('mlopsdiag', help='Stand-in command group.')\n"
        f"write_site([], Path({str(tmp_path / 'docs')!r}), findings={{}}, cli=group)\n"
        "assert 'mlopsdiag.cli' not in sys.modules, 'mlopsdiag.cli was imported'\n"
        f"print(Path({str(tmp_path / 'docs' / 'reference' / 'cli.md')!r}).read_text())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "Stand-in command group." in done.stdout


def test_the_project_settings_sit_below_everything_that_reads_them() -> None:
    """Lint, render, drift, export and the site read mlopsdiag.config; it reads none of them."""
    code = (
        "import sys, mlopsdiag.config\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('mlopsdiag.'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert "mlopsdiag.config" in loaded
    above = ("lint", "render", "site", "export", "cli", "check", "report", "reports", "diff")
    assert not {m for m in loaded if m.split(".")[1] in above}
    # Of the manifest readers, only the drift codes' table (what `drift.severity` may name).
    assert {m for m in loaded if m.startswith("mlopsdiag.deployed.")} == {
        "mlopsdiag.deployed.codes"
    }
