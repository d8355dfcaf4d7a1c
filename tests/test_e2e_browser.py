"""End-to-end tests of the built site in headless Chromium (slow; marked `browser`).

The site is built once per session in a temporary folder, as a user builds it
(`mlopsdiag render`, then `mkdocs build --strict`), served on 127.0.0.1, and used as a
user would: the home page, a click on a component in a diagram, every page's images and
icons, search, printing a runbook; the runbook on a 390x844 phone and in a printed PDF,
measured. A second site is built from the hostile spec, whose
text must never run as code. Every tab fails its test on a request that leaves
localhost, a console error or a dialog. Screenshots and the runbook's PDF are written to
test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest
import yaml
from playwright.sync_api import (
    Browser,
    Frame,
    Locator,
    Page,
    expect,
)

from browser_site import (
    A4_HEIGHT_PX,
    A4_WIDTH_PX,
    ARTIFACTS,
    CHROMIUM,
    NO_SEARCH_WORKER,
    PRINT_MARGIN_MM,
    ROOT,
    SPECS,
    Served,
    Watch,
)
from mlopsdiag.spec.validate import validate_paths
from site_search import search_index

pytestmark = [
    pytest.mark.browser,
    pytest.mark.graphviz,  # the diagrams are drawn for real
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (apt-get install chromium)"
    ),
]


def _screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)


def _diagram(page: Page, svg: str) -> Frame:
    """The frame of the `<object>` of the page that shows diagram `svg`."""
    frame = next((f for f in page.frames if f.url.endswith(f"/{svg}")), None)
    assert frame is not None, f"{page.url}: diagram {svg} not loaded"
    return frame


def _component_link(frame: Frame, anchor: str) -> Locator:
    """The link of a component in a diagram (SVG `<a xlink:href>`, so XPath, not CSS)."""
    return frame.locator(
        f"xpath=//*[local-name()='a'][@*[local-name()='href']='index.html#{anchor}']"
    )


def _search(page: Page, text: str) -> None:
    """Type into Material's search box once its index is loaded, as a user does."""
    box = page.locator(".md-search__input")
    box.click()
    expect(page.locator(".md-search-result__meta")).not_to_contain_text("Initializing")
    box.press_sequentially(text, delay=10)


def _specs() -> list[dict[str, Any]]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(SPECS.glob("*.yaml"))]


# --------------------------------------------------------------------------- the example site


def test_home_page_lists_every_spec(site: Served, tab: tuple[Page, Watch]) -> None:
    page, _ = tab
    page.goto(site.url + "index.html", wait_until="load")
    specs = [s["metadata"] for s in _specs()]
    cards = page.locator(".mlopsdiag-card")
    expect(cards).to_have_count(len(specs))
    for meta in specs:
        card = page.locator(f"#card-{meta['name']}")
        expect(card).to_be_visible()
        title = card.locator(".mlopsdiag-card-title a")
        expect(title).to_have_text(" ".join(meta["title"].split()))
        expect(title).to_have_attribute("href", f"architectures/{meta['name']}/index.html")
        expect(card.locator("a.mlopsdiag-card-runbook")).to_have_attribute(
            "href", f"runbooks/{meta['name']}.html"
        )
    # The tag filter: a tag narrows the cards down, "all" brings them back.
    tag = str(specs[0]["tags"][0])
    page.locator(f'#mlopsdiag-tag-filter button[data-tag="{tag}"]').click()
    expect(cards.locator("visible=true")).to_have_count(
        sum(tag in m.get("tags", []) for m in specs)
    )
    page.locator('#mlopsdiag-tag-filter button[data-tag=""]').click()
    expect(cards.locator("visible=true")).to_have_count(len(specs))
    _screenshot(page, "home.png")


_COMPONENT_ANCHORS = """(svg) => Array.from(svg.querySelectorAll("a"))
    .map((a) => a.getAttribute("href") || a.getAttributeNS("http://www.w3.org/1999/xlink", "href"))
    .filter((h) => h && h.startsWith("index.html#component-"))
    .map((h) => h.slice("index.html#".length))"""


def test_clicking_a_component_in_a_diagram_lands_on_its_row(
    site: Served, tab: tuple[Page, Watch]
) -> None:
    page, _ = tab
    page.add_init_script(NO_SEARCH_WORKER)
    names = [s["metadata"]["name"] for s in _specs()]
    for name in names:
        url = f"{site.url}architectures/{name}/index.html"
        page.goto(url, wait_until="load")
        frame = _diagram(page, "overview.svg")
        anchors = frame.locator("svg").evaluate(_COMPONENT_ANCHORS)
        assert anchors, f"{url}: no component of the overview diagram links to its row"
        anchor = anchors[-1]  # the last one: its row is far down the page
        _component_link(frame, anchor).click()
        page.wait_for_url(f"{url}#{anchor}")
        assert page.evaluate("document.querySelector(':target')?.id") == anchor
        row = page.locator(f"tr:has(#{anchor})")
        expect(row).to_be_in_viewport()
        header = page.locator(".md-header").bounding_box()
        box = page.locator(f"#{anchor}").bounding_box()
        assert header is not None and box is not None
        assert box["y"] >= header["y"] + header["height"], f"{url}: row under the header"
        expect(page.locator("tr:has(.mlopsdiag-anchor:target)")).to_have_count(1)  # highlit
    _screenshot(page, "architecture-after-click.png", full_page=False)
    page.goto(f"{site.url}architectures/{names[0]}/index.html", wait_until="load")
    _screenshot(page, "architecture.png")


