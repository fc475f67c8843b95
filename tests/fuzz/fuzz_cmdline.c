/*
 * libFuzzer target: the command-line parser (boot/cmdline.c) against a
 * second, plain reading of the same rules: words split at blanks, double
 * quotes grouping and removed; before the first "--" KEY=VALUE words are
 * the environment, after it every word is an argument; a
 * virtio_mmio.device= word anywhere is the runtime's.  The input (up to
 * its first NUL) is the line.  Also: every pointer inside the parser's
 * buffer and terminated, options within their ranges, and no warning
 * that prints bytes the line did not contain (stale buffer contents).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tern/cmdline.h>
#include <tern/exit.h>
#include <tern/log.h>
#include <tern/virtio_mmio.h>

#define STALE 0xa5 /* what the parser's buffer holds before it runs */

const char *log_text(void);
void log_clear(void);

#define check(ok)                                                         \
    do {                                                                  \
        if (!(ok)) {                                                      \
            fprintf(stderr, "fuzz_cmdline.c:%d: %s\n", __LINE__, #ok);    \
            abort();                                                      \
        }                                                                 \
    } while (0)

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The reference reading: words[] into store[], NUL-separated. */
static int split(const char *s, char *store, char **words, int max)
{
    int n = 0;

    for (;;) {
        int quoted = 0;

        while (blank(*s))
            s++;
        if (!*s || n == max)
            return n;
        words[n++] = store;
        for (; *s && (quoted || !blank(*s)); s++)
            if (*s == '"')
                quoted = !quoted;
            else
                *store++ = *s;
        *store++ = 0;
    }
}

static int in_buf(const struct boot_args *a, const char *p)
{
    return p >= a->buf && p < a->buf + sizeof(a->buf) &&
           memchr(p, 0, (size_t)(a->buf + sizeof(a->buf) - p));
}

/* Which words are drivers' is the parser's own rule (unit-tested with
 * examples in test_cmdline_mmio.c); the rest of the reading is checked
 * against the reference below. */
static int mmio_word(const char *w)
{
    return cmdline_is_driver_param(w);
}

static void compare(const struct boot_args *a, char **words, int n)
{
    int argc = 1, envc = 0, i = 0;

    for (; i < n && strcmp(words[i], "--"); i++)
        if (strncmp(words[i], "tern.", 5) && strchr(words[i], '=') &&
            words[i][0] != '=' && !mmio_word(words[i]) &&
            envc < BOOT_MAX_ENV)
            check(!strcmp(a->env[envc++], words[i]));
    for (i++; i < n; i++)
        if (!mmio_word(words[i]) && argc < BOOT_MAX_ARGS)
            check(!strcmp(a->argv[argc++], words[i]));
    check(a->argc == argc && a->envc == envc);
}

/* Every driver word kept is one; every virtio-mmio slot the driver
 * would accept from one is one a transport may map. */
static void check_mmio(const struct boot_args *a)
{
    check(a->nparams >= 0 && a->nparams <= BOOT_MAX_PARAMS);
    for (int i = 0; i < a->nparams; i++) {
        struct mmio_range slot, *d = &slot;
        char why[64];

        check(in_buf(a, a->params[i]) && mmio_word(a->params[i]));
        if (strncmp(a->params[i], "virtio_mmio.device=", 19) ||
            virtio_mmio_word(a->params[i] + 19, &slot, why, sizeof(why)))
            continue;
        check(d->size >= MMIO_SLOT_MIN_SIZE && d->size <= MMIO_SLOT_MAX_SIZE);
        check(d->addr % 4 == 0 && d->addr + d->size > d->addr &&
              d->addr + d->size <= 1ull << 52);
        check(d->gsi >= 1 && d->gsi <= MMIO_SLOT_MAX_GSI);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct boot_args args;
    static char line[BOOT_CMDLINE_MAX], store[2 * BOOT_CMDLINE_MAX];
    static char *words[BOOT_CMDLINE_MAX];
    int n, stale_in_line;

    if (size >= sizeof(line)) /* the kernel copies at most this much */
        size = sizeof(line) - 1;
    memcpy(line, data, size);
    line[size] = 0;
    stale_in_line = strchr(line, STALE) != NULL;
    memset(&args, STALE, sizeof(args));
    args.loglevel = LOG_INFO;
    args.exit_mode = TERN_EXIT_MODE_POWEROFF;
    args.bootstats = 0;
    args.param_known = NULL; /* every dotted word a driver's */
    log_clear();
    cmdline_parse(line, "app", &args);

    check(args.argc >= 1 && args.argc <= BOOT_MAX_ARGS);
    check(args.envc >= 0 && args.envc <= BOOT_MAX_ENV);
    check(!strcmp(args.argv[0], "app") && !args.argv[args.argc] &&
          !args.env[args.envc]);
    for (int i = 1; i < args.argc; i++)
        check(in_buf(&args, args.argv[i]) && !strchr(args.argv[i], '"'));
    for (int i = 0; i < args.envc; i++)
        check(in_buf(&args, args.env[i]) && strchr(args.env[i], '=') &&
              args.env[i][0] != '=' && !strchr(args.env[i], '"'));
    check(args.loglevel >= 0 && args.loglevel <= 4);
    check(args.exit_mode >= TERN_EXIT_MODE_POWEROFF &&
          args.exit_mode <= TERN_EXIT_MODE_HALT);
    check(args.bootstats == 0 || args.bootstats == 1);
    check_mmio(&args);
    if (!stale_in_line)
        check(!strchr(log_text(), STALE));
    n = split(line, store, words, BOOT_CMDLINE_MAX);
    compare(&args, words, n);
    return 0;
}
