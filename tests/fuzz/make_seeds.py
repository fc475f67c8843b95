#!/usr/bin/python3
"""Write well-formed start_info images for the fuzzer to mutate from.
Layout matches fuzz_start_info.c: the input lands at physical 0x1000 (and
again at 0x100000)."""
import os
import struct
import sys

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


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    ram = [(0, 0x9fc00, 1), (0xf0000, 0x10000, 2), (0x100000, 0x100000, 1)]
    seeds = {
        "v1-map-cmdline-2mods": image(1, "tern.loglevel=4 -- a b",
                                      [(0x100000, 0x800, "m0"),
                                       (0x101000, 0x10, "m1")], ram),
        "v1-unsorted": image(1, "x", [], list(reversed(ram))),
        "v0": image(0, "-- x", [(0x100000, 0x100, "")], []),
        "v2-nocmd": image(2, None, [], ram),
    }
    for name, data in seeds.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1])
