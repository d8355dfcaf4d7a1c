"""What runs, read from the outside world: manifests, rule files, Compose files and the MLflow
registry, each turned into one neutral record; `drift` compares the records with specs and
`import` writes a spec from them."""

from __future__ import annotations

from mlopsdiag.deployed.read import Reading, read_paths
from mlopsdiag.deployed.record import Record

__all__ = ["Reading", "Record", "read_paths"]
