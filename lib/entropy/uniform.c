/* A uniform value below a bound without modulo bias (the method of
 * OpenBSD's arc4random_uniform). */
#include <tern/entropy_pool.h>

uint32_t uniform_threshold(uint32_t bound)
{
    /* 2^32 mod bound, in 32-bit arithmetic: (2^32 - bound) mod bound. */
    return (uint32_t)-bound % bound;
}

uint32_t uniform_below(uint32_t bound, uint32_t (*next)(void *ctx), void *ctx)
{
    uint32_t min, r;

    if (bound < 2)
        return 0;
    min = uniform_threshold(bound);
    /* [min, 2^32) holds a whole number of copies of [0, bound).  Each draw
     * is accepted with probability above 1/2, so the loop ends. */
    do
        r = next(ctx);
    while (r < min);
    return r % bound;
}
