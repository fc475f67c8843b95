#!/usr/bin/python3
"""Tern's test driver (make test).

Runs, in order: the host unit tests, a short run of each fuzz target
(start_info, ACPI tables, E820, command line, pvhload's ELF), build-system
checks, httpd's host build checked over 127.0.0.1 (tests/httpd_check.py),
then the boot tests in parallel under QEMU (TCG).  Each boot test reads what the guest printed on COM1 and QEMU's exit
status.  The last line is "N passed, N failed, N skipped".
Network tests that need more than QEMU's user network run over a tap in
a private network namespace each (tests/netns.py, NetnsBoot): skipped,
with the reason, when not root.

Environment: QEMU (default qemu-system-x86_64), JOBS (parallel boots,
default: CPUs), FUZZ_SMOKE_SECONDS (default 10: the start_info fuzzer's
time, each other target gets half), ONLY (substring filter on
test names).
"""
import concurrent.futures
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netns  # noqa: E402
from deploy.check import make_deploy, run_deploy_checks  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
ONLY = os.environ.get("ONLY", "")
BOOT_TIMEOUT = 60
# A harness that could not get what it needs from outside (the Debian
# mirror for the domU tier's dom0) exits with this: the test is skipped,
# with the reason, not failed.
UNAVAILABLE = 77
# Runtime statuses (include/tern/exit.h) and QEMU's isa-debug-exit coding.
TERN_EXIT_PANIC = 112
TERN_EXIT_FAULT = 113
TERN_EXIT_CPU_UNSUPPORTED = 119
TERN_EXIT_NO_ENTROPY = 120


def debug_exit(status):
    return (status << 1) | 1


class Results:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def report(self, name, ok, detail="", seconds=None, skip=None):
        took = f" ({seconds:.1f}s)" if seconds is not None else ""
        if skip:
            self.skipped += 1
            print(f"SKIP {name}: {skip}", flush=True)
        elif ok:
            self.passed += 1
            print(f"PASS {name}{took}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL {name}{took}: {detail}", flush=True)


# ---- host unit tests and fuzzing ---------------------------------------------
def run_unit(res):
    binary = os.path.join(BUILD, "tests", "unit-tests")
    if not os.path.exists(binary):
        res.report("unit tests", False, f"{binary} not built (make test builds it)")
        return
    p = subprocess.run([binary], capture_output=True, text=True)
    for line in p.stdout.splitlines():
        m = re.match(r"(not ok|ok) \d+ - (.*)", line)
        if m:
            res.report("unit: " + m.group(2), m.group(1) == "ok")
        elif line.startswith("#"):
            print(line)
    if p.returncode not in (0, 1):
        res.report("unit tests binary", False,
                   f"exit {p.returncode}: {p.stderr[-2000:]}")


# Each fuzz target (tests/fuzz/fuzz_<name>.c) and its smoke-run share: the
# start_info parser gets FUZZ_SMOKE_SECONDS, the others half of it each.
FUZZ_TARGETS = (("start_info", "start_info parser", 1.0),
                ("acpi", "ACPI tables", 0.5),
                ("e820", "E820 decoder and sanitiser", 0.5),
                ("cmdline", "command-line parser", 0.5),
                ("elf", "pvhload ELF validation", 0.5),
                ("mmio_dsdt", "DSDT virtio-mmio objects", 0.5),
                ("pci", "PCI enumeration and virtio PCI layout", 0.5),
                ("virtqueue", "virtqueue against a lying device", 0.5),
                ("netparam", "net.* address parser against inet_pton", 0.2),
                ("lwip_frames", "lwIP's input path against Ethernet frames", 1.0),
                ("http_parse", "httpd request parser and responses", 0.5),
                ("tar", "httpd tar reader and site index", 0.5),
                ("kv_resp", "kv RESP parser and commands", 0.5),
                ("kv_snapshot", "kv snapshot loader", 0.5),
                ("xs_reply", "xenstore replies and client against a hostile store", 0.5))


def run_fuzz(res):
    corpus = os.path.join(BUILD, "fuzz-corpus")
    subprocess.run([sys.executable, os.path.join(ROOT, "tests/fuzz/make_seeds.py"),
                    corpus], check=True)
    smoke = float(os.environ.get("FUZZ_SMOKE_SECONDS", "10"))
    for name, what, share in FUZZ_TARGETS:
        binary = os.path.join(BUILD, "tests", "fuzz-" + name.replace("_", "-"))
        if not os.path.exists(binary):
            res.report(f"fuzz {what}", False, skip="clang/libFuzzer not available")
            continue
        seconds = max(1, round(smoke * share))
        t = time.time()
        p = subprocess.run([binary, f"-max_total_time={seconds}",
                            f"-artifact_prefix={BUILD}/fuzz-{name}-",
                            os.path.join(corpus, name)],
                           capture_output=True, text=True)
        runs = re.search(r"Done (\d+) runs", p.stderr)
        ok = p.returncode == 0 and runs is not None
        if runs:
            print(f"     fuzz {name}: {runs.group(1)} executions in {seconds}s")
        res.report(f"fuzz {what}", ok, p.stderr[-3000:], time.time() - t)


# ---- httpd's portable code as a Linux program --------------------------------
def run_httpd_host(res):
    """tests/httpd_check.py --launch: apps/httpd built for the host
    (ASan, UBSan) serving a test site on 127.0.0.1, checked with curl and
    raw sockets.  The same checks run against the guest with --base."""
    if not shutil.which("curl"):
        res.report("httpd host", False, skip="curl not installed")
        return
    t = time.time()
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tests/httpd_check.py"),
                        "--launch"], cwd=ROOT, capture_output=True, text=True,
                       timeout=300)
    seen = 0
    for line in p.stdout.splitlines():
        m = re.match(r"(not ok|ok) \d+ - (.*)", line)
        if m:
            seen += 1
            res.report("httpd host: " + m.group(2).split(": ")[0],
                       m.group(1) == "ok", line)
    if p.returncode != 0 and seen == 0 or "Traceback" in p.stderr:
        res.report("httpd host check", False, p.stderr[-2000:], time.time() - t)


# ---- build-system checks -----------------------------------------------------
def make(*args, env=None):
    return subprocess.run(["make", "--no-print-directory", "-C", ROOT, *args],
                          capture_output=True, text=True, env=env)


def run_build_checks(res):
    p = make("APP=no-such-app")
    res.report("build: unknown APP is a clear error",
               p.returncode != 0 and "unknown APP 'no-such-app'" in p.stderr,
               p.stderr[-500:])
    with tempfile.TemporaryDirectory() as tmp:
        for bad, words in (("CONFIG_LOGLEVEL=9", "LOGLEVEL"),
                           ("CONFIG_DEBUG_EXIT_PORT=banana", "DEBUG_EXIT_PORT"),
                           ("CONFIG_NO_SUCH_OPTION=y", "NO_SUCH_OPTION")):
            defconfig = os.path.join(tmp, "bad_defconfig")
            with open(defconfig, "w") as f:
                f.write(bad + "\n")
            p = make("APP=hello", f"DEFCONFIG={defconfig}",
                     f"BUILD={os.path.join(tmp, 'b')}")
            res.report(f"build: bad Kconfig value {bad} is a clear error",
                       p.returncode != 0 and "kconfig: error" in p.stderr
                       and words in p.stderr, p.stderr[-500:])
    with tempfile.TemporaryDirectory() as tmp:
        missing_deps = [
            ("newlib-source missing", ["scripts/build-newlib", tmp],
             {"NEWLIB_TARBALL": "/nonexistent/newlib-3.3.0.tar.xz"},
             "run scripts/setup (Debian package newlib-source)"),
            ("newlib tarball not the pinned one", ["scripts/build-newlib", tmp],
             {"NEWLIB_TARBALL": os.path.join(ROOT, "README.md")},
             "is not newlib 3.3.0 as pinned"),
            ("lwIP tarball missing", ["scripts/build-lwip", tmp],
             {"LWIP_TARBALL": "/nonexistent/lwip_2.1.3+dfsg1.orig.tar.xz"},
             "no such file"),
            ("lwIP tarball not the pinned one", ["scripts/build-lwip", tmp],
             {"LWIP_TARBALL": os.path.join(ROOT, "README.md")},
             "is not lwIP 2.1.3 as pinned"),
            ("Xen headers missing",
             ["make", "--no-print-directory", "APP=hello",
              f"BUILD={tmp}/b", "XEN_INCLUDE=/nonexistent/xen"], {},
             "Xen public headers missing"),
        ]
        for what, cmd, extra_env, words in missing_deps:
            p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                               env=dict(os.environ, **extra_env))
            res.report(f"build: {what} is a clear error",
                       p.returncode != 0 and words in p.stderr,
                       p.stderr[-500:])
    # python3 -S leaves out site-packages, where kconfiglib lives.
    with tempfile.TemporaryDirectory() as tmp:
        p = make("APP=hello", "PYTHON=/usr/bin/python3 -S", f"BUILD={tmp}")
    res.report("build: missing kconfiglib is a clear error",
               p.returncode != 0 and "python3-kconfiglib is missing" in p.stderr,
               p.stderr[-500:])
    run_kconfig_variant_checks(res)
    check_tsc_deadline_fence(res)
    check_header_layout(res)
    check_elf_closure(res)
    image = os.path.join(BUILD, "hello", "tern-hello.elf")
    env = dict(os.environ, QEMU="/nonexistent/qemu-system-x86_64")
    p = subprocess.run([os.path.join(ROOT, "scripts/run-qemu"), image],
                       capture_output=True, text=True, env=env)
    p2 = subprocess.run([os.path.join(ROOT, "scripts/run-qemu"), image],
                        capture_output=True, text=True,
                        env=dict(os.environ, FORWARD="8080:80,80"))
    res.report("run: a bad FORWARD= is a clear message, no QEMU started",
               p2.returncode == 2 and "each entry is HOSTPORT:GUESTPORT" in p2.stderr,
               p2.stderr[-300:])
    res.report("run: missing QEMU is a clear message",
               p.returncode == 127 and "not found: run scripts/setup" in p.stderr,
               p.stderr[-300:])


def check_elf_closure(res):
    """make bench's library resolution (scripts/tern_host.elf_closure) on
    a tree built here: a program needing libtern-a.so.1, reached through
    an absolute symlink (re-rooted in the tree, as in the guest), which
    needs libc.so.6.  It finds both, from the tree; with libc.so.6 absent
    from the tree it refuses, naming it, although the host has one."""
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    from tern_host import elf_closure
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "root")
        lib, usrlib = (os.path.join(root, d) for d in (
            "lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu"))
        os.makedirs(lib)
        os.makedirs(usrlib)
        os.makedirs(os.path.join(root, "bin"))
        src = os.path.join(tmp, "a.c")
        with open(src, "w") as f:
            f.write("int tern_a(void);\n#ifdef MAIN\n"
                    "int main(void) { return tern_a(); }\n#else\n"
                    "int tern_a(void) { return 1; }\n#endif\n")
        cc = subprocess.run(
            f"gcc -shared -fPIC -Wl,-soname,libtern-a.so.1 -o {usrlib}/libtern-a.so.1.0 {src} && "
            f"gcc -DMAIN -o {root}/bin/prog {src} {usrlib}/libtern-a.so.1.0 && "
            f"ln -s /usr/lib/x86_64-linux-gnu/libtern-a.so.1.0 {lib}/libtern-a.so.1",
            shell=True, capture_output=True, text=True)
        if cc.returncode:
            res.report("bench: library resolution stays inside the tree", False,
                       cc.stderr[-500:])
            return
        try:
            elf_closure(root, ["bin/prog"])
            refused = ""
        except RuntimeError as e:
            refused = str(e)
        # The host's C library and loader, copied into the tree.
        for name, path in (("libc.so.6", "-print-file-name=libc.so.6"),
                           ("ld-linux-x86-64.so.2",
                            "-print-file-name=ld-linux-x86-64.so.2")):
            host = subprocess.run(["gcc", path], capture_output=True,
                                  text=True).stdout.strip()
            shutil.copy(os.path.realpath(host), os.path.join(lib, name))
        os.makedirs(os.path.join(root, "lib64"))
        os.symlink("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                   os.path.join(root, "lib64", "ld-linux-x86-64.so.2"))
        try:
            found = elf_closure(root, ["bin/prog"])
        except RuntimeError as e:
            found = {"error": str(e)}
    res.report("bench: library resolution refuses a library the tree lacks "
               "(the host's does not count)",
               "libc.so.6 (needed by /bin/prog)" in refused
               and "libtern-a.so.1" not in refused, refused or "not refused")
    res.report("bench: library resolution finds libraries inside the tree "
               "through absolute symlinks",
               found.get("lib/x86_64-linux-gnu/libtern-a.so.1")
               == "usr/lib/x86_64-linux-gnu/libtern-a.so.1.0"
               and "lib/x86_64-linux-gnu/libc.so.6" in found, str(found))


def check_tsc_deadline_fence(res):
    """SDM 10.5.4.1: in xAPIC mode an MFENCE must separate the MMIO write
    that selects TSC-deadline mode from the WRMSR of IA32_TSC_DEADLINE
    (0x6e0).  No VMM we boot on (TCG) reorders them, so no boot can show
    a missing fence: this reads the built code instead.  Each WRMSR of
    0x6e0 needs an MFENCE earlier in its function with no RET between."""
    image = os.path.join(BUILD, "hello", "tern-hello.elf")
    p = subprocess.run(["objdump", "-d", "--no-show-raw-insn", image],
                       capture_output=True, text=True)
    deadline_writes, unfenced = 0, []
    fenced = False
    ecx = None
    for line in p.stdout.splitlines():
        if line.endswith(">:"):
            fenced, ecx, function = False, None, line
        elif "\tmfence" in line:
            fenced = True
        elif "\tret" in line:
            fenced = False
        elif re.search(r"\tmov\s+\$0x6e0,%ecx", line):
            ecx = 0x6e0
        elif "\twrmsr" in line and ecx == 0x6e0:
            deadline_writes += 1
            if not fenced:
                unfenced.append(f"{function} {line.strip()}")
            ecx = None
    res.report("build: TSC-deadline WRMSR fenced after the LVT write "
               "(SDM 10.5.4.1)", deadline_writes > 0 and not unfenced,
               f"{deadline_writes} deadline write(s); unfenced: {unfenced}"
               if p.returncode == 0 else p.stderr[-300:])


# The layout rule: an ordinary app (no CONFIG_APP_INTERNAL) builds with
# every public header (include/tern/) and with none of the internal ones
# (each folder's include/tern/).
def check_header_layout(res):
    p = make("-s", "APP=hello", "print-app-cflags")
    # without -MMD: gcc would write a dependency file named after "-"
    flags = [f for f in p.stdout.split() if f not in ("-MMD", "-MP")]
    public = sorted(glob.glob(os.path.join(ROOT, "include/tern/*.h")))
    internal = sorted(h for pattern in ("*/include", "*/*/include",
                                        "*/*/*/include")
                      for h in glob.glob(os.path.join(ROOT, pattern, "tern/*.h"))
                      if not h.startswith(BUILD + os.sep))

    def compiles(header):
        src = (f"#include <tern/{os.path.basename(header)}>\n"
               "int main(int argc, char **argv) { return !argv[argc]; }\n")
        q = subprocess.run(["gcc", *flags, "-fsyntax-only", "-x", "c", "-"],
                           input=src, capture_output=True, text=True, cwd=ROOT)
        return q.returncode == 0, q.stderr

    bad_public = [(h, e) for h in public for ok, e in [compiles(h)] if not ok]
    res.report(f"layout: an app builds with each of the {len(public)} public headers",
               p.returncode == 0 and public and not bad_public,
               str(bad_public)[-500:])
    leaked = [h for h in internal if compiles(h)[0]]
    res.report(f"layout: an app that includes any of the {len(internal)} internal "
               "headers does not build",
               p.returncode == 0 and len(internal) > 20 and not leaked,
               str(leaked)[-500:])


# Every value a Kconfig choice offers, and the other value of every bool
# option, each built once and booted briefly, so a configuration nobody ships
# still builds and boots.  scripts/kconfig.py finds them in the Kconfig files.
# bootinfo is the app because it needs no C library (hello needs stdio);
# newlib is reused from build/, not rebuilt.
VARIANT_APP = "bootinfo"


def run_kconfig_variant_checks(res):
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TERN_APP=VARIANT_APP)
        p = subprocess.run([os.path.join(ROOT, "scripts/kconfig.py"), "variants",
                            f"configs/{VARIANT_APP}_defconfig", tmp],
                           cwd=ROOT, capture_output=True, text=True, env=env)
        if p.returncode != 0 or not p.stdout.strip():
            res.report("build: Kconfig variants listed", False, p.stderr[-500:])
            return
        variants = [line.split(" ", 1) for line in p.stdout.splitlines()]
        jobs = int(os.environ.get("JOBS", os.cpu_count() or 2))
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            futures = {pool.submit(build_and_boot_variant, tmp, setting, where):
                       setting for setting, where in variants
                       if not where.startswith("unreachable")}
            for setting, where in variants:
                if where.startswith("unreachable"):
                    res.report(f"build: {VARIANT_APP} with CONFIG_{setting}",
                               None, skip=where)
            for f in concurrent.futures.as_completed(futures):
                ok, detail, seconds = f.result()
                res.report(f"build: {VARIANT_APP} with CONFIG_{futures[f]}",
                           ok, detail, seconds)


