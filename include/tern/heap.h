/* The sbrk heap: one contiguous run of pages taken at start-up.  Pure
 * bounds logic, unit-tested on the host. */
#ifndef TERN_HEAP_H
#define TERN_HEAP_H

#include <stdint.h>

struct heap {
    uintptr_t start, brk, end;
    uintptr_t peak; /* highest break so far */
};

/* Move the break by incr; the old break in *old.  0, or -1 when the heap
 * would pass its end (ENOMEM) or go below its start (EINVAL) - then
 * nothing changes. */
int heap_move(struct heap *h, intptr_t incr, uintptr_t *old);

#endif
