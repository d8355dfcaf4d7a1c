"""Prometheus alerting rules: a `PrometheusRule` object (monitoring.coreos.com/v1) or a plain
rule file (`groups: - name: ... rules: - alert: ...`), with their `runbook_url` annotations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlopsdiag.deployed.kubernetes import identity
from mlopsdiag.deployed.record import Sink, mapping, text
from mlopsdiag.spec.loader import PathKey


def is_rule_file(data: Mapping[str, Any]) -> bool:
    """A plain rule file: a `groups` list whose entries have `rules`."""
    groups = data.get("groups")
    return (
        isinstance(groups, list)
        and bool(groups)
        and all(isinstance(g, dict) and "rules" in g for g in groups)
    )


def _groups(groups: Any, at: PathKey, sink: Sink, parent: str, namespace: str) -> list[str]:
    if not isinstance(groups, list):
        sink.problem(at, "`groups` must be a list of rule groups")
        return []
    names: list[str] = []
    for i, group in enumerate(groups):
        if not isinstance(group, dict) or not text(group.get("name")):
            sink.problem((*at, i), "a rule group needs a `name`")
            continue
        group_name = text(group["name"])
        names.append(group_name)
        rules = group.get("rules")
        if not isinstance(rules, list):
            sink.problem((*at, i), f"rule group {group_name!r} needs a `rules` list")
            continue
        for j, rule in enumerate(rules):
            alert = text(mapping(rule).get("alert"))
            if not alert:
                continue  # a recording rule
            sink.add(
                (*at, i, "rules", j),
                kind="alert",
                name=alert,
                namespace=namespace,
                parent=parent or group_name,
                groups=(group_name,),
                source="prometheus",
                runbook_url=text(mapping(mapping(rule).get("annotations")).get("runbook_url")),
            )
    return names


def read_rule_file(data: Mapping[str, Any], sink: Sink) -> None:
    """A plain Prometheus rule file: its alerts, each under its group's name."""
    _groups(data.get("groups"), ("groups",), sink, "", "")


def read_prometheus_rule(obj: Mapping[str, Any], sink: Sink) -> None:
    """A PrometheusRule object and its alerts."""
    found = identity(obj, sink)
    if found is None:
        return
    name, namespace = found
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        sink.problem((), f"PrometheusRule {name!r} has no `spec` mapping")
        return
    names = _groups(spec.get("groups"), ("spec", "groups"), sink, name, namespace)
    sink.add(
        kind="PrometheusRule",
        name=name,
        namespace=namespace,
        api_version=text(obj.get("apiVersion")),
        source="prometheus",
        groups=tuple(names),
    )
