#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
# SPDX-FileCopyrightText: 2026 The Pingscope authors
"""Writes the browser-devtools HAR fixtures of this folder (see README.md) from requests in
../captured-requests/gleanjs/. Run from this folder: python3 make-har.py"""

import json

CAPTURES = "../captured-requests/gleanjs/"


def capture(stem):
    meta = json.load(open(CAPTURES + stem + ".meta.json"))
    raw = meta["rawHeaders"]
    headers = [{"name": raw[i], "value": raw[i + 1]} for i in range(0, len(raw), 2)]
    try:
        body = open(CAPTURES + stem + ".body.raw", "rb").read()
    except FileNotFoundError:
        body = b""
    return meta, headers, body


def response(status=200, text="OK"):
    return {"status": status, "statusText": text, "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Content-Type", "value": "text/plain; charset=utf-8"},
                        {"name": "Content-Length", "value": "0"}],
            "cookies": [], "content": {"mimeType": "text/plain; charset=utf-8", "size": 0, "text": ""},
            "redirectURL": "", "headersSize": 96, "bodySize": 0}


def firefox_entry(started, method, url, headers, post=None, status=200):
    request = {"bodySize": len(post["text"].encode()) if post else 0, "method": method, "url": url,
               "httpVersion": "HTTP/1.1", "headers": headers, "cookies": [], "queryString": [],
               "headersSize": sum(len(h["name"]) + len(h["value"]) + 4 for h in headers) + 40}
    if post:
        request["postData"] = post
    return {"pageref": "page_1", "startedDateTime": started, "request": request,
            "response": response(status, "OK" if status == 200 else "No Content"), "cache": {},
            "timings": {"blocked": 0, "dns": 0, "connect": 0, "ssl": 0, "send": 0, "wait": 2,
                        "receive": 0},
            "time": 2, "_securityState": "insecure", "serverIPAddress": "127.0.0.1",
            "connection": "8787"}


FIREFOX_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0"


def firefox_har():
    page_headers = [{"name": "Host", "value": "127.0.0.1:8787"},
                    {"name": "User-Agent", "value": FIREFOX_UA},
                    {"name": "Accept", "value": "text/html,application/xhtml+xml,*/*;q=0.8"}]
    beacon_meta, _, beacon_body = capture("014-POST-peers-gleanjs-web-beacon_events")
    beacon_headers = [{"name": "Host", "value": "127.0.0.1:8787"},
                      {"name": "User-Agent", "value": FIREFOX_UA},
                      {"name": "Accept", "value": "*/*"},
                      {"name": "Accept-Language", "value": "en-US,en;q=0.5"},
                      {"name": "Accept-Encoding", "value": "gzip, deflate, br, zstd"},
                      {"name": "Content-Type", "value": "text/plain;charset=UTF-8"},
                      {"name": "Content-Length", "value": str(len(beacon_body))},
                      {"name": "Origin", "value": "http://127.0.0.1:8787"},
                      {"name": "Connection", "value": "keep-alive"},
                      {"name": "Sec-Fetch-Dest", "value": "empty"},
                      {"name": "Sec-Fetch-Mode", "value": "no-cors"},
                      {"name": "Sec-Fetch-Site", "value": "same-origin"}]
    gz_meta, gz_headers, gz_body = capture("021-POST-org-peers-gleanjs-web_events")
    # What a browser shows of a gzip body it cannot show as text.
    mangled = gz_body.decode("utf-8", errors="replace")
    entries = [
        firefox_entry("2026-11-23T03:19:05.002+01:00", "GET", "http://127.0.0.1:8787/www/index.html?tag=peers-firefox",
                      page_headers),
        firefox_entry("2026-11-23T03:19:05.101+01:00", "GET", "http://127.0.0.1:8787/www/glean.js", page_headers),
        firefox_entry("2026-11-23T03:19:06.517+01:00", "POST", "http://127.0.0.1:8787" + beacon_meta["url"],
                      beacon_headers,
                      {"mimeType": "text/plain;charset=UTF-8", "params": [], "text": beacon_body.decode()}),
        firefox_entry("2026-11-23T03:19:07.901+01:00", "OPTIONS", "http://127.0.0.1:8443" + gz_meta["url"],
                      page_headers, status=204),
        firefox_entry("2026-11-23T03:19:07.950+01:00", "POST", "http://127.0.0.1:8443" + gz_meta["url"],
                      gz_headers, {"mimeType": "application/json; charset=utf-8", "params": [], "text": mangled}),
        firefox_entry("2026-11-23T03:19:08.004+01:00", "POST", "http://127.0.0.1:8787/api/log", page_headers,
                      {"mimeType": "application/json", "params": [], "text": "{\"level\":\"info\"}"}),
    ]
    return {"log": {"version": "1.2", "creator": {"name": "Firefox", "version": "153.0"},
                    "browser": {"name": "Firefox", "version": "153.0"},
                    "pages": [{"startedDateTime": "2026-11-23T03:19:05.002+01:00", "id": "page_1",
                               "title": "Glean.js peers", "pageTimings": {"onContentLoad": 121, "onLoad": 183}}],
                    "entries": entries}}


def chrome_har():
    meta, headers, body = capture("021-POST-org-peers-gleanjs-web_events")
    authority = next(h["value"] for h in headers if h["name"].lower() == "host")
    h2 = [{"name": ":authority", "value": authority}, {"name": ":method", "value": "POST"},
          {"name": ":path", "value": meta["url"]}, {"name": ":scheme", "value": "https"}]
    h2 += [{"name": h["name"].lower(), "value": h["value"]} for h in headers
           if h["name"].lower() not in ("host", "connection")]
    entry = {"_initiator": {"type": "script"}, "_priority": "High", "_resourceType": "fetch", "cache": {},
             "connection": "443",
             "request": {"method": "POST", "url": "https://" + authority + meta["url"], "httpVersion": "http/2.0",
                         "headers": h2, "queryString": [], "cookies": [], "headersSize": -1,
                         "bodySize": len(body),
                         # The gzip bytes kept one per character.
                         "postData": {"mimeType": "application/json; charset=utf-8",
                                      "text": body.decode("latin-1")}},
             "response": dict(response(), httpVersion="http/2.0"), "serverIPAddress": "127.0.0.1",
             "startedDateTime": "2026-11-23T02:19:07.950Z", "time": 3.2,
             "timings": {"blocked": 0.8, "dns": -1, "ssl": -1, "connect": -1, "send": 0.2, "wait": 1.9,
                         "receive": 0.3, "_blocked_queueing": 0.4}}
    return {"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
                    "pages": [], "entries": [entry]}}


if __name__ == "__main__":
    with open("firefox-devtools.har", "w") as f:
        json.dump(firefox_har(), f, indent=2, ensure_ascii=False)
        f.write("\n")
    with open("chrome-devtools.har", "w") as f:
        json.dump(chrome_har(), f, indent=2)
        f.write("\n")
