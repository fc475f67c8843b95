/* getentropy() and the arc4random family for apps, over the runtime's
 * generator (entropy_read).
 *
 * newlib 3.3.0's libc.a has its own arc4random (OpenBSD's, ChaCha20 keyed
 * by getentropy), but when getentropy fails it calls raise(SIGKILL),
 * which returns on Tern (kill() is ENOSYS), and then keys itself from an
 * uninitialised stack buffer.  Defining all three functions here keeps
 * that object out of the link (the build would fail on a duplicate
 * symbol if it came back), and the failure becomes one clear fatal line. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <tern/entropy.h>
#include <tern/entropy_pool.h>
#include <tern/exit.h>
#include <unistd.h>

#define GETENTROPY_MAX 256 /* POSIX.1-2024 <limits.h>; newlib lacks it */

/* POSIX.1-2024: EINVAL above GETENTROPY_MAX, ENOSYS when "the system does
 * not provide the necessary source of entropy".  EFAULT for a null
 * buffer, as OpenBSD's. */
int getentropy(void *buffer, size_t length)
{
    if (length > GETENTROPY_MAX) {
        errno = EINVAL;
        return -1;
    }
    if (!buffer && length) {
        errno = EFAULT;
        return -1;
    }
    if (entropy_read(buffer, length)) {
        errno = ENOSYS;
        return -1;
    }
    return 0;
}

/* arc4random cannot return an error: predictable numbers handed out
 * silently would be worse than stopping. */
void arc4random_buf(void *buf, size_t n)
{
    if (entropy_read(buf, n))
        tern_fatal(TERN_EXIT_NO_ENTROPY,
                   "entropy: arc4random: no strong random source (no usable "
                   "RDSEED or RDRAND, nothing credited by a driver such as "
                   "virtio-rng): stopping rather than hand out predictable "
                   "numbers (docs/entropy.md)");
}

uint32_t arc4random(void)
{
    uint32_t v;

    arc4random_buf(&v, sizeof(v));
    return v;
}

static uint32_t next_u32(void *ctx)
{
    (void)ctx;
    return arc4random();
}

uint32_t arc4random_uniform(uint32_t upper_bound)
{
    return uniform_below(upper_bound, next_u32, 0);
}
