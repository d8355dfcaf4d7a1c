"""Every picture and table of the built site, measured in Chromium as a reader sees it
(slow; marked `browser`).

The site of the bundled specs (built once per session, shared with the end-to-end tests)
is opened at an 800 px window, as a laptop shows it beside other windows, and at a 390 px
phone. On the home page, every architecture and runbook page and the capability matrix:

- the text of each picture, as first shown, is large enough to read: median >= 10 px,
  smallest >= 8 px, from each SVG text element's font size times its scale on the screen;
- no picture is scaled up past its natural size, and none sits in a box of its own that
  scrolls up and down (the page's scroll moves everything; a very large view may scroll
  sideways in its pan frame, which says so);
- the page never scrolls sideways (wide tables scroll inside their own frame);
- every text of the page reaches WCAG AA contrast in the light and the dark scheme;
- printed on A4, every picture fits one page and may not be split, and an architecture
  page is a document of a reasonable number of sheets.

Each check collects every shortfall over the whole site and fails with the list.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from browser_site import (
    A4_HEIGHT_PX,
    A4_WIDTH_PX,
    CHROMIUM,
    NO_SEARCH_WORKER,
    PRINT_MARGIN_MM,
    Served,
    Watch,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.graphviz,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing"),
]

Tab = tuple[Page, Watch]
WINDOW = {"width": 800, "height": 900}
PHONE = {"width": 390, "height": 844}
MEDIAN_TEXT_PX = 10.0
SMALLEST_TEXT_PX = 8.0
BODY_CONTRAST = 4.5
LARGE_CONTRAST = 3.0
PRINTED_ARCHITECTURE_SHEETS = 14
"""A4 sheets an architecture page may take in print: a handover document (22 before the
pictures were fitted to the page and the process pictures gave way to their tables)."""


def reader_pages(site: Served) -> list[str]:
    """The pages a reader looks at pictures and tables on: home, architectures, runbooks,
    the capability matrix."""
    pages = site.pages()
    chosen = ["index.html", "capabilities/matrix.html"]
    chosen += [p for p in pages if p.startswith("architectures/") and p.endswith("/index.html")]
    chosen += [p for p in pages if p.startswith("runbooks/") and p != "runbooks/index.html"]
    assert all(p in pages for p in chosen[:2]), chosen[:2]
    return chosen


# --------------------------------------------------------------------------- pictures

_INLINE = """
  const inlinePictures = () => Array.from(document.querySelectorAll("article svg"))
    .filter((svg) => !svg.parentElement.closest("svg") && svg.querySelector("text")
                     && svg.getClientRects().length);
