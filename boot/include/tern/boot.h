/* The one OS-agnostic boot sequence every entry protocol joins. */
#ifndef TERN_BOOT_H
#define TERN_BOOT_H

#include <tern/boot_info.h>

__attribute__((noreturn)) void boot_main(struct boot_info *bi);

#endif
