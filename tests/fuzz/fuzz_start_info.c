/*
 * libFuzzer target: random and mutated start_info images through the whole
 * pure boot path (parser, reserved ranges, sanitiser, page allocator).
 * The input is laid into a fake 2 MiB physical memory twice: at the
 * start_info address and at 1 MiB, so pointers in it can land on data it
 * controls.  Any ASan/UBSan report or broken invariant is a crash: usable
 * RAM must be RAM of the input map and clear of everything else, and the
 * page allocator must hand out only usable pages.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tern/exit.h>
#include <tern/page_alloc.h>
#include <tern/pvh.h>
#include <xen/arch-x86/hvm/start_info.h>

#define MEM (2u << 20)
#define SI_ADDR 0x1000
#define IMAGE_START 0x1c0000
#define IMAGE_END 0x1d0000

static uint8_t mem[MEM];
static struct boot_info bi;
static struct page_allocator pa;

/* A broken invariant: say which, then crash for libFuzzer. */
#define check(ok)                                                         \
    do {                                                                  \
        if (!(ok)) {                                                      \
            fprintf(stderr, "fuzz_start_info.c:%d: %s\n", __LINE__, #ok);  \
            abort();                                                      \
        }                                                                 \
    } while (0)

static bool overlaps(const struct mem_range *r, uint64_t addr, uint64_t len)
{
    return len && addr + len >= addr &&
           ranges_overlap(r->start, r->end - r->start, addr, len);
}

/* What the loader's data occupies, worked out here from bi and not from
 * pvh_reserved_ranges(), so a range that function forgets shows up. */
static void check_clear_of_loader_data(const struct mem_range *r)
{
    uint64_t si_len = bi.version >= 1 ? sizeof(struct hvm_start_info) : 48;

    check(!overlaps(r, SI_ADDR, si_len));
    if (bi.memmap_paddr) /* entries read from there */
        check(!overlaps(r, bi.memmap_paddr, (uint64_t)bi.memmap_entries * 24));
    if (bi.cmdline_paddr)
        check(!overlaps(r, bi.cmdline_paddr, strlen(bi.cmdline) + 1));
    check(!overlaps(r, bi.modlist_paddr, (uint64_t)bi.nr_modules * 32));
    for (unsigned i = 0; i < bi.nr_modules; i++) {
        const struct boot_module *m = &bi.modules[i];

        if (!m->present)
            continue;
        check(!overlaps(r, m->paddr, m->size));
        if (m->cmdline_paddr)
            check(!overlaps(r, m->cmdline_paddr, strlen(m->cmdline) + 1));
    }
}

/* Usable RAM: sorted, page-aligned, inside RAM of the input map, clear of
 * every other entry type, the image and the loader's data. */
static void check_usable(const struct mem_range *r, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        check(r[i].start < r[i].end && r[i].start % 4096 == 0 &&
              r[i].end % 4096 == 0);
        check(i == 0 || r[i - 1].end < r[i].start);
        check(memmap_covers(bi.memmap, bi.memmap_count, MEM_TYPE_RAM,
                            r[i].start, r[i].end));
        for (unsigned j = 0; j < bi.memmap_count; j++)
            if (bi.memmap[j].type != MEM_TYPE_RAM)
                check(!overlaps(&r[i], bi.memmap[j].addr, bi.memmap[j].size));
        check(!overlaps(&r[i], IMAGE_START, IMAGE_END - IMAGE_START));
        check_clear_of_loader_data(&r[i]);
    }
}

static bool inside_usable(const struct mem_range *r, unsigned n,
                          uint64_t addr, uint64_t len)
{
    for (unsigned i = 0; i < n; i++)
        if (addr >= r[i].start && len <= r[i].end - addr)
            return true;
    return false;
}

/* The allocator hands out only usable pages, never one twice, and takes
 * back exactly what it gave. */
static void check_allocator(const struct mem_range *r, unsigned n,
                            const uint8_t *data, size_t size)
{
    struct mem_range got[64];
    unsigned ngot = 0;
    uint64_t before;

    page_alloc_init(&pa, r, n);
    before = pa.free_pages;
    for (unsigned i = 0; i < 64; i++) {
        uint64_t npages = 1 + (size ? data[i % size] % 16 : 0);
        uint64_t limit = i % 3 ? UINT64_MAX : 0x100000ull * (1 + i);
        uint64_t p = page_alloc_below(&pa, npages, limit);

        if (!p)
            continue;
        check(p % 4096 == 0 && inside_usable(r, n, p, npages * 4096));
        check(p + npages * 4096 <= limit);
        for (unsigned j = 0; j < ngot; j++)
            check(!overlaps(&got[j], p, npages * 4096));
        got[ngot++] = (struct mem_range){p, p + npages * 4096};
    }
    for (unsigned j = 0; j < ngot; j++)
        check(page_free(&pa, got[j].start,
                        (got[j].end - got[j].start) / 4096) == 0);
    check(pa.free_pages + pa.leaked_pages == before);
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
    check_allocator(usable, n, data, size);
    return 0;
}
