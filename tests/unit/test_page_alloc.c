/* Page allocator: first fit, limits, frees that merge, double frees, and a
 * random stress run checked against a bitmap model. */
#include <stdlib.h>
#include <string.h>
#include <tern/page_alloc.h>
#include "test.h"

static struct page_allocator pa;

TEST(page_alloc_hands_out_lowest_pages_first_and_never_page_0)
{
    struct mem_range ram[] = {{0, 0x3000}, {0x100000, 0x200000}};

    page_alloc_init(&pa, ram, 2);
    CHECK(pa.total_pages == 2 + 256);
    CHECK(page_alloc_below(&pa, 1, UINT64_MAX) == 0x1000);
    CHECK(page_alloc_below(&pa, 2, UINT64_MAX) == 0x100000);
    CHECK(page_alloc_below(&pa, 1, UINT64_MAX) == 0x2000);
    CHECK(pa.free_pages == 258 - 4);
}

TEST(page_alloc_respects_the_limit_and_runs_out_cleanly)
{
    struct mem_range ram[] = {{0x100000, 0x102000}, {0x200000, 0x300000}};

    page_alloc_init(&pa, ram, 2);
    CHECK(page_alloc_below(&pa, 3, 0x200000) == 0);
    CHECK(page_alloc_below(&pa, 3, UINT64_MAX) == 0x200000);
    CHECK(page_alloc_below(&pa, 1000, UINT64_MAX) == 0);
    CHECK(page_alloc_below(&pa, 0, UINT64_MAX) == 0);
    CHECK(page_alloc_below(&pa, UINT64_MAX / 2, UINT64_MAX) == 0);
}

TEST(page_free_merges_and_rejects_double_or_bad_frees)
{
    struct mem_range ram[] = {{0x100000, 0x104000}};
    uint64_t a, b, c;

    page_alloc_init(&pa, ram, 1);
    a = page_alloc_below(&pa, 1, UINT64_MAX);
    b = page_alloc_below(&pa, 1, UINT64_MAX);
    c = page_alloc_below(&pa, 2, UINT64_MAX);
    CHECK(pa.nfree == 0 && pa.free_pages == 0);
    CHECK(page_free(&pa, b, 1) == 0);
    CHECK(page_free(&pa, b, 1) == PAGE_FREE_FREE);
    CHECK(page_free(&pa, a + 1, 1) == -1);  /* misaligned */
    CHECK(page_free(&pa, 0, 1) == -1);
    CHECK(page_free(&pa, a, 2) == PAGE_FREE_FREE); /* b is free */
    CHECK(page_free(&pa, a, 1) == 0);
    CHECK(page_free(&pa, c, 2) == 0);
    CHECK(pa.nfree == 1 && pa.free[0].start == 0x100000 &&
          pa.free[0].end == 0x104000 && pa.free_pages == 4);
    CHECK(page_free(&pa, UINT64_MAX & ~0xfffull, 2) == -1); /* wraps */
}

TEST(page_free_refuses_pages_never_allocated_and_says_why)
{
    struct mem_range ram[] = {{0x100000, 0x104000}, {0x200000, 0x202000}};
    uint64_t a;

    page_alloc_init(&pa, ram, 2);
    a = page_alloc_below(&pa, 4, UINT64_MAX);
    CHECK(a == 0x100000);
    /* Outside RAM, in the gap, straddling RAM's end, below RAM. */
    CHECK(page_free(&pa, 0x300000, 1) == PAGE_FREE_UNMANAGED);
    CHECK(page_free(&pa, 0x104000, 1) == PAGE_FREE_UNMANAGED);
    CHECK(page_free(&pa, 0x103000, 2) == PAGE_FREE_UNMANAGED);
    CHECK(page_free(&pa, 0x1000, 1) == PAGE_FREE_UNMANAGED);
    CHECK(pa.free_pages == 2 && pa.nfree == 1);
    CHECK(page_free(&pa, 0x201000, 1) == PAGE_FREE_FREE);
    CHECK(page_free(&pa, a, 4) == 0);
    CHECK(page_free(&pa, a, 1) == PAGE_FREE_FREE);
    CHECK(pa.free_pages == 6);
    CHECK(strstr(page_free_error_str(PAGE_FREE_UNMANAGED), "never allocated"));
    CHECK(strstr(page_free_error_str(PAGE_FREE_FREE), "double free"));
}

