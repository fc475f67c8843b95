/* lwIP's diagnostics (LWIP_PLATFORM_DIAG) as log lines, its assertions
 * as fatal errors: an assertion is lwIP finding its own state broken. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <tern/exit.h>
#include <tern/log.h>
#include "arch/cc.h"

void tern_lwip_diag(const char *fmt, ...)
{
    char line[160];
    size_t n;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    n = strlen(line);
    if (n && line[n - 1] == '\n')
        line[n - 1] = 0;
    pr_info("lwip: %s", line);
}

void tern_lwip_assert(const char *msg, const char *file, int line)
{
    tern_fatal(1, "lwip: assertion \"%s\" failed at %s:%d", msg, file, line);
}
