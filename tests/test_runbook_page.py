"""The runbook page: triage card, "before you start" boxes, commands as code that no text
can break out of, and the health badges of the indexes, built as a user builds them."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from mlopsdiag.site.runbook_pages import command_html
from site_safety import assert_inert
from site_search import search_index
from test_site import HOSTILE, ROOT, _mkdocs_build, _project, load

CHURN = "churn-kubeflow-mlflow-seldon"


class _Commands(HTMLParser):
    """The text of every `<pre class="mlopsdiag-command"><code>` of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.commands: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre" and "mlopsdiag-command" in (dict(attrs).get("class") or ""):
            self._depth = 1
            self.commands.append("")
        elif self._depth:
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.commands[-1] += data


def _commands(html: str) -> list[str]:
    parser = _Commands()
    parser.feed(html)
    return parser.commands


def test_command_html_escapes_and_keeps_words_whole() -> None:
    html = command_html("kubectl apply -f <x>.yaml && echo '```'")
    assert "<x>" not in html and "&lt;x&gt;.yaml" in html
    assert html.count('<span class="mlopsdiag-token">') == 7
    assert (
        re.sub(r"<[^>]+>", "", html)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        == "kubectl apply -f <x>.yaml && echo '```'"
    )


@pytest.mark.site
def test_hostile_commands_stay_inside_their_code_block(tmp_path: Path) -> None:
    archs = load([HOSTILE])
    project = _project(tmp_path, archs, guide=False)
    mkdocs_yml = project / "mkdocs.yml"
    text = mkdocs_yml.read_text(encoding="utf-8")
    mkdocs_yml.write_text(re.sub(r"\n  - Guide:\n(      - .*\n)+", "\n", text), encoding="utf-8")
    site = tmp_path / "site"
    _mkdocs_build(project, site)
    spec = yaml.safe_load((HOSTILE / "hostile.yaml").read_text(encoding="utf-8"))
    [run] = [
        step["run"]
        for proc in spec["runbook"]["procedures"]
        for step in proc["steps"]
        if isinstance(step, dict) and "run" in step
    ]
    name = spec["metadata"]["name"]
    html = (site / "runbooks" / f"{name}.html").read_text(encoding="utf-8")
    assert_inert(html, name)
    # The whole command, character for character, is the text of one code block: the
    # fences, closing tags and attribute lists in it did not end the block or the list.
    assert _commands(html) == [run]
    assert "<script>alert('run')" not in html
    # The step list and the procedure box are still whole after it.
    command = html.index('class="mlopsdiag-command"')
    assert html.index("</ol>", command) < html.index('id="dashboards"')


@pytest.mark.site
def test_example_runbook_page(tmp_path: Path) -> None:
    archs = load([ROOT / "specs"])
    project = _project(tmp_path, archs, guide=False)
    mkdocs_yml = project / "mkdocs.yml"
    text = mkdocs_yml.read_text(encoding="utf-8")
    mkdocs_yml.write_text(re.sub(r"\n  - Guide:\n(      - .*\n)+", "\n", text), encoding="utf-8")
    site = tmp_path / "site"
    _mkdocs_build(project, site)
    html = (site / "runbooks" / f"{CHURN}.html").read_text(encoding="utf-8")
    # Triage card first, then the rollback procedure, then the access table.
    triage = html.index('id="triage"')
    rollback = html.index('id="procedure-rollback"')
    access = html.index('id="access"')
    dependencies = html.index('id="dependencies"')
    assert triage < rollback < access < dependencies
    box = html[rollback : html.index("</ol>", rollback)]
    assert "Before you start" in box
    assert 'href="#access-mlflow-admin"' in box and 'href="#access-serving-kubeconfig"' in box
    assert "Bo Chen" in box and "must approve" in box
    assert 'id="access-mlflow-admin"' in html[access:dependencies]
    assert "kubectl -n churn-prod apply -f deploy/seldondeployment.yaml" in _commands(html)
    # Who to call for the rollback: the people it depends on, in escalation order.
    card = html[triage:rollback]
    assert re.search(r"Alice Martin\s*→\s*Bo Chen", card)

    # Matrix: three kinds of cell, each with its words for screen readers.
    matrix = (site / "capabilities" / "matrix.html").read_text(encoding="utf-8")
    for label in ("has it", "missing", "not applicable"):
        assert f'aria-label="{label}"' in matrix
    assert re.search(r'title="Churn[^"]*Feedback collection: CRM[^"]*inferred from flow', matrix)
    for stage in ("Data", "Training", "Release", "Serving", "Operations"):
        assert re.search(rf'scope="colgroup"[^>]*>{stage}<', matrix)

    # Health badges are on the indexes, and their words are not in the search index.
    index = search_index(site)
    for page in ("index.html", "architectures/index.html", "runbooks/index.html"):
        built = (site / page).read_text(encoding="utf-8")
        assert 'data-label="stale runbook"' in built and 'data-label="no rollback"' in built
        for doc in index["docs"]:
            if doc["location"].split("#")[0] == page:
                assert "stale runbook" not in doc["text"] and "no rollback" not in doc["text"]
