/*
 * setsockopt and getsockopt: lwIP's, except the timeouts.  SO_RCVTIMEO
 * and SO_SNDTIMEO bound the descriptor table's waits (lwIP's side of a
 * socket never blocks), so they live on the file.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <tern/file.h>
#include <tern/socket.h>

#define NS_PER_SEC 1000000000ull
#define MAX_TIMEOUT_SEC (UINT64_MAX / NS_PER_SEC / 2)
/* timeout_ns 0 is no timeout at all, so "no wait" is the shortest one
 * (getsockopt reads it back as zero, as Linux does). */
#define NO_WAIT_NS 1

static int is_timeout(int level, int name)
{
    return level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO);
}

/* A zero timeval means no timeout (wait for ever), as on Linux. */
static int set_timeout(struct file *f, int writing, const void *val,
                       socklen_t len)
{
    struct timeval tv;

    if (!val || len < sizeof(tv)) {
        errno = EINVAL;
        return -1;
    }
    tv = *(const struct timeval *)val;
    if (tv.tv_usec < 0 || tv.tv_usec >= 1000000) {
        errno = EDOM;
        return -1;
    }
    if (tv.tv_sec < 0) { /* Linux: a negative time is no wait at all */
        f->timeout_ns[writing] = NO_WAIT_NS;
        return 0;
    }
    if ((uint64_t)tv.tv_sec > MAX_TIMEOUT_SEC)
        tv.tv_sec = (time_t)MAX_TIMEOUT_SEC;
    f->timeout_ns[writing] = (uint64_t)tv.tv_sec * NS_PER_SEC +
                             (uint64_t)tv.tv_usec * 1000;
    return 0;
}

static int get_timeout(struct file *f, int writing, void *val, socklen_t *len)
{
    uint64_t ns = f->timeout_ns[writing];
    struct timeval tv = {(time_t)(ns / NS_PER_SEC),
                         (suseconds_t)(ns % NS_PER_SEC / 1000)};

    if (!val || !len || *len < sizeof(tv)) {
        errno = EINVAL;
        return -1;
    }
    *(struct timeval *)val = tv;
    *len = sizeof(tv);
    return 0;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    struct file *f;
    int s;

    if (!(f = socket_file(fd, &s)))
        return -1;
    if (is_timeout(level, name))
        return set_timeout(f, name == SO_SNDTIMEO, val, len);
    return lwip_setsockopt(s, level, name, val, len);
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
    struct file *f;
    int s;

    if (!(f = socket_file(fd, &s)))
        return -1;
    if (is_timeout(level, name))
        return get_timeout(f, name == SO_SNDTIMEO, val, len);
    if (lwip_getsockopt(s, level, name, val, len) < 0)
        return -1;
    if (level == SOL_SOCKET && name == SO_ERROR)
        *(int *)val = socket_connect_result(s, *(int *)val);
    return 0;
}
