#!/usr/bin/python3
"""The deal board in a real browser (headless Chromium through selenium).

Starts the engine as a user would (`--demo`, a database in --out, the board on
a loopback port), waits for deals, pauses it, adds two rows with hostile
titles, then checks in Chromium: the table matches the same filter in SQL
(default, then min_profit + sort by rank set through the UI), hostile titles
stay text, the detail chart draws the API's points, dismiss hides a row for
good, and the console has no SEVERE entry (CSP violations land there).
Ends with `quit` and expects exit code 0 within 15 s.

Usage: board_test.py --engine PATH/keepa-ingest --out DIR
       board_test.py --url http://127.0.0.1:PORT/ --db PATH --out DIR   (a running server)
"""
import argparse
import calendar
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PAGE = 50
HOSTILE = {
    "B0XSSTEST1": "<script>alert(1)</script>",
    "B0XSSTEST2": '"><img src=x onerror=alert(1)>',
}
CHECKED = []


class Failure(Exception):
    """An assertion of this test that did not hold."""


def check(cond, what):
    """Records a passed check, or raises Failure naming it."""
    if not cond:
        raise Failure(what)
    CHECKED.append(what)


def wait_for(what, probe, timeout=10.0, every=0.1):
    """Polls probe() until it returns a truthy value; Failure after timeout seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = probe()
            if value:
                return value
        except (WebDriverException, sqlite3.Error) as e:
            last_error = e
        time.sleep(every)
    raise Failure(f"timed out after {timeout:.0f} s waiting for {what}" + (f" ({last_error})" if last_error else ""))


# ---------------------------------------------------------------- the engine

class Engine:
    """The engine process: stdin a pipe kept open, stdout read by a thread."""

    def __init__(self, binary, out):
        self.lines = []
        config = os.path.join(out, "config.ini")
        shutil.copy(os.path.join(REPO, "deal_query.json"), os.path.join(out, "deal_query.json"))
        with open(config, "w") as f:
            f.write("[keepa]\ndeal_query = deal_query.json\n[db]\npath = deals.db\n[log]\nfile = keepa-ingest.log\n")
        self.stderr = open(os.path.join(out, "engine.stderr"), "wb")
        self.proc = subprocess.Popen(
            [binary, "--demo", "--db", os.path.join(out, "deals.db"), "--web-listen", "127.0.0.1:0", "--config", config],
            cwd=out, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, text=True, bufsize=1)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        """Keeps the stdout pipe drained, remembering every line."""
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def board_url(self):
        """The URL from the engine's 'the deal board is at' line (30 s at most)."""
        def probe():
            if self.proc.poll() is not None:
                raise Failure(f"the engine exited with {self.proc.returncode} before printing the board's URL")
            for line in self.lines:
                m = re.search(r"the deal board is at (http://127\.0\.0\.1:\d+/)", line)
                if m:
                    return m.group(1)
            return None
        return wait_for("the engine's 'the deal board is at' line", probe, timeout=30)

    def type(self, command):
        """Writes one console command."""
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def quit(self):
        """Sends quit; returns the exit code, or None when it did not exit within 15 s."""
        self.type("quit")
        try:
            return self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        """Ends the process at once (after a failure)."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


# ---------------------------------------------------------------- the database

def ro(db):
    """A read-only connection to the database."""
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)


def mark_sql(db):
    """(join clause, mark expression): where the board keeps marks (deals.mark or a marks table)."""
    with ro(db) as c:
        if "mark" in [r[1] for r in c.execute("PRAGMA table_info(deals)")]:
            return "", "d.mark"
        for (name,) in c.execute("SELECT name FROM sqlite_master WHERE type='table' AND name LIKE '%mark%'"):
            cols = [r[1] for r in c.execute(f"PRAGMA table_info({name})")]
            if "asin" in cols and "mark" in cols:
                return f" LEFT JOIN {name} m ON m.asin = d.asin", "m.mark"
    return "", "NULL"


def sql_deals(db, min_profit=None, sort="profit", order="desc", dismissed=False):
    """[(asin, sort key)] of active deals matching the filter, in the contract's order (NULLs last)."""
    join, mark = mark_sql(db)
    where = ["d.status = 'active'"]
    args = []
    if not dismissed:
        where.append(f"({mark} IS NULL OR {mark} != 'dismissed')")
    if min_profit is not None:
        where.append("d.profit >= ?")
        args.append(min_profit)
    assert re.fullmatch(r"[a-z_0-9]+", sort) and order in ("asc", "desc")
    sql = (f"SELECT d.asin, d.{sort} FROM deals d{join} WHERE {' AND '.join(where)}"
           f" ORDER BY (d.{sort} IS NULL), d.{sort} {order}, d.asin")
    with ro(db) as c:
        return c.execute(sql, args).fetchall()


