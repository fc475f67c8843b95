/* tern_log: the runtime's own lines, one per call. */
#include <stdarg.h>
#include <string.h>
#include <tern/config.h>
#include <tern/console.h>
#include <tern/format.h>
#include <tern/log.h>

int tern_loglevel = CONFIG_LOGLEVEL;

void tern_log(int level, const char *fmt, ...)
{
    static const char *const prefix[] = {
        "tern: ", "tern: error: ", "tern: warning: ", "tern: ", "tern: ",
    };
    char buf[320];
    size_t n;
    va_list ap;

    if (level > tern_loglevel)
        return;
    n = (size_t)tern_snprintf(buf, sizeof(buf), "%s",
                              prefix[level < 0 || level > 4 ? 0 : level]);
    va_start(ap, fmt);
    tern_vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
    va_end(ap);
    n = strlen(buf);
    buf[n++] = '\n';
    console_write(buf, n);
}
