#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
# SPDX-FileCopyrightText: 2026 The Pingscope authors
"""Writes the seed corpus of the fuzz_httpparser target into tests/fuzz/corpus/.

Every seed starts with the two configuration bytes fuzz_httpparser.cpp reads:
  byte 0: bits 0-2 split mode (0 byte-by-byte, 1 fixed, 2 random small, 3 random large,
          4 two pieces, 5 cut after CR/LF, 6 cut before LF, 7 fibonacci sizes),
          bits 3-4 limits profile (0 defaults, 1 small, 2 medium, 3 degenerate)
  byte 1: parameter of the split mode
followed by the bytes a client sends on one connection.

Two kinds of seeds are written:
  cap-*   rebuilt from the requests captured from real Glean / Firefox clients in
          tests/data/captured-requests/<client>/NNN-*.meta.json (+ NNN-*.body.raw)
  seed-*  hand-written edge cases (chunked, pipelining, limits, malformed input)
Seeds found by fuzzing (found-*) are kept as they are; only cap-* and seed-* are rewritten.

Usage: python3 tests/fuzz/make_corpus.py [--captured DIR] [--out DIR]
"""

import argparse
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_CAPTURED = HERE.parent.parent / "data" / "captured-requests"  # tests/data/...
DEFAULT_OUT = HERE / "corpus"

MAX_CORPUS_BYTES = 1024 * 1024


def config(mode, profile=0, param=0):
    assert 0 <= mode < 8 and 0 <= profile < 4 and 0 <= param < 256
    return bytes([mode | (profile << 3), param])


def text(header_bytes):
    """Hand-written seeds are written with \\n; this turns them into CRLF line endings."""
    return header_bytes.replace(b"\n", b"\r\n")


def encode(s):
    # Node's rawHeaders decode header bytes as latin-1; reverse that, UTF-8 as a fallback.
    try:
        return s.encode("latin-1")
    except UnicodeEncodeError:
        return s.encode("utf-8")


def rebuild_request(meta, body):
    version = meta.get("httpVersion", "1.1")
    out = bytearray()
    out += encode(f"{meta['method']} {meta['url']} HTTP/{version}\r\n")
    raw = meta["rawHeaders"]
    if len(raw) % 2:
        raise ValueError("rawHeaders has an odd number of entries")
    for name, value in zip(raw[0::2], raw[1::2]):
        out += encode(name) + b": " + encode(value) + b"\r\n"
    out += b"\r\n"
    out += body
    return bytes(out)


def captured_requests(captured_dir):
    """Yields (client, stem, request bytes) for every captured request, in order."""
    for meta_path in sorted(captured_dir.glob("*/*.meta.json")):
        stem = meta_path.name[: -len(".meta.json")]
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        body_path = meta_path.with_name(stem + ".body.raw")
        body = body_path.read_bytes() if body_path.exists() else b""
        yield meta_path.parent.name, stem, rebuild_request(meta, body)


CHUNKED_HEAD = text(b"POST /submit/glean/events/1/0c6f8a3e HTTP/1.1\nHost: localhost:8787\n"
                    b"Content-Type: application/json\nTransfer-Encoding: chunked\n\n")