def build_and_boot_variant(tmp, setting, defconfig):
    """Returns (ok, detail, seconds): the image builds with the setting in
    its .config, and boots to the end of main() with the exit status."""
    t = time.time()
    ok, detail = build_and_boot(tmp, setting, defconfig)
    return ok, detail, time.time() - t


def build_and_boot(tmp, setting, defconfig):
    build = os.path.join(tmp, setting.replace("=", "_"))
    p = make(f"APP={VARIANT_APP}", f"DEFCONFIG={defconfig}", f"BUILD={build}",
             f"NEWLIB={os.path.join(BUILD, 'newlib')}",
             f"LWIP_DIR={os.path.join(BUILD, 'lwip')}")
    if setting == "APP_INTERNAL=n":
        # The variant app includes internal headers: without the option
        # it must not build, and say which header it could not find.
        return (p.returncode != 0 and
                re.search(r"tern/\w+\.h: No such file", p.stderr) is not None,
                "expected a build failure naming an internal header:\n" +
                (p.stdout + p.stderr)[-1500:])
    if p.returncode != 0:
        return False, (p.stdout + p.stderr)[-1500:]
    name, value = setting.split("=")
    wanted = f"CONFIG_{name}=y" if value == "y" else f"# CONFIG_{name} is not set"
    dotconfig = open(os.path.join(build, VARIANT_APP, ".config")).read()
    if wanted not in dotconfig.splitlines():
        return False, f"built without '{wanted}' in its .config"
    # Both consoles are captured: the variant may have turned either off.
    debugcon = os.path.join(build, "debugcon.log")
    image = os.path.join(build, VARIANT_APP, f"tern-{VARIANT_APP}.elf")
    env = dict(os.environ, APPEND="tern.exit=debugexit", MODULES="")
    try:
        q = subprocess.run([os.path.join(ROOT, "scripts/run-qemu"), image,
                            "-debugcon", f"file:{debugcon}"],
                           capture_output=True, env=env, timeout=BOOT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, f"boot: no exit within {BOOT_TIMEOUT}s"
    out = q.stdout.decode(errors="replace")
    out += open(debugcon, errors="replace").read() if os.path.exists(debugcon) else ""
    if q.returncode != debug_exit(0) or "tern: exit status 0" not in out:
        return False, f"boot: QEMU exit status {q.returncode}; console:\n{out[-1500:]}"
    return True, ""


# ---- boot tests -------------------------------------------------------------
class Boot:
    def __init__(self, name, app, machine="pc", mem="64M", append="",
                 module=None, expect=(), forbid=(r"tern: fatal",),
                 status=0, debug_exit_device=True, extra=(), check=None,
                 timeout=BOOT_TIMEOUT, hang=None):
        self.name, self.app, self.machine, self.mem = name, app, machine, mem
        self.append, self.module = append, module
        self.expect, self.forbid, self.status = expect, forbid, status
        self.debug_exit_device, self.extra = debug_exit_device, extra
        self.check = check  # callable(console) -> problem or None
        self.timeout = timeout
        # hang=seconds: the guest is expected to halt and leave QEMU up;
        # it is stopped after that long and its output checked.
        self.hang = hang

    def command(self, image):
        return [os.path.join(ROOT, "scripts/run-qemu"), image, *self.extra]

    def run(self):
        image = os.path.join(BUILD, self.app, f"tern-{self.app}.elf")
        # The host's date as the boot starts, for the guest's wall clock.
        self.append = self.append.replace(
            "HOSTTIME=now", f"HOSTTIME={int(time.time())}")
        env = dict(os.environ, MACHINE=self.machine, MEM=self.mem,
                   APPEND=self.append, MODULES=self.module or "",
                   DEBUG_EXIT="1" if self.debug_exit_device else "0")
        t = time.time()
        try:
            p = subprocess.run(self.command(image), capture_output=True,
                               env=env, timeout=self.hang or self.timeout)
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode(errors="replace")
            if not self.hang:
                return False, f"no exit within {self.timeout}s; output:\n{out[-1500:]}", time.time() - t
            p = subprocess.CompletedProcess([], None, e.stdout or b"",
                                            e.stderr or b"")
        else:
            if self.hang:
                return False, f"QEMU exited ({p.returncode}) instead of halting", time.time() - t
        return self.verdict(p.returncode, p.stdout.decode(errors="replace"),
                            p.stderr.decode(errors="replace"), t)

    def verdict(self, returncode, out, err, t):
        """(ok, detail, seconds) from the exit status and the console."""
        out = out.replace("\r", "")
        self.last_output = out
        if returncode == UNAVAILABLE:
            return None, err.strip()[-300:], time.time() - t
        problems = []
        if not self.hang and returncode != self.status:
            problems.append(f"QEMU exit status {returncode}, expected {self.status}")
        for pattern in self.expect:
            if not re.search(pattern, out, re.M):
                problems.append(f"missing /{pattern}/")
        for pattern in self.forbid:
            if re.search(pattern, out, re.M):
                problems.append(f"unexpected /{pattern}/")
        if self.check and self.check(out):
            problems.append(self.check(out))
        detail = "; ".join(problems)
        if problems:
            detail += "\n--- console ---\n" + out[-2500:] + err[-500:]
        return not problems, detail, time.time() - t


# The scheduler's report of a Xen timer event that never came (the LAPIC
# backup woke the CPU instead): a lost wake-up, in any Xen test.
LOST_TIMER = r"timer event for a deadline .* never came"


class XenBoot(Boot):
    """Tern as a PVH dom0 of the real Xen, inside QEMU: scripts/run-xen
    stops QEMU when Xen reports dom0's end.  append is dom0's cmdline;
    module is a comma-separated list of "file [cmdline]"."""

    def __init__(self, name, app, **kw):
        kw.setdefault("forbid", (r"tern: fatal", r"Hardware Dom0 crashed",
                                 r"\(XEN\).*(Panic|FATAL)"))
        kw["forbid"] = tuple(kw["forbid"]) + (LOST_TIMER,)
        kw.setdefault("timeout", 150)  # Xen under TCG on a loaded host
        super().__init__(name, app, **kw)

    def command(self, image):
        return ["env", f"TIMEOUT={self.timeout - 10}",
                os.path.join(ROOT, "scripts/run-xen"), image,
                *self.append.split()]


class XenDomUBoot(Boot):
    """Tern as a PVH domU: Xen in QEMU, a Linux dom0 with the toolstack
    (scripts/run-xen-domu).  Tern's lines come back twice: through Xen's
    log as "(d1) ..." (port 0xe9) and through the PV console ring and
    xenconsoled as "pvconsole: ..."."""

    def __init__(self, name, app, module_env=None, dom0_check=None,
                 xl_config=None, **kw):
        kw.setdefault("forbid", (r"tern: fatal", r"\(d1\) .*warning: xen:"))
        kw["forbid"] = tuple(kw["forbid"]) + (LOST_TIMER,)
        kw.setdefault("timeout", 240)
        super().__init__(name, app, **kw)
        self.module_env = module_env
        self.dom0_check = dom0_check  # tests/dom0/<script>: dom0's side
        # xl_config: make xl-config's settings (MEM=, APPEND=, MODULES=):
        # the domain is created from the file that target writes.
        self.xl_config = xl_config

    def command(self, image):
        if self.xl_config is not None:
            return self.generated_config_command(image)
        cmd = [os.path.join(ROOT, "scripts/run-xen-domu"), image,
               *self.append.split()]
        env = []
        if self.module_env:
            env.append(f"MODULE={self.module_env}")
        if self.dom0_check:
            env.append("DOM0_CHECK=" +
                       os.path.join(ROOT, "tests/dom0", self.dom0_check))
        return ["env", *env, *cmd] if env else cmd


    def generated_config_command(self, image):
        outdir = os.path.join(BUILD, "xen-domu", f"xl-config-{self.app}")
        p = make_deploy("xl-config", self.app, outdir, **self.xl_config)
        if p.returncode:
            return ["sh", "-c", 'echo "make xl-config failed: $0" >&2; exit 1',
                    p.stderr.strip()[-300:]]
        return ["env", f"XL_CONFIG={os.path.join(outdir, self.app + '.xl')}",
                os.path.join(ROOT, "scripts/run-xen-domu"), image]


class InterruptStateBoot(Boot):
    """Reads the legacy interrupt controllers' state from QEMU's monitor
    while the guest sleeps (apps/sleep): what the 8259s and the local
    APIC's LINT pins were left as, seen from the device side, not as
    the guest believes it wrote them."""

    def __init__(self, name, machine, tmp, **kw):
        super().__init__(name, "sleep", machine,
                         append="tern.exit=debugexit -- 2",
                         status=debug_exit(0), **kw)
        self.socket = os.path.join(tmp, f"monitor-{machine}.sock")

    def command(self, image):
        return [*super().command(image),
                "-monitor", f"unix:{self.socket},server=on,wait=off"]

    def monitor(self, commands):
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(10)
            s.connect(self.socket)
            reply = b""
            # One prompt on connecting, then one after each command.
            for prompts, c in enumerate(commands, start=2):
                s.sendall(c.encode() + b"\n")
                while reply.count(b"(qemu)") < prompts or \
                        not reply.rstrip().endswith(b"(qemu)"):
                    more = s.recv(65536)
                    if not more:
                        raise OSError("QEMU closed its monitor")
                    reply += more
        return reply.decode(errors="replace")

    def run(self):
        image = os.path.join(BUILD, self.app, f"tern-{self.app}.elf")
        env = dict(os.environ, MACHINE=self.machine, MEM=self.mem,
                   APPEND=self.append, MODULES="")
        t = time.time()
        p = subprocess.Popen(self.command(image), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, env=env)
        watchdog = threading.Timer(self.timeout, p.kill)
        watchdog.start()
        out, state = "", ""
        try:
            for line in iter(p.stdout.readline, b""):
                out += line.decode(errors="replace").replace("\r", "")
                if line.startswith(b"sleeping"):
                    try:
                        state = self.monitor(["info pic", "info lapic"])
                    except OSError as e:
                        state = f"monitor: {e}"
                    break
            out += p.communicate()[0].decode(errors="replace").replace("\r", "")
        finally:
            watchdog.cancel()
        problems = [] if p.returncode == self.status else [
            f"QEMU exit status {p.returncode}, expected {self.status}"]
        problems += interrupt_state_problems(state)
        detail = "; ".join(problems)
        if problems:
            detail += "\n--- monitor ---\n" + state[-3000:] + \
                "\n--- console ---\n" + out[-1500:]
        return not problems, detail, time.time() - t


# The vector plan (include/tern/arch.h): the 8259s at 0xe0-0xef.
PIC_VECTOR_BASE = 0xe0


def interrupt_state_problems(state):
    problems = []
    pics = dict(re.findall(r"^(pic[01]): .*irq_base=([0-9a-f]+)", state, re.M))
    imrs = dict(re.findall(r"^(pic[01]): .*imr=([0-9a-f]+)", state, re.M))
    for pic, base in (("pic0", PIC_VECTOR_BASE), ("pic1", PIC_VECTOR_BASE + 8)):
        if pic not in pics:
            continue  # this machine has no 8259 (microvm,pic=off)
        if int(pics[pic], 16) != base:
            problems.append(f"{pic} irq_base 0x{pics[pic]}, expected 0x{base:x}")
        if imrs[pic] != "ff":
            problems.append(f"{pic} imr 0x{imrs[pic]}, expected all masked")
    lint0 = re.search(r"^LVT0\s+0x([0-9a-f]+)", state, re.M)
    if not lint0:
        return problems + ["no local APIC state from the monitor"]
    if not int(lint0.group(1), 16) & (1 << 16):
        problems.append(f"LINT0 0x{lint0.group(1)} not masked")
    return problems


class DebugBoot(Boot):
    """make debug's script, driven by gdb in batch mode: QEMU stopped at
    reset, a hardware breakpoint at the PVH entry, then one at main()."""

    def __init__(self, name, app, log, **kw):
        super().__init__(name, app, **kw)
        self.log = log

    def command(self, image):
        import socket
        with socket.socket() as s:  # a free port on 127.0.0.1
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        return ["env", f"GDB_PORT={port}", f"DEBUG_LOG={self.log}",
                os.path.join(ROOT, "scripts/run-debug"), image, "-batch",
                "-ex", "hbreak *pvh_start", "-ex", "continue",
                "-ex", "info registers rbx", "-ex", "delete",
                "-ex", "break main", "-ex", "continue", "-ex", "bt",
                "-ex", "continue"]


class DebugPortBusy(DebugBoot):
    """make debug with its GDB_PORT already taken by another listener:
    run-debug must refuse, not attach gdb to whatever holds the port."""

    def command(self, image):
        self.held = socket.socket()  # held until the test object goes
        self.held.bind(("127.0.0.1", 0))
        self.held.listen(1)
        port = self.held.getsockname()[1]
        return ["env", f"GDB_PORT={port}", f"DEBUG_LOG={self.log}",
                "sh", "-c", 'exec "$0" "$@" 2>&1',
                os.path.join(ROOT, "scripts/run-debug"), image, "-batch",
                "-ex", "info registers rip"]


def module_file(tmp, name, size, seed):
    path = os.path.join(tmp, name)
    data = bytes((i * 7 + seed + (i >> 8)) & 0xff for i in range(size))
    with open(path, "wb") as f:
        f.write(data)
    return path, zlib.crc32(data)


def fwcfg_agrees_above_4g(out):
    """fw_cfg's E820 (Tern's fallback map) lists the same RAM above 4 GiB
    as start_info's map."""
    entry = r"addr (0x[0-9a-f]+) size (0x[0-9a-f]+) type 1\b"
    si = set(re.findall(r"^bootinfo: memmap \d+ " + entry, out, re.M))
    fw = set(re.findall(r"^bootinfo: fw_cfg e820 \d+ " + entry, out, re.M))
    high = {e for e in fw if int(e[0], 16) >= 1 << 32}
    if not high or not high <= si:
        return f"fw_cfg RAM above 4 GiB {sorted(high)} not in start_info's {sorted(si)}"
    return None


def count_lines(pattern, n):
    """pattern matches exactly n lines: a fault report printed once."""
    def check(out):
        got = len(re.findall(pattern, out))
        return None if got == n else f"/{pattern}/ on {got} lines, expected {n}"
    return check


def tap_all_ok(minimum):
    """Every TAP line is ok, the plan matches, and there are enough."""
    def check(out):
        plan = re.search(r"^1\.\.(\d+)$", out, re.M)
        lines = re.findall(r"^(not ok|ok) (\d+) - ", out, re.M)
        if not plan or int(plan.group(1)) < minimum:
            return (f"TAP plan missing or under {minimum} checks: "
                    f"{plan and plan.group(0)}")
        if len(lines) != int(plan.group(1)):
            return f"{len(lines)} TAP lines for a plan of {plan.group(1)}"
        bad = [n for r, n in lines if r != "ok"]
        return f"not ok: {bad}" if bad else None
    return check


# libc-selftest compares its wall clock, after a sleep, with sources it
# does not derive from: the CMOS RTC and the host's date (HOSTTIME).
WALL_CLOCK_CHECKED = [
    r"^ok \d+ - time\(\) after a 3 s sleep is the CMOS RTC's date ",
    r"^ok \d+ - time\(\) is the host's date plus the sleep "]


def libc_selftest_args(path, name=None):
    data = open(path, "rb").read()
    args = f"--module-crc=0x{zlib.crc32(data):08x} --module-size={len(data)}"
    return args + (f" --module-name={name}" if name else "")


def pvhcheck_fails(expected):
    """pvhcheck's FAIL ids are exactly the VMM's known deviations."""
    def check(out):
        got = set(re.findall(r"^(?:\(d1\) )?FAIL (\S+):", out, re.M))
        if got != set(expected):
            return f"pvhcheck FAILs {sorted(got)}, expected {sorted(expected)}"
        return None
    return check


# Where each VMM departs from the written PVH ABI (docs/pvhcheck.md).
PVHCHECK_KNOWN = {
    "pc": [], "q35": [],
    # qboot: module list on its stack (misaligned, reserved field not
    # zeroed) and a zero-size type-0 entry closing the memory map.
    "microvm": ["si.modlist", "si.modlist.reserved", "si.memmap.types",
                "si.memmap.empty"],
}


def pvhcheck_verdict(fails):
    return ("FAILURE", 5) if fails else ("SUCCESS", 0)


# What the TSC's rate is measured against on each machine.
CLOCK_REFERENCE = {"pc": "ACPI PM timer", "q35": "ACPI PM timer",
                   "microvm": "PIT"}


def timers_selftest(machine, name):
    return Boot(
        name, "timers-selftest", machine, "64M",
        append="tern.exit=debugexit", status=debug_exit(0),
        forbid=(r"^not ok", r"tern: fatal"),
        expect=[r"^# 0 failed$",
                rf"^# clock: TSC \d+ MHz \({CLOCK_REFERENCE[machine]}\)$",
                r"^ok \d+ - one RTC second is one second of the monotonic clock \(\+-2%\)$"],
        check=tap_all_ok(10))


def fault_stop(machine, args, what, *lines, forbid=()):
    """fault-test stopping the VM with the CPU exception status, printing
    lines."""
    return Boot(f"fault-test {machine} {what}", "fault-test", machine,
                append=f"-- {args}", status=debug_exit(TERN_EXIT_FAULT),
                forbid=forbid, expect=list(lines))


def overflow(thread):
    return (rf"^tern: fatal: stack overflow in thread {thread} "
            r"\(guard page 0x[0-9a-f]+ touched\)$")


DOUBLE_FAULT = r"^tern: fatal: CPU exception 8 \(#DF double fault\)"


# A CPU-bound process, bounded in time even if the test runner dies.
HOG = "import time\nend = time.time() + 150\nwhile time.time() < end: pass"


class BusyHostBoots:
    """timers-selftest on pc, q35 and microvm in turn, beside two
    CPU-bound processes this test starts and stops: the vCPU is preempted
    often, and the clock must hold anyway (one RTC second within 2%)."""

    def __init__(self, machines=("pc", "q35", "microvm")):
        self.name = "timers-selftest pc, q35, microvm on a busy host"
        self.boots = [timers_selftest(m, m) for m in machines]

    def run(self):
        t = time.time()
        hogs = [subprocess.Popen([sys.executable, "-c", HOG]) for _ in range(2)]
        try:
            for b in self.boots:
                ok, detail, _ = b.run()
                if not ok:
                    return ok, f"{b.name}: {detail}", time.time() - t
            return True, "", time.time() - t
        finally:
            for h in hogs:
                h.kill()
                h.wait()


def pci_boots(tmp):
    """pci-list on pc (ports 0xcf8/0xcfc, a pci-bridge) and q35 (ECAM, a
    pcie-root-port), each with a device behind the bridge and a
    multi-function device (functions 0 and 3): every function at the slot
    given, with the BAR sizes QEMU 7.2's devices ask for."""
    def common(m):
        disk = os.path.join(tmp, f"pci-disk-{m}.raw")
        with open(disk, "wb") as f:
            f.truncate(64 * 1024)
        return ["-drive", f"file={disk},if=none,format=raw,id=d0",
                "-device", "virtio-rng-pci,addr=5",
                "-device", "virtio-blk-pci,drive=d0,addr=6",
                "-device", "virtio-rng-pci,addr=8.0,multifunction=on",
                "-device", "virtio-rng-pci,addr=8.3"]
    rng = (r"1af4:1005 under root pin A line 1[01] bar0 io\+0x20 "
           r"bar1 mem\+0x1000 bar4 mem64p\+0x4000 msix 2")
    blk = (r"1af4:1001 under root pin A line 1[01] bar0 io\+0x80 "
           r"bar1 mem\+0x1000 bar4 mem64p\+0x4000 msix 2")
    behind = (r"1af4:1044 under 00:07\.0 pin A line 1[01] bar1 mem\+0x1000 "
              r"bar4 mem64p\+0x4000 msix 2")
    tests = []
    for m, mech, bridge, bridge_line, child in (
            ("pc", "ports 0xcf8/0xcfc",
             ["-device", "pci-bridge,id=br1,chassis_nr=1,addr=7",
              "-device", "virtio-rng-pci,bus=br1,addr=3,disable-legacy=on"],
             r"1b36:0001 under root pin A line 1[01] bar0 mem64\+0x100 "
             r"bridge 1-1", "01:03.0"),
            ("q35", "ECAM 0xb0000000 buses 0-255",
             ["-device", "pcie-root-port,id=rp1,chassis=1,addr=7",
              "-device", "virtio-rng-pci,bus=rp1"],
             r"1b36:000c under root pin A line 1[01] bar0 mem\+0x1000 "
             r"msix 1 bridge 1-1", "01:00.0")):
        tests.append(Boot(
            f"pci-list {m}: functions behind a bridge, BAR sizes, {mech}",
            "pci-list", m, append="tern.exit=debugexit tern.loglevel=debug "
            "-- --bind", extra=common(m) + bridge, status=debug_exit(0),
            expect=[rf"^tern: pci: 10 function\(s\) on 2 bus\(es\) through "
                    rf"{re.escape(mech)}$",
                    rf"^pci-list: 10 function\(s\) through {re.escape(mech)}$",
                    rf"^pci-list: 00:08\.0 {rng} msix-vector \d+$",
                    rf"^pci-list: 00:08\.3 {rng} msix-vector \d+$",
                    rf"^pci-list: 00:05\.0 {rng} msix-vector \d+$",
                    rf"^pci-list: 00:06\.0 {blk} msix-vector \d+$",
                    rf"^pci-list: 00:07\.0 {bridge_line}",
                    rf"^pci-list: {re.escape(child)} {behind} msix-vector \d+$",
                    rf"^tern: pci: {re.escape(child)} 1af4:1044 class ",
                    r"^tern: exit status 0$"],
            forbid=(r"tern: fatal", r"tern: warning: pci", r"vector -1")))
    tests.append(Boot(
        "pci-list microvm: no PCI, nothing found, no fault", "pci-list",
        "microvm", append="tern.exit=debugexit", status=debug_exit(0),
        expect=[r"^tern: pci: no configuration mechanism",
                r"^pci-list: 0 function\(s\) through none$",
                r"^tern: exit status 0$"]))
    return tests


def shared_intx_line(out):
    """None when two virtio devices were bound to the same INTx line."""
    lines = re.findall(r"^tern: virtio: \S+: INTx line (\d+)$", out, re.M)
    return None if len(lines) > len(set(lines)) else \
        f"no two devices share an INTx line: {lines}"


def virtio_pci_boots(tmp):
    """virtio-pci --rng --blk on pc and q35: one virtio-rng per transport
    and interrupt kind (modern and legacy, MSI-X and INTx: QEMU's
    disable-modern=on, disable-legacy=on and vectors=0), each read end to
    end through queue 0 to its interrupt, two of them sharing an INTx
    line with no handler called for the other's interrupt; a modern and
    a legacy virtio-blk whose capacity reads the same before and after
    MSI-X moves the legacy config."""
    devs = [("05", "virtio-rng-pci,addr=5", "pci-modern", "MSI-X"),
            ("06", "virtio-rng-pci,addr=6,disable-modern=on", "pci-legacy",
             "MSI-X"),
            ("08", "virtio-rng-pci,addr=8,disable-legacy=on,vectors=0",
             "pci-modern", r"INTx line 1[01]"),
            ("09", "virtio-rng-pci,addr=9,disable-modern=on,vectors=0",
             "pci-legacy", r"INTx line 1[01]"),
            ("0c", "virtio-rng-pci,addr=0xc,disable-modern=on,vectors=0",
             "pci-legacy", r"INTx line 1[01]")]
    # VERSION_1 (bit 32) offered on modern, 32 bits only on legacy.
    features = {"pci-modern": r"0x[0-9a-f]*[13579bdf][0-9a-f]{8}",
                "pci-legacy": r"0x[0-9a-f]{1,8}"}
    tests = []
    for m in ("pc", "q35"):
        extra = []
        for i in range(2):
            disk = os.path.join(tmp, f"virtio-pci-{m}-{i}.raw")
            with open(disk, "wb") as f:
                f.truncate(64 * 1024)
            extra += ["-drive", f"file={disk},if=none,format=raw,id=d{i}"]
        extra += ["-device", "virtio-blk-pci,drive=d0,addr=7",
                  "-device", "virtio-blk-pci,drive=d1,addr=0xa,"
                  "disable-modern=on"]
        expect = [r"^virtio-pci: 7 device\(s\)$",
                  r"^virtio-pci: virtio-blk@pci:00:07\.0 transport pci-modern "
                  r"id 2 features " + features["pci-modern"] +
                  r" queue0 256 driver none$",
                  r"^virtio-pci: virtio-blk@pci:00:0a\.0 transport pci-legacy "
                  r"id 2 features " + features["pci-legacy"] +
                  r" queue0 256 driver none$",
                  r"^virtio-pci: virtio-blk@pci:00:07\.0: capacity 128 "
                  r"sectors, after interrupt bound, 128 sectors$",
                  r"^virtio-pci: virtio-blk@pci:00:0a\.0: capacity 128 "
                  r"sectors, after interrupt bound, 128 sectors$",
                  r"^tern: virtio: virtio-blk@pci:00:0a\.0: MSI-X$",
                  r"^virtio-pci: handler calls with nothing pending 0$",
                  r"^tern: exit status 0$"]
        for slot, dev, transport, irq in devs:
            name = re.escape(f"virtio-rng@pci:00:{slot}.0")
            extra += ["-device", dev]
            expect += [rf"^virtio-pci: {name} transport {transport} id 4 "
                       rf"features {features[transport]} queue0 8 driver none$",
                       rf"^tern: virtio: {name}: {irq}$",
                       rf"^virtio-pci: {name}: rng interrupt, used idx 1, "
                       r"id 0, len 16$"]
        tests.append(Boot(
            f"virtio-pci {m}: modern and legacy, MSI-X and shared INTx, "
            "virtio-rng read end to end, virtio-blk config", "virtio-pci", m,
            append="tern.exit=debugexit tern.loglevel=debug -- --rng --blk",
            extra=extra, status=debug_exit(0), expect=expect,
            check=shared_intx_line,
            forbid=(r"tern: fatal", r"tern: (warning|error): (pci|virtio)")))
    # A 1 GiB BAR does not fit SeaBIOS's 32-bit hole: it moves the 64-bit
    # BARs above 4 GiB, past the last RAM, and the modern transport's
    # regions are mapped and used there.
    tests.append(Boot(
        "virtio-pci pc 3G: 64-bit BARs above 4 GiB, virtio-rng read there",
        "virtio-pci", "pc", "3G",
        append="tern.exit=debugexit tern.loglevel=debug -- --rng",
        extra=["-object", "memory-backend-ram,id=hm,size=1G",
               "-device", "ivshmem-plain,memdev=hm,addr=5",
               "-device", "virtio-rng-pci,addr=6,disable-legacy=on"],
        status=debug_exit(0),
        expect=[r"^tern: pci: 00:05\.0 1af4:1110 .* bar2 mem64 pref "
                r"0x1[0-9a-f]{8}\+0x40000000$",
                r"^tern: pci: 00:06\.0 1af4:1044 .* bar4 mem64 pref "
                r"0x1[0-9a-f]{8}\+0x4000 msix 2@bar1$",
                r"^virtio-pci: virtio-rng@pci:00:06\.0: rng interrupt, "
                r"used idx 1, id 0, len 16$"],
        forbid=(r"tern: fatal", r"tern: (warning|error): (pci|virtio)")))
    return tests


def image_end(app):
    """Where the loaded image ends (its last PT_LOAD byte, .bss's end)."""
    out = subprocess.run(["readelf", "-lW", os.path.join(BUILD, app, f"tern-{app}.elf")],
                         capture_output=True, text=True).stdout
    ends = [int(m.group(1), 16) + int(m.group(2), 16) for m in re.finditer(
        r"^\s*LOAD\s+\S+\s+(0x[0-9a-f]+)\s+\S+\s+\S+\s+(0x[0-9a-f]+)", out, re.M)]
    return max(ends) if ends else 0x160000


def firmware_zone_mems():
    """-m sizes, in KiB, that put SeaBIOS's zone over hello's top."""
    end = image_end("hello")
    return [(m, f"{(end + off) // 1024}K") for m, off in
            (("pc", -0x1a000), ("q35", -0xa000), ("q35", 0x16000),
             ("pc", 0x26000))]


def boot_tests(tmp):
    tests = [BusyHostBoots(), *pci_boots(tmp), *virtio_pci_boots(tmp)]
    hello = [r"^Hello from Tern$", r"^tern: exit status 0$",
             r"^tern: usable RAM: \d+ KiB"]
    for m in ("pc", "q35", "microvm"):
        # Poweroff through ACPI with no isa-debug-exit device: QEMU exits 0.
        tests.append(Boot(f"hello {m} 2M acpi-poweroff", "hello", m, "2M",
                          expect=hello, debug_exit_device=False))
        tests.append(Boot(f"hello {m} 5G", "hello", m, "5G", expect=hello))
        mod, crc = module_file(tmp, f"mod-{m}.bin", 70001, len(m))
        cmd = 'tern.exit=debugexit NAME=tern -- --touch-high "two words" --exit=42'
        tests.append(Boot(
            f"bootinfo {m} 5G cmdline+module+high RAM", "bootinfo", m, "5G",
            append=cmd, module=mod, status=debug_exit(42),
            expect=[r'^bootinfo: magic 0x336ec578 version 1 ',
                    re.escape(f'bootinfo: cmdline "{cmd}"'),
                    r"^bootinfo: modules 1$",
                    rf"^bootinfo: module 0 addr 0x[0-9a-f]+ size 70001 crc32 0x{crc:08x} cmdline \"\"$",
                    r"^bootinfo: memmap \d+ entries from start_info$",
                    r"^bootinfo: rsdp 0x[1-9a-f][0-9a-f]*$",
                    r"^bootinfo: usable 0x1[0-9a-f]{8}-0x1[0-9a-f]{8}$",
                    r"^bootinfo: argc 4$", r'^bootinfo: argv\[0\] "bootinfo"$',
                    r'^bootinfo: argv\[1\] "--touch-high"$',
                    r'^bootinfo: argv\[2\] "two words"$',
                    r'^bootinfo: argv\[3\] "--exit=42"$',
                    r"^bootinfo: touched page 0x1[0-9a-f]{8} ok$",
                    r"^tern: exit status 42$"],
            check=fwcfg_agrees_above_4g))
        verdict, status = pvhcheck_verdict(PVHCHECK_KNOWN[m])
        pmod, _ = module_file(tmp, f"pvhcheck-{m}.bin", 5000, 9)
        tests.append(Boot(
            f"pvhcheck {m}", "pvhcheck", m, "64M", module=pmod,
            append="tern.exit=debugexit", status=debug_exit(status),
            expect=[r"^PASS cr0\.pe: ", r"^PASS si\.magic: ",
                    rf'^pvhcheck-json: {{"passed": \d+, "failed": {len(PVHCHECK_KNOWN[m])}, ',
                    rf"^Test result: {verdict}$"],
            check=pvhcheck_fails(PVHCHECK_KNOWN[m])))
        lmod, _ = module_file(tmp, f"libc-{m}.bin", 33333, 5)
        tests.append(Boot(
            f"libc-selftest {m}", "libc-selftest", m, "64M", module=lmod,
            append=f"KEY=tern HOSTTIME=now tern.exit=debugexit -- {libc_selftest_args(lmod)}",
            status=debug_exit(0), forbid=(r"^not ok", r"tern: fatal"),
            expect=[r"^# 0 failed$", r"^tern: libc: newlib, malloc on demand, \d+ file\(s\)$"] +
            WALL_CLOCK_CHECKED,
            check=tap_all_ok(30)))
        tests.append(timers_selftest(m, f"timers-selftest {m}"))
        tests.append(Boot(
            f"sched-selftest {m}", "sched-selftest", m, "64M",
            append="tern.exit=debugexit", status=debug_exit(0),
            forbid=(r"^not ok", r"tern: fatal"),
            expect=[r"^# 0 failed$",
                    r"^ok \d+ - 1000 detached threads ended: free pages (\d+) before, \1 after$",
                    r"^ok \d+ - the last detached thread is freed when main runs again: free pages (\d+) before, \1 after$",
                    r"^ok \d+ - a thread blocked for ever is woken by an interrupt, no deadlock$"],
            check=tap_all_ok(16)))
        fmod, _ = module_file(tmp, f"fd-{m}.bin", 4000, 2)
        tests.append(Boot(
            f"fd-selftest {m}", "fd-selftest", m, "64M", module=fmod,
            append="tern.exit=debugexit", status=debug_exit(0),
            forbid=(r"^not ok", r"tern: fatal"),
            expect=[r"^# 0 failed$",
                    r"^ok \d+ - an interrupt wakes a thread blocked in poll\(\) with no timeout$",
                    r"^# 1021 eventfds opened before the table was full$",
                    r"^ok \d+ - select with only exceptfds \(console, a hung-up file\) waits out its 30 ms$"],
            check=tap_all_ok(28)))
        tests.append(fault_stop(
            m, "null", "null dereference",
            r"^tern: fatal: CPU exception 14 \(#PF page fault\), error code 0x0, rip 0x[0-9a-f]+, cr2 0x0$",
            r"^tern: backtrace: 0x[0-9a-f]+ <fault\+0x[0-9a-f]+> .*<main\+0x[0-9a-f]+>",
            rf"^tern: stopping with status {TERN_EXIT_FAULT}$"))
    # Booted by hand, without the harness's KEY=tern: the getenv check is
    # a TAP skip with its reason, not a failure.
    tests.append(Boot(
        "libc-selftest microvm without KEY=tern", "libc-selftest", "microvm",
        "64M", append="tern.exit=debugexit", status=debug_exit(0),
        forbid=(r"^not ok", r"tern: fatal"),
        expect=[r"^ok \d+ - getenv from KEY=VALUE on the command line "
                r"# SKIP booted without KEY=tern$", r"^# 0 failed$"],
        check=tap_all_ok(30)))
    mod, crc = module_file(tmp, "small.bin", 4096, 3)
    tests += [
        Boot("bootinfo pc 2M with a module", "bootinfo", "pc", "2M",
             module=mod, append="-- x",
             expect=[rf"^bootinfo: module 0 addr 0x[0-9a-f]+ size 4096 crc32 0x{crc:08x}",
                     r'^bootinfo: argv\[1\] "x"$']),
        Boot("hello q35 bad options warn and boot goes on", "hello", "q35",
             append="tern.bogus=1 tern.loglevel=loud stray -- a",
             expect=[r"^tern: warning: unknown option 'tern.bogus=1' ignored$",
                     r"^tern: warning: option 'tern.loglevel=loud': bad value 'loud'",
                     r"^tern: warning: cmdline: 'stray' ignored",
                     r'^argv\[1\] = "a"$', r"^Hello from Tern$"]),
        Boot("hello pc dotted words of no driver in the image stay the app's",
             "hello", "pc",
             append="tern.exit=debugexit user.name=bob -- x pkg.version=2",
             status=debug_exit(0),
             expect=[r'^argv\[2\] = "pkg\.version=2"$', r'^argv\[1\] = "x"$']),
        Boot("hello pc loglevel=quiet", "hello", "pc",
             append="tern.loglevel=quiet",
             expect=[r"^Hello from Tern$", r"^tern: exit status 0$"],
             forbid=[r"^tern: usable", r"^tern: Tern "]),
        Boot("hello microvm debugcon and com1", "hello", "microvm",
             extra=("-debugcon", f"file:{tmp}/debugcon.log"),
             expect=[r"consoles: com1,debugcon", r"^Hello from Tern$"]),
        fault_stop("pc", "stack", "stack overflow", overflow("main"), DOUBLE_FAULT),
        fault_stop("microvm", "thread-stack", "thread stack overflow",
                   overflow("overflow")),
        fault_stop("pc", "big-frame", "frame larger than main's stack and guard",
                   overflow("main")),
        fault_stop("q35", "thread-big-frame",
                   "frame larger than a thread's stack and guard",
                   overflow("bigframe")),
        # gcc's probe for a VLA touches the top of a page after moving rsp
        # onto it: with one guard page, rsp was a page below the guard, in
        # a neighbour's memory, and the #PF frame and the whole report were
        # written there (a #PF, not a #DF; silent when that page was ROM).
        fault_stop("pc", "thread-vla", "variable-length array past a thread's stack",
                   overflow("vla"), DOUBLE_FAULT, forbid=(r"CPU exception 14",)),
        fault_stop("microvm", "vla 300000",
                   "variable-length array past main's stack", overflow("main")),
        Boot("fault-test pc 48 KiB on main's stack fits (Kconfig default 64)",
             "fault-test", "pc", append="tern.exit=debugexit -- vla 49152",
             status=debug_exit(2), expect=[r"^tern: exit status 2$"]),
        fault_stop("q35", "ist-guard", "the #DF stack has a guard page",
                   r"^tern: fatal: stack overflow in thread #DF handler "),
        Boot("fault-test pc a console that faults in the report ends the VM",
             "fault-test", "pc", append="-- console-fault",
             status=debug_exit(TERN_EXIT_FAULT), forbid=(),
             expect=[r"^tern: fatal: CPU exception 14 "],
             check=count_lines(r"CPU exception", 1)),
        Boot("fault-test q35 a console that faults, no debug-exit: silent power-off",
             "fault-test", "q35", append="-- console-fault", status=0,
             debug_exit_device=False, forbid=(),
             expect=[r"^tern: fatal: CPU exception 14 "],
             check=count_lines(r"CPU exception", 1)),
        Boot("fault-test microvm ACPI that faults at exit: one report, then halt",
             "fault-test", "microvm", append="-- acpi-fault",
             debug_exit_device=False, forbid=(), hang=6,
             expect=[r"^tern: exit status 0$", r"^tern: fatal: CPU exception 14 "],
             check=count_lines(r"stopping with status 113", 1)),
        Boot("fault-test pc ACPI that faults at exit: status through debug-exit",
             "fault-test", "pc", append="-- acpi-fault", forbid=(),
             status=debug_exit(TERN_EXIT_FAULT),
             expect=[r"^tern: exit status 0$", r"^tern: fatal: CPU exception 14 "],
             check=count_lines(r"stopping with status 113", 1)),
        fault_stop("q35", "ud", "invalid opcode",
                   r"^tern: fatal: CPU exception 6 \(#UD invalid opcode\)"),
        fault_stop("microvm", "div0", "divide error",
                   r"^tern: fatal: CPU exception 0 \(#DE divide error\)"),
        Boot("sched-selftest q35 a real deadlock is still reported",
             "sched-selftest", "q35", append="tern.exit=debugexit -- deadlock",
             status=debug_exit(112), forbid=(),
             expect=[r"^tern: fatal: sched: deadlock: every thread is blocked, "
                     r"none has a timeout and no interrupt source can wake one$"]),
        Boot("sched-selftest q35 thread_create with memory full is NULL",
             "sched-selftest", "q35", append="tern.exit=debugexit -- oom",
             status=debug_exit(0),
             expect=[r"^sched-selftest: memory full, \d+ pages free; thread_create: NULL$",
                     r"^sched-selftest: with one stack's pages free, thread_create: (NULL|a thread)$",
                     r"^sched-selftest: memory back, thread_create: a thread$"]),
        *[Boot(f"sched-selftest {m} a {how} through a reused thread handle is fatal",
               "sched-selftest", m, append=f"tern.exit=debugexit -- stale-{how}",
               status=debug_exit(112), forbid=(r"not caught",),
               expect=[rf"^sched-selftest: {how} through a stale handle$",
                       rf"^tern: fatal: thread_{how}: stale thread handle 0x[0-9a-f]+: "
                       r"its thread was freed, and its control block now holds thread second$"])
          for m, how in (("pc", "join"), ("microvm", "detach"))],
        Boot("sched-selftest pc thread_exit in main flushes stdio",
             "sched-selftest", "pc", append="tern.exit=debugexit -- exit-in-main",
             status=debug_exit(3),
             expect=[r"^sched-selftest: buffered, no newline", r"tern: exit status 3$"]),
        Boot("fault-test pc free of a page never allocated", "fault-test",
             "pc", append="-- bad-free", status=debug_exit(TERN_EXIT_PANIC),
             forbid=(), expect=[r"^tern: fatal: page_free: 0x[0-9a-f]+000 \(1 page\(s\)\): never allocated \(not RAM the page allocator manages\)$"]),
        Boot("fault-test q35 double free of a page", "fault-test", "q35",
             append="-- double-free", status=debug_exit(TERN_EXIT_PANIC),
             forbid=(), expect=[r"^tern: fatal: page_free: 0x[0-9a-f]+ \(1 page\(s\)\): free already \(a double free\)$"]),
        Boot("fault-test microvm 8259 spurious vectors counted", "fault-test",
             "microvm", append="tern.exit=debugexit -- pic-spurious",
             status=debug_exit(2), expect=[
                 r"^fault-test: 8259 spurious vectors 0xe7 0xef: 2 counted$"]),
        *[InterruptStateBoot(f"sleep {m} 8259 remapped and masked, LINT0 masked",
                             m, tmp) for m in ("pc", "q35", "microvm")],
        DebugBoot("make debug: gdb stops at the PVH entry and at main",
                  "hello", f"{tmp}/debug.log",
                  expect=[r"^Breakpoint 1, pvh_start \(\) at arch/x86_64/pvh_entry\.S",
                          r"^rbx +0x[0-9a-f]+",
                          r"^Breakpoint 2, main \(argc=1, argv=",
                          r"^#0  main \(argc=1"],
                  check=lambda out: None if "Hello from Tern" in
                  open(f"{tmp}/debug.log", errors="replace").read()
                  else "the console log lacks Hello from Tern"),
        DebugPortBusy("make debug: a GDB_PORT in use is refused", "hello",
                      f"{tmp}/debug-busy.log", status=1, timeout=30,
                      expect=[r"^run-debug: 127\.0\.0\.1:\d+ is in use"]),
        Boot("bootinfo microvm two I/O APICs, GSI 47 routed on the second",
             "bootinfo", "microvm", append="-- --irq",
             expect=[r"^bootinfo: ioapics 2$",
                     r"^bootinfo: ioapic 1 at 0xfec10000 gsi 24-47$",
                     r"^bootinfo: gsi 23 vector 0x30 rte vector 0x30 level 1 low 1$",
                     r"^bootinfo: gsi 47 vector 0x30 rte vector 0x30 level 1 low 1$",
                     r"^bootinfo: gsi 47 masked after free 1$"]),
        Boot("bootinfo pc 5G free frames above the memory map",
             "bootinfo", "pc", "5G", append="-- --frames",
             expect=[r"^bootinfo: RAM top 0x[0-9a-f]+ frames 0x[1-9a-f][0-9a-f]+ 0x[1-9a-f][0-9a-f]+ above 1 clear 1$",
                     r"^bootinfo: frames past the address width 0$"]),
        Boot("bootinfo q35 one I/O APIC routed through the allocator",
             "bootinfo", "q35", append="-- --irq",
             expect=[r"^bootinfo: ioapics 1$",
                     r"^bootinfo: gsi 23 vector 0x30 rte vector 0x30 level 1 low 1$",
                     r"^bootinfo: gsi 23 masked after free 1$"]),
        # SeaBIOS's zone at the top of a tiny RAM takes the image's top:
        # one clear line, not a run on garbage.  Where the zone falls is
        # relative to the image's end, so the sizes are (the image grows
        # and shrinks with every change): RAM ending 40 KiB or 104 KiB
        # below the end (the top read back as junk: the page tables'
        # memory), or 88 or 152 KiB above it (.data overwritten).  About
        # 24 KiB above it SeaBIOS writes into the loaded text itself
        # (seen with -d in_asm): a silent triple fault that only a
        # checksum of the text would catch; not tested.
        *[Boot(f"hello {m} {mem}: an image the firmware overwrote is refused",
               "hello", m, mem, status=debug_exit(116), forbid=(),
               expect=[r"^tern: fatal: the image was overwritten after loading "
                       r"\(the firmware used its memory; give the VM more RAM\)$",
                       r"^tern: stopping with status 116$"])
          for m, mem in firmware_zone_mems()],
        Boot("template pc env and argv", "template", "pc",
             append="WHO=tester -- x y",
             expect=[r"^template: 2 argument\(s\), hello tester$"]),
    ]
    tests += xen_tests(tmp)
    tests += xen_domu_tests(tmp)
    tests += pvhload_tests(tmp)
    tests += cpu_check_tests(tmp)
    tests += paging_tests()
    tests += virtio_mmio_tests()
    tests += blk_tests(tmp)
    tests += net_tests()
    tests += entropy_tests()
    tests += lwip_probe_tests()
    tests += lwip_tests()
    tests += socket_tests()
    tests += httpd_tests(tmp)
    tests.append(KvGuestTest("kv q35 with a disk over tap in a namespace: "
                             "kv_test's checks, redis-benchmark, snapshots "
                             "across reboots", "q35", tmp))
    tests += lwip_tap_tests()
    return [t for t in tests if ONLY in t.name]


# Where QEMU 7.2's microvm puts two virtio-mmio devices: the first
# -device in the highest slot; GSI 5 + slot with ACPI off (8 slots on the
# one I/O APIC), 24 + slot on the second I/O APIC with ACPI on (24 slots).
VIRTIO_MMIO_PLACES = {
    "off": {"rng": ("feb00e00", 12), "blk": ("feb00c00", 11)},
    "on": {"rng": ("feb02e00", 47), "blk": ("feb02c00", 46)},
}


def virtio_features_fit(version):
    """Legacy slots offer 32 feature bits; version 2 must offer
    VIRTIO_F_VERSION_1 (bit 32)."""
    def check(out):
        feats = [int(f, 16) for f in re.findall(
            r"^virtio-list: \S+ transport mmio-v\d id \d+ gsi \d+ features "
            r"0x([0-9a-f]+) ", out, re.M)]
        if not feats:
            return "no features listed"
        for f in feats:
            if version == 1 and f >> 32:
                return f"mmio-v1 offered bits above 31: 0x{f:x}"
            if version == 2 and not f >> 32 & 1:
                return f"mmio-v2 without VIRTIO_F_VERSION_1: 0x{f:x}"
        return None
    return check


BLK_SPAN_KIB = 2048
BLK_MARKER, BLK_MARKER_AT = b"tern blk-selftest marker\0", 1000003


def blk_pattern(span):
    """What apps/blk-selftest writes: byte j of sector s is
    s * 131 + j * 7 + (s >> 8), modulo 256."""
    out = bytearray()
    for s in range(span // 512):
        base = s * 131 + (s >> 8)
        out += bytes((base + j * 7) & 0xff for j in range(512))
    out[BLK_MARKER_AT:BLK_MARKER_AT + len(BLK_MARKER)] = BLK_MARKER
    return bytes(out)


def blk_image(tmp, name, mib=8):
    path = os.path.join(tmp, f"blk-{name}.img")
    with open(path, "wb") as f:
        f.truncate(mib << 20)
    return path


def blk_bytes_on_disk(*paths):
    """The host reads each disk image back: the pattern and the marker
    exactly, and the rest of the disk untouched (zero)."""
    want = blk_pattern(BLK_SPAN_KIB << 10)
    def check(out):
        for path in paths:
            data = open(path, "rb").read()
            if data[:len(want)] != want:
                bad = next(i for i in range(len(want)) if data[i] != want[i])
                return f"{path}: byte {bad} is {data[bad]}, not {want[bad]}"
            rest = bytearray(len(data) - len(want))
            rest[262144 + 100], rest[262144 + 200] = ord("A"), ord("B")
            if data[len(want):] != rest:
                return (f"{path}: past the span, not zeros with 'A' and 'B' "
                        "where the two patching threads wrote")
        return None
    return check


def blk_tests(tmp):
    """apps/blk-selftest over every transport: writes across the disk
    with many requests in flight, reads back, flushes; the host then
    reads the image's bytes."""
    def disk(name, dev, ro=False):
        path = blk_image(tmp, name)
        opts = f"if=none,id={name},format=raw,file={path}" + (",readonly=on" if ro else "")
        return path, ("-drive", opts, "-device", f"{dev},drive={name}")
    tests = []
    ok = [r"^# 0 failed$"]
    for name, machine, dev in (
            ("q35-modern", "q35", "virtio-blk-pci,disable-legacy=on"),
            ("pc-legacy", "pc", "virtio-blk-pci,disable-modern=on"),
            ("microvm-mmio-acpi-on", "microvm", "virtio-blk-device"),
            ("microvm-mmio-acpi-off", "microvm,acpi=off", "virtio-blk-device"),
            ("microvm-mmio-v2", "microvm", "virtio-blk-device")):
        path, extra = disk(name, dev)
        if name.endswith("v2"):
            extra += ("-global", "virtio-mmio.force-legacy=false")
        tests.append(Boot(f"blk-selftest {name}", "blk-selftest", machine,
                          append=f"tern.exit=debugexit -- {BLK_SPAN_KIB}",
                          status=debug_exit(0), extra=extra, expect=ok,
                          forbid=(r"^not ok", r"tern: fatal"),
                          check=blk_bytes_on_disk(path)))
    a, ea = disk("two-a", "virtio-blk-pci")
    b, eb = disk("two-b", "virtio-blk-pci")
    _, ec = disk("two-ro", "virtio-blk-pci", ro=True)
    tests.append(Boot("blk-selftest q35 two disks and a read-only one",
                      "blk-selftest", "q35",
                      append=f"tern.exit=debugexit -- {BLK_SPAN_KIB}",
                      status=debug_exit(0), extra=ea + eb + ec,
                      expect=ok + [r"^# 3 disk\(s\)$",
                                   r"^ok \d+ - read-only disk: reads, and refuses"],
                      forbid=(r"^not ok", r"tern: fatal"),
                      check=blk_bytes_on_disk(a, b)))
    return tests


def net_tests():
    """apps/net-selftest over every transport with QEMU's user network:
    ARP and ICMP echo with the gateway, every reply checked, a burst with
    back-pressure.  slirp answers for its own addresses only; nothing
    leaves QEMU."""
    tests = []
    for name, machine, dev in (
            ("q35-modern", "q35", "virtio-net-pci,disable-legacy=on"),
            ("pc-legacy", "pc", "virtio-net-pci,disable-modern=on"),
            ("microvm-mmio", "microvm", "virtio-net-device")):
        tests.append(Boot(f"net-selftest {name}", "net-selftest", machine,
                          append="tern.exit=debugexit -- 20",
                          status=debug_exit(0),
                          extra=("-netdev", "user,id=n0,restrict=on",
                                 "-device", f"{dev},netdev=n0"),
                          expect=[r"^# 0 failed$", r"^# 20 of 20 echo replies right$"],
                          forbid=(r"^not ok", r"tern: fatal")))
    return tests


def free_port():
    """A TCP port on 127.0.0.1 that nobody holds now, for a hostfwd."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EchoBoot(Boot):
    """A guest with a TCP echo on port 7 behind hostfwd on 127.0.0.1:port:
    tests/echo_client.py talks to it once the guest prints marker."""

    def __init__(self, name, app, port, marker, stop=False, **kw):
        super().__init__(name, app, **kw)
        self.port, self.marker, self.stop = port, marker, stop

    def command(self, image):
        return [sys.executable, os.path.join(ROOT, "tests/echo_client.py"),
                *(["--stop"] if self.stop else []),
                str(self.port), self.marker, "--", *super().command(image)]


def socket_tests():
    """BSD sockets (lib/sockets): apps/socket-selftest's checks of every
    call and its errno on lwIP's loopback; apps/echo serving TCP through
    QEMU's forwarded port on 127.0.0.1 (256 KiB each way on two
    connections, compared on the host) on each machine."""
    tests = [Boot("socket-selftest q35 BSD socket calls and errno on 127.0.0.1",
                  "socket-selftest", "q35",
                  append="tern.exit=debugexit", status=debug_exit(0),
                  check=tap_all_ok(42))]
    for machine, dev in (("pc", "virtio-net-pci"), ("q35", "virtio-net-pci"),
                         ("microvm", "virtio-net-device")):
        port = free_port()
        tests.append(EchoBoot(
            f"echo {machine} TCP echo through sockets from the host", "echo",
            port, "echo: TCP and UDP on port 7", stop=True, machine=machine,
            extra=("-netdev", f"user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:{port}-:7",
                   "-device", f"{dev},netdev=n0"),
            expect=[r"^echo-client: connection 1: sent 262144 bytes, got back 262144 intact$",
                    r"^echo-client: connection 2: sent 262144 bytes, got back 262144 intact$"],
            forbid=(r"tern: fatal", r"echo-client: FAILED")))
    return tests


def lwip_tests():
    """apps/lwip-selftest: lwIP on each transport with QEMU's user network
    (restrict=on: nothing leaves QEMU but the forwarded port on the host's
    127.0.0.1).  DHCP gives 10.0.2.15 (restrict=on's DHCP offers no router
    or DNS, so the gateway is none), pings to slirp's 10.0.2.2 through a
    raw PCB, and two TCP connections from the host to the guest's echo,
    256 KiB each way, compared byte for byte on the host.  Then a static
    address from net.ip=, bad parameters refused one line each, and a
    card nobody answers (a QEMU hub with nothing else on it): one warning
    after net.dhcp_wait_ms, and boot goes on; no card at all, and lwIP's
    loopback still works.  The TCP ISN key from RDRAND (q35, -cpu max),
    a virtio-rng (microvm), and neither (pc: one warning)."""
    tests = []
    sod = (r"^tern: net: net0: 10\.0\.2\.15 netmask 255\.255\.255\.0 "
           r"gateway none dns none \(DHCP\)$")
    quiet = (r"^not ok", r"tern: fatal", r"echo-client: FAILED", r"warning")
    # The ISN key's three sources: RDRAND (-cpu max), a virtio-rng, and
    # neither (QEMU's default CPU): the TSC, with one warning.
    weak_key = r"^tern: warning: lwip: TCP sequence numbers keyed from the TSC: "
    for name, machine, dev, entropy, key_line in (
            ("q35-modern", "q35", "virtio-net-pci,disable-legacy=on",
             ("-cpu", "max"), None),
            ("pc-legacy", "pc", "virtio-net-pci,disable-modern=on", (), weak_key),
            ("microvm-mmio", "microvm", "virtio-net-device",
             ("-device", "virtio-rng-device"), r"^tern: entropy: seeded by virtio-rng")):
        port = free_port()
        weak = key_line == weak_key
        tests.append(EchoBoot(
            f"lwip-selftest {name} DHCP, ping, TCP echo from the host",
            "lwip-selftest", port, "lwip-selftest: echo on port 7",
            machine=machine,
            append="tern.exit=debugexit -- dhcp 10.0.2.15 0.0.0.0 10.0.2.2 2",
            status=debug_exit(0),
            extra=entropy + (
                "-netdev", f"user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:{port}-:7",
                "-device", f"{dev},netdev=n0"),
            expect=([key_line] if key_line else []) + [
                    sod, r"^# 0 failed$", r"^# 5 of 5 pings answered and right$",
                    r"^echo-client: connection 1: sent 262144 bytes, got back 262144 intact$",
                    r"^echo-client: connection 2: sent 262144 bytes, got back 262144 intact$",
                    r"^# connection 1: 262144 bytes echoed$",
                    r"^# connection 2: 262144 bytes echoed$"],
            forbid=quiet[:3] + (() if weak else (weak_key,)),
            check=lambda out, weak=weak: tap_all_ok(10)(out) or (
                None if len(re.findall(r"warning", out)) == 2 * weak
                else "warnings other than the weak key's two")))
    # RDRAND keys the ISNs: no entropy warning among the ones counted.
    user = ("-cpu", "max", "-netdev", "user,id=n0,restrict=on",
            "-device", "virtio-net-pci,netdev=n0")
    tests.append(Boot(
        "lwip-selftest pc static address from net.ip=", "lwip-selftest", "pc",
        append="tern.exit=debugexit net.ip=10.0.2.20 net.mask=255.255.255.0 "
               "net.gw=10.0.2.2 net.dns=10.0.2.3 -- static 10.0.2.20 10.0.2.2 10.0.2.2",
        status=debug_exit(0), extra=user,
        expect=[r"^tern: net: net0: 10\.0\.2\.20 netmask 255\.255\.255\.0 "
                r"gateway 10\.0\.2\.2 dns 10\.0\.2\.3 \(static\)$", r"^# 0 failed$"],
        forbid=quiet, check=tap_all_ok(7)))
    tests.append(Boot(
        "lwip-selftest pc bad net.* parameters: one warning each, DHCP",
        "lwip-selftest", "pc",
        append="tern.exit=debugexit net.ip=10.0.2.020 net.mask=255.0.255.0 "
               "net.dhcp_wait_ms=soon -- dhcp 10.0.2.15 0.0.0.0 10.0.2.2",
        status=debug_exit(0), extra=user,
        expect=[sod, r"^# 0 failed$",
                r"^tern: warning: net: net\.ip=10\.0\.2\.020 ignored: not an IPv4 address$",
                r"^tern: warning: net: net\.mask=255\.0\.255\.0 ignored: not a netmask$",
                r"^tern: warning: net: net\.dhcp_wait_ms=soon ignored: not 0-600000$",
                r"^tern: warning: net: net0 asks DHCP: its static address is not usable$"],
        forbid=(r"^not ok", r"tern: fatal"),
        check=lambda out: None if len(re.findall(r"^tern: warning: ", out, re.M)) == 4
        else "not one warning per bad parameter"))
    tests.append(Boot(
        "lwip-selftest pc no DHCP answer: a warning, boot goes on",
        "lwip-selftest", "pc",
        append="tern.exit=debugexit net.dhcp_wait_ms=300 -- none",
        status=debug_exit(0),
        extra=("-netdev", "hubport,id=n0,hubid=0", "-device", "virtio-net-pci,netdev=n0"),
        expect=[r"^tern: warning: net: net0: no DHCP answer in 300 ms; going on "
                r"without an address$", r"^tern: calling main\(\)", r"^# 0 failed$"],
        forbid=(r"^not ok", r"tern: fatal", r"^tern: net: net0: \d"),
        check=tap_all_ok(2)))
    tests.append(Boot(
        "lwip-selftest microvm no card: lwIP runs, loopback works",
        "lwip-selftest", "microvm", append="tern.exit=debugexit -- nocard",
        status=debug_exit(0), expect=[r"^# 0 failed$"],
        forbid=(r"^not ok", r"tern: fatal", r"tern: net: net0"),
        check=tap_all_ok(2)))
    return tests


class NetnsBoot(Boot):
    """A guest on a tap in a network namespace of its own (tests/netns.py),
    with the namespace's address by net.ip=: in append and expect,
    NETNS_APPEND, GUEST_IP and HOST_IP are filled in.  Once the guest
    prints a line matching marker, drive(ns) runs the clients inside
    the namespace (ns.run([...]) against ns.guest_ip()) and returns
    text, which joins the console for expect, forbid and check; then
    the guest's exit is awaited (or, with hang=, it is stopped).
    Skipped, with the reason, where namespaces cannot be made."""

    def __init__(self, name, app, marker, drive, **kw):
        super().__init__(name, app, **kw)
        self.marker, self.drive = marker, drive
        self.template = self.append, tuple(self.expect)

    def run(self):
        reason = netns.unavailable()
        if reason:
            return None, reason, 0.0
        t = time.time()
        with netns.NetNS() as ns:
            words = {"NETNS_APPEND": ns.tern_append(),
                     "GUEST_IP": ns.guest_ip(), "HOST_IP": ns.host_ip}

            def fill(text, quote=str):
                return re.sub("|".join(words),
                              lambda m: quote(words[m.group(0)]), text)
            self.append = fill(self.template[0])
            self.expect = [fill(p, re.escape) for p in self.template[1]]
            image = os.path.join(BUILD, self.app, f"tern-{self.app}.elf")
            env = dict(os.environ, MACHINE=self.machine, MEM=self.mem,
                       APPEND=self.append, MODULES=self.module or "",
                       DEBUG_EXIT="1" if self.debug_exit_device else "0")
            g = ns.guest([*self.command(image), *ns.qemu_args(self.machine)],
                         env=env)
            try:
                text = self.talk(ns, g, t)
                if self.hang:  # a server: it must still run once driven
                    if g.proc.poll() is not None:
                        text += "\nQEMU exited instead of serving on"
                else:
                    try:
                        g.proc.wait(timeout=max(1, self.timeout
                                                - (time.time() - t)))
                    except subprocess.TimeoutExpired:
                        text += f"\nnetns: no exit within {self.timeout}s"
            finally:
                status = None if g.proc.poll() is None else g.proc.returncode
                g.stop()
        return self.verdict(status, g.output() + "\n" + text + "\n", "", t)

    def talk(self, ns, g, t):
        if not g.wait_for(self.marker, self.timeout - (time.time() - t)):
            return f"netns: no line /{self.marker}/ from the guest"
        try:
            return self.drive(ns)
        except (OSError, subprocess.SubprocessError) as e:
            return f"netns: client FAILED: {e}"


def echo_drive(ns):
    """Ping the guest 3 times and echo 2 x 256 KiB with its port 7
    (tests/echo_client.py, run inside the namespace)."""
    p = ns.run([sys.executable, os.path.join(ROOT, "tests/echo_client.py"),
                f"{ns.guest_ip()}:7", "go", "--ping", "3", "--", "echo", "go"],
               timeout=60)
    return p.stdout + p.stderr


UDP_ECHO_CLIENT = """
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
ok = 0
for n in (1, 512, 1472, 9, 1000):
    d = os.urandom(n)
    s.sendto(d, (sys.argv[1], 7))
    try:
        got, addr = s.recvfrom(2048)
        ok += got == d and addr == (sys.argv[1], 7)
    except OSError:
        pass
print(f"udp-client: {ok} of 5 datagrams echoed intact")
"""


def echo_tcp_udp_drive(ns):
    """apps/echo over the namespace: echo_drive's TCP and pings, then five
    UDP datagrams of 1 to 1472 bytes, each compared."""
    out = echo_drive(ns)
    p = ns.run([sys.executable, "-c", UDP_ECHO_CLIENT, ns.guest_ip()],
               timeout=30)
    return out + p.stdout + p.stderr


class KvGuestTest:
    """apps/kv in a VM with a disk, over a tap in a namespace: all of
    tests/kv_test.py's checks with the guest behind its start and stop
    hooks (tests/kv_guest.py): redis-cli replies, protocol abuse, idle and
    surplus clients, back-pressure, the memory limit, redis-benchmark -q
    -n 20000 -c 20 -t set,get,incr with no errors, SAVE and BGSAVE then a
    reboot on the same disk finding the data, a corrupt newest snapshot
    refused for the older one, all corrupt refused and empty."""

    def __init__(self, name, machine, tmp):
        self.name, self.machine, self.tmp = name, machine, tmp

    def run(self):
        reason = netns.unavailable()
        if reason:
            return None, reason, 0.0
        t = time.time()
        state = tempfile.mkdtemp(prefix="kv-guest-", dir=self.tmp)
        disk = os.path.join(state, "disk.img")
        guest = os.path.join(ROOT, "tests/kv_guest.py")
        with open(disk, "wb") as f:
            f.truncate(16 << 20)
        with netns.NetNS() as ns:
            json.dump({"command": [os.path.join(ROOT, "scripts/run-qemu"),
                                   os.path.join(BUILD, "kv", "tern-kv.elf"),
                                   *ns.qemu_args(self.machine)],
                       "env": {"MACHINE": self.machine, "MEM": "64M",
                               "CPU": "max", "DISK": disk,
                               "APPEND": ns.tern_append()},
                       "settings": ["SNAPSHOT_BAD"]},
                      open(os.path.join(state, "guest.json"), "w"))
            try:
                p = ns.run([sys.executable, os.path.join(ROOT, "tests/kv_test.py"),
                            "--host", ns.guest_ip(), "--port", "6379",
                            "--disk", disk, "--log", os.path.join(state, "console"),
                            "--start", f"{sys.executable} {guest} start {state}",
                            "--stop", f"{sys.executable} {guest} stop {state}"],
                           timeout=300)
                out = p.stdout + p.stderr
            except subprocess.TimeoutExpired as e:
                out = f"kv_test: no end in 300 s\n{e.stdout or ''}"
            finally:
                subprocess.run([sys.executable, guest, "stop", state])
        console = open(os.path.join(state, "console"), errors="replace").read()
        m = re.search(r"^kv-test: (\d+) passed, (\d+) failed", out, re.M)
        ok = bool(m) and m.group(2) == "0" and int(m.group(1)) >= 60 and \
            "tern: fatal" not in console
        return ok, "" if ok else out[-2500:] + "\n--- console ---\n" + \
            console[-1500:], time.time() - t


class NetnsBridgeBoots:
    """Two lwip-selftest guests, pc and microvm, on one bridge in a
    namespace (tests/netns.py, guests=2): the first pings the host side,
    the second pings the first (guest to guest through the bridge), and
    the host side pings and echoes 2 x 256 KiB with each."""

    def __init__(self, name):
        self.name = name

    def run(self):
        reason = netns.unavailable()
        if reason:
            return None, reason, 0.0
        t = time.time()
        image = os.path.join(BUILD, "lwip-selftest", "tern-lwip-selftest.elf")
        with netns.NetNS(guests=2) as ns:
            guests, out = [], []
            for i, machine in enumerate(("pc", "microvm")):
                peer = ns.host_ip if i == 0 else ns.guest_ip(0)
                env = dict(os.environ, MACHINE=machine, APPEND=(
                    f"tern.exit=debugexit {ns.tern_append(i)} -- static "
                    f"{ns.guest_ip(i)} 0.0.0.0 {peer} 2"))
                g = ns.guest([os.path.join(ROOT, "scripts/run-qemu"), image,
                              "-cpu", "max", *ns.qemu_args(machine, i)], env=env)
                guests.append(g)
                if not g.wait_for(r"^lwip-selftest: echo on port 7$", 30):
                    break
            for i in range(len(guests)):
                try:
                    p = ns.run([sys.executable,
                                os.path.join(ROOT, "tests/echo_client.py"),
                                f"{ns.guest_ip(i)}:7", "go", "--ping", "3", "--",
                                "echo", "go"], timeout=60)
                    out.append(p.stdout)
                except subprocess.TimeoutExpired:
                    out.append(f"echo-client: FAILED: guest {i}: no answer in 60 s")
            for g in guests:
                try:
                    g.proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    pass
                g.stop()
        problems = []
        for i, g in enumerate(guests):
            if g.proc.returncode != debug_exit(0) or not re.search(
                    r"^# 0 failed$", g.output(), re.M) or not re.search(
                    r"^# 5 of 5 pings answered and right$", g.output(), re.M):
                problems.append(f"guest {i} (exit {g.proc.returncode}):\n"
                                f"{g.output()[-1500:]}")
        want = 2 * 2 if len(guests) == 2 else -1
        client = "".join(out)
        if (len(re.findall(r"^echo-client: connection \d: sent 262144 bytes, "
                           r"got back 262144 intact$", client, re.M)) != want
                or len(re.findall(r"^echo-client: ping \S+: 3 of 3 answered$",
                                  client, re.M)) != 2):
            problems.append("host side:\n" + client[-1500:])
        return not problems, "\n".join(problems), time.time() - t


def httpd_tests(tmp):
    """apps/httpd in a VM over a tap in a namespace, on pc, q35 and
    microvm, serving tests/httpd_check.py's test site (the demo, a 3 MiB
    file, odd names) from its boot module; httpd_check runs all of its
    checks against it from the namespace: every file byte-equal,
    keep-alive, pipelining, HEAD, 304, 206, 416, 301, 404, 405, 414, 431,
    400, bodies, 413, 50 clients at once, junk and slow and silent
    clients then a normal request within a second, 408 by IDLE_MS, 503
    past MAX_CONNS, a slow reader of the big file.  The guest's own
    access log must have a common-log-format line per request."""
    site = os.path.join(tmp, "httpd-test-site.tar")
    subprocess.run([sys.executable, os.path.join(ROOT, "tests/httpd_check.py"),
                    "--pack", site], check=True)

    def drive(ns):
        p = ns.run([sys.executable, os.path.join(ROOT, "tests/httpd_check.py"),
                    "--base", f"http://{ns.guest_ip()}:80", "--tar", site,
                    "--idle-ms", "1500"], timeout=150)
        return p.stdout + p.stderr

    clf = (r'^10\.77\.\d+\.1 - - \[\d\d/\w{3}/20\d\d:\d\d:\d\d:\d\d \+0000\] '
           r'"GET / HTTP/1\.1" 200 612$')
    return [NetnsBoot(
        f"httpd {machine} over tap in a namespace: httpd_check's 33 checks",
        "httpd", r"^httpd: serving 9 files on port 80$", drive,
        machine=machine, mem="64M", module=site, hang=60,
        append="NETNS_APPEND IDLE_MS=1500", extra=("-cpu", "max"),
        expect=[r"^httpd_check: 3\d passed, 0 failed$", clf],
        forbid=(r"tern: fatal", r"^not ok", r"warning"))
        for machine in ("pc", "q35", "microvm")]


def lwip_tap_tests():
    """apps/lwip-selftest over a tap in a network namespace the test makes
    (tests/netns.py), on pc (virtio-net PCI) and microvm (MMIO): a static
    address from net.ip= in the namespace's private subnet, the guest's
    pings to the host side's address through lwIP, the host's pings to
    the guest, and two TCP connections from the host side to the guest's
    echo, 256 KiB each way, compared byte for byte.  Nothing else is
    reachable from the namespace.  Needs root: skipped otherwise."""
    tests = []
    for machine, entropy in (("pc", ("-cpu", "max")),
                             ("microvm", ("-device", "virtio-rng-device"))):
        tests.append(NetnsBoot(
            f"lwip-selftest {machine} tap in a namespace: static address, "
            "pings both ways, TCP echo", "lwip-selftest",
            r"^lwip-selftest: echo on port 7$", echo_drive, machine=machine,
            append="tern.exit=debugexit NETNS_APPEND -- "
                   "static GUEST_IP 0.0.0.0 HOST_IP 2",
            status=debug_exit(0), extra=entropy,
            expect=[r"^tern: net: net0: GUEST_IP netmask 255\.255\.255\.0 "
                    r"gateway none dns none \(static\)$",
                    r"^# 5 of 5 pings answered and right$",
                    r"^echo-client: ping GUEST_IP: 3 of 3 answered$",
                    r"^echo-client: connection 1: sent 262144 bytes, got back 262144 intact$",
                    r"^echo-client: connection 2: sent 262144 bytes, got back 262144 intact$",
                    r"^# connection 1: 262144 bytes echoed$",
                    r"^# connection 2: 262144 bytes echoed$", r"^# 0 failed$"],
            forbid=(r"^not ok", r"tern: fatal", r"echo-client: FAILED", r"warning"),
            check=tap_all_ok(10), timeout=40))
    tests.append(NetnsBoot(
        "echo q35 TCP and UDP over tap in a namespace", "echo",
        r"^echo: TCP and UDP on port 7$", echo_tcp_udp_drive, machine="q35",
        append="NETNS_APPEND", hang=8, extra=("-cpu", "max"),
        expect=[r"^echo-client: ping GUEST_IP: 3 of 3 answered$",
                r"^echo-client: connection 1: sent 262144 bytes, got back 262144 intact$",
                r"^echo-client: connection 2: sent 262144 bytes, got back 262144 intact$",
                r"^udp-client: 5 of 5 datagrams echoed intact$"],
        forbid=(r"tern: fatal", r"echo-client: FAILED", r"warning")))
    tests.append(NetnsBridgeBoots(
        "lwip-selftest pc and microvm on a bridge in a namespace: guest to "
        "guest ping, TCP echo with each"))
    return tests


def virtio_mmio_tests():
    """apps/virtio-list on microvm: devices found through the command
    line's virtio_mmio.device= words (acpi=off) and the DSDT (acpi=on),
    in both register layouts, at the slots and GSIs QEMU gives them, a
    virtio-rng read through queue 0 that ends with its interrupt, the
    runtime's words kept out of argv, and bogus words each refused with
    one line."""
    def devices(name):  # a disk of its own: the boots run in parallel
        disk = os.path.join(BUILD, f"virtio-list-{name}.img")
        with open(disk, "wb") as f:
            f.truncate(1 << 20)
        return ("-device", "virtio-rng-device",
                "-drive", f"if=none,id=vd0,format=raw,file={disk}",
                "-device", "virtio-blk-device,drive=vd0")
    quiet = (r"tern: fatal", r"warning", r"error", r"virtio-list: argv.*virtio_mmio")
    tests = []
    for acpi in ("off", "on"):
        for version in (1, 2):
            places = VIRTIO_MMIO_PLACES[acpi]
            extra = devices(f"acpi-{acpi}-v{version}") + (() if version == 1 else
                               ("-global", "virtio-mmio.force-legacy=false"))
            expect = [r"^virtio-list: 2 device\(s\)$",
                      r"^virtio-list: argv\[1\] one$",
                      r"^virtio-list: argv\[2\] --rng$",
                      r"^virtio-list: rng: interrupt, used idx 1, id 0, "
                      r"len 16, slot interrupts [1-9]\d*$"]
            for name, dev_id in (("rng", 4), ("blk", 2)):
                addr, gsi = places[name]
                expect += [
                    rf"^tern: virtio: virtio-{name}@mmio:{addr} "
                    rf"\(mmio-v{version}\), no driver$",
                    rf"^virtio-list: virtio-{name}@mmio:{addr} transport "
                    rf"mmio-v{version} id {dev_id} gsi {gsi} features 0x[0-9a-f]+ "
                    rf"queue0 [1-9]\d* driver none$"]
            if acpi == "off":  # QEMU did append the words the app must not see
                expect.append(r'^tern: cmdline ".* -- one --rng '
                              r'virtio_mmio\.device=512@0xfeb00e00:12 '
                              r'virtio_mmio\.device=512@0xfeb00c00:11"$')
            tests.append(Boot(
                f"virtio-list microvm acpi={acpi} mmio-v{version} rng and blk",
                "virtio-list", f"microvm,acpi={acpi}",
                append="tern.exit=debugexit -- one --rng",
                status=debug_exit(0), extra=extra, expect=expect,
                forbid=quiet, check=virtio_features_fit(version)))
    for machine in ("microvm,acpi=off", "microvm,acpi=on", "pc"):
        tests.append(Boot(
            f"virtio-list {machine} no devices", "virtio-list", machine,
            append="tern.exit=debugexit", status=debug_exit(0),
            expect=[r"^virtio-list: 0 device\(s\)$", r"^tern: exit status 0$"],
            forbid=quiet + (r"tern: virtio",)))
    bogus = ["virtio_mmio.device=512@0x100000:5",   # the image, in RAM
             "virtio_mmio.device=0@0xfeb00000:5",   # size 0
             "virtio_mmio.device=1G@0x0:99999",     # absurd size and IRQ
             "virtio_mmio.device=512@0xfeb01000:13",  # no transport there
             "virtio_mmio.device=512@0xfeb00000:5",   # a transport, empty
             "virtio_mmio.device=512@0xfeb00100:5"]   # overlaps the one before
    tests.append(Boot(
        "virtio-list microvm acpi=off bogus virtio_mmio.device words",
        "virtio-list", "microvm,acpi=off",
        append="tern.exit=debugexit " + " ".join(bogus) + " -- x",
        status=debug_exit(0), extra=("-device", "virtio-rng-device"),
        expect=[r"^tern: warning: virtio: mmio 0x100000-0x100200 \(command "
                r"line\) lies in the memory map's RAM entry ",
                r"^tern: warning: cmdline: 'virtio_mmio\.device=0@0xfeb00000:5' "
                r"ignored: size 0$",
                r"^tern: warning: cmdline: 'virtio_mmio\.device=1G@0x0:99999' "
                r"ignored: size outside 0x100-0x10000$",
                r"^tern: warning: virtio: mmio 0xfeb01000 \(command line\): "
                r"magic 0x0, not \"virt\": ignored$",
                r"^tern: warning: virtio: mmio 0xfeb00100-0xfeb00300 \(command "
                r"line\) overlaps 0xfeb00000-0xfeb00200: ignored$",
                r"^virtio-list: 1 device\(s\)$",
                r"^virtio-list: virtio-rng@mmio:feb00e00 transport mmio-v1 ",
                r"^virtio-list: argv\[1\] x$"],
        forbid=(r"tern: fatal", r"@mmio:feb00000", r"mmio 0xfeb00000",
                r"virtio-list: argv\[2\]"),
        check=lambda out: None if len(re.findall(
            r"^tern: (?:warning|error): ", out, re.M)) == 5
        else "not one line per bogus word"))
    return tests


class TwoBootsDiffer:
    """One boot test run twice: both must pass, and the lines the pattern
    picks out must differ between the boots (no fixed seed)."""

    def __init__(self, boot, pattern):
        self.boot, self.pattern = boot, pattern
        self.name = boot.name + "; two boots differ"

    def run(self):
        t = time.time()
        samples = []
        for _ in range(2):
            ok, detail, _ = self.boot.run()
            if not ok:
                return ok, detail, time.time() - t
            samples.append(self.boot.last_output and
                           re.findall(self.pattern, self.boot.last_output, re.M))
        if not samples[0] or samples[0] == samples[1]:
            return False, f"samples of the two boots: {samples}", time.time() - t
        return True, "", time.time() - t


class NewlibArc4randomUnlinked:
    """lib/entropy defines arc4random, arc4random_buf and
    arc4random_uniform so that newlib's copy (which keys itself from an
    uninitialised buffer when getentropy fails) stays out of the image."""
    name = "build: entropy-selftest links lib/entropy's arc4random, not newlib's"

    def run(self):
        image = os.path.join(BUILD, "entropy-selftest", "tern-entropy-selftest.elf")
        p = subprocess.run(["nm", image], capture_output=True, text=True)
        names = set(line.split()[-1] for line in p.stdout.splitlines())
        ok = (p.returncode == 0 and {"arc4random", "getentropy"} <= names and
              not {"_rs_stir", "_arc4random_data"} & names)
        return ok, p.stderr[-300:] or "newlib's arc4random.o is linked", 0


ENTROPY_NO_STRONG = (r"^tern: entropy: no RDSEED or RDRAND: getentropy\(\) "
                     r"and arc4random\(\) fail until virtio-rng credits 256 bits")
ENTROPY_READ_FAILED = (r"^tern: warning: entropy: a read with no strong "
                       r"source failed: boot with -cpu max or a virtio-rng")


def isn_moves_a_little(out):
    """One 4-tuple's ISN 10 ms later: forward by the 4-microsecond clock
    (2,500 ticks and some), not by nothing (lwIP's own counter without
    the hook) and not by a jump."""
    m = re.search(r"the first again 10 ms later moved (\d+)$", out, re.M)
    if not m:
        return "no ISN line"
    moved = int(m.group(1))
    return None if 2500 <= moved < 1 << 20 else f"moved {moved}"


def lwip_probe_tests():
    """Found in review: one peer's out-of-order segments held every slot of
    lwIP's shared segment pool (40 fake peers, 110 segments each, must
    leave room for an honest connection and its write); junk frames into
    the netif are dropped without an assertion or a leak."""
    net = ("-cpu", "max", "-netdev", "user,id=n0,restrict=on",
           "-device", "virtio-net-pci,netdev=n0")
    return [
        Boot("lwip-probe q35 out-of-order floods leave segments for others",
             "lwip-probe", "q35", append="tern.exit=debugexit -- ooseq 40 110",
             status=debug_exit(0), extra=net,
             expect=[r"^probe: 40 fake peers, 4400 one-byte out-of-order ",
                     r"^probe: honest loopback connect: 0$",
                     r"^probe: honest netconn_write: 0, 16384 bytes written$"],
             forbid=(r"tern: fatal", r"no pcb")),
        Boot("lwip-probe q35 TCP ISNs are keyed per 4-tuple and move with "
             "the clock (RFC 6528)", "lwip-probe", "q35",
             append="tern.exit=debugexit -- isns", status=debug_exit(0),
             extra=net, expect=[r"^probe: isns .*: far apart; "],
             check=isn_moves_a_little, forbid=(r"tern: fatal",)),
        Boot("lwip-probe q35 20000 junk frames are dropped", "lwip-probe",
             "q35", append="tern.exit=debugexit -- junk 20000",
             status=debug_exit(0), extra=net,
             expect=[r"^probe: junk 20000 frames", r"^probe: done$"],
             forbid=(r"tern: fatal",)),
        # 40 fake peers send 146 KB each to connections nobody accepts or
        # reads, in 8 MiB with the cap at 10% (about 700 KiB): lwIP's heap stops
        # at the cap with one warning, the app still gets 1 MiB, and it
        # all comes back when the listener closes.
        Boot("lwip-probe q35 peers filling unread connections stop at "
             "lwIP's heap cap", "lwip-probe", "q35", mem="8M",
             append="tern.exit=debugexit net.heap_percent=10 -- hog 40 100",
             status=debug_exit(0), extra=net,
             expect=[r"^tern: warning: net: lwIP's heap is at its cap of \d+ KiB \(10% of RAM\)",
                     r"the app's 1 MiB during it: ok$", r"^probe: done$"],
             check=heap_capped, forbid=(r"tern: fatal",)),
    ]


def heap_capped(out):
    m = re.search(r"lwIP heap peak (\d+) of cap (\d+), (\d+) refused", out)
    after = re.search(r"listener closed, lwIP heap in use (\d+)", out)
    if not m or not after:
        return "no heap figures"
    peak, cap, refused = map(int, m.groups())
    if peak > cap or refused == 0:
        return f"peak {peak} over cap {cap}, or nothing refused ({refused})"
    return None if int(after.group(1)) < 64 * 1024 else "heap not given back"


def entropy_tests():
    """lib/entropy on QEMU's default CPU (qemu64: no RDRAND, no RDSEED)
    and with -cpu max (RDRAND; QEMU 7.2's TCG has no RDSEED)."""
    sample = r"^entropy-selftest: sample ([0-9a-f]{64})$"
    strong = [r"^tern: entropy: rdrand jitter$", r"^# 0 failed$", sample]
    return [
        TwoBootsDiffer(Boot("entropy-selftest pc -cpu max", "entropy-selftest",
                            "pc", append="tern.exit=debugexit",
                            extra=("-cpu", "max"), status=debug_exit(0),
                            expect=strong,
                            forbid=(r"tern: fatal", r"warning: entropy"),
                            check=tap_all_ok(13)),
                       sample),
        Boot("entropy-selftest microvm -cpu max", "entropy-selftest",
             "microvm", append="tern.exit=debugexit", extra=("-cpu", "max"),
             status=debug_exit(0), expect=strong, check=tap_all_ok(13)),
        Boot("entropy-selftest q35 default CPU: ENOSYS, then a feeder seeds",
             "entropy-selftest", "q35", append="tern.exit=debugexit -- none",
             status=debug_exit(0),
             expect=[r"^tern: entropy: jitter$", ENTROPY_NO_STRONG,
                     ENTROPY_READ_FAILED,
                     r"^tern: entropy: seeded by selftest-feeder$",
                     r"^# 0 failed$"], check=tap_all_ok(9)),
        Boot("entropy-selftest pc default CPU: arc4random stops the VM",
             "entropy-selftest", "pc",
             append="tern.exit=debugexit -- arc4random-unseeded",
             status=debug_exit(TERN_EXIT_NO_ENTROPY), forbid=(r"arc4random\(\) =",),
             expect=[r"^tern: fatal: entropy: arc4random: no strong random "
                     r"source .*: stopping rather than hand out predictable",
                     rf"^tern: stopping with status {TERN_EXIT_NO_ENTROPY}$"]),
        Boot("entropy-selftest pc -icount: constant TSC deltas, jitter unused",
             "entropy-selftest", "pc", append="tern.exit=debugexit -- none",
             extra=("-icount", "shift=0"), status=debug_exit(0),
             expect=[r"^tern: entropy: jitter: 16 TSC deltas all \d+ ",
                     r"^tern: entropy: none$", r"^# 0 failed$"],
             check=tap_all_ok(9)),
        XenBoot("xen dom0 entropy-selftest", "entropy-selftest",
                expect=strong + [r"\(XEN\).*Hardware Dom0 halted"],
                check=tap_all_ok(13)),
        NewlibArc4randomUnlinked(),
    ] + virtio_rng_tests(sample)


def virtio_rng_tests(sample):
    """virtio-rng seeding the pool on QEMU's default CPU (no RDRAND):
    microvm's MMIO in both layouts and both discovery methods, and a
    device that never answers."""
    seeded = r"^tern: entropy: seeded by virtio-rng@mmio:feb0[02]e00$"
    tests = [Boot(f"entropy-selftest microvm{acpi} virtio-rng {layout}",
                  "entropy-selftest", "microvm" + acpi,
                  append="tern.exit=debugexit -- virtio-rng",
                  extra=("-device", "virtio-rng-device", *extra),
                  status=debug_exit(0),
                  expect=[rf"^tern: virtio: virtio-rng@mmio:feb0[02]e00 \({layout}\), "
                          r"driver virtio-rng$",
                          r"^tern: virtio-rng: virtio-rng@mmio:feb0[02]e00 feeds "
                          r"the entropy pool \(interrupt\)$",
                          seeded, r"^# 0 failed$", sample],
                  check=tap_all_ok(13))
             for acpi, layout, extra in (
                 ("", "mmio-v1", ()),
                 (",acpi=off", "mmio-v2",
                  ("-global", "virtio-mmio.force-legacy=false")))]
    for machine, slot, dev, layout in (
            ("pc", "00:02.0", "virtio-rng-pci", "pci-modern"),
            ("q35", "00:01.0", "virtio-rng-pci,disable-modern=on", "pci-legacy")):
        tests.append(Boot(
            f"entropy-selftest {machine} virtio-rng {layout}",
            "entropy-selftest", machine,
            append="tern.exit=debugexit -- virtio-rng", extra=("-device", dev),
            status=debug_exit(0),
            expect=[rf"^tern: virtio: virtio-rng@pci:{slot} \({layout}\), "
                    r"driver virtio-rng$",
                    rf"^tern: entropy: seeded by virtio-rng@pci:{slot}$",
                    r"^# 0 failed$", sample],
            check=tap_all_ok(13)))
    tests.append(Boot(
        "entropy-selftest microvm virtio-rng that never answers",
        "entropy-selftest", "microvm",
        append="tern.exit=debugexit -- virtio-rng-silent",
        extra=("-device", "virtio-rng-device,max-bytes=1,period=600000"),
        status=debug_exit(0),
        expect=[r"^tern: error: virtio: virtio-rng@mmio:feb02e00: request "
                r"not completed within 2 s$",
                r"^tern: warning: entropy: virtio-rng@mmio:feb02e00 no longer "
                r"feeds the pool$",
                r"^tern: error: entropy: no feeder credited 256 bits",
                r"^# 0 failed$"],
        forbid=(r"tern: fatal", r"seeded by"), check=tap_all_ok(2)))
    return tests


def paging_tests():
    """Write protection, no-execute, MMIO anywhere, attribute-keeping
    splits (apps/fault-test/paging.c)."""
    pf = (r"^tern: fatal: CPU exception 14 \(#PF page fault\), "
          r"error code 0x{code}, rip 0x[0-9a-f]+, cr2 0x[0-9a-f]+$")
    faults = [("write-text", "pc", "3"), ("write-rodata", "q35", "3"),
              ("exec-data", "microvm", "11"), ("exec-stack", "pc", "11"),
              ("exec-heap", "q35", "11")]
    tests = [fault_stop(m, how, f"{how} faults", pf.format(code=code),
                        rf"^tern: stopping with status {TERN_EXIT_FAULT}$")
             for how, m, code in faults]
    tests += [
        Boot("fault-test q35 mmio-high maps far above RAM", "fault-test",
             "q35", append="tern.exit=debugexit -- mmio-high",
             status=debug_exit(0),
             expect=[r"^tern: paging: text read-only, the rest no-execute$",
                     r"^fault-test: before 0xfffff0000: page 0 KiB absent",
                     r"^fault-test: mapped 0xfffff0000: page 4 KiB present "
                     r"writable uncached no-execute$",
                     r"^fault-test: read 0x[0-9a-f]{8} at 0xfffff0000$",
                     r"^tern: error: paging: MMIO 0x10000000000000-"
                     r"0x10000000001000 lies past the CPU's \d+-bit physical "
                     r"address space$",
                     r"^fault-test: MMIO at 2\^52 refused$",
                     r"^tern: exit status 0$"]),
        # No NX bit: it must never be set (a reserved bit faults), while
        # write protection still holds.
        Boot("fault-test pc CPU without NX: text still read-only",
             "fault-test", "pc", append="-- write-text",
             extra=("-cpu", "qemu64,-nx"), status=debug_exit(TERN_EXIT_FAULT),
             forbid=(),
             expect=[r"^tern: paging: text read-only \(CPU without NX: all executable\)$",
                     pf.format(code="3")]),
        # paging_map_mmio used to remap anything: the kernel's own text
        # became writable and not executable (W^X undone, then a #PF).
        Boot("fault-test microvm MMIO over the kernel's text is refused",
             "fault-test", "microvm", append="tern.exit=debugexit -- mmio-over-text",
             status=debug_exit(0),
             expect=[r"^tern: error: paging: MMIO 0x[0-9a-f]+-0x[0-9a-f]+ "
                     r"overlaps RAM in use 0x[0-9a-f]+-0x[0-9a-f]+: not mapped$",
                     r"^fault-test: text after 0x[0-9a-f]+: page 4 KiB present "
                     r"read-only cached executable$",
                     r"^fault-test: MMIO over the kernel's text refused$",
                     r"^tern: exit status 0$"]),
        Boot("fault-test pc lapic stays uncached after a split nearby",
             "fault-test", "pc", append="tern.exit=debugexit -- lapic-split",
             status=debug_exit(0),
             expect=[r"^fault-test: lapic after a split nearby 0xfee00000: "
                     r"page 4 KiB present writable uncached no-execute$",
                     r"^fault-test: neighbour 0xfee10000: page 4 KiB absent",
                     r"^tern: exit status 0$"]),
    ]
    return tests


class PvhloadBoot(Boot):
    """A Tern image booted through apps/pvhload with a fault injected:
    append is the guest's command line, app the guest."""

    def __init__(self, name, guest, fault, **kw):
        self.fault = fault
        kw.setdefault("mem", "128M")
        super().__init__(name, guest, **kw)

    def command(self, image):
        loader = os.path.join(BUILD, "pvhload", "tern-pvhload.elf")
        return [os.path.join(ROOT, "scripts/run-qemu"), loader, *self.extra]

    def run(self):
        guest = os.path.join(BUILD, self.app, f"tern-{self.app}.elf")
        self.module = guest
        self.append, guest_cmdline = (f"-- --fault={self.fault} -- "
                                      f"{self.append}"), self.append
        try:
            return super().run()
        finally:
            self.append = guest_cmdline


# Every pvhload fault, booted end to end through Tern's real boot path:
# (fault, guest, expected status, line the guest must print).
PVHLOAD_FAULTS = [
    ("none", "bootinfo", 7, r'^bootinfo: argv\[1\] "hi"$'),
    ("bad-magic", "hello", 114,
     r"^tern: fatal: start_info: bad magic 0x12345678 \(expected 0x336ec578\)$"),
    ("version-2", "hello", 0, r"^tern: start_info version 2 is newer than 1"),
    ("version-0", "hello", 0, r"^tern: memory map from fw_cfg etc/e820: "),
    ("no-memmap", "hello", 0, r"^tern: memory map from fw_cfg etc/e820: "),
    ("memmap-unsorted", "hello", 0,
     r"^tern: warning: memmap: [1-9]\d* unsorted and \d+ overlapping entries repaired$"),
    ("memmap-overlap", "hello", 0,
     r"^tern: warning: memmap: \d+ unsorted and [1-9]\d* overlapping entries repaired$"),
    ("memmap-empty-entry", "hello", 0, r"^tern: memmap: 1 zero-size entries skipped$"),
    ("memmap-wrap", "hello", 115,
     r"^tern: fatal: start_info: memmap entry 7 \(addr 0xfffffffffffff000 size 0x2000\) wraps past 2\^64$"),
    ("memmap-huge-count", "hello", 115,
     r"^tern: fatal: start_info: memmap_entries=100000 exceeds the maximum 128$"),
    ("memmap-apic-ram", "hello", 0,
     r"^tern: warning: memmap: RAM at 0xfec00000-0xfef00000, where the "
     r"interrupt controllers' registers are, left out$"),
    ("memmap-no-ram", "hello", 116,
     r"^tern: fatal: memmap: kernel image 0x100000-0x[0-9a-f]+ is not in RAM$"),
    ("cmdline-outside-ram", "hello", 117,
     r"^tern: fatal: start_info: cmdline_paddr=0xfff000000000 is outside memory "
     r"\(0xfff000000000 is in no memory-map entry\)$"),
    ("cmdline-unterminated", "hello", 117,
     r"^tern: fatal: start_info: cmdline at 0x[0-9a-f]+ is unterminated within 2048 bytes$"),
    ("modules-huge-count", "hello", 118,
     r"^tern: fatal: start_info: nr_modules=100000 exceeds the maximum 16$"),
    ("modlist-null", "hello", 118,
     r"^tern: fatal: start_info: nr_modules=1 but modlist_paddr is 0$"),
    ("module-past-ram", "hello", 118,
     r"^tern: fatal: start_info: module 0 \(0x[0-9a-f]+, 65536 bytes\) is not in RAM "
     r"\(0x[0-9a-f]+ is (reserved in the memory map, a device or firmware range|in no memory-map entry)\)$"),
    ("module-over-image", "hello", 118,
     r"^tern: fatal: start_info: module 0 \(0x100000, 4096 bytes\) overlaps the kernel image$"),
    ("start-info-in-image", "hello", 114,
     r"^tern: fatal: start_info at 0x[0-9a-f]+ lies inside the kernel image 0x100000-0x[0-9a-f]+$"),
    # ACPI is read at exit (power-off) through a window without page 0.
    ("rsdp-page0", "hello", 0, r"^Hello from Tern$"),
]


def module_high_crc(out):
    """bootinfo read the whole module pvhload put above 4 GiB: its ELF
    image, zero-padded to 2 MiB + 4 KiB (apps/pvhload/main.c)."""
    data = open(os.path.join(BUILD, "bootinfo", "tern-bootinfo.elf"), "rb").read()
    size = (max(len(data), (2 << 20) + 4096) + 4095) & ~4095
    data += bytes(size - len(data))
    want = (rf"^bootinfo: module 0 addr 0x1[0-9a-f]{{8}} size {size} "
            rf"crc32 0x{zlib.crc32(data):08x} ")
    return None if re.search(want, out, re.M) else f"missing /{want}/"


def pvhload_tests(tmp):
    tests = []
    for fault, guest, status, line in PVHLOAD_FAULTS:
        ok = status < 100
        tests.append(PvhloadBoot(
            f"pvhload {fault}", guest, fault,
            append="tern.exit=debugexit -- hi --exit=7",
            status=debug_exit(status),
            forbid=(r"tern: fatal",) if ok else (r"CPU exception",),
            expect=[rf"^pvhload: \d+ segment\(s\), entry 0x100000, start_info 0x[0-9a-f]+, fault {fault}",
                    line] + ([rf"^tern: exit status {status}$"] if ok else
                             [rf"^tern: stopping with status {status}$"])))
    junk, _ = module_file(tmp, "junk.bin", 3000, 1)
    tests += [
        Boot("pvhload refuses a non-ELF module", "pvhload", "pc", "128M",
             module=junk, append="tern.exit=debugexit", status=debug_exit(3),
             expect=[r"^pvhload: module 0 \(3000 bytes\): not an ELF file$"]),
        Boot("pvhload refuses an ELF without the PVH note", "pvhload", "pc",
             "128M", module="/bin/true", append="tern.exit=debugexit",
             status=debug_exit(3),
             expect=[r"^pvhload: module 0 \(\d+ bytes\): "
                     r"(no Xen PHYS32_ENTRY note: not a PVH kernel|segment .*)$"]),
        # Its heap, stacks and page tables stay out of the kernel's way
        # (at 64M the heap used to sit at 1 MiB: the kernel was entered
        # corrupted, and the boot hung).  34M is the least that boots on
        # pc and q35 (docs/pvhcheck.md).
        *[PvhloadBoot(f"pvhload chain-boots hello {machine} {mem}", "hello",
                      "none", machine=machine, mem=mem,
                      append="tern.exit=debugexit", status=debug_exit(0),
                      expect=[r"^tern: memmap: RAM below the image \(0x2000000\) left for a payload$",
                              r"^pvhload: \d+ segment\(s\), entry 0x100000, ",
                              r"^Hello from Tern$", r"^tern: exit status 0$"])
          for machine, mem in (("q35", "64M"), ("q35", "34M"), ("pc", "34M"))],
        # pvhcheck used to read the RSDP in page 0, unmapped: a page fault.
        PvhloadBoot("pvhload rsdp-page0 is a pvhcheck FAIL", "pvhcheck",
                    "rsdp-page0", append="tern.exit=debugexit",
                    status=debug_exit(5),
                    expect=[r"^FAIL si\.rsdp: 0x500 cannot be read: an RSDP in page 0 ",
                            r"^Test result: FAILURE$"],
                    check=pvhcheck_fails(["si.rsdp"])),
        PvhloadBoot("pvhload rsdp-page0 hello powers off by the RSDP search",
                    "hello", "rsdp-page0", append="tern.exit=poweroff",
                    debug_exit_device=False,
                    expect=[r"^Hello from Tern$", r"^tern: exit status 0$"],
                    forbid=(r"tern: fatal", r"ACPI unusable")),
        PvhloadBoot("pvhload module-high: a module above 4 GiB is mapped",
                    "bootinfo", "module-high", mem="5G",
                    append="tern.exit=debugexit -- hi --exit=7",
                    status=debug_exit(7), check=module_high_crc,
                    expect=[r"^pvhload: \d+ segment\(s\), .* fault module-high",
                            r"^bootinfo: module 0 addr 0x1[0-9a-f]{8} ",
                            r"^tern: exit status 7$"]),
        *[PvhloadBoot(f"pvhload {fault}: filling memory spares the ACPI tables",
                      "bootinfo", fault, debug_exit_device=False, timeout=30,
                      append="-- --fill-memory",
                      expect=[r"^tern: memory map from fw_cfg etc/e820: ",
                              r"^bootinfo: filled [1-9]\d* free pages",
                              r"^tern: exit status 0$"])
          for fault in ("version-0", "no-memmap")],
        PvhloadBoot("pvhload gives a loader pvhcheck passes", "pvhcheck",
                    "none", append="tern.exit=debugexit", status=debug_exit(0),
                    expect=[r"^PASS tr: a 32-bit TSS", r"^Test result: SUCCESS$"],
                    check=pvhcheck_fails([])),
    ]
    return tests


def debugcon_has(path, pattern):
    """The debugcon log QEMU wrote to path matches pattern."""
    def check(out):
        log = open(path, errors="replace").read() if os.path.exists(path) else ""
        if not re.search(pattern, log, re.M):
            return f"debugcon log lacks /{pattern}/: {log[-300:]!r}"
        return None
    return check


# CPUs Tern cannot run on: the 32-bit entry names what is missing, on COM1
# and debugcon, and stops with its own status (before: a silent triple
# fault, QEMU exit 0).  (machine, -cpu, the missing flags it must name)
CPU_UNSUPPORTED = [
    ("pc", "pentium3", "lm sse2"),
    ("q35", "qemu32", "lm"),
    ("microvm", "qemu64,-sse2", "sse2"),  # long mode, one feature masked
]


def cpu_check_tests(tmp):
    tests = []
    for machine, cpu, missing in CPU_UNSUPPORTED:
        log = os.path.join(tmp, f"debugcon-{machine}-cpu.log")
        line = (rf"^tern: fatal: CPU unsupported: missing {missing} "
                r"\(Tern needs an x86-64 CPU with cpuid lm .*\)$")
        tests.append(Boot(
            f"cpu check {machine} -cpu {cpu} refused", "hello", machine,
            append="tern.exit=poweroff", forbid=(r"Hello",),
            status=debug_exit(TERN_EXIT_CPU_UNSUPPORTED),
            extra=("-cpu", cpu, "-debugcon", f"file:{log}"),
            expect=[line, rf"^tern: stopping with status {TERN_EXIT_CPU_UNSUPPORTED}$"],
            check=debugcon_has(log, line)))
    return tests


def xen_domu_tests(tmp):
    dmod, _ = module_file(tmp, "domu.bin", 7777, 4)
    return [
        # Created from make xl-config's file: its ramdisk is the module.
        XenDomUBoot("xen domU pvhcheck", "pvhcheck",
                    xl_config={"MEM": "32", "MODULES": dmod},
                    status=5,
                    expect=[r'^dom0: \| ramdisk = "/module\.bin"$',
                            r"^\(d1\) PASS si\.module\.0: .*7777 bytes",
                            r"^\(d1\) PASS si\.rsdp\.tables: ",
                            r"^\(d1\) FAIL si\.memmap\.order: ",
                            r"^\(d1\) Test result: FAILURE$"],
                    check=pvhcheck_fails(["si.memmap.order"]),
                    forbid=(r"tern: fatal",)),
        XenDomUBoot("xen domU libc-selftest", "libc-selftest",
                    module_env=dmod,
                    append=f"KEY=tern HOSTTIME=now -- {libc_selftest_args(dmod)}",
                    forbid=(r"^\(d1\) not ok", r"tern: fatal"),
                    expect=[r"^\(d1\) # 0 failed$", r"^pvconsole: # 0 failed$"]),
        XenDomUBoot("xen domU hello", "hello",
                    xl_config={"MEM": "32", "APPEND": '-- a "b c"'},
                    expect=[r'^dom0: \| name = "tern-hello"$',
                            r"""^dom0: \| cmdline = '-- a "b c"'$""",
                            r"^\(d1\) tern: Xen 4\.17\.\d+, domU, memory map from start_info$",
                            r"^\(d1\) tern: platform: xen \(CPUID: Xen\); consoles: xen,xen-pv,xen-0xe9$",
                            r"^\(d1\) Hello from Tern$", r'^\(d1\) argv\[2\] = "b c"$',
                            r"^\(d1\) tern: exit status 0$",
                            r"^pvconsole: Hello from Tern$",
                            r"^pvconsole: tern: exit status 0$",
                            r"^dom0: domU ended"]),
        # xenstore, grant table and xenbus front-end against the real
        # xenstored; dom0 reads what the domU wrote (xenstore-read),
        # answers, and plays the backend of a device "tern/0"
        # (tests/dom0/xenstore-list.sh), mapping the grant the domU
        # publishes; the domU's exit hook closes the device.
        XenDomUBoot("xen domU xenstore-list", "xenstore-list",
                    dom0_check="xenstore-list.sh",
                    expect=[r"^\(d1\) tern: xenstore: ring at pfn 0x[0-9a-f]+, event channel \d+$",
                            r"^\(d1\) tern: gnttab: v1, \d+ frames at 0x[0-9a-f]+, \d+ references$",
                            r"^\(d1\) # name = \"tern\" \(4\)$",
                            r"^dom0: xenstore-read data/tern-test = hello-from-tern$",
                            r"^dom0: frontend Initialised, ring-ref \d+$",
                            r'^dom0: mapped d\d+ ref \d+: "tern grant page"$',
                            r"^\(d1\) ok \d+ - ending the grant dom0 has mapped is refused$",
                            r"^dom0: unmapped ref \d+$",
                            r"^\(d1\) 1\.\.25$",
                            r"^dom0: frontend Closing$",
                            r"^\(d1\) tern: xenbus: device/tern/0 closed$",
                            r"^\(d1\) # 0 failed$", r"^pvconsole: # 0 failed$"],
                    forbid=(r"^\(d1\) not ok", r"tern: fatal",
                            r"dom0: .* never became")),
        XenDomUBoot("xen domU timers-selftest", "timers-selftest",
                    expect=[r"^\(d1\) # 0 failed$",
                            r"^\(d1\) tern: .*timer: Xen single-shot \(event channel\)$",
                            r"^pvconsole: # 0 failed$"],
                    forbid=(r"^\(d1\) not ok", r"tern: fatal")),
    ]


def xen_tests(tmp):
    xen_start = [r"^tern: Tern \d+\.\d+\.\d+, app \S+, entered through PVH$",
                 r"^tern: Xen 4\.17\.\d+, dom0, memory map from XENMEM_memory_map$",
                 r"^tern: platform: xen \(CPUID: Xen\); consoles: xen",
                 r"^tern: xen: shared_info mapped, wallclock [1-9]\d* s$",
                 r"^tern: exit: poweroff; poweroff: SCHEDOP_shutdown"]
    m0, crc0 = module_file(tmp, "xmod0.bin", 12345, 1)
    return [
        XenBoot("xen dom0 hello", "hello", append="-- a b",
                expect=xen_start + [r"^Hello from Tern$", r'^argv\[2\] = "b"$',
                                    r"^tern: exit status 0$",
                                    r"\(XEN\).*Hardware Dom0 halted"]),
        # Xen 4.17 hands a PVH dom0 one module (the first after the kernel),
        # with the whole -initrd word, file name included, as its cmdline.
        XenBoot("xen dom0 bootinfo with a module", "bootinfo",
                append="KEY=v -- --exit=42", module=f"{m0} first arg",
                status=42,
                expect=xen_start + [
                    r"^bootinfo: magic 0x336ec578 version 0 flags 0x3$",
                    r'^bootinfo: cmdline "KEY=v -- --exit=42"$',
                    r"^bootinfo: modules 1$",
                    rf'^bootinfo: module 0 addr 0x[0-9a-f]+ size 12345 crc32 0x{crc0:08x} cmdline "{re.escape(m0)} first arg"$',
                    r"^bootinfo: memmap \d+ entries from XENMEM_memory_map$",
                    r'^bootinfo: argv\[1\] "--exit=42"$',
                    r"^tern: exit status 42$",
                    r"\(XEN\).*Hardware Dom0 halted"]),
        XenBoot("xen dom0 libc-selftest", "libc-selftest",
                module=m0,
                append=f"KEY=tern HOSTTIME=now -- {libc_selftest_args(m0, m0)}",
                forbid=(r"^not ok", r"tern: fatal", r"Hardware Dom0 crashed"),
                expect=[r"^# 0 failed$", r"^tern: clock: Xen pvclock;",
                        r"\(XEN\).*Hardware Dom0 halted"],
                check=tap_all_ok(30)),
        # Xen 4.17 builds a dom0 XSDT from garbage on SeaBIOS machines
        # (FIELD-NOTES): pvhcheck must see it, and Tern must not need ACPI.
        XenBoot("xen dom0 pvhcheck", "pvhcheck", module=f"{m0} x", status=5,
                forbid=(r"tern: fatal", r"Hardware Dom0 crashed"),
                expect=[r"^PASS eflags: ", r"^SKIP cs: null selector",
                        r"^SKIP si\.memmap: version 0",
                        r"^PASS si\.module\.0: ", r"^PASS si\.rsdp: ",
                        r"^FAIL si\.rsdp\.tables: .*XSDT at 0x[0-9a-f]+: bad",
                        r"^Test result: FAILURE$",
                        r"\(XEN\).*Hardware Dom0 halted"],
                check=pvhcheck_fails(["si.rsdp.tables"])),
        XenBoot("xen dom0 timers-selftest", "timers-selftest",
                forbid=(r"^not ok", r"tern: fatal", r"Hardware Dom0 crashed"),
                expect=[r"^# 0 failed$",
                        r"^tern: clock: Xen pvclock; .*timer: Xen single-shot \(event channel\)$",
                        r"\(XEN\).*Hardware Dom0 halted"],
                check=tap_all_ok(10)),
        XenBoot("xen dom0 sched-selftest", "sched-selftest",
                forbid=(r"^not ok", r"tern: fatal", r"Hardware Dom0 crashed"),
                expect=[r"^# 0 failed$", r"^ok \d+ - 1000 detached threads ended",
                        r"\(XEN\).*Hardware Dom0 halted"],
                check=tap_all_ok(16)),
        XenBoot("xen dom0 fd-selftest", "fd-selftest", module=m0,
                forbid=(r"^not ok", r"tern: fatal", r"Hardware Dom0 crashed"),
                expect=[r"^# 0 failed$", r"\(XEN\).*Hardware Dom0 halted"],
                check=tap_all_ok(28)),
        XenBoot("xen dom0 fault-test crash", "fault-test", append="-- null",
                status=TERN_EXIT_FAULT, debug_exit_device=False,
                forbid=(r"Hardware Dom0 halted",),
                expect=[r"^tern: fatal: CPU exception 14 \(#PF page fault\)",
                        rf"^tern: stopping with status {TERN_EXIT_FAULT}$",
                        r"\(XEN\).*Hardware Dom0 crashed"]),
        XenBoot("xen dom0 fault-test isa-debug-exit", "fault-test",
                append="-- ud", status=debug_exit(TERN_EXIT_FAULT), forbid=(),
                expect=[r"^tern: fatal: CPU exception 6 \(#UD invalid opcode\)"]),
    ]


# ---- apps' host builds against real clients ---------------------------------
def run_host_apps(res):
    """tests/kv_test.py: the host build of kv (scripts/host-app) against
    redis-cli and redis-benchmark on 127.0.0.1 (the guest run over tap is
    the boot tests' part)."""
    if not shutil.which("redis-cli") or not shutil.which("redis-benchmark"):
        res.report("kv host", False, skip="redis-tools not installed")
        return
    t = time.time()
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tests/kv_test.py")],
                       capture_output=True, text=True, timeout=600)
    for line in p.stdout.splitlines():
        m = re.match(r"(ok|FAIL) (.*?)(: (.*))?$", line)
        if m:
            res.report("kv host: " + m.group(2), m.group(1) == "ok",
                       m.group(4) or "")
    if p.returncode not in (0, 1) or "kv-test:" not in p.stdout:
        res.report("kv host: tests/kv_test.py", False,
                   f"exit {p.returncode}: {(p.stdout + p.stderr)[-2000:]}",
                   time.time() - t)