def active_count(db):
    """Active rows in the database (0 before the table exists)."""
    try:
        with ro(db) as c:
            return c.execute("SELECT count(*) FROM deals WHERE status = 'active'").fetchone()[0]
    except sqlite3.Error:
        return 0


def wait_quiet(db, quiet_s=5.0, timeout=90.0):
    """Waits until the rows stop changing for quiet_s seconds."""
    def snapshot():
        with ro(db) as c:
            return c.execute("SELECT asin, status, price_now, profit, sales_rank FROM deals ORDER BY asin").fetchall()
    state = {"rows": snapshot(), "since": time.monotonic()}

    def probe():
        rows = snapshot()
        if rows != state["rows"]:
            state["rows"], state["since"] = rows, time.monotonic()
        return time.monotonic() - state["since"] >= quiet_s
    wait_for("the deals to stop changing after pause", probe, timeout=timeout, every=0.25)


def insert_deals(db, titles, now=None):
    """Adds active deals {asin: title} with plausible numbers, found at now (UTC text)."""
    now = now or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    base = dict(status="active", price_now=6.49, list_at=64.99, one_yr_avg=41.20, percent_down=84.25,
                profit=36.37, margin=55.96, sales_rank=48210, drops_30=14, seasonality="year-round",
                first_seen_utc=now, last_seen_utc=now, last_full_fetch_utc=now, last_light_fetch_utc=now,
                price_source="inferred sales", used_offer_count=7, deal_trust=62.5, all_in_cost=9.56,
                min_listing_price=19.2, rank_trend="flat", shipping_included=1, shipping=3.99,
                fba_fee=5.5, referral_percent=15)
    c = sqlite3.connect(db, timeout=30)
    try:
        cols = {r[1] for r in c.execute("PRAGMA table_info(deals)")}
        for i, (asin, title) in enumerate(titles.items()):
            row = {k: v for k, v in dict(base, asin=asin, title=title, profit=base["profit"] + i).items() if k in cols}
            c.execute(f"INSERT OR REPLACE INTO deals ({','.join(row)}) VALUES ({','.join('?' * len(row))})", list(row.values()))
        c.commit()
    finally:
        c.close()


# ---------------------------------------------------------------- the browser

def browser(out):
    """Headless Chromium with browser logs kept and alerts left open for the test."""
    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,1000",
              "--user-data-dir=" + tempfile.mkdtemp(prefix="chromium-profile-", dir=out)):
        opts.add_argument(a)
    if os.path.exists("/usr/bin/chromium"):
        opts.binary_location = "/usr/bin/chromium"
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    opts.set_capability("unhandledPromptBehavior", "ignore")
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


class Board:
    """The test's view of the pages, with the console log collected as it goes."""

    def __init__(self, driver, url):
        self.d = driver
        self.url = url.rstrip("/")
        self.console = []

    def logs(self):
        """Collects the browser console entries logged since the last call."""
        self.console += self.d.get_log("browser")

    def open(self, path):
        """Loads a page and waits until its scripts filled the health panel."""
        self.logs()
        self.d.get(self.url + path)
        wait_for(path + " to load", lambda: self.d.execute_script(
            "return document.readyState === 'complete' && !!document.querySelector('#health-panel a')"))

    def rows(self):
        """The ASINs of the board's rows, in order (read in one go)."""
        return self.d.execute_script(
            "return [...document.querySelectorAll('#deals tbody tr[data-asin]')].map(t => t.dataset.asin)")

    def total(self):
        """The #total figure, or None while loading."""
        text = self.d.find_element(By.ID, "total").text.strip()
        return int(text) if text.isdigit() else None

    def no_alert(self, where):
        """Checks that no alert dialog is open."""
        try:
            self.d.switch_to.alert
        except NoAlertPresentException:
            CHECKED.append(f"no alert dialog on {where}")
            return
        raise Failure(f"an alert dialog opened on {where}")

    def api(self, path):
        """GETs a JSON document from the server."""
        with urllib.request.urlopen(self.url + path, timeout=10) as r:
            return json.load(r)