_GROUP_LINKS = """(svg) => Array.from(svg.querySelectorAll("a"))
    .map((a) => [
        (a.closest("g[id^='node-'], g[id^='a_node-']")?.id || "").replace(/^(a_)?node-/, ""),
        a.getAttribute("href") || a.getAttributeNS("http://www.w3.org/1999/xlink", "href"),
    ])
    .filter(([node, href]) => node && href && href.startsWith("index.html#view-"))"""
"""(group id, href) of every collapsed group box of a context picture."""

_OBJECT_TOPS = """() => Array.from(document.querySelectorAll("object.mlopsdiag-diagram-object"))
    .map((o) => [o.getAttribute("data"), o.getBoundingClientRect().top + window.scrollY])"""


def test_context_diagram_comes_first_and_a_collapsed_group_opens_on_its_members(
    site: Served, tab: tuple[Page, Watch]
) -> None:
    page, _ = tab
    page.add_init_script(NO_SEARCH_WORKER)
    archs = [r.architecture for r in validate_paths([SPECS]) if r.architecture is not None]
    assert len(archs) == len(_specs())
    for arch in archs:
        url = f"{site.url}architectures/{arch.name}/index.html"
        page.goto(url, wait_until="load")
        # The context picture is the first on the page, above every other picture.
        tops = page.evaluate(_OBJECT_TOPS)
        assert tops[0][0] == "context.svg", f"{url}: first picture is {tops[0][0]}"
        assert all(top > tops[0][1] for _, top in tops[1:]), url
        heading = page.locator("#how-work-moves").bounding_box()
        components = page.locator("#components").bounding_box()
        assert heading is not None and components is not None
        assert heading["y"] < tops[0][1] < components["y"], url
        frame = _diagram(page, "context.svg")
        groups = frame.locator("svg").evaluate(_GROUP_LINKS)
        assert groups, f"{url}: no collapsed group in the context picture links anywhere"
        group, href = groups[0]
        view = href.removeprefix("index.html#")
        link = frame.locator(
            f"xpath=//*[local-name()='g'][@id='node-{group}']//*[local-name()='a']"
        )
        link.first.click()
        page.wait_for_url(f"{url}#{view}")
        assert page.evaluate("document.querySelector(':target')?.id") == view
        expect(page.locator(f"#{view}")).to_be_in_viewport()
        # The picture there shows every member of the group, each linked to its row.
        shown = page.locator(f'.mlopsdiag-diagram[data-view="{view.removeprefix("view-")}"] object')
        svg = shown.get_attribute("data")
        assert svg is not None
        members_frame = _diagram(page, svg)
        expect(members_frame.locator("svg")).to_be_attached()
        for member in arch.members(group):
            expect(_component_link(members_frame, f"component-{member}")).not_to_have_count(0)
    _screenshot(page, "architecture-after-group-click.png", full_page=False)


_BROKEN_IMAGES = """async () => {
  const broken = [];
  const XLINK = "http://www.w3.org/1999/xlink";
  const href = (el) => el.getAttribute("href") || el.getAttributeNS(XLINK, "href") || "";
  const decodes = async (src) => {
    const image = new Image();
    image.src = src;
    try { await image.decode(); return image.naturalWidth > 0; } catch (e) { return false; }
  };
  for (const img of Array.from(document.images)) {
    img.loading = "eager";  // thumbnails are lazy: load them all
    if (!(await decodes(img.currentSrc || img.src))) broken.push("img " + img.getAttribute("src"));
  }
  for (const obj of Array.from(document.querySelectorAll("object"))) {
    const where = obj.getAttribute("data");
    const doc = obj.contentDocument;
    if (!doc || !doc.documentElement || doc.documentElement.localName !== "svg") {
      broken.push("object " + where);
      continue;
    }
    for (const use of Array.from(doc.querySelectorAll("use"))) {
      if (!doc.getElementById(href(use).replace(/^#/, ""))) broken.push(where + ": icon " + href(use));
    }
    for (const src of new Set(Array.from(doc.querySelectorAll("image")).map(href))) {
      if (!(await decodes(new URL(src, doc.URL).href))) broken.push(where + ": image " + src.slice(0, 60));
    }
  }
  return broken;
}"""
"""Images that do not decode, diagrams that did not load, icons of a diagram that are missing
or do not decode (in the built site they are shared PNG files the diagrams link)."""


@pytest.mark.parametrize("part", [0, 1], ids=["even-pages", "odd-pages"])
def test_every_page_loads_its_images_without_errors_or_foreign_requests(
    site: Served, tab: tuple[Page, Watch], part: int
) -> None:
    page, watch = tab
    # The watch sees a request that would leave localhost (and it does not get out).
    page.goto(site.url + "404.html")
    page.evaluate("fetch('https://example.com/e2e-probe').catch(() => null)")
    assert watch.foreign == ["https://example.com/e2e-probe"]
    watch.foreign.clear()
    watch.console_errors.clear()  # "failed to load" the probe

    page.add_init_script(NO_SEARCH_WORKER)  # search has a test of its own
    pages = site.pages()
    assert len(pages) > 50
    broken: list[str] = []
    for path in pages[part::2]:  # in two halves, for two pytest-xdist workers
        page.goto(site.url + path, wait_until="load")
        broken += [f"{path}: {b}" for b in page.evaluate(_BROKEN_IMAGES)]
    assert not broken, "\n".join(broken)


