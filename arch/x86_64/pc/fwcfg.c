/* fw_cfg over I/O ports (QEMU docs/specs/fw_cfg.txt).  Only what the
 * memory map needs: the signature, the file directory, one file. */
#include <string.h>
#include <tern/fwcfg.h>
#include <tern/io.h>

#define FWCFG_SELECTOR 0x510
#define FWCFG_DATA 0x511
#define FWCFG_SIGNATURE 0x0000
#define FWCFG_FILE_DIR 0x0019
#define E820_FILE_MAX (20 * 128)

static void read_bytes(void *dst, unsigned n)
{
    uint8_t *d = dst;

    while (n--)
        *d++ = inb(FWCFG_DATA);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | p[2] << 8 | p[3];
}

/* Selector and size of a named file, or -1. */
static int find_file(const char *name, uint16_t *select, uint32_t *size)
{
    uint8_t count[4], entry[64];
    uint32_t n;

    outw(FWCFG_SELECTOR, FWCFG_FILE_DIR);
    read_bytes(count, 4);
    n = be32(count);
    for (uint32_t i = 0; i < n && i < 4096; i++) {
        read_bytes(entry, sizeof(entry));
        entry[63] = 0;
        if (strcmp((const char *)entry + 8, name) == 0) {
            *size = be32(entry);
            *select = (uint16_t)(entry[4] << 8 | entry[5]);
            return 0;
        }
    }
    return -1;
}

int fwcfg_read_e820(struct mem_region *out, unsigned cap)
{
    static uint8_t buf[E820_FILE_MAX];
    uint8_t sig[4];
    uint16_t select;
    uint32_t size;

    outw(FWCFG_SELECTOR, FWCFG_SIGNATURE);
    read_bytes(sig, 4);
    if (memcmp(sig, "QEMU", 4) != 0)
        return -1;
    if (find_file("etc/e820", &select, &size) || size > sizeof(buf))
        return -1;
    outw(FWCFG_SELECTOR, select);
    read_bytes(buf, size);
    return e820_parse(buf, size, out, cap);
}
