/* tern_log for host builds: keep what was logged so tests can check it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <tern/format.h>
#include <tern/log.h>

int tern_loglevel = LOG_DEBUG;
static char logbuf[16384];
static size_t loglen;

void tern_log(int level, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    size_t n;

    (void)level;
    va_start(ap, fmt);
    tern_vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    n = strlen(line);
    if (loglen + n + 2 < sizeof(logbuf)) {
        memcpy(logbuf + loglen, line, n);
        loglen += n;
        logbuf[loglen++] = '\n';
        logbuf[loglen] = 0;
    }
}

void log_clear(void)
{
    loglen = 0;
    logbuf[0] = 0;
}

int log_contains(const char *needle)
{
    return strstr(logbuf, needle) != NULL;
}

const char *log_text(void)
{
    return logbuf;
}
