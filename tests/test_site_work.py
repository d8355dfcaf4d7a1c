"""How work moves on the site: the context diagram first, each process with its diagrams and
numbered steps on the architecture page, and the runbook's links back to the steps."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mlopsdiag.site import write_site
from mlopsdiag.site.generate import site_input
from mlopsdiag.site.work import inline_svg
from mlopsdiag.spec.model import Architecture
from test_site import ROOT, fake_diagrams, findings, load

CHURN = "churn-kubeflow-mlflow-seldon"


@pytest.fixture
def examples(monkeypatch: pytest.MonkeyPatch) -> list[Architecture]:
    monkeypatch.chdir(ROOT)
    return load([Path("specs")])


def build(docs: Path, archs: list[Architecture]) -> None:
    write_site(archs, docs, findings=findings(archs))  # type: ignore[arg-type]


def page(docs: Path, name: str = CHURN) -> str:
    return (docs / "architectures" / name / "index.md").read_text(encoding="utf-8")


def test_site_input_knows_which_work_diagrams_exist(
    tmp_path: Path, examples: list[Architecture]
) -> None:
    docs = tmp_path / "docs"
    fake_diagrams(docs, examples)
    (docs / "architectures" / CHURN / "process-drift-alert.svg").unlink()
    drawn = site_input(examples, docs, findings=findings(examples)).diagrams[CHURN]  # type: ignore[arg-type]
    assert {"overview", "context", "process-weekly-retrain"} <= drawn
    assert "process-drift-alert" not in drawn
    # One picture per process: the lanes file is a copy under its old name, never shown.
    assert not any(d.endswith("-lanes") for d in drawn)


def test_the_context_diagram_comes_first_then_processes_then_the_tables(
    tmp_path: Path, examples: list[Architecture]
) -> None:
    docs = tmp_path / "docs"
    fake_diagrams(docs, examples)
    build(docs, examples)
    for arch in examples:
        text = page(docs, arch.name)
        objects = re.findall(r'<object class="mlopsdiag-diagram-object" data="([^"]+)"', text)
        assert objects[0] == "context.svg", arch.name
        assert not any(o.startswith("process-") for o in objects), arch.name  # shown inline
        order = [text.index(h) for h in ("## How work moves", "## Diagrams", "## Components")]
        assert order == sorted(order), arch.name
        for process in arch.processes:
            heading = text.index(f"### {process.title} {{ #process-{process.id} }}")
            # One picture per process, inline, before its table, and then the table.
            walk = text.index(f'<div class="mlopsdiag-walk" id="walk-{process.id}"', heading)
            picture = text.index('<svg xmlns="http://www.w3.org/2000/svg"', walk)
            rows = [text.index(f'id="process-{process.id}-step-{s.number}"') for s in process.steps]
            assert heading < walk < picture < rows[0] and rows == sorted(rows), arch.name
            assert f'data-steps="{len(process.steps)}"' in text[walk:picture]
            assert text.count(f"](process-{process.id}.svg)") == 1  # "open on its own"


def test_steps_link_where_they_happen_and_the_procedure_to_follow(
    tmp_path: Path, examples: list[Architecture]
) -> None:
    docs = tmp_path / "docs"
    fake_diagrams(docs, examples)
    build(docs, examples)
    text = page(docs)
    [row] = [line for line in text.splitlines() if 'id="process-weekly-retrain-step-11"' in line]
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert cells[1] == r"Set modelUri and `kubectl apply` the SeldonDeployment"
    assert cells[2] == (
        "[MLflow tracking &amp; registry](#component-mlflow) → "
        "[Seldon model server](#component-model-server)"
    )
    assert cells[3].startswith("ML engineer on duty<br>")
    assert "usually Alice Martin" in cells[3] and "by hand" in cells[3]
    assert cells[5] == (
        "[Roll back the served model to the previous version]"
        f"(../../runbooks/{CHURN}.md#procedure-rollback)"
    )
    [gate] = [line for line in text.splitlines() if 'id="process-weekly-retrain-step-8"' in line]
    assert "Nothing is registered; Production keeps serving" in gate
    assert "**Trigger:** Mondays 02:00 UTC" in text
    assert "**Owner:** ML engineer on duty<br>" in text


def test_diagrams_that_were_not_drawn_are_not_shown(
    tmp_path: Path, examples: list[Architecture]
) -> None:
    docs = tmp_path / "docs"
    fake_diagrams(docs, examples)
    folder = docs / "architectures" / CHURN
    for name in ("context.svg", "process-weekly-retrain.svg"):
        (folder / name).unlink()
    build(docs, examples)
    text = page(docs)
    assert "context.svg" not in text and "process-weekly-retrain.svg" not in text
    assert 'id="walk-weekly-retrain"' not in text
    assert 'id="walk-score-account"' in text
    assert text.index("## How work moves") < text.index('data="overview.svg"')
    home = (docs / "index.md").read_text(encoding="utf-8")
    assert f"architectures/{CHURN}/overview.svg" in home
    assert "architectures/eta-airflow-feast-kserve/context.svg" in home


def test_runbook_lists_the_steps_that_lead_to_each_procedure_and_who_plays_each_role(
    tmp_path: Path, examples: list[Architecture]
) -> None:
    docs = tmp_path / "docs"
    fake_diagrams(docs, examples)
    build(docs, examples)
    text = (docs / "runbooks" / f"{CHURN}.md").read_text(encoding="utf-8")
    rollback = text.split("{ #procedure-rollback }")[1].split("</div>")[0]
    assert (
        "**Reached from:** [Weekly retraining and manual promotion, step 11]"
        f"(../architectures/{CHURN}/index.md#process-weekly-retrain-step-11)"
    ) in rollback
    retrain = text.split("{ #procedure-retrain }")[1].split("</div>")[0]
    assert "process-weekly-retrain-step-3" in retrain and "process-drift-alert-step-3" in retrain
    roles = text.split("{ #roles }")[1].split("## ")[0]
    assert (
        "| **ML engineer on duty**<br><code>ml-engineer</code> | person | Alice Martin |" in roles
    )
    assert "Retention team" not in roles  # an actor without a contact has no row


def test_a_spec_without_processes_shows_its_context_and_says_what_is_missing(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "tiny.yaml"
    spec.write_text(
        "apiVersion: mlopsdiag/v1\nkind: Architecture\nmetadata: {name: tiny, title: Tiny}\n"
        "components: [{id: a}]\n",
        encoding="utf-8",
    )
    archs = load([spec])
    docs = tmp_path / "docs"
    fake_diagrams(docs, archs)
    build(docs, archs)
    text = page(docs, "tiny")
    assert 'data="context.svg"' in text
    assert "describes no processes yet" in text
    assert "Reached from" not in (docs / "runbooks" / "tiny.md").read_text(encoding="utf-8")


def test_a_picture_shown_inline_keeps_its_ids_to_itself_and_nothing_else() -> None:
    svg = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<!-- generated by mlopsdiag -->\n'
        '<svg width="10pt" viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg" '
        'xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        '<defs><symbol id="icon-1"/></defs>\n\n<g id="node-step-1" class="node step-1">'
        '<a xlink:href="index.html#process-p-step-1"><use xlink:href="#icon-1"/></a></g>\n</svg>\n'
    )
    inline = inline_svg(svg, "process-p-")
    assert inline.startswith("<svg width=") and "\n\n" not in inline and "<!--" not in inline
    assert 'id="process-p-icon-1"' in inline and 'xlink:href="#process-p-icon-1"' in inline
    assert 'id="process-p-node-step-1" class="node step-1"' in inline
    assert 'xlink:href="index.html#process-p-step-1"' in inline  # a page link stays
    for unsafe in (
        "<script>x</script>",
        '<g onload="x"/>',
        "<foreignObject/>",
        '<a xlink:href=" java script:alert(1)"/>',
        '<a href="data:text/html,x"/>',
    ):
        assert inline_svg(svg.replace("</svg>", unsafe + "</svg>"), "p-") == "", unsafe
    # Text is text, whatever it says (Graphviz escapes it).
    words = "<text>&lt;script&gt; onclick=alert(1) javascript:alert(1)</text>"
    assert "onclick=alert(1)" in inline_svg(svg.replace("</svg>", words + "</svg>"), "p-")
    assert inline_svg("not a picture", "p-") == ""
    assert inline_svg("<svg><g></svg>", "p-") == ""  # not even XML
