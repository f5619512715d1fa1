#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
# SPDX-FileCopyrightText: 2026 The Pingscope authors
"""Writes the Glean SDK log fixtures of this folder (see README.md).

The pings are ours. How they appear in a log follows glean-core and android_logger:

- glean-core/src/upload/mod.rs (mozilla/glean fad8d19a154af262733b1d4382242aab4edffe82):
  get_upload_task_internal logs "New upload task with id {} (path: {})", then, with log_pings,
  chunked_log_info(path, pretty body). Off Android that is log::info!("{}", payload); on Android
  "Glean ping to URL: {path}\\n{payload}" when path + payload <= 4000 bytes, else parts of at
  most 4000 payload bytes (moved back to a UTF-8 boundary), "Glean ping to URL: {path} [Part i
  of n]\\n{chunk}", n = len(payload) // 4000 + 1. The body is serde_json::to_string_pretty of
  a serde_json::Value: keys sorted, two-space indent.
- glean-core/src/lib.rs glean_enable_logging: android_logger with the tag "libglean_ffi";
  android_logger 0.12 (rust-mobile/android_logger-rs v0.12.0 src/lib.rs) writes
  "{module_path}: {message}" under a custom tag, through a 4000-byte buffer that, when full,
  is cut at its last newline (the next message starts with it) or, without one, after 4000
  bytes.
- logcat shows each message line by line, every line with its prefix; a last newline adds no
  empty line.
- env_logger 0.10 (humantime): "[2026-08-21T10:31:15Z INFO  glean_core::upload] message".

Run from this folder: python3 make-logs.py
"""

import json
import uuid

MAX = 4000
OUT = "."


def pretty(doc):
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False).encode()


def u(n):
    return str(uuid.UUID(int=0x5EED0000_0000_4000_8000_000000000000 + n))


def client_info(os_name, os_version, arch, extra=None):
    ci = {
        "app_build": "2015977695",
        "app_channel": "nightly",
        "app_display_version": "153.0a1",
        "architecture": arch,
        "client_id": u(1),
        "first_run_date": "2026-08-01+02:00",
        "locale": "de-CH",
        "os": os_name,
        "os_version": os_version,
        "telemetry_sdk_build": "70.0.0",
    }
    ci.update(extra or {})
    return ci


def ping_info(ping_type, seq, start, end, reason=None):
    pi = {"end_time": end, "ping_type": ping_type, "seq": seq, "start_time": start}
    if reason:
        pi["reason"] = reason
    return pi


# --- the pings ---------------------------------------------------------------------------

DESKTOP_APP = "org-mozilla-glean-core-example"
ANDROID_APP = "org-mozilla-fenix"
ANDROID_CI = {
    "android_sdk_version": "34",
    "device_manufacturer": "Google",
    "device_model": "sdk_gphone64_x86_64",
}


def desktop_baseline():
    return {
        "client_info": client_info("Linux", "6.1", "x86_64"),
        "metrics": {"timespan": {"glean.baseline.duration": {"time_unit": "second", "value": 312}}},
        "ping_info": ping_info("baseline", 3, "2026-08-21T12:26:03.000+02:00",
                               "2026-08-21T12:31:15.000+02:00", "inactive"),
    }


def desktop_prototype():
    return {
        "client_info": client_info("Linux", "6.1", "x86_64"),
        "metrics": {"boolean": {"test.metrics.sample_boolean": True}},
        "ping_info": ping_info("prototype", 0, "2026-08-21T12:26:03.000+02:00",
                               "2026-08-21T12:31:16.000+02:00"),
    }


def desktop_metrics():
    return {
        "client_info": client_info("Linux", "6.1", "x86_64"),
        "metrics": {
            "labeled_counter": {"glean.error.invalid_value": {"test.metrics.city": 1}},
            "string": {"test.metrics.city": "Zürich", "test.metrics.greeting": "Grüezi — ¡hola! 👋"},
            "counter": {"test.metrics.launches": 12},
        },
        "ping_info": ping_info("metrics", 7, "2026-08-20T04:00:00.000+02:00",
                               "2026-08-21T12:31:17.000+02:00", "today"),
    }


def desktop_events():
    return {
        "client_info": client_info("Linux", "6.1", "x86_64"),
        "events": [{"category": "test.events", "name": "click", "timestamp": 1000 * i,
                    "extra": {"button": "b%d" % i}} for i in range(6)],
        "ping_info": ping_info("events", 2, "2026-08-21T12:26:03.000+02:00",
                               "2026-08-21T12:31:18.000+02:00", "max_capacity"),
    }


