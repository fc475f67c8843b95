#!/usr/bin/python3
"""Write well-formed inputs for each fuzz target to mutate from, one folder
per target under the given directory (make_seeds.py DIR [TARGET...]).

start_info: laid at physical 0x1000 (and again at 0x100000), as in
fuzz_start_info.c.  acpi: tables shaped like QEMU 7.2's (pc: ACPI 1.0
RSDP and a 116-byte FADT; q35: revision 2 with an XSDT; microvm:
hardware-reduced with the GED sleep register; the broken XSDT Xen 4.17
gives a PVH dom0), laid at 0xe0000 as in fuzz_acpi.c.  e820: fw_cfg
"etc/e820" as QEMU gives it.  cmdline: lines in the README's forms.
elf: minimal PVH kernels like the unit tests' (tests/unit/test_pvhload.c).
virtqueue: honest traffic, a full ring, lying used idx and id, as
fuzz_virtqueue.c reads its input.  netparam: net.* values, good and bad.
lwip_frames: a peer's conversations with lwIP (lwip_seeds.py).
http_parse: requests as curl and browsers send them, pipelined, with
bodies, and a few broken ones.  tar: small sites as scripts/pack-site
packs them.
kv_resp: command streams (multibulk, inline, errors) after a read-size
byte.  kv_snapshot: disks with one and two valid snapshot slots.
xs_reply: xenstore response streams (fuzz_xs_reply.c): replies to the
client's first requests, errors, listings, watch events.
"""
import os
import struct
import sys

sys.dont_write_bytecode = True  # lwip_seeds beside this file: no __pycache__
import lwip_seeds  # noqa: E402

# ---- start_info ----------------------------------------------------------
BASE = 0x1000
MAGIC = 0x336ec578


def image(version, cmdline, modules, memmap):
    buf = bytearray(0x800)
    si_len = 56 if version >= 1 else 40
    struct.pack_into("<IIIIQQQ", buf, 0, MAGIC, version, 0, len(modules),
                     BASE + 0x300 if modules else 0,
                     BASE + 0x200 if cmdline is not None else 0, 0xf5000)
    if version >= 1:
        struct.pack_into("<QII", buf, 40, BASE + 0x100 if memmap else 0,
                         len(memmap), 0)
    for i, (addr, size, typ) in enumerate(memmap):
        struct.pack_into("<QQII", buf, 0x100 + 24 * i, addr, size, typ, 0)
    if cmdline is not None:
        buf[0x200:0x200 + len(cmdline) + 1] = cmdline.encode() + b"\0"
    for i, (addr, size, mcmd) in enumerate(modules):
        struct.pack_into("<QQQQ", buf, 0x300 + 32 * i, addr, size,
                         BASE + 0x400 + 0x40 * i, 0)
        buf[0x400 + 0x40 * i:0x400 + 0x40 * i + len(mcmd) + 1] = \
            mcmd.encode() + b"\0"
    assert si_len <= 0x100
    return bytes(buf)


def start_info_seeds():
    ram = [(0, 0x9fc00, 1), (0xf0000, 0x10000, 2), (0x100000, 0x100000, 1)]
    return {
        "v1-map-cmdline-2mods": image(1, "tern.loglevel=4 -- a b",
                                      [(0x100000, 0x800, "m0"),
                                       (0x101000, 0x10, "m1")], ram),
        "v1-unsorted": image(1, "x", [], list(reversed(ram))),
        "v0": image(0, "-- x", [(0x100000, 0x100, "")], []),
        "v2-nocmd": image(2, None, [], ram),
    }


# ---- ACPI ------------------------------------------------------------------
ACPI_BASE = 0xe0000
RSDP, RSDT, XSDT, MADT, FADT, DSDT = 0x10, 0x100, 0x200, 0x300, 0x400, 0x800


def checksum(buf, start, length, at):
    buf[at] = 0
    buf[at] = (-sum(buf[start:start + length])) & 0xff


