"""Create new specs from the commented template."""

from __future__ import annotations

import os
import re
from pathlib import Path

import jinja2

from mlopsdiag.errors import MlopsdiagError
from mlopsdiag.spec.names import file_name_problem
from mlopsdiag.spec.schema import PUBLISHED_SCHEMA_PATH, SLUG_PATTERN, schema_json
from mlopsdiag.templates_dir import template_dirs
from mlopsdiag.writer import OutputError, write_atomic


def new_spec(name: str, folder: Path, root: Path) -> list[Path]:
    """Write `folder/name.yaml` (and the schema under `root` if missing); return what was written."""
    if not re.fullmatch(SLUG_PATTERN, name):
        raise MlopsdiagError(
            f"{name!r} is not a valid name: use lowercase letters, digits and '-' "
            "(at most 63 characters, not starting or ending with '-')"
        )
    reserved = file_name_problem(name, site_page=True)
    if reserved is not None:
        raise MlopsdiagError(reserved)
    target = folder / f"{name}.yaml"
    if target.exists():
        raise MlopsdiagError(f"{target} already exists; refusing to overwrite it")
    schema_file = root / PUBLISHED_SCHEMA_PATH
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs()]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - YAML output; values are validated slugs
    )
    title = name.replace("-", " ").capitalize()
    text = env.get_template("spec.yaml.j2").render(
        name=name,
        title=title,
        schema_path=Path(os.path.relpath(schema_file, folder.resolve())).as_posix(),
        spec_path=target.as_posix(),
    )
    written = []
    make_dir(folder)
    write_atomic(target, text.encode("utf-8"), exclusive=True)
    written.append(target)
    if not schema_file.exists():
        try:
            make_dir(schema_file.parent)
            write_atomic(schema_file, schema_json().encode("utf-8"))
        except MlopsdiagError:
            target.unlink(missing_ok=True)  # nothing half-written
            raise
        written.append(schema_file)
    return written


def make_dir(folder: Path) -> None:
    """Create `folder` and its parents, or fail with a one-line error naming it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create folder {folder}: {exc.strerror or exc}") from None


SITE_FILES = (
    ("mkdocs.yml", "scaffold/mkdocs.yml.j2"),
    ("README.md", "scaffold/README.md.j2"),
    (".gitignore", "scaffold/gitignore.j2"),
    ("docs/about.md", "scaffold/about.md.j2"),
)
"""Files of a new knowledge repository, besides its first spec: (path, template)."""


def new_site(name: str, root: Path, *, site_name: str = "") -> list[Path]:
    """Scaffold a knowledge repository in `root`: a first spec, mkdocs.yml, docs/, README.

    Refuses to overwrite anything: every target is checked before the first file is written.
    """
    clashes = [root / path for path, _ in SITE_FILES if (root / path).exists()]
    spec_file = root / "specs" / f"{name}.yaml"
    if spec_file.exists():
        clashes.append(spec_file)
    if clashes:
        listed = ", ".join(str(p) for p in clashes)
        raise MlopsdiagError(f"refusing to overwrite existing files: {listed}")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs()]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - YAML and Markdown output; the one value is JSON-quoted
    )
    title = site_name or f"{root.resolve().name.replace('-', ' ').capitalize()} ML systems"
    written = new_spec(name, root / "specs", root)
    try:
        for path, template in SITE_FILES:
            target = root / path
            make_dir(target.parent)
            text = env.get_template(template).render(site_name=title)
            write_atomic(target, text.encode("utf-8"), exclusive=True)
            written.append(target)
        make_dir(root / "templates")
    except MlopsdiagError:
        for done in written:  # nothing half-written: the files of this run go again
            done.unlink(missing_ok=True)
        raise
    return written
