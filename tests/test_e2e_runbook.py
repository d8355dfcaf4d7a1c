"""End-to-end tests of the runbook on a phone and on paper, and of search, in headless
Chromium (slow; marked `browser`). Positions are measured (element boxes on the phone, text
positions in the printed PDF), not judged from screenshots."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import Any

import pypdf
import pytest
from playwright.sync_api import Page, expect

from test_e2e_browser import (  # noqa: F401 - fixtures are used by name
    _OVERFLOWS,
    A4_WIDTH_PX,
    ARTIFACTS,
    NO_SEARCH_WORKER,
    PRINT_MARGIN_MM,
    Served,
    Watch,
    _search,
    _specs,
    browser,
    serve,
    site,
    tab,
)

pytestmark = pytest.mark.browser

CHURN = "churn-kubeflow-mlflow-seldon"
Tab = tuple[Page, Watch]
NAVIGATION_TIMEOUT_MS = 60_000
"""Pages load in well under a second; a busy CI machine (or a laptop on battery) may not."""
PHONE = {"width": 390, "height": 844}

_BOXES = """() => {
  const top = (sel) => {
    const el = document.querySelector(sel);
    return el ? el.getBoundingClientRect().top + window.scrollY : null;
  };
  return {
    triage: top("#triage"),
    triageBottom: (() => {
      const el = document.querySelector("#triage");
      return el ? el.getBoundingClientRect().bottom + window.scrollY : null;
    })(),
    rollback: top("#procedure-rollback"),
    pageWidth: document.documentElement.scrollWidth,
  };
}"""

_WRAPPED_TOKENS = """() => {
  const out = [];
  for (const pre of document.querySelectorAll("pre.mlopsdiag-command")) {
    const tokens = Array.from(pre.querySelectorAll(".mlopsdiag-token"));
    for (const t of tokens) {
      if (t.getClientRects().length !== 1) out.push("token broken: " + t.textContent);
    }
    if (!pre.textContent.includes("\\n")) {
      const tops = new Set(tokens.map((t) => Math.round(t.getBoundingClientRect().top)));
      if (tops.size > 1) out.push("command re-wrapped: " + pre.textContent);
    }
  }
  return out;
}"""


def test_phone_shows_triage_and_rollback(site: Served, tab: Tab) -> None:  # noqa: F811
    page, _ = tab
    page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page.add_init_script(NO_SEARCH_WORKER)
    page.set_viewport_size(PHONE)
    for spec in _specs():
        name = spec["metadata"]["name"]
        if not any(p.get("kind") == "rollback" for p in spec["runbook"].get("procedures", [])):
            continue
        page.goto(site.url + f"runbooks/{name}.html", wait_until="load")
        boxes = page.evaluate(_BOXES)
        limit = 2 * PHONE["height"]
        assert boxes["triage"] is not None and boxes["triage"] < PHONE["height"], (name, boxes)
        assert boxes["rollback"] is not None and boxes["rollback"] < limit, (name, boxes)
        assert boxes["pageWidth"] <= PHONE["width"], (name, boxes)
        assert boxes["triageBottom"] < limit, (name, boxes)
        # Commands scroll sideways inside their box: no token is ever split over lines.
        assert page.evaluate(_WRAPPED_TOKENS) == [], name
    page.goto(site.url + f"runbooks/{CHURN}.html", wait_until="load")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "runbook-phone.png"))


def test_commands_copy_exactly(site: Served, tab: Tab) -> None:  # noqa: F811
    page, _ = tab
    page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page.add_init_script(NO_SEARCH_WORKER)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(site.url + f"runbooks/{CHURN}.html", wait_until="load")
    block = page.locator("#procedure-rollback ~ ol pre.mlopsdiag-command").first
    expect(block).to_contain_text("kubectl -n churn-prod apply -f deploy/seldondeployment.yaml")
    block.hover()
    block.locator("button.mlopsdiag-copy").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == "kubectl -n churn-prod apply -f deploy/seldondeployment.yaml"


@dataclass(frozen=True)
class Line:
    """A run of text on a printed page: its page, its height from the page's bottom (pt)."""

    page: int
    y: float
    text: str


def _pdf_lines(pdf: bytes) -> list[Line]:
    lines: list[Line] = []
    for number, pdf_page in enumerate(pypdf.PdfReader(io.BytesIO(pdf)).pages):

        def visit(text: str, cm: Any, tm: Any, font: Any, size: Any, number: int = number) -> None:
            if text.strip():
                y = float(cm[5]) + float(tm[5]) * float(cm[3])
                lines.append(Line(number, y, " ".join(text.split())))

        pdf_page.extract_text(visitor_text=visit)
    return lines


