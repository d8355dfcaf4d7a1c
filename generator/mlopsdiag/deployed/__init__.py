"""What runs, read from the outside world: manifests, rule files, Compose files and the MLflow
registry, each turned into one neutral record (`record.py`) by a reader of its own; `drift`
compares the records with specs and `importer` writes a spec from them.

Nothing is imported here: `validate` reads the drift codes' severities from the settings
file, and should not load the readers to do so."""
