"""The pre-commit hook, run with the real `pre-commit try-repo` in temporary git repositories.

Slow (marked `ci`): every `try-repo` run installs mlopsdiag, from a copy of this working
tree, into a fresh environment of pre-commit's own, with its dependencies from the package
index, as it would on a user's machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tiny_spec import tiny_spec

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=60
    ).stdout


def _env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, Path]]:
    """A git repository holding this working tree's package and hook manifest, at one commit."""
    base = tmp_path_factory.mktemp("precommit")
    repo = base / "mlopsdiag"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    repo.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, repo / name)
    for name in ("generator", "templates"):
        shutil.copytree(ROOT / name, repo / name, ignore=ignore)
    env = _env(base / "home")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "hook"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env, timeout=60)
    rev = git(repo, "rev-parse", "HEAD").strip()
    yield repo, rev, base / "home"


def _user_repo(tmp_path: Path, env: dict[str, str]) -> Path:
    repo = tmp_path / "project"
    (repo / "specs").mkdir(parents=True)
    (repo / "specs" / "a.yaml").write_text(tiny_spec("a"), encoding="utf-8")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", "a"], cwd=repo, check=True, env=env)
    return repo


def try_repo(
    hook: tuple[Path, str, Path], project: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    repo, rev, home = hook
    return subprocess.run(
        [
            str(BIN / "pre-commit"),
            "try-repo",
            str(repo),
            "mlopsdiag-validate",
            "--ref",
            rev,
            "--color",
            "never",
            *extra,
        ],
        cwd=project,
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_manifest_is_valid() -> None:
    result = subprocess.run(
        [str(BIN / "pre-commit"), "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hook_selects_specs_catalogue_and_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pre-commit's own manifest loader and file classifier decide when the hook runs.
    from pre_commit.clientlib import load_manifest
    from pre_commit.commands.run import Classifier

    [hook] = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    assert hook["pass_filenames"] is False
    monkeypatch.chdir(tmp_path)
    selected = [
        "specs/a.yaml",
        "specs/team/b.yml",
        "mlopsdiag-catalog.yaml",
        "mlopsdiag-config.yaml",
        "platform/mlopsdiag-config.yml",
    ]
    other = ["README.md", "mkdocs.yml", "docs/index.md", "config.yaml", "specs/notes.md"]
    for name in selected + other:
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text("x: 1\n", encoding="utf-8")
    classifier = Classifier(selected + other)
    chosen = classifier.by_types(
        classifier.filenames, hook["types"], hook["types_or"], hook["exclude_types"]
    )
    from pre_commit.commands.run import filter_by_include_exclude

    chosen = list(filter_by_include_exclude(chosen, hook["files"], hook["exclude"]))
    assert chosen == selected


@pytest.mark.ci
def test_try_repo_duplicate_name_fails_and_clean_commit_passes(
    hook_repo: tuple[Path, str, Path], tmp_path: Path
) -> None:
    # One test for both runs: each `pre-commit try-repo` installs mlopsdiag afresh.
    env = _env(hook_repo[2])
    project = _user_repo(tmp_path, env)
    (project / "specs" / "b.yaml").write_text(tiny_spec("a"), encoding="utf-8")
    subprocess.run(["git", "add", "specs/b.yaml"], cwd=project, check=True, env=env)
    # What the issue ran: only the new file is named, and yet the whole set is checked.
    result = try_repo(hook_repo, project, "--files", "specs/b.yaml")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "mlopsdiag validate" in output and "Failed" in output
    assert (
        "specs/b.yaml:4:9: error: metadata.name: metadata.name 'a' is already used by "
        "specs/a.yaml" in output
    )

    (project / "specs" / "b.yaml").write_text(tiny_spec("b"), encoding="utf-8")
    subprocess.run(["git", "add", "specs/b.yaml"], cwd=project, check=True, env=env)
    result = try_repo(hook_repo, project)  # the staged files, as `git commit` runs it
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Passed" in output
