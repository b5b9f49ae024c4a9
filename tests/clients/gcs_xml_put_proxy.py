"""A test-only protocol shim in front of fake-gcs-server, for deploy/storage's GCS tests
(stdlib only: http.server, http.client).

Usage: gcs_xml_put_proxy.py --upstream http://127.0.0.1:PORT [--port PORT]
                            [--verify-jwt PUBLIC_KEY_PEM --issuer EMAIL]

With --verify-jwt the shim is also the check of a service account's credentials: every
request must carry `Authorization: Bearer <JWT>` signed RS256 by the key's private half
(verified with Python's `cryptography`), with `iss` EMAIL and an unexpired `exp`; any other
request is answered 401 and not forwarded (real GCS would refuse it too).

Why: object_store's GCS client (0.14.2) writes an object with the XML API, `PUT
/{bucket}/{object}` with a bearer token. fake-gcs-server (PyPI wrapper 0.1.1) takes an XML
PUT only as a signed-URL upload (the query must carry X-Goog-Algorithm); any other XML PUT
gets 400 "invalid uploadType". It does implement the JSON API's media upload.

What: every request is forwarded unchanged to UPSTREAM (method, path, query, headers, body;
bodies are read whole, they are small in the tests), and its answer is returned unchanged,
EXCEPT one request shape: an XML-API object PUT without a signed-URL query (`PUT
/{bucket}/{object...}`, no `uploadType`, no `X-Goog-Algorithm`). That one is sent as
`POST /upload/storage/v1/b/{bucket}/o?uploadType=media&name={object}` with the same body
and Content-Type, and answered as real GCS answers an XML PUT: 200, an empty body, and the
stored object's headers (see `xml_put_answer`).

Not translated, answered 501 so a test fails loudly instead of storing something else:
XML multipart uploads (any query with `uploads` or `uploadId`: object_store uses them only
above its 10 MiB writer buffer), and a PUT carrying what the media upload cannot honour
(`x-goog-*` headers such as x-goog-if-generation-match for PutMode::Create/Update, which
fake-gcs-server's media upload ignores, x-goog-copy-source, x-goog-meta-*; Cache-Control,
Content-Disposition, Content-Encoding, Content-Language). GET, HEAD and listing requests go
through untouched.

Binds 127.0.0.1 on PORT (a free one if absent) and prints the port on the first stdout line.
"""

import argparse
import base64
import http.client
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlsplit

# Hop-by-hop headers: about one connection, never forwarded (RFC 9110 §7.6.1).
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
              "transfer-encoding", "upgrade"}
# Request headers that set object properties the JSON media upload would silently drop.
UNCARRIED = {"cache-control", "content-disposition", "content-encoding", "content-language"}
# Path prefixes of fake-gcs-server's JSON API (and its own endpoints): never XML objects.
JSON_PREFIXES = ("/storage/", "/upload/", "/download/", "/batch/", "/_internal/")


def xml_put_answer(obj):
    """The headers GCS's XML API answers a PUT with, from the JSON API's object resource.

    object_store's put reads `ETag` (required: PutResult.e_tag) and `x-goog-generation`
    (optional: PutResult.version). The ETag is fake-gcs-server's `etag` quoted, exactly as
    its own XML HEAD/GET then report it, so a put's e_tag matches a later head's.
    """
    headers = {"ETag": '"%s"' % obj["etag"], "x-goog-generation": str(obj["generation"]),
               "x-goog-stored-content-length": str(obj["size"]), "Content-Length": "0"}
    if "metageneration" in obj:
        headers["x-goog-metageneration"] = str(obj["metageneration"])
    hashes = [f"{k}={obj[f]}" for k, f in (("crc32c", "crc32c"), ("md5", "md5Hash")) if f in obj]
    if hashes:
        headers["x-goog-hash"] = ",".join(hashes)
    return headers


def refusal(method, path, query, headers):
    """Why the shim will not forward or translate this request, or None."""
    if {k for k, _ in query} & {"uploads", "uploadId"}:
        return "XML multipart uploads are not translated by this shim (fake-gcs-server lacks them)"
    if not is_plain_xml_put(method, path, query):
        return None
    for name in headers:
        low = name.lower()
        if low.startswith("x-goog-") or low in UNCARRIED:
            return f"a PUT with {name} cannot be sent as a JSON media upload by this shim"
    return None


