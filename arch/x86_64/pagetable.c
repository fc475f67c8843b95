/*
 * The one page-table walker (after the Intel SDM vol. 3, 4.5): four
 * levels, 3 = PML4 (512 GiB an entry) down to 0 = page table (4 KiB).
 * Leaves are 4 KiB pages, or 2 MiB (and, from someone else's tables,
 * 1 GiB) pages with PS set.  A large page that an operation covers only
 * in part is split first, and its small pages inherit every attribute it
 * had, so an uncached or read-only mapping survives its neighbour's
 * change.  Table entries are always present and writable; they carry NX
 * only when a change made everything below them non-executable (the boot
 * sweep: one entry instead of 512), and hand it down to their entries
 * before anything below can become executable.  Pure logic; the caller
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

/* Whether the leaf e, at the entry for identity address base, already is
 * what op asks for. */
static bool leaf_done(const struct op *op, uint64_t e, int level,
                      uint64_t base)
{
    if (op->map && leaf_addr(e, level) != base)
        return false;
    return ((changed(op, e) ^ e) & PT_ATTRS) == 0;
}

/* A fresh table, zeroed or (e != 0) holding the large page e split into
 * 512 pages of the next level with e's attributes; entries [lo, hi) get
 * set and clear applied on the way (a change fused with its split). */
static enum pt_status new_table(const struct pagetable *pt, int level,
                                uint64_t e, uint64_t *paddr, unsigned lo,
                                unsigned hi, uint64_t set, uint64_t clear)
{
    uint64_t *t, step = span(level - 1), flags = e & PTE_KEEP;
    uint64_t addr = leaf_addr(e, level), changed_flags;
    unsigned i = 0;

    *paddr = pt->alloc(pt->ctx);
    if (!*paddr)
        return PT_NO_MEMORY;
    t = pt->table(pt->ctx, *paddr);
    if (!e) {
        for (; i < 512; i++)
            t[i] = 0;
        return PT_OK;
    }
    if (level - 1 == 0)
        flags |= (e & PTE_PAT_LARGE) ? PTE_PAT_4K : 0;
    else
        flags |= PTE_PS | (e & PTE_PAT_LARGE);
    changed_flags = (flags | set) & ~clear;
    for (; i < lo; i++, addr += step)
        t[i] = addr | flags;
    for (; i < hi; i++, addr += step)
        t[i] = addr | changed_flags;
    for (; i < 512; i++, addr += step)
        t[i] = addr | flags;
    return PT_OK;
}

static enum pt_status walk(const struct pagetable *pt, uint64_t table,
                           int level, uint64_t start, uint64_t end,
                           const struct op *op);

/* Whether op can make something executable under a no-execute table
 * entry, which then has to hand its NX down to its entries first. */
static bool frees_execution(const struct op *op)
{
    return op->map ? !(op->attrs & PT_NX) : (op->clear & PT_NX) != 0;
}

static void push_nx_down(const struct pagetable *pt, uint64_t *e)
{
    uint64_t *t = pt->table(pt->ctx, *e & PTE_ADDR);

    for (unsigned i = 0; i < 512; i++)
        if (t[i])
            t[i] |= PT_NX;
    *e &= ~PT_NX;
}

/* A run of entries the operation covers whole, from t[i] up to t[last]:
 * the common case (the boot sweeps NX over the whole map), so it is a
 * tight loop with the operation's bits in locals.  A table entry is
 * marked NX itself rather than all 512 entries below it.  Returns the
 * first entry it leaves to visit(), or last. */
