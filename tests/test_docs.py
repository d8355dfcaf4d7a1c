"""The documentation cannot fall behind the code (in the style of sqlite-utils' test_docs.py):
every command, rule, capability, concept and built-in tool has its page, every command is
in the CLI reference and explained in the hand-written docs, and the navigation only
points at pages that exist."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import click
import pytest
import yaml

from mlopsdiag.catalog import builtin_catalog
from mlopsdiag.cli import main_group
from mlopsdiag.lint import RULES
from mlopsdiag.site.clireference import command_docs
from mlopsdiag.site.generate import environment, render_page, site_input
from mlopsdiag.site.knowledge import load_concepts
from mlopsdiag.site.pages import build_pages

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(main_group.commands)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every page of a site without architectures, rendered (path -> Markdown)."""
    docs = tmp_path_factory.mktemp("docs")
    site = site_input([], docs, findings={}, cli=main_group)
    env = environment()
    return {page.path: render_page(env, page) for page in build_pages(site)}


def targets(pages: dict[str, str], page: str) -> set[str]:
    """Docs-relative paths a page links to (anchors dropped)."""
    out = set()
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", pages[page]):
        out.add(posixpath.normpath(posixpath.join(posixpath.dirname(page), target)))
    return out


def _nav_paths(nav: list[object]) -> list[str]:
    out: list[str] = []
    for item in nav:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                out.extend(_nav_paths(value) if isinstance(value, list) else [str(value)])
    return out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_cli_reference(pages: dict[str, str], command: str) -> None:
    reference = pages["reference/cli.md"]
    assert f"## mlopsdiag {command} {{ #cli-{command} }}" in reference
    cmd = main_group.commands[command]
    ctx = click.Context(cmd, info_name=command)
    for param in cmd.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is not None:
            first = record[0].split()[0].rstrip(",")
            assert first in reference, f"{command}: option {first} missing"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_explained_in_the_hand_written_docs(command: str) -> None:
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "docs" / "guide").glob("*.md")]
    assert any(f"mlopsdiag {command}" in text for text in texts), command


def test_cli_reference_walks_the_whole_tree() -> None:
    docs = command_docs(main_group)
    assert [d.path for d in docs] == ["mlopsdiag", *(f"mlopsdiag {c}" for c in COMMANDS)]


@pytest.mark.parametrize("rule", list(RULES))
def test_every_rule_has_a_page(pages: dict[str, str], rule: str) -> None:
    page = pages[f"rules/{rule}.md"]
    assert f"# {rule}" in page
    assert RULES[rule].title.split()[0] in page
    assert f"rules/{rule}.md" in targets(pages, "rules/index.md")


@pytest.mark.parametrize("capability", list(builtin_catalog().capabilities))
def test_every_capability_has_a_page(pages: dict[str, str], capability: str) -> None:
    assert f"capabilities/{capability}.md" in pages
    assert f"capabilities/{capability}.md" in targets(pages, "capabilities/index.md")
    assert f"capabilities/{capability}.md" in targets(pages, "capabilities/matrix.md")


@pytest.mark.parametrize("tool", sorted(builtin_catalog().tools))
def test_every_builtin_tool_has_a_page(pages: dict[str, str], tool: str) -> None:
    page = pages[f"tools/{tool}.md"]
    assert builtin_catalog().tools[tool].name.split()[0] in page
    assert f"tools/{tool}.md" in targets(pages, "tools/index.md")  # the index lists every one


@pytest.mark.parametrize("concept", list(load_concepts()))
def test_every_concept_has_a_page(pages: dict[str, str], concept: str) -> None:
    assert f"knowledge/{concept}.md" in pages
    assert f"knowledge/{concept}.md" in targets(pages, "knowledge/index.md")


def test_every_spec_field_is_in_the_spec_reference(pages: dict[str, str]) -> None:
    from mlopsdiag.spec.schema import spec_schema

    reference = pages["reference/spec.md"]

    def walk(schema: dict[str, object]) -> None:
        properties = schema.get("properties")
        if isinstance(properties, dict):
            for name, prop in properties.items():
                assert f"<code>{name.replace('_', chr(92) + '_')}</code>" in reference, name
                walk(prop)
        items = schema.get("items")
        if isinstance(items, dict):
            walk(items)
        for branch in schema.get("anyOf") or ():  # e.g. `deployed`: a mapping or a list
            if isinstance(branch, dict):
                walk(branch)

    walk(spec_schema())


def test_navigation_points_at_pages_that_exist(pages: dict[str, str]) -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    for path in _nav_paths(config["nav"]):
        assert path in pages or (ROOT / "docs" / path).is_file(), path
