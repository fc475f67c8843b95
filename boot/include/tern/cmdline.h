/* The command line: "tern.*" options and KEY=VALUE environment entries
 * before "--", the app's arguments after it, drivers' module.param=value
 * words anywhere.  Pure logic. */
#ifndef TERN_CMDLINE_H
#define TERN_CMDLINE_H

#include <tern/boot_info.h>

#define BOOT_MAX_ARGS 64
#define BOOT_MAX_ENV 32
#define BOOT_MAX_PARAMS 32

struct boot_args {
    char buf[BOOT_CMDLINE_MAX]; /* tokens, NUL-separated */
    int argc;
    char *argv[BOOT_MAX_ARGS + 1]; /* argv[0] is the app's name */
    int envc;
    char *env[BOOT_MAX_ENV + 1];
    /* runtime options: set the defaults before cmdline_parse */
    int loglevel;
    int exit_mode;
    int bootstats; /* print the boot phases' TSC marks */
    /* Drivers' module.param=value words: the runtime's wherever they
     * stand (QEMU appends virtio_mmio.device= after the app's
     * arguments), never the app's; lib/core hands them to drivers. */
    int nparams;
    char *params[BOOT_MAX_PARAMS + 1];
    /* Set before cmdline_parse: whether a module.param=value word is a
     * driver's in this image (NULL: every such word is). */
    bool (*param_known)(const char *word);
};

/* A driver's module.param=value word (lowercase key, digits, '_'; a
 * module other than "tern"). */
int cmdline_is_driver_param(const char *word);

/* Never fails: an unknown or malformed option is one warning line and the
 * rest of the line still counts. */
void cmdline_parse(const char *cmdline, const char *app_name,
                   struct boot_args *args);

#endif