def test_search_finds_a_component_by_name(site: Served, tab: tuple[Page, Watch]) -> None:
    page, _ = tab
    specs = _specs()
    elsewhere = {c.get("name") for s in specs[1:] for c in s["components"]}
    spec = specs[0]
    name = spec["metadata"]["name"]
    component = next(
        c for c in spec["components"] if " " in c.get("name", "") and c["name"] not in elsewhere
    )
    # One index file, the offline plugin's script: over HTTP the mlopsdiag-search plugin's
    # shim hands it to the theme, which would otherwise fetch search_index.json.
    assert sorted(p.name for p in (site.root / "search").iterdir()) == ["search_index.js"]
    page.goto(site.url + "index.html", wait_until="load")
    _search(page, component["name"])
    # Material indexes a page by sections: the hit is the components table of its page.
    link = f'a[href*="architectures/{name}/index.html"][href$="#components"]'
    hit = page.locator(f".md-search-result__item {link}")
    expect(hit).to_have_count(1)
    expect(hit).to_contain_text(component["name"])
    if not hit.is_visible():  # among the "more on this page" results
        more = page.locator(".md-search-result__item details").filter(has=page.locator(link))
        more.locator("summary").click()
    hit.click()
    page.wait_for_url(re.compile(rf"architectures/{name}/index\.html\?h=.*#components$"))
    row = page.locator(f"tr:has(#component-{component['id']})")
    expect(row).to_contain_text(component["name"])
    expect(row.locator("mark").first).to_be_visible()  # the words searched for, highlit

    # The same from file://, as on a file share: the offline plugin's index and the
    # vendored iframe-worker shim stand in for the worker a file:// page may not start.
    page.goto((site.root / "index.html").as_uri(), wait_until="load")
    _search(page, component["name"])
    expect(page.locator(f".md-search-result__item {link}")).to_have_count(1)


_OVERFLOWS = """(width) => {
  const content = document.querySelector("article.md-content__inner");
  const out = [];
  const describe = (el) => el.localName + (el.id ? "#" + el.id : "") +
      (typeof el.className === "string" && el.className.trim()
        ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  if (document.documentElement.scrollWidth > width + 1) {
    out.push("page is " + document.documentElement.scrollWidth + "px wide");
  }
  for (const el of [content, ...content.querySelectorAll("*")]) {
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    if (rect.right > width + 1 || rect.left < -1) {
      out.push(describe(el) + " spans " + Math.round(rect.left) + ".." + Math.round(rect.right));
    }
    if (getComputedStyle(el).overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1) {
      out.push(describe(el) + " clips " + el.scrollWidth + "px to " + el.clientWidth);
    }
  }
  return out.slice(0, 20);
}"""
"""What would be cut off at the right edge of a printed page: main content wider than the
page, or cut by a scrolling box (tables, code, diagrams)."""


def test_runbooks_print_without_cut_off_content(site: Served, tab: tuple[Page, Watch]) -> None:
    page, _ = tab
    page.add_init_script(NO_SEARCH_WORKER)
    first = f"runbooks/{_specs()[0]['metadata']['name']}.html"
    page.goto(site.url + first, wait_until="load")
    _screenshot(page, "runbook.png")

    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1100})
    runbooks = [p for p in site.pages() if re.fullmatch(r"runbooks/(?!index\.html).*", p)]
    assert len(runbooks) == len(_specs())
    cut: list[str] = []
    for path in runbooks:
        page.goto(site.url + path, wait_until="load")
        cut += [f"{path}: {c}" for c in page.evaluate(_OVERFLOWS, A4_WIDTH_PX)]
        for chrome in (".md-header", ".md-sidebar--primary", ".md-footer"):
            expect(page.locator(chrome)).to_be_hidden()
    assert not cut, "\n".join(cut)

    page.goto(site.url + first, wait_until="load")
    height = page.evaluate("document.documentElement.scrollHeight")
    ARTIFACTS.mkdir(exist_ok=True)
    margin = f"{PRINT_MARGIN_MM}mm"
    pdf = page.pdf(
        path=str(ARTIFACTS / "runbook.pdf"),
        format="A4",
        print_background=True,
        margin={"top": margin, "bottom": margin, "left": margin, "right": margin},
    )
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    # As many pages as the content is tall, give or take the breaks kept out of tables
    # and procedures: not a page per table row, nor everything squeezed onto one.
    assert height / A4_HEIGHT_PX <= pages <= 2 * height / A4_HEIGHT_PX + 2, (
        f"{pages} PDF pages for {height}px of content ({height / A4_HEIGHT_PX:.1f} pages)"
    )


# --------------------------------------------------------------------------- hostile text

