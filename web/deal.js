// The detail page of one deal: profit breakdown, an SVG price/rank chart,
// price-drop events, links and the mark / refresh actions.
"use strict";

const { el, svg, money, pct, int } = KB;
const ASIN = decodeURIComponent(location.pathname.replace(/^\/deal\//, "").replace(/\/$/, ""));
const W = 800, H = 320, LEFT = 60, RIGHT = 70, TOP = 12, BOTTOM = 30;
let current = null;

// Loads the deal and renders every section.
async function load() {
  try {
    current = await KB.getJson("/api/deals/" + encodeURIComponent(ASIN));
  } catch (e) {
    document.getElementById("title").textContent = e.status === 404 ? `${ASIN} is not in the database` : "Could not load the deal";
    showError(e.message);
    return;
  }
  const d = current.deal;
  document.title = `${d.title || d.asin} · keepa-ingest`;
  document.getElementById("title").textContent = d.title || "(no title)";
  document.getElementById("meta").textContent =
    `${d.asin} · ${d.status} · mark: ${d.mark ?? "none"} · found ${KB.ago(d.first_seen_utc)} · price ${KB.age(d.price_age_minutes)} old, ${KB.basis(d.price_basis)}`;
  setLink("amazon", d.amazon_url);
  setLink("keepa", d.keepa_url);
  document.querySelectorAll(".mark-btn").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.mark === d.mark)));
  breakdown(d, current.costs || {});
  document.getElementById("chart-box").replaceChildren(...chart(current.chart, d));
  events(current.events || []);
}

// Points a link at url, or hides it when the url is missing or not http(s).
function setLink(id, url) {
  const a = document.getElementById(id);
  const safe = KB.safeUrl(url);
  a.hidden = !safe;
  if (safe) a.href = safe;
}

// Shows an error line under the actions.
function showError(text) {
  const p = document.getElementById("error");
  p.textContent = text;
  p.hidden = false;
}

// The profit breakdown: costs down to profit, then ratios and provenance.
function breakdown(d, c) {
  const rows = [
    ["Price now" + (d.shipping_included === false ? " (item only)" : " (shipping incl.)"), money(d.price_now)],
    ["Tax", money(c.tax)],
    ["Prep", money(c.prep)],
    ["Inbound shipping" + (d.shipping_included === false ? " (estimate)" : ""), money(c.inbound_shipping)],
    ["All-in cost", money(d.all_in_cost), "total"],
    ["List at", money(d.list_at)],
    ["Referral fee" + (d.referral_percent != null ? ` (${d.referral_percent}%)` : ""), money(c.referral_fee)],
    ["FBA fee", money(c.fba_fee ?? d.fba_fee)],
    ["Profit", money(d.profit), "total"],
    ["ROI", pct(d.roi)],
    ["Margin", pct(d.margin)],
    ["Max buy cost", money(d.max_buy_cost)],
    ["Min listing price", money(d.min_listing_price)],
    ["1-yr average", money(d.one_yr_avg)],
    ["% below average", pct(d.percent_down)],
    ["Price source", d.price_source ?? "—"],
    ["Season", d.seasonality ?? "—"],
    ["Sales rank", int(d.sales_rank) + (d.rank_trend ? ` (${d.rank_trend})` : "")],
    ["Rank drops 30 / 90 / 365 d", [d.drops_30, d.drops_90, d.drops_365].map(int).join(" / ")],
    ["Sales a month (30 / 90 / 365 d)", KB.salesPerMonth(d)],
    ["Used offers", int(d.used_offer_count)],
    ["Deal trust", pct(d.deal_trust)],
  ];
  document.querySelector("#breakdown tbody").replaceChildren(...rows.map(([k, v, cls]) =>
    el("tr", { class: cls }, el("td", { text: k }), el("td", { text: v }))));
}

// Keeps the points whose time and value are numbers (rank/price -1 means none).
function valid(series) {
  return (series || []).filter((p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]) && p[1] >= 0);
}

