#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
"""Abuse probes against a fresh `pingscope --headless` on 127.0.0.1 (loopback only, bounded):
peak RSS of the process (VmHWM) and the latency of one normal ping sent during each probe.

usage: tests/bench/abuse-probe.py [PINGSCOPE_BIN] [PROBE-NAME-FILTER]   (default build/dev/app/pingscope)
Probes: 2,000 idle connections; 500 slowloris connections (a header byte now and then);
200 concurrent gzip bombs (64 MiB of zeros, ~64 KB on the wire); 64 concurrent 10 MiB bodies;
gzip JSON bombs (a ~60 KB body inflating to 60 MiB of empty arrays), one and four at once;
1,000 idle keep-alive connections (the cap) before a new client; 256 MiB pipelined on one
connection that never reads; 300 pipelined API requests never read; 200 stalled 9.9 MiB
bodies; the store file deleted while running."""
import gzip, os, re, socket, subprocess, sys, tempfile, threading, time, uuid

repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "build/dev/app/pingscope")
only = sys.argv[2] if len(sys.argv) > 2 else ""


def rss_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


current_db = None


def start():
    global current_db
    tmp = tempfile.mkdtemp(prefix="pingscope-abuse.")
    current_db = os.path.join(tmp, "a.pingscope")
    p = subprocess.Popen([binary, "--headless", "--port", "0", "--db", current_db],
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
    if only and only not in name:
        return
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


def json_bombs(count):
    text = b"[" + b"[]," * (20 << 20) + b"[]]"  # 60 MiB, 21 million values
    bomb = gzip.compress(text, 9)
    return concurrent_bodies(count, bomb, [("Content-Encoding", "gzip")]), len(bomb)


def keepalive_at_cap(port, socks, threads, stop):
    body = b"{}"
    for _ in range(1000):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(request(f"/submit/firefox-desktop/baseline/1/{uuid.uuid4()}", body))
            s.recv(4096)
            socks.append(s)
        except OSError:
            pass


def pipelined_flood(port, socks, threads, stop):
    one = request("/submit/firefox-desktop/baseline/1/" + str(uuid.uuid4()), b"{}" + b" " * 4000)
    chunk = one * 256

    def send():
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a client that reads nothing
        socks.append(s)
        sent = 0
        while sent < (256 << 20) and not stop.is_set():
            try:
                s.sendall(chunk)
                sent += len(chunk)
            except OSError:  # the server stopped reading: the send times out
                if stop.is_set():
                    break
    threads.append(threading.Thread(target=send))
    threads[-1].start()


def pipelined_api(port, socks, threads, stop):
    # Some pings to list, then 300 large API answers asked for and never read.
    for _ in range(200):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(request(f"/submit/firefox-desktop/baseline/1/{uuid.uuid4()}", b'{"x":"' + b"y" * 2000 + b'"}'))
        s.recv(4096)
        s.close()
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(b"GET /pingscope/v1/pings?limit=1000&payload=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * 300)
    socks.append(s)


def stalled_bodies(port, socks, threads, stop):
    for _ in range(200):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(f"POST /submit/firefox-desktop/baseline/1/{uuid.uuid4()} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      f"Content-Length: {int(9.9 * 1024 * 1024)}\r\n\r\n".encode() + b"x" * 65536)
            socks.append(s)
        except OSError:
            pass


def store_deleted(port, socks, threads, stop):
    os.unlink(current_db)


if __name__ == "__main__":
    bomb = gzip.compress(b"0" * (64 << 20), 9)
    big = os.urandom(10 * 1024 * 1024 - 1024)
    print("| probe | RSS before | peak RSS | a normal ping meanwhile | alive |")
    print("|---|---|---|---|---|")
    probe("2,000 idle connections", idle)
    probe("500 slowloris connections", slowloris)
    probe(f"200 concurrent gzip bombs ({len(bomb) // 1024} KB → 64 MiB)", concurrent_bodies(200, bomb, [("Content-Encoding", "gzip")]), hold=8)
    probe("64 concurrent 10 MiB bodies", concurrent_bodies(64, big, []), hold=8)
    one_bomb, size = json_bombs(1)
    probe(f"a gzip JSON bomb ({size // 1024} KB → 60 MiB, 21 M values)", one_bomb, hold=8)
    four_bombs, _ = json_bombs(4)
    probe("4 gzip JSON bombs at once", four_bombs, hold=12)
    probe("1,000 idle keep-alive connections (the cap)", keepalive_at_cap)
    probe("256 MiB pipelined on one connection, answers never read", pipelined_flood, hold=6)
    probe("300 pipelined API requests, never read", pipelined_api, hold=6)
    probe("200 stalled 9.9 MiB bodies", stalled_bodies, hold=4)
    probe("store file deleted while running", store_deleted, hold=2)
