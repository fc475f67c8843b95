/*
 * ACPI table walking for power-off.  Pure logic over a phys_window.
 * Offsets are the ACPI specification's (FADT: 6.2, table 5-33).
 */
#include <string.h>
#include <tern/acpi.h>
#include <tern/format.h>
#include <tern/log.h>

#define HDR_LEN 36
#define MAX_TABLE_LEN (1u << 20)
#define FADT_DSDT 40
#define FADT_PM1A_CNT 64
#define FADT_PM1B_CNT 68
#define FADT_FLAGS 112
#define FADT_X_DSDT 140
#define FADT_SLEEP_CONTROL 244
#define FADT_HW_REDUCED (1u << 20)
#define AML_NAME_OP 0x08
#define AML_PACKAGE_OP 0x12

static uint64_t rsdp_hint;

void acpi_set_rsdp_hint(uint64_t rsdp_paddr)
{
    rsdp_hint = rsdp_paddr;
}

uint64_t acpi_rsdp_hint(void)
{
    return rsdp_hint;
}

const struct phys_window acpi_window = {0x1000, (4ull << 30) - 0x1000,
                                        0x1000};

struct ctx {
    const struct phys_window *w;
    char *why;
    unsigned whylen;
};

static int fail(struct ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(struct ctx *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    tern_vsnprintf(c->why, c->whylen, fmt, ap);
    va_end(ap);
    return -1;
}

static uint64_t read_le(struct ctx *c, uint64_t at, unsigned n, bool *ok)
{
    uint8_t b[8];
    uint64_t v = 0;

    if (!phys_read(c->w, at, b, n)) {
        *ok = false;
        return 0;
    }
    for (int i = (int)n - 1; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
}

static bool checksum_ok(struct ctx *c, uint64_t at, uint32_t len)
{
    const uint8_t *p = phys_map(c->w, at, len);
    uint8_t sum = 0;

    for (uint32_t i = 0; p && i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    return p && sum == 0;
}

/* Length of the valid table with this signature at addr, or 0. */
static uint32_t table_len(struct ctx *c, uint64_t addr, const char *sig)
{
    char got[4];
    bool ok = true;
    uint32_t len;

    if (addr == 0 || !phys_read(c->w, addr, got, 4) || memcmp(got, sig, 4))
        return 0;
    len = (uint32_t)read_le(c, addr + 4, 4, &ok);
    if (!ok || len < HDR_LEN || len > MAX_TABLE_LEN ||
        !checksum_ok(c, addr, len))
        return 0;
    return len;
}

static bool rsdp_ok(struct ctx *c, uint64_t at)
{
    char sig[8];

    return phys_read(c->w, at, sig, 8) && !memcmp(sig, "RSD PTR ", 8) &&
           checksum_ok(c, at, 20);
}

/* The ACPI spec's search: the first KiB of the EBDA, then 0xe0000-0xfffff,
 * on 16-byte boundaries. */
static uint64_t find_rsdp(struct ctx *c)
{
    bool ok = true;
    uint64_t ebda = read_le(c, 0x40e, 2, &ok) << 4;

    if (ok && ebda >= 0x80000 && ebda < 0xa0000)
        for (uint64_t a = ebda; a < ebda + 1024; a += 16)
            if (rsdp_ok(c, a))
                return a;
    for (uint64_t a = 0xe0000; a < 0x100000; a += 16)
        if (rsdp_ok(c, a))
            return a;
    return 0;
}

/* Walk an RSDT (4-byte entries) or XSDT (8-byte) for a valid table. */
static uint64_t find_in_sdt(struct ctx *c, uint64_t sdt, uint32_t len,
                            unsigned entry_size, const char *sig)
{
    for (uint64_t at = sdt + HDR_LEN; at + entry_size <= sdt + len;
         at += entry_size) {
        bool ok = true;
        uint64_t t = read_le(c, at, entry_size, &ok);

        if (ok && table_len(c, t, sig))
            return t;
    }
    return 0;
}

/* A table named by the XSDT (when valid) or else the RSDT. */
static uint64_t find_table(struct ctx *c, uint64_t rsdp, const char *sig,
                           bool *used_xsdt)
{
    bool ok = true;
    uint8_t rev = (uint8_t)read_le(c, rsdp + 15, 1, &ok);
    uint64_t rsdt = read_le(c, rsdp + 16, 4, &ok);
    uint64_t xsdt = 0, found = 0;
    uint32_t len = 0;

    if (rev >= 2 && checksum_ok(c, rsdp, 36))
        xsdt = read_le(c, rsdp + 24, 8, &ok);
    if (xsdt && (len = table_len(c, xsdt, "XSDT")) != 0)
        found = find_in_sdt(c, xsdt, len, 8, sig);
    if (found) {
        *used_xsdt = true;
        return found;
    }
    if (xsdt && !len)
        pr_info("acpi: XSDT at 0x%llx unusable, trying the RSDT",
                (unsigned long long)xsdt);
    if ((len = table_len(c, rsdt, "RSDT")) != 0)
        found = find_in_sdt(c, rsdt, len, 4, sig);
    return found;
}

/* Decode one AML integer element of a package: Zero, One, BytePrefix,
 * WordPrefix (low byte).  *at moves past it; false past the end. */
static bool aml_small_int(const uint8_t *p, uint32_t len, uint32_t *at,
                          uint8_t *v)
{
    uint8_t op;

    if (*at >= len)
        return false;
    op = p[(*at)++];
    if (op == 0x00 || op == 0x01) {
        *v = op;
        return true;
    }
    if ((op == 0x0a || op == 0x0b) && *at + (op == 0x0b) < len) {
        *v = p[*at];
        *at += 1u + (op == 0x0b);
        return true;
    }
    return false;
}

/* Name(_S5, Package() { a, b, ... }) somewhere in the DSDT's AML. */
static int find_s5(struct ctx *c, uint64_t dsdt, uint32_t len,
                   struct acpi_poweroff *out)
{
    const uint8_t *p = phys_map(c->w, dsdt, len);

    for (uint32_t at = HDR_LEN + 2; p && at + 8 <= len; at++) {
        uint8_t before;
        uint32_t elem;

        if (p[at] != '_')
            continue; /* the common case, kept cheap: DSDTs are large */
        before = p[at - 1] == '\\' ? p[at - 2] : p[at - 1];
        if (p[at + 1] != 'S' || p[at + 2] != '5' || p[at + 3] != '_' ||
            before != AML_NAME_OP ||
            p[at + 4] != AML_PACKAGE_OP)
            continue;
        elem = at + 6 + (p[at + 5] >> 6) + 1; /* PkgLength, NumElements */
        if (!aml_small_int(p, len, &elem, &out->slp_typ_a) ||
            !aml_small_int(p, len, &elem, &out->slp_typ_b))
            return fail(c, "DSDT \\_S5 package is malformed");
        return 0;
    }
    return fail(c, "DSDT has no \\_S5 object");
}

/* A FADT field of n bytes at off, or absent (false) when an older,
 * shorter revision of the table ends before it: bytes past the table's
 * own length belong to whatever follows it. */
static bool fadt_field(struct ctx *c, uint64_t fadt, uint32_t len,
                       uint32_t off, unsigned n, uint64_t *v)
{
    bool ok = true;

    if (off + n > len)
        return false;
    *v = read_le(c, fadt + off, n, &ok);
    return ok;
}

/* The sleep register: PM1a/PM1b control ports, or on hardware-reduced
 * ACPI the sleep control register (a Generic Address Structure). */
static int read_sleep_regs(struct ctx *c, uint64_t fadt, uint32_t len,
                           struct acpi_poweroff *out)
{
    uint64_t flags = 0, v = 0;
    char why[64];

    if (fadt_field(c, fadt, len, FADT_FLAGS, 4, &flags) &&
        (flags & FADT_HW_REDUCED)) {
        if (!fadt_field(c, fadt, len, FADT_SLEEP_CONTROL, 1, &v) ||
            !fadt_field(c, fadt, len, FADT_SLEEP_CONTROL + 4, 8,
                        &out->sleep_addr))
            return fail(c, "hardware-reduced FADT (%u bytes) has no sleep "
                           "control register", len);
        out->hw_reduced = true;
        out->sleep_space = (uint8_t)v;
        if (out->sleep_space > ACPI_SPACE_IO || out->sleep_addr == 0)
            return fail(c, "FADT sleep control register (space %u, 0x%llx) "
                           "is unusable", out->sleep_space,
                        (unsigned long long)out->sleep_addr);
        if (out->sleep_space == ACPI_SPACE_IO &&
            acpi_port_check(out->sleep_addr, 1, why, sizeof(why)))
            return fail(c, "FADT sleep control register: %s", why);
        return 0;
    }
    if (!fadt_field(c, fadt, len, FADT_PM1A_CNT, 4, &v) || v == 0)
        return fail(c, "FADT (%u bytes) names no PM1a control port", len);
    if (acpi_port_check(v, 2, why, sizeof(why)))
        return fail(c, "FADT PM1a control: %s", why);
    out->pm1a_cnt = (uint16_t)v;
    if (fadt_field(c, fadt, len, FADT_PM1B_CNT, 4, &v) && v != 0) {
        if (acpi_port_check(v, 2, why, sizeof(why)))
            return fail(c, "FADT PM1b control: %s", why);
        out->pm1b_cnt = (uint16_t)v;
    }
    return 0;
}

static int read_fadt(struct ctx *c, uint64_t fadt, struct acpi_poweroff *out)
{
    uint32_t len = table_len(c, fadt, "FACP");
    uint64_t dsdt = 0, x = 0;
    uint32_t dlen;

    if (!fadt_field(c, fadt, len, FADT_DSDT, 4, &dsdt))
        return fail(c, "FADT at 0x%llx (%u bytes) has no DSDT field",
                    (unsigned long long)fadt, len);
    if (fadt_field(c, fadt, len, FADT_X_DSDT, 8, &x) && x)
        dsdt = x;
    if (read_sleep_regs(c, fadt, len, out))
        return -1;
    if ((dlen = table_len(c, dsdt, "DSDT")) == 0)
        return fail(c, "DSDT at 0x%llx missing or bad checksum",
                    (unsigned long long)dsdt);
    return find_s5(c, dsdt, dlen, out);
}

/* The loader's RSDP when valid, else the search's; 0 when none. */
static uint64_t resolve_rsdp(struct ctx *c, uint64_t hint)
{
    if (hint && rsdp_ok(c, hint))
        return hint;
    if (hint)
        pr_warn("acpi: rsdp_paddr 0x%llx holds no valid RSDP, searching",
                (unsigned long long)hint);
    return find_rsdp(c);
}

uint64_t acpi_find_rsdp(const struct phys_window *w, uint64_t rsdp_hint)
{
    char why[8];
    struct ctx c = {w, why, sizeof(why)};

    return resolve_rsdp(&c, rsdp_hint);
}

int acpi_find_poweroff(const struct phys_window *w, uint64_t rsdp_hint,
                       struct acpi_poweroff *out, char *why, unsigned whylen)
{
    struct ctx c = {w, why, whylen};
    uint64_t fadt;

    memset(out, 0, sizeof(*out));
    out->rsdp = resolve_rsdp(&c, rsdp_hint);
    if (!out->rsdp)
        return fail(&c, "no ACPI RSDP");
    fadt = find_table(&c, out->rsdp, "FACP", &out->used_xsdt);
    if (!fadt)
        return fail(&c, "no valid FADT under the RSDP at 0x%llx",
                    (unsigned long long)out->rsdp);
    return read_fadt(&c, fadt, out);
}

bool acpi_rsdp_valid(const struct phys_window *w, uint64_t addr,
                     unsigned *revision)
{
    char why[8];
    struct ctx c = {w, why, sizeof(why)};
    uint8_t rev;

    if (!rsdp_ok(&c, addr) || !phys_read_u8(w, addr + 15, &rev))
        return false;
    *revision = rev;
    return rev < 2 || checksum_ok(&c, addr, 36);
}

int acpi_check_root_tables(const struct phys_window *w, uint64_t rsdp,
                           char *why, unsigned whylen)
{
    struct ctx c = {w, why, whylen};
    bool ok = true;
    uint8_t rev = (uint8_t)read_le(&c, rsdp + 15, 1, &ok);
    uint64_t rsdt = read_le(&c, rsdp + 16, 4, &ok);
    uint64_t xsdt = rev >= 2 ? read_le(&c, rsdp + 24, 8, &ok) : 0;

    if (!ok)
        return fail(&c, "RSDP at 0x%llx unreadable", (unsigned long long)rsdp);
    if (rsdt && !table_len(&c, rsdt, "RSDT"))
        return fail(&c, "RSDT at 0x%llx: bad signature, length or checksum",
                    (unsigned long long)rsdt);
    if (xsdt && !table_len(&c, xsdt, "XSDT"))
        return fail(&c, "XSDT at 0x%llx: bad signature, length or checksum",
                    (unsigned long long)xsdt);
    if (!rsdt && !xsdt)
        return fail(&c, "RSDP names neither an RSDT nor an XSDT");
    tern_snprintf(why, whylen, "RSDT 0x%llx%s, XSDT 0x%llx%s",
                  (unsigned long long)rsdt, rsdt ? " valid" : "",
                  (unsigned long long)xsdt, xsdt ? " valid" : "");
    return 0;
}

#define MADT_ENTRIES 44
#define MADT_IOAPIC 1
#define MADT_OVERRIDE 2

static void madt_entry(const uint8_t *e, struct acpi_irq_routing *out)
{
    uint32_t v;
    uint16_t flags;

    if (e[0] == MADT_IOAPIC && e[1] >= 12 &&
        out->nioapics < ACPI_MAX_IOAPICS) {
        memcpy(&v, e + 4, 4);
        out->ioapic[out->nioapics].addr = v;
        memcpy(&out->ioapic[out->nioapics].gsi_base, e + 8, 4);
        out->nioapics++;
    } else if (e[0] == MADT_OVERRIDE && e[1] >= 10 && e[2] == 0 &&
               e[3] < 16) {
        memcpy(&v, e + 4, 4);
        memcpy(&flags, e + 8, 2);
        out->isa[e[3]].gsi = v;
        out->isa[e[3]].active_low = (flags & 3) == 3;
        out->isa[e[3]].level = ((flags >> 2) & 3) == 3;
    }
}

int acpi_find_irq_routing(const struct phys_window *w, uint64_t rsdp_hint,
                          struct acpi_irq_routing *out, char *why,
                          unsigned whylen)
{
    struct ctx c = {w, why, whylen};
    uint64_t rsdp = resolve_rsdp(&c, rsdp_hint), madt;
    bool used_xsdt = false;
    uint32_t len;
    const uint8_t *p;

    memset(out, 0, sizeof(*out));
    for (unsigned i = 0; i < 16; i++)
        out->isa[i].gsi = i;
    if (!rsdp)
        return fail(&c, "no ACPI RSDP");
    madt = find_table(&c, rsdp, "APIC", &used_xsdt);
    if (!madt || (len = table_len(&c, madt, "APIC")) == 0 ||
        !(p = phys_map(w, madt, len)))
        return fail(&c, "no valid MADT");
    for (uint32_t at = MADT_ENTRIES; at + 2 <= len && p[at + 1] >= 2 &&
                                     at + p[at + 1] <= len;
         at += p[at + 1])
        madt_entry(p + at, out);
    if (!out->nioapics)
        return fail(&c, "the MADT lists no I/O APIC");
    return 0;
}

#define FADT_PM_TMR_BLK 76
#define FADT_PM_TMR_LEN 91
#define FADT_TMR_VAL_EXT (1u << 8)
#define FADT_X_PM_TMR_BLK 208 /* a Generic Address Structure, 12 bytes */

/* The timer's port: X_PM_TMR_BLK wins when present and in I/O space
 * (ACPI 2.0+), as the specification says; 0 when there is none. */
static uint16_t pm_timer_port(struct ctx *c, uint64_t fadt, uint32_t len,
                              bool *ok)
{
    if (len >= FADT_X_PM_TMR_BLK + 12) {
        uint8_t space = (uint8_t)read_le(c, fadt + FADT_X_PM_TMR_BLK, 1, ok);
        uint64_t addr = read_le(c, fadt + FADT_X_PM_TMR_BLK + 4, 8, ok);

        if (addr && space == ACPI_SPACE_IO && addr <= 0xfffc)
            return (uint16_t)addr;
    }
    if (len >= FADT_PM_TMR_LEN + 1 &&
        read_le(c, fadt + FADT_PM_TMR_LEN, 1, ok) == 4) {
        uint64_t addr = read_le(c, fadt + FADT_PM_TMR_BLK, 4, ok);

        if (addr <= 0xfffc)
            return (uint16_t)addr;
    }
    return 0;
}

int acpi_find_pm_timer(const struct phys_window *w, uint64_t rsdp_hint,
                       uint16_t *port, unsigned *bits, char *why,
                       unsigned whylen)
{
    struct ctx c = {w, why, whylen};
    uint64_t rsdp = resolve_rsdp(&c, rsdp_hint), fadt;
    bool used_xsdt = false, ok = true;
    uint32_t len;
    char pm_why[64];

    if (!rsdp)
        return fail(&c, "no ACPI RSDP");
    fadt = find_table(&c, rsdp, "FACP", &used_xsdt);
    if (!fadt || (len = table_len(&c, fadt, "FACP")) == 0)
        return fail(&c, "no valid FADT");
    *port = pm_timer_port(&c, fadt, len, &ok);
    *bits = len >= FADT_FLAGS + 4 &&
                    (read_le(&c, fadt + FADT_FLAGS, 4, &ok) & FADT_TMR_VAL_EXT)
                ? 32
                : 24;
    if (!ok)
        return fail(&c, "FADT at 0x%llx unreadable", (unsigned long long)fadt);
    if (!*port)
        return fail(&c, "the FADT names no PM timer in I/O space");
    /* Read up to 100,000 times to see it move: never a device's port. */
    if (acpi_port_check(*port, 4, pm_why, sizeof(pm_why))) {
        uint16_t bad = *port;

        *port = 0;
        return fail(&c, "FADT PM timer 0x%x: %s", bad, pm_why);
    }
    return 0;
}

int acpi_find_dsdt(const struct phys_window *w, uint64_t rsdp_hint,
                   uint64_t *addr, uint32_t *len, char *why, unsigned whylen)
{
    struct ctx c = {w, why, whylen};
    uint64_t rsdp = resolve_rsdp(&c, rsdp_hint), fadt, dsdt = 0, x = 0;
    bool used_xsdt = false;
    uint32_t flen = 0;

    if (!rsdp)
        return fail(&c, "no ACPI RSDP");
    fadt = find_table(&c, rsdp, "FACP", &used_xsdt);
    if (!fadt || !(flen = table_len(&c, fadt, "FACP")) ||
        !fadt_field(&c, fadt, flen, FADT_DSDT, 4, &dsdt))
        return fail(&c, "no valid FADT");
    if (fadt_field(&c, fadt, flen, FADT_X_DSDT, 8, &x) && x)
        dsdt = x;
    if ((*len = table_len(&c, dsdt, "DSDT")) == 0)
        return fail(&c, "DSDT at 0x%llx missing or bad checksum",
                    (unsigned long long)dsdt);
    *addr = dsdt;
    return 0;
}

#define MCFG_ENTRIES 44
#define MCFG_ENTRY_LEN 16
#define ECAM_BUS_SHIFT 20
#define ECAM_ADDR_LIMIT (1ull << 52)

int acpi_find_mcfg(const struct phys_window *w, uint64_t rsdp_hint,
                   struct acpi_mcfg *out, char *why, unsigned whylen)
{
    struct ctx c = {w, why, whylen};
    uint64_t rsdp = resolve_rsdp(&c, rsdp_hint), mcfg;
    bool used_xsdt = false;
    uint32_t len;

    memset(out, 0, sizeof(*out));
    if (!rsdp)
        return fail(&c, "no ACPI RSDP");
    mcfg = find_table(&c, rsdp, "MCFG", &used_xsdt);
    if (!mcfg || (len = table_len(&c, mcfg, "MCFG")) == 0)
        return fail(&c, "no valid MCFG");
    for (uint32_t at = MCFG_ENTRIES; at + MCFG_ENTRY_LEN <= len;
         at += MCFG_ENTRY_LEN) {
        bool ok = true;
        uint64_t base = read_le(&c, mcfg + at, 8, &ok);
        uint16_t seg = (uint16_t)read_le(&c, mcfg + at + 8, 2, &ok);
        uint8_t first = (uint8_t)read_le(&c, mcfg + at + 10, 1, &ok);
        uint8_t last = (uint8_t)read_le(&c, mcfg + at + 11, 1, &ok);

        if (!ok || seg != 0)
            continue;
        if (!base || (base & ((1ull << ECAM_BUS_SHIFT) - 1)))
            return fail(&c, "MCFG ECAM base 0x%llx not 1 MiB-aligned",
                        (unsigned long long)base);
        if (first > last)
            return fail(&c, "MCFG bus range %u-%u reversed", first, last);
        if (base >= ECAM_ADDR_LIMIT ||
            ((uint64_t)last + 1) << ECAM_BUS_SHIFT > ECAM_ADDR_LIMIT - base)
            return fail(&c, "MCFG ECAM 0x%llx buses %u-%u past the address "
                        "space", (unsigned long long)base, first, last);
        out->base = base;
        out->bus_first = first;
        out->bus_last = last;
        return 0;
    }
    return fail(&c, "the MCFG has no entry for segment 0");
}
