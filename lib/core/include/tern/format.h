/* printf-style formatting without a libc: %c %s %d %i %u %x %X %p %%,
 * flags '-' and '0', width, precision for %s, length modifiers h hh l ll z. */
#ifndef TERN_FORMAT_H
#define TERN_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Like vsnprintf: always NUL-terminates when size > 0 and returns the
 * length the full output would have had. */
int tern_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int tern_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
