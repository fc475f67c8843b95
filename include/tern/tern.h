/* What an app sees of the runtime.  An app is
 *     int main(int argc, char **argv)
 * and its return value is the VM's exit status (see docs/writing-an-app.md). */
#ifndef TERN_TERN_H
#define TERN_TERN_H

#include <tern/boot_info.h>
#include <tern/exit.h>

int main(int argc, char **argv);

/* The runtime's copy of what the loader passed. */
const struct boot_info *tern_boot_info(void);

/* printf to every console, without the C library (and before it is up). */
int tern_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Value of a KEY=VALUE given before "--" on the command line, or 0. */
const char *tern_getenv(const char *key);

#endif
