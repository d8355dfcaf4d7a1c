"""Compile the Kubeflow pipelines whose IR YAML the repository keeps, with the real `kfp`
compiler: the churn spec's training pipeline (manifests/) and the drift tests' fixtures
(tests/drift/cluster/kfp/, and one with nested DAGs in tests/drift/nested/). `--check`
compiles into a temporary folder and fails when a committed file differs (a new kfp version
that writes another IR, or an edit of this file).

    .venv/bin/pip install kfp     # in the `test` extra
    .venv/bin/python scripts/make_pipelines.py [--check]
"""

# No `from __future__ import annotations`: kfp reads the components' annotations as types.

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from kfp import compiler, dsl

ROOT = Path(__file__).resolve().parent.parent
IMAGE = "registry.example.com/ml/churn-pipeline:2026.10"


def _step(name: str, *args: str) -> dsl.ContainerSpec:
    return dsl.ContainerSpec(
        image=IMAGE, command=["python", "-m", f"churn.{name}"], args=list(args)
    )


# ---------------------------------------------------------------- churn (bundled spec)


@dsl.container_component
def ingest(snapshot: dsl.Output[dsl.Dataset]) -> dsl.ContainerSpec:
    return _step("ingest", "--out", snapshot.path)


@dsl.container_component
def validate_data(
    snapshot: dsl.Input[dsl.Dataset], checked: dsl.Output[dsl.Dataset]
) -> dsl.ContainerSpec:
    return _step("validate", snapshot.path, checked.path)


@dsl.container_component
def label_check(
    checked: dsl.Input[dsl.Dataset], cleaned: dsl.Output[dsl.Dataset]
) -> dsl.ContainerSpec:
    return _step("label_check", checked.path, cleaned.path)


@dsl.container_component
def features(cleaned: dsl.Input[dsl.Dataset], matrix: dsl.Output[dsl.Dataset]) -> dsl.ContainerSpec:
    return _step("features", cleaned.path, matrix.path)


@dsl.container_component
def tune(matrix: dsl.Input[dsl.Dataset], params: dsl.Output[dsl.Artifact]) -> dsl.ContainerSpec:
    return _step("tune", matrix.path, params.path)


@dsl.container_component
def train(
    matrix: dsl.Input[dsl.Dataset], params: dsl.Input[dsl.Artifact], model: dsl.Output[dsl.Model]
) -> dsl.ContainerSpec:
    return _step("train", matrix.path, params.path, model.path)


@dsl.container_component
def evaluate(model: dsl.Input[dsl.Model]) -> dsl.ContainerSpec:
    return _step("evaluate", model.path)


@dsl.pipeline(name="churn-training", description="Weekly churn model retraining.")
def churn_training() -> None:
    snap = ingest()
    checked = validate_data(snapshot=snap.outputs["snapshot"])
    cleaned = label_check(checked=checked.outputs["checked"])
    matrix = features(cleaned=cleaned.outputs["cleaned"])
    tuned = tune(matrix=matrix.outputs["matrix"])
    trained = train(matrix=matrix.outputs["matrix"], params=tuned.outputs["params"])
    evaluate(model=trained.outputs["model"])


# ---------------------------------------------------------------- the drift tests' fixture


@dsl.container_component
def prepare(table: str, dataset: dsl.Output[dsl.Dataset]) -> dsl.ContainerSpec:
    return dsl.ContainerSpec(image="python:3.11", command=["prepare"], args=[table, dataset.path])


@dsl.container_component
def fit(dataset: dsl.Input[dsl.Dataset], model: dsl.Output[dsl.Model]) -> dsl.ContainerSpec:
    return dsl.ContainerSpec(image="python:3.11", command=["fit"], args=[dataset.path, model.path])


@dsl.container_component
def score(model: dsl.Input[dsl.Model], dataset: dsl.Input[dsl.Dataset]) -> dsl.ContainerSpec:
    return dsl.ContainerSpec(
        image="python:3.11", command=["score"], args=[model.path, dataset.path]
    )


@dsl.pipeline(name="fraud-training")
def fraud_training(table: str = "payments") -> None:
    data = prepare(table=table)
    model = fit(dataset=data.outputs["dataset"])
    score(model=model.outputs["model"], dataset=data.outputs["dataset"])


# ---------------------------------------------------------------- nested DAGs (drift tests)


@dsl.container_component
def clean(table: str, cleaned: dsl.Output[dsl.Dataset]) -> dsl.ContainerSpec:
    return dsl.ContainerSpec(image="python:3.11", command=["clean"], args=[table, cleaned.path])


@dsl.container_component
def split(cleaned: dsl.Input[dsl.Dataset], train_set: dsl.Output[dsl.Dataset]) -> dsl.ContainerSpec:
    return dsl.ContainerSpec(
        image="python:3.11", command=["split"], args=[cleaned.path, train_set.path]
    )


@dsl.container_component
def publish(model: dsl.Input[dsl.Model]) -> dsl.ContainerSpec:
    return dsl.ContainerSpec(image="python:3.11", command=["publish"], args=[model.path])


@dsl.pipeline(name="data-prep")
def data_prep(table: str) -> dsl.Dataset:
    cleaned = clean(table=table)
    return split(cleaned=cleaned.outputs["cleaned"]).outputs["train_set"]


@dsl.pipeline(name="nested-training")
def nested_training(table: str = "payments", release: bool = True) -> None:
    # A sub-pipeline and a condition: both compile to components with a `dag` of their own.
    data = data_prep(table=table)
    model = fit(dataset=data.output)
    with dsl.If(release == True):  # noqa: E712 (kfp builds the condition from the operator)
        publish(model=model.outputs["model"])


PIPELINES: dict[str, Callable[..., None]] = {
    "manifests/churn-kubeflow-mlflow-seldon/churn-training.yaml": churn_training,
    "tests/drift/cluster/kfp/fraud-training.yaml": fraud_training,
    "tests/drift/nested/nested-training.yaml": nested_training,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a file is stale")
    check = parser.parse_args().check
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for target, pipeline in PIPELINES.items():
            out = Path(tmp, Path(target).name) if check else ROOT / target
            out.parent.mkdir(parents=True, exist_ok=True)
            compiler.Compiler().compile(pipeline, str(out))
            if check and out.read_bytes() != (ROOT / target).read_bytes():
                stale.append(target)
    for target in stale:
        print(f"stale: {target} (run scripts/make_pipelines.py)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
