/*
 * newlib's per-thread state: each thread gets its own struct _reent
 * (errno, strtok's position, rand's seed, the buffers of asctime and
 * friends), made current at every switch through _impure_ptr.  stdin,
 * stdout and stderr stay shared: newlib is built with global stdio
 * streams, so reclaiming a thread's reent closes no one's stream.
 */
#include <malloc.h>
#include <reent.h>
#include <string.h>
#include <tern/libc.h>
#include <tern/objpool.h>
#include <tern/sched.h>

static struct obj_pool reent_pool = OBJ_POOL_INIT("libc reents",
                                                  struct _reent);

static void *main_reent(void)
{
    return _impure_ptr;
}

static void *create_reent(void)
{
    struct _reent *r = obj_alloc(&reent_pool);

    if (r)
        _REENT_INIT_PTR(r);
    return r;
}

/* newlib's _reclaim_reent frees the big-number free lists and result
 * but not pow5mult's cache of powers of five (5^4, 5^8, ... up to what
 * strtod or printf needed), about 650 bytes after a strtod("1e-300"). */
static void free_powers_of_five(struct _reent *r)
{
    struct _Bigint *b, *next;

#ifdef _REENT_SMALL
    if (!r->_mp) /* never used: not even allocated */
        return;
#endif
    for (b = _REENT_MP_P5S(r); b; b = next) {
        next = b->_next;
        _free_r(r, b);
    }
    _REENT_MP_P5S(r) = NULL;
}

static void destroy_reent(void *state)
{
    free_powers_of_five(state);
    _reclaim_reent(state);
    obj_free(&reent_pool, state);
}

static void switch_reent(void *state)
{
    _impure_ptr = state;
}

static const struct sched_thread_hooks reent_hooks = {
    main_reent, create_reent, destroy_reent, switch_reent,
};

void libc_threads_init(void)
{
    sched_set_thread_hooks(&reent_hooks);
}
