/* The memory sanitiser and the fw_cfg E820 decoder. */
#include <stdlib.h>
#include <tern/memmap.h>
#include "test.h"

#define CAP 64

static struct mem_range out[CAP];
static unsigned n, bad;
static struct memmap_report rep;

static enum memmap_status run(const struct mem_region *raw, unsigned count,
                              const struct mem_range *res, unsigned nres)
{
    return memmap_sanitise(raw, count, res, nres, out, CAP, &n, &rep, &bad);
}

TEST(memmap_sorted_clean_map_passes_through)
{
    struct mem_region raw[] = {{0, 0x9fc00, 1}, {0x100000, 0x700000, 1}};

    CHECK(run(raw, 2, NULL, 0) == MEMMAP_OK);
    CHECK(n == 2);
    CHECK(out[0].start == 0 && out[0].end == 0x9f000); /* aligned down */
    CHECK(out[1].start == 0x100000 && out[1].end == 0x800000);
    CHECK(rep.unsorted == 0 && rep.overlaps == 0 && rep.empty == 0);
}

TEST(memmap_unsorted_overlapping_map_is_repaired_and_reported)
{
    struct mem_region raw[] = {
        {0x400000, 0x400000, 1}, {0x100000, 0x400000, 1}, {0, 0x1000, 1}};

    CHECK(run(raw, 3, NULL, 0) == MEMMAP_OK);
    CHECK(n == 2 && out[1].start == 0x100000 && out[1].end == 0x800000);
    CHECK(rep.unsorted == 2 && rep.overlaps == 1);
}

TEST(memmap_touching_ram_entries_merge)
{
    struct mem_region raw[] = {{0x100000, 0x1000, 1}, {0x101000, 0x1000, 1}};

    CHECK(run(raw, 2, NULL, 0) == MEMMAP_OK);
    CHECK(n == 1 && out[0].end == 0x102000);
}

TEST(memmap_reserved_type_wins_over_ram)
{
    struct mem_region raw[] = {{0x100000, 0x100000, 1},
                               {0x180000, 0x1000, 2}};

    CHECK(run(raw, 2, NULL, 0) == MEMMAP_OK);
    CHECK(n == 2 && out[0].end == 0x180000 && out[1].start == 0x181000);
    CHECK(rep.overlaps == 1);
}

TEST(memmap_reservations_are_cut_out_and_pages_aligned_inwards)
{
    struct mem_region raw[] = {{0x100000, 0x100000, 1}};
    struct mem_range res[] = {{0x100000, 0x118000}, {0x150010, 0x150020}};

    CHECK(run(raw, 1, res, 2) == MEMMAP_OK);
    CHECK(n == 2);
    CHECK(out[0].start == 0x118000 && out[0].end == 0x150000);
    CHECK(out[1].start == 0x151000 && out[1].end == 0x200000);
}

TEST(memmap_zero_size_entries_are_skipped)
{
    struct mem_region raw[] = {{0x100000, 0x100000, 1}, {0, 0, 0}};

    CHECK(run(raw, 2, NULL, 0) == MEMMAP_OK);
    CHECK(n == 1 && rep.empty == 1 && rep.unsorted == 0);
}

TEST(memmap_wrapping_entry_is_named)
{
    struct mem_region raw[] = {{0x100000, 0x1000, 1},
                               {UINT64_MAX - 10, 0x100, 1}};

    CHECK(run(raw, 2, NULL, 0) == MEMMAP_WRAPS && bad == 1);
}

TEST(memmap_without_ram_fails)
{
    struct mem_region raw[] = {{0x100000, 0x1000, 2}, {0x200000, 0x800, 1}};

    CHECK(run(raw, 2, NULL, 0) == MEMMAP_NO_RAM);
    CHECK(run(raw, 0, NULL, 0) == MEMMAP_NO_RAM);
}

TEST(memmap_too_fragmented_fails_cleanly)
{
    struct mem_region raw[1] = {{0, 0x10000000, 1}};
    struct mem_range res[CAP + 1];

    for (unsigned i = 0; i <= CAP; i++)
        res[i] = (struct mem_range){0x100000 * (i + 1),
                                    0x100000 * (i + 1) + 0x1000};
    CHECK(run(raw, 1, res, CAP + 1) == MEMMAP_TOO_MANY);
}

TEST(memmap_covers_spans_adjacent_entries)
{
    struct mem_region raw[] = {{0x200000, 0x100000, 1},
                               {0x100000, 0x100000, 1},
                               {0x300000, 0x1000, 2}};

    CHECK(memmap_covers(raw, 3, MEM_TYPE_RAM, 0x180000, 0x280000));
    CHECK(!memmap_covers(raw, 3, MEM_TYPE_RAM, 0x180000, 0x300001));
    CHECK(memmap_covers(raw, 3, 0, 0x180000, 0x300800));
    CHECK(!memmap_covers(raw, 3, 0, 0x0, 0x1000));
}

static int ram_at(const struct mem_region *raw, unsigned count, uint64_t a)
{
    int ram = 0;

    for (unsigned i = 0; i < count; i++) {
        if (raw[i].size && a >= raw[i].addr && a - raw[i].addr < raw[i].size) {
            if (raw[i].type != 1)
                return 0;
            ram = 1;
        }
    }
    return ram;
}

