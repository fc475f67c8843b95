/* kmalloc: alignment, usable sizes, reuse, page runs given back, bad and
 * double frees fatal, and a random workload checked for overlaps. */
#include <stdlib.h>
#include <string.h>
#include <tern/kalloc.h>
#include <tern/memmap.h>
#include "host_fatal.h"
#include "host_pages.h"
#include "test.h"

TEST(kmalloc_blocks_are_aligned_and_hold_what_was_asked)
{
    static const size_t sizes[] = {0, 1, 15, 16, 17, 100, 2032, 2033, 4080,
                                   4081, 10000, 1 << 20};

    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        unsigned char *p = kmalloc(sizes[i]);

        CHECK(p && (uintptr_t)p % 16 == 0);
        CHECK(kmalloc_usable(p) >= sizes[i]);
        if (p && sizes[i])
            memset(p, 0x5a, sizes[i]); /* ASan: all of it is ours */
        kfree(p);
    }
}

TEST(kmalloc_aligned_honours_large_alignments_and_refuses_odd_ones)
{
    void *p = kmalloc_aligned(100, 4096), *q = kmalloc_aligned(5000, 65536);

    CHECK(p && (uintptr_t)p % 4096 == 0 && kmalloc_usable(p) >= 100);
    CHECK(q && (uintptr_t)q % 65536 == 0 && kmalloc_usable(q) >= 5000);
    memset(q, 1, 5000);
    CHECK(kmalloc_aligned(8, 24) == NULL && kmalloc_aligned(8, 0) == NULL);
    kfree(p);
    kfree(q);
}

TEST(kmalloc_page_runs_go_back_and_small_blocks_are_reused)
{
    long live = pages_live;
    int given;
    void *big = kmalloc(300000);

    CHECK(big && pages_live > live);
    kfree(big);
    CHECK(pages_live == live); /* a large block's pages are freed */
    kfree(kmalloc(100)); /* the class's first page */
    given = pages_given;
    for (int i = 0; i < 10000; i++)
        kfree(kmalloc(100));
    CHECK(pages_given == given);
}

TEST(kmalloc_stats_follow_allocations)
{
    const struct kalloc_stats *s = kalloc_stats();
    uint64_t before = s->in_use;
    void *p = kmalloc(1000);

    CHECK(s->in_use >= before + 1000 && s->peak >= s->in_use);
    kfree(p);
    CHECK(s->in_use == before);
}

TEST(kfree_of_a_foreign_or_freed_pointer_is_fatal)
{
    static uint64_t not_ours[64] __attribute__((aligned(16)));
    void *p = kmalloc(64);

    kfree(p);
    CHECK(FATAL_EXPECTED(kfree(p)));
    CHECK(strstr(host_fatal_message, "was not allocated by kmalloc") != NULL);
    CHECK(FATAL_EXPECTED(kfree(&not_ours[8])));
    CHECK(FATAL_EXPECTED(kfree((char *)kmalloc(32) + 16)));
    CHECK(FATAL_EXPECTED(kfree((void *)8)));
    CHECK(!FATAL_EXPECTED(kfree(NULL)));
}

TEST(kmalloc_returns_null_when_pages_run_out_or_the_size_is_absurd)
{
    int saved = pages_left;

    CHECK(kmalloc((size_t)-1) == NULL && kmalloc((size_t)1 << 62) == NULL);
    CHECK(kmalloc_aligned(16, (size_t)1 << 40) == NULL);
    pages_left = 0;
    CHECK(kmalloc(1 << 20) == NULL);
    pages_left = saved;
}

/* Random sizes and frees; every live block keeps its own pattern. */
TEST(kmalloc_random_workload_never_overlaps)
{
    enum { N = 400 };
    static unsigned char *blk[N];
    static size_t len[N];
    int bad = 0;

    srand(7);
    for (int step = 0; step < 20000; step++) {
        int i = rand() % N;

        if (blk[i]) {
            for (size_t k = 0; k < len[i]; k += 7)
                bad += blk[i][k] != (unsigned char)i;
            kfree(blk[i]);
            blk[i] = NULL;
        } else {
            len[i] = (size_t)(rand() % 6 == 0 ? rand() % 20000 : rand() % 600);
            blk[i] = kmalloc(len[i]);
            if (blk[i])
                memset(blk[i], i, len[i]);
        }
    }
    for (int i = 0; i < N; i++)
        kfree(blk[i]);
    CHECK(bad == 0);
}

/* Pages taken by count blocks of n bytes aligned to align, each checked
 * for its alignment and filled; all freed again before it returns. */
static long pages_for_aligned(size_t n, size_t align, int count)
{
    static unsigned char *blk[256];
    long live = pages_live, used;
    int bad = 0;

    for (int i = 0; i < count; i++) {
        blk[i] = kmalloc_aligned(n, align);
        bad += !blk[i] || (uintptr_t)blk[i] % align ||
               kmalloc_usable(blk[i]) < n;
        if (blk[i])
            memset(blk[i], i, n); /* ASan: all n bytes are ours */
    }
    for (int i = 0; i < count; i++)
        bad += blk[i] && blk[i][n - 1] != (unsigned char)i;
    used = pages_live - live;
    for (int i = 0; i < count; i++)
        kfree(blk[i]);
    CHECK(bad == 0);
    return bad ? -1 : used;
}

TEST(kmalloc_aligned_small_blocks_come_from_the_size_classes)
{
    long live = pages_live;

    /* 48 bytes at 64: data 64 bytes into a 128-byte object, 31 a page
     * (a page run each would be 100 pages). */
    CHECK(pages_for_aligned(48, 64, 100) <= 4);
    CHECK(pages_for_aligned(16, 32, 100) <= 2);   /* 64-byte class */
    CHECK(pages_for_aligned(100, 256, 60) <= 9);  /* 512-byte class */
    CHECK(pages_for_aligned(500, 512, 24) <= 8);  /* 1024: three a page */
    for (size_t align = 32; align <= 2048; align <<= 1)
        CHECK(pages_for_aligned(8, align, 20) <= 20);
    CHECK(pages_live <= live + 7); /* the classes' kept pages at most */
}

TEST(kmalloc_aligned_page_runs_take_only_the_pages_they_need)
{
    CHECK(pages_for_aligned(2000, 64, 1) == 1);     /* past 2048 with it */
    CHECK(pages_for_aligned(4096, 4096, 1) == 2);   /* header's page + data */
    CHECK(pages_for_aligned(4080, 16, 1) == 1);
    CHECK(pages_for_aligned(100, 8192, 1) <= 3);
}
