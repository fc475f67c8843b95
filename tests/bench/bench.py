#!/usr/bin/python3
"""make bench: Tern's size, boot cost and memory figures, side by side with
QEMU's own floor and a Debian Linux guest.  Prints a table and writes
build/bench/*.json.  Never passes or fails on time: the machines are shared
and noisy, so times are compared as ratios within one run (A B A B ...).

Steps: image sizes; guest instructions from the PVH entry to main() per
phase (QEMU -icount shift=0 makes the TSC count instructions; Tern prints
its phase marks with tern.bootstats); the smallest -m that boots hello per
machine (bisection); hello's whole run against a PVH image that exits at
its first instruction; against Debian's Linux kernel with a busybox
initramfs; dom0 lifetime under Xen from Xen's console timestamps.

Also: thread switch cost and timer lateness (apps/sched-bench), and the
host CPU an idle guest burns (apps/sleep sleeping 10 s).

virtio: disk throughput (apps/blk-bench) and frames per second
(apps/net-bench) against the same Linux guest doing the same on the same
QEMU machine, alternating.

Servers (issue 14), each guest on q35, 256 MiB, one TCG vCPU, virtio-net
on a tap in a network namespace the bench makes (tests/netns.py; root
only, skipped otherwise), one guest at a time, alternating per round
(RUNS // 4 rounds, at least 1): httpd, wrk -c30 with keep-alive on a
612-byte index.html against Debian's Linux with Debian's nginx and with
busybox httpd; kv, redis-benchmark GET and SET with and without -P 16
against the same Linux with Debian's redis-server.  Tern's httpd and kv
join them once built (tern_httpd_server, tern_kv_server).  Each guest's
console and its clients' output: build/bench/<step>-<guest>-<round>.log.

Environment: RUNS (timed pairs, default 10), SKIP and ONLY
(comma-separated step names: sizes, instructions, floor-memory,
qemu-floor, linux, blk, net, httpd, kv, xen, sched, idle).
"""
import gzip
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from tern_host import cpio_newc, elf_closure, fetch_deb, linux_image_package  # noqa: E402
sys.path.insert(0, os.path.join(ROOT, "tests"))
import netns  # noqa: E402
BUILD = os.path.join(ROOT, "build")
OUT = os.path.join(BUILD, "bench")
QEMU = "qemu-system-x86_64"
MACHINES = ("pc", "q35", "microvm")
RUNS = int(os.environ.get("RUNS", "10"))
SKIP = set(filter(None, os.environ.get("SKIP", "").split(",")))
HELLO = os.path.join(BUILD, "hello", "tern-hello.elf")
TARGETS = {"instructions": 100000, "image_bytes": 64 * 1024,
           "memory_kib": 2048, "floor_ratio": 1.05, "linux_ratio": 0.2}
STEPS = ["sizes", "instructions", "floor-memory", "qemu-floor", "linux",
         "blk", "net", "httpd", "kv", "xen", "sched", "idle"]
ONLY = set(filter(None, os.environ.get("ONLY", "").split(",")))


def step(name, what):
    print(f"bench: [{STEPS.index(name) + 1}/{len(STEPS)}] {what}", flush=True)


def save(name, data):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(data, f, indent=2)


