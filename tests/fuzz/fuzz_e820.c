/*
 * libFuzzer target: the E820 decoder (e820_parse) that reads QEMU's
 * fw_cfg "etc/e820" and Xen's XENMEM_memory_map, then the path the kernel
 * takes with its result (the image must be RAM, then memmap_sanitise with
 * the image reserved).  The input is the raw 20-byte records.  Any
 * ASan/UBSan report or broken invariant is a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tern/boot_info.h>
#include <tern/memmap.h>

#define IMAGE_START 0x100000ull
#define IMAGE_END 0x180000ull
#define CAP (BOOT_MAX_MEMMAP - 1) /* as boot/pvh_boot.c: one for the hole */

#define check(ok)                                                         \
    do {                                                                  \
        if (!(ok)) {                                                      \
            fprintf(stderr, "fuzz_e820.c:%d: %s\n", __LINE__, #ok);       \
            abort();                                                      \
        }                                                                 \
    } while (0)

/* Little-endian, byte by byte: a second reading to compare with. */
static uint64_t le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    while (n--)
        v = v << 8 | p[n];
    return v;
}

static void check_decoded(const uint8_t *data, size_t size,
                          const struct mem_region *map, int n)
{
    if (size % 20 || size / 20 > CAP) {
        check(n == -1);
        return;
    }
    check(n == (int)(size / 20));
    for (int i = 0; i < n; i++) {
        const uint8_t *p = data + 20 * i;

        check(map[i].addr == le(p, 8) && map[i].size == le(p + 8, 8) &&
              map[i].type == (uint32_t)le(p + 16, 4));
    }
}

static int overlaps(const struct mem_range *r, uint64_t a, uint64_t len)
{
    return len && a + len >= a &&
           ranges_overlap(r->start, r->end - r->start, a, len);
}

/* Usable RAM: sorted, disjoint, page-aligned, RAM of the map and clear of
 * every other type and of the image. */
static void check_usable(const struct mem_region *map, unsigned n,
                         const struct mem_range *r, unsigned nr)
{
    for (unsigned i = 0; i < nr; i++) {
        check(r[i].start < r[i].end && r[i].start % PAGE_SIZE == 0 &&
              r[i].end % PAGE_SIZE == 0);
        check(i == 0 || r[i - 1].end < r[i].start);
        check(memmap_covers(map, n, MEM_TYPE_RAM, r[i].start, r[i].end));
        check(!overlaps(&r[i], IMAGE_START, IMAGE_END - IMAGE_START));
        for (unsigned j = 0; j < n; j++)
            if (map[j].type != MEM_TYPE_RAM)
                check(!overlaps(&r[i], map[j].addr, map[j].size));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mem_region map[BOOT_MAX_MEMMAP];
    static struct mem_range usable[2 * BOOT_MAX_MEMMAP];
    const struct mem_range image = {IMAGE_START, IMAGE_END};
    struct memmap_report rep;
    unsigned nusable, bad;
    enum memmap_status st;
    int n;

    if (size > 4 * 20 * BOOT_MAX_MEMMAP)
        return 0;
    n = e820_parse(data, (unsigned)size, map, CAP);
    check_decoded(data, size, map, n);
    if (n <= 0)
        return 0;
    check(memmap_same(map, (unsigned)n, map, (unsigned)n));
    if (!memmap_covers(map, (unsigned)n, MEM_TYPE_RAM, IMAGE_START,
                       IMAGE_END))
        return 0; /* the kernel stops here: "image is not in RAM" */
    st = memmap_sanitise(map, (unsigned)n, &image, 1, usable,
                         2 * BOOT_MAX_MEMMAP, &nusable, &rep, &bad);
    if (st == MEMMAP_WRAPS) {
        check(bad < (unsigned)n && map[bad].addr + map[bad].size <
                                       map[bad].addr);
        return 0;
    }
    if (st != MEMMAP_OK)
        return 0;
    check(nusable > 0);
    check_usable(map, (unsigned)n, usable, nusable);
    return 0;
}
