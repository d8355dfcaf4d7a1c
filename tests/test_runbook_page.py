"""The runbook page: triage card, "before you start" boxes, commands as code that no text
can break out of, and the health badges of the indexes, built as a user builds them."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from mlopsdiag.config import LintConfig
from mlopsdiag.site.generate import environment, render_page, site_input
from mlopsdiag.site.pages import build_pages
from mlopsdiag.site.runbook_pages import command_html
from mlopsdiag.spec.model import Architecture
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


# --------------------------------------------------------------------------- what will stop you
# Checked on the rendered Markdown (no MkDocs build): the order of the sections, what each
# warning says to do now, and one symptom per triage row.

REFERENCE_DATE = dt.date(2026, 11, 26)


def _runbooks(
    tmp_path: Path,
    archs: list[Architecture],
    config: LintConfig | None = None,
    drawn: tuple[str, ...] = (),
) -> dict[str, str]:
    """Runbook and architecture pages (path -> Markdown) of some specs, with the diagrams
    of `drawn` (architecture names) present as context pictures."""
    for name in drawn:
        folder = tmp_path / "architectures" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "context.svg").write_text("<svg/>", encoding="utf-8")
    site = site_input(archs, tmp_path, config=config or LintConfig(reference_date=REFERENCE_DATE))
    env = environment()
    return {
        page.path: render_page(env, page)
        for page in build_pages(site)
        if page.path.startswith(("runbooks/", "architectures/"))
    }


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    archs = load([ROOT / "specs"])
    return _runbooks(tmp_path_factory.mktemp("docs"), archs, drawn=(CHURN,))


def _triage_rows(page: str) -> list[list[str]]:
    card = page[page.index("## Triage") : page.index("## Procedures")]
    rows = [line for line in card.splitlines() if line.startswith("| ") and "---" not in line]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[1:]]


def test_what_will_stop_you_comes_before_the_triage_card(bundled: dict[str, str]) -> None:
    page = bundled[f"runbooks/{CHURN}.md"]
    blockers = page.index("## What will stop you")
    assert page.index("**Last verified:**") < blockers < page.index("## Triage")
    section = page[blockers : page.index("## Triage")]
    # Alice Martin alone grants the MLflow admin and the serving kubeconfig, which four
    # procedures need; one of the two has a break-glass path, the other names no way round.
    assert 'id="blocker-amartin"' in section
    assert "**Only Alice Martin can grant what 4 procedures need:**" in section
    for proc in ("rollback", "retrain", "restart-serving", "scale-serving"):
        assert f"](#procedure-{proc})" in section
    assert (
        "(#access-serving-kubeconfig): break glass: On-call opens the sealed 1Password" in section
    )
    assert re.search(
        r"\(#access-mlflow-admin\): nobody else is named and there is no break-glass path; "
        r"decide with Bo Chen \(\\?@bo\.chen on Slack\)",
        section,
    ), section


def test_triage_rows_hold_one_symptom_and_its_fix(bundled: dict[str, str]) -> None:
    page = bundled[f"runbooks/{CHURN}.md"]
    rows = _triage_rows(page)
    assert all("<br>" not in row[0] for row in rows), "one symptom per row"
    first = rows[0]
    assert first[0].startswith("Scores collapse to a single value")
    assert "(#procedure-rollback)" in first[1]
    assert "Rollback does not help if the new model has the same mapping" in first[1]
    # Every failure mode of the spec is a row of its own.
    spec = yaml.safe_load((ROOT / "specs" / f"{CHURN}.yaml").read_text(encoding="utf-8"))
    modes = spec["runbook"]["failure_modes"]
    named = {m.get("procedure") for m in modes}
    unnamed = [p for p in spec["runbook"]["procedures"] if p["id"] not in named and p.get("when")]
    assert [row[0] for row in rows if row[0].startswith("Pods crash-loop")]  # a `when` row
    assert len(rows) == len(modes) + len(unnamed)
    # The second rollback symptom refers to the row above for access and calls.
    assert rows[1][2:] == [
        '<span class="mlopsdiag-as-above">as above</span>',
        '<span class="mlopsdiag-as-above">as above</span>',
    ]


def test_triage_names_the_sole_grantor_as_such(bundled: dict[str, str]) -> None:
    rows = _triage_rows(bundled[f"runbooks/{CHURN}.md"])
    calls = [row[3] for row in rows if "Alice Martin" in row[3]]
    assert calls and all("Alice Martin ([only grantor](#blocker-amartin))" in c for c in calls)
    assert "Bo Chen ([only grantor]" not in "".join(row[3] for row in rows)


def test_context_picture_links_to_the_architecture_page(bundled: dict[str, str]) -> None:
    page = bundled[f"runbooks/{CHURN}.md"]
    picture = f"](../architectures/{CHURN}/context.svg)"
    assert picture in page
    assert page.index(picture) < page.index("## What will stop you")
    assert f"](../architectures/{CHURN}/index.md#context " in page
    # Without a drawn context picture there is no broken image.
    assert "context.svg" not in bundled["runbooks/eta-airflow-feast-kserve.md"]


def test_no_rollback_and_stale_say_what_to_do_now(bundled: dict[str, str]) -> None:
    lead = bundled["runbooks/lead-scoring-notebook-fastapi.md"]
    section = lead[lead.index("## What will stop you") : lead.index("## Triage")]
    assert "**No rollback procedure:**" in section
    assert "change nothing until you have called Infrastructure on-call" in section
    ltv = bundled["runbooks/ltv-batch-airflow-spark.md"]
    section = ltv[ltv.index("## What will stop you") : ltv.index("## Triage")]
    assert "**This runbook is stale:**" in section and "(#dashboards)" in section
    assert "**Only Ravi Kumar can grant what 1 procedure needs:**" in section
    # A runbook with nothing in the way has no such section.
    assert "## What will stop you" not in bundled["runbooks/eta-airflow-feast-kserve.md"]


def test_a_rule_switched_off_drops_its_warning(tmp_path: Path) -> None:
    archs = load([ROOT / "specs" / f"{CHURN}.yaml"])
    config = LintConfig(
        reference_date=REFERENCE_DATE, disabled=frozenset({"access-single-grantor"})
    )
    page = _runbooks(tmp_path, archs, config)[f"runbooks/{CHURN}.md"]
    assert "## What will stop you" not in page and "only grantor" not in page


def test_owners_are_named(bundled: dict[str, str]) -> None:
    runbook = bundled[f"runbooks/{CHURN}.md"]
    architecture = bundled[f"architectures/{CHURN}/index.md"]
    for page in (runbook, architecture):
        assert "**Owners:** ML platform team, Alice Martin<br>" in page
    # A component's owner: the contact's name, not the id.
    crm = next(line for line in architecture.splitlines() if 'id="component-crm-db"' in line)
    assert "Dana Okafor (CRM team)" in crm and "crm-owner" not in crm.split("|")[4]


def test_whom_to_decide_with_when_the_grantor_is_last_to_call(tmp_path: Path) -> None:
    spec = tmp_path / "specs" / "solo.yaml"
    spec.parent.mkdir()
    spec.write_text(
        """apiVersion: mlopsdiag/v1
kind: Architecture
metadata: {name: solo, title: One grantor, lifecycle: production, owners: [alice]}
components:
  - {id: server, tool: kserve}
runbook:
  contacts:
    - {id: alice, name: Alice Martin, role: owner, reach: "@alice"}
    - {id: bob, name: Bob Stone, role: on-call, reach: PagerDuty ML}
  escalation: [bob, alice]
  access:
    - {id: kube, name: Serving kubeconfig, where: "vault://ml/kube", granted_by: alice}
  procedures:
    - id: rollback
      kind: rollback
      title: Roll back
      when: Scores look wrong after a release
      needs: [kube]
      steps: [Apply the previous manifest]
""",
        encoding="utf-8",
    )
    page = _runbooks(tmp_path / "docs", load([spec]))["runbooks/solo.md"]
    section = page[page.index("## What will stop you") : page.index("## Triage")]
    assert "decide with Bob Stone (PagerDuty ML)" in section
    [row] = _triage_rows(page)
    assert row[3] == "Alice Martin ([only grantor](#blocker-alice))"
