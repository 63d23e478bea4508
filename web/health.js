// The health page: figures from /api/status, its warnings with their actions,
// and SVG charts of tokens spent by call kind, per hour and in all.
// Refreshed every 30 s.
"use strict";

const { el, svg } = KB;
const CARDS = [
  ["Tokens", "tokens", ["balance", "refill_per_min", "lowest_balance", "consumed_total", "buying_last_hour", "synced", "paused", "halted"]],
  ["Watermark", "watermark", ["iso", "unsettled", "cycle_period_s"]],
  ["Database", "db", ["rows", "active", "pending", "gone", "rejections", "pending_writes", "last_error"]],
  ["Commits", "commit", ["profitable_last_hour", "tokens_per_profitable_last_hour", "profitable_total", "backlog_value", "queued"]],
  ["Alerts", "alerts", ["sent_last_hour", "pending", "failed", "worst_latency_s"]],
  ["Web", "web", null],
];

// Figures whose special values read better in words.
const WORDS = {
  "watermark.cycle_period_s": (v) => (v < 0 ? "none yet" : null),
};

// Formats one status value for a table cell: counts by key as "200: 97 · 404: 2".
function show(v) {
  if (v === null || v === undefined || v === "") return "—";
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v === "number") return Number.isInteger(v) ? KB.int(v) : v.toFixed(2);
  if (Array.isArray(v)) return v.length ? v.map(show).join(" · ") : "—";
  if (typeof v === "object") {
    const entries = Object.entries(v);
    return entries.length ? entries.map(([k, x]) => `${k}: ${show(x)}`).join(" · ") : "—";
  }
  return String(v);
}

// Loads /api/status and renders every section.
async function load() {
  const error = document.getElementById("error");
  let s;
  try {
    s = await KB.getJson("/api/status");
    error.hidden = true;
  } catch (e) {
    error.textContent = "Could not read the status: " + e.message;
    error.hidden = false;
    return;
  }
  warnings(s.warnings || []);
  document.getElementById("figures").replaceChildren(...CARDS.map(([title, key, fields]) => card(title, key, s[key] || {}, fields)));
  alertTargets(((s.alerts || {}).targets) || []);
  document.getElementById("hours-box").replaceChildren(...hourly((s.tokens || {}).consumed_by_hour || []));
  document.getElementById("kinds-box").replaceChildren(bars((s.tokens || {}).consumed_by_kind || {}));
  document.getElementById("updated").textContent = new Date().toLocaleTimeString();
}

// The warnings list: each warning's text and what to do about it.
function warnings(list) {
  const ul = document.getElementById("warnings");
  ul.replaceChildren(...list.map((w) => el("li", {}, el("span", { class: "text bad", text: w.text }), el("span", { class: "action", text: w.action }))));
  if (!list.length) ul.append(el("li", { class: "ok", text: "no warning" }));
}

// One card of figures; fields null lists every member of the section.
function card(title, key, obj, fields) {
  const names = fields || Object.keys(obj);
  return el("section", { class: "card", id: "card-" + key }, el("h2", { text: title }),
    el("table", {}, el("tbody", {}, names.map((n) =>
      el("tr", { data: { field: key + "." + n } }, el("td", { text: n.replace(/_/g, " ") }), el("td", { text: (WORDS[key + "." + n] || (() => null))(obj[n]) ?? show(obj[n]) }))))));
}

// A horizontal bar chart (svg#kinds) of tokens per call kind.
function bars(byKind) {
  const kinds = Object.entries(byKind);
  const max = Math.max(1, ...kinds.map(([, v]) => Number(v) || 0));
  const rowH = 26, labelW = 90, width = 600;
  const root = svg("svg", { id: "kinds", viewBox: `0 0 ${width} ${Math.max(1, kinds.length) * rowH + 4}`, role: "img", "aria-label": "tokens by call kind" });
  kinds.forEach(([kind, v], i) => {
    const w = ((Number(v) || 0) / max) * (width - labelW - 70);
    const y = i * rowH + 4;
    root.append(svg("text", { x: labelW - 6, y: y + 15, "text-anchor": "end", text: kind.replace(/_/g, " ") }),
      svg("rect", { class: "bar", x: labelW, y, width: w.toFixed(1), height: rowH - 8, "data-kind": kind, "data-value": v }),
      svg("text", { x: labelW + w + 6, y: y + 15, text: show(v) }));
  });
  return root;
}

