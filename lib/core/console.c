/* Line-buffered console fan-out.  A line goes to every registered sink. */
#include <stdarg.h>
#include <string.h>
#include <tern/console.h>
#include <tern/format.h>

#define MAX_SINKS 4
#define LINE_MAX 256

static struct {
    const char *name;
    console_write_fn write;
} sinks[MAX_SINKS];
static unsigned nsinks;
static char line[LINE_MAX];
static size_t line_len;
static char names[64];

void console_register(const char *name, console_write_fn write)
{
    if (nsinks == MAX_SINKS)
        return;
    sinks[nsinks].name = name;
    sinks[nsinks].write = write;
    nsinks++;
    if (names[0])
        strncat(names, ",", sizeof(names) - strlen(names) - 1);
    strncat(names, name, sizeof(names) - strlen(names) - 1);
}

/* The fatal path's last resort: the consoles may be what faults. */
void console_silence(void)
{
    nsinks = 0;
    line_len = 0;
}

const char *console_names(void)
{
    return names[0] ? names : "none";
}

void console_flush(void)
{
    for (unsigned i = 0; i < nsinks; i++)
        sinks[i].write(line, line_len);
    line_len = 0;
}

/* Whole runs up to each newline, not a byte at a time: the boot's
 * start-of-day lines are a good part of its instructions. */
void console_write(const char *s, size_t n)
{
    while (n) {
        size_t room = LINE_MAX - line_len, take = n < room ? n : room;
        const char *nl = memchr(s, '\n', take);

        if (nl)
            take = (size_t)(nl - s) + 1;
        memcpy(line + line_len, s, take);
        line_len += take;
        s += take;
        n -= take;
        if (nl || line_len == LINE_MAX)
            console_flush();
    }
}

int tern_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = tern_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    console_write(buf, strlen(buf));
    return n;
}
