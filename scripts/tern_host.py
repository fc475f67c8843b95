"""Host-side helpers shared by scripts/run-xen, scripts/run-xen-domu and
tests/bench/bench.py: Debian packages as files (apt-get download and
dpkg-deb -x into a cache, never installed), a newc cpio writer for
initramfs images, the Xen hypervisor as QEMU can load it, and a QEMU run
whose console is echoed and watched as it arrives."""
import fcntl
import gzip
import io
import os
import shutil
import subprocess
import sys
import time

XEN_GZ = "/boot/xen-4.17-amd64.gz"


def fetch_deb(package, dest):
    """Download one package into dest and unpack it into dest/root, once
    (a stamp per package), under a lock: parallel test runs share dest.
    Returns dest/root."""
    os.makedirs(dest, exist_ok=True)
    root = os.path.join(dest, "root")
    stamp = os.path.join(dest, f".unpacked-{package}")
    with open(os.path.join(dest, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(stamp):
            return root
        debs = [f for f in os.listdir(dest) if f.startswith(package + "_")]
        if not debs:
            subprocess.run(["apt-get", "download", package], cwd=dest,
                           check=True, capture_output=True)
            debs = [f for f in os.listdir(dest)
                    if f.startswith(package + "_")]
        subprocess.run(["dpkg-deb", "-x", os.path.join(dest, debs[0]), root],
                       check=True)
        open(stamp, "w").close()
    return root


def linux_image_package():
    """The versioned kernel package linux-image-amd64 depends on."""
    out = subprocess.run(["apt-cache", "depends", "linux-image-amd64"],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        word = line.split()[-1] if line.strip() else ""
        if line.strip().startswith("Depends:") and word.startswith("linux-image-"):
            return word
    raise RuntimeError("apt-cache knows no linux-image-amd64 (run apt-get update)")


def cpio_newc(entries):
    """entries: (name, mode, data, rdev); returns a newc archive."""
    out = io.BytesIO()
    for ino, (name, mode, data, rdev) in enumerate(
            entries + [("TRAILER!!!", 0, b"", 0)], 1):
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join(f"{v:08x}" for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev >> 8, rdev & 0xff,
            len(nb), 0))
        out.write(hdr.encode() + nb)
        out.write(b"\0" * (-(110 + len(nb)) % 4))
        out.write(data)
        out.write(b"\0" * (-len(data) % 4))
    return out.getvalue()


def xen_image(build):
    """build/xen/xen.elf: QEMU's multiboot loader needs the hypervisor
    uncompressed."""
    path = os.path.join(build, "xen", "xen.elf")
    if os.path.exists(path):
        return path
    if not os.path.exists(XEN_GZ):
        sys.exit(f"{XEN_GZ} not found: run scripts/setup "
                 "(Debian package xen-hypervisor-4.17-amd64)")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}"
    with gzip.open(XEN_GZ) as src, open(tmp, "wb") as dst:
        shutil.copyfileobj(src, dst)
    os.rename(tmp, path)
    return path


def run_watched(cmd, timeout, stop=None):
    """Run QEMU, echoing its console as it comes.  stop(line) true ends it
    early (QEMU is killed).  Returns (exit status, or None when stopped
    or timed out; whole output; whether stop() fired)."""
    qemu = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    os.set_blocking(qemu.stdout.fileno(), False)
    deadline = time.time() + timeout
    out, pending, stopped = b"", b"", False
    while qemu.poll() is None and time.time() < deadline and not stopped:
        chunk = qemu.stdout.read() or b""
        if not chunk:
            time.sleep(0.02)
            continue
        sys.stdout.write(chunk.decode(errors="replace"))
        sys.stdout.flush()
        out += chunk
        pending += chunk
        *lines, pending = pending.split(b"\n")
        stopped = bool(stop) and any(
            stop(line.decode(errors="replace").rstrip("\r")) for line in lines)
    if qemu.poll() is None:
        qemu.kill()
        qemu.wait()
        return None, out.decode(errors="replace"), stopped
    rest = qemu.stdout.read() or b""
    sys.stdout.write(rest.decode(errors="replace"))
    return (qemu.returncode, (out + rest).decode(errors="replace"), False)


# ---- shared libraries, resolved inside an unpacked tree, never the host's ----
# ld.so's own search path on Debian 12 (ld.so --help: "system search
# path"), in its order; the initramfs has no ld.so.cache.
LOADER_DIRS = ("lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib",
               "usr/lib")


def path_inside(root, path):
    """path with every symlink followed inside root (an absolute link
    target is taken relative to root, as it would be in the guest), as a
    path relative to root; None if it does not exist there."""
    parts, done, hops = path.strip("/").split("/"), [], 0
    while parts:
        part = parts.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            done = done[:-1]
            continue
        here = os.path.join(root, *done, part)
        if os.path.islink(here):
            hops += 1
            if hops > 40:
                return None
            target = os.readlink(here)
            if target.startswith("/"):
                done = []
            parts = target.strip("/").split("/") + parts
            continue
        if not os.path.exists(here):
            return None
        done.append(part)
    return "/".join(done)


def elf_dynamic(path):
    """(interpreter or None, DT_NEEDED names, DT_RUNPATH/RPATH dirs) of an
    ELF file, from readelf (binutils)."""
    p = subprocess.run(["readelf", "-dlW", path], capture_output=True,
                       text=True)
    if p.returncode:
        raise RuntimeError(f"readelf {path}: {p.stderr.strip()}")
    interp = None
    needed, runpath = [], []
    for line in p.stdout.splitlines():
        if "Requesting program interpreter:" in line:
            interp = line.split(":", 1)[1].strip().rstrip("]").strip()
        elif "(NEEDED)" in line:
            needed.append(line.split("[", 1)[1].rstrip("]"))
        elif "(RUNPATH)" in line or "(RPATH)" in line:
            runpath += line.split("[", 1)[1].rstrip("]").split(":")
    return interp, needed, runpath


def elf_closure(root, programs):
    """The programs (paths inside root) and everything the dynamic loader
    would load for them, found only inside root, the loader's way:
    DT_RUNPATH (with $ORIGIN), then LOADER_DIRS.  Returns {path the
    loader opens: path of the real file}, both relative to root.  Raises
    RuntimeError naming every library that is not in root: a library the
    packages do not carry must be added to them, never taken from the
    host."""
    found, missing, todo = {}, [], list(programs)
    while todo:
        want = todo.pop(0).strip("/")
        if want in found:
            continue
        real = path_inside(root, want)
        if real is None:
            missing.append(want)
            continue
        found[want] = real
        interp, needed, runpath = elf_dynamic(os.path.join(root, real))
        if interp:
            todo.append(interp)
        origin = os.path.dirname(want)
        dirs = [d.replace("$ORIGIN", "/" + origin).strip("/")
                for d in runpath] + list(LOADER_DIRS)
        for name in needed:
            hit = next((f"{d}/{name}" for d in dirs
                        if path_inside(root, f"{d}/{name}")), None)
            if hit:
                todo.append(hit)
            else:
                missing.append(f"{name} (needed by /{want})")
    if missing:
        raise RuntimeError("not in the unpacked packages (add the package "
                           "that has it): " + ", ".join(missing))
    return found