HAND_WRITTEN = {
    # Chunked body with chunk extensions (with BWS), upper-case hex and trailer fields.
    "chunked-ext-trailers": config(2, 0, 7) + CHUNKED_HEAD + text(
        b"5;name=value\nhello\n6 ; ext=\"q\"\n world\n1A\nabcdefghijklmnopqrstuvwxyz\n"
        b"0;last\nX-Trailer: yes\nServer-Timing: a;dur=1\n\n"),
    # The same body with the small limits (maxBody 64): the chunk sizes add up past it.
    "chunked-413-small": config(0, 1) + CHUNKED_HEAD + text(
        b"20\n" + b"a" * 32 + b"\n21\n" + b"b" * 33 + b"\n0\n\n"),
    # Chunk data followed by something other than CRLF.
    "chunked-bad-crlf": config(6, 0) + CHUNKED_HEAD + text(b"3\nabc") + b"XY\r\n0\r\n\r\n",
    # Expect: 100-continue before a body, then an unsupported expectation (417).
    "expect-100-continue": config(4, 0, 128) + text(
        b"POST /submit/glean/baseline/1/1 HTTP/1.1\nHost: localhost\nExpect: 100-continue\n"
        b"Content-Length: 11\n\n") + b"{\"a\":true}\n" + text(
        b"PUT /submit/glean/baseline/1/2 HTTP/1.1\nHost: localhost\nExpect: 200-ok\n"
        b"Content-Length: 0\n\n"),
    # Two pipelined requests in one segment: OPTIONS preflight then the POST it announces.
    "pipelined-pair": config(3, 0, 42) + text(
        b"OPTIONS /submit/glean/events/1/2 HTTP/1.1\nHost: localhost:8787\nOrigin: http://a.test\n"
        b"Access-Control-Request-Method: POST\n\n"
        b"POST /submit/glean/events/1/2 HTTP/1.1\nHost: localhost:8787\nContent-Length: 2\n\n"
        b"{}"),
    # HTTP/1.0: keep-alive only when asked for; the second one closes.
    "http10-keepalive": config(1, 0, 9) + text(
        b"GET /pingscope/api/pings HTTP/1.0\nConnection: Keep-Alive\n\n"
        b"POST /submit/a/b/1/c HTTP/1.0\nContent-Length: 4\n\n") + b"body" +
        text(b"GET / HTTP/1.1\nHost: x\nConnection: foo, close\n\n"),
    # Declared body beyond the default 10 MiB maxBody.
    "cl-413": config(0, 0) + text(
        b"POST /submit/glean/metrics/1/3 HTTP/1.1\nHost: localhost\nContent-Length: 10485761\n\n")
        + b"x" * 64,
    # Declared body just beyond the small profile's maxBody (64).
    "cl-413-small": config(5, 1) + text(
        b"POST /s HTTP/1.1\nHost: h\nContent-Length: 65\n\n") + b"y" * 65,
    # Malformed request lines: double space, missing version, lower-case version, absolute URI.
    "bad-request-line": config(7, 0, 3) + text(b"GET  /  HTTP/1.1\nHost: h\n\n"),
    "bad-request-line-absolute": config(2, 0, 200) + text(
        b"GET http://localhost:8787/ HTTP/1.1\nHost: localhost\n\n"),
    "bad-version": config(0, 0) + text(b"GET / http/1.1\nHost: h\n\n"),
    "http2-preface": config(4, 0, 60) + text(b"PRI * HTTP/2.0\n\nSM\n\n"),
    # Obsolete line folding in a header.
    "obs-fold": config(5, 0) + text(
        b"POST /submit/x/y/1/z HTTP/1.1\nHost: h\nX-Long: first\n  continued\nContent-Length: 0\n\n"),
    # Bare LF line endings everywhere, chunked too.
    "bare-lf": config(6, 0) + b"POST /submit/x/y/1/z HTTP/1.1\nHost: h\nContent-Length: 3\n\nabc"
        b"POST /submit/x/y/1/z HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n\n2\nok\n0\n\n",
    # Duplicate Content-Length: equal values (accepted), then different ones (400).
    "dup-content-length": config(1, 0, 2) + text(
        b"POST /a HTTP/1.1\nHost: h\nContent-Length: 3\ncontent-length: 3\n\nabc"
        b"POST /a HTTP/1.1\nHost: h\nContent-Length: 3\nContent-Length: 4\n\nabcd"),
    # Content-Length together with Transfer-Encoding (request smuggling shape): 400.
    "cl-and-te": config(3, 0, 5) + text(
        b"POST /a HTTP/1.1\nHost: h\nContent-Length: 6\nTransfer-Encoding: chunked\n\n0\n\nGET / "),
    # Unsupported transfer coding (501) and POST without any length (411).
    "te-gzip": config(0, 2) + text(
        b"POST /a HTTP/1.1\nHost: h\nTransfer-Encoding: gzip, chunked\n\n"),
    "post-411": config(4, 0, 250) + text(b"POST /a HTTP/1.1\nHost: h\n\n"),
    # Too many header fields and an over-long request line with the small limits (431, 414).
    "many-headers-small": config(2, 1, 31) + text(
        b"GET /h HTTP/1.1\nHost: h\n" + b"".join(b"X-H%d: %d\n" % (i, i) for i in range(10)) +
        b"\n"),
    "long-line-small": config(1, 1, 63) + text(b"GET /" + b"a" * 80 + b" HTTP/1.1\nHost: h\n\n"),
    # Blank lines before the request line, OPTIONS *, query string, HTTP/1.1 without Host.
    "misc-valid": config(7, 0, 11) + text(
        b"\n\nOPTIONS * HTTP/1.1\nHost: h\n\n"
        b"GET /pingscope/api/pings?limit=5&q=a%20b HTTP/1.1\nHost: h\nX-Empty:\n\n"
        b"GET / HTTP/1.1\n\n"),
    # Errors in the header and chunk-size grammar.
    "bad-header-name": config(1, 0, 5) + text(b"GET / HTTP/1.1\nHost: h\nBad Name: x\n\n"),
    "bad-chunk-size": config(2, 0, 3) + CHUNKED_HEAD + text(b"zz\nabc\n0\n\n"),
    "bad-chunk-size-line": config(0, 0) + CHUNKED_HEAD + text(b"5x\nhello\n0\n\n"),
    "chunk-size-overflow": config(5, 0) + CHUNKED_HEAD + text(b"fffffffffffffff\nab\n"),
    "chunk-line-too-long": config(3, 0, 99) + CHUNKED_HEAD + text(
        b"5;" + b"e" * 1100 + b"\nhello\n0\n\n"),
    # Header and trailer sections over the small profile's maxHeaderBytes (256): 431. Mode 4
    # with parameter 0 delivers the stream whole (other modes split lines, which currently
    # hides the 431: see reproducers/split-header-bytes-431-bypass).
    "header-section-431-small": config(4, 1, 0) + text(
        b"GET / HTTP/1.1\nHost: h\nA: " + b"a" * 200 + b"\nB: " + b"b" * 100 + b"\n\n"),
    "trailer-section-431-small": config(4, 1, 0) + text(
        b"POST / HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n\n1\nx\n0\nT: " + b"t" * 250 +
        b"\n\n"),
    # A TLS ClientHello sent to the plain-HTTP port.
    "tls-hello": config(3, 0, 1) + bytes.fromhex(
        "16030100c4010000c00303") + bytes(range(32)) + b"\x00\x02\x13\x01\x01\x00",
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--captured", type=pathlib.Path, default=DEFAULT_CAPTURED)
    ap.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    args = ap.parse_args()

    if not args.captured.is_dir():
        sys.exit(f"no captured requests at {args.captured}")
    args.out.mkdir(parents=True, exist_ok=True)
    for old in list(args.out.glob("cap-*")) + list(args.out.glob("seed-*")):
        old.unlink()

    written = 0
    by_client = {}
    for i, (client, stem, request) in enumerate(captured_requests(args.captured)):
        # Spread the seeds over the split modes; a few use the medium limits.
        profile = 2 if i % 5 == 4 else 0
        seed = config(i % 8, profile, (i * 37 + 1) % 256) + request
        (args.out / f"cap-{client}-{stem}").write_bytes(seed)
        by_client.setdefault(client, []).append(request)
        written += 1
    # One seed per client with its first requests pipelined on one connection.
    for client, requests in sorted(by_client.items()):
        stream = b"".join(requests[:4])
        (args.out / f"cap-{client}-pipelined").write_bytes(config(3, 0, 77) + stream)
        written += 1
    for name, data in HAND_WRITTEN.items():
        (args.out / f"seed-{name}").write_bytes(data)
        written += 1

    total = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    print(f"wrote {written} seeds to {args.out} (corpus total {total} bytes)")
    if total > MAX_CORPUS_BYTES:
        sys.exit(f"corpus is {total} bytes, over the {MAX_CORPUS_BYTES} byte budget")


if __name__ == "__main__":
    main()