TEST(page_free_takes_back_a_run_across_two_adjacent_ranges)
{
    /* Adjacent ranges merge once freed, so a run can span both. */
    struct mem_range ram[] = {{0x100000, 0x102000}, {0x102000, 0x104000}};
    uint64_t a;

    page_alloc_init(&pa, ram, 2);
    CHECK(page_alloc_below(&pa, 2, UINT64_MAX) == 0x100000);
    CHECK(page_free(&pa, 0x100000, 2) == 0);
    CHECK(pa.nfree == 1 && pa.free[0].end == 0x104000);
    a = page_alloc_below(&pa, 4, UINT64_MAX);
    CHECK(a == 0x100000);
    CHECK(page_free(&pa, a, 4) == 0);
}

TEST(page_alloc_random_stress_matches_a_model)
{
    enum { PAGES = 512 };
    struct mem_range ram[] = {{0x100000, 0x100000 + PAGES * 4096}};
    static uint8_t used[PAGES];
    uint64_t held[256][2];
    int nheld = 0;

    srand(11);
    memset(used, 0, sizeof(used));
    page_alloc_init(&pa, ram, 1);
    for (int step = 0; step < 20000; step++) {
        if (nheld < 256 && rand() % 2) {
            uint64_t np = 1 + rand() % 8, a = page_alloc_below(&pa, np, UINT64_MAX);

            if (!a)
                continue;
            for (uint64_t i = 0; i < np; i++) {
                unsigned idx = (unsigned)((a - 0x100000) / 4096 + i);
                CHECK(idx < PAGES && !used[idx]);
                used[idx] = 1;
            }
            held[nheld][0] = a;
            held[nheld++][1] = np;
        } else if (nheld) {
            int k = rand() % nheld;

            CHECK(page_free(&pa, held[k][0], held[k][1]) == 0);
            for (uint64_t i = 0; i < held[k][1]; i++)
                used[(held[k][0] - 0x100000) / 4096 + i] = 0;
            held[k][0] = held[--nheld][0];
            held[k][1] = held[nheld][1];
        }
    }
    {
        uint64_t in_use = 0;

        for (int i = 0; i < PAGES; i++)
            in_use += used[i];
        CHECK(pa.free_pages + in_use == PAGES);
    }
}

/* More free ranges than the first table holds: without a hook the extra
 * frees are dropped (and counted); with one the table moves into pages
 * of its own and every page comes back. */
static void *host_tables[16]; /* kept: the allocator drops old ones */
static unsigned nhost_tables;

static void *host_table_at(uint64_t paddr, uint64_t bytes)
{
    (void)paddr;
    if (nhost_tables == 16)
        return NULL;
    /* the host has no such page: any memory stands in for it */
    return host_tables[nhost_tables++] = calloc(1, bytes);
}

static uint64_t fragment_and_free(int hook)
{
    struct mem_range ram[] = {{0x100000, 0x100000 + 4096 * PAGE_SIZE}};
    static uint64_t page[2000];

    page_alloc_init(&pa, ram, 1);
    if (hook)
        pa.table_at = host_table_at;
    for (int i = 0; i < 2000; i++)
        page[i] = page_alloc_below(&pa, 1, UINT64_MAX);
    for (int i = 0; i < 2000; i += 2) /* 1,000 holes */
        page_free(&pa, page[i], 1);
    for (int i = 1; i < 2000; i += 2)
        page_free(&pa, page[i], 1);
    return pa.leaked_pages;
}

TEST(page_free_past_the_first_table_grows_it_with_a_hook)
{
    CHECK(fragment_and_free(0) > 0);
    CHECK(fragment_and_free(1) == 0);
    CHECK(pa.capacity >= 1000 && pa.free_table != 0);
    CHECK(pa.free_pages + (pa.capacity * sizeof(struct mem_range) +
                           PAGE_SIZE - 1) / PAGE_SIZE == 4096);
    CHECK(pa.nfree == 2); /* the table's own pages split the range */
}
