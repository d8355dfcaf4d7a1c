"""Compiled Kubeflow Pipelines IR YAML (what `kfp.compiler.Compiler` writes): the pipeline,
its top-level tasks, the dependencies between them and their container images."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlopsdiag.deployed.record import Sink, mapping, seq, text


def is_pipeline_spec(data: Mapping[str, Any]) -> bool:
    """A compiled pipeline: `pipelineInfo` and `root` at the top."""
    return "pipelineInfo" in data and "root" in data


def is_platform_spec(data: Mapping[str, Any]) -> bool:
    """The second document kfp writes for Kubernetes settings (nothing to read in it)."""
    return set(data) == {"platforms"}


def read_pipeline(data: Mapping[str, Any], sink: Sink) -> None:
    """One compiled pipeline and its root DAG's tasks."""
    name = text(mapping(data.get("pipelineInfo")).get("name"))
    if not name:
        sink.problem(("pipelineInfo",), "compiled pipeline without `pipelineInfo.name`")
        return
    tasks = mapping(mapping(data.get("root")).get("dag")).get("tasks")
    if not isinstance(tasks, dict) or not tasks:
        sink.problem(("root",), f"compiled pipeline {name!r} has no `root.dag.tasks`")
        return
    executors = mapping(mapping(data.get("deploymentSpec")).get("executors"))
    components = mapping(data.get("components"))
    sink.add(("pipelineInfo",), kind="kfp-pipeline", name=name, source="kubeflow")
    for task_name, task in tasks.items():
        if not isinstance(task, dict):
            sink.problem(
                ("root", "dag", "tasks", task_name), f"task {task_name!r} is not a mapping"
            )
            continue
        component = mapping(components.get(text(mapping(task.get("componentRef")).get("name"))))
        executor = mapping(executors.get(text(component.get("executorLabel"))))
        image = text(mapping(executor.get("container")).get("image"))
        sink.add(
            ("root", "dag", "tasks", task_name),
            at_key=True,
            kind="kfp-task",
            name=task_name,
            parent=name,
            source="kubeflow",
            depends_on=tuple(text(d) for d in seq(task.get("dependentTasks")) if text(d)),
            images=(image,) if image else (),
        )
