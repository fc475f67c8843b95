"""Debian packages as files, never installed: apt-get download + dpkg-deb
-x into a cache folder; and a newc cpio writer for initramfs images.
Shared by tests/bench/bench.py (the Linux guest) and scripts/xen-domu
(the Linux dom0 with Xen's toolstack)."""
import fcntl
import io
import os
import subprocess


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
