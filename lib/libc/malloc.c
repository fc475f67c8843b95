/*
 * newlib's allocator entry points, on the kernel's (lib/mm/kalloc.c):
 * memory comes from the page allocator when it is asked for, not from a
 * heap set aside at boot, and large blocks go back to it when freed.
 * Defining every _r entry point keeps newlib's nano-malloc out of the
 * link.  A pointer that malloc did not hand out, given to free or
 * realloc, stops the VM with a line naming it.
 */
#include <errno.h>
#include <stdbool.h>
#include <malloc.h>
#include <reent.h>
#include <string.h>
#include <tern/kalloc.h>
#include <tern/mm.h>

static void *out_of_memory(struct _reent *r)
{
    r->_errno = ENOMEM;
    return NULL;
}

void *_malloc_r(struct _reent *r, size_t n)
{
    void *p = kmalloc(n);

    return p ? p : out_of_memory(r);
}

void _free_r(struct _reent *r, void *p)
{
    (void)r;
    kfree(p);
}

void *_calloc_r(struct _reent *r, size_t count, size_t size)
{
    void *p;

    if (size && count > (size_t)-1 / size)
        return out_of_memory(r);
    p = kzalloc(count * size);
    return p ? p : out_of_memory(r);
}

void *_realloc_r(struct _reent *r, void *old, size_t n)
{
    size_t have;
    void *p;

    if (!old)
        return _malloc_r(r, n);
    if (!n) {
        kfree(old);
        return NULL;
    }
    have = kmalloc_usable(old);
    if (n <= have && n > have / 4) /* fits, and not a waste of the block */
        return old;
    if (!(p = kmalloc(n)))
        return out_of_memory(r); /* old stays valid, as C says */
    memcpy(p, old, n < have ? n : have);
    kfree(old);
    return p;
}

static bool power_of_two(size_t v)
{
    return v && !(v & (v - 1));
}

/* Any power of two (0 is not one): memalign(3) and memalign(24) are both
 * EINVAL, as glibc has it; below 16 the block is 16-aligned anyway. */
void *_memalign_r(struct _reent *r, size_t align, size_t n)
{
    void *p;

    if (!power_of_two(align)) {
        r->_errno = EINVAL;
        return NULL;
    }
    p = kmalloc_aligned(n, align);
    return p ? p : out_of_memory(r);
}

/* newlib's aligned_alloc is posix_memalign, which its malloc (left out
 * of the link) would have given: an alignment that is not a power of two
 * times sizeof(void *) is EINVAL; errno is left alone, as POSIX says. */
int posix_memalign(void **out, size_t align, size_t n)
{
    void *p;

    if (!power_of_two(align) || align % sizeof(void *))
        return EINVAL;
    if (!(p = kmalloc_aligned(n, align)))
        return ENOMEM;
    *out = p;
    return 0;
}

void *_valloc_r(struct _reent *r, size_t n)
{
    return _memalign_r(r, PAGE_SIZE, n);
}

void *_pvalloc_r(struct _reent *r, size_t n)
{
    return _memalign_r(r, PAGE_SIZE, (n + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
}

size_t _malloc_usable_size_r(struct _reent *r, void *p)
{
    (void)r;
    return kmalloc_usable(p);
}

struct mallinfo _mallinfo_r(struct _reent *r)
{
    const struct kalloc_stats *s = kalloc_stats();
    struct mallinfo m;

    (void)r;
    memset(&m, 0, sizeof(m));
    m.arena = (size_t)s->peak;
    m.uordblks = (size_t)s->in_use;
    return m;
}

void _malloc_stats_r(struct _reent *r)
{
    (void)r;
}

int _mallopt_r(struct _reent *r, int param, int value)
{
    (void)r;
    (void)param;
    (void)value;
    return 0; /* nothing to tune */
}
