// The board: a server-sorted, server-paged table of deals whose filters,
// sort and offset live in the URL; a banner announces new deals (no auto re-render).
"use strict";

const PAGE = 50;
const FILTERS = ["min_profit", "min_roi", "max_rank", "min_drops", "min_drops90", "min_percent_down", "season", "q", "status", "dismissed"];
const DEFAULTS = { status: "active", dismissed: "0", sort: "profit", order: "desc", offset: "0" };
const ASC_FIRST = new Set(["title", "price_now", "sales_rank", "price_age_minutes", "seasonality", "mark", "max_buy_cost"]);
const PRESET_KEY = "keepa-board.presets";
const MARKS = [["watch", "☆", "watch"], ["bought", "✓", "bought"], ["dismissed", "✕", "dismiss"]];
const { el, money, pct, int } = KB;

// Column definitions: sort key, header label and cell builder.
const COLUMNS = [
  ["title", "Title", titleCell],
  ["price_now", "Price now", priceCell],
  ["list_at", "List at", (d) => money(d.list_at)],
  ["one_yr_avg", "1-yr avg", (d) => money(d.one_yr_avg)],
  ["percent_down", "% down", (d) => pct(d.percent_down)],
  ["profit", "Profit", (d) => signed(money(d.profit), d.profit)],
  ["roi", "ROI", (d) => signed(pct(d.roi), d.roi)],
  ["margin", "Margin", (d) => signed(pct(d.margin), d.margin)],
  ["max_buy_cost", "Max buy", (d) => money(d.max_buy_cost)],
  ["sales_rank", "Rank", (d) => int(d.sales_rank)],
  ["drops_30", "Sales/mo", salesCell],
  ["used_offer_count", "Offers", (d) => int(d.used_offer_count)],
  ["seasonality", "Season", (d) => d.seasonality ?? "—"],
  ["deal_trust", "Trust", (d) => pct(d.deal_trust)],
  ["price_age_minutes", "Price age", priceAgeCell],
  ["first_seen_utc", "Found", foundCell],
  ["mark", "Mark", markCell],
];

// Columns of the rejected listings (status "rejected"): newest first, not sortable.
const REJECTED_COLUMNS = [
  ["asin", "ASIN", rejectedAsinCell],
  ["reason", "Why the engine turned it down", (r) => r.reason ?? "—"],
  ["rejected_utc", "Rejected", (r) => el("span", { title: r.rejected_utc || "", text: KB.ago(r.rejected_utc) })],
];

let state = {};          // the query as read from the URL
let baseline = null;     // newest first_seen_utc when the table was last loaded on purpose
let lastPage = [];       // the deals shown

// Reads the board's state from location.search, defaults filled in.
function readState() {
  const qs = new URLSearchParams(location.search);
  const s = { ...DEFAULTS };
  for (const k of [...FILTERS, "sort", "order", "offset"]) {
    const v = qs.get(k);
    if (v !== null && v !== "") s[k] = v;
  }
  return s;
}

// The query string of a state, defaults left out; extra overrides one call's keys.
function query(s, extra = {}) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...s, ...extra })) {
    if (v !== null && v !== undefined && v !== "" && DEFAULTS[k] !== v) qs.set(k, v);
  }
  if (extra.limit !== undefined) qs.set("limit", extra.limit);
  return qs.toString();
}

// Copies the state into the filter inputs.
function fillInputs() {
  for (const k of FILTERS) {
    const input = document.getElementById("f-" + k);
    if (input.type === "checkbox") input.checked = state[k] === "1";
    else input.value = state[k] ?? "";
  }
}

// Builds a state from the filter inputs, keeping the sort and starting at row 0.
function stateFromInputs() {
  const s = { ...DEFAULTS, sort: state.sort, order: state.order };
  for (const k of FILTERS) {
    const input = document.getElementById("f-" + k);
    const v = input.type === "checkbox" ? (input.checked ? "1" : "0") : input.value.trim();
    if (v !== "") s[k] = v;
  }
  return s;
}

