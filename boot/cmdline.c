/*
 * Command-line splitter.  Words are separated by blanks; double quotes
 * group blanks into one word ("a b" -> a b) and are removed.
 */
#include <string.h>
#include <tern/cmdline.h>
#include <tern/exit.h>
#include <tern/format.h>
#include <tern/log.h>

#define MMIO_WORD "virtio_mmio.device="
#define MMIO_ADDR_LIMIT (1ull << 52) /* x86-64's physical address width */

struct option {
    const char *name; /* after "tern." */
    int (*apply)(struct boot_args *args, const char *value);
    const char *expected;
    int flag; /* may stand alone: "tern.bootstats" means "=1" */
};

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copy the next word of *src into *dst (NUL-terminated); 0 at the end. */
static const char *next_word(const char **src, char **dst, char *limit)
{
    const char *s = *src;
    char *word = *dst, *d = *dst;
    int quoted = 0;

    while (is_blank(*s))
        s++;
    if (*s == 0)
        return 0;
    if (d >= limit - 1) {
        pr_warn("cmdline: too long, '%s' and the rest ignored", s);
        return 0;
    }
    for (; *s && (quoted || !is_blank(*s)) && d < limit - 1; s++) {
        if (*s == '"')
            quoted = !quoted;
        else
            *d++ = *s;
    }
    *d++ = 0; /* before the warning, which prints the word */
    if (quoted)
        pr_warn("cmdline: unterminated quote in '%s'", word);
    *src = s;
    *dst = d;
    return word;
}

static int match_word(const char *value, const char *const *words, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(value, words[i]) == 0)
            return i;
    return -1;
}

static int apply_loglevel(struct boot_args *args, const char *value)
{
    static const char *const names[] = {"quiet", "error", "warn", "info",
                                        "debug"};
    int level = match_word(value, names, 5);

    if (level < 0 && value[0] >= '0' && value[0] <= '4' && value[1] == 0)
        level = value[0] - '0';
    if (level < 0)
        return -1;
    args->loglevel = level;
    return 0;
}

static int apply_exit(struct boot_args *args, const char *value)
{
    static const char *const modes[] = {"poweroff", "debugexit", "halt"};
    int mode = match_word(value, modes, 3);

    if (mode < 0)
        return -1;
    args->exit_mode = mode; /* same order as enum tern_exit_mode */
    return 0;
}

static int apply_bootstats(struct boot_args *args, const char *value)
{
    if (strcmp(value, "0") && strcmp(value, "1"))
        return -1;
    args->bootstats = value[0] == '1';
    return 0;
}

static const struct option options[] = {
    {"loglevel", apply_loglevel, "0-4 or quiet|error|warn|info|debug", 0},
    {"exit", apply_exit, "poweroff|debugexit|halt", 0},
    {"bootstats", apply_bootstats, "0|1", 1},
};

static void apply_option(struct boot_args *args, const char *word)
{
    const char *name = word + 5; /* past "tern." */
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);

    for (unsigned i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
        const struct option *o = &options[i];

        if (strlen(o->name) != len || strncmp(o->name, name, len) != 0)
            continue;
        if (!eq && o->flag)
            o->apply(args, "1");
        else if (!eq)
            pr_warn("option '%s' needs a value (%s)", word, o->expected);
        else if (o->apply(args, eq + 1))
            pr_warn("option '%s': bad value '%s' (expected %s)", word,
                    eq + 1, o->expected);
        return;
    }
    pr_warn("unknown option '%s' ignored", word);
}

/* An unsigned number as C writes it (0x hex, 0 octal, else decimal), as
 * Linux's memparse and %lli read virtio_mmio.device=.  -1 with no digit
 * or on overflow. */
static int read_number(const char **s, uint64_t *v)
{
    const char *p = *s;
    unsigned base = 10, digits = 0;

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    } else if (p[0] == '0') {
        base = 8;
    }
    for (*v = 0;; p++, digits++) {
        unsigned d;

        if (*p >= '0' && *p <= '9')
            d = (unsigned)(*p - '0');
        else if (*p >= 'a' && *p <= 'f')
            d = (unsigned)(*p - 'a' + 10);
        else if (*p >= 'A' && *p <= 'F')
            d = (unsigned)(*p - 'A' + 10);
        else
            break;
        if (d >= base)
            break;
        if (*v > (UINT64_MAX - d) / base)
            return -1;
        *v = *v * base + d;
    }
    *s = p;
    return digits ? 0 : -1;
}