def sdt(buf, off, sig, body, rev=1):
    length = 36 + len(body)
    buf[off:off + 36] = struct.pack("<4sIBB6s8sI4sI", sig, length, rev, 0,
                                    b"BOCHS ", b"BXPC    ", 1, b"BXPC", 1)
    buf[off + 36:off + length] = body
    checksum(buf, off, length, off + 9)


def s5_package(a, b):
    # Scope(\_SB) junk, then Name(_S5, Package(4) {a, b, 0, 0})
    return bytes([0x10, 0x05, 0x5c, 0x5f, 0x53, 0x42, 0x5f,
                  0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x08, 0x04,
                  0x0a, a, 0x0a, b, 0x00, 0x00])


def madt_body():
    body = struct.pack("<II", 0xfee00000, 1)           # LAPIC address, PCAT
    body += bytes([0, 8, 0, 0, 1, 0, 0, 0])             # processor 0
    body += struct.pack("<BBBBII", 1, 12, 0, 0, 0xfec00000, 0)  # I/O APIC
    for irq, gsi, flags in ((0, 2, 0), (5, 5, 0xd), (9, 9, 0xd),
                            (10, 10, 0xd), (11, 11, 0xd)):
        body += struct.pack("<BBBBIH", 2, 10, 0, irq, gsi, flags)
    return body


def fadt_body(length, hw_reduced=False):
    body = bytearray(length - 36)
    struct.pack_into("<II", body, 0, 0, ACPI_BASE + DSDT)  # FACS, DSDT
    if not hw_reduced:
        struct.pack_into("<III", body, 56 - 36, 0x600, 0, 0x604)  # PM1a EVT, -, CNT
        struct.pack_into("<I", body, 76 - 36, 0x608)              # PM timer
    else:
        struct.pack_into("<I", body, 112 - 36, 1 << 20)            # HW_REDUCED
        struct.pack_into("<BBBBQ", body, 244 - 36, 0, 8, 0, 1, 0xfea00200)
    if length >= 148:
        struct.pack_into("<Q", body, 140 - 36, ACPI_BASE + DSDT)
    return bytes(body)


def acpi_tables(revision, fadt_len, hw_reduced=False, s5=(5, 0),
                bad_xsdt=False):
    buf = bytearray(0x1000)
    buf[RSDP:RSDP + 20] = struct.pack("<8sB6sBI", b"RSD PTR ", 0, b"BOCHS ",
                                      revision, ACPI_BASE + RSDT)
    checksum(buf, RSDP, 20, RSDP + 8)
    if revision >= 2:
        buf[RSDP + 20:RSDP + 36] = struct.pack("<IQB3s", 36, ACPI_BASE + XSDT,
                                               0, b"\0\0\0")
        checksum(buf, RSDP, 36, RSDP + 32)
        sdt(buf, XSDT, b"XSDT", struct.pack("<QQ", ACPI_BASE + FADT,
                                            ACPI_BASE + MADT))
        if bad_xsdt:  # Xen 4.17's dom0 XSDT: a header copied from address 0
            buf[XSDT:XSDT + 36] = bytes(36)
    sdt(buf, RSDT, b"RSDT", struct.pack("<II", ACPI_BASE + FADT,
                                        ACPI_BASE + MADT))
    sdt(buf, MADT, b"APIC", madt_body())
    sdt(buf, FADT, b"FACP", fadt_body(fadt_len, hw_reduced),
        rev=5 if hw_reduced else 1)
    sdt(buf, DSDT, b"DSDT", s5_package(*s5))
    return bytes(buf)


def acpi_seeds():
    return {
        "pc-acpi1": acpi_tables(0, 116, s5=(0, 0)),
        "q35-xsdt": acpi_tables(2, 244),
        "microvm-hw-reduced": acpi_tables(2, 276, hw_reduced=True),
        "xen-dom0-bad-xsdt": acpi_tables(2, 244, bad_xsdt=True),
    }


# ---- E820 (fw_cfg etc/e820, XENMEM_memory_map) -----------------------------
def e820(entries):
    return b"".join(struct.pack("<QQI", a, s, t) for a, s, t in entries)


