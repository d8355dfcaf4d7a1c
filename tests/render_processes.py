"""Actors and processes added to a model with the dataclasses, for the picture tests
(helpers only: no tests here)."""

from __future__ import annotations

from dataclasses import replace

from mlopsdiag.spec.model import Actor, Architecture, Loc, Process, Step

HERE = Loc("test", 1, 1)


def step(
    number: int,
    do: str,
    *,
    at: str = "",
    source: str = "",
    target: str = "",
    by: str = "",
    manual: bool = False,
    otherwise: str = "",
    on_failure: str = "",
) -> Step:
    """A step written as keyword arguments."""
    return Step(
        number,
        do,
        at or None,
        source or None,
        target or None,
        by,
        manual,
        otherwise,
        on_failure,
        HERE,
    )


def actor(actor_id: str, name: str, kind: str) -> Actor:
    return Actor(actor_id, name, kind, "", HERE)


def with_processes(
    arch: Architecture, actors: tuple[Actor, ...], *processes: tuple[str, str, tuple[Step, ...]]
) -> Architecture:
    """The model with these actors and processes ((id, title, steps) each)."""
    return replace(
        arch,
        actors=actors,
        processes=tuple(
            Process(pid, title, "", "", "", steps, HERE) for pid, title, steps in processes
        ),
    )


CHURN_ACTORS = (
    actor("pipeline-bot", "Kubeflow recurring run", "automation"),
    actor("ml-engineer", "ML engineer on duty", "person"),
    actor("retention-team", "Retention team", "team"),
)
CHURN_RETRAIN = (
    "weekly-retrain",
    "Weekly retraining",
    (
        step(1, "Start the weekly run", at="recurring-run", by="pipeline-bot"),
        step(
            2, "Extract last night's accounts", source="crm-db", target="ingest", by="pipeline-bot"
        ),
        step(
            3,
            "Check the snapshot against the expectation suite",
            at="validate-data",
            by="pipeline-bot",
            otherwise="The run stops and posts to #churn-alerts",
        ),
        step(4, "Train the candidate", source="features", target="train", by="pipeline-bot"),
        step(
            5,
            "Compare with Production on the last 8 weeks",
            source="train",
            target="evaluate",
            by="pipeline-bot",
            otherwise="Nothing is registered",
        ),
        step(6, "Register the candidate", source="evaluate", target="mlflow", by="pipeline-bot"),
        step(
            7,
            "Promote the version to Production in the MLflow UI",
            at="mlflow",
            by="ml-engineer",
            manual=True,
        ),
        step(
            8,
            "kubectl apply the SeldonDeployment",
            source="mlflow",
            target="model-server",
            by="ml-engineer",
            manual=True,
            on_failure="rollback",
        ),
        step(
            9,
            "Score accounts for save offers",
            source="model-server",
            target="retention-app",
            by="retention-team",
        ),
    ),
)
