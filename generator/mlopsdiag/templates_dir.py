"""Where the Jinja2 templates live, and how a project overrides them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from mlopsdiag.errors import MlopsdiagError

TEMPLATES_PACKAGE = "mlopsdiag.templates"
"""The repository's top-level templates/ folder, installed as this package."""


def package_data_dir(package: str) -> Path:
    """The folder of a package's data files.

    Jinja2's loader, the site cache and `serve`'s watcher need a real folder; an install
    that keeps packages inside a zip file has none. A package installed as a folder (the
    usual case, and what importlib.resources would answer) is read from its import spec;
    anything else is asked of importlib.resources, whose import costs every run several
    milliseconds at start-up.
    """
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    if len(locations) == 1 and Path(locations[0]).is_dir():
        return Path(locations[0])
    from importlib.resources import files

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
