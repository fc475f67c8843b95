/* First-fit page-frame allocator on a sorted table of free ranges. */
#include <tern/page_alloc.h>

void page_alloc_init(struct page_allocator *pa, const struct mem_range *ram,
                     unsigned n)
{
    pa->free = pa->first_free;
    pa->capacity = PAGE_ALLOC_MAX_RANGES;
    pa->free_table = 0;
    pa->table_at = 0;
    pa->nfree = pa->nmanaged = 0;
    pa->total_pages = pa->free_pages = pa->leaked_pages = 0;
    for (unsigned i = 0; i < n && pa->nfree < PAGE_ALLOC_MAX_RANGES; i++) {
        struct mem_range r = ram[i];

        if (r.start == 0)
            r.start = PAGE_SIZE; /* keep 0 meaning "no page" */
        if (r.start >= r.end)
            continue;
        pa->free[pa->nfree++] = r;
        pa->managed[pa->nmanaged++] = r;
        pa->total_pages += (r.end - r.start) / PAGE_SIZE;
    }
    pa->free_pages = pa->total_pages;
}

static void drop_range(struct page_allocator *pa, unsigned i)
{
    for (unsigned j = i + 1; j < pa->nfree; j++)
        pa->free[j - 1] = pa->free[j];
    pa->nfree--;
}

uint64_t page_alloc_below(struct page_allocator *pa, uint64_t npages,
                          uint64_t limit)
{
    uint64_t bytes = npages * PAGE_SIZE;

    if (npages == 0 || bytes / PAGE_SIZE != npages)
        return 0;
    for (unsigned i = 0; i < pa->nfree; i++) {
        struct mem_range *r = &pa->free[i];
        uint64_t at = r->start;

        if (r->end - r->start < bytes || at + bytes > limit)
            continue;
        r->start += bytes;
        if (r->start == r->end)
            drop_range(pa, i);
        pa->free_pages -= npages;
        return at;
    }
    return 0;
}

/* Every page of [start, end) lies in the managed ranges.  A run may span
 * two adjacent ones: frees merge free ranges across their boundary. */
static int is_managed(const struct page_allocator *pa, uint64_t start,
                      uint64_t end)
{
    unsigned i = 0;

    while (start < end && i < pa->nmanaged) {
        for (i = 0; i < pa->nmanaged; i++) {
            const struct mem_range *m = &pa->managed[i];

            if (m->start <= start && start < m->end) {
                start = m->end;
                break;
            }
        }
    }
    return start >= end;
}

static uint64_t table_pages(unsigned capacity)
{
    return ((uint64_t)capacity * sizeof(struct mem_range) + PAGE_SIZE - 1) /
           PAGE_SIZE;
}

/* Move the free table into pages of its own, twice as large; the old
 * pages (if it had any) are freed into the new table.  -1 when there is
 * no hook or no room. */
static int grow_table(struct page_allocator *pa)
{
    unsigned capacity = pa->capacity * 2;
    uint64_t old = pa->free_table, old_pages = table_pages(pa->capacity);
    uint64_t at;
    struct mem_range *t;

    if (!pa->table_at || capacity < pa->capacity ||
        !(at = page_alloc_below(pa, table_pages(capacity), UINT64_MAX)))
        return -1;
    if (!(t = pa->table_at(at, table_pages(capacity) * PAGE_SIZE))) {
        page_free(pa, at, table_pages(capacity)); /* room: it was taken */
        return -1;
    }
    for (unsigned i = 0; i < pa->nfree; i++) /* after the allocation */
        t[i] = pa->free[i];
    pa->free = t;
    pa->capacity = capacity;
    pa->free_table = at;
    if (old)
        page_free(pa, old, old_pages);
    return 0;
}

int page_free(struct page_allocator *pa, uint64_t paddr, uint64_t npages)
{
    uint64_t end = paddr + npages * PAGE_SIZE;
    unsigned i = 0;

    if (paddr == 0 || paddr % PAGE_SIZE || npages == 0 || end <= paddr ||
        (end - paddr) / PAGE_SIZE != npages)
        return PAGE_FREE_BAD_RUN;
    if (!is_managed(pa, paddr, end))
        return PAGE_FREE_UNMANAGED;
    while (i < pa->nfree && pa->free[i].end <= paddr)
        i++;
    if (i < pa->nfree && pa->free[i].start < end)
        return PAGE_FREE_FREE;
    pa->free_pages += npages;
    if (i > 0 && pa->free[i - 1].end == paddr) {
        pa->free[i - 1].end = end;
        if (i < pa->nfree && pa->free[i].start == end) {
            pa->free[i - 1].end = pa->free[i].end;
            drop_range(pa, i);
        }
        return 0;
    }
    if (i < pa->nfree && pa->free[i].start == end) {
        pa->free[i].start = paddr;
        return 0;
    }
    if (pa->nfree == pa->capacity) {
        pa->free_pages -= npages;
        if (grow_table(pa) == 0) /* the table moved: look again */
            return page_free(pa, paddr, npages);
        pa->leaked_pages += npages;
        return 0;
    }
    for (unsigned j = pa->nfree; j > i; j--)
        pa->free[j] = pa->free[j - 1];
    pa->free[i] = (struct mem_range){paddr, end};
    pa->nfree++;
    return 0;
}

const char *page_free_error_str(int error)
{
    switch (error) {
    case PAGE_FREE_BAD_RUN:
        return "not a run of whole pages";
    case PAGE_FREE_UNMANAGED:
        return "never allocated (not RAM the page allocator manages)";
    case PAGE_FREE_FREE:
        return "free already (a double free)";
    }
    return "unknown error";
}
