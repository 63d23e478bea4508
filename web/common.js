// Shared helpers of the deal board: DOM building, formatting, the JSON API
// and the health panel shown on every page. No data ever goes through innerHTML.
"use strict";

const KB = (() => {
  const SVG_NS = "http://www.w3.org/2000/svg";

  // Creates an element: props sets className/text/attributes, kids are appended.
  function el(tag, props = {}, ...kids) {
    const node = document.createElement(tag);
    setProps(node, props);
    for (const kid of kids.flat()) {
      if (kid !== null && kid !== undefined) node.append(kid);
    }
    return node;
  }

  // Creates an SVG element with the given attributes (no event handlers).
  function svg(tag, attrs = {}) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "text") node.textContent = v;
      else node.setAttribute(k, String(v));
    }
    return node;
  }

  // Applies props to a node: class, text, dataset and plain attributes.
  function setProps(node, props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = String(v);
      else if (k === "data") Object.assign(node.dataset, v);
      else if (/^on/i.test(k)) throw new Error("no inline handlers: " + k);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
  }

  // Returns url when it is an http(s) address, otherwise null (no javascript: links).
  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  // Formats dollars: "$12.30", "−$3.10", or "—" when unknown.
  function money(v) {
    if (v === null || v === undefined) return "—";
    return (v < 0 ? "−$" : "$") + Math.abs(v).toFixed(2);
  }

  // Formats a percent with no decimals, or "—" when unknown.
  function pct(v) {
    return v === null || v === undefined ? "—" : Math.round(v) + "%";
  }

  // Formats an integer with thousands separators, or "—" when unknown.
  function int(v) {
    return v === null || v === undefined ? "—" : Math.round(v).toLocaleString("en-US");
  }

  // Estimated sales a month from the rank drops of 30, 90 and 365 days
  // (one drop a sale): "14 · 11 · 9", "—" for a window Keepa did not give.
  function salesPerMonth(d) {
    const per = (drops, months) => (drops === null || drops === undefined ? "—" : int(drops / months));
    return [per(d.drops_30, 1), per(d.drops_90, 3), per(d.drops_365, 12)].join(" · ");
  }

  // True once Keepa answered a call well (the dump's age counts from the
  // start until then).
  function answered(t) {
    const ok = (t.calls_total || 0) - (t.failures_total || 0) - (t.http_429_total || 0);
    return ok > 0 && t.last_answer_age_s !== null && t.last_answer_age_s !== undefined;
  }

  // Formats a duration in minutes: "35 min", "5 h", "3 d".
  function age(minutes) {
    if (minutes === null || minutes === undefined) return "—";
    if (minutes < 60) return Math.max(0, Math.round(minutes)) + " min";
    if (minutes < 48 * 60) return Math.round(minutes / 60) + " h";
    return Math.round(minutes / 1440) + " d";
  }

  // Minutes from a YYYY-MM-DDTHH:MM:SSZ time to now (null when unknown).
  function minutesSince(iso) {
    const t = iso ? Date.parse(iso) : NaN;
    return Number.isNaN(t) ? null : (Date.now() - t) / 60000;
  }

  // Formats a UTC time relative to now: "12 min ago".
  function ago(iso) {
    const m = minutesSince(iso);
    return m === null ? "—" : age(m) + " ago";
  }

  // GETs a JSON document; throws an Error carrying the server's message.
  async function getJson(path) {
    const res = await fetch(path, { headers: { Accept: "application/json" } });
    return answer(res);
  }

  // POSTs a JSON body with the board's header, as the contract requires.
  async function postJson(path, body) {
    const res = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Keepa-Board": "1" },
      body: JSON.stringify(body ?? {}),
    });
    return answer(res);
  }

  // Reads a fetch response as JSON; a non-2xx answer becomes an Error.
  async function answer(res) {
    let body = null;
    try { body = await res.json(); } catch (_) { body = null; }
    if (!res.ok) {
      const err = new Error((body && body.error) || `HTTP ${res.status}`);
      err.status = res.status;
      err.parameter = body && body.parameter;
      throw err;
    }
    return body;
  }

  // Sets or clears a deal's mark (watch, bought, dismissed or null).
  function setMark(asin, mark) {
    return postJson(`/api/deals/${encodeURIComponent(asin)}/mark`, { mark });
  }

  // Fills the small health panel (#health-panel) from /api/status.
  async function refreshHealthPanel() {
    const panel = document.getElementById("health-panel");
    if (!panel) return;
    let s;
    try {
      s = await getJson("/api/status");
    } catch (e) {
      panel.replaceChildren(el("a", { href: "/health", class: "bad", text: "status unavailable: " + e.message }));
      return;
    }
    const t = s.tokens || {};
    const warnings = (s.warnings || []).length;
    const last = t.last_answer_age_s;
    panel.replaceChildren(el("a", { href: "/health", class: "health-link" },
      el("span", { id: "hp-balance", text: "balance " + int(t.balance) }),
      el("span", { text: "refill " + int(t.refill_per_min) + "/min" }),
      el("span", { text: "last answer " + (answered(t) ? (last < 60 ? Math.round(last) + " s ago" : age(last / 60) + " ago") : "none yet") }),
      el("span", { id: "hp-warnings", class: warnings ? "bad" : "ok",
        text: warnings + (warnings === 1 ? " warning" : " warnings") })));
  }

  document.addEventListener("DOMContentLoaded", () => {
    refreshHealthPanel();
    setInterval(refreshHealthPanel, 30000);
  });

  // Where a price came from, in words: the row's price_basis.
  function basis(b) {
    return { listing: "from the listing", offers: "from the live offers", stats: "from a light refresh" }[b] ?? "source unknown";
  }

  return { el, svg, safeUrl, money, pct, int, salesPerMonth, age, ago, minutesSince, basis, getJson, postJson, setMark };
})();
