#!/usr/bin/python3
"""kv against real clients: redis-cli commands and their replies, raw
protocol abuse, idle and surplus clients, the memory limit,
redis-benchmark, and snapshots across restarts (kept, a torn/corrupt
newest one refused for the older one, all corrupt refused and empty,
SNAPSHOT_BAD=stop).

    tests/kv_test.py                 build the host program (scripts/host-app
                                     kv) and run it on 127.0.0.1
    tests/kv_test.py --host H --port P --disk IMAGE --start CMD --stop CMD
                                     a server run by someone else (a Tern
                                     guest): CMD are shell commands that
                                     start it (returning once it listens,
                                     or soon: the test waits for PING) and
                                     stop it; IMAGE is the disk file it
                                     uses, changed only while it is
                                     stopped; --log FILE is its console,
                                     for the snapshot lines

Prints "ok NAME" or "FAIL NAME: why" per check, then "N passed, N failed";
exits 1 on any failure.  Traffic goes only to the given host (127.0.0.1
by default).
"""
import argparse
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OOM = "OOM command not allowed when used memory > 'maxmemory'."


class HostServer:
    """The host build of kv, started and stopped here."""

    def __init__(self, port, disk, log):
        self.binary = os.path.join(ROOT, "build", "host", "kv")
        subprocess.run([os.path.join(ROOT, "scripts", "host-app"), "kv",
                        self.binary], check=True, cwd=ROOT)
        self.port, self.disk, self.log = port, disk, log
        self.proc = None
        self.env = {}

    def start(self, **env):
        self.env = dict(os.environ, PORT=str(self.port), BIND="127.0.0.1",
                        DISK=self.disk, **env)
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen([self.binary], env=self.env,
                                         stdout=log, stderr=log)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)
        self.proc = None

    def exited(self, timeout):
        """The exit status if the server stopped by itself within timeout."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None


class HookServer:
    """A server run by shell commands (a Tern guest)."""

    def __init__(self, start, stop):
        self.start_cmd, self.stop_cmd = start, stop

    def start(self, **env):
        subprocess.run(self.start_cmd, shell=True, check=True,
                       env=dict(os.environ, **env))

    def stop(self):
        subprocess.run(self.stop_cmd, shell=True, check=True)

    def exited(self, timeout):
        return None


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, why=""):
        if ok:
            self.passed += 1
            print(f"ok {name}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL {name}: {why}", flush=True)
        return ok


def cli(host, port, *args):
    """redis-cli's output (not a terminal: raw replies, one per line)."""
    try:
        p = subprocess.run(["redis-cli", "-h", host, "-p", str(port), *args],
                           capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return f"(no answer in 20 s to {' '.join(args)[:60]})"
    return (p.stdout + p.stderr).rstrip("\n")


def raw(host, port, data, timeout=5.0, expect_close=False):
    """Send bytes, read until the server closes or goes quiet."""
    s = socket.create_connection((host, port), timeout=timeout)
    s.sendall(data)
    got = b""
    s.settimeout(0.5 if not expect_close else timeout)
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except socket.timeout:
        pass
    s.close()
    return got


def wait_ready(host, port, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        try:
            if raw(host, port, b"PING\r\n", timeout=1) == b"+PONG\r\n":
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


# ---- checks ------------------------------------------------------------------
CLI_CASES = [
    (["FLUSHALL"], "OK"),
    (["PING"], "PONG"),
    (["PING", "hello"], "hello"),
    (["ECHO", "two words"], "two words"),
    (["SET", "k", "v"], "OK"),
    (["GET", "k"], "v"),
    (["GET", "missing"], ""),
    (["SET", "k", "w", "NX"], ""),
    (["SET", "k", "w", "XX"], "OK"),
    (["SET", "t", "v", "EX", "100"], "OK"),
    (["TTL", "t"], "100"),
    (["SET", "p", "v", "PX", "100000"], "OK"),
    (["TTL", "p"], "100"),
    (["TTL", "k"], "-1"),
    (["TTL", "missing"], "-2"),
    (["EXPIRE", "k", "50"], "1"),
    (["TTL", "k"], "50"),
    (["EXPIRE", "missing", "50"], "0"),
    (["INCR", "n"], "1"),
    (["INCRBY", "n", "41"], "42"),
    (["DECR", "n"], "41"),
    (["MSET", "a", "1", "b", "2"], "OK"),
    (["MGET", "a", "missing", "b"], "1\n\n2"),
    (["EXISTS", "a", "b", "missing"], "2"),
    (["DEL", "a", "b", "missing"], "2"),
    (["DBSIZE"], "4"),
    (["INCR", "k"], "ERR value is not an integer or out of range"),
    (["SET", "big", "9223372036854775807"], "OK"),
    (["INCR", "big"], "ERR increment or decrement would overflow"),
    (["GET"], "ERR wrong number of arguments for 'get' command"),
    (["SET", "x"], "ERR wrong number of arguments for 'set' command"),
    (["MSET", "a", "1", "b"], "ERR wrong number of arguments for 'mset' command"),
    (["SET", "x", "y", "NX", "XX"], "ERR syntax error"),
    (["SET", "x", "y", "EX", "0"], "ERR invalid expire time in 'set' command"),
    (["SET", "x", "y", "EX", "ten"], "ERR value is not an integer or out of range"),
    (["NOSUCH", "a", "b"],
     "ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' "),
    (["CONFIG", "GET", "appendonly"], "appendonly\nno"),
    (["FLUSHALL"], "OK"),
    (["DBSIZE"], "0"),
]


def check_cli(c, host, port):
    for args, want in CLI_CASES:
        got = cli(host, port, *args)
        c.check(f"redis-cli {' '.join(args)}", got == want,
                f"got {got!r}, want {want!r}")
    info = cli(host, port, "INFO")
    c.check("redis-cli INFO", "redis_version:" in info and
            "used_memory:" in info, info[:200])


def check_raw_protocol(c, host, port):
    got = raw(host, port, b"*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\nPING\r\n"
              b"*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$1\r\n1\r\nINCR q\r\nQUIT\r\n",
              expect_close=True)
    c.check("pipelined commands, QUIT closes",
            got == b"$3\r\nabc\r\n+PONG\r\n+OK\r\n:2\r\n+OK\r\n", repr(got))
    cases = [
        (b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
        (b"*1\r\n$-5\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
        (b"*1\r\n$99999999999\r\n",
         b"-ERR Protocol error: invalid bulk length\r\n"),
        (b"*1\r\n+x\r\n", b"-ERR Protocol error: expected '$', got '+'\r\n"),
        (b'GET "abc\r\n',
         b"-ERR Protocol error: unbalanced quotes in request\r\n"),
        (b"A" * 70000, b"-ERR Protocol error: too big inline request\r\n"),
    ]
    for data, want in cases:
        got = raw(host, port, data, expect_close=True)
        c.check(f"bad input {data[:20]!r} gets Redis's error and a close",
                got == want, repr(got[:200]))
    # the protocol error ended that client only
    c.check("server still serves after bad input",
            cli(host, port, "PING") == "PONG")


def info_field(host, port, name):
    m = re.search(rf"^{name}:(\d+)", cli(host, port, "INFO"), re.M)
    return int(m.group(1)) if m else -1


def check_back_pressure(c, host, port):
    """A client that pipelines 1 MB of GETs and reads nothing: kv must stop
    reading it rather than queue every reply (each GET of a 1000-byte value
    makes a 1007-byte reply: 100 MB if all were queued), then answer every
    request in order once the client reads."""
    count = 150000
    cli(host, port, "SET", "bp", "v" * 1000)
    s = socket.create_connection((host, port), timeout=30)
    sent = []

    def send():
        try:
            s.sendall(b"GET bp\r\n" * count)
            sent.append(True)
        except OSError:
            pass
    import threading
    t = threading.Thread(target=send, daemon=True)
    t.start()
    time.sleep(2)
    used = info_field(host, port, "used_memory")
    limit = int(cli(host, port, "CONFIG", "GET", "maxmemory").split("\n")[1])
    c.check("a client that never reads is not buffered without bound",
            0 < used < max(limit, 4 << 20), f"used_memory {used}")
    want = count * len(b"$1000\r\n" + b"v" * 1000 + b"\r\n")
    got = 0
    s.settimeout(30)
    while got < want:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        got += len(chunk)
    t.join(30)
    s.close()
    c.check("every pipelined reply arrives once the client reads",
            got == want and sent, f"{got} of {want} bytes")
    cli(host, port, "DEL", "bp")


def check_clients(c, host, port, maxclients):
    idle = []
    try:
        for _ in range(maxclients - 1):
            idle.append(socket.create_connection((host, port), timeout=5))
        # each idle connection counts once the server accepted it
        time.sleep(0.5)
        c.check("idle clients do not block others",
                cli(host, port, "PING") == "PONG")
        extra = [socket.create_connection((host, port), timeout=5)
                 for _ in range(2)]
        time.sleep(0.3)
        replies = []
        for s in extra:
            s.settimeout(2)
            try:
                replies.append(s.recv(100))
            except socket.timeout:
                replies.append(b"(nothing)")
            s.close()
        c.check("clients past MAXCLIENTS are refused",
                b"-ERR max number of clients reached\r\n" in replies,
                repr(replies))
    finally:
        for s in idle:
            s.close()
    time.sleep(0.3)
    c.check("served again after the idle clients left",
            cli(host, port, "PING") == "PONG")


def check_memory_limit(c, host, port):
    limit = int(cli(host, port, "CONFIG", "GET", "maxmemory").split("\n")[1])
    if not limit:
        c.check("maxmemory set", False, "the server has no memory limit")
        return
    value = "x" * 100000
    got, n = "OK", 0
    while got == "OK" and n < limit // 100000 + 10:
        got = cli(host, port, "SET", f"fill{n}", value)
        n += 1
    c.check("writes past MAXMEMORY get -OOM", got == OOM, got[:200])
    c.check("reads still served at the limit",
            len(cli(host, port, "GET", "fill0")) == 100000)
    cli(host, port, "FLUSHALL")
    c.check("writes accepted again after FLUSHALL",
            cli(host, port, "SET", "fill0", value) == "OK")
    cli(host, port, "FLUSHALL")


def check_benchmark(c, host, port):
    p = subprocess.run(["redis-benchmark", "-h", host, "-p", str(port), "-q",
                        "-n", "20000", "-c", "20", "-t", "set,get,incr"],
                       capture_output=True, text=True, timeout=300)
    out = p.stdout + p.stderr
    lines = [l.split("\r")[-1] for l in out.splitlines()]
    done = [l for l in lines if "requests per second" in l]
    print("  " + "\n  ".join(done))
    c.check("redis-benchmark set,get,incr without errors",
            p.returncode == 0 and len(done) == 3 and
            not re.search(r"error|ERR|WARNING", out, re.I),
            out[-1000:])


# ---- snapshots ---------------------------------------------------------------
def slots(disk):
    """(generation, body offset, body length) of each valid-looking slot."""
    found = []
    with open(disk, "rb") as f:
        for n in range(2):
            f.seek(512 * n)
            h = f.read(64)
            if len(h) == 64 and h[:8] == b"TERNKV\0\1":
                gen, off, length = struct.unpack_from("<QQQ", h, 16)
                found.append((gen, off, length))
    return sorted(found, reverse=True)


def corrupt_body(disk, off, length):
    with open(disk, "r+b") as f:
        f.seek(off + length // 2)
        b = f.read(1)
        f.seek(off + length // 2)
        f.write(bytes([b[0] ^ 0x55]))


def log_since(log, mark):
    if not log or not os.path.exists(log):
        return ""
    with open(log, errors="replace") as f:
        f.seek(mark)
        return f.read()


def log_mark(log):
    return os.path.getsize(log) if log and os.path.exists(log) else 0


def restart(server, host, port, **env):
    server.stop()
    server.start(**env)
    return wait_ready(host, port)


def check_snapshots(c, server, host, port, disk, log, can_stop_on_bad):
    cli(host, port, "FLUSHALL")
    cli(host, port, "SET", "keep", "one")
    cli(host, port, "SET", "ttl", "v", "EX", "1000")
    c.check("SAVE", cli(host, port, "SAVE") == "OK")
    cli(host, port, "SET", "keep", "two")
    cli(host, port, "SET", "later", "yes")
    c.check("BGSAVE saves too",
            cli(host, port, "BGSAVE") == "Background saving started")
    c.check("restart on the same disk",
            restart(server, host, port), "not answering PING")
    c.check("GET after restart finds the newest snapshot",
            cli(host, port, "MGET", "keep", "later") == "two\nyes")
    ttl = cli(host, port, "TTL", "ttl")
    c.check("a key's time to live survives a restart",
            ttl.isdigit() and 990 <= int(ttl) <= 1000, ttl)

    if not disk:
        return
    server.stop()
    newest = slots(disk)
    c.check("two snapshot slots on the disk", len(newest) == 2, repr(newest))
    if len(newest) != 2:
        return
    corrupt_body(disk, newest[0][1], newest[0][2])
    mark = log_mark(log)
    server.start()
    c.check("server starts after a corrupt newest snapshot",
            wait_ready(host, port))
    c.check("a corrupt newest snapshot is refused, the older one served",
            cli(host, port, "GET", "keep") == "one" and
            cli(host, port, "EXISTS", "later") == "0")
    if log:
        c.check("the refusal is one line naming it",
                re.search(r"snapshot refused: .*body checksum mismatch.*"
                          r"loaded the older one", log_since(log, mark)),
                log_since(log, mark)[-500:])

    server.stop()
    corrupt_body(disk, newest[1][1], newest[1][2])
    mark = log_mark(log)
    server.start()
    c.check("server starts after every snapshot is corrupt",
            wait_ready(host, port))
    c.check("every snapshot corrupt, refused and empty, never half",
            cli(host, port, "DBSIZE") == "0")
    if log:
        c.check("that refusal is one line too",
                re.search(r"refused: .*starting empty", log_since(log, mark)),
                log_since(log, mark)[-500:])
    if can_stop_on_bad:
        server.stop()
        mark = log_mark(log)
        server.start(SNAPSHOT_BAD="stop")
        status = server.exited(10)
        c.check("SNAPSHOT_BAD=stop stops on a corrupt snapshot",
                status == 3 and "stopping (SNAPSHOT_BAD=stop)" in
                log_since(log, mark), f"status {status}")
        server.start()
        wait_ready(host, port)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default=None)
    ap.add_argument("--port", type=int, default=6379)
    ap.add_argument("--disk", help="the server's disk image (for corruption)")
    ap.add_argument("--start", help="shell command starting the server")
    ap.add_argument("--stop", help="shell command stopping the server")
    ap.add_argument("--log", help="the server's console output")
    ap.add_argument("--maxclients", type=int, default=64)
    ap.add_argument("--no-bench", action="store_true")
    args = ap.parse_args()
    for tool in ("redis-cli", "redis-benchmark"):
        if not shutil.which(tool):
            print(f"kv-test: {tool} missing: run scripts/setup (redis-tools)")
            return 1

    c = Checks()
    tmp = tempfile.mkdtemp(prefix="kv-test-")
    if args.host:
        host, port = args.host, args.port
        server = HookServer(args.start, args.stop)
        disk, log, own = args.disk, args.log, False
    else:
        host, port = "127.0.0.1", free_port()
        disk, log = os.path.join(tmp, "disk.img"), os.path.join(tmp, "kv.log")
        server = HostServer(port, disk, log)
        own = True
    try:
        server.start()
        if not c.check("server answers PING", wait_ready(host, port)):
            print(log_since(log, 0)[-2000:])
        else:
            check_cli(c, host, port)
            check_raw_protocol(c, host, port)
            check_clients(c, host, port, args.maxclients)
            check_back_pressure(c, host, port)
            check_memory_limit(c, host, port)
            if not args.no_bench:
                check_benchmark(c, host, port)
            check_snapshots(c, server, host, port, disk, log, own)
    finally:
        server.stop()
        if own:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"kv-test: {c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
