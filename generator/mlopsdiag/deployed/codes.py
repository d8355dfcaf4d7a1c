"""The six drift codes of the spec contract, with their documentation (`mlopsdiag explain`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from mlopsdiag.errors import Severity


@dataclass(frozen=True)
class DriftCode:
    """One kind of difference between a spec and what is deployed."""

    id: str
    severity: Severity
    title: str
    condition: str
    rationale: str
    fix: str
    points_at: str
    """Where the finding is positioned: the spec's element, or the manifest's object."""


def _code(*fields: str, severity: Severity = Severity.ERROR) -> tuple[str, DriftCode]:
    code = DriftCode(fields[0], severity, *fields[1:])
    return code.id, code


CODES: Mapping[str, DriftCode] = MappingProxyType(
    dict(
        (
            _code(
                "deployed-missing",
                "An element's deployed object is not among what was read",
                "A component's or group's `deployed` binding names a kind and name (and "
                "namespace, pipeline) that no manifest, rule file, Compose file or registry "
                "answer read by `mlopsdiag drift` defines.",
                "The spec draws something that is not running, or runs under another name: "
                "the diagram and the runbook send the person on call to an object that is "
                "not there.",
                "Correct the binding's name or namespace, remove the element if it was "
                "retired, or give `--against` the manifests (and `--mlflow` the registry) "
                "that define it.",
                "the binding in the spec",
            ),
            _code(
                "deployed-kind-mismatch",
                "The element's tool and the deployed object's kind disagree",
                "The element's tool is one of kserve, seldon-core, kubeflow or mlflow and "
                "its deployed object belongs to another: InferenceService is KServe, "
                "SeldonDeployment and the mlops.seldon.io kinds are Seldon Core, kfp-* is "
                "Kubeflow, mlflow-model is MLflow. Also when the binding's kind is not found "
                "but a serving object of another kind runs under the same name (the serving "
                "moved from one tool to the other).",
                "The tool sets the icon, the capabilities and the runbook's vocabulary: a "
                "spec that says Seldon when KServe serves sends readers to the wrong "
                "documentation and the wrong rollback commands.",
                "Change the element's `tool` and `deployed.kind` to what runs.",
                "the binding in the spec",
            ),
            _code(
                "undeclared-deployment",
                "A serving object or pipeline task runs that no element declares",
                "An InferenceService, SeldonDeployment or Seldon Model, Pipeline or "
                "Experiment (in a namespace the specs bind, when any binding names a "
                "namespace), or a task of a compiled pipeline that a spec binds as "
                "kfp-pipeline, is not the deployed object of any element of the specs "
                "checked.",
                "What serves predictions or builds models without appearing in the "
                "architecture has no owner, no runbook and no place in reviews.",
                "Add an element with a `deployed` binding for it (`mlopsdiag import` writes "
                "one), or remove the object if it is a leftover.",
                "the object in the manifest",
                severity=Severity.WARNING,
            ),
            _code(
                "alert-missing",
                "A procedure names an alert that no rule defines",
                "A runbook procedure's `alerts` lists a name that no alerting rule read "
                "(PrometheusRule objects and plain rule files) defines.",
                "The procedure waits for a page that can never come: the alert was renamed "
                "or deleted, and the failure it watched for now goes unnoticed.",
                "Rename the entry to the alert's current name, or restore the rule.",
                "the procedure's alert entry in the spec",
            ),
            _code(
                "alert-without-runbook",
                "An alert of the system has neither a runbook_url nor a procedure",
                "An alerting rule in a PrometheusRule (or a plain file's rule group) that a "
                "spec binds, or an `alert` a spec binds, has no `runbook_url` annotation and "
                "no procedure of any spec lists it in `alerts`.",
                "An alert that fires at 3 a.m. without saying what to do costs the person on "
                "call the time it takes to find out who knows.",
                "List the alert in the `alerts` of the procedure that answers it, and add "
                "the annotation (`mlopsdiag drift --suggest-runbook-urls BASE_URL` prints it).",
                "the rule in the manifest",
                severity=Severity.WARNING,
            ),
            _code(
                "served-version-not-alias",
                "The served model version is not the one the registry alias points at",
                "A serving object bound by an element serves a storage URI that is the "
                "`source` of version N of a registered model that the spec binds as "
                "mlflow-model with an `alias`, and that alias points at another version "
                "(or at none).",
                "The registry says champion is one model and production serves another: a "
                "promotion or a rollback was half done, and every report about 'the "
                "champion' describes a model nobody is using.",
                "Point the serving object at the alias's version, or move the alias to the "
                "version that serves.",
                "the serving element's binding in the spec",
            ),
        )
    )
)
"""Code id -> its documentation; the order is the contract's."""


def format_code(code: DriftCode) -> str:
    """A code's documentation as `mlopsdiag explain` prints it."""
    import textwrap

    def para(label: str, body: str) -> list[str]:
        filled = textwrap.fill(" ".join(body.split()), 86, break_on_hyphens=False)
        return [f"{label}:", textwrap.indent(filled, "  "), ""]

    lines = [f"{code.id} ({code.severity.value}, mlopsdiag drift): {code.title}", ""]
    lines += para("Found when", code.condition)
    lines += para("Why it matters", code.rationale)
    lines += para("How to fix it", code.fix)
    lines += para("Points at", code.points_at)
    lines += para(
        "Change its severity",
        f"in mlopsdiag-config.yaml: `drift: {{severity: {{{code.id}: warning}}}}` "
        "(error, warning, info or off).",
    )
    return "\n".join(lines).rstrip("\n") + "\n"
