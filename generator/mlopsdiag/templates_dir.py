"""Where the Jinja2 templates live, and how a project overrides them."""

from __future__ import annotations

from pathlib import Path

PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"
"""Installed copy of the repository's top-level templates/ folder."""
SOURCE_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
"""The repository's own templates/ folder, used when running from a checkout."""


def template_dirs(project: Path | None = None) -> list[Path]:
    """Template search path: a project's own folder first, then the built-in templates."""
    dirs: list[Path] = []
    if project is not None and project.is_dir():
        dirs.append(project)
    for candidate in (SOURCE_TEMPLATES, PACKAGE_TEMPLATES):
        if (candidate / "spec.yaml.j2").is_file():
            dirs.append(candidate)
            break
    return dirs
