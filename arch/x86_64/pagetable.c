/*
 * The one page-table walker (after the Intel SDM vol. 3, 4.5): four
 * levels, 3 = PML4 (512 GiB an entry) down to 0 = page table (4 KiB).
 * Leaves are 4 KiB pages, or 2 MiB (and, from someone else's tables,
 * 1 GiB) pages with PS set.  A large page that an operation covers only
 * in part is split first, and its small pages inherit every attribute it
 * had, so an uncached or read-only mapping survives its neighbour's
 * change.  Table entries are always present and writable with no NX:
 * protection is decided at the leaves alone.  Pure logic; the caller
 * flushes the TLB.
 */
#include <stdbool.h>
#include <string.h>
#include <tern/pagetable.h>

#define PTE_PS (1ull << 7)        /* in levels 1-2: a large page */
#define PTE_PAT_4K (1ull << 7)    /* in level 0: the PAT bit */
#define PTE_PAT_LARGE (1ull << 12)
#define PTE_ADDR 0x000ffffffffff000ull
/* What a split copies to the small pages: P W U PWT PCD A D, G, the
 * bits for software, protection keys and NX (PAT moves, PS goes). */
#define PTE_KEEP 0xfff0000000000f7full
#define PAGE 4096ull

struct op {
    bool map;
    uint64_t attrs;      /* map: the new attributes */
    uint64_t set, clear; /* change */
};

static unsigned shift(int level)
{
    return 12 + 9 * (unsigned)level;
}

static uint64_t span(int level)
{
    return 1ull << shift(level);
}

static bool is_leaf(uint64_t e, int level)
{
    return level == 0 || (e & PTE_PS);
}

static uint64_t leaf_addr(uint64_t e, int level)
{
    return e & PTE_ADDR & ~(span(level) - 1);
}

/* A leaf's attributes after the operation (only PT_ATTRS bits move). */
static uint64_t changed(const struct op *op, uint64_t e)
{
    uint64_t attrs = op->map ? op->attrs : ((e | op->set) & ~op->clear);

    return (e & ~PT_ATTRS) | (attrs & PT_ATTRS);
}

/* Whether the leaf e, mapping base, already is what op asks for. */
static bool leaf_done(const struct op *op, uint64_t e, int level,
                      uint64_t base)
{
    if (op->map && leaf_addr(e, level) != base)
        return false;
    return ((changed(op, e) ^ e) & PT_ATTRS) == 0;
}

static uint64_t split_entry(uint64_t e, int level, unsigned i)
{
    uint64_t child = leaf_addr(e, level) + i * span(level - 1);

    child |= e & PTE_KEEP;
    if (level - 1 == 0)
        return child | ((e & PTE_PAT_LARGE) ? PTE_PAT_4K : 0);
    return child | PTE_PS | (e & PTE_PAT_LARGE);
}

/* A fresh table, zeroed or (from_leaf) holding the large page e split
 * into 512 pages of the next level. */
static enum pt_status new_table(const struct pagetable *pt, int level,
                                uint64_t e, bool from_leaf, uint64_t *paddr)
{
    uint64_t *t;

    *paddr = pt->alloc(pt->ctx);
    if (!*paddr)
        return PT_NO_MEMORY;
    t = pt->table(pt->ctx, *paddr);
    for (unsigned i = 0; i < 512; i++)
        t[i] = from_leaf ? split_entry(e, level, i) : 0;
    return PT_OK;
}

static enum pt_status walk(const struct pagetable *pt, uint64_t table,
                           int level, uint64_t start, uint64_t end,
                           const struct op *op);

/* One entry of a table at level, covering [base, base + span), of which
 * the operation concerns [start, end). */
static enum pt_status visit(const struct pagetable *pt, uint64_t *e, int level,
                            uint64_t base, uint64_t start, uint64_t end,
                            const struct op *op)
{
    bool whole = start == base && end == base + span(level);
    uint64_t below;
    enum pt_status st;

    if (*e == 0 && !op->map)
        return PT_OK; /* never mapped: a change leaves it so */
    if (level == 0) {
        *e = op->map ? base | (op->attrs & PT_ATTRS) : changed(op, *e);
        return PT_OK;
    }
    if (*e == 0 && whole && level == 1) {
        *e = base | PTE_PS | (op->attrs & PT_ATTRS);
        return PT_OK;
    }
    if (*e && is_leaf(*e, level)) {
        if (whole && (level == 1 || !op->map)) {
            *e = op->map ? base | PTE_PS | (op->attrs & PT_ATTRS)
                         : changed(op, *e);
            return PT_OK;
        }
        if (leaf_done(op, *e, level, leaf_addr(*e, level)))
            return PT_OK;
    }
    if (*e == 0 || is_leaf(*e, level)) {
        st = new_table(pt, level, *e, *e != 0, &below);
        if (st != PT_OK)
            return st;
        /* Filled before it is linked: the old large page stays valid for
         * whoever uses it (this very code, maybe) until the swap. */
        *e = below | PT_P | PT_W;
    }
    return walk(pt, *e & PTE_ADDR, level - 1, start, end, op);
}

static enum pt_status walk(const struct pagetable *pt, uint64_t table,
                           int level, uint64_t start, uint64_t end,
                           const struct op *op)
{
    uint64_t *t = pt->table(pt->ctx, table);

    while (start < end) {
        uint64_t base = start & ~(span(level) - 1);
        uint64_t stop = base + span(level) < end ? base + span(level) : end;
        enum pt_status st = visit(pt, &t[(start >> shift(level)) & 511],
                                  level, base, start, stop, op);

        if (st != PT_OK)
            return st;
        start = stop;
    }
    return PT_OK;
}

static enum pt_status run(const struct pagetable *pt, uint64_t start,
                          uint64_t end, struct op *op)
{
    uint64_t keep = pt->supported & PT_ATTRS;

    if (start > end || end > PT_ADDR_LIMIT)
        return PT_BAD_RANGE;
    op->attrs &= keep;
    op->set &= keep;
    return walk(pt, pt->root, 3, start & ~(PAGE - 1),
                (end + PAGE - 1) & ~(PAGE - 1), op);
}

enum pt_status pt_map(const struct pagetable *pt, uint64_t start,
                      uint64_t end, uint64_t attrs)
{
    struct op op = {true, attrs, 0, 0};

    return run(pt, start, end, &op);
}

enum pt_status pt_change(const struct pagetable *pt, uint64_t start,
                         uint64_t end, uint64_t set, uint64_t clear)
{
    struct op op = {false, 0, set, clear};

    return run(pt, start, end, &op);
}

uint64_t pt_lookup(const struct pagetable *pt, uint64_t addr,
                   uint64_t *page_size)
{
    uint64_t table = pt->root;

    *page_size = 0;
    if (addr >= PT_ADDR_LIMIT)
        return 0;
    for (int level = 3; level >= 0; level--) {
        uint64_t e = pt->table(pt->ctx, table)[(addr >> shift(level)) & 511];

        if (e == 0)
            return 0;
        if (is_leaf(e, level)) {
            *page_size = span(level);
            return e & PT_ATTRS;
        }
        table = e & PTE_ADDR;
    }
    return 0;
}