// Builds the chart (svg#chart + legend), or the "no history" note when chart is null.
function chart(ch, d) {
  if (!ch) return [el("p", { id: "no-history", class: "muted", text: "no history stored for this row (committed before the board kept it)" })];
  const used = valid(ch.used), landed = valid(ch.landed), rank = valid(ch.rank);
  const all = [...used, ...landed, ...rank];
  const t0 = Math.min(...all.map((p) => p[0])), t1 = Math.max(...all.map((p) => p[0]));
  const prices = [...used, ...landed].map((p) => p[1]).concat([d.list_at, d.one_yr_avg].filter((v) => v != null));
  const pMax = (prices.length ? Math.max(...prices) : 1) * 1.08 || 1;
  const rMax = (rank.length ? Math.max(...rank.map((p) => p[1])) : 1) * 1.05 || 1;
  const x = (t) => LEFT + (t1 > t0 ? (t - t0) / (t1 - t0) : 0.5) * (W - LEFT - RIGHT);
  const yP = (v) => TOP + (1 - v / pMax) * (H - TOP - BOTTOM);
  const yR = (v) => TOP + (1 - v / rMax) * (H - TOP - BOTTOM);
  const root = svg("svg", { id: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "price and rank history" });
  axes(root, t0, t1, pMax, rMax, x);
  for (const [v, cls] of [[d.list_at, "ref-list-at"], [d.one_yr_avg, "ref-avg"]]) {
    if (v != null) root.append(svg("line", { class: cls, x1: LEFT, x2: W - RIGHT, y1: yP(v), y2: yP(v) }));
  }
  root.append(line(rank, "line-rank", x, yR), line(used, "line-used", x, yP), line(landed, "line-landed", x, yP));
  const legend = el("p", { class: "legend" },
    el("span", { class: "lg-used", text: `used (${used.length})` }),
    el("span", { class: "lg-landed", text: `landed (${landed.length})` }),
    el("span", { class: "lg-rank", text: `rank, right axis (${rank.length})` }),
    d.list_at != null ? el("span", { class: "lg-list", text: "List at " + money(d.list_at) }) : null,
    d.one_yr_avg != null ? el("span", { class: "lg-avg", text: "1-yr avg " + money(d.one_yr_avg) }) : null);
  return [root, legend];
}

// One series as a polyline whose data-points attribute counts its points.
function line(points, cls, x, y) {
  return svg("polyline", { class: cls, "data-points": points.length,
    points: points.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(" ") });
}

// Draws the frame, four grid lines with price (left) and rank (right) labels, and dates.
function axes(root, t0, t1, pMax, rMax, x) {
  const bottom = H - BOTTOM;
  root.append(svg("line", { class: "axis", x1: LEFT, x2: W - RIGHT, y1: bottom, y2: bottom }));
  for (let i = 0; i <= 4; i++) {
    const y = TOP + (i / 4) * (bottom - TOP);
    root.append(svg("line", { class: "grid", x1: LEFT, x2: W - RIGHT, y1: y, y2: y }),
      svg("text", { x: LEFT - 6, y: y + 4, "text-anchor": "end", text: "$" + (pMax * (1 - i / 4)).toFixed(0) }),
      svg("text", { x: W - RIGHT + 6, y: y + 4, text: "#" + int(rMax * (1 - i / 4)) }));
  }
  for (let i = 0; i <= 4; i++) {
    const t = t0 + (i / 4) * (t1 - t0);
    root.append(svg("text", { x: x(t), y: H - 10, "text-anchor": "middle", text: new Date(t).toISOString().slice(0, 10) }));
  }
}

// The price-drop events, newest first as the server sends them.
function events(list) {
  const body = document.querySelector("#events tbody");
  body.replaceChildren(...list.map((e) =>
    el("tr", {}, el("td", { title: e.at_utc, text: KB.ago(e.at_utc) }), el("td", { text: money(e.old_price) }), el("td", { text: money(e.new_price) }))));
  if (!list.length) body.append(el("tr", {}, el("td", { colspan: 3, class: "muted", text: "no price drop recorded" })));
}

// Wires the mark buttons (pressing the current mark clears it), refresh
// and verify.
function wire() {
  const msg = document.getElementById("action-msg");
  document.querySelectorAll(".mark-btn").forEach((b) => b.addEventListener("click", async () => {
    const mark = current && current.deal.mark === b.dataset.mark ? null : b.dataset.mark;
    try {
      await KB.setMark(ASIN, mark);
      msg.textContent = mark ? `marked ${mark}` : "mark cleared";
      await load();
    } catch (e) { showError("Could not mark: " + e.message); }
  }));
  document.getElementById("refresh").addEventListener("click", async () => {
    try {
      await KB.postJson(`/api/deals/${encodeURIComponent(ASIN)}/refresh`, {});
      msg.textContent = "refresh queued; reload in a minute";
    } catch (e) { showError("Could not queue a refresh: " + e.message); }
  });
  document.getElementById("verify").addEventListener("click", async () => {
    try {
      await KB.postJson(`/api/deals/${encodeURIComponent(ASIN)}/verify`, {});
      msg.textContent = "offers queued; reload in a minute";
    } catch (e) { showError("Could not queue the offers: " + e.message); }
  });
}

document.addEventListener("DOMContentLoaded", () => { wire(); load(); });
