/* The console layer: one line-buffered stream fed to every sink the
 * platform registered (COM1, debugcon, Xen's).  Never blocks on absent
 * devices. */
#ifndef TERN_CONSOLE_H
#define TERN_CONSOLE_H

#include <stddef.h>

typedef void (*console_write_fn)(const char *s, size_t n);

void console_register(const char *name, console_write_fn write);
/* Comma-separated names of the sinks that are up, for the boot dump. */
const char *console_names(void);

/* Drop every sink: nothing is printed any more. */
void console_silence(void);

void console_write(const char *s, size_t n);
void console_flush(void);

int tern_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