def e820_seeds():
    return {
        "pc-64M": e820([(0, 0x4000000, 1), (0xfeffc000, 0x4000, 2)]),
        "q35-5G": e820([(0, 0x80000000, 1), (0xfeffc000, 0x4000, 2),
                        (0x100000000, 0xc0000000, 1)]),
        "xen-dom0": e820([(0, 0x9f000, 1), (0x9f000, 0x1000, 2),
                          (0xe0000, 0x20000, 2), (0x100000, 0x3f00000, 1),
                          (0xfc000000, 0x4000000, 2)]),
        "unsorted-overlap": e820([(0x100000, 0x200000, 1), (0, 0x9fc00, 1),
                                  (0x180000, 0x1000, 3), (0, 0, 0)]),
    }


# ---- command line -----------------------------------------------------------
def cmdline_seeds():
    lines = [
        "tern.loglevel=info tern.exit=debugexit KEY=VALUE -- arg1 \"arg two\"",
        "tern.loglevel=4 tern.bootstats NAME=tern -- --touch-high \"two words\" --exit=42",
        "tern.exit=halt tern.loglevel=banana unknown tern.nope=1 =x -- a",
        "\"unterminated quote -- x",
        "-- " + " ".join(f"a{i}" for i in range(70)),
        "tern.exit=debugexit -- a virtio_mmio.device=512@0xfeb00e00:12 "
        "virtio_mmio.device=512@0xfeb00c00:11",
        "virtio_mmio.device=4K@0xd0000000:5:3 virtio_mmio.device=0@0x1:0",
    ]
    return {f"line{i}": l.encode() for i, l in enumerate(lines)}


# ---- net.* addresses (lib/lwip/netparam.c) ----------------------------------
def netparam_seeds():
    values = ["10.0.2.15", "255.255.255.0", "255.255.240.0", "0.0.0.0",
              "10.0.2", "010.0.2.15", "0x0a.0.2.15", "10.0.2.256",
              "255.0.255.0", "1.2.3.4.5", "4294967306.0.0.1"]
    return {f"value{i}": v.encode() for i, v in enumerate(values)}


# ---- xenstore replies (lib/xenbus/xs_reply.c, xenstore.c) -------------------
def xs_msg(typ, req_id, body, tx=0):
    return struct.pack("<IIII", typ, req_id, tx, len(body)) + body


def xs_reply_seeds():
    XS_DIRECTORY, XS_READ, XS_WATCH, XS_WATCH_EVENT, XS_ERROR = 1, 2, 4, 15, 16
    return {
        "read-dir-watch": xs_msg(XS_READ, 1, b"value") +
        xs_msg(XS_DIRECTORY, 2, b"a\0bb\0") + xs_msg(XS_WATCH, 3, b"OK\0") +
        xs_msg(XS_WATCH_EVENT, 0, b"w\0tern0\0"),
        "errors": xs_msg(XS_ERROR, 1, b"ENOENT\0") +
        xs_msg(XS_ERROR, 2, b"EAGAIN\0") + xs_msg(XS_ERROR, 3, b"EWHAT\0"),
        "event-first": xs_msg(XS_WATCH_EVENT, 0, b"x\0nobody\0") +
        xs_msg(XS_READ, 7, b"late") + xs_msg(XS_READ, 1, b"1234567890"),
        "long-read": xs_msg(XS_READ, 1, b"q" * 3000),
        "bad-len": struct.pack("<IIII", XS_READ, 1, 0, 5000),
    }