_INJECTED = """() => {
  const found = [];
  const check = (doc, where) => {
    for (const el of Array.from(doc.querySelectorAll("*"))) {
      for (const attr of Array.from(el.attributes)) {
        const value = attr.value.replace(/[\\x00-\\x20]/g, "").toLowerCase();
        if (attr.name.toLowerCase().startsWith("on")) {
          found.push(where + ": " + el.localName + " " + attr.name);
        }
        if (/(^|:)(href|src|action|formaction|data)$/.test(attr.name)
            && /^(javascript|vbscript):/.test(value)) {
          found.push(where + ": " + el.localName + " " + attr.name + "=" + attr.value);
        }
      }
    }
    for (const el of Array.from(doc.querySelectorAll("img, iframe, embed"))) {
      const src = el.getAttribute("src") || "";
      if (src === "x" || /(evil|tracker)\\.example/.test(src)) found.push(where + ": " + el.outerHTML);
    }
    for (const el of Array.from(doc.querySelectorAll("article b, article i"))) {
      if (/^(owner|label)$/.test(el.textContent.trim())) found.push(where + ": " + el.outerHTML);
    }
    for (const script of Array.from(doc.querySelectorAll("script"))) {
      if (/alert/.test(script.textContent + script.src)) found.push(where + ": " + script.outerHTML);
    }
  };
  check(document, "page");
  for (const obj of Array.from(document.querySelectorAll("object"))) {
    if (obj.contentDocument) check(obj.contentDocument, obj.getAttribute("data"));
  }
  return found;
}"""
"""Elements the hostile spec tries to inject (its images, frames, bold owner, scripts), and
any event handler or script URL, in the page and in its diagrams."""


def test_hostile_text_never_runs_in_the_browser(
    hostile_site: Served, tab: tuple[Page, Watch]
) -> None:
    page, watch = tab
    page.goto(hostile_site.url + "architectures/evil/index.html", wait_until="load")
    expect(page.locator("#component-api")).to_contain_text("<img src=x onerror=alert('name')>")
    injected = [f"architecture: {i}" for i in page.evaluate(_INJECTED)]
    # Search results show the hostile text as well: still as text.
    _search(page, "onerror")
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    injected += [f"search results: {i}" for i in page.evaluate(_INJECTED)]
    page.keyboard.press("Escape")
    # A click on the component in its diagram only jumps to its row.
    _component_link(_diagram(page, "part.svg"), "component-api").click()
    page.wait_for_url(re.compile(r"#component-api$"))

    # Every kind of page that shows hostile text (one page per folder, and every index, the
    # matrix and the spec's own pages), and the diagrams opened on their own.
    page.add_init_script(NO_SEARCH_WORKER)
    kinds: dict[str, str] = {}
    for path in hostile_site.pages():
        if "alert(" in (hostile_site.root / path).read_text(encoding="utf-8"):
            own = "evil" in path or Path(path).name in ("index.html", "matrix.html")
            kinds.setdefault(path if own else str(Path(path).parent), path)
    shown = sorted(kinds.values())
    assert {"runbooks/evil.html", "architectures/evil/index.html"} <= set(shown)
    diagrams = ["architectures/evil/overview.svg", "architectures/evil/part.svg"]
    for path in shown + diagrams:
        page.goto(hostile_site.url + path, wait_until="load")
        page.mouse.move(400, 300)  # would fire hover handlers, had any survived
        injected += [f"{path}: {i}" for i in page.evaluate(_INJECTED)]
    assert not injected, "\n".join(injected)
    assert not watch.dialogs, watch.dialogs


# --------------------------------------------------------------------------- light and dark


def _channel(value: float) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    r, g, b = (_channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _pixels(png: bytes) -> list[tuple[int, int, int]]:
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(png)) as image:
        data = image.convert("RGB").tobytes()
    return [(data[i], data[i + 1], data[i + 2]) for i in range(0, len(data), 3)]


def _commonest(pixels: list[tuple[int, int, int]]) -> tuple[int, int, int]:
    from collections import Counter

    return Counter(pixels).most_common(1)[0][0]


def test_dark_scheme_keeps_diagrams_readable_and_the_toggle_switches(
    site: Served, tab: tuple[Page, Watch]
) -> None:
    page, _ = tab
    page.add_init_script(NO_SEARCH_WORKER)
    page.emulate_media(color_scheme="dark")  # a first visit follows the system setting
    name = _specs()[0]["metadata"]["name"]
    page.goto(f"{site.url}architectures/{name}/index.html", wait_until="load")
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    _diagram(page, "overview.svg")
    frame = page.locator(".mlopsdiag-diagram-frame").first
    frame.scroll_into_view_if_needed()
    _screenshot(page, "architecture-dark.png", full_page=False)

    # Measured on the screen: the page is dark, the diagram's card is light, and the darkest
    # ink in the diagram (its labels) reads on that card as body text must (WCAG AA: 4.5).
    page_pixels = _pixels(page.locator(".md-main").screenshot())
    page_bg = _commonest(page_pixels)
    card = _pixels(frame.screenshot())
    card_bg = _commonest(card)
    ink = min(card, key=_luminance)
    assert _luminance(page_bg) < 0.1, f"the page is not dark: {page_bg}"
    assert _luminance(card_bg) > 0.8, f"the diagram sits on a dark background: {card_bg}"
    assert _contrast(ink, card_bg) >= 4.5, f"labels {ink} on {card_bg}"
    assert _contrast(card_bg, page_bg) >= 3, "the diagram card does not stand out"

    # The toggle in the header switches to the light scheme, and the choice sticks.
    page.locator("label[title='Switch to the light scheme']").first.click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    page.reload(wait_until="load")
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    light = _pixels(page.locator(".md-main").screenshot())
    assert _luminance(_commonest(light)) > 0.9


