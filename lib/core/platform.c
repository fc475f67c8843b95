/* Choosing the platform: the first, by rank, whose detect() says yes,
 * merged over pc's table so that generic code calls without checking
 * for NULL.  The set is whatever platforms the image was built with
 * (Kconfig), found through the linker section PLATFORM() places them
 * in: nothing here names one but the base. */
#include <stddef.h>
#include <tern/exit.h>
#include <tern/log.h>
#include <tern/platform.h>

extern const struct platform _platforms_start[], _platforms_end[];
extern const struct platform platform_pc;

struct platform platform;

#define MERGE(field)                                                        \
    do {                                                                    \
        if (p->field)                                                       \
            platform.field = p->field;                                      \
    } while (0)

static void merge_over_pc(const struct platform *p)
{
    platform = platform_pc;
    platform.name = p->name;
    platform.rank = p->rank;
    MERGE(detect);
    MERGE(start);
    MERGE(memmap);
    MERGE(memmap_check);
    MERGE(describe);
    MERGE(clock_ns);
    MERGE(clock_tsc_hz);
    MERGE(clock_name);
    MERGE(refclock);
    MERGE(wall_ns);
    MERGE(wall_base_ns);
    MERGE(timer);
    MERGE(dma_not_physical);
    MERGE(exit_status);
    MERGE(power_off);
    MERGE(power_off_name);
}

/* The detected platform not yet tried with the lowest rank above min. */
static const struct platform *next_candidate(unsigned min, bool first)
{
    const struct platform *best = NULL;

    for (const struct platform *p = _platforms_start; p < _platforms_end;
         p++)
        if ((first ? p->rank >= min : p->rank > min) &&
            (!best || p->rank < best->rank) && (!p->detect || p->detect()))
            best = p;
    return best;
}

void platform_init(void)
{
    const struct platform *p = next_candidate(0, true);

    while (p) {
        merge_over_pc(p);
        if (!platform.start || platform.start() == 0)
            return;
        pr_warn("platform: %s detected but could not start; trying the next",
                p->name);
        p = next_candidate(p->rank, false);
    }
    merge_over_pc(&platform_pc);
    if (platform.start)
        platform.start();
}