# ---- ELF (pvhload) ---------------------------------------------------------
def pvh_elf(entry=0x100000, note_desc=4, segments=((0x100000, 0x100, 0x2000),)):
    phnum = len(segments) + 1
    phoff = 64
    data_off = phoff + 56 * phnum
    note = struct.pack("<III", 4, note_desc, 18) + b"Xen\0" + \
        (struct.pack("<I", entry) if note_desc == 4 else struct.pack("<Q", entry))
    body = bytearray(note)
    phdrs = b""
    off = data_off + len(body)
    for paddr, filesz, memsz in segments:
        phdrs += struct.pack("<IIQQQQQQ", 1, 5, off, paddr, paddr, filesz,
                             memsz, 0x1000)
        body += bytes((i * 7) & 0xff for i in range(filesz))
        off += filesz
    phdrs += struct.pack("<IIQQQQQQ", 4, 4, data_off, 0, 0, len(note),
                         len(note), 4)
    ehdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8) + \
        struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, entry, phoff, 0, 0, 64, 56,
                    phnum, 64, 0, 0)
    return ehdr + phdrs + bytes(body)


def elf_seeds():
    return {
        "one-segment": pvh_elf(),
        "two-segments-note8": pvh_elf(0x200000, 8, ((0x100000, 0x80, 0x1000),
                                                    (0x200000, 0x40, 0x40))),
    }


# ---- DSDT virtio-mmio objects ----------------------------------------------
def mmio_device(base, gsi, size=0x200):
    """One Device body as QEMU 7.2's microvm writes it (_HID, _UID, _CCA,
    _CRS with Memory32Fixed and an Extended Interrupt)."""
    return (b"\x08_HID\x0dLNRO0005\x00\x08_UID\x00\x08_CCA\x01"
            b"\x08_CRS\x11\x1a\x0a\x17" +
            b"\x86\x09\x00\x01" + struct.pack("<II", base, size) +
            b"\x89\x06\x00\x01\x01" + struct.pack("<I", gsi) + b"\x79\x00")


def mmio_dsdt_seeds():
    return {
        "one": mmio_device(0xfeb02e00, 47),
        "two": mmio_device(0xfeb02c00, 46) + mmio_device(0xfeb02e00, 47),
        "five": b"".join(mmio_device(0xfeb00000 + 0x200 * i, 24 + i)
                         for i in range(5)),
    }


# ---- PCI: records of bus, dev<<3|fn, 256 config bytes, 6 BAR masks -------
def pci_fn(bus, dev, fn, vendor, device, header=0, bars=(), caps=(),
           bridge=None):
    cfg = bytearray(256)
    masks = [0] * 6
    struct.pack_into("<HHHH", cfg, 0, vendor, device, 0x0103, 0x0010)
    cfg[0x0b] = 0x01
    cfg[0x0e] = header
    for i, (value, mask) in bars:
        struct.pack_into("<I", cfg, 0x10 + 4 * i, value)
        masks[i] = mask
    if bridge:
        cfg[0x18:0x1b] = bytes([bus, bridge[0], bridge[1]])
    if caps:
        cfg[0x34] = caps[0][0]
        for k, (off, body) in enumerate(caps):
            nxt = caps[k + 1][0] if k + 1 < len(caps) else 0
            cfg[off:off + len(body)] = body
            cfg[off + 1] = nxt
    cfg[0x3c:0x3e] = bytes([11, 1])
    return bytes([bus, dev << 3 | fn]) + bytes(cfg) + \
        struct.pack("<6I", *masks)


def virtio_cap(cfg_type, bar, off, length, extra=b""):
    body = bytes([9, 0, 16 + len(extra), cfg_type, bar, 0, 0, 0]) + \
        struct.pack("<II", off, length) + extra
    return body


