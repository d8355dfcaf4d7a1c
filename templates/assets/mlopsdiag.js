/* mlopsdiag: the site's only script. Tag filter on the home page, zoom buttons and a
 * readable pan frame on diagrams, a runbook staleness check made when the page is viewed
 * (the site may be opened long after it was built), copy buttons on runbook commands, and
 * walking through a process step by step. Everything works without it, only less
 * conveniently.
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

  // Walking through a process: the buttons, the arrow keys, a click on a step in the
  // picture or on a row of the step table move one highlight through both, and a card
  // says who does the step, where, what if the answer is no, and the procedure to follow
  // if it breaks (the row's own cells, so the card and the table cannot disagree). The
  // current step is the URL's fragment (#process-ID-step-N), the anchor of its row, so
  // a link opens on it, with or without this script.
  var STEP_HASH = /^#process-(.+)-step-(\d+)$/;
  var walks = {};
  var active = null;  // how to stop the walk that shows a step now

  function setupWalk(root) {
    root.querySelectorAll(".mlopsdiag-walk").forEach(function (box) {
      var id = box.dataset.process;
      var total = parseInt(box.dataset.steps || "", 10);
      var picture = box.querySelector(".mlopsdiag-process-picture");
      var svg = picture && picture.querySelector("svg");
      var head = box.querySelector(".mlopsdiag-walk-head");
      if (!id || !total || !svg || !head || box.dataset.ready) return;
      box.dataset.ready = "1";
      var card = head.querySelector(".mlopsdiag-walk-card");
      var status = head.querySelector(".mlopsdiag-walk-status");
      var first = row(1);
      var table = first && first.closest("table");
      var names = table ? Array.prototype.map.call(
        table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); }) : [];
      var current = 0;
      head.hidden = false;
      box.classList.add("mlopsdiag-walkable");
      if (table) table.classList.add("mlopsdiag-walked");
      picture.tabIndex = 0;

      function row(n) {
        var anchor = document.getElementById("process-" + id + "-step-" + n);
        return anchor && anchor.closest("tr");
      }

      function fill(n) {
        card.textContent = "";
        var cells = row(n) ? row(n).cells : [];
        for (var i = 1; i < cells.length; i += 1) {
          if (!cells[i].textContent.trim()) continue;
          var line = document.createElement("div");
          line.className = "mlopsdiag-walk-field";
          if (i > 1) {
            var label = document.createElement("span");
            label.className = "mlopsdiag-walk-label";
            label.textContent = (names[i] || "") + ": ";
            line.appendChild(label);
          }
          Array.prototype.forEach.call(cells[i].childNodes, function (node) {
            var copy = node.cloneNode(true);
            if (copy.querySelectorAll) {
              copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
            }
            line.appendChild(copy);
          });
          card.appendChild(line);
        }
      }

      function reveal(el) {
        if (!el || !el.getBoundingClientRect) return;
        // Where the card's bottom will be once it sticks under the site's header.
        var top = (parseFloat(window.getComputedStyle(head).top) || 0) + head.offsetHeight + 8;
        var rect = el.getBoundingClientRect();
        if (rect.top < top || rect.bottom > window.innerHeight - 8) {
          var room = window.innerHeight - top;
          var offset = rect.height < room ? (room - rect.height) / 2 : 0;
          window.scrollBy(0, rect.top - top - offset);
        }
      }

      function stop() {
        current = 0;
        svg.classList.remove("mlopsdiag-walk-on");
        box.querySelectorAll(".mlopsdiag-current").forEach(function (el) {
          el.classList.remove("mlopsdiag-current");
        });
        if (table) {
          table.querySelectorAll("tr.mlopsdiag-current").forEach(function (tr) {
            tr.classList.remove("mlopsdiag-current");
          });
        }
        delete box.dataset.step;
        card.textContent = "";
        status.textContent = total + " steps: press Next, or click a step";
        head.querySelector('[data-walk="prev"]').disabled = false;
        head.querySelector('[data-walk="next"]').disabled = false;
      }

      function go(n, how) {
        if (isNaN(n) || n < 1 || n > total) return;
        // One step of one process at a time: the URL holds one.
        if (active && active !== stop) active();
        active = stop;
        current = n;
        svg.classList.add("mlopsdiag-walk-on");
        svg.querySelectorAll(".mlopsdiag-current").forEach(function (el) {
          el.classList.remove("mlopsdiag-current");
        });
        svg.querySelectorAll(".step-" + n + ", .of-step-" + n).forEach(function (el) {
          el.classList.add("mlopsdiag-current");
        });
        if (table) {
          table.querySelectorAll("tr.mlopsdiag-current").forEach(function (tr) {
            tr.classList.remove("mlopsdiag-current");
          });
          if (row(n)) row(n).classList.add("mlopsdiag-current");
        }
        box.dataset.step = String(n);
        status.textContent = "Step " + n + " of " + total;
        head.querySelector('[data-walk="prev"]').disabled = n === 1;
        head.querySelector('[data-walk="next"]').disabled = n === total;
        fill(n);
        try {
          window.history.replaceState(null, "", "#process-" + id + "-step-" + n);
        } catch (e) { /* an old browser: the walk works, the URL stays */ }
        if (how !== "stay") reveal(svg.querySelector(".node.step-" + n));
      }

      stop();
      head.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-walk]");
        if (!button) return;
        go(button.dataset.walk === "next" ? current + 1 : Math.max(1, current - 1));
      });
      box.addEventListener("keydown", function (event) {
        if (event.altKey || event.ctrlKey || event.metaKey) return;
        // Left and right walk; up and down still scroll the page.
        var keys = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 1, End: total };
        if (!(event.key in keys)) return;
        event.preventDefault();
        go(Math.min(total, Math.max(1, keys[event.key])));
      });
      svg.addEventListener("click", function (event) {
        var link = event.target.closest("a");
        var to = link ? link.getAttribute("href") || link.getAttribute("xlink:href") || "" : "";
        if (to && to.indexOf("#process-") < 0) return;  // a failure exit: to the runbook
        var node = event.target.closest("g.node");
        var found = node && /(?:^|\s)step-(\d+)(?:\s|$)/.exec(node.getAttribute("class") || "");
        if (!found) return;
        event.preventDefault();
        picture.focus({ preventScroll: true });
        go(parseInt(found[1], 10), "stay");
      });
      if (table) {
        table.addEventListener("click", function (event) {
          if (event.target.closest("a")) return;
          var tr = event.target.closest("tbody tr");
          var anchor = tr && tr.querySelector(".mlopsdiag-anchor");
          var found = anchor && STEP_HASH.exec("#" + anchor.id);
          if (!found) return;
          picture.focus({ preventScroll: true });  // then the arrow keys walk on from there
          go(parseInt(found[2], 10));
        });
      }
      walks[id] = go;
    });
    openStepOfUrl();
  }

  function openStepOfUrl() {
    var found = STEP_HASH.exec(window.location.hash);
    if (!found || !walks[found[1]]) return;
    var go = walks[found[1]];
    go(parseInt(found[2], 10));
    // The browser scrolls to the row's anchor once the page has loaded: show the step
    // in the picture after that.
    if (document.readyState !== "complete") {
      window.addEventListener("load", function () {
        window.setTimeout(function () { go(parseInt(found[2], 10)); }, 0);
      }, { once: true });
    }
  }

  window.addEventListener("hashchange", openStepOfUrl);

  function init() {
    setupFilter(document);
    setupZoom(document);
    setupStale(document);
    setupCopy(document);
    setupWalk(document);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
