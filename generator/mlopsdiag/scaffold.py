"""Create new specs from the commented template."""

from __future__ import annotations

import os
import re
from pathlib import Path

import jinja2

from mlopsdiag.errors import MlopsdiagError
from mlopsdiag.spec.schema import PUBLISHED_SCHEMA_PATH, SLUG_PATTERN, schema_json
from mlopsdiag.templates_dir import template_dirs
from mlopsdiag.writer import write_atomic


def new_spec(name: str, folder: Path, root: Path) -> list[Path]:
    """Write `folder/name.yaml` (and the schema under `root` if missing); return what was written."""
    if not re.fullmatch(SLUG_PATTERN, name):
        raise MlopsdiagError(
            f"{name!r} is not a valid name: use lowercase letters, digits and '-' "
            "(at most 63 characters, not starting or ending with '-')"
        )
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
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text.encode("utf-8"), exclusive=True)
    written.append(target)
    if not schema_file.exists():
        schema_file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(schema_file, schema_json().encode("utf-8"))
        written.append(schema_file)
    return written
