/*
 * libFuzzer target: random and mutated start_info images through the whole
 * pure boot path (parser, reserved ranges, sanitiser, page allocator).
 * The input is laid into a fake 2 MiB physical memory twice: at the
 * start_info address and at 1 MiB, so pointers in it can land on data it
 * controls.  Any ASan/UBSan report or broken invariant is a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tern/exit.h>
#include <tern/page_alloc.h>
#include <tern/pvh.h>

#define MEM (2u << 20)
#define SI_ADDR 0x1000
#define IMAGE_START 0x1c0000
#define IMAGE_END 0x1d0000

static uint8_t mem[MEM];
static struct boot_info bi;
static struct page_allocator pa;

static void check(int ok)
{
    if (!ok)
        abort();
}

static void check_usable(const struct mem_range *r, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        check(r[i].start < r[i].end && r[i].start % 4096 == 0);
        check(i == 0 || r[i - 1].end < r[i].start);
        check(r[i].end <= IMAGE_START || r[i].start >= IMAGE_END);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct phys_window w = {0, MEM, (uintptr_t)mem};
    struct pvh_error err;
    struct mem_range usable[256];
    struct memmap_report rep;
    unsigned n, bad;

    memset(mem, 0, MEM);
    memcpy(mem + SI_ADDR, data, size < 0x10000 ? size : 0x10000);
    memcpy(mem + 0x100000, data, size < 0x80000 ? size : 0x80000);
    bi.image_start = IMAGE_START;
    bi.image_end = IMAGE_END;
    if (pvh_read_header(&w, SI_ADDR, &bi, &err)) {
        check(err.status >= TERN_EXIT_BAD_START_INFO && err.msg[0]);
        return 0;
    }
    if (bi.memmap_count == 0) { /* what a fallback source would supply */
        bi.memmap[0] = (struct mem_region){0, MEM, MEM_TYPE_RAM};
        bi.memmap_count = 1;
    }
    if (pvh_copy_payload(&w, &bi, &err)) {
        check(err.status >= TERN_EXIT_BAD_START_INFO && err.msg[0]);
        return 0;
    }
    check(memchr(bi.cmdline, 0, sizeof(bi.cmdline)) != NULL);
    check(bi.nr_modules <= BOOT_MAX_MODULES);
    bi.reserved_count = pvh_reserved_ranges(&bi, bi.reserved, 40);
    if (memmap_sanitise(bi.memmap, bi.memmap_count, bi.reserved,
                        bi.reserved_count, usable, 256, &n, &rep,
                        &bad) != MEMMAP_OK)
        return 0;
    check_usable(usable, n);
    page_alloc_init(&pa, usable, n);
    for (int i = 0; i < 4; i++) {
        uint64_t p = page_alloc_below(&pa, 1 + i, UINT64_MAX);

        if (p)
            check(page_free(&pa, p, 1 + i) == 0);
    }
    return 0;
}
