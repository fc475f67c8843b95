/* A counter that runs at a known rate, which a platform offers so that
 * the TSC's rate can be measured against it (lib/time). */
#ifndef TERN_REFCLOCK_H
#define TERN_REFCLOCK_H

#include <stdint.h>

struct ref_counter {
    uint32_t hz;
    uint32_t mask; /* 0xffff, 0xffffff, 0xffffffff: it wraps past this */
};

struct refclock {
    const char *name;
    struct ref_counter counter;
    uint32_t (*read)(void); /* counting up, within counter.mask */
};

#endif