/* memparse's suffixes on the size: K, M, G. */
static int read_size(const char **s, uint64_t *v)
{
    static const char suffixes[] = "KMG";

    if (read_number(s, v))
        return -1;
    for (unsigned i = 0; i < 3; i++)
        if (**s == suffixes[i] || **s == suffixes[i] + 32) {
            unsigned shift = 10 * (i + 1);

            if (*v > UINT64_MAX >> shift)
                return -1;
            *v <<= shift;
            (*s)++;
            break;
        }
    return 0;
}

static int mmio_fail(char *why, unsigned whylen, const char *what)
{
    tern_snprintf(why, whylen, "%s", what);
    return -1;
}

int cmdline_virtio_mmio(const char *value, struct boot_mmio_dev *out,
                        char *why, unsigned whylen)
{
    const char *s = value;
    uint64_t size, addr, irq, id;

    if (read_size(&s, &size))
        return mmio_fail(why, whylen, "no size, or a size that overflows");
    if (size == 0)
        return mmio_fail(why, whylen, "size 0");
    if (size < BOOT_MMIO_MIN_SIZE || size > BOOT_MMIO_MAX_SIZE)
        return mmio_fail(why, whylen, "size outside 0x100-0x10000");
    if (*s++ != '@' || read_number(&s, &addr))
        return mmio_fail(why, whylen, "no '@<address>', or one that "
                                      "overflows");
    if (addr % 4)
        return mmio_fail(why, whylen, "address not 4-byte aligned");
    if (addr + size < addr || addr + size > MMIO_ADDR_LIMIT)
        return mmio_fail(why, whylen, "address range past 2^52");
    if (*s++ != ':' || read_number(&s, &irq))
        return mmio_fail(why, whylen, "no ':<irq>'");
    if (irq == 0 || irq > BOOT_MMIO_MAX_GSI)
        return mmio_fail(why, whylen, "IRQ outside 1-255");
    if (*s == ':' && (s++, read_number(&s, &id))) /* Linux's device id */
        return mmio_fail(why, whylen, "bad ':<id>'");
    if (*s)
        return mmio_fail(why, whylen, "trailing characters");
    out->addr = addr;
    out->size = size;
    out->gsi = (uint32_t)irq;
    return 0;
}

static void take_mmio_word(struct boot_args *args, const char *word)
{
    char why[64];
    struct boot_mmio_dev dev;

    if (cmdline_virtio_mmio(word + sizeof(MMIO_WORD) - 1, &dev, why,
                            sizeof(why)))
        pr_warn("cmdline: '%s' ignored: %s", word, why);
    else if (args->nmmio == BOOT_MAX_MMIO)
        pr_warn("cmdline: more than %d virtio_mmio.device words: '%s' "
                "dropped", BOOT_MAX_MMIO, word);
    else
        args->mmio[args->nmmio++] = dev;
}

static void add_word(char **list, int *count, int max, const char *what,
                     char *word)
{
    if (*count < max)
        list[(*count)++] = word;
    else
        pr_warn("cmdline: more than %d %s: '%s' dropped", max, what, word);
}

void cmdline_parse(const char *cmdline, const char *app_name,
                   struct boot_args *args)
{
    char *dst = args->buf, *limit = args->buf + sizeof(args->buf);
    const char *src = cmdline ? cmdline : "";
    const char *word;
    int app_part = 0;

    args->argc = 1;
    args->argv[0] = (char *)app_name;
    args->envc = 0;
    args->nmmio = 0;
    while ((word = next_word(&src, &dst, limit)) != 0) {
        char *w = (char *)word;

        if (strncmp(w, MMIO_WORD, sizeof(MMIO_WORD) - 1) == 0)
            take_mmio_word(args, w);
        else if (app_part)
            add_word(args->argv, &args->argc, BOOT_MAX_ARGS, "arguments", w);
        else if (strcmp(w, "--") == 0)
            app_part = 1;
        else if (strncmp(w, "tern.", 5) == 0)
            apply_option(args, w);
        else if (strchr(w, '=') && w[0] != '=')
            add_word(args->env, &args->envc, BOOT_MAX_ENV, "variables", w);
        else
            pr_warn("cmdline: '%s' ignored: app arguments go after '--'", w);
    }
    args->argv[args->argc] = 0;
    args->env[args->envc] = 0;
}
