/* Platform shutdown set-up (the rest is in tern/exit.h). */
#ifndef TERN_SHUTDOWN_H
#define TERN_SHUTDOWN_H

#include <stdint.h>
#include <tern/phys.h>

/* Find the ACPI power-off method; without one, exit halts. */
void shutdown_init(const struct phys_window *w, uint64_t rsdp_paddr);
/* One phrase for the start-of-day dump. */
const char *shutdown_describe(char *buf, unsigned len);

#endif
