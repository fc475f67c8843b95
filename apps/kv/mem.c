/* Counting allocator: a 16-byte header before each block holds its size
 * (16 keeps the caller's block aligned for any type). */
#include <stdint.h>
#include <stdlib.h>
#include "mem.h"

static size_t used;
static long fail_after = -1;

void kvmem_fail_after(long n)
{
    fail_after = n;
}

static int injected_failure(void)
{
    if (fail_after < 0)
        return 0;
    if (fail_after == 0)
        return 1;
    fail_after--;
    return 0;
}

void *kvmem_alloc(size_t n)
{
    size_t *h;

    if (n > SIZE_MAX - KVMEM_OVERHEAD || injected_failure())
        return NULL;
    h = malloc(n + KVMEM_OVERHEAD);
    if (!h)
        return NULL;
    h[0] = n;
    used += n + KVMEM_OVERHEAD;
    return (char *)h + KVMEM_OVERHEAD;
}

void kvmem_free(void *p)
{
    size_t *h;

    if (!p)
        return;
    h = (size_t *)((char *)p - KVMEM_OVERHEAD);
    used -= h[0] + KVMEM_OVERHEAD;
    free(h);
}

void *kvmem_realloc(void *p, size_t n)
{
    size_t *h, old;

    if (!p)
        return kvmem_alloc(n);
    if (n > SIZE_MAX - KVMEM_OVERHEAD || injected_failure())
        return NULL;
    h = (size_t *)((char *)p - KVMEM_OVERHEAD);
    old = h[0];
    h = realloc(h, n + KVMEM_OVERHEAD);
    if (!h)
        return NULL; /* the old block stays valid and counted */
    h[0] = n;
    used = used - old + n;
    return (char *)h + KVMEM_OVERHEAD;
}

size_t kvmem_used(void)
{
    return used;
}
