"""The MLflow model registry: the JSON answers of `registered-models/search` and
`model-versions/search` saved as files, or the same answers read from a running tracking
server over its REST API (`--mlflow URL`; a token from the environment, never the spec)."""

from __future__ import annotations

import json
import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from mlopsdiag.deployed.record import Record, Sink, mapping, seq, text
from mlopsdiag.errors import Diagnostic

TOKEN_VARIABLE = "MLFLOW_TRACKING_TOKEN"  # noqa: S105 - a variable name, not a secret
"""The variable MLflow's own client reads a bearer token from."""
USER_VARIABLES = ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")
TIMEOUT = 15.0
MAX_PAGES = 200


def is_registry_answer(data: Mapping[str, Any]) -> bool:
    """A saved answer of registered-models/search or model-versions/search."""
    return "registered_models" in data or "model_versions" in data


def _aliases(raw: Any) -> list[tuple[str, str]]:
    """`aliases` of a registered model: [{alias, version}]."""
    return [
        (text(mapping(a).get("alias")), text(mapping(a).get("version")))
        for a in seq(raw)
        if text(mapping(a).get("alias"))
    ]


def _version(raw: Mapping[str, Any]) -> tuple[tuple[str, str], list[tuple[str, str]]]:
    """(version, source) of a model version, and its stage and aliases as (label, version)."""
    version = text(raw.get("version"))
    labels = [(text(a), version) for a in seq(raw.get("aliases")) if text(a)]
    stage = text(raw.get("current_stage"))
    if stage and stage != "None":
        labels.append((stage, version))
    return (version, text(raw.get("source"))), labels


def read_registry_answer(data: Mapping[str, Any], sink: Sink) -> None:
    """Registered models, with the versions and aliases the answer holds."""
    for key in ("registered_models", "model_versions"):
        if key in data and not isinstance(data[key], list):
            sink.problem((key,), f"`{key}` must be a list")
            return
    for i, raw in enumerate(seq(data.get("registered_models"))):
        name = text(mapping(raw).get("name"))
        if not name:
            sink.problem(("registered_models", i), "a registered model without `name`")
            continue
        versions, labels = [], _aliases(raw.get("aliases"))
        for v in seq(raw.get("latest_versions")):
            pair, more = _version(mapping(v))
            versions.append(pair)
            labels.extend(more)
        sink.add(
            ("registered_models", i),
            kind="mlflow-model",
            name=name,
            source="mlflow",
            versions=tuple(versions),
            aliases=tuple(labels),
        )
    for i, raw in enumerate(seq(data.get("model_versions"))):
        name = text(mapping(raw).get("name"))
        if not name or not text(mapping(raw).get("version")):
            sink.problem(("model_versions", i), "a model version without `name` and `version`")
            continue
        pair, labels = _version(mapping(raw))
        sink.add(
            ("model_versions", i),
            kind="mlflow-model",
            name=name,
            source="mlflow",
            versions=(pair,),
            aliases=tuple(labels),
        )


def merge_models(records: list[Record]) -> list[Record]:
    """One record per registered model: versions and aliases read in several places joined,
    positioned where the model was first read."""
    out: list[Record] = []
    index: dict[str, int] = {}
    for record in records:
        if record.kind != "mlflow-model":
            out.append(record)
            continue
        at = index.get(record.name)
        if at is None:
            index[record.name] = len(out)
            out.append(record)
            continue
        first = out[at]
        out[at] = replace(
            first,
            versions=tuple(dict.fromkeys((*first.versions, *record.versions))),
            aliases=tuple(dict.fromkeys((*first.aliases, *record.aliases))),
        )
    return out


class RegistryError(Exception):
    """The tracking server could not be read."""


def _authorization(url: str) -> str:
    """The Authorization header: a token or user and password from the environment, else
    the user and password written in the URL; empty when there is none."""
    token = os.environ.get(TOKEN_VARIABLE)
    if token:
        return f"Bearer {token}"
    user, password = (os.environ.get(v) for v in USER_VARIABLES)
    if not (user and password):
        parts = urllib.parse.urlsplit(url)
        user, password = (
            urllib.parse.unquote(parts.username or ""),
            urllib.parse.unquote(parts.password or ""),
        )
    if user and password:
        import base64

        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return ""


def _get(base: str, auth: str, endpoint: str, params: Mapping[str, str]) -> Mapping[str, Any]:
    import urllib.error  # only a run with --mlflow needs them (a few milliseconds to load)
    import urllib.request

    url = f"{base.rstrip('/')}/api/2.0/mlflow/{endpoint}?{urllib.parse.urlencode(params)}"
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    if auth:
        request.add_header("Authorization", auth)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310
            body = answer.read(64 * 1024 * 1024)
    except urllib.error.HTTPError as exc:
        raise RegistryError(f"{endpoint}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RegistryError(f"{endpoint}: {reason}") from None
    try:
        data = json.loads(body)
    except ValueError:
        raise RegistryError(f"{endpoint}: the answer is not JSON") from None
    if not isinstance(data, dict):
        raise RegistryError(f"{endpoint}: the answer is not a JSON object")
    return data


def _pages(base: str, auth: str, endpoint: str, key: str, params: Mapping[str, str]) -> list[Any]:
    items: list[Any] = []
    token = ""
    for _ in range(MAX_PAGES):
        page = _get(base, auth, endpoint, {**params, **({"page_token": token} if token else {})})
        items.extend(seq(page.get(key)))
        token = text(page.get("next_page_token"))
        if not token:
            break
    return items


def read_server(url: str) -> tuple[list[Record], list[Diagnostic]]:
    """Registered models of a tracking server, with every version and alias."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        return [], [Diagnostic(url, 1, 1, "--mlflow takes an http:// or https:// URL")]
    shown = _without_credentials(url)
    auth = _authorization(url)
    try:
        models = _pages(
            shown, auth, "registered-models/search", "registered_models", {"max_results": "100"}
        )
        versions = _pages(
            shown, auth, "model-versions/search", "model_versions", {"max_results": "1000"}
        )
    except RegistryError as exc:
        return [], [Diagnostic(shown, 1, 1, f"cannot read the MLflow registry: {exc}")]
    from mlopsdiag.spec.loader import Document

    sink = Sink(Document(shown, {}))
    read_registry_answer({"registered_models": models, "model_versions": versions}, sink)
    return merge_models(sink.records), sink.problems


def _without_credentials(url: str) -> str:
    """The URL as shown in messages: any user:password@ part removed."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))