def _find(lines: list[Line], heading: str) -> Line:
    words = " ".join(heading.split())[:24]
    found = [line for line in lines if words and line.text.startswith(words[:16])]
    assert found, f"heading {heading!r} not in the PDF"
    return found[0]


_HEADINGS = """() => Array.from(document.querySelectorAll("article h2, article h3"))
  .map((h) => ({level: h.localName, id: h.id,
                text: h.textContent.replace(/\\u00b6/g, "").trim()}))"""


def test_printed_runbook_layout(site: Served, tab: Tab) -> None:  # noqa: F811
    page, _ = tab
    page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page.add_init_script(NO_SEARCH_WORKER)
    page.goto(site.url + f"runbooks/{CHURN}.html", wait_until="load")
    page.emulate_media(media="print")
    headings = page.evaluate(_HEADINGS)
    margin = f"{PRINT_MARGIN_MM}mm"
    pdf = page.pdf(
        format="A4",
        print_background=True,
        margin={"top": margin, "bottom": margin, "left": margin, "right": margin},
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "runbook-print.pdf").write_bytes(pdf)
    lines = _pdf_lines(pdf)
    order = {id(line): i for i, line in enumerate(lines)}
    stranded = []
    for heading in headings:
        line = _find(lines, heading["text"])
        below = [x for x in lines if x.page == line.page and x.y < line.y - 1]
        if not below:
            stranded.append(f"{heading['text']!r} is the last line of page {line.page + 1}")
    assert not stranded, "\n".join(stranded)
    # Each procedure's access (the "before you start" box) prints with its heading.
    for heading in headings:
        if heading["id"].startswith("procedure-"):
            line = _find(lines, heading["text"])
            box = next(
                x for x in lines if order[id(x)] > order[id(line)] and "Before you start" in x.text
            )
            assert box.page == line.page, heading["text"]
    # The dependency tables come last.
    dependencies = _find(lines, "Dependencies")
    for heading in headings:
        if heading["level"] == "h2" and heading["id"] not in (
            "dependencies",
            "upstream",
            "downstream",
            "alerts",
            "runs-on",
        ):
            assert order[id(_find(lines, heading["text"]))] < order[id(dependencies)], heading


def test_printed_architecture_tables(site: Served, tab: Tab) -> None:  # noqa: F811
    page, _ = tab
    page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page.add_init_script(NO_SEARCH_WORKER)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1100})
    cut: list[str] = []
    for spec in _specs():
        path = f"architectures/{spec['metadata']['name']}/index.html"
        page.goto(site.url + path, wait_until="load")
        tables = page.evaluate(
            """(width) => Array.from(document.querySelectorAll("article table")).map((t) => {
                 const cells = Array.from(t.querySelectorAll("th, td"));
                 return Math.max(0, ...cells.map((c) => c.getBoundingClientRect().right)) <= width + 1;
               })""",
            A4_WIDTH_PX,
        )
        assert tables and all(tables), (path, tables)
        cut += [f"{path}: {c}" for c in page.evaluate(_OVERFLOWS, A4_WIDTH_PX)]
    assert not cut, "\n".join(cut)


def test_search_system_rollback(site: Served, tab: Tab) -> None:  # noqa: F811
    page, _ = tab
    page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page.goto(site.url + "index.html", wait_until="load")
    _search(page, "churn rollback")
    # Material groups hits by page: the best page first, its best sections under it.
    group = page.locator(".md-search-result__item").first
    links = group.locator("a.md-search-result__link")
    expect(links.first).to_have_attribute("href", re.compile(rf"runbooks/{CHURN}\.html"))
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    sections = [h for h in hrefs if "#" in h]
    assert sections and sections[0].endswith("#procedure-rollback"), hrefs


def test_badges_not_indexed(site: Served) -> None:  # noqa: F811
    docs = json.loads((site.root / "search" / "search_index.json").read_text("utf-8"))["docs"]
    home = (site.root / "index.html").read_text("utf-8")
    # The badges are on the pages (as data-label), so the check below is not vacuous.
    for label in ("stale runbook", "no owner", "no rollback"):
        assert f'data-label="{label}"' in home
    indexes = ("index.html", "architectures/index.html", "runbooks/index.html")
    for doc in docs:
        if doc["location"].split("#")[0] in indexes:
            for label in ("stale runbook", "no owner", "no rollback"):
                assert label not in doc["text"], (doc["location"], label)
        if doc["location"].startswith(f"runbooks/{CHURN}.html"):
            assert "stale" not in doc["text"], doc["location"]
