"""`mlopsdiag drift --mlflow URL` against a real MLflow tracking server, started by the suite
on 127.0.0.1 (sqlite backend), with a model registered and aliased through MLflow's client."""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from mlopsdiag.cli import main_group

FIXTURES = Path(__file__).resolve().parent / "drift"
START_TIMEOUT = 180.0
"""The server migrates its sqlite database on first start: tens of seconds on a busy machine."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a tracking server whose registry holds fraud-scorer versions 1 and 2
    (sources: the fixtures' s3 URIs of 7 and 8), alias champion -> 1."""
    pytest.importorskip("mlflow", reason="mlflow is in the test extra")
    from mlflow import MlflowClient

    home = tmp_path_factory.mktemp("mlflow")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (home / "server.log").open("wb")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlflow",
            "server",
            "--backend-store-uri",
            f"sqlite:///{home / 'mlflow.db'}",
            "--default-artifact-root",
            str(home / "artifacts"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=home,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    tail = (home / "server.log").read_text(errors="replace")[-2000:]
                    pytest.fail(f"the MLflow server did not start:\n{tail}")
                time.sleep(0.5)
        client = MlflowClient(tracking_uri=url, registry_uri=url)
        client.create_registered_model("fraud-scorer")
        for n in (7, 8):
            client.create_model_version(
                "fraud-scorer", source=f"s3://models/fraud-scorer/{n}/artifacts/model"
            )
        client.set_registered_model_alias("fraud-scorer", "champion", "1")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)
        log.close()


def drift(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main_group, ["drift", *args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(FIXTURES / "cluster", tmp_path / "cluster")
    shutil.copy(FIXTURES / "fraud.yaml", tmp_path / "fraud.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_running_registry_is_read(mlflow_server: str, work: Path) -> None:
    from mlflow import MlflowClient

    code, out = drift(
        "fraud.yaml", "--against", "cluster", "--mlflow", mlflow_server, "--exit-code"
    )
    assert (code, out) == (0, "drift: 1 spec against 18 objects read from 7 files: in sync\n")
    client = MlflowClient(tracking_uri=mlflow_server, registry_uri=mlflow_server)
    client.set_registered_model_alias("fraud-scorer", "champion", "2")
    try:
        code, out = drift(
            "fraud.yaml", "--against", "cluster", "--mlflow", mlflow_server, "--exit-code"
        )
    finally:
        client.set_registered_model_alias("fraud-scorer", "champion", "1")
    assert code == 1
    [finding] = [line for line in out.splitlines() if "[served-version-not-alias]" in line]
    assert finding.endswith(
        "error: components[4].deployed: scorer: InferenceService risk-prod/fraud-scorer serves "
        "version 1 of registered model 'fraud-scorer' (s3://models/fraud-scorer/7/artifacts/model), "
        "but alias 'champion' points at version 2 (a canary takes 10% of the traffic: its "
        "storageUri is the new version) [served-version-not-alias]"
    )


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        _Recorder.seen.append(self.headers.get("Authorization"))
        self.send_response(401, "Unauthorized")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_the_token_comes_from_the_environment_and_is_never_shown(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "tok-3f9a1c")
        code, out = drift("fraud.yaml", "--against", "cluster", "--mlflow", url)
        assert _Recorder.seen == ["Bearer tok-3f9a1c"]
        monkeypatch.delenv("MLFLOW_TRACKING_TOKEN")
        code, out2 = drift(
            "fraud.yaml", "--against", "cluster", "--mlflow", url.replace("//", "//bob:pw-77@")
        )
        assert _Recorder.seen[-1] == "Basic Ym9iOnB3LTc3"  # bob:pw-77
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1
    assert (
        f"{url}:1:1: error: cannot read the MLflow registry: registered-models/search: HTTP 401 Unauthorized"
        in out
    )
    assert "tok-3f9a1c" not in out and "pw-77" not in out2 and "bob" not in out2
