"""The spec format as data: the single source of truth for validation, the published
JSON Schema (draft-07) and the generated spec reference."""

from __future__ import annotations

import json
from typing import Any

from mlopsdiag.catalog import STATUSES, builtin_catalog

API_VERSION = "mlopsdiag/v1"
SUPPORTED_API_VERSIONS = (API_VERSION,)
SCHEMA_ID = "https://mlopsdiag.dev/schema/mlopsdiag-v1.schema.json"
PUBLISHED_SCHEMA_PATH = "schema/mlopsdiag-v1.schema.json"
"""Where the repository publishes the schema (relative to its root); a test keeps it fresh."""

ID_PATTERN = r"^[a-z][a-z0-9_-]{0,62}$"
SLUG_PATTERN = r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
URL_PATTERN = r"^https?://[^\s/?#]+[^\s]*$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
ONE_LINE_PATTERN = r"^[^\r\n]+$"

LIFECYCLES = ("experimental", "production", "deprecated")
FLOW_KINDS = ("data", "features", "model", "metrics", "predictions", "feedback", "control")
PROCEDURE_KINDS = ("rollback", "restart", "retrain", "backfill", "restore", "scale", "other")
DIRECTIONS = ("LR", "TB", "RL", "BT")
SEVERITIES = ("error", "warning", "info", "off")
ACTOR_KINDS = ("person", "team", "automation", "external")
DEPLOYED_PSEUDO_KINDS = ("kfp-pipeline", "kfp-task", "compose-service", "mlflow-model", "alert")
"""`deployed.kind` values that are not Kubernetes kinds: things read from other sources."""

# Messages shown instead of a bare "does not match pattern" (a non-standard keyword
# that JSON Schema validators ignore).
_MSG = "x-message"


def _text(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "description": description, **extra}


def _one_line(description: str, **extra: Any) -> dict[str, Any]:
    return _text(
        description, pattern=ONE_LINE_PATTERN, **{_MSG: "must be a single line of text"}, **extra
    )


def _id(description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": ID_PATTERN,
        _MSG: "must be an id: a lowercase letter, then up to 62 lowercase letters, digits, '-' or '_'",
        "description": description,
    }


def _url(description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": URL_PATTERN,
        _MSG: "must be an http:// or https:// URL (no other scheme is allowed)",
        "description": description,
    }


def _list(items: dict[str, Any], description: str, *, min_items: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "array", "items": items, "description": description}
    if min_items:
        out["minItems"] = min_items
    return out


