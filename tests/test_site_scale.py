"""Pages that stay bounded as specs and findings grow."""

from __future__ import annotations

import sys
from pathlib import Path

from mlopsdiag.lint import LintConfig, lint
from mlopsdiag.site import write_site
from mlopsdiag.spec.validate import validate_paths

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402


def _site(tmp_path: Path, name: str, count: int, components: int) -> tuple[Path, int]:
    """Write the pages of `count` generated specs; return the docs folder and the number
    of orphan-component findings."""
    specs = generate(tmp_path / name / "specs", count, components)
    archs = [r.architecture for r in validate_paths(specs) if r.architecture is not None]
    findings = {a.name: lint(a, LintConfig()) for a in archs}
    docs = tmp_path / name / "docs"
    write_site(archs, docs, findings=findings)  # type: ignore[arg-type]
    orphans = sum(1 for f in findings.values() for d in f if d.code == "orphan-component")
    return docs, orphans


def test_rule_pages_grow_with_the_specs_not_with_their_findings(tmp_path: Path) -> None:
    few_docs, few = _site(tmp_path, "few", 3, 16)
    many_docs, many = _site(tmp_path, "many", 3, 80)
    assert many > 3 * few  # the same specs, with many times the findings
    rule = "rules/orphan-component.md"
    few_page = (few_docs / rule).read_text(encoding="utf-8")
    many_page = (many_docs / rule).read_text(encoding="utf-8")
    # One row per architecture where the rule fires, with its count and a link to the
    # findings on that architecture's page; only the counts' digits differ.
    assert len(many_page) - len(few_page) < 20
    assert f"{many} findings in 3 architectures" in many_page
    assert "bench-0000/index.md#findings" in many_page
    # The findings themselves are on the architecture pages.
    arch_page = (many_docs / "architectures/bench-0000/index.md").read_text(encoding="utf-8")
    assert arch_page.count("orphan-component") >= many // 3 - 5
