"""Where the Jinja2 templates live, and how a project overrides them."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from mlopsdiag.errors import MlopsdiagError

TEMPLATES_PACKAGE = "mlopsdiag.templates"
"""The repository's top-level templates/ folder, installed as this package."""


def package_data_dir(package: str) -> Path:
    """The folder of a package's data files, found with importlib.resources.

    Jinja2's loader, the site cache and `serve`'s watcher need a real folder; an install
    that keeps packages inside a zip file has none.
    """
    found = files(package)
    if not isinstance(found, Path) or not found.is_dir():
        raise MlopsdiagError(
            f"the data files of {package} are not in a folder on disk ({found}); "
            "install mlopsdiag unpacked (pip install mlopsdiag)"
        )
    return found


def builtin_templates() -> Path:
    """The folder of the built-in templates."""
    return package_data_dir(TEMPLATES_PACKAGE)


def template_dirs(project: Path | None = None) -> list[Path]:
    """Template search path: a project's own folder first, then the built-in templates."""
    dirs: list[Path] = []
    if project is not None and project.is_dir():
        dirs.append(project)
    dirs.append(builtin_templates())
    return dirs
