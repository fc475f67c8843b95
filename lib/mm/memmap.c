/*
 * The one memory-map sanitiser (after Mini-OS's e820.c): every source of a
 * map (start_info, fw_cfg, later Xen) ends up here.  Pure logic.
 */
#include <stdbool.h>
#include <tern/memmap.h>

const char *mem_type_name(uint32_t type)
{
    static const char *const names[] = {
        "?", "RAM", "reserved", "ACPI", "NVS", "unusable", "disabled", "pmem",
    };

    return type < sizeof(names) / sizeof(names[0]) ? names[type] : "?";
}

static void sort_ranges(struct mem_range *r, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        struct mem_range key = r[i];
        unsigned j = i;

        for (; j > 0 && r[j - 1].start > key.start; j--)
            r[j] = r[j - 1];
        r[j] = key;
    }
}

/* Sorted input: fold overlapping and touching ranges together. */
static unsigned merge_sorted(struct mem_range *r, unsigned n)
{
    unsigned out = 0;

    for (unsigned i = 0; i < n; i++) {
        if (out && r[i].start <= r[out - 1].end) {
            if (r[i].end > r[out - 1].end)
                r[out - 1].end = r[i].end;
        } else {
            r[out++] = r[i];
        }
    }
    return out;
}

unsigned mem_ranges_normalise(struct mem_range *r, unsigned n)
{
    sort_ranges(r, n);
    return merge_sorted(r, n);
}

static void remove_at(struct mem_range *r, unsigned *n, unsigned i)
{
    for (unsigned j = i + 1; j < *n; j++)
        r[j - 1] = r[j];
    (*n)--;
}

/* Take [hole.start, hole.end) out of r[]; a hole in the middle of a range
 * splits it, which needs one free slot. */
static enum memmap_status subtract(struct mem_range *r, unsigned *n,
                                   unsigned cap, struct mem_range hole)
{
    for (unsigned i = 0; i < *n; i++) {
        struct mem_range *x = &r[i];

        if (hole.end <= x->start || hole.start >= x->end)
            continue;
        if (hole.start <= x->start && hole.end >= x->end) {
            remove_at(r, n, i--);
        } else if (hole.start <= x->start) {
            x->start = hole.end;
        } else if (hole.end >= x->end) {
            x->end = hole.start;
        } else {
            if (*n == cap)
                return MEMMAP_TOO_MANY;
            for (unsigned j = *n; j > i + 1; j--)
                r[j] = r[j - 1];
            r[i + 1] = (struct mem_range){hole.end, x->end};
            x->end = hole.start;
            (*n)++;
            i++;
        }
    }
    return MEMMAP_OK;
}

