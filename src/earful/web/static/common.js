/* Earful dashboard: helpers shared by app.js and actions.js (base.html loads this one first;
 * all three are deferred, so they run in document order). No innerHTML anywhere. */
"use strict";
(function () {
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const csrf = () => ($('meta[name="csrf-token"]') || {}).content || "";
  const NS = "http://www.w3.org/2000/svg";
  const TOAST_MS = 2600;

  /* A short message in the #toast box, hidden again TOAST_MS after the latest one. */
  function toast(message) {
    const t = $("#toast");
    if (!t) return;
    t.textContent = message;
    t.classList.add("show");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => t.classList.remove("show"), TOAST_MS);
  }

  /* JSON request to the dashboard's own API with the CSRF header; throws Error(detail) when
   * the answer is not 2xx (FastAPI's validation list joined, or the API's "error"), with the
   * HTTP status as .status and the JSON body as .data. */
  async function api(method, url, body) {
    const init = { method, headers: { "X-CSRF-Token": csrf(), Accept: "application/json" },
      credentials: "same-origin" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await fetch(url, init);
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      const detail = data.error || (Array.isArray(data.detail) ? data.detail.map((d) => d.msg).join("; ") : data.detail);
      throw Object.assign(new Error(detail || res.statusText), { status: res.status, data });
    }
    return data;
  }

  /* An SVG element with string attributes. */
  function svg(name, attrs) {
    const el = document.createElementNS(NS, name);
    for (const k in attrs) el.setAttribute(k, String(attrs[k]));
    return el;
  }

  window.Earful = Object.freeze({ $, $$, csrf, toast, api, svg });
})();