def pci_seeds():
    modern = [(0x40, bytes([0x11, 0, 1, 0]) + struct.pack("<II", 1, 0x801)),
              (0x50, virtio_cap(1, 4, 0, 0x1000)),
              (0x60, virtio_cap(3, 4, 0x1000, 0x1000)),
              (0x70, virtio_cap(4, 4, 0x2000, 0x1000)),
              (0x80, virtio_cap(2, 4, 0x3000, 0x1000, struct.pack("<I", 4)))]
    bars = [(0, (0xc001, 0xffffffe1)), (1, (0xfe600000, 0xfffff000)),
            (4, (0xfea0000c, 0xffffc00c)), (5, (0, 0xffffffff))]
    pc = pci_fn(0, 0, 0, 0x8086, 0x1237) + \
        pci_fn(0, 1, 0, 0x8086, 0x7000, header=0x80) + \
        pci_fn(0, 1, 1, 0x8086, 0x7010, bars=[(4, (0xd0a1, 0xfff1))]) + \
        pci_fn(0, 3, 0, 0x1af4, 0x1001, bars=bars, caps=modern) + \
        pci_fn(0, 4, 0, 0x1b36, 0x0001, header=1, bridge=(1, 1)) + \
        pci_fn(1, 3, 0, 0x1af4, 0x1041, bars=bars[1:], caps=modern)
    loop = pci_fn(0, 4, 0, 0x1b36, 0x0001, header=1, bridge=(1, 2)) + \
        pci_fn(1, 0, 0, 0x1b36, 0x0001, header=1, bridge=(1, 1)) + \
        pci_fn(1, 1, 0, 0x1b36, 0x0001, header=1, bridge=(0, 0))
    return {"pc-virtio-bridge": pc, "bridge-loop": loop,
            "one-virtio": pci_fn(0, 5, 0, 0x1af4, 0x1044, bars=bars,
                                 caps=modern)}


# ---- virtqueue -------------------------------------------------------------
# fuzz_virtqueue.c: size exponent, feature byte (bit 0 indirect, bit 1
# event idx, the rest the indirect tables), then operations, each a byte
# (mod 10) and its arguments.
def vq_post(out, inn, length=64):
    n = out + inn
    return bytes([0, n - 1, inn]) + bytes([1, length - 1]) * n


VQ_COMPLETE = bytes([2]) + struct.pack("<I", 0xffffffff)
VQ_GET = bytes([5])
VQ_KICK = bytes([7])


def virtqueue_seeds():
    honest = (vq_post(1, 2) + VQ_KICK + VQ_COMPLETE + VQ_GET) * 20
    batch = vq_post(1, 1) * 8 + VQ_KICK + VQ_COMPLETE * 8 + VQ_GET * 8
    return {
        "honest-8": bytes([3, 0]) + honest,
        "indirect-event-4": bytes([2, 3 | (4 << 2)]) + honest + batch,
        "full-ring-8": bytes([3, 2]) + batch * 3,
        "lying-idx": bytes([3, 0]) + vq_post(1, 1) * 2 +
        bytes([4]) + struct.pack("<H", 9) + VQ_GET,
        "lying-id": bytes([3, 0]) + vq_post(1, 1) +
        bytes([3, 1, 7, 1, 0]) + VQ_GET,
    }


# ---- httpd requests and site archives (apps/httpd) -------------------------
def http_parse_seeds():
    host = b"Host: 127.0.0.1:8080\r\n"
    return {
        "curl": b"GET / HTTP/1.1\r\n" + host +
        b"User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n",
        "head-10": b"HEAD /index.html HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "conditional": b"GET /a/ HTTP/1.1\r\n" + host +
        b"If-None-Match: W/\"1\", \"6955b900-12\"\r\n"
        b"If-Modified-Since: Thu, 01 Jan 2026 00:00:00 GMT\r\n\r\n",
        "range": b"GET /index.html HTTP/1.1\r\n" + host +
        b"Range: bytes=2-5\r\nIf-Range: \"6955b900-12\"\r\n\r\n",
        "pipelined": (b"GET /a HTTP/1.1\r\n" + host + b"\r\n") * 3,
        "chunked": b"GET / HTTP/1.1\r\n" + host +
        b"Transfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: 1\r\n\r\n",
        "length": b"GET / HTTP/1.1\r\n" + host + b"Content-Length: 3\r\n\r\nabc",
        "post": b"POST /form HTTP/1.1\r\n" + host + b"\r\n",
        "encoded": b"GET /%2e%2e/a%20b?q=%00 HTTP/1.1\r\n" + host + b"\r\n",
    }


