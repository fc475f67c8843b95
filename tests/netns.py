"""Private network namespaces for tests and benchmarks (tests/run.py,
tests/bench/bench.py): a guest on a tap device, its clients beside it.

    with NetNS() as ns:                      # or NetNS(guests=2)
        qemu = ns.exec_cmd(["scripts/run-qemu", image,
                            *ns.qemu_args("q35")])
        ...APPEND gets ns.tern_append() (net.ip=10.77.N.2 ...)...
        ns.run(["curl", f"http://{ns.guest_ip()}/"], timeout=10)

Each use makes a namespace of its own, named ternnetN-PID, holding lo,
one tap per guest (tap0, tap1, ...), and, for several guests, a bridge
br0 joining them.  The host side's address is 10.77.N.1/24 (on tap0, or
on br0), guest i's 10.77.N.(i+2).  N is a slot (1-254) held under a lock
file for as long as the namespace lives, so concurrent uses (parallel
tests, several processes) never share a name or a subnet.

Why a namespace: QEMU's user network stalls under load (issue 14: 3 s
stalls with redis-benchmark, socket timeouts under wrk), a tap does not;
and a namespace keeps the traffic private.  It has no route and no link
but its own taps: a client in it reaches the guests and the host side's
address, nothing else, whatever address it is given.

The namespace is deleted when the with-block ends, on exceptions too,
after killing whatever still runs in it (only our guests and clients
run there).  A namespace left by a process that died without cleaning
up (SIGKILL) is deleted by the next use of its slot.

Needs root (CI runs as root), iproute2's ip and /dev/net/tun:
unavailable() says why not, for a skip line.

In tests/run.py, NetnsBoot is a Boot in a namespace of its own: a
drive(ns) function runs the clients once the guest prints its marker,
e.g. for an HTTP server:

    def drive(ns):
        p = ns.run(["curl", "-sS", f"http://{ns.guest_ip()}/"], timeout=10)
        return p.stdout
    NetnsBoot("httpd q35 ...", "httpd", r"^httpd: listening", drive,
              machine="q35", append="NETNS_APPEND -- port=80", ...)
"""
import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

PREFIX = "ternnet"
LOCK_DIR = os.path.join(tempfile.gettempdir(), "tern-netns")
SLOTS = range(1, 255)
NETMASK = "255.255.255.0"
# QEMU model per machine: microvm has no PCI.
NIC = {"pc": "virtio-net-pci", "q35": "virtio-net-pci",
       "microvm": "virtio-net-device"}


def unavailable():
    """None when namespaces with taps can be made here, else the reason."""
    if os.geteuid() != 0:
        return "network namespaces need root (CI runs as root)"
    if not shutil.which("ip"):
        return "no ip command: run scripts/setup (Debian package iproute2)"
    if not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun: the kernel has no tun/tap"
    return None


def _ip(*args, timeout=10):
    p = subprocess.run(["ip", *args], capture_output=True, text=True,
                       timeout=timeout)
    if p.returncode:
        raise RuntimeError(f"ip {' '.join(args)}: {p.stderr.strip()}")
    return p.stdout


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _take_slot():
    """A free slot and the open lock file that holds it."""
    os.makedirs(LOCK_DIR, exist_ok=True)
    for slot in SLOTS:
        f = open(os.path.join(LOCK_DIR, f"slot-{slot}"), "w")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.close()
            continue
        return slot, f
    raise RuntimeError(f"all {len(SLOTS)} namespace slots are in use")


def _remove_stale(slot):
    """Namespaces of this slot whose process is gone (we hold the slot's
    lock, so no live user of it can exist).  What may still run in one
    is left alone: the process that started it is gone, not ours."""
    for line in _ip("netns", "list").splitlines():
        m = re.match(rf"^({PREFIX}{slot}-(\d+))\b", line)
        if m and not _pid_alive(int(m.group(2))):
            _ip("netns", "del", m.group(1))