TEST(memmap_random_maps_give_sorted_disjoint_ram_only)
{
    srand(7);
    for (int round = 0; round < 3000; round++) {
        struct mem_region raw[12];
        unsigned count = (unsigned)(rand() % 12);

        for (unsigned i = 0; i < count; i++)
            raw[i] = (struct mem_region){(uint64_t)(rand() % 64) << 16,
                                         (uint64_t)(rand() % 16) << 14,
                                         (uint32_t)(rand() % 3)};
        if (run(raw, count, NULL, 0) != MEMMAP_OK)
            continue;
        for (unsigned i = 0; i < n; i++) {
            CHECK(out[i].start < out[i].end);
            CHECK(out[i].start % 4096 == 0 && out[i].end % 4096 == 0);
            CHECK(i == 0 || out[i - 1].end < out[i].start);
            for (uint64_t a = out[i].start; a < out[i].end; a += 4096)
                CHECK(ram_at(raw, count, a) && ram_at(raw, count, a + 4095));
        }
    }
}

TEST(e820_records_decode_little_endian)
{
    uint8_t buf[40] = {0};
    struct mem_region r[4];

    buf[2] = 0x10;              /* addr 0x100000 */
    buf[8 + 3] = 0x01;          /* size 0x1000000 */
    buf[16] = 1;                /* RAM */
    buf[20 + 4] = 0x01;         /* addr 0x100000000 */
    buf[20 + 8 + 4] = 0x01;     /* size 0x100000000 */
    buf[20 + 16] = 2;
    CHECK(e820_parse(buf, 40, r, 4) == 2);
    CHECK(r[0].addr == 0x100000 && r[0].size == 0x1000000 && r[0].type == 1);
    CHECK(r[1].addr == 0x100000000ull && r[1].type == 2);
    CHECK(e820_parse(buf, 39, r, 4) == -1);
    CHECK(e820_parse(buf, 40, r, 1) == -1);
    CHECK(e820_parse(buf, 0, r, 4) == 0);
}

TEST(memmap_same_ignores_order_and_empty_entries)
{
    struct mem_region a[] = {{0, 0x9f000, 1}, {0x100000, 0x100000, 1},
                             {0, 0, 0}};
    struct mem_region b[] = {{0x100000, 0x100000, 1}, {0, 0x9f000, 1}};
    struct mem_region c[] = {{0x100000, 0x100000, 2}, {0, 0x9f000, 1}};

    CHECK(memmap_same(a, 3, b, 2));
    CHECK(!memmap_same(a, 3, c, 2));
    CHECK(!memmap_same(a, 3, b, 1));
    CHECK(memmap_same(a, 0, b, 0));
}

TEST(memmap_has_ram_sees_any_ram_entry_touching_the_range)
{
    struct mem_region map[] = {
        {0, 0x9fc00, MEM_TYPE_RAM},
        {0xfec00000, 0x1000, 2},               /* reserved: not RAM */
        {0xfee00000, 0x1000, MEM_TYPE_RAM},    /* a map lying about it */
        {0xfffffffffffff000ull, 0x2000, MEM_TYPE_RAM}, /* wraps: ignored */
    };

    CHECK(!memmap_has_ram(map, 2, 0xfec00000, 0xfef00000));
    CHECK(memmap_has_ram(map, 3, 0xfec00000, 0xfef00000));
    CHECK(memmap_has_ram(map, 3, 0x9fbff, 0x9fc01));
    CHECK(!memmap_has_ram(map, 3, 0x9fc00, 0xa0000));
    CHECK(!memmap_has_ram(map + 3, 1, 0, 0x1000));
}

TEST(memmap_find_hole_skips_every_entry_and_respects_the_limit)
{
    struct mem_region map[] = {
        {0, 0x9fc00, MEM_TYPE_RAM},
        {0x100000000ull, 0x40000000, MEM_TYPE_RAM},         /* 4-5 GiB */
        {0x140100000ull, 0x1000, 2},                        /* a device */
        {0xfd00000000ull, 0x300000000ull, 2},               /* QEMU's top */
        {0xfffffffffffff000ull, 0x2000, MEM_TYPE_RAM},      /* wraps */
    };
    const uint64_t mib2 = 2 << 20;

    CHECK(memmap_ram_top(map, 5) == 0x140000000ull);
    CHECK(memmap_find_hole(map, 5, 0x140000000ull, 0x4000, mib2,
                           1ull << 40) == 0x140000000ull);
    /* 2 MiB from 5 GiB would touch the device: the next 2 MiB after it */
    CHECK(memmap_find_hole(map, 5, 0x140000000ull, mib2, mib2, 1ull << 40) ==
          0x140200000ull);
    /* nothing between QEMU's reserved top and a 40-bit limit */
    CHECK(memmap_find_hole(map, 5, 0xfd00000000ull, 0x1000, mib2,
                           1ull << 40) == 0);
    CHECK(memmap_find_hole(map, 5, 0x140000000ull, 1ull << 41, mib2,
                           1ull << 40) == 0);
    CHECK(memmap_find_hole(map, 5, UINT64_MAX - 0x1000, 0x1000, mib2,
                           UINT64_MAX) == 0); /* aligning wraps */
}
