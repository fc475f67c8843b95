/*
 * virtio-mmio devices from the DSDT, without an AML interpreter.  The
 * firmware describes each transport as a Device whose _HID is the
 * string "LNRO0005" and whose _CRS is a named resource template
 * (QEMU 7.2 hw/i386/acpi-microvm.c, Firecracker's DSDT).  The scan looks
 * for exactly that shape and reads nothing it cannot bound: a _CRS
 * computed by a method, or any other shape, finds nothing.  Pure logic:
 * the AML is untrusted bytes.
 */
#include <string.h>
#include <tern/log.h>
#include <tern/virtio_mmio.h>

#define AML_NAME_OP 0x08
#define AML_STRING_PREFIX 0x0d
#define AML_BUFFER_OP 0x11
#define AML_ZERO 0x00
#define AML_ONE 0x01
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define RES_END_TAG 0x79
#define RES_MEMORY32_FIXED 0x86
#define RES_EXTENDED_IRQ 0x89
#define CRS_WINDOW 512 /* bytes after a _HID where its _CRS may start */

static const uint8_t hid[] = {AML_NAME_OP, '_', 'H', 'I', 'D',
                              AML_STRING_PREFIX, 'L', 'N', 'R', 'O',
                              '0', '0', '0', '5', 0};
static const uint8_t crs[] = {AML_NAME_OP, '_', 'C', 'R', 'S', AML_BUFFER_OP};

static uint32_t le(const uint8_t *p, unsigned n)
{
    uint32_t v = 0;

    while (n--)
        v = v << 8 | p[n];
    return v;
}

/* The first occurrence of pat[0..n) in aml[from, to), or to. */
static uint32_t find(const uint8_t *aml, uint32_t from, uint32_t to,
                     const uint8_t *pat, uint32_t n)
{
    for (uint32_t i = from; i + n <= to && i + n > i; i++)
        if (!memcmp(aml + i, pat, n))
            return i;
    return to;
}

/* A PkgLength at aml[at]: the package's end (from at), or 0 when it does
 * not fit in [at, end). */
static uint32_t pkg_end(const uint8_t *aml, uint32_t at, uint32_t end)
{
    unsigned extra = aml[at] >> 6;
    uint32_t len;

    if (at + 1 + extra > end)
        return 0;
    len = extra ? aml[at] & 0x0f : aml[at] & 0x3f;
    for (unsigned i = 0; i < extra; i++)
        len |= (uint32_t)aml[at + 1 + i] << (4 + 8 * i);
    return len <= end - at ? at + len : 0;
}

/* The buffer's size object: where the bytes start, and their number. */
static int buffer_bytes(const uint8_t *aml, uint32_t *at, uint32_t end,
                        uint32_t *size)
{
    static const unsigned widths[] = {[AML_BYTE_PREFIX] = 1,
                                      [AML_WORD_PREFIX] = 2,
                                      [AML_DWORD_PREFIX] = 4};
    uint8_t op;

    if (*at >= end)
        return -1;
    op = aml[(*at)++];
    if (op == AML_ZERO || op == AML_ONE) {
        *size = op;
        return 0;
    }
    if (op < AML_BYTE_PREFIX || op > AML_DWORD_PREFIX ||
        *at + widths[op] > end)
        return -1;
    *size = le(aml + *at, widths[op]);
    *at += widths[op];
    return 0;
}

/* Walk a resource template for the first Memory32Fixed and Extended
 * Interrupt; 0 when both were found. */
static int read_resources(const uint8_t *r, uint32_t n,
                          struct mmio_range *dev)
{
    bool have_mem = false, have_irq = false;
    uint32_t at = 0;

    while (at < n && !(have_mem && have_irq)) {
        uint8_t tag = r[at];
        uint32_t len;

        if (!(tag & 0x80)) { /* small item: length in the tag */
            if ((tag & 0x78) == (RES_END_TAG & 0x78))
                break;
            at += 1 + (tag & 7u);
            continue;
        }
        if (at + 3 > n || (len = le(r + at + 1, 2)) > n - at - 3)
            break;
        if (tag == RES_MEMORY32_FIXED && len >= 9 && !have_mem) {
            dev->addr = le(r + at + 4, 4);
            dev->size = le(r + at + 8, 4);
            have_mem = true;
        } else if (tag == RES_EXTENDED_IRQ && len >= 6 && r[at + 4] >= 1 &&
                   !have_irq) {
            dev->gsi = le(r + at + 5, 4);
            have_irq = true;
        }
        at += 3 + len;
    }
    return have_mem && have_irq ? 0 : -1;
}

/* The _CRS buffer in aml[from, to): 0 with *dev filled from it. */
static int read_crs(const uint8_t *aml, uint32_t from, uint32_t to,
                    struct mmio_range *dev)
{
    uint32_t at = find(aml, from, to, crs, sizeof(crs)), end, size;

    if (at == to)
        return -1;
    at += sizeof(crs);
    if (at >= to || !(end = pkg_end(aml, at, to)))
        return -1;
    at += 1 + (aml[at] >> 6);
    if (buffer_bytes(aml, &at, end, &size) || at > end)
        return -1;
    return read_resources(aml + at, size < end - at ? size : end - at, dev);
}

static bool in_bounds(const struct mmio_range *d)
{
    return d->size >= MMIO_SLOT_MIN_SIZE && d->size <= MMIO_SLOT_MAX_SIZE &&
           d->addr % 4 == 0 && d->gsi >= 1 && d->gsi <= MMIO_SLOT_MAX_GSI;
}

unsigned virtio_mmio_dsdt_scan(const uint8_t *aml, uint32_t len,
                               struct mmio_range *out, unsigned max)
{
    unsigned n = 0;
    uint32_t at = find(aml, 0, len, hid, sizeof(hid));

    while (at < len) {
        uint32_t next = find(aml, at + sizeof(hid), len, hid, sizeof(hid));
        uint32_t to = next - at > CRS_WINDOW ? at + CRS_WINDOW : next;
        struct mmio_range d = {0, 0, 0};

        if (read_crs(aml, at + sizeof(hid), to, &d))
            pr_warn("virtio: DSDT: virtio-mmio object at offset 0x%x: no "
                    "Memory32Fixed and Interrupt in a _CRS buffer",
                    (unsigned)at);
        else if (!in_bounds(&d))
            pr_warn("virtio: DSDT: virtio-mmio 0x%llx size 0x%llx GSI %u "
                    "out of bounds", (unsigned long long)d.addr,
                    (unsigned long long)d.size, d.gsi);
        else if (n < max)
            out[n++] = d;
        else
            pr_warn("virtio: DSDT: more than %u virtio-mmio objects: 0x%llx "
                    "dropped", max, (unsigned long long)d.addr);
        at = next;
    }
    return n;
}
