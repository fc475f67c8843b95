/* Platform shutdown set-up (the rest is in tern/exit.h). */
#ifndef TERN_SHUTDOWN_H
#define TERN_SHUTDOWN_H

#include <stdint.h>

/* Remember where the loader said the RSDP is; ACPI is read at exit. */
void shutdown_init(uint64_t rsdp_paddr);
/* One phrase for the start-of-day dump. */
const char *shutdown_describe(void);

#endif
