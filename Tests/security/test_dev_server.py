"""`roster serve` under attack on loopback: traversal, oversized and slow requests, many connections.

The dev server (FlyingFox) must serve nothing outside the built site, refuse or drop absurd requests without
growing, and stay responsive while slow or idle clients hold connections and while many clients ask at once.
Every loop here is bounded in count and time, and only 127.0.0.1 is ever contacted.
"""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from support import copy_default_site, roster_binary, run

SECRET = "ROSTER-SECRET-" + str(os.getpid())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw_request(port, data, timeout=5.0, read_limit=4 << 20):
    """Sends bytes as they are (no client-side normalisation of the path) and returns (status, body bytes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks, size = [], 0
        try:
            while size < read_limit:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
                length = [int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
                if length and len(body) >= length[0]:
                    break
        except (socket.timeout, ConnectionResetError):
            pass
    response = b"".join(chunks)
    if not response.startswith(b"HTTP/1.1 "):
        return None, response
    return int(response[9:12]), response.partition(b"\r\n\r\n")[2]


def get(port, path, timeout=5.0):
    return raw_request(port, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode(), timeout)


def rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def start_server(work):
    """Starts `roster serve` on a copy of the default site in `work`; returns (port, process, built site folder)."""
    binary = roster_binary()
    if "serve" not in run([binary, "--help"]).stdout:
        pytest.fail("this roster has no serve command")
    root = copy_default_site(work / "site")
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")  # beside Content/: must never be served
    (work / "outside.txt").write_text(SECRET, encoding="utf-8")
    port = free_port()
    process = subprocess.Popen([binary, "serve", "--root", str(root), "--port", str(port), "--now", "2024-02-10"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(port, "/", timeout=1)[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("roster serve did not answer within 60 s")
    sites = [Path(p) for p in glob.glob(f"{tempfile.gettempdir()}/roster-serve-{process.pid}-*/site")]
    assert len(sites) == 1, sites
    return port, process, sites[0]


def stop_server(process):
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def server():
    work = Path(tempfile.mkdtemp(prefix="roster-serve-attack-"))
    port, process, site = start_server(work)
    # Symbolic links planted in the folder serve builds into, pointing out of the site.
    (site / "leak.txt").symlink_to(work / "outside.txt")
    (site / "leakdir").symlink_to(work)
    yield port, process
    stop_server(process)
    shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def own_server(tmp_path):
    """A server of its own, for a test that may leave it unwell."""
    port, process, _ = start_server(tmp_path)
    yield port, process
    stop_server(process)


TRAVERSALS = [
    "/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/%2E%2E/secret.txt", "/..%2f..%2fsecret.txt",
    "/%2e%2e%2f%2e%2e%2fsecret.txt", "/.%2e/.%2e/secret.txt", "/%252e%252e/%252e%252e/secret.txt", "/..\\..\\secret.txt",
    "/%5c..%5c..%5csecret.txt", "/index.html%00.txt", "/%00", "/%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt",
    "/%e0%80%ae%e0%80%ae/secret.txt", "//etc/passwd", "/providers/../../../secret.txt", "/etc/passwd", "/proc/self/environ",
    "/leak.txt", "/leakdir/outside.txt", "/leakdir/site/secret.txt", "/%2fetc%2fpasswd", "/.%00./secret.txt",
    "/%uff0e%uff0e/secret.txt", "/\uff0e\uff0e/secret.txt".encode().decode("latin-1"),
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_nothing_outside_the_site_is_served(server, path):
    port, _ = server
    status, body = raw_request(port, b"GET " + path.encode("latin-1") + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert status in (None, 400, 404), f"{path}: {status}"
    assert SECRET.encode() not in body and b"root:x:0" not in body and b"PATH=" not in body, path


@pytest.mark.parametrize("target", [b"../../secret.txt", b"http://127.0.0.1/../../secret.txt", b"*", b"secret.txt"])
def test_odd_request_targets(server, target):
    port, _ = server
    status, body = raw_request(port, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert status in (None, 400, 404), f"{target}: {status}"
    assert SECRET.encode() not in body


@pytest.mark.parametrize("host", [b"attacker.example", b"attacker.example:8080", b"127.0.0.1.nip.io", b"localhost.attacker.example"])
def test_a_rebound_name_is_refused(server, host):
    """DNS rebinding: a page on another site points a name of its own at 127.0.0.1 and reads the preview."""
    port, _ = server
    status, body = raw_request(port, b"GET /data/providers.json HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
    assert status == 403, f"{host}: {status}"
    assert b'"credit_code"' not in body
    status, _ = raw_request(port, b"GET /data/providers.json HTTP/1.1\r\nHost: localhost:%d\r\nConnection: close\r\n\r\n" % port)
    assert status == 200


def send_in_background(port, data):
    """Pushes `data` at the server from a thread, giving up after 5 s; returns the socket to close later."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)

    def push():
        try:
            sock.sendall(data)
        except OSError:
            pass  # the server stopped reading or hung up: both are fine

    threading.Thread(target=push, daemon=True).start()
    return sock


