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
