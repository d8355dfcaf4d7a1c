"""Small specs written on the fly for the render tests (helpers only: no tests here)."""

from __future__ import annotations

from pathlib import Path

from mlopsdiag.spec.model import Architecture
from mlopsdiag.spec.validate import validate_paths

SMALL = """\
apiVersion: mlopsdiag/v1
kind: Architecture
metadata:
  name: {name}
  title: Small system {name}
groups:
  - id: platform
    name: Platform
    tool: kubernetes
  - id: pipeline
    name: Training pipeline
    parent: platform
    tool: kubeflow
components:
  - id: lake
    name: Data lake
    tool: s3
  - id: prep
    name: Prepare
    group: pipeline
    capabilities: [data-validation]
  - id: train
    name: Train
    tool: scikit-learn
    group: pipeline
    description: Fits the model.
  - id: registry
    tool: mlflow
    group: platform
  - id: monitor
    tool: evidently
flows:
  - {{from: lake, to: prep, label: raw rows}}
  - {{from: prep, to: train, kind: features}}
  - {{from: train, to: registry, label: model, kind: model}}
  - {{from: registry, to: monitor, kind: metrics}}
  - {{from: monitor, to: pipeline, label: retrain, kind: control}}
views:
  - id: training
    title: Training
    include: [lake, pipeline]
    direction: TB
"""


def write_spec(folder: Path, name: str = "small", text: str | None = None) -> Path:
    """Write a spec file (the small one by default) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(SMALL.format(name=name) if text is None else text, encoding="utf-8")
    return path


def load(path: Path) -> Architecture:
    """The model of a spec that must be valid."""
    results = validate_paths([path])
    assert len(results) == 1, [d.format() for r in results for d in r.diagnostics]
    arch = results[0].architecture
    assert arch is not None, [d.format() for d in results[0].diagnostics]
    return arch


def test_step_text_in_pictures_is_markdown_as_read() -> None:
    from mlopsdiag.render.labels import plain

    assert plain("Set `modelUri` and **re-apply** the [deployment](https://x.example/d)") == (
        "Set modelUri and re-apply the deployment"
    )
    assert plain("a_b stays, 2 * 3 stays") == "a_b stays, 2 * 3 stays"
