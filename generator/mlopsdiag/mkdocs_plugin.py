"""The `mlopsdiag` MkDocs plugin: `plugins: [mlopsdiag]` in mkdocs.yml.

With it, `mkdocs build` and `mkdocs serve` draw the diagrams and write the site's pages
themselves, as files of the build (nothing lands in the docs folder), and `mkdocs serve`
rebuilds when a spec, the project catalogue, the settings file or a project template
changes. It is the same output as `mlopsdiag render`, which stays the way to feed engines
that do not run MkDocs plugins (Zensical).

Like `mlopsdiag render`, it is a caller of the site: it hands the command group to the CLI
reference, so it may import the command line (the site itself never does).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from mlopsdiag.errors import MlopsdiagError, Severity

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


class PluginConfig(base.Config):  # type: ignore[no-untyped-call]
    """The plugin's options in mkdocs.yml (`plugins: [{mlopsdiag: {...}}]`)."""

    specs = opt.ListOfItems(opt.Type(str), default=["specs"])
    """Spec files or folders, relative to mkdocs.yml."""
    templates = opt.Optional(opt.Type(str))
    """The project's own templates folder, relative to mkdocs.yml (default: templates/ if
    there is one)."""
    enabled = opt.Type(bool, default=True)
    """Turn the plugin off (e.g. `enabled: !ENV [MLOPSDIAG_PLUGIN, true]`)."""


class MlopsdiagPlugin(BasePlugin[PluginConfig]):  # type: ignore[no-untyped-call]
    """Generates the architecture pages and diagrams as files of the MkDocs build."""

    def __init__(self) -> None:
        self._workdir: tempfile.TemporaryDirectory[str] | None = None
        self._specs: list[Path] = []
        self._templates: Path | None = None

    # Defining on_startup keeps one plugin instance across the rebuilds of `mkdocs serve`,
    # so the diagrams of unchanged specs come from the render cache of its work folder.
    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Nothing to set up before the configuration is read."""

    def on_shutdown(self) -> None:
        """Remove the work folder."""
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Resolve the spec and template paths against the folder of mkdocs.yml."""
        if not self.config.enabled:
            return config
        root = Path(config.config_file_path or ".").resolve().parent
        self._specs = []
        for entry in self.config.specs:
            path = root / entry
            if not path.exists():
                raise PluginError(
                    f"mlopsdiag: spec path {entry!r} (plugins.mlopsdiag.specs) does not exist "
                    f"in {root}"
                )
            self._specs.append(path)
        if self.config.templates is not None:
            templates = root / self.config.templates
            if not templates.is_dir():
                raise PluginError(
                    f"mlopsdiag: templates folder {self.config.templates!r} "
                    f"(plugins.mlopsdiag.templates) does not exist in {root}"
                )
            self._templates = templates
        else:
            default = root / "templates"
            self._templates = default if default.is_dir() else None
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Render diagrams and pages into the work folder and add them to the build."""
        if not self.config.enabled:
            return files
        from mlopsdiag.cli import main_group
        from mlopsdiag.site.build import render_site

        if self._workdir is None:
            self._workdir = tempfile.TemporaryDirectory(prefix="mlopsdiag-mkdocs-")
        out = Path(self._workdir.name)
        try:
            built = render_site(self._specs, out, templates=self._templates, cli=main_group)
        except MlopsdiagError as exc:
            raise PluginError(f"mlopsdiag: {exc.message}") from exc
        for diagnostic in built.diagnostics:
            _LOGGERS[diagnostic.severity]("mlopsdiag: %s", diagnostic.format())
        generated = [*built.site.files, *built.diagrams]
        replaced = 0
        for path in generated:
            src_uri = path.relative_to(out).as_posix()
            existing = files.get_file_from_path(src_uri)
            if existing is not None:
                if not _was_generated(existing):
                    raise PluginError(
                        f"mlopsdiag: {existing.src_uri} in the docs folder is not a file "
                        "mlopsdiag generated, and the plugin generates a page of that name; "
                        "move it elsewhere in the docs folder"
                    )
                files.remove(existing)
                replaced += 1
            files.append(File.generated(config, src_uri, abs_src_path=str(path)))
        if replaced:
            log.info(
                "mlopsdiag: %d file(s) left in the docs folder by `mlopsdiag render` are "
                "replaced by the plugin's; delete them (or stop using the plugin)",
                replaced,
            )
        log.info(
            "mlopsdiag: %d spec(s) rendered into %d page and diagram files",
            built.specs,
            len(generated),
        )
        return files

    def on_serve(
        self,
        server: LiveReloadServer,
        /,
        *,
        config: MkDocsConfig,
        builder: Callable[..., object],
    ) -> LiveReloadServer | None:
        """Rebuild the site when a spec, catalogue, settings file or template changes."""
        if not self.config.enabled:
            return server
        from mlopsdiag.site.build import watched_paths

        for path in watched_paths(self._specs, self._templates):
            server.watch(str(path))
        return server


_LOGGERS: dict[Severity, Callable[..., None]] = {
    Severity.ERROR: log.error,
    Severity.WARNING: log.info,
    Severity.INFO: log.info,
}
"""Invalid specs fail a strict build; lint findings are `mlopsdiag validate`'s business."""


def _was_generated(file: File) -> bool:
    from mlopsdiag.site.generate import is_generated

    if file.abs_src_path is None:
        return False
    path = Path(file.abs_src_path)
    if path.suffix in (".md", ".css", ".js"):
        return is_generated(path)
    # Diagrams carry no mark; those under architectures/ are mlopsdiag's by convention.
    return file.src_uri.startswith("architectures/")
