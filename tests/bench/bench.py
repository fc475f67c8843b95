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

Environment: RUNS (timed pairs, default 10), SKIP (comma-separated step
names: sizes, instructions, floor-memory, qemu-floor, linux, xen, sched,
idle).
"""
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from tern_host import cpio_newc, fetch_deb, linux_image_package  # noqa: E402
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
         "xen", "sched", "idle"]


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
def linux_guest():
    dest = os.path.join(OUT, "linux")
    root = fetch_deb(linux_image_package(), dest)
    vmlinuz = [f for f in os.listdir(os.path.join(root, "boot"))
               if f.startswith("vmlinuz")][0]
    busybox = open(os.path.join(fetch_deb("busybox-static", dest), "bin",
                                "busybox"), "rb").read()
    init = (b"#!/bin/busybox sh\n/bin/busybox echo Hello from Linux\n"
            b"/bin/busybox poweroff -f\n")
    archive = cpio_newc([("bin", 0o40755, b"", 0), ("dev", 0o40755, b"", 0),
                         ("dev/console", 0o20600, b"", (5 << 8) | 1),
                         ("bin/busybox", 0o100755, busybox, 0),
                         ("init", 0o100755, init, 0)])
    initrd = os.path.join(dest, "initrd.gz")
    with gzip.open(initrd, "wb") as f:
        f.write(archive)
    return os.path.join(root, "boot", vmlinuz), initrd


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
    for m, row in r.get("idle", {}).items():
        print(f"idle guest on {m}: {row['cpu_percent']:.1f}% of a host CPU "
              f"over {row['wall_s']:.1f} s")


def main():
    os.makedirs(OUT, exist_ok=True)
    if not os.path.exists(HELLO):
        sys.exit(f"bench: {HELLO} missing: run make first")
    results = {}
    for name, fn in (("sizes", sizes), ("instructions", instructions),
                     ("floor-memory", floor_memory),
                     ("qemu-floor", qemu_floor), ("linux", linux),
                     ("xen", xen), ("sched", sched), ("idle", idle)):
        if name not in SKIP:
            results[name] = fn()
    save("summary", results)
    report(results)


if __name__ == "__main__":
    main()
