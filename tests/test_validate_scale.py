"""`validate` on large spec sets: one walk, results streamed as each file is checked, a
process pool from POOL_MIN_FILES files on, and the same report whichever way it ran."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mlopsdiag.check import POOL_MIN_FILES, check_stream, default_jobs
from mlopsdiag.spec.discovery import find_specs
from mlopsdiag.spec.loader import load_bytes
from test_hardening import cli
from test_render_lifecycle import as_foreground_job

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "invalid"


def _spec_set(folder: Path, copies: int) -> Path:
    """A spec set past the pool threshold, with every kind of trouble spread through it:
    invalid specs, a name used twice far apart, a project catalogue with problems in a
    sub-folder, a strict settings file, and a file skipped for its upper-case suffix."""
    specs = folder / "specs"
    specs.mkdir()
    bundled = sorted((ROOT / "specs").glob("*.yaml"))
    for i in range(copies):
        source = bundled[i % len(bundled)]
        text = source.read_text(encoding="utf-8")
        name = source.stem
        (specs / f"{i:03d}-{name}.yaml").write_text(
            text.replace(f"  name: {name}\n", f"  name: {name}-{i:03d}\n", 1), encoding="utf-8"
        )
    # The same name near the start and at the end: the later one is the duplicate.
    shutil.copy(specs / f"001-{bundled[1].stem}.yaml", specs / "zz-again.yaml")
    for case in ("duplicate-key", "secrets", "unknown-tool", "process-steps"):
        for file in (CASES / case).glob("*.yaml"):
            shutil.copy(file, specs / f"{case}-{file.name}")
    shutil.copytree(CASES / "project-catalog", specs / "team", ignore=_expected)
    strict = specs / "strict"
    strict.mkdir()
    shutil.copy(bundled[4], strict / "strict.yaml")
    (strict / "mlopsdiag-config.yaml").write_text(
        "apiVersion: mlopsdiag/v1\nkind: Config\nlint:\n  strict: true\n", encoding="utf-8"
    )
    (specs / "shouting.YAML").write_text("kind: x\n", encoding="utf-8")
    return specs


def _expected(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "expected.txt"]


@pytest.fixture(scope="module")
def spec_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _spec_set(tmp_path_factory.mktemp("scale"), POOL_MIN_FILES + 6)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_a_pool_reports_exactly_what_one_process_reports(spec_set: Path, fmt: str) -> None:
    one = cli(["validate", "--jobs", "1", "--format", fmt, "specs"], spec_set.parent)
    two = cli(["validate", "--jobs", "2", "--format", fmt, "specs"], spec_set.parent)
    assert one == two
    code, out = one
    assert code == 1
    if fmt == "text":
        assert "already used by specs/001-" in out
        assert "shouting.YAML" in out
        assert "specs/team/mlopsdiag-catalog.yaml" in out
        files = len(find_specs([spec_set]).files)
        assert files > POOL_MIN_FILES
        assert out.splitlines()[-1].startswith(f"{files} files checked: ")
    if fmt == "json":
        facts = json.loads(out)["specs"]
        again = next(f for f in facts if f["path"] == "specs/zz-again.yaml")
        assert again["valid"] is False and again["findings"] is None


def test_the_default_uses_a_pool_only_for_large_sets() -> None:
    assert default_jobs(1) == 1
    assert default_jobs(POOL_MIN_FILES - 1) == 1
    assert default_jobs(10 * POOL_MIN_FILES) >= 1


def test_results_stream_before_the_later_files_are_read(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    bundled = sorted((ROOT / "specs").glob("*.yaml"))
    for source in bundled[:3]:
        shutil.copy(source, specs / source.name)
    stream = check_stream([specs], jobs=1)
    first = next(stream)
    assert first.path.endswith(bundled[0].name) and first.facts is not None
    assert first.result is None, "a streamed run holds no document or model"
    # Files not yet checked are read only when their turn comes.
    (specs / bundled[2].name).write_text("kind: [", encoding="utf-8")
    rest = list(stream)
    assert [r.path.rsplit("/", 1)[1] for r in rest] == [b.name for b in bundled[1:3]]
    assert any("YAML syntax error" in d.message for d in rest[-1].diagnostics)


def test_one_walk_finds_the_specs_and_what_was_skipped(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("a/x.yaml", "a/y.yml", "b.YML", ".hidden/z.yaml", ".dot.yaml", "c.yaml"):
        (tmp_path / name).write_text("kind: x\n", encoding="utf-8")
    (tmp_path / "mlopsdiag-config.yaml").write_text("kind: Config\n", encoding="utf-8")
    found = find_specs([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found.files] == [
        "a/x.yaml",
        "a/y.yml",
        "c.yaml",
    ]
    # a hidden spec file is named as skipped too (issue 19), a hidden folder is not walked
    assert [d.message.split(":")[0] for d in found.skipped] == ["skipped", "skipped"]
    assert found.skipped[0].path.endswith(".dot.yaml")
    assert found.skipped[1].path.endswith("b.YML")


def test_the_loader_lists_every_text_it_read() -> None:
    raw = (
        b"base: &b {k1: shared, n: 3}\n"
        b"list: [one, 'two', 2026-01-01, yes, ~]\n"
        b"merged: {<<: *b, own: value}\n"
    )
    doc = load_bytes(raw, "t.yaml")
    assert doc.texts == {
        "base",
        "k1",
        "shared",
        "n",
        "list",
        "one",
        "two",
        "2026-01-01",
        "merged",
        "own",
        "value",
    }


def test_remembered_tags_do_not_leak_between_plain_and_quoted_text() -> None:
    for _ in range(2):  # the second round reads every tag from the cache
        doc = load_bytes(b"a: yes\nb: 'yes'\nc: 12\nd: '12'\ne: null\nf: 'null'\n", "t.yaml")
        assert doc.data == {"a": True, "b": "yes", "c": 12, "d": "12", "e": None, "f": "null"}


def _start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mlopsdiag", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        preexec_fn=as_foreground_job,
    )


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("how", ["ctrl-c", "kill -9"])
def test_a_stopped_pool_leaves_no_worker(tmp_path: Path, how: str) -> None:
    from test_render_lifecycle import _processes_mentioning, _wait_for

    # Enough specs that the run is still going when the signal lands, even on a busy
    # machine where seeing the workers appear takes a while.
    specs = _spec_set(tmp_path, 24 * POOL_MIN_FILES)
    proc = _start(["validate", "--jobs", "2", str(specs)], tmp_path)
    try:
        # The parent and its two workers all carry the folder in their command line.
        assert _wait_for(lambda: len(_processes_mentioning(str(specs))) >= 3, 60)
        if how == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.kill()
        _, err = proc.communicate(timeout=60)
        if how == "ctrl-c":
            assert proc.returncode == 130, err
            assert "Traceback" not in err and err.strip().splitlines()[-1] == "Interrupted."
        assert _wait_for(lambda: not _processes_mentioning(str(specs)), 10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_a_repeated_name_is_reported_with_where_its_value_ends() -> None:
    code, out = cli(["validate", "--format", "sarif", "."], CASES / "duplicate-name")
    assert code == 1
    regions = [
        r["locations"][0]["physicalLocation"]["region"]
        for r in json.loads(out)["runs"][0]["results"]
        if "already used" in r["message"]["text"]
    ]
    assert regions == [{"startLine": 4, "startColumn": 9, "endLine": 4, "endColumn": 14}]