def matches(board, expected, offset=0):
    """None when the board's rows are expected's page at offset (ties in any order), else why not."""
    rows = board.rows()
    total = board.total()
    keys = dict(expected)
    want = [k for _, k in expected[offset:offset + PAGE]]
    if total != len(expected):
        return f"#total shows {total}, SQL counts {len(expected)}"
    if len(rows) != len(want) or len(set(rows)) != len(rows):
        return f"board shows {len(rows)} rows, SQL gives {len(want)}"
    stray = [a for a in rows if a not in keys]
    if stray:
        return f"rows not matching the filter in SQL: {stray}"
    if [keys[a] for a in rows] != want:
        return f"order differs: board {rows[:8]}..., SQL {[a for a, _ in expected[offset:offset + 8]]}..."
    return None


def wait_matches(board, db, what, offset=0, **filt):
    """Polls until the board's table matches SQL for filt at offset (10 s), then records the check."""
    state = {}

    def probe():
        state["why"] = matches(board, sql_deals(db, **filt), offset)
        return state["why"] is None
    try:
        wait_for(what, probe, timeout=10)
    except Failure:
        raise Failure(f"{what}: {state.get('why')}")
    expected = sql_deals(db, **filt)
    shown = len(expected[offset:offset + PAGE])
    CHECKED.append(f"{what}: rows {offset + 1}-{offset + shown} of {len(expected)} match SQL in order")
    return [a for a, _ in expected]


def url_has(board, **params):
    """True when the current URL's query holds every name=value in params."""
    from urllib.parse import parse_qs, urlsplit
    qs = parse_qs(urlsplit(board.d.current_url).query)
    return all(qs.get(k) == [v] for k, v in params.items())


def check_chart(board, asin, out_png=None):
    """The detail page draws as many points per line as /api/deals/ASIN holds (or says why none)."""
    detail = board.api("/api/deals/" + asin)
    board.open("/deal/" + asin)
    wait_for(f"/deal/{asin} to show its title", lambda: board.d.find_element(By.ID, "title").text not in ("", "loading…"))
    title = board.d.find_element(By.ID, "title").text
    check(title == (detail["deal"]["title"] or "(no title)"), f"/deal/{asin} shows the title as text")
    chart = detail["chart"]
    if chart is None:
        note = wait_for("the no-history note", lambda: board.d.find_elements(By.ID, "no-history"))
        check("no history stored for this row" in note[0].text, f"/deal/{asin} (chart null) says no history is stored")
    else:
        wait_for("svg#chart", lambda: board.d.find_elements(By.CSS_SELECTOR, "svg#chart polyline"))
        for name in ("used", "landed", "rank"):
            want = sum(1 for p in chart[name] if p[1] is not None and p[1] >= 0)
            line = board.d.find_element(By.CSS_SELECTOR, f"svg#chart polyline.line-{name}")
            drawn = len(line.get_attribute("points").split())
            check(int(line.get_attribute("data-points")) == want and drawn == want,
                  f"/deal/{asin} chart draws {want} {name} points (data-points and points agree)")
    if out_png:
        board.d.save_screenshot(out_png)


# ---------------------------------------------------------------- the test

