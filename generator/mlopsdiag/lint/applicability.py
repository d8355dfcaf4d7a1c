"""Which capabilities a system does not need at all, so that lacking one is not a gap.

A capability matrix with one blank for "missing" and "not applicable" misleads: a batch-only
system is not missing online serving. Three readings come from the design itself; projects
add their own in `mlopsdiag-config.yaml` (`matrix.not_applicable`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from mlopsdiag.lint.analysis import Analysis
from mlopsdiag.spec.model import Architecture

Reading = Callable[[Architecture, Analysis], str | None]
"""Why a capability does not apply to a system (None when it does)."""


def _has(analysis: Analysis, capability: str) -> bool:
    return bool(analysis.coverage.get(capability))


def _batch_only(arch: Architecture, analysis: Analysis) -> str | None:
    if _has(analysis, "batch-prediction") and not _has(analysis, "online-serving"):
        return "batch system: it scores in batches and serves no online requests"
    return None


def _online_only(arch: Architecture, analysis: Analysis) -> str | None:
    if _has(analysis, "online-serving") and not _has(analysis, "batch-prediction"):
        return "online system: it answers requests and runs no batch scoring"
    return None


def _natural_labels(arch: Architecture, analysis: Analysis) -> str | None:
    feedback = [f for f in arch.flows if f.kind == "feedback"]
    if feedback and not _has(analysis, "labeling"):
        flow = feedback[0]
        return (
            f"labels arrive on their own: the feedback flow {flow.source} → {flow.target} "
            "brings the outcomes, so nobody has to label by hand"
        )
    return None


def _no_online_traffic(arch: Architecture, analysis: Analysis) -> str | None:
    if not _has(analysis, "online-serving") and not _has(analysis, "llm-serving"):
        return "no online serving: there is no live traffic to shift gradually"
    return None


def _no_llm(arch: Architecture, analysis: Analysis) -> str | None:
    if not _has(analysis, "llm-serving"):
        return "no LLM served: this capability belongs to systems that serve a language model"
    return None


def _llm_not_trained(arch: Architecture, analysis: Analysis) -> str | None:
    if _has(analysis, "llm-serving") and not _has(analysis, "training"):
        return "LLM system: it serves a language model it does not train"
    return None


def _llm_only(arch: Architecture, analysis: Analysis) -> str | None:
    classic = _has(analysis, "online-serving") or _has(analysis, "batch-prediction")
    if _has(analysis, "llm-serving") and not classic:
        return "LLM system: its model is served by the llm-serving component"
    return None


def _no_gpu_workload(arch: Architecture, analysis: Analysis) -> str | None:
    if not _has(analysis, "llm-serving"):
        return (
            "no LLM served and no component declares GPU scheduling: declare it where "
            "training or serving shares GPUs"
        )
    return None


LLM_CAPABILITIES = (
    "llm-serving",
    "embedding",
    "vector-search",
    "llm-gateway",
    "llm-observability",
    "llm-evaluation",
    "guardrails",
    "prompt-registry",
)
"""Capabilities that only systems serving a language model need (gpu-scheduling is wider)."""

READINGS: Mapping[str, tuple[Reading, ...]] = MappingProxyType(
    {
        "online-serving": (_batch_only, _llm_only),
        "batch-prediction": (_online_only, _llm_only),
        "labeling": (_natural_labels, _llm_not_trained),
        "progressive-delivery": (_no_online_traffic,),
        "training": (_llm_not_trained,),
        "hyperparameter-tuning": (_llm_not_trained,),
        "continuous-training": (_llm_not_trained,),
        "feature-store": (_llm_not_trained,),
        **dict.fromkeys(LLM_CAPABILITIES, (_no_llm,)),
        "gpu-scheduling": (_no_gpu_workload,),
    }
)
"""Capability -> the readings of the design that can make it not applicable."""


def not_applicable(
    arch: Architecture, analysis: Analysis, configured: Mapping[str, str] | None = None
) -> Mapping[str, str]:
    """Capabilities the system lacks and does not need -> why (a capability it has always applies)."""
    out: dict[str, str] = {}
    for capability, reason in (configured or {}).items():
        if not _has(analysis, capability):
            out[capability] = f"{reason} (mlopsdiag-config.yaml)"
    for capability, readings in READINGS.items():
        if capability in out or _has(analysis, capability):
            continue
        for reading in readings:
            why = reading(arch, analysis)
            if why is not None:
                out[capability] = why
                break
    return MappingProxyType(out)