# --------------------------------------------------------------------------- runbooks on a phone and on paper
# Positions are measured (element boxes on a 390x844 phone, text positions in the printed
# PDF), not judged from screenshots.

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


def test_phone_shows_triage_and_rollback(site: Served, tab: Tab) -> None:
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


def test_commands_copy_exactly(site: Served, tab: Tab) -> None:
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


def test_printed_runbook_layout(site: Served, tab: Tab) -> None:
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


def test_printed_architecture_tables(site: Served, tab: Tab) -> None:
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


def test_search_system_rollback(site: Served, tab: Tab) -> None:
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


def test_badges_not_indexed(site: Served) -> None:
    docs = search_index(site.root)["docs"]
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


# --------------------------------------------------------------------------- shared icons
# In the built site, the mlopsdiag-icons plugin stores each icon once and the diagrams link
# it. What a reader sees is compared, pixel for pixel, with the self-contained SVG that
# `mlopsdiag render` wrote: a missing or unreadable icon would show the browser's
# broken-image sign instead.

_SHOW_ICON = """(i) => {
  const use = document.querySelectorAll("use")[i];
  use.scrollIntoView({block: "center", inline: "center"});
  const r = use.getBoundingClientRect();
  return {x: r.x, y: r.y, width: r.width, height: r.height};
}"""


_DECODED = """async () => {
  const XLINK = "http://www.w3.org/1999/xlink";
  const href = (el) => el.getAttribute("href") || el.getAttributeNS(XLINK, "href") || "";
  const srcs = new Set(Array.from(document.querySelectorAll("image")).map(href));
  await Promise.all(Array.from(srcs).map((src) => {
    const image = new Image();
    image.src = new URL(src, document.URL).href;
    return image.decode().catch(() => null);  // a broken icon shows as such on the screen
  }));
}"""
"""Wait until the icons of an SVG document are decoded: a busy browser paints an image that
is still being decoded as empty first. (Not requestAnimationFrame: it never fires in a
frame that is out of view.)"""


def _settled(shoot: Callable[[], bytes]) -> list[tuple[int, int, int]]:
    """The pixels of a screenshot once two taken in a row agree."""
    shot = _pixels(shoot())
    for _ in range(10):
        again = _pixels(shoot())
        if again == shot:
            break
        shot = again
    return shot


def _alike(one: list[tuple[int, int, int]], two: list[tuple[int, int, int]]) -> bool:
    """The same picture, as far as its icons go. Shown at a fractional scale (a picture
    shrunk to the column), an icon from a PNG file is resampled a little differently from
    the same bytes in a data URI: a few hundred edge pixels of a few icons differ, by up to
    about 30 levels. A missing or broken icon changes thousands of pixels: at most one in
    two thousand may differ."""
    if len(one) != len(two):
        return False
    differ = sum(1 for p, q in zip(one, two, strict=True) if p != q)
    return differ <= len(one) // 2000


def _icons_seen(
    page: Page, url: str, only: Sequence[int] | None = None
) -> dict[int, list[tuple[int, int, int]]]:
    """The pixels of each icon (or those numbered `only`) of the SVG at `url`, opened on
    its own, by position in the document."""
    page.goto(url, wait_until="load")
    page.evaluate(_DECODED)
    count = page.evaluate("() => document.querySelectorAll('use').length")
    seen = {}
    for i in range(count) if only is None else only:
        box = page.evaluate(_SHOW_ICON, i)
        seen[i] = _settled(lambda box=box: page.screenshot(clip=box))
    return seen


def _icons_differ(page: Page, expected_url: str, url: str) -> tuple[int, list[int]]:
    """How many icons the SVG at `expected_url` has, and which of them look different in
    the one at `url` (the same count required). An icon that differs is looked at again
    on both sides, a few times with a pause: a busy browser may paint an icon late, and
    two screenshots in a row can agree on a blank one."""
    expected = _icons_seen(page, expected_url)
    seen = _icons_seen(page, url)
    assert len(seen) == len(expected)
    differ = [i for i in expected if seen[i] != expected[i]]
    for _ in range(4):
        if not differ:
            break
        page.wait_for_timeout(500)
        expected.update(_icons_seen(page, expected_url, differ))
        seen.update(_icons_seen(page, url, differ))
        differ = [i for i in differ if seen[i] != expected[i]]
    return len(expected), differ