static void align_pages(struct mem_range *r, unsigned *n)
{
    for (unsigned i = 0; i < *n; i++) {
        uint64_t start = (r[i].start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        uint64_t end = r[i].end & ~(PAGE_SIZE - 1);

        if (start < r[i].start || start >= end)
            remove_at(r, n, i--);
        else
            r[i] = (struct mem_range){start, end};
    }
}

static void count_anomalies(const struct mem_region *raw, unsigned n,
                            struct memmap_report *rep)
{
    const struct mem_region *prev = 0;

    for (unsigned i = 0; i < n; i++) {
        if (raw[i].size == 0) {
            rep->empty++;
            continue;
        }
        if (prev && raw[i].addr < prev->addr)
            rep->unsorted++;
        prev = &raw[i];
        for (unsigned j = i + 1; j < n; j++)
            if (raw[j].size && raw[i].addr < raw[j].addr + raw[j].size &&
                raw[j].addr < raw[i].addr + raw[i].size)
                rep->overlaps++;
    }
}

enum memmap_status memmap_sanitise(const struct mem_region *raw, unsigned n,
                                   const struct mem_range *reserved,
                                   unsigned nreserved, struct mem_range *out,
                                   unsigned cap, unsigned *nout,
                                   struct memmap_report *rep,
                                   unsigned *bad_index)
{
    unsigned count = 0;
    enum memmap_status st;

    *rep = (struct memmap_report){0, 0, 0};
    *nout = 0;
    for (unsigned i = 0; i < n; i++) {
        if (raw[i].addr + raw[i].size < raw[i].addr) {
            *bad_index = i;
            return MEMMAP_WRAPS;
        }
    }
    count_anomalies(raw, n, rep);
    for (unsigned i = 0; i < n; i++) {
        if (raw[i].type != MEM_TYPE_RAM || raw[i].size == 0)
            continue;
        if (count == cap)
            return MEMMAP_TOO_MANY;
        out[count++] = (struct mem_range){raw[i].addr,
                                          raw[i].addr + raw[i].size};
    }
    sort_ranges(out, count);
    count = merge_sorted(out, count);
    /* Where RAM and anything else overlap, the other type wins. */
    for (unsigned i = 0; i < n; i++) {
        if (raw[i].type == MEM_TYPE_RAM || raw[i].size == 0)
            continue;
        st = subtract(out, &count, cap,
                      (struct mem_range){raw[i].addr,
                                         raw[i].addr + raw[i].size});
        if (st != MEMMAP_OK)
            return st;
    }
    for (unsigned i = 0; i < nreserved; i++) {
        st = subtract(out, &count, cap, reserved[i]);
        if (st != MEMMAP_OK)
            return st;
    }
    align_pages(out, &count);
    *nout = count;
    return count ? MEMMAP_OK : MEMMAP_NO_RAM;
}

int memmap_covers(const struct mem_region *raw, unsigned n, uint32_t type,
                  uint64_t start, uint64_t end)
{
    uint64_t cur = start;

    while (cur < end) {
        uint64_t next = cur;

        for (unsigned i = 0; i < n; i++) {
            const struct mem_region *r = &raw[i];

            if ((type == 0 || r->type == type) && r->size &&
                cur >= r->addr && cur - r->addr < r->size &&
                r->addr + r->size > next)
                next = r->addr + r->size;
        }
        if (next == cur)
            return 0;
        cur = next;
    }
    return 1;
}

static int region_in(const struct mem_region *r, const struct mem_region *set,
                     unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (set[i].addr == r->addr && set[i].size == r->size &&
            set[i].type == r->type)
            return 1;
    return 0;
}

/* Every non-empty entry of each map appears in the other. */
int memmap_same(const struct mem_region *a, unsigned na,
                const struct mem_region *b, unsigned nb)
{
    for (unsigned i = 0; i < na; i++)
        if (a[i].size && !region_in(&a[i], b, nb))
            return 0;
    for (unsigned i = 0; i < nb; i++)
        if (b[i].size && !region_in(&b[i], a, na))
            return 0;
    return 1;
}

static uint64_t le_bytes(const uint8_t *p, int n)
{
    uint64_t v = 0;

    for (int i = n - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

int e820_parse(const uint8_t *buf, unsigned len, struct mem_region *out,
               unsigned cap)
{
    enum { RECORD = 20 };
    unsigned n = len / RECORD;

    if (len % RECORD || n > cap)
        return -1;
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *p = buf + i * RECORD;

        out[i].addr = le_bytes(p, 8);
        out[i].size = le_bytes(p + 8, 8);
        out[i].type = (uint32_t)le_bytes(p + 16, 4);
    }
    return (int)n;
}

int memmap_has_ram(const struct mem_region *raw, unsigned n, uint64_t start,
                   uint64_t end)
{
    for (unsigned i = 0; i < n; i++)
        if (raw[i].type == MEM_TYPE_RAM && raw[i].size &&
            raw[i].addr + raw[i].size > raw[i].addr && /* no wrap */
            ranges_overlap(raw[i].addr, raw[i].size, start, end - start))
            return 1;
    return 0;
}

uint64_t memmap_ram_top(const struct mem_region *raw, unsigned n)
{
    uint64_t top = 0;

    for (unsigned i = 0; i < n; i++) {
        uint64_t end = raw[i].addr + raw[i].size;

        if (raw[i].type == MEM_TYPE_RAM && raw[i].size && end > raw[i].addr &&
            end > top)
            top = end;
    }
    return top;
}

uint64_t memmap_find_hole(const struct mem_region *raw, unsigned n,
                          uint64_t from, uint64_t size, uint64_t align,
                          uint64_t limit)
{
    uint64_t at = (from + align - 1) & ~(align - 1);
    bool moved = true;

    while (moved) {
        moved = false;
        if (at < from || size > limit || at > limit - size)
            return 0; /* wrapped or no room below the limit */
        for (unsigned i = 0; i < n; i++) {
            uint64_t end = raw[i].addr + raw[i].size;

            if (raw[i].size && end > raw[i].addr &&
                ranges_overlap(at, size, raw[i].addr, raw[i].size)) {
                at = (end + align - 1) & ~(align - 1);
                moved = true;
            }
        }
    }
    return at;
}
