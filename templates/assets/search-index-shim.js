/*
 * mlopsdiag: one search index file for HTTP and file://.
 *
 * The offline plugin writes the search index twice: search/search_index.json, which the
 * theme fetches over HTTP, and search/search_index.js (`var __index = <the same JSON>`),
 * which it loads as a script from file://, where a page may not fetch files. The
 * `mlopsdiag-search` MkDocs plugin deletes the .json copy and loads this script before the
 * theme's. Over HTTP it answers the theme's request for search_index.json with the JSON
 * inside search_index.js; if that file is missing (a build without the offline plugin),
 * the request goes to search_index.json as before. From file:// it does nothing.
 */
"use strict";
(() => {
  if (location.protocol === "file:") return;
  const INDEX = /\/search\/search_index\.json$/;
  const PREFIX = /^\s*var\s+__index\s*=\s*/;
  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  const wanted = new WeakMap();

  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    const href = new URL(String(url), document.baseURI);
    if (String(method).toUpperCase() === "GET" && INDEX.test(href.pathname)) {
      wanted.set(this, href);
    } else {
      wanted.delete(this);
    }
    return open.call(this, method, url, ...rest);
  };

  XMLHttpRequest.prototype.send = function (body) {
    const href = wanted.get(this);
    if (!href) return send.call(this, body);
    wanted.delete(this);
    const request = this;
    const script = new XMLHttpRequest();
    open.call(script, "GET", href.href.replace(/\.json$/, ".js"));
    script.responseType = "text";
    const fallBack = () => {
      open.call(request, "GET", href.href);
      send.call(request, body);
    };
    script.addEventListener("load", () => {
      if (script.status < 200 || script.status >= 300 || !PREFIX.test(script.response)) {
        fallBack();
        return;
      }
      const json = new Blob([script.response.replace(PREFIX, "")], {
        type: "application/json",
      });
      const blob = URL.createObjectURL(json);
      request.addEventListener("loadend", () => URL.revokeObjectURL(blob), { once: true });
      open.call(request, "GET", blob);
      send.call(request);
    });
    script.addEventListener("error", fallBack);
    send.call(script);
  };
})();
