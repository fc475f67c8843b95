/*
 * The platform: what the machine gives the runtime beyond the CPU.
 * Generic code (boot, lib/) asks through this table and never names a
 * hypervisor.  Each platform (arch/x86_64/pc, arch/x86_64/xen) defines
 * one with PLATFORM(), and platform_init() takes the first whose detect()
 * says yes, in rank order; "pc" detects always and is the base: what a
 * platform leaves NULL is done as on pc (a Xen PVH guest still has the
 * PC's debug port, say).
 */
#ifndef TERN_PLATFORM_H
#define TERN_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

struct boot_info;
struct mem_region;
struct refclock;

struct platform_timer {
    const char *name;
    void (*arm)(uint64_t deadline_ns); /* one shot at this monotonic time */
    /* Events it has delivered: the scheduler keeps the local APIC's timer
     * as a backup and warns when only the backup fires. */
    uint64_t (*delivered)(void);
};

struct platform {
    const char *name;
    unsigned rank; /* lower is tried first */
    /* True on this machine (CPUID); never prints, runs before consoles. */
    bool (*detect)(void);
    /* Consoles and whatever must be up before start_info is read: 0, or
     * -1 when this platform cannot run after all (the next is tried). */
    int (*start)(void);
    /* A memory map when start_info has none: entries, or <= 0. */
    int (*memmap)(struct mem_region *out, unsigned cap, const char **source);
    /* start_info gave a map: compare with the platform's own (warnings). */
    void (*memmap_check)(const struct mem_region *map, unsigned n);
    /* Start-of-day lines of its own. */
    void (*describe)(const struct boot_info *bi);

    /* Time.  Either a clock of its own (nanoseconds since some moment
     * before boot, 0 when it fails) with the TSC's rate it knows, or a
     * reference counter to measure the TSC against (NULL: none). */
    uint64_t (*clock_ns)(void);
    uint64_t (*clock_tsc_hz)(void);
    const char *clock_name;
    const struct refclock *(*refclock)(void);
    /* The date now, ns since 1970 UTC, for the wall clock; 0 unknown.
     * Its waits are bounded by now_ns.  clock_ns platforms give the date
     * at clock_ns() == 0 instead. */
    uint64_t (*wall_ns)(uint64_t (*now_ns)(void));
    uint64_t (*wall_base_ns)(void);
    /* A timer of its own for the scheduler: 0 and *out filled, or -1
     * (the local APIC's timer is used). */
    int (*timer)(struct platform_timer *out);

    /* Devices doing DMA would not see guest-physical addresses (a Xen
     * PVH guest: machine frames differ, and Tern has no IOMMU or grant
     * path for them): drivers that hand a device memory must not run. */
    bool dma_not_physical;

    /* Leaving: the status where the VMM reads it (isa-debug-exit). */
    void (*exit_status)(int status);
    /* Power off, or with crash set a crash stop; returns if it did not
     * take (the caller halts). */
    void (*power_off)(bool crash);
    const char *(*power_off_name)(void);
};

/* What platform_init chose, merged over pc's. */
extern struct platform platform;
void platform_init(void);

/* For platforms: one table in the image's platform set. */
#define PLATFORM(var)                                                  \
    const struct platform var                                          \
        __attribute__((used, section(".tern_platforms"), aligned(8)))

#endif
