/*
 * Where the firmware's ACPI tables lie, so a memory map that does not say
 * (QEMU's fw_cfg etc/e820 calls them RAM) can keep them: the RSDP, the
 * RSDT and XSDT, every table they list, and the FACS and DSDT the FADT
 * points to.  Pure logic over a phys_window.  A table is taken on its
 * header alone (a plausible name and length, no checksum): firmware
 * memory is firmware memory even when a table in it is damaged.
 */
#include <string.h>
#include <tern/acpi.h>

#define HDR_LEN 36
#define MAX_TABLE_LEN (1u << 20)
#define FADT_FACS 36
#define FADT_DSDT 40
#define FADT_X_FACS 132
#define FADT_X_DSDT 140
#define PAGE 4096ull

struct extents {
    const struct phys_window *w;
    struct mem_range *out;
    unsigned n, cap;
    bool full;
};

static uint64_t read_n(const struct phys_window *w, uint64_t at, unsigned n)
{
    uint8_t b[8] = {0};
    uint64_t v = 0;

    if (!phys_read(w, at, b, n))
        return 0;
    for (int i = (int)n - 1; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
}

/* Whole pages, merged with a range they overlap or touch. */
static void add(struct extents *x, uint64_t addr, uint64_t len)
{
    uint64_t start = addr & ~(PAGE - 1);
    uint64_t end = (addr + len + PAGE - 1) & ~(PAGE - 1);

    for (unsigned i = 0; i < x->n; i++) {
        struct mem_range *r = &x->out[i];

        if (start <= r->end && end >= r->start) {
            r->start = start < r->start ? start : r->start;
            r->end = end > r->end ? end : r->end;
            return;
        }
    }
    if (x->n == x->cap) {
        x->full = true;
        return;
    }
    x->out[x->n++] = (struct mem_range){start, end};
}

static bool name_ok(const uint8_t *sig)
{
    for (int i = 0; i < 4; i++)
        if (!((sig[i] >= 'A' && sig[i] <= 'Z') ||
              (sig[i] >= '0' && sig[i] <= '9') || sig[i] == '_'))
            return false;
    return true;
}

/* The table at addr, when its header looks like one: its length, else 0. */
static uint32_t add_table(struct extents *x, uint64_t addr, uint8_t sig[4])
{
    uint8_t h[8];
    uint32_t len;

    if (addr == 0 || !phys_read(x->w, addr, h, 8) || !name_ok(h))
        return 0;
    memcpy(&len, h + 4, 4);
    if (len < HDR_LEN || len > MAX_TABLE_LEN)
        return 0;
    memcpy(sig, h, 4);
    add(x, addr, len);
    return len;
}

static void add_fadt_targets(struct extents *x, uint64_t fadt, uint32_t len)
{
    uint8_t sig[4];

    add_table(x, read_n(x->w, fadt + FADT_FACS, 4), sig);
    add_table(x, read_n(x->w, fadt + FADT_DSDT, 4), sig);
    if (len >= FADT_X_FACS + 8)
        add_table(x, read_n(x->w, fadt + FADT_X_FACS, 8), sig);
    if (len >= FADT_X_DSDT + 8)
        add_table(x, read_n(x->w, fadt + FADT_X_DSDT, 8), sig);
}

static void add_sdt(struct extents *x, uint64_t sdt, unsigned entry_size)
{
    uint8_t sig[4];
    uint32_t len = add_table(x, sdt, sig);

    for (uint64_t at = sdt + HDR_LEN; len && at + entry_size <= sdt + len;
         at += entry_size) {
        uint64_t t = read_n(x->w, at, entry_size);
        uint32_t tlen = add_table(x, t, sig);

        if (tlen && !memcmp(sig, "FACP", 4))
            add_fadt_targets(x, t, tlen);
    }
}


int acpi_table_extents(const struct phys_window *w, uint64_t rsdp,
                       struct mem_range *out, unsigned cap)
{
    struct extents x = {w, out, 0, cap, false};
    uint8_t rev = (uint8_t)read_n(w, rsdp + 15, 1);
    uint64_t len = rev >= 2 ? read_n(w, rsdp + 20, 4) : 20;

    add(&x, rsdp, len >= 20 && len <= PAGE ? len : 20);
    add_sdt(&x, read_n(w, rsdp + 16, 4), 4);
    if (rev >= 2)
        add_sdt(&x, read_n(w, rsdp + 24, 8), 8);
    return x.full ? -1 : (int)mem_ranges_normalise(out, x.n);
}