"""
"""The pictures drawn into a page as inline SVG (a walk-through's process picture, say):
outermost SVG elements with text of their own, shown; the theme's icons have no text."""

_PICTURES = (
    """async () => {"""
    + _INLINE
    + """
  const out = [];
  const scaleOf = (m) => Math.hypot(m.a, m.b);
  const framed = (el) => {
    // The nearest box between the picture and the article that scrolls up and down.
    for (let p = el.parentElement; p && !p.matches("article"); p = p.parentElement) {
      const style = getComputedStyle(p);
      if (/(auto|scroll)/.test(style.overflowY) && p.scrollHeight > p.clientHeight + 1) {
        return (p.className || p.localName) + " " + p.scrollHeight + ">" + p.clientHeight;
      }
    }
    return "";
  };
  const pan = (el) => {
    // In a pan frame: the page says so, and shows a map of the whole picture.
    const box = el.closest(".mlopsdiag-pan");
    return box ? (box.querySelector(".mlopsdiag-pan-note") && box.querySelector(".mlopsdiag-pan-map img")
                  ? "said" : "unsaid") : "";
  };
  for (const obj of document.querySelectorAll("article object")) {
    if (!obj.getClientRects().length) continue;  // not shown (a process picture in print)
    const doc = obj.contentDocument;
    const svg = doc && doc.documentElement;
    const name = obj.getAttribute("data");
    if (!svg || svg.localName !== "svg") { out.push({name, error: "not loaded"}); continue; }
    const sizes = [];
    for (const t of svg.querySelectorAll("text")) {
      if (!t.textContent.trim()) continue;
      const ctm = t.getScreenCTM();
      sizes.push(parseFloat(doc.defaultView.getComputedStyle(t).fontSize) * scaleOf(ctm));
    }
    const box = obj.getBoundingClientRect();
    out.push({name, kind: "object", sizes, shown: box.width, natural: svg.width.baseVal.value,
              frame: framed(obj), pan: pan(obj)});
  }
  for (const svg of inlinePictures()) {
    // A picture drawn into the page itself (not an <object>): its own text elements.
    const sizes = [];
    for (const t of svg.querySelectorAll("text")) {
      if (!t.textContent.trim()) continue;
      sizes.push(parseFloat(getComputedStyle(t).fontSize) * scaleOf(t.getScreenCTM()));
    }
    const box = svg.getBoundingClientRect();
    const natural = svg.width.baseVal.unitType === 1 || !svg.hasAttribute("width")
      ? svg.viewBox.baseVal.width * 4 / 3 : svg.width.baseVal.value;
    const name = svg.id || (svg.closest("[id]") || {}).id || "inline svg";
    out.push({name, kind: "svg", sizes, shown: box.width, natural, frame: framed(svg), pan: pan(svg)});
  }
  for (const img of document.querySelectorAll("article img:not(.mlopsdiag-pan-map img)")) {
    const src = img.currentSrc || img.src;
    if (!/\\.svg($|[?#])/.test(src)) continue;
    const text = await (await fetch(src)).text();
    const svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
    const view = svg.viewBox.baseVal;
    const unit = (v) => v.endsWith("pt") ? parseFloat(v) * 4 / 3 : parseFloat(v);
    const naturalW = unit(svg.getAttribute("width")), naturalH = unit(svg.getAttribute("height"));
    const style = getComputedStyle(img);
    const w = img.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const h = img.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    const fit = style.objectFit;
    let scale = w / naturalW;  // fill, as wide as shown
    if (fit === "none") scale = 1;
    if (fit === "contain") scale = Math.min(w / naturalW, h / naturalH);
    if (fit === "cover") scale = Math.max(w / naturalW, h / naturalH);
    if (fit === "scale-down") scale = Math.min(1, w / naturalW, h / naturalH);
    const root = svg.querySelector("g");
    const inner = /scale\\(([\\d.]+)/.exec((root && root.getAttribute("transform")) || "");
    const zoom = img.getBoundingClientRect().width / (img.offsetWidth || 1);  // a transform
    const unitPx = (naturalW / view.width) * scale * zoom * (inner ? parseFloat(inner[1]) : 1);
    const sizes = Array.from(svg.querySelectorAll("text"))
      .filter((t) => t.textContent.trim())
      .map((t) => parseFloat(t.getAttribute("font-size") || "14") * unitPx);
    out.push({name: img.getAttribute("src"), kind: "img", sizes, shown: w * (fit === "none" ? 0 : 1),
              natural: naturalW, frame: framed(img), pan: pan(img)});
  }
  return out;
}"""
)
"""Each picture of the page: its text sizes on the screen (px), its width shown and natural,
the box that scrolls it up and down (if any), and whether it is in a pan frame."""


@dataclass(frozen=True)
class Picture:
    page: str
    name: str
    sizes: tuple[float, ...]
    shown: float
    natural: float
    frame: str
    pan: str
    """In a pan frame: "said" (with its note and map) or "unsaid"; else empty."""

    def shortfalls(self) -> list[str]:
        """What keeps a reader from reading this picture where it stands."""
        where = f"{self.page}: {self.name}"
        if not self.sizes:
            return [f"{where}: no text found"]
        out = []
        median, smallest = statistics.median(self.sizes), min(self.sizes)
        if median < MEDIAN_TEXT_PX or smallest < SMALLEST_TEXT_PX:
            out.append(
                f"{where}: text median {median:.1f} px, smallest {smallest:.1f} px "
                f"(shown {self.shown:.0f} of {self.natural:.0f} px)"
            )
        if self.shown > self.natural + 1:
            out.append(f"{where}: scaled up to {self.shown:.0f} px from {self.natural:.0f}")
        if self.frame:
            out.append(f"{where}: scrolls inside its own box ({self.frame})")
        if self.pan == "unsaid":
            out.append(f"{where}: in a pan frame without its note and map")
        return out


def _pictures(page: Page, path: str) -> list[Picture]:
    found: list[dict[str, Any]] = page.evaluate(_PICTURES)
    out = []
    for item in found:
        assert "error" not in item, f"{path}: {item}"
        out.append(
            Picture(
                path,
                item["name"],
                tuple(item["sizes"]),
                item["shown"],
                item["natural"],
                item["frame"],
                item["pan"],
            )
        )
    return out


_SIDEWAYS = """() => {
  const out = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1) {
    out.push("page scrolls sideways: " + document.documentElement.scrollWidth + " > " + width);
  }
  return out;
}"""


def _goto(page: Page, url: str) -> None:
    page.goto(url, wait_until="load")
    # The <object> pictures load on their own after the page: wait for each document, and
    # for the site's script to have fitted each picture to the page (as a reader sees it).
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll("article object")).every(
             (o) => !o.getClientRects().length || o.contentDocument
                    && o.contentDocument.readyState === "complete"
                    && o.contentDocument.documentElement.localName === "svg"
                    && (!o.closest(".mlopsdiag-diagram") || o.closest("[data-fit]")))"""
    )


# --------------------------------------------------------------------------- contrast

_CONTRAST = """([body, large]) => {
  const parse = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(parseFloat);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat([1]);
  };
  const background = (el) => {
    // Backgrounds from the element up to the page, composited (a colour with alpha over
    // what lies beneath it); the page's own colour at the bottom.
    const layers = [];
    for (let p = el; p; p = p.parentElement) {
      const bg = parse(getComputedStyle(p).backgroundColor);
      if (bg && bg[3] > 0) layers.push(bg);
      if (bg && bg[3] >= 1) break;
    }
    let colour = [255, 255, 255, 1];
    if (!layers.length || layers[layers.length - 1][3] < 1) {
      colour = parse(getComputedStyle(document.body).backgroundColor) || colour;
    }
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const lum = (c) => {
    const ch = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2]);
  };
  const ratio = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const out = [];
  const seen = new Set();
  const walker = document.createTreeWalker(
    document.querySelector("article"), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || seen.has(el) || el.closest("svg, object, .headerlink")) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    const rects = el.getClientRects();
    if (!rects.length || style.visibility !== "visible") continue;
    let opacity = 1;
    for (let p = el; p; p = p.parentElement) opacity *= parseFloat(getComputedStyle(p).opacity);
    const bg = background(el);
    const fg = over(parse(style.color), bg);
    const fgSeen = opacity < 1 ? over([...fg.slice(0, 3), opacity], bg) : fg;
    const size = parseFloat(style.fontSize);
    const bold = parseInt(style.fontWeight, 10) >= 700;
    const big = size >= 24 || (bold && size >= 18.66);
    const need = big ? large : body;
    const r = ratio(fgSeen, bg);
    if (r < need - 0.005) {
      out.push(el.localName + (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : "") +
               " '" + node.textContent.trim().slice(0, 30) + "' " + r.toFixed(2) + ":1 (" + style.color + " on rgb(" + bg.slice(0, 3).map(Math.round) + "))");
    }
  }
  return out;
}"""
"""Every text of the page's content below the contrast it needs (WCAG 2 AA: 4.5:1, large
text 3:1), from computed colours and the backgrounds under them."""

_SVG_INK = (
    """() => {"""
    + _INLINE
    + """
  const out = [];
  const lum = (hex) => {
    const v = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const pictures = Array.from(document.querySelectorAll("article object"))
    .filter((obj) => obj.contentDocument)
    .map((obj) => [obj.getAttribute("data"), obj.contentDocument])
    .concat(inlinePictures().map((svg) => [svg.id || "inline svg", svg]));
  for (const [name, doc] of pictures) {
    for (const t of doc.querySelectorAll("text")) {
      const fill = (t.getAttribute("fill") || "#000000").toLowerCase();
      if (!/^#[0-9a-f]{6}$/.test(fill) || fill === "#ffffff" || !t.textContent.trim()) continue;
      const ratio = 1.05 / (lum(fill) + 0.05);
      if (ratio < 4.5) out.push(name + " '" + t.textContent.trim().slice(0, 20) + "' " + fill + " " + ratio.toFixed(2) + ":1");
    }
  }
  return Array.from(new Set(out));
}"""
)
"""Text of a picture whose colour reads below 4.5:1 on the picture's white card."""


# --------------------------------------------------------------------------- print

_PRINTED = (
    """(pageHeight) => {"""
    + _INLINE
    + """
  const out = {tall: [], split: [], height: document.documentElement.scrollHeight};
  const printed = Array.from(document.querySelectorAll("article object, article img"));
  for (const el of printed.concat(inlinePictures())) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not printed
    const name = el.getAttribute("data") || el.getAttribute("src") || el.id || "inline svg";
    if (box.height > pageHeight + 1) out.tall.push(name + " " + Math.round(box.height) + "px");
    const keeps = (e) => {
      for (let p = e; p && !p.matches("article"); p = p.parentElement) {
        if (/avoid/.test(getComputedStyle(p).breakInside)) return true;
      }
      return false;
    };
    if (!keeps(el)) out.split.push(name);
  }
  return out;
}"""
)


# --------------------------------------------------------------------------- the test


def test_every_picture_and_table_reads_where_it_is_shown(site: Served, tab: Tab) -> None:
    page, _ = tab
    page.add_init_script(NO_SEARCH_WORKER)
    paths = reader_pages(site)
    short: list[str] = []
    seen = 0
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme, media="screen")
        page.set_viewport_size(WINDOW)
        # A first visit follows the system's scheme; the theme remembers the one it chose.
        page.goto(site.url + "index.html", wait_until="load")
        page.evaluate("localStorage.clear()")
        for path in paths:
            _goto(page, site.url + path)
            expected = "slate" if scheme == "dark" else "default"
            assert page.evaluate("document.body.dataset.mdColorScheme") == expected, path
            short += [
                f"{path} ({scheme}): {s}"
                for s in page.evaluate(_CONTRAST, [BODY_CONTRAST, LARGE_CONTRAST])
            ]
            if scheme == "light":
                for picture in _pictures(page, path):
                    seen += 1
                    short += picture.shortfalls()
                short += [f"{path}: {s}" for s in page.evaluate(_SIDEWAYS)]
                short += [f"{path}: picture text {s}" for s in page.evaluate(_SVG_INK)]
    assert seen >= 60, f"only {seen} pictures measured"
    page.emulate_media(color_scheme="light", media="screen")
    page.set_viewport_size(PHONE)
    for path in paths:
        page.goto(site.url + path, wait_until="load")
        short += [f"{path} (390 px): {s}" for s in page.evaluate(_SIDEWAYS)]
    assert not short, f"{len(short)} shortfalls:\n" + "\n".join(short)


def test_printed_pictures_stay_whole_and_pages_stay_short(site: Served, tab: Tab) -> None:
    page, _ = tab
    page.add_init_script(NO_SEARCH_WORKER)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1100})
    short: list[str] = []
    for path in reader_pages(site):
        _goto(page, site.url + path)
        printed = page.evaluate(_PRINTED, A4_HEIGHT_PX)
        short += [f"{path}: taller than a page: {t}" for t in printed["tall"]]
        short += [f"{path}: may be split by a page break: {s}" for s in printed["split"]]
        if path.startswith("architectures/"):
            margin = f"{PRINT_MARGIN_MM}mm"
            pdf = page.pdf(
                format="A4",
                print_background=True,
                margin={"top": margin, "bottom": margin, "left": margin, "right": margin},
            )
            sheets = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
            if sheets > PRINTED_ARCHITECTURE_SHEETS:
                short.append(f"{path}: {sheets} A4 sheets")
    assert not short, f"{len(short)} shortfalls:\n" + "\n".join(short)


