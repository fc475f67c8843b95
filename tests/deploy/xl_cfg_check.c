/*
 * xl-cfg-check FILE: read an xl domain file with xl's own parser
 * (libxlutil, the code `xl create` reads it with) and check the keys
 * scripts/deploy-config writes, with the calls tools/xl/xl_parse.c makes
 * for them.  `xl create -N` would do this, but xl opens Xen's privcmd
 * before it reads anything, so it cannot run on a host without Xen.
 *
 * Prints one line describing the domain and exits 0, or a line per
 * problem and exits 1.
 */
#include <libxl.h>
#include <libxlutil.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *file;
static int problems;

static void problem(const char *what, const char *detail)
{
    fprintf(stderr, "xl-cfg-check: %s: %s%s\n", file, what, detail);
    problems++;
}

/* A path xl would open (kernel, ramdisk, disk target): it must be there. */
static void check_path(const char *key, const char *path)
{
    if (path[0] != '/')
        problem(key, " is not an absolute path");
    else if (access(path, R_OK) != 0)
        problem(key, " names a file that is not there or not readable");
}

static const char *string(XLU_Config *cfg, const char *key, int required)
{
    const char *v = NULL;
    if (xlu_cfg_get_string(cfg, key, &v, !required) && required)
        problem(key, " is missing or not a string");
    return v;
}

static long number(XLU_Config *cfg, const char *key, long min)
{
    long v = 0;
    if (xlu_cfg_get_long(cfg, key, &v, 0))
        problem(key, " is missing or not a number");
    else if (v < min)
        problem(key, " is too small");
    return v;
}

static void check_action(XLU_Config *cfg, const char *key)
{
    libxl_action_on_shutdown a;
    const char *v = string(cfg, key, 1);
    if (v && libxl_action_on_shutdown_from_string(v, &a))
        problem(key, " is not an action xl knows");
}

static void check_disks(XLU_Config *cfg)
{
    XLU_ConfigList *list;
    int n = 0;
    if (xlu_cfg_get_list(cfg, "disk", &list, &n, 1))
        return; /* no disk: fine */
    for (int i = 0; i < n; i++) {
        const char *spec = xlu_cfg_get_listitem(list, i);
        libxl_device_disk d;
        libxl_device_disk_init(&d);
        if (!spec || xlu_disk_parse(cfg, 1, &spec, &d))
            problem("disk", " spec does not parse (xl-disk-configuration(5))");
        else if (d.format != LIBXL_DISK_FORMAT_RAW || !d.vdev || !d.pdev_path)
            problem("disk", " spec lacks format=raw, vdev or target");
        else {
            check_path("disk target", d.pdev_path);
            printf("disk %s on %s (%s); ", d.pdev_path, d.vdev,
                   d.readwrite ? "rw" : "ro");
        }
        libxl_device_disk_dispose(&d);
    }
}

/* parse_nic_config in tools/xl/xl_parse.c: comma-separated key=value. */
static void check_vifs(XLU_Config *cfg)
{
    static const char *const keys[] = {
        "bridge", "mac", "ip", "script", "backend", "vifname", "model",
        "type", "rate", "mtu", "devid", "gatewaydev", "accel", NULL };
    XLU_ConfigList *list;
    int n = 0;
    if (xlu_cfg_get_list(cfg, "vif", &list, &n, 1))
        return;
    for (int i = 0; i < n; i++) {
        const char *spec = xlu_cfg_get_listitem(list, i);
        char buf[256], *save = NULL;
        if (!spec || strlen(spec) >= sizeof(buf)) {
            problem("vif", " spec is not a string or too long");
            continue;
        }
        strcpy(buf, spec);
        for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
            while (*w == ' ')
                w++;
            char *eq = strchr(w, '=');
            int known = 0;
            if (eq) {
                *eq = 0;
                for (int k = 0; keys[k]; k++)
                    known |= !strcmp(keys[k], w);
            }
            if (!known || !eq[1])
                problem("vif", " spec has an item that is not KEY=VALUE with a known key");
        }
        printf("vif '%s'; ", spec);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: xl-cfg-check FILE\n");
        return 2;
    }
    file = argv[1];
    XLU_Config *cfg = xlu_cfg_init(stderr, file);
    if (!cfg || xlu_cfg_readfile(cfg, file)) {
        problem("does not parse as an xl.cfg(5) file", "");
        return 1;
    }
    const char *type = string(cfg, "type", 1);
    if (type && strcmp(type, "pvh"))
        problem("type", " is not \"pvh\"");
    const char *name = string(cfg, "name", 1);
    const char *kernel = string(cfg, "kernel", 1);
    if (kernel)
        check_path("kernel", kernel);
    const char *ramdisk = string(cfg, "ramdisk", 0);
    if (ramdisk)
        check_path("ramdisk", ramdisk);
    long mem = number(cfg, "memory", 4);
    number(cfg, "vcpus", 1);
    check_action(cfg, "on_poweroff");
    check_action(cfg, "on_crash");
    const char *cmdline = string(cfg, "cmdline", 0);
    printf("xl-cfg-check: %s: pvh domain %s, kernel %s, memory %ld MiB; ",
           file, name ? name : "?", kernel ? kernel : "?", mem);
    if (ramdisk)
        printf("ramdisk %s; ", ramdisk);
    if (cmdline)
        printf("cmdline \"%s\"; ", cmdline);
    check_disks(cfg);
    check_vifs(cfg);
    printf("\n");
    xlu_cfg_destroy(cfg);
    return problems ? 1 : 0;
}
