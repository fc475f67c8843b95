/* The page-table walker on fake tables: splits keep attributes, MMIO maps
 * anywhere, protection ranges land where asked. */
#include <stdint.h>
#include <string.h>
#include <tern/pagetable.h>
#include "test.h"

#define FAKE_TABLES 64
#define FAKE_BASE 0x7000000ull /* where the fake tables "sit" */
#define TWO_MIB (2ull << 20)
#define GIB (1ull << 30)

static uint64_t tables[FAKE_TABLES][512] __attribute__((aligned(4096)));
static unsigned used, limit;

static uint64_t fake_alloc(void *ctx)
{
    (void)ctx;
    if (used == limit)
        return 0;
    memset(tables[used], 0xaa, sizeof(tables[used])); /* the walker zeroes */
    return FAKE_BASE + 4096ull * used++;
}

static uint64_t *fake_table(void *ctx, uint64_t paddr)
{
    (void)ctx;
    return tables[(paddr - FAKE_BASE) / 4096];
}

/* A PML4 (table 0) and nothing mapped; all attributes supported. */
static struct pagetable fresh(void)
{
    struct pagetable pt = {0, fake_alloc, fake_table, 0, PT_ATTRS};

    used = 0;
    limit = FAKE_TABLES;
    memset(tables, 0, sizeof(tables));
    pt.root = fake_alloc(0);
    memset(tables[0], 0, sizeof(tables[0]));
    return pt;
}

/* What the entry builds: [0, 4 GiB) in 2 MiB pages, present and writable. */
static struct pagetable boot_like(void)
{
    struct pagetable pt = fresh();

    CHECK(pt_map(&pt, 0, 4 * GIB, PT_P | PT_W) == PT_OK);
    return pt;
}

static uint64_t attrs(const struct pagetable *pt, uint64_t addr,
                      uint64_t size)
{
    uint64_t got_size;
    uint64_t a = pt_lookup(pt, addr, &got_size);

    return got_size == size ? a : 0xdead;
}

TEST(pagetable_maps_2m_where_aligned_and_4k_at_the_edges)
{
    struct pagetable pt = fresh();

    CHECK(pt_map(&pt, 0x1ff000, 0x401001, PT_DATA) == PT_OK);
    CHECK(attrs(&pt, 0x1ff000, 4096) == PT_DATA);
    CHECK(attrs(&pt, 0x200000, TWO_MIB) == PT_DATA);
    CHECK(attrs(&pt, 0x3ff000, TWO_MIB) == PT_DATA);
    CHECK(attrs(&pt, 0x401000, 4096) == PT_DATA); /* rounded out */
    CHECK(attrs(&pt, 0x402000, 0) == 0);
    CHECK(attrs(&pt, 0x1fe000, 0) == 0);
}

/* The local APIC's bug: its 2 MiB page uncached, then one 4 KiB change
 * nearby split it into write-back pages. */
TEST(pagetable_split_keeps_each_page_attributes)
{
    struct pagetable pt = boot_like();
    uint64_t lapic = 0xfee00000;

    /* One uncached 4 KiB page, then a change to its neighbour. */
    CHECK(pt_change(&pt, lapic, lapic + 1, PT_PCD | PT_PWT, 0) == PT_OK);
    CHECK(attrs(&pt, lapic, 4096) == (PT_P | PT_W | PT_PCD | PT_PWT));
    CHECK(pt_change(&pt, lapic + 0x1000, lapic + 0x2000, 0, PT_P) == PT_OK);
    CHECK(attrs(&pt, lapic, 4096) == (PT_P | PT_W | PT_PCD | PT_PWT));
    CHECK(attrs(&pt, lapic + 0x1000, 4096) == PT_W);
    CHECK(attrs(&pt, lapic + 0x2000, 4096) == (PT_P | PT_W));
    /* A 2 MiB page uncached as a whole, then split by a small change. */
    CHECK(pt_change(&pt, 0xfec00000, 0xfee00000, PT_PCD, 0) == PT_OK);
    CHECK(attrs(&pt, 0xfec00000, TWO_MIB) == (PT_P | PT_W | PT_PCD));
    CHECK(pt_change(&pt, 0xfec10000, 0xfec11000, 0, PT_W) == PT_OK);
    CHECK(attrs(&pt, 0xfec00000, 4096) == (PT_P | PT_W | PT_PCD));
    CHECK(attrs(&pt, 0xfec10000, 4096) == (PT_P | PT_PCD));
    CHECK(attrs(&pt, 0xfedff000, 4096) == (PT_P | PT_W | PT_PCD));
}

static uint64_t *below(uint64_t e)
{
    return fake_table(0, e & 0x000ffffffffff000ull);
}