def _rendered_and_shared(site: Served, svg: str) -> tuple[Path, Path]:
    """A diagram as `mlopsdiag render` wrote it (docs/) and as the built site has it."""
    rendered = site.root.parent / "docs" / svg
    shared = site.root / svg
    # The render output stays self-contained; the site's copy links the shared icons.
    assert "data:image/png;base64," in rendered.read_text(encoding="utf-8")
    text = shared.read_text(encoding="utf-8")
    assert "data:image/png" not in text and "../../mlopsdiag/icons/icon-" in text
    return rendered, shared


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_a_diagram_opened_on_its_own_paints_its_shared_icons(
    site: Served, tab: Tab, scheme: str
) -> None:
    page, _ = tab
    svg = f"architectures/{CHURN}/overview.svg"
    rendered, shared = _rendered_and_shared(site, svg)
    url = site.url + svg if scheme == "http" else shared.as_uri()
    count, differ = _icons_differ(page, rendered.as_uri(), url)
    assert count >= 10
    assert not differ, f"{len(differ)} of {count} icons do not look as rendered: {differ}"


_SWAP_DIAGRAM = """([object, src]) => new Promise((loaded) => {
  object.addEventListener("load", () => loaded(null), {once: true});
  object.data = src;
})"""


def test_an_architecture_page_paints_the_shared_icons_over_http_and_from_file(
    site: Served, tab: Tab
) -> None:
    page, _ = tab
    page.add_init_script(NO_SEARCH_WORKER)
    folder = f"architectures/{CHURN}"
    rendered, _ = _rendered_and_shared(site, f"{folder}/overview.svg")

    def shown(url: str) -> list[tuple[int, int, int]]:
        page.goto(url, wait_until="load")
        diagram = page.locator("object[data='overview.svg']")
        diagram.scroll_into_view_if_needed()
        _diagram(page, "overview.svg").evaluate(_DECODED)
        return _settled(diagram.screenshot)

    # Over HTTP, against the same page served with the self-contained diagram.
    page.route(f"{site.url}{folder}/overview.svg", lambda route: route.fulfill(path=rendered))
    expected = shown(f"{site.url}{folder}/index.html")
    page.unroute(f"{site.url}{folder}/overview.svg")
    assert len(set(expected)) > 50  # a drawing, not an empty box
    assert shown(f"{site.url}{folder}/index.html") == expected, "over HTTP"
    _screenshot(page, "architecture-shared-icons.png", full_page=False)

    # From file://, against the same <object> showing the render output's file instead.
    seen = shown((site.root / folder / "index.html").as_uri())
    diagram = page.locator("object[data='overview.svg']").element_handle()
    page.evaluate(_SWAP_DIAGRAM, [diagram, rendered.as_uri()])
    _diagram(page, "overview.svg").evaluate(_DECODED)
    assert _alike(seen, _settled(diagram.screenshot)), "from file://"


# --------------------------------------------------------------------------- walking a process

WALKTHROUGH_PNG = ROOT / "docs" / "guide" / "img" / "walkthrough.png"
"""The screenshot of a process being walked through that the README shows. The suite takes
it on every run into test-artifacts/; `pytest --update-goldens` also writes it here, to be
committed (a plain run leaves the working tree as it was)."""
READER_WIDTH = 800
"""The browser window a reader is measured in (Material's content column is 768 px)."""

_WALK_STATE = """(id) => {
  const box = document.getElementById("walk-" + id);
  const svg = box.querySelector("svg");
  const nodes = Array.from(svg.querySelectorAll("g.node.mlopsdiag-current"))
    .map((g) => g.getAttribute("class"));
  const rows = Array.from(document.querySelectorAll("tr.mlopsdiag-current .mlopsdiag-anchor"))
    .map((a) => a.id);
  return {step: box.dataset.step || "", nodes, rows, hash: location.hash};
}"""


def _at_step(page: Page, process: str, n: int) -> None:
    """The walk of `process` shows step `n` in the picture, the table, the bar and the URL."""
    status = page.locator(f"#walk-{process} .mlopsdiag-walk-status")
    expect(status).to_have_text(re.compile(rf"^Step {n} of \d+$"))
    state = page.evaluate(_WALK_STATE, process)
    assert state["step"] == str(n)
    assert f"node step-{n} mlopsdiag-current" in state["nodes"], state
    assert state["rows"] == [f"process-{process}-step-{n}"], state
    assert state["hash"] == f"#process-{process}-step-{n}"
    node = page.locator(f"#walk-{process} svg g.node.step-{n}")
    expect(node).to_be_in_viewport()
    head = page.locator(f"#walk-{process} .mlopsdiag-walk-head").bounding_box()
    box = node.bounding_box()
    assert head is not None and box is not None
    assert box["y"] + box["height"] > head["y"] + head["height"], "step hidden under the card"


