/* The one OS-agnostic boot sequence every entry protocol joins. */
#ifndef TERN_BOOT_H
#define TERN_BOOT_H

#include <tern/boot_info.h>
#include <tern/phys.h>

/* Identity-mapped [0, 4 GiB) as the entry code leaves it. */
extern const struct phys_window boot_low_window;

__attribute__((noreturn)) void boot_main(struct boot_info *bi);

#endif