TEST(pagetable_split_moves_the_pat_bit_and_keeps_addresses)
{
    struct pagetable pt = boot_like();
    uint64_t *pd = below(below(tables[0][0])[0]); /* [0, 1 GiB) */
    uint64_t *small;

    pd[3] |= 1ull << 12; /* PAT, where a 2 MiB entry has it */
    CHECK(pt_change(&pt, 0x600000, 0x601000, 0, PT_W) == PT_OK);
    small = below(pd[3]);
    CHECK(!(pd[3] & (1ull << 7))); /* a table now, not a large page */
    CHECK((small[0] & 0x000ffffffffff000ull) == 0x600000);
    CHECK((small[5] & 0x000ffffffffff000ull) == 0x605000);
    CHECK(small[4] & (1ull << 7)); /* PAT, in a 4 KiB entry's place */
    CHECK((small[4] & 0x000ffffffffff000ull) == 0x604000); /* not bit 12 */
}

/* A 64-bit BAR: nothing mapped there, mapped uncached all the same. */
TEST(pagetable_maps_mmio_above_4g)
{
    struct pagetable pt = boot_like();
    uint64_t bar = 0x3800000000ull + 0x5000;

    CHECK(attrs(&pt, bar, 0) == 0);
    CHECK(pt_map(&pt, bar, bar + 0x3000, PT_MMIO) == PT_OK);
    CHECK(attrs(&pt, bar, 4096) == PT_MMIO);
    CHECK(attrs(&pt, bar + 0x2000, 4096) == PT_MMIO);
    CHECK(attrs(&pt, bar + 0x3000, 0) == 0);
    CHECK(attrs(&pt, bar - 0x1000, 0) == 0);
    CHECK(pt_map(&pt, 0x4000000000ull, 0x4000400000ull, PT_MMIO) == PT_OK);
    CHECK(attrs(&pt, 0x4000200000ull, TWO_MIB) == PT_MMIO);
    /* Over RAM that was mapped write-back: uncached now. */
    CHECK(pt_map(&pt, 0xfee00000, 0xfee01000, PT_MMIO) == PT_OK);
    CHECK(attrs(&pt, 0xfee00000, 4096) == PT_MMIO);
    CHECK(attrs(&pt, 0xfee01000, 4096) == (PT_P | PT_W));
}

/* What paging_protect_kernel does to an image at 1 MiB. */
TEST(pagetable_protection_ranges)
{
    struct pagetable pt = boot_like();
    uint64_t text = 0x100000, etext = 0x125000, erodata = 0x12b000;

    CHECK(pt_change(&pt, text, erodata, 0, PT_W) == PT_OK);
    CHECK(pt_change(&pt, 0, text, PT_NX, 0) == PT_OK);
    CHECK(pt_change(&pt, etext, PT_ADDR_LIMIT, PT_NX, 0) == PT_OK);
    CHECK(attrs(&pt, text, 4096) == PT_P);
    CHECK(attrs(&pt, etext - 0x1000, 4096) == PT_P);
    CHECK(attrs(&pt, etext, 4096) == (PT_P | PT_NX));
    CHECK(attrs(&pt, erodata - 0x1000, 4096) == (PT_P | PT_NX));
    CHECK(attrs(&pt, erodata, 4096) == PT_DATA);
    CHECK(attrs(&pt, text - 0x1000, 4096) == PT_DATA);
    CHECK(attrs(&pt, 0x200000, TWO_MIB) == PT_DATA); /* no needless split */
    CHECK(attrs(&pt, 0xffe00000, TWO_MIB) == PT_DATA);
    CHECK(attrs(&pt, 4 * GIB, 0) == 0); /* a change maps nothing new */
    CHECK(used == 1 + 1 + 4 + 1); /* PML4, PDPT, 4 PDs, one split */
}

TEST(pagetable_nx_only_when_supported)
{
    struct pagetable pt = fresh();

    pt.supported = PT_P | PT_W | PT_PCD | PT_PWT;
    CHECK(pt_map(&pt, 0x200000, 0x201000, PT_DATA) == PT_OK);
    CHECK(attrs(&pt, 0x200000, 4096) == (PT_P | PT_W));
    CHECK(pt_change(&pt, 0x200000, 0x201000, PT_NX, 0) == PT_OK);
    CHECK(attrs(&pt, 0x200000, 4096) == (PT_P | PT_W));
}

TEST(pagetable_absent_page_keeps_address_and_attributes)
{
    struct pagetable pt = boot_like();

    CHECK(pt_map(&pt, 0x5000, 0x6000, PT_MMIO) == PT_OK);
    CHECK(pt_change(&pt, 0x5000, 0x6000, 0, PT_P) == PT_OK);
    CHECK(attrs(&pt, 0x5000, 4096) == (PT_MMIO & ~PT_P));
    CHECK(pt_change(&pt, 0x5000, 0x6000, PT_P, 0) == PT_OK);
    CHECK(attrs(&pt, 0x5000, 4096) == PT_MMIO);
    /* Never mapped: a change does not invent a mapping. */
    CHECK(pt_change(&pt, 8 * GIB, 8 * GIB + 0x1000, PT_P, 0) == PT_OK);
    CHECK(attrs(&pt, 8 * GIB, 0) == 0);
}