// Moves to a new state: updates the URL (a history entry) and reloads the table.
function go(s, resetBaseline) {
  state = s;
  const qs = query(state);
  history.pushState(null, "", qs ? "/?" + qs : "/");
  fillInputs();
  load(resetBaseline);
}

// Fetches the current page of deals and renders it; resetBaseline re-arms the banner.
async function load(resetBaseline) {
  const error = document.getElementById("error");
  const rejected = state.status === "rejected";
  const csv = document.getElementById("csv");
  csv.hidden = rejected;
  csv.href = "/deals.csv" + (query(state, { offset: "0" }) ? "?" + query(state, { offset: "0" }) : "");
  try {
    if (rejected) {
      const qs = new URLSearchParams({ limit: PAGE, offset: Number(state.offset) || 0 });
      if (state.q) qs.set("q", state.q);
      const page = await KB.getJson("/api/rejections?" + qs.toString());
      error.hidden = true;
      renderRejected(page);
      return;
    }
    const page = await KB.getJson("/api/deals?" + query(state, { limit: PAGE }));
    error.hidden = true;
    render(page);
    if (resetBaseline) await armBanner();
  } catch (e) {
    error.textContent = "Could not load deals: " + e.message;
    error.hidden = false;
    if (e.parameter) document.getElementById("f-" + e.parameter)?.classList.add("invalid");
  }
}

// Renders the header (with sort state), the rows, the count and the pager.
// Why the table is empty: filters that hide every row, or no deal yet.
function emptyText() {
  const filtered = Object.keys(state).some((k) => !["sort", "order", "offset"].includes(k) && state[k] !== "" && state[k] !== undefined && state[k] !== DEFAULTS[k]);
  if (filtered) return "No deal matches these filters. Reset shows every active deal.";
  return "No active deal yet. The engine adds one when Keepa lists a deal and its peek shows a profit at the listing's price; Health shows what it is doing now (PLAN FULL there: the plan keeps no more rows fresh).";
}

function render(page) {
  lastPage = page.deals;
  document.getElementById("deals").classList.remove("rejected");
  document.querySelectorAll(".invalid").forEach((n) => n.classList.remove("invalid"));
  const head = document.getElementById("head");
  head.replaceChildren(...COLUMNS.map(([key, label]) => {
    const on = state.sort === key;
    const th = el("th", { data: { sort: key }, "aria-sort": on ? (state.order === "asc" ? "ascending" : "descending") : "none" },
      el("button", { type: "button", class: on ? "sort on" : "sort", text: label + (on ? (state.order === "asc" ? " ▲" : " ▼") : "") }));
    th.addEventListener("click", () => sortBy(key));
    return th;
  }));
  const body = document.querySelector("#deals tbody");
  body.replaceChildren(...page.deals.map(row));
  if (!page.deals.length) body.append(el("tr", { class: "empty" }, el("td", { colspan: COLUMNS.length, text: emptyText() })));
  showRange(page.deals.length, page.total);
  const seasons = new Set([...document.querySelectorAll("#seasons option")].map((o) => o.value));
  page.deals.forEach((d) => d.seasonality && seasons.add(d.seasonality));
  document.getElementById("seasons").replaceChildren(...[...seasons].sort().map((v) => el("option", { value: v })));
}

// Renders the rejected listings: ASIN with its links, the reason, when.
function renderRejected(page) {
  lastPage = [];
  baseline = null;
  document.getElementById("new-banner").hidden = true;
  document.getElementById("deals").classList.add("rejected");
  document.getElementById("head").replaceChildren(...REJECTED_COLUMNS.map(([key, label]) => el("th", { data: { sort: key } }, label)));
  const body = document.querySelector("#deals tbody");
  body.replaceChildren(...page.rejections.map((r) =>
    el("tr", { data: { asin: r.asin } }, REJECTED_COLUMNS.map(([key, , cell]) => el("td", { class: "c-" + key }, cell(r))))));
  if (!page.rejections.length) body.append(el("tr", { class: "empty" }, el("td", { colspan: REJECTED_COLUMNS.length, text: "No listing was rejected lately." })));
  showRange(page.rejections.length, page.total);
}