// Stacked columns (svg#hours) of the tokens each kind spent in each hour,
// the oldest hour on the left, and the legend of kinds; hours[0] is now.
function hourly(hours) {
  if (!hours.length) return [el("p", { class: "muted", text: "No token spent since the start." })];
  const kinds = Object.keys(hours[0]);
  const total = (h) => kinds.reduce((sum, k) => sum + (Number(h[k]) || 0), 0);
  const max = Math.max(1, ...hours.map(total));
  const colW = 48, plotH = 160, left = 50, width = left + 24 * colW + 10;
  const root = svg("svg", { id: "hours", viewBox: `0 0 ${width} ${plotH + 36}`, role: "img", "aria-label": "tokens by call kind per hour" });
  root.append(svg("line", { class: "axis", x1: left, y1: plotH + 4, x2: width - 10, y2: plotH + 4 }),
    svg("text", { x: left - 6, y: 14, "text-anchor": "end", text: KB.int(max) }),
    svg("text", { x: left - 6, y: plotH + 4, "text-anchor": "end", text: "0" }));
  hours.forEach((h, ago) => {
    const x = left + (23 - ago) * colW;
    let top = plotH + 4;
    kinds.forEach((k, i) => {
      const height = ((Number(h[k]) || 0) / max) * plotH;
      if (height <= 0) return;
      top -= height;
      root.append(svg("rect", { class: "hour k" + (i % 6), x: x + 2, y: top.toFixed(1), width: colW - 4, height: height.toFixed(1),
        "data-hours-ago": ago, "data-kind": k, "data-value": h[k] }));
    });
    if (ago % 6 === 0) root.append(svg("text", { x: x + colW / 2, y: plotH + 20, "text-anchor": "middle", text: ago ? `−${ago} h` : "now" }));
  });
  const legend = el("p", { class: "legend" }, kinds.map((k, i) => el("span", { class: "k" + (i % 6), text: k.replace(/_/g, " ") })));
  return [root, legend];
}

// The alert targets, one line each; the buttons only when there are some.
function alertTargets(targets) {
  const box = document.getElementById("alerts-targets");
  box.replaceChildren(...targets.map((t) => el("li", {
    class: t.stopped ? "bad" : "",
    text: `${t.name} (${t.format}): ${KB.int(t.sent_last_hour)} sent in the last hour, ${KB.int(t.pending)} pending, ${KB.int(t.failed)} failed`
      + (t.stopped ? ` · STOPPED: ${t.stopped}` : t.last_error ? ` · last error: ${t.last_error}` : ""),
  })));
  if (!targets.length) box.append(el("li", { class: "muted", text: "No alert target: add an [alerts] section to config.ini (docs/operations.md)." }));
  for (const id of ["alerts-test", "alerts-retry"]) document.getElementById(id).disabled = !targets.length;
}

// Runs `alerts test` or `alerts retry` and shows the engine's answer.
async function alertsAction(what) {
  const out = document.getElementById("alerts-answer");
  out.textContent = what === "test" ? "sending…" : "…";
  try {
    out.textContent = (await KB.postJson("/api/alerts/" + what, {})).answer;
  } catch (e) {
    out.textContent = e.message;
  }
  load();
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("alerts-test").addEventListener("click", () => alertsAction("test"));
  document.getElementById("alerts-retry").addEventListener("click", () => alertsAction("retry"));
  load();
  setInterval(load, 30000);
});