def responsive_during(port, process, attacks):
    """Sends the attacks, then checks five times over five seconds that others are still answered."""
    before = rss_kb(process.pid)
    sockets = [send_in_background(port, attack) for attack in attacks]
    try:
        for round_ in range(5):
            time.sleep(1)
            started = time.monotonic()
            status, _ = get(port, "/notices/", timeout=10)
            assert status == 200, f"round {round_}: no answer ({status})"
            assert time.monotonic() - started < 3, f"round {round_}: a normal request waited behind the attack"
        grown = rss_kb(process.pid) - before
        assert grown < 200_000, f"the server grew by {grown} KB"
    finally:
        for sock in sockets:
            sock.close()


HUGE_HEADER = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * (1 << 20) + b"\r\n\r\n"


def test_an_oversized_header_neither_grows_the_server_nor_blocks_others(own_server):
    port, process = own_server
    responsive_during(port, process, [HUGE_HEADER])


def test_endless_headers_and_bodies_neither_grow_the_server_nor_block_others(own_server):
    port, process = own_server
    responsive_during(port, process, [
        b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(50_000)) + b"\r\n",  # 50,000 headers
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000\r\n\r\n" + b"z" * (1 << 20),      # 10 GB announced
        b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n" + b"z" * 1000,
    ])


@pytest.mark.xfail(strict=True, reason="known limitation (SECURITY.md): FlyingFox 0.27.1 has no limit on request line or "
                   "header size and parses a long line in a loop that never yields, so two 1 MB header lines occupy both "
                   "threads of Swift's cooperative pool on a 2-core machine and the server stops answering for minutes; "
                   "strict, so this fails as soon as a fix makes it pass")
def test_two_oversized_requests_do_not_block_others(own_server):
    port, process = own_server
    responsive_during(port, process, [HUGE_HEADER, HUGE_HEADER])


def test_slow_and_idle_clients_do_not_block_others(server):
    port, _ = server
    slow = []
    for _ in range(100):  # slow-loris: headers that never end, a byte at a time
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        slow.append(sock)
    idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(200)]  # connect, say nothing
    try:
        for round_ in range(5):
            for sock in slow:
                try:
                    sock.sendall(b"a")
                except OSError:
                    pass
            started = time.monotonic()
            status, _ = get(port, "/notices/", timeout=5)
            assert status == 200
            assert time.monotonic() - started < 2, f"round {round_}: a normal request waited behind slow clients"
            time.sleep(0.2)
    finally:
        for sock in slow + idle:
            sock.close()


def test_many_parallel_clients_all_get_answers(server):
    port, process = server
    paths = ["/", "/industries/auto-parts/", "/providers/qlink-iot/", "/notices/qingdao-2024-1/", "/data/providers.csv",
             "/no-such-page/", "/assets/"]
    results, latencies, lock = [], [], threading.Lock()

    def client(n):
        for i in range(25):
            path = paths[(n + i) % len(paths)]
            started = time.monotonic()
            try:
                status, _ = get(port, path, timeout=10)
            except OSError as error:
                status = repr(error)
            with lock:
                results.append((path, status))
                latencies.append(time.monotonic() - started)

    before = rss_kb(process.pid)
    threads = [threading.Thread(target=client, args=(n,)) for n in range(40)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - started
    assert len(results) == 40 * 25
    failures = [(path, status) for path, status in results if status not in (200, 404)]
    assert failures == [], failures[:5]
    assert all(status == 404 for path, status in results if path in ("/no-such-page/", "/assets/"))
    latencies.sort()
    print(f"1000 requests from 40 clients in {elapsed:.1f} s; median {latencies[500] * 1000:.0f} ms, "
          f"p99 {latencies[990] * 1000:.0f} ms; RSS {before} → {rss_kb(process.pid)} KB")
    assert latencies[990] < 5
    assert get(port, "/")[0] == 200