// The rejected listing's ASIN with its Amazon and Keepa links.
function rejectedAsinCell(r) {
  const amazon = KB.safeUrl(r.amazon_url);
  const keepa = KB.safeUrl(r.keepa_url);
  return [
    el("span", { class: "asin", text: r.asin }),
    amazon ? el("a", { class: "buy", href: amazon, target: "_blank", rel: "noopener noreferrer", text: "Amazon" }) : null,
    keepa ? el("a", { class: "buy", href: keepa, target: "_blank", rel: "noopener noreferrer", text: "Keepa" }) : null,
  ];
}

// The pager: the shown range, the total and the buttons.
function showRange(shown, total) {
  const offset = Number(state.offset) || 0;
  document.getElementById("range").textContent = shown ? `${offset + 1}–${offset + shown}` : "0–0";
  document.getElementById("total").textContent = total;
  document.getElementById("prev").disabled = offset <= 0;
  document.getElementById("next").disabled = offset + shown >= total;
}

// One table row for a deal.
function row(d) {
  const tr = el("tr", { data: { asin: d.asin }, class: d.mark ? "mark-" + d.mark : null });
  for (const [key, , cell] of COLUMNS) {
    const v = cell(d);
    tr.append(el("td", { class: "c-" + key }, v));
  }
  return tr;
}

// Title cell: detail link, ASIN, "new" badge and the Buy link.
function titleCell(d) {
  const buy = KB.safeUrl(d.amazon_url);
  const fresh = KB.minutesSince(d.first_seen_utc);
  return [
    el("a", { class: "title-link", href: "/deal/" + encodeURIComponent(d.asin), text: d.title || "(no title)" }),
    el("span", { class: "asin", text: d.asin }),
    fresh !== null && fresh < 60 ? el("span", { class: "badge new", text: "new" }) : null,
    buy ? el("a", { class: "buy", href: buy, target: "_blank", rel: "noopener noreferrer", text: "Buy" }) : null,
  ];
}

// Price cell; an item-only price (shipping estimated) gets a badge.
function priceCell(d) {
  if (d.shipping_included !== false) return money(d.price_now);
  return [money(d.price_now), el("span", { class: "badge est", title: "item price only; shipping is estimated", text: "est. ship" })];
}

// Sales a month from the rank drops of 30, 90 and 365 days.
function salesCell(d) {
  return el("span", { title: "estimated sales a month from rank drops over 30 · 90 · 365 days", text: KB.salesPerMonth(d) });
}

// Price age cell: how old the price is and, beside it, whether it came
// from the listing (no offers bought) or the offers; the tooltip says
// when Keepa saw it.
function priceAgeCell(d) {
  const short = { listing: "listing", offers: "offers", stats: "refresh" }[d.price_basis] ?? "—";
  return el("span", { title: `${KB.basis(d.price_basis)}, seen by Keepa ${d.price_basis_utc || "at an unknown time"}`, text: `${KB.age(d.price_age_minutes)} · ${short}` });
}

// Found cell: relative time with the exact UTC time as tooltip.
function foundCell(d) {
  return el("span", { title: d.first_seen_utc || "", text: KB.ago(d.first_seen_utc) });
}

// A value coloured by its sign.
function signed(text, v) {
  return el("span", { class: v === null || v === undefined ? "" : v > 0 ? "pos" : "neg", text });
}

// Mark buttons: pressing the current mark clears it.
function markCell(d) {
  return el("span", { class: "marks" }, MARKS.map(([mark, symbol, label]) => {
    const b = el("button", { type: "button", class: "mark-btn", data: { mark }, title: label, "aria-label": label,
      "aria-pressed": d.mark === mark ? "true" : "false", text: symbol });
    b.addEventListener("click", () => applyMark(d.asin, d.mark === mark ? null : mark));
    return b;
  }));
}

// Posts a mark, then reloads the page of rows (the reader clicked).
async function applyMark(asin, mark) {
  try {
    await KB.setMark(asin, mark);
    await load(false);
  } catch (e) {
    const error = document.getElementById("error");
    error.textContent = `Could not mark ${asin}: ${e.message}`;
    error.hidden = false;
  }
}

