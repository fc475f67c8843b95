/* The command line: "tern.*" options and KEY=VALUE environment entries
 * before "--", the app's arguments after it.  Pure logic. */
#ifndef TERN_CMDLINE_H
#define TERN_CMDLINE_H

#include <tern/boot_info.h>

#define BOOT_MAX_ARGS 64
#define BOOT_MAX_ENV 32
#define BOOT_MAX_MMIO 32

/* A virtio-mmio device named on the command line
 * (virtio_mmio.device=<size>@<addr>:<irq>[:<id>], Linux's form, which
 * QEMU's microvm appends with acpi=off). */
struct boot_mmio_dev {
    uint64_t addr, size;
    uint32_t gsi;
};
/* Register block (0x100) plus the device's config space; QEMU gives 512,
 * Firecracker 4096: anything past this is not a virtio-mmio slot. */
#define BOOT_MMIO_MIN_SIZE 0x100u
#define BOOT_MMIO_MAX_SIZE 0x10000u
#define BOOT_MMIO_MAX_GSI 255u

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
    /* virtio_mmio.device= words: the runtime's wherever they stand
     * (QEMU appends them after the app's arguments), never the app's */
    int nmmio;
    struct boot_mmio_dev mmio[BOOT_MAX_MMIO];
};

/* Never fails: an unknown or malformed option is one warning line and the
 * rest of the line still counts. */
void cmdline_parse(const char *cmdline, const char *app_name,
                   struct boot_args *args);

/* The value of a virtio_mmio.device= word: 0, or -1 with why[] set (size
 * 0 or out of range, a number that overflows, an address range that
 * wraps or lies past 2^52, no IRQ, an IRQ of 0 or above
 * BOOT_MMIO_MAX_GSI, trailing characters). */
int cmdline_virtio_mmio(const char *value, struct boot_mmio_dev *out,
                        char *why, unsigned whylen);

#endif