TEST(pagetable_splits_a_1g_page_keeping_attributes)
{
    struct pagetable pt = fresh();
    uint64_t *pml4 = tables[0], pdpt = fake_alloc(0);

    memset(fake_table(0, pdpt), 0, 4096);
    pml4[0] = pdpt | PT_P | PT_W;
    fake_table(0, pdpt)[2] = 2 * GIB | PT_P | PT_W | PT_PCD | (1ull << 7);
    CHECK(attrs(&pt, 2 * GIB + 0x12345, GIB) == (PT_P | PT_W | PT_PCD));
    CHECK(pt_change(&pt, 2 * GIB + 0x400000, 2 * GIB + 0x401000, 0, PT_W) ==
          PT_OK);
    CHECK(attrs(&pt, 2 * GIB, TWO_MIB) == (PT_P | PT_W | PT_PCD));
    CHECK(attrs(&pt, 2 * GIB + 0x400000, 4096) == (PT_P | PT_PCD));
    CHECK(attrs(&pt, 2 * GIB + 0x401000, 4096) == (PT_P | PT_W | PT_PCD));
}

TEST(pagetable_out_of_tables_leaves_the_large_page)
{
    struct pagetable pt = boot_like();

    limit = used;
    CHECK(pt_change(&pt, 0x600000, 0x601000, 0, PT_W) == PT_NO_MEMORY);
    CHECK(attrs(&pt, 0x600000, TWO_MIB) == (PT_P | PT_W));
}

TEST(pagetable_refuses_non_canonical_ranges)
{
    struct pagetable pt = fresh();

    CHECK(pt_map(&pt, PT_ADDR_LIMIT - 0x1000, PT_ADDR_LIMIT + 1, PT_MMIO) ==
          PT_BAD_RANGE);
    CHECK(pt_map(&pt, 0x2000, 0x1000, PT_MMIO) == PT_BAD_RANGE);
    CHECK(pt_map(&pt, PT_ADDR_LIMIT - 0x1000, PT_ADDR_LIMIT, PT_MMIO) ==
          PT_OK);
    CHECK(attrs(&pt, PT_ADDR_LIMIT - 0x1000, 4096) == PT_MMIO);
}

/* The boot sweep marks whole tables NX at the table entry; making one
 * page executable below hands the NX down first. */
TEST(pagetable_nx_on_a_table_entry_is_handed_down)
{
    struct pagetable pt = boot_like();
    unsigned before;

    CHECK(pt_change(&pt, 0x400000, 0x600000, 0, PT_W) == PT_OK); /* split */
    CHECK(pt_change(&pt, 0, PT_ADDR_LIMIT, PT_NX, 0) == PT_OK);
    CHECK(tables[0][0] & PT_NX); /* hoisted: the PML4 entry */
    CHECK(attrs(&pt, 0x400000, TWO_MIB) == (PT_P | PT_NX));
    CHECK(attrs(&pt, 3 * GIB, TWO_MIB) == PT_DATA);
    before = used;
    CHECK(pt_change(&pt, 0x401000, 0x402000, 0, PT_NX) == PT_OK);
    CHECK(used == before + 1); /* the 2 MiB page was split, nothing else */
    CHECK(attrs(&pt, 0x401000, 4096) == PT_P);
    CHECK(attrs(&pt, 0x400000, 4096) == (PT_P | PT_NX));
    CHECK(attrs(&pt, 0x402000, 4096) == (PT_P | PT_NX));
    CHECK(attrs(&pt, 0x600000, TWO_MIB) == PT_DATA);
    CHECK(attrs(&pt, 3 * GIB, TWO_MIB) == PT_DATA);
    /* A mapping that is executable, under a hoisted NX, is too. */
    CHECK(pt_change(&pt, 0, PT_ADDR_LIMIT, PT_NX, 0) == PT_OK);
    CHECK(pt_map(&pt, 0x800000, 0x801000, PT_P) == PT_OK);
    CHECK(attrs(&pt, 0x800000, 4096) == PT_P);
    CHECK(attrs(&pt, 0x801000, 4096) == PT_DATA);
    /* An uncached change under it leaves the NX where it is. */
    CHECK(pt_change(&pt, 2 * GIB, 2 * GIB + 1, PT_PCD, 0) == PT_OK);
    CHECK(attrs(&pt, 2 * GIB, 4096) == (PT_DATA | PT_PCD));
}