// Header click: a new column starts in its natural order, the same column flips.
function sortBy(key) {
  const order = state.sort === key ? (state.order === "asc" ? "desc" : "asc") : (ASC_FIRST.has(key) ? "asc" : "desc");
  go({ ...state, sort: key, order, offset: "0" }, false);
}

// Remembers the newest first_seen_utc matching the filters; hides the banner.
async function armBanner() {
  const filters = Object.fromEntries(FILTERS.map((k) => [k, state[k]]));
  const page = await KB.getJson("/api/deals?" + query(filters, { sort: "first_seen_utc", order: "desc", limit: 1 }));
  baseline = page.deals.length ? page.deals[0].first_seen_utc : "";
  document.getElementById("new-banner").hidden = true;
}

// Asks how many matching deals were found after the baseline; shows the banner if any.
async function pollNew() {
  if (baseline === null) return;
  const filters = Object.fromEntries(FILTERS.map((k) => [k, state[k]]));
  try {
    const extra = baseline ? { found_after: baseline, limit: 0 } : { limit: 0 };
    const page = await KB.getJson("/api/deals?" + query(filters, extra));
    const banner = document.getElementById("new-banner");
    banner.textContent = `${page.total} new profitable deal${page.total === 1 ? "" : "s"} — click to show`;
    banner.hidden = !(page.total > 0);
  } catch (_) { /* the next poll tries again */ }
}

// Presets: named query strings kept in localStorage.
function presets() {
  try { return JSON.parse(localStorage.getItem(PRESET_KEY)) || {}; } catch (_) { return {}; }
}

// Rewrites the preset list; selects name when given.
function showPresets(name) {
  const all = presets();
  const list = document.getElementById("preset-list");
  list.replaceChildren(el("option", { value: "", text: Object.keys(all).length ? "— choose —" : "— none saved —" }),
    ...Object.keys(all).sort().map((n) => el("option", { value: n, text: n })));
  if (name) list.value = name;
}

// Wires the filter form, pager, banner and preset controls.
function wire() {
  const form = document.getElementById("filters");
  form.addEventListener("submit", (ev) => { ev.preventDefault(); go(stateFromInputs(), true); });
  for (const id of ["f-status", "f-dismissed"]) {
    document.getElementById(id).addEventListener("change", () => go(stateFromInputs(), true));
  }
  document.getElementById("reset").addEventListener("click", () => go({ ...DEFAULTS }, true));
  document.getElementById("prev").addEventListener("click", () =>
    go({ ...state, offset: String(Math.max(0, (Number(state.offset) || 0) - PAGE)) }, false));
  document.getElementById("next").addEventListener("click", () =>
    go({ ...state, offset: String((Number(state.offset) || 0) + PAGE) }, false));
  document.getElementById("new-banner").addEventListener("click", () => load(true));
  window.addEventListener("popstate", () => { state = readState(); fillInputs(); load(true); });
  document.getElementById("preset-save").addEventListener("click", () => {
    const name = document.getElementById("preset-name").value.trim();
    if (!name) return;
    const all = presets();
    all[name] = query(stateFromInputs(), { offset: "0" });
    localStorage.setItem(PRESET_KEY, JSON.stringify(all));
    showPresets(name);
  });
  document.getElementById("preset-apply").addEventListener("click", () => {
    const all = presets();
    const name = document.getElementById("preset-list").value;
    if (!(name in all)) return;
    history.pushState(null, "", all[name] ? "/?" + all[name] : "/");
    state = readState();
    fillInputs();
    load(true);
  });
  document.getElementById("preset-delete").addEventListener("click", () => {
    const all = presets();
    delete all[document.getElementById("preset-list").value];
    localStorage.setItem(PRESET_KEY, JSON.stringify(all));
    showPresets();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  state = readState();
  fillInputs();
  showPresets();
  wire();
  load(true);
  setInterval(pollNew, 30000);
});