def run(board, db, out):
    """Every browser check, in order."""
    d = board.d
    # (a) the default filter: active, not dismissed, profit descending.
    board.open("/")
    first = wait_matches(board, db, "default board")
    board.no_alert("the board")
    check(board.d.find_element(By.CSS_SELECTOR, "#health-panel #hp-balance").text.startswith("balance"),
          "the health panel shows the token balance")

    # (b) hostile titles are text, nothing runs.
    board.open("/?q=B0XSSTEST")
    wait_for("both hostile rows", lambda: sorted(board.rows()) == sorted(HOSTILE))
    for asin, title in HOSTILE.items():
        link = d.find_element(By.CSS_SELECTOR, f"tr[data-asin='{asin}'] a.title-link")
        check(link.text == title, f"hostile title of {asin} shows as literal text")
        buy = d.find_element(By.CSS_SELECTOR, f"tr[data-asin='{asin}'] a.buy")
        check(buy.get_attribute("target") == "_blank" and set(buy.get_attribute("rel").split()) >= {"noopener", "noreferrer"},
              f"Buy link of {asin} opens a new tab with noopener noreferrer")
    check(not d.find_elements(By.CSS_SELECTOR, "#deals img, #deals script"), "no element was made from a title")
    board.no_alert("the board with hostile rows")

    # The new-deals banner: a poll (called now rather than in 30 s) counts a
    # later row and shows the banner without touching the table; a click reloads.
    board.open("/")
    wait_matches(board, db, "default board before a new deal")
    d.execute_script("document.querySelector('#deals tbody tr').dataset.probe = 'kept'")
    with ro(db) as c:
        newest = c.execute("SELECT max(first_seen_utc) FROM deals").fetchone()[0]
    later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(calendar.timegm(time.strptime(newest, "%Y-%m-%dT%H:%M:%SZ")) + 1))
    insert_deals(db, {"B0NEWTEST1": "A deal found after the page loaded"}, now=later)
    d.execute_script("pollNew()")
    banner = wait_for("the new-deals banner", lambda: d.find_element(By.ID, "new-banner").is_displayed() and d.find_element(By.ID, "new-banner"))
    check(banner.text.startswith("1 new"), f"the banner counts 1 new deal ({banner.text!r})")
    check(d.execute_script("return document.querySelector('#deals tbody tr').dataset.probe") == "kept",
          "the poll did not re-render the table")
    banner.click()
    wait_matches(board, db, "board after a click on the banner")
    check(not d.find_element(By.ID, "new-banner").is_displayed(), "the banner hides once clicked")

    # (a) min_profit and sort by rank ascending, through the inputs and a header.
    board.open("/")
    wait_matches(board, db, "default board (again)")
    profits = sorted(k for _, k in sql_deals(db) if k is not None)
    x = round(profits[len(profits) // 2], 2)
    box = d.find_element(By.ID, "f-min_profit")
    box.clear()
    box.send_keys(f"{x:.2f}", Keys.ENTER)
    wait_for("min_profit in the URL", lambda: url_has(board, min_profit=f"{x:.2f}"))
    CHECKED.append(f"the URL carries min_profit={x:.2f}")
    wait_matches(board, db, f"board with min_profit={x:.2f}", min_profit=x)
    for _ in range(2):
        if url_has(board, sort="sales_rank", order="asc"):
            break
        before = d.current_url
        d.find_element(By.CSS_SELECTOR, "th[data-sort='sales_rank'] button").click()
        wait_for("the URL to change after a header click", lambda: d.current_url != before)
    check(url_has(board, min_profit=f"{x:.2f}", sort="sales_rank", order="asc"),
          "the URL carries sort=sales_rank&order=asc with the filter")
    wait_matches(board, db, f"board with min_profit={x:.2f} by rank ascending", min_profit=x, sort="sales_rank", order="asc")
    csv = d.find_element(By.ID, "csv").get_attribute("href")
    check(f"min_profit={x:.2f}" in csv and "sort=sales_rank" in csv, "the CSV link carries the current filter")
    d.refresh()
    wait_matches(board, db, "the same URL reloaded (bookmarkable)", min_profit=x, sort="sales_rank", order="asc")
    check(d.find_element(By.ID, "f-min_profit").get_attribute("value") == f"{x:.2f}", "a reload puts the filter back in its input")

    # A named preset: save this filter, reset, apply it back, delete it.
    d.find_element(By.ID, "preset-name").send_keys("rank first")
    d.find_element(By.ID, "preset-save").click()
    d.find_element(By.ID, "reset").click()
    wait_for("the reset URL", lambda: not url_has(board, min_profit=f"{x:.2f}"))
    d.find_element(By.CSS_SELECTOR, "#preset-list option[value='rank first']").click()
    d.find_element(By.ID, "preset-apply").click()
    wait_for("the preset's URL", lambda: url_has(board, min_profit=f"{x:.2f}", sort="sales_rank", order="asc"))
    wait_matches(board, db, "the saved preset applied", min_profit=x, sort="sales_rank", order="asc")
    d.find_element(By.ID, "preset-delete").click()
    check(not d.find_elements(By.CSS_SELECTOR, "#preset-list option[value='rank first']"), "a preset can be deleted")

    # (f) the board's screenshot, hostile rows included when they make page one.
    board.open("/")
    wait_matches(board, db, "default board before the screenshot")
    d.save_screenshot(os.path.join(out, "board.png"))
    if board.total() > PAGE:
        d.find_element(By.ID, "next").click()
        wait_for("offset in the URL", lambda: url_has(board, offset=str(PAGE)))
        wait_matches(board, db, "the second page", offset=PAGE)
        check(d.find_element(By.ID, "range").text == f"{PAGE + 1}–{min(2 * PAGE, board.total())}", "the range reads rows 51–...")
        d.find_element(By.ID, "prev").click()
        wait_for("offset gone from the URL", lambda: not url_has(board, offset=str(PAGE)))
        wait_matches(board, db, "back on the first page")

    # (c) charts: an engine row, and a hostile row (no history stored).
    engine_rows = [a for a in first if a not in HOSTILE]
    check(bool(engine_rows), "the engine stored at least one row")
    check_chart(board, engine_rows[0], os.path.join(out, "deal.png"))
    check_chart(board, "B0XSSTEST2")
    board.no_alert("a detail page")

    # (d) dismiss the top row: it disappears, and stays gone after a reload.
    board.open("/")
    wait_matches(board, db, "default board before dismiss")
    victim = board.rows()[0]
    d.find_element(By.CSS_SELECTOR, f"tr[data-asin='{victim}'] button[data-mark='dismissed']").click()
    wait_for(f"{victim} to leave the board", lambda: victim not in board.rows())
    CHECKED.append(f"dismissed {victim} left the table")
    d.refresh()
    wait_for("the board after reload", lambda: board.total() is not None and board.rows())
    check(victim not in board.rows(), f"{victim} stays gone after a reload")
    check(mark_sql(db)[1] != "NULL", "the database holds the marks (deals.mark or a marks table)")
    wait_matches(board, db, "default board after dismiss")
    d.find_element(By.ID, "f-dismissed").click()
    wait_for("show dismissed in the URL", lambda: url_has(board, dismissed="1"))
    wait_for(f"{victim} back with show dismissed", lambda: victim in board.rows())
    CHECKED.append("show dismissed brings it back")

    # Rejected listings: status "rejected" lists the rejections table, newest
    # first, a hostile reason as text.
    hostile_reason = '"><img src=x onerror=alert(1)> unprofitable'
    with sqlite3.connect(db, timeout=30) as c:
        c.execute("INSERT OR REPLACE INTO rejections (asin, keepa_last_update, reason, rejected_utc) VALUES (?, ?, ?, ?)",
                  ("B0REJECT01", 1, hostile_reason, "2099-01-01T00:00:00Z"))
    board.open("/?status=rejected")
    with ro(db) as c:
        rejected = [a for (a,) in c.execute("SELECT asin FROM rejections ORDER BY rejected_utc DESC, asin LIMIT ?", (PAGE,))]
        rejected_total = c.execute("SELECT count(*) FROM rejections").fetchone()[0]
    wait_for("the rejected listings", lambda: board.rows() == rejected and board.total() == rejected_total)
    CHECKED.append(f"status rejected shows the {len(rejected)} newest of {rejected_total} rejections in order")
    reason = d.find_element(By.CSS_SELECTOR, "tr[data-asin='B0REJECT01'] td.c-reason").text
    check(reason == hostile_reason, "a hostile rejection reason shows as text")
    check(not d.find_elements(By.CSS_SELECTOR, "#deals img"), "no element was made from a reason")
    board.no_alert("the rejected listings")

    # The health page.
    board.open("/health")
    wait_for("the health figures", lambda: d.find_elements(By.CSS_SELECTOR, "#figures [data-field='tokens.balance']"))
    check(len(d.find_elements(By.CSS_SELECTOR, "svg#kinds rect.bar")) >= 1, "the health page draws tokens by call kind")
    cells = [c.text for c in d.find_elements(By.CSS_SELECTOR, "#figures td:nth-child(2)")]
    check(cells and not [c for c in cells if c.startswith(("{", "["))],
          "every health figure reads as words or numbers, never raw JSON: " + json.dumps(cells))
    check("No alert target" in d.find_element(By.ID, "alerts-targets").text
          and not d.find_element(By.ID, "alerts-test").is_enabled(),
          "without an alert target the health page says so and offers no test button")
    period = d.find_element(By.CSS_SELECTOR, "#figures [data-field='watermark.cycle_period_s'] td:nth-child(2)").text
    check(period == "none yet" or float(period.replace(",", "")) >= 0, "the cycle period is none yet or seconds: " + period)

    def hourly_drawn_as_dumped():
        drawn = d.execute_script("return [...document.querySelectorAll('svg#hours rect.hour')]"
                                 ".reduce((s, r) => s + Number(r.dataset.value), 0)")
        dumped = sum(sum(h.values()) for h in board.api("/api/status")["tokens"]["consumed_by_hour"])
        return dumped > 0 and drawn == dumped
    wait_for("the hourly token chart to sum to the dump's hours", hourly_drawn_as_dumped, timeout=40)
    CHECKED.append("the health page's hourly chart draws every token the dump counts per hour")
    d.save_screenshot(os.path.join(out, "health.png"))

    # (e) the console stayed clean on every page.
    board.logs()
    severe = [e for e in board.console if e.get("level") == "SEVERE"]
    check(not severe, "no SEVERE console entry (no CSP violation, no failed load): " + json.dumps(severe)[:2000])


def check_metrics(url):
    """/metrics passes `promtool check metrics` and carries the engine's figures."""
    with urllib.request.urlopen(url + "metrics", timeout=20) as r:
        text = r.read()
    check(b"keepa_ingest_token_balance " in text and b'keepa_ingest_rows{status="active"}' in text,
          "/metrics carries the balance and the rows by status")
    promtool = shutil.which("promtool")
    check(promtool is not None, "promtool is installed (Debian prometheus)")
    res = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, timeout=60)
    check(res.returncode == 0, "promtool check metrics passes: " + (res.stdout + res.stderr).decode()[:2000])


def main():
    """Parses the flags, runs the engine and the browser, prints what was checked."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", help="the keepa-ingest binary")
    ap.add_argument("--out", required=True, help="a directory for the database, logs and screenshots")
    ap.add_argument("--url", help="test a server already running (skips the engine)")
    ap.add_argument("--db", help="with --url: the database that server reads")
    ap.add_argument("--rows-timeout", type=float, default=120, help="seconds to wait for 5 active rows")
    a = ap.parse_args()
    if not a.url and not a.engine or a.url and not a.db:
        ap.error("give --engine, or --url with --db")
    os.makedirs(a.out, exist_ok=True)
    engine = driver = None
    try:
        if a.url:
            url, db = a.url, a.db
        else:
            db = os.path.join(a.out, "deals.db")
            for f in (db, db + "-wal", db + "-shm"):
                if os.path.exists(f):
                    os.remove(f)
            engine = Engine(os.path.abspath(a.engine), a.out)
            url = engine.board_url()
            CHECKED.append(f"the engine printed the board's URL {url}")
            wait_for("5 active rows", lambda: active_count(db) >= 5, timeout=a.rows_timeout, every=0.5)
            engine.type("pause")
            wait_quiet(db)
            CHECKED.append(f"paused with {active_count(db)} active rows, rows settled")
        insert_deals(db, HOSTILE)
        driver = browser(a.out)
        run(Board(driver, url), db, a.out)
        check_metrics(url)
        driver.quit()
        driver = None
        if engine:
            code = engine.quit()
            check(code == 0, f"quit: the engine exited 0 within 15 s (got {code})")
    except Failure as e:
        print("FAILED:", e, file=sys.stderr)
        if engine:
            print("engine stdout (last lines):", *engine.lines[-10:], sep="\n  ", file=sys.stderr)
        if driver:
            try:
                driver.save_screenshot(os.path.join(a.out, "failure.png"))
            except WebDriverException:
                pass
        return 1
    finally:
        if driver:
            driver.quit()
        if engine:
            engine.kill()
        for name in os.listdir(a.out):
            if name.startswith("chromium-profile-"):
                shutil.rmtree(os.path.join(a.out, name), ignore_errors=True)
    print("board_test: all checks passed")
    for c in CHECKED:
        print("  ok:", c)
    return 0


if __name__ == "__main__":
    sys.exit(main())