def qemu(image, machine="pc", mem="64M", append="", initrd=None, extra=(),
         timeout=30, debug_exit=True):
    """Boot once; (exit status or None on timeout, console, seconds)."""
    cmd = [QEMU, "-M", machine, "-m", mem, "-nodefaults", "-display", "none",
           "-no-reboot", "-serial", "stdio", "-kernel", image, *extra]
    if debug_exit:
        cmd += ["-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    if append:
        cmd += ["-append", append]
    if initrd:
        cmd += ["-initrd", initrd]
    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "", time.perf_counter() - t
    return (p.returncode, p.stdout.decode(errors="replace").replace("\r", ""),
            time.perf_counter() - t)


# ---- 1. sizes -------------------------------------------------------------
def loaded_bytes(path):
    """The guest-physical range the image takes once loaded: from its
    first loadable byte to the end of .bss (what the 512 KB target of
    issue 14 means), not the file's size."""
    out = subprocess.run(["readelf", "-lW", path], capture_output=True,
                         text=True).stdout
    segs = [(int(m.group(1), 16), int(m.group(2), 16)) for m in re.finditer(
        r"^\s*LOAD\s+\S+\s+(0x[0-9a-f]+)\s+\S+\s+\S+\s+(0x[0-9a-f]+)", out, re.M)]
    return max(a + n for a, n in segs) - min(a for a, _ in segs) if segs else 0


def sizes():
    step("sizes", "image sizes")
    rows = {}
    for image in sorted(os.listdir(BUILD)):
        path = os.path.join(BUILD, image, f"tern-{image}.elf")
        if not os.path.exists(path):
            continue
        out = subprocess.run(["size", path], capture_output=True,
                             text=True).stdout.splitlines()[1].split()
        stripped = os.path.join(OUT, f"{image}.stripped")
        subprocess.run(["strip", "-o", stripped, path], check=True)
        rows[image] = {"file": os.path.getsize(path),
                       "loaded": loaded_bytes(path),
                       "stripped": os.path.getsize(stripped),
                       "text": int(out[0]), "data": int(out[1]),
                       "bss": int(out[2])}
        os.unlink(stripped)
    save("sizes", rows)
    return rows


# ---- 2. instructions to main() -------------------------------------------------
def instructions():
    step("instructions", "guest instructions from the PVH entry to main() "
                         "(-icount shift=0)")
    rows = {}
    for m in MACHINES:
        rc, out, _ = qemu(HELLO, m, append="tern.bootstats",
                          extra=("-icount", "shift=0"))
        marks = re.search(r"^tern: bootstats: (console .*)$", out, re.M)
        used = re.search(r"^tern: bootstats: exit pages_used (\d+) of (\d+) "
                         r"heap_peak (\d+)", out, re.M)
        if rc != 0 or not marks:
            rows[m] = {"error": f"exit {rc}"}
            continue
        words = marks.group(1).split()
        phases = dict(zip(words[::2], map(int, words[1::2])))
        rows[m] = {"phases": phases, "to_main": phases["main"],
                   "pages_used": int(used.group(1)) if used else None,
                   "heap_peak": int(used.group(3)) if used else None}
    save("boot_instructions", rows)
    return rows


# ---- 3. memory floor ------------------------------------------------------------
def boots_in(machine, kib):
    rc, out, _ = qemu(HELLO, machine, f"{kib}K", timeout=8,
                      debug_exit=False)
    return rc == 0 and "Hello from Tern" in out


def floor_memory():
    step("floor-memory", "smallest -m that boots hello, per machine "
                         "(bisection in 64 KiB steps)")
    rows = {}
    for m in MACHINES:
        lo, hi = 256, 8192
        if not boots_in(m, hi):
            rows[m] = {"error": f"does not boot in {hi} KiB"}
            continue
        while hi - lo > 64:
            mid = (lo + hi) // 2 // 64 * 64
            if boots_in(m, mid):
                hi = mid
            else:
                lo = mid
        rows[m] = {"kib": hi}
        print(f"bench:   {m}: {hi} KiB")
    save("memory_floor", rows)
    return rows


# ---- 4. against QEMU's floor ------------------------------------------------------
def floor_image():
    obj = os.path.join(OUT, "floor.o")
    image = os.path.join(OUT, "floor.elf")
    subprocess.run(["gcc", "-c", "-isystem", os.path.join(BUILD, "sysinc"),
                    os.path.join(ROOT, "tests/bench/floor.S"), "-o", obj],
                   check=True)
    subprocess.run(["ld", "-nostdlib", "-static", "-z", "max-page-size=0x1000",
                    "-T", os.path.join(ROOT, "tests/bench/floor.ld"), obj,
                    "-o", image], check=True)
    return image


def alternate(a, b, runs):
    """Time a() and b() alternately; medians and the median of ratios."""
    ta, tb = [], []
    for _ in range(runs):
        ta.append(a())
        tb.append(b())
    ratios = [x / y for x, y in zip(ta, tb)]
    return {"a_median_s": statistics.median(ta),
            "b_median_s": statistics.median(tb),
            "median_ratio": statistics.median(ratios), "runs": runs}


def timed(image, machine, mem, expect_rc, expect_text=None, **kw):
    """A boot to time; it must end as expected, or the figure is void."""
    def run():
        rc, out, secs = qemu(image, machine, mem, **kw)
        if rc != expect_rc or (expect_text and expect_text not in out):
            raise RuntimeError(f"{image} on {machine}: exit {rc}:\n{out[-800:]}")
        return secs
    return run


def qemu_floor():
    step("qemu-floor", f"hello against a PVH image that exits at once, "
                       f"{RUNS} alternating pairs per machine")
    image = floor_image()
    rows = {}
    for m in MACHINES:
        r = alternate(timed(HELLO, m, "64M", 1, "Hello from Tern",
                            append="tern.exit=debugexit"),
                      timed(image, m, "64M", 1), RUNS)
        rows[m] = {"hello_s": r["a_median_s"], "floor_s": r["b_median_s"],
                   "ratio": r["median_ratio"], "runs": RUNS}
        print(f"bench:   {m}: hello {r['a_median_s'] * 1000:.0f} ms, floor "
              f"{r['b_median_s'] * 1000:.0f} ms, ratio {r['median_ratio']:.3f}")
    save("qemu_floor", rows)
    return rows


# ---- 5. against Linux ------------------------------------------------------------
LINUX_DEST = os.path.join(OUT, "linux")


def linux_kernel():
    root = fetch_deb(linux_image_package(), LINUX_DEST)
    vmlinuz = [f for f in os.listdir(os.path.join(root, "boot"))
               if f.startswith("vmlinuz")][0]
    return os.path.join(root, "boot", vmlinuz)


def linux_initrd(name, init, packages=(), files=(), modules=(), data=()):
    """build/bench/linux/<name>.gz: busybox as /bin/busybox and /init;
    files (paths inside the packages' tree, e.g. usr/bin/ioping and the
    shared libraries it needs) at the same paths, or (path in the
    initramfs, path in the tree) pairs; data: (path, bytes) pairs, files
    written as given (configuration, a site); kernel modules (file
    names, loaded by init in the order given) in /lib/modules."""
    dest = LINUX_DEST
    root = fetch_deb("busybox-static", dest)
    for package in packages:
        fetch_deb(package, dest)
    entries = [("bin", 0o40755, b"", 0), ("dev", 0o40755, b"", 0),
               ("dev/console", 0o20600, b"", (5 << 8) | 1),
               ("proc", 0o40755, b"", 0), ("sys", 0o40755, b"", 0),
               ("bin/busybox", 0o100755,
                open(os.path.join(root, "bin", "busybox"), "rb").read(), 0),
               ("init", 0o100755, init, 0)]
    dirs = {"bin", "dev", "proc", "sys"}
    def add_dirs(path):
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in dirs:
                dirs.add(d)
                entries.append((d, 0o40755, b"", 0))
    for item in files:
        path, src = item if isinstance(item, tuple) else (item, item)
        real = os.path.realpath(os.path.join(root, src))
        if not real.startswith(os.path.realpath(root)):  # absolute symlink
            real = os.path.join(root, os.readlink(os.path.join(root, src))
                                .lstrip("/"))
        add_dirs(path)
        entries.append((path, 0o100755, open(real, "rb").read(), 0))
    for path, content in data:
        add_dirs(path)
        entries.append((path, 0o100644, content, 0))
    if modules:
        moddir = os.path.join(root, "lib", "modules")
        moddir = os.path.join(moddir, os.listdir(moddir)[0])
        found = {f: os.path.join(d, f) for d, _, fs in os.walk(moddir)
                 for f in fs}
        for m in modules:
            add_dirs(f"lib/modules/{m}")
            entries.append((f"lib/modules/{m}", 0o100644,
                            open(found[m], "rb").read(), 0))
    initrd = os.path.join(dest, f"{name}.gz")
    with gzip.open(initrd, "wb") as f:
        f.write(cpio_newc(entries))
    return initrd


def linux_guest():
    init = (b"#!/bin/busybox sh\n/bin/busybox echo Hello from Linux\n"
            b"/bin/busybox poweroff -f\n")
    return linux_kernel(), linux_initrd("initrd", init)


def linux():
    step("linux", "hello against Debian's Linux with a busybox initramfs "
                  "(pc, 128 MiB)")
    try:
        kernel, initrd = linux_guest()
    except (RuntimeError, subprocess.CalledProcessError, OSError) as e:
        print(f"bench:   skipped: {e}")
        save("linux", {"skipped": str(e)})
        return {"skipped": str(e)}
    runs = max(3, RUNS // 2)
    r = alternate(timed(HELLO, "pc", "128M", 0, "Hello from Tern",
                        debug_exit=False),
                  timed(kernel, "pc", "128M", 0, "Hello from Linux",
                        debug_exit=False,
                        append="console=ttyS0 quiet panic=-1", initrd=initrd,
                        timeout=120), runs)
    row = {"hello_s": r["a_median_s"], "linux_s": r["b_median_s"],
           "ratio": r["median_ratio"], "runs": runs,
           "kernel": os.path.basename(kernel)}
    print(f"bench:   hello {row['hello_s'] * 1000:.0f} ms, Linux "
          f"{row['linux_s'] * 1000:.0f} ms, ratio {row['ratio']:.3f}")
    save("linux", row)
    return row


# ---- virtio-blk ----------------------------------------------------------------
BLK_KIB_4K, BLK_KIB_64K, BLK_RANDOM = 16384, 65536, 4096
BLK_DISK_MIB = 64
BLK_DEPTHS = (1, 16)
# The host's page cache holds the image (the default, stated): the figures
# are the guests' and QEMU's costs, not the shared host disk's.
BLK_CACHE = "cache=writeback,aio=threads"
BLK_TESTS = ("seq-write-4k", "seq-write-64k", "seq-read-4k", "seq-read-64k",
             "rand-read-4k")
BLK_MODULES = ("virtio_ring.ko", "virtio.ko", "virtio_pci_legacy_dev.ko",
               "virtio_pci_modern_dev.ko", "virtio_pci.ko", "virtio_blk.ko")
# Guest time in ns without a fork: the "now at N nsecs" line of
# /proc/timer_list (busybox's date has no %N).
LINUX_STAMP = b"""stamp() { { read _; read _; read _ _ T _; } < /proc/timer_list; }
"""
LINUX_SETUP = b"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in %s; do insmod /lib/modules/$m; done
""" + LINUX_STAMP


def blk_linux_init():
    """The same transfers as apps/blk-bench at one request in flight:
    busybox dd with O_DIRECT for the sequential ones, ioping for the
    random reads (-D: O_DIRECT; -i 0: no pause; its last two batch
    fields are the requests made and their wall time in ns)."""
    n4, n64 = BLK_KIB_4K // 4, BLK_KIB_64K // 64
    return (LINUX_SETUP % " ".join(BLK_MODULES).encode() + f"""
i=0; while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
echo "blk-bench: vda, scheduler $(cat /sys/block/vda/queue/scheduler)"
run() {{ # name requests bytes command...
  name=$1; n=$2; bytes=$3; shift 3
  stamp; t0=$T
  if "$@" 2>/dev/null; then
    stamp; echo "bench: blk $name qd1 $n $bytes $((T - t0))"
  else echo "blk-bench: $name failed"; fi
}}
run seq-write-4k {n4} {n4 * 4096} dd if=/dev/zero of=/dev/vda bs=4k count={n4} oflag=direct
run seq-write-64k {n64} {n64 * 65536} dd if=/dev/zero of=/dev/vda bs=64k count={n64} oflag=direct
run seq-read-4k {n4} {n4 * 4096} dd if=/dev/vda of=/dev/null bs=4k count={n4} iflag=direct
run seq-read-64k {n64} {n64 * 65536} dd if=/dev/vda of=/dev/null bs=64k count={n64} iflag=direct
set -- $(ioping -D -B -i 0 -s 4k -S {BLK_DISK_MIB}m -c {BLK_RANDOM} /dev/vda)
if [ -n "${{10}}" ]; then echo "bench: blk rand-read-4k qd1 $9 $(($9 * 4096)) ${{10}}"
else echo "blk-bench: rand-read-4k failed"; fi
poweroff -f
""".encode())


def blk_disk():
    """A raw image of non-zero bytes (a hole would read faster than
    data), the one file both guests use."""
    path = os.path.join(OUT, "blk-disk.img")
    chunk = bytes((i * 37 + 11) & 0xff or 1 for i in range(1 << 20))
    with open(path, "wb") as f:
        for _ in range(BLK_DISK_MIB):
            f.write(chunk)
    return path


def blk_figures(out):
    """{"<test> qd<d>": (requests, bytes, ns)} from the bench lines."""
    return {f"{name} {qd}": (int(n), int(b), int(ns)) for name, qd, n, b, ns in
            re.findall(r"^bench: blk (\S+) (qd\d+) (\d+) (\d+) (\d+)$",
                       out, re.M)}


def blk_rate(fig, key):
    """IOPS for random tests, MB/s (10^6 bytes a second) otherwise."""
    requests, nbytes, ns = fig
    return requests * 1e9 / ns if key.startswith("rand") else nbytes * 1e3 / ns


def blk():
    step("blk", "virtio-blk: sequential MB/s (4 and 64 KiB) and 4 KiB random "
                "IOPS, apps/blk-bench against Linux (dd, ioping), q35")
    image = os.path.join(BUILD, "blk-bench", "tern-blk-bench.elf")
    try:
        kernel = linux_kernel()
        initrd = linux_initrd("blk-initrd", blk_linux_init(),
                              packages=("ioping", "libc6"),
                              files=("usr/bin/ioping",
                                     "lib/x86_64-linux-gnu/libc.so.6",
                                     "lib/x86_64-linux-gnu/libm.so.6",
                                     "lib64/ld-linux-x86-64.so.2"),
                              modules=BLK_MODULES)
    except (RuntimeError, subprocess.CalledProcessError, OSError) as e:
        print(f"bench:   skipped: {e}")
        return {"skipped": str(e)}
    disk = blk_disk()
    extra = ("-drive", f"if=none,id=d0,format=raw,file={disk},{BLK_CACHE}",
             "-device", "virtio-blk-pci,drive=d0,disable-legacy=on")
    depths = " ".join(map(str, BLK_DEPTHS))
    sides = {
        "tern": lambda: qemu(image, "q35", "64M", extra=extra, timeout=120,
                             append=f"tern.exit=debugexit -- {BLK_KIB_4K} "
                                    f"{BLK_KIB_64K} {BLK_RANDOM} {depths}"),
        "linux": lambda: qemu(kernel, "q35", "256M", extra=extra,
                              initrd=initrd, timeout=180, debug_exit=False,
                              append="console=ttyS0 quiet panic=-1"),
    }
    runs = max(3, RUNS // 2)
    got = {side: [] for side in sides}
    for _ in range(runs):
        for side, boot in sides.items():
            rc, out, secs = boot()
            figs = blk_figures(out)
            if rc is None or len(figs) < len(BLK_TESTS):
                raise RuntimeError(f"blk {side}: exit {rc}, "
                                   f"{len(figs)} figures:\n{out[-1500:]}")
            got[side].append((secs, figs))
    row = {"runs": runs, "cache": BLK_CACHE, "disk_mib": BLK_DISK_MIB,
           "kernel": os.path.basename(kernel)}
    rates = {side: [{k: blk_rate(v, k) for k, v in figs.items()}
                    for _, figs in results] for side, results in got.items()}
    for side, results in got.items():
        row[f"{side}_whole_run_s"] = statistics.median(s for s, _ in results)
        for key in rates[side][0]:
            row[f"{side} {key}"] = statistics.median(r[key] for r in rates[side])
    for test in BLK_TESTS:  # Linux runs at one request in flight only
        for qd in BLK_DEPTHS:
            row[f"ratio {test} qd{qd}"] = statistics.median(
                t[f"{test} qd{qd}"] / lx[f"{test} qd1"]
                for t, lx in zip(rates["tern"], rates["linux"]))
    for test in BLK_TESTS:
        unit = "IOPS" if test.startswith("rand") else "MB/s"
        tern = ", ".join(f"qd{qd} {row[f'tern {test} qd{qd}']:.0f}"
                         for qd in BLK_DEPTHS)
        dev = (row.get(f"tern {test.replace('seq', 'dev')} qd1")
               if test.startswith("seq") else None)
        tern += f", /dev/vda {dev:.0f}" if dev else ""
        print(f"bench:   {test}: Tern {tern}; Linux qd1 "
              f"{row[f'linux {test} qd1']:.0f} {unit}; ratio qd1 "
              f"{row[f'ratio {test} qd1']:.2f}")
    print(f"bench:   whole runs: Tern {row['tern_whole_run_s']:.2f} s, Linux "
          f"{row['linux_whole_run_s']:.2f} s")
    save("blk", row)
    return row


# ---- virtio-net ------------------------------------------------------------------
NET_TX_FRAMES, NET_PINGS = 100000, 5000
NET_TESTS = ("tx-60", "tx-1514", "ping")
NET_MODULES = BLK_MODULES[:-1] + ("failover.ko", "net_failover.ko",
                                  "virtio_net.ko", "pktgen.ko")
NET_EXTRA = ("-netdev", "user,id=n0,restrict=on",
             "-device", "virtio-net-pci,netdev=n0,disable-legacy=on")


def net_linux_init():
    """The same traffic as apps/net-bench: pktgen (in the kernel, frames
    handed to the driver as fast as it takes them, as netdev_send does)
    for the UDP floods, busybox ping -A (the next request when the reply
    is in) for the round trips.  The gateway's MAC from ARP."""
    return (LINUX_SETUP % " ".join(NET_MODULES).encode() + f"""
ip link set lo up; ip link set eth0 up; ip addr add 10.0.2.15/24 dev eth0
ping -c 1 -W 3 10.0.2.2 >/dev/null || echo "net-bench: no reply from 10.0.2.2"
set -- $(grep '^10.0.2.2 ' /proc/net/arp); gw=$4
echo "net-bench: eth0, $(basename $(readlink /sys/class/net/eth0/device/driver)), gateway $gw"
P=/proc/net/pktgen
echo "rem_device_all" > $P/kpktgend_0
echo "add_device eth0" > $P/kpktgend_0
for size in 60 1514; do
  for c in "count {NET_TX_FRAMES}" "pkt_size $size" "delay 0" "clone_skb 0" \\
           "dst 10.0.2.2" "dst_mac $gw" "udp_dst_min 9" "udp_dst_max 9"; do
    echo "$c" > $P/eth0
  done
  stamp; t0=$T
  echo start > $P/pgctrl
  stamp
  set -- $(sed -n 's/.*pkts-sofar: \\([0-9]*\\) *errors: \\([0-9]*\\).*/\\1 \\2/p' $P/eth0)
  if [ "$1" = {NET_TX_FRAMES} ] && [ "$2" = 0 ]; then
    echo "bench: net tx-$size $1 $((T - t0))"
  else echo "net-bench: tx-$size: $1 sent, $2 errors"; fi
done
stamp; t0=$T
got=$(ping -A -q -c {NET_PINGS} 10.0.2.2 | sed -n 's/.* \\([0-9]*\\) packets received.*/\\1/p')
stamp
if [ "$got" = {NET_PINGS} ]; then echo "bench: net ping $got $((T - t0))"
else echo "net-bench: ping: $got of {NET_PINGS} answered"; fi
poweroff -f
""".encode())


def net_figures(out):
    """{"<test>": (frames, ns)} from the bench lines."""
    return {name: (int(n), int(ns)) for name, n, ns in
            re.findall(r"^bench: net (\S+) (\d+) (\d+)$", out, re.M)}


def net():
    step("net", "virtio-net: frames per second sent (UDP floods) and echo "
                "round trips with slirp (restrict=on), apps/net-bench "
                "against Linux (pktgen, ping -A), q35")
    image = os.path.join(BUILD, "net-bench", "tern-net-bench.elf")
    try:
        kernel = linux_kernel()
        initrd = linux_initrd("net-initrd", net_linux_init(),
                              modules=NET_MODULES)
    except (RuntimeError, subprocess.CalledProcessError, OSError) as e:
        print(f"bench:   skipped: {e}")
        return {"skipped": str(e)}
    sides = {
        "tern": lambda: qemu(image, "q35", "64M", extra=NET_EXTRA, timeout=120,
                             append=f"tern.exit=debugexit -- {NET_TX_FRAMES} "
                                    f"{NET_PINGS}"),
        "linux": lambda: qemu(kernel, "q35", "256M", extra=NET_EXTRA,
                              initrd=initrd, timeout=180, debug_exit=False,
                              append="console=ttyS0 quiet panic=-1"),
    }
    runs = max(3, RUNS // 2)
    got = {side: [] for side in sides}
    for _ in range(runs):
        for side, boot in sides.items():
            rc, out, secs = boot()
            figs = net_figures(out)
            if rc is None or len(figs) < len(NET_TESTS):
                raise RuntimeError(f"net {side}: exit {rc}, "
                                   f"{len(figs)} figures:\n{out[-1500:]}")
            got[side].append((secs, {k: n * 1e9 / ns
                                     for k, (n, ns) in figs.items()}))
    row = {"runs": runs, "tx_frames": NET_TX_FRAMES, "pings": NET_PINGS,
           "kernel": os.path.basename(kernel)}
    for side, results in got.items():
        row[f"{side}_whole_run_s"] = statistics.median(s for s, _ in results)
        for test in NET_TESTS:
            row[f"{side} {test}"] = statistics.median(f[test] for _, f in results)
    for test in NET_TESTS:
        row[f"ratio {test}"] = statistics.median(
            t[test] / lx[test] for (_, t), (_, lx) in zip(got["tern"], got["linux"]))
        unit = "round trips/s" if test == "ping" else "frames/s"
        print(f"bench:   {test}: Tern {row[f'tern {test}']:.0f}, Linux "
              f"{row[f'linux {test}']:.0f} {unit}; ratio {row[f'ratio {test}']:.2f}")
    print(f"bench:   whole runs: Tern {row['tern_whole_run_s']:.2f} s, Linux "
          f"{row['linux_whole_run_s']:.2f} s")
    save("net", row)
    return row


# ---- servers over tap in a network namespace: httpd and kv -------------------
# Every guest here boots on the same QEMU machine, memory, vCPU count and
# network backend (q35, 256 MiB, one TCG vCPU, virtio-net-pci on a tap in
# a namespace of its own, tests/netns.py): QEMU's user network stalls
# under load (issue 14), a tap does not.  Clients (wrk, redis-benchmark)
# run in the namespace; nothing else is reachable from it.
SERVER_MACHINE, SERVER_MEM = "q35", "256M"
HTTP_SECONDS, HTTP_WARMUP_SECONDS, HTTP_CONNECTIONS = 10, 2, 30
KV_CLIENTS, KV_REQUESTS, KV_PIPELINED_REQUESTS, KV_PIPELINE = 30, 20000, 100000, 16
KV_KEYS = ("SET_per_s", "GET_per_s", f"SET_P{KV_PIPELINE}_per_s",
           f"GET_P{KV_PIPELINE}_per_s")
SERVER_BOOT_TIMEOUT = 180
SERVER_MODULES = NET_MODULES[:-1]  # no pktgen
# Kernel parameters Linux does not know reach /init as its environment.
LINUX_SERVER_APPEND = "console=ttyS0 quiet panic=-1 guest_ip={ip}"
READY = r"^bench-guest: ready$"
LOADER = "/lib64/ld-linux-x86-64.so.2"


def index_html():
    """The page every httpd serves: 612 bytes (nginx's own welcome page's
    size, which the issue names), the same bytes for every server."""
    head = (b"<!DOCTYPE html>\n<html>\n<head>\n<title>Tern bench</title>\n"
            b"</head>\n<body>\n<h1>Tern bench</h1>\n<p>")
    tail = b"</p>\n</body>\n</html>\n"
    filler = b"The same 612 bytes from every server in make bench. "
    body = (filler * 12)[:612 - len(head) - len(tail)]
    page = head + body + tail
    assert len(page) == 612
    return page


def site_tar():
    """build/bench/site.tar: index.html alone, for a Tern httpd's boot
    module."""
    path = os.path.join(OUT, "site.tar")
    page = index_html()
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo("index.html")
        info.size, info.mode, info.mtime = len(page), 0o644, 0
        tar.addfile(info, io.BytesIO(page))
    return path


def server_init(start, binaries=()):
    """/init of a Linux server guest: the virtio-net modules, the address
    from guest_ip=, the loader's own resolution of each dynamic binary
    (ld.so --list, inside the initramfs: there is no other filesystem),
    then start (shell lines that start the server in the background),
    "bench-guest: ready" once it listens, and init waits forever."""
    checks = "".join(
        f'if {LOADER} --list {b} > /tmp/ldd 2>&1 && ! grep -q "not found" /tmp/ldd; '
        f'then echo "bench-guest: {b}: $(grep -c "=>" /tmp/ldd) libraries, all in the initramfs"; '
        f'else echo "bench-guest: {b}: libraries missing:"; cat /tmp/ldd; fi\n'
        for b in binaries)
    return (LINUX_SETUP % " ".join(SERVER_MODULES).encode() + b"""
mkdir -p /tmp /run /var/log /var/lib
ip link set lo up; ip link set eth0 up; ip addr add "$guest_ip/24" dev eth0
""" + checks.encode() + start + b"""
echo "bench-guest: ready"
while :; do sleep 3600; done
""")


def closure_files(programs, rename=None):
    """The programs and every library they load, as linux_initrd files,
    all from the unpacked packages (tern_host.elf_closure raises for any
    library the packages do not carry: never the host's copy)."""
    root = os.path.join(LINUX_DEST, "root")
    rename = rename or {}
    return [(rename.get(want, want), real)
            for want, real in elf_closure(root, programs).items()]


NGINX_PACKAGES = ("nginx", "libc6", "libcrypt1", "libpcre2-8-0", "libssl3",
                  "zlib1g")
# Debian's nginx.conf, less what a guest without disks and TLS does not
# need; one worker for one vCPU, the access log kept (Debian's default).
NGINX_CONF = b"""user www-data;
worker_processes 1;
pid /run/nginx.pid;
error_log /var/log/nginx/error.log;
events { worker_connections 1024; }
http {
    sendfile on;
    tcp_nopush on;
    types { text/html html; }
    default_type application/octet-stream;
    access_log /var/log/nginx/access.log;
    keepalive_requests 1000000;
    server {
        listen 80 default_server;
        root /www;
        index index.html;
    }
}
"""
PASSWD = (b"root:x:0:0:root:/root:/bin/sh\n"
          b"www-data:x:33:33:www-data:/var/www:/bin/false\n")
GROUP = b"root:x:0:\nwww-data:x:33:\n"


def nginx_guest():
    for p in NGINX_PACKAGES:
        fetch_deb(p, LINUX_DEST)
    start = b"""mkdir -p /var/log/nginx /var/lib/nginx
/usr/sbin/nginx -e stderr -c /etc/nginx/nginx.conf || echo "bench-guest: nginx failed"
"""
    return linux_initrd(
        "nginx-initrd", server_init(start, ["/usr/sbin/nginx"]),
        files=closure_files(["usr/sbin/nginx"]), modules=SERVER_MODULES,
        data=[("etc/nginx/nginx.conf", NGINX_CONF), ("etc/passwd", PASSWD),
              ("etc/group", GROUP), ("www/index.html", index_html())])


def busybox_httpd_guest():
    start = b"httpd -p 80 -h /www || echo 'bench-guest: httpd failed'\n"
    return linux_initrd("busybox-httpd-initrd", server_init(start),
                        modules=SERVER_MODULES,
                        data=[("www/index.html", index_html())])


# redis-server is redis-tools' redis-check-rdb under the name
# redis-server (Debian's redis-server package is that symlink and an
# init script); its libraries go past its package's dependencies:
# libsystemd0's and jemalloc's.
REDIS_PACKAGES = ("redis-tools", "libc6", "libatomic1", "liblzf1",
                  "libjemalloc2", "libsystemd0", "libssl3", "libstdc++6",
                  "libgcc-s1", "libcap2", "libgcrypt20", "libgpg-error0",
                  "liblzma5", "libzstd1", "liblz4-1")


def redis_guest():
    for p in REDIS_PACKAGES:
        fetch_deb(p, LINUX_DEST)
    start = b"""redis-server --port 6379 --bind 0.0.0.0 --protected-mode no \\
  --save '' --appendonly no --loglevel warning &
"""
    return linux_initrd(
        "redis-initrd", server_init(start, ["/usr/bin/redis-server"]),
        files=closure_files(["usr/bin/redis-check-rdb"],
                            {"usr/bin/redis-check-rdb": "usr/bin/redis-server"}),
        modules=SERVER_MODULES)


class Server:
    """One guest to measure: how to boot it in a namespace (argv from
    command(ns)), the TCP port it serves, and the console line it prints
    once started (then the port is polled until it answers)."""

    def __init__(self, name, port, command, ready=READY, env=None):
        self.name, self.port, self.command = name, port, command
        self.ready, self.env = ready, env


def server_qemu(ns, kernel, append, initrd=None):
    """QEMU's command line for every server guest, Tern's and Linux's
    alike: the same machine, memory, vCPU, CPU model (QEMU's default
    under TCG) and card on the namespace's tap; only the kernel, its
    command line and its boot module differ."""
    return [QEMU, "-M", SERVER_MACHINE, "-m", SERVER_MEM, "-smp", "1",
            "-nodefaults", "-display", "none", "-no-reboot",
            "-serial", "stdio", "-kernel", kernel, "-append", append,
            *(["-initrd", initrd] if initrd else []),
            *ns.qemu_args(SERVER_MACHINE)]


def linux_server(name, port, kernel, initrd):
    return Server(name, port, lambda ns: server_qemu(
        ns, kernel, LINUX_SERVER_APPEND.format(ip=ns.guest_ip()), initrd))


# ---- Tern's appliances: the lead plugs them in here ----------------------------
# Each takes the Tern image's path and returns a Server booted exactly
# like the Linux guests (server_qemu), which the httpd and kv steps
# alternate with the Linux ones.  Until build/httpd/tern-httpd.elf and
# build/kv/tern-kv.elf exist the steps measure Linux only.  The guest's
# console shows a line matching ready once it starts; then the port is
# polled until it answers.  The address comes from ns.tern_append()
# (net.ip=10.77.N.2 net.mask=255.255.255.0).
# Settings are KEY=VALUE words before `--` (docs/httpd.md, docs/kv.md);
# each prints one line when it serves.  httpd logs each request, as
# shipped (to the serial console: nginx's log goes to a file in RAM).
def tern_httpd_server(image):
    return Server("tern-httpd", 80, lambda ns: server_qemu(
        ns, image, f"{ns.tern_append()} PORT=80", site_tar()),
        ready=r"^httpd: serving \d+ files on port 80$")


def tern_kv_server(image):
    return Server("tern-kv", 6379, lambda ns: server_qemu(
        ns, image, f"{ns.tern_append()} PORT=6379 MAXMEMORY=64mb"),
        ready=r"^kv: listening on 0\.0\.0\.0:6379")


def tern_server(app, make):
    image = os.path.join(BUILD, app, f"tern-{app}.elf")
    if os.path.exists(image):
        return [make(image)]
    print(f"bench:   {image} not built: Linux guests only")
    return []
# ---------------------------------------------------------------------------------


def process_cpu_s(pid):
    """User and system CPU seconds of a process, all its threads (QEMU:
    the vCPU thread and its I/O threads): how much of a host CPU the
    guest got while measured, on a shared machine."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def boot_server(ns, server, measure, log):
    """Boot server in ns, wait until it serves, run measure(ns, out) ->
    dict (out: a list the clients' output goes to); the guest is stopped
    afterwards, whatever happens, and its console and the clients'
    output are written to log.  A guest that does not come up, or whose
    loader found a library missing, voids the run (RuntimeError with its
    console)."""
    t = time.perf_counter()
    out = []
    g = ns.guest(server.command(ns), env=server.env)
    try:
        ready = g.wait_for(server.ready, SERVER_BOOT_TIMEOUT)
        ready_s = time.perf_counter() - t
        if not ready or "libraries missing" in g.output():
            raise RuntimeError(f"{server.name}: did not come up:\n"
                               f"{g.output()[-2000:]}")
        if not ns.wait_tcp(server.port, timeout=30):
            raise RuntimeError(f"{server.name}: nothing on port "
                               f"{server.port}:\n{g.output()[-2000:]}")
        load = os.getloadavg()[0]
        cpu0, t0 = process_cpu_s(g.proc.pid), time.perf_counter()
        row = measure(ns, out)
        row["qemu_host_cpu_percent"] = 100 * (
            process_cpu_s(g.proc.pid) - cpu0) / (time.perf_counter() - t0)
    finally:
        g.stop()
        with open(log, "w") as f:
            f.write(g.output() + "\n\n" + "\n".join(out) + "\n")
    row["ready_s"] = ready_s
    # The host's 1-minute load average as measuring began: the machine
    # is shared, and QEMU's share of a CPU says how much the guest got.
    row["host_load_1min"] = load
    return row


def wrk_figures(text):
    """Requests/s, latency percentiles (ms) and errors from wrk --latency."""
    def ms(v, unit):
        return float(v) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]
    row = {"requests_per_s": float(re.search(r"^Requests/sec:\s+([\d.]+)",
                                             text, re.M).group(1))}
    for pct, v, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$",
                                   text, re.M):
        row[f"p{pct}_ms"] = ms(v, unit)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                       r"timeout (\d+)", text)
    row["socket_errors"] = sum(map(int, errors.groups())) if errors else 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    row["non_2xx"] = int(non2xx.group(1)) if non2xx else 0
    row["requests"] = int(re.search(r"(\d+) requests in", text).group(1))
    return row


def client(ns, out, cmd, timeout):
    """Run a client in the namespace; its command and output go to out."""
    p = ns.run(cmd, timeout=timeout)
    out.append(f"$ {' '.join(cmd)}\n{p.stdout}{p.stderr}")
    return p


def measure_http(ns, out):
    url = f"http://{ns.guest_ip()}/index.html"
    got = client(ns, out, ["curl", "-sS", "--max-time", "10", url], 20)
    if got.returncode or got.stdout.encode() != index_html():
        raise RuntimeError(f"GET {url}: {got.returncode} {got.stderr.strip()}, "
                           f"{len(got.stdout)} bytes, not the page")
    wrk = ["wrk", "-t", "1", "-c", str(HTTP_CONNECTIONS), "--timeout", "5s"]
    client(ns, out, wrk + ["-d", f"{HTTP_WARMUP_SECONDS}s", url],
           HTTP_WARMUP_SECONDS + 30)
    p = client(ns, out, wrk + ["-d", f"{HTTP_SECONDS}s", "--latency", url],
               HTTP_SECONDS + 30)
    if p.returncode or "Requests/sec" not in p.stdout:
        raise RuntimeError(f"wrk: {p.returncode}: {p.stdout}{p.stderr}")
    return wrk_figures(p.stdout)


def measure_kv(ns, out):
    row = {}
    base = ["redis-benchmark", "-h", ns.guest_ip(), "-p", "6379", "-c",
            str(KV_CLIENTS), "-t", "set,get", "--csv"]
    for label, extra in (("", ["-n", str(KV_REQUESTS)]),
                         (f"_P{KV_PIPELINE}", ["-n", str(KV_PIPELINED_REQUESTS),
                                               "-P", str(KV_PIPELINE)])):
        p = client(ns, out, base + extra, 120)
        rows = {r[0]: r[1:] for r in
                (line.replace('"', "").split(",") for line in p.stdout.splitlines())
                if r[0] in ("SET", "GET")}
        if p.returncode or len(rows) != 2:
            raise RuntimeError(f"redis-benchmark {' '.join(extra)}: "
                               f"{p.returncode}: {p.stdout}{p.stderr}")
        for test, fields in rows.items():
            row[f"{test}{label}_per_s"] = float(fields[0])
            row[f"{test}{label}_p99_ms"] = float(fields[5])
    return row


def alternate_servers(step_name, servers, measure, runs):
    """Each server once per round, in turn, each in a fresh namespace;
    {name: [figures per round]}.  Consoles and client output in
    build/bench/<step>-<server>-<round>.log."""
    got = {s.name: [] for s in servers}
    for n in range(runs):
        for s in servers:
            log = os.path.join(OUT, f"{step_name}-{s.name}-{n + 1}.log")
            with netns.NetNS() as ns:
                got[s.name].append(boot_server(ns, s, measure, log))
    return got


def median_row(results):
    """Per figure, the median over the rounds that have it (wrk leaves
    out percentiles it has no sample for)."""
    keys = dict.fromkeys(k for r in results for k in r)
    return {k: statistics.median(r[k] for r in results if k in r)
            for k in keys}


def server_step(name, servers, measure, show, baseline, keys, tools):
    """Alternate the servers; medians per guest, and for each Tern guest
    the median over rounds of its figure / the baseline's for each key
    (rates: higher is better).  tools: the host's clients it needs."""
    missing = [t for t in tools if not shutil.which(t)]
    reason = netns.unavailable() or (missing and (
        f"no {', '.join(missing)}: run scripts/setup"))
    if reason:
        print(f"bench:   skipped: {reason}")
        return {"skipped": reason}
    runs = max(1, RUNS // 4)
    try:
        got = alternate_servers(name, servers, measure, runs)
    except (RuntimeError, subprocess.CalledProcessError, OSError,
            subprocess.TimeoutExpired) as e:
        print(f"bench:   failed: {e}")
        return {"failed": str(e)}
    row = {"runs": runs, "machine": SERVER_MACHINE, "mem": SERVER_MEM,
           "vcpus": 1, "accel": "tcg", "backend": "tap in a network namespace",
           "kernel": os.path.basename(linux_kernel())}
    for s, results in got.items():
        row[s] = median_row(results)
        print(f"bench:   {s}: {show(row[s])}")
    row["ratios"] = {
        f"{s} / {baseline} {k}": statistics.median(
            t[k] / b[k] for t, b in zip(results, got[baseline]))
        for s, results in got.items() if s.startswith("tern") for k in keys}
    for what, ratio in row["ratios"].items():
        print(f"bench:   {what}: {ratio:.2f}x")
    save(name, row)
    return row


def httpd():
    step("httpd", f"HTTP: wrk -c{HTTP_CONNECTIONS} keep-alive {HTTP_SECONDS} s "
                  f"on a 612-byte index.html; Linux with nginx and with busybox "
                  f"httpd (q35, 256 MiB, one TCG vCPU, tap in a namespace)")
    try:
        kernel = linux_kernel()
        servers = tern_server("httpd", tern_httpd_server) + [
            linux_server("linux-nginx", 80, kernel, nginx_guest()),
            linux_server("linux-busybox-httpd", 80, kernel,
                         busybox_httpd_guest())]
    except (RuntimeError, subprocess.CalledProcessError, OSError) as e:
        print(f"bench:   skipped: {e}")
        return {"skipped": str(e)}
    return server_step("httpd", servers, measure_http, show_http,
                       "linux-nginx", ["requests_per_s"], ("wrk", "curl"))


def show_http(r):
    return (f"{r['requests_per_s']:.0f} requests/s, p50 {r.get('p50_ms', 0):.2f} ms, "
            f"p99 {r.get('p99_ms', 0):.2f} ms, {r['socket_errors']:.0f} socket "
            f"errors, {r['non_2xx']:.0f} non-2xx; QEMU at "
            f"{r['qemu_host_cpu_percent']:.0f}% of a host CPU")


def kv():
    step("kv", f"Redis protocol: redis-benchmark -c{KV_CLIENTS} GET and SET, "
               f"-n {KV_REQUESTS}, and -n {KV_PIPELINED_REQUESTS} -P {KV_PIPELINE}; "
               f"Linux with redis-server (q35, 256 MiB, one TCG vCPU, tap in "
               f"a namespace)")
    try:
        kernel = linux_kernel()
        servers = tern_server("kv", tern_kv_server) + [
            linux_server("linux-redis", 6379, kernel, redis_guest())]
    except (RuntimeError, subprocess.CalledProcessError, OSError) as e:
        print(f"bench:   skipped: {e}")
        return {"skipped": str(e)}
    return server_step("kv", servers, measure_kv, show_kv, "linux-redis",
                       KV_KEYS, ("redis-benchmark",))


def show_kv(r):
    return ", ".join(
        f"{t} {r[f'{t}_per_s']:.0f}/s (p99 {r[f'{t}_p99_ms']:.1f} ms)"
        for t in ("SET", "GET", f"SET_P{KV_PIPELINE}", f"GET_P{KV_PIPELINE}")
    ) + f"; QEMU at {r['qemu_host_cpu_percent']:.0f}% of a host CPU"


# ---- 6. Xen ------------------------------------------------------------------------
def xen():
    step("xen", "dom0 lifetime under Xen 4.17 (Xen's timestamps), 3 boots")
    lives = []
    for _ in range(3):
        p = subprocess.run([os.path.join(ROOT, "scripts/run-xen"), HELLO],
                           capture_output=True, text=True, timeout=120)
        start = re.search(r"\[\s*([\d.]+)\] Freed \d+kB init memory", p.stdout)
        end = re.search(r"\[\s*([\d.]+)\] Hardware Dom0 halted", p.stdout)
        if start and end:
            lives.append(float(end.group(1)) - float(start.group(1)))
    row = {"dom0_life_ms": statistics.median(lives) * 1000 if lives else None,
           "boots": len(lives)}
    save("xen", row)
    return row


# ---- 7. scheduler ----------------------------------------------------------------
def sched():
    step("sched", "thread switch, create-and-exit and interrupt-to-thread "
         "costs, timer lateness (apps/sched-bench)")
    image = os.path.join(BUILD, "sched-bench", "tern-sched-bench.elf")
    row = {}
    for mode, extra in (("tcg", ()), ("icount", ("-icount", "shift=0"))):
        rc, out, _ = qemu(image, "pc", "64M", extra=extra, timeout=120)
        for name, value in re.findall(r"^bench: (\S+) (\d+)$", out, re.M):
            row[f"{name}_{mode}"] = int(value)
    save("sched", row)
    return row


# ---- 8. idle ----------------------------------------------------------------------
def idle():
    step("idle", "host CPU used by a guest that sleeps 10 s (apps/sleep)")
    image = os.path.join(BUILD, "sleep", "tern-sleep.elf")
    rows = {}
    for m in MACHINES:
        before = os.times()
        rc, out, secs = qemu(image, m, "64M", append="-- 10", timeout=60,
                             debug_exit=False)
        after = os.times()
        cpu = (after.children_user - before.children_user +
               after.children_system - before.children_system)
        rows[m] = {"wall_s": secs, "cpu_s": cpu,
                   "cpu_percent": 100 * cpu / secs if secs else None,
                   "ok": rc == 0 and "awake" in out}
        print(f"bench:   {m}: {cpu:.2f} s of CPU in {secs:.1f} s "
              f"({rows[m]['cpu_percent']:.1f}%)")
    save("idle", rows)
    return rows


def report(r):
    print("\nTern bench (targets in brackets; figures, not verdicts)")
    if "sizes" in r:
        print(f"{'image':16} {'file':>8} {'stripped':>9} {'text':>8} "
              f"{'data':>6} {'bss':>7}")
        for name, s in r["sizes"].items():
            print(f"{name:16} {s['file']:8} {s['stripped']:9} {s['text']:8} "
                  f"{s['data']:6} {s['bss']:7}")
        h = r["sizes"].get("hello")
        if h:
            print(f"hello loaded (text+data): {h['text'] + h['data']} bytes "
                  f"[< {TARGETS['image_bytes']}]")
    for m, row in r.get("instructions", {}).items():
        print(f"entry to main() on {m}: {row.get('to_main')} instructions "
              f"[< {TARGETS['instructions']}]; phases {row.get('phases')}; "
              f"pages used {row.get('pages_used')}, heap peak "
              f"{row.get('heap_peak')} B")
    for m, row in r.get("floor-memory", {}).items():
        print(f"memory floor on {m}: {row.get('kib', row.get('error'))} KiB "
              f"[<= {TARGETS['memory_kib']}]")
    for m, row in r.get("qemu-floor", {}).items():
        print(f"whole run vs QEMU's floor on {m}: {row['ratio']:.3f}x "
              f"[<= {TARGETS['floor_ratio']}]")
    lx = r.get("linux", {})
    if "ratio" in lx:
        print(f"whole run vs Linux ({lx['kernel']}): {lx['ratio']:.3f}x "
              f"[< {TARGETS['linux_ratio']}]")
    if r.get("xen", {}).get("dom0_life_ms") is not None:
        print(f"Xen dom0 lifetime (Xen time): {r['xen']['dom0_life_ms']:.1f} ms")
    sc = r.get("sched", {})
    if sc:
        print(f"thread switch: {sc.get('switch_ticks_icount')} instructions "
              f"({sc.get('switch_ticks_tcg')} TSC ticks under TCG); 1 ms "
              f"timer late by {sc.get('timer_late_ns_median_tcg', 0) / 1000:.0f} us "
              f"median, {sc.get('timer_late_ns_max_tcg', 0) / 1000:.0f} us max")
    if sc.get("create_join_ticks_icount") is not None:
        print(f"thread create and exit: {sc.get('create_exit_detached_ticks_icount')} "
              f"instructions detached, {sc.get('create_join_ticks_icount')} joined "
              f"({sc.get('create_exit_detached_ticks_tcg')} / "
              f"{sc.get('create_join_ticks_tcg')} TSC ticks under TCG)")
    if sc.get("irq_wake_ticks_median_icount") is not None:
        print(f"interrupt to thread: {sc.get('irq_wake_ticks_median_icount')} "
              f"instructions median, {sc.get('irq_wake_ticks_max_icount')} max "
              f"({sc.get('irq_wake_ticks_median_tcg')} TSC ticks under TCG)")
    b = r.get("blk", {})
    for test in BLK_TESTS if "runs" in b else ():
        unit = "IOPS" if test.startswith("rand") else "MB/s"
        print(f"virtio-blk {test}: Tern {b[f'tern {test} qd1']:.0f} {unit} "
              f"(qd{BLK_DEPTHS[-1]} {b[f'tern {test} qd{BLK_DEPTHS[-1]}']:.0f}), "
              f"Linux {b[f'linux {test} qd1']:.0f}: {b[f'ratio {test} qd1']:.2f}x "
              f"[>= 1]")
    n = r.get("net", {})
    for test in NET_TESTS if "runs" in n else ():
        unit = "round trips/s" if test == "ping" else "frames/s"
        print(f"virtio-net {test}: Tern {n[f'tern {test}']:.0f} {unit}, Linux "
              f"{n[f'linux {test}']:.0f}: {n[f'ratio {test}']:.2f}x [>= 1]")
    for step_name in ("httpd", "kv"):
        row = r.get(step_name, {})
        guests = {k: v for k, v in row.items()
                  if isinstance(v, dict) and k != "ratios"}
        if guests:
            print(f"{step_name} ({row['machine']}, {row['mem']}, 1 TCG vCPU, "
                  f"{row['backend']}, {row['runs']} round(s)):")
        for g, v in guests.items():
            if step_name == "httpd":
                print(f"  {g}: {v['requests_per_s']:.0f} requests/s, p50 "
                      f"{v.get('p50_ms', 0):.1f} ms, p99 {v.get('p99_ms', 0):.1f} ms")
            else:
                print(f"  {g}: " + ", ".join(
                    f"{t} {v[f'{t}_per_s']:.0f}/s" for t in
                    ("SET", "GET", f"SET_P{KV_PIPELINE}", f"GET_P{KV_PIPELINE}")))
        for what, ratio in row.get("ratios", {}).items():
            print(f"  {what}: {ratio:.2f}x "
                  f"[>= {3 if step_name == 'httpd' else 2}]")
    for m, row in r.get("idle", {}).items():
        print(f"idle guest on {m}: {row['cpu_percent']:.1f}% of a host CPU "
              f"over {row['wall_s']:.1f} s")


def main():
    os.makedirs(OUT, exist_ok=True)
    if not os.path.exists(HELLO):
        sys.exit(f"bench: {HELLO} missing: run make first")
    if (SKIP | ONLY) - set(STEPS):
        sys.exit(f"bench: unknown step(s) {', '.join((SKIP | ONLY) - set(STEPS))}"
                 f": the steps are {', '.join(STEPS)}")
    results = {}
    for name, fn in (("sizes", sizes), ("instructions", instructions),
                     ("floor-memory", floor_memory),
                     ("qemu-floor", qemu_floor), ("linux", linux),
                     ("blk", blk), ("net", net), ("httpd", httpd), ("kv", kv),
                     ("xen", xen), ("sched", sched), ("idle", idle)):
        if name not in SKIP and (not ONLY or name in ONLY):
            results[name] = fn()
    save("summary", results)
    report(results)


if __name__ == "__main__":
    main()
