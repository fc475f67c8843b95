#!/usr/bin/python3
"""Checks a running httpd from outside, with curl and raw sockets.

    tests/httpd_check.py --launch            build the host program
                                             (scripts/host-app httpd), pack
                                             a test site, serve it on
                                             127.0.0.1, check, stop
    tests/httpd_check.py --pack SITE.tar     pack the test site only (for a
                                             guest to serve as its module)
    tests/httpd_check.py --base URL --tar SITE.tar [--idle-ms N]
                                             check a server already running
                                             (the Tern guest) that serves
                                             SITE.tar

Checks: every file of the site byte-equal to the archive; keep-alive and
pipelining; HEAD; 304 (If-None-Match, If-Modified-Since); 206 and 416;
301 for a directory; 404; 405; 414; 431; 400 for junk; request bodies
(chunked, Content-Length, bad chunks, absurd lengths); 50 clients at once;
a burst of junk, silent and slow clients, after which a normal request
succeeds within a second; the slow and silent ones dropped by the idle
timeout; 503 beyond the connection cap; a large file to a client that
reads slowly while others are served.  TAP-style lines; the exit status
is the number of failures.  Traffic goes only to the address given
(127.0.0.1 in --launch mode).
"""
import argparse
import hashlib
import io
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
failures = 0
count = 0


def report(name, ok, detail=""):
    global failures, count
    count += 1
    if ok:
        print(f"ok {count} - {name}", flush=True)
    else:
        failures += 1
        print(f"not ok {count} - {name}: {detail}", flush=True)


# ---- the site as packed ------------------------------------------------------
def site_files(tar_path):
    """{url path: bytes} for every regular file of the archive."""
    files = {}
    with tarfile.open(tar_path, format=tarfile.USTAR_FORMAT) as t:
        for m in t.getmembers():
            if m.isfile():
                name = os.path.normpath(m.name).lstrip("/")
                files["/" + name] = t.extractfile(m).read()
    return files


def url_of(base, path):
    return base + urllib.parse.quote(path)


# ---- raw HTTP ------------------------------------------------------------------
class Conn:
    def __init__(self, host, port, timeout=5.0, rcvbuf=None):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.settimeout(timeout)
        self.s.connect((host, port))
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def _fill(self):
        d = self.s.recv(65536)
        if not d:
            raise EOFError("connection closed")
        self.buf += d

    def response(self, head_only=False):
        """(status, {field: value}, body) of the next response."""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        fields = {}
        for line in lines[1:]:
            k, v = line.split(":", 1)
            fields[k.strip().lower()] = v.strip()
        n = 0 if head_only or status in (304,) else int(fields.get("content-length", 0))
        while len(self.buf) < n:
            self._fill()
        body, self.buf = self.buf[:n], self.buf[n:]
        return status, fields, body

    def closed_by_peer(self):
        """True when the peer closes (EOF or reset) before the timeout."""
        try:
            while True:
                d = self.s.recv(65536)
                if not d:
                    return True
                self.buf += d
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    def close(self):
        self.s.close()


def get(host_hdr, path, extra=""):
    return (f"GET {path} HTTP/1.1\r\nHost: {host_hdr}\r\n{extra}\r\n").encode()


def curl(*args):
    p = subprocess.run(["curl", "-s", "--max-time", "10", *args],
                       capture_output=True)
    return p


