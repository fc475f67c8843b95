/* QEMU's debugcon (and Xen's port 0xe9 log): a port that reads back 0xe9
 * when the device is there. */
#include <tern/console.h>
#include <tern/io.h>

#define DEBUGCON 0xe9

static void debugcon_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        outb(DEBUGCON, (uint8_t)s[i]);
}

int debugcon_init(void)
{
    if (inb(DEBUGCON) != DEBUGCON)
        return -1;
    console_register("debugcon", debugcon_write);
    return 0;
}

/* Xen logs port 0xe9 writes of every HVM/PVH guest as "(dN) ..." lines,
 * but reads of it do not answer, so it cannot be probed there. */
void debugcon_register_xen(void)
{
    console_register("xen-0xe9", debugcon_write);
}
