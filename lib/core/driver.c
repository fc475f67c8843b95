/* DRIVER_INIT's set (a linker section) and the drivers' parameters. */
#include <string.h>
#include <tern/driver.h>

extern const driver_init_fn _driver_init_start[], _driver_init_end[];
extern const char *const _driver_params_start[];
extern const char *const _driver_params_end[];

bool driver_param_known(const char *word)
{
    for (const char *const *m = _driver_params_start; m < _driver_params_end;
         m++) {
        size_t len = strlen(*m);

        if (!strncmp(word, *m, len) && word[len] == '.')
            return true;
    }
    return false;
}

static char *const *params;
static unsigned nparams;

void driver_params_set(char *const *words, unsigned n)
{
    params = words;
    nparams = n;
}

void drivers_init(const struct boot_info *bi)
{
    for (const driver_init_fn *f = _driver_init_start; f < _driver_init_end;
         f++)
        (*f)(bi);
}

const char *driver_param_next(const char *key, unsigned *iter)
{
    size_t len = strlen(key);

    while (*iter < nparams) {
        const char *w = params[(*iter)++];

        if (!strncmp(w, key, len) && w[len] == '=')
            return w + len + 1;
    }
    return NULL;
}

#define EXIT_HOOKS 8
static void (*exit_hooks[EXIT_HOOKS])(void);
static unsigned nexit_hooks;

int driver_at_exit(void (*fn)(void))
{
    if (nexit_hooks == EXIT_HOOKS)
        return -1;
    exit_hooks[nexit_hooks++] = fn;
    return 0;
}

void drivers_exit(void)
{
    /* Taken off before it runs: a hook that exits again (or faults into
     * tern_exit) does not run twice. */
    while (nexit_hooks)
        exit_hooks[--nexit_hooks]();
}