def is_plain_xml_put(method, path, query):
    """The one request shape the shim translates: an XML object PUT, not a signed-URL one."""
    signed = {k for k, _ in query} & {"uploadType", "X-Goog-Algorithm"}
    return method == "PUT" and is_xml_object(path) and not signed


def is_xml_object(path):
    """`/{bucket}/{object...}` with both parts non-empty, outside the JSON API's prefixes."""
    if path.startswith(JSON_PREFIXES):
        return False
    parts = path.lstrip("/").split("/", 1)
    return len(parts) == 2 and all(parts)


def b64url(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def jwt_problem(authorization, public_key, issuer):
    """Why this Authorization header is not a valid RS256 JWT of `issuer`, or None."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    if not (authorization or "").startswith("Bearer "):
        return "no bearer token"
    parts = authorization[len("Bearer "):].split(".")
    if len(parts) != 3:
        return "the bearer token is not a JWT"
    try:
        header, claims = json.loads(b64url(parts[0])), json.loads(b64url(parts[1]))
        public_key.verify(b64url(parts[2]), f"{parts[0]}.{parts[1]}".encode(),
                          padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return "the JWT's RS256 signature does not verify"
    except ValueError as e:
        return f"the JWT does not decode: {e}"
    if header.get("alg") != "RS256":
        return f"alg {header.get('alg')!r}, not RS256"
    if claims.get("iss") != issuer:
        return f"iss {claims.get('iss')!r}, not {issuer!r}"
    if not claims.get("exp", 0) > time.time():
        return "the JWT has expired"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", required=True, help="fake-gcs-server, http://host:port")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--verify-jwt", help="PEM public key every request's JWT must verify with")
    ap.add_argument("--issuer", help="the service account email the JWT must name")
    args = ap.parse_args()
    up = urlsplit(args.upstream)
    public_key = None
    if args.verify_jwt:
        from cryptography.hazmat.primitives.serialization import load_pem_public_key
        with open(args.verify_jwt, "rb") as f:
            public_key = load_pem_public_key(f.read())

    def upstream(method, target, headers, body):
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
        try:
            conn.request(method, target, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.getheaders(), resp.read()
        finally:
            conn.close()

    class Handler(BaseHTTPRequestHandler):
        # Keep-alive, as object_store's HTTP client pools connections.
        protocol_version = "HTTP/1.1"

        def handle_any(self):
            split = urlsplit(self.path)
            query = parse_qsl(split.query, keep_blank_values=True)
            why = refusal(self.command, split.path, query, self.headers)
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                # The body is not read here, so the connection cannot carry another request.
                self.close_connection = True
                why = why or "a chunked request body is not read by this shim"
            else:
                # Read even when refusing: a keep-alive connection must be left at a request.
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
            if why:
                return self.answer(501, {"Content-Type": "text/plain"}, why.encode())
            if public_key is not None:
                bad = jwt_problem(self.headers.get("Authorization"), public_key, args.issuer)
                if bad:
                    return self.answer(401, {"Content-Type": "text/plain"}, bad.encode())
            if is_plain_xml_put(self.command, split.path, query):
                return self.media_upload(split.path, body or b"")
            headers = [(k, v) for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP]
            status, got, data = upstream(self.command, self.path, dict(headers), body)
            self.answer(status, got, data)

        def media_upload(self, path, body):
            bucket, name = path.lstrip("/").split("/", 1)
            target = "/upload/storage/v1/b/%s/o?uploadType=media&name=%s" % (
                bucket, quote(unquote(name), safe=""))
            headers = {"Content-Type": self.headers.get("Content-Type")
                       or "application/octet-stream",
                       "Content-Length": str(len(body))}
            if self.headers.get("Authorization"):
                headers["Authorization"] = self.headers["Authorization"]
            status, got, data = upstream("POST", target, headers, body)
            if status != 200:
                return self.answer(status, got, data)
            self.answer(200, xml_put_answer(json.loads(data)), b"")

        def answer(self, status, headers, data):
            items = headers.items() if isinstance(headers, dict) else headers
            self.send_response(status)
            has_length = False
            for k, v in items:
                low = k.lower()
                if low in HOP_BY_HOP or low in ("date", "server"):
                    continue
                if low == "content-length":
                    # A HEAD's Content-Length is the object's size: keep it; otherwise the body's.
                    has_length = True
                    v = v if self.command == "HEAD" else str(len(data))
                self.send_header(k, v)
            if not has_length:
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD" and data:
                self.wfile.write(data)

        do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = do_PATCH = handle_any

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(server.server_address[1], flush=True)
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
