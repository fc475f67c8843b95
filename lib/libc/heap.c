#include <tern/heap.h>

int heap_move(struct heap *h, intptr_t incr, uintptr_t *old)
{
    if (incr > 0 && (uintptr_t)incr > h->end - h->brk)
        return -1;
    if (incr < 0 && (uintptr_t)0 - (uintptr_t)incr > h->brk - h->start)
        return -1;
    *old = h->brk;
    h->brk += (uintptr_t)incr;
    if (h->brk > h->peak)
        h->peak = h->brk;
    return 0;
}
