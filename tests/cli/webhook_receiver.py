#!/usr/bin/python3
"""A webhook receiver for the alert tests: answers each POST with the next
answer of --plan (200 once it is spent) and appends one JSON line per
request to --log: its Idempotency-Key, the alert ids of its body and the
status answered. Plan entries: a status (500, 404, 200...), `429:N`
(Retry-After N seconds) or `timeout` (no answer for --hang seconds). Once
the plan is spent, --flaky F answers that fraction 500 (seeded)."""
import argparse, json, os, random, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

args = argparse.ArgumentParser()
args.add_argument("--port", type=int, default=0)
args.add_argument("--plan", default="")
args.add_argument("--log", required=True)
args.add_argument("--hang", type=float, default=30)
args.add_argument("--flaky", type=float, default=0)
a = args.parse_args()
plan = [p for p in a.plan.split(",") if p]
rng = random.Random(20261205)
lock = threading.Lock()


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            step = plan.pop(0) if plan else "500" if rng.random() < a.flaky else "200"
        status, headers = 200, {}
        if step == "timeout":
            time.sleep(a.hang)
            return
        if step.startswith("429:"):
            status, headers = 429, {"Retry-After": step[4:]}
        else:
            status = int(step)
        try:
            ids = [x["id"] for x in json.loads(body)["alerts"]]
        except Exception:
            ids = []
        with lock, open(a.log, "a") as log:
            log.write(json.dumps({"key": self.headers.get("Idempotency-Key"),
                                  "ids": ids, "status": status}) + "\n")
            log.flush()
            os.fsync(log.fileno())
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_):
        pass


server = ThreadingHTTPServer(("127.0.0.1", a.port), Hook)
print(f"listening on 127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
