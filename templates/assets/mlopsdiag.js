/* mlopsdiag: the site's only script. Tag filter on the home page, zoom buttons and a
 * readable pan frame on diagrams, and a runbook staleness check made when the page is viewed (the site may be
 * opened long after it was built), and copy buttons on runbook commands. Everything works
 * without it, only less conveniently.
 * No network access. */
(function () {
  "use strict";

  function setupFilter(root) {
    var bar = root.querySelector("#mlopsdiag-tag-filter");
    var cards = root.querySelectorAll(".mlopsdiag-card");
    if (!bar || !cards.length || bar.dataset.ready) return;
    bar.dataset.ready = "1";
    bar.hidden = false;
    var buttons = bar.querySelectorAll("button[data-tag]");
    var count = bar.querySelector(".mlopsdiag-filter-count");
    function apply(tag) {
      var shown = 0;
      buttons.forEach(function (b) {
        b.setAttribute("aria-pressed", String(b.dataset.tag === tag));
      });
      cards.forEach(function (card) {
        var tags = (card.dataset.tags || "").split(" ");
        card.hidden = tag !== "" && tags.indexOf(tag) < 0;
        if (!card.hidden) shown += 1;
      });
      if (count) count.textContent = shown + " of " + cards.length;
      try {
        var url = new URL(window.location.href);
        if (tag) url.searchParams.set("tag", tag); else url.searchParams.delete("tag");
        window.history.replaceState(null, "", url.toString());
      } catch (e) { /* file:// or an old browser: the filter still works */ }
    }
    buttons.forEach(function (b) {
      b.addEventListener("click", function () { apply(b.dataset.tag || ""); });
    });
    var wanted = new URLSearchParams(window.location.search).get("tag") || "";
    var known = Array.prototype.some.call(buttons, function (b) { return b.dataset.tag === wanted; });
    apply(known ? wanted : "");
  }

  // Pictures: each is drawn for the page's column and shown at its natural size or
  // smaller. Scaled down, its text shrinks; where the text would fall below what reads
  // (median 10 px, smallest 8 px), the picture is shown at a readable zoom instead, in a
  // frame that pans sideways (never up and down: the page scrolls), with a small map of
  // the whole and a "whole picture" button. The + and - buttons zoom any picture.
  var MEDIAN_TEXT_PX = 10;
  var SMALLEST_TEXT_PX = 8;

  function textSizes(obj) {
    // The picture's text sizes (px) at its natural size, from how large each text is shown.
    var doc = obj.contentDocument;
    var svg = doc && doc.documentElement;
    if (!svg || svg.localName !== "svg" || !svg.width) return null;
    var natural = svg.width.baseVal.value;
    var shown = obj.getBoundingClientRect().width;
    if (!natural || !shown) return null;
    var sizes = [];
    Array.prototype.forEach.call(svg.querySelectorAll("text"), function (t) {
      var m = t.textContent.trim() && t.getScreenCTM();
      if (!m) return;
      var size = parseFloat(doc.defaultView.getComputedStyle(t).fontSize);
      sizes.push(size * Math.sqrt(m.a * m.a + m.b * m.b) * natural / shown);
    });
    sizes.sort(function (a, b) { return a - b; });
    return {natural: natural, sizes: sizes};
  }

  function median(sorted) {
    var mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  function setupZoom(root) {
    root.querySelectorAll(".mlopsdiag-diagram").forEach(function (box) {
      var tools = box.querySelector(".mlopsdiag-diagram-tools");
      var frame = box.querySelector(".mlopsdiag-diagram-frame");
      var obj = box.querySelector("object");
      if (!tools || !obj || !frame || box.dataset.ready) return;
      box.dataset.ready = "1";
      tools.hidden = false;
      var whole = tools.querySelector('button[data-zoom="fit"]');
      var natural = 0;
      var readable = 0;  // px wide at which the text reads; 0: the page's width does
      var width = 0;  // px wide as shown now; 0: as the page lays it out
      var map = null;

      function show(w) {
        width = w;
        if (w) {
          obj.style.width = Math.round(w) + "px";
          box.classList.add("mlopsdiag-zoomed");
        } else {
          obj.style.width = "";
          box.classList.remove("mlopsdiag-zoomed");
        }
        box.dataset.zoom = String(Math.round(100 * (w || Math.min(natural, box.clientWidth)) / (natural || 1)));
        if (whole && readable) {
          whole.textContent = w ? "whole picture" : "readable size";
          whole.title = w ? "Show the whole picture at the page's width" : "Show the picture at a readable size";
        }
        placeView();
      }

      function placeView() {
        if (!map) return;
        var view = map.querySelector("span");
        var shown = obj.getBoundingClientRect().width || 1;
        var scale = map.clientWidth / shown;
        view.style.left = Math.round(frame.scrollLeft * scale) + "px";
        view.style.width = Math.min(map.clientWidth, Math.round(frame.clientWidth * scale)) + "px";
      }

      function pan() {
        box.classList.add("mlopsdiag-pan");
        box.dataset.fit = "pan";
        var note = document.createElement("p");
        note.className = "mlopsdiag-pan-note";
        note.textContent = "This picture is too large to read at the page's width, so it is shown " +
          "at a readable size: scroll it sideways, click the map to move, or use \u201cwhole picture\u201d.";
        map = document.createElement("div");
        map.className = "mlopsdiag-pan-map";
        map.setAttribute("aria-hidden", "true");
        var image = document.createElement("img");
        image.src = obj.getAttribute("data");
        image.alt = "";
        map.appendChild(image);
        map.appendChild(document.createElement("span"));
        map.addEventListener("click", function (event) {
          var rect = map.getBoundingClientRect();
          var shown = obj.getBoundingClientRect().width;
          var x = (event.clientX - rect.left) / rect.width * shown;
          frame.scrollLeft = x - frame.clientWidth / 2;
        });
        frame.addEventListener("scroll", placeView, {passive: true});
        box.insertBefore(map, frame);
        box.insertBefore(note, map);
        show(readable);
      }

      function measure() {
        if (natural) return;
        var found = textSizes(obj);
        if (!found) return;
        natural = found.natural;
        var sizes = found.sizes;
        box.dataset.fit = "page";
        if (!sizes.length) return;
        var need = Math.min(1, Math.max(MEDIAN_TEXT_PX / median(sizes), SMALLEST_TEXT_PX / sizes[0]));
        if (Math.min(natural, box.clientWidth) + 0.5 >= need * natural) return;
        readable = Math.ceil(need * natural);
        pan();
      }

      tools.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-zoom]");
        if (!button) return;
        var how = button.dataset.zoom;
        var now = width || Math.min(natural, box.clientWidth);
        if (how === "fit") show(readable && !width ? readable : 0);
        else show(Math.max(100, Math.min(8 * natural, how === "in" ? now * 1.25 : now / 1.25)));
      });
      obj.addEventListener("load", measure);
      var doc = obj.contentDocument;
      if (doc && doc.readyState === "complete") measure();
    });
  }

  function setupStale(root) {
    root.querySelectorAll("[data-last-verified]").forEach(function (el) {
      var when = el.dataset.lastVerified;
      var days = parseInt(el.dataset.staleAfterDays || "", 10);
      if (!when || !days) return;
      var verified = Date.parse(when + "T00:00:00Z");
      if (isNaN(verified)) return;
      var age = Math.floor((Date.now() - verified) / 86400000);
      var label = el.querySelector(".mlopsdiag-last-verified");
      if (label && !label.dataset.age) {
        label.dataset.age = String(age);
        label.title = age + " days ago";
      }
      var badge = el.querySelector('.mlopsdiag-stale[data-stale="view"]');
      if (badge && age > days) {
        badge.hidden = false;
        badge.title = "last verified " + age + " days ago (more than " + days + ")";
      }
    });
  }

  // A copy button on each runbook command: copies the command exactly as written.
  function setupCopy(root) {
    root.querySelectorAll("pre.mlopsdiag-command").forEach(function (pre) {
      if (pre.dataset.ready || !navigator.clipboard) return;
      pre.dataset.ready = "1";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "mlopsdiag-copy";
      button.dataset.label = "copy";
      button.setAttribute("aria-label", "Copy the command");
      button.addEventListener("click", function () {
        var code = pre.querySelector("code");
        navigator.clipboard.writeText(code ? code.textContent : "").then(function () {
          button.dataset.label = "copied";
          window.setTimeout(function () { button.dataset.label = "copy"; }, 1500);
        }, function () { button.dataset.label = "select and copy"; });
      });
      pre.appendChild(button);
    });
  }

  function init() {
    setupFilter(document);
    setupZoom(document);
    setupStale(document);
    setupCopy(document);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