def _object(
    description: str, properties: dict[str, Any], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "object",
        "description": description,
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        out["required"] = list(required)
    return out


def _actor_schema() -> dict[str, Any]:
    return _object(
        "Who does the work: a person, a team, an automation or an outside party.",
        {
            "id": _id(
                "Actor id, named by process steps' `by` and processes' `owner`; unique among "
                "groups, components and actors."
            ),
            "name": _one_line("Display name (default: the id).", examples=["ML engineer on duty"]),
            "kind": {
                "type": "string",
                "enum": list(ACTOR_KINDS),
                "description": "What the actor is (default: person); sets its shape in the "
                "context diagram and lanes.",
            },
            "contact": _id(
                "Id of the runbook contact who usually plays this actor; the runbook page shows "
                "how to reach them."
            ),
        },
        ("id",),
    )


def _process_schema() -> dict[str, Any]:
    step = _object(
        "One numbered step: either `at` one component or group, or `from` one `to` another "
        "along the spec's flows.",
        {
            "do": _one_line(
                "What happens, in one line (inline Markdown).",
                examples=["Check the batch against the expectations suite"],
            ),
            "at": _id(
                "Component or group where the step happens. Give either `at` or `from` and `to`."
            ),
            "from": _id(
                "Component or group the step starts from; needs `to`, and at least one flow "
                "must join the two (a flow to or from a group counts for its members, and a "
                "member's flow counts for its group)."
            ),
            "to": _id("Component or group the step ends at; needs `from`."),
            "by": _id("Actor id: who or what does the step."),
            "manual": {
                "type": "boolean",
                "description": "True when a person does the step by hand (default: false); "
                "drawn differently from automated steps.",
            },
            "otherwise": _one_line(
                "Makes the step a decision or check: what happens when it says no.",
                examples=["The run stops and posts to #ml-alerts"],
            ),
            "on_failure": _id("Id of the runbook procedure to follow when the step breaks."),
        },
        ("do",),
    )
    return _object(
        "How work moves through the system: a trigger, ordered steps and an outcome.",
        {
            "id": _id("Process id, unique among processes; used in diagram file names."),
            "title": _one_line("Process title, one line.", examples=["Weekly retraining"]),
            "trigger": _text(
                "What starts the process: a schedule, an event, a person's decision.",
                examples=["Mondays 02:00 UTC, or when the drift detector fires"],
            ),
            "owner": _text(
                "Who answers for the process: an actor id, a runbook contact id, a team listed "
                "in `metadata.owners`, or a team's name in words (with a space or a capital "
                "letter, e.g. `ML platform team`). Any other id-like value is an error."
            ),
            "outcome": _text(
                "What is true when the process has run.",
                examples=["A better model serves, or nothing changes"],
            ),
            "steps": _list(step, "The steps in order; numbered 1, 2, 3 ...", min_items=1),
        },
        ("id", "title", "steps"),
    )


def _procedure_step() -> dict[str, Any]:
    """A procedure step: plain text, or a mapping with what to do and the command to run."""
    return {
        "anyOf": [
            _text("What to do."),
            _object(
                "A step with the command to run.",
                {
                    "do": _text("What to do, in words."),
                    "run": _text(
                        "The command to run, shown as a copyable code block and never re-wrapped."
                    ),
                },
                ("do",),
            ),
        ],
        "description": "One step: text, or a mapping with `do` (required) and `run`.",
    }


def _deployed_schema() -> dict[str, Any]:
    """`deployed`: the running object (or objects) an element is, for `mlopsdiag drift`."""
    binding = _object(
        "One running object this element is, as `mlopsdiag drift` finds it in manifests, "
        "Prometheus rules, Compose files or the MLflow registry.",
        {
            "kind": {
                "type": "string",
                "pattern": "^(" + "|".join(DEPLOYED_PSEUDO_KINDS) + r"|[A-Z][A-Za-z0-9]{0,62})$",
                _MSG: "must be a Kubernetes kind (InferenceService, SeldonDeployment, Model, "
                "Pipeline, Deployment, StatefulSet, CronJob, Job, Service, PrometheusRule, ...) "
                "or one of: " + ", ".join(DEPLOYED_PSEUDO_KINDS),
                "description": "A Kubernetes kind (InferenceService, SeldonDeployment, Model, "
                "Pipeline, Experiment, Deployment, StatefulSet, CronJob, Job, Service, "
                "PrometheusRule, ...), or `kfp-pipeline`, `kfp-task` (a task of a compiled "
                "Kubeflow pipeline), `compose-service`, `mlflow-model` (a registered model) "
                "or `alert` (an alerting rule by name).",
            },
            "name": _one_line(
                "The object's name: `metadata.name`, the pipeline's or task's name, the Compose "
                "service, the registered model or the alert.",
                examples=["fraud-scorer"],
            ),
            "namespace": {
                "type": "string",
                "pattern": SLUG_PATTERN,
                _MSG: "must be a Kubernetes namespace: lowercase letters, digits and '-'",
                "description": "Kubernetes namespace (default: any namespace).",
            },
            "pipeline": _one_line(
                "`kfp-task` only: the name of the compiled pipeline the task belongs to."
            ),
            "alias": _one_line(
                "`mlflow-model` only: the registry alias (or legacy stage) whose version should "
                "be the one served.",
                examples=["champion"],
            ),
        },
        ("kind", "name"),
    )
    return {
        "anyOf": [binding, _list(binding, "Several objects that together make up the element.")],
        "description": "The running object this element is (a mapping), or the objects that "
        "together make it up (a list); `mlopsdiag drift` compares them with what is deployed.",
    }


def spec_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft-07) of an `mlopsdiag/v1` architecture spec."""
    capability_ids = sorted(builtin_catalog().capabilities)
    capability = {
        "type": "string",
        "enum": capability_ids,
        "description": "A capability id from the MLOps taxonomy.",
    }
    metadata = _object(
        "Who and what this architecture is.",
        {
            "name": {
                "type": "string",
                "pattern": SLUG_PATTERN,
                _MSG: "must be a slug: lowercase letters, digits and '-', at most 63 characters, "
                "not starting or ending with '-'",
                "description": "Unique slug of the architecture in a spec set; used in file names "
                "and URLs.",
                "examples": ["churn-kubeflow-mlflow-seldon"],
            },
            "title": _one_line("Display title, one line.", examples=["Churn model on Kubeflow"]),
            "description": _text("What the system does and why, in Markdown."),
            "owners": _list(_text("Team name or contact id."), "Owning teams or people."),
            "tags": _list(
                {
                    "type": "string",
                    "pattern": SLUG_PATTERN,
                    _MSG: "must be a slug: lowercase letters, digits and '-'",
                },
                "Free tags (slugs) used to filter architectures on the site.",
            ),
            "lifecycle": {
                "type": "string",
                "enum": list(LIFECYCLES),
                "description": "Where the system is in its life.",
            },
            "maturity": {
                "type": "integer",
                "enum": [0, 1, 2],
                "description": "Claimed MLOps level (Google's levels 0, 1, 2); checked against "
                "the level inferred from the design.",
            },
        },
        ("name", "title"),
    )
    group = _object(
        "A cluster drawn around components.",
        {
            "id": _id("Unique among groups and components of the spec."),
            "name": _one_line("Display name (default: the id)."),
            "parent": _id("Id of the enclosing group; cycles are an error."),
            "tool": _id(
                "Catalogue tool the group runs on; its capabilities count for the architecture."
            ),
            "drop_capabilities": _list(
                capability,
                "Capabilities the group's tool brings by default that this system does not use.",
            ),
            "deployed": _deployed_schema(),
        },
        ("id",),
    )
    component = _object(
        "One box in the diagram: a job, service, store or tool.",
        {
            "id": _id("Unique among groups and components of the spec."),
            "name": _one_line("Display name (default: the tool's name, else the id)."),
            "tool": _id(
                "Catalogue tool id (built-in or the project's own catalogue); gives the "
                "icon and default capabilities."
            ),
            "capabilities": _list(capability, "Capabilities added to the tool's defaults."),
            "group": _id("Id of the group the component belongs to."),
            "description": _text("What the component does, in Markdown."),
            "owner": _text("Contact id or team name."),
            "links": {
                "type": "object",
                "description": "Named links: label -> http(s) URL.",
                "additionalProperties": _url("An http(s) URL."),
            },
            "drop_capabilities": _list(
                capability,
                "Capabilities the tool brings by default that this system does not use.",
            ),
            "deployed": _deployed_schema(),
        },
        ("id",),
    )
    flow = _object(
        "An arrow between two components or groups.",
        {
            "from": _id("Source component or group id."),
            "to": _id("Target component or group id."),
            "label": _one_line("Short text drawn next to the arrow."),
            "kind": {
                "type": "string",
                "enum": list(FLOW_KINDS),
                "description": "What travels along the arrow (default: data); sets colour "
                "and line style.",
            },
        },
        ("from", "to"),
    )
    view = _object(
        "A named diagram of part of the architecture (an overview of everything is always drawn).",
        {
            "id": _id("View id, unique in the spec; used in file names."),
            "title": _one_line("Diagram title."),
            "include": _list(
                _id("Component or group id."),
                "Components and groups shown; a group brings its members.",
                min_items=1,
            ),
            "direction": {
                "type": "string",
                "enum": list(DIRECTIONS),
                "description": "Layout direction of this view (default: the spec's).",
            },
        },
        ("id", "include"),
    )
    contact = _object(
        "A person to reach.",
        {
            "id": _id("Contact id, referred to by escalation and owners."),
            "name": _one_line("Full name."),
            "role": _one_line("owner, backup, on-call, vendor, ..."),
            "reach": _text("How to reach them (channel, phone reference, rota)."),
        },
        ("id", "name"),
    )
    access = _object(
        "Where a credential lives: a reference, never the credential.",
        {
            "id": _id("Access id, unique among access entries; procedures name it in `needs`."),
            "name": _one_line("What the access is for."),
            "where": _text("A reference (vault://..., password manager item) or instructions."),
            "granted_by": _text("Contact id or text: who can grant it."),
            "break_glass": _text(
                "How to get it when whoever grants it cannot be reached: the emergency "
                "path (a sealed account, an incident commander's override), as a reference "
                "or instructions, never the credential. The runbook shows it first."
            ),
        },
        ("name", "where"),
    )
    procedure = _object(
        "A step-by-step procedure for the person on call.",
        {
            "id": _id("Procedure id, referred to by failure modes."),
            "kind": {
                "type": "string",
                "enum": list(PROCEDURE_KINDS),
                "description": "What the procedure does (default: other).",
            },
            "title": _one_line("Procedure title."),
            "when": _text("When to run it."),
            "steps": _list(
                _procedure_step(),
                "Numbered steps: plain text, or a mapping with `do` and the command to `run`.",
                min_items=1,
            ),
            "components": _list(_id("Component id."), "Components the procedure touches."),
            "needs": _list(
                _id("Access id from runbook.access."),
                "Access this procedure needs (ids of runbook access entries).",
            ),
            "approver": _id("Contact id of who must approve the procedure before it runs."),
            "alerts": _list(
                _one_line("An alert name, as written after `alert:` in a Prometheus rule."),
                "Names of the alerting rules that call for this procedure; `mlopsdiag drift` "
                "checks that each is defined.",
            ),
        },
        ("id", "title", "steps"),
    )
    dashboard = _object(
        "A dashboard to look at.",
        {"name": _one_line("Dashboard name."), "url": _url("Dashboard URL.")},
        ("name", "url"),
    )
    failure_mode = _object(
        "A known way the system breaks.",
        {
            "symptom": _text("What you see."),
            "cause": _text("Why it happens."),
            "procedure": _id("Id of the procedure that fixes it."),
            "fix": _text("What to do, when there is no procedure."),
        },
        ("symptom",),
    )
    runbook = _object(
        "The 'if I'm gone' cheat sheet.",
        {
            "summary": _text("How the system works in a paragraph, in Markdown."),
            "last_verified": {
                "type": "string",
                "pattern": DATE_PATTERN,
                "format": "date",
                _MSG: "must be an ISO date such as 2026-10-15",
                "description": "When someone last walked through the runbook (ISO date).",
            },
            "contacts": _list(contact, "People to reach."),
            "escalation": _list(_id("Contact id."), "Contact ids, in the order to call them."),
            "access": _list(access, "Where access lives."),
            "procedures": _list(procedure, "Procedures (rollback, retrain, ...)."),
            "dashboards": _list(dashboard, "Dashboards."),
            "failure_modes": _list(failure_mode, "Known failure modes."),
            "notes": _list(_text("A note."), "Things to remember."),
        },
    )
    diagram = _object(
        "How diagrams of this architecture are drawn (mlopsdiag extension).",
        {
            "direction": {
                "type": "string",
                "enum": list(DIRECTIONS),
                "description": "Layout direction: LR (default), TB, RL or BT.",
            },
        },
    )
    lint = _object(
        "Lint settings for this spec (mlopsdiag extension).",
        {
            "disable": _list(
                _object(
                    "A rule switched off for this spec, with the reason.",
                    {
                        "rule": {
                            "type": "string",
                            "pattern": r"^[a-z][a-z0-9-]*$",
                            "description": "Rule id (see `mlopsdiag explain`).",
                        },
                        "reason": _one_line("Why the rule does not apply here."),
                    },
                    ("rule", "reason"),
                ),
                "Rules switched off for this spec.",
            ),
        },
    )
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "mlopsdiag architecture spec (mlopsdiag/v1)",
        "description": "One ML system: its components, flows, views and runbook.",
        "type": "object",
        "properties": {
            "apiVersion": {
                "type": "string",
                "enum": list(SUPPORTED_API_VERSIONS),
                "description": "Spec format version; exactly `mlopsdiag/v1`.",
            },
            "kind": {
                "type": "string",
                "enum": ["Architecture"],
                "description": "Exactly `Architecture`.",
            },
            "metadata": metadata,
            "groups": _list(group, "Clusters drawn around components."),
            "components": _list(component, "The parts of the system (at least one).", min_items=1),
            "flows": _list(flow, "Arrows between components and groups."),
            "views": _list(view, "Extra diagrams of parts of the system."),
            "actors": _list(_actor_schema(), "Who does the work: people, teams, automation."),
            "processes": _list(
                _process_schema(), "How work moves through the system, step by step, in order."
            ),
            "runbook": runbook,
            "diagram": diagram,
            "lint": lint,
        },
        "required": ["apiVersion", "kind", "metadata", "components"],
        "additionalProperties": False,
    }


def schema_json() -> str:
    """The schema as published: stable key order, two-space indent, trailing newline."""
    return json.dumps(spec_schema(), indent=2, ensure_ascii=False) + "\n"


def catalog_schema() -> dict[str, Any]:
    """JSON Schema of a project's own tool catalogue (`mlopsdiag-catalog.yaml`)."""
    capability_ids = sorted(builtin_catalog().capabilities)
    tool = _object(
        "A tool the project uses that the built-in catalogue does not know.",
        {
            "id": _id("Tool id used in specs' `tool:` fields."),
            "name": _one_line("Display name."),
            "capabilities": _list(
                {"type": "string", "enum": capability_ids}, "Default capabilities of the tool."
            ),
            "homepage": _url("Homepage or internal documentation."),
            "description": _one_line("What the tool is, in one line."),
            "icon": _text("PNG icon file, relative to the catalogue file."),
            "offers": _list(
                {"type": "string", "enum": capability_ids},
                "Capabilities the tool can also provide; a component declares them where used.",
            ),
            "former_names": _list(_one_line("A former name."), "Names the tool had before."),
            "license": _one_line(
                "SPDX licence id or expression (LicenseRef-Commercial for commercially licensed "
                "software, LicenseRef-Commercial-Service for a hosted service); the tool-license "
                "rule reads it."
            ),
            "status": {
                "type": "string",
                "enum": list(STATUSES),
                "description": "Upkeep of the tool; the tool-unmaintained rule reads it.",
            },
            "renamed_to": _one_line("The product's current name, when status is renamed."),
            "status_note": _one_line("What changed about the licence or upkeep, with dates."),
            "checked": {
                "type": "string",
                "pattern": DATE_PATTERN,
                "format": "date",
                _MSG: "must be an ISO date such as 2026-10-15",
                "description": "When licence, status and names were last checked (ISO date).",
            },
        },
        ("id", "name"),
    )
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "mlopsdiag project tool catalogue",
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string", "enum": list(SUPPORTED_API_VERSIONS)},
            "kind": {"type": "string", "enum": ["Catalog"]},
            "tools": _list(tool, "The project's own tools.", min_items=1),
        },
        "required": ["apiVersion", "kind", "tools"],
        "additionalProperties": False,
    }