def tar_seeds():
    import io
    import tarfile

    def pack(entries):
        out = io.BytesIO()
        with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as t:
            for name, data in entries:
                info = tarfile.TarInfo(name)
                info.mtime = 1767225600
                if data is None:
                    info.type = tarfile.DIRTYPE
                    t.addfile(info)
                else:
                    info.size = len(data)
                    t.addfile(info, io.BytesIO(data))
        return out.getvalue()

    site = [("./", None), ("./index.html", b"<html>hi</html>\n"),
            ("./css/", None), ("./css/a.css", b"p { }\n"),
            ("./docs/notes.txt", b"notes\n" * 100)]
    return {"site": pack(site), "one": pack([("a", b"x" * 513)]),
            "empty": b"\0" * 1024}


# ---- kv: RESP streams and snapshot disks -----------------------------------
def resp(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def kv_resp_seeds():
    # first byte: the read size fuzz_kv_resp.c cuts the stream into
    return {
        "set-get": b"\x07" + resp(b"SET", b"k", b"v", b"EX", b"10") +
        resp(b"GET", b"k") + resp(b"INCR", b"n") + resp(b"MGET", b"k", b"n"),
        "inline": b"\x03PING\r\nSET a \"x\\x41\\n\" 'b\\'c'\r\nTTL a\r\n",
        "mset-expire": b"\x20" + resp(b"MSET", b"a", b"1", b"b", b"2") +
        resp(b"EXPIRE", b"a", b"-1") + resp(b"DBSIZE") + resp(b"FLUSHALL"),
        "errors": b"\x01" + resp(b"NOSUCH", b"x\r\ny") + resp(b"GET") +
        b"*1\r\n$-1\r\n",
        "config": b"\x10" + resp(b"CONFIG", b"GET", b"save") +
        resp(b"COMMAND", b"DOCS") + resp(b"INFO") + resp(b"QUIT"),
    }


def crc32c(data, crc=0):
    crc ^= 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82f63b78 if crc & 1 else 0)
    return crc ^ 0xffffffff


def kv_header(generation, off, body, keys):
    h = bytearray(512)
    struct.pack_into("<8sIIQQQQIIq", h, 0, b"TERNKV\0\1", 1, 0, generation,
                     off, len(body), keys, crc32c(body), 0, 0)
    struct.pack_into("<I", h, 12, crc32c(bytes(h[:64])))
    return bytes(h)


def kv_body(pairs):
    return b"".join(struct.pack("<IIq", len(k), len(v), e) + k + v
                    for k, v, e in pairs)


def kv_snapshot_seeds():
    one = kv_body([(b"k", b"v", 0), (b"", b"", 0), (b"t", b"x" * 40, 10**12)])
    two = kv_body([(b"a", b"1", 0)])
    both = bytearray(1024 + len(one) + 512 + len(two))
    both[0:512] = kv_header(1, 1024, one, 3)
    off2 = (1024 + len(one) + 511) // 512 * 512
    both[512:1024] = kv_header(2, off2, two, 1)
    both[1024:1024 + len(one)] = one
    both[off2:off2 + len(two)] = two
    return {
        "one-slot": kv_header(1, 1024, one, 3) + bytes(512) + one,
        "two-slots": bytes(both),
        "empty": bytes(1024),
    }


SEEDS = {"start_info": start_info_seeds, "acpi": acpi_seeds,
         "e820": e820_seeds, "cmdline": cmdline_seeds, "elf": elf_seeds,
         "mmio_dsdt": mmio_dsdt_seeds, "pci": pci_seeds,
         "virtqueue": virtqueue_seeds, "netparam": netparam_seeds,
         "lwip_frames": lwip_seeds.lwip_frames_seeds,
         "http_parse": http_parse_seeds, "tar": tar_seeds,
         "kv_resp": kv_resp_seeds, "kv_snapshot": kv_snapshot_seeds,
         "xs_reply": xs_reply_seeds}


def main(outdir, targets):
    for target in targets or SEEDS:
        folder = os.path.join(outdir, target)
        os.makedirs(folder, exist_ok=True)
        for name, data in SEEDS[target]().items():
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
