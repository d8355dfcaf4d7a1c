"""Write synthetic, valid mlopsdiag specs for benchmarks.

    python bench/generate.py OUT --count 100 --components 25 [--flows N] [--seed 0]

Each spec is realistic in shape: nested groups with tools, components with tools and
capabilities, flows of every kind, two views and a runbook. The same arguments always give
the same files, so benchmark runs compare like with like.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

TOOLS = (
    "kafka", "spark", "great-expectations", "feast", "dvc", "pytorch", "scikit-learn",
    "optuna", "mlflow", "wandb", "kubeflow", "airflow", "seldon-core", "kserve", "bentoml",
    "fastapi", "prometheus", "grafana", "evidently", "alertmanager", "s3", "redis",
    "postgresql", "label-studio", "cleanlab", "github-actions",
)  # fmt: skip
GROUP_TOOLS = ("kubernetes", "kubeflow", "airflow", "argo-workflows", "ray")
KINDS = ("data", "features", "model", "metrics", "predictions", "feedback", "control")


def spec_text(index: int, components: int, flows: int, seed: int = 0) -> str:
    """One synthetic spec as YAML text."""
    rng = random.Random(seed * 1_000_003 + index)
    name = f"bench-{index:04d}"
    groups = max(2, components // 8)
    out = [
        "# yaml-language-server: $schema=../schema/mlopsdiag-v1.schema.json",
        "apiVersion: mlopsdiag/v1",
        "kind: Architecture",
        "metadata:",
        f"  name: {name}",
        f"  title: Synthetic system {index}",
        "  description: |",
        f"    A generated architecture with {components} components, for benchmarks.",
        "  owners: [ml-platform]",
        f"  tags: [bench, size-{components}]",
        "  lifecycle: production",
        "groups:",
    ]
    for g in range(groups):
        out += [f"  - id: g{g}", f"    name: Stage {g}", f"    tool: {rng.choice(GROUP_TOOLS)}"]
        if g >= 2 and rng.random() < 0.4:
            out.append(f"    parent: g{rng.randrange(g)}")
    out.append("components:")
    for c in range(components):
        tool = rng.choice(TOOLS)
        out += [f"  - id: c{c}", f"    name: Step {c} ({tool})", f"    tool: {tool}"]
        if rng.random() < 0.7:
            out.append(f"    group: g{c % groups}")
        if rng.random() < 0.3:
            out.append("    capabilities: [model-validation]")
        out += [
            f"    description: Component {c} of {name}; does one step of the work.",
            f"    owner: team-{c % 4}",
            "    links:",
            f"      repo: https://git.example.com/ml/{name}/c{c}",
        ]
    out.append("flows:")
    pairs: list[tuple[int, int]] = []
    for f in range(flows):
        a = rng.randrange(components)
        b = (a + 1 + rng.randrange(min(4, components - 1))) % components
        pairs.append((a, b))
        out += [
            f"  - from: c{a}",
            f"    to: c{b}",
            f"    label: step {f}",
            f"    kind: {KINDS[f % len(KINDS)]}",
        ]
    out += [
        "views:",
        "  - id: first-stage",
        "    title: First stage",
        "    include: [g0]",
        "  - id: second-stage",
        "    title: Second stage",
        "    include: [g1, c0]",
        "runbook:",
        "  summary: Generated runbook.",
        "  last_verified: 2026-10-01",
        "  contacts:",
        "    - id: owner",
        "      name: Owner Person",
        "      role: owner",
        "      reach: '#ml-platform'",
        "  escalation: [owner]",
        "  access:",
        "    - name: Registry",
        "      where: vault://secret/ml/registry",
        "  procedures:",
        "    - id: rollback",
        "      kind: rollback",
        "      title: Roll back",
        "      steps: [Pick the previous version., Deploy it.]",
        "      components: [c0]",
        "  dashboards:",
        "    - name: Service",
        f"      url: https://grafana.example.com/d/{name}",
        "  failure_modes:",
        "    - symptom: Slow predictions",
        "      procedure: rollback",
    ]
    out += process_lines(pairs)
    return "\n".join(out) + "\n"


def process_lines(pairs: list[tuple[int, int]], length: int = 6) -> list[str]:
    """Actors and two processes: a release that follows the flows from the first one
    (its last step by hand, by a person), and a check at the first component."""
    path = [pairs[0]]
    while len(path) < length:
        following = [p for p in pairs if p[0] == path[-1][1] and p not in path]
        if not following:
            break
        path.append(following[0])
    out = [
        "actors:",
        "  - {id: bot, name: Pipeline bot, kind: automation}",
        "  - {id: engineer, name: ML engineer, contact: owner}",
        "processes:",
        "  - id: release",
        "    title: Release a model",
        "    owner: engineer",
        "    steps:",
    ]
    for i, (a, b) in enumerate(path):
        manual = i == len(path) - 1
        by = "engineer" if manual else "bot"
        out.append(
            f"      - {{do: Move step {i + 1} along, from: c{a}, to: c{b}, by: {by}"
            + (", manual: true, on_failure: rollback}" if manual else "}")
        )
    out += [
        "  - id: check",
        "    title: Check the first component",
        "    steps:",
        "      - {do: Check it, at: c0, by: bot, otherwise: Stop and page the owner}",
        "      - {do: Look at the result, at: c0, by: engineer, manual: true}",
    ]
    return out


def generate(
    out: Path, count: int, components: int, flows: int | None = None, seed: int = 0
) -> list[Path]:
    """Write `count` specs into `out` (created if needed); return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    n_flows = flows if flows is not None else components + components // 5
    paths = []
    for i in range(count):
        path = out / f"bench-{i:04d}.yaml"
        path.write_text(spec_text(i, components, n_flows, seed), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--components", type=int, default=25)
    parser.add_argument("--flows", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    written = generate(args.out, args.count, args.components, args.flows, args.seed)
    print(f"wrote {len(written)} specs to {args.out}")


if __name__ == "__main__":
    main()
