/* QEMU's fw_cfg device (I/O ports 0x510/0x511): a second source of the
 * memory map when a loader gives none. */
#ifndef TERN_FWCFG_H
#define TERN_FWCFG_H

#include <tern/memmap.h>

/* Entries read from "etc/e820", or -1 when fw_cfg or the file is absent
 * or malformed. */
int fwcfg_read_e820(struct mem_region *out, unsigned cap);

#endif