def run_boots(res):
    if not shutil.which(QEMU):
        print(f"boot tests: {QEMU} not found: run scripts/setup "
              "(Debian package qemu-system-x86)")
        res.report("boot tests", False, f"{QEMU} not found")
        return
    with tempfile.TemporaryDirectory() as tmp:
        # Longest first (domU runs, then Xen dom0), so the short QEMU
        # boots fill the gaps instead of trailing at the end.
        tests = sorted(boot_tests(tmp), key=lambda t: (
            not isinstance(t, XenDomUBoot), not isinstance(t, XenBoot)))
        jobs = int(os.environ.get("JOBS", os.cpu_count() or 2))
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            futures = {pool.submit(t.run): t for t in tests}
            for f in concurrent.futures.as_completed(futures):
                ok, detail, seconds = f.result()
                skip = detail if ok is None else None
                res.report("boot: " + futures[f].name, ok, detail, seconds,
                           skip=skip)
        if any("debugcon" in t.name for t in tests):
            log = open(os.path.join(tmp, "debugcon.log"), errors="replace").read()
            res.report("boot: debugcon received the same lines",
                       "Hello from Tern" in log, log[-500:])


def main():
    res = Results()
    t = time.time()
    if not ONLY:
        run_unit(res)
        run_fuzz(res)
        run_build_checks(res)
    if not ONLY or ONLY in "httpd host":
        run_httpd_host(res)
    if not ONLY or ONLY in "kv host":
        run_host_apps(res)
    if not ONLY or ONLY in "deploy files":
        run_deploy_checks(res)
    run_boots(res)
    print(f"tests took {time.time() - t:.0f}s")
    print(f"{res.passed} passed, {res.failed} failed, {res.skipped} skipped")
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