# ---- the checks ------------------------------------------------------------------
class Checker:
    def __init__(self, base, tar_path, idle_ms, max_conns):
        self.base = base.rstrip("/")
        u = urllib.parse.urlsplit(self.base)
        self.host, self.port = u.hostname, u.port or 80
        self.hosthdr = u.netloc
        self.files = site_files(tar_path)
        self.idle_ms = idle_ms
        self.max_conns = max_conns
        self.tmp = tempfile.mkdtemp(prefix="httpd-check-")

    def conn(self, **kw):
        return Conn(self.host, self.port, **kw)

    def every_file(self):
        paths = sorted(self.files)
        args, outs = [], []
        for i, p in enumerate(paths):
            out = os.path.join(self.tmp, f"f{i}")
            outs.append(out)
            args += ["-o", out, url_of(self.base, p)]
        p = curl("-v", *args)
        bad = [path for path, out in zip(paths, outs)
               if not os.path.exists(out) or open(out, "rb").read() != self.files[path]]
        report(f"every file of the site byte-equal ({len(paths)} files, one curl)",
               not bad and p.returncode == 0, f"differ: {bad[:5]} rc={p.returncode}")
        reused = p.stderr.count(b"Re-using existing connection") + \
            p.stderr.count(b"Reusing existing connection")
        report("curl kept the connection alive across the files",
               len(paths) < 2 or reused >= len(paths) - 1,
               f"{reused} reuses for {len(paths)} requests")
        if "/index.html" in self.files:
            p = curl(self.base + "/")
            report("/ serves index.html", p.stdout == self.files["/index.html"])

    def keep_alive_and_pipelining(self):
        c = self.conn()
        path, data = next(iter(sorted(self.files.items())))
        ok = True
        for _ in range(3):
            c.send(get(self.hosthdr, urllib.parse.quote(path)))
            st, f, body = c.response()
            ok = ok and st == 200 and body == data
        report("keep-alive: three requests in turn on one connection", ok)
        # 20: more than the server answers in one turn of its loop (8)
        c.send(get(self.hosthdr, urllib.parse.quote(path)) * 20)
        got = [c.response() for _ in range(20)]
        report("pipelining: 20 requests in one write, 20 answers in order",
               all(st == 200 and body == data for st, _, body in got))
        c.send(f"HEAD {urllib.parse.quote(path)} HTTP/1.1\r\nHost: h\r\n\r\n".encode() +
               get(self.hosthdr, "/no-such-file"))
        st, f, body = c.response(head_only=True)
        st2, _, _ = c.response()
        report("HEAD: the fields of GET and no body (the next answer follows at once)",
               st == 200 and int(f["content-length"]) == len(data) and st2 == 404,
               f"{st} {f} then {st2}")
        c.close()
        c = self.conn()
        c.send(f"GET {urllib.parse.quote(path)} HTTP/1.0\r\n\r\n".encode())
        st, f, body = c.response()
        report("HTTP/1.0 without keep-alive: answered, then closed",
               st == 200 and body == data and c.closed_by_peer())
        c.close()

    def conditional_and_ranges(self):
        path, data = max(self.files.items(), key=lambda kv: len(kv[1]))
        url = url_of(self.base, path)
        p = curl("-D", "-", "-o", "/dev/null", url)
        head = p.stdout.decode("latin-1")
        etag = re.search(r"(?im)^etag: (.*)\r$", head)
        lm = re.search(r"(?im)^last-modified: (.*)\r$", head)
        report("ETag and Last-Modified given", etag and lm, head)
        if not (etag and lm):
            return
        code = curl("-o", "/dev/null", "-w", "%{http_code}", "-H",
                    f"If-None-Match: {etag.group(1)}", url).stdout
        report("If-None-Match with the ETag: 304", code == b"304", code)
        code = curl("-o", "/dev/null", "-w", "%{http_code}", "-H",
                    f"If-Modified-Since: {lm.group(1)}", url).stdout
        report("If-Modified-Since the Last-Modified: 304", code == b"304", code)
        code = curl("-o", "/dev/null", "-w", "%{http_code}", "-H",
                    'If-None-Match: "other"', url).stdout
        report("If-None-Match with another tag: 200", code == b"200", code)
        n = len(data)
        a, b = n // 3, n // 3 + 9
        p = curl("-D", os.path.join(self.tmp, "h"), "-r", f"{a}-{b}", url)
        head = open(os.path.join(self.tmp, "h"), "rb").read()
        report("Range: 206 with the bytes asked for",
               head.startswith(b"HTTP/1.1 206") and p.stdout == data[a:b + 1] and
               f"content-range: bytes {a}-{b}/{n}".encode() in head.lower(),
               head)
        p = curl("-r", "-5", url)
        report("Range suffix: the last 5 bytes", p.stdout == data[-5:])
        code = curl("-o", "/dev/null", "-w", "%{http_code}", "-r",
                    f"{n}-", url).stdout
        report("Range past the end: 416", code == b"416", code)

    def errors(self):
        code = curl("-o", "/dev/null", "-w", "%{http_code}",
                    self.base + "/no-such-file").stdout
        report("a missing file: 404", code == b"404", code)
        p = curl("-D", "-", "-o", "/dev/null", "-X", "POST", "-d", "x=1",
                 self.base + "/")
        report("POST: 405 with Allow: GET, HEAD",
               p.stdout.startswith(b"HTTP/1.1 405") and b"Allow: GET, HEAD" in p.stdout,
               p.stdout)
        dirs = {os.path.dirname(p) for p in self.files if os.path.dirname(p) != "/"}
        if dirs:
            d = sorted(dirs)[0]
            p = curl("-D", "-", "-o", "/dev/null", url_of(self.base, d))
            report("a directory without its slash: 301 to it with one",
                   p.stdout.startswith(b"HTTP/1.1 301") and
                   f"Location: {urllib.parse.quote(d)}/".encode() in p.stdout, p.stdout)
        c = self.conn()
        fields = "".join(f"X-F{i}: v\r\n" for i in range(40))
        c.send(f"GET / HTTP/1.1\r\nHost: h\r\n{fields}\r\n".encode())
        st, _, _ = c.response()
        report("40 header fields: 431", st == 431, st)
        c.close()
        c = self.conn()
        c.send(b"GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + b"b" * 5000 + b"\r\n\r\n")
        st, _, _ = c.response()
        report("a 5000-byte header: 431", st == 431, st)
        c.close()
        code = curl("-o", "/dev/null", "-w", "%{http_code}",
                    self.base + "/" + "a" * 3000).stdout
        report("a 3000-byte target: 414", code == b"414", code)
        c = self.conn()
        c.send(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64))
        st, _, _ = c.response()
        report("junk (a TLS hello): 400 and close", st == 400 and c.closed_by_peer(), st)
        c.close()
        c = self.conn()
        c.send(b"GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n")
        st, _, _ = c.response()
        report("a NUL byte in a field: 400", st == 400, st)
        c.close()

    def bodies(self):
        c = self.conn()
        c.send(b"GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"4\r\nwiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n" + get(self.hosthdr, "/no-such"))
        st1, _, _ = c.response()
        st2, _, _ = c.response()
        report("a chunked body is read past, the next request answered",
               st1 in (200, 404) and st2 == 404, (st1, st2))
        c.send(b"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nabcde" +
               get(self.hosthdr, "/no-such"))
        st1, _, _ = c.response()
        st2, _, _ = c.response()
        report("a Content-Length body is read past, the next request answered",
               st1 in (200, 404) and st2 == 404, (st1, st2))
        c.close()
        c = self.conn()
        c.send(b"GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"zz\r\nwiki\r\n")
        st, _, _ = c.response()
        report("a bad chunk size: 400", st == 400, st)
        c.close()
        c = self.conn()
        c.send(b"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999\r\n\r\n")
        st, _, _ = c.response()
        report("an absurd Content-Length: 413", st == 413, st)
        c.close()

    def many_clients(self, n=50):
        path, data = max(self.files.items(), key=lambda kv: len(kv[1]))
        procs = []
        for i in range(n):
            out = os.path.join(self.tmp, f"c{i}")
            procs.append((out, subprocess.Popen(
                ["curl", "-s", "--max-time", "20", "-o", out,
                 url_of(self.base, path)])))
        bad = 0
        for out, p in procs:
            p.wait()
            if p.returncode != 0 or open(out, "rb").read() != data:
                bad += 1
        report(f"{n} curl clients at once, each byte-equal ({len(data)} bytes)",
               bad == 0, f"{bad} failed")

    def hostile_burst(self):
        """Junk, silent and slow clients, then a normal request."""
        stop = threading.Event()
        slow, silent, junk = [], [], []
        for _ in range(10):
            silent.append(self.conn(timeout=30))
        for _ in range(10):
            c = self.conn(timeout=30)
            c.send(b"GET / HTTP/1.1\r\n")
            slow.append(c)

        def drip():
            # a byte every half second: never finishing the head
            while not stop.is_set():
                for c in slow:
                    try:
                        c.send(b"X")
                    except OSError:
                        pass
                stop.wait(0.5)
        t = threading.Thread(target=drip, daemon=True)
        t.start()
        for i in range(10):
            c = self.conn(timeout=5)
            try:
                c.send(os.urandom(200 + i))
            except OSError:
                pass
            junk.append(c)
        time.sleep(0.3)
        t0 = time.time()
        p = curl("--max-time", "1", "-o", "/dev/null", "-w", "%{http_code}",
                 self.base + "/")
        took = time.time() - t0
        report(f"after 30 junk, silent and slow clients a request is answered "
               f"within a second ({took:.3f} s)", p.stdout == b"200" and took < 1.0,
               (p.stdout, took))
        # The idle timeout drops the slow and silent ones, with a 408.
        deadline = time.time() + self.idle_ms / 1000 + 3
        dropped = 0
        for c in slow + silent:
            c.s.settimeout(max(0.1, deadline - time.time()))
            if c.closed_by_peer():
                dropped += b"408" in c.buf
        stop.set()
        report(f"slow and silent clients dropped with 408 by IDLE_MS={self.idle_ms}",
               dropped == 20, f"{dropped} of 20")
        for c in slow + silent + junk:
            c.close()

    def connection_cap(self):
        held = []
        try:
            for _ in range(self.max_conns):
                held.append(self.conn(timeout=5))
            time.sleep(0.3)
            c = self.conn(timeout=5)
            c.send(get(self.hosthdr, "/"))
            try:
                st, _, _ = c.response()
            except (EOFError, ConnectionResetError) as e:
                st = repr(e)
            report(f"connection {self.max_conns + 1} (over MAX_CONNS): 503 and close",
                   st == 503 and c.closed_by_peer(), st)
            c.close()
        finally:
            for c in held:
                c.close()
        time.sleep(0.3)
        code = curl("-o", "/dev/null", "-w", "%{http_code}", self.base + "/").stdout
        report("served again once connections are freed", code == b"200", code)

    def slow_reader(self):
        path, data = max(self.files.items(), key=lambda kv: len(kv[1]))
        if len(data) < 1 << 20:
            report("slow reader of a large file", True, "")
            print("# skip: no file of 1 MiB or more in this site")
            return
        c = self.conn(timeout=20, rcvbuf=4096)
        c.send(get(self.hosthdr, urllib.parse.quote(path)))
        time.sleep(0.5)  # the server's send buffer fills; its writes block
        t0 = time.time()
        code = curl("--max-time", "2", "-o", "/dev/null", "-w", "%{http_code}",
                    self.base + "/").stdout
        took = time.time() - t0
        report(f"while a client reads a large file slowly, others are served "
               f"({took:.3f} s)", code == b"200" and took < 1.0, code)
        st, _, body = c.response()
        report("the slow reader gets every byte (writes resumed on POLLOUT)",
               st == 200 and hashlib.sha256(body).digest() ==
               hashlib.sha256(data).digest())
        c.close()

    def run(self):
        for check in (self.every_file, self.keep_alive_and_pipelining,
                      self.conditional_and_ranges, self.errors, self.bodies,
                      self.many_clients, self.slow_reader, self.hostile_burst,
                      self.connection_cap):
            try:
                check()
            except (OSError, EOFError, ValueError, IndexError) as e:
                # a closed connection or a garbled answer fails this group
                report(check.__name__, False, repr(e))
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---- --launch: the host build on 127.0.0.1 ----------------------------------------
def make_test_site(folder):
    """The demo site, plus what exercises more: a 3 MiB file, a name with
    a space, nesting, an empty file."""
    shutil.copytree(os.path.join(ROOT, "apps/httpd/site"), folder)
    rnd = random.Random(14)
    os.makedirs(os.path.join(folder, "files/deep/er"))
    with open(os.path.join(folder, "files/big.bin"), "wb") as f:
        f.write(bytes(rnd.getrandbits(8) for _ in range(3 << 20)))
    with open(os.path.join(folder, "files/a name.txt"), "w") as f:
        f.write("a name with a space\n")
    with open(os.path.join(folder, "files/deep/er/x.json"), "w") as f:
        f.write('{"deep": true}\n')
    open(os.path.join(folder, "files/empty.txt"), "w").close()


def pack_test_site(tar):
    work = tempfile.mkdtemp(prefix="httpd-site-")
    try:
        make_test_site(os.path.join(work, "site"))
        subprocess.run([os.path.join(ROOT, "scripts/pack-site"),
                        os.path.join(work, "site"), tar], check=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def launch(args):
    work = tempfile.mkdtemp(prefix="httpd-site-")
    try:
        binary = os.path.join(ROOT, "build/host/httpd")
        subprocess.run([os.path.join(ROOT, "scripts/host-app"), "httpd", binary],
                       cwd=ROOT, check=True)
        make_test_site(os.path.join(work, "site"))
        tar = os.path.join(work, "site.tar")
        subprocess.run([os.path.join(ROOT, "scripts/pack-site"),
                        os.path.join(work, "site"), tar], check=True)
        port = free_port()
        env = dict(os.environ, PORT=str(port), SITE=tar, IDLE_MS=str(args.idle_ms),
                   MAX_CONNS=str(args.max_conns))
        log = open(os.path.join(work, "log"), "w+")
        proc = subprocess.Popen([binary], env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                log.seek(0)
                if "httpd: serving" in log.read():
                    break
                time.sleep(0.05)
            log.seek(0)
            first = log.readline()
            nfiles = len(site_files(tar))
            report("the start line", first.strip() ==
                   f"httpd: serving {nfiles} files on port {port}", first)
            Checker(base, tar, args.idle_ms, args.max_conns).run()
            report("the server is still running", proc.poll() is None, proc.poll())
        finally:
            proc.terminate()
            proc.wait(5)
        log.seek(0)
        text = log.read()
        clf = re.findall(r'^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] '
                         r'"[^"]*" \d{3} (?:\d+|-)$', text, re.M)
        report(f"access log: one common-log-format line per request ({len(clf)})",
               len(clf) > 100 and not re.search(r"ERROR|runtime error", text),
               text[-2000:])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--launch", action="store_true")
    ap.add_argument("--pack", help="only pack the test site into this tar")
    ap.add_argument("--base", help="e.g. http://10.0.0.2:80")
    ap.add_argument("--tar", help="the archive the server serves")
    ap.add_argument("--idle-ms", type=int, default=None)
    ap.add_argument("--max-conns", type=int, default=64)
    args = ap.parse_args()
    if args.pack:
        pack_test_site(args.pack)
        return 0
    if args.launch:
        args.idle_ms = args.idle_ms or 1500
        launch(args)
    else:
        if not args.base or not args.tar:
            ap.error("--base and --tar, or --launch")
        Checker(args.base, args.tar, args.idle_ms or 10000, args.max_conns).run()
    print(f"httpd_check: {count - failures} passed, {failures} failed")
    return failures


if __name__ == "__main__":
    sys.exit(main())
