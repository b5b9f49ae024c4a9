"""A webhook receiver for deploy/trigger's tests, written from the documented scheme only
(stdlib: http.server, hmac), so it checks the Rust signer independently.

Usage: webhook_receiver.py --secret-hex HEX --record FILE [--fail N] [--fail-status S]
                           [--retry-after SECS] [--delay SECS]

Binds 127.0.0.1 on a free port and prints the port on the first stdout line. For each POST
it verifies X-Labelchain-Signature ("t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>",
constant-time compare, t within 300 s) and appends one JSON line to FILE: the request
number, the headers, the body and whether the signature verified. It answers 401 to a bad
signature, FAIL_STATUS (500 by default) to the first N good requests, then 200.
"""

import argparse
import hashlib
import hmac
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

TOLERANCE = 300


def verify(secret, header, body):
    parts = dict(p.split("=", 1) for p in (header or "").split(",") if "=" in p)
    t, v1 = parts.get("t", ""), parts.get("v1", "")
    if not t.isdigit() or abs(time.time() - int(t)) > TOLERANCE:
        return False
    expected = hmac.new(secret, t.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, v1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--secret-hex", required=True)
    ap.add_argument("--record", required=True)
    ap.add_argument("--fail", type=int, default=0)
    ap.add_argument("--fail-status", type=int, default=500)
    ap.add_argument("--retry-after", type=int)
    ap.add_argument("--delay", type=float, default=0.0)
    args = ap.parse_args()
    secret = bytes.fromhex(args.secret_hex)
    state = {"n": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state["n"] += 1
            n = state["n"]
            ok = verify(secret, self.headers.get("X-Labelchain-Signature"), body)
            with open(args.record, "a") as f:
                f.write(json.dumps({
                    "n": n,
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body.decode("utf-8", "replace"),
                    "signature_valid": ok,
                }) + "\n")
            time.sleep(args.delay)
            if not ok:
                self.answer(401, {"error": "bad signature"})
            elif n <= args.fail:
                self.answer(args.fail_status, {"error": f"simulated failure {n}"})
            else:
                self.answer(200, {"received": n})

        def answer(self, status, obj):
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if args.retry_after is not None and status in (429, 503):
                self.send_header("Retry-After", str(args.retry_after))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *a):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
