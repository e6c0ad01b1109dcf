/* Earful dashboard: keyboard navigation, live query validation, corrections, charts.
 * Data is only ever written with textContent / setAttribute, never innerHTML. */
"use strict";
(function () {
  const { $, $$, toast, api, svg } = window.Earful;  // common.js

  /* -- live query validation ------------------------------------------------------------- */
  function liveValidation() {
    const q = $("#q"), status = $("#q-status");
    if (!q || !status) return;
    let timer = null, seq = 0;
    q.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const mine = ++seq;
        try {
          const r = await api("GET", "/api/v1/query/validate?q=" + encodeURIComponent(q.value));
          if (mine !== seq) return;
          q.classList.toggle("bad", !r.ok);
          status.classList.toggle("bad", !r.ok);
          status.textContent = r.ok ? "" : r.error;
        } catch (e) { status.textContent = String(e.message); }
      }, 150);
    });
  }

  /* -- post selection and corrections ---------------------------------------------------- */
  let selected = -1;
  const posts = () => $$("li.post");
  function select(i) {
    const all = posts();
    if (!all.length) return;
    selected = Math.max(0, Math.min(all.length - 1, i));
    all.forEach((el, k) => el.classList.toggle("selected", k === selected));
    all[selected].focus({ preventScroll: true });
    all[selected].scrollIntoView({ block: "nearest" });
  }

  function renderLabels(li, post) {
    const box = $(".labels", li), keep = $(".correct", box);
    $$(".label", box).forEach((el) => el.remove());
    for (const lab of post.labels) {
      const span = document.createElement("span");
      span.className = "label" + (lab.labeller === "user" ? " user" : "");
      span.dataset.field = lab.field;
      span.title = lab.labeller + (lab.score == null ? "" : " " + lab.score.toFixed(2));
      span.textContent = lab.field + ": " + lab.value;
      box.insertBefore(span, keep);
    }
  }

  async function correct(li, value) {
    const url = "/api/v1/posts/" + encodeURIComponent(li.dataset.source) + "/" +
      encodeURIComponent(li.dataset.id) + "/corrections/sentiment";
    try {
      const post = value === null ? await api("DELETE", url) : await api("PUT", url, { values: [value] });
      renderLabels(li, post);
      toast(value === null ? "Correction removed" : "Sentiment set to " + value);
    } catch (e) { toast("Not saved: " + e.message); }
  }

  function corrections() {
    $$("li.post").forEach((li, i) => {
      li.addEventListener("click", () => { selected = i; posts().forEach((el, k) => el.classList.toggle("selected", k === i)); });
      $$(".correct button", li).forEach((b) => b.addEventListener("click", (ev) => {
        ev.stopPropagation();
        correct(li, b.dataset.clear ? null : b.dataset.set);
      }));
    });
  }

  /* -- answer queue ---------------------------------------------------------------------- */
  async function refreshLedger() {
    const table = $("#ledger");
    if (!table) return;
    const weeks = await api("GET", "/api/v1/ledger?weeks=1");
    const row = $("tbody tr", table), w = weeks[weeks.length - 1];
    if (!row || !w) return;
    const cells = $$("td", row);
    const values = [w.week, w.minutes, w.answers_sent, w.replies_received, w.issues_filed, w.follows,
      w.shares, w.outcomes_per_hour == null ? "—" : w.outcomes_per_hour];
    values.forEach((v, i) => { if (cells[i]) cells[i].textContent = String(v); });
  }
  async function triage(li, state) {
    if (state === "answered" && li.dataset.state === "answered") { toast("Already answered"); return; }
    try {
      await api("POST", "/api/v1/queue/" + encodeURIComponent(li.dataset.key) + "/state", { state });
      toast("Marked " + state + (state === "answered" ? " · logged in the ledger" : ""));
      const all = posts(), i = all.indexOf(li);
      li.remove();
      select(Math.min(i, posts().length - 1));
      await refreshLedger();
    } catch (e) { toast("Not saved: " + e.message); }
  }
  function queueButtons() {
    $$("li.post[data-key]").forEach((li) => $$(".triage button", li).forEach((b) =>
      b.addEventListener("click", (ev) => { ev.stopPropagation(); triage(li, b.dataset.state); })));
  }

  /* -- publishing: a reply to a queue item, a share of an article --------------------------
   * Sends approved: true only after confirm() showed the exact text; a coach warning (409)
   * is shown and asked again before acknowledge_coach: true, and an earlier send that was
   * interrupted (409 "interrupted") before retry_interrupted: true. The library checks the rest. */
  const chars = (s) => Array.from(s.trim()).length;  // code points, as the server counts
  const publishNetwork = (form) => form.elements.network ? form.elements.network.value : form.dataset.network;
  function publishLimit(form) {
    const select = form.elements.network;
    return Number(select ? select.selectedOptions[0].dataset.limit : form.dataset.limit);
  }
  function countChars(form) {
    const n = chars(form.elements.text.value), limit = publishLimit(form), count = $(".count", form);
    count.textContent = n + " / " + limit;
    count.classList.toggle("bad", n > limit);
    $("button[type=submit]", form).disabled = n === 0 || n > limit;
  }
  function showPublished(form, result) {
    const li = form.closest("li.post"), p = document.createElement("p");
    p.className = "published";
    p.textContent = (result.kind === "reply" ? "Replied on " : "Posted on ") + result.network + " ";
    if (/^https?:\/\//i.test(result.url || "")) {
      const a = document.createElement("a");
      a.href = result.url;
      a.rel = "noopener noreferrer nofollow";
      a.target = "_blank";
      a.textContent = "view";
      p.appendChild(a);
    }
    form.replaceWith(p);
    if (li) {  // logged in the ledger already: no second "answered" / "shared" by hand
      li.classList.add("done");
      li.dataset.state = result.kind === "reply" ? "answered" : "shared";
      $$('.act-button, .triage button[data-state="answered"]', li).forEach((b) => { b.disabled = true; });
    }
  }
  /* The question a 409 asks before the same request is sent again with one more flag (null:
   * not a refusal the user can overrule here). Each flag is asked for once. */
  function secondQuestion(e, extra, network) {
    const code = e.status === 409 && e.data ? e.data.code : "";
    if (code === "coach" && !extra.acknowledge_coach) {
      return { question: "Coach: " + e.data.warning + "\n\nPost anyway?", flag: { acknowledge_coach: true } };
    }
    if (code === "interrupted" && !extra.retry_interrupted) {
      const since = e.data.since ? new Date(e.data.since).toLocaleString() : "an earlier time";
      return {
        question: "An earlier attempt to post this was interrupted (" + since + ") and may or may not have reached "
          + network + ". Check there first.\n\nIt is not there: post it now?",
        flag: { retry_interrupted: true },
      };
    }
    return null;
  }
  async function publish(form) {
    const text = form.elements.text.value.trim(), network = publishNetwork(form);
    const kind = form.dataset.kind, where = form.dataset.where || network;
    if (!text) return;
    if (!window.confirm("Post this to " + where + "?\n\n" + text)) { toast("Not posted"); return; }
    const url = "/api/v1/publish/" + kind;
    const body = kind === "reply" ? { item: form.dataset.item, text, approved: true }
      : { network, text, article: form.dataset.article || null, approved: true };
    $("button[type=submit]", form).disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      let result, extra = {};
      while (!result) {
        try {
          result = await api("POST", url, Object.assign({}, body, extra));
        } catch (e) {
          const ask = secondQuestion(e, extra, network);
          if (!ask) throw e;
          if (!window.confirm(ask.question + "\n\n" + text)) { toast("Not posted"); return; }
          extra = Object.assign({}, extra, ask.flag);
        }
      }
      showPublished(form, result);
      toast((result.kind === "reply" ? "Replied on " : "Posted on ") + result.network + " · logged in the ledger");
      refreshLedger().catch(() => {});
    } catch (e) {
      toast("Not posted: " + e.message);
    } finally {
      form.removeAttribute("aria-busy");
      if (form.isConnected) countChars(form);  // re-enables the button
    }
  }
  function publishForms() {
    $$("form.publish").forEach((form) => {
      form.addEventListener("submit", (ev) => { ev.preventDefault(); publish(form); });
      form.addEventListener("input", () => countChars(form));
      form.addEventListener("change", () => countChars(form));
      countChars(form);
      form.hidden = false;  // publishing needs this script (the confirm step)
    });
  }

  /* -- keyboard -------------------------------------------------------------------------- */
  const GO = { d: "/today", q: "/queue", s: "/search", t: "/trends", o: "/sources", e: "/settings",
    h: "/themes", l: "/alerts", p: "/people", r: "/articles", c: "/coach", v: "/event" };
  let pendingG = false;
  function keyboard() {
    document.addEventListener("keydown", (ev) => {
      const tag = (ev.target.tagName || "").toLowerCase();
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (tag === "input" || tag === "textarea" || tag === "select") {
        if (ev.key === "Escape") ev.target.blur();
        return;
      }
      if (pendingG) { pendingG = false; if (GO[ev.key]) { location.href = GO[ev.key]; } return; }
      const current = posts()[selected];
      switch (ev.key) {
        case "/": { const q = $("#q"); if (q) { ev.preventDefault(); q.focus(); q.select(); } break; }
        case "j": select(selected + 1); break;
        case "k": select(selected - 1); break;
        case "g": pendingG = true; break;
        case "?": toggleHelp(); break;
        case "o": if (current && /^https?:\/\//i.test(current.dataset.url || "")) window.open(current.dataset.url, "_blank", "noopener"); break;
        case "+": case "=": if (current && current.dataset.source) correct(current, "positive"); break;
        case "-": if (current && current.dataset.source) correct(current, "negative"); break;
        case "0": if (current && current.dataset.source) correct(current, "neutral"); break;
        case "x": if (current && current.dataset.source) correct(current, null); break;
        case "a": if (current && current.dataset.key) triage(current, "answered"); break;
        case "d": if (current && current.dataset.key) triage(current, "dismissed"); break;
        case "z": if (current && current.dataset.key) triage(current, "snoozed"); break;
        case "n": if (current && current.dataset.key) triage(current, "new"); break;
        default: return;
      }
    });
    const help = $("#help-toggle");
    if (help) help.addEventListener("click", toggleHelp);
  }
  function toggleHelp() { const h = $("#help"); if (h) h.hidden = !h.hidden; }

  /* -- settings -------------------------------------------------------------------------- */
  function settings() {
    const form = $("#settings-form");
    if (!form) return;
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const status = $("#settings-status");
      try {
        await api("PUT", "/api/v1/settings", { toml: $("#toml").value });
        status.className = "status good";
        status.textContent = "Saved.";
      } catch (e) {
        status.className = "status bad";
        status.textContent = e.message;
      }
    });
  }

  /* -- charts (SVG built with DOM calls) ------------------------------------------------- */
  const COLORS = ["#2457c5", "#d9822b", "#1e7a3c", "#b3261e", "#7b4fc9", "#0f8a8a", "#8a6d0f"];
  const SENT = { negative: "#b3261e", neutral: "#8c96a3", positive: "#1e7a3c" };
  function lineChart(box, days, series, colors) {
    const W = 900, H = 220, P = 30;
    const names = Object.keys(series).sort();
    const max = Math.max(1, ...names.flatMap((n) => days.map((d) => series[n][d] || 0)));
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img" });
    root.appendChild(svg("line", { x1: P, y1: H - P, x2: W, y2: H - P, stroke: "#ccc" }));
    const label = svg("text", { x: 2, y: 12, "font-size": 11, fill: "#5b6675" });
    label.textContent = String(max);
    root.appendChild(label);
    const step = (W - P) / Math.max(1, days.length - 1);
    names.forEach((n, i) => {
      const pts = days.map((d, k) => `${(P + k * step).toFixed(1)},${(H - P - ((series[n][d] || 0) / max) * (H - 2 * P)).toFixed(1)}`);
      root.appendChild(svg("polyline", { points: pts.join(" "), fill: "none", "stroke-width": 2,
        stroke: colors[n] || COLORS[i % COLORS.length] }));
    });
    [0, days.length - 1].forEach((k) => {
      if (!days[k]) return;
      const t = svg("text", { x: P + k * step - (k ? 60 : 0), y: H - 8, "font-size": 11, fill: "#5b6675" });
      t.textContent = days[k];
      root.appendChild(t);
    });
    box.appendChild(root);
    const legend = document.createElement("div");
    legend.className = "legend";
    names.forEach((n, i) => {
      const item = document.createElement("span"), sw = document.createElement("i");
      sw.style.background = colors[n] || COLORS[i % COLORS.length];
      item.appendChild(sw);
      item.appendChild(document.createTextNode(n));
      legend.appendChild(item);
    });
    if (!names.length) legend.textContent = "No data.";
    box.appendChild(legend);
  }
  async function charts() {
    const boxes = $$(".chart");
    if (!boxes.length) return;
    const first = boxes[0];
    try {
      const data = await api("GET", "/api/v1/charts/series?q=" + encodeURIComponent(first.dataset.q) +
        "&days=" + encodeURIComponent(first.dataset.days));
      lineChart($("#chart-volume"), data.days, data.volume, {});
      lineChart($("#chart-sentiment"), data.days, data.sentiment, SENT);
      document.body.dataset.chartsReady = "1";
    } catch (e) {
      const s = $("#q-status");
      if (s) { s.className = "status bad"; s.textContent = e.message; }
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    liveValidation();
    corrections();
    queueButtons();
    publishForms();
    keyboard();
    settings();
    charts();
  });
})();
