/*
 * Command-line splitter.  Words are separated by blanks; double quotes
 * group blanks into one word ("a b" -> a b) and are removed.
 */
#include <string.h>
#include <tern/cmdline.h>
#include <tern/exit.h>
#include <tern/log.h>


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

/* module.param=value (lowercase, digits, '_'; a module other than
 * "tern"): a driver's parameter, the runtime's wherever it stands, as
 * Linux takes them (QEMU's microvm appends virtio_mmio.device= words
 * after the app's "--"). */
int cmdline_is_driver_param(const char *w)
{
    const char *eq = strchr(w, '='), *dot = strchr(w, '.');

    if (!eq || !dot || dot > eq || dot == w || dot + 1 == eq ||
        !strncmp(w, "tern.", 5))
        return 0;
    for (const char *c = w; c < eq; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == '.'))
            return 0;
    return 1;
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
    args->nparams = 0;
    while ((word = next_word(&src, &dst, limit)) != 0) {
        char *w = (char *)word;

        if (cmdline_is_driver_param(w) &&
            (!args->param_known || args->param_known(w)))
            add_word(args->params, &args->nparams, BOOT_MAX_PARAMS,
                     "driver parameters", w);
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
