#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
"""Abuse probes against a fresh `pingscope --headless` on 127.0.0.1 (loopback only, bounded):
peak RSS of the process (VmHWM) and the latency of one normal ping sent during each probe.

usage: tests/bench/abuse-probe.py [PINGSCOPE_BIN]   (default build/dev/app/pingscope)
Probes: 2,000 idle connections; 500 slowloris connections (a header byte now and then);
200 concurrent gzip bombs (64 MiB of zeros, ~64 KB on the wire); 64 concurrent 10 MiB bodies."""
import gzip, os, re, socket, subprocess, sys, tempfile, threading, time, uuid

repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "build/dev/app/pingscope")


def rss_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def start():
    tmp = tempfile.mkdtemp(prefix="pingscope-abuse.")
    p = subprocess.Popen([binary, "--headless", "--port", "0", "--db", os.path.join(tmp, "a.pingscope")],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = None
    deadline = time.time() + 20
    while port is None and time.time() < deadline:
        m = re.search(r"capturing on http://127\.0\.0\.1:(\d+)", p.stdout.readline())
        if m:
            port = int(m.group(1))
    return p, port


def request(path, body, headers=()):
    h = "".join(f"{k}: {v}\r\n" for k, v in headers)
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n{h}\r\n").encode() + body


def normal_ping_ms(port):
    body = b'{"ping_info":{"seq":1},"client_info":{"client_id":"a670d57c-0bc6-4205-9be7-fc8f50aad72f"}}'
    t = time.time()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=60)
        s.sendall(request(f"/submit/firefox-desktop/baseline/1/{uuid.uuid4()}", body))
        status = s.recv(64).split(b" ")[1].decode()
        s.close()
    except OSError as e:
        return f"error {e.__class__.__name__}"
    return f"{(time.time() - t) * 1000:.0f} ms ({status})"


def probe(name, setup, hold=3.0):
    p, port = start()
    base = rss_kb(p.pid, "VmRSS")
    socks = []
    threads = []
    stop = threading.Event()
    try:
        setup(port, socks, threads, stop)
        time.sleep(hold / 2)
        latency = normal_ping_ms(port)
        time.sleep(hold / 2)
        peak = rss_kb(p.pid, "VmHWM")
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
        for s in socks:
            try:
                s.close()
            except OSError:
                pass
        alive = p.poll() is None
        p.terminate()
        p.wait(timeout=30)
    print(f"| {name} | {base // 1024} MB | {peak // 1024} MB | {latency} | {'yes' if alive else 'NO'} |", flush=True)


def idle(port, socks, threads, stop):
    for _ in range(2000):
        try:
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        except OSError:
            pass


def slowloris(port, socks, threads, stop):
    for _ in range(500):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"POST /submit/a/b/1/" + str(uuid.uuid4()).encode() + b" HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)

    def drip():
        while not stop.wait(0.5):
            for s in socks:
                try:
                    s.send(b"X")
                except OSError:
                    pass
    threads.append(threading.Thread(target=drip))
    threads[-1].start()


def concurrent_bodies(count, body, headers):
    def setup(port, socks, threads, stop):
        def one():
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=120)
                s.sendall(request(f"/submit/firefox-desktop/baseline/1/{uuid.uuid4()}", body, headers))
                s.recv(64)
                s.close()
            except OSError:
                pass
        for _ in range(count):
            threads.append(threading.Thread(target=one))
            threads[-1].start()
    return setup


if __name__ == "__main__":
    bomb = gzip.compress(b"0" * (64 << 20), 9)
    big = os.urandom(10 * 1024 * 1024 - 1024)
    print("| probe | RSS before | peak RSS | a normal ping meanwhile | alive |")
    print("|---|---|---|---|---|")
    probe("2,000 idle connections", idle)
    probe("500 slowloris connections", slowloris)
    probe(f"200 concurrent gzip bombs ({len(bomb) // 1024} KB → 64 MiB)", concurrent_bodies(200, bomb, [("Content-Encoding", "gzip")]), hold=8)
    probe("64 concurrent 10 MiB bodies", concurrent_bodies(64, big, []), hold=8)
