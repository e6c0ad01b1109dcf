/* Earful dashboard: triage forms and buttons, keyboard hotkeys on the selected item, sparklines,
 * share-of-voice chart. Data is only ever written with textContent / setAttribute. */
"use strict";
(function () {
  const { $, $$, toast, api, svg } = window.Earful;  // common.js

  function formBody(form) {
    const body = {};
    for (const el of $$("input[name], select[name], textarea[name]", form)) {
      const v = el.value.trim();
      if (el.dataset.list === "int") body[el.name] = v.split(/[\s,]+/).filter(Boolean).map(Number);
      else if (el.type === "number") body[el.name] = Number(v);
      else if (v !== "") body[el.name] = v;
    }
    return body;
  }

  async function act(el, method, url, body) {
    el.setAttribute("aria-busy", "true");
    try {
      const result = await api(method, url, body);
      toast("Saved" + (result.ledger_id ? " · logged in the ledger" : ""));
      const go = el.dataset.go;
      document.body.dataset.lastAction = "ok";
      if (go) location.href = go.replace(/\{(\w+)\}/g, (_m, k) => encodeURIComponent(String(result[k])));
      else setTimeout(() => location.reload(), 300);
    } catch (e) {
      toast("Not saved: " + e.message);
      const status = $("#q-status");
      if (status) { status.className = "status bad"; status.textContent = e.message; }
    } finally { el.removeAttribute("aria-busy"); }
  }

  function wire() {
    $$("form.act").forEach((form) => form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      act(form, form.dataset.method || "POST", form.dataset.url, formBody(form));
    }));
    $$("button.act-button").forEach((b) => b.addEventListener("click", (ev) => {
      ev.stopPropagation();
      act(b, b.dataset.method || "POST", b.dataset.url, JSON.parse(b.dataset.body || "{}"));
    }));
    let afterG = false;  // "g" then a letter goes to a page (app.js), never triages
    document.addEventListener("keydown", (ev) => {
      const tag = (ev.target.tagName || "").toLowerCase();
      if (ev.ctrlKey || ev.metaKey || ev.altKey || tag === "input" || tag === "textarea" || tag === "select") return;
      if (afterG) { afterG = false; return; }
      if (ev.key === "g") { afterG = true; return; }
      const current = $("li.post.selected");
      if (!current) return;
      if (ev.key === "Enter" && current.dataset.href) { location.href = current.dataset.href; return; }
      if (current.dataset.key) return;  // the answer queue has its own keys (app.js)
      const button = $$("button[data-hotkey]", current).find((b) => b.dataset.hotkey === ev.key);
      if (button && !button.disabled) { ev.preventDefault(); button.click(); }
    });
  }

  function sparklines() {
    $$(".spark").forEach((box) => {
      const values = (box.dataset.values || "").split(",").filter((v) => v !== "").map(Number);
      const labels = (box.dataset.labels || "").split(",");
      if (!values.length) return;
      const big = box.classList.contains("big"), W = big ? 900 : 120, H = big ? 120 : 22;
      const max = Math.max(1, ...values), bw = W / values.length;
      const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", class: "sparkline" });
      values.forEach((v, i) => {
        const h = Math.max(1, (v / max) * (H - 2));
        const bar = svg("rect", { x: (i * bw).toFixed(1), y: (H - h).toFixed(1), width: Math.max(1, bw - 1).toFixed(1), height: h.toFixed(1), fill: "#2457c5" });
        const title = svg("title", {});
        title.textContent = (labels[i] ? labels[i] + ": " : "") + v;
        bar.appendChild(title);
        root.appendChild(bar);
      });
      box.appendChild(root);
    });
  }

  async function voiceChart() {
    const box = $("#chart-voice");
    if (!box) return;
    try {
      const data = await api("GET", "/api/v1/voice" + (box.dataset.product ? "?product=" + encodeURIComponent(box.dataset.product) : ""));
      const W = 900, H = 200, P = 30, weeks = data.weeks, brands = Object.keys(data.share).sort();
      const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img" });
      const colors = ["#2457c5", "#d9822b", "#1e7a3c", "#b3261e", "#7b4fc9", "#0f8a8a"];
      const step = (W - P) / Math.max(1, weeks.length - 1);
      brands.forEach((b, i) => {
        const pts = weeks.map((w, k) => `${(P + k * step).toFixed(1)},${(H - P - (data.share[b][w] || 0) * (H - 2 * P)).toFixed(1)}`);
        root.appendChild(svg("polyline", { points: pts.join(" "), fill: "none", "stroke-width": 2, stroke: colors[i % colors.length] }));
      });
      box.appendChild(root);
      const legend = document.createElement("div");
      legend.className = "legend";
      brands.forEach((b, i) => {
        const item = document.createElement("span"), sw = document.createElement("i");
        sw.style.background = colors[i % colors.length];
        item.appendChild(sw);
        const total = Object.values(data.posts[b]).reduce((a, n) => a + n, 0);
        item.appendChild(document.createTextNode(b + " (" + total + " posts)"));
        legend.appendChild(item);
      });
      if (!brands.length) legend.textContent = "No products or competitors mentioned.";
      box.appendChild(legend);
      document.body.dataset.voiceReady = "1";
    } catch (e) { toast(e.message); }
  }

  document.addEventListener("DOMContentLoaded", () => { wire(); sparklines(); voiceChart(); });
})();
