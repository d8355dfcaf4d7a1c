"""Compiled Kubeflow Pipelines IR YAML (what `kfp.compiler.Compiler` writes): the pipeline,
its tasks (those of its sub-pipelines and conditions too), the dependencies between them and
their container images."""

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
    """One compiled pipeline and its tasks, read through nested DAGs."""
    name = text(mapping(data.get("pipelineInfo")).get("name"))
    if not name:
        sink.problem(("pipelineInfo",), "compiled pipeline without `pipelineInfo.name`")
        return
    tasks = mapping(mapping(data.get("root")).get("dag")).get("tasks")
    if not isinstance(tasks, dict) or not tasks:
        sink.problem(("root",), f"compiled pipeline {name!r} has no `root.dag.tasks`")
        return
    dags = _Dags(
        name,
        mapping(data.get("components")),
        mapping(mapping(data.get("deploymentSpec")).get("executors")),
        sink,
    )
    sink.add(("pipelineInfo",), kind="kfp-pipeline", name=name, source="kubeflow")
    dags.read(tasks, ("root", "dag", "tasks"), (), frozenset())


class _Dags:
    """The tasks of one compiled pipeline, read through its nested DAGs: a sub-pipeline or a
    condition compiles to a task whose component has a `dag` of its own; its tasks are read
    as tasks of the pipeline (the DAG task itself runs nothing)."""

    def __init__(
        self, pipeline: str, components: Mapping[str, Any], executors: Mapping[str, Any], sink: Sink
    ) -> None:
        self.pipeline = pipeline
        self.components = components
        self.executors = executors
        self.sink = sink

    def inner(self, task: Any) -> tuple[str, Mapping[str, Any] | None]:
        """A task's component name, and the tasks of its DAG when it has one."""
        ref = text(mapping(mapping(task).get("componentRef")).get("name"))
        tasks = mapping(mapping(self.components.get(ref)).get("dag")).get("tasks")
        return ref, tasks if isinstance(tasks, dict) else None

    def read(
        self,
        tasks: Mapping[str, Any],
        at: tuple[str, ...],
        before: tuple[str, ...],
        within: frozenset[str],
    ) -> None:
        """Record each task of one DAG (at `at`); a task that depends on nothing in it
        depends on what the DAG waits for (`before`); `within`: the DAGs read around it."""
        for task_name, task in tasks.items():
            if not isinstance(task, dict):
                self.sink.problem((*at, task_name), f"task {task_name!r} is not a mapping")
                continue
            deps = tuple(text(d) for d in seq(task.get("dependentTasks")) if text(d))
            after = tuple(e for d in deps for e in self.ends(d, tasks, within)) if deps else before
            ref, inner = self.inner(task)
            if inner is not None:
                if ref in within:
                    self.sink.problem(
                        (*at, task_name), f"task {task_name!r} runs its own DAG {ref!r} again"
                    )
                else:
                    self.read(inner, ("components", ref, "dag", "tasks"), after, within | {ref})
                continue
            component = mapping(self.components.get(ref))
            executor = mapping(self.executors.get(text(component.get("executorLabel"))))
            image = text(mapping(executor.get("container")).get("image"))
            self.sink.add(
                (*at, task_name),
                at_key=True,
                kind="kfp-task",
                name=task_name,
                parent=self.pipeline,
                source="kubeflow",
                depends_on=after,
                images=(image,) if image else (),
            )

    def ends(
        self, task_name: str, tasks: Mapping[str, Any], within: frozenset[str]
    ) -> tuple[str, ...]:
        """The tasks a dependency on `task_name` waits for: itself, or for a DAG task the
        tasks of its DAG that no other task there depends on."""
        ref, inner = self.inner(tasks.get(task_name))
        if inner is None or ref in within:
            return (task_name,)
        needed = {text(d) for t in inner.values() for d in seq(mapping(t).get("dependentTasks"))}
        return tuple(
            e
            for name in inner
            if name not in needed
            for e in self.ends(name, inner, within | {ref})
        )