static __attribute__((noinline)) unsigned
whole_run(const struct op *op, uint64_t *t, unsigned i, unsigned last,
          int level, uint64_t base)
{
    uint64_t set = op->set, clear = op->clear, size = span(level);
    uint64_t leaf = op->attrs | (level ? PTE_PS : 0);
    uint64_t is_leaf_bit = level ? PTE_PS : ~0ull; /* level 0: all leaves */
    if (op->map) {
        for (; i < last; i++, base += size) {
            if (level > 1 || (t[i] && !is_leaf(t[i], level)))
                return i;
            t[i] = base | leaf;
        }
        return last;
    }
    if (set == PT_NX && clear == 0) {
        /* The sweep: leaves and tables alike just take NX. */
        for (; i < last; i++)
            t[i] |= t[i] ? PT_NX : 0;
        return last;
    }
    for (; i < last; i++) {
        uint64_t v = t[i];

        if (v == 0)
            continue; /* never mapped: a change leaves it so */
        if (v & is_leaf_bit)
            t[i] = (v | set) & ~clear;
        else
            return i;
    }
    return last;
}

/* An entry (level 1 and up) of which the operation concerns [start, end):
 * a part, or all of it where whole_entry could not do the work. */
static enum pt_status visit(const struct pagetable *pt, uint64_t *e, int level,
                            uint64_t start, uint64_t end, const struct op *op)
{
    uint64_t below;
    enum pt_status st;

    if (*e == 0 && !op->map)
        return PT_OK;
    if (*e && is_leaf(*e, level) &&
        leaf_done(op, *e, level, start & ~(span(level) - 1)))
        return PT_OK;
    if (*e && is_leaf(*e, level) && level == 1 && !op->map) {
        /* Its 4 KiB pages in [start, end) are whole: split and change in
         * one pass (the boot's protection splits the image's page so). */
        unsigned lo = (start >> 12) & 511;

        st = new_table(pt, level, *e, &below, lo,
                       lo + (unsigned)((end - start) >> 12), op->set,
                       op->clear);
        if (st == PT_OK)
            *e = below | PT_P | PT_W;
        return st;
    }
    if (*e == 0 || is_leaf(*e, level)) {
        st = new_table(pt, level, *e, &below, 0, 0, 0, 0);
        if (st != PT_OK)
            return st;
        /* Filled before it is linked: the old large page stays valid for
         * whoever uses it (this very code, maybe) until the swap. */
        *e = below | PT_P | PT_W;
    } else if ((*e & PT_NX) && frees_execution(op)) {
        push_nx_down(pt, e);
    }
    return walk(pt, *e & PTE_ADDR, level - 1, start, end, op);
}

static enum pt_status walk(const struct pagetable *pt, uint64_t table,
                           int level, uint64_t start, uint64_t end,
                           const struct op *op)
{
    uint64_t *t = pt->table(pt->ctx, table);
    uint64_t size = span(level);
    unsigned i = (start >> shift(level)) & 511;
    enum pt_status st;

    while (start < end) {
        uint64_t base = start & ~(size - 1);
        uint64_t stop = end - base > size ? base + size : end;

        if (base == start && stop == base + size) {
            uint64_t n = (end - start) >> shift(level);
            unsigned last = n < 512 - i ? i + (unsigned)n : 512;
            unsigned stuck = whole_run(op, t, i, last, level, start);

            start += (uint64_t)(stuck - i) * size;
            i = stuck;
            if (i == last)
                continue;
            stop = start + size;
        }
        if ((st = visit(pt, &t[i], level, start, stop, op)) != PT_OK)
            return st;
        start = stop;
        i++;
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
    op->clear &= PT_ATTRS;
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
    uint64_t table = pt->root, nx = 0;

    *page_size = 0;
    if (addr >= PT_ADDR_LIMIT)
        return 0;
    for (int level = 3; level >= 0; level--) {
        uint64_t e = pt->table(pt->ctx, table)[(addr >> shift(level)) & 511];

        if (e == 0)
            return 0;
        if (is_leaf(e, level)) {
            *page_size = span(level);
            return (e & PT_ATTRS) | nx;
        }
        nx |= e & PT_NX; /* a table entry's NX covers all below it */
        table = e & PTE_ADDR;
    }
    return 0;
}
