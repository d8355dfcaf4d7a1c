/* mlopsdiag: the site's only script. Tag filter on the home page, zoom buttons on
 * diagrams, and a runbook staleness check made when the page is viewed (the site may be
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

  function setupZoom(root) {
    root.querySelectorAll(".mlopsdiag-diagram").forEach(function (box) {
      var tools = box.querySelector(".mlopsdiag-diagram-tools");
      var frame = box.querySelector(".mlopsdiag-diagram-frame");
      var obj = box.querySelector("object");
      if (!tools || !obj || !frame || box.dataset.ready) return;
      box.dataset.ready = "1";
      tools.hidden = false;
      var scale = 1;
      function set(value) {
        scale = Math.min(8, Math.max(0.25, value));
        box.dataset.zoom = String(Math.round(scale * 100));
        if (scale === 1) {
          obj.style.width = "";
          box.classList.remove("mlopsdiag-zoomed");
        } else {
          obj.style.width = Math.round(scale * 100) + "%";
          box.classList.add("mlopsdiag-zoomed");
        }
      }
      tools.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-zoom]");
        if (!button) return;
        var how = button.dataset.zoom;
        set(how === "in" ? scale * 1.25 : how === "out" ? scale / 1.25 : 1);
      });
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