def test_a_process_is_walked_through_with_keyboard_and_mouse(
    site: Served, tab: tuple[Page, Watch], update_goldens: bool
) -> None:
    page, _ = tab
    page.add_init_script(NO_SEARCH_WORKER)
    page.set_viewport_size({"width": READER_WIDTH, "height": 900})
    page.goto(f"{site.url}architectures/{CHURN}/index.html", wait_until="load")
    walk = page.locator("#walk-weekly-retrain")
    head = walk.locator(".mlopsdiag-walk-head")
    expect(head).to_be_visible()
    expect(head.locator(".mlopsdiag-walk-status")).to_have_text(re.compile("^11 steps"))
    card = head.locator(".mlopsdiag-walk-card")

    head.get_by_role("button", name=re.compile("Next")).click()
    _at_step(page, "weekly-retrain", 1)
    expect(card).to_contain_text("Start the weekly run")
    expect(card).to_contain_text("Who: Kubeflow pipeline")
    expect(head.get_by_role("button", name=re.compile("Previous"))).to_be_disabled()
    # The arrow keys, once the walk has the focus (its buttons, or the picture).
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    _at_step(page, "weekly-retrain", 3)
    expect(card).to_contain_text("Where: Validate snapshot")
    expect(card).to_contain_text("Otherwise: The run stops; read the report before re-running")
    procedure = card.get_by_role("link", name="Run the training pipeline by hand")
    expect(procedure).to_have_attribute(
        "href", re.compile(rf"runbooks/{CHURN}\.html#procedure-retrain$")
    )
    _screenshot(page, WALKTHROUGH_PNG.name, full_page=False)
    if update_goldens:
        page.screenshot(path=str(WALKTHROUGH_PNG))
    page.keyboard.press("ArrowLeft")
    _at_step(page, "weekly-retrain", 2)
    page.keyboard.press("ArrowDown")  # up and down still scroll the page
    expect(head.locator(".mlopsdiag-walk-status")).to_have_text("Step 2 of 11")

    # A click on a step in the picture, then on a row of the table.
    walk.locator("svg g.node.step-8").click()
    _at_step(page, "weekly-retrain", 8)
    expect(card).to_contain_text("calibration error under 0.03?")  # the whole question
    page.keyboard.press("ArrowRight")
    _at_step(page, "weekly-retrain", 9)
    page.locator("tr:has(#process-weekly-retrain-step-11) td").nth(1).click()
    _at_step(page, "weekly-retrain", 11)
    expect(card).to_contain_text("usually Alice Martin")
    expect(card.get_by_role("link", name=re.compile("Roll back the served model"))).to_be_visible()
    expect(head.get_by_role("button", name=re.compile("Next"))).to_be_disabled()
    page.keyboard.press("End")  # the row's click left the focus on the walk
    _at_step(page, "weekly-retrain", 11)
    page.keyboard.press("ArrowLeft")
    _at_step(page, "weekly-retrain", 10)
    page.keyboard.press("ArrowRight")
    _at_step(page, "weekly-retrain", 11)
    # Only one step of one process is lit.
    lit = page.evaluate("document.querySelectorAll('g.node.mlopsdiag-current').length")
    assert lit == 1

    # The failure exit in the picture leads to the procedure on the runbook page.
    runbook = f"../../runbooks/{CHURN}.html#procedure-rollback"
    exit_link = walk.locator(
        f"xpath=//*[local-name()='g'][contains(concat(' ', @class, ' '), ' step-11 ')]"
        f"//*[local-name()='a'][@*[local-name()='href']='{runbook}']"
    )
    expect(exit_link).to_have_count(1)
    exit_link.click()
    page.wait_for_url(f"{site.url}runbooks/{CHURN}.html#procedure-rollback")


def test_a_link_to_a_step_opens_on_it_over_http_and_from_file(
    site: Served, tab: tuple[Page, Watch]
) -> None:
    page, _ = tab
    page.add_init_script(NO_SEARCH_WORKER)
    page.set_viewport_size({"width": READER_WIDTH, "height": 900})
    path = f"architectures/{CHURN}/index.html"
    for url in (site.url + path, (site.root / path).as_uri()):
        page.goto(f"{url}#process-drift-alert-step-3", wait_until="load")
        _at_step(page, "drift-alert", 3)
        expect(page.locator("#walk-drift-alert .mlopsdiag-walk-card")).to_contain_text(
            "After 24 h of drift"
        )
        page.keyboard.press("ArrowRight")  # the picture has not got the focus: no walking
        _at_step(page, "drift-alert", 3)
        page.locator("#walk-drift-alert svg g.node.step-5").click()
        _at_step(page, "drift-alert", 5)
        # A link from elsewhere on the page (the runbook's "reached from" links look alike).
        page.evaluate("location.hash = '#process-weekly-retrain-step-10'")
        _at_step(page, "weekly-retrain", 10)


_PICTURE_TEXT = """() => Array.from(document.querySelectorAll(".mlopsdiag-process-picture svg"))
  .map((svg) => {
    const box = svg.getBoundingClientRect();
    const unit = box.width / svg.viewBox.baseVal.width;  // px per pt of the drawing
    const sizes = Array.from(svg.querySelectorAll("text"))
      .filter((t) => t.textContent.trim())
      .map((t) => parseFloat(t.getAttribute("font-size") || "14") * unit)
      .sort((a, b) => a - b);
    const scrolls = [];
    for (let el = svg.parentElement; el && el !== document.body; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (/(auto|scroll)/.test(style.overflowY + style.overflowX)
          && (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)) {
        scrolls.push(el.className);
      }
    }
    return {
      id: svg.closest(".mlopsdiag-walk").dataset.process,
      shown: box.width,
      natural: svg.width.baseVal.value,  // its width attribute, in px
      median: sizes[Math.floor(sizes.length / 2)],
      min: sizes[0],
      scrolls,
    };
  })"""


