"""Time `mlopsdiag drift` of a 1,000-object manifest folder against 100 specs, as a ratio to
the time to validate the specs plus the time to parse the manifests.

    python bench/drift_bench.py [--specs 100] [--objects 10] [--repeat 1]

Each spec binds --objects elements (InferenceService, SeldonDeployment, Seldon Model,
Deployment, StatefulSet, CronJob, Job, Service, PrometheusRule with alerts that a procedure
answers); one multi-document manifest file per spec defines exactly those objects, so the
run is in sync. Three whole processes, in turns, on the same files:

1. `mlopsdiag drift SPECS --against MANIFESTS`;
2. `mlopsdiag validate SPECS` (validation and the lint rules);
3. a Python process that composes every manifest document with libyaml (marks included).

Goal: drift within 2 x (validate + parse). The best of --repeat runs of each is used.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KINDS = (
    ("InferenceService", "serving.kserve.io/v1beta1", "kserve"),
    ("Deployment", "apps/v1", "fastapi"),
    ("CronJob", "batch/v1", "evidently"),
    ("SeldonDeployment", "machinelearning.seldon.io/v1", "seldon-core"),
    ("StatefulSet", "apps/v1", "postgresql"),
    ("Model", "mlops.seldon.io/v1alpha1", "seldon-core"),
    ("Job", "batch/v1", "spark"),
    ("Service", "v1", "redis"),
    ("PrometheusRule", "monitoring.coreos.com/v1", "prometheus"),
    ("Deployment", "apps/v1", "mlflow"),
)

POD = "  template:\n    spec:\n      containers: [{name: main, image: example/app:1}]\n"
SPECS = {
    "InferenceService": "spec:\n  predictor:\n    model: {modelFormat: {name: sklearn}, storageUri: s3://m/{n}}\n",
    "SeldonDeployment": "spec:\n  predictors:\n    - name: default\n      graph: {name: c, modelUri: s3://m/{n}}\n",
    "Model": "spec: {storageUri: s3://m/{n}, requirements: [sklearn]}\n",
    "Deployment": "spec:\n  replicas: 1\n" + POD,
    "StatefulSet": "spec:\n" + POD,
    "Job": "spec:\n" + POD,
    "CronJob": "spec:\n  schedule: '0 * * * *'\n  jobTemplate:\n    spec:\n"
    "      template:\n        spec:\n          containers: [{name: main, image: example/app:1}]\n",
    "Service": "spec: {ports: [{port: 80}]}\n",
    "PrometheusRule": "spec:\n  groups:\n    - name: g\n      rules:\n"
    "        - {alert: Alert{n}a, expr: up == 0}\n        - {alert: Alert{n}b, expr: up == 0}\n",
}


def write(root: Path, specs: int, objects: int) -> tuple[Path, Path]:
    spec_dir, manifest_dir = root / "specs", root / "manifests"
    spec_dir.mkdir()
    manifest_dir.mkdir()
    for i in range(specs):
        ns = f"team-{i:03d}"
        comps, docs, alerts = [], [], []
        for j in range(objects):
            kind, api, tool = KINDS[j % len(KINDS)]
            name = f"obj-{i:03d}-{j:02d}"
            n = f"{i}{j}"
            comps.append(
                f"  - id: c{j}\n    tool: {tool}\n"
                f"    deployed: {{kind: {kind}, name: {name}, namespace: {ns}}}\n"
            )
            docs.append(
                f"apiVersion: {api}\nkind: {kind}\nmetadata: {{name: {name}, namespace: {ns}}}\n"
                + SPECS[kind].replace("{n}", n)
            )
            if kind == "PrometheusRule":
                alerts += [f"Alert{n}a", f"Alert{n}b"]
        flows = "".join(f"  - {{from: c{j}, to: c{j + 1}}}\n" for j in range(objects - 1))
        runbook = (
            "runbook:\n  procedures:\n    - id: respond\n      title: Respond\n"
            f"      alerts: [{', '.join(alerts)}]\n      steps: [Look]\n"
            if alerts
            else ""
        )
        (spec_dir / f"sys-{i:03d}.yaml").write_text(
            "apiVersion: mlopsdiag/v1\nkind: Architecture\nmetadata:\n"
            f"  name: sys-{i:03d}\n  title: System {i}\n  owners: [team]\n"
            "components:\n" + "".join(comps) + "flows:\n" + flows + runbook,
            encoding="utf-8",
        )
        (manifest_dir / f"sys-{i:03d}.yaml").write_text("---\n".join(docs), encoding="utf-8")
    return spec_dir, manifest_dir


PARSE = """
import sys
from pathlib import Path
import yaml
loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    loader = loader_class(path.read_text(encoding="utf-8"))
    try:
        while loader.check_node():
            loader.get_node()
    finally:
        loader.dispose()
"""


def timed(cmd: list[str], expect: tuple[int, ...] = (0, 1)) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in expect:
        sys.stderr.write(done.stdout[-2000:] + done.stderr[-2000:])
        raise SystemExit(f"{cmd[:3]} failed with exit code {done.returncode}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=100)
    parser.add_argument("--objects", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    exe = shutil.which("mlopsdiag") or str(Path(sys.executable).parent / "mlopsdiag")
    with tempfile.TemporaryDirectory() as tmp:
        specs, manifests = write(Path(tmp), args.specs, args.objects)
        check = subprocess.run(
            [exe, "drift", str(specs), "--against", str(manifests), "--exit-code"],
            capture_output=True,
            text=True,
            check=False,
        )
        if check.returncode != 0:
            raise SystemExit("the generated specs are not in sync:\n" + check.stdout[-3000:])
        best = {"drift": 1e9, "validate": 1e9, "parse": 1e9}
        for _ in range(args.repeat):
            best["drift"] = min(
                best["drift"], timed([exe, "drift", str(specs), "--against", str(manifests)])
            )
            best["validate"] = min(best["validate"], timed([exe, "validate", str(specs)]))
            best["parse"] = min(best["parse"], timed([sys.executable, "-c", PARSE, str(manifests)]))
    objects = args.specs * args.objects
    base = best["validate"] + best["parse"]
    ratio = best["drift"] / base
    print(f"drift: {args.specs} specs against {objects} objects in {args.specs} files")
    print(f"  mlopsdiag drift           {best['drift']:7.2f} s")
    print(f"  mlopsdiag validate        {best['validate']:7.2f} s")
    print(f"  parse the manifests       {best['parse']:7.2f} s")
    print(
        f"  ratio drift / (validate + parse) = {ratio:.2f} (goal: at most 2): "
        f"{'met' if ratio <= 2 else 'NOT MET'}"
    )


if __name__ == "__main__":
    main()
