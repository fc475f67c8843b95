/* Kernel side of memory: one sanitised map, one page allocator. */
#include <string.h>
#include <tern/config.h>
#include <tern/exit.h>
#include <tern/log.h>
#include <tern/arch.h>
#include <tern/mm.h>

#define USABLE_MAX (2 * BOOT_MAX_MEMMAP)
#define FOUR_GIB (4ull << 30)
#define TWO_MIB (2ull << 20)

static struct mem_range usable[USABLE_MAX];
static unsigned nusable;
static struct page_allocator pages;
/* What the loader's pieces and the image occupy: RAM, but not usable. */
static const struct mem_range *kept;
static unsigned nkept;
/* The loader's map, and mm_free_frames' next candidate above RAM. */
static const struct mem_region *map;
static unsigned nmap;
static uint64_t frames_next;

/* The page allocator's table, when it outgrows its first one, lives in
 * pages it allocated: physical is virtual. */
static void *identity(uint64_t paddr, uint64_t bytes)
{
    (void)bytes;
    return (void *)(uintptr_t)paddr;
}

static void report_repairs(const struct memmap_report *rep)
{
    if (rep->empty)
        pr_info("memmap: %u zero-size entries skipped", rep->empty);
    if (rep->unsorted || rep->overlaps)
        pr_warn("memmap: %u unsorted and %u overlapping entries repaired",
                rep->unsorted, rep->overlaps);
}

/* Drop usable RAM below floor (in place); returns the new count. */
static unsigned drop_below(struct mem_range *r, unsigned n, uint64_t floor)
{
    unsigned left = 0;

    for (unsigned i = 0; i < n; i++) {
        if (r[i].end <= floor)
            continue;
        r[left] = r[i];
        if (r[left].start < floor)
            r[left].start = floor;
        left++;
    }
    return left;
}

#ifdef CONFIG_KEEP_RAM_BELOW_IMAGE
static const bool keep_ram_below_image = true;
#else
static const bool keep_ram_below_image = false;
#endif

void mm_check_image(const struct boot_info *bi)
{
    if (!memmap_covers(bi->memmap, bi->memmap_count, MEM_TYPE_RAM,
                       bi->image_start, bi->image_end))
        tern_fatal(TERN_EXIT_NO_RAM,
                   "memmap: kernel image 0x%llx-0x%llx is not in RAM",
                   (unsigned long long)bi->image_start,
                   (unsigned long long)bi->image_end);
}

/* What the sanitiser keeps out of usable RAM: the loader's pieces, and
 * the ranges the CPU's platform never has RAM in (arch_never_ram: the
 * interrupt controllers' registers), whatever a map says. */
static unsigned keep_out(const struct boot_info *bi, struct mem_range *out,
                         unsigned cap)
{
    unsigned n = 0, nwin;
    const struct mem_range *win = arch_never_ram(&nwin);

    for (unsigned i = 0; i < bi->reserved_count && n < cap; i++)
        out[n++] = bi->reserved[i];
    for (unsigned i = 0; i < nwin && n < cap; i++) {
        if (memmap_has_ram(bi->memmap, bi->memmap_count, win[i].start,
                           win[i].end))
            pr_warn("memmap: RAM at 0x%llx-0x%llx, where the interrupt "
                    "controllers' registers are, left out",
                    (unsigned long long)win[i].start,
                    (unsigned long long)win[i].end);
        out[n++] = win[i];
    }
    return n;
}

void mm_init(const struct boot_info *bi)
{
    struct mem_range out[sizeof(bi->reserved) / sizeof(bi->reserved[0]) + 4];
    struct memmap_report rep;
    unsigned bad = 0, nout;
    enum memmap_status st;

    mm_check_image(bi);
    nout = keep_out(bi, out, sizeof(out) / sizeof(out[0]));
    st = memmap_sanitise(bi->memmap, bi->memmap_count, out, nout, usable,
                         USABLE_MAX, &nusable, &rep, &bad);
    if (st == MEMMAP_WRAPS)
        tern_fatal(TERN_EXIT_BAD_MEMMAP, "memmap: entry %u wraps past 2^64",
                   bad);
    if (st == MEMMAP_TOO_MANY)
        tern_fatal(TERN_EXIT_BAD_MEMMAP,
                   "memmap: more than %u usable ranges", USABLE_MAX);
    if (st == MEMMAP_NO_RAM)
        tern_fatal(TERN_EXIT_NO_RAM, "memmap: no usable RAM in %u entries",
                   bi->memmap_count);
    report_repairs(&rep);
    if (keep_ram_below_image) {
        nusable = drop_below(usable, nusable, bi->image_start);
        if (!nusable)
            tern_fatal(TERN_EXIT_NO_RAM, "memmap: no usable RAM above the "
                       "image at 0x%llx (CONFIG_KEEP_RAM_BELOW_IMAGE)",
                       (unsigned long long)bi->image_start);
        pr_info("memmap: RAM below the image (0x%llx) left for a payload",
                (unsigned long long)bi->image_start);
    }
    page_alloc_init(&pages, usable, nusable);
    pages.table_at = identity; /* RAM is mapped by now */
    kept = bi->reserved;
    nkept = bi->reserved_count;
    map = bi->memmap;
    nmap = bi->memmap_count;
    frames_next = memmap_ram_top(map, nmap);
}

uint64_t mm_free_frames(uint64_t npages)
{
    uint64_t limit = 1ull << paging_phys_bits(), base;

    if (!npages || npages > (limit >> 12))
        return 0;
    base = memmap_find_hole(map, nmap,
                            frames_next < FOUR_GIB ? FOUR_GIB : frames_next,
                            npages * PAGE_SIZE, TWO_MIB, limit);
    if (base)
        frames_next = base + npages * PAGE_SIZE;
    return base;
}

static const struct mem_range *overlap(const struct mem_range *r, unsigned n,
                                       uint64_t start, uint64_t end)
{
    for (unsigned i = 0; i < n; i++)
        if (ranges_overlap(start, end - start, r[i].start,
                           r[i].end - r[i].start))
            return &r[i];
    return 0;
}

const struct mem_range *mm_ram_in_use(uint64_t start, uint64_t end)
{
    const struct mem_range *r = overlap(usable, nusable, start, end);

    return r ? r : overlap(kept, nkept, start, end);
}

const struct mem_range *mm_usable(unsigned *n)
{
    *n = nusable;
    return usable;
}

uint64_t page_alloc(uint64_t npages)
{
    return page_alloc_below(&pages, npages, UINT64_MAX);
}

uint64_t page_alloc_low(uint64_t npages, uint64_t limit)
{
    return page_alloc_below(&pages, npages, limit);
}

const struct page_allocator *mm_pages(void)
{
    return &pages;
}

void page_free_run(uint64_t paddr, uint64_t npages)
{
    int error = page_free(&pages, paddr, npages);

    /* Going on would hand the same page out twice, or hand out memory
     * that is not RAM: stop while the culprit is known. */
    if (error)
        tern_fatal(TERN_EXIT_PANIC, "page_free: 0x%llx (%llu page(s)): %s",
                   (unsigned long long)paddr, (unsigned long long)npages,
                   page_free_error_str(error));
}