def test_process_pictures_read_at_800_px_at_natural_size_or_smaller_without_a_scroll_box(
    site: Served, tab: tuple[Page, Watch]
) -> None:
    page, _ = tab
    page.add_init_script(NO_SEARCH_WORKER)
    page.set_viewport_size({"width": READER_WIDTH, "height": 900})
    short: list[str] = []
    measured = 0
    for arch in _specs():
        name = arch["metadata"]["name"]
        page.goto(f"{site.url}architectures/{name}/index.html", wait_until="load")
        pictures = page.evaluate(_PICTURE_TEXT)
        assert len(pictures) == len(arch.get("processes", [])), name
        for p in pictures:
            measured += 1
            where = f"{name}/process-{p['id']}"
            if p["median"] < 10 or p["min"] < 8:
                short.append(f"{where}: text median {p['median']:.1f} px, min {p['min']:.1f} px")
            if p["shown"] > p["natural"] + 1:  # layout rounds to whole pixels
                short.append(f"{where}: scaled up to {p['shown']:.0f} px from {p['natural']:.0f}")
            if p["scrolls"]:
                short.append(f"{where}: scrolls inside {p['scrolls']}")
    assert measured >= 10
    assert not short, "\n".join(short)


def test_a_page_with_processes_prints_whole_without_javascript(
    site: Served, browser: Browser
) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": A4_WIDTH_PX, "height": 1100}
    )
    try:
        page = context.new_page()
        page.emulate_media(media="print")
        page.goto(f"{site.url}architectures/{CHURN}/index.html", wait_until="load")
        for spec in _specs():
            if spec["metadata"]["name"] == CHURN:
                processes = spec["processes"]
        for process in processes:
            walk = page.locator(f"#walk-{process['id']}")
            expect(walk.locator(".mlopsdiag-walk-head")).to_be_hidden()
            # On paper the picture gives way to its table: a tall process shrunk to one
            # sheet would be unreadable, and the table is the same steps as text.
            expect(walk.locator(".mlopsdiag-process-picture")).to_be_hidden()
            for n in range(1, len(process["steps"]) + 1):
                row = page.locator(f"tr:has(#process-{process['id']}-step-{n})")
                expect(row).to_be_visible()
                assert row.evaluate("(tr) => getComputedStyle(tr).breakInside") == "avoid"
        margin = f"{PRINT_MARGIN_MM}mm"
        pdf = page.pdf(
            format="A4",
            print_background=True,
            margin={"top": margin, "bottom": margin, "left": margin, "right": margin},
        )
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
        for process in processes:
            assert process["title"] in text
        assert "Set modelUri" in text
    finally:
        context.close()


_CARD_COLOURS = """(walk) => {
  const rgba = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const head = walk.querySelector(".mlopsdiag-walk-head");
  const bg = rgba(getComputedStyle(head).backgroundColor);
  return Array.from(head.querySelectorAll(".mlopsdiag-walk-card *, .mlopsdiag-walk-status"))
    .filter((el) => el.childNodes.length && Array.from(el.childNodes).some(
      (n) => n.nodeType === 3 && n.textContent.trim()))
    .map((el) => {
      const [r, g, b, a = 1] = rgba(getComputedStyle(el).color);
      // Text drawn with an alpha, over the card's background.
      const mix = (c, i) => Math.round(c * a + bg[i] * (1 - a));
      return [el.className || el.localName, [mix(r, 0), mix(g, 1), mix(b, 2)], bg.slice(0, 3)];
    });
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_walk_card_reads_in_both_colour_schemes(
    site: Served, tab: tuple[Page, Watch], scheme: str
) -> None:
    page, _ = tab
    page.add_init_script(NO_SEARCH_WORKER)
    page.emulate_media(color_scheme=scheme)  # the site follows the system's scheme
    page.set_viewport_size({"width": READER_WIDTH, "height": 900})
    page.goto(f"{site.url}architectures/{CHURN}/index.html#process-weekly-retrain-step-11")
    _at_step(page, "weekly-retrain", 11)
    body = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert body == ("slate" if scheme == "dark" else "default")
    colours = page.locator("#walk-weekly-retrain").evaluate(_CARD_COLOURS)
    assert len(colours) >= 5
    faint = [
        f"{what}: {_contrast(tuple(fg), tuple(bg)):.1f}:1"
        for what, fg, bg in colours
        if _contrast(tuple(fg), tuple(bg)) < 4.5
    ]
    assert not faint, faint


def test_a_hostile_process_is_walked_through_as_text(
    hostile_site: Served, tab: tuple[Page, Watch]
) -> None:
    page, _ = tab
    page.add_init_script(NO_SEARCH_WORKER)
    page.goto(hostile_site.url + "architectures/evil/index.html", wait_until="load")
    walk = page.locator("#walk-heist")
    expect(walk.locator(".mlopsdiag-process-picture svg")).to_have_count(1)  # inline
    walk.get_by_role("button", name=re.compile("Next")).click()
    card = walk.locator(".mlopsdiag-walk-card")
    expect(card).to_contain_text("<script>alert('otherwise')</script> | pipe")
    page.keyboard.press("ArrowRight")
    expect(card).to_contain_text("<svg onload=alert('step')>")
    svg_text = " ".join((walk.locator("svg g.node.step-1").text_content() or "").split())
    assert "<img src=x onerror=alert('do')>" in svg_text
    assert "if it fails: <script>alert('proc')</script>" in svg_text
    injected = page.evaluate(_INJECTED)
    assert not injected, injected
