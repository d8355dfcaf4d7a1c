"""The package as users get it: build the sdist and the wheel, install the wheel into a new
virtual environment outside the repository, and use it there (slow; marked `packaging`).

Nothing is downloaded: the build runs without isolation on this environment's setuptools,
and the new environment installs only the wheel, finding the dependencies in this
environment's site-packages through a path file (the wheel's own files, data, entry points
and metadata are what is under test). That the dependencies are declared is checked
separately, against the wheel's metadata.
"""

from __future__ import annotations

import ast
import email
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator" / "mlopsdiag"

pytestmark = [pytest.mark.packaging, pytest.mark.graphviz, pytest.mark.site]


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        args,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{output}"
    return output


def _source_tree(target: Path) -> Path:
    """The repository's files as a fresh clone has them (tracked and new, not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout: cannot tell the repository's files")
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(sdist, wheel, build output), built the way `python -m build` does: the wheel from
    the unpacked sdist, so a file missing from the sdist breaks the wheel too."""
    pytest.importorskip("build", reason="pip install -e '.[test]' installs build")
    base = tmp_path_factory.mktemp("packaging")
    source = _source_tree(base / "source")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    output = _run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(base / "dist"), "."],
        cwd=source,
        env=env,
    )
    sdist = next((base / "dist").glob("mlopsdiag-*.tar.gz"))
    wheel = next((base / "dist").glob("mlopsdiag-*-py3-none-any.whl"))
    return sdist, wheel, output


def test_the_build_prints_no_warning(built: tuple[Path, Path, str]) -> None:
    _, _, output = built
    flagged = [
        line
        for line in output.splitlines()
        if "warn" in line.lower() or "deprecat" in line.lower() or line.strip() == "!!"
    ]
    assert not flagged, "\n".join(flagged)


def test_the_sdist_carries_what_the_tests_need(built: tuple[Path, Path, str]) -> None:
    sdist, _, _ = built
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    for needed in (
        "LICENSE",
        "README.md",
        "pyproject.toml",
        "mkdocs.yml",
        "action.yml",
        ".pre-commit-hooks.yaml",
        "scripts/run",
        "scripts/make_icons.py",
        "scripts/logos/mlflow.svg",
        "schema/mlopsdiag-v1.schema.json",
        "manifests/churn-kubeflow-mlflow-seldon/churn-training.yaml",
        "templates/architecture.md.j2",
        "templates/scaffold/mkdocs.yml.j2",
        "docs/guide/site.md",
        "tests/conftest.py",
        "tests/test_packaging.py",
        "tools/node/package-lock.json",
    ):
        assert needed in names, needed
    specs = {p.relative_to(ROOT).as_posix() for p in (ROOT / "specs").glob("*.yaml")}
    assert specs <= names
    cases = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("*") if p.is_file()}
    missing = {c for c in cases if "__pycache__" not in c} - names
    assert not missing, sorted(missing)[:10]


def test_the_wheel_has_licence_metadata_data_and_plugin(built: tuple[Path, Path, str]) -> None:
    _, wheel, _ = built
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(archive.read(info))
        entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert metadata["License-Expression"] == "MIT"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert metadata.get_all("Project-URL")
    assert "Typing :: Typed" in metadata.get_all("Classifier")
    for data in (
        "mlopsdiag/py.typed",
        "mlopsdiag/catalog/tools.yaml",
        "mlopsdiag/catalog/icons/mlflow.png",
        "mlopsdiag/lint/rules.yaml",
        "mlopsdiag/knowledge/data-drift.md",
        "mlopsdiag/templates/architecture.md.j2",
        "mlopsdiag/templates/assets/mlopsdiag.css",
        "mlopsdiag/templates/scaffold/mkdocs.yml.j2",
    ):
        assert data in names, data
    assert "mlopsdiag = mlopsdiag.mkdocs_plugin:MlopsdiagPlugin" in entry_points
    assert "mlopsdiag = mlopsdiag.cli:main" in entry_points


def _third_party_imports() -> set[str]:
    """Top-level modules the package imports that are neither its own nor the stdlib's."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "mlopsdiag"}


def test_every_imported_package_is_declared(built: tuple[Path, Path, str]) -> None:
    _, wheel, _ = built
    with zipfile.ZipFile(wheel) as archive:
        info = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(archive.read(info))
    declared = {
        req.split(";")[0].split("[")[0].split("<")[0].split(">")[0].split("=")[0].strip()
        for req in metadata.get_all("Requires-Dist")
        if "extra ==" not in req
    }
    declared = {d.lower().replace("_", "-") for d in declared}
    providers = packages_distributions()
    imports = _third_party_imports()
    assert {"markupsafe", "jinja2", "mkdocs", "click", "yaml"} <= imports
    for module in sorted(imports):
        owners = {d.lower().replace("_", "-") for d in providers.get(module, [])}
        assert owners & declared, f"{module} (from {sorted(owners)}) is not in Requires-Dist"


def test_the_installed_wheel_scaffolds_validates_renders_and_builds(
    built: tuple[Path, Path, str], tmp_path: Path
) -> None:
    _, wheel, _ = built
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    site_packages = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            cwd=tmp_path,
        ).strip()
    )
    # The dependencies, from this environment, without its editable mlopsdiag (a .pth
    # line only adds the folder: the editable install's own .pth there is not run).
    (site_packages / "zz-mlopsdiag-test-deps.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    _run(
        [str(python), "-m", "pip", "install", "--no-index", "--no-deps", "-q", str(wheel)],
        cwd=tmp_path,
    )
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
        "NO_MKDOCS_2_WARNING": "1",
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    where = _run([str(python), "-c", "import mlopsdiag; print(mlopsdiag.__file__)"], tmp_path, env)
    assert Path(where.strip()).is_relative_to(site_packages), where
    cli = str(venv / "bin" / "mlopsdiag")

    project = tmp_path / "kb"
    _run([cli, "init", "demo", "--site", str(project)], tmp_path, env)
    assert (project / "specs" / "demo.yaml").is_file()
    assert (project / "schema" / "mlopsdiag-v1.schema.json").is_file()
    _run([cli, "validate"], project, env)
    _run([cli, "render"], project, env)
    assert (project / "docs" / "architectures" / "demo" / "overview.svg").is_file()
    assert (project / "docs" / "architectures" / "demo" / "index.md").is_file()
    _run([str(python), "-m", "mkdocs", "build", "--strict"], project, env)
    for page in ("index.html", "architectures/demo/index.html", "reference/cli.html"):
        assert (project / "site" / page).is_file(), page
    assert (project / "site" / "architectures" / "demo" / "overview.svg").is_file()
    assert (project / "site" / "mlopsdiag" / "mlopsdiag.css").is_file()
    # The scaffold's mlopsdiag-icons plugin, from the wheel's entry point: shared icons.
    assert list((project / "site" / "mlopsdiag" / "icons").glob("icon-*.png"))

    # The same project with the plugin instead of render: from the wheel's entry point.
    clean = tmp_path / "kb-plugin"
    _run([cli, "init", "demo", "--site", str(clean)], tmp_path, env)
    config = clean / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - offline", "  - offline\n  - mlopsdiag", 1), "utf-8")
    _run([str(python), "-m", "mkdocs", "build", "--strict"], clean, env)
    assert (clean / "site" / "architectures" / "demo" / "overview.svg").is_file()
    assert not (clean / "docs" / "architectures").exists()
