#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
# The headers a captured request (its .meta.json) sent that decide how Pingscope decodes and
# judges it, one "Name: value" per line, for the load generator's --header: Content-Type,
# Content-Encoding, X-Debug-ID, X-Telemetry-Agent and Date, as the client spelled them.
import json
import sys

raw = json.load(open(sys.argv[1])).get("rawHeaders", [])
pairs = [(raw[i], raw[i + 1]) for i in range(0, len(raw) - 1, 2)]
for wanted in ("content-type", "content-encoding", "x-debug-id", "x-telemetry-agent", "date"):
    for name, value in pairs:
        if name.lower() == wanted:
            print(f"{name}: {value}")
            break
