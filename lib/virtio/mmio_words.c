/* The value of a virtio_mmio.device= word, as Linux reads it:
 * <size>@<addr>:<irq>[:<id>] with memparse's K/M/G on the size.  Pure. */
#include <tern/format.h>
#include <tern/virtio_mmio.h>

#define MMIO_ADDR_LIMIT (1ull << 52) /* x86-64's physical address width */

/* An unsigned number as C writes it (0x hex, 0 octal, else decimal), as
 * Linux's memparse and %lli read virtio_mmio.device=.  -1 with no digit
 * or on overflow. */
static int read_number(const char **s, uint64_t *v)
{
    const char *p = *s;
    unsigned base = 10, digits = 0;

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    } else if (p[0] == '0') {
        base = 8;
    }
    for (*v = 0;; p++, digits++) {
        unsigned d;

        if (*p >= '0' && *p <= '9')
            d = (unsigned)(*p - '0');
        else if (*p >= 'a' && *p <= 'f')
            d = (unsigned)(*p - 'a' + 10);
        else if (*p >= 'A' && *p <= 'F')
            d = (unsigned)(*p - 'A' + 10);
        else
            break;
        if (d >= base)
            break;
        if (*v > (UINT64_MAX - d) / base)
            return -1;
        *v = *v * base + d;
    }
    *s = p;
    return digits ? 0 : -1;
}

/* memparse's suffixes on the size: K, M, G. */
static int read_size(const char **s, uint64_t *v)
{
    static const char suffixes[] = "KMG";

    if (read_number(s, v))
        return -1;
    for (unsigned i = 0; i < 3; i++)
        if (**s == suffixes[i] || **s == suffixes[i] + 32) {
            unsigned shift = 10 * (i + 1);

            if (*v > UINT64_MAX >> shift)
                return -1;
            *v <<= shift;
            (*s)++;
            break;
        }
    return 0;
}

static int mmio_fail(char *why, unsigned whylen, const char *what)
{
    tern_snprintf(why, whylen, "%s", what);
    return -1;
}

int virtio_mmio_word(const char *value, struct mmio_range *out,
                        char *why, unsigned whylen)
{
    const char *s = value;
    uint64_t size, addr, irq, id;

    if (read_size(&s, &size))
        return mmio_fail(why, whylen, "no size, or a size that overflows");
    if (size == 0)
        return mmio_fail(why, whylen, "size 0");
    if (size < MMIO_SLOT_MIN_SIZE || size > MMIO_SLOT_MAX_SIZE)
        return mmio_fail(why, whylen, "size outside 0x100-0x10000");
    if (*s++ != '@' || read_number(&s, &addr))
        return mmio_fail(why, whylen, "no '@<address>', or one that "
                                      "overflows");
    if (addr % 4)
        return mmio_fail(why, whylen, "address not 4-byte aligned");
    if (addr + size < addr || addr + size > MMIO_ADDR_LIMIT)
        return mmio_fail(why, whylen, "address range past 2^52");
    if (*s++ != ':' || read_number(&s, &irq))
        return mmio_fail(why, whylen, "no ':<irq>'");
    if (irq == 0 || irq > MMIO_SLOT_MAX_GSI)
        return mmio_fail(why, whylen, "IRQ outside 1-255");
    if (*s == ':' && (s++, read_number(&s, &id))) /* Linux's device id */
        return mmio_fail(why, whylen, "bad ':<id>'");
    if (*s)
        return mmio_fail(why, whylen, "trailing characters");
    out->addr = addr;
    out->size = size;
    out->gsi = (uint32_t)irq;
    return 0;
}