def android_baseline():
    return {
        "client_info": client_info("Android", "14", "x86_64", ANDROID_CI),
        "metrics": {
            "datetime": {"glean.validation.first_run_hour": "2026-08-01T09+02:00"},
            "timespan": {"glean.baseline.duration": {"time_unit": "second", "value": 48}},
        },
        "ping_info": ping_info("baseline", 11, "2026-08-21T12:30:00.120+02:00",
                               "2026-08-21T12:30:48.530+02:00", "inactive"),
    }


def android_metrics(notes_len, labels=120, model="sdk_gphone64_x86_64"):
    # A text metric on one long line (over 4000 bytes) and names in several scripts, so that the
    # parts and android_logger's cuts fall in the middle of a line and of a UTF-8 character.
    labeled = {"search.counts": {"engine-%03d.urlbar" % i: i + 1 for i in range(labels)}}
    strings = {"preferences.city_%02d" % i: city for i, city in enumerate(
        ["Zürich", "Genève", "Malmö", "Kraków", "São Paulo", "Москва", "東京", "Ελλάδα"] * 4)}
    return {
        "client_info": client_info("Android", "14", "x86_64", dict(ANDROID_CI, device_model=model)),
        "metrics": {
            "labeled_counter": labeled,
            "string": strings,
            "text": {"crash.notes": ("Stack: " + "mozilla::dom::Element::SetAttribute <- " * 300)[:notes_len]},
            "quantity": {"tabs.open_count": 17},
        },
        "ping_info": ping_info("metrics", 4, "2026-08-20T04:00:00.000+02:00",
                               "2026-08-21T12:30:50.004+02:00", "overdue"),
    }


def android_events(pad):
    return {
        "client_info": client_info("Android", "14", "x86_64", ANDROID_CI),
        "events": [{"category": "toolbar", "name": "menu_tapped", "timestamp": 250 * i,
                    "extra": {"item": ["réglages", "書籤", "history", "ünterhaltung"][i % 4],
                              "source": "x" * (pad if i == 0 else 3)}} for i in range(60)],
        "ping_info": ping_info("events", 9, "2026-08-21T12:30:00.120+02:00",
                               "2026-08-21T12:30:51.777+02:00", "inactive"),
    }


# --- how they are logged -----------------------------------------------------------------

def glean_chunks(path, payload):
    """glean-core's chunked_log_info on Android: the messages it logs."""
    if len(path) + len(payload) <= MAX:
        return [b"Glean ping to URL: " + path.encode() + b"\n" + payload]
    out = []
    start, end, idx = 0, MAX, 1
    total = len(payload) // MAX + 1
    while end < len(payload):
        for _ in range(4):
            if end >= len(payload) or (payload[end] & 0xC0) != 0x80:
                break
            end -= 1
        out.append(b"Glean ping to URL: %s [Part %d of %d]\n" % (path.encode(), idx, total) +
                   payload[start:end])
        STATS["parts ending in a newline"] += payload[end - 1] == 0x0A
        STATS["parts cut before a character"] += end - start < MAX
        start, end, idx = end, end + MAX, idx + 1
    if start < len(payload):
        out.append(b"Glean ping to URL: %s [Part %d of %d]\n" % (path.encode(), idx, total) +
                   payload[start:])
    return out


STATS = {"newline cuts": 0, "mid-line cuts": 0, "parts ending in a newline": 0, "parts cut before a character": 0}


def android_logger(record):
    """android_logger 0.12's PlatformLogWriter: the android_log messages of one record."""
    msgs, buf, last_nl = [], bytearray(), 0
    for b in record:
        if len(buf) == MAX:
            if last_nl > 0:
                msgs.append(bytes(buf[:last_nl]))
                del buf[:last_nl]
                STATS["newline cuts"] += 1
            else:
                msgs.append(bytes(buf))
                buf.clear()
                STATS["mid-line cuts"] += 1
            last_nl = 0
        if b == 0x0A:
            last_nl = len(buf)
        buf.append(b)
    if buf:
        msgs.append(bytes(buf))
    return msgs


def logcat_segments(msg):
    body = msg[:-1] if msg.endswith(b"\n") else msg
    return body.split(b"\n")


