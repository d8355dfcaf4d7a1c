"""Every invalid spec in tests/cases/invalid/<case>/ gives exactly the diagnostics in expected.txt."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlopsdiag.cli import main_group

CASES = Path(__file__).parent / "cases" / "invalid"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


def run_validate(folder: Path, *args: str) -> tuple[int, str]:
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(folder)
    try:
        result = runner.invoke(main_group, ["validate", ".", *args], catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.output


def test_every_error_class_has_a_case() -> None:
    expected = {
        "api-version", "bad-enums", "bad-ids", "bad-urls", "billion-laughs", "duplicate-ids",
        "duplicate-key", "duplicate-name", "empty-file", "group-cycle", "invalid-utf8",
        "missing-required", "multiple-documents", "not-a-mapping", "project-catalog", "secrets",
        "syntax-error", "unknown-keys", "unknown-references", "unknown-tool", "unsupported-tag",
        "wrong-types",
        "actor-ids", "process-references", "process-steps",
    }  # fmt: skip
    assert expected <= set(CASE_NAMES)


@pytest.mark.parametrize("case", CASE_NAMES)
def test_invalid_case(case: str, update_goldens: bool) -> None:
    folder = CASES / case
    code, output = run_validate(folder)
    golden = folder / "expected.txt"
    if update_goldens:
        golden.write_text(output, encoding="utf-8")
    assert code == 1
    assert output == golden.read_text(encoding="utf-8")


SECRETS = (
    "AKIAZZ7QXW2EXAMPLE9Q",
    "ghp_Zq8vR3kLm2Nx7Tw4Yb6Pc1Jd9Hs5Fg0Ae2Ku",
    "Sup3rS3cretValue!",
    "xoxb-2201948573-8837465529-Qm7sLx2PzVn4",
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
    "glpat-x8Fk2Lm9Qr4Tv7Wz1Bc3",
    "qW7rT2yU9iO4pA6sD1fG8hJ3kL5zX0cV2bN7mQ4w",
    "hunter22",
)


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_secrets_are_never_echoed(fmt: str) -> None:
    code, output = run_validate(CASES / "secrets", "--format", fmt)
    assert code == 1
    assert "looks like a credential" in output
    for secret in SECRETS:
        assert secret not in output
        assert secret[:12] not in output


def test_references_to_secrets_are_fine() -> None:
    _, output = run_validate(CASES / "secrets")
    assert "runbook.access[1]" not in output  # vault:// reference
    assert "runbook.access[2]" not in output  # "stored in 1Password vault 'ML'"
