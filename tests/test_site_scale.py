"""Pages that stay bounded as specs and findings grow."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import markdown
import yaml

from mlopsdiag.config import LintConfig
from mlopsdiag.lint import lint
from mlopsdiag.site import write_site
from mlopsdiag.spec.validate import validate_paths

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402
from site_bench import search_positions  # noqa: E402


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


# --------------------------------------------------------------------------- search sections


def _html(page: Path, extensions: list[Any]) -> str:
    """A generated page as the site generator turns it into HTML (front matter dropped)."""
    text = page.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        text = text.split("\n---\n", 1)[1]
    names: list[str] = []
    configs: dict[str, Any] = {}
    for ext in extensions:
        if isinstance(ext, dict):
            ((name, options),) = ext.items()
            names.append(name)
            configs[name] = options or {}
        else:
            names.append(ext)
    return markdown.markdown(text, extensions=names, extension_configs=configs)


def _largest_sections(docs: Path) -> dict[str, int]:
    """Page -> tokens in its largest search section, as MkDocs Material's search plugin cuts
    the page into sections (at headings, leaving out `data-search-exclude` blocks)."""
    from material.plugins.search.plugin import Parser

    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    largest = {}
    for page in sorted(docs.rglob("*.md")):
        parser = Parser()
        parser.feed(_html(page, config["markdown_extensions"]))
        parser.close()
        sizes = [
            search_positions("".join(s.title + s.text)) for s in parser.data if not s.is_excluded()
        ]
        largest[page.relative_to(docs).as_posix()] = max(sizes, default=0)
    return largest


def test_no_search_section_grows_with_the_number_of_specs(tmp_path: Path) -> None:
    few_docs, _ = _site(tmp_path, "few", 6, 12)
    many_docs, _ = _site(tmp_path, "many", 24, 12)
    few = _largest_sections(few_docs)
    many = _largest_sections(many_docs)
    # The lists do grow (a row or a card per spec)...
    for page in ("index.md", "architectures/index.md", "capabilities/matrix.md", "tools/mlflow.md"):
        few_bytes = (few_docs / page).stat().st_size
        assert (many_docs / page).stat().st_size > few_bytes + 1000, page
    # ...but they are kept out of the search index, so every page's largest search section
    # stays the same size (counts change their digits, not their number of words). The
    # pages of the first six specs are the same in both sites.
    grown = {page: (few[page], many[page]) for page in few if many[page] > few[page] + 3}
    assert grown == {}
    assert set(few) <= set(many)