class NetNS:
    """One namespace with a tap per guest (see the module's comment);
    a context manager: made on entry, deleted on exit."""

    def __init__(self, guests=1):
        if not 1 <= guests <= 200:
            raise ValueError("guests: 1 to 200")
        self.guests = guests
        self.name = None

    # -- addresses and arguments -------------------------------------------
    @property
    def host_ip(self):
        return f"10.77.{self.slot}.1"

    def guest_ip(self, i=0):
        return f"10.77.{self.slot}.{i + 2}"

    def tap(self, i=0):
        return f"tap{i}"

    def mac(self, i=0):
        # Distinct per guest (QEMU's default MAC is the same for all).
        return f"52:54:00:77:{self.slot:02x}:{i + 2:02x}"

    def qemu_args(self, machine, i=0, model=None):
        """QEMU's arguments for guest i's card on its tap."""
        model = model or NIC[machine]
        return ("-netdev", f"tap,id=n{i},ifname={self.tap(i)},script=no,"
                           "downscript=no",
                "-device", f"{model},netdev=n{i},mac={self.mac(i)}")

    def tern_append(self, i=0):
        """Tern's static address words (docs/networking.md): no gateway,
        no DNS: nothing but this subnet exists."""
        return f"net.ip={self.guest_ip(i)} net.mask={NETMASK}"

    # -- running things inside ---------------------------------------------
    def exec_cmd(self, cmd):
        """cmd, to run inside the namespace (ip netns exec execs it: the
        process is cmd itself, so a timeout's kill reaches it)."""
        return ["ip", "netns", "exec", self.name, *cmd]

    def run(self, cmd, timeout, **kw):
        """subprocess.run of cmd inside the namespace, output captured as
        text; a timeout raises subprocess.TimeoutExpired (the process is
        killed)."""
        kw.setdefault("capture_output", True)
        kw.setdefault("text", True)
        return subprocess.run(self.exec_cmd(cmd), timeout=timeout, **kw)

    def popen(self, cmd, **kw):
        return subprocess.Popen(self.exec_cmd(cmd), **kw)

    def guest(self, cmd, env=None):
        """A Guest: cmd started inside, its console collected."""
        return Guest(self, cmd, env)

    def wait_tcp(self, port, i=0, timeout=30):
        """True once guest i accepts a TCP connection on port."""
        probe = ("import socket,sys,time\n"
                 "end=time.time()+float(sys.argv[3])\n"
                 "while time.time()<end:\n"
                 " try:\n"
                 "  socket.create_connection((sys.argv[1],int(sys.argv[2])),1).close()\n"
                 "  sys.exit(0)\n"
                 " except OSError: time.sleep(0.2)\n"
                 "sys.exit(1)\n")
        try:
            return self.run([sys.executable, "-c", probe, self.guest_ip(i),
                             str(port), str(timeout)],
                            timeout=timeout + 10).returncode == 0
        except subprocess.TimeoutExpired:
            return False

    # -- life ------------------------------------------------------------------
    def __enter__(self):
        self.slot, self._lock = _take_slot()
        self.name = f"{PREFIX}{self.slot}-{os.getpid()}"
        try:
            _remove_stale(self.slot)
            _ip("netns", "add", self.name)
            self._setup()
        except BaseException:
            self.close()
            raise
        return self

    def _setup(self):
        def ns_ip(*args):
            _ip("-n", self.name, *args)
        ns_ip("link", "set", "lo", "up")
        host_dev = "tap0"
        if self.guests > 1:
            host_dev = "br0"
            ns_ip("link", "add", "br0", "type", "bridge")
        for i in range(self.guests):
            ns_ip("tuntap", "add", "dev", self.tap(i), "mode", "tap")
            if self.guests > 1:
                ns_ip("link", "set", self.tap(i), "master", "br0")
            ns_ip("link", "set", self.tap(i), "up")
        ns_ip("addr", "add", f"{self.host_ip}/24", "dev", host_dev)
        ns_ip("link", "set", host_dev, "up")

    def close(self):
        """Kill what still runs inside, delete the namespace, free the
        slot.  Safe to call twice."""
        if self.name:
            try:
                self._kill_inside()
            finally:
                try:
                    _ip("netns", "del", self.name)
                except RuntimeError:
                    pass  # never made (add failed)
                self.name = None
        if getattr(self, "_lock", None):
            self._lock.close()
            self._lock = None

    def _kill_inside(self):
        try:
            pids = _ip("netns", "pids", self.name).split()
        except RuntimeError:
            return
        for pid in map(int, pids):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        # A killed QEMU holds the tap until it is gone.
        end = time.time() + 5
        while any(map(_pid_alive, map(int, pids))) and time.time() < end:
            time.sleep(0.05)

    def __exit__(self, *exc):
        self.close()
        return False


class Guest:
    """A guest (or any long-running command) inside a namespace whose
    console is collected by a thread: wait() for a line, then talk to
    it, then stop() it (or wait for its exit).

        with ns.guest(cmd) as g:
            if not g.wait_for(r"^ready", 60): ...
            ns.run(["wrk", ...], timeout=60)
        g.output()
    """

    def __init__(self, ns, cmd, env=None):
        # No stdin: QEMU's -serial stdio would read (and set raw) a
        # terminal shared by every guest.
        self.proc = ns.popen(cmd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, env=env)
        self._lines, self._cond = [], threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for raw in iter(self.proc.stdout.readline, b""):
            with self._cond:
                self._lines.append(raw.decode(errors="replace").rstrip("\r\n"))
                self._cond.notify_all()
        with self._cond:
            self._lines.append(None)  # end of output
            self._cond.notify_all()

    def wait_for(self, pattern, timeout):
        """The first console line matching pattern, or None when the
        guest ended or timeout seconds passed without one."""
        rx, seen, end = re.compile(pattern), 0, time.time() + timeout
        with self._cond:
            while True:
                for line in self._lines[seen:]:
                    if line is None:
                        return None
                    if rx.search(line):
                        return line
                seen = len(self._lines)
                left = end - time.time()
                if left <= 0:
                    return None
                self._cond.wait(left)

    def output(self):
        with self._cond:
            return "\n".join(x for x in self._lines if x is not None)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._reader.join(5)
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False