_STYLED = """() => {
  const header = document.querySelector(".md-header");
  const sheets = Array.from(document.styleSheets).filter((s) => {
    try { return s.cssRules.length > 0; } catch (e) { return true; }
  });
  return {sheets: sheets.length, header: header ? getComputedStyle(header).position : "",
          home: document.querySelector("a.md-header__button.md-logo")?.href || ""};
}"""


def test_the_404_page_is_styled_from_a_file_and_under_a_sub_path(
    site: Served, serve: Callable[[Path], Served], tab: Tab
) -> None:
    page, watch = tab
    page.add_init_script(NO_SEARCH_WORKER)
    under = serve(site.root.parent)  # the site at /site/, as on a project's pages
    for url, home in (
        ((site.root / "404.html").as_uri(), (site.root / "index.html").as_uri()),
        (under.url + "site/404.html", under.url + "site/index.html"),
    ):
        page.goto(url, wait_until="load")
        styled = page.evaluate(_STYLED)
        assert styled["sheets"] >= 2 and styled["header"] == "sticky", (url, styled)
        assert styled["home"] == home, (url, styled)
    # From file://, the browser may not look for a favicon the way a server answers it.
    watch.failed[:] = [f for f in watch.failed if "favicon" not in f]


def test_a_picture_too_wide_to_read_pans_sideways_and_leaves_the_wheel_to_the_page(
    site: Served, tab: Tab
) -> None:
    page, _ = tab
    page.add_init_script(NO_SEARCH_WORKER)
    page.set_viewport_size(WINDOW)
    for path in reader_pages(site):
        if path.startswith("architectures/"):
            _goto(page, site.url + path)
            if page.locator(".mlopsdiag-pan").count():
                break
    else:
        pytest.fail("no picture of the bundled specs needs a pan frame: nothing to check")
    box = page.locator(".mlopsdiag-pan").first
    frame = box.locator(".mlopsdiag-diagram-frame")
    obj = box.locator("object")
    frame.scroll_into_view_if_needed()
    column = box.evaluate("(b) => b.clientWidth")
    readable = obj.evaluate("(o) => o.getBoundingClientRect().width")
    assert readable > column, "shown at a readable size, wider than the column"
    # The wheel over the frame scrolls the page, not the frame.
    before = page.evaluate("window.scrollY")
    bounds = frame.bounding_box()
    assert bounds is not None
    page.mouse.move(bounds["x"] + bounds["width"] / 2, bounds["y"] + 40)
    page.mouse.wheel(0, 300)
    page.wait_for_function("(y) => window.scrollY > y", arg=before)
    assert frame.evaluate("(f) => f.scrollTop") == 0
    # Sideways it pans; the map follows; "whole picture" shrinks it to the column and back.
    frame.evaluate("(f) => { f.scrollLeft = 200; f.dispatchEvent(new Event('scroll')); }")
    assert box.locator(".mlopsdiag-pan-map span").evaluate("(s) => parseFloat(s.style.left)") > 0
    whole = box.locator('button[data-zoom="fit"]')
    assert whole.inner_text() == "whole picture"
    whole.click()
    assert obj.evaluate("(o) => o.getBoundingClientRect().width") <= column + 1
    whole.click()
    assert obj.evaluate("(o) => o.getBoundingClientRect().width") == pytest.approx(readable, abs=1)