class Logcat:
    def __init__(self, fmt):
        self.fmt = fmt
        self.lines = []
        self.ms = 0

    def stamp(self):
        self.ms += 3
        s = 30 + self.ms // 1000
        return "08-21 12:%02d:%02d.%03d" % (s // 60 + 30, s % 60, self.ms % 1000)

    def entry(self, level, tag, pid, tid, msg):
        stamp = self.stamp()
        for seg in logcat_segments(msg):
            if self.fmt == "threadtime":
                prefix = "%s %5d %5d %s %-8s: " % (stamp, pid, tid, level, tag)
            else:
                prefix = "%s/%-8s(%5d): " % (level, tag, pid)
            self.lines.append(prefix.encode() + seg)

    def rust(self, module, text, pid=4321, tid=4387, level="I"):
        for m in android_logger(module.encode() + b": " + text):
            self.entry(level, "libglean_ffi", pid, tid, m)

    def noise(self, n):
        others = [("D", "ActivityManager", 612, 640, b"Start proc 4321:org.mozilla.fenix/u0a190"),
                  ("I", "GeckoSession", 4321, 4321, b"handleMessage GeckoView:PageStart uri="),
                  ("W", "chromium", 5120, 5133, b"[WARNING:gpu_process_host.cc(1234)] lost\ncontext"),
                  ("D", "libglean_ffi", 4321, 4330, b"glean_core::metrics::ping: Storing ping 'baseline'"),
                  ("I", "libglean_ffi", 4321, 4387, b"glean_core::upload: Processing upload request")]
        for i in range(n):
            lv, tag, pid, tid, msg = others[(i + n) % len(others)]
            self.entry(lv, tag, pid, tid, msg)

    def ping(self, doc_id, path_ns, doc_type, payload, drop_last=False, noise_between=0):
        path = "/submit/%s/%s/1/%s" % (path_ns, doc_type, doc_id)
        self.rust("glean_core::upload", b"New upload task with id %s (path: %s)" % (doc_id.encode(), path.encode()))
        header_line = len(self.lines) + 1
        chunks = glean_chunks(path, payload)
        if drop_last:
            chunks = chunks[:-1]
        for i, c in enumerate(chunks):
            if i > 0 and noise_between:
                self.noise(noise_between)  # other threads' messages between the parts
            self.rust("glean_core::upload", c)
        return header_line, path, len(chunks)


MANIFEST = {}


def expect(log, line, path, name, payload):
    with open("%s/expected/%s" % (OUT, name), "wb") as f:
        f.write(payload)
    MANIFEST.setdefault(log, {"pings": [], "problems": []})["pings"].append(
        {"line": line, "path": path, "body": "expected/" + name})


def problem(log, line):
    MANIFEST.setdefault(log, {"pings": [], "problems": []})["problems"].append({"line": line})


def write(name, lines):
    with open("%s/%s" % (OUT, name), "wb") as f:
        f.write(b"\n".join(lines) + b"\n")


def metrics_with_newline_cut():
    # A long text metric (a part falls inside it whole: android_logger cuts it mid-line) and a
    # length for which a part ends with a newline (logcat does not show it).
    for model in ["Pixel 7", "Pixel 7a", "Pixel 8 Pro", "Pixel Fold", "Pixel Tablet", "Galaxy S23",
                  "Galaxy A54 5G", "Fairphone 5", "moto g84 5G", "Nokia G42 5G", "Xperia 10 V",
                  "Galaxy S23 Ultra (5G)", "sdk_gphone64_x86_64", "Pixel 6 Pro (emulator)",
                  "OnePlus Nord CE 3 Lite 5G", "Redmi Note 12 Pro+ 5G", "Galaxy Tab S9 FE+"]:
        p = pretty(android_metrics(9000, 150, model))
        if any(p[k - 1] == 0x0A for k in range(MAX, len(p), MAX)):
            return p
    raise SystemExit("no length ends a part with a newline")


def straddling_events():
    # The smallest padding for which a part boundary cuts a UTF-8 character.
    for pad in range(3, 400):
        p = pretty(android_events(pad))
        if any((p[k] & 0xC0) == 0x80 for k in range(MAX, len(p), MAX)):
            return p
    raise SystemExit("no padding cuts a character")


def android(fmt, name):
    lc = Logcat(fmt)
    lc.lines.append(b"--------- beginning of main")
    lc.noise(3)
    base = pretty(android_baseline())
    line, path, _ = lc.ping(u(101), ANDROID_APP, "baseline", base)
    expect(name, line, path, name + ".baseline.json", base)
    lc.noise(2)
    if fmt == "threadtime":
        metrics = metrics_with_newline_cut()
        line, path, parts = lc.ping(u(102), ANDROID_APP, "metrics", metrics, noise_between=2)
        assert parts >= 4, parts
        expect(name, line, path, name + ".metrics.json", metrics)
        lc.noise(2)
        events = straddling_events()
        line, path, parts = lc.ping(u(103), ANDROID_APP, "events", events)
        assert parts >= 2, parts
        expect(name, line, path, name + ".events.json", events)
        lc.noise(1)
        # The ring buffer lost the last part of this one.
        line, path, _ = lc.ping(u(104), ANDROID_APP, "metrics", pretty(android_metrics(900)), drop_last=True)
        problem(name, line)
        lc.noise(2)
        base2 = pretty(dict(android_baseline(), ping_info=ping_info(
            "baseline", 12, "2026-08-21T12:30:48.530+02:00", "2026-08-21T12:30:59.001+02:00", "active")))
        line, path, _ = lc.ping(u(105), ANDROID_APP, "baseline", base2)
        expect(name, line, path, name + ".baseline-2.json", base2)
    else:
        metrics = pretty(android_metrics(1200))
        line, path, parts = lc.ping(u(106), ANDROID_APP, "metrics", metrics, noise_between=1)
        assert parts >= 2, parts
        expect(name, line, path, name + ".metrics.json", metrics)
    lc.noise(2)
    write(name, lc.lines)


def env_logger_line(ts, text, module="glean_core::upload", level="INFO"):
    return ("[%s %-5s %s] " % (ts, level, module)).encode() + text


def desktop_env_logger(name):
    lines = [env_logger_line("2026-08-21T10:31:14Z", b"Glean initialized", "glean_core"),
             env_logger_line("2026-08-21T10:31:14Z", b"Upload enabled: true", "glean_core::core")]
    pings = [("baseline", desktop_baseline(), "2026-08-21T10:31:15Z", u(201)),
             ("prototype", desktop_prototype(), "2026-08-21T10:31:16Z", u(202)),
             ("metrics", desktop_metrics(), "2026-08-21T10:31:17Z", u(203))]
    for doc_type, doc, ts, doc_id in pings:
        path = "/submit/%s/%s/1/%s" % (DESKTOP_APP, doc_type, doc_id)
        lines.append(env_logger_line(ts, b"New upload task with id %s (path: %s)" % (doc_id.encode(), path.encode())))
        payload = pretty(doc)
        first, *rest = payload.split(b"\n")
        lines.append(env_logger_line(ts, first))
        expect(name, len(lines), path, name + "." + doc_type + ".json", payload)
        lines.extend(rest)
        lines.append(env_logger_line(ts, b"Ping %s successfully sent 200." % doc_id.encode(), "glean_core::upload"))
    # The process was killed while the log was written: the last ping is cut off.
    doc_id = u(204)
    path = "/submit/%s/events/1/%s" % (DESKTOP_APP, doc_id)
    lines.append(env_logger_line("2026-08-21T10:31:18Z", b"New upload task with id %s (path: %s)" % (doc_id.encode(), path.encode())))
    payload = pretty(desktop_events()).split(b"\n")
    lines.append(env_logger_line("2026-08-21T10:31:18Z", payload[0]))
    problem(name, len(lines))
    lines.extend(payload[1:len(payload) // 2])
    write(name, lines)


def desktop_plain(name):
    # A logger that prints the bare messages, and an older SDK's "Glean ping to URL" form.
    lines = [b"Glean initialized"]
    doc_id = u(301)
    path = "/submit/%s/baseline/1/%s" % (DESKTOP_APP, doc_id)
    lines.append(b"New upload task with id %s (path: %s)" % (doc_id.encode(), path.encode()))
    payload = pretty(desktop_baseline())
    expect(name, len(lines) + 1, path, name + ".baseline.json", payload)
    lines.extend(payload.split(b"\n"))
    doc_id = u(302)
    path = "/submit/%s/events/1/%s" % (DESKTOP_APP, doc_id)
    lines.append(b"DEBUG:glean._uploader:Glean ping to URL: " + path.encode())
    payload = pretty(desktop_events())
    expect(name, len(lines), path, name + ".events.json", payload)
    lines.extend(payload.split(b"\n"))
    # Glean could not decode this body to log it.
    doc_id = u(303)
    path = "/submit/%s/metrics/1/%s" % (DESKTOP_APP, doc_id)
    lines.append(b"New upload task with id %s (path: %s)" % (doc_id.encode(), path.encode()))
    lines.append(b"Glean ping to URL: " + path.encode())
    problem(name, len(lines))
    lines.append(b"<invalid ping payload>")
    lines.append(b"Glean shut down")
    write(name, lines)


if __name__ == "__main__":
    android("threadtime", "android-threadtime.logcat")
    android("brief", "android-brief.logcat")
    desktop_env_logger("desktop-env-logger.log")
    desktop_plain("desktop-plain.log")
    with open(OUT + "/expected/manifest.json", "w") as f:
        json.dump(MANIFEST, f, indent=2, sort_keys=True)
        f.write("\n")
    print(STATS)
