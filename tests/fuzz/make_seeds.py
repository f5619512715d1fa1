#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
"""Writes the seed corpora of fuzz_submitpath, fuzz_decoder and fuzz_validation from real
requests (tests/data/captured-requests: what Firefox ESR and Glean.js sent) and the pass/fail
examples of mozilla-pipeline-schemas (tests/data/pipeline-schemas/validation, MPL-2.0), plus a few
hand-written edge cases. Output: corpus-submitpath/, corpus-decoder/, corpus-validation/ and
validation.dict. Run from anywhere: python3 tests/fuzz/make_seeds.py [SHARED_DIR]"""
import gzip, hashlib, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "data")
caps = os.path.join(shared, "captured-requests")


def write(folder, name, data):
    os.makedirs(os.path.join(here, folder), exist_ok=True)
    with open(os.path.join(here, folder, name), "wb") as f:
        f.write(data)


keys = set()


def collect_keys(v):
    if isinstance(v, dict):
        for k, x in v.items():
            keys.add(k)
            collect_keys(x)
    elif isinstance(v, list):
        for x in v:
            collect_keys(x)


for client in sorted(os.listdir(caps)):
    folder = os.path.join(caps, client)
    for meta_name in sorted(n for n in os.listdir(folder) if n.endswith(".meta.json")):
        stem = meta_name[: -len(".meta.json")]
        meta = json.load(open(os.path.join(folder, meta_name)))
        write("corpus-submitpath", f"cap-{client}-{stem}", meta["url"].encode())
        raw_path = os.path.join(folder, stem + ".body.raw")
        if not os.path.exists(raw_path) or os.path.getsize(raw_path) == 0:
            continue
        raw = open(raw_path, "rb").read()
        if len(raw) <= 64 * 1024:
            write("corpus-decoder", f"cap-{client}-{stem}", raw)
        try:
            body = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
            doc = json.loads(body)
        except Exception:
            continue
        collect_keys(doc)
        if len(body) <= 64 * 1024:
            legacy = meta["url"].startswith("/submit/telemetry/")
            write("corpus-validation", f"cap-{client}-{stem}", (b"\x01" if legacy else b"\x00") + body)

examples = os.path.join(shared, "pipeline-schemas", "validation")
for ns, name, selector in [("telemetry", "main.4", b"\x01"), ("glean", "glean.1", b"\x00")]:
    d = os.path.join(examples, ns)
    if not os.path.isdir(d):
        continue
    for f in sorted(os.listdir(d)):
        if f.startswith(name + ".") and f.endswith(".json"):
            body = open(os.path.join(d, f), "rb").read()
            if len(body) <= 64 * 1024:
                write("corpus-validation", f"example-{f}", selector + body)
                try:
                    collect_keys(json.loads(body))
                except Exception:
                    pass

for i, path in enumerate([b"/submit", b"/submit/", b"/submit/a/b/1/", b"/submit/telemetry/x/main/Firefox/1/release/2?v=4",
                          b"/submit/a%2Fb/c/1/e8067695-a20e-4a8d-81a8-a11b44f1c75c", b"/submit/a/b/1/E8067695-A20E-4A8D-81A8-A11B44F1C75C/extra",
                          b"/submit/telemetry/e8067695-a20e-4a8d-81a8-a11b44f1c75c/main/Firefox/1/release/2?v=4&v=3",
                          b"/submit//b/1/e8067695-a20e-4a8d-81a8-a11b44f1c75c", b"/submit/a/b/1/{e8067695-a20e-4a8d-81a8-a11b44f1c75c}"]):
    write("corpus-submitpath", f"seed-{i:02d}", path)
for i, body in enumerate([b"", b"{}", b"[]", b"\xef\xbb\xbf{}", b"1e400", b"-0", b"18446744073709551617",
                          b'{"a":1,"a":2}', b'"\\ud800"', b"[" * 5000 + b"]" * 5000, b"\x1f\x8b", gzip.compress(b"{}"),
                          gzip.compress(b"{}") + b"junk", gzip.compress(b"{}") + gzip.compress(b"[]"),
                          gzip.compress(b"0" * 2_000_000), b"\xff\xfe", b'{"k":"\xc3\x28"}']):
    write("corpus-decoder", f"seed-{i:02d}", body)
    write("corpus-validation", f"seed-{i:02d}", bytes([i & 1]) + body)

with open(os.path.join(here, "validation.dict"), "w") as f:
    f.write("# JSON keys of real pings and schema examples (make_seeds.py)\n")
    for k in sorted(keys):
        if 0 < len(k) <= 64 and all(32 <= ord(c) < 127 and c not in '"\\' for c in k):
            f.write('"\\"%s\\""\n' % k)
    for tok in ["{", "}", "[", "]", ":", ",", "true", "false", "null", "1e400", "-0", "\\u0000", "\\ud800"]:
        f.write('"%s"\n' % tok.replace("\\", "\\\\").replace('"', '\\"'))
print("seeds written")
