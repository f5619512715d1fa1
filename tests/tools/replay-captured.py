#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
# SPDX-FileCopyrightText: 2026 The Pingscope authors
"""Sends the requests in tests/data/captured-requests (what real Firefox ESR and Glean.js sent)
to a running Pingscope, byte for byte, over one keep-alive connection per request.
Loopback only. Usage: replay-captured.py PORT [FOLDER...]"""
import glob
import json
import os
import socket
import sys

port = int(sys.argv[1])
here = os.path.dirname(os.path.abspath(__file__))
folders = sys.argv[2:] or sorted(glob.glob(os.path.join(here, "../data/captured-requests/*")))
sent = 0
for folder in folders:
    for meta_path in sorted(glob.glob(os.path.join(folder, "*.meta.json"))):
        meta = json.load(open(meta_path))
        if meta["method"] not in ("POST", "PUT"):
            continue
        raw = meta["rawHeaders"]
        body_path = meta_path[: -len(".meta.json")] + ".body.raw"
        body = open(body_path, "rb").read() if os.path.exists(body_path) else b""
        head = f"{meta['method']} {meta['url']} HTTP/1.1\r\n"
        head += "".join(f"{raw[i]}: {raw[i + 1]}\r\n" for i in range(0, len(raw), 2))
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(head.encode("latin-1") + b"\r\n" + body)
            answer = s.recv(4096).split(b"\r\n", 1)[0].decode()
        sent += 1
        print(f"{answer}  {meta['url'][:100]}")
print(f"{sent} requests sent")
